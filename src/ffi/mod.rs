//! The C ABI: thin `extern "C"` entry points. Each validates its pointers and
//! descriptors, calls the safe layer, and maps errors to status codes; no
//! arithmetic lives here. Every entry point runs inside a panic boundary.
//!
//! There is one entry point per op (so cbindgen sees each, with its own doc
//! comment); each is a one-line call into a shared helper.

#[cfg(feature = "cblas")]
mod cblas;
mod create;
mod index;
mod join;
mod linalg;
mod losses;
mod random;
mod reduce;
mod runtime;
mod views;

#[cfg(feature = "cblas")]
pub use cblas::*;
pub use create::*;
pub use index::*;
pub use join::*;
pub use linalg::*;
pub use losses::*;
pub use random::*;
pub use reduce::*;
pub use runtime::*;
pub use views::*;

use crate::error::{fail, set_last_error, Error, ErrorKind, Result, NUMKERN_OK};
use crate::framework::array::{numkern_array, RawArray};
use crate::kernels::{BinaryOp, CompareOp, LogicalOp, PredicateOp, UnaryOp, UnaryParams};
use crate::ops::{self, Exec};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs `body` inside a panic boundary; records the message of any failure.
pub(crate) fn guard(fname: &str, body: impl FnOnce() -> Result<()>) -> i32 {
    let outcome = catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        Err(Error::new(ErrorKind::Internal, format!("internal error: {what}")))
    });
    match outcome {
        Ok(()) => NUMKERN_OK,
        Err(e) => {
            set_last_error(&format!("{fname}: {}", e.message));
            e.status()
        }
    }
}

/// Reads the named descriptors, validating each in full, into arrays in
/// the caller's frame, and binds the names to them (`&RawArray`):
/// `arrays!(let [x, out] = [(x, "x"), (out, "out")]);` returns the first
/// error. In place: arrays returned by value were moved through `memmove`
/// and unaligned copies that stalled store forwarding.
macro_rules! arrays {
    (let [$($name:ident),+] = [$(($desc:expr, $label:literal)),+]) => {
        let mut slots = [$crate::framework::array::RawArray::EMPTY; { [$($label),+].len() }];
        $crate::ffi::read_arrays(&mut slots, [$(($desc, $label)),+])?;
        let [$($name),+] = &slots;
    };
}
pub(crate) use arrays;

/// The body of [`arrays!`].
#[inline(always)]
pub(crate) unsafe fn read_arrays<const N: usize>(slots: &mut [RawArray; N], descs: [(*const numkern_array, &str); N]) -> Result<()> {
    for (slot, (d, name)) in slots.iter_mut().zip(descs) {
        RawArray::read_desc(d, name, slot)?;
    }
    Ok(())
}

/// The `n` descriptors at `inputs`, each validated, named `{name}[i]` in errors.
pub(crate) unsafe fn input_list(inputs: *const numkern_array, n: i64, name: &str) -> Result<Vec<RawArray>> {
    if n < 0 {
        return fail(ErrorKind::InvalidArgument, format!("n = {n} must be at least 0"));
    }
    if inputs.is_null() && n > 0 {
        return fail(ErrorKind::NullPointer, format!("argument `{name}` is a null pointer"));
    }
    (0..n as usize).map(|i| RawArray::from_desc(inputs.add(i), &format!("{name}[{i}]"))).collect()
}

unsafe fn unary_entry(fname: &str, op: UnaryOp, a: f64, b: f64, x: *const numkern_array, out: *const numkern_array) -> i32 {
    guard(fname, || {
        arrays!(let [x, out] = [(x, "x"), (out, "out")]);
        ops::unary_raw(Exec::current(), op, UnaryParams { a, b }, &x, &out)
    })
}

unsafe fn binary_entry(fname: &str, op: BinaryOp, a: *const numkern_array, b: *const numkern_array, out: *const numkern_array) -> i32 {
    guard(fname, || {
        arrays!(let [a, b, out] = [(a, "a"), (b, "b"), (out, "out")]);
        ops::binary_raw(Exec::current(), op, &a, &b, &out)
    })
}

unsafe fn compare_entry(fname: &str, op: CompareOp, a: *const numkern_array, b: *const numkern_array, out: *const numkern_array) -> i32 {
    guard(fname, || {
        arrays!(let [a, b, out] = [(a, "a"), (b, "b"), (out, "out")]);
        ops::compare_raw(Exec::current(), op, &a, &b, &out)
    })
}

unsafe fn predicate_entry(fname: &str, op: PredicateOp, x: *const numkern_array, out: *const numkern_array) -> i32 {
    guard(fname, || {
        arrays!(let [x, out] = [(x, "x"), (out, "out")]);
        ops::predicate_raw(Exec::current(), op, &x, &out)
    })
}

unsafe fn logical_entry(fname: &str, op: LogicalOp, a: *const numkern_array, b: *const numkern_array, out: *const numkern_array) -> i32 {
    guard(fname, || {
        arrays!(let [a, b, out] = [(a, "a"), (b, "b"), (out, "out")]);
        ops::logical_raw(Exec::current(), op, &a, &b, &out)
    })
}
/// out = -x, elementwise.
///
/// `x` and `out` are both f32 or both f64; `x` broadcasts to `out`'s shape; any strides; `out` may be `x` itself (in place). Accuracy: exact.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (operands do not broadcast to `out`'s shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY (temporary for an overlapping input), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_negative(x: *const numkern_array, out: *const numkern_array) -> i32 {
    unary_entry("numkern_negative", UnaryOp::Negative, 0.0, 0.0, x, out)
}

/// out = |x|, elementwise.
///
/// `x` and `out` are both f32 or both f64; `x` broadcasts to `out`'s shape; any strides; `out` may be `x` itself (in place). Accuracy: exact.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (operands do not broadcast to `out`'s shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY (temporary for an overlapping input), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_abs(x: *const numkern_array, out: *const numkern_array) -> i32 {
    unary_entry("numkern_abs", UnaryOp::Abs, 0.0, 0.0, x, out)
}

/// out = x*x, elementwise.
///
/// `x` and `out` are both f32 or both f64; `x` broadcasts to `out`'s shape; any strides; `out` may be `x` itself (in place). Accuracy: correctly rounded.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (operands do not broadcast to `out`'s shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY (temporary for an overlapping input), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_square(x: *const numkern_array, out: *const numkern_array) -> i32 {
    unary_entry("numkern_square", UnaryOp::Square, 0.0, 0.0, x, out)
}

/// out = sqrt(x) (NaN below 0), elementwise.
///
/// `x` and `out` are both f32 or both f64; `x` broadcasts to `out`'s shape; any strides; `out` may be `x` itself (in place). Accuracy: correctly rounded.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (operands do not broadcast to `out`'s shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY (temporary for an overlapping input), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_sqrt(x: *const numkern_array, out: *const numkern_array) -> i32 {
    unary_entry("numkern_sqrt", UnaryOp::Sqrt, 0.0, 0.0, x, out)
}

/// out = 1/x, elementwise.
///
/// `x` and `out` are both f32 or both f64; `x` broadcasts to `out`'s shape; any strides; `out` may be `x` itself (in place). Accuracy: correctly rounded.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (operands do not broadcast to `out`'s shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY (temporary for an overlapping input), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_reciprocal(x: *const numkern_array, out: *const numkern_array) -> i32 {
    unary_entry("numkern_reciprocal", UnaryOp::Reciprocal, 0.0, 0.0, x, out)
}

/// out = e^x, with gradual underflow and +inf on overflow, elementwise.
///
/// `x` and `out` are both f32 or both f64; `x` broadcasts to `out`'s shape; any strides; `out` may be `x` itself (in place). Accuracy: f32 <= 0.78 ULP (all 2^32 inputs), f64 <= 1 ULP.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (operands do not broadcast to `out`'s shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY (temporary for an overlapping input), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_exp(x: *const numkern_array, out: *const numkern_array) -> i32 {
    unary_entry("numkern_exp", UnaryOp::Exp, 0.0, 0.0, x, out)
}

/// out = e^x - 1 without cancellation near 0, elementwise.
///
/// `x` and `out` are both f32 or both f64; `x` broadcasts to `out`'s shape; any strides; `out` may be `x` itself (in place). Accuracy: f32 <= 0.59 ULP (all 2^32 inputs), f64 <= 2 ULP.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (operands do not broadcast to `out`'s shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY (temporary for an overlapping input), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_expm1(x: *const numkern_array, out: *const numkern_array) -> i32 {
    unary_entry("numkern_expm1", UnaryOp::Expm1, 0.0, 0.0, x, out)
}

/// out = natural log (-inf at 0, NaN below 0), elementwise.
///
/// `x` and `out` are both f32 or both f64; `x` broadcasts to `out`'s shape; any strides; `out` may be `x` itself (in place). Accuracy: f32 <= 0.63 ULP (all 2^32 inputs), f64 <= 1 ULP.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (operands do not broadcast to `out`'s shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY (temporary for an overlapping input), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_log(x: *const numkern_array, out: *const numkern_array) -> i32 {
    unary_entry("numkern_log", UnaryOp::Log, 0.0, 0.0, x, out)
}

/// out = log(1 + x) without cancellation near 0, elementwise.
///
/// `x` and `out` are both f32 or both f64; `x` broadcasts to `out`'s shape; any strides; `out` may be `x` itself (in place). Accuracy: f32 <= 0.69 ULP (all 2^32 inputs), f64 <= 1 ULP.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (operands do not broadcast to `out`'s shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY (temporary for an overlapping input), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_log1p(x: *const numkern_array, out: *const numkern_array) -> i32 {
    unary_entry("numkern_log1p", UnaryOp::Log1p, 0.0, 0.0, x, out)
}

/// out = hyperbolic tangent, elementwise.
///
/// `x` and `out` are both f32 or both f64; `x` broadcasts to `out`'s shape; any strides; `out` may be `x` itself (in place). Accuracy: f32 <= 0.76 ULP (all 2^32 inputs), f64 <= 3 ULP.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (operands do not broadcast to `out`'s shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY (temporary for an overlapping input), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_tanh(x: *const numkern_array, out: *const numkern_array) -> i32 {
    unary_entry("numkern_tanh", UnaryOp::Tanh, 0.0, 0.0, x, out)
}

/// out = logistic 1/(1+e^-x), no early flush to 0 for very negative x, elementwise.
///
/// `x` and `out` are both f32 or both f64; `x` broadcasts to `out`'s shape; any strides; `out` may be `x` itself (in place). Accuracy: f32 <= 0.8 ULP (all 2^32 inputs), f64 <= 2 ULP.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (operands do not broadcast to `out`'s shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY (temporary for an overlapping input), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_sigmoid(x: *const numkern_array, out: *const numkern_array) -> i32 {
    unary_entry("numkern_sigmoid", UnaryOp::Sigmoid, 0.0, 0.0, x, out)
}

/// out = x if !(x < 0) else 0 (NaN stays NaN), elementwise.
///
/// `x` and `out` are both f32 or both f64; `x` broadcasts to `out`'s shape; any strides; `out` may be `x` itself (in place). Accuracy: exact.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (operands do not broadcast to `out`'s shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY (temporary for an overlapping input), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_relu(x: *const numkern_array, out: *const numkern_array) -> i32 {
    unary_entry("numkern_relu", UnaryOp::Relu, 0.0, 0.0, x, out)
}

/// out = GELU, erf form: x * Phi(x) = 0.5 x erfc(-x/sqrt 2), elementwise.
///
/// `x` and `out` are both f32 or both f64; `x` broadcasts to `out`'s shape; any strides; `out` may be `x` itself (in place). Accuracy: f32 <= 0.82 ULP (all 2^32 inputs), f64 <= 6 ULP.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (operands do not broadcast to `out`'s shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY (temporary for an overlapping input), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_gelu(x: *const numkern_array, out: *const numkern_array) -> i32 {
    unary_entry("numkern_gelu", UnaryOp::Gelu, 0.0, 0.0, x, out)
}

/// out = GELU, tanh approximation 0.5 x (1 + tanh(sqrt(2/pi)(x + 0.044715 x^3))), elementwise.
///
/// `x` and `out` are both f32 or both f64; `x` broadcasts to `out`'s shape; any strides; `out` may be `x` itself (in place). Accuracy: f32 <= 0.85 ULP (all 2^32 inputs), f64 <= 3 ULP.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (operands do not broadcast to `out`'s shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY (temporary for an overlapping input), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_gelu_tanh(x: *const numkern_array, out: *const numkern_array) -> i32 {
    unary_entry("numkern_gelu_tanh", UnaryOp::GeluTanh, 0.0, 0.0, x, out)
}

/// out = SiLU / swish: x * sigmoid(x), elementwise.
///
/// `x` and `out` are both f32 or both f64; `x` broadcasts to `out`'s shape; any strides; `out` may be `x` itself (in place). Accuracy: f32 <= 0.85 ULP (all 2^32 inputs), f64 <= 3 ULP.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (operands do not broadcast to `out`'s shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY (temporary for an overlapping input), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_silu(x: *const numkern_array, out: *const numkern_array) -> i32 {
    unary_entry("numkern_silu", UnaryOp::Silu, 0.0, 0.0, x, out)
}

/// out = log(1 + e^x), computed as max(x,0) + log1p(e^-|x|), elementwise.
///
/// `x` and `out` are both f32 or both f64; `x` broadcasts to `out`'s shape; any strides; `out` may be `x` itself (in place). Accuracy: f32 <= 0.78 ULP (all 2^32 inputs), f64 <= 3 ULP.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (operands do not broadcast to `out`'s shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY (temporary for an overlapping input), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_softplus(x: *const numkern_array, out: *const numkern_array) -> i32 {
    unary_entry("numkern_softplus", UnaryOp::Softplus, 0.0, 0.0, x, out)
}

/// out = x if x > 0 else alpha * x, elementwise.
///
/// f32 or f64, `x` broadcasts to `out`; in place allowed. Accuracy: correctly rounded.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (operands do not broadcast to `out`'s shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY (temporary for an overlapping input), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_leaky_relu(x: *const numkern_array, alpha: f64, out: *const numkern_array) -> i32 {
    unary_entry("numkern_leaky_relu", UnaryOp::LeakyRelu, alpha, 0.0, x, out)
}

/// out = minimum(maximum(x, lo), hi), elementwise (np.clip; NaN propagates).
///
/// f32 or f64, `x` broadcasts to `out`; in place allowed. Accuracy: exact (lo/hi are rounded to the dtype).
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (operands do not broadcast to `out`'s shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY (temporary for an overlapping input), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_clip(x: *const numkern_array, lo: f64, hi: f64, out: *const numkern_array) -> i32 {
    unary_entry("numkern_clip", UnaryOp::Clip, lo, hi, x, out)
}

/// out = x * scale + shift, elementwise, with one rounding (fused multiply-add).
///
/// f32 or f64, `x` broadcasts to `out`; in place allowed. Accuracy: correctly rounded.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (operands do not broadcast to `out`'s shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY (temporary for an overlapping input), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_affine(x: *const numkern_array, scale: f64, shift: f64, out: *const numkern_array) -> i32 {
    unary_entry("numkern_affine", UnaryOp::Affine, scale, shift, x, out)
}

/// out = a + b, elementwise with NumPy broadcasting.
///
/// `a`, `b`, `out` all f32 or all f64; `a` and `b` broadcast to `out`'s shape; any strides; `out` may be `a` or `b` itself (`a += b`), any other overlap reads a copy. Accuracy: correctly rounded.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (operands do not broadcast to `out`'s shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY (temporary for an overlapping input), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_add(a: *const numkern_array, b: *const numkern_array, out: *const numkern_array) -> i32 {
    binary_entry("numkern_add", BinaryOp::Add, a, b, out)
}

/// out = a - b, elementwise with NumPy broadcasting.
///
/// `a`, `b`, `out` all f32 or all f64; `a` and `b` broadcast to `out`'s shape; any strides; `out` may be `a` or `b` itself (`a += b`), any other overlap reads a copy. Accuracy: correctly rounded.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (operands do not broadcast to `out`'s shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY (temporary for an overlapping input), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_subtract(a: *const numkern_array, b: *const numkern_array, out: *const numkern_array) -> i32 {
    binary_entry("numkern_subtract", BinaryOp::Subtract, a, b, out)
}

/// out = a * b, elementwise with NumPy broadcasting.
///
/// `a`, `b`, `out` all f32 or all f64; `a` and `b` broadcast to `out`'s shape; any strides; `out` may be `a` or `b` itself (`a += b`), any other overlap reads a copy. Accuracy: correctly rounded.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (operands do not broadcast to `out`'s shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY (temporary for an overlapping input), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_multiply(a: *const numkern_array, b: *const numkern_array, out: *const numkern_array) -> i32 {
    binary_entry("numkern_multiply", BinaryOp::Multiply, a, b, out)
}

/// out = a / b, elementwise with NumPy broadcasting.
///
/// `a`, `b`, `out` all f32 or all f64; `a` and `b` broadcast to `out`'s shape; any strides; `out` may be `a` or `b` itself (`a += b`), any other overlap reads a copy. Accuracy: correctly rounded.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (operands do not broadcast to `out`'s shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY (temporary for an overlapping input), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_divide(a: *const numkern_array, b: *const numkern_array, out: *const numkern_array) -> i32 {
    binary_entry("numkern_divide", BinaryOp::Divide, a, b, out)
}

/// out = a ** b (libm pow per element), elementwise with NumPy broadcasting.
///
/// `a`, `b`, `out` all f32 or all f64; `a` and `b` broadcast to `out`'s shape; any strides; `out` may be `a` or `b` itself (`a += b`), any other overlap reads a copy. Accuracy: as the platform's pow/powf (glibc: < 1 ULP).
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (operands do not broadcast to `out`'s shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY (temporary for an overlapping input), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_power(a: *const numkern_array, b: *const numkern_array, out: *const numkern_array) -> i32 {
    binary_entry("numkern_power", BinaryOp::Power, a, b, out)
}

/// out = NumPy maximum: NaN if either is NaN (the first NaN), else the larger, and `b` when they compare equal (maximum(-0.0, 0.0) = 0.0), elementwise with NumPy broadcasting.
///
/// `a`, `b`, `out` all f32 or all f64; `a` and `b` broadcast to `out`'s shape; any strides; `out` may be `a` or `b` itself (`a += b`), any other overlap reads a copy. Accuracy: exact.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (operands do not broadcast to `out`'s shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY (temporary for an overlapping input), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_maximum(a: *const numkern_array, b: *const numkern_array, out: *const numkern_array) -> i32 {
    binary_entry("numkern_maximum", BinaryOp::Maximum, a, b, out)
}

/// out = NumPy minimum: NaN if either is NaN (the first NaN), else the smaller, and `b` when they compare equal (minimum(0.0, -0.0) = -0.0), elementwise with NumPy broadcasting.
///
/// `a`, `b`, `out` all f32 or all f64; `a` and `b` broadcast to `out`'s shape; any strides; `out` may be `a` or `b` itself (`a += b`), any other overlap reads a copy. Accuracy: exact.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (operands do not broadcast to `out`'s shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY (temporary for an overlapping input), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_minimum(a: *const numkern_array, b: *const numkern_array, out: *const numkern_array) -> i32 {
    binary_entry("numkern_minimum", BinaryOp::Minimum, a, b, out)
}

/// out = (a > b) as 0/1, elementwise with broadcasting.
///
/// `a`, `b` both f32 or both f64; `out` is u8 with the broadcast shape. Exact (IEEE comparisons: NaN compares false except in not_equal).
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (operands do not broadcast to `out`'s shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY (temporary for an overlapping input), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_greater(a: *const numkern_array, b: *const numkern_array, out: *const numkern_array) -> i32 {
    compare_entry("numkern_greater", CompareOp::Greater, a, b, out)
}

/// out = (a >= b) as 0/1, elementwise with broadcasting.
///
/// `a`, `b` both f32 or both f64; `out` is u8 with the broadcast shape. Exact (IEEE comparisons: NaN compares false except in not_equal).
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (operands do not broadcast to `out`'s shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY (temporary for an overlapping input), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_greater_equal(a: *const numkern_array, b: *const numkern_array, out: *const numkern_array) -> i32 {
    compare_entry("numkern_greater_equal", CompareOp::GreaterEqual, a, b, out)
}

/// out = (a < b) as 0/1, elementwise with broadcasting.
///
/// `a`, `b` both f32 or both f64; `out` is u8 with the broadcast shape. Exact (IEEE comparisons: NaN compares false except in not_equal).
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (operands do not broadcast to `out`'s shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY (temporary for an overlapping input), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_less(a: *const numkern_array, b: *const numkern_array, out: *const numkern_array) -> i32 {
    compare_entry("numkern_less", CompareOp::Less, a, b, out)
}

/// out = (a <= b) as 0/1, elementwise with broadcasting.
///
/// `a`, `b` both f32 or both f64; `out` is u8 with the broadcast shape. Exact (IEEE comparisons: NaN compares false except in not_equal).
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (operands do not broadcast to `out`'s shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY (temporary for an overlapping input), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_less_equal(a: *const numkern_array, b: *const numkern_array, out: *const numkern_array) -> i32 {
    compare_entry("numkern_less_equal", CompareOp::LessEqual, a, b, out)
}

/// out = (a == b) as 0/1, elementwise with broadcasting.
///
/// `a`, `b` both f32 or both f64; `out` is u8 with the broadcast shape. Exact (IEEE comparisons: NaN compares false except in not_equal).
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (operands do not broadcast to `out`'s shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY (temporary for an overlapping input), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_equal(a: *const numkern_array, b: *const numkern_array, out: *const numkern_array) -> i32 {
    compare_entry("numkern_equal", CompareOp::Equal, a, b, out)
}

/// out = (a != b (true when either is NaN)) as 0/1, elementwise with broadcasting.
///
/// `a`, `b` both f32 or both f64; `out` is u8 with the broadcast shape. Exact (IEEE comparisons: NaN compares false except in not_equal).
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (operands do not broadcast to `out`'s shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY (temporary for an overlapping input), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_not_equal(a: *const numkern_array, b: *const numkern_array, out: *const numkern_array) -> i32 {
    compare_entry("numkern_not_equal", CompareOp::NotEqual, a, b, out)
}

/// out = (x is NaN) as 0/1, elementwise.
///
/// `x` f32 or f64; `out` u8 of `x`'s (broadcast) shape. Exact.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (operands do not broadcast to `out`'s shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY (temporary for an overlapping input), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_isnan(x: *const numkern_array, out: *const numkern_array) -> i32 {
    predicate_entry("numkern_isnan", PredicateOp::IsNan, x, out)
}

/// out = (x is neither infinite nor NaN) as 0/1, elementwise.
///
/// `x` f32 or f64; `out` u8 of `x`'s (broadcast) shape. Exact.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (operands do not broadcast to `out`'s shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY (temporary for an overlapping input), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_isfinite(x: *const numkern_array, out: *const numkern_array) -> i32 {
    predicate_entry("numkern_isfinite", PredicateOp::IsFinite, x, out)
}

/// out = (a && b) as 0/1 on u8 masks (non-zero is true), with broadcasting.
///
/// `a`, `b`, `out` are u8. Exact.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (operands do not broadcast to `out`'s shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY (temporary for an overlapping input), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_logical_and(a: *const numkern_array, b: *const numkern_array, out: *const numkern_array) -> i32 {
    logical_entry("numkern_logical_and", LogicalOp::And, a, b, out)
}

/// out = (a || b) as 0/1 on u8 masks (non-zero is true), with broadcasting.
///
/// `a`, `b`, `out` are u8. Exact.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (operands do not broadcast to `out`'s shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY (temporary for an overlapping input), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_logical_or(a: *const numkern_array, b: *const numkern_array, out: *const numkern_array) -> i32 {
    logical_entry("numkern_logical_or", LogicalOp::Or, a, b, out)
}

/// out = (a != b (as booleans)) as 0/1 on u8 masks (non-zero is true), with broadcasting.
///
/// `a`, `b`, `out` are u8. Exact.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (operands do not broadcast to `out`'s shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY (temporary for an overlapping input), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_logical_xor(a: *const numkern_array, b: *const numkern_array, out: *const numkern_array) -> i32 {
    logical_entry("numkern_logical_xor", LogicalOp::Xor, a, b, out)
}

/// out = (a == 0) as 0/1 on a u8 mask.
///
/// `a`, `out` are u8; `a` broadcasts to `out`. Exact.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (operands do not broadcast to `out`'s shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY (temporary for an overlapping input), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_logical_not(a: *const numkern_array, out: *const numkern_array) -> i32 {
    guard("numkern_logical_not", || {
        arrays!(let [a, out] = [(a, "a"), (out, "out")]);
        ops::logical_not_raw(Exec::current(), &a, &out)
    })
}

/// out = mask ? a : b, elementwise with broadcasting (np.where).
///
/// `mask` is u8 (non-zero is true); `a`, `b`, `out` all f32 or all f64. Exact.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (operands do not broadcast to `out`'s shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY (temporary for an overlapping input), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_where(mask: *const numkern_array, a: *const numkern_array, b: *const numkern_array, out: *const numkern_array) -> i32 {
    guard("numkern_where", || {
        arrays!(let [mask, a, b, out] = [(mask, "mask"), (a, "a"), (b, "b"), (out, "out")]);
        ops::where_raw(Exec::current(), &mask, &a, &b, &out)
    })
}

/// dst = src converted to dst's dtype, src broadcast to dst's shape: NumPy's astype, ascontiguousarray, copyto, and materializing a transpose or a broadcast.
///
/// Any dtypes (f32, f64, i32, i64, u8). Floats to ints truncate toward zero and saturate (NaN gives 0); ints to narrower ints wrap; ints and f64 to f32 round to nearest even. A transposing copy runs in cache-sized tiles. Overlapping src/dst give the result of copying src first.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (`src` does not broadcast to `dst`'s shape), _DTYPE, _INVALID_ARGUMENT (`dst` would write an element twice), _OUT_OF_MEMORY (temporary for an overlapping input), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_copy(src: *const numkern_array, dst: *const numkern_array) -> i32 {
    guard("numkern_copy", || {
        arrays!(let [src, dst] = [(src, "src"), (dst, "dst")]);
        ops::copy_into_raw(Exec::current(), &src, &dst)
    })
}

#[cfg(test)]
mod tests {
    use super::guard;
    use crate::error::{last_error_message, NUMKERN_ERR_INTERNAL, NUMKERN_OK};

    /// A panic inside an entry point (a bug) comes out as INTERNAL with its
    /// message, never as an unwind across the C boundary.
    #[test]
    fn a_panic_becomes_an_internal_error() {
        assert_eq!(guard("numkern_ok", || Ok(())), NUMKERN_OK);
        assert_eq!(guard("numkern_test", || panic!("tile index {} out of range", 3)), NUMKERN_ERR_INTERNAL);
        assert_eq!(last_error_message(), "numkern_test: internal error: tile index 3 out of range");
    }
}
