"""Reductions along axes, softmax, losses and normalization."""

import numpy as np

from ._core import (array, axes_argument, check, descriptors, ffi, lib, output, reduced_shape, wraps)

__all__ = []

_I64, _F64, _BOOL = np.dtype(np.int64), np.dtype(np.float64), np.dtype(np.bool_)


def _export(fn):
    __all__.append(fn.__name__)
    return fn


def _result(out, given):
    """A 0-d result the caller did not provide comes back as a NumPy scalar, as NumPy's."""
    return out if given or out.ndim else out[()]


def _reduction(name, doc, result="same", ddof=False):
    """name(x, axis=None, keepdims=False, out=None[, dtype]) over numkern_<name>."""
    kernel = getattr(lib, "numkern_" + name)
    where = "numkern." + name

    def run(x, axis, keepdims, out, dtype, extra):
        x = array(x, where)
        given = out is not None
        if given:
            out = output(out, where)
        else:
            if dtype is None:
                kind = x.dtype.kind
                if result == "same":
                    dtype = x.dtype
                elif result == "sum":  # integers sum exactly into int64
                    dtype = _I64 if kind in "iub" else x.dtype
                elif result == "mean":
                    dtype = _F64 if kind in "iub" else x.dtype
                else:
                    dtype = result
            out = np.empty(reduced_shape(x.shape, axis, keepdims), dtype)
        axes, naxes = axes_argument(axis)
        d = descriptors(x, out, where=where)
        check(kernel(d[0], axes, naxes, *extra, d[1]))
        return _result(out, given)

    if ddof:
        def fn(x, axis=None, keepdims=False, out=None, dtype=None, ddof=0):
            return run(x, axis, keepdims, out, dtype, (float(ddof),))
    elif result in ("same", "sum", "mean"):
        def fn(x, axis=None, keepdims=False, out=None, dtype=None):
            return run(x, axis, keepdims, out, dtype, ())
    else:
        def fn(x, axis=None, keepdims=False, out=None):
            return run(x, axis, keepdims, out, None, ())

    named = {"same": "x's dtype", "sum": "x's dtype, int64 for integers",
             "mean": "x's dtype, float64 for integers"}
    out_doc = named[result] if isinstance(result, str) else str(result)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"""{doc}

    axis: None (all axes), an int or a tuple of ints (negative count from the
    end); keepdims keeps the reduced axes as extent 1. out: optional array of the
    reduced shape; otherwise one of {out_doc}{' (or `dtype`)' if result in ('same', 'sum', 'mean') else ''},
    and a 0-d result comes back as a NumPy scalar. Raises AxisError, ShapeError,
    DTypeError, InvalidArgumentError (an empty reduction without identity)."""
    return _export(wraps("numkern_" + name)(fn))


for _name, _doc, _result_kind, _ddof in [
    ("sum", "The sum, accumulated in float64 in a fixed order (bitwise the same for any thread count, tier and layout); integers exactly.", "sum", False),
    ("prod", "The product, in float64.", "same", False),
    ("mean", "The mean (the float64 sum divided once); NaN over no elements.", "mean", False),
    ("var", "The variance with `ddof` (one pass, pairwise Chan updates in float64).", "same", True),
    ("std", "The standard deviation with `ddof` (the square root of var).", "same", True),
    ("min", "The smallest element (NaN propagates).", "same", False),
    ("max", "The largest element (NaN propagates).", "same", False),
    ("ptp", "max - min (np.ptp).", "same", False),
    ("nansum", "The sum of the non-NaN elements.", "same", False),
    ("nanmean", "The mean of the non-NaN elements.", "same", False),
    ("nanmin", "The smallest non-NaN element.", "same", False),
    ("nanmax", "The largest non-NaN element.", "same", False),
    ("norm_l1", "The L1 norm, sum |x|.", "same", False),
    ("norm_l2", "The L2 norm, sqrt(sum x**2), without overflow or underflow.", "same", False),
    ("norm_max", "The max-abs norm, max |x|.", "same", False),
    ("logsumexp", "log(sum(exp(x))) without overflow (as scipy.special.logsumexp).", "same", False),
    ("argmin", "The index of the first smallest element (the first NaN wins), int64; over several axes, the C-order position among the reduced elements.", _I64, False),
    ("argmax", "The index of the first largest element (the first NaN wins), int64.", _I64, False),
    ("any", "True where any element is non-zero (NaN counts as non-zero).", _BOOL, False),
    ("all", "True where every element is non-zero.", _BOOL, False),
    ("count_nonzero", "How many elements are non-zero, int64.", _I64, False),
]:
    globals()[_name] = _reduction(_name, _doc, _result_kind, _ddof)


def _softmax(name, doc):
    kernel = getattr(lib, "numkern_" + name)
    where = "numkern." + name

    def fn(x, axis=-1, out=None, masked_rows="nan"):
        x = array(x, where)
        out = np.empty(x.shape, x.dtype) if out is None else output(out, where)
        if masked_rows not in ("nan", "zero"):
            raise ValueError(f"{where}: masked_rows must be 'nan' or 'zero', not {masked_rows!r}")
        flags = lib.NUMKERN_MASKED_ROWS_ZERO if masked_rows == "zero" else 0
        d = descriptors(x, out, where=where)
        check(kernel(d[0], int(axis), d[1], flags))
        return out

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"""{doc}

    x: float32 or float64, any layout; axis: the class axis (default -1); out:
    optional, x's shape and dtype (it may be x). A row of all -inf gives NaN, or
    {'zeros' if name == 'softmax' else '-inf'} with masked_rows="zero"; NaN or +inf in a row gives NaN."""
    return _export(wraps("numkern_" + name)(fn))


softmax = _softmax("softmax", "exp(x - max) / sum(exp(x - max)) along `axis`, the stable softmax (each output within about 3 ULP).")
log_softmax = _softmax("log_softmax", "x - max - log(sum(exp(x - max))) along `axis`, never the log of a rounded probability.")


def _pair_loss(name, doc):
    kernel = getattr(lib, "numkern_" + name)
    where = "numkern." + name

    def fn(predictions, targets, axis=None, keepdims=False, out=None):
        a, b = array(predictions, where), array(targets, where)
        given = out is not None
        if given:
            out = output(out, where)
        else:
            shape = a.shape if a.shape == b.shape else np.broadcast_shapes(a.shape, b.shape)
            out = np.empty(reduced_shape(shape, axis, keepdims), a.dtype)
        axes, naxes = axes_argument(axis)
        d = descriptors(a, b, out, where=where)
        check(kernel(d[0], d[1], axes, naxes, d[2]))
        return _result(out, given)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"""{doc}

    predictions, targets: float32 or float64 of one dtype that broadcast together;
    axis/keepdims/out as numkern.sum. One pass, no temporary, float64 sums."""
    return _export(wraps("numkern_" + name)(fn))


mse = _pair_loss("mse", "mean((predictions - targets)**2), the mean squared error.")
rmse = _pair_loss("rmse", "sqrt(mean((predictions - targets)**2)).")
mae = _pair_loss("mae", "mean(|predictions - targets|), the mean absolute error.")

_REDUCTIONS = {"none": lib.NUMKERN_REDUCTION_NONE, "mean": lib.NUMKERN_REDUCTION_MEAN,
               "sum": lib.NUMKERN_REDUCTION_SUM}


def _loss_output(where, reduction, out, per_element_shape, dtype):
    """(reduction code, out) for a loss: one value per element or row with
    reduction "none", else a 0-d output."""
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{where}: reduction must be 'none', 'mean' or 'sum', not {reduction!r}")
    code = _REDUCTIONS[reduction]
    if out is not None:
        return code, output(out, where)
    return code, np.empty(per_element_shape if code == lib.NUMKERN_REDUCTION_NONE else (), dtype)


@_export
@wraps("numkern_cross_entropy")
def cross_entropy(logits, labels, axis=-1, weights=None, ignore_index=-100, label_smoothing=0.0,
                  reduction="mean", out=None):
    """Cross-entropy from logits (PyTorch's cross_entropy): per row, w[y] *
    (logsumexp(z) - z[y]), never the log of a clipped probability.

    logits: float32/float64 with classes along `axis`; labels: int32/int64 with
    the logits' shape minus that axis; weights: optional (classes,); rows labelled
    ignore_index add nothing. reduction "mean" (weighted, as PyTorch), "sum" or
    "none" (one loss per row). A label out of range raises InvalidArgumentError
    naming its row."""
    where = "numkern.cross_entropy"
    z, y = array(logits, where), array(labels, where)
    given = out is not None
    code, out = _loss_output(where, reduction, out, y.shape, z.dtype)
    if weights is None:
        d = descriptors(z, y, out, where=where)
        w, o = ffi.NULL, d[2]
    else:
        d = descriptors(z, y, array(weights, where), out, where=where)
        w, o = d[2], d[3]
    check(lib.numkern_cross_entropy(d[0], d[1], int(axis), w, int(ignore_index), float(label_smoothing),
                                    code, o))
    return _result(out, given)


@_export
@wraps("numkern_binary_cross_entropy_with_logits")
def binary_cross_entropy_with_logits(logits, targets, reduction="mean", out=None):
    """Binary cross-entropy from logits z against targets y (broadcast to z):
    max(z, 0) - z*y + log1p(exp(-|z|)), the stable form. reduction as cross_entropy."""
    where = "numkern.binary_cross_entropy_with_logits"
    z, y = array(logits, where), array(targets, where)
    given = out is not None
    code, out = _loss_output(where, reduction, out, z.shape, z.dtype)
    d = descriptors(z, y, out, where=where)
    check(lib.numkern_binary_cross_entropy_with_logits(d[0], d[1], code, d[2]))
    return _result(out, given)


@_export
@wraps("numkern_accuracy")
def accuracy(logits, labels, axis=-1):
    """The fraction of rows whose argmax along `axis` equals the label, as a float
    (np.mean(labels == np.argmax(logits, axis)) in one pass). NaN for no rows."""
    where = "numkern.accuracy"
    z, y = array(logits, where), array(labels, where)
    out = np.empty((), _F64)
    d = descriptors(z, y, out, where=where)
    check(lib.numkern_accuracy(d[0], d[1], int(axis), d[2]))
    return float(out)


@_export
@wraps("numkern_standardize")
def standardize(x, axis=None, eps=0.0, out=None):
    """(x - mean) / sqrt(var + eps) with the statistics over `axis` (None: all):
    the seed's (X - X.mean(axis=0)) / X.std(axis=0) in one call. out may be x."""
    where = "numkern.standardize"
    x = array(x, where)
    out = np.empty(x.shape, x.dtype) if out is None else output(out, where)
    axes, naxes = axes_argument(axis)
    d = descriptors(x, out, where=where)
    check(lib.numkern_standardize(d[0], axes, naxes, float(eps), d[1]))
    return out


@_export
@wraps("numkern_standardize_with")
def standardize_with(x, mean, std, out=None):
    """(x - mean) / std with given statistics broadcast to x (train statistics on
    validation data)."""
    where = "numkern.standardize_with"
    x = array(x, where)
    out = np.empty(x.shape, x.dtype) if out is None else output(out, where)
    check(lib.numkern_standardize_with(*descriptors(x, array(mean, where), array(std, where), out, where=where)))
    return out


@_export
@wraps("numkern_layer_norm")
def layer_norm(x, normalized_ndim=1, gamma=None, beta=None, eps=1e-5, out=None):
    """(x - mean) / sqrt(var + eps) * gamma + beta over the trailing
    `normalized_ndim` axes (PyTorch's layer_norm with normalized_shape =
    x.shape[-normalized_ndim:]); gamma and beta optional, of that trailing shape."""
    where = "numkern.layer_norm"
    x = array(x, where)
    out = np.empty(x.shape, x.dtype) if out is None else output(out, where)
    arrays = [x, out] + [array(v, where) for v in (gamma, beta) if v is not None]
    d = descriptors(*arrays, where=where)
    rest = iter(d[2:])
    g = next(rest) if gamma is not None else ffi.NULL
    b = next(rest) if beta is not None else ffi.NULL
    check(lib.numkern_layer_norm(d[0], int(normalized_ndim), g, b, float(eps), d[1]))
    return out


@_export
@wraps("numkern_rms_norm")
def rms_norm(x, normalized_ndim=1, gamma=None, eps=1e-6, out=None):
    """x / sqrt(mean(x**2) + eps) * gamma over the trailing `normalized_ndim` axes (RMSNorm)."""
    where = "numkern.rms_norm"
    x = array(x, where)
    out = np.empty(x.shape, x.dtype) if out is None else output(out, where)
    if gamma is None:
        d = descriptors(x, out, where=where)
        g = ffi.NULL
    else:
        d = descriptors(x, out, array(gamma, where), where=where)
        g = d[2]
    check(lib.numkern_rms_norm(d[0], int(normalized_ndim), g, float(eps), d[1]))
    return out


del _name, _doc, _result_kind, _ddof
