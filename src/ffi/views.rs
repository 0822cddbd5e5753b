//! C functions that build and transform descriptors (metadata only; no data
//! is read or written). Each writes `*out` only on success.

use super::guard;
use crate::dtype::DType;
use crate::error::{fail, ErrorKind, Result};
use crate::framework::array::{numkern_array, RawArray, MAX_NDIM};
use crate::framework::views;

/// Reads `n` i64 values from a C array (null allowed when n == 0).
pub(super) unsafe fn read_i64s<'a>(p: *const i64, n: i32, arg: &str) -> Result<&'a [i64]> {
    if n < 0 || n as usize > MAX_NDIM {
        return fail(ErrorKind::BadDescriptor, format!("argument `{arg}`: length {n} is out of range 0..={MAX_NDIM}"));
    }
    if n == 0 {
        return Ok(&[]);
    }
    if p.is_null() {
        return fail(ErrorKind::NullPointer, format!("argument `{arg}` is a null pointer"));
    }
    Ok(std::slice::from_raw_parts(p, n as usize))
}

fn to_extents(shape: &[i64], arg: &str) -> Result<Vec<usize>> {
    shape
        .iter()
        .map(|&d| {
            if d < 0 {
                fail(ErrorKind::BadDescriptor, format!("argument `{arg}`: negative dimensions are not allowed"))
            } else {
                Ok(d as usize)
            }
        })
        .collect()
}

/// The body of an entry point that computes a shape from two shapes:
/// reads both (`n` extents at `p`, each >= 0), checks the out-pointers,
/// and writes the result to `out_shape[0..*out_ndim]`.
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn two_shapes_entry(
    fname: &str,
    (shape_a, ndim_a): (*const i64, i32),
    (shape_b, ndim_b): (*const i64, i32),
    out_shape: *mut i64,
    out_ndim: *mut i32,
    f: impl FnOnce(&[usize], &[usize]) -> Result<Vec<usize>>,
) -> i32 {
    guard(fname, || {
        let a = to_extents(read_i64s(shape_a, ndim_a, "shape_a")?, "shape_a")?;
        let b = to_extents(read_i64s(shape_b, ndim_b, "shape_b")?, "shape_b")?;
        if out_shape.is_null() || out_ndim.is_null() {
            return fail(ErrorKind::NullPointer, "argument `out_shape` or `out_ndim` is a null pointer");
        }
        let r = f(&a, &b)?;
        for (k, &d) in r.iter().enumerate() {
            *out_shape.add(k) = d as i64;
        }
        *out_ndim = r.len() as i32;
        Ok(())
    })
}

unsafe fn write_out(out: *mut numkern_array, raw: RawArray) -> Result<()> {
    if out.is_null() {
        return fail(ErrorKind::NullPointer, "argument `out` is a null pointer");
    }
    *out = raw.to_desc();
    Ok(())
}

/// Applies a view function to `*a` and writes the result to `*out`.
unsafe fn view_entry(
    fname: &str,
    a: *const numkern_array,
    out: *mut numkern_array,
    f: impl FnOnce(&RawArray) -> Result<RawArray>,
) -> i32 {
    guard(fname, || {
        if out.is_null() {
            return fail(ErrorKind::NullPointer, "argument `out` is a null pointer");
        }
        let a = RawArray::from_desc(a, "a")?;
        let r = f(&a)?;
        write_out(out, r)
    })
}

/// Fills `*out` with a C-contiguous (row-major) descriptor of `ndim` dims over
/// `data`. Status: NUMKERN_OK, _NULL_POINTER, _BAD_DESCRIPTOR (ndim, negative
/// extent, size overflow), _DTYPE (unknown dtype code).
#[no_mangle]
pub unsafe extern "C" fn numkern_array_init(
    data: *mut std::ffi::c_void,
    dtype: i32,
    ndim: i32,
    shape: *const i64,
    out: *mut numkern_array,
) -> i32 {
    guard("numkern_array_init", || {
        let dtype = DType::from_code(dtype)?;
        let shape = to_extents(read_i64s(shape, ndim, "shape")?, "shape")?;
        let strides = RawArray::contiguous_strides(&shape);
        let raw = RawArray::new(data as *mut u8, dtype, &shape, &strides[..shape.len()], "data")?;
        write_out(out, raw)
    })
}

/// View with axes reordered: result axis k is input axis axes[k] (negative
/// axes count from the end; `naxes` must equal ndim). Status: NUMKERN_OK,
/// _NULL_POINTER, _BAD_DESCRIPTOR, _DTYPE, _AXIS (out of range or repeated).
#[no_mangle]
pub unsafe extern "C" fn numkern_permute(a: *const numkern_array, axes: *const i64, naxes: i32, out: *mut numkern_array) -> i32 {
    view_entry("numkern_permute", a, out, |a| views::permute(a, read_i64s(axes, naxes, "axes")?))
}

/// View with the axes reversed (NumPy's `a.T`). Status: NUMKERN_OK, _NULL_POINTER, _BAD_DESCRIPTOR, _DTYPE.
#[no_mangle]
pub unsafe extern "C" fn numkern_transpose(a: *const numkern_array, out: *mut numkern_array) -> i32 {
    view_entry("numkern_transpose", a, out, views::transpose)
}

/// View with a new shape (one entry may be -1), when the strides allow it
/// without copying. Status: NUMKERN_OK, _NULL_POINTER, _BAD_DESCRIPTOR,
/// _DTYPE, _SHAPE_MISMATCH (sizes differ), _INVALID_ARGUMENT (needs a copy:
/// materialize with numkern_copy first; or two -1 entries).
#[no_mangle]
pub unsafe extern "C" fn numkern_reshape(a: *const numkern_array, shape: *const i64, ndim: i32, out: *mut numkern_array) -> i32 {
    view_entry("numkern_reshape", a, out, |a| views::reshape(a, read_i64s(shape, ndim, "shape")?))
}

/// View `a[..., start:stop:step, ...]` along `axis` with Python's rules:
/// negative indices count from the end, bounds clamp, NUMKERN_NONE omits a
/// bound or the step (step 1, as Python's None), a negative step walks backwards. Status: NUMKERN_OK, _NULL_POINTER,
/// _BAD_DESCRIPTOR, _DTYPE, _AXIS, _INVALID_ARGUMENT (step 0).
#[no_mangle]
pub unsafe extern "C" fn numkern_slice(
    a: *const numkern_array,
    axis: i64,
    start: i64,
    stop: i64,
    step: i64,
    out: *mut numkern_array,
) -> i32 {
    view_entry("numkern_slice", a, out, |a| views::slice(a, axis, start, stop, step))
}

/// View with a new axis of extent 1 at `axis` (np.expand_dims). Status:
/// NUMKERN_OK, _NULL_POINTER, _BAD_DESCRIPTOR, _DTYPE, _AXIS, _INVALID_ARGUMENT (ndim would exceed 8).
#[no_mangle]
pub unsafe extern "C" fn numkern_expand_dims(a: *const numkern_array, axis: i64, out: *mut numkern_array) -> i32 {
    view_entry("numkern_expand_dims", a, out, |a| views::expand_dims(a, axis))
}

/// View without axes of extent 1: all of them when `axis` is NUMKERN_NONE,
/// else just `axis`, which must have extent 1 (np.squeeze). Status:
/// NUMKERN_OK, _NULL_POINTER, _BAD_DESCRIPTOR, _DTYPE, _AXIS, _INVALID_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn numkern_squeeze(a: *const numkern_array, axis: i64, out: *mut numkern_array) -> i32 {
    let axis = if axis == views::NUMKERN_NONE { None } else { Some(axis) };
    view_entry("numkern_squeeze", a, out, |a| views::squeeze(a, axis))
}

/// Read-only view of `a` broadcast to `shape` (stride 0 on stretched axes;
/// np.broadcast_to). Status: NUMKERN_OK, _NULL_POINTER, _BAD_DESCRIPTOR, _DTYPE, _SHAPE_MISMATCH.
#[no_mangle]
pub unsafe extern "C" fn numkern_broadcast_to(a: *const numkern_array, shape: *const i64, ndim: i32, out: *mut numkern_array) -> i32 {
    view_entry("numkern_broadcast_to", a, out, |a| views::broadcast_to(a, &to_extents(read_i64s(shape, ndim, "shape")?, "shape")?))
}

/// The shape two shapes broadcast to (NumPy's rules), written to
/// `out_shape[0..*out_ndim]` (room for NUMKERN_MAX_NDIM entries). Status:
/// NUMKERN_OK, _NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH
/// ("operands could not be broadcast together with shapes (3,4) (5,)").
#[no_mangle]
pub unsafe extern "C" fn numkern_broadcast_shapes(
    shape_a: *const i64,
    ndim_a: i32,
    shape_b: *const i64,
    ndim_b: i32,
    out_shape: *mut i64,
    out_ndim: *mut i32,
) -> i32 {
    two_shapes_entry("numkern_broadcast_shapes", (shape_a, ndim_a), (shape_b, ndim_b), out_shape, out_ndim, |a, b| views::broadcast_shapes(&[a, b]))
}
