//! C entry points of the matrix products.

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
        let [a, b, out] = arrays([(a, "a"), (b, "b"), (out, "out")])?;
        ops::gemm_raw(Exec::current(), alpha, &a, &b, beta, &out, None, Activation::None)
    })
}

/// out = act(x @ w + bias), the linear layer, with the bias add and the activation done as each tile of the product is written (no extra pass over `out`).
///
/// x (m x k), w (k x n), out (m x n), bias (n,) or NULL; all f32 or all f64, any strides. `act` is a NUMKERN_ACT_* code. The result has the same bits as gemm, then add, then the activation's own entry point (same accuracy).
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (as numkern_gemm, or bias not of shape (n,)), _DTYPE, _INVALID_ARGUMENT (unknown `act`, or `out` would write an element twice), _OUT_OF_MEMORY, _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_linear(
    x: *const numkern_array,
    w: *const numkern_array,
    bias: *const numkern_array,
    act: i32,
    out: *const numkern_array,
) -> i32 {
    guard("numkern_linear", || {
        let [x, w, out] = arrays([(x, "x"), (w, "w"), (out, "out")])?;
        let bias = if bias.is_null() { None } else { Some(RawArray::from_desc(bias, "bias")?) };
        let Some(act) = Activation::from_code(act) else {
            return fail(ErrorKind::InvalidArgument, format!("unknown activation code {act} (expected a NUMKERN_ACT_* value)"));
        };
        ops::gemm_raw(Exec::current(), 1.0, &x, &w, 0.0, &out, bias.as_ref(), act)
    })
}
