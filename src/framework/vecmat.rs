//! The dot product and GEMV around their microkernels (`kernels::blas`):
//! strided operands, chunks, threads, alpha and beta. No intrinsics here.
//!
//! Both are bitwise identical for any thread count: a dot sums fixed-size
//! runs and combines them pairwise in a fixed tree; each element of a GEMV
//! result is one row's sum formed the same way whatever rows share its
//! chunk.

use super::gemm::Mat;
use super::threads::{run_chunks, Shared};
use crate::dtype::Real;
use crate::kernels::blas::DOT_RUN;
use crate::kernels::VecKernels;

/// Elements per thread work unit of a dot (64 runs).
pub const DOT_CHUNK: usize = 64 * DOT_RUN;

/// `f(lo) + ... + f(hi - 1)`, added pairwise (error grows with log2 of
/// the count), in an order fixed by `lo..hi` alone.
fn pairwise(lo: usize, hi: usize, f: &impl Fn(usize) -> f64) -> f64 {
    match hi - lo {
        0 => 0.0,
        1 => f(lo),
        len => {
            let mid = lo + len / 2;
            pairwise(lo, mid, f) + pairwise(mid, hi, f)
        }
    }
}

/// `sum x[i * sx] y[i * sy]` for `i < n`, in f64 (any strides, 0 too).
///
/// # Safety
/// `x` and `y` valid over their `n` strided elements.
#[inline]
pub unsafe fn dot<T: Real>(kernels: VecKernels<T>, threads: usize, n: usize, x: *const T, sx: isize, y: *const T, sy: isize) -> f64 {
    // One contiguous run: straight to the kernel (a 1e3 dot takes ~100 ns;
    // the run tree and the gather buffers' stack probes cost a fifth more).
    if n <= DOT_RUN && sx == 1 && sy == 1 {
        return (kernels.dot)(n, x, y);
    }
    let shared = Shared((x, y));
    let run_sum = |run: usize| -> f64 {
        let (x, y) = shared.get();
        let (i0, len) = (run * DOT_RUN, DOT_RUN.min(n - run * DOT_RUN));
        if sx == 1 && sy == 1 {
            (kernels.dot)(len, x.add(i0), y.add(i0))
        } else {
            gathered_dot(kernels, len, x.offset(i0 as isize * sx), sx, y.offset(i0 as isize * sy), sy)
        }
    };
    let runs = n.div_ceil(DOT_RUN);
    let chunks = n.div_ceil(DOT_CHUNK);
    let runs_per_chunk = DOT_CHUNK / DOT_RUN;
    let chunk_sum = |c: usize| pairwise(c * runs_per_chunk, ((c + 1) * runs_per_chunk).min(runs), &run_sum);
    if threads <= 1 || chunks <= 1 {
        return pairwise(0, chunks, &chunk_sum);
    }
    let mut partials = vec![0.0f64; chunks];
    let out = Shared(partials.as_mut_ptr());
    // SAFETY: each chunk writes its own slot.
    run_chunks(chunks, 1, threads, |range| range.for_each(|c| unsafe { *out.get().add(c) = chunk_sum(c) }));
    pairwise(0, chunks, &|c| partials[c])
}

/// The dot of one strided run of `len <= DOT_RUN` elements, gathered into
/// contiguous buffers first. Out of line: its 2 x DOT_RUN buffers would
/// make every caller's frame probe the stack.
///
/// # Safety
/// `x` and `y` valid over their `len` strided elements.
#[inline(never)]
unsafe fn gathered_dot<T: Real>(kernels: VecKernels<T>, len: usize, x: *const T, sx: isize, y: *const T, sy: isize) -> f64 {
    let (xb, yb) = (gather(x, sx, len), gather(y, sy, len));
    (kernels.dot)(len, xb.as_ptr(), yb.as_ptr())
}

/// `len <= DOT_RUN` elements at stride `s` from `p`, contiguous.
///
/// # Safety
/// `p` valid over its `len` strided elements.
#[inline(always)]
unsafe fn gather<T: Real>(p: *const T, s: isize, len: usize) -> [T; DOT_RUN] {
    let mut buf = [T::from_f64(0.0); DOT_RUN];
    for (i, b) in buf.iter_mut().enumerate().take(len) {
        *b = *p.offset(i as isize * s);
    }
    buf
}

/// `y[i * sy] += alpha x[i * sx]` for `i < n`, one rounding per element.
/// Strided operands go through contiguous buffers a run at a time.
///
/// # Safety
/// `x` valid over its `n` strided elements, `y` likewise for reads and
/// writes, no element of y written twice, and x either the very same
/// elements as y or disjoint from them.
#[allow(clippy::too_many_arguments)]
pub unsafe fn axpy<T: Real>(kernels: VecKernels<T>, threads: usize, n: usize, alpha: T, x: *const T, sx: isize, y: *mut T, sy: isize) {
    let shared = Shared((x, y));
    let run = |r: usize| {
        let (x, y) = shared.get();
        let (i0, len) = (r * DOT_RUN, DOT_RUN.min(n - r * DOT_RUN));
        if sx == 1 && sy == 1 {
            (kernels.axpy)(len, alpha, x.add(i0), y.add(i0))
        } else {
            gathered_axpy(kernels, len, alpha, x.offset(i0 as isize * sx), sx, y.offset(i0 as isize * sy), sy)
        }
    };
    run_chunks(n.div_ceil(DOT_RUN), DOT_CHUNK / DOT_RUN, threads, |range| range.for_each(run));
}

/// One strided run of [`axpy`] through contiguous buffers, out of line
/// like [`gathered_dot`] (contiguous calls need no 16 KiB frame).
///
/// # Safety
/// As [`axpy`], for `len <= DOT_RUN` elements.
#[inline(never)]
unsafe fn gathered_axpy<T: Real>(kernels: VecKernels<T>, len: usize, alpha: T, x: *const T, sx: isize, y: *mut T, sy: isize) {
    let (xb, mut yb) = (gather(x, sx, len), gather(y, sy, len));
    (kernels.axpy)(len, alpha, xb.as_ptr(), yb.as_mut_ptr());
    for (i, &v) in yb.iter().enumerate().take(len) {
        *y.offset(i as isize * sy) = v;
    }
}

/// Rows of y one GEMV work unit computes at most (its sums live on the stack).
const GEMV_BLOCK: usize = 2048;

/// `y = alpha A x + beta y` for an m x n A whose rows or columns are
/// contiguous (`a.rs == 1` or `a.cs == 1`) and a contiguous x. beta = 0
/// never reads y; n = 0 or alpha = 0 never reads A or x.
///
/// # Safety
/// Operands valid over their extents; y must not overlap A or x.
#[allow(clippy::too_many_arguments)]
pub unsafe fn gemv<T: Real>(
    kernels: VecKernels<T>,
    threads: usize,
    (m, n): (usize, usize),
    alpha: T,
    a: Mat<T>,
    x: *const T,
    beta: T,
    y: *mut T,
    sy: isize,
) {
    let zero = T::from_f64(0.0);
    let skip_product = n == 0 || alpha == zero;
    let down_columns = a.rs == 1 && m > 1;
    debug_assert!(skip_product || down_columns || a.cs == 1 || n == 1);
    // Each element's sum does not depend on the blocking, so the blocks can
    // simply be split evenly between the threads.
    let rows_per_unit = m.div_ceil(threads.max(1)).next_multiple_of(64).min(GEMV_BLOCK);
    let shared = Shared((a, x, y));
    let unit = |u: usize| {
        let (a, x, y) = shared.get();
        let (i0, rows) = (u * rows_per_unit, rows_per_unit.min(m - u * rows_per_unit));
        let mut t = [zero; GEMV_BLOCK];
        if !skip_product {
            let a0 = a.ptr.wrapping_offset(i0 as isize * a.rs);
            if down_columns {
                (kernels.gemv_cols)(rows, n, a0, a.cs, x, t.as_mut_ptr());
            } else {
                (kernels.gemv_rows)(rows, n, a0, a.rs, x, t.as_mut_ptr());
            }
        }
        for (i, &ti) in t.iter().enumerate().take(rows) {
            let yi = y.offset((i0 + i) as isize * sy);
            let r = if skip_product { zero } else { alpha * ti };
            *yi = if beta == zero { r } else { r + beta * *yi };
        }
    };
    run_chunks(m.div_ceil(rows_per_unit), 1, threads, |range| range.for_each(unit));
}
