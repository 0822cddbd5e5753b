//! numkern against OpenBLAS on the same inputs, in one run, interleaved.
//!
//!     cargo bench --bench vs_openblas [-- FILTER]
//!
//! OpenBLAS is Debian's `libopenblas-dev` (`tests/run_all.sh` installs it),
//! loaded at run time with dlopen so nothing else links against it; GEMM
//! rows also compare against the OpenBLAS bundled in NumPy's wheel
//! (scipy-openblas, ILP64, found through `python3 -c "import numpy"` or
//! `NUMKERN_SCIPY_OPENBLAS=/path/to/libscipy_openblas64_*.so`), the one
//! NumPy users actually run, and print the ratio against the faster. Each
//! row alternates numkern and OpenBLAS samples (about 20 ms each) and
//! prints the medians: GFLOP/s for GEMM, GB/s for dot and GEMV, and the
//! ratio numkern / OpenBLAS (above 1: numkern is faster). The same run
//! measures this machine's FMA peak and a plain read loop's bandwidth, the
//! ceilings the targets are stated against. Rows are row-major, as
//! NumPy's arrays are; the thread count applies to both libraries.

use numkern::ops::Exec;
use numkern::{set_num_threads, ArrayView, ArrayViewMut, Real};
use std::ffi::{c_char, c_int, c_void, CStr};
use std::hint::black_box;
use std::time::Instant;

extern "C" {
    fn dlopen(filename: *const c_char, flag: c_int) -> *mut c_void;
    fn dlsym(handle: *mut c_void, symbol: *const c_char) -> *mut c_void;
}

type Gemm<T> = unsafe extern "C" fn(c_int, c_int, c_int, c_int, c_int, c_int, T, *const T, c_int, *const T, c_int, T, *mut T, c_int);
type Gemv<T> = unsafe extern "C" fn(c_int, c_int, c_int, c_int, T, *const T, c_int, *const T, c_int, T, *mut T, c_int);
type Dot<T> = unsafe extern "C" fn(c_int, *const T, c_int, *const T, c_int) -> T;

struct OpenBlas {
    sgemm: Gemm<f32>,
    dgemm: Gemm<f64>,
    sgemv: Gemv<f32>,
    sdot: Dot<f32>,
    ddot: Dot<f64>,
    set_threads: unsafe extern "C" fn(c_int),
    config: unsafe extern "C" fn() -> *const c_char,
}

/// NumPy's bundled OpenBLAS: the ILP64 interface (64-bit sizes), its
/// symbols prefixed `scipy_` and suffixed `64_`.
type Gemm64<T> = unsafe extern "C" fn(c_int, c_int, c_int, i64, i64, i64, T, *const T, i64, *const T, i64, T, *mut T, i64);

struct ScipyBlas {
    sgemm: Gemm64<f32>,
    dgemm: Gemm64<f64>,
    set_threads: unsafe extern "C" fn(c_int),
    config: unsafe extern "C" fn() -> *const c_char,
}

impl ScipyBlas {
    fn load() -> Option<ScipyBlas> {
        let path = std::env::var("NUMKERN_SCIPY_OPENBLAS").ok().or_else(|| {
            let out = std::process::Command::new("python3")
                .args(["-c", "import glob, os, numpy; print(sorted(glob.glob(os.path.join(os.path.dirname(numpy.__file__), '..', 'numpy.libs', 'libscipy_openblas*.so')))[0])"])
                .output()
                .ok()?;
            out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
        })?;
        let cpath = std::ffi::CString::new(path).ok()?;
        // SAFETY: as OpenBlas::load; the ILP64 signatures are those of
        // scipy-openblas's cblas.h.
        unsafe {
            let h = dlopen(cpath.as_ptr(), 2);
            if h.is_null() {
                return None;
            }
            Some(ScipyBlas {
                sgemm: symbol(h, "scipy_cblas_sgemm64_\0")?,
                dgemm: symbol(h, "scipy_cblas_dgemm64_\0")?,
                set_threads: symbol(h, "scipy_openblas_set_num_threads64_\0")?,
                config: symbol(h, "scipy_openblas_get_config64_\0")?,
            })
        }
    }
}

/// Symbol `name` (NUL-terminated) of the library `h` as a function pointer
/// of type `F`.
///
/// # Safety
/// `F` must be a function pointer type matching the symbol's signature.
unsafe fn symbol<F: Copy>(h: *mut c_void, name: &str) -> Option<F> {
    let p = dlsym(h, name.as_ptr().cast());
    (!p.is_null()).then(|| std::mem::transmute_copy::<*mut c_void, F>(&p))
}

const ROW_MAJOR: c_int = 101;
const NO_TRANS: c_int = 111;

impl OpenBlas {
    fn load() -> Option<OpenBlas> {
        // SAFETY: dlopen/dlsym with NUL-terminated names; each symbol is
        // transmuted to the signature cblas.h declares for it.
        unsafe {
            let h = ["libopenblas.so.0\0", "libopenblas.so\0"].iter().map(|n| dlopen(n.as_ptr().cast(), 2)).find(|h| !h.is_null())?;
            Some(OpenBlas {
                sgemm: symbol(h, "cblas_sgemm\0")?,
                dgemm: symbol(h, "cblas_dgemm\0")?,
                sgemv: symbol(h, "cblas_sgemv\0")?,
                sdot: symbol(h, "cblas_sdot\0")?,
                ddot: symbol(h, "cblas_ddot\0")?,
                set_threads: symbol(h, "openblas_set_num_threads\0")?,
                config: symbol(h, "openblas_get_config\0")?,
            })
        }
    }
}

/// Median seconds per call of `nk` and `ob`, sampled alternately (the
/// order flips every sample so neither always runs on a warm cache).
fn compare(mut nk: impl FnMut(), mut ob: impl FnMut()) -> (f64, f64) {
    nk();
    ob();
    let t = Instant::now();
    nk();
    let once = t.elapsed().as_secs_f64().max(1e-9);
    let reps = ((0.02 / once) as usize).clamp(1, 1_000_000);
    let samples = if once > 0.1 { 5 } else { 11 };
    let time = |f: &mut dyn FnMut()| {
        let t = Instant::now();
        for _ in 0..reps {
            f();
        }
        t.elapsed().as_secs_f64() / reps as f64
    };
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for s in 0..samples {
        if s % 2 == 0 {
            a.push(time(&mut nk));
            b.push(time(&mut ob));
        } else {
            b.push(time(&mut ob));
            a.push(time(&mut nk));
        }
    }
    (median(a), median(b))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|x, y| x.partial_cmp(y).unwrap());
    v[v.len() / 2]
}

fn fill<T: Real>(len: usize, seed: u64) -> Vec<T> {
    let mut s = seed | 1;
    (0..len)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            T::from_f64((s >> 11) as f64 / (1u64 << 53) as f64 - 0.5)
        })
        .collect()
}

/// Largest |x - y| relative to the largest |y|: the two libraries agree.
fn rel_diff<T: Real>(x: &[T], y: &[T]) -> f64 {
    let scale = y.iter().fold(0.0f64, |m, v| m.max(v.to_f64().abs())).max(f64::MIN_POSITIVE);
    x.iter().zip(y).fold(0.0f64, |m, (a, b)| m.max((a.to_f64() - b.to_f64()).abs())) / scale
}

fn row(case: &str, threads: usize, unit: &str, nk: f64, ob: f64, extra: &str) {
    println!("| {case:<24} | {threads} | {nk:>8.1} | {ob:>8.1} | {unit:<7} | {:>5.2}x | {extra}", nk / ob);
}

trait Blas: Real + numkern::kernels::KernelFloat {
    const NAME: &'static str;
    fn gemm(ob: &OpenBlas) -> Gemm<Self>;
    fn gemm64(sp: &ScipyBlas) -> Gemm64<Self>;
    fn dot(ob: &OpenBlas) -> Dot<Self>;
}
impl Blas for f32 {
    const NAME: &'static str = "f32";
    fn gemm(ob: &OpenBlas) -> Gemm<f32> {
        ob.sgemm
    }
    fn gemm64(sp: &ScipyBlas) -> Gemm64<f32> {
        sp.sgemm
    }
    fn dot(ob: &OpenBlas) -> Dot<f32> {
        ob.sdot
    }
}
impl Blas for f64 {
    const NAME: &'static str = "f64";
    fn gemm(ob: &OpenBlas) -> Gemm<f64> {
        ob.dgemm
    }
    fn gemm64(sp: &ScipyBlas) -> Gemm64<f64> {
        sp.dgemm
    }
    fn dot(ob: &OpenBlas) -> Dot<f64> {
        ob.ddot
    }
}

fn bench_gemm<T: Blas>(ob: &OpenBlas, sp: Option<&ScipyBlas>, (m, k, n): (usize, usize, usize), threads: usize) {
    let (a, b) = (fill::<T>(m * k, 1), fill::<T>(k * n, 2));
    let (mut c_nk, mut c_ob) = (vec![T::from_f64(0.0); m * n], vec![T::from_f64(0.0); m * n]);
    let (one, zero) = (T::from_f64(1.0), T::from_f64(0.0));
    let (av, bv) = (ArrayView::from_slice(&a, &[m, k]).unwrap(), ArrayView::from_slice(&b, &[k, n]).unwrap());
    let gemm = T::gemm(ob);
    // The views are made once, as a caller holding arrays has them.
    let mut cv = ArrayViewMut::from_slice(&mut c_nk, &[m, n]).unwrap();
    let (t_nk, t_ob) = compare(
        || Exec::current().gemm(one, black_box(&av), black_box(&bv), zero, &mut cv).unwrap(),
        // SAFETY: row-major operands of the stated sizes.
        || unsafe {
            gemm(ROW_MAJOR, NO_TRANS, NO_TRANS, m as c_int, n as c_int, k as c_int, one, a.as_ptr(), k as c_int, b.as_ptr(), n as c_int, zero, c_ob.as_mut_ptr(), n as c_int)
        },
    );
    let gflop = 2.0 * (m * n * k) as f64 / 1e9;
    let mut sp_note = String::new();
    if let Some(sp) = sp {
        // A second interleaved pairing: numkern against NumPy's OpenBLAS.
        let gemm64 = T::gemm64(sp);
        let (t_nk2, t_sp) = compare(
            || Exec::current().gemm(one, black_box(&av), black_box(&bv), zero, &mut cv).unwrap(),
            // SAFETY: row-major operands of the stated sizes.
            || unsafe {
                gemm64(ROW_MAJOR, NO_TRANS, NO_TRANS, m as i64, n as i64, k as i64, one, a.as_ptr(), k as i64, b.as_ptr(), n as i64, zero, c_ob.as_mut_ptr(), n as i64)
            },
        );
        let worst = (t_ob / t_nk).min(t_sp / t_nk2);
        sp_note = format!(
            "NumPy's OpenBLAS {:.1} GFLOP/s, numkern {:.1} beside it: {:.2}x; vs the faster {:.2}x; ",
            gflop / t_sp,
            gflop / t_nk2,
            t_sp / t_nk2,
            worst
        );
    }
    drop(cv);
    // (c_ob holds the last OpenBLAS result: NumPy's when it was measured.)
    let extra = format!("{sp_note}max rel diff {:.1e}", rel_diff(&c_nk, &c_ob));
    let case = if m == n && n == k { format!("{} gemm {n}", T::NAME) } else { format!("{} gemm {m}x{k}x{n}", T::NAME) };
    row(&case, threads, "GFLOP/s", gflop / t_nk, gflop / t_ob, &extra);
}

/// Seconds for one pass of a plain read loop over `bufs` (independent
/// vector sums, AVX-512 where the CPU has it), split over `threads` pool
/// threads: the read-bandwidth ceiling dot and GEMV are measured against.
fn read_loop(bufs: &[&[f32]], threads: usize) -> f64 {
    fn sum(x: &[f32]) -> f32 {
        #[cfg(target_arch = "x86_64")]
        if is_x86_feature_detected!("avx512f") {
            #[target_feature(enable = "avx512f")]
            unsafe fn sum512(x: &[f32]) -> f32 {
                use std::arch::x86_64::*;
                let (mut s0, mut s1, mut s2, mut s3) = (_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps());
                for c in x.chunks_exact(64) {
                    let p = c.as_ptr();
                    s0 = _mm512_add_ps(s0, _mm512_loadu_ps(p));
                    s1 = _mm512_add_ps(s1, _mm512_loadu_ps(p.add(16)));
                    s2 = _mm512_add_ps(s2, _mm512_loadu_ps(p.add(32)));
                    s3 = _mm512_add_ps(s3, _mm512_loadu_ps(p.add(48)));
                }
                _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3)))
            }
            // SAFETY: the feature was detected.
            return unsafe { sum512(x) };
        }
        let mut acc = [0f32; 64];
        for c in x.chunks_exact(64) {
            for (a, v) in acc.iter_mut().zip(c) {
                *a += v;
            }
        }
        acc.iter().sum()
    }
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    let pass = || {
        if threads == 1 {
            for b in bufs {
                black_box(sum(b));
            }
            return;
        }
        pool.install(|| {
            use rayon::prelude::*;
            (0..threads).into_par_iter().for_each(|t| {
                for b in bufs {
                    let part = b.len() / threads;
                    black_box(sum(&b[t * part..(t + 1) * part]));
                }
            })
        });
    };
    let (t, _) = compare(pass, || {});
    // A buffer too small to pay for a thread hand-off is read fastest by
    // one thread: the ceiling is the faster of the two.
    if threads > 1 {
        return t.min(read_loop(bufs, 1));
    }
    t
}

/// `1e3`, `1e6`, `1.6e7`: the element counts as the issue writes them
/// (`{:.0e}` would print 16_000_000 as `2e7`).
fn count_label(n: usize) -> String {
    let exp = (n as f64).log10().floor() as i32;
    let mantissa = n as f64 / 10f64.powi(exp);
    if mantissa == mantissa.round() { format!("{mantissa}e{exp}") } else { format!("{mantissa:.1}e{exp}") }
}

fn bench_dot<T: Blas>(ob: &OpenBlas, n: usize, threads: usize) {
    let (x, y) = (fill::<T>(n, 3), fill::<T>(n, 4));
    let (xv, yv) = (ArrayView::from_slice(&x, &[n]).unwrap(), ArrayView::from_slice(&y, &[n]).unwrap());
    let dot = T::dot(ob);
    let (mut r_nk, mut r_ob) = (T::from_f64(0.0), T::from_f64(0.0));
    let (t_nk, t_ob) = compare(
        || r_nk = Exec::current().dot(black_box(&xv), black_box(&yv)).unwrap(),
        // SAFETY: two vectors of n elements.
        || r_ob = unsafe { dot(n as c_int, x.as_ptr(), 1, y.as_ptr(), 1) },
    );
    let bytes = 2.0 * (n * std::mem::size_of::<T>()) as f64;
    let words = bytes as usize / 4;
    let (xa, ya) = (fill::<f32>(words / 2, 5), fill::<f32>(words / 2, 6));
    let t_read = read_loop(&[&xa, &ya], threads);
    let extra = format!("read loop {:.1} GB/s, numkern at {:.0}% of it; |diff| {:.1e}", bytes / t_read / 1e9, 100.0 * t_read / t_nk, (r_nk.to_f64() - r_ob.to_f64()).abs());
    row(&format!("{} dot {}", T::NAME, count_label(n)), threads, "GB/s", bytes / t_nk / 1e9, bytes / t_ob / 1e9, &extra);
}

fn bench_sgemv(ob: &OpenBlas, n: usize, threads: usize) {
    let (a, x) = (fill::<f32>(n * n, 7), fill::<f32>(n, 8));
    let (mut y_nk, mut y_ob) = (vec![0f32; n], vec![0f32; n]);
    let (av, xv) = (ArrayView::from_slice(&a, &[n, n]).unwrap(), ArrayView::from_slice(&x, &[n]).unwrap());
    let (t_nk, t_ob) = compare(
        || Exec::current().gemv(1.0, black_box(&av), black_box(&xv), 0.0, &mut ArrayViewMut::from_slice(&mut y_nk, &[n]).unwrap()).unwrap(),
        // SAFETY: a row-major n x n matrix and vectors of n.
        || unsafe { (ob.sgemv)(ROW_MAJOR, NO_TRANS, n as c_int, n as c_int, 1.0, a.as_ptr(), n as c_int, x.as_ptr(), 1, 0.0, y_ob.as_mut_ptr(), 1) },
    );
    let bytes = (n * n * 4) as f64;
    let t_read = read_loop(&[&a], threads);
    let extra = format!("read loop {:.1} GB/s, numkern at {:.0}% of it; max rel diff {:.1e}", bytes / t_read / 1e9, 100.0 * t_read / t_nk, rel_diff(&y_nk, &y_ob));
    row(&format!("f32 gemv {n}x{n}"), threads, "GB/s", bytes / t_nk / 1e9, bytes / t_ob / 1e9, &extra);
}

/// This machine's f32 FMA peak per thread count: 24 independent FMA chains
/// per thread on the widest vectors the CPU has.
fn fma_peak(threads: usize) -> f64 {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        // Twelve named accumulators (an array is kept in memory by the
        // compiler, which made the loop latency-bound at half the peak).
        macro_rules! chains {
            ($name:ident, $feat:literal, $V:ty, $set1:ident, $fma:ident, $add:ident) => {
                #[target_feature(enable = $feat)]
                unsafe fn $name(iters: usize) -> $V {
                    let (a, b) = ($set1(0.999_999), $set1(1e-7));
                    let (mut c0, mut c1, mut c2, mut c3, mut c4, mut c5) = ($set1(1.0), $set1(1.0), $set1(1.0), $set1(1.0), $set1(1.0), $set1(1.0));
                    let (mut c6, mut c7, mut c8, mut c9, mut c10, mut c11) = ($set1(1.0), $set1(1.0), $set1(1.0), $set1(1.0), $set1(1.0), $set1(1.0));
                    for _ in 0..iters {
                        c0 = $fma(c0, a, b);
                        c1 = $fma(c1, a, b);
                        c2 = $fma(c2, a, b);
                        c3 = $fma(c3, a, b);
                        c4 = $fma(c4, a, b);
                        c5 = $fma(c5, a, b);
                        c6 = $fma(c6, a, b);
                        c7 = $fma(c7, a, b);
                        c8 = $fma(c8, a, b);
                        c9 = $fma(c9, a, b);
                        c10 = $fma(c10, a, b);
                        c11 = $fma(c11, a, b);
                    }
                    $add($add($add($add(c0, c1), $add(c2, c3)), $add($add(c4, c5), $add(c6, c7))), $add($add(c8, c9), $add(c10, c11)))
                }
            };
        }
        chains!(chains512, "avx512f", __m512, _mm512_set1_ps, _mm512_fmadd_ps, _mm512_add_ps);
        chains!(chains256, "avx2,fma", __m256, _mm256_set1_ps, _mm256_fmadd_ps, _mm256_add_ps);
        let (wide, flops_per_iter) = if is_x86_feature_detected!("avx512f") { (true, 12 * 16 * 2) } else { (false, 12 * 8 * 2) };
        if !wide && !is_x86_feature_detected!("fma") {
            return f64::NAN;
        }
        let iters = 40_000_000;
        let run = || {
            // SAFETY: the feature was detected above.
            unsafe {
                if wide {
                    black_box(chains512(iters));
                } else {
                    black_box(chains256(iters));
                }
            }
        };
        run();
        let t = Instant::now();
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(run);
            }
        });
        (flops_per_iter * iters * threads) as f64 / t.elapsed().as_secs_f64() / 1e9
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = threads;
        f64::NAN
    }
}

fn main() {
    let filter: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let wanted = |name: &str| filter.is_empty() || filter.iter().any(|f| name.contains(f.as_str()));
    // OpenBLAS's idle workers busy-wait for 2^28 cycles (~75 ms here) after
    // each call. On two cores that spinner takes the core numkern's helper
    // needs in the numkern sample that follows, and numkern's 2-thread rows
    // then ran at its 1-thread speed. 2^22 cycles (~1 ms) still covers the
    // back-to-back calls of OpenBLAS's own samples. Read when it loads.
    if std::env::var_os("OPENBLAS_THREAD_TIMEOUT").is_none() {
        std::env::set_var("OPENBLAS_THREAD_TIMEOUT", "22");
    }
    let Some(ob) = OpenBlas::load() else {
        println!("OpenBLAS not found (install Debian's libopenblas-dev); nothing to compare.");
        return;
    };
    // SAFETY: openblas_get_config returns a static C string.
    let config = unsafe { CStr::from_ptr((ob.config)()) }.to_string_lossy().into_owned();
    let timeout = std::env::var("OPENBLAS_THREAD_TIMEOUT").unwrap_or_default();
    println!("numkern tier {:?} | OpenBLAS: {config} | OPENBLAS_THREAD_TIMEOUT={timeout}", numkern::active_tier());
    let sp = ScipyBlas::load();
    match &sp {
        // SAFETY: returns a static C string.
        Some(sp) => println!("NumPy's OpenBLAS: {}", unsafe { CStr::from_ptr((sp.config)()) }.to_string_lossy()),
        None => println!("NumPy's OpenBLAS not found (pip install numpy, or set NUMKERN_SCIPY_OPENBLAS); GEMM rows compare with Debian's only."),
    }
    for threads in [1, 2] {
        println!("f32 FMA peak, {threads} thread(s): {:.1} GFLOP/s", fma_peak(threads));
    }
    println!("| case                     | t | numkern  | OpenBLAS | unit    | ratio | notes");
    println!("|---|---|---|---|---|---|---|");
    let squares = [32usize, 64, 128, 256, 512, 1024, 2048];
    let shapes: Vec<(usize, usize, usize)> = squares.iter().map(|&n| (n, n, n)).chain([(32, 784, 128), (4096, 1024, 1024)]).collect();
    for threads in [1, 2] {
        set_num_threads(threads);
        // SAFETY: plain setter.
        unsafe { (ob.set_threads)(threads as c_int) };
        if let Some(sp) = &sp {
            // SAFETY: plain setter.
            unsafe { (sp.set_threads)(threads as c_int) };
        }
        for &shape in &shapes {
            let label = |dt: &str| if shape.0 == shape.1 { format!("{dt} gemm {}", shape.0) } else { format!("{dt} gemm {}x{}x{}", shape.0, shape.1, shape.2) };
            if wanted(&label("f32")) {
                bench_gemm::<f32>(&ob, sp.as_ref(), shape, threads);
            }
            if wanted(&label("f64")) {
                bench_gemm::<f64>(&ob, sp.as_ref(), shape, threads);
            }
        }
        for n in [1_000usize, 1_000_000, 16_000_000] {
            if wanted(&format!("f32 dot {}", count_label(n))) {
                bench_dot::<f32>(&ob, n, threads);
            }
            if wanted(&format!("f64 dot {}", count_label(n))) {
                bench_dot::<f64>(&ob, n, threads);
            }
        }
        if wanted("f32 gemv") {
            bench_sgemv(&ob, 4096, threads);
        }
    }
}
