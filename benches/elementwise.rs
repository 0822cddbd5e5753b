//! Elementwise benchmarks, per tier, with a plain stream-like loop over the
//! same working set in the same run (so GB/s reads as a fraction of the
//! achievable bandwidth). `cargo bench --bench elementwise -- <filter>`,
//! e.g. `-- 'add/f32'`, `-- transpose`, `-- 'l2'`.
//!
//! Groups: `<kernel>/<dtype>/<layout>/<n>/<tier>/<threads>t`; `stream/...`
//! is the baseline loop (c = a + b, or a copy for unary kernels).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use numkern::framework::views;
use numkern::kernels::{BinaryOp, UnaryOp};
use numkern::ops::Exec;
use numkern::{available_tiers, ArrayView, ArrayViewMut, Ctx, Element};
use std::hint::black_box;
use std::time::Duration;

const SIZES: &[(&str, usize)] = &[("1e3", 1_000), ("l2", 65_536), ("1e6", 1_000_000), ("1.6e7", 16_000_000)];

fn exec(tier: numkern::Tier, threads: usize) -> Exec {
    Exec(Ctx { tier, threads })
}

/// Plain loops the compiler vectorizes for the baseline target: the bandwidth
/// yardstick. With 2 threads each takes one half, on a pool built once, so the
/// baseline pays no thread start-up per iteration (numkern's own pool is also
/// persistent); below 2^18 elements it stays on one thread, as numkern does.
fn stream_add<T: Copy + std::ops::Add<Output = T> + Send + Sync>(a: &[T], b: &[T], c: &mut [T], threads: usize) {
    fn add_into<T: Copy + std::ops::Add<Output = T>>(a: &[T], b: &[T], c: &mut [T]) {
        for ((c, &a), &b) in c.iter_mut().zip(a).zip(b) {
            *c = a + b;
        }
    }
    // Splitting a small array only adds a wake-up (~17 us at n = 1e3): its
    // achievable bandwidth with 2 threads is the 1-thread one.
    if threads <= 1 || a.len() < 1 << 18 {
        return add_into(a, b, c);
    }
    static POOL: std::sync::OnceLock<rayon::ThreadPool> = std::sync::OnceLock::new();
    let pool = POOL.get_or_init(|| rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap());
    let half = a.len() / 2;
    let (c0, c1) = c.split_at_mut(half);
    pool.join(|| add_into(&a[..half], &b[..half], c0), || add_into(&a[half..], &b[half..], c1));
}

fn bench_dtype<T: numkern::kernels::KernelFloat + Element + Default + std::ops::Add<Output = T> + From<f32>>(c: &mut Criterion, dt: &str) {
    let es = std::mem::size_of::<T>();
    for &(label, n) in SIZES {
        let a: Vec<T> = (0..2 * n).map(|i| T::from(((i % 1000) as f32) * 0.01 - 5.0)).collect();
        let b: Vec<T> = (0..2 * n).map(|i| T::from(((i % 777) as f32) * 0.01)).collect();
        let mut out = vec![T::default(); 2 * n];
        for layout in ["contiguous", "strided"] {
            // strided: every other element of a 2n buffer (stride 2).
            fn view<T: Element>(v: &[T], n: usize, contiguous: bool) -> ArrayView<'_, T> {
                if contiguous {
                    ArrayView::from_slice(&v[..n], &[n]).unwrap()
                } else {
                    ArrayView::from_slice_strided(v, 0, &[n], &[2]).unwrap()
                }
            }
            let contiguous = layout == "contiguous";
            let kernels: Vec<(&str, Option<BinaryOp>, Option<UnaryOp>)> = vec![
                ("add", Some(BinaryOp::Add), None),
                ("multiply", Some(BinaryOp::Multiply), None),
                ("exp", None, Some(UnaryOp::Exp)),
                ("tanh", None, Some(UnaryOp::Tanh)),
                ("sigmoid", None, Some(UnaryOp::Sigmoid)),
                ("gelu", None, Some(UnaryOp::Gelu)),
                ("log", None, Some(UnaryOp::Log)),
                ("log1p", None, Some(UnaryOp::Log1p)),
                ("expm1", None, Some(UnaryOp::Expm1)),
                ("softplus", None, Some(UnaryOp::Softplus)),
            ];
            for (name, bop, uop) in kernels {
                let mut g = c.benchmark_group(format!("{name}/{dt}/{layout}/{label}"));
                g.sample_size(10).warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(1));
                let moved = if bop.is_some() { 3 * n * es } else { 2 * n * es };
                g.throughput(Throughput::Bytes(moved as u64));
                for threads in [1usize, 2] {
                    if layout == "contiguous" {
                        g.bench_function(BenchmarkId::new("stream", format!("{threads}t")), |bch| {
                            bch.iter(|| stream_add(&a[..n], &b[..n], &mut out[..n], threads))
                        });
                    }
                    for tier in available_tiers() {
                        let e = exec(tier, threads);
                        g.bench_function(BenchmarkId::new(tier.name(), format!("{threads}t")), |bch| {
                            // Views are built once, like the inputs of a
                            // model's layer: the call is what is measured
                            // (building a 1-d view costs ~35 ns, see the README).
                            let (x, y) = (view(&a, n, contiguous), view(&b, n, contiguous));
                            let mut o = if layout == "contiguous" {
                                ArrayViewMut::from_slice(&mut out[..n], &[n]).unwrap()
                            } else {
                                ArrayViewMut::from_slice_strided(&mut out, 0, &[n], &[2]).unwrap()
                            };
                            bch.iter(|| {
                                match (bop, uop) {
                                    (Some(op), _) => e.binary(op, &x, &y, &mut o).unwrap(),
                                    // log and log1p read b (in [0, 7.77)): their domain.
                                    (_, Some(op @ (UnaryOp::Log | UnaryOp::Log1p))) => e.unary(op, &y, &mut o).unwrap(),
                                    (_, Some(op)) => e.unary(op, &x, &mut o).unwrap(),
                                    _ => unreachable!(),
                                }
                                black_box(&o);
                            })
                        });
                    }
                }
                g.finish();
            }
        }
    }
}

fn elementwise(c: &mut Criterion) {
    bench_dtype::<f32>(c, "f32");
    bench_dtype::<f64>(c, "f64");
}

/// Transposing copy of a 4096 x 4096 matrix against a plain copy of it.
fn transpose(c: &mut Criterion) {
    let n = 4096;
    for dt in ["f32", "f64"] {
        let mut g = c.benchmark_group(format!("transpose/{dt}/4096x4096"));
        g.sample_size(10).warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(2));
        macro_rules! run {
            ($T:ty) => {{
                let src: Vec<$T> = (0..n * n).map(|i| i as $T).collect();
                let mut dst: Vec<$T> = vec![0 as $T; n * n];
                g.throughput(Throughput::Bytes((2 * n * n * std::mem::size_of::<$T>()) as u64));
                g.bench_function("plain_copy_loop", |b| b.iter(|| dst.copy_from_slice(black_box(&src))));
                for tier in available_tiers() {
                    for threads in [1usize, 2] {
                        let e = exec(tier, threads);
                        let v = ArrayView::from_slice(&src, &[n, n]).unwrap();
                        let t = v.map_raw(views::transpose).unwrap();
                        g.bench_function(BenchmarkId::new(format!("numkern_copy_contig/{}", tier.name()), format!("{threads}t")), |b| {
                            b.iter(|| e.copy(&v, &mut ArrayViewMut::from_slice(&mut dst, &[n, n]).unwrap()).unwrap())
                        });
                        g.bench_function(BenchmarkId::new(format!("numkern_transpose/{}", tier.name()), format!("{threads}t")), |b| {
                            b.iter(|| e.copy(&t, &mut ArrayViewMut::from_slice(&mut dst, &[n, n]).unwrap()).unwrap())
                        });
                    }
                }
            }};
        }
        if dt == "f32" {
            run!(f32)
        } else {
            run!(f64)
        }
        g.finish();
    }
}

criterion_group!(benches, elementwise, transpose);
criterion_main!(benches);
