"""take, gather, put, mask_select, compress and nonzero against NumPy, on the seed's cells."""

import numpy as np
import pytest

import numkern as nk


@pytest.mark.parametrize("mode", ["raise", "wrap", "clip"])
def test_take_matches_numpy(mode, rng):
    x = rng.standard_normal((6, 7, 3))[::-1, 1::2]
    idx = rng.integers(-9 if mode != "raise" else -3, 9 if mode != "raise" else 3, (2, 5)).astype(np.int32)
    for axis in (0, 1, -1):
        assert np.array_equal(nk.take(x, idx, axis, mode=mode), np.take(x, idx, axis, mode=mode))


def test_take_error_names_the_index_and_axis():
    with pytest.raises(ValueError, match="index 10 is out of bounds for axis 0 with size 5"):
        nk.take(np.zeros(5), [1, 10])
    out = np.full(2, -1.0)
    with pytest.raises(ValueError):
        nk.take(np.zeros(5), [1, 10], out=out)
    assert np.all(out == -1.0)


def test_gather_matches_numpy_fancy_indexing(rng):
    x = np.arange(1, 13).reshape(4, 3)
    assert np.array_equal(nk.gather(x, ([0, 1, 2], [0, 2, 1])), [1, 6, 8])
    y = rng.standard_normal((5, 6, 4))[:, ::-2]
    rows = rng.integers(-5, 5, (2, 1)).astype(np.int32)
    cols = rng.integers(0, 3, (4,))
    assert np.array_equal(nk.gather(y, (rows, cols)), y[rows, cols])
    assert np.array_equal(nk.gather(y, rows), y[rows])
    with pytest.raises(nk.ShapeError, match=r"indexing arrays could not be broadcast together with shapes \(3,\) \(2,\)"):
        nk.gather(x, ([0, 1, 2], [0, 1]))
    with pytest.raises(ValueError, match="index 3 is out of bounds for axis 1 with size 3"):
        nk.gather(x, ([0, 1], [0, 3]))


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_put_matches_numpy_assignment(axis, rng):
    a = rng.standard_normal((5, 6, 4))
    want = a.copy()
    idx = np.array([3, -1, 0, 3])  # 3 repeats: the last value wins, as NumPy's
    vshape = list(a.shape)
    vshape[axis] = len(idx)
    values = rng.standard_normal(vshape)
    index = [slice(None)] * 3
    index[axis] = idx
    want[tuple(index)] = values
    assert nk.put(a, idx, values, axis=axis) is a
    assert np.array_equal(a, want)
    b = np.zeros(4, np.int64)
    nk.put(b, [0, 2], 7)
    assert np.array_equal(b, [7, 0, 7, 0])
    with pytest.raises(ValueError, match="index 4 is out of bounds"):
        nk.put(b, [1, 4], [5, 5])
    assert np.array_equal(b, [7, 0, 7, 0])


def test_seed_indexing_cells(rng):
    scores = np.array([78, 92, 85, 64, 95, 88, 71, 90], dtype=np.float64)
    assert np.array_equal(nk.mask_select(scores, scores > 85), scores[scores > 85])
    band = (scores >= 80) & (scores <= 90)
    assert np.array_equal(nk.mask_select(scores, band), scores[band])
    names = np.array([b"ana", b"bo", b"cy", b"di", b"ed", b"fu", b"gi", b"ho"], dtype="S3").view(np.uint8).reshape(8, 3)
    high = scores > 85
    assert np.array_equal(nk.mask_select(names, high), names[high])
    x = rng.standard_normal((1000, 5))
    rows = rng.random(1000) < 0.3
    assert np.array_equal(nk.compress(rows, x, axis=0), x[rows])
    assert np.array_equal(nk.compress(np.array([1, 0, 1, 1, 0], bool), x, axis=1), x[:, [0, 2, 3]])
    m = rng.random((4, 5, 6)) < 0.4
    for got, want in zip(nk.nonzero(m), np.nonzero(m)):
        assert np.array_equal(got, want)
    # The seeded 80/20 split by permutation and take.
    perm = nk.Generator(42).permutation(1000)
    train, val = nk.take(x, perm[:800]), nk.take(x, perm[800:])
    assert np.array_equal(np.sort(np.concatenate([train, val]), axis=0), np.sort(x, axis=0))
