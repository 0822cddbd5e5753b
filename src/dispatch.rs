//! SIMD tiers: detected once, lowered by NUMKERN_ISA or `set_active_tier`,
//! never raised past what the CPU has (DESIGN §4).

use crate::error::{fail, ErrorKind, Result};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::OnceLock;

/// ISA tier code: portable Rust (`wide`), every CPU.
pub const NUMKERN_ISA_PORTABLE: i32 = 0;
/// ISA tier code: aarch64 NEON.
pub const NUMKERN_ISA_NEON: i32 = 1;
/// ISA tier code: x86-64 AVX2 + FMA.
pub const NUMKERN_ISA_AVX2: i32 = 2;
/// ISA tier code: x86-64 AVX-512 F/BW/VL/DQ.
pub const NUMKERN_ISA_AVX512: i32 = 3;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tier {
    Portable,
    Neon,
    Avx2,
    Avx512,
}

impl Tier {
    pub const ALL: [Tier; 4] = [Tier::Portable, Tier::Neon, Tier::Avx2, Tier::Avx512];

    pub fn code(self) -> i32 {
        match self {
            Tier::Portable => NUMKERN_ISA_PORTABLE,
            Tier::Neon => NUMKERN_ISA_NEON,
            Tier::Avx2 => NUMKERN_ISA_AVX2,
            Tier::Avx512 => NUMKERN_ISA_AVX512,
        }
    }
    pub fn from_code(code: i32) -> Option<Tier> {
        Tier::ALL.into_iter().find(|t| t.code() == code)
    }
    pub fn name(self) -> &'static str {
        match self {
            Tier::Portable => "portable",
            Tier::Neon => "neon",
            Tier::Avx2 => "avx2",
            Tier::Avx512 => "avx512",
        }
    }
    pub fn from_name(name: &str) -> Option<Tier> {
        Tier::ALL.into_iter().find(|t| t.name().eq_ignore_ascii_case(name.trim()))
    }
    /// Position in this architecture's waterfall (portable = 0).
    fn rank(self) -> Option<u8> {
        match self {
            Tier::Portable => Some(0),
            Tier::Neon => cfg!(target_arch = "aarch64").then_some(1),
            Tier::Avx2 => cfg!(target_arch = "x86_64").then_some(1),
            Tier::Avx512 => cfg!(target_arch = "x86_64").then_some(2),
        }
    }
}

/// The best tier this CPU supports.
pub fn detected_tier() -> Tier {
    static DETECTED: OnceLock<Tier> = OnceLock::new();
    *DETECTED.get_or_init(detect)
}

#[cfg(target_arch = "x86_64")]
fn detect() -> Tier {
    let avx2 = is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma");
    let avx512 = is_x86_feature_detected!("avx512f")
        && is_x86_feature_detected!("avx512bw")
        && is_x86_feature_detected!("avx512vl")
        && is_x86_feature_detected!("avx512dq");
    if avx2 && avx512 {
        Tier::Avx512
    } else if avx2 {
        Tier::Avx2
    } else {
        Tier::Portable
    }
}

#[cfg(target_arch = "aarch64")]
fn detect() -> Tier {
    Tier::Neon
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
fn detect() -> Tier {
    Tier::Portable
}

/// The CPU families numkern's tuning was measured on. The same GEMM block
/// sizes, in-place limits and register tiles did not fit both, so each has
/// its own (as BLIS has a configuration per family); the choices and their
/// measurements are in `framework::gemm` and `kernels::gemm_kernel`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CpuFamily {
    /// AMD Zen (tuned on a Zen 4: 32 KiB L1d, 1 MiB L2, fast L3).
    Zen,
    /// Everything else (tuned on an AVX-512 Xeon: 48 KiB L1d, 2 MiB L2,
    /// slow L3).
    Other,
}

/// This CPU's family, detected once: `Zen` when the x86 vendor string is
/// "AuthenticAMD".
pub fn cpu_family() -> CpuFamily {
    // Miri cannot run cpuid (inline assembly); its tests take `Other`.
    #[cfg(all(target_arch = "x86_64", not(miri)))]
    {
        static FAMILY: OnceLock<CpuFamily> = OnceLock::new();
        *FAMILY.get_or_init(|| {
            // SAFETY: cpuid leaf 0 exists on every x86-64 CPU.
            #[allow(unused_unsafe)]
            let id = unsafe { core::arch::x86_64::__cpuid(0) };
            // The vendor string is in ebx, edx, ecx: "Auth" "enti" "cAMD".
            let amd = (id.ebx, id.edx, id.ecx) == (0x6874_7541, 0x6974_6e65, 0x444d_4163);
            if amd { CpuFamily::Zen } else { CpuFamily::Other }
        })
    }
    #[cfg(any(not(target_arch = "x86_64"), miri))]
    {
        CpuFamily::Other
    }
}

/// Whether `tier` can run here.
pub fn tier_available(tier: Tier) -> bool {
    match (tier.rank(), detected_tier().rank()) {
        (Some(want), Some(have)) => want <= have,
        _ => false,
    }
}

/// Every tier this machine can run, lowest first (for tests and benches).
pub fn available_tiers() -> Vec<Tier> {
    Tier::ALL.into_iter().filter(|&t| tier_available(t)).collect()
}

const UNSET: i32 = -1;
static ACTIVE: AtomicI32 = AtomicI32::new(UNSET);

/// The tier from NUMKERN_ISA, lowered to what the CPU has.
fn initial_tier() -> Tier {
    let best = detected_tier();
    let Some(asked) = std::env::var("NUMKERN_ISA").ok().and_then(|v| Tier::from_name(&v)) else {
        return best;
    };
    if tier_available(asked) {
        asked
    } else if asked.rank().is_some() {
        best // a higher tier of this architecture: only lowering is allowed
    } else {
        Tier::Portable // another architecture's tier: the safe common floor
    }
}

/// The tier calls use now.
pub fn active_tier() -> Tier {
    match ACTIVE.load(Ordering::Relaxed) {
        UNSET => {
            let t = initial_tier();
            let _ = ACTIVE.compare_exchange(UNSET, t.code(), Ordering::Relaxed, Ordering::Relaxed);
            Tier::from_code(ACTIVE.load(Ordering::Relaxed)).unwrap_or(Tier::Portable)
        }
        code => Tier::from_code(code).unwrap_or(Tier::Portable),
    }
}

/// Selects the tier for later calls. A tier the CPU lacks is refused and
/// nothing changes.
pub fn set_active_tier(tier: Tier) -> Result<()> {
    if !tier_available(tier) {
        return fail(
            ErrorKind::Unsupported,
            format!("ISA tier '{}' is not available on this CPU (best: '{}')", tier.name(), detected_tier().name()),
        );
    }
    ACTIVE.store(tier.code(), Ordering::Relaxed);
    Ok(())
}
