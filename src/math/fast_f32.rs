//! The hot f32 functions (exp, sigmoid, tanh, silu, gelu in both forms),
//! evaluated natively in f32 with a 16-entry table so the polynomial is
//! short: the cost sits in a handful of FMAs and one `vpermps` per table half.
//!
//! Reduction: x = (16 k + j) ln2/16 + r with |r| <= ln2/32, so
//! e^x = 2^k * 2^(j/16) * e^r. `n16 / 16` comes out of one FMA with a
//! shifter constant (the low four bits of the sum index the table), `r` from two
//! Cody-Waite steps (the first exact), and e^r - 1 = r + r^2 (G0 + G1 r).
//! 2^(j/16) is stored as hi + lo, so the only large rounding is the final
//! `hi + (hi * p + lo)`: 0.5 ULP plus a few hundredths.

// The tables and split constants are values printed by tools/fit_coefficients.py
// (some of them equal sqrt(2), log2(e) or ln 2 rounded to f32): kept as the
// script prints them.
#![allow(clippy::approx_constant)]

use super::two_sum;
use crate::simd::{Simd, SimdFloat};

/// 2^(j/16) rounded to f32, j = 0..15 (tools/fit_coefficients.py prints them).
pub(super) const EXP2_SIXTEENTHS_HI: [f32; 16] = [
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
pub(super) const EXP2_SIXTEENTHS_LO: [f32; 16] = [
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
/// 1.5 * 2^19 + 127: adding it rounds to a multiple of 1/16, and the
/// sixteenths (n16 + 16 * 127 = 16 (k + 127) + j) sit in the low mantissa
/// bits of the sum: j indexes the table, k + 127 is 2^k's exponent field.
pub(super) const SHIFTER: f32 = 786_432.0 + 127.0;
/// f32(C * 2^((16 - j) / 16)), j = 0..15, for [`sigmoid_f32`]; with
/// C = SIGMOID_C every entry is within 0.26 * 2^-24 (relative) of the exact
/// product, so no low part is needed (tools/fit_coefficients.py searches C).
const SIGMOID_EXP2_SCALED: [f32; 16] = [
    3.626_189_7,
    3.472_451_2,
    3.325_230_6,
    3.184_251_8,
    3.049_25,
    2.919_971_7,
    2.796_174_5,
    2.677_626,
    2.564_103_4,
    2.455_393_8,
    2.351_293,
    2.251_606,
    2.156_145_3,
    2.064_731_8,
    1.977_194,
    1.893_367_4,
];
/// 1.813_094_9: the mantissa bits, or-ed into 2^m, give 2^m C exactly.
const SIGMOID_C_MANTISSA: u32 = 0x0068_137e;
/// 1.5 * 2^19 + 128: the sum's low bits hold n + 16 * 128, so shifted into
/// the exponent field they give u = 2^(floor(n / 16) + 1).
const SIGMOID_SHIFTER: f32 = 786_432.0 + 128.0;
pub(super) const LOG2_E: f32 = 1.442_695;
/// ln2 split: (n16/16) * LN2_HI is subtracted exactly (|r| < 2^-5 needs 23 bits).
pub(super) const LN2_HI: f32 = 0.693_147_18;
pub(super) const LN2_LO: f32 = -1.904_654_2e-9;
/// (e^r - 1 - r) / r^2 ~ G0 + G1 r on |r| <= 0.022 (tools/fit_coefficients.py; rel. error 2^-27.6).
pub(super) const G0: f32 = 0.500_010_08;
pub(super) const G1: f32 = 0.166_668_68;

/// A splat f32 constant.
#[inline(always)]
pub(super) fn k<V: SimdFloat<Scalar = f32>>(c: f32) -> V {
    V::splat(c)
}

/// e^(±x) = 2^floor(scale) * (hi + lo), the sign fixed at compile time
/// (`NEG` folds the negation into the constants): returns (hi, lo, scale,
/// key) with hi the table entry, lo = hi (e^r - 1) + its rounding error
/// (|lo| < 0.05 hi), scale = n16 / 16, which `ldexp_floor` takes as it is,
/// and the shifter sum `key`, from which [`pow2_of_key`] builds 2^floor(scale).
#[inline(always)]
pub(super) fn exp_split<S: Simd, const NEG: bool>(x: S::F32) -> (S::F32, S::F32, S::F32, S::F32) {
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
    (hi, lo, scale, t)
}

/// 2^floor(scale) for the `key` of [`exp_split`], exact for floor(scale) in
/// [-126, 127] (k + 127 shifted from the low mantissa bits into the exponent
/// field); elsewhere the caller must not use it.
#[inline(always)]
pub(super) fn pow2_of_key<S: Simd>(key: S::F32) -> S::F32 {
    S::shl_bits::<19>(key).bit_and(k(f32::from_bits(0x7f80_0000)))
}

/// e^x in f32. Max error 0.78 ULP over all 2^32 inputs, reached where the
/// result is subnormal (one rounding of the mantissa, one into the subnormal
/// grid); +inf above 88.72, gradual underflow to 0 below -103.97, NaN kept.
#[inline(always)]
pub fn exp_f32<S: Simd>(x: S::F32) -> S::F32 {
    // In range the shifter trick is exact; max_raw/min_raw keep NaN.
    let x = k::<S::F32>(89.0).min_raw(k::<S::F32>(-104.0).max_raw(x));
    let (hi, lo, scale, _) = exp_split::<S, false>(x);
    hi.add(lo).ldexp_floor(scale)
}

/// 1 / (1 + e^-x) in f32, max error 1.0 ULP.
///
/// With n = round(16 x log2 e) = 16 k + j and s = x - n ln2 / 16 (two
/// Cody-Waite steps), e^-x = 2^-(k+1) 2^((16-j)/16) e^-s, so
/// sigmoid = uC / (uC + H[j] e^-s) with u = 2^(k+1) (exponent bits taken
/// straight from the shifter sum) and H[j] = C 2^((16-j)/16), exact to
/// 2^-25.9 for the chosen C. The denominator is carried as d + d_lo: d =
/// uC + H rounded, d_lo = its Fast2Sum error + H (e^-s - 1). The quotient
/// is rcp(d + d_lo) refined by one residual step against d and d_lo, so the
/// result is rounded about once. No division, no table low part, no ldexp.
/// 0.80 ULP measured over all 2^32 inputs. Above 80 the result is 1 (x is
/// clamped there, which keeps u normal). Below -70, where sigmoid(x) =
/// e^x (1 - e^x + ...) is e^x to far below an ULP, lanes take exp(x) (rare:
/// one branch per vector), which underflows gradually: nothing flushes to 0
/// early, and the residual above never goes subnormal.
#[inline(always)]
pub fn sigmoid_f32<S: Simd>(x: S::F32) -> S::F32 {
    let (r, deep) = times_sigmoid::<S, false, false>(x, x, x);
    if S::F32::mask_bits(deep) == 0 {
        r
    } else {
        S::F32::select(deep, exp_f32::<S>(x), r)
    }
}

/// `x * sigmoid(z)` (`TIMES`) or `sigmoid(z)`, with z = z_hi + z_lo when
/// `WITH_LO`; the quotient of [`sigmoid_f32`], its numerator uC times x
/// carried exactly as a product and its FMA error, so the result is still
/// rounded about once. Returns the result and the lanes with z < -70,
/// which the caller must replace (there the residual could go subnormal);
/// lanes with z > 80 hold sigmoid = 1 but not yet x (x uC may overflow).
#[inline(always)]
fn times_sigmoid<S: Simd, const TIMES: bool, const WITH_LO: bool>(x: S::F32, z: S::F32, z_lo: S::F32) -> (S::F32, <S::F32 as SimdFloat>::Mask) {
    let zc = k::<S::F32>(80.0).min_raw(z); // min_raw keeps NaN
    let t = zc.mul_add(k(LOG2_E), k(SIGMOID_SHIFTER));
    let scale = t.sub(k(SIGMOID_SHIFTER));
    let s = scale.mul_add(k(-LN2_HI), zc);
    let s = scale.mul_add(k(-LN2_LO), s);
    // |z_lo| < 2^-17 beside |s| <= ln2/32: the sum's rounding is 2^-29 of e^-s.
    let s = if WITH_LO { s.add(z_lo) } else { s };
    // e^-s - 1 = -s + s^2 (G0 - G1 s).
    let q = s.mul_add(k(-G1), k(G0));
    let p = s.mul(s).mul_add(q, s.neg());
    let h = S::lookup16(&SIGMOID_EXP2_SCALED, t);
    let h_lo = h.mul(p);
    let exponent = S::shl_bits::<19>(t).bit_and(k(f32::from_bits(0x7f80_0000)));
    let uc = exponent.bit_or(k(f32::from_bits(SIGMOID_C_MANTISSA)));
    let (a, b) = (uc.max_raw(h), uc.min_raw(h));
    let d = a.add(b);
    let d_lo = h_lo.add(b.sub(d.sub(a)));
    // z0 ~ num / (d + d_lo) to 2^-14; the residual is against the numerator
    // itself (x uC = num + num_lo exactly), so z0's own rounding is corrected too.
    let (num, num_lo) = if TIMES {
        let num = x.mul(uc);
        (num, x.mul_add(uc, num.neg()))
    } else {
        (uc, uc)
    };
    let y0 = d.add(d_lo).recip_approx();
    let z0 = y0.mul(num);
    let residual = z0.neg_mul_add(d, num);
    let residual = z0.neg_mul_add(d_lo, residual);
    let r = if TIMES {
        // x sigmoid(z) has x's sign; the sum above gives +0 for x = -0.
        residual.add(num_lo).mul_add(y0, z0).bit_or(x.sign_bit())
    } else {
        residual.mul_add(y0, z0)
    };
    (r, z.lt(k(-70.0)))
}

/// x sigmoid(x) in f32: the quotient of [`sigmoid_f32`] with numerator x uC,
/// rounded about once. Above 80 the result is x (it rounds to x from 17 up);
/// below -70 the lanes take the f64 algorithm (rare: one branch per vector),
/// where the result heads into the subnormals. 0.844 ULP measured over all
/// 2^32 inputs (AVX-512 and AVX2).
#[inline(always)]
pub fn silu_f32<S: Simd>(x: S::F32) -> S::F32 {
    let (r, deep) = times_sigmoid::<S, true, false>(x, x, x);
    let r = S::F32::select(x.gt(k(80.0)), x, r);
    if S::F32::mask_bits(deep) == 0 {
        r
    } else {
        S::F32::select(deep, super::via_f64!(S, x, super::silu), r)
    }
}

/// 2 sqrt(2/pi) = GT_C1 + GT_C1_LO and 0.044715 times it = GT_C2 + GT_C2_LO
/// (each pair the f32 rounding and the rest).
const GT_C1: f32 = 1.595_769_2;
const GT_C1_LO: f32 = -4.534_068e-8;
const GT_C2: f32 = 0.071_354_814;
const GT_C2_LO: f32 = 2.398_832_5e-9;

/// GELU's tanh form, x sigmoid(z) with z = x (GT_C1 + GT_C2 x^2), in f32.
/// An error in z is a relative error z sigmoid(-z) in the result (20 ULP
/// at z = -10 from z rounded once), so z is formed as z + z_lo with
/// error-free products and a Fast2Sum (both terms are >= 0), to 2^-40,
/// and fed to [`times_sigmoid`]. z > 80 gives x; z < -70 (x < -8.1) takes
/// the f64 algorithm. 0.839 ULP (AVX-512) and 0.844 (AVX2) measured over
/// all 2^32 inputs.
#[inline(always)]
pub fn gelu_tanh_f32<S: Simd>(x: S::F32) -> S::F32 {
    let w = x.mul(x);
    let w_lo = x.mul_add(x, w.neg());
    let q = w.mul(k(GT_C2));
    let q_lo = w.mul_add(k(GT_C2), q.neg()).add(w_lo.mul_add(k(GT_C2), w.mul(k(GT_C2_LO))));
    let (a, b) = (q.max_raw(k(GT_C1)), q.min_raw(k(GT_C1)));
    let t = a.add(b);
    let t_lo = b.sub(t.sub(a)).add(q_lo.add(k(GT_C1_LO)));
    let z = x.mul(t);
    let z_lo = x.mul_add(t, z.neg()).add(x.mul(t_lo));
    let (r, deep) = times_sigmoid::<S, true, true>(x, z, z_lo);
    let r = S::F32::select(z.gt(k(80.0)), x, r);
    if S::F32::mask_bits(deep) == 0 {
        r
    } else {
        S::F32::select(deep, super::via_f64!(S, x, super::gelu_tanh), r)
    }
}

/// GELU's erf form in f32 (tools/fit_coefficients.py). |x| <= 1: x Phi(x) =
/// x (1/2 + x S(x^2)), S the Taylor series of (Phi(x) - 1/2) / x (9 terms,
/// to 2^-30), its constant as hi + lo.
const GELU_S0_HI: f32 = 0.398_942_3;
const GELU_S0_LO: f32 = -1.133_517e-8;
const GELU_S: [f32; 8] = [2.273_529_8e-9, -4.122_667_4e-8, 6.659_693_7e-7, -9.444_656e-6, 1.154_346_9e-4, -1.187_328_2e-3, 9.973_557e-3, -6.649_038e-2];
/// |x| > 1, y = |x|: Phi(-y) = e^(-y^2/2) w K(u) with w = C / (C + y) and
/// u = w - W_MID; K is a Chebyshev fit of degree 9 for y in [1, 14.5]
/// (relative error 2^-29.3), its constant as hi + lo. (One fit down to
/// y = 0 needs a wider u, and its rounding in Horner's steps cost 1.5 ULP.)
const GELU_C: f32 = 2.828_427;
const GELU_W_MID: f32 = 0.451_010_4;
const GELU_K0_HI: f32 = 0.239_225_49;
const GELU_K0_LO: f32 = 4.702_962e-9;
const GELU_K: [f32; 9] = [-0.023_169_681, -0.028_684_057, 0.042_414_885, 0.036_976_915, -0.064_742_215, -0.071_677_916, 0.088_390_99, 0.267_586_23, 0.316_761_55];

/// c0 + c1 v + c2 v^2 + ... at v = u + u_lo, as a pair: `coeffs` runs from
/// the highest degree down to c1, c0 = c0_hi + c0_lo. The last two Horner
/// steps are carried with their errors (each rounds to a few 2^-27 of the
/// sum where |c1 v| is a good part of it), and u_lo enters through the
/// derivative c1 + 2 c2 v, roughly (enough for the tiny u_lo).
#[inline(always)]
fn poly_pair<S: Simd, const N: usize>(u: S::F32, u_lo: S::F32, coeffs: &[f32; N], c0_hi: f32, c0_lo: f32) -> (S::F32, S::F32) {
    let (c1, tail) = coeffs.split_last().unwrap();
    let mut p2 = k::<S::F32>(tail[0]);
    for &c in &tail[1..] {
        p2 = p2.mul_add(u, k(c));
    }
    let t1 = p2.mul(u);
    let (p1, p1_lo) = two_sum(k(*c1), t1);
    let p1_lo = p1_lo.add(p2.mul_add(u, t1.neg()));
    let t0 = p1.mul(u);
    let err0 = p1.mul_add(u, t0.neg()).add(p1_lo.mul_add(u, k(c0_lo)));
    let (v, v_lo) = two_sum(k(c0_hi), t0);
    (v, v_lo.add(err0).add(p1.add(t1).mul(u_lo)))
}

/// GELU, erf form: x Phi(x), in f32. Every factor is carried with its
/// error (an exact x^2, the quotient w, the polynomials' constants and last
/// steps, e^(-y^2/2) and the products), so the result is rounded about
/// once: x < -1, where x Phi(x) is a small product, needs Phi(-y) to a
/// relative error well below an ULP; x > 1 takes x - x Phi(-x), where
/// Phi(-x)'s error counts at most a fifth. Below -14.5 the result rounds
/// to -0; above 10 it is x. 0.816 ULP measured over all 2^32 inputs
/// (AVX-512 and AVX2).
#[inline(always)]
pub fn gelu_f32<S: Simd>(x_in: S::F32) -> S::F32 {
    let x = k::<S::F32>(10.0).min_raw(k::<S::F32>(-14.5).max_raw(x_in)); // keeps NaN
    let x2 = x.mul(x);
    let x2_lo = x.mul_add(x, x2.neg());
    // |x| <= 1: x (1/2 + x S), with 1/2 + x S as h + h_lo.
    let (s, s_lo) = poly_pair::<S, 8>(x2, x2_lo, &GELU_S, GELU_S0_HI, GELU_S0_LO);
    let xs = x.mul(s);
    let xs_lo = x.mul_add(s, xs.neg()).add(x.mul(s_lo));
    let (h, h_lo) = two_sum(k(0.5), xs);
    let near = x.mul_add(h, x.mul(h_lo.add(xs_lo)));
    // |x| > 1: w = C / (C + y) as w + w_lo.
    let y = x.abs();
    let (d, d_lo) = two_sum(y, k(GELU_C));
    let w = k::<S::F32>(GELU_C).div(d);
    // (C - w d - w d_lo) / d, the division as a product by w / C (w_lo is
    // tiny: its own relative error does not matter).
    let w_lo = w.neg_mul_add(d, k(GELU_C)).sub(w.mul(d_lo)).mul(w.mul(k(1.0 / GELU_C)));
    // u = w - W_MID + w_lo, with the subtraction's error (inexact below
    // w = 0.23): a few 2^-27 of K otherwise.
    let (u, u_lo) = two_sum(w, k(-GELU_W_MID));
    let (kv, kv_lo) = poly_pair::<S, 9>(u, u_lo.add(w_lo), &GELU_K, GELU_K0_HI, GELU_K0_LO);
    let g = w.mul(kv);
    let g_lo = w.mul_add(kv, g.neg()).add(w.mul_add(kv_lo, w_lo.mul(kv)));
    // e^(-x^2/2) = 2^floor(scale) (e + e_lo)(1 - x2_lo / 2), x^2 = x2 + x2_lo
    // exactly; e_lo (e's table low part and e^r - 1) is up to 5% of e, so
    // the correction takes the whole pair.
    let (e, e_lo, scale, _) = exp_split::<S, true>(x2.mul(k(0.5)));
    let e_lo = e.add(e_lo).neg_mul_add(x2_lo.mul(k(0.5)), e_lo);
    // Phi(-y) = 2^floor(scale) (m + m_lo).
    let m = e.mul(g);
    let m_lo = e.mul_add(g, m.neg()).add(e.mul_add(g_lo, e_lo.mul(g)));
    // x < -1: x Phi(-y), rounded once before the scaling (exact unless the
    // result is subnormal); x > 1: x - x Phi(-x).
    let below = x.mul_add(m, x.mul(m_lo)).ldexp_floor(scale);
    let above = x.neg_mul_add(m.add(m_lo).ldexp_floor(scale), x);
    let far = S::F32::select(x.lt(k(0.0)), below, above);
    let r = S::F32::select(y.le(k(1.0)), near, far);
    S::F32::select(x_in.gt(k(10.0)), x_in, r)
}

/// tanh(x) in f32, max error 1.0 ULP. AVX-512 evaluates [`tanh_f32_table`]
/// (0.61 ULP measured over all 2^32 inputs), the other tiers
/// [`tanh_f32_quotient`] (0.76 ULP).
#[inline(always)]
pub fn tanh_f32<S: Simd>(x: S::F32) -> S::F32 {
    if S::FAST_LOOKUP32 {
        tanh_f32_table::<S>(x)
    } else {
        tanh_f32_quotient::<S>(x)
    }
}

/// tanh(x) from 27 intervals of |x| (see `tanh_table.rs`): tanh|x| =
/// T + r Q(r) with r = |x| - C, every coefficient one `vpermt2ps` away.
/// T is tanh(C) rounded (to within 0.0001 ULP) and |r Q(r)| is small next
/// to it, so the result is rounded about once; below |x| = 3/8 (C = 0) the
/// sum is r + r Q(r) instead, for the same reason. 20 vector
/// operations, no division; |x| is clamped to 9.1, where tanh rounds to 1,
/// and the sign is restored last (tanh(-0) = -0, NaN kept through r).
#[inline(always)]
pub fn tanh_f32_table<S: Simd>(x: S::F32) -> S::F32 {
    use super::tanh_table::*;
    let a = k::<S::F32>(9.1).min_raw(x.abs());
    // The exponent and top mantissa bits of |x| + 1 pick the interval.
    // (A plain function, not a closure: closures do not inherit the
    // caller's target features, so a non-inlined one would call vpermt2ps
    // out of line.)
    let key = a.add(k(1.0));
    #[inline(always)]
    fn coef<S: Simd>(table: &[f32; 32], key: S::F32) -> S::F32 {
        S::lookup32::<20>(table, key)
    }
    let r = a.sub(coef::<S>(&TANH_C, key));
    let q = coef::<S>(&TANH_Q4, key).mul_add(r, coef::<S>(&TANH_Q3, key));
    let q = q.mul_add(r, coef::<S>(&TANH_Q2, key));
    let q = q.mul_add(r, coef::<S>(&TANH_Q1, key));
    let q = q.mul_add(r, coef::<S>(&TANH_Q0, key));
    // T where C > 0 (there T > 0.35 > |r|), r where C = 0 (T = -inf).
    let base = r.max_raw(coef::<S>(&TANH_T, key));
    q.mul_add(r, base).bit_or(x.sign_bit())
}

/// tanh(x) through one quotient, for tiers without a one-instruction
/// 32-entry lookup.
///
/// Below |x| = 0.15 the Taylor polynomial x + x^3 P(x^2) (to x^9; the next
/// term is below 2^-33 relative there). Above, with E = e^{-2|x|} = 2^k (hi + lo) from
/// [`exp_split`] and c = 2^k hi (exact), tanh|x| = (1 - E) / (1 + E). The
/// numerator 1 - E is carried as M + M_lo (1 - c is exact down to c = 0.5,
/// below that its rounding error is recovered exactly), the denominator as
/// d + d_lo (Fast2Sum of 1 + c, plus 2^k lo), so there is no cancellation
/// near 0 and the quotient (rcp plus one residual step) is rounded about
/// once. |x| is clamped to 9.1, where tanh rounds to 1; the sign is restored
/// last (tanh(-0) = -0, NaN kept).
#[inline(always)]
pub fn tanh_f32_quotient<S: Simd>(x: S::F32) -> S::F32 {
    let one = k::<S::F32>(1.0);
    let a = k::<S::F32>(9.1).min_raw(x.abs());
    let (hi, lo, scale, _) = exp_split::<S, true>(a.add(a));
    let pow2 = one.ldexp_floor(scale);
    let c = hi.mul(pow2);
    // 1 - E = m + m_lo.
    let m = one.sub(c);
    let m_lo = lo.neg_mul_add(pow2, one.sub(m).sub(c));
    // 1 + E = d + d_lo.
    let d = one.add(c);
    let d_lo = lo.mul_add(pow2, c.sub(d.sub(one)));
    let y0 = d.add(d_lo).recip_approx();
    let q0 = m.add(m_lo).mul(y0);
    let residual = q0.neg_mul_add(d, m);
    let residual = q0.neg_mul_add(d_lo, residual).add(m_lo);
    let large = residual.mul_add(y0, q0);
    // Near 0 the two pairs cancel (1 - c against 2^k lo): the series instead.
    const P: [f32; 4] = [62.0 / 2835.0, -17.0 / 315.0, 2.0 / 15.0, -1.0 / 3.0];
    let z = a.mul(a);
    let p = z.mul_add(k(P[0]), k(P[1])).mul_add(z, k(P[2])).mul_add(z, k(P[3]));
    let small = a.mul(z).mul_add(p, a);
    S::F32::select(a.lt(k(0.15)), small, large).bit_or(x.sign_bit())
}
