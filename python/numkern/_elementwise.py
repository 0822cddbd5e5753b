"""Elementwise functions, comparisons, where, and copies (astype/copyto)."""

import numpy as np

from ._core import array, broadcast_pair, broadcast_shapes, call2, call3, check, descriptors, lib, output, pair, wraps

__all__ = []

_BOOL = np.dtype(np.bool_)


def _export(fn):
    __all__.append(fn.__name__)
    return fn


def _unary(name, doc, result_dtype=None, operands="float32 or float64 array (any layout)"):
    """out = name(x): f32/f64 (bool ops: any dtype) in, x's shape out."""
    kernel = getattr(lib, "numkern_" + name)
    where = "numkern." + name

    def fn(x, out=None, _ndarray=np.ndarray, _empty=np.empty, _call=call2):
        if type(x) is not _ndarray:
            x = array(x, where)
        if out is None:
            out = _empty(x.shape, result_dtype or x.dtype)
        elif type(out) is not _ndarray or not out.flags.writeable:
            out = output(out, where)
        _call(kernel, x, out, where)
        return out

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"""{doc}

    x: {operands};
    out: optional array of x's shape (it may be x itself){', bool or uint8' if result_dtype else ', x' + "'s dtype"}.
    Returns out. Raises DTypeError for other dtypes, ShapeError if out's shape differs."""
    return _export(wraps("numkern_" + name)(fn))


for _name, _doc in [
    ("negative", "-x, elementwise (exact)."),
    ("abs", "|x|, elementwise (exact)."),
    ("square", "x*x, elementwise (rounded once)."),
    ("sqrt", "The square root, correctly rounded."),
    ("reciprocal", "1/x, correctly rounded."),
    ("exp", "e**x, within 1 ULP."),
    ("expm1", "e**x - 1, accurate near 0."),
    ("log", "The natural logarithm."),
    ("log1p", "log(1 + x), accurate near 0."),
    ("tanh", "The hyperbolic tangent."),
    ("sigmoid", "1 / (1 + e**-x), the logistic function, without overflow."),
    ("relu", "max(x, 0) (NaN stays NaN)."),
    ("gelu", "x * Phi(x), the exact GELU (erf form)."),
    ("gelu_tanh", "The tanh approximation of GELU (as PyTorch's approximate='tanh')."),
    ("silu", "x * sigmoid(x) (SiLU, swish)."),
    ("softplus", "log(1 + e**x), without overflow."),
]:
    globals()[_name] = _unary(_name, _doc)

for _name, _doc, _operands in [
    ("isnan", "True where x is NaN.", "float32 or float64 array (any layout)"),
    ("isfinite", "True where x is neither infinite nor NaN.", "float32 or float64 array (any layout)"),
    ("logical_not", "True where x is false.", "bool or uint8 mask (any layout)"),
]:
    globals()[_name] = _unary(_name, _doc, result_dtype=_BOOL, operands=_operands)


def _with_scalars(kernel, where, x, scalars, out):
    """kernel(x, *scalars, out) for the unary functions with parameters."""
    x = array(x, where)
    out = np.empty(x.shape, x.dtype) if out is None else output(out, where)
    d = descriptors(x, out, where=where)
    check(kernel(d[0], *(float(v) for v in scalars), d[1]))
    return out


@_export
@wraps("numkern_leaky_relu")
def leaky_relu(x, alpha=0.01, out=None):
    """x where x > 0, else alpha*x. x float32/float64; out optional (x's shape and dtype)."""
    return _with_scalars(lib.numkern_leaky_relu, "numkern.leaky_relu", x, (alpha,), out)


@_export
@wraps("numkern_clip")
def clip(x, a_min, a_max, out=None):
    """min(max(x, a_min), a_max), as np.clip with scalar bounds (NaN stays NaN)."""
    return _with_scalars(lib.numkern_clip, "numkern.clip", x, (a_min, a_max), out)


@_export
@wraps("numkern_affine")
def affine(x, scale, shift, out=None):
    """x*scale + shift, one fused multiply-add per element."""
    return _with_scalars(lib.numkern_affine, "numkern.affine", x, (scale, shift), out)


def _binary(name, doc, result_dtype=None, operands="float32 or float64"):
    """out = name(a, b) with NumPy broadcasting; a Python scalar takes the
    other operand's dtype."""
    kernel = getattr(lib, "numkern_" + name)
    where = "numkern." + name

    def fn(a, b, out=None, _ndarray=np.ndarray, _empty=np.empty, _call=call3):
        if type(a) is not _ndarray or type(b) is not _ndarray:
            a, b = pair(a, b, where)
        if out is None:
            shape = a.shape if a.shape == b.shape else broadcast_pair(a.shape, b.shape)
            out = _empty(shape, result_dtype or a.dtype)
        elif type(out) is not _ndarray or not out.flags.writeable:
            out = output(out, where)
        _call(kernel, a, b, out, where)
        return out

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"""{doc}

    a, b: arrays of one dtype ({operands}) that
    broadcast together, any layout; a Python scalar takes the other's dtype.
    out: optional array of the broadcast shape{', bool or uint8' if result_dtype else ''}.
    Returns out. Raises ShapeError ("operands could not be broadcast together
    with shapes ...") or DTypeError (mixed dtypes: numkern never casts silently)."""
    return _export(wraps("numkern_" + name)(fn))


for _name, _doc in [
    ("add", "a + b."), ("subtract", "a - b."), ("multiply", "a * b."), ("divide", "a / b."),
    ("power", "a ** b."), ("maximum", "The larger of a and b (NaN propagates)."),
    ("minimum", "The smaller of a and b (NaN propagates)."),
]:
    globals()[_name] = _binary(_name, _doc)

for _name, _doc in [
    ("greater", "a > b."), ("greater_equal", "a >= b."), ("less", "a < b."), ("less_equal", "a <= b."),
    ("equal", "a == b."), ("not_equal", "a != b."),
]:
    globals()[_name] = _binary(_name, _doc, result_dtype=_BOOL)

for _name, _doc in [("logical_and", "a and b."), ("logical_or", "a or b."), ("logical_xor", "a xor b.")]:
    globals()[_name] = _binary(_name, _doc, result_dtype=_BOOL, operands="bool or uint8 masks")


@_export
@wraps("numkern_where")
def where(condition, a, b, out=None):
    """a where condition is true, else b (np.where with three arguments). condition:
    bool or uint8; a and b one dtype; all broadcast together."""
    condition = array(condition, "numkern.where")
    a, b = pair(a, b, "numkern.where")
    if out is None:
        out = np.empty(broadcast_shapes(condition.shape, a.shape, b.shape), a.dtype)
    else:
        out = output(out, "numkern.where")
    check(lib.numkern_where(*descriptors(condition, a, b, out, where="numkern.where")))
    return out


@_export
@wraps("numkern_copy")
def copyto(dst, src):
    """dst[...] = src converted to dst's dtype, src broadcast to dst's shape (np.copyto):
    floats to ints truncate toward zero and saturate (NaN gives 0); ints to narrower
    ints wrap; to float32 rounds to nearest. Any layouts; a transposing copy runs in
    cache-sized tiles. Returns None."""
    dst = output(dst, "numkern.copyto")
    src = array(src, "numkern.copyto")
    check(lib.numkern_copy(*descriptors(src, dst, where="numkern.copyto")))


@_export
def astype(x, dtype, order="C"):
    """A new array of x's values converted to `dtype` (x.astype(dtype)), in C
    ("C") or Fortran ("F") order; conversions as copyto."""
    x = array(x, "numkern.astype")
    out = np.empty(x.shape, dtype, order=order)
    copyto(out, x)
    return out


@_export
def copy(x, order="C"):
    """A new array with x's values, in C ("C") or Fortran ("F") order (np.copy;
    materializes transposes and broadcasts)."""
    x = array(x, "numkern.copy")
    return astype(x, x.dtype, order)


del _name, _doc, _operands
