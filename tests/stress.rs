//! Stress (issue 19): 16 host threads call products, elementwise ops,
//! reductions and copies at once for ~20 s (NUMKERN_STRESS_SECS) through the process-wide
//! settings, while two more threads keep changing the thread count and the
//! tier. Every result must be bitwise equal to the single-threaded result
//! of the tier the call ran on (results never depend on the thread count;
//! a few f32 ops may differ by a ULP between tiers, so each tier has its
//! own reference).

use numkern::kernels::{Activation, BinaryOp, UnaryOp};
use numkern::ops::{self, Exec};
use numkern::{available_tiers, set_active_tier, set_num_threads, ArrayView, ArrayViewMut, Ctx};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

fn data_f32(n: usize, seed: usize) -> Vec<f32> {
    (0..n).map(|i| ((i * 7919 + seed * 104_729) % 2003) as f32 / 1000.0 - 1.0).collect()
}
fn data_f64(n: usize, seed: usize) -> Vec<f64> {
    (0..n).map(|i| ((i * 7919 + seed * 104_729) % 2003) as f64 / 1000.0 - 1.0).collect()
}
fn bits32(v: &[f32]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits() as u64).collect()
}
fn bits64(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

/// The calls, each big enough to split across threads at some thread
/// counts, on fixed inputs.
struct Inputs {
    a32: Vec<f32>,
    b32: Vec<f32>,
    a64: Vec<f64>,
    b64: Vec<f64>,
}

const JOBS: usize = 9;

fn run(job: usize, e: Exec, x: &Inputs) -> Vec<u64> {
    match job {
        0 => {
            // f32 GEMM, B transposed (packed).
            let (m, k, n) = (200, 300, 150);
            let a = ArrayView::from_slice(&x.a32[..m * k], &[m, k]).unwrap();
            let b = ArrayView::from_slice_strided(&x.b32[..k * n], 0, &[k, n], &[1, k as isize]).unwrap();
            let mut c = vec![0f32; m * n];
            e.gemm(1.5, &a, &b, 0.0, &mut ArrayViewMut::from_slice(&mut c, &[m, n]).unwrap()).unwrap();
            bits32(&c)
        }
        1 => {
            // f64 GEMM on B in place, beta = 0.5 over a fixed C.
            let (m, k, n) = (130, 170, 90);
            let a = ArrayView::from_slice(&x.a64[..m * k], &[m, k]).unwrap();
            let b = ArrayView::from_slice(&x.b64[..k * n], &[k, n]).unwrap();
            let mut c = data_f64(m * n, 9);
            e.gemm(-0.75, &a, &b, 0.5, &mut ArrayViewMut::from_slice(&mut c, &[m, n]).unwrap()).unwrap();
            bits64(&c)
        }
        2 => {
            // f32 linear layer with fused bias and GELU.
            let (rows, k, n) = (96, 256, 128);
            let xs = ArrayView::from_slice(&x.a32[..rows * k], &[rows, k]).unwrap();
            let w = ArrayView::from_slice(&x.b32[..k * n], &[k, n]).unwrap();
            let bias = ArrayView::from_slice(&x.a32[..n], &[n]).unwrap();
            let mut out = vec![0f32; rows * n];
            e.linear(&xs, &w, Some(&bias), Activation::Gelu, &mut ArrayViewMut::from_slice(&mut out, &[rows, n]).unwrap()).unwrap();
            bits32(&out)
        }
        3 => {
            // GEMV both ways and a long dot (chunked sums).
            let (m, n) = (700, 500);
            let a = ArrayView::from_slice(&x.a64[..m * n], &[m, n]).unwrap();
            let at = ArrayView::from_slice_strided(&x.a64[..m * n], 0, &[n, m], &[1, n as isize]).unwrap();
            let mut y = data_f64(m, 3);
            e.gemv(1.25, &a, &ArrayView::from_slice(&x.b64[..n], &[n]).unwrap(), 0.5, &mut ArrayViewMut::from_slice(&mut y, &[m]).unwrap()).unwrap();
            let mut z = vec![0f64; n];
            e.gemv(1.0, &at, &ArrayView::from_slice(&x.b64[..m], &[m]).unwrap(), 0.0, &mut ArrayViewMut::from_slice(&mut z, &[n]).unwrap()).unwrap();
            let d = e.dot(&ArrayView::from_slice(&x.a32, &[x.a32.len()]).unwrap(), &ArrayView::from_slice(&x.b32, &[x.b32.len()]).unwrap()).unwrap();
            let mut bits = bits64(&y);
            bits.extend(bits64(&z));
            bits.push(d.to_bits() as u64);
            bits
        }
        4 => {
            // f32 tanh and exp past the parallel threshold.
            let n = x.a32.len();
            let mut y = vec![0f32; n];
            e.unary(UnaryOp::Tanh, &ArrayView::from_slice(&x.a32, &[n]).unwrap(), &mut ArrayViewMut::from_slice(&mut y, &[n]).unwrap()).unwrap();
            let mut z = vec![0f32; n];
            e.unary(UnaryOp::Exp, &ArrayView::from_slice(&y, &[n]).unwrap(), &mut ArrayViewMut::from_slice(&mut z, &[n]).unwrap()).unwrap();
            bits32(&z)
        }
        5 => {
            // f64 broadcast add of a row into a matrix, then a fused axpy.
            let (r, c) = (600, 500);
            let a = ArrayView::from_slice(&x.a64[..r * c], &[r, c]).unwrap();
            let row = ArrayView::from_slice(&x.b64[..c], &[c]).unwrap();
            let mut out = vec![0f64; r * c];
            e.binary(BinaryOp::Add, &a, &row, &mut ArrayViewMut::from_slice(&mut out, &[r, c]).unwrap()).unwrap();
            e.axpy(0.375, &ArrayView::from_slice(&x.b64[..r * c], &[r * c]).unwrap(), &mut ArrayViewMut::from_slice(&mut out, &[r * c]).unwrap()).unwrap();
            bits64(&out)
        }
        6 => {
            // A transposing f64 -> f32 copy (tiles).
            let (r, c) = (500, 300);
            let src = ArrayView::from_slice_strided(&x.a64[..r * c], 0, &[r, c], &[1, r as isize]).unwrap();
            let mut dst = vec![0f32; r * c];
            e.copy(&src, &mut ArrayViewMut::from_slice(&mut dst, &[r, c]).unwrap()).unwrap();
            bits32(&dst)
        }
        7 => {
            // Sums: over axis 0 of a transposed f32 matrix (gathered), and
            // over all of a long f64 vector (split across threads).
            let (r, c) = (600, 500);
            let a = ArrayView::from_slice_strided(&x.a32[..r * c], 0, &[r, c], &[1, r as isize]).unwrap();
            let mut cols = vec![0f64; c];
            e.sum(&a, Some(&[0]), &mut ArrayViewMut::from_slice(&mut cols, &[c]).unwrap()).unwrap();
            let mut total = 0f64;
            e.mean(&ArrayView::from_slice(&x.b64, &[x.b64.len()]).unwrap(), None, &mut ArrayViewMut::from_slice(std::slice::from_mut(&mut total), &[]).unwrap()).unwrap();
            cols.push(total);
            bits64(&cols)
        }
        _ => {
            // silu over a reversed f64 view, in place.
            let mut v = x.b64.clone();
            let n = v.len();
            let mut out = ArrayViewMut::from_slice_strided(&mut v, n - 1, &[n], &[-1]).unwrap();
            e.unary_inplace(UnaryOp::Silu, Default::default(), &mut out).unwrap();
            bits64(&v)
        }
    }
}

#[test]
fn concurrent_calls_while_threads_and_tier_change() {
    let secs: f64 = std::env::var("NUMKERN_STRESS_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(20.0);
    let inputs = Inputs { a32: data_f32(400_000, 1), b32: data_f32(400_000, 2), a64: data_f64(400_000, 3), b64: data_f64(400_000, 4) };
    let tiers = available_tiers();
    // refs[tier][job]: single-threaded.
    let refs: Vec<Vec<Vec<u64>>> = tiers.iter().map(|&tier| (0..JOBS).map(|j| run(j, Exec(Ctx { tier, threads: 1 }), &inputs)).collect()).collect();

    let stop = AtomicBool::new(false);
    let calls = AtomicUsize::new(0);
    let changes = AtomicUsize::new(0);
    let deadline = Instant::now() + Duration::from_secs_f64(secs);
    std::thread::scope(|s| {
        for worker in 0..16 {
            let (inputs, refs, tiers, stop, calls) = (&inputs, &refs, &tiers, &stop, &calls);
            s.spawn(move || {
                let mut job = worker % JOBS;
                while !stop.load(Ordering::Relaxed) {
                    // The settings of the moment, as every entry point reads them.
                    let e = ops::exec();
                    let got = run(job, e, inputs);
                    let t = tiers.iter().position(|&t| t == e.0.tier).unwrap();
                    if got != refs[t][job] {
                        let first = got.iter().zip(&refs[t][job]).position(|(a, b)| a != b);
                        panic!("job {job} on {:?} with {} threads differs from one thread, first at {first:?}", e.0.tier, e.0.threads);
                    }
                    calls.fetch_add(1, Ordering::Relaxed);
                    job = (job + 1) % JOBS;
                }
            });
        }
        // The changers: thread counts 1..=8 and every tier, a few hundred
        // times a second each.
        let (stop, changes, tiers) = (&stop, &changes, &tiers);
        s.spawn(move || {
            let mut n = 0usize;
            while !stop.load(Ordering::Relaxed) {
                set_num_threads(1 + n % 8);
                n = n.wrapping_mul(5).wrapping_add(3);
                changes.fetch_add(1, Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(2));
            }
        });
        s.spawn(move || {
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) {
                set_active_tier(tiers[i % tiers.len()]).unwrap();
                i += 1;
                changes.fetch_add(1, Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(3));
            }
        });
        while Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        stop.store(true, Ordering::Relaxed);
    });
    let (calls, changes) = (calls.into_inner(), changes.into_inner());
    println!("stress: {calls} calls and {changes} setting changes in {secs} s");
    assert!(calls >= 16, "the workers made only {calls} calls");
    set_num_threads(0);
}
