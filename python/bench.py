"""numkern (through the Python package) and NumPy side by side, in one run.

    python python/bench.py [--threads N] [--quick]

Each case times both libraries interleaved (numkern, NumPy, numkern, ...),
and prints the medians and NumPy time / numkern time (> 1: numkern is
faster). NumPy's OpenBLAS is held to the same thread count (threadpoolctl);
with more than one thread, the products run numkern's repeats and then
NumPy's, since an OpenBLAS pool spinning between calls would take numkern's
second core.
The first table is the per-call overhead of the Python layer: a numkern call
on 5 float32 minus the same C call with ready descriptors, beside NumPy's
whole call.
"""

import argparse
import os
import sys
import time
import timeit

import numpy as np

# This file sits beside the package's sources, which lack the built library:
# import the installed package (`pip install .`), not the folder.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]

import numkern as nk  # noqa: E402
from numkern import _core  # noqa: E402


def median_pair(fn_a, fn_b, repeat, number, separate=False):
    """Medians of both, interleaved (a, b, a, b, ...), or with `separate` all
    of a, a pause, then all of b: OpenBLAS's threads spin for a while after
    each call and would take the core numkern's second thread needs."""
    ta, tb = [], []

    def run(fn, acc):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        acc.append((time.perf_counter() - t0) / number)

    if separate:
        time.sleep(0.2)
        for _ in range(repeat):
            run(fn_a, ta)
        time.sleep(0.2)
        for _ in range(repeat):
            run(fn_b, tb)
    else:
        for _ in range(repeat):
            run(fn_a, ta)
            run(fn_b, tb)
    return float(np.median(ta)), float(np.median(tb))


def fmt(seconds):
    if seconds < 1e-6:
        return f"{seconds * 1e9:7.0f} ns"
    if seconds < 1e-3:
        return f"{seconds * 1e6:7.2f} us"
    return f"{seconds * 1e3:7.2f} ms"


def overhead_table():
    a, b = np.ones(5, np.float32), np.ones(5, np.float32)
    out = np.empty(5, np.float32)
    d = _core.descriptors(a, b, out)
    cases = [
        ("add, 5 f32", lambda: nk.add(a, b), lambda: _core.lib.numkern_add(d[0], d[1], d[2]), lambda: np.add(a, b)),
        ("add, 5 f32, out=", lambda: nk.add(a, b, out=out), lambda: _core.lib.numkern_add(d[0], d[1], d[2]),
         lambda: np.add(a, b, out=out)),
        ("exp, 5 f32", lambda: nk.exp(a), lambda: _core.lib.numkern_exp(d[0], d[2]), lambda: np.exp(a)),
    ]
    print("Per-call cost, small contiguous arrays (best of 7 x 20000 calls)")
    print(f"{'call':22s} {'numkern':>10s} {'C alone':>10s} {'Python layer':>13s} {'NumPy call':>11s}")
    for name, py_call, c_call, np_call in cases:
        best = [min(timeit.repeat(f, number=20000, repeat=7)) / 20000 for f in (py_call, c_call, np_call)]
        print(f"{name:22s} {fmt(best[0])} {fmt(best[1])} {fmt(best[0] - best[1]):>13s} {fmt(best[2])}")
    print()


def cases(quick):
    rng = np.random.default_rng(0)
    n = 1_000_000 if quick else 16_000_000
    v32 = rng.standard_normal(n).astype(np.float32)
    out32 = np.empty_like(v32)
    sq = 2048 if quick else 4096
    m32 = rng.standard_normal((sq, sq)).astype(np.float32)
    m64 = rng.standard_normal((sq, sq))
    m_out = np.empty((sq, sq), np.float32)
    x32, bias = rng.standard_normal((32, 5)).astype(np.float32), rng.standard_normal(5).astype(np.float32)
    big, big_bias = rng.standard_normal((4096, 1000)).astype(np.float32), rng.standard_normal(1000).astype(np.float32)
    big_out = np.empty_like(big)
    labels = rng.integers(0, 1000, 4096)
    yield "add (32,5) + (5,) f32", lambda: nk.add(x32, bias), lambda: np.add(x32, bias)
    yield "add (4096,1000) + (1000,) f32, out=", lambda: nk.add(big, big_bias, out=big_out), \
        lambda: np.add(big, big_bias, out=big_out)
    yield f"exp f32 {n:.2g}", lambda: nk.exp(v32, out=out32), lambda: np.exp(v32, out=out32)
    yield f"tanh f32 {n:.2g}", lambda: nk.tanh(v32, out=out32), lambda: np.tanh(v32, out=out32)
    yield f"sigmoid f32 {n:.2g} vs 1/(1+np.exp(-x))", lambda: nk.sigmoid(v32, out=out32), \
        lambda: 1 / (1 + np.exp(-v32))
    yield f"transposing copy f32 {sq}^2", lambda: nk.copyto(m_out, m32.T), lambda: np.copyto(m_out, m32.T)
    yield f"astype f64->f32 {sq}^2", lambda: nk.copyto(m_out, m64), lambda: np.copyto(m_out, m64)
    for (m, k, nn) in [(32, 10, 5), (256, 256, 256), (1024, 1024, 1024)]:
        for dt in (np.float32, np.float64):
            a, b = rng.standard_normal((m, k)).astype(dt), rng.standard_normal((k, nn)).astype(dt)
            c = np.empty((m, nn), dt)
            yield f"matmul {m}x{k}x{nn} {np.dtype(dt).name}", \
                (lambda a=a, b=b, c=c: nk.matmul(a, b, out=c)), (lambda a=a, b=b, c=c: np.matmul(a, b, out=c))
    w, b5 = rng.standard_normal((10, 5)).astype(np.float32), rng.standard_normal(5).astype(np.float32)
    x10 = rng.standard_normal((32, 10)).astype(np.float32)
    yield "linear 32x10x5 + sigmoid f32", lambda: nk.linear(x10, w, b5, "sigmoid"), \
        lambda: 1 / (1 + np.exp(-(x10 @ w + b5)))
    yield f"sum f32 {n:.2g}", lambda: nk.sum(v32), lambda: np.sum(v32)
    yield f"sum f32 {sq}^2 axis 0", lambda: nk.sum(m32, axis=0), lambda: np.sum(m32, axis=0)
    yield f"sum f32 {sq}^2 axis 1", lambda: nk.sum(m32, axis=1), lambda: np.sum(m32, axis=1)
    yield f"mean f32 {sq}^2 axis 0", lambda: nk.mean(m32, axis=0), lambda: np.mean(m32, axis=0)
    yield f"std f32 {n:.2g}", lambda: nk.std(v32), lambda: np.std(v32)
    yield f"std f32 {sq}^2 axis 0", lambda: nk.std(m32, axis=0), lambda: np.std(m32, axis=0)
    yield f"max f32 {sq}^2 axis 1", lambda: nk.max(m32, axis=1), lambda: np.max(m32, axis=1)
    yield f"argmax f32 {sq}^2 axis 0", lambda: nk.argmax(m32, axis=0), lambda: np.argmax(m32, axis=0)
    yield f"norm_l2 f32 {n:.2g}", lambda: nk.norm_l2(v32), lambda: np.linalg.norm(v32)

    def np_softmax(x):
        e = np.exp(x - x.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    yield "softmax (4096,1000) f32", lambda: nk.softmax(big, out=big_out), lambda: np_softmax(big)
    yield "softmax (32,10) f32", lambda: nk.softmax(x10), lambda: np_softmax(x10)

    def np_cross_entropy(z, y):
        p = np_softmax(z)
        return -np.mean(np.log(np.clip(p[np.arange(len(y)), y], 1e-15, 1)))

    yield "cross-entropy (4096,1000) f32", lambda: nk.cross_entropy(big, labels), lambda: np_cross_entropy(big, labels)
    yield "standardize (4096,1000) f32 axis 0", lambda: nk.standardize(big, axis=0, out=big_out), \
        lambda: (big - big.mean(axis=0)) / big.std(axis=0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    args = parser.parse_args()
    nk.set_num_threads(args.threads)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=args.threads, user_api="blas"):
        print(f"numkern {nk.__version__} ({nk.get_isa()}, {nk.get_num_threads()} thread(s)) vs NumPy "
              f"{np.__version__}, same thread count\n")
        overhead_table()
        print(f"{'case':44s} {'numkern':>10s} {'NumPy':>10s}  ratio")
        for name, ours, theirs in cases(args.quick):
            one = min(timeit.repeat(ours, number=1, repeat=2))
            number = max(1, int(0.02 / max(one, 1e-7)))
            repeat = 5 if args.quick else 9
            # Products at 2+ threads: separate runs (the BLAS pool spins between calls).
            separate = args.threads > 1 and name.startswith("matmul")
            a, b = median_pair(ours, theirs, repeat, number, separate)
            print(f"{name:44s} {fmt(a)} {fmt(b)}  {b / a:5.2f}x", flush=True)


if __name__ == "__main__":
    main()
