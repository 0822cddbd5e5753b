"""concatenate, stack, hstack, vstack and split against NumPy."""

import numpy as np
import pytest

import numkern as nk


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_concatenate_and_stack_match_numpy(axis, rng):
    batches = [rng.standard_normal((16, 10)) for _ in range(3)]
    views = [batches[0], batches[1][::-1], batches[2].T.copy().T]
    assert np.array_equal(nk.concatenate(views, axis), np.concatenate(views, axis))
    assert np.array_equal(nk.stack(views, axis), np.stack(views, axis))
    out = np.empty((16, 30), np.float32)
    nk.concatenate(views, 1, out=out)
    assert np.array_equal(out, np.concatenate(views, 1).astype(np.float32))


def test_hstack_vstack_and_the_seed_cells(rng):
    a, b = rng.standard_normal((100, 5)), rng.standard_normal((100, 3))
    assert np.array_equal(nk.hstack([a, b]), np.hstack([a, b]))
    assert nk.hstack([a, b]).shape == (100, 8)
    assert np.array_equal(nk.vstack([a, a]), np.vstack([a, a]))
    assert np.array_equal(nk.hstack([np.arange(3), np.arange(2)]), np.hstack([np.arange(3), np.arange(2)]))
    assert np.array_equal(nk.vstack([np.arange(3), np.arange(3)]), np.vstack([np.arange(3)] * 2))


def test_split_gives_views():
    x = np.arange(24.0).reshape(4, 6)
    for idx in ([2], [1, 4], [5, 2], [-2], 3):
        got, want = nk.split(x, idx, axis=1), np.split(x, idx, axis=1)
        assert len(got) == len(want)
        for g, w in zip(got, want):
            assert np.array_equal(g, w) and (g.size == 0 or np.shares_memory(g, x))


def test_errors_name_the_input():
    with pytest.raises(ValueError, match="the array at index 0 has size 3 and the array at index 1 has size 4"):
        nk.concatenate([np.zeros((2, 3)), np.zeros((2, 4))], axis=0)
    with pytest.raises(np.exceptions.AxisError):
        nk.concatenate([np.zeros((2, 3))], axis=2)
    out = np.full((2, 7), -1.0)
    with pytest.raises(ValueError):
        nk.concatenate([np.zeros((2, 3)), np.zeros((2, 3))], axis=1, out=out)
    assert np.all(out == -1.0)
