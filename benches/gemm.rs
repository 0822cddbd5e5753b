//! Product benchmarks per tier and thread count: square f32/f64 GEMM,
//! row-major (GFLOP/s = 2 n^3 / time), then dot, GEMV, axpy, a batched
//! matmul and a batched linear layer (bias + gelu fused).
//! `cargo bench --bench gemm -- <filter>`, e.g. `-- 'f32/1024'` or `-- dot/`. The side-by-side OpenBLAS figures are `--bench vs_openblas`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use numkern::kernels::{Activation, KernelFloat};
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

/// dot at 1e3 and 1e6 elements, GEMV on a 1024^2 matrix in both layouts,
/// axpy at 1e6 and (32, 64, 64) @ (64, 64) (batch folded into M), on one
/// thread per tier.
fn bench_vector_products<T: KernelFloat + Default>(c: &mut Criterion, dt: &str) {
    let data: Vec<T> = (0..1 << 20).map(|i| T::from_f64(((i % 19) as f64) * 0.05 - 0.45)).collect();
    let mut out = vec![T::default(); 1 << 20];
    let one = T::from_f64(1.0);
    for tier in available_tiers() {
        let ex = Exec(Ctx { tier, threads: 1 });
        let mut g = c.benchmark_group(format!("products/{dt}/{}", tier.name()));
        g.sample_size(20).warm_up_time(Duration::from_millis(200)).measurement_time(Duration::from_secs(1));
        for n in [1000usize, 1_000_000] {
            let x = ArrayView::from_slice(&data[..n], &[n]).unwrap();
            g.bench_function(format!("dot/{n}"), |b| b.iter(|| ex.dot(black_box(&x), black_box(&x)).unwrap()));
        }
        let n = 1024;
        let x = ArrayView::from_slice(&data[..n], &[n]).unwrap();
        for (layout, strides) in [("rows", [n as isize, 1]), ("cols", [1, n as isize])] {
            let a = ArrayView::from_slice_strided(&data, 0, &[n, n], &strides).unwrap();
            g.bench_function(format!("gemv/{n}/{layout}"), |b| {
                b.iter(|| ex.gemv(one, black_box(&a), black_box(&x), T::from_f64(0.0), &mut ArrayViewMut::from_slice(&mut out[..n], &[n]).unwrap()).unwrap())
            });
        }
        let x = ArrayView::from_slice(&data[..1_000_000], &[1_000_000]).unwrap();
        g.bench_function("axpy/1000000", |b| {
            b.iter(|| ex.axpy(one, black_box(&x), &mut ArrayViewMut::from_slice(&mut out[..1_000_000], &[1_000_000]).unwrap()).unwrap())
        });
        let (xb, w) = (ArrayView::from_slice(&data[..32 * 64 * 64], &[32, 64, 64]).unwrap(), ArrayView::from_slice(&data[..64 * 64], &[64, 64]).unwrap());
        g.bench_function("matmul/32x64x64@64x64", |b| {
            b.iter(|| ex.matmul(black_box(&xb), black_box(&w), &mut ArrayViewMut::from_slice(&mut out[..32 * 64 * 64], &[32, 64, 64]).unwrap()).unwrap())
        });
        // The transformer-style layer: (batch, tokens, k) @ w + bias, then
        // an activation fused into the write-back.
        let bias = ArrayView::from_slice(&data[..64], &[64]).unwrap();
        for act in [Activation::None, Activation::Gelu, Activation::GeluTanh, Activation::Silu] {
            g.bench_function(format!("linear_{}/32x64x64@64x64", act.name()), |b| {
                b.iter(|| ex.linear(black_box(&xb), black_box(&w), Some(&bias), act, &mut ArrayViewMut::from_slice(&mut out[..32 * 64 * 64], &[32, 64, 64]).unwrap()).unwrap())
            });
        }
        g.finish();
    }
}

fn benches(c: &mut Criterion) {
    bench_dtype::<f32>(c, "f32");
    bench_dtype::<f64>(c, "f64");
    bench_vector_products::<f32>(c, "f32");
    bench_vector_products::<f64>(c, "f64");
}

criterion_group!(gemm, benches);
criterion_main!(gemm);
