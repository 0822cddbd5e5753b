//! Accuracy of the transcendental kernels against the f64 reference.
//!
//! f32: a sweep over the f32 bit patterns (every STEP-th; the full 2^32 sweep
//! is `cargo test --release --test accuracy -- --ignored`), on every tier.
//! f64: a large log-uniform random sample plus special values against
//! libm, and gelu/gelu_tanh on a dense sample against a double-double
//! reference. Bounds are the documented ones: `numkern::kernels::accuracy`,
//! which the README and the header print (`tests/docs.rs`).

mod common;
use common::*;
use numkern::kernels::{UnaryOp, UnaryParams};
use numkern::{ArrayView, ArrayViewMut};

const F32_OPS: &[UnaryOp] = &[
    UnaryOp::Exp,
    UnaryOp::Expm1,
    UnaryOp::Log,
    UnaryOp::Log1p,
    UnaryOp::Tanh,
    UnaryOp::Sigmoid,
    UnaryOp::Gelu,
    UnaryOp::GeluTanh,
    UnaryOp::Silu,
    UnaryOp::Softplus,
    UnaryOp::Sqrt,
    UnaryOp::Reciprocal,
];

/// Sweeps bit patterns start, start+step, ... over all 2^32 and returns
/// (max error, argmax) per op.
fn sweep_f32(exec: numkern::ops::Exec, op: UnaryOp, step: u64) -> (f64, f32) {
    const BATCH: usize = 1 << 16;
    let mut xs = vec![0f32; BATCH];
    let mut ys = vec![0f32; BATCH];
    let (mut worst, mut at) = (0f64, 0f32);
    let mut bits: u64 = 0;
    // The first batch starts with the special values a sampled sweep may step over.
    let specials = [0.0f32, -0.0, f32::INFINITY, f32::NEG_INFINITY, f32::NAN, f32::MIN_POSITIVE, -f32::MIN_POSITIVE, f32::MAX, f32::MIN, 1e-45, -1e-45];
    xs[..specials.len()].copy_from_slice(&specials);
    let mut first = specials.len();
    while bits < 1 << 32 {
        let mut n = std::mem::take(&mut first);
        while n < BATCH && bits < 1 << 32 {
            xs[n] = f32::from_bits(bits as u32);
            n += 1;
            bits += step;
        }
        let x = ArrayView::from_slice(&xs[..n], &[n]).unwrap();
        let mut y = ArrayViewMut::from_slice(&mut ys[..n], &[n]).unwrap();
        exec.unary(op, &x, &mut y).unwrap();
        for i in 0..n {
            let e = ulp_err_f32(ys[i], unary_ref(op, xs[i] as f64, UnaryParams::default()));
            if e > worst || e.is_nan() {
                worst = e;
                at = xs[i];
            }
        }
    }
    (worst, at)
}

fn check_f32_sweep(step: u64) {
    let mut failures = Vec::new();
    // NUMKERN_SWEEP_TIERS=avx512,avx2 limits the tiers (the portable tier's
    // lane-wise fma fallback on x86 makes a full sweep of it take hours).
    let only = std::env::var("NUMKERN_SWEEP_TIERS").ok();
    for exec in tiers() {
        if let Some(only) = &only {
            if !only.split(',').any(|t| t == exec.0.tier.name()) {
                continue;
            }
        }
        // NUMKERN_SWEEP_OPS=exp,tanh limits the ops.
        let ops = std::env::var("NUMKERN_SWEEP_OPS").ok();
        for &op in F32_OPS {
            if let Some(ops) = &ops {
                if !ops.split(',').any(|o| o == op.name()) {
                    continue;
                }
            }
            let (worst, at) = sweep_f32(exec, op, step);
            println!("f32 {:<11} {:<8} max {:.3} ULP at {:e} ({:#010x})", op.name(), exec.0.tier.name(), worst, at, at.to_bits());
            if !(worst <= bound_f32(op)) {
                failures.push(format!("{} on {}: {worst} ULP at {at:e}", op.name(), exec.0.tier.name()));
            }
        }
    }
    assert!(failures.is_empty(), "f32 accuracy bounds exceeded: {failures:#?}");
}

#[test]
fn f32_sweep_sampled() {
    // A prime step visits every exponent and many mantissas of each binade.
    let step = std::env::var("NUMKERN_SWEEP_STEP").ok().and_then(|s| s.parse().ok()).unwrap_or(4099);
    check_f32_sweep(step);
}

#[test]
#[ignore = "full 2^32 sweep: cargo test --release --test accuracy -- --ignored"]
fn f32_sweep_exhaustive() {
    check_f32_sweep(1);
}

#[test]
fn f64_sampled() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut xs: Vec<f64> = specials_f64();
    while xs.len() < 400_000 {
        let x = match xs.len() % 3 {
            0 => rng.log_uniform(-30.0, 10.0), // the interesting range
            1 => rng.log_uniform(-1074.0, 1023.0),
            _ => rng.unit() * 1600.0 - 800.0,
        };
        xs.push(x);
    }
    let mut ys = vec![0f64; xs.len()];
    let mut failures = Vec::new();
    for exec in tiers() {
        for &op in F32_OPS {
            let x = ArrayView::from_slice(&xs, &[xs.len()]).unwrap();
            let mut y = ArrayViewMut::from_slice(&mut ys, &[xs.len()]).unwrap();
            exec.unary(op, &x, &mut y).unwrap();
            let (mut worst, mut at) = (0f64, 0f64);
            for (&x, &y) in xs.iter().zip(&ys) {
                let e = ulp_err_f64(y, unary_ref(op, x, UnaryParams::default()));
                let excess = e - bound_f64(op, x);
                if excess > 0.0 || e.is_nan() {
                    failures.push(format!("{} {} x={x:e}: {e} ULP", op.name(), exec.0.tier.name()));
                }
                if e > worst && !matches!(op, UnaryOp::Gelu | UnaryOp::GeluTanh) {
                    worst = e;
                    at = x;
                }
            }
            println!("f64 {:<11} {:<8} max {:.3} ULP (where the bound is flat) at {at:e}", op.name(), exec.0.tier.name(), worst);
        }
    }
    failures.truncate(20);
    assert!(failures.is_empty(), "f64 accuracy bounds exceeded: {failures:#?}");
}

/// The double-double reference agrees with 250-bit values (mpmath) to far
/// below an ULP, tails included.
#[test]
fn dd_reference_matches_known_values() {
    let cases: [(fn(f64) -> dd::Scaled, f64, f64); 6] = [
        (dd::gelu, -5.6, -6.00185054465412003845784285368e-8),
        (dd::gelu, -2.78, -0.0075558868851095030342444675404),
        (dd::gelu, 1.7, 1.62423871331047678334129634319),
        (dd::gelu, -37.0, -2.11846135233409342439278124286e-298),
        (dd::gelu_tanh, -20.79, -2.782222457101550066862210518e-292),
        (dd::gelu_tanh, -0.3, -0.11462907645724074889873425494),
    ];
    for (f, x, want) in cases {
        let got = f(x);
        assert!(got.ulp_err(want) < 0.51, "reference at {x}: {} vs {want} ({} ULP)", got.value(), got.ulp_err(want));
    }
}

/// f64 gelu and gelu_tanh against the double-double reference on a dense
/// sample of their whole range: every 2^-13 from -40 to 12 (both tails:
/// gelu underflows below -38.6, gelu_tanh below -23) plus log-uniform small
/// magnitudes, on every tier; held to the bounds in `kernels::accuracy`.
/// (Every 2^-9 under qemu.)
#[test]
fn f64_gelu_family_dense() {
    // Under qemu (the NEON stage) every 16th point: emulation is ~50x slower.
    let every = if std::env::var("NUMKERN_CROSS").is_ok() { 16 } else { 1 };
    let mut xs: Vec<f64> = (0..(52 << 13)).step_by(every).map(|i| -40.0 + i as f64 / 8192.0).collect();
    let mut rng = Rng(0x51ed_270b_2b3d_4f69);
    for _ in 0..50_000 / every {
        xs.push(rng.log_uniform(-60.0, 2.0));
    }
    let mut ys = vec![0f64; xs.len()];
    let mut failures = Vec::new();
    for exec in tiers() {
        for (op, reference) in [(UnaryOp::Gelu, dd::gelu as fn(f64) -> dd::Scaled), (UnaryOp::GeluTanh, dd::gelu_tanh)] {
            let x = ArrayView::from_slice(&xs, &[xs.len()]).unwrap();
            let mut y = ArrayViewMut::from_slice(&mut ys, &[xs.len()]).unwrap();
            exec.unary(op, &x, &mut y).unwrap();
            let (mut worst, mut at) = (0f64, 0f64);
            for (&x, &y) in xs.iter().zip(&ys) {
                let e = reference(x).ulp_err(y);
                if !(e <= worst) {
                    worst = e;
                    at = x;
                }
            }
            let bound = numkern::kernels::accuracy::f64_bound(op);
            println!("f64 {:<10} {:<8} max {worst:.3} ULP at {at:e} (bound {bound})", op.name(), exec.0.tier.name());
            if !(worst <= bound) {
                failures.push(format!("{} on {}: {worst} ULP at {at:e}", op.name(), exec.0.tier.name()));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
