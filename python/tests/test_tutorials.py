"""The seed tutorials' cells through numkern, each checked against NumPy."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
import seed_tutorials  # noqa: E402


@pytest.mark.parametrize("cell", seed_tutorials.CELLS, ids=lambda c: c.__name__)
def test_cell_matches_numpy(cell):
    results = cell()
    assert results
    for label, got, want in results:
        seed_tutorials.check(label, got, want)
