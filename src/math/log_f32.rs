//! The f32 log family evaluated natively in f32: log, log1p, expm1 and
//! softplus, each within 1 ULP over all 2^32 inputs without widening to f64.
//!
//! log: x = 2^e m with m in [1, 2) (frexp), n = round(15 m) keys a
//! 16-entry table (n mod 16) of 1/c and log c; r = m / c - 1 is computed as
//! fma(m, 1/c, -1) and is exact, because each 1/c has five bits (a multiple
//! of 1/32) and keeps |r| < 1/16 over its slot. Then
//! log x = (e ln2_hi + log c_hi) + r + [r^2 Q(r) + e ln2_lo + log c_lo],
//! where the first bracket is exact (both parts are multiples of 2^-16)
//! and its sum with r is carried as a Fast2Sum pair, so the result is
//! rounded about once. The slots at m = 1 and m = 2 have c = 1 and c = 2,
//! so x near 1 (from either side) reduces to log1p(r) with r = x - 1 exact
//! and no cancellation.
//!
//! log1p(x) and softplus(x) = max(x, 0) + log1p(e^-|x|) feed 1 + y into the
//! same reduction as an exact pair u + u_lo; the low part enters r as
//! d = u_lo / (2^e c) with log1p(r + d) = log1p(r) + d (1 - r - d / 2).
//! expm1 reuses exp's table reduction (`fast_f32`) and carries
//! 2^k T - 1 and 2^k T r as exact pairs, so that the cancellation near
//! x = 0 costs nothing.
//!
//! Constants: `tools/fit_coefficients.py` prints the tables and Q.

use super::fast_f32::{exp_f32, exp_split, k, pow2_of_key, EXP2_SIXTEENTHS_HI, EXP2_SIXTEENTHS_LO, LN2_HI, LN2_LO, LOG2_E, SHIFTER};
use super::two_sum;
use crate::simd::{low_bits, Simd, SimdFloat};

/// 1/c per slot n mod 16 (n = round(15 m), 15..30): multiples of 1/32.
const LOG_INVC: [f32; 16] = [
    0.9375, 0.875, 0.84375, 0.78125, 0.75, 0.71875, 0.6875, 0.65625, 0.625, 0.59375, 0.5625, 0.5625, 0.53125, 0.53125, 0.5, 1.0,
];
/// -log(1/c) rounded to a multiple of 2^-16.
const LOG_C_HI: [f32; 16] = [
    0.064_544_677_734_375,
    0.133_529_663_085_937_5,
    0.169_906_616_210_937_5,
    0.246_856_689_453_125,
    0.287_689_208_984_375,
    0.330_245_971_679_687_5,
    0.374_694_824_218_75,
    0.421_218_872_070_312_5,
    0.470_001_220_703_125,
    0.521_301_269_531_25,
    0.575_363_159_179_687_5,
    0.575_363_159_179_687_5,
    0.632_522_583_007_812_5,
    0.632_522_583_007_812_5,
    0.693_145_751_953_125,
    0.0,
];
/// -log(1/c) - LOG_C_HI, rounded to f32.
const LOG_C_LO: [f32; 16] = [
    -6.156_597e-6,
    1.729_538_6e-6,
    -7.579_415_5e-6,
    3.388_478_5e-6,
    -7.136_532_5e-6,
    -4.284_809e-6,
    -1.374_777_3e-6,
    -5.406_994e-6,
    2.408_542_5e-6,
    -4.345_898e-6,
    9.857_239e-7,
    9.857_239e-7,
    -2.426_430_3e-8,
    -2.426_430_3e-8,
    1.428_606_8e-6,
    0.0,
];
/// ln 2 as a multiple of 2^-16 (so e * LN2_Q16_HI is exact for |e| < 2^8)
/// and the rest.
const LN2_Q16_HI: f32 = 0.693_145_751_953_125;
const LN2_Q16_LO: f32 = 1.428_606_8e-6;
/// (log1p(r) - r) / r^2 ~ Q(r) on [-0.0438, 0.0448], highest degree first
/// (Chebyshev fit, absolute error 2^-23.5: 2^-32.5 after the factor r^2).
const LOG_Q: [f32; 4] = [0.199_932_75, -0.250_326_5, 0.333_333_6, -0.499_999_9];
/// 1.5 * 2^23: adding it rounds to an integer, held in the low mantissa bits.
const INT_SHIFTER: f32 = 12_582_912.0;

/// Whether every lane of `m` is set.
#[inline(always)]
fn all<V: SimdFloat>(m: V::Mask) -> bool {
    V::mask_bits(m) == low_bits(V::LANES)
}

/// A low part of the argument of [`log_split`]: u_lo, and optionally a
/// second, smaller one (softplus's e^-|x| is itself a pair).
type LowParts<V> = Option<(V, Option<V>)>;

/// log(u + u_lo (+ u_lo2)) as an unevaluated pair s + t (|t| <= ulp(s)
/// plus far less), for positive normal `u` and |u_lo| <= ulp(u) / 2;
/// `e_bias` is added to u's exponent (for prescaled subnormals).
#[inline(always)]
fn log_split<S: Simd>(u: S::F32, low: LowParts<S::F32>, e_bias: Option<S::F32>) -> (S::F32, S::F32) {
    let (m, e) = u.frexp();
    let e = match e_bias {
        Some(b) => e.add(b),
        None => e,
    };
    let key = m.mul_add(k(15.0), k(INT_SHIFTER));
    let invc = S::lookup16(&LOG_INVC, key);
    let r = m.mul_add(invc, k(-1.0)); // exact
    let mut lo = e.mul_add(k(LN2_Q16_LO), S::lookup16(&LOG_C_LO, key));
    let r = match low {
        None => r,
        Some((u_lo, u_lo2)) => {
            // d = u_lo / (2^e c): 2^-e from (127 - e) shifted into the
            // exponent field (e <= 126 keeps it normal; above, d is far
            // below an ULP). r + d is taken as the reduced argument, its
            // rounding error (Fast2Sum) and u_lo2 / (2^e c) go to the tail:
            // log1p(r + d + d2) = log1p(r + d) + d2 / (1 + r + d), and the
            // tail holds no more than 2^-24, so dropping the r d2 term
            // costs 2^-28 of a tail that is itself far below an ULP.
            let biased = k::<S::F32>(INT_SHIFTER + 127.0).sub(e.min_raw(k(126.0)));
            let scale = S::shl_bits::<23>(biased).mul(invc);
            let d = u_lo.mul(scale);
            let rd = r.add(d);
            let err = r.sub(rd).add(d);
            lo = lo.add(match u_lo2 {
                Some(u_lo2) => u_lo2.mul_add(scale, err),
                None => err,
            });
            rd
        }
    };
    let mut q = k::<S::F32>(LOG_Q[0]);
    for &c in &LOG_Q[1..] {
        q = q.mul_add(r, k(c));
    }
    let tail = r.mul(r).mul_add(q, lo);
    let hi = e.mul_add(k(LN2_Q16_HI), S::lookup16(&LOG_C_HI, key)); // exact
    // Fast2Sum: |hi| >= |r| unless hi = 0 (checked by the exhaustive sweep).
    let s = hi.add(r);
    (s, hi.sub(s).add(r).add(tail))
}

/// ln(x) in f32: -inf at ±0, NaN below 0, +inf at +inf. Lanes that are
/// subnormal, zero, negative, infinite or NaN take a second pass (one
/// branch per vector).
#[inline(always)]
pub fn log_f32<S: Simd>(x: S::F32) -> S::F32 {
    let normal = <S::F32 as SimdFloat>::mask_and(x.ge(k(f32::MIN_POSITIVE)), x.lt(k(f32::INFINITY)));
    if all::<S::F32>(normal) {
        let (s, t) = log_split::<S>(x, None, None);
        return s.add(t);
    }
    let sub = x.lt(k(f32::MIN_POSITIVE));
    let scaled = S::F32::select(sub, x.mul(k(16_777_216.0)), x); // 2^24
    let (s, t) = log_split::<S>(scaled, None, Some(S::F32::select(sub, k(-24.0), k(0.0))));
    let r = S::F32::select(x.eq(k(f32::INFINITY)), x, s.add(t));
    let r = S::F32::select(x.eq(k(0.0)), k(f32::NEG_INFINITY), r);
    S::F32::select(x.ge(k(0.0)), r, k(f32::NAN))
}

/// ln(1 + x) in f32: 1 + x as an exact pair (Fast2Sum, the larger first)
/// into [`log_split`]. ±0 kept, -inf at -1, NaN below.
#[inline(always)]
pub fn log1p_f32<S: Simd>(x: S::F32) -> S::F32 {
    let (a, b) = (x.max_raw(k(1.0)), x.min_raw(k(1.0)));
    let u = a.add(b);
    let u_lo = a.sub(u).add(b);
    let (s, t) = log_split::<S>(u, Some((u_lo, None)), None);
    // log1p has x's sign; the sum gives +0 for x = -0.
    let r = s.add(t).bit_or(x.sign_bit());
    if all::<S::F32>(<S::F32 as SimdFloat>::mask_and(x.gt(k(-1.0)), x.lt(k(f32::INFINITY)))) {
        return r;
    }
    let r = S::F32::select(x.eq(k(f32::INFINITY)), x, r);
    let r = S::F32::select(x.eq(k(-1.0)), k(f32::NEG_INFINITY), r);
    S::F32::select(x.ge(k(-1.0)), r, k(f32::NAN))
}

/// e^x - 1 in f32. With x = n ln2 / 16 + r (n = 16 k + j, r exact from the
/// first Cody-Waite step, r_lo the second) and T = 2^(j/16) = T_hi + T_lo:
/// e^x - 1 = (2^k T_hi - 1) + 2^k T_hi r + 2^k [T_hi p_lo + T_lo (1 + r)],
/// p_lo = r_lo + r^2 (1/2 + r/6 + r^2/24) (the Taylor terms to 2^-38
/// relative; exp's two-term fit would cost 2 ULP here). The first term is an exact TwoSum pair,
/// the second an exact product pair, added by Fast2Sum; so the result is
/// rounded about once even where e^x - 1 cancels. Beyond |x| = 87 (one
/// branch per vector): e^x above (e^x - 1 rounds to it), -1 below.
#[inline(always)]
pub fn expm1_f32<S: Simd>(x: S::F32) -> S::F32 {
    let key = x.mul_add(k(LOG2_E), k(SHIFTER));
    let scale = key.sub(k(SHIFTER));
    let r = scale.mul_add(k(-LN2_HI), x);
    let r_lo = scale.mul(k(-LN2_LO));
    let q = r.mul_add(k(1.0 / 24.0), k(1.0 / 6.0)).mul_add(r, k(0.5));
    let p_lo = r.mul(r).mul_add(q, r_lo);
    let t_hi = S::lookup16(&EXP2_SIXTEENTHS_HI, key);
    let t_lo = S::lookup16(&EXP2_SIXTEENTHS_LO, key);
    let p2 = pow2_of_key::<S>(key); // 2^k, normal for |x| <= 87
    let (a, a_lo) = two_sum(t_hi.mul(p2), k(-1.0));
    let b = t_hi.mul(r);
    let minus_b_err = t_hi.neg_mul_add(r, b);
    let small = t_hi.mul_add(p_lo, t_lo.mul_add(r, t_lo)).sub(minus_b_err).mul(p2);
    let b = b.mul(p2);
    // Fast2Sum: |a| >= |b| (|b| <= 0.0227 |2^k T_hi| while |a| >= 0.0424).
    let s = a.add(b);
    let e = a.sub(s).add(b);
    // expm1 has x's sign; the sum gives +0 for x = -0.
    let res = s.add(e.add(a_lo).add(small)).bit_or(x.sign_bit());
    if all::<S::F32>(x.abs().le(k(87.0))) {
        return res;
    }
    let res = S::F32::select(x.gt(k(87.0)), exp_f32::<S>(x), res);
    let res = S::F32::select(x.lt(k(-87.0)), k(-1.0), res);
    S::F32::select(x.is_nan(), x, res)
}

/// softplus(x) = max(x, 0) + log1p(e^-|x|) in f32: e^-|x| from exp's
/// reduction as a pair 2^k (hi + lo), 1 + e^-|x| as an exact pair into
/// [`log_split`], and max(x, 0) added by Fast2Sum. Beyond |x| = 80 (one
/// branch per vector): x above, e^x below (e^x (1 - e^x / 2) rounds to it).
#[inline(always)]
pub fn softplus_f32<S: Simd>(x: S::F32) -> S::F32 {
    let y = x.abs();
    let (hi, lo, _, key) = exp_split::<S, true>(y);
    let p2 = pow2_of_key::<S>(key); // 2^k, normal for |x| <= 87
    // e^-|x| = e + e_err and 1 + e = u + u_lo, both by Fast2Sum.
    let (e_hi, e_lo) = (hi.mul(p2), lo.mul(p2));
    let e = e_hi.add(e_lo);
    let e_err = e_hi.sub(e).add(e_lo);
    let u = e.add(k(1.0));
    let u_lo = k::<S::F32>(1.0).sub(u).add(e);
    let (s, t) = log_split::<S>(u, Some((u_lo, Some(e_err))), None);
    let xp = x.max_raw(k(0.0));
    let (a, b) = (xp.max_raw(s), xp.min_raw(s));
    let sum = a.add(b);
    let res = sum.add(a.sub(sum).add(b).add(t));
    if all::<S::F32>(y.le(k(80.0))) {
        return res;
    }
    let res = S::F32::select(x.ge(k(-80.0)), res, exp_f32::<S>(x)); // NaN too
    S::F32::select(x.gt(k(80.0)), x, res)
}
