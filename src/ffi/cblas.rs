//! The CBLAS drop-in (cargo feature `cblas`): `cblas_[sd]gemm`, `_gemv`,
//! `_dot`, `_axpy` and `_scal` with the standard signatures, so C code
//! written against `cblas.h` links to numkern unchanged. Each call turns its
//! (pointer, dimensions, leading dimension / increment) arguments into
//! numkern descriptors and runs the numkern kernel; nothing here computes.
//!
//! These are the library's only unprefixed exports, and only with the
//! feature on. Bad arguments are reported as BLAS's `xerbla` does (a line on
//! stderr naming the routine and the parameter's position) and leave every
//! output untouched; `numkern_last_error_message()` holds the same text.

use super::guard;
use crate::dtype::DType;
use crate::error::{fail, ErrorKind, Result};
use crate::framework::array::RawArray;
use crate::kernels::BinaryOp;
use crate::ops::{self, Exec};
use std::os::raw::c_int;

const ROW_MAJOR: c_int = 101;
const COL_MAJOR: c_int = 102;
const NO_TRANS: c_int = 111;
const TRANS: c_int = 112;
const CONJ_TRANS: c_int = 113;

/// Runs one CBLAS call; a failure is printed as `xerbla` would.
fn call(routine: &str, body: impl FnOnce() -> Result<()>) {
    if guard(routine, body) != 0 {
        eprintln!("{}", crate::error::last_error_message());
    }
}

/// BLAS's message for the `param`-th argument (1-based) being invalid.
fn illegal<R>(routine: &str, param: usize) -> Result<R> {
    fail(ErrorKind::InvalidArgument, format!("** On entry to {routine} parameter number {param} had an illegal value"))
}

fn transposed(routine: &str, trans: c_int, param: usize) -> Result<bool> {
    match trans {
        NO_TRANS => Ok(false),
        TRANS | CONJ_TRANS => Ok(true),
        _ => illegal(routine, param),
    }
}

fn row_major(routine: &str, order: c_int) -> Result<bool> {
    match order {
        ROW_MAJOR => Ok(true),
        COL_MAJOR => Ok(false),
        _ => illegal(routine, 1),
    }
}

/// `op(X)`, `rows x cols`, of a matrix stored with leading dimension `ld`
/// in `order` (transposed: X itself is `cols x rows`). The storage's
/// minor extent must fit in `ld`, else parameter `ld_param` is illegal.
#[allow(clippy::too_many_arguments)]
fn matrix(routine: &str, p: *const u8, dtype: DType, (rows, cols): (usize, usize), trans: bool, row_major: bool, ld: c_int, ld_param: usize) -> Result<RawArray> {
    let (stored_rows, stored_cols) = if trans { (cols, rows) } else { (rows, cols) };
    let minor = if row_major { stored_cols } else { stored_rows };
    if ld < 1 || (ld as usize) < minor {
        return illegal(routine, ld_param);
    }
    let ld = ld as isize;
    let strides = if row_major != trans { [ld, 1] } else { [1, ld] };
    RawArray::new(p as *mut u8, dtype, &[rows, cols], &strides, "matrix")
}

/// `n` elements with increment `inc`: BLAS's convention puts element 0 at
/// the far end when `inc < 0` (the pointer is the lowest address).
fn vector(p: *const u8, dtype: DType, n: usize, inc: c_int) -> Result<RawArray> {
    let start = if inc < 0 { (n.max(1) - 1) as isize * -(inc as isize) } else { 0 };
    let data = (p as *mut u8).wrapping_offset(start * dtype.size() as isize);
    RawArray::new(data, dtype, &[n], &[inc as isize], "vector")
}

fn dim(routine: &str, v: c_int, param: usize) -> Result<usize> {
    if v < 0 {
        return illegal(routine, param);
    }
    Ok(v as usize)
}

/// One precision's five routines.
macro_rules! cblas_routines {
    ($T:ty, $dtype:expr, $gemm:ident, $gemv:ident, $dot:ident, $axpy:ident, $scal:ident) => {
        /// C = alpha op(A) op(B) + beta C (standard CBLAS).
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
            let routine = stringify!($gemm);
            call(routine, || {
                let rm = row_major(routine, order)?;
                let (ta, tb) = (transposed(routine, trans_a, 2)?, transposed(routine, trans_b, 3)?);
                let (m, n, k) = (dim(routine, m, 4)?, dim(routine, n, 5)?, dim(routine, k, 6)?);
                let a = matrix(routine, a.cast(), $dtype, (m, k), ta, rm, lda, 9)?;
                let b = matrix(routine, b.cast(), $dtype, (k, n), tb, rm, ldb, 11)?;
                let c = matrix(routine, c.cast(), $dtype, (m, n), false, rm, ldc, 14)?;
                if m == 0 || n == 0 || ((alpha == 0.0 || k == 0) && beta == 1.0) {
                    return Ok(());
                }
                ops::gemm_raw(Exec::current(), alpha as f64, &a, &b, beta as f64, &c)
            })
        }

        /// y = alpha op(A) x + beta y (standard CBLAS).
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
            let routine = stringify!($gemv);
            call(routine, || {
                let rm = row_major(routine, order)?;
                let t = transposed(routine, trans, 2)?;
                let (m, n) = (dim(routine, m, 3)?, dim(routine, n, 4)?);
                // A is stored m x n; op(A) is n x m when transposed.
                let (rows, cols) = if t { (n, m) } else { (m, n) };
                let a = matrix(routine, a.cast(), $dtype, (rows, cols), t, rm, lda, 7)?;
                if incx == 0 {
                    return illegal(routine, 9);
                }
                if incy == 0 {
                    return illegal(routine, 12);
                }
                if m == 0 || n == 0 || (alpha == 0.0 && beta == 1.0) {
                    return Ok(());
                }
                let (x, y) = (vector(x.cast(), $dtype, cols, incx)?, vector(y.cast(), $dtype, rows, incy)?);
                ops::gemv_raw(Exec::current(), alpha as f64, &a, &x, beta as f64, &y)
            })
        }

        /// sum x[i] y[i] (standard CBLAS; the f32 one sums in f64).
        ///
        /// # Safety
        /// BLAS's contract: x and y valid over their `n` elements.
        #[no_mangle]
        pub unsafe extern "C" fn $dot(n: c_int, x: *const $T, incx: c_int, y: *const $T, incy: c_int) -> $T {
            let mut result: $T = 0.0;
            let routine = stringify!($dot);
            call(routine, || {
                if n <= 0 {
                    return Ok(());
                }
                let (x, y) = (vector(x.cast(), $dtype, n as usize, incx)?, vector(y.cast(), $dtype, n as usize, incy)?);
                let out = RawArray::new((&mut result as *mut $T).cast(), $dtype, &[], &[], "result")?;
                ops::dot_raw(Exec::current(), &x, &y, &out)
            });
            result
        }

        /// y = alpha x + y (standard CBLAS; each element rounded once).
        ///
        /// # Safety
        /// BLAS's contract: x and y valid over their `n` elements.
        #[no_mangle]
        pub unsafe extern "C" fn $axpy(n: c_int, alpha: $T, x: *const $T, incx: c_int, y: *mut $T, incy: c_int) {
            let routine = stringify!($axpy);
            call(routine, || {
                if n <= 0 || alpha == 0.0 {
                    return Ok(());
                }
                if incy == 0 {
                    return illegal(routine, 6);
                }
                let (x, y) = (vector(x.cast(), $dtype, n as usize, incx)?, vector(y.cast(), $dtype, n as usize, incy)?);
                ops::axpy_raw(Exec::current(), alpha as f64, &x, &y)
            })
        }

        /// x = alpha x (standard CBLAS: nothing happens for n <= 0 or incx <= 0).
        ///
        /// # Safety
        /// BLAS's contract: x valid over its `n` elements.
        #[no_mangle]
        pub unsafe extern "C" fn $scal(n: c_int, alpha: $T, x: *mut $T, incx: c_int) {
            let routine = stringify!($scal);
            call(routine, || {
                if n <= 0 || incx <= 0 {
                    return Ok(());
                }
                let x = vector(x.cast(), $dtype, n as usize, incx)?;
                let mut alpha = alpha;
                let a = RawArray::new((&mut alpha as *mut $T).cast(), $dtype, &[], &[], "alpha")?;
                ops::binary_raw(Exec::current(), BinaryOp::Multiply, &x, &a, &x)
            })
        }
    };
}

cblas_routines!(f32, DType::F32, cblas_sgemm, cblas_sgemv, cblas_sdot, cblas_saxpy, cblas_sscal);
cblas_routines!(f64, DType::F64, cblas_dgemm, cblas_dgemv, cblas_ddot, cblas_daxpy, cblas_dscal);
