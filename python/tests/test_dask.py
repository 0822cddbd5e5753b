"""numkern in Dask's map_blocks on a 2-process LocalCluster, 1 numkern
thread per worker, equal to the single-process result."""

import sys
from pathlib import Path

import numpy as np
import pytest

import numkern as nk

distributed = pytest.importorskip("distributed")
pytest.importorskip("dask.array")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
import dask_standardize  # noqa: E402


def test_map_blocks_on_a_local_cluster_equals_single_process():
    x = np.random.default_rng(1).standard_normal((6_000, 48)) * 2 - 3
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        threads = client.run(dask_standardize.limit_numkern_threads, 1)
        assert sorted(threads.values()) == [1, 1]
        pids = client.run(lambda: __import__("os").getpid())
        assert len(set(pids.values())) == 2  # two worker processes
        standardized, probabilities = dask_standardize.run(client, x, chunk_rows=1_000)
    local = nk.standardize(x, axis=1)
    np.testing.assert_array_equal(standardized, local)
    np.testing.assert_array_equal(probabilities, nk.softmax(local, axis=1))
    np.testing.assert_allclose(standardized, (x - x.mean(axis=1, keepdims=True)) / x.std(axis=1, keepdims=True),
                               rtol=1e-12, atol=1e-12)
