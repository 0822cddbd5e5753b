"""Creation against NumPy: zeros, ones, full, eye, identity, arange, linspace, tril, triu."""

import numpy as np
import pytest

import numkern as nk
from conftest import view


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64, np.uint8])
def test_fill_and_eye(dtype):
    np.testing.assert_array_equal(nk.zeros((3, 4), dtype), np.zeros((3, 4), dtype))
    np.testing.assert_array_equal(nk.ones((2, 5), dtype), np.ones((2, 5), dtype))
    np.testing.assert_array_equal(nk.full((2, 3), 7, dtype), np.full((2, 3), 7, dtype))
    for n, m, k in [(3, None, 0), (4, 6, 2), (5, 3, -1), (3, 3, 5), (0, 2, 0)]:
        np.testing.assert_array_equal(nk.eye(n, m, k, dtype), np.eye(n, m, k, dtype))
    np.testing.assert_array_equal(nk.identity(4, dtype), np.identity(4, dtype))


def test_fill_into_views(rng):
    out = view(rng, (5, 6), np.float64)
    nk.full(None, 2.5, out=out)
    assert (out == 2.5).all()
    nk.eye(5, 6, 1, out=out)
    np.testing.assert_array_equal(out, np.eye(5, 6, 1))


def test_arange_and_linspace():
    for args in [(10,), (3, 17, 4), (5, -3, -2), (0.0, 1.0, 0.3), (1, 2, 0.1)]:
        got, want = nk.arange(*args), np.arange(*args)
        assert got.dtype == want.dtype and got.shape == want.shape
        # numkern: start + i * step; NumPy: start + i * ((start + step) - start).
        np.testing.assert_allclose(got, want, rtol=1e-15)
        if len(args) == 3:
            np.testing.assert_array_equal(got, args[0] + np.arange(len(got)) * args[2])
    for num, endpoint in [(50, True), (7, False), (1, True), (0, True), (2, False)]:
        for dtype in (np.float32, np.float64):
            np.testing.assert_array_equal(nk.linspace(-1.5, 2.25, num, endpoint, dtype),
                                          np.linspace(-1.5, 2.25, num, endpoint=endpoint, dtype=dtype))
    assert nk.linspace(0.1, 0.7, 13)[-1] == 0.7


def test_triangles(rng):
    for dtype in (np.float64, np.int32, np.uint8):
        x = view(rng, (2, 5, 7), dtype)
        for k in (-3, -1, 0, 2, 8):
            np.testing.assert_array_equal(nk.tril(x, k), np.tril(x, k))
            np.testing.assert_array_equal(nk.triu(x, k), np.triu(x, k))
    y = np.arange(12.0).reshape(3, 4)
    nk.triu(y, 1, out=y)
    np.testing.assert_array_equal(y, np.triu(np.arange(12.0).reshape(3, 4), 1))


def test_creation_errors():
    out = np.full(3, 7.0)
    with pytest.raises(nk.ShapeError, match="must be 2-D"):
        nk.eye(3, out=out)
    with pytest.raises(nk.InvalidArgumentError, match="integer start and step"):
        nk.arange(0, 3, 0.5, dtype=np.int64)
    with pytest.raises(nk.DTypeError):
        nk.linspace(0, 1, 3, dtype=np.int32)
    with pytest.raises(ValueError, match="step cannot be zero"):
        nk.arange(0, 3, 0)
    assert (out == 7.0).all()
