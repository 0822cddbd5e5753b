//! C entry points of the losses, metrics and normalizations.

use super::reduce::axes_arg;
use super::{arrays, guard};
use crate::error::Result;
use crate::framework::array::{numkern_array, RawArray};
use crate::ops::{self, CrossEntropyOptions, ErrorMetric, Exec, LossReduction, RowNorm};

/// `reduction` of the losses: every per-row (per-element) value.
pub const NUMKERN_REDUCTION_NONE: i32 = 0;
/// `reduction` of the losses: the (weighted) mean, into a 0-d output.
pub const NUMKERN_REDUCTION_MEAN: i32 = 1;
/// `reduction` of the losses: the sum, into a 0-d output.
pub const NUMKERN_REDUCTION_SUM: i32 = 2;

/// An optional array argument: NULL means none.
unsafe fn optional(d: *const numkern_array, name: &str) -> Result<Option<RawArray>> {
    if d.is_null() {
        Ok(None)
    } else {
        RawArray::from_desc(d, name).map(Some)
    }
}

unsafe fn metric_entry(fname: &str, metric: ErrorMetric, a: *const numkern_array, b: *const numkern_array, axes: *const i64, naxes: i32, out: *const numkern_array) -> i32 {
    guard(fname, || {
        let axes = axes_arg(axes, naxes)?;
        arrays!(let [a, b, out] = [(a, "a"), (b, "b"), (out, "out")]);
        ops::error_metric_raw(Exec::current(), metric, &a, &b, axes, &out)
    })
}

/// out = mean((a - b)^2) over `axes[0..naxes]` (`axes` NULL: all) of the
/// broadcast shape of a and b (NumPy's `np.mean((a - b)**2, axis=)`).
/// a and b are f32 or f64 of one dtype, any strides; out is f32 or f64 with
/// the reduced axes kept as extent 1 or dropped. One pass, no temporary:
/// differences and squares in f64, summed as numkern_sum (error about
/// (log2(n/256) + 22) eps_f64 relative). NaN over no elements.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR,
/// _DTYPE, _SHAPE_MISMATCH (a and b do not broadcast; out has neither
/// reduced shape), _AXIS, _INVALID_ARGUMENT (out would write an element
/// twice), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_mse(a: *const numkern_array, b: *const numkern_array, axes: *const i64, naxes: i32, out: *const numkern_array) -> i32 {
    metric_entry("numkern_mse", ErrorMetric::Mse, a, b, axes, naxes, out)
}

/// out = sqrt(mean((a - b)^2)): numkern_mse's square root, rounded once
/// to out. Arguments and status codes as numkern_mse.
#[no_mangle]
pub unsafe extern "C" fn numkern_rmse(a: *const numkern_array, b: *const numkern_array, axes: *const i64, naxes: i32, out: *const numkern_array) -> i32 {
    metric_entry("numkern_rmse", ErrorMetric::Rmse, a, b, axes, naxes, out)
}

/// out = mean(|a - b|) over `axes` (NULL: all) of the broadcast shape.
/// Arguments, accuracy and status codes as numkern_mse.
#[no_mangle]
pub unsafe extern "C" fn numkern_mae(a: *const numkern_array, b: *const numkern_array, axes: *const i64, naxes: i32, out: *const numkern_array) -> i32 {
    metric_entry("numkern_mae", ErrorMetric::Mae, a, b, axes, naxes, out)
}

/// Cross-entropy from logits: per row (classes along `axis`, negative
/// counts from the end), loss = w[y] (logsumexp(z) - z[y]), computed from
/// the logits (never the log of a clipped probability), logsumexp in f64.
///
/// `logits` is f32 or f64; `labels` is i32 or i64 with the logits' shape
/// minus the class axis; `weights` (NULL: all 1) is a 1-d array of one
/// weight per class, logits' dtype. A row whose label is `ignore_index`
/// adds nothing and no weight (PyTorch uses -100). `label_smoothing` ε in
/// [0, 1] gives loss = (1 - ε) w[y] (lse - z[y]) + ε/C sum_c w[c] (lse -
/// z[c]). `reduction`: NUMKERN_REDUCTION_NONE writes each row's loss to
/// `out` (the labels' shape); _SUM their sum; _MEAN their sum divided by
/// the sum of the non-ignored rows' weights (as PyTorch; all rows ignored
/// gives NaN), both into a 0-d `out` of the logits' dtype. Sums are
/// pairwise in f64, so bitwise the same for any thread count and tier.
/// Error: a few ULP of the row's logsumexp.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR,
/// _DTYPE, _AXIS, _SHAPE_MISMATCH (labels, weights or out), _INVALID_ARGUMENT
/// (a label out of range names its row and value, e.g. "label 7 of row 3
/// is out of range for 5 classes"; ε outside [0, 1]; an unknown
/// reduction), _OUT_OF_MEMORY, _INTERNAL; on error nothing is written.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn numkern_cross_entropy(
    logits: *const numkern_array,
    labels: *const numkern_array,
    axis: i64,
    weights: *const numkern_array,
    ignore_index: i64,
    label_smoothing: f64,
    reduction: i32,
    out: *const numkern_array,
) -> i32 {
    guard("numkern_cross_entropy", || {
        let reduction = LossReduction::from_code(reduction)?;
        arrays!(let [logits, labels, out] = [(logits, "logits"), (labels, "labels"), (out, "out")]);
        let weights = optional(weights, "weights")?;
        let opts = CrossEntropyOptions { ignore_index, label_smoothing, reduction };
        ops::cross_entropy_raw(Exec::current(), &logits, &labels, axis, weights.as_ref(), opts, &out)
    })
}

/// Binary cross-entropy from logits z against targets y (broadcast to z's
/// shape): max(z, 0) - z y + log1p(exp(-|z|)) per element, the stable form
/// (no log of a sigmoid): log1p(exp(-|z|)) by the softplus kernel in z's
/// dtype (f32 <= 0.78 ULP, f64 <= 3 ULP), the rest and the sums in f64;
/// the same bits on every tier. `reduction`: NUMKERN_REDUCTION_NONE
/// writes every element (out has z's shape), _MEAN / _SUM into a 0-d out
/// (pairwise f64 sums). z, y and out share one float dtype.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR,
/// _DTYPE, _SHAPE_MISMATCH, _INVALID_ARGUMENT (an unknown reduction; out
/// would write an element twice), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_binary_cross_entropy_with_logits(logits: *const numkern_array, targets: *const numkern_array, reduction: i32, out: *const numkern_array) -> i32 {
    guard("numkern_binary_cross_entropy_with_logits", || {
        let reduction = LossReduction::from_code(reduction)?;
        arrays!(let [z, y, out] = [(logits, "logits"), (targets, "targets"), (out, "out")]);
        ops::bce_with_logits_raw(Exec::current(), &z, &y, reduction, &out)
    })
}

/// out (0-d f64) = the fraction of rows whose argmax along `axis` (the
/// first largest logit, or the first NaN, as NumPy's argmax) equals the
/// label: the seed's `np.mean(labels == np.argmax(logits, axis=1))`, in
/// one pass. Labels i32 or i64 with the logits' shape minus the class
/// axis; a label outside the classes never matches. NaN for no rows.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR,
/// _DTYPE, _AXIS, _SHAPE_MISMATCH, _OUT_OF_MEMORY, _INTERNAL; on error
/// nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_accuracy(logits: *const numkern_array, labels: *const numkern_array, axis: i64, out: *const numkern_array) -> i32 {
    guard("numkern_accuracy", || {
        arrays!(let [logits, labels, out] = [(logits, "logits"), (labels, "labels"), (out, "out")]);
        ops::accuracy_raw(Exec::current(), &logits, &labels, axis, &out)
    })
}

/// out = (x - mean) / sqrt(var + eps), with the mean and variance (ddof
/// 0) of x over `axes[0..naxes]` (`axes` NULL: all): the seed's
/// `(X - X.mean(axis=0)) / X.std(axis=0)` with eps = 0. x and out are f32
/// or f64 of one dtype and x's shape (out may be x). Statistics in f64 as
/// numkern_mean and numkern_var, then one subtraction and one division in
/// x's dtype (within 2 ULP of the exact standardized value, plus the
/// statistics' error).
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR,
/// _DTYPE, _AXIS, _SHAPE_MISMATCH, _OUT_OF_MEMORY, _INTERNAL; on error
/// nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_standardize(x: *const numkern_array, axes: *const i64, naxes: i32, eps: f64, out: *const numkern_array) -> i32 {
    guard("numkern_standardize", || {
        let axes = axes_arg(axes, naxes)?;
        arrays!(let [x, out] = [(x, "x"), (out, "out")]);
        ops::standardize_raw(Exec::current(), &x, axes, eps, &out)
    })
}

/// out = (x - mean) / std with given statistics broadcast to x's shape
/// (train-set statistics applied to validation data). One dtype for all,
/// out of x's shape. Each element: one subtraction and one division.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR,
/// _DTYPE, _SHAPE_MISMATCH (mean or std do not broadcast to x), _INTERNAL;
/// on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_standardize_with(x: *const numkern_array, mean: *const numkern_array, std: *const numkern_array, out: *const numkern_array) -> i32 {
    guard("numkern_standardize_with", || {
        arrays!(let [x, mean, std, out] = [(x, "x"), (mean, "mean"), (std, "std"), (out, "out")]);
        ops::standardize_with_raw(Exec::current(), &x, &mean, &std, &out)
    })
}

/// out = (x - mean) / sqrt(var + eps) * gamma + beta over the trailing
/// `naxes` axes of x (PyTorch's layer_norm with normalized_shape =
/// x.shape[-naxes:]). gamma and beta (NULL: none) have the trailing shape.
/// Mean and (two-pass) variance in f64, each element computed in f64 and
/// rounded once, so f32 rows with mean 1e4 and std 1 normalize to std 1
/// within 1e-6. x, gamma, beta and out share one float dtype; out has x's
/// shape and may be x.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR,
/// _DTYPE, _AXIS (naxes outside 1..=ndim), _SHAPE_MISMATCH, _OUT_OF_MEMORY,
/// _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_layer_norm(x: *const numkern_array, naxes: i64, gamma: *const numkern_array, beta: *const numkern_array, eps: f64, out: *const numkern_array) -> i32 {
    guard("numkern_layer_norm", || {
        arrays!(let [x, out] = [(x, "x"), (out, "out")]);
        let (gamma, beta) = (optional(gamma, "gamma")?, optional(beta, "beta")?);
        ops::row_norm_raw(Exec::current(), RowNorm::Layer, &x, naxes, gamma.as_ref(), beta.as_ref(), eps, &out)
    })
}

/// out = x / sqrt(mean(x^2) + eps) * gamma over the trailing `naxes` axes
/// (RMSNorm). The mean square in f64. Arguments and status codes as
/// numkern_layer_norm (no beta).
#[no_mangle]
pub unsafe extern "C" fn numkern_rms_norm(x: *const numkern_array, naxes: i64, gamma: *const numkern_array, eps: f64, out: *const numkern_array) -> i32 {
    guard("numkern_rms_norm", || {
        arrays!(let [x, out] = [(x, "x"), (out, "out")]);
        let gamma = optional(gamma, "gamma")?;
        ops::row_norm_raw(Exec::current(), RowNorm::Rms, &x, naxes, gamma.as_ref(), None, eps, &out)
    })
}
