//! The products: gemm, gemv, dot, axpy, matmul (batched, broadcast, 1-D
//! operands) and linear (bias, every activation), on descriptors of every
//! kind. Operands hold small multiples of 1/4, so every sum is exact in
//! f32 and f64 and the result must equal the reference exactly (within
//! the documented ULP bound after an activation); an output filled with
//! any bits (NaN included) is allowed 2 ULP when it is read (beta != 0).
#![no_main]

use libfuzzer_sys::fuzz_target;
use numkern::dtype::*;
use numkern::ffi::*;
use numkern::kernels::{Activation, UnaryOp, UnaryParams};
use numkern::DType;
use numkern_fuzz::arbitrary::{self, Unstructured};
use numkern_fuzz::common::{self, TestFloat};
use numkern_fuzz::{indices, Call, Fill, Kind};

fuzz_target!(|data: &[u8]| {
    let _ = one(data);
});

const FLOATS: &[i32] = &[NUMKERN_F32, NUMKERN_F64];
const SCALARS: &[f64] = &[0.0, 1.0, -1.0, 0.5, 2.0, 1.5, -0.25];

fn one(data: &[u8]) -> arbitrary::Result<()> {
    let mut u = Unstructured::new(data);
    let mut c = Call::new();
    let (alpha, beta) = (*u.choose(SCALARS)?, *u.choose(SCALARS)?);
    let out_fill = if u.arbitrary::<u8>()? < 200 { Fill::Dyadic } else { Fill::Raw };
    match u.int_in_range(0..=5)? {
        0 => {
            let (a, b, out) = (c.add(&mut u, FLOATS, 2, Fill::Dyadic)?, c.add(&mut u, FLOATS, 2, Fill::Dyadic)?, c.add(&mut u, FLOATS, 2, out_fill)?);
            if let Some(after) = c.run("gemm", 0, |c| unsafe { numkern_gemm(alpha, c.ptr(a), c.ptr(b), beta, c.ptr(out)) }) {
                let k = c.shape(a)[1];
                check(&c, &after, out, out_fill, beta, Activation::None, |idx| {
                    alpha * (0..k).map(|p| c.value(&c.before, a, &[idx[0], p]) * c.value(&c.before, b, &[p, idx[1]])).sum::<f64>()
                });
            }
        }
        1 => {
            let (a, x, y) = (c.add(&mut u, FLOATS, 2, Fill::Dyadic)?, c.add(&mut u, FLOATS, 1, Fill::Dyadic)?, c.add(&mut u, FLOATS, 1, out_fill)?);
            if let Some(after) = c.run("gemv", 0, |c| unsafe { numkern_gemv(alpha, c.ptr(a), c.ptr(x), beta, c.ptr(y)) }) {
                let n = c.shape(a)[1];
                check(&c, &after, y, out_fill, beta, Activation::None, |idx| {
                    alpha * (0..n).map(|p| c.value(&c.before, a, &[idx[0], p]) * c.value(&c.before, x, &[p])).sum::<f64>()
                });
            }
        }
        2 => {
            let (a, b, out) = (c.add(&mut u, FLOATS, 1, Fill::Dyadic)?, c.add(&mut u, FLOATS, 1, Fill::Dyadic)?, c.add(&mut u, FLOATS, 1, out_fill)?);
            if let Some(after) = c.run("dot", 0, |c| unsafe { numkern_dot(c.ptr(a), c.ptr(b), c.ptr(out)) }) {
                let n = c.shape(a)[0];
                check(&c, &after, out, out_fill, 0.0, Activation::None, |_| (0..n).map(|p| c.value(&c.before, a, &[p]) * c.value(&c.before, b, &[p])).sum::<f64>());
            }
        }
        3 => {
            let (x, y) = (c.add(&mut u, FLOATS, 1, Fill::Dyadic)?, c.add(&mut u, FLOATS, 1, out_fill)?);
            if let Some(after) = c.run("axpy", 0, |c| unsafe { numkern_axpy(alpha, c.ptr(x), c.ptr(y)) }) {
                // alpha = 0 leaves y as it was, NaN included.
                let beta_one = 1.0;
                check(&c, &after, y, out_fill, beta_one, Activation::None, |idx| alpha * c.value(&c.before, x, idx));
            }
        }
        4 => {
            let (a, b, out) = (c.add(&mut u, FLOATS, 4, Fill::Dyadic)?, c.add(&mut u, FLOATS, 4, Fill::Dyadic)?, c.add(&mut u, FLOATS, 4, out_fill)?);
            if let Some(after) = c.run("matmul", 0, |c| unsafe { numkern_matmul(c.ptr(a), c.ptr(b), c.ptr(out)) }) {
                let (sa, sb) = (c.shape(a), c.shape(b));
                let k = sa[sa.len() - 1];
                check(&c, &after, out, out_fill, 0.0, Activation::None, |idx| {
                    (0..k).map(|p| c.value(&c.before, a, &matmul_index(idx, &sa, &sb, p, true)) * c.value(&c.before, b, &matmul_index(idx, &sa, &sb, p, false))).sum::<f64>()
                });
            }
        }
        _ => {
            let act = *u.choose(&Activation::ALL)?;
            let with_bias = u.arbitrary::<bool>()?;
            let (x, w) = (c.add(&mut u, FLOATS, 3, Fill::Dyadic)?, c.add(&mut u, FLOATS, 2, Fill::Dyadic)?);
            let mut bias = if with_bias { Some(c.add(&mut u, FLOATS, 1, Fill::Dyadic)?) } else { None };
            if bias.is_some_and(|b| c.ops[b].kind == Kind::NullDescriptor) {
                // A null bias is no bias: valid.
                c.ops.pop();
                bias = None;
            }
            let out = c.add(&mut u, FLOATS, 3, out_fill)?;
            // Tiers may round an activation differently by a ULP (as the elementwise ops).
            let ulps = !matches!(act, Activation::None | Activation::Relu) as u64;
            let run = c.run("linear", ulps, |c| unsafe {
                numkern_linear(c.ptr(x), c.ptr(w), bias.map_or(std::ptr::null(), |b| c.ptr(b)), act as i32, c.ptr(out))
            });
            if let Some(after) = run {
                let k = c.shape(w)[0];
                let nd = c.shape(x).len();
                check(&c, &after, out, out_fill, 0.0, act, |idx| {
                    let j = idx[idx.len() - 1];
                    let mut xi = idx.to_vec();
                    let sum: f64 = (0..k)
                        .map(|p| {
                            xi[nd - 1] = p;
                            c.value(&c.before, x, &xi[..nd]) * c.value(&c.before, w, &[p, j])
                        })
                        .sum();
                    sum + bias.map_or(0.0, |b| c.value(&c.before, b, &[j]))
                });
            }
        }
    }
    Ok(())
}

/// The index into a (`a` when `of_a`) or b of matmul's term p for the
/// output index `idx`: 1-D operands promoted as NumPy does, batch axes
/// broadcast.
fn matmul_index(idx: &[usize], sa: &[usize], sb: &[usize], p: usize, of_a: bool) -> Vec<usize> {
    let (a_vec, b_vec) = (sa.len() == 1, sb.len() == 1);
    let nd = idx.len();
    let core = (!a_vec) as usize + (!b_vec) as usize;
    let batch = &idx[..nd - core];
    let i = if a_vec { 0 } else { idx[nd - core] };
    let j = if b_vec { 0 } else { idx[nd - 1] };
    let (shape, tail) = if of_a { (sa, if a_vec { vec![p] } else { vec![i, p] }) } else { (sb, if b_vec { vec![p] } else { vec![p, j] }) };
    let own = &shape[..shape.len() - tail.len()];
    let lead = batch.len() - own.len();
    let mut out: Vec<usize> = own.iter().enumerate().map(|(k, &d)| if d == 1 { 0 } else { batch[lead + k] }).collect();
    out.extend(tail);
    out
}

/// Holds every element of `out` to `act(term(idx) + beta * old)`:
/// exactly when the output started dyadic or was not read, else within
/// 2 ULP; after an activation within its documented bound.
fn check(c: &Call, after: &[Vec<u8>], out: usize, fill: Fill, beta: f64, act: Activation, term: impl Fn(&[usize]) -> f64) {
    let f32_out = c.dtype(out) == DType::F32;
    for idx in indices(&c.shape(out)) {
        let old = c.value(&c.before, out, &idx);
        let z = term(&idx) + if beta != 0.0 { beta * old } else { 0.0 };
        let got = c.value(after, out, &idx);
        let op = match act {
            Activation::None => None,
            Activation::Relu => Some(UnaryOp::Relu),
            Activation::Gelu => Some(UnaryOp::Gelu),
            Activation::GeluTanh => Some(UnaryOp::GeluTanh),
            Activation::Sigmoid => Some(UnaryOp::Sigmoid),
            Activation::Tanh => Some(UnaryOp::Tanh),
            Activation::Silu => Some(UnaryOp::Silu),
        };
        let (err, bound) = match (op, f32_out) {
            (Some(op), true) => (f32::ulp_err(got as f32, common::unary_expect(op, z as f32, UnaryParams::default())), f32::bound(op, z)),
            (Some(op), false) => (f64::ulp_err(got, common::unary_expect(op, z, UnaryParams::default())), f64::bound(op, z)),
            (None, true) => (f32::ulp_err(got as f32, z), 0.0),
            (None, false) => (f64::ulp_err(got, z), 0.0),
        };
        let read_raw = fill == Fill::Raw && beta != 0.0;
        // -0.0 and +0.0 agree: exact sums of zeros may come out either way.
        let ok = err <= bound || (read_raw && err <= 2.0) || (got == 0.0 && z == 0.0);
        assert!(ok, "{act:?} at {idx:?}: {got:e}, want {z:e} ({err} ULP); operands {:?}", c.ops);
    }
}
