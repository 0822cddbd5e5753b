"""Array creation: zeros, ones, full, eye, identity, arange, linspace, tril, triu."""

import math

import numpy as np

from ._core import array, check, descriptors, lib, output, wraps

__all__ = ["full", "zeros", "ones", "eye", "identity", "arange", "linspace", "tril", "triu"]


def _new_or_out(shape, dtype, out, where):
    if out is not None:
        return output(out, where)
    if shape is None:
        raise TypeError(f"{where}: give a shape or an out= array")
    return np.empty(shape, np.float64 if dtype is None else dtype)


@wraps("numkern_full")
def full(shape, fill_value, dtype=None, out=None):
    """An array of `shape` filled with `fill_value` (np.full), or `out` filled; the
    value converts to the dtype as numkern.copyto converts a float."""
    out = _new_or_out(shape, dtype, out, "numkern.full")
    check(lib.numkern_full(descriptors(out)[0], float(fill_value)))
    return out


def zeros(shape, dtype=np.float64, out=None):
    """np.zeros, filled by numkern."""
    return full(shape, 0.0, dtype, out)


def ones(shape, dtype=np.float64, out=None):
    """np.ones, filled by numkern."""
    return full(shape, 1.0, dtype, out)


@wraps("numkern_eye")
def eye(N, M=None, k=0, dtype=np.float64, out=None):
    """Ones on the k-th diagonal of an N x M array, zeros elsewhere (np.eye)."""
    out = _new_or_out((N, N if M is None else M), dtype, out, "numkern.eye")
    check(lib.numkern_eye(descriptors(out)[0], int(k)))
    return out


def identity(n, dtype=np.float64):
    """The n x n identity (np.identity)."""
    return eye(n, dtype=dtype)


@wraps("numkern_arange")
def arange(start, stop=None, step=1, dtype=None, out=None):
    """start + i * step for i in range(ceil((stop - start) / step)) (np.arange),
    each value computed on its own. dtype: int64 for integer arguments, else float64."""
    if stop is None:
        start, stop = 0, start
    if step == 0:
        raise ValueError("numkern.arange: step cannot be zero")
    if dtype is None:
        integral = all(isinstance(v, (int, np.integer)) for v in (start, stop, step))
        dtype = np.int64 if integral else np.float64
    n = max(0, math.ceil((stop - start) / step))
    out = _new_or_out((n,), dtype, out, "numkern.arange")
    check(lib.numkern_arange(descriptors(out)[0], float(start), float(step)))
    return out


@wraps("numkern_linspace")
def linspace(start, stop, num=50, endpoint=True, dtype=np.float64, out=None):
    """num evenly spaced values from start to stop (np.linspace); the last is
    exactly stop when endpoint is True."""
    out = _new_or_out((int(num),), dtype, out, "numkern.linspace")
    check(lib.numkern_linspace(descriptors(out)[0], float(start), float(stop), int(bool(endpoint))))
    return out


def _triangle(kernel, where):
    def fn(m, k=0, out=None):
        m = array(m, where)
        out = np.empty(m.shape, m.dtype) if out is None else output(out, where)
        d = descriptors(m, out)
        check(kernel(d[0], int(k), d[1]))
        return out

    return fn


tril = wraps("numkern_tril")(_triangle(lib.numkern_tril, "numkern.tril"))
tril.__name__ = tril.__qualname__ = "tril"
tril.__doc__ = """m with the elements above the k-th diagonal of its last two axes zeroed (np.tril)."""
triu = wraps("numkern_triu")(_triangle(lib.numkern_triu, "numkern.triu"))
triu.__name__ = triu.__qualname__ = "triu"
triu.__doc__ = """m with the elements below the k-th diagonal of its last two axes zeroed (np.triu)."""
