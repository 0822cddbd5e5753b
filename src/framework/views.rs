//! View functions: new descriptors over the same memory, never a copy.
//! Each returns a validated `RawArray`; errors use NumPy's wording.

use super::array::{RawArray, MAX_NDIM};
use crate::error::{fail, shape_str, ErrorKind, Result};

/// Marks an omitted slice bound (Python's `None`).
pub const NUMKERN_NONE: i64 = i64::MIN;

/// Normalizes a possibly negative axis against `ndim` (NumPy's AxisError wording).
pub fn normalize_axis(axis: i64, ndim: usize) -> Result<usize> {
    let n = ndim as i64;
    if axis < -n || axis >= n {
        return fail(ErrorKind::Axis, format!("axis {axis} is out of bounds for array of dimension {ndim}"));
    }
    Ok(if axis < 0 { (axis + n) as usize } else { axis as usize })
}

fn with_dims(a: &RawArray, data: *mut u8, shape: &[usize], strides: &[isize]) -> Result<RawArray> {
    RawArray::new(data, a.dtype, shape, strides, "view")
}

/// Reorders the axes: result axis k is input axis `axes[k]`.
pub fn permute(a: &RawArray, axes: &[i64]) -> Result<RawArray> {
    if axes.len() != a.ndim {
        return fail(ErrorKind::Axis, "axes don't match array".to_string());
    }
    let mut seen = [false; MAX_NDIM];
    let (mut shape, mut strides) = ([0usize; MAX_NDIM], [0isize; MAX_NDIM]);
    for (k, &ax) in axes.iter().enumerate() {
        let ax = normalize_axis(ax, a.ndim)?;
        if seen[ax] {
            return fail(ErrorKind::Axis, "repeated axis in transpose".to_string());
        }
        seen[ax] = true;
        shape[k] = a.shape[ax];
        strides[k] = a.strides[ax];
    }
    with_dims(a, a.data, &shape[..a.ndim], &strides[..a.ndim])
}

/// Reverses the axes (NumPy's `a.T`).
pub fn transpose(a: &RawArray) -> Result<RawArray> {
    let axes: Vec<i64> = (0..a.ndim as i64).rev().collect();
    permute(a, &axes)
}

/// Resolves one `-1` in a requested shape against `size`.
fn resolve_shape(size: usize, requested: &[i64]) -> Result<Vec<usize>> {
    if requested.len() > MAX_NDIM {
        return fail(ErrorKind::InvalidArgument, format!("reshape to {} dimensions exceeds the maximum of {MAX_NDIM}", requested.len()));
    }
    let mut unknown = None;
    let mut known: usize = 1;
    for (k, &d) in requested.iter().enumerate() {
        if d == -1 {
            if unknown.is_some() {
                return fail(ErrorKind::InvalidArgument, "can only specify one unknown dimension".to_string());
            }
            unknown = Some(k);
        } else if d < 0 {
            return fail(ErrorKind::InvalidArgument, "negative dimensions not allowed".to_string());
        } else {
            known = known.checked_mul(d as usize).ok_or_else(|| {
                crate::error::Error::new(ErrorKind::BadDescriptor, "reshape size overflows".to_string())
            })?;
        }
    }
    let mut shape: Vec<usize> = requested.iter().map(|&d| d.max(0) as usize).collect();
    let shown = || requested.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(",");
    if let Some(k) = unknown {
        if known == 0 || size % known != 0 {
            return fail(ErrorKind::ShapeMismatch, format!("cannot reshape array of size {size} into shape ({})", shown()));
        }
        shape[k] = size / known;
    } else if known != size {
        return fail(ErrorKind::ShapeMismatch, format!("cannot reshape array of size {size} into shape ({})", shown()));
    }
    Ok(shape)
}

/// A view with a new shape (one entry may be -1), when the existing strides
/// can express it; otherwise an error (NumPy would copy; we never do).
pub fn reshape(a: &RawArray, requested: &[i64]) -> Result<RawArray> {
    let new = resolve_shape(a.size(), requested)?;
    let mut strides = [0isize; MAX_NDIM];
    if a.size() == 0 {
        let c = RawArray::contiguous_strides(&new);
        return with_dims(a, a.data, &new, &c[..new.len()]);
    }
    // Old dims of extent 1 do not constrain the layout.
    let old: Vec<(usize, isize)> = (0..a.ndim).filter(|&k| a.shape[k] != 1).map(|k| (a.shape[k], a.strides[k])).collect();
    let (mut oi, mut ni) = (0usize, 0usize);
    while oi < old.len() && ni < new.len() {
        let (mut op, mut np) = (old[oi].0, new[ni]);
        let (mut oj, mut nj) = (oi + 1, ni + 1);
        while op != np {
            if np < op {
                np *= new[nj];
                nj += 1;
            } else {
                op *= old[oj].0;
                oj += 1;
            }
        }
        for k in oi..oj - 1 {
            if old[k].1 != old[k + 1].1 * old[k + 1].0 as isize {
                return fail(
                    ErrorKind::InvalidArgument,
                    format!(
                        "cannot reshape array of shape {} and strides {:?} into shape {} without copying",
                        shape_str(a.shape()),
                        a.strides(),
                        shape_str(&new)
                    ),
                );
            }
        }
        strides[nj - 1] = old[oj - 1].1;
        for k in (ni + 1..nj).rev() {
            strides[k - 1] = strides[k] * new[k] as isize;
        }
        oi = oj;
        ni = nj;
    }
    // Trailing new dims are all of extent 1; any stride works.
    with_dims(a, a.data, &new, &strides[..new.len()])
}

/// Python slice bounds -> (first index, length) for an axis of extent `n`.
fn slice_indices(n: i64, start: i64, stop: i64, step: i64) -> (i64, i64) {
    let clamp = |v: i64, default: i64| -> i64 {
        if v == NUMKERN_NONE {
            return default;
        }
        if v < 0 {
            let v = v + n;
            if v < 0 {
                if step < 0 {
                    -1
                } else {
                    0
                }
            } else {
                v
            }
        } else if v >= n {
            if step < 0 {
                n - 1
            } else {
                n
            }
        } else {
            v
        }
    };
    let (start, stop) = if step < 0 { (clamp(start, n - 1), clamp(stop, -1)) } else { (clamp(start, 0), clamp(stop, n)) };
    let len = if step < 0 {
        if stop < start {
            (start - stop - 1) / (-step) + 1
        } else {
            0
        }
    } else if start < stop {
        (stop - start - 1) / step + 1
    } else {
        0
    };
    (start, len)
}

/// `a[..., start:stop:step, ...]` along `axis`, with Python's rules (negative
/// indices count from the end, bounds clamp, `NUMKERN_NONE` omits a bound).
pub fn slice(a: &RawArray, axis: i64, start: i64, stop: i64, step: i64) -> Result<RawArray> {
    let ax = normalize_axis(axis, a.ndim)?;
    // NUMKERN_NONE is Python's omitted step (`a[1:4]`, `a[1:4:None]`): 1.
    let step = if step == NUMKERN_NONE { 1 } else { step };
    if step == 0 {
        return fail(ErrorKind::InvalidArgument, "slice step cannot be zero".to_string());
    }
    let (first, len) = slice_indices(a.shape[ax] as i64, start, stop, step);
    let mut shape = a.shape;
    let mut strides = a.strides;
    // Over one element or none the stride is never applied: keep the old
    // one (`a[::2**62]` is a valid one-element view). Over more, |step| is
    // below the extent, so the product stays within the validated span.
    let new_stride = if len <= 1 { Some(a.strides[ax] as i64) } else { (a.strides[ax] as i64).checked_mul(step) };
    let Some(new_stride) = new_stride else {
        return fail(ErrorKind::BadDescriptor, "slice stride overflows int64".to_string());
    };
    shape[ax] = len as usize;
    strides[ax] = new_stride as isize;
    let data = if len > 0 && a.size() > 0 {
        // In range: `first` is a valid index of a validated array.
        a.data.wrapping_offset(first as isize * a.strides[ax] * a.dtype.size() as isize)
    } else {
        a.data
    };
    with_dims(a, data, &shape[..a.ndim], &strides[..a.ndim])
}

/// Inserts an axis of extent 1 at `axis` (in the result's numbering).
pub fn expand_dims(a: &RawArray, axis: i64) -> Result<RawArray> {
    if a.ndim == MAX_NDIM {
        return fail(ErrorKind::InvalidArgument, format!("cannot expand beyond {MAX_NDIM} dimensions"));
    }
    let ax = normalize_axis(axis, a.ndim + 1)?;
    let mut shape: Vec<usize> = a.shape().to_vec();
    let mut strides: Vec<isize> = a.strides().to_vec();
    shape.insert(ax, 1);
    strides.insert(ax, 0);
    with_dims(a, a.data, &shape, &strides)
}

/// Removes axes of extent 1: all of them (`axis = None`) or one, which must be 1.
pub fn squeeze(a: &RawArray, axis: Option<i64>) -> Result<RawArray> {
    let keep: Vec<usize> = match axis {
        None => (0..a.ndim).filter(|&k| a.shape[k] != 1).collect(),
        Some(axis) => {
            let ax = normalize_axis(axis, a.ndim)?;
            if a.shape[ax] != 1 {
                return fail(
                    ErrorKind::InvalidArgument,
                    "cannot select an axis to squeeze out which has size not equal to one".to_string(),
                );
            }
            (0..a.ndim).filter(|&k| k != ax).collect()
        }
    };
    let shape: Vec<usize> = keep.iter().map(|&k| a.shape[k]).collect();
    let strides: Vec<isize> = keep.iter().map(|&k| a.strides[k]).collect();
    with_dims(a, a.data, &shape, &strides)
}

/// A read-only view of `a` broadcast to `shape` (stride 0 on stretched axes).
pub fn broadcast_to(a: &RawArray, shape: &[usize]) -> Result<RawArray> {
    let mut strides = [0isize; MAX_NDIM];
    broadcast_strides(a, shape, &mut strides)?;
    with_dims(a, a.data, shape, &strides[..shape.len()])
}

/// [`broadcast_to`] the shape of `out`, an array already validated: the
/// view reaches exactly the bytes `a` does (its spans are `a`'s or 0), so
/// it is valid without a second check, which was a tenth of a small call.
/// Written into `view` field by field (a returned array was moved with
/// memcpy, in unaligned pieces that stalled store forwarding).
pub(crate) fn broadcast_to_shape_of(a: &RawArray, out: &RawArray, view: &mut RawArray) -> Result<()> {
    view.strides = [0; MAX_NDIM];
    broadcast_strides(a, out.shape(), &mut view.strides)?;
    (view.data, view.dtype, view.ndim, view.shape) = (a.data, a.dtype, out.ndim, out.shape);
    Ok(())
}

/// Writes the strides of `a` broadcast to `shape` (zero past it), or
/// returns NumPy's error.
fn broadcast_strides(a: &RawArray, shape: &[usize], strides: &mut [isize; MAX_NDIM]) -> Result<()> {
    let err = || {
        fail(
            ErrorKind::ShapeMismatch,
            format!("could not broadcast array from shape {} into shape {}", shape_str(a.shape()), shape_str(shape)),
        )
    };
    if shape.len() > MAX_NDIM {
        return fail(ErrorKind::InvalidArgument, format!("broadcast to {} dimensions exceeds the maximum of {MAX_NDIM}", shape.len()));
    }
    if shape.len() < a.ndim {
        return err();
    }
    let lead = shape.len() - a.ndim;
    for k in 0..a.ndim {
        let (have, want) = (a.shape[k], shape[lead + k]);
        if have == want {
            strides[lead + k] = a.strides[k];
        } else if have != 1 {
            return err();
        }
    }
    Ok(())
}

/// The shape that `shapes` broadcast to (NumPy's rules), or the NumPy error.
pub fn broadcast_shapes(shapes: &[&[usize]]) -> Result<Vec<usize>> {
    let (out, ndim) = broadcast_shape_array(shapes)?;
    Ok(out[..ndim].to_vec())
}

/// [`broadcast_shapes`] on the stack: the shape's first `ndim` entries.
pub fn broadcast_shape_array(shapes: &[&[usize]]) -> Result<([usize; MAX_NDIM], usize)> {
    let ndim = shapes.iter().map(|s| s.len()).max().unwrap_or(0);
    if ndim > MAX_NDIM {
        return fail(ErrorKind::BadDescriptor, format!("ndim {ndim} is out of range 0..={MAX_NDIM}"));
    }
    let mut out = [1usize; MAX_NDIM];
    for s in shapes {
        let lead = ndim - s.len();
        for (k, &d) in s.iter().enumerate() {
            let o = &mut out[lead + k];
            if *o == 1 {
                *o = d;
            } else if d != 1 && d != *o {
                let listed: Vec<String> = shapes.iter().map(|s| shape_str(s)).collect();
                return fail(
                    ErrorKind::ShapeMismatch,
                    format!("operands could not be broadcast together with shapes {}", listed.join(" ")),
                );
            }
        }
    }
    Ok((out, ndim))
}
