//! The registry: every elementwise operation, listed once with its code, its
//! name and its vector body. Dispatch tables, per-tier tests and benches all
//! iterate over the `ALL` lists generated here.

use crate::math::{self, ExpParams};
use crate::simd::{Simd, SimdFloat, SimdReal};

/// Per-dtype choice of math algorithm: f32's hot functions run in f32, the
/// rest through the f64 algorithm (see `math`).
pub trait KernelReal<S: Simd>: SimdReal<S> + ExpParams {
    fn exp(x: Self::V) -> Self::V;
    fn expm1(x: Self::V) -> Self::V;
    fn log(x: Self::V) -> Self::V;
    fn log1p(x: Self::V) -> Self::V;
    fn tanh(x: Self::V) -> Self::V;
    fn sigmoid(x: Self::V) -> Self::V;
    fn gelu(x: Self::V) -> Self::V;
    fn gelu_tanh(x: Self::V) -> Self::V;
    fn silu(x: Self::V) -> Self::V;
    fn softplus(x: Self::V) -> Self::V;
    /// Lane-wise libm pow (not vectorized: exactness first).
    fn pow(x: Self::V, y: Self::V) -> Self::V;
}

#[inline(always)]
fn lanewise<V: SimdFloat>(x: V, y: V, f: impl Fn(V::Scalar, V::Scalar) -> V::Scalar) -> V {
    let mut bx = [V::Scalar::from_f64(0.0); 16];
    let mut by = [V::Scalar::from_f64(0.0); 16];
    // SAFETY: LANES <= 16.
    unsafe {
        x.store(bx.as_mut_ptr());
        y.store(by.as_mut_ptr());
        for i in 0..V::LANES {
            bx[i] = f(bx[i], by[i]);
        }
        V::load(bx.as_ptr())
    }
}
use crate::dtype::Real;


impl<S: Simd> KernelReal<S> for f32 {
    #[inline(always)]
    fn exp(x: S::F32) -> S::F32 {
        math::exp_f32::<S>(x)
    }
    #[inline(always)]
    fn expm1(x: S::F32) -> S::F32 {
        math::expm1_f32::<S>(x)
    }
    #[inline(always)]
    fn log(x: S::F32) -> S::F32 {
        math::log_f32::<S>(x)
    }
    #[inline(always)]
    fn log1p(x: S::F32) -> S::F32 {
        math::log1p_f32::<S>(x)
    }
    #[inline(always)]
    fn tanh(x: S::F32) -> S::F32 {
        math::tanh_f32::<S>(x)
    }
    #[inline(always)]
    fn sigmoid(x: S::F32) -> S::F32 {
        math::sigmoid_f32::<S>(x)
    }
    #[inline(always)]
    fn gelu(x: S::F32) -> S::F32 {
        math::gelu_f32::<S>(x)
    }
    #[inline(always)]
    fn gelu_tanh(x: S::F32) -> S::F32 {
        math::gelu_tanh_f32::<S>(x)
    }
    #[inline(always)]
    fn silu(x: S::F32) -> S::F32 {
        math::silu_f32::<S>(x)
    }
    #[inline(always)]
    fn softplus(x: S::F32) -> S::F32 {
        math::softplus_f32::<S>(x)
    }
    #[inline(always)]
    fn pow(x: S::F32, y: S::F32) -> S::F32 {
        lanewise(x, y, f32::powf)
    }
}

impl<S: Simd> KernelReal<S> for f64 {
    #[inline(always)]
    fn exp(x: S::F64) -> S::F64 {
        math::exp(x)
    }
    #[inline(always)]
    fn expm1(x: S::F64) -> S::F64 {
        math::expm1_f64(x)
    }
    #[inline(always)]
    fn log(x: S::F64) -> S::F64 {
        math::log_f64(x)
    }
    #[inline(always)]
    fn log1p(x: S::F64) -> S::F64 {
        math::log1p_f64(x)
    }
    #[inline(always)]
    fn tanh(x: S::F64) -> S::F64 {
        math::tanh_f64(x)
    }
    #[inline(always)]
    fn sigmoid(x: S::F64) -> S::F64 {
        math::sigmoid(x)
    }
    #[inline(always)]
    fn gelu(x: S::F64) -> S::F64 {
        math::gelu_f64(x)
    }
    #[inline(always)]
    fn gelu_tanh(x: S::F64) -> S::F64 {
        math::gelu_tanh(x)
    }
    #[inline(always)]
    fn silu(x: S::F64) -> S::F64 {
        math::silu(x)
    }
    #[inline(always)]
    fn softplus(x: S::F64) -> S::F64 {
        math::softplus_f64(x)
    }
    #[inline(always)]
    fn pow(x: S::F64, y: S::F64) -> S::F64 {
        lanewise(x, y, f64::powf)
    }
}

/// f32 and f64 on every tier this architecture compiles.
#[cfg(target_arch = "x86_64")]
pub trait KernelFloat:
    KernelReal<crate::simd::portable::Portable> + KernelReal<crate::simd::avx2::Avx2> + KernelReal<crate::simd::avx512::Avx512>
{
}
#[cfg(not(target_arch = "x86_64"))]
pub trait KernelFloat: KernelReal<crate::simd::portable::Portable> {}
impl KernelFloat for f32 {}
impl KernelFloat for f64 {}

pub trait UnaryMap: 'static {
    /// `a`, `b` are the op's parameters (alpha, lo/hi, scale/shift), splatted.
    fn apply<S: Simd, T: KernelReal<S>>(x: T::V, a: T::V, b: T::V) -> T::V;
}
pub trait BinaryMap: 'static {
    fn apply<S: Simd, T: KernelReal<S>>(x: T::V, y: T::V) -> T::V;
}
pub trait CompareMap: 'static {
    fn apply<S: Simd, T: KernelReal<S>>(x: T::V, y: T::V) -> <T::V as SimdFloat>::Mask;
}
pub trait PredicateMap: 'static {
    fn apply<S: Simd, T: KernelReal<S>>(x: T::V) -> <T::V as SimdFloat>::Mask;
}

/// Defines an op enum (C codes, names, ALL), one zero-sized type per op
/// implementing `$Trait`, and `for_each`-style dispatch via `$dispatch!`.
macro_rules! registry {
    ($Enum:ident, $Trait:ident, $module:ident, $params:tt -> $Ret:ty,
     $( $(#[$doc:meta])* $Variant:ident = $code:literal, $name:literal => $body:expr ;)*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $Enum { $( $(#[$doc])* $Variant = $code ),* }
        impl $Enum {
            pub const ALL: &'static [$Enum] = &[$($Enum::$Variant),*];
            pub fn name(self) -> &'static str { match self { $($Enum::$Variant => $name),* } }
            pub fn code(self) -> i32 { self as i32 }
            pub fn from_code(code: i32) -> Option<$Enum> { Self::ALL.iter().copied().find(|op| op.code() == code) }
        }
        pub mod $module {
            use super::*;
            $(
                pub struct $Variant;
                impl $Trait for $Variant {
                    #[inline(always)]
                    #[allow(unused_variables)]
                    fn apply<S: Simd, T: KernelReal<S>> $params -> $Ret { $body }
                }
            )*
        }
    };
}

#[inline(always)]
fn c<S: Simd, T: KernelReal<S>>(v: f64) -> T::V {
    T::V::splat(T::from_f64(v))
}

registry!(UnaryOp, UnaryMap, unary_maps, (x: T::V, a: T::V, b: T::V) -> T::V,
    /// -x
    Negative = 0, "negative" => x.neg();
    /// |x|
    Abs = 1, "abs" => x.abs();
    /// x*x
    Square = 2, "square" => x.mul(x);
    /// sqrt(x), correctly rounded
    Sqrt = 3, "sqrt" => x.sqrt();
    /// 1/x, correctly rounded
    Reciprocal = 4, "reciprocal" => c::<S, T>(1.0).div(x);
    Exp = 5, "exp" => T::exp(x);
    Expm1 = 6, "expm1" => T::expm1(x);
    Log = 7, "log" => T::log(x);
    Log1p = 8, "log1p" => T::log1p(x);
    Tanh = 9, "tanh" => T::tanh(x);
    Sigmoid = 10, "sigmoid" => T::sigmoid(x);
    /// x if !(x < 0) else 0 (NaN stays NaN)
    Relu = 11, "relu" => c::<S, T>(0.0).max_raw(x);
    /// x if x > 0 else alpha*x
    LeakyRelu = 12, "leaky_relu" => T::V::select(x.gt(c::<S, T>(0.0)), x, x.mul(a));
    Gelu = 13, "gelu" => T::gelu(x);
    GeluTanh = 14, "gelu_tanh" => T::gelu_tanh(x);
    Silu = 15, "silu" => T::silu(x);
    Softplus = 16, "softplus" => T::softplus(x);
    /// minimum(maximum(x, lo), hi), NaN-propagating like np.clip
    Clip = 17, "clip" => x.maximum(a).minimum(b);
    /// x*scale + shift, rounded once (fused)
    Affine = 18, "affine" => x.mul_add(a, b);
);

registry!(BinaryOp, BinaryMap, binary_maps, (x: T::V, y: T::V) -> T::V,
    Add = 0, "add" => x.add(y);
    Subtract = 1, "subtract" => x.sub(y);
    Multiply = 2, "multiply" => x.mul(y);
    Divide = 3, "divide" => x.div(y);
    Power = 4, "power" => T::pow(x, y);
    Maximum = 5, "maximum" => x.maximum(y);
    Minimum = 6, "minimum" => x.minimum(y);
);

registry!(CompareOp, CompareMap, compare_maps, (x: T::V, y: T::V) -> <T::V as SimdFloat>::Mask,
    Greater = 0, "greater" => x.gt(y);
    GreaterEqual = 1, "greater_equal" => x.ge(y);
    Less = 2, "less" => x.lt(y);
    LessEqual = 3, "less_equal" => x.le(y);
    Equal = 4, "equal" => x.eq(y);
    NotEqual = 5, "not_equal" => x.ne(y);
);

registry!(PredicateOp, PredicateMap, predicate_maps, (x: T::V) -> <T::V as SimdFloat>::Mask,
    IsNan = 0, "isnan" => x.is_nan();
    IsFinite = 1, "isfinite" => x.abs().lt(c::<S, T>(f64::INFINITY));
);

/// Logical ops on u8 masks (non-zero is true; results are 0/1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LogicalOp {
    And = 0,
    Or = 1,
    Xor = 2,
}
impl LogicalOp {
    pub const ALL: &'static [LogicalOp] = &[LogicalOp::And, LogicalOp::Or, LogicalOp::Xor];
    pub fn name(self) -> &'static str {
        match self {
            LogicalOp::And => "logical_and",
            LogicalOp::Or => "logical_or",
            LogicalOp::Xor => "logical_xor",
        }
    }
    #[inline(always)]
    pub fn apply(self, a: u8, b: u8) -> u8 {
        let (a, b) = (a != 0, b != 0);
        (match self {
            LogicalOp::And => a & b,
            LogicalOp::Or => a | b,
            LogicalOp::Xor => a ^ b,
        }) as u8
    }
}
