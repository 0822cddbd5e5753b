//! Element types: the dtype codes of the C ABI and the Rust types behind them.

use crate::error::{fail, ErrorKind, Result};

/// dtype code: 32-bit IEEE float.
pub const NUMKERN_F32: i32 = 0;
/// dtype code: 64-bit IEEE float.
pub const NUMKERN_F64: i32 = 1;
/// dtype code: 32-bit signed integer.
pub const NUMKERN_I32: i32 = 2;
/// dtype code: 64-bit signed integer.
pub const NUMKERN_I64: i32 = 3;
/// dtype code: 8-bit unsigned integer (boolean masks are 0/1 u8).
pub const NUMKERN_U8: i32 = 4;

/// The element type of an array.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DType {
    F32,
    F64,
    I32,
    I64,
    U8,
}

impl DType {
    pub const ALL: [DType; 5] = [DType::F32, DType::F64, DType::I32, DType::I64, DType::U8];

    pub fn from_code(code: i32) -> Result<DType> {
        match code {
            NUMKERN_F32 => Ok(DType::F32),
            NUMKERN_F64 => Ok(DType::F64),
            NUMKERN_I32 => Ok(DType::I32),
            NUMKERN_I64 => Ok(DType::I64),
            NUMKERN_U8 => Ok(DType::U8),
            _ => fail(ErrorKind::Dtype, format!("unknown dtype code {code}")),
        }
    }
    pub fn code(self) -> i32 {
        match self {
            DType::F32 => NUMKERN_F32,
            DType::F64 => NUMKERN_F64,
            DType::I32 => NUMKERN_I32,
            DType::I64 => NUMKERN_I64,
            DType::U8 => NUMKERN_U8,
        }
    }
    pub fn size(self) -> usize {
        match self {
            DType::F32 | DType::I32 => 4,
            DType::F64 | DType::I64 => 8,
            DType::U8 => 1,
        }
    }
    /// NumPy's name for the dtype.
    pub fn name(self) -> &'static str {
        match self {
            DType::F32 => "float32",
            DType::F64 => "float64",
            DType::I32 => "int32",
            DType::I64 => "int64",
            DType::U8 => "uint8",
        }
    }
    pub fn is_float(self) -> bool {
        matches!(self, DType::F32 | DType::F64)
    }
}

/// A Rust type that can be an array element.
pub trait Element: Copy + Send + Sync + PartialEq + std::fmt::Debug + 'static {
    const DTYPE: DType;
}
impl Element for f32 {
    const DTYPE: DType = DType::F32;
}
impl Element for f64 {
    const DTYPE: DType = DType::F64;
}
impl Element for i32 {
    const DTYPE: DType = DType::I32;
}
impl Element for i64 {
    const DTYPE: DType = DType::I64;
}
impl Element for u8 {
    const DTYPE: DType = DType::U8;
}

/// f32 and f64: the float math dtypes.
pub trait Real:
    Element
    + PartialOrd
    + std::ops::Add<Output = Self>
    + std::ops::Sub<Output = Self>
    + std::ops::Mul<Output = Self>
    + std::ops::Div<Output = Self>
    + std::ops::Neg<Output = Self>
{
    fn from_f64(x: f64) -> Self;
    fn to_f64(self) -> f64;
}
impl Real for f32 {
    #[inline(always)]
    fn from_f64(x: f64) -> Self {
        x as f32
    }
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self as f64
    }
}
impl Real for f64 {
    #[inline(always)]
    fn from_f64(x: f64) -> Self {
        x
    }
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self
    }
}
