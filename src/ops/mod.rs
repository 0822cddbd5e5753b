//! The safe Rust API and the raw entry points the C ABI calls.

pub mod elementwise;
mod exec;

pub use elementwise::*;
pub use exec::Exec;
