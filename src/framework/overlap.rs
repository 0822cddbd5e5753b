//! Memory overlap between an output and an input (DESIGN §2): the very same
//! view is fine (in place); any other overlap reads a copy of the input.

use super::array::RawArray;

/// Whether the byte ranges the two arrays touch intersect.
#[inline]
pub fn may_overlap(a: &RawArray, b: &RawArray) -> bool {
    // An empty array's range is empty, so it overlaps nothing.
    let (a0, a1) = a.byte_range();
    let (b0, b1) = b.byte_range();
    a0 < a1 && b0 < b1 && a0 < b1 && b0 < a1
}

/// Whether `input` (already broadcast to `out`'s shape) reads exactly the
/// element that is being written, element by element: same address, same
/// element size, same strides on every axis that has more than one element.
pub fn is_same_view(out: &RawArray, input: &RawArray) -> bool {
    out.data == input.data
        && out.dtype.size() == input.dtype.size()
        && out.ndim == input.ndim
        && (0..out.ndim).all(|k| out.shape[k] <= 1 || out.strides[k] == input.strides[k])
}

/// Whether `input` must be copied before `out` is written.
pub fn needs_copy(out: &RawArray, input: &RawArray) -> bool {
    may_overlap(out, input) && !is_same_view(out, input)
}
