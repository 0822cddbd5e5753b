"""numkern.Generator: seeded fills against the documented word layout's
properties, NumPy-shaped results, determinism, and errors in NumPy's words."""

import numpy as np
import pytest

import numkern as nk


def test_same_seed_same_values_any_layout_and_threads():
    a = nk.Generator(7).standard_normal((100, 5), dtype=np.float32)
    f = np.empty((5, 100), np.float32).T  # a Fortran-ordered (100, 5) view
    nk.Generator(7).standard_normal(out=f)
    assert np.array_equal(a, f)
    old = nk.get_num_threads()
    try:
        big = []
        for t in (1, 2, 3):
            nk.set_num_threads(t)
            big.append(nk.Generator(1).random(300_000, dtype=np.float32))
        assert all(np.array_equal(big[0], b) for b in big[1:])
    finally:
        nk.set_num_threads(old)


def test_offsets_continue_a_stream():
    whole = nk.Generator.fill_normal(np.empty(1000), 3, 9, 0)
    parts = np.empty(1000)
    nk.Generator.fill_normal(parts[:333], 3, 9, 0)
    nk.Generator.fill_normal(parts[333:], 3, 9, 333)
    assert np.array_equal(whole, parts)


def test_calls_draw_fresh_values_and_shapes_match_numpy():
    g = nk.default_rng(0)
    a, b = g.random(1000), g.random(1000)
    assert not np.array_equal(a, b)
    assert g.random().shape == () and isinstance(g.random(), np.floating)
    x = g.integers(0, 256, (8, 28, 28, 3))
    assert x.shape == (8, 28, 28, 3) and x.dtype == np.int64 and x.min() >= 0 and x.max() <= 255
    assert set(np.unique(g.integers(5, size=10_000))) == {0, 1, 2, 3, 4}
    n = g.normal(3.0, 0.5, 200_000)
    assert abs(n.mean() - 3.0) < 0.01 and abs(n.std() - 0.5) < 0.01
    u = g.uniform(-2, 2, 200_000, dtype=np.float32)
    assert u.dtype == np.float32 and u.min() >= -2 and u.max() < 2
    m = g.bernoulli(0.25, 100_000)
    assert m.dtype == np.uint8 and abs(m.mean() - 0.25) < 0.01


def test_permutation_and_shuffle():
    g = nk.Generator(5)
    p = g.permutation(1000)
    assert np.array_equal(np.sort(p), np.arange(1000))
    x = np.arange(60.0).reshape(6, 10)
    y = nk.Generator(9).permutation(x, axis=1)
    assert np.array_equal(np.sort(y, axis=1), x) and not np.array_equal(y, x)
    # shuffle on a stream equals indexing by the permutation on that stream.
    z = x.copy()
    nk.Generator(2).shuffle(z, axis=1)
    perm = nk.Generator(2).permutation(10)  # call 0 of the same generator
    assert np.array_equal(z, x[:, perm])


def test_errors():
    g = nk.Generator(0)
    with pytest.raises(ValueError, match="low >= high"):
        g.integers(5, 5, 3)
    with pytest.raises(ValueError, match="out of bounds for uint8"):
        g.integers(0, 257, 3, dtype=np.uint8)
    with pytest.raises(ValueError, match="scale=-1"):
        g.normal(0, -1, 3)
    with pytest.raises(ValueError, match="p < 0, p > 1 or p is nan"):
        g.bernoulli(1.5, 3)
    with pytest.raises(TypeError, match="float32 or float64"):
        g.random(3, dtype=np.int32)
    out = np.full(3, 7.0)
    with pytest.raises(ValueError):
        g.uniform(1, 0, out=out)
    assert np.all(out == 7.0)
    with pytest.raises(np.exceptions.AxisError):
        g.shuffle(np.zeros((2, 2)), axis=2)
