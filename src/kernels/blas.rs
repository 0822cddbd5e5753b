//! Level-1/2 microkernels, written once over the SIMD trait: the dot
//! product of two contiguous runs, and the two inner loops of GEMV (down
//! the columns of a column-contiguous matrix, along the rows of a
//! row-contiguous one). Strides other than 1, chunking, threads and
//! alpha/beta are the framework's (`framework::vecmat`).

use super::ops::KernelReal;
use crate::dtype::{DType, Real};
use crate::simd::{elements_to_boundary, Simd, SimdFloat};

/// Longest run one [`dot_run`] call sums; the framework combines runs
/// pairwise, so the error grows with log2 of the length past this.
pub const DOT_RUN: usize = 1024;

/// Sums the lanes of `v` pairwise, in a fixed order.
#[inline(always)]
fn lane_sum<V: SimdFloat>(v: V) -> f64 {
    let mut lanes = [V::Scalar::from_f64(0.0); 16];
    // SAFETY: 16 >= LANES.
    unsafe { v.store(lanes.as_mut_ptr()) };
    let mut w: [f64; 16] = core::array::from_fn(|i| lanes[i].to_f64());
    super::halving_tree(&mut w, V::LANES, |a, b| a + b)
}

/// Adds `N` (a power of two) accumulators pairwise, then their lanes.
#[inline(always)]
fn acc_sum<V: SimdFloat, const N: usize>(mut acc: [V; N]) -> f64 {
    lane_sum(super::halving_tree(&mut acc, N, |a, b| a.add(b)))
}

/// `sum x[i] y[i]` over `n <= DOT_RUN` contiguous elements, in f64: f32
/// products are exact in f64, so an f32 dot carries only f64 rounding and
/// is then correctly rounded for all but ill-conditioned sums.
///
/// # Safety
/// `x` and `y` valid for `n` reads.
#[inline(always)]
pub unsafe fn dot_run<S: Simd, T: KernelReal<S>>(n: usize, x: *const T, y: *const T) -> f64 {
    // Accumulators enough to cover the FMA latency at the rate the loads
    // run: 4 for f32 (on Zen 4, 8 made the 256-bit converting loop slower:
    // 97 ns against 71 for 1024 pairs), 8 for f64.
    if T::DTYPE == DType::F32 {
        dot_in_f64::<S, f32, 4>(n, x as *const f32, y as *const f32)
    } else {
        dot_in_f64::<S, f64, 8>(n, x as *const f64, y as *const f64)
    }
}

/// How a dot reads f32 or f64 elements: as f64 vectors, exactly.
pub(crate) trait DotLoad<S: Simd>: Real {
    type V: SimdFloat<Scalar = f64>;
    /// `V::LANES` elements at `p`.
    unsafe fn load(p: *const Self) -> Self::V;
    /// `m` elements at `p` into lanes `first .. first + m`, the other lanes 0.
    unsafe fn load_lanes(p: *const Self, first: usize, m: usize) -> Self::V;
    /// Whether [`dot_shifted`] pays: f64 loads on a tier that joins two
    /// vectors in a shuffle or two. (An f32 dot is bound by its converts,
    /// which share ports with the shuffles.)
    const JOIN_ALIGNED: bool;
    /// Whether the main loop prefetches [`DOT_PREFETCH_BYTES`] ahead: f32,
    /// whose loop step reads one line of each operand (16 elements), so
    /// one prefetch each covers the stream. The f64 dot reads 4-8 lines a
    /// step and did not gain from memory (1.6e7: 15.1 GB/s against 14.4).
    const PREFETCH: bool;
}

/// How far ahead of its loads the f32 dot prefetches. The hardware
/// prefetchers alone left an f32 dot of 1.6e7 elements (from memory) at
/// 11.7-12.9 GB/s against OpenBLAS's 14-16 on a Xeon; 1, 2 and 4 KiB ahead
/// gave 16.6, 19.4 and 16.3 GB/s.
const DOT_PREFETCH_BYTES: usize = 2048;
impl<S: Simd> DotLoad<S> for f64 {
    type V = S::F64;
    const JOIN_ALIGNED: bool = S::F64::FAST_CONCAT;
    const PREFETCH: bool = false;
    #[inline(always)]
    unsafe fn load(p: *const f64) -> S::F64 {
        S::F64::load(p)
    }
    #[inline(always)]
    unsafe fn load_lanes(p: *const f64, first: usize, m: usize) -> S::F64 {
        S::F64::load_lanes(p, first, m)
    }
}
impl<S: Simd> DotLoad<S> for f32 {
    type V = S::WidenF64;
    const JOIN_ALIGNED: bool = false;
    const PREFETCH: bool = true;
    /// A converting load (`vcvtps2pd` from memory on x86).
    #[inline(always)]
    unsafe fn load(p: *const f32) -> S::WidenF64 {
        S::load_widen(p)
    }
    #[inline(always)]
    unsafe fn load_lanes(p: *const f32, first: usize, m: usize) -> S::WidenF64 {
        S::load_widen_lanes(p, first, m)
    }
}

/// Runs at least this long peel to aligned loads of x: a 1e3 f64 dot on
/// AVX-512 took 142 ns with x and y 16 bytes past a line, 98 ns aligned.
const DOT_PEEL_MIN: usize = 256;

/// Elements (fewer than `lanes`) to handle before `p` reaches a multiple
/// of the load width, `lanes` elements; 0 for runs shorter than
/// [`DOT_PEEL_MIN`] and for pointers not aligned to their element.
#[inline(always)]
fn aligned_head<T>(p: *const T, lanes: usize, n: usize) -> usize {
    if n < DOT_PEEL_MIN {
        return 0;
    }
    let size = core::mem::size_of::<T>();
    elements_to_boundary(p as usize, size, lanes * size)
}

/// The dot of a contiguous run with `ACC` f64 vector accumulators: `ACC *
/// LANES` slots, element i summed into slot i mod that count, in index
/// order, and then the slots added as a halving tree (slot s with slot s +
/// half, the half halved each level).
///
/// When the run peels `head` elements so that x's loads are aligned to
/// their width, element i goes to slot (i - head) mod the count instead:
/// the slots are rotated, each seeing the same additions in the same
/// order. The halving tree pairs the same slots whatever the rotation
/// (s and s + half mod the count are paired at each level, and addition
/// commutes), so the result does not depend on where the operands sit in
/// memory. Where y then still sits part way into its load width, and the
/// tier can join two vectors in a shuffle or two, y is read as aligned
/// vectors too ([`dot_shifted`]).
#[inline(always)]
unsafe fn dot_in_f64<S: Simd, E: DotLoad<S>, const ACC: usize>(n: usize, x: *const E, y: *const E) -> f64 {
    let l = E::V::LANES;
    let zero = E::V::splat(0.0);
    let mut acc = [zero; ACC];
    let head = aligned_head(x, l, n);
    if head > 0 {
        // Elements 0..head are the first terms of the last `head` slots.
        acc[ACC - 1] = E::load_lanes(x, l - head, head).mul_add(E::load_lanes(y, l - head, head), zero);
    }
    let mut i = head;
    let size = core::mem::size_of::<E>();
    let y_lane = (y.add(i) as usize % (l * size)) / size;
    // Only when the joined loop runs at least once: its first load reads
    // LANES - y_lane elements ahead.
    if E::JOIN_ALIGNED && y_lane != 0 && (y.add(i) as usize).is_multiple_of(size) && n - i >= (ACC + 1) * l {
        i = match y_lane {
            1 => dot_shifted::<S, E, ACC, 1>(n, i, x, y, &mut acc),
            2 => dot_shifted::<S, E, ACC, 2>(n, i, x, y, &mut acc),
            3 => dot_shifted::<S, E, ACC, 3>(n, i, x, y, &mut acc),
            4 => dot_shifted::<S, E, ACC, 4>(n, i, x, y, &mut acc),
            5 => dot_shifted::<S, E, ACC, 5>(n, i, x, y, &mut acc),
            6 => dot_shifted::<S, E, ACC, 6>(n, i, x, y, &mut acc),
            7 => dot_shifted::<S, E, ACC, 7>(n, i, x, y, &mut acc),
            _ => i,
        };
    }
    while i + ACC * l <= n {
        if E::PREFETCH {
            S::prefetch(x.wrapping_add(i + DOT_PREFETCH_BYTES / size));
            S::prefetch(y.wrapping_add(i + DOT_PREFETCH_BYTES / size));
        }
        for (u, a) in acc.iter_mut().enumerate() {
            let p = i + u * l;
            *a = E::load(x.add(p)).mul_add(E::load(y.add(p)), *a);
        }
        i += ACC * l;
    }
    // The tail: at most ACC vectors, the last one partial (fixed indices
    // keep the accumulators in registers).
    for a in acc.iter_mut() {
        if i >= n {
            break;
        }
        let m = l.min(n - i);
        let (xv, yv) = if m == l { (E::load(x.add(i)), E::load(y.add(i))) } else { (E::load_lanes(x.add(i), 0, m), E::load_lanes(y.add(i), 0, m)) };
        *a = xv.mul_add(yv, *a);
        i += m;
    }
    acc_sum(acc)
}

/// The main loop of [`dot_in_f64`] from `i` (x aligned there) with y
/// `SHIFT` lanes past its load width: y is read as aligned vectors and each
/// of its windows joined from two of them (a 1e3 f64 dot with y 16 bytes
/// off x's alignment: 106 ns as split loads, ~85 aligned). Stops while
/// the next aligned vector still lies within the run; returns where.
/// Needs `n - i >= (ACC + 1) * LANES`.
#[inline(always)]
unsafe fn dot_shifted<S: Simd, E: DotLoad<S>, const ACC: usize, const SHIFT: i32>(n: usize, mut i: usize, x: *const E, y: *const E, acc: &mut [E::V; ACC]) -> usize {
    let (l, r) = (E::V::LANES, SHIFT as usize);
    // Lanes r.. hold y[i ..]: the aligned vector's part that is in the run.
    let mut prev = E::load_lanes(y.add(i), r, l - r);
    while i + ACC * l + l <= n {
        for (u, a) in acc.iter_mut().enumerate() {
            let p = i + u * l;
            let next = E::load(y.add(p + l - r));
            *a = E::load(x.add(p)).mul_add(prev.concat_shift::<SHIFT>(next), *a);
            prev = next;
        }
        i += ACC * l;
    }
    i
}

/// Columns of A one [`gemv_cols`] call adds at a time.
pub const GEMV_COLS: usize = 4;

/// `t[0..m] += sum_j A[0..m, j] x[j]` for `ncols` columns of a matrix whose
/// columns are contiguous (column j at `a + j * cs`), four columns per pass
/// over `t`, each sum in column order.
///
/// # Safety
/// A valid over `m x ncols`, `x` for `ncols` reads, `t` for `m`.
#[inline(always)]
pub unsafe fn gemv_cols<S: Simd, T: KernelReal<S>>(m: usize, ncols: usize, a: *const T, cs: isize, x: *const T, t: *mut T) {
    let l = T::V::LANES;
    let mut j = 0;
    while j < ncols {
        let w = (ncols - j).min(GEMV_COLS);
        let cols: [*const T; GEMV_COLS] = core::array::from_fn(|c| a.offset((j + c.min(w - 1)) as isize * cs));
        let xs: [T::V; GEMV_COLS] = core::array::from_fn(|c| T::V::splat(*x.add(j + c.min(w - 1))));
        let mut i = 0;
        while i < m {
            let rows = (m - i).min(l);
            let load = |p: *const T| if rows == l { T::V::load(p) } else { T::V::load_partial(p, rows) };
            let mut acc = load(t.add(i));
            for c in 0..w {
                acc = load(cols[c].add(i)).mul_add(xs[c], acc);
            }
            if rows == l {
                acc.store(t.add(i))
            } else {
                acc.store_partial(t.add(i), rows)
            }
            i += rows;
        }
        j += w;
    }
}

/// Rows of A one pass of [`gemv_rows`] dots at once (they share x's loads).
pub const GEMV_ROWS: usize = 4;

/// `t[r] = sum_j A[r, j] x[j]` for `nrows` rows of a matrix whose rows are
/// contiguous (row r at `a + r * rs`), `n` columns. Each row's sum is
/// formed the same way whether it is dotted alone or in a group of four.
///
/// # Safety
/// A valid over `nrows x n`, `x` for `n` reads, `t` for `nrows` writes.
#[inline(always)]
pub unsafe fn gemv_rows<S: Simd, T: KernelReal<S>>(nrows: usize, n: usize, a: *const T, rs: isize, x: *const T, t: *mut T) {
    let mut r = 0;
    while r + GEMV_ROWS <= nrows {
        rows_dot::<S, T, GEMV_ROWS>(n, a.offset(r as isize * rs), rs, x, t.add(r));
        r += GEMV_ROWS;
    }
    while r < nrows {
        rows_dot::<S, T, 1>(n, a.offset(r as isize * rs), rs, x, t.add(r));
        r += 1;
    }
}

/// `R` rows at once, each with two accumulators (2 * LANES slots, added
/// as a halving tree). Long rows peel to the first row's aligned loads
/// like [`dot_in_f64`]: the slots rotate, the sums do not change (f32
/// 512 x 512, rows 16 bytes past a line: 73 GB/s, 76-78 peeled; rows that
/// start on a line, with no head or tail to mask, run at 81).
#[inline(always)]
unsafe fn rows_dot<S: Simd, T: KernelReal<S>, const R: usize>(n: usize, a: *const T, rs: isize, x: *const T, t: *mut T) {
    let l = T::V::LANES;
    let zero = T::V::splat(T::from_f64(0.0));
    // Two accumulators per row hide the FMA latency.
    let mut acc = [[zero; 2]; R];
    let head = aligned_head(a, l, n);
    if head > 0 {
        // Elements 0..head are the first terms of the last `head` slots.
        let xv = T::V::load_lanes(x, l - head, head);
        for (r, ar) in acc.iter_mut().enumerate() {
            ar[1] = T::V::load_lanes(a.offset(r as isize * rs), l - head, head).mul_add(xv, zero);
        }
    }
    let mut j = head;
    while j + 2 * l <= n {
        for h in 0..2 {
            let xv = T::V::load(x.add(j + h * l));
            for (r, ar) in acc.iter_mut().enumerate() {
                ar[h] = T::V::load(a.offset(r as isize * rs).add(j + h * l)).mul_add(xv, ar[h]);
            }
        }
        j += 2 * l;
    }
    let mut h = 0;
    while j < n {
        let m = (n - j).min(l);
        let load = |p: *const T| if m == l { T::V::load(p) } else { T::V::load_partial(p, m) };
        let xv = load(x.add(j));
        for (r, ar) in acc.iter_mut().enumerate() {
            ar[h] = load(a.offset(r as isize * rs).add(j)).mul_add(xv, ar[h]);
        }
        h ^= 1;
        j += m;
    }
    for (r, ar) in acc.iter().enumerate() {
        *t.add(r) = T::from_f64(lane_sum(ar[0].add(ar[1])));
    }
}

/// `y[i] = alpha x[i] + y[i]` over a contiguous run, rounded once (FMA).
///
/// # Safety
/// `x` valid for `n` reads, `y` for `n` reads and writes.
#[inline(always)]
pub unsafe fn axpy_run<S: Simd, T: KernelReal<S>>(n: usize, alpha: T, x: *const T, y: *mut T) {
    let l = T::V::LANES;
    let a = T::V::splat(alpha);
    let mut i = 0;
    while i + 2 * l <= n {
        for h in [0, l] {
            T::V::load(x.add(i + h)).mul_add(a, T::V::load(y.add(i + h))).store(y.add(i + h));
        }
        i += 2 * l;
    }
    while i < n {
        let m = (n - i).min(l);
        if m == l {
            T::V::load(x.add(i)).mul_add(a, T::V::load(y.add(i))).store(y.add(i));
        } else {
            T::V::load_partial(x.add(i), m).mul_add(a, T::V::load_partial(y.add(i), m)).store_partial(y.add(i), m);
        }
        i += m;
    }
}
