//! Array creation into caller-owned views (issue 22, item 1): fill (zeros,
//! ones, full), eye, arange, linspace, tril/triu. Every value is written
//! through `numkern_copy`'s conversion path, so a creation into any dtype
//! and any layout converts exactly as a copy would.

use super::elementwise::copy_into_raw;
use super::exec::Exec;
use crate::dtype::DType;
use crate::dtype::Element;
use crate::error::{fail, named, shape_str, ErrorKind, Result};
use crate::framework::array::{ArrayView, ArrayViewMut};
use crate::framework::array::RawArray;

/// Values per block of arange/linspace: computed on the stack in f64 (or
/// i64), then converted into the output by the copy kernel.
const BLOCK: usize = 512;

/// A 0-d view of one f64 on the stack.
fn scalar(value: &f64) -> Result<RawArray> {
    RawArray::new(value as *const f64 as *mut u8, DType::F64, &[], &[], "value")
}

/// out[...] = value, converted to out's dtype as numkern_copy converts.
///
/// # Safety
/// `out` must be a valid view of writable memory.
pub unsafe fn fill_raw(exec: Exec, out: &RawArray, value: f64) -> Result<()> {
    copy_into_raw(exec, &scalar(&value)?, out)
}

fn require_ndim(out: &RawArray, ndim: usize, what: &str) -> Result<()> {
    if out.ndim != ndim {
        return fail(
            ErrorKind::ShapeMismatch,
            format!("{what} must be {ndim}-D, got shape {}", shape_str(out.shape())),
        );
    }
    Ok(())
}

/// The k-th diagonal of a 2-D view as a 1-D view (k > 0 above the main one).
fn diagonal(a: &RawArray, k: i64) -> Result<RawArray> {
    let (rows, cols) = (a.shape[0] as i64, a.shape[1] as i64);
    let (row, col) = if k >= 0 { (0, k) } else { (-k, 0) };
    let len = (rows - row).min(cols - col).max(0) as usize;
    let data = if len > 0 {
        // In range: (row, col) is an element of the validated view.
        a.data.wrapping_offset((row as isize * a.strides[0] + col as isize * a.strides[1]) * a.dtype.size() as isize)
    } else {
        a.data
    };
    RawArray::new(data, a.dtype, &[len], &[a.strides[0] + a.strides[1]], "out")
}

/// out = ones on the k-th diagonal, zeros elsewhere (np.eye(N, M, k)).
///
/// # Safety
/// `out` must be a valid view of writable memory.
pub unsafe fn eye_raw(exec: Exec, out: &RawArray, k: i64) -> Result<()> {
    require_ndim(out, 2, "out")?;
    fill_raw(exec, out, 0.0)?;
    fill_raw(exec, &diagonal(out, k)?, 1.0)
}

/// Writes `value(i)` for i in 0..n into the 1-D `out` in blocks, through the copy kernel.
unsafe fn write_blocks<T: Copy + Default>(exec: Exec, out: &RawArray, dtype: DType, value: impl Fn(usize) -> T) -> Result<()> {
    let n = out.shape[0];
    let mut block = [T::default(); BLOCK];
    let mut start = 0;
    while start < n {
        let len = BLOCK.min(n - start);
        for (i, slot) in block[..len].iter_mut().enumerate() {
            *slot = value(start + i);
        }
        let src = RawArray::new(block.as_mut_ptr() as *mut u8, dtype, &[len], &[1], "values")?;
        let at = out.data.wrapping_offset(start as isize * out.strides[0] * out.dtype.size() as isize);
        let dst = RawArray::new(at, out.dtype, &[len], &out.strides[..1], "out")?;
        copy_into_raw(exec, &src, &dst)?;
        start += len;
    }
    Ok(())
}

/// out[i] = start + i * step for i in 0..len(out) (np.arange with the count
/// given by out's length): each value computed on its own, never
/// accumulated. Float outputs: in f64, rounded once to out's dtype. Integer
/// outputs: start and step must be integers (below 2^53), and the values
/// are exact in int64, wrapping into int32/uint8 as numkern_copy does.
///
/// # Safety
/// `out` must be a valid view of writable memory.
pub unsafe fn arange_raw(exec: Exec, out: &RawArray, start: f64, step: f64) -> Result<()> {
    require_ndim(out, 1, "out")?;
    if !start.is_finite() || !step.is_finite() {
        return fail(ErrorKind::InvalidArgument, format!("start {start} and step {step} must be finite"));
    }
    if out.dtype.is_float() {
        return write_blocks(exec, out, DType::F64, |i| start + i as f64 * step);
    }
    let exact = |v: f64| v.fract() == 0.0 && v.abs() < 9007199254740992.0;
    if !exact(start) || !exact(step) {
        return fail(
            ErrorKind::InvalidArgument,
            format!("an integer output needs integer start and step below 2**53, got {start} and {step}"),
        );
    }
    let (start, step) = (start as i64, step as i64);
    write_blocks(exec, out, DType::I64, |i| start.wrapping_add((i as i64).wrapping_mul(step)))
}

/// out = len(out) evenly spaced values from start to stop (np.linspace):
/// step = (stop - start) / (n - 1) with the endpoint, / n without; value i =
/// start + i * step in f64, rounded once to out's dtype; with the endpoint
/// the last value is exactly `stop`. out is f32 or f64.
///
/// # Safety
/// `out` must be a valid view of writable memory.
pub unsafe fn linspace_raw(exec: Exec, out: &RawArray, start: f64, stop: f64, endpoint: bool) -> Result<()> {
    require_ndim(out, 1, "out")?;
    if !out.dtype.is_float() {
        return fail(ErrorKind::Dtype, format!("out must be float32 or float64, got {}", out.dtype.name()));
    }
    let n = out.shape[0];
    let divisions = if endpoint { n.saturating_sub(1) } else { n };
    let delta = stop - start;
    let step = if divisions > 0 { delta / divisions as f64 } else { f64::NAN };
    write_blocks(exec, out, DType::F64, |i| {
        if endpoint && n > 1 && i == n - 1 {
            stop
        } else if divisions == 0 {
            start
        } else if step == 0.0 {
            // delta is tiny against divisions (as NumPy: scale after dividing i).
            i as f64 / divisions as f64 * delta + start
        } else {
            i as f64 * step + start
        }
    })
}

/// out = x with the elements above (lower: np.tril) or below (np.triu) the
/// k-th diagonal of the last two axes set to zero. x and out: one shape
/// (ndim >= 2) and one dtype, any strides; out may be x (in place).
///
/// # Safety
/// `x` and `out` must be valid views; `out` writable.
pub unsafe fn triangle_raw(exec: Exec, x: &RawArray, out: &RawArray, k: i64, lower: bool) -> Result<()> {
    if x.ndim < 2 {
        return fail(ErrorKind::ShapeMismatch, format!("x must be at least 2-D, got shape {}", shape_str(x.shape())));
    }
    if x.shape() != out.shape() {
        return fail(
            ErrorKind::ShapeMismatch,
            format!("out has shape {}, x has shape {}", shape_str(out.shape()), shape_str(x.shape())),
        );
    }
    if x.dtype != out.dtype {
        return fail(ErrorKind::Dtype, format!("x is {} and out is {}", x.dtype.name(), out.dtype.name()));
    }
    copy_into_raw(exec, x, out)?;
    if out.size() == 0 {
        // Nothing to clear, and the loops below would walk the extents of
        // an empty array (valid at any size: (2^40, 2^20, 0) ran for hours).
        return Ok(());
    }
    let nd = out.ndim;
    let (rows, cols) = (out.shape[nd - 2], out.shape[nd - 1]);
    let item = out.dtype.size() as isize;
    let batch: usize = out.shape[..nd - 2].iter().product();
    let mut index = [0usize; 8];
    for _ in 0..batch {
        let mut base = out.data;
        for d in 0..nd - 2 {
            base = base.wrapping_offset(index[d] as isize * out.strides[d] * item);
        }
        for i in 0..rows {
            // Columns to clear in row i: j > i + k (tril) or j < i + k (triu).
            let edge = (i as i64).saturating_add(k);
            let (first, last) = if lower { (edge.saturating_add(1).max(0), cols as i64) } else { (0, edge.min(cols as i64)) };
            if first >= last {
                continue;
            }
            let at = base.wrapping_offset((i as isize * out.strides[nd - 2] + first as isize * out.strides[nd - 1]) * item);
            let row = RawArray::new(at, out.dtype, &[(last - first) as usize], &out.strides[nd - 1..nd], "out")?;
            fill_raw(exec, &row, 0.0)?;
        }
        // The next batch index, last axis fastest.
        for d in (0..nd - 2).rev() {
            index[d] += 1;
            if index[d] < out.shape[d] {
                break;
            }
            index[d] = 0;
        }
    }
    Ok(())
}

/// The safe API: each borrows its output view exclusively.
impl Exec {
    /// out[...] = value (zeros, ones, full), converted as `copy` converts an f64.
    pub fn fill<T: Element>(&self, out: &mut ArrayViewMut<T>, value: f64) -> Result<()> {
        // SAFETY: `out` is an exclusively borrowed valid view.
        named("full", unsafe { fill_raw(*self, out.raw(), value) })
    }
    /// out = np.eye(rows, cols, k) into the 2-D `out`.
    pub fn eye<T: Element>(&self, out: &mut ArrayViewMut<T>, k: i64) -> Result<()> {
        named("eye", unsafe { eye_raw(*self, out.raw(), k) })
    }
    /// out[i] = start + i * step into the 1-D `out`.
    pub fn arange<T: Element>(&self, out: &mut ArrayViewMut<T>, start: f64, step: f64) -> Result<()> {
        named("arange", unsafe { arange_raw(*self, out.raw(), start, step) })
    }
    /// out = np.linspace(start, stop, len(out), endpoint) into the 1-D f32/f64 `out`.
    pub fn linspace<T: Element>(&self, out: &mut ArrayViewMut<T>, start: f64, stop: f64, endpoint: bool) -> Result<()> {
        named("linspace", unsafe { linspace_raw(*self, out.raw(), start, stop, endpoint) })
    }
    /// out = np.tril(x, k) (lower) or np.triu(x, k).
    pub fn triangle<T: Element>(&self, x: &ArrayView<T>, out: &mut ArrayViewMut<T>, k: i64, lower: bool) -> Result<()> {
        named(if lower { "tril" } else { "triu" }, unsafe { triangle_raw(*self, x.raw(), out.raw(), k, lower) })
    }
}
