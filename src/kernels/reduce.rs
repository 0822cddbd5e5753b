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
}

macro_rules! sum_maps {
    ($($(#[$doc:meta])* $name:ident: |$x:ident, $a:ident| $v:expr;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug)]
        pub struct $name;
        impl SumMap for $name {
            #[inline(always)]
            fn vec<V: SimdFloat<Scalar = f64>>($x: V, $a: V) -> V {
                $v
            }
        }
    )*};
}
sum_maps! {
    /// x.
    Plain: |x, _a| x;
    /// |x| (the L1 norm).
    Abs: |x, _a| x.abs();
    /// (x a)^2, a a power of two (the L2 norm, scaled).
    Square: |x, a| { let s = x.mul(a); s.mul(s) };
    /// (x - a)^2 (the second pass of var).
    Deviation2: |x, a| { let d = x.sub(a); d.mul(d) };
    /// x, or 0 for NaN (nansum).
    NanZero: |x, _a| V::select(x.is_nan(), V::splat(0.0), x);
    /// 1 for a number, 0 for NaN (nanmean's count).
    NotNan: |x, _a| V::select(x.is_nan(), V::splat(0.0), V::splat(1.0));
    /// 1 for x != 0 (NaN included, as NumPy's bool(nan)), else 0.
    NonZero: |x, _a| V::select(x.eq(V::splat(0.0)), V::splat(0.0), V::splat(1.0));
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
    // The tail in partial vectors, -0.0 (which changes no sum) in the
    // lanes past it; no scalar stores, which a vector reload would stall on.
    let rest = n - i;
    for (u, s) in acc.iter_mut().enumerate().take(rest.div_ceil(l)) {
        let m = l.min(rest - u * l);
        let v = M::vec(E::load_lanes(x.add(i + u * l), 0, m), av);
        *s = s.add(if m == l { v } else { E::V::select(E::V::mask_from_bits(crate::simd::low_bits(m)), v, E::V::splat(-0.0)) });
    }
    // The halving tree over the 16 slots: its levels of a whole vector
    // apart between the accumulators, the rest across one vector's lanes.
    let mut lanes = [0.0f64; SUM_SLOTS];
    super::halving_tree(&mut acc, ACC, |p, q| p.add(q)).store(lanes.as_mut_ptr());
    super::halving_tree(&mut lanes, l, |p, q| p + q)
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
    exp_shifted::<S, T>(n.min(SUM_BLOCK), x, m, buf.as_mut_ptr(), 0);
    sum_block::<S, T, Plain>(n, buf.as_ptr(), 0.0)
}

/// `y[i] = exp(x[i] - m)` for `n` contiguous elements (`x` may be `y`),
/// prefetching x and y `ahead` elements on (0: none): the next row of a
/// softmax, whose first pass would otherwise wait on memory while this
/// one, bound by exp, leaves it idle.
///
/// # Safety
/// `x` valid for `n` reads, `y` for `n` writes.
#[inline(always)]
pub unsafe fn exp_shifted<S: Simd, T: KernelReal<S>>(n: usize, x: *const T, m: T, y: *mut T, ahead: isize) {
    let l = T::V::LANES;
    let mv = T::V::splat(m);
    let mut i = 0;
    while i + l <= n {
        if ahead != 0 {
            S::prefetch(x.wrapping_offset(i as isize + ahead));
            S::prefetch(y.wrapping_offset(i as isize + ahead));
        }
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

/// The most columns a sum's outer kernel takes at once (its slots are on
/// the stack): runs of 4 KiB of each f32 row.
pub const OUTER_WIDTH: usize = 1024;

/// Rows a sum's outer kernel reads at once: slot k of a column gathers
/// rows k, k + 16, ... in a register, sixteen rows streaming. (A narrow
/// column panel's rows one after another, a few cache lines each, ran at
/// half the read bandwidth on Zen 4 even with prefetching; the sixteen
/// streams at about two thirds of it, the best order we found that keeps
/// sum_block's bits. Extremes, free of order, sweep whole rows.)
const OUTER_STREAMS: usize = 16;

/// Column vectors an outer kernel advances together (independent
/// dependency chains).
const OUTER_UNROLL: usize = 4;

/// How far ahead along each row the outer sum prefetches: sixteen streams
/// are more than the hardware prefetchers follow. Zen 5, f32 sum along
/// axis 0 of 60000x784 (MNIST's shape): 11.5 -> 7.3 ms; 4096x4096 and
/// L2-sized inputs unchanged within the noise.
const OUTER_PREFETCH_BYTES: usize = 1024;

/// [`sum_block`] down each of `width <= OUTER_WIDTH` contiguous columns at
/// once (an "outer" reduction: the reduced axis strided by `s`, the kept
/// one contiguous): `out[j]` is the sum_block of `map(x[r*s + j], a_j)`
/// over rows `r < rows <= SUM_BLOCK`, with `a_j = a[j]` (or `a0` when `a`
/// is null). Slot k of a column (rows k, k + 16, ... in order, as in
/// sum_block) is summed in a register while sixteen rows stream at once;
/// the slots are joined by the same halving tree, so each column's value
/// has the bits sum_block gives it.
///
/// # Safety
/// `x` valid for reads at `r*s + j`; `a` (if not null) and `out` for `width`.
#[inline(always)]
pub unsafe fn sum_outer<S: Simd, T: KernelReal<S>, M: SumMap>(rows: usize, x: *const T, s: isize, width: usize, a: *const f64, a0: f64, out: *mut f64) {
    if T::DTYPE == DType::F32 {
        sum_outer_in::<S, f32, M>(rows, x as *const f32, s, width, a, a0, out)
    } else {
        sum_outer_in::<S, f64, M>(rows, x as *const f64, s, width, a, a0, out)
    }
}

#[inline(always)]
unsafe fn sum_outer_in<S: Simd, E: DotLoad<S>, M: SumMap>(rows: usize, x: *const E, s: isize, width: usize, a: *const f64, a0: f64, out: *mut f64) {
    let l = E::V::LANES;
    debug_assert!(width <= OUTER_WIDTH && rows <= SUM_BLOCK && SUM_SLOTS == OUTER_STREAMS);
    let (full, tail) = (width / l, width % l);
    let vectors = full + (tail > 0) as usize;
    let lanes = |v: usize| if v < full { l } else { tail };
    let param = |v: usize| if a.is_null() { E::V::splat(a0) } else { E::V::load_partial(a.add(v * l), lanes(v)) };
    // Slots 0..8 of each column; slot k >= 8 is added to slot k - 8 as
    // it is done (the halving tree's first level).
    let mut half = [0.0f64; SUM_SLOTS / 2 * OUTER_WIDTH];
    // Slot k of the G column vectors from v0, in registers (G a constant,
    // so that the accumulators stay there).
    #[inline(always)]
    unsafe fn slot<S: Simd, E: DotLoad<S>, M: SumMap, const G: usize>(k: usize, rows: usize, x: *const E, s: isize, v0: usize, m: usize, av: [E::V; G], half: *mut f64) {
        let l = E::V::LANES;
        let mut acc = [E::V::splat(-0.0); G];
        let mut r = k;
        while r < rows {
            let row = x.offset(r as isize * s).add(v0 * l);
            S::prefetch(row.wrapping_add(OUTER_PREFETCH_BYTES / core::mem::size_of::<E>()));
            for u in 0..G {
                let p = row.add(u * l);
                acc[u] = acc[u].add(M::vec(if m == l { E::load(p) } else { E::load_lanes(p, 0, m) }, av[u]));
            }
            r += SUM_SLOTS;
        }
        for (u, acc) in acc.iter().enumerate() {
            let p = half.add((k % 8) * OUTER_WIDTH + (v0 + u) * l);
            if k < 8 { *acc } else { E::V::load(p).add(*acc) }.store(p);
        }
    }
    for k in 0..SUM_SLOTS {
        let mut v = 0;
        while v + OUTER_UNROLL <= full {
            slot::<S, E, M, OUTER_UNROLL>(k, rows, x, s, v, l, core::array::from_fn(|u| param(v + u)), half.as_mut_ptr());
            v += OUTER_UNROLL;
        }
        for v in v..vectors {
            slot::<S, E, M, 1>(k, rows, x, s, v, lanes(v), [param(v)], half.as_mut_ptr());
        }
    }
    for v in 0..vectors {
        let mut acc: [E::V; SUM_SLOTS / 2] = core::array::from_fn(|k| E::V::load(half.as_ptr().add(k * OUTER_WIDTH + v * l)));
        super::halving_tree(&mut acc, SUM_SLOTS / 2, |p, q| p.add(q)).store_partial(out.add(v * l), lanes(v));
    }
}

/// The value a column of an outer extreme takes from an element: its
/// magnitude under `ABS`, but a NaN's own bits (as extreme_block returns).
#[inline(always)]
fn value<S: Simd, T: KernelReal<S>, const ABS: bool>(raw: T::V) -> T::V {
    if ABS { T::V::select(raw.is_nan(), raw, raw.abs()) } else { raw }
}

/// Rows an extreme's row sweep takes per pass over the columns (adjacent
/// rows: a few sequential streams, the state loaded once for them).
const EXTREME_ROWS: usize = 8;

/// [`extreme_block`] down each of `width` contiguous columns at once (rows
/// `r < rows <= SUM_BLOCK` at stride `s`, `rows >= 1`), in a sweep of
/// whole rows in order as NumPy's max along axis 0 reads them: the state
/// of each column, its best value so far `best[j]` and (with `INDEX`) its
/// row `at[j]` as a T (exact: rows <= SUM_BLOCK), starts at row 0 and is
/// updated by each later row. The rules are [`extreme_block`]'s: the
/// first NaN wins (its own bits) unless `SKIP_NAN`, where `best[j]` stays
/// NaN only for a column of nothing but NaN; of equal values, -0.0 and
/// 0.0 too, the first one stays. Exact, so the same on every tier and the
/// same as the contiguous kernel. Without `INDEX`, `at` is not touched.
///
/// # Safety
/// `x` valid for reads at `r*s + j`; `best` and `at` for `width` writes.
#[inline(always)]
pub unsafe fn extreme_outer<S: Simd, T: KernelReal<S>, const MAX: bool, const SKIP_NAN: bool, const ABS: bool, const INDEX: bool>(
    rows: usize,
    x: *const T,
    s: isize,
    width: usize,
    best: *mut T,
    at: *mut T,
) {
    let l = T::V::LANES;
    debug_assert!(rows >= 1 && rows <= SUM_BLOCK);
    let (full, tail) = (width / l, width % l);
    let vectors = full + (tail > 0) as usize;
    for v in 0..vectors {
        let m = if v < full { l } else { tail };
        let p = if m == l { T::V::load(x.add(v * l)) } else { T::V::load_partial(x.add(v * l), m) };
        value::<S, T, ABS>(p).store_partial(best.add(v * l), m);
        if INDEX {
            T::V::splat(T::from_f64(0.0)).store_partial(at.add(v * l), m);
        }
    }
    // Rows r0.. (at most EXTREME_ROWS) of the G column vectors from v0,
    // their state in registers (G a constant, so that it stays there).
    #[inline(always)]
    unsafe fn sweep<S: Simd, T: KernelReal<S>, const MAX: bool, const SKIP_NAN: bool, const ABS: bool, const INDEX: bool, const G: usize>(
        r0: usize,
        rows: usize,
        x: *const T,
        s: isize,
        v0: usize,
        m: usize,
        best: *mut T,
        at: *mut T,
    ) {
        let l = T::V::LANES;
        let load = |p: *const T| if m == l { T::V::load(p) } else { T::V::load_partial(p, m) };
        let mut b: [T::V; G] = core::array::from_fn(|u| load(best.add((v0 + u) * l)));
        let mut i: [T::V; G] = core::array::from_fn(|u| if INDEX { load(at.add((v0 + u) * l)) } else { T::V::splat(T::from_f64(0.0)) });
        for r in r0..(r0 + EXTREME_ROWS).min(rows) {
            let row = x.offset(r as isize * s).add(v0 * l);
            let here = T::V::splat(T::from_f64(r as f64));
            for u in 0..G {
                let raw = load(row.add(u * l));
                let x = value::<S, T, ABS>(raw);
                // Strictly better (the first of equals stays); or, skipping
                // NaNs, the first number; or else the first NaN.
                let better = if MAX { x.gt(b[u]) } else { x.lt(b[u]) };
                let take = if SKIP_NAN { T::V::mask_and(b[u].is_nan(), x.eq(x)) } else { T::V::mask_and(x.is_nan(), b[u].eq(b[u])) };
                let take = T::V::mask_or(better, take);
                b[u] = T::V::select(take, x, b[u]);
                if INDEX {
                    i[u] = T::V::select(take, here, i[u]);
                }
            }
        }
        for u in 0..G {
            b[u].store_partial(best.add((v0 + u) * l), m);
            if INDEX {
                i[u].store_partial(at.add((v0 + u) * l), m);
            }
        }
    }
    const G: usize = 4;
    for r0 in (1..rows).step_by(EXTREME_ROWS) {
        let mut v = 0;
        while v + G <= full {
            sweep::<S, T, MAX, SKIP_NAN, ABS, INDEX, G>(r0, rows, x, s, v, l, best, at);
            v += G;
        }
        for v in v..vectors {
            sweep::<S, T, MAX, SKIP_NAN, ABS, INDEX, 1>(r0, rows, x, s, v, if v < full { l } else { tail }, best, at);
        }
    }
}
