//! Creation, random fills, indexing and joining (issue 22), each beside a
//! plain write or copy loop over the same working set in the same run, so
//! GB/s reads as a fraction of the achievable bandwidth.
//! `cargo bench --bench arrays -- <filter>`, e.g. `-- fill`, `-- random`.
//!
//! Groups: `<op>/<dtype>/<size>`; functions `write_loop` / `copy_loop`
//! (the yardstick) and `numkern/<threads>t`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use numkern::ops::Exec;
use numkern::random::Stream;
use numkern::{detected_tier, ArrayView, ArrayViewMut, Ctx};
use std::hint::black_box;
use std::time::Duration;

const N: usize = 4096;

fn exec(threads: usize) -> Exec {
    Exec(Ctx { tier: detected_tier(), threads })
}

/// The yardstick, on 1 or 2 threads (a pool built once, as numkern's).
fn split_run<T: Send>(dst: &mut [T], threads: usize, f: impl Fn(&mut [T]) + Sync) {
    if threads <= 1 {
        return f(dst);
    }
    static POOL: std::sync::OnceLock<rayon::ThreadPool> = std::sync::OnceLock::new();
    let pool = POOL.get_or_init(|| rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap());
    let half = dst.len() / 2;
    let (a, b) = dst.split_at_mut(half);
    pool.join(|| f(a), || f(b));
}

fn group<'a>(c: &'a mut Criterion, name: &str, bytes: usize) -> criterion::BenchmarkGroup<'a, criterion::measurement::WallTime> {
    let mut g = c.benchmark_group(name);
    g.sample_size(10).warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(2));
    g.throughput(Throughput::Bytes(bytes as u64));
    g
}

/// fill and eye of 4096 x 4096 f32 against a write loop.
fn creation(c: &mut Criterion) {
    let mut dst = vec![0f32; N * N];
    let mut g = group(c, "fill/f32/4096x4096", N * N * 4);
    for threads in [1usize, 2] {
        g.bench_function(BenchmarkId::new("write_loop", format!("{threads}t")), |b| {
            b.iter(|| split_run(&mut dst, threads, |d| d.fill(black_box(1.5))))
        });
        let e = exec(threads);
        g.bench_function(BenchmarkId::new("numkern_full", format!("{threads}t")), |b| {
            b.iter(|| e.fill(&mut ArrayViewMut::from_slice(&mut dst, &[N, N]).unwrap(), 1.5).unwrap())
        });
        g.bench_function(BenchmarkId::new("numkern_eye", format!("{threads}t")), |b| {
            b.iter(|| e.eye(&mut ArrayViewMut::from_slice(&mut dst, &[N, N]).unwrap(), 0).unwrap())
        });
    }
    g.finish();
}

/// Uniform and normal fills of 1.6e7 f32 and f64 against a write loop.
fn random(c: &mut Criterion) {
    let n = 16_000_000;
    let s = Stream::new(42, 0);
    macro_rules! run {
        ($T:ty, $dt:literal) => {{
            let mut dst = vec![0 as $T; n];
            let mut g = group(c, concat!("random/", $dt, "/1.6e7"), n * std::mem::size_of::<$T>());
            for threads in [1usize, 2] {
                g.bench_function(BenchmarkId::new("write_loop", format!("{threads}t")), |b| {
                    b.iter(|| split_run(&mut dst, threads, |d| d.fill(black_box(1.5))))
                });
                let e = exec(threads);
                g.bench_function(BenchmarkId::new("uniform", format!("{threads}t")), |b| {
                    b.iter(|| e.uniform(&mut ArrayViewMut::from_slice(&mut dst, &[n]).unwrap(), s, 0, 0.0, 1.0).unwrap())
                });
                g.bench_function(BenchmarkId::new("normal", format!("{threads}t")), |b| {
                    b.iter(|| e.normal(&mut ArrayViewMut::from_slice(&mut dst, &[n]).unwrap(), s, 0, 0.0, 1.0).unwrap())
                });
            }
            g.finish();
        }};
    }
    run!(f32, "f32");
    run!(f64, "f64");
}

/// Concatenate three 4096 x 4096 f32 along each axis against a copy loop
/// writing the same output.
fn concatenate(c: &mut Criterion) {
    let parts: Vec<Vec<f32>> = (0..3).map(|k| (0..N * N).map(|i| (k * N * N + i) as f32).collect()).collect();
    let mut dst = vec![0f32; 3 * N * N];
    for axis in [0usize, 1] {
        let mut g = group(c, &format!("concatenate/f32/3x4096x4096/axis{axis}"), 2 * 3 * N * N * 4);
        for threads in [1usize, 2] {
            g.bench_function(BenchmarkId::new("copy_loop", format!("{threads}t")), |b| {
                b.iter(|| {
                    // The 2-thread loop runs on rayon's global pool (2 threads here).
                    if axis == 0 {
                        let chunks: Vec<&mut [f32]> = dst.chunks_mut(N * N).collect();
                        let pool_copy = |(d, s): (&mut [f32], &Vec<f32>)| d.copy_from_slice(black_box(s));
                        if threads == 1 {
                            chunks.into_iter().zip(&parts).for_each(pool_copy);
                        } else {
                            use rayon::prelude::*;
                            chunks.into_par_iter().zip(parts.par_iter()).for_each(pool_copy);
                        }
                    } else {
                        let rows: Vec<&mut [f32]> = dst.chunks_mut(3 * N).collect();
                        let copy_row = |(r, d): (usize, &mut [f32])| {
                            for (k, p) in parts.iter().enumerate() {
                                d[k * N..(k + 1) * N].copy_from_slice(black_box(&p[r * N..(r + 1) * N]));
                            }
                        };
                        if threads == 1 {
                            rows.into_iter().enumerate().for_each(copy_row);
                        } else {
                            use rayon::prelude::*;
                            rows.into_par_iter().enumerate().for_each(copy_row);
                        }
                    }
                })
            });
            let e = exec(threads);
            let views: Vec<ArrayView<f32>> = parts.iter().map(|p| ArrayView::from_slice(p, &[N, N]).unwrap()).collect();
            let oshape = if axis == 0 { [3 * N, N] } else { [N, 3 * N] };
            g.bench_function(BenchmarkId::new("numkern", format!("{threads}t")), |b| {
                b.iter(|| e.concatenate(&views, axis as i64, &mut ArrayViewMut::from_slice(&mut dst, &oshape).unwrap()).unwrap())
            });
        }
        g.finish();
    }
}

/// take of 10^6 rows of a (10^6, 64) f32 by a random permutation, against
/// a gather loop copying the same rows.
fn take(c: &mut Criterion) {
    use numkern::ops::index::TakeMode;
    let (rows, cols) = (1_000_000usize, 64usize);
    let x: Vec<f32> = (0..rows * cols).map(|i| i as f32).collect();
    let mut perm = vec![0i64; rows];
    exec(1).permutation(&mut ArrayViewMut::from_slice(&mut perm, &[rows]).unwrap(), Stream::new(1, 0)).unwrap();
    let mut dst = vec![0f32; rows * cols];
    let mut g = group(c, "take/f32/1e6x64", 2 * rows * cols * 4);
    for threads in [1usize, 2] {
        g.bench_function(BenchmarkId::new("copy_loop", format!("{threads}t")), |b| {
            b.iter(|| {
                let gather = |(o, &i): (&mut [f32], &i64)| o.copy_from_slice(black_box(&x[i as usize * cols..(i as usize + 1) * cols]));
                if threads == 1 {
                    dst.chunks_mut(cols).zip(&perm).for_each(gather);
                } else {
                    use rayon::prelude::*;
                    dst.par_chunks_mut(cols).zip(perm.par_iter()).for_each(gather);
                }
            })
        });
        let e = exec(threads);
        let (xv, pv) = (ArrayView::from_slice(&x, &[rows, cols]).unwrap(), ArrayView::from_slice(&perm, &[rows]).unwrap());
        g.bench_function(BenchmarkId::new("numkern", format!("{threads}t")), |b| {
            b.iter(|| e.take(&xv, &pv, 0, TakeMode::Raise, &mut ArrayViewMut::from_slice(&mut dst, &[rows, cols]).unwrap()).unwrap())
        });
    }
    g.finish();
}

/// x[rows, cols]: 10^6 random elements of a 4096×4096 f32 by gather,
/// and put of 10^6 rows of (10^6, 64) f32 by a random permutation (the
/// inverse of take), each against its plain loop.
fn gather_put(c: &mut Criterion) {
    use numkern::ops::index::TakeMode;
    const N: usize = 4096;
    let picks = 1_000_000usize;
    let x: Vec<f32> = (0..N * N).map(|i| i as f32).collect();
    let mut rc = vec![0i64; 2 * picks];
    exec(1).integers(&mut ArrayViewMut::from_slice(&mut rc, &[2 * picks]).unwrap(), Stream::new(3, 0), 0, 0, N as i64).unwrap();
    let (rows, cols) = rc.split_at(picks);
    let mut dst = vec![0f32; picks];
    let mut g = group(c, "gather/f32/4096x4096/1e6", picks * (4 + 16));
    for threads in [1usize, 2] {
        g.bench_function(BenchmarkId::new("gather_loop", format!("{threads}t")), |b| {
            b.iter(|| {
                let one = |((o, &r), &c): ((&mut f32, &i64), &i64)| *o = black_box(x[r as usize * N + c as usize]);
                if threads == 1 {
                    dst.iter_mut().zip(rows).zip(cols).for_each(one);
                } else {
                    use rayon::prelude::*;
                    dst.par_iter_mut().zip(rows.par_iter()).zip(cols.par_iter()).for_each(one);
                }
            })
        });
        let e = exec(threads);
        let xv = ArrayView::from_slice(&x, &[N, N]).unwrap();
        let idx = [ArrayView::from_slice(rows, &[picks]).unwrap(), ArrayView::from_slice(cols, &[picks]).unwrap()];
        g.bench_function(BenchmarkId::new("numkern", format!("{threads}t")), |b| {
            b.iter(|| e.gather(&xv, &idx, TakeMode::Raise, &mut ArrayViewMut::from_slice(&mut dst, &[picks]).unwrap()).unwrap())
        });
    }
    g.finish();

    let (n, width) = (1_000_000usize, 64usize);
    let values: Vec<f32> = (0..n * width).map(|i| i as f32).collect();
    let mut perm = vec![0i64; n];
    exec(1).permutation(&mut ArrayViewMut::from_slice(&mut perm, &[n]).unwrap(), Stream::new(1, 0)).unwrap();
    let mut out = vec![0f32; n * width];
    let mut g = group(c, "put/f32/1e6x64", 2 * n * width * 4);
    g.bench_function("scatter_loop/1t", |b| {
        b.iter(|| {
            for (j, &p) in perm.iter().enumerate() {
                out[p as usize * width..][..width].copy_from_slice(black_box(&values[j * width..][..width]));
            }
        })
    });
    for threads in [1usize, 2] {
        let e = exec(threads);
        let (vv, pv) = (ArrayView::from_slice(&values, &[n, width]).unwrap(), ArrayView::from_slice(&perm, &[n]).unwrap());
        g.bench_function(BenchmarkId::new("numkern", format!("{threads}t")), |b| {
            b.iter(|| e.put(&vv, &pv, 0, TakeMode::Raise, &mut ArrayViewMut::from_slice(&mut out, &[n, width]).unwrap()).unwrap())
        });
    }
    g.finish();
}

/// x[mask] over 1.6e7 f32 at 50 % and 1 % density, against a branch-free
/// compaction loop.
fn mask_select(c: &mut Criterion) {
    let n = 16_000_000;
    let x: Vec<f32> = (0..n).map(|i| i as f32).collect();
    for (label, p) in [("50%", 0.5), ("1%", 0.01)] {
        let mut mask = vec![0u8; n];
        exec(2).bernoulli(&mut ArrayViewMut::from_slice(&mut mask, &[n]).unwrap(), Stream::new(2, 0), 0, p).unwrap();
        let count = mask.iter().filter(|&&m| m != 0).count();
        let mut dst = vec![0f32; count + 1];
        let mut g = group(c, &format!("mask_select/f32/1.6e7/{label}"), n * 5 + count * 4);
        g.bench_function("compaction_loop/1t", |b| {
            b.iter(|| {
                let mut k = 0;
                for (&v, &m) in x.iter().zip(&mask) {
                    dst[k] = v;
                    k += (m != 0) as usize;
                }
                black_box(k)
            })
        });
        for threads in [1usize, 2] {
            let e = exec(threads);
            let (xv, mv) = (ArrayView::from_slice(&x, &[n]).unwrap(), ArrayView::from_slice(&mask, &[n]).unwrap());
            g.bench_function(BenchmarkId::new("numkern", format!("{threads}t")), |b| {
                b.iter(|| e.mask_select(&xv, &mv, &mut ArrayViewMut::from_slice(&mut dst[..count], &[count]).unwrap()).unwrap())
            });
        }
        g.finish();
    }
}

criterion_group!(benches, creation, random, concatenate, take, gather_put, mask_select);
criterion_main!(benches);
