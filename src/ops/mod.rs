//! The safe Rust API and the raw entry points the C ABI calls.

pub mod elementwise;
pub mod linalg;
pub mod reduce;
pub mod softmax;
pub mod losses;
pub mod normalize;
pub mod create;
pub mod index;
pub mod join;
mod exec;

pub use elementwise::*;
pub use linalg::*;
pub use reduce::*;
pub use softmax::*;
pub use losses::*;
pub use normalize::*;
pub use exec::Exec;
