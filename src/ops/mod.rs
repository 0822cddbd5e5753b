//! The safe Rust API and the raw entry points the C ABI calls.

pub mod elementwise;
pub mod linalg;
mod exec;

pub use elementwise::*;
pub use linalg::*;
pub use exec::Exec;
