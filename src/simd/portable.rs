//! Portable backend over `wide` (f32x8, f64x4). On aarch64 `wide` compiles
//! to NEON with fused multiply-add, so this backend *is* the NEON tier there.
//! On x86-64 without FMA it is the fallback for old CPUs: `mul_add` stays
//! fused (lane-wise `f32::mul_add`) so every tier runs the same algorithm.

use super::{Simd, SimdFloat};
use wide::bytemuck::cast;
use wide::{f32x8, f64x4, u32x8, u64x4};

#[derive(Clone, Copy, Debug)]
pub struct Portable;

#[derive(Clone, Copy)]
#[repr(transparent)]
pub struct F32x8(pub f32x8);
#[derive(Clone, Copy)]
#[repr(transparent)]
pub struct F64x4(pub f64x4);

/// Whether `wide`'s own mul_add is a fused instruction on this build.
const WIDE_FMA_IS_FUSED: bool = cfg!(any(target_arch = "aarch64", all(target_arch = "x86_64", target_feature = "fma")));

macro_rules! portable_float {
    ($V:ident, $W:ident, $T:ty, $U:ident, $N:expr,
     $magic_round:expr, $exp_lo:expr, $exp_hi:expr, $magic_pow2:expr, $mant_bits:expr, $bias:expr,
     $mant_mask:expr, $one_bits:expr) => {
        impl SimdFloat for $V {
            type Scalar = $T;
            type Mask = $W;
            const LANES: usize = $N;
            #[inline(always)]
            unsafe fn load(p: *const $T) -> Self {
                $V($W::new(core::ptr::read_unaligned(p as *const [$T; $N])))
            }
            #[inline(always)]
            unsafe fn load_partial(p: *const $T, n: usize) -> Self {
                debug_assert!(n <= $N);
                let mut buf = [0.0 as $T; $N];
                core::ptr::copy_nonoverlapping(p, buf.as_mut_ptr(), n.min($N));
                $V($W::new(buf))
            }
            #[inline(always)]
            unsafe fn load_lanes(p: *const $T, first: usize, n: usize) -> Self {
                debug_assert!(first + n <= $N);
                let mut buf = [0.0 as $T; $N];
                core::ptr::copy_nonoverlapping(p, buf.as_mut_ptr().add(first), n);
                $V($W::new(buf))
            }
            #[inline(always)]
            unsafe fn store(self, p: *mut $T) {
                core::ptr::write_unaligned(p as *mut [$T; $N], self.0.to_array())
            }
            #[inline(always)]
            unsafe fn store_partial(self, p: *mut $T, n: usize) {
                debug_assert!(n <= $N);
                let buf = self.0.to_array();
                core::ptr::copy_nonoverlapping(buf.as_ptr(), p, n.min($N));
            }
            #[inline(always)]
            fn splat(x: $T) -> Self {
                $V($W::splat(x))
            }
            #[inline(always)]
            fn add(self, b: Self) -> Self {
                $V(self.0 + b.0)
            }
            #[inline(always)]
            fn sub(self, b: Self) -> Self {
                $V(self.0 - b.0)
            }
            #[inline(always)]
            fn mul(self, b: Self) -> Self {
                $V(self.0 * b.0)
            }
            #[inline(always)]
            fn div(self, b: Self) -> Self {
                $V(self.0 / b.0)
            }
            #[inline(always)]
            fn mul_add(self, b: Self, c: Self) -> Self {
                if WIDE_FMA_IS_FUSED {
                    $V(self.0.mul_add(b.0, c.0))
                } else {
                    let (x, y, z) = (self.0.to_array(), b.0.to_array(), c.0.to_array());
                    $V($W::new(core::array::from_fn(|i| x[i].mul_add(y[i], z[i]))))
                }
            }
            #[inline(always)]
            fn neg_mul_add(self, b: Self, c: Self) -> Self {
                self.neg().mul_add(b, c)
            }
            #[inline(always)]
            fn sqrt(self) -> Self {
                $V(self.0.sqrt())
            }
            #[inline(always)]
            fn round(self) -> Self {
                // Adding 1.5 * 2^mant rounds away the fraction (ties to even).
                let m = $W::splat($magic_round);
                $V((self.0 + m) - m)
            }
            #[inline(always)]
            fn floor(self) -> Self {
                $V(self.0.floor())
            }
            #[inline(always)]
            fn max_raw(self, b: Self) -> Self {
                $V(self.0.simd_gt(b.0).select(self.0, b.0))
            }
            #[inline(always)]
            fn min_raw(self, b: Self) -> Self {
                $V(self.0.simd_lt(b.0).select(self.0, b.0))
            }
            #[inline(always)]
            fn bit_and(self, b: Self) -> Self {
                $V(self.0 & b.0)
            }
            #[inline(always)]
            fn bit_or(self, b: Self) -> Self {
                $V(self.0 | b.0)
            }
            #[inline(always)]
            fn bit_xor(self, b: Self) -> Self {
                $V(self.0 ^ b.0)
            }
            #[inline(always)]
            fn bit_andnot(self, b: Self) -> Self {
                $V(!self.0 & b.0)
            }
            #[inline(always)]
            fn lt(self, b: Self) -> $W {
                self.0.simd_lt(b.0)
            }
            #[inline(always)]
            fn le(self, b: Self) -> $W {
                self.0.simd_le(b.0)
            }
            #[inline(always)]
            fn gt(self, b: Self) -> $W {
                self.0.simd_gt(b.0)
            }
            #[inline(always)]
            fn ge(self, b: Self) -> $W {
                self.0.simd_ge(b.0)
            }
            #[inline(always)]
            fn eq(self, b: Self) -> $W {
                self.0.simd_eq(b.0)
            }
            #[inline(always)]
            fn ne(self, b: Self) -> $W {
                !self.0.simd_eq(b.0)
            }
            #[inline(always)]
            fn mask_and(a: $W, b: $W) -> $W {
                a & b
            }
            #[inline(always)]
            fn mask_or(a: $W, b: $W) -> $W {
                a | b
            }
            #[inline(always)]
            fn mask_bits(m: $W) -> u64 {
                m.to_bitmask() as u64
            }
            #[inline(always)]
            fn mask_from_bits(bits: u64) -> $W {
                let ones = <$T>::from_bits(!0);
                $W::new(core::array::from_fn(|i| if bits >> i & 1 == 1 { ones } else { 0.0 }))
            }
            #[inline(always)]
            fn select(m: $W, a: Self, b: Self) -> Self {
                $V(m.select(a.0, b.0))
            }
            #[inline(always)]
            fn ldexp(self, n: Self) -> Self {
                let n = Self(n.0.fast_max($W::splat($exp_lo)).fast_min($W::splat($exp_hi)));
                let n1 = Self((n.0 * $W::splat(0.5)).floor());
                let n2 = n.sub(n1);
                let pow2 = |k: Self| -> $W {
                    let biased: $U = cast((k.0 + $W::splat($magic_pow2)));
                    cast(biased << $mant_bits)
                };
                $V(self.0 * pow2(n1) * pow2(n2))
            }
            #[inline(always)]
            fn frexp(self) -> (Self, Self) {
                let bits: $U = cast(self.0);
                let biased: $U = bits >> $mant_bits;
                let e: [_; $N] = biased.to_array();
                let e = $W::new(core::array::from_fn(|i| e[i] as $T - $bias));
                let m: $W = cast((bits & $U::splat($mant_mask)) | $U::splat($one_bits));
                ($V(m), $V(e))
            }
        }
    };
}

portable_float!(F32x8, f32x8, f32, u32x8, 8, 12582912.0f32, -252.0f32, 254.0f32, 12582912.0f32 + 127.0, 23u32,
    127.0f32, 0x007f_ffffu32, 0x3f80_0000u32);
portable_float!(F64x4, f64x4, f64, u64x4, 4, 6755399441055744.0f64, -2044.0f64, 2046.0f64,
    6755399441055744.0f64 + 1023.0, 52u32, 1023.0f64, 0x000f_ffff_ffff_ffffu64, 0x3ff0_0000_0000_0000u64);

impl Simd for Portable {
    type F32 = F32x8;
    type F64 = F64x4;
    type WidenF64 = F64x4;
    #[inline(always)]
    unsafe fn load_widen(p: *const f32) -> F64x4 {
        F64x4(f64x4::new(core::array::from_fn(|i| *p.add(i) as f64)))
    }
    #[inline(always)]
    unsafe fn load_widen_lanes(p: *const f32, first: usize, n: usize) -> F64x4 {
        F64x4(f64x4::new(core::array::from_fn(|i| if i >= first && i < first + n { *p.add(i - first) as f64 } else { 0.0 })))
    }
    #[inline(always)]
    fn widen(x: F32x8) -> (F64x4, F64x4) {
        let a = x.0.to_array();
        (
            F64x4(f64x4::new(core::array::from_fn(|i| a[i] as f64))),
            F64x4(f64x4::new(core::array::from_fn(|i| a[i + 4] as f64))),
        )
    }
    #[inline(always)]
    fn narrow(lo: F64x4, hi: F64x4) -> F32x8 {
        let (l, h) = (lo.0.to_array(), hi.0.to_array());
        F32x8(f32x8::new(core::array::from_fn(|i| if i < 4 { l[i] as f32 } else { h[i - 4] as f32 })))
    }
    #[inline(always)]
    fn lookup16(table: &[f32; 16], idx: F32x8) -> F32x8 {
        let a = idx.0.to_array();
        F32x8(f32x8::new(core::array::from_fn(|i| table[(a[i].to_bits() & 15) as usize])))
    }
    #[inline(always)]
    fn shl_bits<const N: u32>(x: F32x8) -> F32x8 {
        let bits: u32x8 = cast(x.0);
        F32x8(cast(bits << N))
    }
}
