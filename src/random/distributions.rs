//! Words to values: each distribution turns one Philox group (64 words, see
//! [`group_words`]) into a fixed number of values, so value `i` of a stream
//! always comes from the same words, whatever else the call does.
//!
//! All arithmetic is IEEE +, -, *, / and sqrt with no fused multiply-add
//! (Rust never contracts), so every tier and platform gives the same bits.
//! Which words make which value is part of the documented stability
//! guarantee (README, "Random numbers"): change it only with a new stream
//! version.

use super::philox::{batch_words, group_words, BATCH, GROUP_WORDS};
use crate::kernels::CastTo;

/// A distribution's values per group and how to make them.
pub trait Distribution: Sync {
    type T: Copy + Default + 'static;
    /// Values per group (a divisor of 64).
    const PER_GROUP: usize;
    /// Writes the group's `PER_GROUP` values to `out .. out + PER_GROUP`.
    ///
    /// # Safety
    /// `out` must be valid for `PER_GROUP` writes.
    unsafe fn group(&self, words: &[u32; GROUP_WORDS], out: *mut Self::T);
}

/// The seed and stream a fill draws from.
#[derive(Clone, Copy, Debug)]
pub struct Stream {
    pub key: [u32; 2],
    pub stream: u64,
}

impl Stream {
    pub fn new(seed: u64, stream: u64) -> Self {
        Stream { key: [seed as u32, (seed >> 32) as u32], stream }
    }
    #[inline(always)]
    pub fn words(&self, group: u64) -> [u32; GROUP_WORDS] {
        group_words(group, self.stream, self.key)
    }
    #[inline(always)]
    pub fn batch(&self, first: u64) -> [[u32; GROUP_WORDS]; BATCH] {
        batch_words(first, self.stream, self.key)
    }
}

const H: usize = GROUP_WORDS / 2;
const Q: usize = GROUP_WORDS / 4;

/// 64 random bits from two words, the first the low half.
#[inline(always)]
fn bits64(lo: u32, hi: u32) -> u64 {
    u64::from(lo) | u64::from(hi) << 32
}

/// An integer below 2^53 as f64, exactly, by the 2^52 exponent trick (a
/// conversion every tier vectorizes; AVX2 has no 64-bit integer convert).
#[inline(always)]
fn f64_of_53_bits(x: u64) -> f64 {
    const TWO52: f64 = 4503599627370496.0;
    let hi = f64::from_bits(0x4330_0000_0000_0000 | (x >> 26)) - TWO52;
    let lo = f64::from_bits(0x4330_0000_0000_0000 | (x & ((1 << 26) - 1))) - TWO52;
    hi * 67108864.0 + lo
}

/// Uniform on [low, high): f32 from 24 bits of one word.
pub struct UniformF32 {
    low: f32,
    span: f32,
    high: f32,
    /// The largest value below `high`: low + span * u can round up to high.
    below: f32,
}

/// Uniform on [low, high): f64 from 53 bits of two words.
pub struct UniformF64 {
    low: f64,
    span: f64,
    high: f64,
    below: f64,
}

macro_rules! uniform_new {
    ($D:ident, $T:ty) => {
        impl $D {
            pub fn new(low: f64, high: f64) -> Self {
                let (low, high) = (low as $T, high as $T);
                let span = high - low;
                let below = if span > 0.0 { high.next_down() } else { low };
                $D { low, span, high, below }
            }
        }
    };
}
uniform_new!(UniformF32, f32);
uniform_new!(UniformF64, f64);

impl Distribution for UniformF32 {
    type T = f32;
    const PER_GROUP: usize = 64;
    #[inline(always)]
    unsafe fn group(&self, w: &[u32; GROUP_WORDS], out: *mut f32) {
        for i in 0..GROUP_WORDS {
            let u = (w[i] >> 8) as i32 as f32 * (1.0 / 16777216.0);
            let v = self.low + self.span * u;
            *out.add(i) = if v >= self.high { self.below } else { v };
        }
    }
}

impl Distribution for UniformF64 {
    type T = f64;
    const PER_GROUP: usize = 32;
    #[inline(always)]
    unsafe fn group(&self, w: &[u32; GROUP_WORDS], out: *mut f64) {
        for i in 0..H {
            let u = f64_of_53_bits(bits64(w[i], w[i + H]) >> 11) * (1.0 / 9007199254740992.0);
            let v = self.low + self.span * u;
            *out.add(i) = if v >= self.high { self.below } else { v };
        }
    }
}

/// Normal(mean, std) by Box–Muller: a pair (u1, u2) gives r = sqrt(-2 ln u1)
/// and the angle 2π u2; value i of the group is r cos, value i + PER_GROUP/2
/// is r sin of the same pair. u1 is in (0, 1], so the tails stop at
/// sqrt(2 ln 2^24) = 5.77 (f32) and sqrt(2 ln 2^53) = 8.57 (f64).
pub struct Normal<T> {
    mean: T,
    std: T,
}

impl<T> Normal<T> {
    pub fn new(mean: T, std: T) -> Self {
        Normal { mean, std }
    }
}

/// The float-type-specific pieces of Box–Muller, one implementation per type.
macro_rules! box_muller {
    ($T:ty, $U:ty, $mant:expr, $bias:expr, $ln_coeffs:expr, $sin_coeffs:expr, $cos_coeffs:expr) => {
        impl Normal<$T> {
            /// ln(u) for normal u in (0, 1]: u = m 2^e with m in [sqrt(1/2), sqrt(2)),
            /// ln m = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.1716, by its series.
            #[inline(always)]
            fn ln(u: $T) -> $T {
                let bits = u.to_bits();
                let e = (bits >> $mant) as i64 - $bias;
                let m = <$T>::from_bits((bits & ((1 << $mant) - 1)) | (($bias as $U) << $mant));
                let big = m > core::f64::consts::SQRT_2 as $T;
                let m = if big { m * 0.5 } else { m };
                let e = (if big { e + 1 } else { e }) as $T;
                let s = (m - 1.0) / (m + 1.0);
                let s2 = s * s;
                let mut p: $T = 0.0;
                for c in $ln_coeffs.iter().rev() {
                    p = p * s2 + c;
                }
                // ln 2 split in two (fdlibm's ln2_hi/ln2_lo) so e ln 2 stays exact.
                e * 6.93147180369123816490e-01 as $T + (e * 1.90821492927058770002e-10 as $T + 2.0 * s * p)
            }

            /// (cos, sin)(2π t) / sqrt(2) for t = (q + f) / 4, quadrant q in
            /// 0..4 and f in [0, 1): φ = (f - 1/2) π/2 is within π/4 of the
            /// quadrant's centre c = (q + 1/2) π/2, where cos c and sin c are
            /// ±1/sqrt(2) (folded into the caller's radius).
            #[inline(always)]
            fn cos_sin(q: u32, f: $T) -> ($T, $T) {
                let phi = (f - 0.5) * core::f64::consts::FRAC_PI_2 as $T;
                let p2 = phi * phi;
                let (mut s, mut c): ($T, $T) = (0.0, 0.0);
                for k in $sin_coeffs.iter().rev() {
                    s = s * p2 + k;
                }
                for k in $cos_coeffs.iter().rev() {
                    c = c * p2 + k;
                }
                let s = phi * s;
                // Signs of cos c and sin c: q = 0 (+, +), 1 (-, +), 2 (-, -), 3 (+, -).
                let flip = |v: $T, neg: u32| <$T>::from_bits(v.to_bits() ^ ((neg as $U & 1) << (<$U>::BITS - 1)));
                let (cc, cs) = (flip(c, (q + 1) >> 1), flip(s, (q + 1) >> 1));
                let (sc, ss) = (flip(c, q >> 1), flip(s, q >> 1));
                (cc - ss, sc + cs)
            }
        }
    };
}

/// Taylor coefficients (1/n!, alternating) and the atanh series (1/(2k+1)).
const LN_F32: [f32; 5] = [1.0, 1.0 / 3.0, 1.0 / 5.0, 1.0 / 7.0, 1.0 / 9.0];
const SIN_F32: [f32; 5] = [1.0, -1.0 / 6.0, 1.0 / 120.0, -1.0 / 5040.0, 1.0 / 362880.0];
const COS_F32: [f32; 6] = [1.0, -0.5, 1.0 / 24.0, -1.0 / 720.0, 1.0 / 40320.0, -1.0 / 3628800.0];
const LN_F64: [f64; 11] = [1.0, 1.0 / 3.0, 1.0 / 5.0, 1.0 / 7.0, 1.0 / 9.0, 1.0 / 11.0, 1.0 / 13.0, 1.0 / 15.0, 1.0 / 17.0, 1.0 / 19.0, 1.0 / 21.0];
const SIN_F64: [f64; 9] = [
    1.0, -1.0 / 6.0, 1.0 / 120.0, -1.0 / 5040.0, 1.0 / 362880.0, -1.0 / 39916800.0, 1.0 / 6227020800.0, -1.0 / 1307674368000.0,
    1.0 / 355687428096000.0,
];
const COS_F64: [f64; 10] = [
    1.0, -0.5, 1.0 / 24.0, -1.0 / 720.0, 1.0 / 40320.0, -1.0 / 3628800.0, 1.0 / 479001600.0, -1.0 / 87178291200.0,
    1.0 / 20922789888000.0, -1.0 / 6402373705728000.0,
];

box_muller!(f32, u32, 23, 127, LN_F32, SIN_F32, COS_F32);
box_muller!(f64, u64, 52, 1023, LN_F64, SIN_F64, COS_F64);

impl Distribution for Normal<f32> {
    type T = f32;
    const PER_GROUP: usize = 64;
    #[inline(always)]
    unsafe fn group(&self, w: &[u32; GROUP_WORDS], out: *mut f32) {
        for i in 0..H {
            // u1 = (24 bits + 1) / 2^24 in (0, 1]; u2's top 2 bits pick the quadrant.
            let u1 = ((w[i] >> 8) + 1) as i32 as f32 * (1.0 / 16777216.0);
            let b = w[i + H] >> 8;
            let f = (b & 0x3f_ffff) as i32 as f32 * (1.0 / 4194304.0);
            let r = (-2.0 * Self::ln(u1)).sqrt() * core::f32::consts::FRAC_1_SQRT_2;
            let (c, s) = Self::cos_sin(b >> 22, f);
            *out.add(i) = self.mean + self.std * (r * c);
            *out.add(i + H) = self.mean + self.std * (r * s);
        }
    }
}

impl Distribution for Normal<f64> {
    type T = f64;
    const PER_GROUP: usize = 32;
    #[inline(always)]
    unsafe fn group(&self, w: &[u32; GROUP_WORDS], out: *mut f64) {
        for i in 0..Q {
            let u1 = f64_of_53_bits((bits64(w[i], w[i + Q]) >> 11) + 1) * (1.0 / 9007199254740992.0);
            let b = bits64(w[i + H], w[i + H + Q]) >> 11;
            let f = f64_of_53_bits(b & ((1 << 51) - 1)) * (1.0 / 2251799813685248.0);
            let r = (-2.0 * Self::ln(u1)).sqrt() * core::f64::consts::FRAC_1_SQRT_2;
            let (c, s) = Self::cos_sin((b >> 51) as u32, f);
            *out.add(i) = self.mean + self.std * (r * c);
            *out.add(i + Q) = self.mean + self.std * (r * s);
        }
    }
}

/// An integer below `range` from 64 random bits: floor(range * bits / 2^64),
/// no modulo. With range <= 2^32 every value has probability within
/// range / 2^64 <= 2^-32 of 1 / range; the product's high word in u64 steps.
#[inline(always)]
pub fn below_small(range: u64, bits: u64) -> u64 {
    let lo = (range * (bits & 0xffff_ffff)) >> 32;
    (range * (bits >> 32) + lo) >> 32
}

/// As [`below_small`] for any range, from 128 bits: bias below 2^-64.
#[inline(always)]
pub fn below_large(range: u64, bits: u128) -> u64 {
    let lo = (u128::from(range) * (bits & u128::from(u64::MAX))) >> 64;
    ((u128::from(range) * (bits >> 64) + lo) >> 64) as u64
}

/// Integers on [low, high) with range = high - low <= 2^32: two words each.
pub struct IntegersSmall<T> {
    pub low: i64,
    pub range: u64,
    pub _t: core::marker::PhantomData<T>,
}

/// Integers on [low, high) with a wider range: four words each.
pub struct IntegersLarge<T> {
    pub low: i64,
    pub range: u64,
    pub _t: core::marker::PhantomData<T>,
}

impl<T: Copy + Default + Sync + 'static> Distribution for IntegersSmall<T>
where
    i64: CastTo<T>,
{
    type T = T;
    const PER_GROUP: usize = 32;
    #[inline(always)]
    unsafe fn group(&self, w: &[u32; GROUP_WORDS], out: *mut T) {
        for i in 0..H {
            *out.add(i) = self.low.wrapping_add(below_small(self.range, bits64(w[i], w[i + H])) as i64).cast_to();
        }
    }
}

impl<T: Copy + Default + Sync + 'static> Distribution for IntegersLarge<T>
where
    i64: CastTo<T>,
{
    type T = T;
    const PER_GROUP: usize = 16;
    #[inline(always)]
    unsafe fn group(&self, w: &[u32; GROUP_WORDS], out: *mut T) {
        for i in 0..Q {
            let bits = u128::from(bits64(w[i], w[i + Q])) | u128::from(bits64(w[i + H], w[i + H + Q])) << 64;
            *out.add(i) = self.low.wrapping_add(below_large(self.range, bits) as i64).cast_to();
        }
    }
}

/// 1 with probability p (as threshold / 2^32), else 0, into u8: one word each.
pub struct Bernoulli {
    threshold: u64,
}

impl Bernoulli {
    /// p in [0, 1]: threshold = round(p 2^32), so p = 1 gives all ones.
    pub fn new(p: f64) -> Self {
        Bernoulli { threshold: (p * 4294967296.0).round() as u64 }
    }
}

impl Distribution for Bernoulli {
    type T = u8;
    const PER_GROUP: usize = 64;
    #[inline(always)]
    unsafe fn group(&self, w: &[u32; GROUP_WORDS], out: *mut u8) {
        for i in 0..GROUP_WORDS {
            *out.add(i) = (u64::from(w[i]) < self.threshold) as u8;
        }
    }
}
