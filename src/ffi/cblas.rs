//! The CBLAS drop-in (cargo feature `cblas`): `cblas_[sd]gemm`, `_gemv`,
//! `_dot`, `_axpy` and `_scal` with the standard signatures, so C code
//! written against `cblas.h` links to numkern unchanged. Each call turns its
//! (pointer, dimensions, leading dimension / increment) arguments into
//! numkern descriptors and runs the numkern kernel; nothing here computes.
//!
//! These are the library's only unprefixed exports, and only with the
//! feature on. A bad argument is reported as the reference CBLAS does:
//! `cblas_xerbla(p, "cblas_dgemm", form, ...)` with the parameter's number
//! in the equivalent column-major call (a row-major GEMM swaps M and N and
//! the two leading dimensions), and every output is left untouched. An
//! application that defines its own `cblas_xerbla` gets the calls (a weak
//! reference, `cblas_xerbla.c`); otherwise BLAS's line goes to stderr.
//! `numkern_last_error_message()` holds the same text either way.

use super::guard;
use crate::dtype::DType;
use crate::error::{fail, Error, ErrorKind};
use crate::framework::array::RawArray;
use crate::kernels::BinaryOp;
use crate::ops::{self, Exec};
use std::ffi::CStr;
use std::os::raw::{c_char, c_int};

const ROW_MAJOR: c_int = 101;
const COL_MAJOR: c_int = 102;
const NO_TRANS: c_int = 111;
const TRANS: c_int = 112;
const CONJ_TRANS: c_int = 113;

extern "C" {
    /// `cblas_xerbla.c`: the application's `cblas_xerbla` if it has one,
    /// else BLAS's message on stderr.
    fn numkern_cblas_report(param: c_int, routine: *const c_char, message: *const c_char);
}

/// Why a call did not run: an illegal argument (its CBLAS parameter
/// number), or a failure of the kernel underneath.
enum Failure {
    Illegal(c_int),
    Numkern(Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure::Numkern(e)
    }
}

type Outcome = std::result::Result<(), Failure>;

/// Runs one CBLAS call and reports what failed.
fn call(routine: &CStr, body: impl FnOnce() -> Outcome) {
    let name = routine.to_str().unwrap_or("cblas");
    let mut illegal = 0;
    let status = guard(name, || match body() {
        Ok(()) => Ok(()),
        Err(Failure::Numkern(e)) => Err(e),
        Err(Failure::Illegal(p)) => {
            illegal = p;
            fail(ErrorKind::InvalidArgument, format!("** On entry to {name} parameter number {p} had an illegal value"))
        }
    });
    if illegal != 0 {
        let message = std::ffi::CString::new(crate::error::last_error_message()).unwrap_or_default();
        // SAFETY: both strings are NUL-terminated and outlive the call.
        unsafe { numkern_cblas_report(illegal, routine.as_ptr(), message.as_ptr()) };
    } else if status != 0 {
        eprintln!("{}", crate::error::last_error_message());
    }
}

fn row_major(order: c_int) -> std::result::Result<bool, Failure> {
    match order {
        ROW_MAJOR => Ok(true),
        COL_MAJOR => Ok(false),
        _ => Err(Failure::Illegal(1)),
    }
}

fn transposed(trans: c_int, param: c_int) -> std::result::Result<bool, Failure> {
    match trans {
        NO_TRANS => Ok(false),
        TRANS | CONJ_TRANS => Ok(true),
        _ => Err(Failure::Illegal(param)),
    }
}

/// The first failing `(condition, parameter)` in the reference's order.
fn first_illegal(checks: &[(bool, c_int)]) -> Outcome {
    match checks.iter().find(|(bad, _)| *bad) {
        Some(&(_, p)) => Err(Failure::Illegal(p)),
        None => Ok(()),
    }
}

/// GEMM's checks on its column-major form (row-major C = op(A) op(B) is
/// C^T = op(B)^T op(A)^T: M and N, A's and B's roles swapped), numbered
/// as the reference numbers them.
#[allow(clippy::too_many_arguments)]
fn gemm_checks(m: c_int, n: c_int, k: c_int, ta: bool, tb: bool, lda: c_int, ldb: c_int, ldc: c_int) -> Outcome {
    let rows_a = if ta { k } else { m };
    let rows_b = if tb { n } else { k };
    first_illegal(&[(m < 0, 4), (n < 0, 5), (k < 0, 6), (lda < rows_a.max(1), 9), (ldb < rows_b.max(1), 11), (ldc < m.max(1), 14)])
}

/// GEMV's checks on its column-major form (row-major swaps M and N).
fn gemv_checks(m: c_int, n: c_int, lda: c_int, incx: c_int, incy: c_int) -> Outcome {
    first_illegal(&[(m < 0, 3), (n < 0, 4), (lda < m.max(1), 7), (incx == 0, 9), (incy == 0, 12)])
}

/// `op(X)`, `rows x cols`, of a matrix stored with (checked) leading
/// dimension `ld` in `order` (transposed: X itself is `cols x rows`).
fn matrix(p: *const u8, dtype: DType, (rows, cols): (usize, usize), trans: bool, row_major: bool, ld: c_int) -> crate::Result<RawArray> {
    let ld = ld as isize;
    let strides = if row_major != trans { [ld, 1] } else { [1, ld] };
    RawArray::new(p as *mut u8, dtype, &[rows, cols], &strides, "matrix")
}

/// `n` elements with increment `inc`: BLAS's convention puts element 0 at
/// the far end when `inc < 0` (the pointer is the lowest address).
fn vector(p: *const u8, dtype: DType, n: usize, inc: c_int) -> crate::Result<RawArray> {
    let start = if inc < 0 { (n.max(1) - 1) as isize * -(inc as isize) } else { 0 };
    let data = (p as *mut u8).wrapping_offset(start * dtype.size() as isize);
    RawArray::new(data, dtype, &[n], &[inc as isize], "vector")
}

/// One precision's five routines.
macro_rules! cblas_routines {
    ($T:ty, $dtype:expr, $gemm:ident, $gemv:ident, $dot:ident, $axpy:ident, $scal:ident) => {
        /// C = alpha op(A) op(B) + beta C (standard CBLAS). alpha = 0 or
        /// k = 0 reads neither A nor B (they may be null).
        ///
        /// # Safety
        /// BLAS's contract: the matrices valid over their dimensions.
        #[no_mangle]
        #[allow(clippy::too_many_arguments)]
        pub unsafe extern "C" fn $gemm(
            order: c_int,
            trans_a: c_int,
            trans_b: c_int,
            m: c_int,
            n: c_int,
            k: c_int,
            alpha: $T,
            a: *const $T,
            lda: c_int,
            b: *const $T,
            ldb: c_int,
            beta: $T,
            c: *mut $T,
            ldc: c_int,
        ) {
            let routine = concat!(stringify!($gemm), "\0");
            call(CStr::from_bytes_with_nul(routine.as_bytes()).unwrap_or_default(), || {
                let rm = row_major(order)?;
                let (ta, tb) = (transposed(trans_a, 2)?, transposed(trans_b, 3)?);
                if rm {
                    gemm_checks(n, m, k, tb, ta, ldb, lda, ldc)?;
                } else {
                    gemm_checks(m, n, k, ta, tb, lda, ldb, ldc)?;
                }
                if m == 0 || n == 0 || ((alpha == 0.0 || k == 0) && beta == 1.0) {
                    return Ok(());
                }
                // alpha = 0: C = beta C, A and B unread (a product over k = 0).
                let (m, n, k) = (m as usize, n as usize, if alpha == 0.0 { 0 } else { k as usize });
                let a = matrix(a.cast(), $dtype, (m, k), ta, rm, lda)?;
                let b = matrix(b.cast(), $dtype, (k, n), tb, rm, ldb)?;
                let c = matrix(c.cast(), $dtype, (m, n), false, rm, ldc)?;
                Ok(ops::gemm_raw(Exec::current(), alpha as f64, &a, &b, beta as f64, &c)?)
            })
        }

        /// y = alpha op(A) x + beta y (standard CBLAS). alpha = 0 reads
        /// neither A nor x.
        ///
        /// # Safety
        /// BLAS's contract: A, x and y valid over their dimensions.
        #[no_mangle]
        #[allow(clippy::too_many_arguments)]
        pub unsafe extern "C" fn $gemv(
            order: c_int,
            trans: c_int,
            m: c_int,
            n: c_int,
            alpha: $T,
            a: *const $T,
            lda: c_int,
            x: *const $T,
            incx: c_int,
            beta: $T,
            y: *mut $T,
            incy: c_int,
        ) {
            let routine = concat!(stringify!($gemv), "\0");
            call(CStr::from_bytes_with_nul(routine.as_bytes()).unwrap_or_default(), || {
                let rm = row_major(order)?;
                let t = transposed(trans, 2)?;
                if rm {
                    gemv_checks(n, m, lda, incx, incy)?;
                } else {
                    gemv_checks(m, n, lda, incx, incy)?;
                }
                if m == 0 || n == 0 || (alpha == 0.0 && beta == 1.0) {
                    return Ok(());
                }
                // A is stored m x n; op(A) is n x m when transposed.
                let (m, n) = (m as usize, n as usize);
                let (rows, cols) = if t { (n, m) } else { (m, n) };
                // alpha = 0: y = beta y, A and x unread (a product over 0 columns).
                let cols = if alpha == 0.0 { 0 } else { cols };
                let a = matrix(a.cast(), $dtype, (rows, cols), t, rm, lda)?;
                let (x, y) = (vector(x.cast(), $dtype, cols, incx)?, vector(y.cast(), $dtype, rows, incy)?);
                Ok(ops::gemv_raw(Exec::current(), alpha as f64, &a, &x, beta as f64, &y)?)
            })
        }

        /// sum x[i] y[i] (standard CBLAS; the f32 one sums in f64). n <= 0
        /// gives 0.
        ///
        /// # Safety
        /// BLAS's contract: x and y valid over their `n` elements.
        #[no_mangle]
        pub unsafe extern "C" fn $dot(n: c_int, x: *const $T, incx: c_int, y: *const $T, incy: c_int) -> $T {
            let mut result: $T = 0.0;
            let routine = concat!(stringify!($dot), "\0");
            call(CStr::from_bytes_with_nul(routine.as_bytes()).unwrap_or_default(), || {
                if n <= 0 {
                    return Ok(());
                }
                let (x, y) = (vector(x.cast(), $dtype, n as usize, incx)?, vector(y.cast(), $dtype, n as usize, incy)?);
                let out = RawArray::new((&mut result as *mut $T).cast(), $dtype, &[], &[], "result")?;
                Ok(ops::dot_raw(Exec::current(), &x, &y, &out)?)
            });
            result
        }

        /// y = alpha x + y (standard CBLAS; each element rounded once).
        /// n <= 0 or alpha = 0 reads nothing; incy = 0 (every term into
        /// one element) is reported as parameter 6.
        ///
        /// # Safety
        /// BLAS's contract: x and y valid over their `n` elements.
        #[no_mangle]
        pub unsafe extern "C" fn $axpy(n: c_int, alpha: $T, x: *const $T, incx: c_int, y: *mut $T, incy: c_int) {
            let routine = concat!(stringify!($axpy), "\0");
            call(CStr::from_bytes_with_nul(routine.as_bytes()).unwrap_or_default(), || {
                if n <= 0 || alpha == 0.0 {
                    return Ok(());
                }
                first_illegal(&[(incy == 0, 6)])?;
                let (x, y) = (vector(x.cast(), $dtype, n as usize, incx)?, vector(y.cast(), $dtype, n as usize, incy)?);
                Ok(ops::axpy_raw(Exec::current(), alpha as f64, &x, &y)?)
            })
        }

        /// x = alpha x (standard CBLAS: nothing happens for n <= 0 or incx <= 0).
        ///
        /// # Safety
        /// BLAS's contract: x valid over its `n` elements.
        #[no_mangle]
        pub unsafe extern "C" fn $scal(n: c_int, alpha: $T, x: *mut $T, incx: c_int) {
            let routine = concat!(stringify!($scal), "\0");
            call(CStr::from_bytes_with_nul(routine.as_bytes()).unwrap_or_default(), || {
                if n <= 0 || incx <= 0 {
                    return Ok(());
                }
                let x = vector(x.cast(), $dtype, n as usize, incx)?;
                let mut alpha = alpha;
                let a = RawArray::new((&mut alpha as *mut $T).cast(), $dtype, &[], &[], "alpha")?;
                Ok(ops::binary_raw(Exec::current(), BinaryOp::Multiply, &x, &a, &x)?)
            })
        }
    };
}

cblas_routines!(f32, DType::F32, cblas_sgemm, cblas_sgemv, cblas_sdot, cblas_saxpy, cblas_sscal);
cblas_routines!(f64, DType::F64, cblas_dgemm, cblas_dgemv, cblas_ddot, cblas_daxpy, cblas_dscal);
