//! Counter-based random numbers: seeded fills, permutation and shuffle.
//!
//! Value `i` of a fill is a function of (seed, stream, offset + i) only,
//! where i is the element's C-order index in `out`: the result is bitwise
//! the same for any thread count, any layout of `out` and any split of a
//! fill into calls at offsets. The generator is Philox4x32-10 (`philox`),
//! the words-to-values maps are in `distributions`.

pub mod distributions;
pub mod philox;

use crate::dispatch::Tier;
use crate::dtype::{DType, Element};
use crate::error::{fail, named, shape_str, ErrorKind, Result};
use crate::framework::array::{ArrayViewMut, RawArray};
use crate::framework::iter::{CRuns, Loop};
use crate::framework::threads::run_chunks;
use crate::framework::views::normalize_axis;
use crate::ops::create::arange_raw;
use crate::ops::Exec;
use core::marker::PhantomData;
pub use distributions::Stream;
use distributions::*;
use philox::{BATCH, GROUP_WORDS};

/// Values per chunk of a parallel fill: a multiple of every PER_GROUP, and
/// fixed, so which values a chunk holds never depends on the thread count.
const CHUNK: usize = 1 << 15;

/// Writes values `first .. first + n` of `d` on `s` to `dst`, `stride`
/// elements apart, generating [`BATCH`] groups at a time.
#[inline(always)]
unsafe fn fill_run<D: Distribution>(d: &D, s: &Stream, first: u64, n: usize, dst: *mut D::T, stride: isize) {
    let per = D::PER_GROUP as u64;
    let (mut group, mut skip) = (first / per, (first % per) as usize);
    let mut buf = [D::T::default(); GROUP_WORDS];
    let mut done = 0;
    while done < n {
        let words = s.batch(group);
        for w in &words {
            let take = (D::PER_GROUP - skip).min(n - done);
            let at = dst.offset(done as isize * stride);
            if stride == 1 && take == D::PER_GROUP {
                d.group(w, at);
            } else {
                d.group(w, buf.as_mut_ptr());
                for i in 0..take {
                    *at.offset(i as isize * stride) = buf[skip + i];
                }
            }
            done += take;
            skip = 0;
            if done == n {
                return;
            }
        }
        group = group.wrapping_add(BATCH as u64);
    }
}

type RunFn<D> = unsafe fn(&D, &Stream, u64, usize, *mut <D as Distribution>::T, isize);

/// `fill_run` compiled for each tier, so the 16-lane loops vectorize.
macro_rules! tier_fill_run {
    ($name:ident $(, $feat:literal)?) => {
        $(#[target_feature(enable = $feat)])?
        unsafe fn $name<D: Distribution>(d: &D, s: &Stream, first: u64, n: usize, dst: *mut D::T, stride: isize) {
            fill_run(d, s, first, n, dst, stride)
        }
    };
}
tier_fill_run!(fill_run_portable);
#[cfg(target_arch = "x86_64")]
tier_fill_run!(fill_run_avx2, "avx2,fma");
#[cfg(target_arch = "x86_64")]
tier_fill_run!(fill_run_avx512, "avx512f,avx512bw,avx512vl,avx512dq,avx2,fma");

fn run_fn<D: Distribution>(tier: Tier) -> RunFn<D> {
    match tier {
        #[cfg(target_arch = "x86_64")]
        Tier::Avx512 => fill_run_avx512::<D>,
        #[cfg(target_arch = "x86_64")]
        Tier::Avx2 => fill_run_avx2::<D>,
        _ => fill_run_portable::<D>,
    }
}

/// out[i] = value `offset + i` of `d` on `s`, i the C-order index.
///
/// # Safety
/// `out` must be a valid writable view of `D::T` elements.
unsafe fn fill_with<D: Distribution>(exec: Exec, out: &RawArray, d: &D, s: Stream, offset: u64) -> Result<()> {
    out.check_writable("out")?;
    let (runs, total, run) = (CRuns::new(out), out.size(), run_fn::<D>(exec.0.tier));
    // ~8 cost units per value: a Philox group costs about as much as 8 adds per value.
    run_chunks(total, CHUNK, exec.threads_for(total.saturating_mul(8)), |range| {
        runs.for_each_run(range, |index, n, ptr, stride| run(d, &s, offset.wrapping_add(index as u64), n, ptr as *mut D::T, stride))
    });
    Ok(())
}

fn float_only(out: &RawArray) -> Result<()> {
    if out.dtype.is_float() {
        Ok(())
    } else {
        fail(ErrorKind::Dtype, format!("out must be float32 or float64, got {}", out.dtype.name()))
    }
}

/// out = uniform on [low, high): f32 from 24 random bits, f64 from 53.
///
/// # Safety
/// `out` must be a valid writable view.
pub unsafe fn uniform_raw(exec: Exec, out: &RawArray, s: Stream, offset: u64, low: f64, high: f64) -> Result<()> {
    float_only(out)?;
    let span = if out.dtype == DType::F32 { f64::from(high as f32 - low as f32) } else { high - low };
    if !(low <= high) || !span.is_finite() {
        return fail(ErrorKind::InvalidArgument, format!("need finite low <= high with a finite high - low, got low={low}, high={high}"));
    }
    match out.dtype {
        DType::F32 => fill_with(exec, out, &UniformF32::new(low, high), s, offset),
        _ => fill_with(exec, out, &UniformF64::new(low, high), s, offset),
    }
}

/// out = normal(mean, std) by Box–Muller (one word per f32 value, two per f64).
///
/// # Safety
/// `out` must be a valid writable view.
pub unsafe fn normal_raw(exec: Exec, out: &RawArray, s: Stream, offset: u64, mean: f64, std: f64) -> Result<()> {
    float_only(out)?;
    if !mean.is_finite() || !(std >= 0.0) || !std.is_finite() {
        return fail(ErrorKind::InvalidArgument, format!("need a finite mean and 0 <= scale < inf, got loc={mean}, scale={std}"));
    }
    match out.dtype {
        DType::F32 => fill_with(exec, out, &Normal::new(mean as f32, std as f32), s, offset),
        _ => fill_with(exec, out, &Normal::new(mean, std), s, offset),
    }
}

/// The closed range of an integer dtype.
fn int_bounds(dtype: DType) -> Option<(i64, i64)> {
    match dtype {
        DType::I32 => Some((i32::MIN.into(), i32::MAX.into())),
        DType::I64 => Some((i64::MIN, i64::MAX)),
        DType::U8 => Some((0, 255)),
        _ => None,
    }
}

/// out = integers on [low, high), no modulo bias: two words per value when
/// high - low <= 2^32 (bias below 2^-32), four otherwise (below 2^-64).
///
/// # Safety
/// `out` must be a valid writable view.
pub unsafe fn integers_raw(exec: Exec, out: &RawArray, s: Stream, offset: u64, low: i64, high: i64) -> Result<()> {
    let Some((min, max)) = int_bounds(out.dtype) else {
        return fail(ErrorKind::Dtype, format!("out must be int32, int64 or uint8, got {}", out.dtype.name()));
    };
    if low >= high {
        return fail(ErrorKind::InvalidArgument, format!("low >= high (low={low}, high={high})"));
    }
    if low < min || high - 1 > max {
        let (which, v) = if low < min { ("low", low) } else { ("high", high) };
        return fail(ErrorKind::InvalidArgument, format!("{which} {v} is out of bounds for {}", out.dtype.name()));
    }
    let range = (i128::from(high) - i128::from(low)) as u64;
    macro_rules! go {
        ($T:ty) => {
            if range <= 1 << 32 {
                fill_with(exec, out, &IntegersSmall::<$T> { low, range, _t: PhantomData }, s, offset)
            } else {
                fill_with(exec, out, &IntegersLarge::<$T> { low, range, _t: PhantomData }, s, offset)
            }
        };
    }
    match out.dtype {
        DType::I32 => go!(i32),
        DType::I64 => go!(i64),
        _ => go!(u8),
    }
}

/// out = 1 with probability p, else 0 (u8; dropout masks): one word per value.
///
/// # Safety
/// `out` must be a valid writable view.
pub unsafe fn bernoulli_raw(exec: Exec, out: &RawArray, s: Stream, offset: u64, p: f64) -> Result<()> {
    if out.dtype != DType::U8 {
        return fail(ErrorKind::Dtype, format!("out must be uint8, got {}", out.dtype.name()));
    }
    if !(0.0..=1.0).contains(&p) {
        return fail(ErrorKind::InvalidArgument, format!("p < 0, p > 1 or p is nan (p={p})"));
    }
    fill_with(exec, out, &Bernoulli::new(p), s, offset)
}

/// Fisher–Yates on n items: `swap(i, j)` for i = n-1 down to 1, j uniform on
/// [0, i]. Step k (i = n-1-k) takes value k of the stream: two words when
/// n <= 2^32, four otherwise, as [`integers_raw`] does.
fn fisher_yates(n: usize, s: &Stream, mut swap: impl FnMut(usize, usize)) {
    const H: usize = GROUP_WORDS / 2;
    const Q: usize = GROUP_WORDS / 4;
    let small = n as u64 <= 1 << 32;
    let per = if small { H } else { Q };
    let mut k = 0usize;
    let mut group = 0u64;
    while k + 1 < n {
        let w = s.words(group);
        for p in 0..per {
            if k + 1 >= n {
                break;
            }
            let i = n - 1 - k;
            let range = i as u64 + 1;
            let j = if small {
                distributions::below_small(range, u64::from(w[p]) | u64::from(w[p + H]) << 32)
            } else {
                let lo = u64::from(w[p]) | u64::from(w[p + Q]) << 32;
                let hi = u64::from(w[p + H]) | u64::from(w[p + H + Q]) << 32;
                distributions::below_large(range, u128::from(lo) | u128::from(hi) << 64)
            };
            swap(i, j as usize);
            k += 1;
        }
        group += 1;
    }
}

/// Shuffles `x` along `axis` in place (NumPy's Generator.shuffle): the
/// sub-arrays x[..., i, ...] are permuted by Fisher–Yates on this stream.
/// Single-threaded, so the same for any thread count; the result equals
/// x taken along `axis` by `permutation_raw`'s output for the same stream.
///
/// # Safety
/// `x` must be a valid writable view.
pub unsafe fn shuffle_raw(x: &RawArray, axis: i64, s: Stream) -> Result<()> {
    let axis = normalize_axis(axis, x.ndim)?;
    x.check_writable("x")?;
    if x.size() == 0 {
        // Nothing to move; the other axes may hold strides no element uses.
        return Ok(());
    }
    let n = x.shape[axis];
    let (mut shape, mut strides) = (x.shape().to_vec(), x.strides().to_vec());
    shape.remove(axis);
    let step = strides.remove(axis) * x.dtype.size() as isize;
    let plane = RawArray::new(x.data, x.dtype, &shape, &strides, "x")?;
    if plane.size() == 0 {
        return Ok(());
    }
    if plane.size() == 1 {
        // One element per position (a 1-D x, or unit extents): swap in place.
        let base = x.data;
        match x.dtype.size() {
            1 => fisher_yates(n, &s, |i, j| swap::<u8>(base.offset(i as isize * step), base.offset(j as isize * step))),
            4 => fisher_yates(n, &s, |i, j| swap::<u32>(base.offset(i as isize * step), base.offset(j as isize * step))),
            _ => fisher_yates(n, &s, |i, j| swap::<u64>(base.offset(i as isize * step), base.offset(j as isize * step))),
        }
        return Ok(());
    }
    let lp = Loop::<2>::new([&plane, &plane]);
    let size = lp.size();
    let swap_planes = |i: usize, j: usize| {
        if i == j {
            return;
        }
        let mut l = lp;
        l.bases[0] = l.bases[0].wrapping_offset(i as isize * step);
        l.bases[1] = l.bases[1].wrapping_offset(j as isize * step);
        // SAFETY: planes i and j of a valid x are disjoint (x writes each element once).
        l.for_each_run(0..size, |len, p, st| match x.dtype.size() {
            1 => swap_run(len, p[0], p[1], st[0], 0u8),
            4 => swap_run(len, p[0], p[1], st[0], 0u32),
            _ => swap_run(len, p[0], p[1], st[0], 0u64),
        });
    };
    fisher_yates(n, &s, swap_planes);
    Ok(())
}

/// Swaps one T at a with one at b (descriptors do not promise alignment).
#[inline(always)]
unsafe fn swap<T: Copy>(a: *mut u8, b: *mut u8) {
    let (a, b) = (a as *mut T, b as *mut T);
    let t = a.read_unaligned();
    a.write_unaligned(b.read_unaligned());
    b.write_unaligned(t);
}

/// Swaps `n` elements of type T at a and b, `stride` elements apart.
#[inline(always)]
unsafe fn swap_run<T: Copy>(n: usize, a: *mut u8, b: *mut u8, stride: isize, _: T) {
    let size = core::mem::size_of::<T>() as isize;
    for k in 0..n as isize {
        swap::<T>(a.offset(k * stride * size), b.offset(k * stride * size));
    }
}

/// out = a permutation of 0 .. len(out) (NumPy's Generator.permutation(n)):
/// out = arange, then shuffled as `shuffle_raw`. out is 1-D int32 or int64.
///
/// # Safety
/// `out` must be a valid writable view.
pub unsafe fn permutation_raw(exec: Exec, out: &RawArray, s: Stream) -> Result<()> {
    if out.ndim != 1 {
        return fail(ErrorKind::ShapeMismatch, format!("out must be 1-D, got shape {}", shape_str(out.shape())));
    }
    if !matches!(out.dtype, DType::I32 | DType::I64) {
        return fail(ErrorKind::Dtype, format!("out must be int32 or int64, got {}", out.dtype.name()));
    }
    if out.dtype == DType::I32 && out.shape[0] > 1 << 31 {
        return fail(ErrorKind::InvalidArgument, format!("{} items do not fit int32 indices", out.shape[0]));
    }
    out.check_writable("out")?;
    arange_raw(exec, out, 0.0, 1.0)?;
    shuffle_raw(out, 0, s)
}

/// The safe API, on the same stream type; each borrows its output exclusively.
impl Exec {
    /// out = uniform on [low, high), values `offset ..` of the stream.
    pub fn uniform<T: Element>(&self, out: &mut ArrayViewMut<T>, s: Stream, offset: u64, low: f64, high: f64) -> Result<()> {
        // SAFETY: `out` is an exclusively borrowed valid view.
        named("random_uniform", unsafe { uniform_raw(*self, out.raw(), s, offset, low, high) })
    }
    /// out = normal(mean, std), values `offset ..` of the stream.
    pub fn normal<T: Element>(&self, out: &mut ArrayViewMut<T>, s: Stream, offset: u64, mean: f64, std: f64) -> Result<()> {
        named("random_normal", unsafe { normal_raw(*self, out.raw(), s, offset, mean, std) })
    }
    /// out = integers on [low, high), values `offset ..` of the stream.
    pub fn integers<T: Element>(&self, out: &mut ArrayViewMut<T>, s: Stream, offset: u64, low: i64, high: i64) -> Result<()> {
        named("random_integers", unsafe { integers_raw(*self, out.raw(), s, offset, low, high) })
    }
    /// out = bernoulli(p) as 0/1, values `offset ..` of the stream.
    pub fn bernoulli(&self, out: &mut ArrayViewMut<u8>, s: Stream, offset: u64, p: f64) -> Result<()> {
        named("random_bernoulli", unsafe { bernoulli_raw(*self, out.raw(), s, offset, p) })
    }
    /// out = a permutation of 0 .. len(out).
    pub fn permutation<T: Element>(&self, out: &mut ArrayViewMut<T>, s: Stream) -> Result<()> {
        named("random_permutation", unsafe { permutation_raw(*self, out.raw(), s) })
    }
    /// Shuffles x along `axis` in place.
    pub fn shuffle<T: Element>(&self, x: &mut ArrayViewMut<T>, axis: i64, s: Stream) -> Result<()> {
        named("random_shuffle", unsafe { shuffle_raw(x.raw(), axis, s) })
    }
}
