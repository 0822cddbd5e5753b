//! The framework: descriptors, validation, broadcasting, coalescing, strided
//! iteration, overlap handling and work splitting. No intrinsics live here.

pub mod array;
pub mod gemm;
pub mod iter;
pub mod overlap;
pub mod reduce;
pub mod threads;
pub mod vecmat;
pub mod views;

use crate::dispatch::Tier;

/// How one call runs: on which SIMD tier and with how many threads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ctx {
    pub tier: Tier,
    pub threads: usize,
}

impl Ctx {
    /// The process-wide settings (NUMKERN_ISA / NUMKERN_NUM_THREADS or their setters).
    pub fn current() -> Ctx {
        Ctx { tier: crate::dispatch::active_tier(), threads: threads::num_threads() }
    }
}
