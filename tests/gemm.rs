//! GEMM and the fused linear layer on every tier, against a reference
//! computed in f64, over sizes around the register tile and the K block,
//! row-major, column-major, general-stride and reversed operands.

mod common;
use common::{exec, random_layout, tiers, Rng};
use numkern::dispatch::CpuFamily;
use numkern::framework::gemm::{cache_sizes, Blocking, CacheSizes};
use numkern::kernels::{gemm_kernel, Activation, BinaryOp, KernelFloat};
use numkern::ops::Exec;
use numkern::{ArrayView, ArrayViewMut, ErrorKind, Real};
use proptest::prelude::*;

/// A random m x n matrix in a random layout: (buffer, offset, strides).
fn random_matrix<T: Real>(rng: &mut Rng, m: usize, n: usize, fill: Option<T>) -> (Vec<T>, usize, Vec<isize>) {
    let (len, offset, strides) = random_layout(rng, &[m, n]);
    let data = (0..len).map(|_| fill.unwrap_or_else(|| T::from_f64(rng.unit() * 2.0 - 1.0))).collect();
    (data, offset, strides)
}

fn at<T: Copy>(m: &(Vec<T>, usize, Vec<isize>), i: usize, j: usize) -> T {
    m.0[(m.1 as isize + i as isize * m.2[0] + j as isize * m.2[1]) as usize]
}

/// Sizes that hit every edge of the blocking: 0, 1, the register tile
/// and its neighbours, and (for K) one past the cache block.
fn interesting_sizes<T: KernelFloat>(exec: Exec) -> (Vec<usize>, Vec<usize>, Vec<usize>) {
    let kern = gemm_kernel::<T>(exec.0.tier);
    let blk = Blocking::new(kern.mr, kern.nr, std::mem::size_of::<T>(), cache_sizes());
    // A and B read in place have their own tile (and C^T swaps the two).
    let (mi, ni) = (kern.mr_in_place, kern.nr_in_place);
    let ms = vec![0, 1, 2, kern.mr - 1, kern.mr, kern.mr + 1, 2 * kern.mr + 3, 45, mi - 1, mi + 1, ni + 1];
    let ns = vec![0, 1, kern.nr - 1, kern.nr, kern.nr + 1, 3 * kern.nr + 2, 29, ni - 1, ni + 1, mi + 1];
    let ks = vec![0, 1, 2, 7, 16, 33, blk.kc - 1, blk.kc + 1];
    (ms, ns, ks)
}

fn check_gemm<T: KernelFloat>(seed: u64, exec: Exec) -> Result<(), TestCaseError> {
    let mut rng = Rng(seed | 1);
    let (ms, ns, ks) = interesting_sizes::<T>(exec);
    let pick = |rng: &mut Rng, v: &[usize]| v[(rng.next_u64() % v.len() as u64) as usize];
    let (m, n, k) = (pick(&mut rng, &ms), pick(&mut rng, &ns), pick(&mut rng, &ks));
    let alpha = [1.0, -0.5, 2.5, 0.0][(rng.next_u64() % 4) as usize];
    let beta = [0.0, 1.0, -1.5][(rng.next_u64() % 3) as usize];
    let a = random_matrix::<T>(&mut rng, m, k, None);
    let b = random_matrix::<T>(&mut rng, k, n, None);
    // beta = 0 must not read C: fill it with NaN then.
    let mut c = random_matrix::<T>(&mut rng, m, n, (beta == 0.0).then(|| T::from_f64(f64::NAN)));
    let c0 = c.clone();
    let av = ArrayView::from_slice_strided(&a.0, a.1, &[m, k], &a.2).unwrap();
    let bv = ArrayView::from_slice_strided(&b.0, b.1, &[k, n], &b.2).unwrap();
    let mut cv = ArrayViewMut::from_slice_strided(&mut c.0, c.1, &[m, n], &c.2).unwrap();
    exec.gemm(T::from_f64(alpha), &av, &bv, T::from_f64(beta), &mut cv).unwrap();
    // The safe API takes a short cut past the checked path that C callers
    // (and N-d or vector products) take: both give the same bits.
    let mut c_raw = c0.clone();
    let craw = ArrayViewMut::from_slice_strided(&mut c_raw.0, c.1, &[m, n], &c.2).unwrap();
    // SAFETY: views of live vectors; c_raw is apart from a and b.
    unsafe { numkern::ops::gemm_raw(exec, alpha, av.raw(), bv.raw(), beta, craw.raw()) }.unwrap();
    for (x, y) in c.0.iter().zip(&c_raw.0) {
        prop_assert!(x.to_f64().to_bits() == y.to_f64().to_bits() || (x.to_f64().is_nan() && y.to_f64().is_nan()), "safe API and gemm_raw differ");
    }
    let eps = T::from_f64(1.0).to_f64() * if std::mem::size_of::<T>() == 4 { f32::EPSILON as f64 } else { f64::EPSILON };
    for i in 0..m {
        for j in 0..n {
            let (mut exact, mut magnitude) = (0.0f64, 0.0f64);
            for p in 0..k {
                let prod = at(&a, i, p).to_f64() * at(&b, p, j).to_f64();
                exact += prod;
                magnitude += prod.abs();
            }
            let old = if beta == 0.0 { 0.0 } else { at(&c0, i, j).to_f64() };
            let reference = alpha * exact + beta * old;
            // 2 gamma_{k+2} (|alpha| |A||B| + |beta C|), gamma_j = j u / (1 - j u).
            let bound = (k as f64 + 2.0) * eps * (alpha.abs() * magnitude + (beta * old).abs()) + f64::MIN_POSITIVE;
            let got = at(&c, i, j).to_f64();
            prop_assert!(
                (got - reference).abs() <= bound,
                "{:?} {}x{}x{} alpha {alpha} beta {beta} at ({i}, {j}): {got} vs {reference} (bound {bound})",
                exec.0.tier, m, k, n
            );
        }
    }
    // Nothing outside C's elements was written.
    let mut inside = vec![false; c.0.len()];
    for i in 0..m {
        for j in 0..n {
            inside[(c.1 as isize + i as isize * c.2[0] + j as isize * c.2[1]) as usize] = true;
        }
    }
    for (idx, (x, y)) in c.0.iter().zip(&c0.0).enumerate() {
        prop_assert!(inside[idx] || x.to_f64().to_bits() == y.to_f64().to_bits(), "wrote outside C at {idx}");
    }
    Ok(())
}

/// The fused layer gives the same bits as the three passes it replaces:
/// `out = x w`, `out += bias`, `out = act(out)`.
fn check_linear<T: KernelFloat>(seed: u64, exec: Exec) -> Result<(), TestCaseError> {
    let mut rng = Rng(seed | 1);
    let (ms, ns, ks) = interesting_sizes::<T>(exec);
    let pick = |rng: &mut Rng, v: &[usize]| v[(rng.next_u64() % v.len() as u64) as usize];
    let (m, n, k) = (pick(&mut rng, &ms), pick(&mut rng, &ns), pick(&mut rng, &ks));
    let act = Activation::ALL[(rng.next_u64() % Activation::ALL.len() as u64) as usize];
    let x = random_matrix::<T>(&mut rng, m, k, None);
    let w = random_matrix::<T>(&mut rng, k, n, None);
    let bias: Vec<T> = (0..2 * n + 1).map(|_| T::from_f64(rng.unit() * 2.0 - 1.0)).collect();
    let (bias_offset, bias_stride) = if rng.next_u64() % 2 == 0 { (0, 1) } else { (2 * n.max(1) - 2, -2) };
    let bias_view = ArrayView::from_slice_strided(&bias, bias_offset.min(bias.len() - 1), &[n], &[bias_stride]).unwrap();
    let with_bias = rng.next_u64() % 4 != 0;
    let xv = ArrayView::from_slice_strided(&x.0, x.1, &[m, k], &x.2).unwrap();
    let wv = ArrayView::from_slice_strided(&w.0, w.1, &[k, n], &w.2).unwrap();
    let mut fused = random_matrix::<T>(&mut rng, m, n, Some(T::from_f64(f64::NAN)));
    let mut fv = ArrayViewMut::from_slice_strided(&mut fused.0, fused.1, &[m, n], &fused.2).unwrap();
    exec.linear(&xv, &wv, with_bias.then_some(&bias_view), act, &mut fv).unwrap();
    let mut plain = vec![T::from_f64(f64::NAN); m * n];
    let mut pv = ArrayViewMut::from_slice(&mut plain, &[m, n]).unwrap();
    exec.gemm(T::from_f64(1.0), &xv, &wv, T::from_f64(0.0), &mut pv).unwrap();
    if with_bias {
        exec.binary_inplace(BinaryOp::Add, &mut pv, &bias_view).unwrap();
    }
    if let Some(op) = act.unary_op() {
        exec.unary_inplace(op, Default::default(), &mut pv).unwrap();
    }
    for i in 0..m {
        for j in 0..n {
            let (f, p) = (at(&fused, i, j).to_f64(), plain[i * n + j].to_f64());
            prop_assert!(f.to_bits() == p.to_bits(), "{:?} {act:?} {m}x{k}x{n} at ({i}, {j}): fused {f} vs {p}", exec.0.tier);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(256), ..ProptestConfig::default() })]
    #[test]
    fn gemm_f32_matches_reference(seed in any::<u64>()) {
        for e in tiers() { check_gemm::<f32>(seed, e)?; }
    }
    #[test]
    fn gemm_f64_matches_reference(seed in any::<u64>()) {
        for e in tiers() { check_gemm::<f64>(seed, e)?; }
    }
    #[test]
    fn linear_fuses_bias_and_activation(seed in any::<u64>()) {
        for e in tiers() { check_linear::<f32>(seed, e)?; check_linear::<f64>(seed, e)?; }
    }
}

/// Above the threading threshold, 1, 2, 3 and 8 threads give the same bits
/// (threads split M and N, never K), on the in-place and packed paths,
/// within one K block and past it, and over several M blocks.
#[test]
fn gemm_bitwise_identical_across_threads() {
    // 330^3 is packed on one thread and read in place on two (on CPUs other
    // than Zen): the two paths must agree too.
    for (m, k, n) in [(203, 301, 187), (131, 1100, 97), (96, 3000, 80), (1100, 64, 40), (330, 330, 330)] {
        let a: Vec<f32> = (0..m * k).map(|i| ((i * 7919) % 1013) as f32 / 1013.0 - 0.5).collect();
        let b: Vec<f32> = (0..k * n).map(|i| ((i * 104_729) % 997) as f32 / 997.0 - 0.5).collect();
        for e in tiers() {
            let mut results = Vec::new();
            for threads in [1, 2, 3, 8] {
                let ex = exec(e.0.tier, threads);
                let av = ArrayView::from_slice(&a, &[m, k]).unwrap();
                // Row-major B with a row-major C reads B in place; the
                // other three pairs pack.
                let mut run = Vec::new();
                for b_strides in [[n as isize, 1], [1, k as isize]] {
                    let bv = ArrayView::from_slice_strided(&b, 0, &[k, n], &b_strides).unwrap();
                    let mut c = vec![0f32; m * n];
                    ex.gemm(1.5, &av, &bv, 0.0, &mut ArrayViewMut::from_slice(&mut c, &[m, n]).unwrap()).unwrap();
                    let mut ct = vec![0f32; m * n];
                    let mut ctv = ArrayViewMut::from_slice_strided(&mut ct, 0, &[m, n], &[1, m as isize]).unwrap();
                    ex.gemm(1.5, &av, &bv, 0.0, &mut ctv).unwrap();
                    run.extend([c, ct]);
                }
                results.push(run);
            }
            for (t, r) in results.iter().enumerate().skip(1) {
                for (layout, (got, want)) in r.iter().zip(&results[0]).enumerate() {
                    assert!(got.iter().zip(want).all(|(x, y)| x.to_bits() == y.to_bits()), "{:?} {m}x{k}x{n}: threads differ (case {t}, layout {layout})", e.0.tier);
                }
            }
        }
    }
}

/// Each CPU family's blocking rule on the caches it was tuned on: Zen 4
/// (32 KiB L1d, 1 MiB L2) fills L1 with B's micro-panel and twice L2 with
/// A's block; the others (a Xeon: 48 KiB, 2 MiB) take half of each. Every
/// block is a whole number of register tiles.
#[test]
fn blocking_follows_each_family_rule() {
    let zen = CacheSizes { l1d: 32 << 10, l2: 1 << 20, l3: 32 << 20, family: CpuFamily::Zen };
    let xeon = CacheSizes { l1d: 48 << 10, l2: 2 << 20, l3: 105 << 20, family: CpuFamily::Other };
    // f32 32 x 12 tiles: KC = 32768 / 48 = 682 -> 680, MC = 2 MiB / (680 * 4) = 771 -> 768.
    assert_eq!(Blocking::new(32, 12, 4, zen), Blocking { mr: 32, nr: 12, kc: 680, mc: 768, nc: 3084 });
    // KC = 24576 / 48 = 512, MC = 1 MiB / (512 * 4) = 512, NC = 26.25 MiB / 2 KiB -> 13440, capped at 8184.
    assert_eq!(Blocking::new(32, 12, 4, xeon), Blocking { mr: 32, nr: 12, kc: 512, mc: 512, nc: 8184 });
    // f64 24 x 8 tiles: KC = 24576 / 64 = 384, MC = 1 MiB / 3 KiB = 341 -> 336.
    assert_eq!(Blocking::new(24, 8, 8, xeon), Blocking { mr: 24, nr: 8, kc: 384, mc: 336, nc: 8192 });
    assert!(CpuFamily::Zen.in_place_work(1) > CpuFamily::Other.in_place_work(2));
    assert!(CpuFamily::Other.in_place_work(2) >= CpuFamily::Other.in_place_work(1));
    let detected = cache_sizes();
    for (mr, nr, elem) in [(32, 12, 4), (24, 8, 8), (16, 6, 4), (8, 6, 8)] {
        let b = Blocking::new(mr, nr, elem, detected);
        assert!(b.kc >= 64 && b.kc % 8 == 0 && b.mc % mr == 0 && b.nc % nr == 0, "{b:?} for {detected:?}");
    }
}

/// The in-place path (B's rows contiguous, for a row-major C) and the
/// packed one (the same B stored column-major) form every sum in the same
/// order: the same bits, edges, K blocks and fused epilogue included.
#[test]
fn gemm_in_place_and_packed_paths_agree_bitwise() {
    for (m, k, n) in [(45, 200, 29), (64, 96, 64), (7, 33, 101), (100, 64, 3), (45, 1500, 29), (1100, 64, 40)] {
        let a: Vec<f64> = (0..m * k).map(|i| ((i * 7919) % 1013) as f64 / 1013.0 - 0.5).collect();
        let b: Vec<f64> = (0..k * n).map(|i| ((i * 104_729) % 997) as f64 / 997.0 - 0.5).collect();
        let b_cols: Vec<f64> = (0..k * n).map(|idx| b[(idx % k) * n + idx / k]).collect();
        let bias: Vec<f64> = (0..n).map(|j| j as f64 * 0.25 - 1.0).collect();
        let bias_view = ArrayView::from_slice(&bias, &[n]).unwrap();
        for e in tiers() {
            let av = ArrayView::from_slice(&a, &[m, k]).unwrap();
            let run = |b: ArrayView<f64>, act: Activation| {
                let mut c = vec![f64::NAN; m * n];
                let mut cv = ArrayViewMut::from_slice(&mut c, &[m, n]).unwrap();
                e.linear(&av, &b, Some(&bias_view), act, &mut cv).unwrap();
                c
            };
            for act in [Activation::None, Activation::Silu] {
                let in_place = run(ArrayView::from_slice(&b, &[k, n]).unwrap(), act);
                let packed = run(ArrayView::from_slice_strided(&b_cols, 0, &[k, n], &[1, k as isize]).unwrap(), act);
                assert!(
                    in_place.iter().zip(&packed).all(|(x, y)| x.to_bits() == y.to_bits()),
                    "{:?} {m}x{k}x{n} {act:?}: in-place and packed paths differ",
                    e.0.tier
                );
            }
        }
    }
}

/// On AVX-512 the in-place tile depends on the CPU family (32x8 / 16x8 on
/// Zen, 32x12 / 16x12 elsewhere), so only one is picked on any machine:
/// here both run through the framework with the packed kernel beside them,
/// and give the packed path's bits (edges of both widths included).
#[cfg(target_arch = "x86_64")]
#[test]
fn gemm_in_place_tiles_of_both_families_agree_bitwise() {
    use numkern::framework::gemm::{gemm, GemmEpilogue, Mat};
    use numkern::kernels::{tiers::avx512::gemm_micro, GemmKernel};
    if !numkern::available_tiers().contains(&numkern::Tier::Avx512) {
        return;
    }
    fn product<T: KernelFloat>(kernel: GemmKernel<T>, (m, k, n): (usize, usize, usize), a: &[T], b: &[T], b_rs: isize, b_cs: isize) -> Vec<T> {
        let mut c = vec![T::from_f64(f64::NAN); m * n];
        let mat = |p: *const T, rs: isize, cs: isize| Mat { ptr: p as *mut T, rs, cs };
        // SAFETY: row-major A and C, B at the given strides, all in bounds.
        unsafe {
            gemm(kernel, 1, (m, n, k), T::from_f64(1.0), mat(a.as_ptr(), k as isize, 1), mat(b.as_ptr(), b_rs, b_cs), T::from_f64(0.0), mat(c.as_mut_ptr(), n as isize, 1), GemmEpilogue::NONE)
        };
        c
    }
    fn check<T: KernelFloat>(zen: GemmKernel<T>, other: GemmKernel<T>) {
        for (m, k, n) in [(45, 70, 29), (64, 64, 64), (33, 17, 50), (7, 5, 3)] {
            let a: Vec<T> = (0..m * k).map(|i| T::from_f64(((i * 7919) % 1013) as f64 / 1013.0 - 0.5)).collect();
            let b: Vec<T> = (0..k * n).map(|i| T::from_f64(((i * 104_729) % 997) as f64 / 997.0 - 0.5)).collect();
            let b_cols: Vec<T> = (0..k * n).map(|idx| b[(idx % k) * n + idx / k]).collect();
            // Row-major B with a row-major C reads A and B in place (C^T =
            // B^T A^T); the column-major copy of B packs.
            let packed = product(other, (m, k, n), &a, &b_cols, 1, k as isize);
            for kernel in [zen, other] {
                let in_place = product(kernel, (m, k, n), &a, &b, n as isize, 1);
                let same = in_place.iter().zip(&packed).all(|(x, y)| x.to_f64().to_bits() == y.to_f64().to_bits());
                assert!(same, "{m}x{k}x{n}: the {}x{} in-place tile differs from the packed path", kernel.mr_in_place, kernel.nr_in_place);
            }
        }
    }
    fn with_tile<T: KernelFloat>(mut kernel: GemmKernel<T>, (mr, nr): (usize, usize), micro: unsafe fn(&numkern::kernels::gemm::MicroTile<T>)) -> GemmKernel<T> {
        (kernel.mr_in_place, kernel.nr_in_place, kernel.micro_in_place) = (mr, nr, micro);
        kernel
    }
    let base = gemm_kernel::<f32>(numkern::Tier::Avx512);
    check(with_tile(base, (32, 8), gemm_micro::<f32, 2, 8, false>), with_tile(base, (32, 12), gemm_micro::<f32, 2, 12, false>));
    let base = gemm_kernel::<f64>(numkern::Tier::Avx512);
    check(with_tile(base, (16, 8), gemm_micro::<f64, 2, 8, false>), with_tile(base, (16, 12), gemm_micro::<f64, 2, 12, false>));
}

/// linear on x with leading dimensions, (2, 3, k) and (3, k)-shaped views
/// of every layout (folded into one GEMM or run batch by batch), 1-D x and
/// a single row: the same bits as matmul, then add, then the activation.
fn check_linear_nd<T: KernelFloat>(seed: u64, exec: Exec) -> Result<(), TestCaseError> {
    let mut rng = Rng(seed | 1);
    let (k, n) = (1 + (rng.next_u64() % 40) as usize, 1 + (rng.next_u64() % 30) as usize);
    let lead: Vec<usize> = [vec![], vec![3], vec![2, 3], vec![2, 1], vec![4, 2, 5]][(rng.next_u64() % 5) as usize].clone();
    let act = Activation::ALL[(rng.next_u64() % Activation::ALL.len() as u64) as usize];
    let x_shape: Vec<usize> = lead.iter().copied().chain([k]).collect();
    let out_shape: Vec<usize> = lead.iter().copied().chain([n]).collect();
    let fill = |rng: &mut Rng, shape: &[usize]| {
        let (len, offset, strides) = random_layout(rng, shape);
        let data: Vec<T> = (0..len).map(|_| T::from_f64(rng.unit() * 2.0 - 1.0)).collect();
        (data, offset, strides)
    };
    let x = fill(&mut rng, &x_shape);
    let w = fill(&mut rng, &[k, n]);
    let bias: Vec<T> = (0..n).map(|_| T::from_f64(rng.unit() - 0.5)).collect();
    let xv = ArrayView::from_slice_strided(&x.0, x.1, &x_shape, &x.2).unwrap();
    let wv = ArrayView::from_slice_strided(&w.0, w.1, &[k, n], &w.2).unwrap();
    let bv = ArrayView::from_slice(&bias, &[n]).unwrap();
    let size: usize = out_shape.iter().product();
    let (olen, ooff, ostr) = random_layout(&mut rng, &out_shape);
    let mut fused = vec![T::from_f64(f64::NAN); olen];
    exec.linear(&xv, &wv, Some(&bv), act, &mut ArrayViewMut::from_slice_strided(&mut fused, ooff, &out_shape, &ostr).unwrap()).unwrap();
    let mut plain = vec![T::from_f64(f64::NAN); size];
    let mut pv = ArrayViewMut::from_slice(&mut plain, &out_shape).unwrap();
    exec.matmul(&xv, &wv, &mut pv).unwrap();
    exec.binary_inplace(BinaryOp::Add, &mut pv, &bv).unwrap();
    if let Some(op) = act.unary_op() {
        exec.unary_inplace(op, Default::default(), &mut pv).unwrap();
    }
    let fv = ArrayView::from_slice_strided(&fused, ooff, &out_shape, &ostr).unwrap();
    let mut copy = vec![T::from_f64(0.0); size];
    exec.copy(&fv, &mut ArrayViewMut::from_slice(&mut copy, &out_shape).unwrap()).unwrap();
    for (i, (f, p)) in copy.iter().zip(&plain).enumerate() {
        prop_assert!(f.to_f64().to_bits() == p.to_f64().to_bits(), "{:?} {act:?} x {x_shape:?} w ({k},{n}) at {i}: fused {} vs {}", exec.0.tier, f.to_f64(), p.to_f64());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(128), ..ProptestConfig::default() })]
    #[test]
    fn linear_on_nd_x_matches_matmul_then_passes(seed in any::<u64>()) {
        for e in tiers() { check_linear_nd::<f32>(seed, e)?; check_linear_nd::<f64>(seed, e)?; }
    }
}

/// Every failure class: a clear status and message, and C untouched.
#[test]
fn gemm_errors_leave_output_untouched() {
    let ex = Exec::current();
    let a = vec![1f32; 12];
    let b = vec![1f32; 12];
    let a34 = ArrayView::from_slice(&a, &[3, 4]).unwrap();
    let b34 = ArrayView::from_slice(&b, &[3, 4]).unwrap();
    let b43 = ArrayView::from_slice(&b, &[4, 3]).unwrap();
    let mut c = vec![7f32; 9];
    let expect = |r: numkern::Result<()>, kind: ErrorKind, needle: &str| {
        let e = r.expect_err("must fail");
        assert_eq!(e.kind, kind, "{}", e.message);
        assert!(e.message.contains(needle), "{:?} lacks {needle:?}", e.message);
    };
    // Inner dimensions differ: both shapes are named.
    expect(ex.gemm(1.0, &a34, &b34, 0.0, &mut ArrayViewMut::from_slice(&mut c, &[3, 3]).unwrap()), ErrorKind::ShapeMismatch, "(3,4) and (3,4)");
    // Wrong output shape.
    expect(ex.gemm(1.0, &a34, &b43, 0.0, &mut ArrayViewMut::from_slice(&mut c[..6], &[3, 2]).unwrap()), ErrorKind::ShapeMismatch, "(3,2)");
    // Not 2-D.
    let a1 = ArrayView::from_slice(&a, &[12]).unwrap();
    expect(ex.gemm(1.0, &a1, &b43, 0.0, &mut ArrayViewMut::from_slice(&mut c, &[3, 3]).unwrap()), ErrorKind::ShapeMismatch, "2-D");
    // An output that would write one element twice.
    // (The safe views refuse it when built; a C caller's descriptor can say it.)
    let twice = numkern::RawArray::new(c.as_mut_ptr() as *mut u8, numkern::DType::F32, &[3, 3], &[0, 1], "out").unwrap();
    expect(unsafe { numkern::ops::gemm_raw(ex, 1.0, a34.raw(), b43.raw(), 0.0, &twice) }, ErrorKind::InvalidArgument, "twice");
    // Bias of the wrong length.
    let bias = vec![0f32; 2];
    let bv = ArrayView::from_slice(&bias, &[2]).unwrap();
    expect(ex.linear(&a34, &b43, Some(&bv), Activation::Relu, &mut ArrayViewMut::from_slice(&mut c, &[3, 3]).unwrap()), ErrorKind::ShapeMismatch, "bias");
    // linear with x of any rank: w must be 2-D, x at least 1-D, and the
    // shapes named when they disagree.
    let x234 = ArrayView::from_slice(&a[..12], &[1, 3, 4]).unwrap();
    let w3d = ArrayView::from_slice(&b, &[1, 4, 3]).unwrap();
    expect(ex.linear(&x234, &w3d, None, Activation::None, &mut ArrayViewMut::from_slice(&mut c, &[1, 3, 3]).unwrap()), ErrorKind::ShapeMismatch, "2-D");
    expect(ex.linear(&x234, &b34, None, Activation::None, &mut ArrayViewMut::from_slice(&mut c, &[1, 3, 3]).unwrap()), ErrorKind::ShapeMismatch, "(1,3,4) and (3,4)");
    expect(ex.linear(&x234, &b43, None, Activation::None, &mut ArrayViewMut::from_slice(&mut c, &[3, 3]).unwrap()), ErrorKind::ShapeMismatch, "(1,3,3)");
    let x0 = ArrayView::from_slice(&a[..1], &[]).unwrap();
    expect(ex.linear(&x0, &b43, None, Activation::None, &mut ArrayViewMut::from_slice(&mut c[..3], &[3]).unwrap()), ErrorKind::ShapeMismatch, "0-d");
    assert!(c.iter().all(|&x| x == 7.0), "output written on error");
    // Mixed dtypes (through the raw API: the safe one cannot express it).
    let b64 = vec![1f64; 12];
    let b64v = ArrayView::from_slice(&b64, &[4, 3]).unwrap();
    let r = unsafe {
        numkern::ops::gemm_raw(ex, 1.0, a34.raw(), b64v.raw(), 0.0, ArrayViewMut::from_slice(&mut c, &[3, 3]).unwrap().raw())
    };
    expect(r, ErrorKind::Dtype, "float64");
    assert!(c.iter().all(|&x| x == 7.0), "output written on error");
}

/// An output that overlaps an input reads a copy: `a = a @ b` in place.
#[test]
fn gemm_output_overlapping_input_reads_a_copy() {
    let n = 5;
    let mut a: Vec<f64> = (0..n * n).map(|i| i as f64).collect();
    let b: Vec<f64> = (0..n * n).map(|i| ((i * 3) % 7) as f64).collect();
    let a0 = a.clone();
    let mut expected = vec![0f64; n * n];
    for i in 0..n {
        for j in 0..n {
            expected[i * n + j] = (0..n).map(|p| a0[i * n + p] * b[p * n + j]).sum();
        }
    }
    let ex = Exec::current();
    let raw = *ArrayViewMut::from_slice(&mut a, &[n, n]).unwrap().raw();
    let bv = ArrayView::from_slice(&b, &[n, n]).unwrap();
    unsafe { numkern::ops::gemm_raw(ex, 1.0, &raw, bv.raw(), 0.0, &raw) }.unwrap();
    assert_eq!(a, expected);
}
