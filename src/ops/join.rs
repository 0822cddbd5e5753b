//! Joining and splitting (issue 22, item 4): concatenate and stack any
//! number of inputs along any axis into a caller's output, and split into
//! views. Each input is copied into its slice of `out` by the copy kernel,
//! so inputs may be any views and any dtype (converted as numkern_copy).

use super::elementwise::copy_into_raw;
use super::exec::{contiguous_copy, Exec};
use crate::error::{fail, named, shape_str, ErrorKind, Result};
use crate::framework::array::{ArrayView, ArrayViewMut, RawArray};
use crate::framework::overlap::may_overlap;
use crate::framework::views::{expand_dims, normalize_axis, slice};
use crate::Element;

/// Checks the inputs against `out` for a concatenation along `axis` and
/// returns the normalized axis. NumPy's messages, naming the input by index.
fn check_concat(inputs: &[RawArray], axis: i64, out: &RawArray) -> Result<usize> {
    if inputs.is_empty() {
        return fail(ErrorKind::InvalidArgument, "need at least one array to concatenate");
    }
    let first = &inputs[0];
    if first.ndim == 0 {
        return fail(ErrorKind::ShapeMismatch, "zero-dimensional arrays cannot be concatenated");
    }
    let ax = normalize_axis(axis, first.ndim)?;
    let mut total = 0usize;
    for (i, x) in inputs.iter().enumerate() {
        if x.ndim != first.ndim {
            return fail(
                ErrorKind::ShapeMismatch,
                format!(
                    "all the input arrays must have same number of dimensions, but the array at index 0 has {} dimension(s) and the array at index {i} has {} dimension(s)",
                    first.ndim, x.ndim
                ),
            );
        }
        for d in (0..x.ndim).filter(|&d| d != ax) {
            if x.shape[d] != first.shape[d] {
                return fail(
                    ErrorKind::ShapeMismatch,
                    format!(
                        "all the input array dimensions except for the concatenation axis must match exactly, but along dimension {d}, the array at index 0 has size {} and the array at index {i} has size {}",
                        first.shape[d], x.shape[d]
                    ),
                );
            }
        }
        total += x.shape[ax];
    }
    let mut want = first.shape().to_vec();
    want[ax] = total;
    if out.shape() != want.as_slice() {
        return fail(
            ErrorKind::ShapeMismatch,
            format!("out has shape {}, the concatenation along axis {ax} has shape {}", shape_str(out.shape()), shape_str(&want)),
        );
    }
    Ok(ax)
}

/// out = np.concatenate(inputs, axis). An input that overlaps `out` is
/// copied aside before anything is written, so no input is read after its
/// memory was overwritten.
///
/// # Safety
/// The inputs and `out` must be valid views; `out` writable.
pub unsafe fn concatenate_raw(exec: Exec, inputs: &[RawArray], axis: i64, out: &RawArray) -> Result<()> {
    let ax = check_concat(inputs, axis, out)?;
    out.check_writable("out")?;
    let mut temps = Vec::new();
    let mut sources = Vec::with_capacity(inputs.len());
    for x in inputs {
        sources.push(if may_overlap(x, out) { contiguous_copy(exec, x, &mut temps)? } else { *x });
    }
    let mut start = 0i64;
    for x in &sources {
        let len = x.shape[ax] as i64;
        copy_into_raw(exec, x, &slice(out, ax as i64, start, start + len, 1)?)?;
        start += len;
    }
    Ok(())
}

/// out = np.stack(inputs, axis): the inputs (one shape) joined along a new
/// axis of out (axis in -(ndim+1) ..= ndim).
///
/// # Safety
/// The inputs and `out` must be valid views; `out` writable.
pub unsafe fn stack_raw(exec: Exec, inputs: &[RawArray], axis: i64, out: &RawArray) -> Result<()> {
    if inputs.is_empty() {
        return fail(ErrorKind::InvalidArgument, "need at least one array to stack");
    }
    for (i, x) in inputs.iter().enumerate() {
        if x.shape() != inputs[0].shape() {
            return fail(ErrorKind::ShapeMismatch, format!("all input arrays must have the same shape, but the array at index 0 has shape {} and the array at index {i} has shape {}", shape_str(inputs[0].shape()), shape_str(x.shape())));
        }
    }
    let ax = normalize_axis(axis, inputs[0].ndim + 1)? as i64;
    let expanded: Vec<RawArray> = inputs.iter().map(|x| expand_dims(x, ax)).collect::<Result<_>>()?;
    concatenate_raw(exec, &expanded, ax, out)
}

/// The views of np.split(x, indices, axis): x[..., prev:index, ...] for each
/// index, then the rest; indices clamp to the axis and a decreasing one
/// gives an empty view, as NumPy's. No copy.
pub fn split(x: &RawArray, axis: i64, indices: &[i64]) -> Result<Vec<RawArray>> {
    let ax = normalize_axis(axis, x.ndim)?;
    let n = x.shape[ax] as i64;
    let clamp = |i: i64| if i < 0 { (i + n).max(0) } else { i.min(n) };
    let mut views = Vec::with_capacity(indices.len() + 1);
    let mut prev = 0i64;
    for &index in indices.iter().chain(std::iter::once(&n)) {
        let stop = clamp(index).max(prev);
        views.push(slice(x, ax as i64, prev, stop, 1)?);
        prev = clamp(index);
    }
    Ok(views)
}

/// The safe API.
impl Exec {
    /// out = np.concatenate(inputs, axis).
    pub fn concatenate<T: Element, U: Element>(&self, inputs: &[ArrayView<T>], axis: i64, out: &mut ArrayViewMut<U>) -> Result<()> {
        let raws: Vec<RawArray> = inputs.iter().map(|v| *v.raw()).collect();
        // SAFETY: borrowed valid views; `out` exclusively borrowed.
        named("concatenate", unsafe { concatenate_raw(*self, &raws, axis, out.raw()) })
    }
    /// out = np.stack(inputs, axis).
    pub fn stack<T: Element, U: Element>(&self, inputs: &[ArrayView<T>], axis: i64, out: &mut ArrayViewMut<U>) -> Result<()> {
        let raws: Vec<RawArray> = inputs.iter().map(|v| *v.raw()).collect();
        named("stack", unsafe { stack_raw(*self, &raws, axis, out.raw()) })
    }
}
