#!/usr/bin/env python3
"""numkern's reductions, softmax, losses and layer_norm against NumPy's forms
of the same work, in one run, interleaved: median seconds of each and the
ratio NumPy / numkern (> 1: numkern is faster).

numkern is called through its C ABI with ctypes (target/release/libnumkern.so:
`cargo build --release` first). NumPy comes from PyPI with its bundled
OpenBLAS, pinned to the same thread count with threadpoolctl (these NumPy
forms are single-threaded anyway).

    python3 benches/vs_numpy.py [--threads 1] [--reps 15] [--filter softmax]
"""
import argparse
import ctypes
import os
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAX_NDIM = 8
DTYPES = {np.dtype(np.float32): 0, np.dtype(np.float64): 1, np.dtype(np.int32): 2, np.dtype(np.int64): 3, np.dtype(np.uint8): 4}


class Desc(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("dtype", ctypes.c_int32), ("ndim", ctypes.c_int32),
                ("shape", ctypes.c_int64 * MAX_NDIM), ("strides", ctypes.c_int64 * MAX_NDIM)]


def desc(a):
    d = Desc()
    d.data = a.ctypes.data
    d.dtype = DTYPES[a.dtype]
    d.ndim = a.ndim
    for k in range(a.ndim):
        d.shape[k] = a.shape[k]
        d.strides[k] = a.strides[k] // a.itemsize
    return d


lib = ctypes.CDLL(os.path.join(ROOT, "target", "release", "libnumkern.so"))
P = ctypes.POINTER(Desc)
I64P = ctypes.POINTER(ctypes.c_int64)
# The reductions taking (x, axes, naxes, out), their NumPy forms and out dtypes.
OTHER_REDUCTIONS = [
    ("prod", np.prod, None), ("min", np.min, None), ("ptp", np.ptp, None),
    ("nansum", np.nansum, None), ("nanmean", np.nanmean, None), ("nanmin", np.nanmin, None), ("nanmax", np.nanmax, None),
    ("norm_l1", lambda x: np.linalg.norm(x, 1), None), ("norm_l2", np.linalg.norm, None),
    ("norm_max", lambda x: np.linalg.norm(x, np.inf), None),
    ("logsumexp", lambda x: (lambda m: m + np.log(np.sum(np.exp(x - m))))(np.max(x)), None),
    ("argmin", np.argmin, np.int64), ("count_nonzero", np.count_nonzero, np.int64),
    ("any", np.any, np.uint8), ("all", np.all, np.uint8),
]
for name in ["sum", "mean", "max", "argmax"] + [r[0] for r in OTHER_REDUCTIONS]:
    getattr(lib, "numkern_" + name).argtypes = [P, I64P, ctypes.c_int32, P]
lib.numkern_std.argtypes = [P, I64P, ctypes.c_int32, ctypes.c_double, P]
lib.numkern_var.argtypes = [P, I64P, ctypes.c_int32, ctypes.c_double, P]
for name in ["mse", "rmse", "mae"]:
    getattr(lib, "numkern_" + name).argtypes = [P, P, I64P, ctypes.c_int32, P]
lib.numkern_binary_cross_entropy_with_logits.argtypes = [P, P, ctypes.c_int32, P]
lib.numkern_accuracy.argtypes = [P, P, ctypes.c_int64, P]
lib.numkern_standardize.argtypes = [P, I64P, ctypes.c_int32, ctypes.c_double, P]
lib.numkern_rms_norm.argtypes = [P, ctypes.c_int64, P, ctypes.c_double, P]
lib.numkern_softmax.argtypes = [P, ctypes.c_int64, P, ctypes.c_int32]
lib.numkern_cross_entropy.argtypes = [P, P, ctypes.c_int64, P, ctypes.c_int64, ctypes.c_double, ctypes.c_int32, P]
lib.numkern_layer_norm.argtypes = [P, ctypes.c_int64, P, P, ctypes.c_double, P]
lib.numkern_last_error_message.restype = ctypes.c_char_p


def check(status):
    if status != 0:
        raise RuntimeError(lib.numkern_last_error_message().decode())


def axes_arg(axis):
    if axis is None:
        return None, 0
    a = (ctypes.c_int64 * 1)(axis)
    return ctypes.cast(a, I64P), 1


def reduction(name, x, axis, out_dtype=None):
    out_dtype = out_dtype or (np.int64 if name == "argmax" else x.dtype)
    out = np.empty(() if axis is None else (x.shape[1 - axis],), dtype=out_dtype)
    dx, do = desc(x), desc(out)
    ax, nax = axes_arg(axis)
    f = getattr(lib, "numkern_" + name)
    # The closures hold x, out and the axes: the descriptors alone would
    # leave numkern writing into freed memory.
    if name in ("std", "var"):
        return lambda x=x, out=out, ax=ax: check(f(ctypes.byref(dx), ax, nax, 0.0, ctypes.byref(do))), out
    return lambda x=x, out=out, ax=ax: check(f(ctypes.byref(dx), ax, nax, ctypes.byref(do))), out


def softmax_np(x):
    """The seed tutorial's form."""
    exp_x = np.exp(x - np.max(x, axis=1, keepdims=True))
    return exp_x / np.sum(exp_x, axis=1, keepdims=True)


def cross_entropy_np(labels, logits):
    """The seed tutorial's form: softmax, one-hot, clip, log."""
    probs = softmax_np(logits)
    n_classes = probs.shape[1]
    onehot = np.eye(n_classes)[labels]
    clipped = np.clip(probs, 1e-15, 1 - 1e-15)
    return -np.sum(onehot * np.log(clipped)) / len(labels)


def layer_norm_np(x, g, b, eps=1e-5):
    m = x.mean(axis=-1, keepdims=True)
    v = x.var(axis=-1, keepdims=True)
    return (x - m) / np.sqrt(v + eps) * g + b


def bce_np(z, y):
    """The stable form, in NumPy."""
    return np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))


def call(f, *arrays_and_args):
    """A numkern call on descriptors of the arrays (ndarray arguments) and
    the other arguments as they are; the closure keeps the arrays alive."""
    descs = [ctypes.byref(desc(a)) if isinstance(a, np.ndarray) else a for a in arrays_and_args]
    return lambda arrays=arrays_and_args, descs=descs: check(f(*descs))


def measure(pairs, reps):
    """Median seconds of each callable, runs interleaved."""
    times = [[] for _ in pairs]
    for f in pairs:
        f()  # warm up
    for _ in range(reps):
        for i, f in enumerate(pairs):
            t = time.perf_counter()
            f()
            times[i].append(time.perf_counter() - t)
    return [sorted(t)[len(t) // 2] for t in times]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--reps", type=int, default=15)
    ap.add_argument("--filter", default="")
    args = ap.parse_args()
    check(lib.numkern_set_num_threads(args.threads))
    try:
        from threadpoolctl import threadpool_limits
        threadpool_limits(args.threads)
    except ImportError:
        pass
    rng = np.random.default_rng(0)
    cases = []
    for dt in [np.float32, np.float64]:
        flat = rng.standard_normal(16_000_000).astype(dt)
        square = rng.standard_normal((4096, 4096)).astype(dt)
        for name, np_f in [("sum", np.sum), ("mean", np.mean), ("std", np.std), ("max", np.max), ("argmax", np.argmax)]:
            nk, _ = reduction(name, flat, None)
            cases.append((f"{name} {np.dtype(dt).name} 1.6e7", lambda f=np_f, x=flat: f(x), nk))
            for axis in [0, 1]:
                nk, _ = reduction(name, square, axis)
                cases.append((f"{name} {np.dtype(dt).name} 4096x4096 axis {axis}", lambda f=np_f, x=square, a=axis: f(x, axis=a), nk))
    for shape in [(4096, 1000), (64, 32000), (32, 10)]:
        x = rng.standard_normal(shape).astype(np.float32)
        y = np.empty_like(x)
        dx, dy = desc(x), desc(y)
        cases.append((f"softmax f32 {shape[0]}x{shape[1]}", lambda x=x: softmax_np(x),
                      lambda dx=dx, dy=dy, x=x, y=y: check(lib.numkern_softmax(ctypes.byref(dx), 1, ctypes.byref(dy), 0))))
    logits = rng.standard_normal((4096, 1000)).astype(np.float32)
    labels = rng.integers(0, 1000, 4096).astype(np.int64)
    loss = np.empty((), dtype=np.float32)
    cases.append(("cross_entropy f32 4096x1000 (tutorial form)", lambda: cross_entropy_np(labels, logits),
                  call(lib.numkern_cross_entropy, logits, labels, 1, None, -100, 0.0, 1, loss)))
    x = rng.standard_normal((4096, 1024)).astype(np.float32)
    g, b, y = np.full(1024, 1.5, np.float32), np.full(1024, 0.25, np.float32), np.empty((4096, 1024), np.float32)
    cases.append(("layer_norm f32 4096x1024", lambda x=x, g=g, b=b: layer_norm_np(x, g, b),
                  call(lib.numkern_layer_norm, x, 1, g, b, 1e-5, y)))

    flat = rng.standard_normal(16_000_000).astype(np.float32)
    for name, np_f, out_dtype in OTHER_REDUCTIONS + [("var", lambda x: np.var(x, ddof=1), None)]:
        nk, _ = reduction(name, flat, None, out_dtype)
        cases.append((f"{name} float32 1.6e7", lambda f=np_f, x=flat: f(x), nk))
    a = rng.standard_normal((4096, 1000)).astype(np.float32)
    t = (rng.random((4096, 1000)) < 0.5).astype(np.float32)
    scalar, frac, y = np.empty((), np.float32), np.empty((), np.float64), np.empty_like(a)
    for name, np_f in [("mse", lambda: np.mean((a - t) ** 2)), ("rmse", lambda: np.sqrt(np.mean((a - t) ** 2))),
                       ("mae", lambda: np.mean(np.abs(a - t)))]:
        cases.append((f"{name} f32 4096x1000", np_f, call(getattr(lib, "numkern_" + name), a, t, None, 0, scalar)))
    cases.append(("bce_with_logits f32 4096x1000", lambda: bce_np(a, t),
                  call(lib.numkern_binary_cross_entropy_with_logits, a, t, 1, scalar)))
    cases.append(("accuracy f32 4096x1000", lambda: np.mean(labels == np.argmax(a, axis=1)),
                  call(lib.numkern_accuracy, a, labels, 1, frac)))
    axis0 = (ctypes.c_int64 * 1)(0)
    cases.append(("standardize f32 4096x1000 axis 0", lambda: (a - a.mean(axis=0)) / np.sqrt(a.var(axis=0) + 1e-8),
                  call(lib.numkern_standardize, a, ctypes.cast(axis0, I64P), 1, 1e-8, y)))
    cases.append(("rms_norm f32 4096x1000", lambda: a / np.sqrt(np.mean(a * a, axis=-1, keepdims=True) + 1e-5),
                  call(lib.numkern_rms_norm, a, 1, None, 1e-5, y)))

    # Elementwise math (issue 23 item 1): the ufunc with out= against the
    # numkern entry point, L2-resident (6.5e4 f32: 512 KiB in and out, eight
    # calls per timing so the per-call cost stays small), from L3 (1e6) and
    # from DRAM (1.6e7). Inputs in each function's natural domain.
    math_ops = [("exp", np.exp, lambda n: rng.uniform(-10, 10, n)), ("log", np.log, lambda n: rng.uniform(1e-3, 1e3, n)),
                ("log1p", np.log1p, lambda n: rng.uniform(-0.9, 10, n)), ("expm1", np.expm1, lambda n: rng.uniform(-5, 5, n)),
                ("tanh", np.tanh, lambda n: rng.standard_normal(n)),
                ("softplus", lambda x, out: np.logaddexp(0, x, out=out), lambda n: rng.standard_normal(n) * 5)]
    for name, np_f, draw in math_ops:
        for n, label, repeat in [(65_536, "6.5e4 (L2) x8", 8), (1_000_000, "1e6", 1), (16_000_000, "1.6e7", 1)]:
            for dt in [np.float32, np.float64]:
                x = draw(n).astype(dt)
                y = np.empty_like(x)
                nk = call(getattr(lib, "numkern_" + name), x, y)
                cases.append((f"{name} {np.dtype(dt).name} {label} (np.{name if name != 'softplus' else 'logaddexp(0, x)'})",
                              lambda f=np_f, x=x, y=y, r=repeat: [f(x, out=y) for _ in range(r)],
                              lambda nk=nk, r=repeat: [nk() for _ in range(r)]))

    # Copies and casts (issue 23 item 2): np.copyto into a preallocated array.
    for n, shape in [("1e6", (1_000_000,)), ("1.6e7", (16_000_000,)), ("4096x4096", (4096, 4096))]:
        src = rng.standard_normal(shape).astype(np.float32)
        dst = np.empty_like(src)
        cases.append((f"copy f32 {n} (np.copyto)", lambda d=dst, s=src: np.copyto(d, s), call(lib.numkern_copy, src, dst)))
    sq = rng.standard_normal((4096, 4096)).astype(np.float32)
    sq_out = np.empty_like(sq)
    cases.append(("copy f32 4096x4096 transposed (np.copyto(out, a.T))", lambda: np.copyto(sq_out, sq.T), call(lib.numkern_copy, sq.T, sq_out)))
    for a_dt, b_dt in [(np.float64, np.float32), (np.float32, np.float64), (np.int32, np.float32), (np.float32, np.int32)]:
        for n in [1_000_000, 16_000_000]:
            src = (rng.standard_normal(n) * 1000).astype(a_dt)
            dst = np.empty(n, b_dt)
            label = f"cast {np.dtype(a_dt).name}->{np.dtype(b_dt).name} {n:.0e} (np.copyto)"
            cases.append((label, lambda d=dst, s=src: np.copyto(d, s, casting="unsafe"), call(lib.numkern_copy, src, dst)))

    # Creation, random fills, indexing and joining (issue 22): NumPy's in-place forms.
    sq = np.empty((4096, 4096), np.float32)
    cases.append(("fill f32 4096x4096 (a.fill(1.5))", lambda: sq.fill(1.5), call(lib.numkern_full, sq, ctypes.c_double(1.5))))
    cases.append(("eye f32 4096x4096 (fill 0, fill_diagonal 1)", lambda: (sq.fill(0), np.fill_diagonal(sq, 1)),
                  call(lib.numkern_eye, sq, ctypes.c_int64(0))))

    parts = [rng.standard_normal((4096, 4096)).astype(np.float32) for _ in range(3)]
    arr3 = (Desc * 3)(*[desc(p) for p in parts])
    for axis in [0, 1]:
        cat = np.empty((3 * 4096, 4096) if axis == 0 else (4096, 3 * 4096), np.float32)
        cases.append((f"concatenate 3x f32 4096x4096 axis {axis} (out=)", lambda a=axis, c=cat: np.concatenate(parts, a, out=c),
                      call(lib.numkern_concatenate, arr3, ctypes.c_int64(3), ctypes.c_int64(axis), cat)))
    big = rng.standard_normal((1_000_000, 64)).astype(np.float32)
    order = rng.permutation(1_000_000).astype(np.int64)
    taken = np.empty_like(big)
    cases.append(("take 1e6 rows of (1e6, 64) f32 (np.take(out=))", lambda: np.take(big, order, axis=0, out=taken),
                  call(lib.numkern_take, big, order, ctypes.c_int64(0), ctypes.c_int32(0), taken)))
    square = rng.standard_normal((4096, 4096)).astype(np.float32)
    rows, cols = rng.integers(0, 4096, 1_000_000), rng.integers(0, 4096, 1_000_000)
    picked = np.empty(1_000_000, np.float32)
    pair = (Desc * 2)(desc(rows), desc(cols))
    cases.append(("gather 1e6 of f32 4096x4096 (x[rows, cols])", lambda: square[rows, cols],
                  call(lib.numkern_gather, square, pair, ctypes.c_int64(2), ctypes.c_int32(0), picked)))
    cases.append(("put 1e6 rows of (1e6, 64) f32 (out[perm] = v)", lambda: taken.__setitem__(order, big),
                  call(lib.numkern_put, big, order, ctypes.c_int64(0), ctypes.c_int32(0), taken)))
    cond = rng.random(1_000_000) < 0.5
    half = np.empty((int(cond.sum()), 64), np.float32)
    cases.append(("compress rows of (1e6, 64) f32 at 50% (np.compress(out=))", lambda: np.compress(cond, big, axis=0, out=half),
                  call(lib.numkern_compress, cond.view(np.uint8), big, ctypes.c_int64(0), half)))
    flat = rng.standard_normal(16_000_000).astype(np.float32)
    for density in [0.5, 0.01]:
        m = rng.random(16_000_000) < density
        sel = np.empty(int(m.sum()), np.float32)
        cases.append((f"mask select f32 1.6e7 at {density:.0%} (x[mask])", lambda m=m: flat[m],
                      call(lib.numkern_mask_select, flat, m.view(np.uint8), sel)))
    gen = np.random.default_rng(0)
    for dt in [np.float32, np.float64]:
        r = np.empty(16_000_000, dt)
        name = np.dtype(dt).name
        cases.append((f"uniform {name} 1.6e7 (rng.random(out=))", lambda r=r, dt=dt: gen.random(out=r, dtype=dt),
                      call(lib.numkern_random_uniform, r, ctypes.c_uint64(1), ctypes.c_uint64(0), ctypes.c_uint64(0),
                           ctypes.c_double(0.0), ctypes.c_double(1.0))))
        cases.append((f"normal {name} 1.6e7 (rng.standard_normal(out=))", lambda r=r, dt=dt: gen.standard_normal(out=r, dtype=dt),
                      call(lib.numkern_random_normal, r, ctypes.c_uint64(1), ctypes.c_uint64(0), ctypes.c_uint64(0),
                           ctypes.c_double(0.0), ctypes.c_double(1.0))))
    perm = np.empty(1_000_000, np.int64)
    cases.append(("permutation 1e6 (rng.permutation)", lambda: gen.permutation(1_000_000),
                  call(lib.numkern_random_permutation, perm, ctypes.c_uint64(1), ctypes.c_uint64(0))))

    print(f"threads {args.threads}, NumPy {np.__version__}, median of {args.reps}")
    print(f"{'case':48s} {'numpy':>11s} {'numkern':>11s} {'ratio':>8s}")
    for label, np_f, nk_f in cases:
        if args.filter not in label:
            continue
        t_np, t_nk = measure([np_f, nk_f], args.reps)
        print(f"{label:48s} {t_np * 1e3:9.3f}ms {t_nk * 1e3:9.3f}ms {t_np / t_nk:7.1f}x", flush=True)


if __name__ == "__main__":
    main()
