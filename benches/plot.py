#!/usr/bin/env python3
"""The comparison plot: numkern against NumPy (PyPI wheel, its bundled
OpenBLAS) and Debian's OpenBLAS, throughput against size, one panel per
kernel family; written as a self-contained SVG (no plotting library).

GEMM panels are in GFLOP/s (2 n^3 / time), the others in GB/s (bytes read
plus bytes written / time). Every point is the median of interleaved runs in
one process, all libraries pinned to the same thread count (threadpoolctl).
Needs `cargo build --release` first; Debian's OpenBLAS (libopenblas0) is
used when installed.

    python3 benches/plot.py [--threads 1] [--reps 7] [--out docs/performance.svg]
"""
import argparse
import ctypes
import ctypes.util
import os
import platform
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vs_numpy import ROOT, call, lib, softmax_np  # noqa: E402

COLORS = {"numkern": "#d62728", "NumPy": "#1f77b4", "OpenBLAS (Debian)": "#7f7f7f"}
SIZES = [1_000, 4_000, 16_000, 64_000, 256_000, 1_000_000, 4_000_000, 16_000_000]
GEMM_N = [32, 64, 128, 256, 512, 1024, 2048]


def debian_openblas():
    """Debian's cblas_?gemm (LP64), or None when it is not installed."""
    for name in ["libopenblas.so.0", ctypes.util.find_library("openblas")]:
        try:
            blas = ctypes.CDLL(name)
            blas.cblas_sgemm, blas.cblas_dgemm  # both must be there
            return blas
        except (OSError, TypeError, AttributeError):
            continue
    return None


def measure(fs, reps, threads):
    """Median seconds of each callable. One thread: runs interleaved. More:
    each library's runs in one block, 0.3 s apart, as separate runs would
    be: OpenBLAS's idle workers busy-wait ~0.1 s after a call and would take
    the core the next library's second thread needs."""
    times = [[] for _ in fs]
    for f in fs:
        f()  # warm up
    if threads == 1:
        for _ in range(reps):
            for i, f in enumerate(fs):
                t = time.perf_counter()
                f()
                times[i].append(time.perf_counter() - t)
    else:
        for i, f in enumerate(fs):
            time.sleep(0.3)
            f()
            for _ in range(reps):
                t = time.perf_counter()
                f()
                times[i].append(time.perf_counter() - t)
    return [sorted(t)[len(t) // 2] for t in times]


def repeat(f, n):
    """A callable running f enough times that one timing is ~0.2 ms or more
    (the small sizes would otherwise measure the clock)."""
    times = max(1, 200_000 // n)
    return lambda: [f() for _ in range(times)], times


def gemm_panel(dt, reps, threads, blas, rng):
    name = np.dtype(dt).name
    series = {"numkern": [], "NumPy": []}
    if blas:
        series["OpenBLAS (Debian)"] = []
    for n in GEMM_N:
        a, b = rng.standard_normal((n, n)).astype(dt), rng.standard_normal((n, n)).astype(dt)
        out = np.empty((n, n), dt)
        fs = {"numkern": call(lib.numkern_matmul, a, b, out), "NumPy": lambda a=a, b=b, o=out: np.matmul(a, b, out=o)}
        if blas:
            gemm = blas.cblas_sgemm if dt == np.float32 else blas.cblas_dgemm
            scalar = ctypes.c_float if dt == np.float32 else ctypes.c_double
            p = ctypes.c_void_p
            # Row-major (101), no transposes (111).
            fs["OpenBLAS (Debian)"] = lambda g=gemm, s=scalar, a=a, b=b, o=out, n=n: g(
                101, 111, 111, n, n, n, s(1.0), p(a.ctypes.data), n, p(b.ctypes.data), n, s(0.0), p(o.ctypes.data), n)
        loops = {k: repeat(f, n ** 3 // 64) for k, f in fs.items()}
        times = measure([loop for loop, _ in loops.values()], reps, threads)
        for (label, (_, count)), t in zip(loops.items(), times):
            series[label].append((n, 2 * n ** 3 * count / t / 1e9))
        print(f"gemm {name} n={n}: " + ", ".join(f"{k} {v[-1][1]:.1f}" for k, v in series.items()), flush=True)
    return (f"GEMM {name}, n x n", "n", "GFLOP/s", series)


def stream_panel(title, reps, threads, rng, make, bytes_per_element):
    """make(n) -> (numkern callable, NumPy callable) on n elements."""
    series = {"numkern": [], "NumPy": []}
    for n in SIZES:
        nk, np_f = make(n, rng)
        loops = [repeat(nk, n), repeat(np_f, n)]
        times = measure([loop for loop, _ in loops], reps, threads)
        for label, (_, count), t in zip(series, loops, times):
            series[label].append((n, bytes_per_element * n * count / t / 1e9))
        print(f"{title} n={n}: numkern {series['numkern'][-1][1]:.1f}, NumPy {series['NumPy'][-1][1]:.1f} GB/s", flush=True)
    return (title, "elements", "GB/s", series)


def unary(name, np_f, lo, hi):
    def make(n, rng):
        x = rng.uniform(lo, hi, n).astype(np.float32)
        y = np.empty_like(x)
        return call(getattr(lib, "numkern_" + name), x, y), lambda: np_f(x, out=y)
    return make


def make_add(n, rng):
    a, b = rng.standard_normal(n).astype(np.float32), rng.standard_normal(n).astype(np.float32)
    y = np.empty_like(a)
    return call(lib.numkern_add, a, b, y), lambda: np.add(a, b, out=y)


def make_copy(n, rng):
    x = rng.standard_normal(n).astype(np.float32)
    y = np.empty_like(x)
    return call(lib.numkern_copy, x, y), lambda: np.copyto(y, x)


def make_sum(n, rng):
    x = rng.standard_normal(n).astype(np.float32)
    out = np.empty((), np.float32)
    return call(lib.numkern_sum, x, None, 0, out), lambda: np.sum(x)


def make_softmax(n, rng):
    x = rng.standard_normal((max(1, n // 1000), 1000)).astype(np.float32)
    y = np.empty_like(x)
    return call(lib.numkern_softmax, x, 1, y, 0), lambda: softmax_np(x)


def svg(panels, subtitle):
    """Small multiples: log-2 x axis, linear y axis from 0, one line per library."""
    cols, w, h, pad_l, pad_b, pad_t = 4, 290, 230, 52, 40, 28
    rows = (len(panels) + cols - 1) // cols
    width, height = cols * w + 20, rows * h + 80
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="11">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="10" y="20" font-size="15" font-weight="bold">numkern against NumPy and OpenBLAS (higher is better)</text>',
           f'<text x="10" y="38" fill="#555">{subtitle}</text>']
    legend_x = 10
    for label, color in COLORS.items():
        out.append(f'<line x1="{legend_x}" y1="55" x2="{legend_x + 22}" y2="55" stroke="{color}" stroke-width="2.5"/>'
                   f'<text x="{legend_x + 27}" y="59">{label}</text>')
        legend_x += 60 + 7 * len(label)
    for i, (title, xlabel, ylabel, series) in enumerate(panels):
        x0, y0 = 10 + (i % cols) * w, 70 + (i // cols) * h
        pw, ph = w - pad_l - 12, h - pad_b - pad_t
        xs = [x for s in series.values() for x, _ in s]
        ymax = max(y for s in series.values() for _, y in s) * 1.1
        lx0, lx1 = np.log2(min(xs)), np.log2(max(xs))
        px = lambda x: x0 + pad_l + (np.log2(x) - lx0) / (lx1 - lx0) * pw
        py = lambda y: y0 + pad_t + ph - y / ymax * ph
        out.append(f'<text x="{x0 + pad_l}" y="{y0 + 18}" font-weight="bold">{title}</text>')
        out.append(f'<rect x="{x0 + pad_l}" y="{y0 + pad_t}" width="{pw}" height="{ph}" fill="none" stroke="#999"/>')
        step = nice_step(ymax)
        for k in range(int(ymax / step) + 1):
            y = k * step
            out.append(f'<line x1="{x0 + pad_l}" y1="{py(y):.1f}" x2="{x0 + pad_l + pw}" y2="{py(y):.1f}" stroke="#eee"/>'
                       f'<text x="{x0 + pad_l - 4}" y="{py(y) + 4:.1f}" text-anchor="end">{y:g}</text>')
        for x in sorted(set(xs)):
            if len(set(xs)) <= 8:
                out.append(f'<text x="{px(x):.1f}" y="{y0 + pad_t + ph + 14}" text-anchor="middle">{short(x)}</text>')
        out.append(f'<text x="{x0 + pad_l + pw / 2}" y="{y0 + h - 8}" text-anchor="middle" fill="#555">{xlabel}</text>')
        out.append(f'<text x="{x0 + 12}" y="{y0 + pad_t + ph / 2}" text-anchor="middle" fill="#555" '
                   f'transform="rotate(-90 {x0 + 12} {y0 + pad_t + ph / 2})">{ylabel}</text>')
        for label, points in series.items():
            path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in points)
            out.append(f'<polyline points="{path}" fill="none" stroke="{COLORS[label]}" stroke-width="2"/>')
            out.extend(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="2.5" fill="{COLORS[label]}"/>' for x, y in points)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def nice_step(ymax):
    """A 1-2-5 grid step giving four to eight lines."""
    magnitude = 10 ** np.floor(np.log10(ymax / 4))
    for m in [1, 2, 5, 10]:
        if ymax / (m * magnitude) <= 8:
            return m * magnitude
    return 10 * magnitude


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            return next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        return platform.machine()


def short(x):
    for div, suffix in [(1_000_000, "M"), (1_000, "k")]:
        if x >= div and x % div == 0:
            return f"{x / div:g}{suffix}"
    return str(x)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "performance.svg"))
    args = ap.parse_args()
    os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
    blas = debian_openblas()
    lib.numkern_set_num_threads(args.threads)
    from threadpoolctl import threadpool_limits
    threadpool_limits(args.threads)
    if args.threads > 1:
        # numkern's pool starts at its first threaded call, and on this VM a
        # worker that new does not help for its first ~0.1 s (n = 512 ran at
        # the 1-thread speed for ~40 calls, then at twice it): start it here.
        warm = np.ones((1024, 1024), np.float32)
        call(lib.numkern_matmul, warm, warm, np.empty_like(warm))()
        time.sleep(1.0)
    rng = np.random.default_rng(0)
    panels = [
        gemm_panel(np.float32, args.reps, args.threads, blas, rng),
        gemm_panel(np.float64, args.reps, args.threads, blas, rng),
        stream_panel("exp f32", args.reps, args.threads, rng, unary("exp", np.exp, -10, 10), 8),
        stream_panel("log f32", args.reps, args.threads, rng, unary("log", np.log, 1e-3, 1e3), 8),
        stream_panel("add f32", args.reps, args.threads, rng, make_add, 12),
        stream_panel("copy f32", args.reps, args.threads, rng, make_copy, 8),
        stream_panel("sum f32", args.reps, args.threads, rng, make_sum, 4),
        stream_panel("softmax f32, rows of 1000", args.reps, args.threads, rng, make_softmax, 8),
    ]
    threads = f"{args.threads} thread" + ("s" if args.threads > 1 else "")
    subtitle = (f"{cpu_name()}, {os.cpu_count()} cores, {threads}; NumPy {np.__version__} "
                f"(its bundled OpenBLAS); median of {args.reps} interleaved runs; python3 benches/plot.py --threads {args.threads}")
    with open(args.out, "w") as f:
        f.write(svg(panels, subtitle))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
