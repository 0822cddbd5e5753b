//! Creation entry points: fill, eye, arange, linspace, tril, triu.

use super::{arrays, guard};
use crate::framework::array::numkern_array;
use crate::ops::create;
use crate::ops::Exec;

/// out[...] = value (NumPy's zeros, ones, full, and `out[...] = value`).
///
/// Any dtype and strides; `value` is converted to out's dtype as numkern_copy converts a double (integers: truncated toward zero and saturated, NaN gives 0; exact below 2^53).
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_full(out: *const numkern_array, value: f64) -> i32 {
    guard("numkern_full", || {
        arrays!(let [out] = [(out, "out")]);
        create::fill_raw(Exec::current(), &out, value)
    })
}

/// out = ones on the k-th diagonal, zeros elsewhere (np.eye(N, M, k); k = 0 gives np.identity).
///
/// `out` is 2-D, any dtype and strides; k > 0 is above the main diagonal, k < 0 below; a diagonal outside the matrix leaves all zeros.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (`out` not 2-D), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_eye(out: *const numkern_array, k: i64) -> i32 {
    guard("numkern_eye", || {
        arrays!(let [out] = [(out, "out")]);
        create::eye_raw(Exec::current(), &out, k)
    })
}

/// out[i] = start + i * step for i in 0..len(out) (np.arange with its count given by `out`), each value computed on its own, never accumulated.
///
/// `out` is 1-D, any dtype and strides. Float outputs: computed in double, rounded once to out's dtype. Integer outputs: start and step must be integers below 2^53; values exact in int64, wrapping into int32/uint8 as numkern_copy.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (`out` not 1-D), _DTYPE, _INVALID_ARGUMENT (non-finite start or step; non-integer ones for an integer out; `out` would write an element twice), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_arange(out: *const numkern_array, start: f64, step: f64) -> i32 {
    guard("numkern_arange", || {
        arrays!(let [out] = [(out, "out")]);
        create::arange_raw(Exec::current(), &out, start, step)
    })
}

/// out = len(out) evenly spaced values over [start, stop] (endpoint non-zero) or [start, stop) (np.linspace).
///
/// `out` is 1-D f32 or f64, any strides. step = (stop - start) / (n - 1) with the endpoint, / n without; value i = start + i * step in double, rounded once; with the endpoint the last value is exactly `stop`.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (`out` not 1-D), _DTYPE (an integer out), _INVALID_ARGUMENT (`out` would write an element twice), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_linspace(out: *const numkern_array, start: f64, stop: f64, endpoint: i32) -> i32 {
    guard("numkern_linspace", || {
        arrays!(let [out] = [(out, "out")]);
        create::linspace_raw(Exec::current(), &out, start, stop, endpoint != 0)
    })
}

/// out = x with the elements above the k-th diagonal of its last two axes set to zero (np.tril).
///
/// x and out have one shape (ndim >= 2) and one dtype (any), any strides; out may be x (in place). k > 0 keeps k diagonals above the main one.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH, _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY, _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_tril(x: *const numkern_array, k: i64, out: *const numkern_array) -> i32 {
    guard("numkern_tril", || {
        arrays!(let [x, out] = [(x, "x"), (out, "out")]);
        create::triangle_raw(Exec::current(), &x, &out, k, true)
    })
}

/// out = x with the elements below the k-th diagonal of its last two axes set to zero (np.triu).
///
/// Arguments and status codes as numkern_tril; k < 0 keeps |k| diagonals below the main one.
#[no_mangle]
pub unsafe extern "C" fn numkern_triu(x: *const numkern_array, k: i64, out: *const numkern_array) -> i32 {
    guard("numkern_triu", || {
        arrays!(let [x, out] = [(x, "x"), (out, "out")]);
        create::triangle_raw(Exec::current(), &x, &out, k, false)
    })
}
