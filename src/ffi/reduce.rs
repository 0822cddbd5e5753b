//! C entry points of the reductions.

use super::views::read_i64s;
use super::{arrays, guard};
use crate::error::{fail, ErrorKind, Result};
use crate::framework::array::{numkern_array, MAX_NDIM};
use crate::framework::reduce::{normalize_axes, reduced_shape};
use crate::ops::{self, Exec, MaskedRows, Reduction};

/// The axes a C caller names: NULL means all of them (NumPy's `axis=None`).
pub(super) unsafe fn axes_arg<'a>(axes: *const i64, naxes: i32) -> Result<Option<&'a [i64]>> {
    if axes.is_null() {
        return Ok(None);
    }
    read_i64s(axes, naxes, "axes").map(Some)
}

/// The C entry point of every reduction.
unsafe fn reduce_entry(fname: &str, op: Reduction, x: *const numkern_array, axes: *const i64, naxes: i32, out: *const numkern_array) -> i32 {
    guard(fname, || {
        let axes = axes_arg(axes, naxes)?;
        arrays!(let [x, out] = [(x, "x"), (out, "out")]);
        ops::reduce_raw(Exec::current(), op, &x, axes, &out)
    })
}

/// out = the sum of x over `axes[0..naxes]` (`axes` NULL: over all axes,
/// NumPy's `axis=None`; negative axes count from the end).
/// 
/// `x` is any dtype with any strides (broadcast, reversed, transposed); `out`
/// has the reduced shape with the reduced axes kept as extent 1 (keepdims)
/// or dropped (see numkern_reduced_shape), and is f32 or f64, or i64 for an
/// integer x (wrapping, as NumPy's int64 sum). The sum of no elements is 0.
/// Floats accumulate in f64: the reduced elements of each output, in C order
/// over the reduced axes, are summed in blocks of 256 (16 fixed slots each)
/// added as a tree, an order fixed by x's shape, so the result is bitwise
/// the same for any thread count, SIMD tier and layout of x. Error: at most
/// (log2(n/256) + 21) f64 roundings of the sum of |x| (n reduced elements),
/// then the rounding to out's dtype. Integers are summed exactly.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR,
/// _DTYPE, _AXIS (out of range, or named twice), _SHAPE_MISMATCH (out has
/// neither reduced shape), _INVALID_ARGUMENT (out would write an element
/// twice), _OUT_OF_MEMORY, _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_sum(x: *const numkern_array, axes: *const i64, naxes: i32, out: *const numkern_array) -> i32 {
    reduce_entry("numkern_sum", Reduction::Sum, x, axes, naxes, out)
}

/// out = the product of x (f32 or f64) over `axes` (NULL: all), in f64
/// (16 slots per block of 256, blocks multiplied as a tree; bitwise the same
/// on every tier and thread count); 1 over no elements. out is f32 or f64.
/// Error: at most n f64 roundings (relative), then the rounding to out.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR,
/// _DTYPE, _AXIS (out of range, or named twice), _SHAPE_MISMATCH (out has
/// neither reduced shape), _INVALID_ARGUMENT (out would write an element
/// twice), _OUT_OF_MEMORY, _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_prod(x: *const numkern_array, axes: *const i64, naxes: i32, out: *const numkern_array) -> i32 {
    reduce_entry("numkern_prod", Reduction::Prod, x, axes, naxes, out)
}

/// out = the mean of x over `axes` (NULL: all axes): numkern_sum divided
/// once by the count; NaN where nothing is averaged (NumPy's "Mean of empty
/// slice"). x any dtype (integers summed exactly); out f32 or f64. Error as
/// numkern_sum plus one rounding.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR,
/// _DTYPE, _AXIS (out of range, or named twice), _SHAPE_MISMATCH (out has
/// neither reduced shape), _INVALID_ARGUMENT (out would write an element
/// twice), _OUT_OF_MEMORY, _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_mean(x: *const numkern_array, axes: *const i64, naxes: i32, out: *const numkern_array) -> i32 {
    reduce_entry("numkern_mean", Reduction::Mean, x, axes, naxes, out)
}

/// out = the variance of x (f32 or f64) over `axes` (NULL: all): the sum
/// of squared deviations from the mean divided by max(n - ddof, 0) (NumPy's
/// `var(ddof=)`; n - ddof <= 0 gives inf or NaN as NumPy's division does).
/// One pass over memory, in f64: each block of 256 elements' mean, then
/// its squared deviations from that mean (the block still in L1), the
/// blocks joined by Chan et al.'s pairwise update; never E[x^2] - E[x]^2.
/// NaN over no elements. out f32 or f64. Error:
/// about (log2(n/256) + 23) eps_f64 relative to the sum of squared
/// deviations, then the rounding to out.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR,
/// _DTYPE, _AXIS (out of range, or named twice), _SHAPE_MISMATCH (out has
/// neither reduced shape), _INVALID_ARGUMENT (out would write an element
/// twice), _OUT_OF_MEMORY, _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_var(x: *const numkern_array, axes: *const i64, naxes: i32, ddof: f64, out: *const numkern_array) -> i32 {
    reduce_entry("numkern_var", Reduction::Var { ddof }, x, axes, naxes, out)
}

/// out = the standard deviation: the square root of numkern_var (same
/// arguments, passes and error, plus one rounding).
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR,
/// _DTYPE, _AXIS (out of range, or named twice), _SHAPE_MISMATCH (out has
/// neither reduced shape), _INVALID_ARGUMENT (out would write an element
/// twice), _OUT_OF_MEMORY, _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_std(x: *const numkern_array, axes: *const i64, naxes: i32, ddof: f64, out: *const numkern_array) -> i32 {
    reduce_entry("numkern_std", Reduction::Std { ddof }, x, axes, naxes, out)
}

/// out = the smallest element of x (f32 or f64) over `axes` (NULL: all);
/// a NaN among them gives NaN (NumPy's min propagates NaN). Exact. out f32
/// or f64. Over no elements (with outputs to write) it is an error:
/// NUMKERN_ERR_INVALID_ARGUMENT, "zero-size array to reduction operation
/// minimum which has no identity".
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR,
/// _DTYPE, _AXIS (out of range, or named twice), _SHAPE_MISMATCH (out has
/// neither reduced shape), _INVALID_ARGUMENT (out would write an element
/// twice, or an empty reduction), _OUT_OF_MEMORY, _INTERNAL; on error
/// nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_min(x: *const numkern_array, axes: *const i64, naxes: i32, out: *const numkern_array) -> i32 {
    reduce_entry("numkern_min", Reduction::Min, x, axes, naxes, out)
}

/// out = the largest element of x over `axes` (NULL: all), as
/// numkern_min ("... operation maximum ..." over no elements).
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR,
/// _DTYPE, _AXIS (out of range, or named twice), _SHAPE_MISMATCH (out has
/// neither reduced shape), _INVALID_ARGUMENT (out would write an element
/// twice, or an empty reduction), _OUT_OF_MEMORY, _INTERNAL; on error
/// nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_max(x: *const numkern_array, axes: *const i64, naxes: i32, out: *const numkern_array) -> i32 {
    reduce_entry("numkern_max", Reduction::Max, x, axes, naxes, out)
}

/// out = max - min of x over `axes` (NULL: all), the difference in x's
/// dtype (NumPy's ptp); NaN if any element is NaN. Errors as numkern_max.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR,
/// _DTYPE, _AXIS (out of range, or named twice), _SHAPE_MISMATCH (out has
/// neither reduced shape), _INVALID_ARGUMENT (out would write an element
/// twice, or an empty reduction), _OUT_OF_MEMORY, _INTERNAL; on error
/// nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_ptp(x: *const numkern_array, axes: *const i64, naxes: i32, out: *const numkern_array) -> i32 {
    reduce_entry("numkern_ptp", Reduction::Ptp, x, axes, naxes, out)
}

/// out = the sum of the non-NaN elements of x (f32 or f64) over `axes`
/// (NULL: all); 0 where all are NaN. Accumulation and error as numkern_sum.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR,
/// _DTYPE, _AXIS (out of range, or named twice), _SHAPE_MISMATCH (out has
/// neither reduced shape), _INVALID_ARGUMENT (out would write an element
/// twice), _OUT_OF_MEMORY, _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_nansum(x: *const numkern_array, axes: *const i64, naxes: i32, out: *const numkern_array) -> i32 {
    reduce_entry("numkern_nansum", Reduction::NanSum, x, axes, naxes, out)
}

/// out = the mean of the non-NaN elements of x over `axes` (NULL: all);
/// NaN where all are NaN or there are none. Error as numkern_mean.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR,
/// _DTYPE, _AXIS (out of range, or named twice), _SHAPE_MISMATCH (out has
/// neither reduced shape), _INVALID_ARGUMENT (out would write an element
/// twice), _OUT_OF_MEMORY, _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_nanmean(x: *const numkern_array, axes: *const i64, naxes: i32, out: *const numkern_array) -> i32 {
    reduce_entry("numkern_nanmean", Reduction::NanMean, x, axes, naxes, out)
}

/// out = the smallest non-NaN element of x over `axes` (NULL: all); NaN
/// where all are NaN (NumPy's "All-NaN slice"). Exact. Over no elements an
/// error ("... operation minimum which has no identity").
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR,
/// _DTYPE, _AXIS (out of range, or named twice), _SHAPE_MISMATCH (out has
/// neither reduced shape), _INVALID_ARGUMENT (out would write an element
/// twice, or an empty reduction), _OUT_OF_MEMORY, _INTERNAL; on error
/// nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_nanmin(x: *const numkern_array, axes: *const i64, naxes: i32, out: *const numkern_array) -> i32 {
    reduce_entry("numkern_nanmin", Reduction::NanMin, x, axes, naxes, out)
}

/// out = the largest non-NaN element of x over `axes` (NULL: all), as
/// numkern_nanmin.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR,
/// _DTYPE, _AXIS (out of range, or named twice), _SHAPE_MISMATCH (out has
/// neither reduced shape), _INVALID_ARGUMENT (out would write an element
/// twice, or an empty reduction), _OUT_OF_MEMORY, _INTERNAL; on error
/// nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_nanmax(x: *const numkern_array, axes: *const i64, naxes: i32, out: *const numkern_array) -> i32 {
    reduce_entry("numkern_nanmax", Reduction::NanMax, x, axes, naxes, out)
}

/// out = the L1 norm, the sum of |x|, over `axes` (NULL: all); 0 over no
/// elements. Accumulation and error as numkern_sum (all terms positive:
/// about (log2(n/256) + 21) eps_f64 relative).
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR,
/// _DTYPE, _AXIS (out of range, or named twice), _SHAPE_MISMATCH (out has
/// neither reduced shape), _INVALID_ARGUMENT (out would write an element
/// twice), _OUT_OF_MEMORY, _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_norm_l1(x: *const numkern_array, axes: *const i64, naxes: i32, out: *const numkern_array) -> i32 {
    reduce_entry("numkern_norm_l1", Reduction::NormL1, x, axes, naxes, out)
}

/// out = the L2 norm sqrt(sum x^2) over `axes` (NULL: all); 0 over no
/// elements. f32 squares are summed in f64 (no overflow or underflow
/// possible); f64 elements are first scaled by the power of two that brings
/// the largest magnitude to [0.5, 1), so [1e200, 1e200] gives 1.414e200 and
/// [1e-200, 1e-200] gives 1.414e-200. inf if any element is infinite, NaN
/// if any is NaN (NaN first). Error: about (log2(n/256) + 22) eps_f64
/// relative, then the rounding to out.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR,
/// _DTYPE, _AXIS (out of range, or named twice), _SHAPE_MISMATCH (out has
/// neither reduced shape), _INVALID_ARGUMENT (out would write an element
/// twice), _OUT_OF_MEMORY, _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_norm_l2(x: *const numkern_array, axes: *const i64, naxes: i32, out: *const numkern_array) -> i32 {
    reduce_entry("numkern_norm_l2", Reduction::NormL2, x, axes, naxes, out)
}

/// out = the max-abs norm, the largest |x|, over `axes` (NULL: all); NaN
/// if any element is NaN. Exact. Over no elements an error ("... operation
/// maximum which has no identity").
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR,
/// _DTYPE, _AXIS (out of range, or named twice), _SHAPE_MISMATCH (out has
/// neither reduced shape), _INVALID_ARGUMENT (out would write an element
/// twice, or an empty reduction), _OUT_OF_MEMORY, _INTERNAL; on error
/// nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_norm_max(x: *const numkern_array, axes: *const i64, naxes: i32, out: *const numkern_array) -> i32 {
    reduce_entry("numkern_norm_max", Reduction::NormMax, x, axes, naxes, out)
}

/// out = log(sum(exp(x))) over `axes` (NULL: all), as m + log(sum
/// exp(x - m)) with m the maximum: no overflow for large x. exp(x - m) by
/// the tier's exp (<= 1 ULP of T), summed in f64 as numkern_sum. All -inf
/// (or no elements) gives -inf; any +inf gives +inf; NaN propagates. Error:
/// about 2 ULP of T plus the sum's bound.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR,
/// _DTYPE, _AXIS (out of range, or named twice), _SHAPE_MISMATCH (out has
/// neither reduced shape), _INVALID_ARGUMENT (out would write an element
/// twice), _OUT_OF_MEMORY, _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_logsumexp(x: *const numkern_array, axes: *const i64, naxes: i32, out: *const numkern_array) -> i32 {
    reduce_entry("numkern_logsumexp", Reduction::LogSumExp, x, axes, naxes, out)
}

/// out (i64) = the index of the first smallest element of x (f32 or f64)
/// over `axes` (NULL: all, the flat C-order index as NumPy's axis=None;
/// over several axes the C-order position among the reduced elements). The
/// first NaN wins, as NumPy's. Over no elements an error ("attempt to get
/// argmin of an empty sequence").
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR,
/// _DTYPE, _AXIS (out of range, or named twice), _SHAPE_MISMATCH (out has
/// neither reduced shape), _INVALID_ARGUMENT (out would write an element
/// twice, or an empty reduction), _OUT_OF_MEMORY, _INTERNAL; on error
/// nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_argmin(x: *const numkern_array, axes: *const i64, naxes: i32, out: *const numkern_array) -> i32 {
    reduce_entry("numkern_argmin", Reduction::ArgMin, x, axes, naxes, out)
}

/// out (i64) = the index of the first largest element, as numkern_argmin.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR,
/// _DTYPE, _AXIS (out of range, or named twice), _SHAPE_MISMATCH (out has
/// neither reduced shape), _INVALID_ARGUMENT (out would write an element
/// twice, or an empty reduction), _OUT_OF_MEMORY, _INTERNAL; on error
/// nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_argmax(x: *const numkern_array, axes: *const i64, naxes: i32, out: *const numkern_array) -> i32 {
    reduce_entry("numkern_argmax", Reduction::ArgMax, x, axes, naxes, out)
}

/// out (u8) = 1 where any element of x over `axes` (NULL: all) is
/// non-zero (NaN counts as non-zero, as NumPy's bool), else 0; 0 over no
/// elements. x any dtype (u8 masks included).
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR,
/// _DTYPE, _AXIS (out of range, or named twice), _SHAPE_MISMATCH (out has
/// neither reduced shape), _INVALID_ARGUMENT (out would write an element
/// twice), _OUT_OF_MEMORY, _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_any(x: *const numkern_array, axes: *const i64, naxes: i32, out: *const numkern_array) -> i32 {
    reduce_entry("numkern_any", Reduction::Any, x, axes, naxes, out)
}

/// out (u8) = 1 where every element of x over `axes` (NULL: all) is
/// non-zero, else 0; 1 over no elements. x any dtype.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR,
/// _DTYPE, _AXIS (out of range, or named twice), _SHAPE_MISMATCH (out has
/// neither reduced shape), _INVALID_ARGUMENT (out would write an element
/// twice), _OUT_OF_MEMORY, _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_all(x: *const numkern_array, axes: *const i64, naxes: i32, out: *const numkern_array) -> i32 {
    reduce_entry("numkern_all", Reduction::All, x, axes, naxes, out)
}

/// out (i64) = how many elements of x over `axes` (NULL: all) are
/// non-zero (NaN included). x any dtype.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR,
/// _DTYPE, _AXIS (out of range, or named twice), _SHAPE_MISMATCH (out has
/// neither reduced shape), _INVALID_ARGUMENT (out would write an element
/// twice), _OUT_OF_MEMORY, _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_count_nonzero(x: *const numkern_array, axes: *const i64, naxes: i32, out: *const numkern_array) -> i32 {
    reduce_entry("numkern_count_nonzero", Reduction::CountNonzero, x, axes, naxes, out)
}

/// The shape of reducing an array of shape `shape[0..ndim]` over
/// `axes[0..naxes]` (`axes` NULL: all axes): with the reduced axes kept as
/// extent 1 when `keepdims` is non-zero, else dropped. Written to
/// `out_shape[0..*out_ndim]` (room for NUMKERN_MAX_NDIM entries).
/// Status: NUMKERN_OK, NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR (ndim or
/// naxes out of 0..=8, a negative extent), _AXIS (out of range or named
/// twice); on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_reduced_shape(
    shape: *const i64,
    ndim: i32,
    axes: *const i64,
    naxes: i32,
    keepdims: i32,
    out_shape: *mut i64,
    out_ndim: *mut i32,
) -> i32 {
    guard("numkern_reduced_shape", || {
        let dims = read_i64s(shape, ndim, "shape")?;
        if dims.iter().any(|&d| d < 0) {
            return fail(ErrorKind::BadDescriptor, "argument `shape`: negative dimensions are not allowed");
        }
        let dims: Vec<usize> = dims.iter().map(|&d| d as usize).collect();
        let reduced = normalize_axes(dims.len(), axes_arg(axes, naxes)?)?;
        if out_shape.is_null() || out_ndim.is_null() {
            return fail(ErrorKind::NullPointer, "argument `out_shape` or `out_ndim` is a null pointer");
        }
        let r = reduced_shape(&dims, &reduced[..dims.len().min(MAX_NDIM)], keepdims != 0);
        for (k, &d) in r.iter().enumerate() {
            *out_shape.add(k) = d as i64;
        }
        *out_ndim = r.len() as i32;
        Ok(())
    })
}

/// `flags` bit of numkern_softmax and numkern_log_softmax: a row whose
/// elements are all -inf (a fully masked attention row) becomes zeros
/// (log_softmax: -inf) instead of NaN.
pub const NUMKERN_MASKED_ROWS_ZERO: i32 = 1;

unsafe fn softmax_entry(fname: &str, x: *const numkern_array, axis: i64, out: *const numkern_array, flags: i32, log: bool) -> i32 {
    guard(fname, || {
        if flags & !NUMKERN_MASKED_ROWS_ZERO != 0 {
            return fail(ErrorKind::InvalidArgument, format!("argument `flags`: unknown bits {:#x}", flags & !NUMKERN_MASKED_ROWS_ZERO));
        }
        let masked = if flags & NUMKERN_MASKED_ROWS_ZERO != 0 { MaskedRows::Zero } else { MaskedRows::Nan };
        arrays!(let [x, out] = [(x, "x"), (out, "out")]);
        ops::softmax_raw(Exec::current(), &x, axis, &out, log, masked)
    })
}

/// out = softmax(x) along `axis` (negative counts from the end):
/// exp(x - max) / sum(exp(x - max)) per row, the numerically stable form
/// (inputs in [90, 100], where exp(x) overflows f32, are fine).
///
/// x and out are f32 or f64 of one dtype and one shape, any strides; out
/// may be x itself (in place). Per row: the maximum, the sum of exp(x -
/// max) by the tier's exp (<= 1 ULP) accumulated in f64 (a fixed block
/// tree, so bitwise the same on every tier and thread count), then one
/// multiplication by 1/sum. Each output is within about 3 ULP of the exact
/// softmax, and a row sums to 1 within n eps. A row of all -inf gives NaN
/// (as NumPy and PyTorch), or zeros with NUMKERN_MASKED_ROWS_ZERO in
/// `flags`; a row holding NaN or +inf gives NaN.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR,
/// _DTYPE, _AXIS, _SHAPE_MISMATCH (out's shape differs), _INVALID_ARGUMENT
/// (unknown flags, out would write an element twice), _OUT_OF_MEMORY,
/// _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_softmax(x: *const numkern_array, axis: i64, out: *const numkern_array, flags: i32) -> i32 {
    softmax_entry("numkern_softmax", x, axis, out, flags, false)
}

/// out = log_softmax(x) along `axis`: x - max - log(sum(exp(x - max))),
/// never the log of a rounded probability. Arguments, accumulation and
/// status codes as numkern_softmax; each output is within about 2 ULP of
/// |x - max| + log(sum) of the exact value. A row of all -inf gives NaN,
/// or -inf with NUMKERN_MASKED_ROWS_ZERO.
#[no_mangle]
pub unsafe extern "C" fn numkern_log_softmax(x: *const numkern_array, axis: i64, out: *const numkern_array, flags: i32) -> i32 {
    softmax_entry("numkern_log_softmax", x, axis, out, flags, true)
}
