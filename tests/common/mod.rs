//! Shared test helpers: the scalar reference of every elementwise op
//! (simple, obviously correct, evaluated in f64) and error measures.
#![allow(dead_code)]

pub mod guard;

use numkern::kernels::{BinaryOp, CompareOp, PredicateOp, UnaryOp, UnaryParams};
use numkern::{Ctx, Element, Tier};
use numkern::ops::Exec;

/// Every tier this machine runs, single-threaded.
pub fn tiers() -> Vec<Exec> {
    numkern::available_tiers().into_iter().map(|tier| Exec(Ctx { tier, threads: 1 })).collect()
}

/// Runs `f` with each tier active (the process-wide setting the C ABI
/// uses), then leaves the best tier active.
pub fn on_every_tier(mut f: impl FnMut()) {
    for tier in numkern::available_tiers() {
        numkern::set_active_tier(tier).unwrap();
        f();
    }
    numkern::set_active_tier(*numkern::available_tiers().last().unwrap()).unwrap();
}

pub fn exec(tier: Tier, threads: usize) -> Exec {
    Exec(Ctx { tier, threads })
}

/// A C descriptor of a dense C-order array at `data` (numkern_array_init).
pub fn c_desc(data: *mut u8, dtype: i32, shape: &[i64]) -> numkern::framework::array::numkern_array {
    let mut d = std::mem::MaybeUninit::uninit();
    assert_eq!(unsafe { numkern::ffi::numkern_array_init(data as *mut _, dtype, shape.len() as i32, shape.as_ptr(), d.as_mut_ptr()) }, numkern::error::NUMKERN_OK);
    unsafe { d.assume_init() }
}

/// The calling thread's last error message.
pub fn last_message() -> String {
    unsafe { std::ffi::CStr::from_ptr(numkern::ffi::numkern_last_error_message()) }.to_string_lossy().into_owned()
}

fn sigmoid(x: f64) -> f64 {
    // No early flush: e^x / (1 + e^x) for x < 0.
    if x < 0.0 {
        let e = x.exp();
        e / (1.0 + e)
    } else {
        1.0 / (1.0 + (-x).exp())
    }
}

/// x * sigmoid(z) without rounding e^z into the subnormal range first:
/// for very negative z, e^z = e^{z/2} e^{z/2} and x multiplies in between.
fn times_sigmoid(x: f64, z: f64) -> f64 {
    if z < -700.0 {
        let h = (0.5 * z).exp();
        x * h * h / (1.0 + z.exp())
    } else {
        x * sigmoid(z)
    }
}

/// The reference value of a unary op, in f64.
pub fn unary_ref(op: UnaryOp, x: f64, p: UnaryParams) -> f64 {
    use UnaryOp::*;
    match op {
        Negative => -x,
        Abs => x.abs(),
        Square => x * x,
        Sqrt => x.sqrt(),
        Reciprocal => 1.0 / x,
        Exp => x.exp(),
        Expm1 => x.exp_m1(),
        Log => x.ln(),
        Log1p => x.ln_1p(),
        Tanh => x.tanh(),
        Sigmoid => sigmoid(x),
        Relu => {
            if x < 0.0 {
                0.0
            } else {
                x
            }
        }
        LeakyRelu => {
            if x > 0.0 {
                x
            } else {
                p.a * x
            }
        }
        Gelu => {
            if x == f64::NEG_INFINITY {
                -0.0
            } else {
                0.5 * x * libm::erfc(-x * std::f64::consts::FRAC_1_SQRT_2)
            }
        }
        // The limit at -inf is -0.0 (inf * 0 in the formula).
        GeluTanh | Silu if x == f64::NEG_INFINITY => -0.0,
        GeluTanh => times_sigmoid(x, 1.595_769_121_605_730_7 * x * (1.0 + 0.044715 * x * x)),
        Silu => times_sigmoid(x, x),
        Softplus => {
            if x.is_nan() {
                x
            } else {
                x.max(0.0) + (-x.abs()).exp().ln_1p()
            }
        }
        Clip => minimum_np(maximum_np(x, p.a), p.b),
        Affine => x * p.a + p.b,
    }
}

/// NumPy's `maximum`: the first NaN, else `a > b ? a : b` (the second
/// operand when they compare equal: `maximum(-0.0, 0.0)` is 0.0).
pub fn maximum_np(a: f64, b: f64) -> f64 {
    if a.is_nan() || a > b {
        a
    } else {
        b
    }
}
/// NumPy's `minimum`: the first NaN, else `a < b ? a : b`.
pub fn minimum_np(a: f64, b: f64) -> f64 {
    if a.is_nan() || a < b {
        a
    } else {
        b
    }
}

/// Reference of a binary op evaluated in the element type's own arithmetic
/// (add/sub/mul/div are exact-rounded, so this is the correctly rounded value).
pub fn binary_ref_f32(op: BinaryOp, a: f32, b: f32) -> f32 {
    binary_ref(op, a, b, f32::powf, |x| x as f64, |x| x as f32)
}
pub fn binary_ref_f64(op: BinaryOp, a: f64, b: f64) -> f64 {
    binary_ref(op, a, b, f64::powf, |x| x, |x| x)
}
fn binary_ref<T: Copy + std::ops::Add<Output = T> + std::ops::Sub<Output = T> + std::ops::Mul<Output = T> + std::ops::Div<Output = T>>(
    op: BinaryOp,
    a: T,
    b: T,
    powf: fn(T, T) -> T,
    widen: fn(T) -> f64,
    narrow: fn(f64) -> T,
) -> T {
    use BinaryOp::*;
    match op {
        Add => a + b,
        Subtract => a - b,
        Multiply => a * b,
        Divide => a / b,
        Power => powf(a, b),
        Maximum => narrow(maximum_np(widen(a), widen(b))),
        Minimum => narrow(minimum_np(widen(a), widen(b))),
    }
}
pub fn compare_ref(op: CompareOp, a: f64, b: f64) -> u8 {
    use CompareOp::*;
    (match op {
        Greater => a > b,
        GreaterEqual => a >= b,
        Less => a < b,
        LessEqual => a <= b,
        Equal => a == b,
        NotEqual => a != b,
    }) as u8
}
pub fn predicate_ref(op: PredicateOp, x: f64) -> u8 {
    (match op {
        PredicateOp::IsNan => x.is_nan(),
        PredicateOp::IsFinite => x.is_finite(),
    }) as u8
}

/// Size of one unit in the last place of a value of magnitude |r| in a
/// format with `mant` fraction bits and minimum normal exponent `emin`.
fn ulp_of(r: f64, mant: i32, emin: i32) -> f64 {
    let a = r.abs();
    let e = if a == 0.0 { emin } else { (a.log2().floor() as i32).max(emin) };
    // log2 can be off by one near powers of two; fix it.
    let e = if a != 0.0 && pow2(e) > a && e > emin { e - 1 } else { e };
    pow2(e - mant)
}

/// 2^e exactly, subnormals included (powi overflows its intermediate).
fn pow2(e: i32) -> f64 {
    if e >= -1022 {
        f64::from_bits(((e + 1023) as u64) << 52)
    } else {
        f64::from_bits(1u64 << (e + 1074).max(0))
    }
}

/// Error of `y` (f32) against the exact value `r`, in f32 ULPs of `r`.
/// Returns +inf for a wrong special value (NaN-ness, inf, zero sign).
pub fn ulp_err_f32(y: f32, r: f64) -> f64 {
    special_mismatch(y as f64, r, (r as f32) as f64).unwrap_or_else(|| (y as f64 - r).abs() / ulp_of(r, 23, -126))
}

/// Error of `y` (f64) against the reference `r` (itself an f64), in f64 ULPs.
pub fn ulp_err_f64(y: f64, r: f64) -> f64 {
    special_mismatch(y, r, r).unwrap_or_else(|| (y - r).abs() / ulp_of(r, 52, -1022))
}

fn special_mismatch(y: f64, r: f64, r_rounded: f64) -> Option<f64> {
    if r.is_nan() || y.is_nan() {
        return Some(if r.is_nan() && y.is_nan() { 0.0 } else { f64::INFINITY });
    }
    if r_rounded.is_infinite() || y.is_infinite() {
        return Some(if y == r_rounded { 0.0 } else { f64::INFINITY });
    }
    if r == 0.0 && y == 0.0 {
        return Some(if r.is_sign_negative() == y.is_sign_negative() { 0.0 } else { f64::INFINITY });
    }
    None
}

/// Values every float test includes.
pub fn specials_f64() -> Vec<f64> {
    vec![
        0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, 1e-300, -1e-300, 5e-324, -5e-324, 1e300, -1e300, f64::MAX, f64::MIN,
        f64::MIN_POSITIVE, f64::INFINITY, f64::NEG_INFINITY, f64::NAN, 88.7, -88.7, 89.0, -104.0, -103.9, 709.7, -745.0,
        -708.5, 20.0, -20.0, 0.5493, -0.5493, 1e-8, -1e-8, 3.0, -3.0, 40.0, -40.0, 10.0, -10.0,
    ]
}

/// A small deterministic generator (xorshift64*), so tests need no RNG API.
pub struct Rng(pub u64);
impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Sign-symmetric, log-uniform magnitude in [2^lo, 2^hi].
    pub fn log_uniform(&mut self, lo: f64, hi: f64) -> f64 {
        let m = (lo + (hi - lo) * self.unit()).exp2();
        if self.next_u64() & 1 == 1 {
            -m
        } else {
            m
        }
    }
}

/// A random strided layout for `shape` inside a fresh buffer: memory order
/// of the axes permuted, some axes stepped by 2, some reversed. Returns
/// (buffer length, offset of element 0, strides).
pub fn random_layout(rng: &mut Rng, shape: &[usize]) -> (usize, usize, Vec<isize>) {
    let nd = shape.len();
    let mut order: Vec<usize> = (0..nd).collect();
    for i in (1..nd).rev() {
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    let mut strides = vec![0isize; nd];
    let mut cur = 1isize;
    for &ax in order.iter().rev() {
        let step = if rng.next_u64() % 4 == 0 { 2 } else { 1 };
        strides[ax] = cur * step;
        cur = strides[ax] * shape[ax].max(1) as isize;
    }
    let mut offset = 0usize;
    for ax in 0..nd {
        if rng.next_u64() % 3 == 0 && shape[ax] > 1 {
            offset += (shape[ax] - 1) * strides[ax] as usize;
            strides[ax] = -strides[ax];
        }
    }
    let len = if shape.contains(&0) { 1 } else { cur.max(1) as usize + offset };
    (len, offset, strides)
}

/// Offset of a multi-index, broadcasting an operand of rank `shape.len()`
/// against the output index `idx` (right-aligned, extent-1 axes fixed at 0).
pub fn bcast_offset(idx: &[usize], shape: &[usize], offset: usize, strides: &[isize]) -> usize {
    let lead = idx.len() - shape.len();
    let mut off = offset as isize;
    for k in 0..shape.len() {
        if shape[k] != 1 {
            off += idx[lead + k] as isize * strides[k];
        }
    }
    off as usize
}

/// All multi-indices of `shape` in C order.
pub fn indices(shape: &[usize]) -> Vec<Vec<usize>> {
    let total: usize = shape.iter().product();
    let mut out = Vec::with_capacity(total);
    let mut idx = vec![0usize; shape.len()];
    for _ in 0..total {
        out.push(idx.clone());
        for k in (0..shape.len()).rev() {
            idx[k] += 1;
            if idx[k] < shape[k] {
                break;
            }
            idx[k] = 0;
        }
    }
    out
}

/// Documented max error in ULPs for f32 (vs the exact value): the table in
/// `numkern::kernels::accuracy`, the README's and the header's source.
pub fn bound_f32(op: UnaryOp) -> f64 {
    numkern::kernels::accuracy::f32_bound(op)
}

/// The documented f64 bound plus half an ULP for the reference, glibc's
/// f64 function (itself within about half an ULP). gelu and gelu_tanh
/// also allow for the conditioning of the libm formula the reference
/// evaluates with a rounded inner argument (gelu: x^2, gelu_tanh: |z|);
/// `tests/accuracy.rs` holds them to the documented bound against a
/// double-double reference instead.
pub fn bound_f64(op: UnaryOp, x: f64) -> f64 {
    use UnaryOp::*;
    let x = if x.is_finite() { x } else { 0.0 };
    let documented = numkern::kernels::accuracy::f64_bound(op);
    match op {
        Gelu => documented + 0.5 + 2.5 * x * x,
        GeluTanh => documented + 0.5 + 8.0 * (x * (1.0 + 0.044715 * x * x)).abs(),
        _ if numkern::kernels::accuracy::of(op).is_some() => documented + 0.5,
        _ => 0.5,
    }
}

/// f32 and f64 as the tests see them: conversions, the ULP error and
/// documented bound, and the reference of the binary ops.
pub trait TestFloat: numkern::kernels::KernelFloat + Element {
    fn from(x: f64) -> Self;
    fn to(self) -> f64;
    fn ulp_err(y: Self, r: f64) -> f64;
    fn bound(op: UnaryOp, x: f64) -> f64;
    fn binary_ref(op: BinaryOp, a: Self, b: Self) -> Self;
    fn fma(self, a: Self, b: Self) -> Self;
}
impl TestFloat for f32 {
    fn from(x: f64) -> Self {
        x as f32
    }
    fn to(self) -> f64 {
        self as f64
    }
    fn ulp_err(y: Self, r: f64) -> f64 {
        ulp_err_f32(y, r)
    }
    fn bound(op: UnaryOp, _: f64) -> f64 {
        bound_f32(op)
    }
    fn binary_ref(op: BinaryOp, a: Self, b: Self) -> Self {
        binary_ref_f32(op, a, b)
    }
    fn fma(self, a: Self, b: Self) -> Self {
        self.mul_add(a, b)
    }
}
impl TestFloat for f64 {
    fn from(x: f64) -> Self {
        x
    }
    fn to(self) -> f64 {
        self
    }
    fn ulp_err(y: Self, r: f64) -> f64 {
        ulp_err_f64(y, r)
    }
    fn bound(op: UnaryOp, x: f64) -> f64 {
        bound_f64(op, x)
    }
    fn binary_ref(op: BinaryOp, a: Self, b: Self) -> Self {
        binary_ref_f64(op, a, b)
    }
    fn fma(self, a: Self, b: Self) -> Self {
        self.mul_add(a, b)
    }
}

pub fn same_bits<T: TestFloat>(a: T, b: T) -> bool {
    (a.to().is_nan() && b.to().is_nan()) || a.to().to_bits() == b.to().to_bits()
}

/// The parameters the tests give the parameterized unary ops.
pub fn params_for(op: UnaryOp) -> UnaryParams {
    match op {
        UnaryOp::LeakyRelu => UnaryParams { a: 0.01, b: 0.0 },
        UnaryOp::Clip => UnaryParams { a: -2.5, b: 3.0 },
        UnaryOp::Affine => UnaryParams { a: 1.5, b: -0.25 },
        _ => UnaryParams::default(),
    }
}

/// Reference of a unary op on an element of type T (params rounded to T first,
/// affine fused like the kernel).
pub fn unary_expect<T: TestFloat>(op: UnaryOp, x: T, p: UnaryParams) -> f64 {
    let (a, b) = (T::from(p.a).to(), T::from(p.b).to());
    match op {
        UnaryOp::Affine => x.fma(T::from(a), T::from(b)).to(),
        _ => unary_ref(op, x.to(), UnaryParams { a, b }),
    }
}

pub mod dd;
