//! Block kernels of the reductions: at most [`SUM_BLOCK`] contiguous
//! elements in, one value out. The framework (`framework::reduce`) cuts
//! each output's reduced elements into such blocks and joins the block
//! values in a tree fixed by the shape; every kernel here gives bitwise the
//! same value on every tier, so the whole reduction does.

use super::blas::DotLoad;
use super::ops::KernelReal;
use crate::dtype::DType;
use crate::simd::{Simd, SimdFloat};

/// Elements a block holds.
pub const SUM_BLOCK: usize = 256;
/// Slots a sum block is spread over: element i of a block goes to slot
/// i mod 16 on every tier (two 8-lane vectors on AVX-512, four 4-lane on
/// AVX2, 2-lane vectors on the portable tier), so the sum of a block is
/// bitwise the same whatever the lane width.
const SUM_SLOTS: usize = 16;

/// What a sum block adds for an element x (widened to f64), given the
/// block's parameter a. Each is exact or one IEEE rounding (no FMA), so
/// the same on every tier.
pub trait SumMap: Copy + Send + Sync + 'static {
    fn vec<V: SimdFloat<Scalar = f64>>(x: V, a: V) -> V;
    fn one(x: f64, a: f64) -> f64;
}

macro_rules! sum_maps {
    ($($(#[$doc:meta])* $name:ident: |$x:ident, $a:ident| vec $v:expr, one $s:expr;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug)]
        pub struct $name;
        impl SumMap for $name {
            #[inline(always)]
            fn vec<V: SimdFloat<Scalar = f64>>($x: V, $a: V) -> V {
                $v
            }
            #[inline(always)]
            fn one($x: f64, $a: f64) -> f64 {
                $s
            }
        }
    )*};
}
sum_maps! {
    /// x.
    Plain: |x, _a| vec x, one x;
    /// |x| (the L1 norm).
    Abs: |x, _a| vec x.abs(), one x.abs();
    /// (x a)^2, a a power of two (the L2 norm, scaled).
    Square: |x, a| vec { let s = x.mul(a); s.mul(s) }, one { let s = x * a; s * s };
    /// (x - a)^2 (the second pass of var).
    Deviation2: |x, a| vec { let d = x.sub(a); d.mul(d) }, one { let d = x - a; d * d };
    /// x, or 0 for NaN (nansum).
    NanZero: |x, _a| vec V::select(x.is_nan(), V::splat(0.0), x), one if x.is_nan() { 0.0 } else { x };
    /// 1 for a number, 0 for NaN (nanmean's count).
    NotNan: |x, _a| vec V::select(x.is_nan(), V::splat(0.0), V::splat(1.0)), one if x.is_nan() { 0.0 } else { 1.0 };
    /// 1 for x != 0 (NaN included, as NumPy's bool(nan)), else 0.
    NonZero: |x, _a| vec V::select(x.eq(V::splat(0.0)), V::splat(0.0), V::splat(1.0)), one if x == 0.0 { 0.0 } else { 1.0 };
}

/// `map(x[0], a) + ... + map(x[n - 1], a)` for `n <= SUM_BLOCK` contiguous
/// elements, in f64: element i added, in order, to slot i mod 16 (each
/// starting at -0.0, so that a sum of -0.0 stays -0.0), then the slots
/// added as a halving tree (slot s with s + 8, then s + 4, s + 2, s + 1).
/// Error: at most (n/16 + 4) f64 roundings of the partial sums.
///
/// # Safety
/// `x` valid for `n` reads.
#[inline(always)]
pub unsafe fn sum_block<S: Simd, T: KernelReal<S>, M: SumMap>(n: usize, x: *const T, a: f64) -> f64 {
    if T::DTYPE == DType::F32 {
        sum_slots::<S, f32, M>(n, x as *const f32, a)
    } else {
        sum_slots::<S, f64, M>(n, x as *const f64, a)
    }
}

#[inline(always)]
unsafe fn sum_slots<S: Simd, E: DotLoad<S>, M: SumMap>(n: usize, x: *const E, a: f64) -> f64 {
    match E::V::LANES {
        16 => sum_in_vectors::<S, E, M, 1>(n, x, a),
        8 => sum_in_vectors::<S, E, M, 2>(n, x, a),
        4 => sum_in_vectors::<S, E, M, 4>(n, x, a),
        2 => sum_in_vectors::<S, E, M, 8>(n, x, a),
        _ => sum_in_vectors::<S, E, M, 16>(n, x, a),
    }
}

/// [`sum_block`] with `ACC` vectors of `SUM_SLOTS / ACC` lanes.
#[inline(always)]
unsafe fn sum_in_vectors<S: Simd, E: DotLoad<S>, M: SumMap, const ACC: usize>(n: usize, x: *const E, a: f64) -> f64 {
    let l = E::V::LANES;
    debug_assert_eq!(ACC * l, SUM_SLOTS);
    let av = E::V::splat(a);
    let mut acc = [E::V::splat(-0.0); ACC];
    let mut i = 0;
    while i + SUM_SLOTS <= n {
        for (u, s) in acc.iter_mut().enumerate() {
            *s = s.add(M::vec(E::load(x.add(i + u * l)), av));
        }
        i += SUM_SLOTS;
    }
    let mut slots = [-0.0f64; SUM_SLOTS];
    for (u, s) in acc.iter().enumerate() {
        s.store(slots.as_mut_ptr().add(u * l));
    }
    for (slot, j) in slots.iter_mut().zip(i..n) {
        *slot += M::one((*x.add(j)).to_f64(), a);
    }
    super::halving_tree(&mut slots, SUM_SLOTS, |a, b| a + b)
}

/// `exp(x[0] - m) + ... + exp(x[n - 1] - m)` in f64 (the second pass of
/// logsumexp and softmax): the differences rounded to T and exponentiated
/// by the tier's exp (<= 1 ULP, the same on every tier), then summed as
/// [`sum_block`].
///
/// # Safety
/// `x` valid for `n <= SUM_BLOCK` reads.
#[inline(always)]
pub unsafe fn exp_sum_block<S: Simd, T: KernelReal<S>>(n: usize, x: *const T, m: T) -> f64 {
    let mut buf = [T::from_f64(0.0); SUM_BLOCK];
    exp_shifted::<S, T>(n.min(SUM_BLOCK), x, m, buf.as_mut_ptr());
    sum_block::<S, T, Plain>(n, buf.as_ptr(), 0.0)
}

/// `y[i] = exp(x[i] - m)` for `n` contiguous elements (`x` may be `y`).
///
/// # Safety
/// `x` valid for `n` reads, `y` for `n` writes.
#[inline(always)]
pub unsafe fn exp_shifted<S: Simd, T: KernelReal<S>>(n: usize, x: *const T, m: T, y: *mut T) {
    let l = T::V::LANES;
    let mv = T::V::splat(m);
    let mut i = 0;
    while i + l <= n {
        T::exp(T::V::load(x.add(i)).sub(mv)).store(y.add(i));
        i += l;
    }
    if i < n {
        T::exp(T::V::load_partial(x.add(i), n - i).sub(mv)).store_partial(y.add(i), n - i);
    }
}

/// The first element of `x[0..n]` that is the largest (`MAX`) or the
/// smallest, of the values or (`ABS`) their magnitudes: `(value, index)`.
/// A NaN is the extreme, the first one winning, unless `SKIP_NAN`, where
/// NaNs are passed over and a block of nothing but NaN gives
/// `(NaN, usize::MAX)`. Without `INDEX` the index is 0 unless it must be
/// found (a zero extreme, whose sign is the first one's, or nothing but
/// the starting value): max and min skip the second scan. Exact, so the
/// same on every tier.
///
/// # Safety
/// `x` valid for `n >= 1` reads.
#[inline(always)]
pub unsafe fn extreme_block<S: Simd, T: KernelReal<S>, const MAX: bool, const SKIP_NAN: bool, const ABS: bool, const INDEX: bool>(n: usize, x: *const T) -> (T, usize) {
    let l = T::V::LANES;
    let get = |v: T::V| if ABS { v.abs() } else { v };
    let one = |v: T| if ABS && v < T::from_f64(0.0) { -v } else { v };
    let worst = T::from_f64(if MAX { f64::NEG_INFINITY } else { f64::INFINITY });
    let better = |a: T, b: T| if MAX { a > b } else { a < b };
    // Two accumulators (the order does not matter: the extreme is exact).
    let (mut acc, mut nans) = ([T::V::splat(worst); 2], [T::V::splat(T::from_f64(0.0)); 2]);
    let step = |acc: &mut T::V, nans: &mut T::V, v: T::V| {
        let v = get(v);
        let nan = v.is_nan();
        let m = if MAX { acc.max_raw(v) } else { acc.min_raw(v) };
        *acc = T::V::select(nan, *acc, m);
        *nans = T::V::select(nan, T::V::splat(T::from_f64(1.0)), *nans);
    };
    let mut i = 0;
    while i + 2 * l <= n {
        step(&mut acc[0], &mut nans[0], T::V::load(x.add(i)));
        step(&mut acc[1], &mut nans[1], T::V::load(x.add(i + l)));
        i += 2 * l;
    }
    if i + l <= n {
        step(&mut acc[0], &mut nans[0], T::V::load(x.add(i)));
        i += l;
    }
    // (Neither accumulator holds a NaN, so the raw max/min is exact.)
    let both = if MAX { acc[0].max_raw(acc[1]) } else { acc[0].min_raw(acc[1]) };
    let mut lanes = [T::from_f64(0.0); 16];
    let mut nan_lanes = [T::from_f64(0.0); 16];
    both.store(lanes.as_mut_ptr());
    nans[0].max_raw(nans[1]).store(nan_lanes.as_mut_ptr());
    let mut any_nan = nan_lanes[..l].iter().fold(false, |a, &v| a | (v != T::from_f64(0.0)));
    let mut best = lanes[..l].iter().fold(worst, |b, &v| if better(v, b) { v } else { b });
    for j in i..n {
        let v = one(*x.add(j));
        if v != v {
            any_nan = true;
        } else if better(v, best) {
            best = v;
        }
    }
    if any_nan && !SKIP_NAN {
        let first = (0..n).find(|&j| *x.add(j) != *x.add(j)).unwrap_or(0);
        return (*x.add(first), first);
    }
    if !INDEX && best != T::from_f64(0.0) && best != worst {
        return (best, 0);
    }
    // The first element equal to the best (-0.0 and 0.0 compare equal; the
    // value returned is the element's own).
    let bv = T::V::splat(best);
    let mut j = 0;
    while j + l <= n {
        let bits = T::V::mask_bits(get(T::V::load(x.add(j))).eq(bv));
        if bits != 0 {
            let k = j + bits.trailing_zeros() as usize;
            return (one(*x.add(k)), k);
        }
        j += l;
    }
    match (j..n).find(|&k| one(*x.add(k)) == best) {
        Some(k) => (one(*x.add(k)), k),
        None => (T::from_f64(f64::NAN), usize::MAX),
    }
}
