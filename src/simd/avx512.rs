//! AVX-512 (F/BW/VL/DQ) backend: `__m512` / `__m512d` newtypes.
//! Tails use masked loads/stores, which never touch masked-off memory.

use super::{low_bits, Simd, SimdFloat};
use core::arch::x86_64::*;

#[derive(Clone, Copy, Debug)]
pub struct Avx512;

#[derive(Clone, Copy)]
#[repr(transparent)]
pub struct F32x16(pub __m512);
#[derive(Clone, Copy)]
#[repr(transparent)]
pub struct F64x8(pub __m512d);

macro_rules! avx512_float {
    ($V:ident, $T:ty, $M:ty, $lanes:expr, $alignr:ident, $to_int:ident, $from_int:ident, $stream:ident, $rcp14:ident, $getmant:ident, $getexp:ident, $scalef:ident, $i_loadu:ident, $i_maskz_loadu:ident, $i_storeu:ident, $i_mask_storeu:ident, $i_set1:ident, $i_add:ident, $i_sub:ident, $i_mul:ident, $i_div:ident, $i_fmadd:ident, $i_fnmadd:ident, $i_sqrt:ident, $i_roundscale:ident, $i_max:ident, $i_min:ident, $i_and:ident, $i_or:ident, $i_xor:ident, $i_andnot:ident, $i_cmp_mask:ident, $i_mask_blend:ident) => {
        impl SimdFloat for $V {
            type Scalar = $T;
            type Mask = $M;
            const LANES: usize = $lanes;
            #[inline(always)]
            unsafe fn load(p: *const $T) -> Self {
                $V($i_loadu(p as _))
            }
            #[inline(always)]
            unsafe fn load_partial(p: *const $T, n: usize) -> Self {
                $V($i_maskz_loadu(low_bits(n) as $M, p as _))
            }
            const FAST_CONCAT: bool = true;
            #[inline(always)]
            fn concat_shift<const SHIFT: i32>(self, next: Self) -> Self {
                // SAFETY: the tier's features are enabled where this inlines.
                unsafe { $V($from_int($alignr::<SHIFT>($to_int(next.0), $to_int(self.0)))) }
            }
            #[inline(always)]
            unsafe fn load_lanes(p: *const $T, first: usize, n: usize) -> Self {
                // Masked-off lanes are not read, so the address may point before p.
                $V($i_maskz_loadu((low_bits(first + n) & !low_bits(first)) as $M, p.wrapping_sub(first) as _))
            }
            #[inline(always)]
            unsafe fn store(self, p: *mut $T) {
                $i_storeu(p as _, self.0)
            }
            #[inline(always)]
            unsafe fn store_partial(self, p: *mut $T, n: usize) {
                $i_mask_storeu(p as _, low_bits(n) as $M, self.0)
            }
            #[inline(always)]
            unsafe fn store_stream(self, p: *mut $T) {
                $stream(p as _, self.0)
            }
            #[inline(always)]
            fn splat(x: $T) -> Self {
                unsafe { $V($i_set1(x)) }
            }
            #[inline(always)]
            fn add(self, b: Self) -> Self {
                unsafe { $V($i_add(self.0, b.0)) }
            }
            #[inline(always)]
            fn sub(self, b: Self) -> Self {
                unsafe { $V($i_sub(self.0, b.0)) }
            }
            #[inline(always)]
            fn mul(self, b: Self) -> Self {
                unsafe { $V($i_mul(self.0, b.0)) }
            }
            #[inline(always)]
            fn div(self, b: Self) -> Self {
                unsafe { $V($i_div(self.0, b.0)) }
            }
            #[inline(always)]
            fn mul_add(self, b: Self, c: Self) -> Self {
                unsafe { $V($i_fmadd(self.0, b.0, c.0)) }
            }
            #[inline(always)]
            fn neg_mul_add(self, b: Self, c: Self) -> Self {
                unsafe { $V($i_fnmadd(self.0, b.0, c.0)) }
            }
            #[inline(always)]
            fn sqrt(self) -> Self {
                unsafe { $V($i_sqrt(self.0)) }
            }
            #[inline(always)]
            fn round(self) -> Self {
                unsafe { $V($i_roundscale::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(self.0)) }
            }
            #[inline(always)]
            fn max_raw(self, b: Self) -> Self {
                unsafe { $V($i_max(self.0, b.0)) }
            }
            #[inline(always)]
            fn min_raw(self, b: Self) -> Self {
                unsafe { $V($i_min(self.0, b.0)) }
            }
            #[inline(always)]
            fn bit_and(self, b: Self) -> Self {
                unsafe { $V($i_and(self.0, b.0)) }
            }
            #[inline(always)]
            fn bit_or(self, b: Self) -> Self {
                unsafe { $V($i_or(self.0, b.0)) }
            }
            #[inline(always)]
            fn bit_xor(self, b: Self) -> Self {
                unsafe { $V($i_xor(self.0, b.0)) }
            }
            #[inline(always)]
            fn bit_andnot(self, b: Self) -> Self {
                unsafe { $V($i_andnot(self.0, b.0)) }
            }
            #[inline(always)]
            fn lt(self, b: Self) -> $M {
                unsafe { $i_cmp_mask::<_CMP_LT_OQ>(self.0, b.0) }
            }
            #[inline(always)]
            fn le(self, b: Self) -> $M {
                unsafe { $i_cmp_mask::<_CMP_LE_OQ>(self.0, b.0) }
            }
            #[inline(always)]
            fn gt(self, b: Self) -> $M {
                unsafe { $i_cmp_mask::<_CMP_GT_OQ>(self.0, b.0) }
            }
            #[inline(always)]
            fn ge(self, b: Self) -> $M {
                unsafe { $i_cmp_mask::<_CMP_GE_OQ>(self.0, b.0) }
            }
            #[inline(always)]
            fn eq(self, b: Self) -> $M {
                unsafe { $i_cmp_mask::<_CMP_EQ_OQ>(self.0, b.0) }
            }
            #[inline(always)]
            fn ne(self, b: Self) -> $M {
                unsafe { $i_cmp_mask::<_CMP_NEQ_UQ>(self.0, b.0) }
            }
            #[inline(always)]
            fn mask_and(a: $M, b: $M) -> $M {
                a & b
            }
            #[inline(always)]
            fn mask_or(a: $M, b: $M) -> $M {
                a | b
            }
            #[inline(always)]
            fn mask_bits(m: $M) -> u64 {
                m as u64
            }
            #[inline(always)]
            fn mask_from_bits(bits: u64) -> $M {
                bits as $M
            }
            #[inline(always)]
            fn select(m: $M, a: Self, b: Self) -> Self {
                unsafe { $V($i_mask_blend(m, b.0, a.0)) }
            }
            #[inline(always)]
            fn ldexp(self, n: Self) -> Self {
                unsafe { $V($scalef(self.0, n.0)) }
            }
            #[inline(always)]
            fn floor(self) -> Self {
                unsafe { $V($i_roundscale::<{ _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC }>(self.0)) }
            }
            #[inline(always)]
            fn ldexp_floor(self, n: Self) -> Self {
                unsafe { $V($scalef(self.0, n.0)) }
            }
            #[inline(always)]
            fn recip_approx(self) -> Self {
                unsafe { $V($rcp14(self.0)) }
            }
            #[inline(always)]
            fn frexp(self) -> (Self, Self) {
                unsafe {
                    let m = $getmant::<_MM_MANT_NORM_1_2, _MM_MANT_SIGN_SRC>(self.0);
                    ($V(m), $V($getexp(self.0)))
                }
            }
        }
    };
}



avx512_float!(F32x16, f32, __mmask16, 16, _mm512_alignr_epi32, _mm512_castps_si512, _mm512_castsi512_ps, _mm512_stream_ps, _mm512_rcp14_ps, _mm512_getmant_ps, _mm512_getexp_ps, _mm512_scalef_ps,
    _mm512_loadu_ps, _mm512_maskz_loadu_ps, _mm512_storeu_ps, _mm512_mask_storeu_ps, _mm512_set1_ps, _mm512_add_ps, _mm512_sub_ps, _mm512_mul_ps, _mm512_div_ps, _mm512_fmadd_ps, _mm512_fnmadd_ps, _mm512_sqrt_ps, _mm512_roundscale_ps, _mm512_max_ps, _mm512_min_ps, _mm512_and_ps, _mm512_or_ps, _mm512_xor_ps, _mm512_andnot_ps, _mm512_cmp_ps_mask, _mm512_mask_blend_ps);
avx512_float!(F64x8, f64, __mmask8, 8, _mm512_alignr_epi64, _mm512_castpd_si512, _mm512_castsi512_pd, _mm512_stream_pd, _mm512_rcp14_pd, _mm512_getmant_pd, _mm512_getexp_pd, _mm512_scalef_pd,
    _mm512_loadu_pd, _mm512_maskz_loadu_pd, _mm512_storeu_pd, _mm512_mask_storeu_pd, _mm512_set1_pd, _mm512_add_pd, _mm512_sub_pd, _mm512_mul_pd, _mm512_div_pd, _mm512_fmadd_pd, _mm512_fnmadd_pd, _mm512_sqrt_pd, _mm512_roundscale_pd, _mm512_max_pd, _mm512_min_pd, _mm512_and_pd, _mm512_or_pd, _mm512_xor_pd, _mm512_andnot_pd, _mm512_cmp_pd_mask, _mm512_mask_blend_pd);

impl Simd for Avx512 {
    type F32 = F32x16;
    type F64 = F64x8;
    #[inline(always)]
    fn widen(x: F32x16) -> (F64x8, F64x8) {
        unsafe {
            let lo = _mm512_cvtps_pd(_mm512_castps512_ps256(x.0));
            let hi = _mm512_cvtps_pd(_mm512_extractf32x8_ps::<1>(x.0));
            (F64x8(lo), F64x8(hi))
        }
    }
    type WidenF64 = super::avx2::F64x4;
    #[inline(always)]
    unsafe fn load_widen(p: *const f32) -> super::avx2::F64x4 {
        super::avx2::F64x4(_mm256_cvtps_pd(_mm_loadu_ps(p)))
    }
    #[inline(always)]
    unsafe fn load_widen_lanes(p: *const f32, first: usize, n: usize) -> super::avx2::F64x4 {
        super::avx2::load_widen_lanes(p, first, n)
    }
    #[inline(always)]
    fn narrow(lo: F64x8, hi: F64x8) -> F32x16 {
        unsafe {
            let l = _mm512_castps256_ps512(_mm512_cvtpd_ps(lo.0));
            F32x16(_mm512_insertf32x8::<1>(l, _mm512_cvtpd_ps(hi.0)))
        }
    }
    #[inline(always)]
    fn lookup16(table: &[f32; 16], idx: F32x16) -> F32x16 {
        // SAFETY: reads the 16 floats of `table`; vpermps uses idx bits 0..3.
        unsafe { F32x16(_mm512_permutexvar_ps(_mm512_castps_si512(idx.0), _mm512_loadu_ps(table.as_ptr()))) }
    }
    const FAST_LOOKUP32: bool = true;
    #[inline(always)]
    fn lookup32<const SHIFT: u32>(table: &[f32; 32], key: F32x16) -> F32x16 {
        // SAFETY: reads the 32 floats of `table`; vpermt2ps uses index bits 0..4.
        unsafe {
            let idx = _mm512_srli_epi32::<SHIFT>(_mm512_castps_si512(key.0));
            let (lo, hi) = (_mm512_loadu_ps(table.as_ptr()), _mm512_loadu_ps(table.as_ptr().add(16)));
            F32x16(_mm512_permutex2var_ps(lo, idx, hi))
        }
    }
    #[inline(always)]
    fn shl_bits<const N: u32>(x: F32x16) -> F32x16 {
        // SAFETY: register-only shift.
        unsafe { F32x16(_mm512_castsi512_ps(_mm512_slli_epi32::<N>(_mm512_castps_si512(x.0)))) }
    }
    #[inline(always)]
    fn stream_fence() {
        // SAFETY: sfence has no operands.
        unsafe { _mm_sfence() }
    }
    // Plain loops over arrays, no closures or `array::from_fn`: a closure
    // does not inherit the caller's target features, so its intrinsics would
    // become out-of-line calls.
    #[inline(always)]
    unsafe fn transpose16_b32<const STREAM: bool>(src: *const u32, ss: isize, dst: *mut u32, ds: isize) {
        let mut r = [_mm512_setzero_ps(); 16];
        for (c, v) in r.iter_mut().enumerate() {
            *v = _mm512_loadu_ps(src.offset(c as isize * ss) as *const f32);
        }
        // Pairs of rows interleaved by 32 bits, then by 64 bits: 128-bit lane k
        // of u[4i + m] holds element 4k + m of rows 4i..4i+3.
        let mut t = [_mm512_setzero_ps(); 16];
        for x in (0..16).step_by(2) {
            t[x] = _mm512_unpacklo_ps(r[x], r[x + 1]);
            t[x + 1] = _mm512_unpackhi_ps(r[x], r[x + 1]);
        }
        let mut u = [_mm512_setzero_si512(); 16];
        for i in (0..16).step_by(4) {
            for h in 0..2 {
                let (a, b) = (t[i + h], t[i + 2 + h]);
                u[i + 2 * h] = _mm512_castps_si512(_mm512_shuffle_ps::<0x44>(a, b));
                u[i + 2 * h + 1] = _mm512_castps_si512(_mm512_shuffle_ps::<0xEE>(a, b));
            }
        }
        // Then a 4 x 4 transpose of 128-bit lanes for each m.
        for m in 0..4 {
            let lanes = transpose_lanes4(u[m], u[4 + m], u[8 + m], u[12 + m]);
            for (k, v) in lanes.into_iter().enumerate() {
                store_line::<STREAM>(dst.offset((4 * k + m) as isize * ds) as *mut u8, v);
            }
        }
    }
    #[inline(always)]
    unsafe fn transpose16_b64<const STREAM: bool>(src: *const u64, ss: isize, dst: *mut u64, ds: isize) {
        // Four 8 x 8 blocks: 128-bit lane k of t[2i + m] holds element 2k + m of
        // rows 2i, 2i+1; a 4 x 4 lane transpose finishes each m.
        for (bi, bj) in [(0, 0), (0, 8), (8, 0), (8, 8)] {
            let s = src.offset(bj * ss + bi);
            let d = dst.offset(bi * ds + bj);
            let mut r = [_mm512_setzero_pd(); 8];
            for (c, v) in r.iter_mut().enumerate() {
                *v = _mm512_loadu_pd(s.offset(c as isize * ss) as *const f64);
            }
            let mut t = [_mm512_setzero_si512(); 8];
            for x in (0..8).step_by(2) {
                t[x] = _mm512_castpd_si512(_mm512_unpacklo_pd(r[x], r[x + 1]));
                t[x + 1] = _mm512_castpd_si512(_mm512_unpackhi_pd(r[x], r[x + 1]));
            }
            for m in 0..2 {
                let lanes = transpose_lanes4(t[m], t[2 + m], t[4 + m], t[6 + m]);
                for (k, v) in lanes.into_iter().enumerate() {
                    store_line::<STREAM>(d.offset((2 * k + m) as isize * ds) as *mut u8, v);
                }
            }
        }
    }
}

/// Stores 64 bytes; with `STREAM` a non-temporal store (`p` 64-byte aligned).
#[inline(always)]
unsafe fn store_line<const STREAM: bool>(p: *mut u8, v: __m512i) {
    if STREAM {
        _mm512_stream_si512(p as *mut _, v)
    } else {
        _mm512_storeu_si512(p as *mut _, v)
    }
}

/// Transposes the 4 x 4 matrix of 128-bit lanes in (v0, v1, v2, v3): output
/// k holds lane k of each input, in order.
#[inline(always)]
unsafe fn transpose_lanes4(v0: __m512i, v1: __m512i, v2: __m512i, v3: __m512i) -> [__m512i; 4] {
    const EVEN: i32 = 0b10_00_10_00; // lanes 0, 2 of a, then of b
    const ODD: i32 = 0b11_01_11_01; // lanes 1, 3
    let (w0, w1) = (_mm512_shuffle_i64x2::<EVEN>(v0, v1), _mm512_shuffle_i64x2::<ODD>(v0, v1));
    let (w2, w3) = (_mm512_shuffle_i64x2::<EVEN>(v2, v3), _mm512_shuffle_i64x2::<ODD>(v2, v3));
    [
        _mm512_shuffle_i64x2::<EVEN>(w0, w2),
        _mm512_shuffle_i64x2::<EVEN>(w1, w3),
        _mm512_shuffle_i64x2::<ODD>(w0, w2),
        _mm512_shuffle_i64x2::<ODD>(w1, w3),
    ]
}
