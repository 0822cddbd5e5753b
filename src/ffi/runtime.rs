//! Library-wide C functions: version, errors, threads, SIMD tiers.

use super::guard;
use crate::dispatch::{self, Tier};
use crate::error::{self, fail, ErrorKind};
use crate::framework::threads;
use std::os::raw::c_char;

/// The library version as "MAJOR.MINOR.PATCH" (static string, never null).
#[no_mangle]
pub extern "C" fn numkern_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr() as *const c_char
}

/// A static description of a status code, e.g. "NUMKERN_ERR_DTYPE: wrong or unknown dtype".
/// Never null; unknown codes give "unknown numkern status code".
#[no_mangle]
pub extern "C" fn numkern_status_string(status: i32) -> *const c_char {
    use std::ffi::CString;
    use std::sync::OnceLock;
    static TABLE: OnceLock<Vec<CString>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        (0..=error::NUMKERN_ERR_INTERNAL + 1).map(|c| CString::new(error::status_string(c)).unwrap_or_default()).collect()
    });
    let unknown = table.last().map(|s| s.as_ptr()).unwrap_or(c"".as_ptr());
    usize::try_from(status).ok().and_then(|i| table.get(i)).map(|s| s.as_ptr()).unwrap_or(unknown)
}

/// The message of the last failed call on this thread, naming the function,
/// the argument and the problem (NumPy's wording where NumPy has one), e.g.
/// "numkern_add: operands could not be broadcast together with shapes (3,4) (5,)".
/// Empty if no call has failed. Valid until the next failing call on this thread.
#[no_mangle]
pub extern "C" fn numkern_last_error_message() -> *const c_char {
    error::last_error_ptr()
}

/// The largest thread count numkern uses: numkern_set_num_threads and the
/// NUMKERN_NUM_THREADS environment variable cap larger values to it.
pub const NUMKERN_MAX_THREADS: i32 = 1024;
const _: () = assert!(NUMKERN_MAX_THREADS as usize == threads::MAX_THREADS);

/// Sets the number of threads numkern uses (its own pool, never the global
/// one); 0 restores the default (NUMKERN_NUM_THREADS, else the core count),
/// and values above NUMKERN_MAX_THREADS are capped to it. 1 never starts a
/// thread. Results do not depend on this number. The library keeps one
/// pool, as large as the largest count in use: lowering the count lets the
/// extra threads go.
/// Status: NUMKERN_OK, or NUMKERN_ERR_INVALID_ARGUMENT for n < 0 (nothing changes).
#[no_mangle]
pub extern "C" fn numkern_set_num_threads(n: i32) -> i32 {
    guard("numkern_set_num_threads", || {
        if n < 0 {
            return fail(ErrorKind::InvalidArgument, format!("thread count {n} is negative"));
        }
        threads::set_num_threads(n as usize);
        Ok(())
    })
}

/// The number of threads calls use now.
#[no_mangle]
pub extern "C" fn numkern_get_num_threads() -> i32 {
    threads::num_threads() as i32
}

/// Selects the SIMD tier (NUMKERN_ISA_PORTABLE, _NEON, _AVX2, _AVX512) for
/// later calls. It can lower the tier or restore it, never raise it past what
/// the CPU has: such a request returns NUMKERN_ERR_UNSUPPORTED and changes
/// nothing; an unknown code returns NUMKERN_ERR_INVALID_ARGUMENT.
#[no_mangle]
pub extern "C" fn numkern_set_isa(isa: i32) -> i32 {
    guard("numkern_set_isa", || match Tier::from_code(isa) {
        Some(tier) => dispatch::set_active_tier(tier),
        None => fail(ErrorKind::InvalidArgument, format!("unknown ISA code {isa}")),
    })
}

/// The tier calls use now (a NUMKERN_ISA_* code).
#[no_mangle]
pub extern "C" fn numkern_get_isa() -> i32 {
    dispatch::active_tier().code()
}

/// The best tier this CPU supports (a NUMKERN_ISA_* code).
#[no_mangle]
pub extern "C" fn numkern_detected_isa() -> i32 {
    dispatch::detected_tier().code()
}

/// The name of a tier code ("portable", "neon", "avx2", "avx512"), or "unknown".
#[no_mangle]
pub extern "C" fn numkern_isa_name(isa: i32) -> *const c_char {
    match Tier::from_code(isa) {
        Some(Tier::Portable) => "portable\0",
        Some(Tier::Neon) => "neon\0",
        Some(Tier::Avx2) => "avx2\0",
        Some(Tier::Avx512) => "avx512\0",
        None => "unknown\0",
    }
    .as_ptr() as *const c_char
}
