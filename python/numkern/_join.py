"""Joining and splitting: concatenate, stack, hstack, vstack, split."""

import numpy as np

from ._core import array, check, descriptors, ffi, lib, output, wraps

__all__ = ["concatenate", "stack", "hstack", "vstack", "split"]


def _join(kernel, arrays, axis, out, out_shape, where):
    arrays = [array(a, where) for a in arrays]
    if not arrays:
        raise ValueError(f"{where}: need at least one array")
    if out is None:
        out = np.empty(out_shape(arrays), np.result_type(*arrays))
    else:
        out = output(out, where)
    d = descriptors(*arrays, out, where=where)
    check(kernel(d[0], len(arrays), int(axis), d[-1]))
    return out


def _concat_shape(axis):
    def shape(arrays):
        s = list(arrays[0].shape)
        if s:
            ax = axis % len(s) if -len(s) <= axis < len(s) else axis
            if 0 <= ax < len(s):
                s[ax] = sum(a.shape[ax] if a.ndim == len(s) else 0 for a in arrays)
        return tuple(s)
    return shape


@wraps("numkern_concatenate")
def concatenate(arrays, axis=0, out=None):
    """np.concatenate(arrays, axis, out=out): any number of inputs, any views;
    errors name the input and the dimension, as NumPy's."""
    return _join(lib.numkern_concatenate, arrays, axis, out, _concat_shape(axis), "numkern.concatenate")


@wraps("numkern_stack")
def stack(arrays, axis=0, out=None):
    """np.stack(arrays, axis, out=out): the inputs joined along a new axis."""
    def shape(arrays):
        s = list(arrays[0].shape)
        ax = axis + len(s) + 1 if axis < 0 else axis
        s.insert(max(0, min(ax, len(s))), len(arrays))
        return tuple(s)
    return _join(lib.numkern_stack, arrays, axis, out, shape, "numkern.stack")


def hstack(arrays, out=None):
    """np.hstack: concatenate along axis 1 (axis 0 for 1-D inputs)."""
    arrays = [np.atleast_1d(array(a, "numkern.hstack")) for a in arrays]
    return concatenate(arrays, 0 if arrays and arrays[0].ndim == 1 else 1, out)


def vstack(arrays, out=None):
    """np.vstack: concatenate along axis 0 of the inputs viewed as at least 2-D."""
    return concatenate([np.atleast_2d(array(a, "numkern.vstack")) for a in arrays], 0, out)


@wraps("numkern_split")
def split(x, indices_or_sections, axis=0):
    """np.split: views of x (no copy) at the given indices, or into equal sections."""
    x = array(x, "numkern.split")
    if isinstance(indices_or_sections, (int, np.integer)):
        n = x.shape[axis]
        if n % indices_or_sections:
            raise ValueError("numkern.split: array split does not result in an equal division")
        indices = list(range(n // indices_or_sections, n, n // indices_or_sections))
    else:
        indices = [int(i) for i in indices_or_sections]
    views = ffi.new("numkern_array[]", len(indices) + 1)
    idx = ffi.new("int64_t[]", indices or [0])
    check(lib.numkern_split(descriptors(x, where="numkern.split")[0], int(axis), idx, len(indices), views))
    ax = axis % x.ndim
    base = x.__array_interface__["data"][0]
    step = x.strides[ax]
    parts = []
    for v in views:
        length = v.shape[ax]
        start = (int(ffi.cast("intptr_t", v.data)) - base) // step if length and step else 0
        key = [slice(None)] * x.ndim
        key[ax] = slice(start, start + length)
        parts.append(x[tuple(key)])
    return parts
