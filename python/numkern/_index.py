"""Indexing: take, gather (x[rows, cols]), put, mask_select (x[mask]), compress, nonzero."""

import numpy as np

from ._core import array, check, descriptors, ffi, lib, output, wraps

__all__ = ["take", "gather", "put", "mask_select", "compress", "nonzero", "count_nonzero_mask"]

_MODES = {"raise": 0, "wrap": 1, "clip": 2}


def _index_array(indices, where):
    idx = array(indices, where)
    if idx.dtype not in (np.int32, np.int64):
        idx = idx.astype(np.int64)
    return idx


@wraps("numkern_take")
def take(x, indices, axis=0, out=None, mode="raise"):
    """np.take(x, indices, axis, out, mode): negative indices wrap; an index
    outside the axis raises (mode='raise', naming it and the axis), wraps or clips."""
    x = array(x, "numkern.take")
    idx = _index_array(indices, "numkern.take")
    code = _mode(mode, "numkern.take")
    ax = axis % x.ndim if x.ndim else 0
    shape = x.shape[:ax] + idx.shape + x.shape[ax + 1:]
    out = np.empty(shape, x.dtype) if out is None else output(out, "numkern.take")
    d = descriptors(x, idx, out, where="numkern.take")
    check(lib.numkern_take(d[0], d[1], int(axis), code, d[2]))
    return out


def _mode(mode, where):
    if mode not in _MODES:
        raise ValueError(f"{where}: mode must be one of {sorted(_MODES)}, got {mode!r}")
    return _MODES[mode]


@wraps("numkern_gather")
def gather(x, indices, out=None, mode="raise"):
    """x[indices[0], ..., indices[n-1]]: NumPy's integer-array indexing of x's
    first n axes, as the seed's x[rows, cols]. The index arrays broadcast
    together; a single array indexes axis 0."""
    where = "numkern.gather"
    x = array(x, where)
    idx = [_index_array(i, where) for i in (indices if isinstance(indices, tuple) else (indices,))]
    code = _mode(mode, where)
    if out is None:
        try:
            shape = np.broadcast_shapes(*(i.shape for i in idx)) + x.shape[len(idx):]
        except ValueError:
            shape = (0,)  # numkern reports the mismatch in NumPy's words
        out = np.empty(shape, x.dtype)
    else:
        out = output(out, where)
    d = descriptors(x, *idx, out, where=where)
    check(lib.numkern_gather(d[0], d[1] if idx else ffi.NULL, len(idx), code, d[-1]))
    return out


@wraps("numkern_put")
def put(a, indices, values, axis=0, mode="raise"):
    """a[..., indices, ...] = values along axis, in place (NumPy's a[idx] = values
    for axis 0); values broadcast and are cast to a's dtype. A repeated index
    takes its last value. Returns a."""
    where = "numkern.put"
    a = output(a, where)
    idx = _index_array(indices, where)
    values = np.asarray(array(values, where), dtype=a.dtype)
    d = descriptors(values, idx, a, where=where)
    check(lib.numkern_put(d[0], d[1], int(axis), _mode(mode, where), d[2]))
    return a


def count_nonzero_mask(mask):
    """The number of non-zero elements of a mask (sizes mask_select's output)."""
    return int(np.count_nonzero(mask))


@wraps("numkern_mask_select")
def mask_select(x, mask, out=None):
    """x[mask] for a boolean (or uint8) mask over x's leading axes, in C order."""
    x = array(x, "numkern.mask_select")
    mask = array(mask, "numkern.mask_select")
    if mask.dtype == np.bool_:
        mask = mask.view(np.uint8)
    if out is None:
        count = int(np.count_nonzero(mask))
        out = np.empty((count,) + x.shape[mask.ndim:], x.dtype)
    else:
        out = output(out, "numkern.mask_select")
    d = descriptors(x, mask, out, where="numkern.mask_select")
    check(lib.numkern_mask_select(d[0], d[1], d[2]))
    return out


@wraps("numkern_compress")
def compress(condition, a, axis=0, out=None):
    """np.compress(condition, a, axis): the positions along axis where the 1-D condition holds."""
    a = array(a, "numkern.compress")
    cond = np.asarray(condition)
    cond = cond.view(np.uint8) if cond.dtype == np.bool_ else cond.astype(np.uint8)
    if out is None:
        shape = list(a.shape)
        shape[axis] = int(np.count_nonzero(cond))
        out = np.empty(shape, a.dtype)
    else:
        out = output(out, "numkern.compress")
    d = descriptors(cond, a, out, where="numkern.compress")
    check(lib.numkern_compress(d[0], d[1], int(axis), d[2]))
    return out


@wraps("numkern_nonzero")
def nonzero(x):
    """np.nonzero(x): a tuple of int64 coordinate arrays, one per axis."""
    x = array(x, "numkern.nonzero")
    if x.dtype == np.bool_:
        x = x.view(np.uint8)
    out = np.empty((x.ndim, int(np.count_nonzero(x))), np.int64)
    d = descriptors(x, out, where="numkern.nonzero")
    check(lib.numkern_nonzero(d[0], d[1]))
    return tuple(out)
