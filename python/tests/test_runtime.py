"""The GIL is released, threadpoolctl drives numkern's pool, a forked child
computes correctly, and DLPack tensors go in zero-copy."""

import os
import threading
import time

import numpy as np
import pytest

import numkern as nk


def test_gil_released_two_threads_progress_at_once():
    """While one thread is inside a long numkern call, another thread runs
    Python code: with the GIL held it could not take a single step."""
    x = np.random.default_rng(0).random(40_000_000, dtype=np.float32)
    nk.set_num_threads(1)
    started = threading.Event()
    steps_during_call = []

    def long_call():
        started.set()
        for _ in range(3):
            nk.exp(x, out=x)
        done.set()

    done = threading.Event()
    worker = threading.Thread(target=long_call)
    try:
        worker.start()
        started.wait()
        steps = 0
        while not done.is_set():
            steps += 1
            time.sleep(0)
        steps_during_call.append(steps)
        worker.join()
    finally:
        nk.set_num_threads(0)
    assert steps_during_call[0] > 100


def test_python_threads_run_calls_in_parallel():
    """Two threads each run numkern calls; both results are correct."""
    rng = np.random.default_rng(1)
    inputs = [rng.random((300, 400)) for _ in range(2)]
    results = [None, None]

    def work(i):
        for _ in range(20):
            results[i] = nk.sum(nk.tanh(inputs[i]), axis=0)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i in range(2):
        np.testing.assert_allclose(results[i], np.tanh(inputs[i]).sum(axis=0), rtol=1e-12)


def test_set_and_get_num_threads():
    nk.set_num_threads(3)
    assert nk.get_num_threads() == 3
    nk.set_num_threads(0)
    assert nk.get_num_threads() >= 1
    with pytest.raises(nk.InvalidArgumentError):
        nk.set_num_threads(-1)


def test_threadpoolctl_limits_numkern():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    nk.set_num_threads(4)
    try:
        info = [i for i in threadpoolctl.threadpool_info() if i["internal_api"] == "numkern"]
        assert len(info) == 1 and info[0]["num_threads"] == 4 and info[0]["version"] == nk.__version__
        with threadpoolctl.threadpool_limits(1):
            assert nk.get_num_threads() == 1
        assert nk.get_num_threads() == 4
        with threadpoolctl.threadpool_limits(limits=2, user_api="numkern"):
            assert nk.get_num_threads() == 2
        assert nk.get_num_threads() == 4
    finally:
        nk.set_num_threads(0)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_forked_child_gets_correct_results():
    x = np.random.default_rng(2).random((2000, 500))
    nk.set_num_threads(2)
    want = nk.sum(x, axis=0)  # the pool exists before the fork
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        try:
            got = nk.sum(x, axis=0)
            ok = np.array_equal(got, want) and np.allclose(nk.matmul(x[:50], x[:50].T), x[:50] @ x[:50].T)
            os.write(write, b"ok" if ok else b"wrong")
        finally:
            os._exit(0)
    os.close(write)
    answer = os.read(read, 16)
    os.waitpid(pid, 0)
    nk.set_num_threads(0)
    assert answer == b"ok"


class Tensor:
    """A DLPack producer standing in for a PyTorch tensor: on the CPU by
    default, or on another device (as a CUDA tensor would say)."""

    def __init__(self, array, device=None):
        self.array, self.device = array, device

    def __dlpack__(self, **kwargs):
        return self.array.__dlpack__(**kwargs)

    def __dlpack_device__(self):
        return self.device or self.array.__dlpack_device__()


def test_dlpack_in_and_out_zero_copy():
    x = np.linspace(-1, 1, 12).reshape(3, 4)[:, ::2]  # strided
    out = np.zeros((3, 2))
    nk.exp(Tensor(x), out=Tensor(out))
    np.testing.assert_allclose(out, np.exp(x))  # written in place: no copy
    assert nk.sum(Tensor(x)) == pytest.approx(x.sum())


def test_dlpack_errors():
    with pytest.raises(ValueError, match="device"):
        nk.exp(Tensor(np.ones(3), device=(2, 0)))  # kDLCUDA
    read_only = np.zeros(3)
    read_only.flags.writeable = False
    with pytest.raises((ValueError, BufferError)):
        nk.exp(np.ones(3), out=Tensor(read_only))


def test_torch_tensors_if_installed():
    torch = pytest.importorskip("torch")
    t = torch.linspace(-1, 1, 10)
    out = torch.empty(10)
    nk.sigmoid(t, out=out)
    assert torch.allclose(out, torch.sigmoid(t))
