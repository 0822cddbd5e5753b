//! Every elementwise entry point (unary with its parameters, binary,
//! compare, predicate, where, logical) on descriptors of every kind, held
//! to the scalar reference of `tests/common` (the documented ULP bound for
//! the transcendental ops, exact for the rest).
#![no_main]

use libfuzzer_sys::fuzz_target;
use numkern::dtype::*;
use numkern::ffi::*;
use numkern::framework::array::numkern_array;
use numkern::kernels::{BinaryOp, CompareOp, LogicalOp, PredicateOp, UnaryOp, UnaryParams};
use numkern::DType;
use numkern_fuzz::arbitrary::{self, Unstructured};
use numkern_fuzz::common::{self, TestFloat};
use numkern_fuzz::{indices, Call, Fill};

fuzz_target!(|data: &[u8]| {
    let _ = one(data);
});

const FLOATS: &[i32] = &[NUMKERN_F32, NUMKERN_F64];
const BYTES: &[i32] = &[NUMKERN_U8];
type A = *const numkern_array;

fn one(data: &[u8]) -> arbitrary::Result<()> {
    let mut u = Unstructured::new(data);
    let mut c = Call::new();
    match u.int_in_range(0..=6)? {
        0 => {
            let op = *u.choose(UnaryOp::ALL)?;
            let p = UnaryParams { a: *u.choose(&[0.01, -2.5, 0.0, 1.5, f64::INFINITY, f64::NEG_INFINITY])?, b: *u.choose(&[3.0, -0.25, 0.0, f64::INFINITY])? };
            let (x, out) = (c.add(&mut u, FLOATS, 8, Fill::Raw)?, c.add(&mut u, FLOATS, 8, Fill::Raw)?);
            // A few f32 ops start from a different reciprocal on AVX-512.
            let ulps = matches!(op, UnaryOp::Sigmoid | UnaryOp::Silu | UnaryOp::GeluTanh | UnaryOp::Tanh) as u64;
            if let Some(after) = c.run(op.name(), ulps, |c| unsafe { unary(op, p, c.ptr(x), c.ptr(out)) }) {
                match c.dtype(out) {
                    DType::F32 => check_unary::<f32>(&c, &after, op, p, x, out),
                    _ => check_unary::<f64>(&c, &after, op, p, x, out),
                }
            }
        }
        1 => {
            let op = *u.choose(BinaryOp::ALL)?;
            let (a, b, out) = (c.add(&mut u, FLOATS, 8, Fill::Raw)?, c.add(&mut u, FLOATS, 8, Fill::Raw)?, c.add(&mut u, FLOATS, 8, Fill::Raw)?);
            if let Some(after) = c.run(op.name(), 0, |c| unsafe { binary(op, c.ptr(a), c.ptr(b), c.ptr(out)) }) {
                let f32_out = c.dtype(out) == DType::F32;
                each(&c, out, |idx| {
                    let (x, y) = (c.value_bcast(&c.before, a, idx), c.value_bcast(&c.before, b, idx));
                    let got = c.value(&after, out, idx);
                    let want = if f32_out { common::binary_ref_f32(op, x as f32, y as f32) as f64 } else { common::binary_ref_f64(op, x, y) };
                    assert!(common::same_bits(got, want), "{}({x:e}, {y:e}) = {got:e}, want {want:e}; {:?}", op.name(), c.ops);
                });
            }
        }
        2 => {
            let op = *u.choose(CompareOp::ALL)?;
            let (a, b, out) = (c.add(&mut u, FLOATS, 8, Fill::Raw)?, c.add(&mut u, FLOATS, 8, Fill::Raw)?, c.add(&mut u, BYTES, 8, Fill::Raw)?);
            if let Some(after) = c.run(op.name(), 0, |c| unsafe { compare(op, c.ptr(a), c.ptr(b), c.ptr(out)) }) {
                each(&c, out, |idx| {
                    let (x, y) = (c.value_bcast(&c.before, a, idx), c.value_bcast(&c.before, b, idx));
                    assert_eq!(c.value(&after, out, idx), common::compare_ref(op, x, y) as f64, "{}({x:e}, {y:e})", op.name());
                });
            }
        }
        3 => {
            let op = *u.choose(PredicateOp::ALL)?;
            let (x, out) = (c.add(&mut u, FLOATS, 8, Fill::Raw)?, c.add(&mut u, BYTES, 8, Fill::Raw)?);
            let f = if op == PredicateOp::IsNan { numkern_isnan } else { numkern_isfinite };
            if let Some(after) = c.run("predicate", 0, |c| unsafe { f(c.ptr(x), c.ptr(out)) }) {
                each(&c, out, |idx| {
                    let v = c.value_bcast(&c.before, x, idx);
                    assert_eq!(c.value(&after, out, idx), common::predicate_ref(op, v) as f64, "{op:?}({v:e})");
                });
            }
        }
        4 => {
            let mask = c.add(&mut u, BYTES, 8, Fill::Raw)?;
            let (a, b, out) = (c.add(&mut u, FLOATS, 8, Fill::Raw)?, c.add(&mut u, FLOATS, 8, Fill::Raw)?, c.add(&mut u, FLOATS, 8, Fill::Raw)?);
            if let Some(after) = c.run("where", 0, |c| unsafe { numkern_where(c.ptr(mask), c.ptr(a), c.ptr(b), c.ptr(out)) }) {
                each(&c, out, |idx| {
                    let pick = if c.value_bcast(&c.before, mask, idx) != 0.0 { a } else { b };
                    let want = c.value_bcast(&c.before, pick, idx);
                    assert!(common::same_bits(c.value(&after, out, idx), want), "where at {idx:?}");
                });
            }
        }
        5 => {
            let op = *u.choose(LogicalOp::ALL)?;
            let (a, b, out) = (c.add(&mut u, BYTES, 8, Fill::Raw)?, c.add(&mut u, BYTES, 8, Fill::Raw)?, c.add(&mut u, BYTES, 8, Fill::Raw)?);
            let f = [numkern_logical_and, numkern_logical_or, numkern_logical_xor][op as usize];
            if let Some(after) = c.run(op.name(), 0, |c| unsafe { f(c.ptr(a), c.ptr(b), c.ptr(out)) }) {
                each(&c, out, |idx| {
                    let (x, y) = (c.value_bcast(&c.before, a, idx) != 0.0, c.value_bcast(&c.before, b, idx) != 0.0);
                    let want = match op {
                        LogicalOp::And => x && y,
                        LogicalOp::Or => x || y,
                        LogicalOp::Xor => x != y,
                    };
                    assert_eq!(c.value(&after, out, idx), want as u8 as f64, "{}({x}, {y})", op.name());
                });
            }
        }
        _ => {
            let (a, out) = (c.add(&mut u, BYTES, 8, Fill::Raw)?, c.add(&mut u, BYTES, 8, Fill::Raw)?);
            if let Some(after) = c.run("logical_not", 0, |c| unsafe { numkern_logical_not(c.ptr(a), c.ptr(out)) }) {
                each(&c, out, |idx| {
                    let want = (c.value_bcast(&c.before, a, idx) == 0.0) as u8 as f64;
                    assert_eq!(c.value(&after, out, idx), want, "logical_not at {idx:?}");
                });
            }
        }
    }
    Ok(())
}

/// Runs `f` on every index of operand `out`'s shape.
fn each(c: &Call, out: usize, mut f: impl FnMut(&[usize])) {
    for idx in indices(&c.shape(out)) {
        f(&idx);
    }
}

fn check_unary<T: TestFloat>(c: &Call, after: &[Vec<u8>], op: UnaryOp, p: UnaryParams, x: usize, out: usize) {
    each(c, out, |idx| {
        let v = T::from(c.value_bcast(&c.before, x, idx));
        let y = T::from(c.value(after, out, idx));
        let r = common::unary_expect(op, v, p);
        let err = T::ulp_err(y, r);
        assert!(err <= T::bound(op, v.to()), "{}({:e}) = {:e}, want {r:e} ({err} ULP); params {p:?}", op.name(), v.to(), y.to());
    });
}

/// The C entry point of a unary op.
unsafe fn unary(op: UnaryOp, p: UnaryParams, x: A, out: A) -> i32 {
    use UnaryOp::*;
    match op {
        Negative => numkern_negative(x, out),
        Abs => numkern_abs(x, out),
        Square => numkern_square(x, out),
        Sqrt => numkern_sqrt(x, out),
        Reciprocal => numkern_reciprocal(x, out),
        Exp => numkern_exp(x, out),
        Expm1 => numkern_expm1(x, out),
        Log => numkern_log(x, out),
        Log1p => numkern_log1p(x, out),
        Tanh => numkern_tanh(x, out),
        Sigmoid => numkern_sigmoid(x, out),
        Relu => numkern_relu(x, out),
        Gelu => numkern_gelu(x, out),
        GeluTanh => numkern_gelu_tanh(x, out),
        Silu => numkern_silu(x, out),
        Softplus => numkern_softplus(x, out),
        LeakyRelu => numkern_leaky_relu(x, p.a, out),
        Clip => numkern_clip(x, p.a, p.b, out),
        Affine => numkern_affine(x, p.a, p.b, out),
    }
}

unsafe fn binary(op: BinaryOp, a: A, b: A, out: A) -> i32 {
    use BinaryOp::*;
    let f = match op {
        Add => numkern_add,
        Subtract => numkern_subtract,
        Multiply => numkern_multiply,
        Divide => numkern_divide,
        Power => numkern_power,
        Maximum => numkern_maximum,
        Minimum => numkern_minimum,
    };
    f(a, b, out)
}

unsafe fn compare(op: CompareOp, a: A, b: A, out: A) -> i32 {
    use CompareOp::*;
    let f = match op {
        Greater => numkern_greater,
        GreaterEqual => numkern_greater_equal,
        Less => numkern_less,
        LessEqual => numkern_less_equal,
        Equal => numkern_equal,
        NotEqual => numkern_not_equal,
    };
    f(a, b, out)
}
