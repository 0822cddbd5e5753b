"""Shared helpers: random arrays in random layouts (views never copied)."""

import os
import zlib

import numpy as np
import pytest


# NUMKERN_TEST_SEED shifts every test's seed (the default run is deterministic).
SEED_OFFSET = int(os.environ.get("NUMKERN_TEST_SEED", "0"))


def view(rng, shape, dtype=np.float32, broadcast=False, low=-3.0, high=3.0):
    """An array of `shape` whose memory layout is random: C or Fortran order,
    sliced with steps, reversed, or (inputs only) broadcast with stride 0."""
    shape = tuple(shape)
    kind = rng.integers(0, 5 if broadcast else 4)
    if np.dtype(dtype).kind == "f":
        make = lambda s: rng.uniform(low, high, s).astype(dtype)  # noqa: E731
    elif np.dtype(dtype).kind == "b":
        make = lambda s: rng.integers(0, 2, s).astype(bool)  # noqa: E731
    else:
        make = lambda s: rng.integers(-50, 50, s).astype(dtype)  # noqa: E731
    if kind == 0 or not shape:
        return make(shape)
    if kind == 1:  # Fortran order
        return np.asfortranarray(make(shape))
    if kind == 2:  # every other element of a larger array
        big = make(tuple(2 * n for n in shape))
        return big[tuple(slice(None, None, 2) for _ in shape)]
    if kind == 3:  # reversed along every axis
        return make(shape)[tuple(slice(None, None, -1) for _ in shape)]
    # broadcast: the first axis repeated from a single row
    row = make((1,) + shape[1:])
    return np.broadcast_to(row, shape)


def random_shape(rng, max_ndim=3, max_extent=9):
    return tuple(int(n) for n in rng.integers(1, max_extent + 1, rng.integers(1, max_ndim + 1)))


@pytest.fixture
def rng(request):
    return np.random.default_rng(zlib.crc32(request.node.name.encode()) + SEED_OFFSET)


@pytest.fixture(autouse=True)
def quiet_numpy_references():
    """NumPy's reference values may overflow (exp of large x) or be NaN (a
    negative base to a fractional power) where numkern's are the same."""
    with np.errstate(all="ignore"):
        yield


def _tiers():
    import numkern as nk

    best, found = nk.detected_isa(), []
    for name in ("portable", "neon", "avx2", "avx512"):
        try:
            nk.set_isa(name)
        except nk.Error:
            continue
        found.append(name)
    nk.set_isa(best)
    return found


TIERS = _tiers()


@pytest.fixture(params=TIERS)
def tier(request):
    """Runs the test on each SIMD tier this CPU has, then restores the best."""
    import numkern as nk

    nk.set_isa(request.param)
    yield request.param
    nk.set_isa(nk.detected_isa())
