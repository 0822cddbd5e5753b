//! C entry points of the matrix products.

use super::views::two_shapes_entry;
use super::{arrays, guard};
use crate::error::{fail, ErrorKind};
use crate::framework::array::{numkern_array, RawArray};
use crate::kernels::Activation;
use crate::ops::{self, Exec};

/// Activation code for `numkern_linear`: none (identity).
pub const NUMKERN_ACT_NONE: i32 = 0;
/// Activation code: relu.
pub const NUMKERN_ACT_RELU: i32 = 1;
/// Activation code: gelu, erf form.
pub const NUMKERN_ACT_GELU: i32 = 2;
/// Activation code: gelu, tanh approximation.
pub const NUMKERN_ACT_GELU_TANH: i32 = 3;
/// Activation code: sigmoid.
pub const NUMKERN_ACT_SIGMOID: i32 = 4;
/// Activation code: tanh.
pub const NUMKERN_ACT_TANH: i32 = 5;
/// Activation code: silu (x * sigmoid(x)).
pub const NUMKERN_ACT_SILU: i32 = 6;

/// out = alpha * a @ b + beta * out (BLAS GEMM) for 2-D a (m x k), b (k x n), out (m x n).
///
/// All three f32 or all f64; any strides, negative too (a transpose is just a view). beta = 0 never reads `out` (it may hold NaN); alpha = 0 or k = 0 never reads a or b. An input sharing memory with `out` is read from a copy. Accuracy: each element within 2 gamma_(k+2) (|alpha| |a||b| + |beta out|) of the exact value, the same bits for any thread count.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (operands not 2-D, inner dimensions differ, or `out` not m x n), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY, _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_gemm(alpha: f64, a: *const numkern_array, b: *const numkern_array, beta: f64, out: *const numkern_array) -> i32 {
    guard("numkern_gemm", || {
        arrays!(let [a, b, out] = [(a, "a"), (b, "b"), (out, "out")]);
        ops::gemm_raw(Exec::current(), alpha, &a, &b, beta, &out)
    })
}

/// out = act(x @ w + bias), the linear layer, with the bias add and the activation done as each tile of the product is written (no extra pass over `out`).
///
/// x (..., k) with any leading dimensions (m x k, a (batch, tokens, k) array, or a 1-D (k,)), w (k x n), out (..., n), bias (n,) or NULL; all f32 or all f64, any strides. `act` is a NUMKERN_ACT_* code. The result has the same bits as numkern_matmul, then add, then the activation's own entry point (same accuracy). Leading dimensions fold into one GEMM when x and out step through them as one stride.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (x 0-d, w not 2-D, inner dimensions differ, out not of shape (..., n), or bias not of shape (n,)), _DTYPE, _INVALID_ARGUMENT (unknown `act`, or `out` would write an element twice), _OUT_OF_MEMORY, _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_linear(
    x: *const numkern_array,
    w: *const numkern_array,
    bias: *const numkern_array,
    act: i32,
    out: *const numkern_array,
) -> i32 {
    guard("numkern_linear", || {
        arrays!(let [x, w, out] = [(x, "x"), (w, "w"), (out, "out")]);
        let bias = if bias.is_null() { None } else { Some(RawArray::from_desc(bias, "bias")?) };
        let Some(act) = Activation::from_code(act) else {
            return fail(ErrorKind::InvalidArgument, format!("unknown activation code {act} (expected a NUMKERN_ACT_* value)"));
        };
        ops::linear_raw(Exec::current(), &x, &w, bias.as_ref(), act, &out)
    })
}

/// out = a @ b with NumPy's matmul semantics: a 1-D `a` is a row and a 1-D `b` a column (that dimension is dropped from the result), the leading (batch) dimensions broadcast, any strides.
///
/// All three f32 or all f64; `out` must have the shape numkern_matmul_shape gives. Each 2-D product goes to the kernel its shape suits (dot, gemv or gemm, as the entry points of those names), so it has their accuracy and the same bits for any thread count. An input sharing memory with `out` is read from a copy.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (a 0-d operand, inner dimensions differ, batch dimensions do not broadcast, or `out` has another shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY, _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_matmul(a: *const numkern_array, b: *const numkern_array, out: *const numkern_array) -> i32 {
    guard("numkern_matmul", || {
        arrays!(let [a, b, out] = [(a, "a"), (b, "b"), (out, "out")]);
        ops::matmul_raw(Exec::current(), &a, &b, &out)
    })
}

/// The shape of a @ b under numkern_matmul's rules, written to out_shape (room for NUMKERN_MAX_NDIM values) and *out_ndim.
///
/// Status: NUMKERN_OK, _NULL_POINTER, _BAD_DESCRIPTOR (ndim out of range, negative extent), _SHAPE_MISMATCH (NumPy's message: a 0-d operand, "Input operand 1 has a mismatch in its core dimension 0 ... (size 3 is different from 4): shapes (2,4) and (3,5)", or batch dimensions that do not broadcast).
#[no_mangle]
pub unsafe extern "C" fn numkern_matmul_shape(
    shape_a: *const i64,
    ndim_a: i32,
    shape_b: *const i64,
    ndim_b: i32,
    out_shape: *mut i64,
    out_ndim: *mut i32,
) -> i32 {
    two_shapes_entry("numkern_matmul_shape", (shape_a, ndim_a), (shape_b, ndim_b), out_shape, out_ndim, ops::matmul_shape)
}

/// y = alpha * a @ x + beta * y (BLAS GEMV) for 2-D a (m x n), 1-D x (n,) and y (m,).
///
/// All three f32 or all f64; any strides (a transposed view gives BLAS's transposed GEMV). beta = 0 never reads y; alpha = 0 or n = 0 never reads a or x. Each y[i] is within 2 gamma_(n+2) (|alpha| |a||x| + |beta y|)_i of the exact value, the same bits for any thread count.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (a not 2-D, x or y not 1-D, or lengths that do not match), _DTYPE, _INVALID_ARGUMENT (`y` would write an element twice), _OUT_OF_MEMORY, _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_gemv(alpha: f64, a: *const numkern_array, x: *const numkern_array, beta: f64, y: *const numkern_array) -> i32 {
    guard("numkern_gemv", || {
        arrays!(let [a, x, y] = [(a, "a"), (x, "x"), (y, "y")]);
        ops::gemv_raw(Exec::current(), alpha, &a, &x, beta, &y)
    })
}

/// *out = sum_i a[i] * b[i] for 1-D a and b of one length (any strides, 0 too); `out` is a 0-d array of their dtype.
///
/// f32 products are exact in f64 and summed there, pairwise over runs of 1024, so an f32 dot is correctly rounded unless the sum cancels heavily (NumPy/BLAS sum in f32); f64 dots are within about (log2(n/1024) + 24) eps sum |a[i] b[i]|. Same bits for any thread count.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (a or b not 1-D, lengths differ, `out` not 0-d), _DTYPE, _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_dot(a: *const numkern_array, b: *const numkern_array, out: *const numkern_array) -> i32 {
    guard("numkern_dot", || {
        arrays!(let [a, b, out] = [(a, "a"), (b, "b"), (out, "out")]);
        ops::dot_raw(Exec::current(), &a, &b, &out)
    })
}

/// y = alpha * x + y (BLAS AXPY) for 1-D x and y of one length, any strides; each element rounded once (fused multiply-add).
///
/// Both f32 or both f64. alpha = 0 leaves y as it is and never reads x (BLAS's quick return). `x` may be the very same view as `y`; an `x` that otherwise overlaps `y` is read from a copy.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (not 1-D, lengths differ), _DTYPE, _INVALID_ARGUMENT (`y` would write an element twice), _OUT_OF_MEMORY, _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_axpy(alpha: f64, x: *const numkern_array, y: *const numkern_array) -> i32 {
    guard("numkern_axpy", || {
        arrays!(let [x, y] = [(x, "x"), (y, "y")]);
        ops::axpy_raw(Exec::current(), alpha, &x, &y)
    })
}
