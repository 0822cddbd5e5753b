//! The documented accuracy of every transcendental kernel: one table, the
//! single source of truth. `tests/accuracy.rs` holds each kernel to it on
//! every tier, and `tests/docs.rs` checks that the README's kernel table
//! and the header's doc comment of each `numkern_<op>` print exactly
//! [`text`] of it, so the figures cannot drift apart again.

use super::ops::UnaryOp;

/// One row: maximum errors in ULPs of the exact result.
#[derive(Clone, Copy, Debug)]
pub struct Accuracy {
    pub op: UnaryOp,
    /// f32: the maximum over the inputs tested on every tier (all 2^32 of
    /// them when `f32_all_inputs`, as measured by the exhaustive sweep;
    /// else a bound the sampled sweeps hold to).
    pub f32_ulp: f64,
    pub f32_all_inputs: bool,
    /// f64: a bound, tested on large samples of the whole range (tails
    /// included) against libm's f64 function (allowed its own half ULP)
    /// or, for gelu and gelu_tanh, a double-double reference.
    pub f64_ulp: f64,
}

const fn row(op: UnaryOp, f32_ulp: f64, f32_all_inputs: bool, f64_ulp: f64) -> Accuracy {
    Accuracy { op, f32_ulp, f32_all_inputs, f64_ulp }
}

/// The table. f32 figures marked as all-inputs come from
/// `cargo test --release --test accuracy -- --ignored` (maximum over the
/// AVX-512, AVX2 and NEON tiers, rounded up in the last digit).
pub const ACCURACY: &[Accuracy] = &[
    row(UnaryOp::Exp, 0.78, true, 1.0),
    row(UnaryOp::Expm1, 0.59, true, 2.0),
    row(UnaryOp::Log, 0.63, true, 1.0),
    row(UnaryOp::Log1p, 0.69, true, 1.0),
    row(UnaryOp::Tanh, 0.76, true, 3.0),
    row(UnaryOp::Sigmoid, 0.80, true, 2.0),
    row(UnaryOp::Silu, 0.85, true, 3.0),
    row(UnaryOp::Gelu, 0.82, true, 6.0),
    row(UnaryOp::GeluTanh, 0.85, true, 3.0),
    row(UnaryOp::Softplus, 0.78, true, 3.0),
];

/// The row of `op`, if it is a transcendental kernel (the others are exact
/// or correctly rounded).
pub fn of(op: UnaryOp) -> Option<Accuracy> {
    ACCURACY.iter().copied().find(|a| a.op == op)
}

/// The f32 figure of `op` in ULPs (0.5 for the correctly rounded ops).
pub fn f32_bound(op: UnaryOp) -> f64 {
    of(op).map_or(0.5, |a| a.f32_ulp)
}

/// The f64 bound of `op` in ULPs (0.5 for the correctly rounded ops).
pub fn f64_bound(op: UnaryOp) -> f64 {
    of(op).map_or(0.5, |a| a.f64_ulp)
}

/// How the README and the header state it, e.g.
/// "f32 <= 0.78 ULP (all 2^32 inputs), f64 <= 1 ULP".
pub fn text(a: &Accuracy) -> String {
    let scope = if a.f32_all_inputs { "all 2^32 inputs" } else { "sampled" };
    format!("f32 <= {} ULP ({scope}), f64 <= {} ULP", a.f32_ulp, a.f64_ulp)
}
