//! softmax and log_softmax along one axis: per row, the maximum, the sum
//! of exp(x - max) in f64 (the exps kept in the output for softmax), then
//! one scaling pass; a row is read from memory once when it fits in L1/L2.

use super::exec::contiguous_copy;
use super::Exec;
use crate::dtype::{DType, Element};
use crate::error::{fail, shape_str, named, Error, ErrorKind, Result};
use crate::framework::array::{ArrayView, ArrayViewMut, RawArray};
use crate::framework::overlap;
use crate::framework::reduce::scratch;
use crate::framework::threads::{run_chunks, Shared};
use crate::framework::views::normalize_axis;
use crate::kernels::reduce::SUM_BLOCK;
use crate::kernels::{self, KernelFloat, ReduceKernels, UnaryFn, UnaryOp, UnaryParams};

/// What a row whose elements are all -inf becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MaskedRows {
    /// NaN, as NumPy's and PyTorch's formulas give.
    Nan,
    /// Zeros (softmax) or -inf (log_softmax): a fully masked attention row.
    Zero,
}

/// The offsets (in elements) of the first element of every row along
/// `axis` in x and out, C order over the other axes, handed to `f(row, xo, oo)`.
pub(crate) fn for_rows(shape: &[usize], axis: usize, xs: &[isize], os: &[isize], rows: std::ops::Range<usize>, mut f: impl FnMut(isize, isize)) {
    for r in rows {
        let (mut rest, mut xo, mut oo) = (r, 0isize, 0isize);
        for k in (0..shape.len()).rev().filter(|&k| k != axis) {
            let i = (rest % shape[k]) as isize;
            rest /= shape[k];
            xo += i * xs[k];
            oo += i * os[k];
        }
        f(xo, oo);
    }
}

/// `out = softmax(x)` (or log_softmax) along `axis`. x and out f32 or f64
/// of one dtype and one shape; out may be x itself.
///
/// # Safety
/// The arrays must describe valid memory (C callers' contract).
pub unsafe fn softmax_raw(exec: Exec, x: &RawArray, axis: i64, out: &RawArray, log: bool, masked: MaskedRows) -> Result<()> {
    let what = if log { "log_softmax" } else { "softmax" };
    super::reduce::float_args(what, &[(x, "x"), (out, "out")])?;
    if x.ndim == 0 {
        return fail(ErrorKind::Axis, format!("{what}: axis {axis} is out of bounds for array of dimension 0"));
    }
    let axis = named(what, normalize_axis(axis, x.ndim))?;
    if out.shape() != x.shape() {
        return fail(ErrorKind::ShapeMismatch, format!("{what}: output has shape {} but input has shape {}", shape_str(out.shape()), shape_str(x.shape())));
    }
    out.check_writable("out")?;
    let mut temps = Vec::new();
    let x = if overlap::needs_copy(out, x) { contiguous_copy(exec, x, &mut temps)? } else { *x };
    let n = x.shape[axis];
    let rows = if n == 0 { 0 } else { x.size() / n };
    let threads = exec.threads_for(x.size());
    let tier = exec.0.tier;
    match x.dtype {
        DType::F32 => Rows::<f32>::new(tier, &x, out, axis, log, masked).run(rows, threads),
        _ => Rows::<f64>::new(tier, &x, out, axis, log, masked).run(rows, threads),
    }
}

/// The rows of one softmax call.
struct Rows<T> {
    k: ReduceKernels<T>,
    affine: UnaryFn<T>,
    x: Shared<RawArray>,
    out: Shared<RawArray>,
    axis: usize,
    log: bool,
    masked: MaskedRows,
}

impl<T: KernelFloat + Default> Rows<T> {
    fn new(tier: crate::dispatch::Tier, x: &RawArray, out: &RawArray, axis: usize, log: bool, masked: MaskedRows) -> Self {
        Rows { k: kernels::reduce_kernels(tier), affine: kernels::unary_fn(tier, UnaryOp::Affine), x: Shared(*x), out: Shared(*out), axis, log, masked }
    }

    unsafe fn run(&self, rows: usize, threads: usize) -> Result<()> {
        let (x, out) = (&self.x.0, &self.out.0);
        let n = x.shape[self.axis];
        let contiguous = x.strides[self.axis] == 1 && out.strides[self.axis] == 1;
        // The step to the next row (C order over the other axes), which
        // the exp pass prefetches.
        let ahead = (0..x.ndim).rev().find(|&k| k != self.axis).map_or(0, |k| x.strides[k]);
        // Strided rows go through a contiguous copy per thread.
        let per_chunk = (1 << 16) / n.max(1) + 1;
        let failed = std::sync::atomic::AtomicBool::new(false);
        run_chunks(rows, per_chunk, threads, |r| {
            let Ok(mut row) = scratch(if contiguous { 0 } else { n }, T::default()) else {
                failed.store(true, std::sync::atomic::Ordering::Relaxed);
                return;
            };
            let (xp, op) = (x.data as *const T, out.data as *mut T);
            for_rows(x.shape(), self.axis, &x.strides[..x.ndim], &out.strides[..out.ndim], r, |xo, oo| {
                if contiguous {
                    self.row(n, xp.offset(xo), op.offset(oo), ahead);
                } else {
                    let (sx, so) = (x.strides[self.axis], out.strides[self.axis]);
                    for (i, s) in row.iter_mut().enumerate() {
                        *s = *xp.offset(xo + i as isize * sx);
                    }
                    self.row(n, row.as_ptr(), row.as_mut_ptr(), 0);
                    for (i, s) in row.iter().enumerate() {
                        *op.offset(oo + i as isize * so) = *s;
                    }
                }
            });
        });
        if failed.into_inner() {
            return Err(Error::new(ErrorKind::OutOfMemory, format!("could not allocate a row of {n} elements")));
        }
        Ok(())
    }

    /// One contiguous row (`y` may be `x`); the next row `ahead` elements on.
    unsafe fn row(&self, n: usize, x: *const T, y: *mut T, ahead: isize) {
        let k = &self.k;
        let blocks = n.div_ceil(SUM_BLOCK);
        let len = |b: usize| SUM_BLOCK.min(n - b * SUM_BLOCK);
        // The maximum (exact, so in one call); NaN if any element is NaN.
        let (m, _) = (k.max.block)(n, x);
        let fill = |v: f64| (0..n).for_each(|i| *y.add(i) = T::from_f64(v));
        if !m.to_f64().is_finite() {
            // All -inf (or a NaN, or +inf, whose sum is NaN).
            return match (m.to_f64() == f64::NEG_INFINITY, self.masked, self.log) {
                (true, MaskedRows::Zero, false) => fill(0.0),
                (true, MaskedRows::Zero, true) => fill(f64::NEG_INFINITY),
                _ => fill(f64::NAN),
            };
        }
        let s = crate::framework::reduce::tree(0, blocks, &|b| {
            let p = b * SUM_BLOCK;
            if self.log {
                (k.exp_sum)(len(b), x.add(p), m)
            } else {
                (k.exp_shifted)(len(b), x.add(p), m, y.add(p), ahead);
                (k.sum.block)(len(b), y.add(p), 0.0)
            }
        }, &|a, b| a + b);
        if self.log {
            // y = (x - m) - log s: two steps, as m + log s may round away
            // all of log s.
            (self.affine)(n, x, 1, y, 1, &UnaryParams { a: 1.0, b: -m.to_f64() }, false);
            (self.affine)(n, y, 1, y, 1, &UnaryParams { a: 1.0, b: -s.ln() }, false);
        } else {
            (self.affine)(n, y, 1, y, 1, &UnaryParams { a: 1.0 / s, b: 0.0 }, false);
        }
    }
}

impl Exec {
    /// `out = softmax(x)` along `axis` (negative counts from the end);
    /// `log` for log_softmax. See `numkern_softmax`.
    pub fn softmax<T: KernelFloat + Element>(&self, x: &ArrayView<T>, axis: i64, out: &mut ArrayViewMut<T>, log: bool, masked: MaskedRows) -> Result<()> {
        // SAFETY: views describe valid memory; `out` is borrowed mutably.
        unsafe { softmax_raw(*self, x.raw(), axis, out.raw(), log, masked) }
    }
    /// softmax in place along `axis`.
    pub fn softmax_inplace<T: KernelFloat + Element>(&self, x: &mut ArrayViewMut<T>, axis: i64, log: bool, masked: MaskedRows) -> Result<()> {
        let raw = *x.raw();
        // SAFETY: as `softmax`; out is x, which the kernel allows.
        unsafe { softmax_raw(*self, &raw, axis, &raw, log, masked) }
    }
}
