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
use numkern::{detected_tier, ArrayViewMut, Ctx};
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

criterion_group!(benches, creation, random);
criterion_main!(benches);
