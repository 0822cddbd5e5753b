//! AVX2 + FMA backend: `__m256` / `__m256d` newtypes. Masks are all-ones
//! lanes; tails use `vmaskmov`, which never touches masked-off memory.

use super::{Simd, SimdFloat};
use core::arch::x86_64::*;

#[derive(Clone, Copy, Debug)]
pub struct Avx2;

#[derive(Clone, Copy)]
#[repr(transparent)]
pub struct F32x8(pub __m256);
#[derive(Clone, Copy)]
#[repr(transparent)]
pub struct F64x4(pub __m256d);

#[inline(always)]
unsafe fn tail_mask32(n: usize) -> __m256i {
    _mm256_cmpgt_epi32(_mm256_set1_epi32(n as i32), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7))
}
#[inline(always)]
unsafe fn tail_mask64(n: usize) -> __m256i {
    _mm256_cmpgt_epi64(_mm256_set1_epi64x(n as i64), _mm256_setr_epi64x(0, 1, 2, 3))
}

/// `n` f32 values from `p` into lanes `first .. first + n` of an f64x4, the
/// other lanes 0 (the AVX2 and AVX-512 tiers widen f32 through this type).
#[inline(always)]
pub(super) unsafe fn load_widen_lanes(p: *const f32, first: usize, n: usize) -> F64x4 {
    let lane = _mm_setr_epi32(0, 1, 2, 3);
    let mask = _mm_andnot_si128(_mm_cmpgt_epi32(_mm_set1_epi32(first as i32), lane), _mm_cmpgt_epi32(_mm_set1_epi32((first + n) as i32), lane));
    // Masked-off lanes are not read, so the address may point before p.
    F64x4(_mm256_cvtps_pd(_mm_maskload_ps(p.wrapping_sub(first), mask)))
}

/// The parts shared by the f32 and f64 vectors; `$s` picks `_ps` or `_pd`.
macro_rules! avx2_common {
    ($V:ident, $T:ty, $M:ty,
     $loadu:ident, $storeu:ident, $stream:ident, $maskload:ident, $maskstore:ident, $tail:ident,
     $set1:ident, $add:ident, $sub:ident, $mul:ident, $div:ident, $fmadd:ident, $fnmadd:ident,
     $sqrt:ident, $round:ident, $max:ident, $min:ident, $and:ident, $or:ident, $xor:ident, $andnot:ident,
     $cmp:ident, $blendv:ident, $movemask:ident) => {
        #[inline(always)]
        unsafe fn load(p: *const $T) -> Self {
            $V($loadu(p))
        }
        #[inline(always)]
        unsafe fn load_partial(p: *const $T, n: usize) -> Self {
            $V($maskload(p, $tail(n)))
        }
        #[inline(always)]
        unsafe fn load_lanes(p: *const $T, first: usize, n: usize) -> Self {
            // Masked-off lanes are not read, so the address may point before p.
            $V($maskload(p.wrapping_sub(first), _mm256_andnot_si256($tail(first), $tail(first + n))))
        }
        #[inline(always)]
        unsafe fn store(self, p: *mut $T) {
            $storeu(p, self.0)
        }
        #[inline(always)]
        unsafe fn store_partial(self, p: *mut $T, n: usize) {
            $maskstore(p, $tail(n), self.0)
        }
        #[inline(always)]
        unsafe fn store_stream(self, p: *mut $T) {
            $stream(p, self.0)
        }
        #[inline(always)]
        fn splat(x: $T) -> Self {
            unsafe { $V($set1(x)) }
        }
        #[inline(always)]
        fn add(self, b: Self) -> Self {
            unsafe { $V($add(self.0, b.0)) }
        }
        #[inline(always)]
        fn sub(self, b: Self) -> Self {
            unsafe { $V($sub(self.0, b.0)) }
        }
        #[inline(always)]
        fn mul(self, b: Self) -> Self {
            unsafe { $V($mul(self.0, b.0)) }
        }
        #[inline(always)]
        fn div(self, b: Self) -> Self {
            unsafe { $V($div(self.0, b.0)) }
        }
        #[inline(always)]
        fn mul_add(self, b: Self, c: Self) -> Self {
            unsafe { $V($fmadd(self.0, b.0, c.0)) }
        }
        #[inline(always)]
        fn neg_mul_add(self, b: Self, c: Self) -> Self {
            unsafe { $V($fnmadd(self.0, b.0, c.0)) }
        }
        #[inline(always)]
        fn sqrt(self) -> Self {
            unsafe { $V($sqrt(self.0)) }
        }
        #[inline(always)]
        fn round(self) -> Self {
            unsafe { $V($round::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(self.0)) }
        }
        #[inline(always)]
        fn floor(self) -> Self {
            unsafe { $V($round::<{ _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC }>(self.0)) }
        }
        #[inline(always)]
        fn max_raw(self, b: Self) -> Self {
            unsafe { $V($max(self.0, b.0)) }
        }
        #[inline(always)]
        fn min_raw(self, b: Self) -> Self {
            unsafe { $V($min(self.0, b.0)) }
        }
        #[inline(always)]
        fn bit_and(self, b: Self) -> Self {
            unsafe { $V($and(self.0, b.0)) }
        }
        #[inline(always)]
        fn bit_or(self, b: Self) -> Self {
            unsafe { $V($or(self.0, b.0)) }
        }
        #[inline(always)]
        fn bit_xor(self, b: Self) -> Self {
            unsafe { $V($xor(self.0, b.0)) }
        }
        #[inline(always)]
        fn bit_andnot(self, b: Self) -> Self {
            unsafe { $V($andnot(self.0, b.0)) }
        }
        #[inline(always)]
        fn lt(self, b: Self) -> $M {
            unsafe { $cmp::<_CMP_LT_OQ>(self.0, b.0) }
        }
        #[inline(always)]
        fn le(self, b: Self) -> $M {
            unsafe { $cmp::<_CMP_LE_OQ>(self.0, b.0) }
        }
        #[inline(always)]
        fn gt(self, b: Self) -> $M {
            unsafe { $cmp::<_CMP_GT_OQ>(self.0, b.0) }
        }
        #[inline(always)]
        fn ge(self, b: Self) -> $M {
            unsafe { $cmp::<_CMP_GE_OQ>(self.0, b.0) }
        }
        #[inline(always)]
        fn eq(self, b: Self) -> $M {
            unsafe { $cmp::<_CMP_EQ_OQ>(self.0, b.0) }
        }
        #[inline(always)]
        fn ne(self, b: Self) -> $M {
            unsafe { $cmp::<_CMP_NEQ_UQ>(self.0, b.0) }
        }
        #[inline(always)]
        fn mask_and(a: $M, b: $M) -> $M {
            unsafe { $and(a, b) }
        }
        #[inline(always)]
        fn mask_or(a: $M, b: $M) -> $M {
            unsafe { $or(a, b) }
        }
        #[inline(always)]
        fn mask_bits(m: $M) -> u64 {
            unsafe { $movemask(m) as u32 as u64 }
        }
        #[inline(always)]
        fn select(m: $M, a: Self, b: Self) -> Self {
            unsafe { $V($blendv(b.0, a.0, m)) }
        }
    };
}

impl SimdFloat for F32x8 {
    type Scalar = f32;
    type Mask = __m256;
    const LANES: usize = 8;
    avx2_common!(F32x8, f32, __m256, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_stream_ps, _mm256_maskload_ps, _mm256_maskstore_ps,
        tail_mask32, _mm256_set1_ps, _mm256_add_ps, _mm256_sub_ps, _mm256_mul_ps, _mm256_div_ps, _mm256_fmadd_ps,
        _mm256_fnmadd_ps, _mm256_sqrt_ps, _mm256_round_ps, _mm256_max_ps, _mm256_min_ps, _mm256_and_ps, _mm256_or_ps,
        _mm256_xor_ps, _mm256_andnot_ps, _mm256_cmp_ps, _mm256_blendv_ps, _mm256_movemask_ps);
    #[inline(always)]
    fn mask_from_bits(bits: u64) -> __m256 {
        unsafe {
            let lane_bit = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
            let v = _mm256_and_si256(_mm256_set1_epi32(bits as i32), lane_bit);
            _mm256_castsi256_ps(_mm256_cmpeq_epi32(v, lane_bit))
        }
    }
    #[inline(always)]
    fn ldexp(self, n: Self) -> Self {
        unsafe {
            // Two exact powers of two, each with a normal exponent: 2^n1 * 2^n2.
            let n = _mm256_min_ps(_mm256_max_ps(n.0, _mm256_set1_ps(-252.0)), _mm256_set1_ps(254.0));
            let n1 = _mm256_floor_ps(_mm256_mul_ps(n, _mm256_set1_ps(0.5)));
            let n2 = _mm256_sub_ps(n, n1);
            let pow2 = |k: __m256| {
                // k + 127 lands in the low mantissa bits of (1.5*2^23 + k + 127).
                let biased = _mm256_castps_si256(_mm256_add_ps(k, _mm256_set1_ps(12582912.0 + 127.0)));
                _mm256_castsi256_ps(_mm256_slli_epi32::<23>(biased))
            };
            F32x8(_mm256_mul_ps(_mm256_mul_ps(self.0, pow2(n1)), pow2(n2)))
        }
    }
    #[inline(always)]
    fn frexp(self) -> (Self, Self) {
        unsafe {
            let bits = _mm256_castps_si256(self.0);
            let e = _mm256_sub_epi32(_mm256_srli_epi32::<23>(bits), _mm256_set1_epi32(127));
            let m = _mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi32(0x007f_ffff)), _mm256_set1_epi32(0x3f80_0000));
            (F32x8(_mm256_castsi256_ps(m)), F32x8(_mm256_cvtepi32_ps(e)))
        }
    }
}

impl SimdFloat for F64x4 {
    type Scalar = f64;
    type Mask = __m256d;
    const LANES: usize = 4;
    avx2_common!(F64x4, f64, __m256d, _mm256_loadu_pd, _mm256_storeu_pd, _mm256_stream_pd, _mm256_maskload_pd, _mm256_maskstore_pd,
        tail_mask64, _mm256_set1_pd, _mm256_add_pd, _mm256_sub_pd, _mm256_mul_pd, _mm256_div_pd, _mm256_fmadd_pd,
        _mm256_fnmadd_pd, _mm256_sqrt_pd, _mm256_round_pd, _mm256_max_pd, _mm256_min_pd, _mm256_and_pd, _mm256_or_pd,
        _mm256_xor_pd, _mm256_andnot_pd, _mm256_cmp_pd, _mm256_blendv_pd, _mm256_movemask_pd);
    #[inline(always)]
    fn mask_from_bits(bits: u64) -> __m256d {
        unsafe {
            let lane_bit = _mm256_setr_epi64x(1, 2, 4, 8);
            let v = _mm256_and_si256(_mm256_set1_epi64x(bits as i64), lane_bit);
            _mm256_castsi256_pd(_mm256_cmpeq_epi64(v, lane_bit))
        }
    }
    #[inline(always)]
    fn ldexp(self, n: Self) -> Self {
        unsafe {
            let n = _mm256_min_pd(_mm256_max_pd(n.0, _mm256_set1_pd(-2044.0)), _mm256_set1_pd(2046.0));
            let n1 = _mm256_floor_pd(_mm256_mul_pd(n, _mm256_set1_pd(0.5)));
            let n2 = _mm256_sub_pd(n, n1);
            let pow2 = |k: __m256d| {
                let biased = _mm256_castpd_si256(_mm256_add_pd(k, _mm256_set1_pd(6755399441055744.0 + 1023.0)));
                _mm256_castsi256_pd(_mm256_slli_epi64::<52>(biased))
            };
            F64x4(_mm256_mul_pd(_mm256_mul_pd(self.0, pow2(n1)), pow2(n2)))
        }
    }
    #[inline(always)]
    fn frexp(self) -> (Self, Self) {
        unsafe {
            let bits = _mm256_castpd_si256(self.0);
            // Biased exponent as the low bits of 2^52 + e, then subtract.
            let eb = _mm256_or_si256(_mm256_srli_epi64::<52>(bits), _mm256_set1_epi64x(0x4330_0000_0000_0000));
            let e = _mm256_sub_pd(_mm256_castsi256_pd(eb), _mm256_set1_pd(4503599627370496.0 + 1023.0));
            let m = _mm256_or_si256(
                _mm256_and_si256(bits, _mm256_set1_epi64x(0x000f_ffff_ffff_ffff)),
                _mm256_set1_epi64x(0x3ff0_0000_0000_0000),
            );
            (F64x4(_mm256_castsi256_pd(m)), F64x4(e))
        }
    }
    const FAST_CONCAT: bool = true;
    /// Two shuffles: the 128-bit halves straddling the two vectors, then
    /// one element from each side per half.
    #[inline(always)]
    fn concat_shift<const SHIFT: i32>(self, next: Self) -> Self {
        unsafe {
            let mid = _mm256_permute2f128_pd::<0x21>(self.0, next.0);
            F64x4(match SHIFT {
                1 => _mm256_shuffle_pd::<0b0101>(self.0, mid),
                2 => mid,
                3 => _mm256_shuffle_pd::<0b0101>(mid, next.0),
                _ => unreachable!("a shift of {SHIFT} lanes in a 4-lane vector"),
            })
        }
    }
}

impl Simd for Avx2 {
    type F32 = F32x8;
    type F64 = F64x4;
    #[inline(always)]
    fn widen(x: F32x8) -> (F64x4, F64x4) {
        unsafe {
            let lo = _mm256_cvtps_pd(_mm256_castps256_ps128(x.0));
            let hi = _mm256_cvtps_pd(_mm256_extractf128_ps::<1>(x.0));
            (F64x4(lo), F64x4(hi))
        }
    }
    type WidenF64 = F64x4;
    #[inline(always)]
    unsafe fn load_widen(p: *const f32) -> F64x4 {
        F64x4(_mm256_cvtps_pd(_mm_loadu_ps(p)))
    }
    #[inline(always)]
    unsafe fn load_widen_lanes(p: *const f32, first: usize, n: usize) -> F64x4 {
        load_widen_lanes(p, first, n)
    }
    #[inline(always)]
    fn narrow(lo: F64x4, hi: F64x4) -> F32x8 {
        unsafe { F32x8(_mm256_set_m128(_mm256_cvtpd_ps(hi.0), _mm256_cvtpd_ps(lo.0))) }
    }
    #[inline(always)]
    fn lookup16(table: &[f32; 16], idx: F32x8) -> F32x8 {
        // SAFETY: reads the 16 floats of `table`. vpermps uses idx bits 0..2;
        // bit 3, shifted into the sign, picks the half for blendv.
        unsafe {
            let i = _mm256_castps_si256(idx.0);
            let lo = _mm256_permutevar8x32_ps(_mm256_loadu_ps(table.as_ptr()), i);
            let hi = _mm256_permutevar8x32_ps(_mm256_loadu_ps(table.as_ptr().add(8)), i);
            F32x8(_mm256_blendv_ps(lo, hi, _mm256_castsi256_ps(_mm256_slli_epi32::<28>(i))))
        }
    }
    #[inline(always)]
    fn shl_bits<const N: u32>(x: F32x8) -> F32x8 {
        // SAFETY: register-only shift.
        // (`_mm256_slli_epi32` takes an i32 const; a constant count folds to the same vpslld.)
        unsafe { F32x8(_mm256_castsi256_ps(_mm256_sll_epi32(_mm256_castps_si256(x.0), _mm_cvtsi32_si128(N as i32)))) }
    }
    #[inline(always)]
    fn stream_fence() {
        // SAFETY: sfence has no operands.
        unsafe { _mm_sfence() }
    }
    // Each destination row's 64 bytes are stored back to back, so streaming
    // stores fill whole lines at once.
    #[inline(always)]
    unsafe fn transpose16_b32<const STREAM: bool>(src: *const u32, ss: isize, dst: *mut u32, ds: isize) {
        for bi in [0, 8] {
            let left = transpose8x8_b32(src.offset(bi), ss);
            let right = transpose8x8_b32(src.offset(8 * ss + bi), ss);
            for x in 0..8 {
                let d = dst.offset((bi + x as isize) * ds);
                store_half_line::<STREAM>(d as *mut u8, left[x]);
                store_half_line::<STREAM>(d.add(8) as *mut u8, right[x]);
            }
        }
    }
    #[inline(always)]
    unsafe fn transpose16_b64<const STREAM: bool>(src: *const u64, ss: isize, dst: *mut u64, ds: isize) {
        for bi in [0, 4, 8, 12] {
            let mut blocks = [[_mm256_setzero_si256(); 4]; 4];
            for (bj, b) in blocks.iter_mut().enumerate() {
                *b = transpose4x4_b64(src.offset(4 * bj as isize * ss + bi), ss);
            }
            for x in 0..4 {
                let d = dst.offset((bi + x as isize) * ds);
                for (bj, b) in blocks.iter().enumerate() {
                    store_half_line::<STREAM>(d.add(4 * bj) as *mut u8, b[x]);
                }
            }
        }
    }
}

// Plain loops over arrays, no closures or `array::from_fn`: a closure does not
// inherit the caller's target features, so its intrinsics would become calls.

/// Row x of the result is element x of each of the 8 source rows
/// (`s + c * ss`, 8 elements each). After the two interleaving steps, 128-bit
/// lane k of u[4i + m] holds element 4k + m of rows 4i..4i+3.
#[inline(always)]
unsafe fn transpose8x8_b32(s: *const u32, ss: isize) -> [__m256i; 8] {
    let mut r = [_mm256_setzero_ps(); 8];
    for (c, v) in r.iter_mut().enumerate() {
        *v = _mm256_loadu_ps(s.offset(c as isize * ss) as *const f32);
    }
    let mut t = [_mm256_setzero_ps(); 8];
    for x in (0..8).step_by(2) {
        t[x] = _mm256_unpacklo_ps(r[x], r[x + 1]);
        t[x + 1] = _mm256_unpackhi_ps(r[x], r[x + 1]);
    }
    let mut u = [_mm256_setzero_ps(); 8];
    for i in (0..8).step_by(4) {
        for h in 0..2 {
            let (a, b) = (t[i + h], t[i + 2 + h]);
            u[i + 2 * h] = _mm256_shuffle_ps::<0x44>(a, b);
            u[i + 2 * h + 1] = _mm256_shuffle_ps::<0xEE>(a, b);
        }
    }
    let mut out = [_mm256_setzero_si256(); 8];
    for m in 0..4 {
        out[m] = _mm256_castps_si256(_mm256_permute2f128_ps::<0x20>(u[m], u[4 + m]));
        out[4 + m] = _mm256_castps_si256(_mm256_permute2f128_ps::<0x31>(u[m], u[4 + m]));
    }
    out
}

/// As [`transpose8x8_b32`] for a 4 x 4 block of 8-byte elements: 128-bit
/// lane k of t[2i + m] holds element 2k + m of rows 2i, 2i+1.
#[inline(always)]
unsafe fn transpose4x4_b64(s: *const u64, ss: isize) -> [__m256i; 4] {
    let mut r = [_mm256_setzero_pd(); 4];
    for (c, v) in r.iter_mut().enumerate() {
        *v = _mm256_loadu_pd(s.offset(c as isize * ss) as *const f64);
    }
    let t = [_mm256_unpacklo_pd(r[0], r[1]), _mm256_unpackhi_pd(r[0], r[1]), _mm256_unpacklo_pd(r[2], r[3]), _mm256_unpackhi_pd(r[2], r[3])];
    let mut out = [_mm256_setzero_si256(); 4];
    for m in 0..2 {
        out[m] = _mm256_castpd_si256(_mm256_permute2f128_pd::<0x20>(t[m], t[2 + m]));
        out[2 + m] = _mm256_castpd_si256(_mm256_permute2f128_pd::<0x31>(t[m], t[2 + m]));
    }
    out
}

/// Stores 32 bytes; with `STREAM` a non-temporal store (`p` 32-byte aligned).
#[inline(always)]
unsafe fn store_half_line<const STREAM: bool>(p: *mut u8, v: __m256i) {
    if STREAM {
        _mm256_stream_si256(p as *mut _, v)
    } else {
        _mm256_storeu_si256(p as *mut _, v)
    }
}
