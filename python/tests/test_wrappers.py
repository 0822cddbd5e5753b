"""Every wrapper on random views against NumPy."""

import numpy as np
import pytest

import numkern as nk
from conftest import random_shape, view

FLOATS = [np.float32, np.float64]
TOL = {np.float32: dict(rtol=2e-5, atol=2e-6), np.float64: dict(rtol=1e-12, atol=1e-13)}


def erf(x):
    from math import erf as scalar_erf
    return np.vectorize(scalar_erf)(x.astype(np.float64))


UNARY = {
    "negative": np.negative, "abs": np.abs, "square": np.square,
    "sqrt": lambda x: np.sqrt(np.abs(x)), "reciprocal": np.reciprocal, "exp": np.exp, "expm1": np.expm1,
    "log": lambda x: np.log(np.abs(x)), "log1p": lambda x: np.log1p(np.abs(x)), "tanh": np.tanh,
    "sigmoid": lambda x: 1 / (1 + np.exp(-x.astype(np.float64))),
    "relu": lambda x: np.maximum(x, 0), "silu": lambda x: x / (1 + np.exp(-x.astype(np.float64))),
    "softplus": lambda x: np.logaddexp(0, x.astype(np.float64)),
    "gelu": lambda x: 0.5 * x * (1 + erf(x / np.sqrt(2))),
    "gelu_tanh": lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x.astype(np.float64) ** 3))),
}
POSITIVE_INPUT = {"sqrt", "log", "log1p"}


@pytest.mark.parametrize("name", sorted(UNARY))
@pytest.mark.parametrize("dtype", FLOATS)
def test_unary(rng, name, dtype, tier):
    for _ in range(8):
        shape = random_shape(rng)
        x = view(rng, shape, dtype, broadcast=True)
        if name in POSITIVE_INPUT:
            x = np.abs(x) + dtype(0.1)
        got = getattr(nk, name)(x)
        assert got.dtype == dtype and got.shape == shape
        np.testing.assert_allclose(got, UNARY[name](x), **TOL[dtype])
        out = view(rng, shape, dtype)  # a strided output view
        before = out.base if out.base is not None else out
        assert getattr(nk, name)(x, out=out) is out
        np.testing.assert_allclose(out, got, **TOL[dtype])
        assert before is (out.base if out.base is not None else out)


@pytest.mark.parametrize("name", ["isnan", "isfinite"])
def test_unary_bool(rng, name):
    x = view(rng, (5, 7), np.float64)
    x[0, 0], x[1, 1], x[2, 2] = np.nan, np.inf, 0.0
    np.testing.assert_array_equal(getattr(nk, name)(x), getattr(np, name)(x))
    assert getattr(nk, name)(x).dtype == np.bool_
    mask = view(rng, (4, 6), bool, broadcast=True)
    np.testing.assert_array_equal(nk.logical_not(mask), ~mask)


def test_parameterized_unary(rng):
    for dtype in FLOATS:
        x = view(rng, (6, 5), dtype, broadcast=True)
        np.testing.assert_allclose(nk.leaky_relu(x, 0.1), np.where(x > 0, x, dtype(0.1) * x), **TOL[dtype])
        np.testing.assert_array_equal(nk.clip(x, -1, 0.5), np.clip(x, -1, 0.5))
        np.testing.assert_allclose(nk.affine(x, 2.0, -1.0), x * 2 - 1, **TOL[dtype])


BINARY = ["add", "subtract", "multiply", "divide", "maximum", "minimum", "power"]
COMPARE = ["greater", "greater_equal", "less", "less_equal", "equal", "not_equal"]
LOGICAL = ["logical_and", "logical_or", "logical_xor"]


@pytest.mark.parametrize("name", BINARY + COMPARE)
@pytest.mark.parametrize("dtype", FLOATS)
def test_binary_broadcasting(rng, name, dtype, tier):
    for _ in range(8):
        shape = random_shape(rng)
        a = view(rng, shape, dtype, broadcast=True)
        b = view(rng, shape[rng.integers(0, len(shape)):], dtype, broadcast=True)  # a trailing shape
        if name == "power":
            a = np.abs(a) + dtype(0.5)
        if name in COMPARE:
            b = b.copy()
            b.flat[0] = a.flat[0] if b.shape == a.shape else b.flat[0]
        want = getattr(np, name)(a, b)
        got = getattr(nk, name)(a, b)
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_allclose(got, want, **TOL[dtype])
        got_swapped = getattr(nk, name)(b, a)
        np.testing.assert_allclose(got_swapped, getattr(np, name)(b, a), **TOL[dtype])


@pytest.mark.parametrize("name", LOGICAL)
def test_logical(rng, name):
    a, b = view(rng, (4, 6), bool), view(rng, (6,), bool, broadcast=True)
    np.testing.assert_array_equal(getattr(nk, name)(a, b), getattr(np, name)(a, b))


def test_python_scalars_take_the_array_dtype(rng):
    x = view(rng, (3, 4), np.float32)
    assert nk.add(x, 1.0).dtype == np.float32
    np.testing.assert_allclose(nk.subtract(2, x), 2 - x, rtol=1e-6)
    np.testing.assert_allclose(nk.multiply([1.0, 2.0], np.float64(3.0)), [3.0, 6.0])


def test_where(rng):
    cond = view(rng, (5, 6), bool)
    a, b = view(rng, (5, 6), np.float64), view(rng, (6,), np.float64, broadcast=True)
    np.testing.assert_array_equal(nk.where(cond, a, b), np.where(cond, a, b))


def test_copies_and_casts(rng):
    x = view(rng, (7, 9), np.float64, broadcast=True)
    np.testing.assert_array_equal(nk.copy(x), x)
    assert nk.copy(x, order="F").flags.f_contiguous
    np.testing.assert_array_equal(nk.astype(x, np.float32), x.astype(np.float32))
    np.testing.assert_array_equal(nk.astype(x * 10, np.int32), (x * 10).astype(np.int32))
    dst = np.empty((9, 7), np.float32)
    nk.copyto(dst, x.T)
    np.testing.assert_array_equal(dst, x.T.astype(np.float32))


@pytest.mark.parametrize("dtype", FLOATS)
def test_products(rng, dtype, tier):
    tol = dict(rtol=1e-4, atol=1e-4) if dtype == np.float32 else dict(rtol=1e-11, atol=1e-11)
    for m, k, n in [(32, 10, 5), (1, 7, 3), (17, 33, 9), (64, 64, 64)]:
        a, b = view(rng, (m, k), dtype), view(rng, (k, n), dtype)
        np.testing.assert_allclose(nk.matmul(a, b), a @ b, **tol)
        np.testing.assert_allclose(nk.matmul(a.T.copy().T, b.T.T), a @ b, **tol)
        np.testing.assert_allclose(nk.gemm(a, b), a @ b, **tol)
        c = view(rng, (m, n), dtype)
        want = 2 * (a @ b) + 0.5 * c
        assert nk.gemm(a, b, out=c, alpha=2.0, beta=0.5) is c
        np.testing.assert_allclose(c, want, **tol)
        bias = view(rng, (n,), dtype)
        for act, f in [(None, lambda v: v), ("relu", lambda v: np.maximum(v, 0)),
                       ("sigmoid", lambda v: 1 / (1 + np.exp(-v))), ("tanh", np.tanh)]:
            np.testing.assert_allclose(nk.linear(a, b, bias, act), f(a @ b + bias), **tol)
        np.testing.assert_allclose(nk.linear(a, b), np.maximum(a @ b, 0), **tol)  # ReLU by default
        x = view(rng, (k,), dtype)
        np.testing.assert_allclose(nk.gemv(a, x), a @ x, **tol)
        np.testing.assert_allclose(nk.matmul(a, x), a @ x, **tol)
        y = view(rng, (k,), dtype)
        np.testing.assert_allclose(nk.dot(x, y), np.dot(x.astype(np.float64), y), **tol)
        y0 = y.copy()
        nk.axpy(3.0, x, y)
        np.testing.assert_allclose(y, y0 + 3 * x, **tol)
    batch_a, batch_b = view(rng, (3, 4, 5), dtype), view(rng, (5, 2), dtype)
    np.testing.assert_allclose(nk.matmul(batch_a, batch_b), batch_a @ batch_b, **tol)


REDUCTIONS = {
    "sum": np.sum, "prod": np.prod, "mean": np.mean, "min": np.min, "max": np.max, "ptp": np.ptp,
    "nansum": np.nansum, "nanmean": np.nanmean, "nanmin": np.nanmin, "nanmax": np.nanmax,
    "norm_l1": lambda x, axis, keepdims: np.sum(np.abs(x), axis=axis, keepdims=keepdims),
    "norm_l2": lambda x, axis, keepdims: np.sqrt(np.sum(np.square(x.astype(np.float64)), axis=axis, keepdims=keepdims)),
    "norm_max": lambda x, axis, keepdims: np.max(np.abs(x), axis=axis, keepdims=keepdims),
    "logsumexp": lambda x, axis, keepdims: np.log(np.sum(np.exp(x.astype(np.float64)), axis=axis, keepdims=keepdims)),
    "any": np.any, "all": np.all,
    "count_nonzero": lambda x, axis, keepdims: np.count_nonzero(x, axis=axis, keepdims=keepdims),
}


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@pytest.mark.parametrize("dtype", FLOATS)
def test_reductions(rng, name, dtype, tier):
    tol = dict(rtol=1e-5, atol=1e-5) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-12)
    for axis in [None, 0, -1, (0, 2), (1,)]:
        for keepdims in (False, True):
            x = view(rng, (4, 5, 3), dtype, broadcast=True, low=0.5, high=1.5)
            if name.startswith("nan"):
                x = x.copy()
                x[1, 2, 0] = np.nan
            want = REDUCTIONS[name](x, axis=axis, keepdims=keepdims)
            got = getattr(nk, name)(x, axis=axis, keepdims=keepdims)
            assert np.shape(got) == np.shape(want), (name, axis, keepdims)
            np.testing.assert_allclose(got, want, **tol)
            if np.ndim(want):
                out = np.empty(np.shape(want), np.asarray(got).dtype)
                assert getattr(nk, name)(x, axis=axis, keepdims=keepdims, out=out) is out
                np.testing.assert_allclose(out, want, **tol)


@pytest.mark.parametrize("dtype", FLOATS)
def test_var_std_ddof_and_args(rng, dtype):
    # A broadcast column is constant: numkern's variance is exactly 0, NumPy's a few ulp of noise.
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-13)
    x = view(rng, (6, 8), dtype, broadcast=True)
    for ddof in (0, 1):
        for axis in (None, 0, 1):
            np.testing.assert_allclose(nk.var(x, axis=axis, ddof=ddof), np.var(x, axis=axis, ddof=ddof), **tol)
            np.testing.assert_allclose(nk.std(x, axis=axis, ddof=ddof), np.std(x, axis=axis, ddof=ddof), **tol)
    x = view(rng, (6, 8), dtype)
    for axis in (None, 0, 1):
        np.testing.assert_array_equal(nk.argmax(x, axis=axis), np.argmax(x, axis=axis))
        np.testing.assert_array_equal(nk.argmin(x, axis=axis), np.argmin(x, axis=axis))
    assert isinstance(nk.sum(x), dtype)
    assert nk.sum(x, dtype=np.float64).dtype == np.float64
    ints = view(rng, (5, 4), np.int32)
    assert nk.sum(ints) == np.sum(ints) and nk.sum(ints).dtype == np.int64
    np.testing.assert_allclose(nk.mean(ints, axis=0), np.mean(ints, axis=0))


@pytest.mark.parametrize("dtype", FLOATS)
def test_softmax(rng, dtype, tier):
    tol = dict(rtol=1e-5, atol=1e-7) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-15)
    for axis in (-1, 0):
        x = view(rng, (7, 10), dtype, broadcast=True)
        e = np.exp(x - x.max(axis=axis, keepdims=True))
        want = e / e.sum(axis=axis, keepdims=True)
        np.testing.assert_allclose(nk.softmax(x, axis=axis), want, **tol)
        np.testing.assert_allclose(nk.log_softmax(x, axis=axis), np.log(want), **tol)
    masked = np.full((2, 3), -np.inf, dtype)
    assert np.isnan(nk.softmax(masked)).all()
    np.testing.assert_array_equal(nk.softmax(masked, masked_rows="zero"), 0)


@pytest.mark.parametrize("dtype", FLOATS)
def test_losses(rng, dtype):
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-13)
    a, b = view(rng, (9, 4), dtype, broadcast=True), view(rng, (4,), dtype)
    for axis in (None, 0, 1):
        np.testing.assert_allclose(nk.mse(a, b, axis=axis), np.mean((a - b) ** 2, axis=axis), **tol)
        np.testing.assert_allclose(nk.rmse(a, b, axis=axis), np.sqrt(np.mean((a - b) ** 2, axis=axis)), **tol)
        np.testing.assert_allclose(nk.mae(a, b, axis=axis), np.mean(np.abs(a - b), axis=axis), **tol)
    logits = view(rng, (12, 5), dtype)
    labels = rng.integers(0, 5, 12)
    lse = np.log(np.exp(logits.astype(np.float64)).sum(axis=1))
    per_row = lse - logits[np.arange(12), labels]
    np.testing.assert_allclose(nk.cross_entropy(logits, labels, reduction="none"), per_row, **tol)
    np.testing.assert_allclose(nk.cross_entropy(logits, labels), per_row.mean(), **tol)
    np.testing.assert_allclose(nk.cross_entropy(logits, labels, reduction="sum"), per_row.sum(), **tol)
    np.testing.assert_allclose(nk.cross_entropy(logits.T, labels, axis=0), per_row.mean(), **tol)
    weights = np.linspace(0.5, 1.5, 5).astype(dtype)
    w = weights[labels]
    np.testing.assert_allclose(nk.cross_entropy(logits, labels, weights=weights), (w * per_row).sum() / w.sum(), **tol)
    assert nk.accuracy(logits, labels) == np.mean(labels == np.argmax(logits, axis=1))
    z, y = view(rng, (6, 3), dtype), rng.integers(0, 2, (6, 3)).astype(dtype)
    bce = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z.astype(np.float64))))
    np.testing.assert_allclose(nk.binary_cross_entropy_with_logits(z, y, reduction="none"), bce, **tol)
    np.testing.assert_allclose(nk.binary_cross_entropy_with_logits(z, y), bce.mean(), **tol)


@pytest.mark.parametrize("dtype", FLOATS)
def test_normalization(rng, dtype):
    tol = dict(rtol=1e-4, atol=1e-5) if dtype == np.float32 else dict(rtol=1e-11, atol=1e-12)
    x = view(rng, (10, 6), dtype, broadcast=False)
    np.testing.assert_allclose(nk.standardize(x, axis=0), (x - x.mean(axis=0)) / x.std(axis=0), **tol)
    mean, std = x.mean(axis=0), x.std(axis=0)
    np.testing.assert_allclose(nk.standardize_with(x, mean, std), (x - mean) / std, **tol)
    g, b = view(rng, (6,), dtype), view(rng, (6,), dtype)
    mu, var = x.mean(axis=-1, keepdims=True), x.var(axis=-1, keepdims=True)
    np.testing.assert_allclose(nk.layer_norm(x, 1, g, b, eps=1e-5), (x - mu) / np.sqrt(var + 1e-5) * g + b, **tol)
    np.testing.assert_allclose(nk.layer_norm(x), (x - mu) / np.sqrt(var + 1e-5), **tol)
    ms = np.mean(x.astype(np.float64) ** 2, axis=-1, keepdims=True)
    np.testing.assert_allclose(nk.rms_norm(x, 1, g, eps=1e-6), x / np.sqrt(ms + 1e-6) * g, **tol)
    np.testing.assert_allclose(nk.rms_norm(x), x / np.sqrt(ms + 1e-6), **tol)


def test_runtime_controls():
    assert nk.version() == nk.__version__
    assert nk.get_isa() in ("portable", "neon", "avx2", "avx512")
    best = nk.detected_isa()
    nk.set_isa("portable")
    try:
        assert nk.get_isa() == "portable"
        np.testing.assert_allclose(nk.exp(np.ones(3)), np.e)
    finally:
        nk.set_isa(best)
    assert nk.get_isa() == best
    with pytest.raises(ValueError):
        nk.set_isa("sse9")
    n = nk.get_num_threads()
    nk.set_num_threads(1)
    assert nk.get_num_threads() == 1
    nk.set_num_threads(n)
    assert nk.broadcast_shapes((3, 1), (4,), (2, 1, 1)) == (2, 3, 4)
