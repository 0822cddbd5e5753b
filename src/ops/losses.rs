//! Losses and ML statistics: cross-entropy from logits, binary
//! cross-entropy from logits, MSE / RMSE / MAE, accuracy. Each reads its
//! inputs once (no temporary of the input's size); per-row values are
//! added in a fixed tree, so a result is the same for any thread count and
//! tier.

use super::exec::contiguous_copy;
use super::softmax::for_rows;
use super::Exec;
use crate::dtype::{DType, Element, Real};
use crate::error::{fail, shape_str, named, Error, ErrorKind, Result};
use crate::framework::array::{ArrayView, ArrayViewMut, RawArray, MAX_NDIM};
use super::reduce::{by_slot, float_args};
use crate::framework::reduce::{normalize_axes, put, scratch, tree, Fold, Plan};
use crate::framework::threads::{run_chunks, Shared};
use crate::framework::views::{broadcast_shapes, broadcast_to, normalize_axis};
use crate::kernels::reduce::SUM_BLOCK;
use crate::kernels::{self, KernelFloat, ReduceKernels, UnaryFn, UnaryOp, UnaryParams};

/// How a loss's per-element (or per-row) values are returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LossReduction {
    /// Every value (the output has the per-row shape).
    None,
    /// Their (weighted) mean, a 0-d output.
    Mean,
    /// Their sum, a 0-d output.
    Sum,
}

impl LossReduction {
    pub fn from_code(code: i32) -> Result<LossReduction> {
        match code {
            0 => Ok(LossReduction::None),
            1 => Ok(LossReduction::Mean),
            2 => Ok(LossReduction::Sum),
            _ => fail(ErrorKind::InvalidArgument, format!("argument `reduction`: {code} is not NUMKERN_REDUCTION_NONE (0), _MEAN (1) or _SUM (2)")),
        }
    }
}

fn scalar_out(what: &str, out: &RawArray) -> Result<()> {
    if out.ndim != 0 {
        return fail(ErrorKind::ShapeMismatch, format!("{what}: output has shape {} but the reduced loss has shape ()", shape_str(out.shape())));
    }
    Ok(())
}

/// The pairwise sum of `v` (0 for none).
fn pairwise(v: &[f64]) -> f64 {
    if v.is_empty() {
        0.0
    } else {
        tree(0, v.len(), &|i| v[i], &|a, b| a + b)
    }
}

/// Which error between two arrays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorMetric {
    /// mean((a - b)^2)
    Mse,
    /// sqrt(mean((a - b)^2))
    Rmse,
    /// mean(|a - b|)
    Mae,
}

impl ErrorMetric {
    fn name(self) -> &'static str {
        match self {
            ErrorMetric::Mse => "mse",
            ErrorMetric::Rmse => "rmse",
            ErrorMetric::Mae => "mae",
        }
    }
}

/// The sum of (x - y)^2 or |x - y| in f64, 16 slots a block (scalar, so
/// the same on every tier).
struct DiffFold {
    square: bool,
}
impl<T: Real + Send + Sync> Fold<T> for DiffFold {
    type Acc = f64;
    fn block(&self, _o: usize, _start: usize, xs: &[T], ys: &[T]) -> f64 {
        let mut slots = [0.0f64; 16];
        for (i, (&a, &b)) in xs.iter().zip(ys).enumerate() {
            let d = a.to_f64() - b.to_f64();
            slots[i % 16] += if self.square { d * d } else { d.abs() };
        }
        slots.iter().fold(0.0, |s, v| s + v)
    }
    fn join(&self, a: f64, b: f64) -> f64 {
        a + b
    }
}

/// `out = metric(a, b)` over `axes` (None: all) of the broadcast shape of
/// a and b; out has the kept or dropped shape.
///
/// # Safety
/// The arrays must describe valid memory (C callers' contract).
pub unsafe fn error_metric_raw(exec: Exec, metric: ErrorMetric, a: &RawArray, b: &RawArray, axes: Option<&[i64]>, out: &RawArray) -> Result<()> {
    let what = metric.name();
    float_args(what, &[(a, "a"), (b, "b")])?;
    if !out.dtype.is_float() {
        return fail(ErrorKind::Dtype, format!("{what}: argument `out` must be float32 or float64, got {}", out.dtype.name()));
    }
    let shape = named(what, broadcast_shapes(&[a.shape(), b.shape()]))?;
    let (a, b) = (broadcast_to(a, &shape)?, broadcast_to(b, &shape)?);
    let reduced = named(what, normalize_axes(shape.len(), axes))?;
    let plan = Plan::new(what, &a, &reduced, out)?.with_second(&b, &reduced);
    out.check_writable("out")?;
    let n = plan.count as f64;
    let o = Shared(*out);
    let fold = DiffFold { square: metric != ErrorMetric::Mae };
    let write = |_o: usize, off: isize, acc: Option<f64>| {
        let mean = acc.map_or(f64::NAN, |s| s / n);
        put(&o.get(), off, if metric == ErrorMetric::Rmse { mean.sqrt() } else { mean });
    };
    let threads = exec.threads_for(plan.outputs.saturating_mul(plan.count));
    match a.dtype {
        DType::F32 => plan.fold::<f32, _>(threads, a.data as *const f32, b.data as *const f32, None, &fold, write),
        _ => plan.fold::<f64, _>(threads, a.data as *const f64, b.data as *const f64, None, &fold, write),
    }
    Ok(())
}

/// The rows of logits along a class axis and their labels.
struct ClassRows {
    logits: RawArray,
    axis: usize,
    classes: usize,
    rows: usize,
    /// The labels' strides laid out as the logits' (0 at the class axis).
    label_strides: [isize; MAX_NDIM],
    labels: RawArray,
}

impl ClassRows {
    /// Checks the shapes and dtypes of logits and labels.
    fn new(what: &str, logits: &RawArray, labels: &RawArray, axis: i64) -> Result<ClassRows> {
        float_args(what, &[(logits, "logits")])?;
        if !matches!(labels.dtype, DType::I32 | DType::I64) {
            return fail(ErrorKind::Dtype, format!("{what}: argument `labels` must be int32 or int64, got {}", labels.dtype.name()));
        }
        if logits.ndim == 0 {
            return fail(ErrorKind::Axis, format!("{what}: axis {axis} is out of bounds for array of dimension 0"));
        }
        let axis = named(what, normalize_axis(axis, logits.ndim))?;
        let row_shape: Vec<usize> = (0..logits.ndim).filter(|&k| k != axis).map(|k| logits.shape[k]).collect();
        if labels.shape() != row_shape.as_slice() {
            return fail(
                ErrorKind::ShapeMismatch,
                format!("{what}: labels have shape {} but logits {} with classes along axis {axis} need {}", shape_str(labels.shape()), shape_str(logits.shape()), shape_str(&row_shape)),
            );
        }
        let mut label_strides = [0isize; MAX_NDIM];
        let mut j = 0;
        for (k, s) in label_strides.iter_mut().enumerate().take(logits.ndim) {
            if k != axis {
                *s = labels.strides[j];
                j += 1;
            }
        }
        let classes = logits.shape[axis];
        let rows = row_shape.iter().product();
        Ok(ClassRows { logits: *logits, axis, classes, rows, label_strides, labels: *labels })
    }

    /// The label of every row in `range`, with the row's logits offset.
    unsafe fn each(&self, range: std::ops::Range<usize>, mut f: impl FnMut(usize, isize, i64)) {
        let mut r = range.start;
        let lp = self.labels.data;
        let is64 = self.labels.dtype == DType::I64;
        for_rows(self.logits.shape(), self.axis, self.logits.strides(), &self.label_strides[..self.logits.ndim], range, |xo, lo| {
            let label = if is64 { *(lp as *const i64).offset(lo) } else { *(lp as *const i32).offset(lo) as i64 };
            f(r, xo, label);
            r += 1;
        });
    }
}

/// One contiguous row's max, index of the first max (NaN first; only
/// without `need_lse`), and log-sum-exp (f64).
unsafe fn row_stats<T: KernelFloat>(k: &ReduceKernels<T>, n: usize, z: *const T, need_lse: bool) -> (T, usize, f64) {
    let blocks = n.div_ceil(SUM_BLOCK);
    let len = |b: usize| SUM_BLOCK.min(n - b * SUM_BLOCK);
    // The extreme is exact, so one call over the row; the index is wanted
    // only without the log-sum-exp (accuracy).
    let (m, at) = if need_lse { (k.max.block)(n, z) } else { (k.argmax.block)(n, z) };
    if !need_lse || !m.to_f64().is_finite() {
        return (m, at, m.to_f64());
    }
    let s = tree(0, blocks, &|b| (k.exp_sum)(len(b), z.add(b * SUM_BLOCK), m), &|a, b| a + b);
    (m, at, m.to_f64() + s.ln())
}

/// Runs `row(r, logits_row, label)` over every row, each row's logits
/// contiguous (gathered when the class axis is strided).
unsafe fn for_each_row<T: KernelFloat + Default>(exec: Exec, cr: &ClassRows, row: impl Fn(usize, *const T, i64) + Sync) -> Result<()> {
    let n = cr.classes;
    let contiguous = cr.logits.strides[cr.axis] == 1;
    let threads = exec.threads_for(cr.rows.saturating_mul(n));
    let failed = std::sync::atomic::AtomicBool::new(false);
    run_chunks(cr.rows, (1 << 14) / n.max(1) + 1, threads, |range| {
        let Ok(mut buf) = scratch(if contiguous { 0 } else { n }, T::default()) else {
            failed.store(true, std::sync::atomic::Ordering::Relaxed);
            return;
        };
        let zp = cr.logits.data as *const T;
        let s = cr.logits.strides[cr.axis];
        cr.each(range, |r, xo, label| {
            if contiguous {
                row(r, zp.offset(xo), label);
            } else {
                for (i, v) in buf.iter_mut().enumerate() {
                    *v = *zp.offset(xo + i as isize * s);
                }
                row(r, buf.as_ptr(), label);
            }
        });
    });
    if failed.into_inner() {
        return Err(Error::new(ErrorKind::OutOfMemory, format!("could not allocate a row of {n} classes")));
    }
    Ok(())
}

/// Options of cross-entropy beyond its operands.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CrossEntropyOptions {
    /// Rows with this label add nothing (and no weight to the mean).
    pub ignore_index: i64,
    /// ε in [0, 1]: the target puts 1 - ε on the label and ε / C on every class.
    pub label_smoothing: f64,
    pub reduction: LossReduction,
}

impl Default for CrossEntropyOptions {
    fn default() -> Self {
        CrossEntropyOptions { ignore_index: -100, label_smoothing: 0.0, reduction: LossReduction::Mean }
    }
}

/// Cross-entropy of `logits` (classes along `axis`) against integer
/// `labels`: per row logsumexp(z) - z[label], times the label's weight.
///
/// # Safety
/// The arrays must describe valid memory (C callers' contract).
pub unsafe fn cross_entropy_raw(exec: Exec, logits: &RawArray, labels: &RawArray, axis: i64, weights: Option<&RawArray>, opts: CrossEntropyOptions, out: &RawArray) -> Result<()> {
    let what = "cross_entropy";
    let cr = ClassRows::new(what, logits, labels, axis)?;
    if let Some(w) = weights {
        float_args(what, &[(logits, "logits"), (w, "weights")])?;
        if w.shape() != [cr.classes] {
            return fail(ErrorKind::ShapeMismatch, format!("{what}: weights have shape {} but there are {} classes", shape_str(w.shape()), cr.classes));
        }
    }
    float_args(what, &[(logits, "logits"), (out, "out")])?;
    if !(0.0..=1.0).contains(&opts.label_smoothing) {
        return fail(ErrorKind::InvalidArgument, format!("{what}: label_smoothing must be in [0, 1], got {}", opts.label_smoothing));
    }
    match opts.reduction {
        LossReduction::None if out.shape() != labels.shape() => {
            return fail(ErrorKind::ShapeMismatch, format!("{what}: output has shape {} but the per-row loss has shape {}", shape_str(out.shape()), shape_str(labels.shape())));
        }
        LossReduction::None => {}
        _ => scalar_out(what, out)?,
    }
    out.check_writable("out")?;
    // Every label in range (or ignored) before anything is written.
    let mut bad: Option<(usize, i64)> = None;
    cr.each(0..cr.rows, |r, _, label| {
        if bad.is_none() && label != opts.ignore_index && !(0..cr.classes as i64).contains(&label) {
            bad = Some((r, label));
        }
    });
    if let Some((r, label)) = bad {
        return fail(ErrorKind::InvalidArgument, format!("{what}: label {label} of row {r} is out of range for {} classes", cr.classes));
    }
    let mut temps = Vec::new();
    let weights = match weights {
        Some(w) if w.strides[0] != 1 => Some(contiguous_copy(exec, w, &mut temps)?),
        w => w.copied(),
    };
    let mut losses = scratch(cr.rows, 0.0f64)?;
    let mut wsum = scratch(cr.rows, 0.0f64)?;
    let (lp, wp) = (Shared(losses.as_mut_ptr()), Shared(wsum.as_mut_ptr()));
    macro_rules! run {
        ($T:ty) => {{
            let k = kernels::reduce_kernels::<$T>(exec.0.tier);
            let c = cr.classes;
            let w = weights.map(|w| std::slice::from_raw_parts(w.data as *const $T, c));
            let eps = opts.label_smoothing;
            // Σ_c w_c for the smoothing term.
            let wtotal: f64 = w.map_or(c as f64, |w| w.iter().map(|&v| v as f64).sum());
            for_each_row::<$T>(exec, &cr, |r, z, label| {
                if label == opts.ignore_index {
                    return;
                }
                let (_, _, lse) = row_stats(&k, c, z, true);
                let wy = w.map_or(1.0, |w| w[label as usize] as f64);
                let mut loss = wy * (lse - *z.add(label as usize) as f64);
                if eps > 0.0 {
                    // (ε / C) Σ_c w_c (lse - z_c)
                    let wz: f64 = match w {
                        None => tree(0, c.div_ceil(SUM_BLOCK), &|b| (k.sum.block)(SUM_BLOCK.min(c - b * SUM_BLOCK), z.add(b * SUM_BLOCK), 0.0), &|a, b| a + b),
                        Some(w) => (0..c).map(|i| w[i] as f64 * *z.add(i) as f64).sum(),
                    };
                    loss = (1.0 - eps) * loss + eps / c as f64 * (lse * wtotal - wz);
                }
                *lp.get().add(r) = loss;
                *wp.get().add(r) = wy;
            })?;
        }};
    }
    match logits.dtype {
        DType::F32 => run!(f32),
        _ => run!(f64),
    }
    match opts.reduction {
        LossReduction::None => {
            // Per row, in the labels' layout.
            let mut r = 0;
            let ostrides = {
                let mut s = [0isize; MAX_NDIM];
                let mut j = 0;
                for (k, v) in s.iter_mut().enumerate().take(logits.ndim) {
                    if k != cr.axis {
                        *v = out.strides[j];
                        j += 1;
                    }
                }
                s
            };
            for_rows(logits.shape(), cr.axis, &ostrides[..logits.ndim], &ostrides[..logits.ndim], 0..cr.rows, |oo, _| {
                put(out, oo, losses[r]);
                r += 1;
            });
        }
        LossReduction::Sum => put(out, 0, pairwise(&losses)),
        LossReduction::Mean => put(out, 0, pairwise(&losses) / pairwise(&wsum)),
    }
    Ok(())
}

/// The fraction of rows whose first largest logit (first NaN) is at the
/// label, as f64 (NaN for no rows).
///
/// # Safety
/// The arrays must describe valid memory (C callers' contract).
pub unsafe fn accuracy_raw(exec: Exec, logits: &RawArray, labels: &RawArray, axis: i64, out: &RawArray) -> Result<()> {
    let what = "accuracy";
    let cr = ClassRows::new(what, logits, labels, axis)?;
    if out.dtype != DType::F64 {
        return fail(ErrorKind::Dtype, format!("{what}: argument `out` must be float64, got {}", out.dtype.name()));
    }
    scalar_out(what, out)?;
    out.check_writable("out")?;
    let mut hit = scratch(cr.rows, 0.0f64)?;
    let hp = Shared(hit.as_mut_ptr());
    if cr.classes > 0 {
        macro_rules! run {
            ($T:ty) => {{
                let k = kernels::reduce_kernels::<$T>(exec.0.tier);
                for_each_row::<$T>(exec, &cr, |r, z, label| {
                    let (_, at, _) = row_stats(&k, cr.classes, z, false);
                    *hp.get().add(r) = (at as i64 == label) as u8 as f64;
                })?;
            }};
        }
        match logits.dtype {
            DType::F32 => run!(f32),
            _ => run!(f64),
        }
    }
    *(out.data as *mut f64) = pairwise(&hit) / cr.rows as f64;
    Ok(())
}

/// The stable binary cross-entropy of logits z against targets y:
/// max(z, 0) - z y + log1p(exp(-|z|)), summed in 16 slots a block; the
/// last term is the tier's softplus of -|z| (a vector kernel, the same
/// bits on every tier), the rest in f64.
struct BceFold<T> {
    softplus: UnaryFn<T>,
}
impl<T: Real + Default + Send + Sync> Fold<T> for BceFold<T> {
    type Acc = f64;
    fn block(&self, _o: usize, _start: usize, zs: &[T], ys: &[T]) -> f64 {
        let mut sp = [T::default(); SUM_BLOCK];
        let sp = &mut sp[..zs.len()];
        for (s, &z) in sp.iter_mut().zip(zs) {
            *s = T::from_f64(-z.to_f64().abs());
        }
        // SAFETY: `sp` holds the block's elements (<= SUM_BLOCK).
        unsafe { (self.softplus)(sp.len(), sp.as_ptr(), 1, sp.as_mut_ptr(), 1, &UnaryParams::default(), false) };
        let term = |i: usize| zs[i].to_f64().max(0.0) - zs[i].to_f64() * ys[i].to_f64() + sp[i].to_f64();
        let slots = by_slot(zs.len(), 0.0, term, |a, b| a + b);
        slots.iter().fold(0.0, |s, v| s + v)
    }
    fn join(&self, a: f64, b: f64) -> f64 {
        a + b
    }
}

/// Binary cross-entropy from logits `z` against targets `y` (y broadcast
/// to z's shape), per element or reduced.
///
/// # Safety
/// The arrays must describe valid memory (C callers' contract).
pub unsafe fn bce_with_logits_raw(exec: Exec, z: &RawArray, y: &RawArray, reduction: LossReduction, out: &RawArray) -> Result<()> {
    let what = "binary_cross_entropy_with_logits";
    float_args(what, &[(z, "logits"), (y, "targets"), (out, "out")])?;
    let y = named(what, broadcast_to(y, z.shape()))?;
    // "none" is a reduction over no axes: one element per output.
    let reduced = match reduction {
        LossReduction::None => [false; MAX_NDIM],
        _ => {
            scalar_out(what, out)?;
            normalize_axes(z.ndim, None)?
        }
    };
    let plan = Plan::new(what, z, &reduced, out)?.with_second(&y, &reduced);
    out.check_writable("out")?;
    let n = plan.count as f64;
    let o = Shared(*out);
    let write = |_o: usize, off: isize, acc: Option<f64>| {
        let v = match (reduction, acc) {
            (LossReduction::Mean, Some(s)) => s / n,
            (LossReduction::Mean, None) => f64::NAN,
            (_, s) => s.unwrap_or(0.0),
        };
        put(&o.get(), off, v);
    };
    let threads = exec.threads_for(plan.outputs.saturating_mul(plan.count).saturating_mul(8));
    let tier = exec.0.tier;
    match z.dtype {
        DType::F32 => plan.fold::<f32, _>(threads, z.data as *const f32, y.data as *const f32, None, &BceFold { softplus: kernels::unary_fn(tier, UnaryOp::Softplus) }, write),
        _ => plan.fold::<f64, _>(threads, z.data as *const f64, y.data as *const f64, None, &BceFold { softplus: kernels::unary_fn(tier, UnaryOp::Softplus) }, write),
    }
    Ok(())
}

impl Exec {
    /// MSE, RMSE or MAE between `a` and `b` (broadcast) over `axes` (None: all).
    pub fn error_metric<T: KernelFloat + Element, O: KernelFloat + Element>(&self, metric: ErrorMetric, a: &ArrayView<T>, b: &ArrayView<T>, axes: Option<&[i64]>, out: &mut ArrayViewMut<O>) -> Result<()> {
        // SAFETY: views describe valid memory; `out` is borrowed mutably.
        unsafe { error_metric_raw(*self, metric, a.raw(), b.raw(), axes, out.raw()) }
    }
    /// Cross-entropy from logits (classes along `axis`) and i32/i64 labels.
    pub fn cross_entropy<T: KernelFloat + Element, L: Element>(&self, logits: &ArrayView<T>, labels: &ArrayView<L>, axis: i64, weights: Option<&ArrayView<T>>, opts: CrossEntropyOptions, out: &mut ArrayViewMut<T>) -> Result<()> {
        // SAFETY: as `error_metric`.
        unsafe { cross_entropy_raw(*self, logits.raw(), labels.raw(), axis, weights.map(|w| w.raw()), opts, out.raw()) }
    }
    /// The fraction of rows whose argmax along `axis` equals the label.
    pub fn accuracy<T: KernelFloat + Element, L: Element>(&self, logits: &ArrayView<T>, labels: &ArrayView<L>, axis: i64) -> Result<f64> {
        let mut v = 0f64;
        let out = RawArray::new(&mut v as *mut f64 as *mut u8, DType::F64, &[], &[], "out")?;
        // SAFETY: as `error_metric`; `out` is the local `v`.
        unsafe { accuracy_raw(*self, logits.raw(), labels.raw(), axis, &out)? };
        Ok(v)
    }
    /// Binary cross-entropy from logits against targets (broadcast to z).
    pub fn bce_with_logits<T: KernelFloat + Element>(&self, z: &ArrayView<T>, y: &ArrayView<T>, reduction: LossReduction, out: &mut ArrayViewMut<T>) -> Result<()> {
        // SAFETY: as `error_metric`.
        unsafe { bce_with_logits_raw(*self, z.raw(), y.raw(), reduction, out.raw()) }
    }
}
