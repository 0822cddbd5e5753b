//! The hot f32 functions (exp, sigmoid; tanh's large branch uses this exp),
//! evaluated natively in f32 with a 16-entry table so the polynomial is
//! short: the cost sits in a handful of FMAs and one `vpermps` per table half.
//!
//! Reduction: x = (16 k + j) ln2/16 + r with |r| <= ln2/32, so
//! e^x = 2^k * 2^(j/16) * e^r. `n16 / 16` comes out of one FMA with a
//! shifter constant (the low four bits of the sum index the table), `r` from two
//! Cody-Waite steps (the first exact), and e^r - 1 = r + r^2 (G0 + G1 r).
//! 2^(j/16) is stored as hi + lo, so the only large rounding is the final
//! `hi + (hi * p + lo)`: 0.5 ULP plus a few hundredths.

use crate::simd::{Simd, SimdFloat};

/// 2^(j/16) rounded to f32, j = 0..15 (fit_coefficients.py prints them).
const EXP2_SIXTEENTHS_HI: [f32; 16] = [
    1.0,
    1.044_273_7,
    1.090_507_7,
    1.138_788_6,
    1.189_207_1,
    1.241_857_8,
    1.296_839_6,
    1.354_255_6,
    1.414_213_5,
    1.476_826_2,
    1.542_210_8,
    1.610_490_3,
    1.681_792_9,
    1.756_252_2,
    1.834_008_1,
    1.915_206_6,
];
/// 2^(j/16) - HI[j], rounded to f32.
const EXP2_SIXTEENTHS_LO: [f32; 16] = [
    0.0,
    4.833_470_2e-8,
    -1.307_754e-8,
    5.386_222_3e-8,
    3.797_635_3e-8,
    4.496_838e-8,
    -4.018_999_5e-8,
    -1.012_335e-8,
    2.420_323_5e-8,
    -4.500_899e-8,
    8.070_905e-9,
    9.836_217e-9,
    -2.475_532_7e-8,
    -9.235_77e-9,
    -1.123_927_8e-8,
    9.845_328e-9,
];
/// 1.5 * 2^19: adding it rounds to a multiple of 1/16, and the sixteenths
/// (n16 = 16 k + j) sit in the low mantissa bits of the sum.
const SHIFTER: f32 = 786_432.0;
const LOG2_E: f32 = 1.442_695;
/// ln2 split: (n16/16) * LN2_HI is subtracted exactly (|r| < 2^-5 needs 23 bits).
const LN2_HI: f32 = 0.693_147_18;
const LN2_LO: f32 = -1.904_654_2e-9;
/// (e^r - 1 - r) / r^2 ~ G0 + G1 r on |r| <= 0.022 (fit_coefficients.py; rel. error 2^-27.6).
const G0: f32 = 0.500_010_08;
const G1: f32 = 0.166_668_68;

#[inline(always)]
fn k<V: SimdFloat<Scalar = f32>>(c: f32) -> V {
    V::splat(c)
}

/// e^(±x) = 2^floor(scale) * (hi + lo), the sign fixed at compile time
/// (`NEG` folds the negation into the constants): returns (hi, lo, scale)
/// with hi the table entry, lo = hi (e^r - 1) + its rounding error
/// (|lo| < 0.05 hi), and scale = n16 / 16, which `ldexp_floor` takes as it is.
#[inline(always)]
fn exp_split<S: Simd, const NEG: bool>(x: S::F32) -> (S::F32, S::F32, S::F32) {
    let sign = if NEG { -1.0 } else { 1.0 };
    let t = x.mul_add(k(sign * LOG2_E), k(SHIFTER));
    let scale = t.sub(k(SHIFTER));
    // rs = sign * r, with r = ±x - scale ln2 (the first step exact).
    let rs = scale.mul_add(k(-sign * LN2_HI), x);
    let rs = scale.mul_add(k(-sign * LN2_LO), rs);
    // sign * (e^r - 1) = rs + sign * rs^2 (G0 + G1 r).
    let q = rs.mul_add(k(sign * G1), k(G0));
    let p = if NEG { rs.mul(rs).neg_mul_add(q, rs) } else { rs.mul(rs).mul_add(q, rs) };
    let hi = S::lookup16(&EXP2_SIXTEENTHS_HI, t);
    let table_lo = S::lookup16(&EXP2_SIXTEENTHS_LO, t);
    let lo = if NEG { hi.neg_mul_add(p, table_lo) } else { hi.mul_add(p, table_lo) };
    (hi, lo, scale)
}

/// e^x in f32. Max error 0.78 ULP over all 2^32 inputs, reached where the
/// result is subnormal (one rounding of the mantissa, one into the subnormal
/// grid); +inf above 88.72, gradual underflow to 0 below -103.97, NaN kept.
#[inline(always)]
pub fn exp_f32<S: Simd>(x: S::F32) -> S::F32 {
    // In range the shifter trick is exact; max_raw/min_raw keep NaN.
    let x = k::<S::F32>(89.0).min_raw(k::<S::F32>(-104.0).max_raw(x));
    let (hi, lo, scale) = exp_split::<S, false>(x);
    hi.add(lo).ldexp_floor(scale)
}

/// 1 / (1 + e^-x) in f32, max error 1.0 ULP (README has the measured figure).
///
/// With E = e^-x, the quotient 1 / (1 + E) is an approximate reciprocal
/// refined by one residual step that takes in the rounding errors of E and
/// of 1 + E, so the result is rounded about once. Where E would
/// overflow (x < -87.3), sigmoid(x) = e^x (1 - e^x + ...) is e^x to far
/// below an ULP, so those lanes (rare: one branch per vector) take exp(x),
/// which underflows gradually: nothing flushes to 0 early.
#[inline(always)]
pub fn sigmoid_f32<S: Simd>(x: S::F32) -> S::F32 {
    let one = k::<S::F32>(1.0);
    // Above 104, E rounds to 0 and the result to 1; min_raw keeps NaN.
    let x_top = k::<S::F32>(104.0).min_raw(x);
    let (hi, lo, scale) = exp_split::<S, true>(x_top);
    // E = 2^k m + 2^k m_lo exactly, m = hi + lo rounded (the scaling is exact
    // down to x = 87.3; beyond, E is far below 1 and only 1 + E matters).
    let m = hi.add(lo);
    let m_lo = lo.sub(m.sub(hi)); // exact: Fast2Sum, |hi| >= |lo|
    let pow2 = one.ldexp_floor(scale);
    let big_e = m.mul(pow2);
    // 1 + E and its rounding error, Fast2Sum on (max, min), plus E's.
    let (a, b) = (one.max_raw(big_e), one.min_raw(big_e)); // NaN stays
    let d = a.add(b);
    let d_lo = b.sub(d.sub(a)).add(m_lo.mul(pow2));
    let y0 = d.recip_approx();
    let residual = y0.neg_mul_add(d, one);
    let residual = y0.neg_mul_add(d_lo, residual);
    let r = residual.mul_add(y0, y0);
    let deep = x.lt(k(-87.3));
    if S::F32::mask_bits(deep) == 0 {
        r
    } else {
        S::F32::select(deep, exp_f32::<S>(x), r)
    }
}
