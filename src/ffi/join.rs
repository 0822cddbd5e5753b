//! Joining and splitting entry points: concatenate, stack, split.

use super::{arrays, guard, input_list};
use crate::error::{fail, ErrorKind};
use crate::framework::array::numkern_array;
use crate::ops::join;
use crate::ops::Exec;

/// out = the n arrays at `inputs` joined along `axis` (np.concatenate(inputs, axis, out=out)).
///
/// `inputs` points to n >= 1 descriptors of one ndim (>= 1), equal extents except along `axis`; each any view and any dtype, converted to out's dtype as numkern_copy converts. `out` has the inputs' shape with the extents along `axis` summed. Negative axes wrap. An input overlapping `out` is copied aside first.
/// hstack is this along axis 1 (axis 0 for 1-D inputs); vstack is this along axis 0 of inputs viewed as at least 2-D (numkern_expand_dims a 1-D input at 0).
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (ndims differ, an extent differs off the axis: the message names the input and the dimension, as NumPy's; out's shape), _AXIS, _INVALID_ARGUMENT (n < 1; `out` would write an element twice), _OUT_OF_MEMORY, _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_concatenate(inputs: *const numkern_array, n: i64, axis: i64, out: *const numkern_array) -> i32 {
    guard("numkern_concatenate", || {
        let list = input_list(inputs, n, "inputs")?;
        arrays!(let [out] = [(out, "out")]);
        join::concatenate_raw(Exec::current(), &list, axis, &out)
    })
}

/// out = the n arrays at `inputs` joined along a new axis `axis` of out (np.stack(inputs, axis, out=out)).
///
/// The inputs share one shape (any views, any dtype, converted as numkern_copy); out has that shape with n inserted at `axis` (in -(ndim+1) ..= ndim; negative wraps).
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (input shapes differ: the message names the input; out's shape), _AXIS, _INVALID_ARGUMENT (n < 1; `out` would write an element twice), _OUT_OF_MEMORY, _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_stack(inputs: *const numkern_array, n: i64, axis: i64, out: *const numkern_array) -> i32 {
    guard("numkern_stack", || {
        let list = input_list(inputs, n, "inputs")?;
        arrays!(let [out] = [(out, "out")]);
        join::stack_raw(Exec::current(), &list, axis, &out)
    })
}

/// views[0 ..= n] = the n + 1 views of np.split(x, indices, axis): x[..., 0:indices[0], ...], x[..., indices[0]:indices[1], ...], ..., x[..., indices[n-1]:, ...]. No copy.
///
/// Indices clamp to the axis, negative ones count from the end, and a decreasing index gives an empty view, as NumPy's. `views` must have room for n + 1 descriptors; `indices` may be NULL when n = 0.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _AXIS, _INVALID_ARGUMENT (n < 0), _INTERNAL; on error `views` is untouched.
#[no_mangle]
pub unsafe extern "C" fn numkern_split(x: *const numkern_array, axis: i64, indices: *const i64, n: i64, views: *mut numkern_array) -> i32 {
    guard("numkern_split", || {
        arrays!(let [x] = [(x, "x")]);
        if n < 0 {
            return fail(ErrorKind::InvalidArgument, format!("n = {n} must be at least 0"));
        }
        if views.is_null() || (indices.is_null() && n > 0) {
            return fail(ErrorKind::NullPointer, format!("argument `{}` is a null pointer", if views.is_null() { "views" } else { "indices" }));
        }
        let idx = if n == 0 { &[][..] } else { std::slice::from_raw_parts(indices, n as usize) };
        for (i, v) in join::split(&x, axis, idx)?.into_iter().enumerate() {
            *views.add(i) = v.to_desc();
        }
        Ok(())
    })
}
