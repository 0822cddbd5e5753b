//! Matrix products on views: GEMM in BLIS's general-stride form and the
//! fused linear layer `act(X W + bias)`.
//!
//! The raw entry points take validated `RawArray`s (the C ABI calls them);
//! the safe API is the methods on [`Exec`].

use super::elementwise::common_float;
use super::exec::{contiguous_copy, Exec};
use crate::dtype::DType;
use crate::error::{fail, shape_str, ErrorKind, Result};
use crate::framework::array::{ArrayView, ArrayViewMut, RawArray};
use crate::framework::gemm::{self, GemmEpilogue, Mat};
use crate::framework::overlap;
use crate::kernels::gemm::Activation;
use crate::kernels::{self, KernelFloat};

fn require_2d(a: &RawArray, name: &str, what: &str) -> Result<()> {
    if a.ndim != 2 {
        return fail(ErrorKind::ShapeMismatch, format!("{what}: `{name}` must be 2-D, got shape {}", shape_str(a.shape())));
    }
    Ok(())
}

/// An input as a matrix, through a contiguous copy (kept in `temps`) when
/// it shares memory with the output: the product reads all of it while
/// writing.
unsafe fn input_mat<T>(exec: Exec, input: &RawArray, out: &RawArray, temps: &mut Vec<Vec<u64>>) -> Result<Mat<T>> {
    let a = if overlap::may_overlap(out, input) { contiguous_copy(exec, input, temps)? } else { *input };
    let stride = |k: usize| if a.ndim > k { a.strides[k] } else { 0 };
    Ok(Mat { ptr: a.data as *mut T, rs: stride(0), cs: stride(1) })
}

/// `c = act(alpha a b + beta c + bias)` for 2-D a (m x k), b (k x n), c
/// (m x n) of one float dtype and any strides; bias is 1-D of length n, or
/// absent. beta = 0 never reads c (it may hold NaN).
///
/// # Safety
/// The arrays must describe valid memory (C callers' contract).
pub unsafe fn gemm_raw(
    exec: Exec,
    alpha: f64,
    a: &RawArray,
    b: &RawArray,
    beta: f64,
    c: &RawArray,
    bias: Option<&RawArray>,
    act: Activation,
) -> Result<()> {
    let what = if bias.is_some() || act != Activation::None { "linear" } else { "gemm" };
    let mut ops = vec![(a, "a"), (b, "b"), (c, "out")];
    ops.extend(bias.map(|x| (x, "bias")));
    let dtype = common_float(&ops, what)?;
    for (x, name) in &ops[..3] {
        require_2d(x, name, what)?;
    }
    let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1]);
    if b.shape[0] != k {
        return fail(
            ErrorKind::ShapeMismatch,
            format!(
                "{what}: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size {} is different from {k}): shapes {} and {}",
                b.shape[0],
                shape_str(a.shape()),
                shape_str(b.shape())
            ),
        );
    }
    if c.shape() != [m, n] {
        return fail(
            ErrorKind::ShapeMismatch,
            format!("{what}: output has shape {} but the product of {} and {} is ({m}, {n})", shape_str(c.shape()), shape_str(a.shape()), shape_str(b.shape())),
        );
    }
    if let Some(bias) = bias {
        if bias.shape() != [n] {
            return fail(ErrorKind::ShapeMismatch, format!("{what}: bias must have shape ({n},), got {}", shape_str(bias.shape())));
        }
    }
    c.check_writable("out")?;
    let mut temps = Vec::new();
    macro_rules! run {
        ($T:ty) => {{
            let am = input_mat::<$T>(exec, a, c, &mut temps)?;
            let bm = input_mat::<$T>(exec, b, c, &mut temps)?;
            let epilogue = match bias {
                Some(x) => {
                    let xm = input_mat::<$T>(exec, x, c, &mut temps)?;
                    GemmEpilogue { bias: xm.ptr as *const $T, bias_stride: xm.rs, act }
                }
                None => GemmEpilogue { act, ..GemmEpilogue::NONE },
            };
            let cm = Mat { ptr: c.data as *mut $T, rs: c.strides[0], cs: c.strides[1] };
            let kernel = kernels::gemm_kernel::<$T>(exec.0.tier);
            gemm::gemm::<$T>(kernel, exec.0.threads, (m, n, k), alpha as $T, am, bm, beta as $T, cm, epilogue);
        }};
    }
    match dtype {
        DType::F32 => run!(f32),
        _ => run!(f64),
    }
    Ok(())
}

impl Exec {
    /// `c = alpha a b + beta c` (BLAS's GEMM on 2-D views of any strides:
    /// a transpose is just a view). beta = 0 never reads c.
    pub fn gemm<T: KernelFloat>(&self, alpha: T, a: &ArrayView<T>, b: &ArrayView<T>, beta: T, c: &mut ArrayViewMut<T>) -> Result<()> {
        // SAFETY: views borrow valid slices; `c` is exclusively borrowed.
        unsafe { gemm_raw(*self, alpha.to_f64(), a.raw(), b.raw(), beta.to_f64(), c.raw(), None, Activation::None) }
    }
    /// `out = act(x w + bias)`: the linear layer, with the bias and the
    /// activation applied as each tile of the product is written.
    pub fn linear<T: KernelFloat>(
        &self,
        x: &ArrayView<T>,
        w: &ArrayView<T>,
        bias: Option<&ArrayView<T>>,
        act: Activation,
        out: &mut ArrayViewMut<T>,
    ) -> Result<()> {
        // SAFETY: as `gemm`.
        unsafe { gemm_raw(*self, 1.0, x.raw(), w.raw(), 0.0, out.raw(), bias.map(|b| b.raw()), act) }
    }
}
