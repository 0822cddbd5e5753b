//! numkern: hand-vectorized numerical kernels for machine learning, with a C ABI.
//!
//! Layers (DESIGN §1): [`framework`] (descriptors, broadcasting, iteration,
//! threads), [`kernels`] (per-tier microkernels over the [`simd`] trait,
//! with [`math`] for the transcendental functions), [`ffi`] (thin
//! `extern "C"` entry points). The safe Rust API is [`ops`] plus the views in
//! [`framework::array`]; The scalar reference used by the tests lives in `tests/common`.

pub mod dispatch;
pub mod dtype;
pub mod error;
pub mod ffi;
pub mod framework;
pub mod kernels;
pub mod math;
pub mod ops;
pub mod random;
pub mod simd;

pub use dispatch::{active_tier, available_tiers, detected_tier, set_active_tier, Tier};
pub use dtype::{DType, Element, Real};
pub use error::{Error, ErrorKind, Result};
pub use framework::array::{ArrayView, ArrayViewMut, RawArray};
pub use framework::threads::{num_threads, set_num_threads};
pub use framework::Ctx;
