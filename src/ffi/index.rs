//! Indexing entry points: take, gather, put, mask_select, compress, nonzero.

use super::{arrays, guard, input_list};
use crate::framework::array::numkern_array;
use crate::ops::index::{self, TakeMode};
use crate::ops::Exec;

/// numkern_take mode: negative indices count from the end, others outside the axis are an error (NumPy's mode='raise').
pub const NUMKERN_TAKE_RAISE: i32 = 0;
/// numkern_take mode: indices wrap modulo the extent (mode='wrap').
pub const NUMKERN_TAKE_WRAP: i32 = 1;
/// numkern_take mode: indices clip to 0 ..= extent - 1, negative ones to 0 (mode='clip').
pub const NUMKERN_TAKE_CLIP: i32 = 2;

/// out = np.take(x, indices, axis, mode=mode): out[..., j..., ...] = x[..., indices[j...], ...].
///
/// x any dtype, ndim >= 1, any strides; indices i32 or i64 of any shape and strides; out has x's dtype and shape x.shape[:axis] + indices.shape + x.shape[axis+1:]. Negative axes wrap. Every index is checked before anything is written; an x overlapping out is copied aside first.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (out's shape; x 0-d), _DTYPE (indices not integer; out's dtype), _AXIS, _INVALID_ARGUMENT (mode RAISE and an index outside the axis: "index 10 is out of bounds for axis 0 with size 5"; an unknown mode; `out` would write an element twice), _OUT_OF_MEMORY, _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_take(x: *const numkern_array, indices: *const numkern_array, axis: i64, mode: i32, out: *const numkern_array) -> i32 {
    guard("numkern_take", || {
        arrays!(let [x, indices, out] = [(x, "x"), (indices, "indices"), (out, "out")]);
        index::take_raw(Exec::current(), &x, &indices, axis, TakeMode::from_code(mode)?, &out)
    })
}

/// out = x[indices[0], ..., indices[n-1]] (NumPy's integer-array indexing of x's first n axes, as the seed's `x[rows, cols]`): out[b..., t...] = x[indices[0][b...], ..., indices[n-1][b...], t...].
///
/// `indices` points to n descriptors (1 <= n <= x.ndim), each i32 or i64 of any shape and strides; they broadcast together (NumPy's rules) to a shape B. x any dtype and strides; out has x's dtype and shape B + x.shape[n:]. Index k addresses axis k; `mode` as numkern_take (NUMKERN_TAKE_RAISE is NumPy's indexing). Every index is checked before anything is written; an x overlapping out is copied aside first.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (the index arrays do not broadcast: "shape mismatch: indexing arrays could not be broadcast together with shapes (3,) (2,)"; out's shape), _DTYPE (an index array not integer; out's dtype), _INVALID_ARGUMENT (n < 1 or n > x.ndim: "too many indices for array"; an index outside its axis: "index 3 is out of bounds for axis 1 with size 3"; an unknown mode; `out` would write an element twice), _OUT_OF_MEMORY, _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_gather(x: *const numkern_array, indices: *const numkern_array, n: i64, mode: i32, out: *const numkern_array) -> i32 {
    guard("numkern_gather", || {
        let list = input_list(indices, n, "indices")?;
        arrays!(let [x, out] = [(x, "x"), (out, "out")]);
        index::gather_raw(Exec::current(), &x, &list, TakeMode::from_code(mode)?, &out)
    })
}

/// out[..., indices[j...], ...] = values[..., j..., ...] along `axis` (NumPy's `out[idx] = values` for axis 0, `out[:, idx] = values` for axis 1; the inverse of numkern_take).
///
/// indices i32 or i64 of any shape and strides; values has out's dtype and broadcasts to out.shape[:axis] + indices.shape + out.shape[axis+1:]; out any dtype, ndim >= 1, any strides. Negative axes wrap; `mode` as numkern_take. When an index repeats, the last occurrence in C order of `indices` wins, whatever the thread count (NumPy's assignment gives the last too). Elements of out no index names are left as they were. Every index is checked before anything is written; values overlapping out are copied aside first.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (values do not broadcast: "shape mismatch: value array of shape (2,) could not be broadcast to indexing result of shape (3,)"; out 0-d), _DTYPE (indices not integer; values' dtype), _AXIS, _INVALID_ARGUMENT (an index outside the axis; an unknown mode; `out` would write an element twice), _OUT_OF_MEMORY, _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_put(values: *const numkern_array, indices: *const numkern_array, axis: i64, mode: i32, out: *const numkern_array) -> i32 {
    guard("numkern_put", || {
        arrays!(let [values, indices, out] = [(values, "values"), (indices, "indices"), (out, "out")]);
        index::put_raw(Exec::current(), &values, &indices, axis, TakeMode::from_code(mode)?, &out)
    })
}

/// out = x[mask] (NumPy's boolean indexing): the rows x[i...] where mask[i...] != 0, in C order of the mask.
///
/// mask u8 with the shape of x's first mask.ndim axes (the full shape selects elements); x any dtype and strides; out has x's dtype and shape (count,) + x.shape[mask.ndim:], count = numkern_count_nonzero(mask). Nothing is written past `count` rows.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (mask's shape against x's, as NumPy's "boolean index did not match"; out's shape), _DTYPE, _INVALID_ARGUMENT (`out` would write an element twice), _OUT_OF_MEMORY, _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_mask_select(x: *const numkern_array, mask: *const numkern_array, out: *const numkern_array) -> i32 {
    guard("numkern_mask_select", || {
        arrays!(let [x, mask, out] = [(x, "x"), (mask, "mask"), (out, "out")]);
        index::mask_select_raw(Exec::current(), &x, &mask, &out)
    })
}

/// out = np.compress(mask, x, axis): the positions along `axis` where the 1-D u8 mask is non-zero, in order (row compaction by a mask).
///
/// len(mask) = x.shape[axis]; out has x's dtype and shape with that axis replaced by the count of non-zero mask elements.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (mask not 1-D u8 or of another length; out's shape), _DTYPE, _AXIS, _INVALID_ARGUMENT, _OUT_OF_MEMORY, _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_compress(mask: *const numkern_array, x: *const numkern_array, axis: i64, out: *const numkern_array) -> i32 {
    guard("numkern_compress", || {
        arrays!(let [mask, x, out] = [(mask, "mask"), (x, "x"), (out, "out")]);
        index::compress_raw(Exec::current(), &mask, &x, axis, &out)
    })
}

/// out[d, j] = coordinate d of the j-th non-zero element of x in C order (np.nonzero's arrays as rows; a transposed view of out gives np.argwhere).
///
/// x any dtype (NaN counts as non-zero, -0.0 as zero), ndim >= 1; out i64 of shape (x.ndim, numkern_count_nonzero(x)), any strides.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (x 0-d; out's shape), _DTYPE (out not i64), _INVALID_ARGUMENT (`out` would write an element twice), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_nonzero(x: *const numkern_array, out: *const numkern_array) -> i32 {
    guard("numkern_nonzero", || {
        arrays!(let [x, out] = [(x, "x"), (out, "out")]);
        index::nonzero_raw(&x, &out)
    })
}
