//! GEMM benchmarks per tier and thread count: square f32/f64 products,
//! row-major. `cargo bench --bench gemm -- <filter>`, e.g. `-- 'f32/1024'`.
//! Throughput is in elements of C; GFLOP/s = 2 n^3 / time.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use numkern::kernels::KernelFloat;
use numkern::ops::Exec;
use numkern::{available_tiers, ArrayView, ArrayViewMut, Ctx};
use std::hint::black_box;
use std::time::Duration;

fn bench_dtype<T: KernelFloat + Default>(c: &mut Criterion, dt: &str) {
    for n in [64usize, 256, 1024] {
        let a: Vec<T> = (0..n * n).map(|i| T::from_f64(((i % 17) as f64) * 0.1 - 0.8)).collect();
        let b: Vec<T> = (0..n * n).map(|i| T::from_f64(((i % 13) as f64) * 0.1 - 0.6)).collect();
        let mut out = vec![T::default(); n * n];
        let mut g = c.benchmark_group(format!("gemm/{dt}/{n}"));
        g.sample_size(10).warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(1));
        for tier in available_tiers() {
            for threads in [1, 2] {
                let ex = Exec(Ctx { tier, threads });
                g.bench_function(BenchmarkId::new(tier.name(), format!("{threads}t")), |bch| {
                    let (av, bv) = (ArrayView::from_slice(&a, &[n, n]).unwrap(), ArrayView::from_slice(&b, &[n, n]).unwrap());
                    bch.iter(|| {
                        let mut ov = ArrayViewMut::from_slice(&mut out, &[n, n]).unwrap();
                        ex.gemm(T::from_f64(1.0), black_box(&av), black_box(&bv), T::from_f64(0.0), &mut ov).unwrap();
                    })
                });
            }
        }
        g.finish();
    }
}

fn benches(c: &mut Criterion) {
    bench_dtype::<f32>(c, "f32");
    bench_dtype::<f64>(c, "f64");
}

criterion_group!(gemm, benches);
criterion_main!(gemm);
