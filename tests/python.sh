#!/usr/bin/env bash
# The Python package: `pip install .` (builds the wheel: libnumkern.so and
# the cffi module), then pytest over python/tests: every wrapper on random
# views against NumPy, error classes, GIL, threads, threadpoolctl, fork,
# DLPack, completeness, the seed tutorials, and the Dask LocalCluster test.
# NUMKERN_TEST_SEED=K shifts the random seeds for a longer search.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q --disable-pip-version-check ".[test]"
cd python/tests
python3 -m pytest -q -p no:cacheprovider
