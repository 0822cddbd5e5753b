//! The SIMD abstraction every microkernel is written against, once.
//!
//! A tier is a zero-sized type implementing [`Simd`]; its vector types
//! implement [`SimdFloat`]. Kernels are generic over the tier and are
//! monomorphized inside `#[target_feature]` wrappers (see `kernels::tiers`),
//! where every `#[inline(always)]` method below inlines into the tier's
//! instructions. Backends: `wide` for the portable tier (which is NEON on
//! aarch64), and thin `core::arch` newtypes for AVX2+FMA and AVX-512.

pub mod portable;
#[cfg(target_arch = "x86_64")]
pub mod avx2;
#[cfg(target_arch = "x86_64")]
pub mod avx512;

use crate::dtype::Real;

/// A vector of `LANES` floats and the operations the kernels need.
///
/// # Safety
/// Implementations are only instantiated on CPUs that have their features.
pub trait SimdFloat: Copy + 'static {
    type Scalar: Real;
    /// Lane predicate (a bit mask on AVX-512, an all-ones lane mask elsewhere).
    type Mask: Copy;
    const LANES: usize;

    /// Loads `LANES` elements from `p` (no alignment needed).
    unsafe fn load(p: *const Self::Scalar) -> Self;
    /// Loads `n < LANES` elements; other lanes are 0. Never reads past `p + n`.
    unsafe fn load_partial(p: *const Self::Scalar, n: usize) -> Self;
    /// Loads `n` elements from `p` into lanes `first .. first + n` (at most
    /// `LANES`); other lanes are 0. Never reads outside `p .. p + n`.
    unsafe fn load_lanes(p: *const Self::Scalar, first: usize, n: usize) -> Self;
    /// Whether [`SimdFloat::concat_shift`] is a shuffle or two (AVX-512's
    /// `valign`, AVX2's f64 permutes), not a trip through memory: then a
    /// kernel may build an unaligned vector from two aligned loads cheaper
    /// than it loads one across a cache line.
    const FAST_CONCAT: bool = false;
    /// Lanes `SHIFT .. LANES` of `self` followed by lanes `0 .. SHIFT` of
    /// `next` (0 < SHIFT < LANES): the vector starting SHIFT elements into
    /// `self` when `next` follows it in memory.
    #[inline(always)]
    fn concat_shift<const SHIFT: i32>(self, next: Self) -> Self {
        let mut both = [Self::Scalar::from_f64(0.0); 128];
        let l = Self::LANES;
        // SAFETY: 2 * LANES <= 128 elements, SHIFT < LANES.
        unsafe {
            self.store(both.as_mut_ptr());
            next.store(both.as_mut_ptr().add(l));
            Self::load(both.as_ptr().add(SHIFT as usize))
        }
    }
    unsafe fn store(self, p: *mut Self::Scalar);
    /// Stores the first `n < LANES` lanes; never writes past `p + n`.
    unsafe fn store_partial(self, p: *mut Self::Scalar, n: usize);
    /// Stores `LANES` elements bypassing the caches where the tier can (x86
    /// non-temporal stores; a plain store elsewhere). `p` must be aligned to
    /// the vector's size; follow a run of these with [`Simd::stream_fence`].
    #[inline(always)]
    unsafe fn store_stream(self, p: *mut Self::Scalar) {
        self.store(p)
    }
    fn splat(x: Self::Scalar) -> Self;

    fn add(self, b: Self) -> Self;
    fn sub(self, b: Self) -> Self;
    fn mul(self, b: Self) -> Self;
    fn div(self, b: Self) -> Self;
    /// `self * b + c`, rounded once.
    fn mul_add(self, b: Self, c: Self) -> Self;
    /// `c - self * b`, rounded once.
    fn neg_mul_add(self, b: Self, c: Self) -> Self;
    fn sqrt(self) -> Self;
    /// Round to nearest integer, ties to even (exact for |x| < 2^(mantissa bits - 1)).
    fn round(self) -> Self;
    /// Round toward -inf.
    fn floor(self) -> Self;
    /// `self > b ? self : b`: returns `b` when either is NaN (x86 `max` semantics).
    fn max_raw(self, b: Self) -> Self;
    /// `self < b ? self : b`: returns `b` when either is NaN.
    fn min_raw(self, b: Self) -> Self;
    fn bit_and(self, b: Self) -> Self;
    fn bit_or(self, b: Self) -> Self;
    fn bit_xor(self, b: Self) -> Self;
    /// `!self & b` on the bits.
    fn bit_andnot(self, b: Self) -> Self;

    fn lt(self, b: Self) -> Self::Mask;
    fn le(self, b: Self) -> Self::Mask;
    fn gt(self, b: Self) -> Self::Mask;
    fn ge(self, b: Self) -> Self::Mask;
    fn eq(self, b: Self) -> Self::Mask;
    /// Not equal, true when either is NaN.
    fn ne(self, b: Self) -> Self::Mask;
    fn mask_and(a: Self::Mask, b: Self::Mask) -> Self::Mask;
    fn mask_or(a: Self::Mask, b: Self::Mask) -> Self::Mask;
    /// Lane `i` of the mask as bit `i`.
    fn mask_bits(m: Self::Mask) -> u64;
    fn mask_from_bits(bits: u64) -> Self::Mask;
    /// `m ? a : b` per lane.
    fn select(m: Self::Mask, a: Self, b: Self) -> Self;

    /// `self * 2^n` for integral `n`, rounded once (overflow to inf, gradual
    /// underflow). Exact-once whenever `self * 2^floor(n/2)` is normal, which
    /// holds for every use in `math` (|self| in [2^-2, 2^2], |n| <= 2*EMAX).
    fn ldexp(self, n: Self) -> Self;
    /// `self * 2^floor(n)`, rounded once (AVX-512's `scalef` floors by itself).
    #[inline(always)]
    fn ldexp_floor(self, n: Self) -> Self {
        self.ldexp(n.floor())
    }
    /// 1 / self to a relative error below 2^-14: AVX-512's `rcp14`, an exact
    /// division elsewhere. Callers refine it with a residual step.
    #[inline(always)]
    fn recip_approx(self) -> Self {
        Self::splat(Self::Scalar::from_f64(1.0)).div(self)
    }
    /// For positive normal `self`: `(m, e)` with `self = m * 2^e`, `m` in [1, 2).
    fn frexp(self) -> (Self, Self);

    #[inline(always)]
    fn abs(self) -> Self {
        Self::splat(Self::Scalar::from_f64(-0.0)).bit_andnot(self)
    }
    #[inline(always)]
    fn neg(self) -> Self {
        self.bit_xor(Self::splat(Self::Scalar::from_f64(-0.0)))
    }
    #[inline(always)]
    fn is_nan(self) -> Self::Mask {
        self.ne(self)
    }
    /// The sign bit of `self` (as ±0.0).
    #[inline(always)]
    fn sign_bit(self) -> Self {
        self.bit_and(Self::splat(Self::Scalar::from_f64(-0.0)))
    }
    /// NumPy's `maximum`: `self` if it is NaN, else `self > b ? self : b`
    /// (so `b` when they compare equal, as `maximum(-0.0, 0.0)` = 0.0, or
    /// when `b` is NaN).
    #[inline(always)]
    fn maximum(self, b: Self) -> Self {
        Self::select(self.is_nan(), self, self.max_raw(b))
    }
    /// NumPy's `minimum`: `self` if it is NaN, else `self < b ? self : b`.
    #[inline(always)]
    fn minimum(self, b: Self) -> Self {
        Self::select(self.is_nan(), self, self.min_raw(b))
    }
}

/// A SIMD tier: its vector types and the conversions between them.
pub trait Simd: Copy + Send + Sync + 'static {
    type F32: SimdFloat<Scalar = f32>;
    /// Has half the lanes of `F32`.
    type F64: SimdFloat<Scalar = f64>;
    /// f32 lanes -> (low half, high half) as f64, exactly.
    fn widen(x: Self::F32) -> (Self::F64, Self::F64);
    /// The f64 vector that a stream of f32 is widened into fastest: `F64`
    /// except on AVX-512, where Zen 4 runs one 512-bit `vcvtps2pd` per 1.6
    /// cycles but two 256-bit ones per cycle (a 1e3 f32 dot: 110 ns against 71).
    type WidenF64: SimdFloat<Scalar = f64>;
    /// Loads `WidenF64::LANES` f32 values from `p` as f64, exactly (one
    /// converting load where the tier has it).
    ///
    /// # Safety
    /// `p` valid for `WidenF64::LANES` reads.
    unsafe fn load_widen(p: *const f32) -> Self::WidenF64;
    /// [`Simd::load_widen`] of `n` values into lanes `first .. first + n`
    /// (at most `WidenF64::LANES`), the other lanes 0. Never reads outside
    /// `p .. p + n`.
    ///
    /// # Safety
    /// `p` valid for `n` reads; `first + n <= WidenF64::LANES`.
    unsafe fn load_widen_lanes(p: *const f32, first: usize, n: usize) -> Self::WidenF64;
    /// Two f64 vectors -> one f32 vector, rounding to nearest even.
    fn narrow(lo: Self::F64, hi: Self::F64) -> Self::F32;
    /// Lane `i` = `table[bits(idx_i) & 15]`: a 16-entry table keyed by the low
    /// four bits of each lane's bit pattern (one `vpermps` on AVX-512).
    fn lookup16(table: &[f32; 16], idx: Self::F32) -> Self::F32;
    /// Whether [`Simd::lookup32`] is a single instruction (AVX-512's
    /// `vpermt2ps`); table-driven algorithms are chosen only where it is.
    const FAST_LOOKUP32: bool = false;
    /// Lane `i` = `table[(bits(key_i) >> SHIFT) & 31]`. The default goes
    /// through memory, lane by lane.
    #[inline(always)]
    fn lookup32<const SHIFT: u32>(table: &[f32; 32], key: Self::F32) -> Self::F32 {
        let (mut keys, mut out) = ([0f32; 64], [0f32; 64]);
        // SAFETY: both buffers hold 64 >= LANES floats.
        unsafe { key.store(keys.as_mut_ptr()) };
        for (o, k) in out.iter_mut().zip(&keys[..Self::F32::LANES]) {
            *o = table[((k.to_bits() >> SHIFT) & 31) as usize];
        }
        unsafe { Self::F32::load(out.as_ptr()) }
    }

    /// Hints that the cache line at `p` will be read soon (`prefetcht0`, part
    /// of x86-64's baseline, so every x86 tier shares it; a no-op elsewhere).
    /// Never faults, whatever the address.
    #[inline(always)]
    fn prefetch<T>(p: *const T) {
        // SAFETY: a prefetch never faults.
        #[cfg(target_arch = "x86_64")]
        unsafe {
            core::arch::x86_64::_mm_prefetch::<{ core::arch::x86_64::_MM_HINT_T0 }>(p as *const i8)
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = p;
    }
    /// Each lane's bit pattern shifted left by `N` (as a u32), e.g. to move
    /// an integer held in the low mantissa bits into the exponent field.
    fn shl_bits<const N: u32>(x: Self::F32) -> Self::F32;

    /// Transposes a 16 x 16 block of 4-byte elements:
    /// `dst[r * ds + c] = src[c * ss + r]` (strides in elements). All 16
    /// source rows are loaded before any store, which also sidesteps the
    /// 4 KiB store-to-load aliasing stalls of power-of-two strides.
    ///
    /// With `STREAM`, the stores bypass the caches (x86 non-temporal stores,
    /// for destinations far larger than the caches: no read-for-ownership);
    /// follow them with [`Simd::stream_fence`].
    ///
    /// # Safety
    /// Both blocks must be valid and must not overlap. With `STREAM`, `dst`
    /// and `ds * 4` must be multiples of 64 bytes.
    #[inline(always)]
    unsafe fn transpose16_b32<const STREAM: bool>(src: *const u32, ss: isize, dst: *mut u32, ds: isize) {
        transpose16_scalar(src, ss, dst, ds)
    }
    /// As [`Simd::transpose16_b32`] for 8-byte elements.
    ///
    /// # Safety
    /// As [`Simd::transpose16_b32`], with `ds * 8` a multiple of 64 bytes.
    #[inline(always)]
    unsafe fn transpose16_b64<const STREAM: bool>(src: *const u64, ss: isize, dst: *mut u64, ds: isize) {
        transpose16_scalar(src, ss, dst, ds)
    }
    /// Orders earlier streaming stores before later stores (x86 `sfence`).
    #[inline(always)]
    fn stream_fence() {}
}

/// The scalar 16 x 16 transpose the SIMD ones are checked against.
///
/// # Safety
/// As [`Simd::transpose16_b32`].
#[inline(always)]
pub unsafe fn transpose16_scalar<T: Copy>(src: *const T, ss: isize, dst: *mut T, ds: isize) {
    for r in 0..16isize {
        for c in 0..16isize {
            *dst.offset(r * ds + c) = *src.offset(c * ss + r);
        }
    }
}

/// Maps a scalar float to its vector type on tier `S`.
pub trait SimdReal<S: Simd>: Real {
    type V: SimdFloat<Scalar = Self>;
}
impl<S: Simd> SimdReal<S> for f32 {
    type V = S::F32;
}
impl<S: Simd> SimdReal<S> for f64 {
    type V = S::F64;
}

/// Elements of `size` bytes from `addr` to the next multiple of `bytes`
/// (a cache line, a vector's width); 0 when `addr` is not on an element
/// boundary, as no run of elements reaches it then.
#[inline(always)]
pub(crate) fn elements_to_boundary(addr: usize, size: usize, bytes: usize) -> usize {
    if addr % size != 0 {
        return 0;
    }
    ((bytes - addr % bytes) % bytes) / size
}

/// Lane mask `(1 << n) - 1` for tails.
#[inline(always)]
pub(crate) fn low_bits(n: usize) -> u64 {
    if n >= 64 {
        u64::MAX
    } else {
        (1u64 << n) - 1
    }
}
