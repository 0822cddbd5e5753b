"""Products: matmul, the fused linear layer, GEMM, GEMV, dot, axpy."""

import numpy as np

from ._core import (MAX_NDIM, array, check, descriptors, ffi, lib, output, shape_buffer, wraps)

__all__ = ["matmul", "linear", "gemm", "gemv", "dot", "axpy"]

_ACTIVATIONS = {None: lib.NUMKERN_ACT_NONE, "none": lib.NUMKERN_ACT_NONE, "relu": lib.NUMKERN_ACT_RELU,
                "gelu": lib.NUMKERN_ACT_GELU, "gelu_tanh": lib.NUMKERN_ACT_GELU_TANH,
                "sigmoid": lib.NUMKERN_ACT_SIGMOID, "tanh": lib.NUMKERN_ACT_TANH,
                "silu": lib.NUMKERN_ACT_SILU}


@wraps("numkern_matmul_shape")
def _matmul_shape(a, b):
    out_shape = ffi.new("int64_t[]", MAX_NDIM)
    out_ndim = ffi.new("int32_t *")
    check(lib.numkern_matmul_shape(shape_buffer(a), len(a), shape_buffer(b), len(b), out_shape, out_ndim))
    return tuple(out_shape[0:out_ndim[0]])


@wraps("numkern_matmul")
def matmul(a, b, out=None):
    """a @ b with np.matmul's rules: 1-D operands are a row / a column, batch
    dimensions broadcast; float32 or float64, any strides (a.T is free). Each
    2-D product goes to dot, gemv or gemm; the same bits for any thread count."""
    if type(a) is not np.ndarray or type(b) is not np.ndarray:
        a, b = array(a, "numkern.matmul"), array(b, "numkern.matmul")
    if out is None:
        if a.ndim == 2 and b.ndim == 2 and a.shape[1] == b.shape[0]:
            shape = (a.shape[0], b.shape[1])
        else:
            shape = _matmul_shape(a.shape, b.shape)
        out = np.empty(shape, a.dtype)
    else:
        out = output(out, "numkern.matmul")
    check(lib.numkern_matmul(*descriptors(a, b, out, where="numkern.matmul")))
    return out


@wraps("numkern_linear")
def linear(x, w, bias=None, activation="relu", out=None):
    """activation(x @ w + bias), the fused linear layer (a hidden layer: ReLU
    by default): the bias add and the activation are applied as each tile of
    the product is written.

    x: (..., k); w: (k, n); bias: (n,) or None; activation: "relu", "gelu",
    "gelu_tanh", "sigmoid", "tanh", "silu", or None for x @ w + bias alone.
    Returns (..., n). Same bits as matmul, then add, then the activation."""
    if type(x) is not np.ndarray or type(w) is not np.ndarray:
        x, w = array(x, "numkern.linear"), array(w, "numkern.linear")
    if activation not in _ACTIVATIONS:
        raise ValueError(f"numkern.linear: unknown activation {activation!r}; expected one of "
                         f"{sorted(k for k in _ACTIVATIONS if k)}")
    if out is None:
        n = w.shape[1] if w.ndim == 2 else 0
        out = np.empty(x.shape[:-1] + (n,), x.dtype)
    else:
        out = output(out, "numkern.linear")
    if bias is None:
        d = descriptors(x, w, out, where="numkern.linear")
        check(lib.numkern_linear(d[0], d[1], ffi.NULL, _ACTIVATIONS[activation], d[2]))
    else:
        if type(bias) is not np.ndarray:
            bias = array(bias, "numkern.linear")
        d = descriptors(x, w, bias, out, where="numkern.linear")
        check(lib.numkern_linear(d[0], d[1], d[2], _ACTIVATIONS[activation], d[3]))
    return out


def _scaled_output(where, out, beta, shape, dtype):
    """The output of out = alpha * product + beta * out: a new array only
    when beta is 0 (nothing to scale)."""
    if out is not None:
        return output(out, where)
    if beta != 0:
        raise ValueError(f"{where}: beta != 0 needs an output array to scale")
    return np.empty(shape, dtype)


@wraps("numkern_gemm")
def gemm(a, b, out=None, alpha=1.0, beta=0.0):
    """out = alpha * a @ b + beta * out for 2-D a (m, k), b (k, n) (BLAS GEMM);
    beta = 0 never reads out. Without out, a new (m, n) array (beta must be 0)."""
    a, b = array(a, "numkern.gemm"), array(b, "numkern.gemm")
    shape = (a.shape[0] if a.ndim == 2 else 0, b.shape[1] if b.ndim == 2 else 0)
    out = _scaled_output("numkern.gemm", out, beta, shape, a.dtype)
    d = descriptors(a, b, out, where="numkern.gemm")
    check(lib.numkern_gemm(float(alpha), d[0], d[1], float(beta), d[2]))
    return out


@wraps("numkern_gemv")
def gemv(a, x, y=None, alpha=1.0, beta=0.0):
    """y = alpha * a @ x + beta * y for 2-D a (m, n), 1-D x (n,) (BLAS GEMV); a
    transposed view gives the transposed GEMV. Without y, a new (m,) (beta 0)."""
    a, x = array(a, "numkern.gemv"), array(x, "numkern.gemv")
    y = _scaled_output("numkern.gemv", y, beta, (a.shape[0] if a.ndim == 2 else 0,), a.dtype)
    d = descriptors(a, x, y, where="numkern.gemv")
    check(lib.numkern_gemv(float(alpha), d[0], d[1], float(beta), d[2]))
    return y


@wraps("numkern_dot")
def dot(a, b):
    """sum(a * b) for 1-D a and b of one length, as a NumPy scalar of their dtype.
    float32 products are exact in float64 and summed there (correctly rounded
    unless the sum cancels heavily)."""
    a, b = array(a, "numkern.dot"), array(b, "numkern.dot")
    out = np.empty((), a.dtype)
    check(lib.numkern_dot(*descriptors(a, b, out, where="numkern.dot")))
    return out[()]


@wraps("numkern_axpy")
def axpy(alpha, x, y):
    """y += alpha * x in place for 1-D x and y (BLAS AXPY), one fused multiply-add
    per element. Returns y."""
    x, y = array(x, "numkern.axpy"), output(y, "numkern.axpy")
    d = descriptors(x, y, where="numkern.axpy")
    check(lib.numkern_axpy(float(alpha), d[0], d[1]))
    return y
