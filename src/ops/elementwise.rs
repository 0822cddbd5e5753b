//! Elementwise operations on N-d views with NumPy broadcasting.
//!
//! Raw entry points (`*_raw`) take validated `RawArray`s and are what the C
//! ABI calls; the safe API is the methods on [`Exec`] over borrowed views:
//! `numkern::exec().unary(UnaryOp::Exp, &x, &mut y)`.

use super::exec::{copy_raw, elementwise, elementwise_blocks, prepare, Exec};
use crate::dtype::{DType, Element};
use crate::error::{fail, named, ErrorKind, Result};
use crate::framework::array::{ArrayView, ArrayViewMut, RawArray};
use crate::kernels::{self, BinaryOp, CompareOp, KernelFloat, LogicalOp, PredicateOp, UnaryOp, UnaryParams};

/// The current process-wide execution settings (tier, threads).
pub fn exec() -> Exec {
    Exec::current()
}

/// Runs `$body` with `$T` bound to the Rust type of a float dtype.
macro_rules! with_float {
    ($dtype:expr, $T:ident => $body:expr) => {
        match $dtype {
            DType::F32 => {
                type $T = f32;
                $body
            }
            DType::F64 => {
                type $T = f64;
                $body
            }
            _ => unreachable!("checked float dtype"),
        }
    };
}

/// All named arrays must share one float dtype; returns it.
#[inline]
pub(crate) fn common_float(args: &[(&RawArray, &str)], what: &str) -> Result<DType> {
    let dtype = args[0].0.dtype;
    if dtype.is_float() && args.iter().all(|(a, _)| a.dtype == dtype) {
        return Ok(dtype);
    }
    mixed_or_not_float(args, what)
}

#[cold]
#[inline(never)]
fn mixed_or_not_float(args: &[(&RawArray, &str)], what: &str) -> Result<DType> {
    let (first, first_name) = args[0];
    if !first.dtype.is_float() {
        return fail(
            ErrorKind::Dtype,
            format!("ufunc '{what}' not supported for the input types: argument `{first_name}` is {}", first.dtype.name()),
        );
    }
    for (a, name) in &args[1..] {
        if a.dtype != first.dtype {
            return fail(
                ErrorKind::Dtype,
                format!(
                    "argument `{name}` is {} but `{first_name}` is {} (no implicit casting: convert with copy first)",
                    a.dtype.name(),
                    first.dtype.name()
                ),
            );
        }
    }
    Ok(first.dtype)
}

fn require_u8(a: &RawArray, name: &str) -> Result<()> {
    if a.dtype != DType::U8 {
        return fail(ErrorKind::Dtype, format!("argument `{name}` must be uint8 (a 0/1 mask), got {}", a.dtype.name()));
    }
    Ok(())
}

/// Per-element cost relative to an add (for the threading threshold):
/// roughly the measured time per element on AVX-512.
fn unary_cost(op: UnaryOp, dtype: DType) -> usize {
    use UnaryOp::*;
    match (op, dtype) {
        (Negative | Abs | Square | Relu | LeakyRelu | Clip | Affine, _) => 1,
        (Sqrt | Reciprocal, _) => 2,
        // Native f32: 0.18 / 0.30 / 0.50 ns against 0.11 ns for an add.
        (Exp | Sigmoid, DType::F32) => 3,
        (Tanh, DType::F32) => 4,
        _ => 8,
    }
}

/// out = op(x). x and out share a float dtype.
///
/// # Safety
/// The arrays must describe valid memory (C callers' contract).
pub unsafe fn unary_raw(exec: Exec, op: UnaryOp, params: UnaryParams, x: &RawArray, out: &RawArray) -> Result<()> {
    let dtype = common_float(&[(x, "x"), (out, "out")], op.name())?;
    with_float!(dtype, T => {
        let k = kernels::unary_fn::<T>(exec.0.tier, op);
        elementwise(exec, [(out, "out"), (x, "x")], unary_cost(op, dtype), |n, p, s, stream| k(n, p[1] as *const T, s[1], p[0] as *mut T, s[0], &params, stream))
    })
}

/// out = a op b.
///
/// # Safety
/// As [`unary_raw`].
pub unsafe fn binary_raw(exec: Exec, op: BinaryOp, a: &RawArray, b: &RawArray, out: &RawArray) -> Result<()> {
    let dtype = common_float(&[(a, "a"), (b, "b"), (out, "out")], op.name())?;
    let cost = if op == BinaryOp::Power { 32 } else { 1 };
    with_float!(dtype, T => {
        let (k, k_stream) = (kernels::binary_fn::<T>(exec.0.tier, op, false), kernels::binary_fn::<T>(exec.0.tier, op, true));
        elementwise_blocks(exec, [(out, "out"), (a, "a"), (b, "b")], cost, |blk, stream| {
            let [r0, r1, r2] = blk.row_strides(std::mem::size_of::<T>());
            let (p, s) = (blk.ptrs, blk.strides);
            (if stream { k_stream } else { k })(blk.rows, [r1, r2, r0], blk.n, p[1] as *const T, s[1], p[2] as *const T, s[2], p[0] as *mut T, s[0])
        })
    })
}

/// out (u8) = a op b.
///
/// # Safety
/// As [`unary_raw`].
pub unsafe fn compare_raw(exec: Exec, op: CompareOp, a: &RawArray, b: &RawArray, out: &RawArray) -> Result<()> {
    let dtype = common_float(&[(a, "a"), (b, "b")], op.name())?;
    require_u8(out, "out")?;
    with_float!(dtype, T => {
        let k = kernels::compare_fn::<T>(exec.0.tier, op);
        elementwise(exec, [(out, "out"), (a, "a"), (b, "b")], 1, |n, p, s, _| k(n, p[1] as *const T, s[1], p[2] as *const T, s[2], p[0], s[0]))
    })
}

/// out (u8) = pred(x).
///
/// # Safety
/// As [`unary_raw`].
pub unsafe fn predicate_raw(exec: Exec, op: PredicateOp, x: &RawArray, out: &RawArray) -> Result<()> {
    let dtype = common_float(&[(x, "x")], op.name())?;
    require_u8(out, "out")?;
    with_float!(dtype, T => {
        let k = kernels::predicate_fn::<T>(exec.0.tier, op);
        elementwise(exec, [(out, "out"), (x, "x")], 1, |n, p, s, _| k(n, p[1] as *const T, s[1], p[0], s[0]))
    })
}

/// out = mask ? a : b (mask is u8, non-zero = true).
///
/// # Safety
/// As [`unary_raw`].
pub unsafe fn where_raw(exec: Exec, mask: &RawArray, a: &RawArray, b: &RawArray, out: &RawArray) -> Result<()> {
    require_u8(mask, "mask")?;
    let dtype = common_float(&[(a, "a"), (b, "b"), (out, "out")], "where")?;
    with_float!(dtype, T => {
        let k = kernels::where_fn::<T>(exec.0.tier);
        elementwise(exec, [(out, "out"), (mask, "mask"), (a, "a"), (b, "b")], 1, |n, p, s, _| {
            k(n, p[1], s[1], p[2] as *const T, s[2], p[3] as *const T, s[3], p[0] as *mut T, s[0])
        })
    })
}

/// out = a op b on u8 masks.
///
/// # Safety
/// As [`unary_raw`].
pub unsafe fn logical_raw(exec: Exec, op: LogicalOp, a: &RawArray, b: &RawArray, out: &RawArray) -> Result<()> {
    require_u8(a, "a")?;
    require_u8(b, "b")?;
    require_u8(out, "out")?;
    let k = kernels::logical_fn(exec.0.tier, op);
    elementwise(exec, [(out, "out"), (a, "a"), (b, "b")], 1, |n, p, s, _| k(n, p[1], s[1], p[2], s[2], p[0], s[0]))
}

/// out = !a on a u8 mask.
///
/// # Safety
/// As [`unary_raw`].
pub unsafe fn logical_not_raw(exec: Exec, a: &RawArray, out: &RawArray) -> Result<()> {
    require_u8(a, "a")?;
    require_u8(out, "out")?;
    let k = kernels::logical_not_fn(exec.0.tier);
    elementwise(exec, [(out, "out"), (a, "a")], 1, |n, p, s, _| k(n, p[1], s[1], p[0], s[0]))
}

/// dst = src converted to dst's dtype, src broadcast to dst's shape
/// (NumPy's `np.copyto(dst, src)` / `astype` / `ascontiguousarray`).
///
/// # Safety
/// As [`unary_raw`].
pub unsafe fn copy_into_raw(exec: Exec, src: &RawArray, dst: &RawArray) -> Result<()> {
    let (mut slot, mut temps) = ([RawArray::EMPTY], Vec::new());
    prepare(exec, (dst, "dst"), &[(src, "src")], &mut slot, &mut temps)?;
    copy_raw(exec, &slot[0], dst);
    Ok(())
}


impl Exec {
    /// out = op(x) for the parameterless unary ops.
    pub fn unary<T: KernelFloat>(&self, op: UnaryOp, x: &ArrayView<T>, out: &mut ArrayViewMut<T>) -> Result<()> {
        self.unary_with(op, UnaryParams::default(), x, out)
    }
    /// out = op(x; params): leaky_relu (a = alpha), clip (a = lo, b = hi), affine (a = scale, b = shift).
    pub fn unary_with<T: KernelFloat>(&self, op: UnaryOp, params: UnaryParams, x: &ArrayView<T>, out: &mut ArrayViewMut<T>) -> Result<()> {
        // SAFETY: views borrow valid slices; `out` is exclusively borrowed.
        named(op.name(), unsafe { unary_raw(*self, op, params, x.raw(), out.raw()) })
    }
    /// x = op(x; params) in place.
    pub fn unary_inplace<T: KernelFloat>(&self, op: UnaryOp, params: UnaryParams, x: &mut ArrayViewMut<T>) -> Result<()> {
        let raw = *x.raw();
        // SAFETY: exact in-place aliasing is supported.
        named(op.name(), unsafe { unary_raw(*self, op, params, &raw, &raw) })
    }
    /// out = a op b with broadcasting.
    pub fn binary<T: KernelFloat>(&self, op: BinaryOp, a: &ArrayView<T>, b: &ArrayView<T>, out: &mut ArrayViewMut<T>) -> Result<()> {
        named(op.name(), unsafe { binary_raw(*self, op, a.raw(), b.raw(), out.raw()) })
    }
    /// a = a op b (NumPy's `a += b`); b broadcasts to a's shape.
    pub fn binary_inplace<T: KernelFloat>(&self, op: BinaryOp, a: &mut ArrayViewMut<T>, b: &ArrayView<T>) -> Result<()> {
        let raw = *a.raw();
        named(op.name(), unsafe { binary_raw(*self, op, &raw, b.raw(), &raw) })
    }
    /// out = (a op b) as 0/1 u8.
    pub fn compare<T: KernelFloat>(&self, op: CompareOp, a: &ArrayView<T>, b: &ArrayView<T>, out: &mut ArrayViewMut<u8>) -> Result<()> {
        named(op.name(), unsafe { compare_raw(*self, op, a.raw(), b.raw(), out.raw()) })
    }
    /// out = isnan(x) / isfinite(x) as 0/1 u8.
    pub fn predicate<T: KernelFloat>(&self, op: PredicateOp, x: &ArrayView<T>, out: &mut ArrayViewMut<u8>) -> Result<()> {
        named(op.name(), unsafe { predicate_raw(*self, op, x.raw(), out.raw()) })
    }
    /// out = mask ? a : b.
    pub fn where_<T: KernelFloat>(&self, mask: &ArrayView<u8>, a: &ArrayView<T>, b: &ArrayView<T>, out: &mut ArrayViewMut<T>) -> Result<()> {
        named("where", unsafe { where_raw(*self, mask.raw(), a.raw(), b.raw(), out.raw()) })
    }
    /// out = a op b on u8 masks.
    pub fn logical(&self, op: LogicalOp, a: &ArrayView<u8>, b: &ArrayView<u8>, out: &mut ArrayViewMut<u8>) -> Result<()> {
        named(op.name(), unsafe { logical_raw(*self, op, a.raw(), b.raw(), out.raw()) })
    }
    /// out = !a on a u8 mask.
    pub fn logical_not(&self, a: &ArrayView<u8>, out: &mut ArrayViewMut<u8>) -> Result<()> {
        named("logical_not", unsafe { logical_not_raw(*self, a.raw(), out.raw()) })
    }
    /// dst = src as dst's dtype, broadcasting src.
    pub fn copy<A: Element, D: Element>(&self, src: &ArrayView<A>, dst: &mut ArrayViewMut<D>) -> Result<()> {
        named("copy", unsafe { copy_into_raw(*self, src.raw(), dst.raw()) })
    }
}
