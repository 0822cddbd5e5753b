//! Microkernels: per-tier instantiations of the generic run loops, and the
//! lookup from (tier, dtype, op) to a function pointer. Nothing here knows
//! about N-d shapes; it sees runs of `n` elements with constant strides.

pub mod accuracy;
pub mod blas;
pub mod gemm;
pub mod generic;
pub mod ops;
pub mod reduce;

use crate::dispatch::Tier;
use crate::dtype::DType;
pub use gemm::Activation;
pub use ops::{BinaryOp, CompareOp, KernelFloat, KernelReal, LogicalOp, PredicateOp, UnaryOp};

/// Folds `w[..n]` (`n` a power of two) as a halving tree, `w[i] op w[i +
/// n/2]` level by level: the fixed order every sum of lanes or slots uses,
/// so a result never depends on the lane width.
#[inline(always)]
pub(crate) fn halving_tree<A: Copy>(w: &mut [A], mut n: usize, op: impl Fn(A, A) -> A) -> A {
    while n > 1 {
        n /= 2;
        for i in 0..n {
            w[i] = op(w[i], w[i + n]);
        }
    }
    w[0]
}

/// Parameters of the parameterized unary ops (leaky_relu: a = alpha;
/// clip: a = lo, b = hi; affine: a = scale, b = shift).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct UnaryParams {
    pub a: f64,
    pub b: f64,
}

/// A unary run; the last argument asks for streaming stores on a
/// contiguous run (outputs far larger than the caches: fence with
/// [`stream_fence`] after the calls).
pub type UnaryFn<T> = unsafe fn(usize, *const T, isize, *mut T, isize, &UnaryParams, bool);
/// A binary kernel over `rows` runs of `n` elements, run r of x, y and z
/// starting `r * row_strides[0 / 1 / 2]` elements after the first.
pub type BinaryFn<T> = unsafe fn(usize, [isize; 3], usize, *const T, isize, *const T, isize, *mut T, isize);
pub type CompareFn<T> = unsafe fn(usize, *const T, isize, *const T, isize, *mut u8, isize);
pub type PredicateFn<T> = unsafe fn(usize, *const T, isize, *mut u8, isize);
pub type WhereFn<T> = unsafe fn(usize, *const u8, isize, *const T, isize, *const T, isize, *mut T, isize);
/// Byte-level (dtype-erased) run kernels for casts and logic.
pub type CastFn = unsafe fn(usize, *const u8, isize, *mut u8, isize);
/// Side of the tiles a transposing copy hands to a `CastTileFn`.
pub(crate) const TRANSPOSE_TILE: usize = 16;
/// (rows, cols, src, src row stride, src col stride, dst, dst row stride,
/// dst col stride, stream): see [`generic::tile`].
pub type CastTileFn = unsafe fn(usize, usize, *const u8, isize, isize, *mut u8, isize, isize, bool);
pub type LogicalFn = unsafe fn(usize, *const u8, isize, *const u8, isize, *mut u8, isize);

/// Conversion with NumPy's `astype` meaning where NumPy defines one: ints to
/// narrower ints wrap, ints and f64 to f32 round to nearest even. Where NumPy
/// leaves it undefined (NaN or out-of-range float to int) we saturate and send
/// NaN to 0.
pub trait CastTo<D>: Copy + 'static {
    fn cast_to(self) -> D;
}
macro_rules! cast_impls {
    ($($from:ty),*) => { $( cast_impls!(@to $from; f32, f64, i32, i64, u8); )* };
    (@to $from:ty; $($to:ty),*) => { $( impl CastTo<$to> for $from {
        #[inline(always)] fn cast_to(self) -> $to { self as $to }
    } )* };
}
cast_impls!(i32, i64, u8);
cast_impls!(@to f32; f32, f64);
cast_impls!(@to f64; f32, f64);

/// Float to integer: Rust's saturating `as` (truncate toward zero, clamp to
/// the type's range, NaN to 0), written as clamp, convert and two selects
/// so that loops vectorize (`as` compiles to a scalar loop on x86).
macro_rules! float_to_int {
    ($from:ty; $($to:ty),*) => { $( impl CastTo<$to> for $from {
        #[inline(always)]
        fn cast_to(self) -> $to {
            // The largest float not above MAX (MAX itself when exact).
            let m = <$to>::MAX as $from;
            let top = if m as i128 > <$to>::MAX as i128 { <$from>::from_bits(m.to_bits() - 1) } else { m };
            let clamped = self.max(<$to>::MIN as $from).min(top);
            // SAFETY: `clamped` is in range and not NaN (max and min return
            // the non-NaN operand; a NaN input is replaced below).
            let r: $to = unsafe { clamped.to_int_unchecked() };
            let r = if self > top { <$to>::MAX } else { r };
            if self.is_nan() { 0 } else { r }
        }
    } )* };
}
float_to_int!(f32; i32, i64, u8);
float_to_int!(f64; i32, i64, u8);

/// Instantiates every generic loop for one tier, inside `#[target_feature]`
/// so the `#[inline(always)]` SIMD methods compile to that tier's instructions.
macro_rules! tier_module {
    ($m:ident, $S:ty $(, $feat:literal)?) => {
        pub mod $m {
            use crate::kernels::generic;
            use crate::kernels::ops::*;
            use crate::kernels::{CastTo, UnaryParams};
            type S = $S;

            $(#[target_feature(enable = $feat)])?
            pub unsafe fn unary<T: KernelReal<S>, O: UnaryMap>(n: usize, x: *const T, sx: isize, y: *mut T, sy: isize, p: &UnaryParams, stream: bool) {
                generic::unary_run::<S, T, O>(n, x, sx, y, sy, p, stream)
            }
            $(#[target_feature(enable = $feat)])?
            #[allow(clippy::too_many_arguments)]
            pub unsafe fn binary<T: KernelReal<S>, O: BinaryMap, const STREAM: bool>(rows: usize, row_strides: [isize; 3], n: usize, x: *const T, sx: isize, y: *const T, sy: isize, z: *mut T, sz: isize) {
                generic::binary_rows::<S, T, O, STREAM>(rows, row_strides, n, x, sx, y, sy, z, sz)
            }
            $(#[target_feature(enable = $feat)])?
            pub unsafe fn compare<T: KernelReal<S>, O: CompareMap>(n: usize, x: *const T, sx: isize, y: *const T, sy: isize, z: *mut u8, sz: isize) {
                generic::compare_run::<S, T, O>(n, x, sx, y, sy, z, sz)
            }
            $(#[target_feature(enable = $feat)])?
            pub unsafe fn predicate<T: KernelReal<S>, O: PredicateMap>(n: usize, x: *const T, sx: isize, z: *mut u8, sz: isize) {
                generic::predicate_run::<S, T, O>(n, x, sx, z, sz)
            }
            $(#[target_feature(enable = $feat)])?
            #[allow(clippy::too_many_arguments)]
            pub unsafe fn where_<T: KernelReal<S>>(n: usize, m: *const u8, sm: isize, x: *const T, sx: isize, y: *const T, sy: isize, z: *mut T, sz: isize) {
                generic::where_run::<S, T>(n, m, sm, x, sx, y, sy, z, sz)
            }
            $(#[target_feature(enable = $feat)])?
            pub unsafe fn cast<A: CastTo<D>, D: Copy>(n: usize, a: *const u8, sa: isize, d: *mut u8, sd: isize) {
                generic::map_scalar(n, a as *const A, sa, d as *mut D, sd, |v: A| v.cast_to())
            }
            $(#[target_feature(enable = $feat)])?
            pub unsafe fn cast_stream<A: CastTo<D>, D: Copy>(n: usize, a: *const u8, _sa: isize, d: *mut u8, _sd: isize) {
                generic::cast_stream::<S, A, D>(n, a as *const A, d as *mut D)
            }
            $(#[target_feature(enable = $feat)])?
            #[allow(clippy::too_many_arguments)]
            pub unsafe fn cast_tile<A: CastTo<D>, D: Copy + 'static>(rows: usize, cols: usize, a: *const u8, sr: isize, sc: isize, d: *mut u8, dr: isize, dc: isize, stream: bool) {
                generic::tile::<S, A, D>(rows, cols, a, sr, sc, d, dr, dc, stream)
            }
            $(#[target_feature(enable = $feat)])?
            pub unsafe fn gemm_micro<T: KernelReal<S>, const MV: usize, const NR: usize, const PACKED: bool>(t: &crate::kernels::gemm::MicroTile<T>) {
                crate::kernels::gemm::micro::<S, T, MV, NR, PACKED>(t)
            }
            $(#[target_feature(enable = $feat)])?
            pub unsafe fn dot<T: KernelReal<S>>(n: usize, x: *const T, y: *const T) -> f64 {
                crate::kernels::blas::dot_run::<S, T>(n, x, y)
            }
            $(#[target_feature(enable = $feat)])?
            pub unsafe fn sum_block<T: KernelReal<S>, M: crate::kernels::reduce::SumMap>(n: usize, x: *const T, a: f64) -> f64 {
                crate::kernels::reduce::sum_block::<S, T, M>(n, x, a)
            }
            $(#[target_feature(enable = $feat)])?
            pub unsafe fn sum_outer<T: KernelReal<S>, M: crate::kernels::reduce::SumMap>(rows: usize, x: *const T, s: isize, width: usize, a: *const f64, a0: f64, out: *mut f64) {
                crate::kernels::reduce::sum_outer::<S, T, M>(rows, x, s, width, a, a0, out)
            }
            $(#[target_feature(enable = $feat)])?
            pub unsafe fn extreme_outer<T: KernelReal<S>, const MAX: bool, const SKIP_NAN: bool, const ABS: bool, const INDEX: bool>(rows: usize, x: *const T, s: isize, width: usize, best: *mut T, at: *mut T) {
                crate::kernels::reduce::extreme_outer::<S, T, MAX, SKIP_NAN, ABS, INDEX>(rows, x, s, width, best, at)
            }
            $(#[target_feature(enable = $feat)])?
            pub unsafe fn exp_sum_block<T: KernelReal<S>>(n: usize, x: *const T, m: T) -> f64 {
                crate::kernels::reduce::exp_sum_block::<S, T>(n, x, m)
            }
            $(#[target_feature(enable = $feat)])?
            pub unsafe fn exp_shifted<T: KernelReal<S>>(n: usize, x: *const T, m: T, y: *mut T, ahead: isize) {
                crate::kernels::reduce::exp_shifted::<S, T>(n, x, m, y, ahead)
            }
            $(#[target_feature(enable = $feat)])?
            pub unsafe fn extreme_block<T: KernelReal<S>, const MAX: bool, const SKIP_NAN: bool, const ABS: bool, const INDEX: bool>(n: usize, x: *const T) -> (T, usize) {
                crate::kernels::reduce::extreme_block::<S, T, MAX, SKIP_NAN, ABS, INDEX>(n, x)
            }
            $(#[target_feature(enable = $feat)])?
            pub unsafe fn axpy<T: KernelReal<S>>(n: usize, alpha: T, x: *const T, y: *mut T) {
                crate::kernels::blas::axpy_run::<S, T>(n, alpha, x, y)
            }
            $(#[target_feature(enable = $feat)])?
            pub unsafe fn gemv_cols<T: KernelReal<S>>(m: usize, n: usize, a: *const T, cs: isize, x: *const T, t: *mut T) {
                crate::kernels::blas::gemv_cols::<S, T>(m, n, a, cs, x, t)
            }
            $(#[target_feature(enable = $feat)])?
            pub unsafe fn gemv_rows<T: KernelReal<S>>(m: usize, n: usize, a: *const T, rs: isize, x: *const T, t: *mut T) {
                crate::kernels::blas::gemv_rows::<S, T>(m, n, a, rs, x, t)
            }
            $(#[target_feature(enable = $feat)])?
            pub unsafe fn stream_fence() {
                <S as crate::simd::Simd>::stream_fence()
            }
            $(#[target_feature(enable = $feat)])?
            pub unsafe fn logical<const OP: u8>(n: usize, a: *const u8, sa: isize, b: *const u8, sb: isize, c: *mut u8, sc: isize) {
                let op = LogicalOp::ALL[OP as usize];
                generic::zip_scalar(n, a, sa, b, sb, c, sc, |x: u8, y: u8| op.apply(x, y))
            }
            $(#[target_feature(enable = $feat)])?
            pub unsafe fn logical_not(n: usize, a: *const u8, sa: isize, c: *mut u8, sc: isize) {
                generic::map_scalar(n, a, sa, c, sc, |x: u8| (x == 0) as u8)
            }
        }
    };
}

pub mod tiers {
    tier_module!(portable, crate::simd::portable::Portable);
    #[cfg(target_arch = "x86_64")]
    tier_module!(avx2, crate::simd::avx2::Avx2, "avx2,fma");
    #[cfg(target_arch = "x86_64")]
    tier_module!(avx512, crate::simd::avx512::Avx512, "avx512f,avx512bw,avx512vl,avx512dq,avx2,fma");
}

/// Picks the tier's instantiation of a generic kernel (waterfall: tiers
/// without their own backend, e.g. NEON, use the portable one, which is
/// NEON on aarch64).
macro_rules! by_tier {
    ($tier:expr, $f:ident [$($g:tt)*]) => {
        match $tier {
            #[cfg(target_arch = "x86_64")]
            Tier::Avx512 => tiers::avx512::$f::<$($g)*> as _,
            #[cfg(target_arch = "x86_64")]
            Tier::Avx2 => tiers::avx2::$f::<$($g)*> as _,
            _ => tiers::portable::$f::<$($g)*> as _,
        }
    };
}

macro_rules! lookup {
    ($fn_name:ident, $Enum:ident, $maps:ident, $kernel:ident, $Fn:ident, [$($Variant:ident),*]) => {
        pub fn $fn_name<T: KernelFloat>(tier: Tier, op: $Enum) -> $Fn<T> {
            match op { $( $Enum::$Variant => by_tier!(tier, $kernel [T, ops::$maps::$Variant]) ),* }
        }
    };
}

lookup!(unary_fn, UnaryOp, unary_maps, unary, UnaryFn,
    [Negative, Abs, Square, Sqrt, Reciprocal, Exp, Expm1, Log, Log1p, Tanh, Sigmoid, Relu, LeakyRelu, Gelu,
     GeluTanh, Silu, Softplus, Clip, Affine]);
/// The binary kernel; with `stream`, contiguous runs write with streaming
/// stores (for outputs far larger than the caches; fence with
/// [`stream_fence`] after the calls).
pub fn binary_fn<T: KernelFloat>(tier: Tier, op: BinaryOp, stream: bool) -> BinaryFn<T> {
    macro_rules! pick {
        ($($Variant:ident),*) => {
            match (op, stream) {
                $( (BinaryOp::$Variant, false) => by_tier!(tier, binary [T, ops::binary_maps::$Variant, false]),
                   (BinaryOp::$Variant, true) => by_tier!(tier, binary [T, ops::binary_maps::$Variant, true]), )*
            }
        };
    }
    pick!(Add, Subtract, Multiply, Divide, Power, Maximum, Minimum)
}
lookup!(compare_fn, CompareOp, compare_maps, compare, CompareFn,
    [Greater, GreaterEqual, Less, LessEqual, Equal, NotEqual]);
lookup!(predicate_fn, PredicateOp, predicate_maps, predicate, PredicateFn, [IsNan, IsFinite]);

pub fn where_fn<T: KernelFloat>(tier: Tier) -> WhereFn<T> {
    by_tier!(tier, where_ [T])
}

pub fn logical_fn(tier: Tier, op: LogicalOp) -> LogicalFn {
    match op {
        LogicalOp::And => by_tier!(tier, logical [0]),
        LogicalOp::Or => by_tier!(tier, logical [1]),
        LogicalOp::Xor => by_tier!(tier, logical [2]),
    }
}

/// Orders a thread's earlier streaming stores (from `cast_tile` with
/// `stream`) before its later stores.
pub fn stream_fence(tier: Tier) {
    let fence: unsafe fn() = match tier {
        #[cfg(target_arch = "x86_64")]
        Tier::Avx512 => tiers::avx512::stream_fence,
        #[cfg(target_arch = "x86_64")]
        Tier::Avx2 => tiers::avx2::stream_fence,
        _ => tiers::portable::stream_fence,
    };
    // SAFETY: the tier was detected on this CPU (or is portable).
    unsafe { fence() }
}

pub fn logical_not_fn(tier: Tier) -> CastFn {
    match tier {
        #[cfg(target_arch = "x86_64")]
        Tier::Avx512 => tiers::avx512::logical_not as _,
        #[cfg(target_arch = "x86_64")]
        Tier::Avx2 => tiers::avx2::logical_not as _,
        _ => tiers::portable::logical_not as _,
    }
}

macro_rules! cast_table {
    ($name:ident, $kernel:ident, $Fn:ident) => {
        pub fn $name(tier: Tier, from: DType, to: DType) -> $Fn {
            macro_rules! to {
                ($A:ty) => {
                    match to {
                        DType::F32 => by_tier!(tier, $kernel [$A, f32]),
                        DType::F64 => by_tier!(tier, $kernel [$A, f64]),
                        DType::I32 => by_tier!(tier, $kernel [$A, i32]),
                        DType::I64 => by_tier!(tier, $kernel [$A, i64]),
                        DType::U8 => by_tier!(tier, $kernel [$A, u8]),
                    }
                };
            }
            match from {
                DType::F32 => to!(f32),
                DType::F64 => to!(f64),
                DType::I32 => to!(i32),
                DType::I64 => to!(i64),
                DType::U8 => to!(u8),
            }
        }
    };
}
cast_table!(cast_fn, cast, CastFn);
cast_table!(cast_tile_fn, cast_tile, CastTileFn);
// Contiguous runs only (the strides are ignored): large outputs.
cast_table!(cast_stream_fn, cast_stream, CastFn);

/// A tier's GEMM microkernels for one dtype and their register tiles.
#[derive(Clone, Copy, Debug)]
pub struct GemmKernel<T> {
    pub mr: usize,
    pub nr: usize,
    /// On packed micro-panels (`mr` x `nr`).
    pub micro: gemm::MicroFn<T>,
    /// Its own tile for A and B in place (A's rows contiguous).
    pub mr_in_place: usize,
    pub nr_in_place: usize,
    pub micro_in_place: gemm::MicroFn<T>,
}

/// The register tiles of each (tier, dtype), as (vectors of rows, columns):
/// about 24 accumulators on AVX-512 and NEON (32 registers), 12 on AVX2 (16).
/// In place, each of B's columns is its own stream of broadcasts (packed B
/// is one), and the best width differs by CPU family. On Zen 4, tiles 8
/// columns wide ran f32 n = 32 in 653 ns against 676 for 32 x 12 and n = 64
/// in 4.70 us against 4.84 (16 x 8 f64 tiles also split 32 and 64 evenly,
/// where 24 x 8 left a masked edge). On an AVX-512 Xeon, 12 columns wide
/// won (GFLOP/s, 12 / 8 columns): f32 n = 64 154 / 149, 128 148 / 133, the
/// 32x784x128 layer 146 / 134; f64 (16 x 12 / 16 x 8) n = 32 72 / 69, 128
/// 72 / 66, the layer 69 / 64.
pub fn gemm_kernel<T: KernelFloat>(tier: Tier) -> GemmKernel<T> {
    let is_f32 = T::DTYPE == DType::F32;
    macro_rules! pick {
        ($m:ident, $vector_bytes:expr, f32: $f32:tt in place $f32_in:tt, f64: $f64:tt in place $f64_in:tt) => {{
            let lanes = $vector_bytes / core::mem::size_of::<T>();
            if is_f32 {
                pick!(@kernel $m, lanes, $f32, $f32_in)
            } else {
                pick!(@kernel $m, lanes, $f64, $f64_in)
            }
        }};
        (@kernel $m:ident, $lanes:expr, ($mv:literal, $nr:literal), ($mv_in:literal, $nr_in:literal)) => {
            GemmKernel {
                mr: $mv * $lanes,
                nr: $nr,
                micro: tiers::$m::gemm_micro::<T, $mv, $nr, true> as _,
                mr_in_place: $mv_in * $lanes,
                nr_in_place: $nr_in,
                micro_in_place: tiers::$m::gemm_micro::<T, $mv_in, $nr_in, false> as _,
            }
        };
    }
    match tier {
        #[cfg(target_arch = "x86_64")]
        Tier::Avx512 if crate::dispatch::cpu_family() == crate::dispatch::CpuFamily::Zen => pick!(avx512, 64, f32: (2, 12) in place (2, 8), f64: (3, 8) in place (2, 8)),
        #[cfg(target_arch = "x86_64")]
        Tier::Avx512 => pick!(avx512, 64, f32: (2, 12) in place (2, 12), f64: (3, 8) in place (2, 12)),
        #[cfg(target_arch = "x86_64")]
        Tier::Avx2 => pick!(avx2, 32, f32: (2, 6) in place (2, 6), f64: (2, 6) in place (2, 6)),
        _ => pick!(portable, 32, f32: (2, 6) in place (2, 6), f64: (2, 6) in place (2, 6)),
    }
}

/// A tier's level-1/2 kernels for one dtype (see `kernels::blas`).
pub struct VecKernels<T> {
    /// Dot of two contiguous runs of at most `blas::DOT_RUN` elements, in f64.
    pub dot: unsafe fn(usize, *const T, *const T) -> f64,
    /// `y += alpha x` over contiguous runs.
    pub axpy: unsafe fn(usize, T, *const T, *mut T),
    /// `t[0..m] += A x` down the contiguous columns (stride `cs` between them).
    pub gemv_cols: unsafe fn(usize, usize, *const T, isize, *const T, *mut T),
    /// `t[0..m] = A x` along the contiguous rows (stride `rs` between them).
    pub gemv_rows: unsafe fn(usize, usize, *const T, isize, *const T, *mut T),
}

impl<T> Clone for VecKernels<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for VecKernels<T> {}

pub fn vec_kernels<T: KernelFloat>(tier: Tier) -> VecKernels<T> {
    VecKernels { dot: by_tier!(tier, dot [T]), axpy: by_tier!(tier, axpy [T]), gemv_cols: by_tier!(tier, gemv_cols [T]), gemv_rows: by_tier!(tier, gemv_rows [T]) }
}

/// A block sum: `(n, x, a)` -> the f64 sum of a map of `x[0..n]` (see
/// `reduce::sum_block`).
pub type SumBlockFn<T> = unsafe fn(usize, *const T, f64) -> f64;
/// Block sums down contiguous columns: `(rows, x, s, width, a, a0, out)`
/// (see `reduce::sum_outer`).
pub type SumOuterFn<T> = unsafe fn(usize, *const T, isize, usize, *const f64, f64, *mut f64);
/// A block extreme: `(n, x)` -> (value, index) (see `reduce::extreme_block`).
pub type ExtremeFn<T> = unsafe fn(usize, *const T) -> (T, usize);
/// Block extremes down contiguous columns: `(rows, x, s, width, best, at)`
/// (see `reduce::extreme_outer`).
pub type ExtremeOuterFn<T> = unsafe fn(usize, *const T, isize, usize, *mut T, *mut T);

/// A sum map's kernels: along a contiguous run, and down columns.
pub struct SumKernel<T> {
    pub block: SumBlockFn<T>,
    pub outer: SumOuterFn<T>,
}
/// An extreme's kernels: along a contiguous run, and down columns.
pub struct ExtremeKernel<T> {
    pub block: ExtremeFn<T>,
    pub outer: ExtremeOuterFn<T>,
}

/// A tier's block kernels of the reductions for one dtype (see
/// `kernels::reduce`); each gives the same bits on every tier.
pub struct ReduceKernels<T> {
    pub sum: SumKernel<T>,
    pub sum_abs: SumKernel<T>,
    pub sum_square: SumKernel<T>,
    pub sum_deviation2: SumKernel<T>,
    pub nan_sum: SumKernel<T>,
    pub count_not_nan: SumKernel<T>,
    pub count_nonzero: SumKernel<T>,
    /// `(n, x, m)` -> the f64 sum of exp(x[i] - m).
    pub exp_sum: unsafe fn(usize, *const T, T) -> f64,
    /// `(n, x, m, y, ahead)`: y[i] = exp(x[i] - m), prefetching `ahead` on.
    pub exp_shifted: unsafe fn(usize, *const T, T, *mut T, isize),
    /// The extremes' values (the index only where it must be found, or
    /// down columns, where it is free).
    pub max: ExtremeKernel<T>,
    pub min: ExtremeKernel<T>,
    /// The extremes with the first one's index.
    pub argmax: ExtremeKernel<T>,
    pub argmin: ExtremeKernel<T>,
    pub nan_max: ExtremeKernel<T>,
    pub nan_min: ExtremeKernel<T>,
    pub max_abs: ExtremeKernel<T>,
}

macro_rules! copy_clone {
    ($($t:ident),*) => {$(
        impl<T> Clone for $t<T> {
            fn clone(&self) -> Self {
                *self
            }
        }
        impl<T> Copy for $t<T> {}
    )*};
}
copy_clone!(SumKernel, ExtremeKernel, ReduceKernels);

pub fn reduce_kernels<T: KernelFloat>(tier: Tier) -> ReduceKernels<T> {
    use reduce::*;
    ReduceKernels {
        sum: SumKernel { block: by_tier!(tier, sum_block [T, Plain]), outer: by_tier!(tier, sum_outer [T, Plain]) },
        sum_abs: SumKernel { block: by_tier!(tier, sum_block [T, Abs]), outer: by_tier!(tier, sum_outer [T, Abs]) },
        sum_square: SumKernel { block: by_tier!(tier, sum_block [T, Square]), outer: by_tier!(tier, sum_outer [T, Square]) },
        sum_deviation2: SumKernel { block: by_tier!(tier, sum_block [T, Deviation2]), outer: by_tier!(tier, sum_outer [T, Deviation2]) },
        nan_sum: SumKernel { block: by_tier!(tier, sum_block [T, NanZero]), outer: by_tier!(tier, sum_outer [T, NanZero]) },
        count_not_nan: SumKernel { block: by_tier!(tier, sum_block [T, NotNan]), outer: by_tier!(tier, sum_outer [T, NotNan]) },
        count_nonzero: SumKernel { block: by_tier!(tier, sum_block [T, NonZero]), outer: by_tier!(tier, sum_outer [T, NonZero]) },
        exp_sum: by_tier!(tier, exp_sum_block [T]),
        exp_shifted: by_tier!(tier, exp_shifted [T]),
        max: ExtremeKernel { block: by_tier!(tier, extreme_block [T, true, false, false, false]), outer: by_tier!(tier, extreme_outer [T, true, false, false, false]) },
        min: ExtremeKernel { block: by_tier!(tier, extreme_block [T, false, false, false, false]), outer: by_tier!(tier, extreme_outer [T, false, false, false, false]) },
        argmax: ExtremeKernel { block: by_tier!(tier, extreme_block [T, true, false, false, true]), outer: by_tier!(tier, extreme_outer [T, true, false, false, true]) },
        argmin: ExtremeKernel { block: by_tier!(tier, extreme_block [T, false, false, false, true]), outer: by_tier!(tier, extreme_outer [T, false, false, false, true]) },
        nan_max: ExtremeKernel { block: by_tier!(tier, extreme_block [T, true, true, false, false]), outer: by_tier!(tier, extreme_outer [T, true, true, false, false]) },
        nan_min: ExtremeKernel { block: by_tier!(tier, extreme_block [T, false, true, false, false]), outer: by_tier!(tier, extreme_outer [T, false, true, false, false]) },
        max_abs: ExtremeKernel { block: by_tier!(tier, extreme_block [T, true, false, true, false]), outer: by_tier!(tier, extreme_outer [T, true, false, true, false]) },
    }
}
