//! Reduction, softmax, loss and normalization benchmarks on the default
//! tier with 1 and 2 threads, each beside a plain read loop (or, for the
//! ops that write an array, a copy loop) over the same working set in the
//! same run, so GB/s reads as a fraction of the achievable bandwidth.
//! `cargo bench --bench reduce -- <filter>`, e.g. `-- 'max/f32'`.
//!
//! Groups: `<op>/<dtype>/<shape and axes>` with `read/<threads>t` (an XOR
//! of every element's bits, which the compiler vectorizes: it reads the
//! data once and does no float work) or `copy/<threads>t`, and
//! `numkern/<threads>t`.

use criterion::{criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion, Throughput};
use criterion::measurement::WallTime;
use numkern::ops::{CrossEntropyOptions, ErrorMetric, Exec, LossReduction, MaskedRows, Reduction, RowNorm};
use numkern::{ArrayView, ArrayViewMut, Element};
use std::hint::black_box;
use std::time::Duration;

/// Every element of `x` read once, by `threads` threads.
fn read_all<T: Copy + Sync>(x: &[T], threads: usize) -> u64 {
    let read = |x: &[T]| {
        // SAFETY: any initialized T is readable as its bytes.
        let bytes = unsafe { std::slice::from_raw_parts(x.as_ptr() as *const u8, std::mem::size_of_val(x)) };
        let mut acc = [0u64; 8];
        for c in bytes.chunks_exact(64) {
            for (a, w) in acc.iter_mut().zip(c.chunks_exact(8)) {
                *a ^= u64::from_le_bytes(w.try_into().unwrap());
            }
        }
        acc.iter().fold(0, |a, b| a ^ b)
    };
    if threads == 1 {
        return read(x);
    }
    std::thread::scope(|s| {
        let parts: Vec<_> = x.chunks(x.len().div_ceil(threads)).map(|c| s.spawn(move || read(c))).collect();
        parts.into_iter().map(|p| p.join().unwrap()).fold(0, |a, b| a ^ b)
    })
}

/// `y = x` by `threads` threads.
fn copy_all<T: Copy + Send + Sync>(x: &[T], y: &mut [T], threads: usize) {
    let per = x.len().div_ceil(threads);
    if threads == 1 {
        return y.copy_from_slice(x);
    }
    std::thread::scope(|s| {
        for (a, b) in x.chunks(per).zip(y.chunks_mut(per)) {
            s.spawn(move || b.copy_from_slice(a));
        }
    });
}

fn group<'a>(c: &'a mut Criterion, name: String, bytes: usize) -> BenchmarkGroup<'a, WallTime> {
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Bytes(bytes as u64));
    g.measurement_time(Duration::from_secs(2)).sample_size(15).warm_up_time(Duration::from_millis(500));
    g
}

fn exec(threads: usize) -> Exec {
    let mut e = Exec::current();
    e.0.threads = threads;
    e
}

fn reductions<T: numkern::kernels::KernelFloat + Element + From<f32> + Default>(c: &mut Criterion, dt: &str) {
    let cases: [(&str, Vec<usize>, Option<Vec<i64>>); 3] =
        [("all_1.6e7", vec![16_000_000], None), ("axis0_4096x4096", vec![4096, 4096], Some(vec![0])), ("axis1_4096x4096", vec![4096, 4096], Some(vec![1]))];
    let ops = [("sum", Reduction::Sum), ("mean", Reduction::Mean), ("std", Reduction::Std { ddof: 0.0 }), ("max", Reduction::Max), ("argmax", Reduction::ArgMax)];
    for (label, shape, axes) in cases {
        let n: usize = shape.iter().product();
        let x: Vec<T> = (0..n).map(|i| T::from(((i * 7919 % 1000) as f32) * 0.01 - 5.0)).collect();
        let xv = ArrayView::from_slice(&x, &shape).unwrap();
        let out_len = if axes.is_some() { 4096 } else { 1 };
        let out_shape: Vec<usize> = if axes.is_some() { vec![out_len] } else { vec![] };
        for (name, op) in ops {
            let mut g = group(c, format!("{name}/{dt}/{label}"), n * std::mem::size_of::<T>());
            let (mut out, mut idx) = (vec![T::default(); out_len], vec![0i64; out_len]);
            for threads in [1, 2] {
                g.bench_function(BenchmarkId::new("read", format!("{threads}t")), |b| b.iter(|| black_box(read_all(black_box(&x), threads))));
                let e = exec(threads);
                g.bench_function(BenchmarkId::new("numkern", format!("{threads}t")), |b| {
                    b.iter(|| {
                        if op == Reduction::ArgMax {
                            e.reduce(op, &xv, axes.as_deref(), &mut ArrayViewMut::from_slice(&mut idx, &out_shape).unwrap()).unwrap()
                        } else {
                            e.reduce(op, &xv, axes.as_deref(), &mut ArrayViewMut::from_slice(&mut out, &out_shape).unwrap()).unwrap()
                        }
                    })
                });
            }
            g.finish();
        }
    }
}

/// softmax of f32 rows beside a copy of the same data; cross-entropy
/// beside a read; layer_norm beside a copy.
fn rows(c: &mut Criterion) {
    for (r, n) in [(4096usize, 1000usize), (64, 32000), (32, 10)] {
        let x: Vec<f32> = (0..r * n).map(|i| ((i * 7919 % 1000) as f32) * 0.01 - 5.0).collect();
        let mut y = vec![0f32; r * n];
        let mut g = group(c, format!("softmax/f32/{r}x{n}"), r * n * 4);
        for threads in [1, 2] {
            g.bench_function(BenchmarkId::new("copy", format!("{threads}t")), |b| b.iter(|| copy_all(black_box(&x), &mut y, threads)));
            let e = exec(threads);
            g.bench_function(BenchmarkId::new("numkern", format!("{threads}t")), |b| {
                b.iter(|| e.softmax(&ArrayView::from_slice(&x, &[r, n]).unwrap(), 1, &mut ArrayViewMut::from_slice(&mut y, &[r, n]).unwrap(), false, MaskedRows::Nan).unwrap())
            });
        }
        g.finish();
    }
    let (r, n) = (4096usize, 1000usize);
    let x: Vec<f32> = (0..r * n).map(|i| ((i * 7919 % 1000) as f32) * 0.01 - 5.0).collect();
    let labels: Vec<i64> = (0..r).map(|i| (i * 31 % n) as i64).collect();
    let mut g = group(c, format!("cross_entropy/f32/{r}x{n}"), r * n * 4);
    let mut loss = 0f32;
    for threads in [1, 2] {
        g.bench_function(BenchmarkId::new("read", format!("{threads}t")), |b| b.iter(|| black_box(read_all(black_box(&x), threads))));
        let e = exec(threads);
        g.bench_function(BenchmarkId::new("numkern", format!("{threads}t")), |b| {
            b.iter(|| {
                e.cross_entropy(&ArrayView::from_slice(&x, &[r, n]).unwrap(), &ArrayView::from_slice(&labels, &[r]).unwrap(), 1, None, CrossEntropyOptions::default(), &mut ArrayViewMut::from_slice(std::slice::from_mut(&mut loss), &[]).unwrap())
                    .unwrap()
            })
        });
    }
    g.finish();
    let (r, n) = (4096usize, 1024usize);
    let x: Vec<f32> = (0..r * n).map(|i| ((i * 7919 % 1000) as f32) * 0.01 - 5.0).collect();
    let (gamma, beta) = (vec![1.5f32; n], vec![0.25f32; n]);
    let mut y = vec![0f32; r * n];
    let mut g = group(c, format!("layer_norm/f32/{r}x{n}"), r * n * 4);
    for threads in [1, 2] {
        g.bench_function(BenchmarkId::new("copy", format!("{threads}t")), |b| b.iter(|| copy_all(black_box(&x), &mut y, threads)));
        let e = exec(threads);
        g.bench_function(BenchmarkId::new("numkern", format!("{threads}t")), |b| {
            b.iter(|| {
                let (gv, bv) = (ArrayView::from_slice(&gamma, &[n]).unwrap(), ArrayView::from_slice(&beta, &[n]).unwrap());
                e.row_norm(RowNorm::Layer, &ArrayView::from_slice(&x, &[r, n]).unwrap(), 1, Some(&gv), Some(&bv), 1e-5, &mut ArrayViewMut::from_slice(&mut y, &[r, n]).unwrap()).unwrap()
            })
        });
    }
    g.finish();
}

/// The other reductions over 1.6e7 f32 (all axes) beside a read: the
/// same framework and kernels as the five above, each its own map.
fn other_reductions(c: &mut Criterion) {
    let n = 16_000_000;
    let x: Vec<f32> = (0..n).map(|i| ((i * 7919 % 1000) as f32) * 0.01 - 5.0).collect();
    let xv = ArrayView::from_slice(&x, &[n]).unwrap();
    let ops = [
        ("prod", Reduction::Prod),
        ("var", Reduction::Var { ddof: 1.0 }),
        ("min", Reduction::Min),
        ("ptp", Reduction::Ptp),
        ("nansum", Reduction::NanSum),
        ("nanmean", Reduction::NanMean),
        ("nanmin", Reduction::NanMin),
        ("nanmax", Reduction::NanMax),
        ("norm_l1", Reduction::NormL1),
        ("norm_l2", Reduction::NormL2),
        ("norm_max", Reduction::NormMax),
        ("logsumexp", Reduction::LogSumExp),
        ("argmin", Reduction::ArgMin),
        ("count_nonzero", Reduction::CountNonzero),
        ("any", Reduction::Any),
        ("all", Reduction::All),
    ];
    for (name, op) in ops {
        let mut g = group(c, format!("{name}/f32/all_1.6e7"), n * 4);
        let (mut f, mut i, mut m) = (0f32, 0i64, 0u8);
        for threads in [1, 2] {
            g.bench_function(BenchmarkId::new("read", format!("{threads}t")), |b| b.iter(|| black_box(read_all(black_box(&x), threads))));
            let e = exec(threads);
            g.bench_function(BenchmarkId::new("numkern", format!("{threads}t")), |b| {
                b.iter(|| match op {
                    Reduction::ArgMin | Reduction::CountNonzero => e.reduce(op, &xv, None, &mut ArrayViewMut::from_slice(std::slice::from_mut(&mut i), &[]).unwrap()).unwrap(),
                    Reduction::Any | Reduction::All => e.reduce(op, &xv, None, &mut ArrayViewMut::from_slice(std::slice::from_mut(&mut m), &[]).unwrap()).unwrap(),
                    _ => e.reduce(op, &xv, None, &mut ArrayViewMut::from_slice(std::slice::from_mut(&mut f), &[]).unwrap()).unwrap(),
                })
            });
        }
        g.finish();
    }
}

/// The other losses and normalizations on (4096, 1000) f32, beside a
/// read (scalar results) or a copy (array results).
fn other_losses(c: &mut Criterion) {
    let (r, n) = (4096usize, 1000usize);
    let x: Vec<f32> = (0..r * n).map(|i| ((i * 7919 % 1000) as f32) * 0.01 - 5.0).collect();
    let t: Vec<f32> = (0..r * n).map(|i| (i % 2) as f32).collect();
    let labels: Vec<i64> = (0..r).map(|i| (i * 31 % n) as i64).collect();
    let (xv, tv) = (ArrayView::from_slice(&x, &[r, n]).unwrap(), ArrayView::from_slice(&t, &[r, n]).unwrap());
    let mut y = vec![0f32; r * n];
    let mut s = 0f32;
    let cases = ["mse", "mae", "bce_with_logits", "accuracy", "standardize_axis0", "rms_norm"];
    for name in cases {
        let writes = name == "standardize_axis0" || name == "rms_norm";
        let mut g = group(c, format!("{name}/f32/{r}x{n}"), r * n * 4 * if writes || name == "accuracy" { 1 } else { 2 });
        for threads in [1, 2] {
            if writes {
                g.bench_function(BenchmarkId::new("copy", format!("{threads}t")), |b| b.iter(|| copy_all(black_box(&x), &mut y, threads)));
            } else if name == "accuracy" {
                g.bench_function(BenchmarkId::new("read", format!("{threads}t")), |b| b.iter(|| black_box(read_all(black_box(&x), threads))));
            } else {
                // Both operands.
                g.bench_function(BenchmarkId::new("read", format!("{threads}t")), |b| b.iter(|| black_box(read_all(black_box(&x), threads) ^ read_all(black_box(&t), threads))));
            }
            let e = exec(threads);
            g.bench_function(BenchmarkId::new("numkern", format!("{threads}t")), |b| {
                b.iter(|| {
                    let mut scalar = ArrayViewMut::from_slice(std::slice::from_mut(&mut s), &[]).unwrap();
                    match name {
                        "mse" => e.error_metric(ErrorMetric::Mse, &xv, &tv, None, &mut scalar).unwrap(),
                        "mae" => e.error_metric(ErrorMetric::Mae, &xv, &tv, None, &mut scalar).unwrap(),
                        "bce_with_logits" => e.bce_with_logits(&xv, &tv, LossReduction::Mean, &mut scalar).unwrap(),
                        "accuracy" => {
                            black_box(e.accuracy(&xv, &ArrayView::from_slice(&labels, &[r]).unwrap(), 1).unwrap());
                        }
                        "standardize_axis0" => e.standardize(&xv, Some(&[0]), 1e-8, &mut ArrayViewMut::from_slice(&mut y, &[r, n]).unwrap()).unwrap(),
                        _ => e.row_norm(RowNorm::Rms, &xv, 1, None, None, 1e-5, &mut ArrayViewMut::from_slice(&mut y, &[r, n]).unwrap()).unwrap(),
                    }
                })
            });
        }
        g.finish();
    }
}

fn benches(c: &mut Criterion) {
    reductions::<f32>(c, "f32");
    reductions::<f64>(c, "f64");
    rows(c);
    other_reductions(c);
    other_losses(c);
}

criterion_group!(reduce, benches);
criterion_main!(reduce);
