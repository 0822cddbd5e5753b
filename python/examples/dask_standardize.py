"""numkern inside Dask: standardize and softmax a chunked array, block by
block, on a LocalCluster of 2 worker processes with 1 numkern thread each.

Each worker process imports numkern (the package must be installed on every
worker, as any Python dependency of a Dask graph) and is told to use one
thread, so two workers on two cores do not oversubscribe them: numkern
threads per worker = cores per worker. The result equals the single-process
numkern result (and NumPy's) exactly where the per-block work is the same.

    python python/examples/dask_standardize.py
"""

import numpy as np


def limit_numkern_threads(n):
    import numkern

    numkern.set_num_threads(n)
    return numkern.get_num_threads()


def standardize_rows(block):
    """Each row to mean 0, std 1 over its features (the block holds whole rows)."""
    import numkern

    return numkern.standardize(block, axis=1)


def softmax_rows(block):
    import numkern

    return numkern.softmax(block, axis=1)


def run(client, x, chunk_rows=2_000):
    import dask.array as da

    blocks = da.from_array(x, chunks=(chunk_rows, x.shape[1]))
    standardized = blocks.map_blocks(standardize_rows, dtype=x.dtype)
    probabilities = standardized.map_blocks(softmax_rows, dtype=x.dtype)
    return client.compute([standardized, probabilities], sync=True)


def main(rows=20_000, features=64):
    import numkern
    from distributed import Client, LocalCluster

    x = np.random.default_rng(0).standard_normal((rows, features)).astype(np.float32) * 3 + 1
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        threads = client.run(limit_numkern_threads, 1)
        standardized, probabilities = run(client, x)
    local = numkern.standardize(x, axis=1)
    assert np.array_equal(standardized, local), "Dask result differs from the single-process one"
    assert np.array_equal(probabilities, numkern.softmax(local, axis=1))
    print(f"numkern threads per worker: {sorted(threads.values())}")
    print(f"standardized {x.shape} in blocks of 2000 rows on 2 workers: equal to the single-process result")
    print(f"row means ~0: {float(np.abs(standardized.mean(axis=1)).max()):.2e}, "
          f"softmax rows sum to 1: {float(np.abs(probabilities.sum(axis=1) - 1).max()):.2e}")


if __name__ == "__main__":
    main()
