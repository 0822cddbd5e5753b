//! Status codes and the error type shared by the safe API and the C ABI.
//!
//! Every failure class has its own code (DESIGN §3). The message names the
//! function, the argument and the problem, in NumPy's words where NumPy has them.

use std::cell::RefCell;
use std::ffi::CString;
use std::fmt;

/// Success.
pub const NUMKERN_OK: i32 = 0;
/// A required pointer argument was null, or an array with elements has null data.
pub const NUMKERN_ERR_NULL_POINTER: i32 = 1;
/// A descriptor is malformed: ndim out of 0..=8, a negative extent, or an
/// element offset / size that overflows i64.
pub const NUMKERN_ERR_BAD_DESCRIPTOR: i32 = 2;
/// Operand shapes do not broadcast together, or an output does not have the result's shape.
pub const NUMKERN_ERR_SHAPE_MISMATCH: i32 = 3;
/// An operand has the wrong dtype for the operation, or an unknown dtype code.
pub const NUMKERN_ERR_DTYPE: i32 = 4;
/// An axis (or axis list) is out of range or repeated.
pub const NUMKERN_ERR_AXIS: i32 = 5;
/// A reduction over zero elements for an operation that has no identity.
pub const NUMKERN_ERR_EMPTY_REDUCTION: i32 = 6;
/// A temporary buffer could not be allocated.
pub const NUMKERN_ERR_OUT_OF_MEMORY: i32 = 7;
/// An argument value is invalid (an unknown op or ISA code, a reshape that is not
/// expressible as a view, an output that would write one element twice, a slice step of 0).
pub const NUMKERN_ERR_INVALID_ARGUMENT: i32 = 8;
/// The requested SIMD tier is not available on this CPU.
pub const NUMKERN_ERR_UNSUPPORTED: i32 = 9;
/// A bug in numkern (a caught panic). Please report it.
pub const NUMKERN_ERR_INTERNAL: i32 = 10;

/// The failure classes, one per status code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    NullPointer,
    BadDescriptor,
    ShapeMismatch,
    Dtype,
    Axis,
    EmptyReduction,
    OutOfMemory,
    InvalidArgument,
    Unsupported,
    Internal,
}

impl ErrorKind {
    /// The C status code of this failure class.
    pub fn status(self) -> i32 {
        match self {
            ErrorKind::NullPointer => NUMKERN_ERR_NULL_POINTER,
            ErrorKind::BadDescriptor => NUMKERN_ERR_BAD_DESCRIPTOR,
            ErrorKind::ShapeMismatch => NUMKERN_ERR_SHAPE_MISMATCH,
            ErrorKind::Dtype => NUMKERN_ERR_DTYPE,
            ErrorKind::Axis => NUMKERN_ERR_AXIS,
            ErrorKind::EmptyReduction => NUMKERN_ERR_EMPTY_REDUCTION,
            ErrorKind::OutOfMemory => NUMKERN_ERR_OUT_OF_MEMORY,
            ErrorKind::InvalidArgument => NUMKERN_ERR_INVALID_ARGUMENT,
            ErrorKind::Unsupported => NUMKERN_ERR_UNSUPPORTED,
            ErrorKind::Internal => NUMKERN_ERR_INTERNAL,
        }
    }
}

/// A failed call: its class and a message naming the argument and the problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error { kind, message: message.into() }
    }
    pub fn status(&self) -> i32 {
        self.kind.status()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

/// Shorthand for building an `Err`.
pub(crate) fn fail<T>(kind: ErrorKind, message: impl Into<String>) -> Result<T> {
    Err(Error::new(kind, message))
}

/// Prefixes an error message with the operation's name.
pub(crate) fn named<T>(name: &str, r: Result<T>) -> Result<T> {
    r.map_err(|mut e| {
        e.message = format!("{name}: {}", e.message);
        e
    })
}

/// The name and description of a status code.
pub fn status_string(status: i32) -> &'static str {
    match status {
        NUMKERN_OK => "NUMKERN_OK: success",
        NUMKERN_ERR_NULL_POINTER => "NUMKERN_ERR_NULL_POINTER: a required pointer was null",
        NUMKERN_ERR_BAD_DESCRIPTOR => "NUMKERN_ERR_BAD_DESCRIPTOR: malformed array descriptor",
        NUMKERN_ERR_SHAPE_MISMATCH => "NUMKERN_ERR_SHAPE_MISMATCH: shapes do not broadcast or match",
        NUMKERN_ERR_DTYPE => "NUMKERN_ERR_DTYPE: wrong or unknown dtype",
        NUMKERN_ERR_AXIS => "NUMKERN_ERR_AXIS: axis out of range",
        NUMKERN_ERR_EMPTY_REDUCTION => "NUMKERN_ERR_EMPTY_REDUCTION: empty reduction without identity",
        NUMKERN_ERR_OUT_OF_MEMORY => "NUMKERN_ERR_OUT_OF_MEMORY: allocation failed",
        NUMKERN_ERR_INVALID_ARGUMENT => "NUMKERN_ERR_INVALID_ARGUMENT: invalid argument value",
        NUMKERN_ERR_UNSUPPORTED => "NUMKERN_ERR_UNSUPPORTED: not available on this CPU",
        NUMKERN_ERR_INTERNAL => "NUMKERN_ERR_INTERNAL: internal error (a bug in numkern)",
        _ => "unknown numkern status code",
    }
}

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

/// Records the message of the last failed call on this thread.
pub(crate) fn set_last_error(message: &str) {
    let clean: Vec<u8> = message.bytes().filter(|&b| b != 0).collect();
    let c = CString::new(clean).unwrap_or_default();
    LAST_ERROR.with(|slot| *slot.borrow_mut() = c);
}

/// Pointer to this thread's last error message; valid until the next failing call
/// on the same thread.
pub(crate) fn last_error_ptr() -> *const std::os::raw::c_char {
    LAST_ERROR.with(|slot| slot.borrow().as_ptr())
}

/// This thread's last error message as a Rust string.
pub fn last_error_message() -> String {
    LAST_ERROR.with(|slot| slot.borrow().to_string_lossy().into_owned())
}

/// Formats a shape the way NumPy prints it: `(3,4)`, `(5,)`, `()`.
pub fn shape_str(shape: &[usize]) -> String {
    match shape.len() {
        0 => "()".to_string(),
        1 => format!("({},)", shape[0]),
        _ => {
            let parts: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
            format!("({})", parts.join(","))
        }
    }
}
