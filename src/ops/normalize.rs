//! Normalization: standardize along axes ((x - mean) / sqrt(var + eps),
//! the seed's preprocessing step, or with given statistics), layer_norm
//! and rms_norm over the trailing axes. Statistics in f64 (two passes for
//! the variance), so f32 rows with a large mean normalize exactly enough.

use super::exec::{contiguous_copy, copy_raw};
use super::reduce::{float_args, reduce_raw, Reduction};
use super::Exec;
use crate::dtype::{DType, Element};
use crate::error::{fail, shape_str, named, ErrorKind, Result};
use crate::framework::array::{ArrayView, ArrayViewMut, RawArray};
use crate::framework::reduce::{normalize_axes, reduced_shape, scratch, tree};
use crate::framework::threads::{run_chunks, Shared};
use crate::framework::views::broadcast_to;
use crate::kernels::reduce::SUM_BLOCK;
use crate::kernels::{self, BinaryOp, KernelFloat, ReduceKernels};

fn same_shape(what: &str, x: &RawArray, out: &RawArray) -> Result<()> {
    if out.shape() != x.shape() {
        return fail(ErrorKind::ShapeMismatch, format!("{what}: output has shape {} but input has shape {}", shape_str(out.shape()), shape_str(x.shape())));
    }
    Ok(())
}

/// A zeroed C-order temporary of `shape` and `dtype`, kept alive in `temps`.
fn temp(dtype: DType, shape: &[usize], temps: &mut Vec<Vec<u64>>) -> Result<RawArray> {
    let n: usize = shape.iter().product();
    let mut v = scratch(n, 0u64)?;
    let strides = RawArray::contiguous_strides(shape);
    let a = RawArray::new(v.as_mut_ptr() as *mut u8, dtype, shape, &strides[..shape.len()], "tmp")?;
    temps.push(v);
    Ok(a)
}

/// `out = (x - mean) / sqrt(var + eps)` with the mean and (ddof 0)
/// variance of x over `axes` (None: all).
///
/// # Safety
/// The arrays must describe valid memory (C callers' contract).
pub unsafe fn standardize_raw(exec: Exec, x: &RawArray, axes: Option<&[i64]>, eps: f64, out: &RawArray) -> Result<()> {
    let what = "standardize";
    float_args(what, &[(x, "x"), (out, "out")])?;
    same_shape(what, x, out)?;
    let reduced = named(what, normalize_axes(x.ndim, axes))?;
    out.check_writable("out")?;
    let kept = reduced_shape(x.shape(), &reduced[..x.ndim], true);
    let mut temps = Vec::new();
    let (mean, var) = (temp(DType::F64, &kept, &mut temps)?, temp(DType::F64, &kept, &mut temps)?);
    reduce_raw(exec, Reduction::Mean, x, axes, &mean)?;
    reduce_raw(exec, Reduction::Var { ddof: 0.0 }, x, axes, &var)?;
    let (m, s) = (temp(x.dtype, &kept, &mut temps)?, temp(x.dtype, &kept, &mut temps)?);
    let n = mean.size();
    for i in 0..n {
        let (mu, v) = (*(mean.data as *const f64).add(i), *(var.data as *const f64).add(i));
        let sd = (v + eps).sqrt();
        match x.dtype {
            DType::F32 => {
                *(m.data as *mut f32).add(i) = mu as f32;
                *(s.data as *mut f32).add(i) = sd as f32;
            }
            _ => {
                *(m.data as *mut f64).add(i) = mu;
                *(s.data as *mut f64).add(i) = sd;
            }
        }
    }
    super::binary_raw(exec, BinaryOp::Subtract, x, &m, out)?;
    super::binary_raw(exec, BinaryOp::Divide, out, &s, out)
}

/// `out = (x - mean) / std` with given statistics broadcast to x's shape
/// (train-set statistics applied to validation data).
///
/// # Safety
/// The arrays must describe valid memory (C callers' contract).
pub unsafe fn standardize_with_raw(exec: Exec, x: &RawArray, mean: &RawArray, std: &RawArray, out: &RawArray) -> Result<()> {
    let what = "standardize_with";
    float_args(what, &[(x, "x"), (mean, "mean"), (std, "std"), (out, "out")])?;
    same_shape(what, x, out)?;
    for a in [mean, std] {
        named(what, broadcast_to(a, x.shape()))?;
    }
    out.check_writable("out")?;
    // std read after out is written: copied first if they share memory.
    let mut temps = Vec::new();
    let std = if crate::framework::overlap::may_overlap(out, std) { contiguous_copy(exec, std, &mut temps)? } else { *std };
    super::binary_raw(exec, BinaryOp::Subtract, x, mean, out)?;
    super::binary_raw(exec, BinaryOp::Divide, out, &std, out)
}

/// layer_norm or rms_norm over the trailing `naxes` axes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowNorm {
    /// (x - mean) / sqrt(var + eps) * gamma + beta.
    Layer,
    /// x / sqrt(mean(x^2) + eps) * gamma.
    Rms,
}

/// `out = norm(x)` over the trailing `naxes` axes, with optional `gamma`
/// and `beta` of the trailing shape.
///
/// # Safety
/// The arrays must describe valid memory (C callers' contract).
pub unsafe fn row_norm_raw(exec: Exec, kind: RowNorm, x: &RawArray, naxes: i64, gamma: Option<&RawArray>, beta: Option<&RawArray>, eps: f64, out: &RawArray) -> Result<()> {
    let what = if kind == RowNorm::Layer { "layer_norm" } else { "rms_norm" };
    // RMSNorm has no shift.
    let beta = if kind == RowNorm::Rms { None } else { beta };
    let mut args = vec![(x, "x"), (out, "out")];
    args.extend(gamma.map(|g| (g, "gamma")));
    args.extend(beta.map(|b| (b, "beta")));
    float_args(what, &args)?;
    same_shape(what, x, out)?;
    if naxes < 1 || naxes as usize > x.ndim {
        return fail(ErrorKind::Axis, format!("{what}: normalizing over the last {naxes} axes of an array of dimension {}", x.ndim));
    }
    let lead = x.ndim - naxes as usize;
    let trailing = &x.shape()[lead..];
    for (a, name) in [(gamma, "gamma"), (beta, "beta")] {
        if let Some(a) = a {
            if a.shape() != trailing {
                return fail(ErrorKind::ShapeMismatch, format!("{what}: {name} has shape {} but the normalized shape is {}", shape_str(a.shape()), shape_str(trailing)));
            }
        }
    }
    out.check_writable("out")?;
    let n: usize = trailing.iter().product();
    let rows = if n == 0 { 0 } else { x.size() / n };
    // Rows, gamma and beta contiguous: copied where they are not, and the
    // result written to a temporary when out's rows are strided.
    let mut temps = Vec::new();
    let trailing_contiguous = |a: &RawArray| {
        let mut want = 1isize;
        (lead..a.ndim).rev().all(|k| {
            let ok = a.shape[k] == 1 || a.strides[k] == want;
            want *= a.shape[k] as isize;
            ok
        })
    };
    let contiguous = |a: &RawArray, temps: &mut Vec<Vec<u64>>| if a.is_c_contiguous() { Ok(*a) } else { contiguous_copy(exec, a, temps) };
    let x = if trailing_contiguous(x) && !crate::framework::overlap::needs_copy(out, x) { *x } else { contiguous_copy(exec, x, &mut temps)? };
    let gamma = gamma.map(|g| contiguous(g, &mut temps)).transpose()?;
    let beta = beta.map(|b| contiguous(b, &mut temps)).transpose()?;
    let y = if trailing_contiguous(out) { *out } else { temp(out.dtype, out.shape(), &mut temps)? };
    let threads = exec.threads_for(x.size());
    macro_rules! run {
        ($T:ty) => {{
            let k = kernels::reduce_kernels::<$T>(exec.0.tier);
            let g = gamma.map(|g| Shared(g.data as *const $T));
            let b = beta.map(|b| Shared(b.data as *const $T));
            let (xs, ys) = (Shared(x), Shared(y));
            run_chunks(rows, (1 << 14) / n.max(1) + 1, threads, |range| {
                for r in range {
                    let (xo, yo) = lead_offsets(&xs.0, &ys.0, lead, r);
                    let xr = (xs.0.data as *const $T).offset(xo);
                    let yr = (ys.0.data as *mut $T).offset(yo);
                    norm_row::<$T>(&k, kind, n, xr, yr, g.map(|g| g.get()), b.map(|b| b.get()), eps);
                }
            });
        }};
    }
    match x.dtype {
        DType::F32 => run!(f32),
        _ => run!(f64),
    }
    if y.data != out.data || y.strides != out.strides {
        copy_raw(exec, &y, out);
    }
    Ok(())
}

/// Offsets of row `r` (C order over the `lead` leading axes) in x and y.
fn lead_offsets(x: &RawArray, y: &RawArray, lead: usize, mut r: usize) -> (isize, isize) {
    let (mut xo, mut yo) = (0isize, 0isize);
    for k in (0..lead).rev() {
        let i = (r % x.shape[k]) as isize;
        r /= x.shape[k];
        xo += i * x.strides[k];
        yo += i * y.strides[k];
    }
    (xo, yo)
}

/// One contiguous row of `n` elements: statistics in f64 over blocks
/// joined as a tree, then y = (x - mean) rstd gamma + beta (layer) or
/// x rstd gamma (rms), each element computed in f64 and rounded once.
#[allow(clippy::too_many_arguments)]
unsafe fn norm_row<T: KernelFloat>(k: &ReduceKernels<T>, kind: RowNorm, n: usize, x: *const T, y: *mut T, g: Option<*const T>, b: Option<*const T>, eps: f64) {
    let blocks = n.div_ceil(SUM_BLOCK);
    let len = |i: usize| SUM_BLOCK.min(n - i * SUM_BLOCK);
    let sum = |f: crate::kernels::SumBlockFn<T>, a: f64| tree(0, blocks, &|i| f(len(i), x.add(i * SUM_BLOCK), a), &|p, q| p + q);
    let (shift, rstd) = match kind {
        RowNorm::Layer => {
            let mean = sum(k.sum.block, 0.0) / n as f64;
            let var = sum(k.sum_deviation2.block, mean) / n as f64;
            (mean, 1.0 / (var + eps).sqrt())
        }
        RowNorm::Rms => (0.0, 1.0 / (sum(k.sum_square.block, 1.0) / n as f64 + eps).sqrt()),
    };
    for i in 0..n {
        let mut v = ((*x.add(i)).to_f64() - shift) * rstd;
        if let Some(g) = g {
            v *= (*g.add(i)).to_f64();
        }
        if let Some(b) = b {
            v += (*b.add(i)).to_f64();
        }
        *y.add(i) = T::from_f64(v);
    }
}

impl Exec {
    /// `out = (x - mean) / sqrt(var + eps)` over `axes` (None: all).
    pub fn standardize<T: KernelFloat + Element>(&self, x: &ArrayView<T>, axes: Option<&[i64]>, eps: f64, out: &mut ArrayViewMut<T>) -> Result<()> {
        // SAFETY: views describe valid memory; `out` is borrowed mutably.
        unsafe { standardize_raw(*self, x.raw(), axes, eps, out.raw()) }
    }
    /// `out = (x - mean) / std` with given (broadcast) statistics.
    pub fn standardize_with<T: KernelFloat + Element>(&self, x: &ArrayView<T>, mean: &ArrayView<T>, std: &ArrayView<T>, out: &mut ArrayViewMut<T>) -> Result<()> {
        // SAFETY: as `standardize`.
        unsafe { standardize_with_raw(*self, x.raw(), mean.raw(), std.raw(), out.raw()) }
    }
    /// layer_norm (or rms_norm, ignoring `beta`) over the trailing `naxes` axes.
    #[allow(clippy::too_many_arguments)]
    pub fn row_norm<T: KernelFloat + Element>(&self, kind: RowNorm, x: &ArrayView<T>, naxes: i64, gamma: Option<&ArrayView<T>>, beta: Option<&ArrayView<T>>, eps: f64, out: &mut ArrayViewMut<T>) -> Result<()> {
        // SAFETY: as `standardize`.
        unsafe { row_norm_raw(*self, kind, x.raw(), naxes, gamma.map(|g| g.raw()), beta.map(|b| b.raw()), eps, out.raw()) }
    }
}
