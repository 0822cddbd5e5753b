//! Products on views: the dot product, GEMV, GEMM in BLIS's general-stride
//! form, the fused linear layer `act(X W + bias)`, and `matmul` with
//! NumPy's `@` semantics (1-D operands promoted and demoted, batch
//! dimensions broadcast).
//!
//! The raw entry points take validated `RawArray`s (the C ABI calls them);
//! the safe API is the methods on [`Exec`]. Every 2-D product goes to the
//! kernel that suits its shape: a dot when it is 1 x 1, GEMV when one side
//! is 1, GEMM otherwise.

use super::elementwise::{binary_raw, common_float, unary_raw};
use super::exec::{contiguous_copy, Exec};
use crate::dtype::DType;
use crate::error::{fail, shape_str, Error, ErrorKind, Result};
use crate::framework::array::{ArrayView, ArrayViewMut, RawArray, MAX_NDIM};
use crate::framework::gemm::{self, cache_sizes, GemmEpilogue, Mat};
use crate::framework::threads::{run_chunks, Shared};
use crate::framework::{overlap, vecmat, views};
use crate::kernels::gemm::Activation;
use crate::kernels::{self, BinaryOp, KernelFloat};

const GUFUNC: &str = "(n?,k),(k,m?)->(n?,m?)";

/// NumPy's message for inner dimensions that differ, naming both shapes.
fn core_mismatch<R>(what: &str, a: &[usize], b: &[usize], k_a: usize, k_b: usize) -> Result<R> {
    fail(
        ErrorKind::ShapeMismatch,
        format!(
            "{what}: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature {GUFUNC} (size {k_b} is different from {k_a}): shapes {} and {}",
            shape_str(a),
            shape_str(b)
        ),
    )
}

/// The shape of `a @ b` under NumPy's `matmul` rules: a 1-D `a` is a row
/// and a 1-D `b` a column (their dimension is dropped from the result),
/// and the leading (batch) dimensions broadcast.
pub fn matmul_shape(a: &[usize], b: &[usize]) -> Result<Vec<usize>> {
    let (shape, ndim) = matmul_shape_array(a, b)?;
    Ok(shape[..ndim].to_vec())
}

/// [`matmul_shape`] on the stack (a small call allocates nothing): the
/// shape's first `ndim` entries.
fn matmul_shape_array(a: &[usize], b: &[usize]) -> Result<([usize; MAX_NDIM], usize)> {
    for (i, s) in [a, b].iter().enumerate() {
        if s.is_empty() {
            return fail(
                ErrorKind::ShapeMismatch,
                format!("matmul: Input operand {i} does not have enough dimensions (has 0, gufunc core with signature {GUFUNC} requires 1)"),
            );
        }
    }
    let k_a = a[a.len() - 1];
    let k_b = if b.len() == 1 { b[0] } else { b[b.len() - 2] };
    if k_a != k_b {
        return core_mismatch("matmul", a, b, k_a, k_b);
    }
    fn batch(s: &[usize]) -> &[usize] {
        &s[..s.len().saturating_sub(2)]
    }
    let (mut out, mut ndim) = views::broadcast_shape_array(&[batch(a), batch(b)]).map_err(|_| {
        Error::new(
            ErrorKind::ShapeMismatch,
            format!("matmul: batch dimensions could not be broadcast together with shapes {} {}", shape_str(a), shape_str(b)),
        )
    })?;
    // a's rows, then b's columns (a 1-D operand contributes neither).
    let rows = (a.len() >= 2).then(|| a[a.len() - 2]);
    let cols = (b.len() >= 2).then(|| b[b.len() - 1]);
    for d in [rows, cols].into_iter().flatten() {
        if ndim == MAX_NDIM {
            return fail(ErrorKind::ShapeMismatch, format!("matmul: the result would have more than {MAX_NDIM} dimensions"));
        }
        out[ndim] = d;
        ndim += 1;
    }
    Ok((out, ndim))
}

/// The kernel one 2-D product goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Route {
    /// 1 x 1 result.
    Dot,
    /// One column: `c = A b`.
    GemvA,
    /// One row: `c^T = B^T a^T`.
    GemvBt,
    Gemm,
}

impl Route {
    fn of(m: usize, n: usize) -> Route {
        match (m, n) {
            (1, 1) => Route::Dot,
            (_, 1) => Route::GemvA,
            (1, _) => Route::GemvBt,
            _ => Route::Gemm,
        }
    }
    /// Whether GEMV can read `a` and `b` as they are (a matrix with a unit
    /// stride, a contiguous vector), given their core strides; otherwise the
    /// operand is first copied C-contiguous.
    fn fits(self, (a_rs, a_cs): (isize, isize), (b_rs, b_cs): (isize, isize), k: usize) -> (bool, bool) {
        let unit = |s: isize| s == 1 || k <= 1;
        match self {
            Route::GemvA => (a_rs == 1 || unit(a_cs), unit(b_rs)),
            Route::GemvBt => (unit(a_cs), b_cs == 1 || unit(b_rs)),
            Route::Dot | Route::Gemm => (true, true),
        }
    }
}

/// An operand's core (matrix) strides: the last two dimensions, or for a
/// 1-D operand a row (`as_row`) or column vector.
fn core_strides(x: &RawArray, as_row: bool) -> (isize, isize) {
    let (nd, s) = (x.ndim, &x.strides);
    match (nd, as_row) {
        (1, true) => (0, s[0]),
        (1, false) => (s[0], 0),
        _ => (s[nd - 2], s[nd - 1]),
    }
}

/// A checked product `c = act(alpha a b + beta c + bias)`: a is (..., m, k)
/// or (k,), b is (..., k, n) or (k,), c has the `matmul_shape` of the two.
/// Copies what overlaps c or does not suit the chosen kernel before writing.
///
/// # Safety
/// The arrays must describe valid memory.
#[allow(clippy::too_many_arguments)]
unsafe fn run_product(
    exec: Exec,
    dtype: DType,
    alpha: f64,
    a: &RawArray,
    b: &RawArray,
    beta: f64,
    c: &RawArray,
    bias: Option<&RawArray>,
    act: Activation,
) -> Result<()> {
    c.check_writable("out")?;
    // Operands are borrowed, and copied (once, C-contiguous) only when they
    // overlap c or do not suit the chosen kernel (RawArray is a few hundred
    // bytes: moving it through `Result`s showed in small calls).
    let (a_vec, b_vec) = (a.ndim == 1, b.ndim == 1);
    let m = if a_vec { 1 } else { a.shape[a.ndim - 2] };
    let k = a.shape[a.ndim - 1];
    let n = if b_vec { 1 } else { b.shape[b.ndim - 1] };
    let route = Route::of(m, n);
    // alpha = 0 or k = 0 reads neither a nor b (BLAS's promise): they are
    // never copied, which would read them.
    let reads_ab = alpha != 0.0 && k != 0;
    let (a_fits, b_fits) = route.fits(core_strides(a, true), core_strides(b, false), k);
    let mut temps = Vec::new();
    let (a_copy, b_copy, bias_copy);
    let mut a = a;
    if reads_ab && (!a_fits || overlap::may_overlap(c, a)) {
        a_copy = contiguous_copy(exec, a, &mut temps)?;
        a = &a_copy;
    }
    let mut b = b;
    if reads_ab && (!b_fits || overlap::may_overlap(c, b)) {
        b_copy = contiguous_copy(exec, b, &mut temps)?;
        b = &b_copy;
    }
    let bias = match bias {
        Some(x) if overlap::may_overlap(c, x) => {
            bias_copy = contiguous_copy(exec, x, &mut temps)?;
            Some(&bias_copy)
        }
        other => other,
    };
    // Nothing fails from here on: the output is written only now.
    let batch_nd = c.ndim - (!a_vec as usize) - (!b_vec as usize);
    let batch = &c.shape[..batch_nd];
    // Batch strides of each operand, aligned to c's batch dimensions
    // (0 where an operand is broadcast).
    let batch_strides = |x: &RawArray, core: usize| -> Vec<isize> {
        let lead = batch_nd - (x.ndim - core);
        (0..batch_nd).map(|d| if d < lead || x.shape[d - lead] == 1 { 0 } else { x.strides[d - lead] }).collect()
    };
    let (a_core, b_core) = (core_strides(a, true), core_strides(b, false));
    let c_core = match (a_vec, b_vec) {
        (false, false) => (c.strides[c.ndim - 2], c.strides[c.ndim - 1]),
        (false, true) => (c.strides[c.ndim - 1], 0),
        (true, false) => (0, c.strides[c.ndim - 1]),
        (true, true) => (0, 0),
    };
    let products: usize = batch.iter().product();
    if products == 0 || m == 0 || n == 0 {
        return Ok(());
    }
    macro_rules! run {
        ($T:ty) => {{
            let mat = |x: &RawArray, (rs, cs): (isize, isize)| Mat { ptr: x.data as *mut $T, rs, cs };
            let epilogue = match bias {
                Some(x) => GemmEpilogue { bias: x.data as *const $T, bias_stride: x.strides[0], act },
                None => GemmEpilogue { act, ..GemmEpilogue::NONE },
            };
            let job = Batched {
                route,
                dims: (m, n, k),
                alpha: alpha as $T,
                beta: beta as $T,
                a: mat(a, a_core),
                b: mat(b, b_core),
                c: mat(c, c_core),
                epilogue,
            };
            if batch.is_empty() {
                job.one(exec, exec.0.threads, 0, 0, 0);
            } else {
                let (sa, sb) = (batch_strides(a, 2 - a_vec as usize), batch_strides(b, 2 - b_vec as usize));
                job.run(exec, batch, [&sa, &sb, &c.strides[..batch_nd].to_vec()]);
            }
        }};
    }
    match dtype {
        DType::F32 => run!(f32),
        _ => run!(f64),
    }
    if route != Route::Gemm {
        // Only GEMM fuses the epilogue; a vector result takes it as a pass
        // over m or n elements (the same bits as the fused write-back).
        if let Some(bias) = bias {
            binary_raw(exec, BinaryOp::Add, c, bias, c)?;
        }
        if let Some(op) = act.unary_op() {
            unary_raw(exec, op, Default::default(), c, c)?;
        }
    }
    Ok(())
}

/// One product shape run over every batch index.
#[derive(Clone, Copy)]
struct Batched<T> {
    route: Route,
    dims: (usize, usize, usize),
    alpha: T,
    beta: T,
    /// The operands of batch index 0.
    a: Mat<T>,
    b: Mat<T>,
    c: Mat<T>,
    epilogue: GemmEpilogue<T>,
}

impl<T: KernelFloat> Batched<T> {
    /// Runs every product: as one GEMM when the batch folds into M (a B
    /// shared by all batches and a, c whose batch and row dimensions form
    /// one stride), else batch by batch, spread over the threads when each
    /// product is too small to use them itself.
    unsafe fn run(&self, exec: Exec, batch: &[usize], [sa, sb, sc]: [&Vec<isize>; 3]) {
        let (m, n, k) = self.dims;
        if self.route == Route::Gemm && !batch.is_empty() && sb.iter().all(|&s| s == 0) {
            if let (Some(rs_a), Some(rs_c)) = (fold(batch, sa, m, self.a.rs), fold(batch, sc, m, self.c.rs)) {
                let rows = batch.iter().product::<usize>() * m;
                let folded = Batched { dims: (rows, n, k), a: Mat { rs: rs_a, ..self.a }, c: Mat { rs: rs_c, ..self.c }, ..*self };
                return folded.one(exec, exec.0.threads, 0, 0, 0);
            }
        }
        let count: usize = batch.iter().product();
        let offset = |mut i: usize, strides: &[isize]| -> isize {
            let mut off = 0;
            for d in (0..batch.len()).rev() {
                off += (i % batch[d]) as isize * strides[d];
                i /= batch[d];
            }
            off
        };
        let work = m.saturating_mul(n).saturating_mul(k.max(1));
        let threads = exec.0.threads;
        let parallel_work = cache_sizes().family.parallel_work(core::mem::size_of::<T>());
        let spread = threads > 1 && work < parallel_work && work.saturating_mul(count) >= parallel_work;
        let (inner, outer) = if spread { (1, threads) } else { (threads, 1) };
        let this = Shared(self);
        run_chunks(count, 1, outer, |range| {
            for i in range {
                this.get().one(exec, inner, offset(i, sa), offset(i, sb), offset(i, sc));
            }
        });
    }

    /// One 2-D product at the given element offsets from batch 0.
    unsafe fn one(&self, exec: Exec, threads: usize, oa: isize, ob: isize, oc: isize) {
        let (m, n, k) = self.dims;
        let shift = |x: Mat<T>, o: isize| Mat { ptr: x.ptr.wrapping_offset(o), ..x };
        let (a, b, c) = (shift(self.a, oa), shift(self.b, ob), shift(self.c, oc));
        let tier = exec.0.tier;
        let small = m.saturating_mul(n).saturating_mul(k) < super::exec::PARALLEL_THRESHOLD;
        let vec_threads = if small { 1 } else { threads };
        let (alpha, beta) = (self.alpha, self.beta);
        match self.route {
            Route::Dot => {
                let zero = T::from_f64(0.0);
                let s = if alpha == zero { 0.0 } else { vecmat::dot(kernels::vec_kernels::<T>(tier), vec_threads, k, a.ptr, a.cs, b.ptr, b.rs) };
                let r = alpha.to_f64() * s;
                *c.ptr = T::from_f64(if beta == zero { r } else { r + beta.to_f64() * (*c.ptr).to_f64() });
            }
            Route::GemvA => vecmat::gemv(kernels::vec_kernels::<T>(tier), vec_threads, (m, k), alpha, a, b.ptr, beta, c.ptr, c.rs),
            Route::GemvBt => {
                let bt = Mat { ptr: b.ptr, rs: b.cs, cs: b.rs };
                vecmat::gemv(kernels::vec_kernels::<T>(tier), vec_threads, (n, k), alpha, bt, a.ptr, beta, c.ptr, c.cs)
            }
            Route::Gemm => gemm::gemm::<T>(kernels::gemm_kernel::<T>(tier), threads, (m, n, k), alpha, a, b, beta, c, self.epilogue),
        }
    }
}

/// The single row stride of batch dimensions and a row dimension of `m`
/// that step through memory as one (each stride the next one times its
/// extent), if they do.
fn fold(batch: &[usize], strides: &[isize], m: usize, rs: isize) -> Option<isize> {
    let mut dims: Vec<(usize, isize)> = batch.iter().copied().zip(strides.iter().copied()).collect();
    dims.push((m, rs));
    dims.retain(|&(e, _)| e != 1);
    for w in dims.windows(2) {
        if w[0].1 != w[1].1.wrapping_mul(w[1].0 as isize) {
            return None;
        }
    }
    Some(dims.last().map_or(rs, |d| d.1))
}

// The checks below are inlined and their messages built out of line: the
// happy path of a small product is a few compares.

#[inline]
fn require_2d(a: &RawArray, name: &str, what: &str) -> Result<()> {
    if a.ndim == 2 {
        Ok(())
    } else {
        wrong_ndim(a, 2, name, what)
    }
}

#[inline]
fn require_1d(a: &RawArray, name: &str, what: &str) -> Result<()> {
    if a.ndim == 1 {
        Ok(())
    } else {
        wrong_ndim(a, 1, name, what)
    }
}

#[cold]
#[inline(never)]
fn wrong_ndim(a: &RawArray, ndim: usize, name: &str, what: &str) -> Result<()> {
    fail(ErrorKind::ShapeMismatch, format!("{what}: `{name}` must be {ndim}-D, got shape {}", shape_str(a.shape())))
}

#[inline]
fn require_out_shape(what: &str, out: &RawArray, expected: &[usize], a: &RawArray, b: &RawArray) -> Result<()> {
    // Compared element by element: a slice `!=` is a `memcmp` call.
    if out.ndim == expected.len() && out.shape().iter().zip(expected).all(|(x, y)| x == y) {
        Ok(())
    } else {
        wrong_out_shape(what, out, expected, a, b)
    }
}

#[cold]
#[inline(never)]
fn wrong_out_shape(what: &str, out: &RawArray, expected: &[usize], a: &RawArray, b: &RawArray) -> Result<()> {
    fail(
        ErrorKind::ShapeMismatch,
        format!(
            "{what}: output has shape {} but the product of {} and {} has shape {}",
            shape_str(out.shape()),
            shape_str(a.shape()),
            shape_str(b.shape()),
            shape_str(expected)
        ),
    )
}

/// `c = alpha a b + beta c` for 2-D a (m x k), b (k x n), c (m x n) of
/// one float dtype and any strides. beta = 0 never reads c (it may hold
/// NaN). The fused layer (bias, activation) is [`linear_raw`].
///
/// # Safety
/// The arrays must describe valid memory (C callers' contract).
pub unsafe fn gemm_raw(exec: Exec, alpha: f64, a: &RawArray, b: &RawArray, beta: f64, c: &RawArray) -> Result<()> {
    let ops = [(a, "a"), (b, "b"), (c, "out")];
    let dtype = common_float(&ops, "gemm")?;
    for (x, name) in &ops {
        require_2d(x, name, "gemm")?;
    }
    let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1]);
    if b.shape[0] != k {
        return core_mismatch("gemm", a.shape(), b.shape(), k, b.shape[0]);
    }
    require_out_shape("gemm", c, &[m, n], a, b)?;
    run_product(exec, dtype, alpha, a, b, beta, c, None, Activation::None)
}

/// The safe API's short cut: runs `c = alpha a b + beta c` at once when
/// the three are 2-D with matching shapes and c has more than one row and
/// column, and says whether it did. Anything else, errors included, is
/// left to the checked path (`gemm_raw`, `matmul_raw`). The views' types
/// already give what `run_product` checks beyond that: one dtype, and c
/// apart from a and b (a mutable borrow cannot alias a shared one). c's
/// elements are still checked distinct (a view built `from_raw` might not
/// be; in 2-D that is a few compares). The skipped checks cost ~40 ns, 6%
/// of an n = 32 product.
///
/// # Safety
/// The descriptors of views: a and b valid for reads, c for writes and
/// apart from both.
#[inline]
unsafe fn typed_gemm<T: KernelFloat>(exec: Exec, alpha: T, a: &RawArray, b: &RawArray, beta: T, c: &RawArray) -> bool {
    if a.ndim != 2 || b.ndim != 2 || c.ndim != 2 {
        return false;
    }
    let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1]);
    if b.shape[0] != k || c.shape[0] != m || c.shape[1] != n || Route::of(m, n) != Route::Gemm || c.check_writable("out").is_err() {
        return false;
    }
    let mat = |x: &RawArray| Mat { ptr: x.data as *mut T, rs: x.strides[0], cs: x.strides[1] };
    gemm::gemm::<T>(kernels::gemm_kernel::<T>(exec.0.tier), exec.0.threads, (m, n, k), alpha, mat(a), mat(b), beta, mat(c), GemmEpilogue::NONE);
    true
}

/// `out = act(x @ w + bias)`, the linear layer: x of shape (..., k) (any
/// leading dimensions, or 1-D), w (k, n), bias (n,) or absent, out
/// (..., n). Leading dimensions of x fold into one GEMM when x and out
/// step through them as one stride; bias and activation are fused.
///
/// # Safety
/// The arrays must describe valid memory.
pub unsafe fn linear_raw(exec: Exec, x: &RawArray, w: &RawArray, bias: Option<&RawArray>, act: Activation, out: &RawArray) -> Result<()> {
    let ops = [(x, "x"), (w, "w"), (out, "out"), (bias.unwrap_or(x), "bias")];
    let dtype = common_float(&ops[..3 + bias.is_some() as usize], "linear")?;
    require_2d(w, "w", "linear")?;
    if x.ndim == 0 {
        return fail(ErrorKind::ShapeMismatch, "linear: x must have at least 1 dimension, got a 0-d array".to_string());
    }
    let (k, n) = (w.shape[0], w.shape[1]);
    let k_x = x.shape[x.ndim - 1];
    if k_x != k {
        return core_mismatch("linear", x.shape(), w.shape(), k_x, k);
    }
    let mut shape = [0usize; MAX_NDIM];
    shape[..x.ndim - 1].copy_from_slice(&x.shape()[..x.ndim - 1]);
    shape[x.ndim - 1] = n;
    require_out_shape("linear", out, &shape[..x.ndim], x, w)?;
    if let Some(bias) = bias {
        if bias.shape() != [n] {
            return fail(ErrorKind::ShapeMismatch, format!("linear: bias must have shape ({n},), got {}", shape_str(bias.shape())));
        }
    }
    run_product(exec, dtype, 1.0, x, w, 0.0, out, bias, act)
}

/// `out = a @ b` with NumPy's `matmul` semantics (see [`matmul_shape`]).
///
/// # Safety
/// The arrays must describe valid memory.
pub unsafe fn matmul_raw(exec: Exec, a: &RawArray, b: &RawArray, out: &RawArray) -> Result<()> {
    let dtype = common_float(&[(a, "a"), (b, "b"), (out, "out")], "matmul")?;
    let (shape, ndim) = matmul_shape_array(a.shape(), b.shape())?;
    require_out_shape("matmul", out, &shape[..ndim], a, b)?;
    run_product(exec, dtype, 1.0, a, b, 0.0, out, None, Activation::None)
}

/// `y = alpha a x + beta y` for 2-D a (m x n), 1-D x (n,) and y (m,).
///
/// # Safety
/// The arrays must describe valid memory.
pub unsafe fn gemv_raw(exec: Exec, alpha: f64, a: &RawArray, x: &RawArray, beta: f64, y: &RawArray) -> Result<()> {
    let dtype = common_float(&[(a, "a"), (x, "x"), (y, "y")], "gemv")?;
    require_2d(a, "a", "gemv")?;
    require_1d(x, "x", "gemv")?;
    require_1d(y, "y", "gemv")?;
    if x.shape[0] != a.shape[1] {
        return core_mismatch("gemv", a.shape(), x.shape(), a.shape[1], x.shape[0]);
    }
    require_out_shape("gemv", y, &[a.shape[0]], a, x)?;
    run_product(exec, dtype, alpha, a, x, beta, y, None, Activation::None)
}

/// `sum a[i] b[i]` for checked 1-D a and b of one length, in f64 (f32
/// products are exact there), and the dtype to round it to.
///
/// # Safety
/// The arrays must describe valid memory.
unsafe fn dot_value(exec: Exec, a: &RawArray, b: &RawArray, out: Option<&RawArray>) -> Result<(DType, f64)> {
    // An array, not a Vec: no allocation per call.
    let ops = [(a, "a"), (b, "b"), (out.unwrap_or(a), "out")];
    let dtype = common_float(&ops[..2 + out.is_some() as usize], "dot")?;
    require_1d(a, "a", "dot")?;
    require_1d(b, "b", "dot")?;
    if a.shape[0] != b.shape[0] {
        return fail(
            ErrorKind::ShapeMismatch,
            format!("dot: shapes {} and {} not aligned: {} (dim 0) != {} (dim 0)", shape_str(a.shape()), shape_str(b.shape()), a.shape[0], b.shape[0]),
        );
    }
    if let Some(out) = out.filter(|o| o.ndim != 0) {
        return fail(ErrorKind::ShapeMismatch, format!("dot: output must be 0-d (a scalar), got shape {}", shape_str(out.shape())));
    }
    // Straight to the kernel, no batch or routing machinery: a dot of 1e3
    // elements takes a fraction of a microsecond.
    let n = a.shape[0];
    let threads = exec.threads_for(n);
    macro_rules! run {
        ($T:ty) => {
            vecmat::dot(kernels::vec_kernels::<$T>(exec.0.tier), threads, n, a.data as *const $T, a.strides[0], b.data as *const $T, b.strides[0])
        };
    }
    Ok((dtype, if dtype == DType::F32 { run!(f32) } else { run!(f64) }))
}

/// `out = sum a[i] b[i]` for 1-D a and b of one length; `out` is 0-d. f32
/// products are summed in f64.
///
/// # Safety
/// The arrays must describe valid memory.
pub unsafe fn dot_raw(exec: Exec, a: &RawArray, b: &RawArray, out: &RawArray) -> Result<()> {
    // Written after every input element was read: overlap cannot matter.
    match dot_value(exec, a, b, Some(out))? {
        (DType::F32, s) => *(out.data as *mut f32) = s as f32,
        (_, s) => *(out.data as *mut f64) = s,
    }
    Ok(())
}

/// `y = alpha x + y` (BLAS's AXPY) for 1-D x and y of one length, any
/// strides; each element rounded once (a fused multiply-add). alpha = 0
/// leaves y as it is and reads nothing of x, as BLAS.
///
/// # Safety
/// The arrays must describe valid memory.
pub unsafe fn axpy_raw(exec: Exec, alpha: f64, x: &RawArray, y: &RawArray) -> Result<()> {
    let dtype = common_float(&[(x, "x"), (y, "y")], "axpy")?;
    require_1d(x, "x", "axpy")?;
    require_1d(y, "y", "axpy")?;
    if x.shape[0] != y.shape[0] {
        return fail(
            ErrorKind::ShapeMismatch,
            format!("axpy: operands could not be broadcast together with shapes {} {}", shape_str(x.shape()), shape_str(y.shape())),
        );
    }
    y.check_writable("y")?;
    if alpha == 0.0 {
        // BLAS's quick return: y stays, x is not read (not even for inf/NaN).
        return Ok(());
    }
    let mut temps = Vec::new();
    let x = if overlap::needs_copy(y, x) { contiguous_copy(exec, x, &mut temps)? } else { *x };
    let n = x.shape[0];
    let threads = exec.threads_for(n);
    macro_rules! run {
        ($T:ty) => {
            vecmat::axpy(kernels::vec_kernels::<$T>(exec.0.tier), threads, n, alpha as $T, x.data as *const $T, x.strides[0], y.data as *mut $T, y.strides[0])
        };
    }
    match dtype {
        DType::F32 => run!(f32),
        _ => run!(f64),
    }
    Ok(())
}

impl Exec {
    /// `y = alpha x + y` (BLAS's AXPY) on 1-D views of one length.
    pub fn axpy<T: KernelFloat>(&self, alpha: T, x: &ArrayView<T>, y: &mut ArrayViewMut<T>) -> Result<()> {
        // SAFETY: as `gemm`.
        unsafe { axpy_raw(*self, alpha.to_f64(), x.raw(), y.raw()) }
    }
    /// `c = alpha a b + beta c` (BLAS's GEMM on 2-D views of any strides:
    /// a transpose is just a view). beta = 0 never reads c.
    pub fn gemm<T: KernelFloat>(&self, alpha: T, a: &ArrayView<T>, b: &ArrayView<T>, beta: T, c: &mut ArrayViewMut<T>) -> Result<()> {
        // SAFETY: views borrow valid slices; `c` is exclusively borrowed.
        unsafe {
            if typed_gemm(*self, alpha, a.raw(), b.raw(), beta, c.raw()) {
                return Ok(());
            }
            gemm_raw(*self, alpha.to_f64(), a.raw(), b.raw(), beta.to_f64(), c.raw())
        }
    }
    /// `out = act(x @ w + bias)`: the linear layer, with the bias and the
    /// activation applied as each tile of the product is written. x is
    /// (..., k) with any leading dimensions (a (batch, tokens, k) array
    /// runs as one GEMM when its rows step evenly), w (k, n), out (..., n).
    pub fn linear<T: KernelFloat>(
        &self,
        x: &ArrayView<T>,
        w: &ArrayView<T>,
        bias: Option<&ArrayView<T>>,
        act: Activation,
        out: &mut ArrayViewMut<T>,
    ) -> Result<()> {
        // SAFETY: as `gemm`.
        unsafe { linear_raw(*self, x.raw(), w.raw(), bias.map(|b| b.raw()), act, out.raw()) }
    }
    /// `out = a @ b` with NumPy's `matmul` semantics on views of any
    /// strides; `out` must have the shape [`matmul_shape`] gives.
    pub fn matmul<T: KernelFloat>(&self, a: &ArrayView<T>, b: &ArrayView<T>, out: &mut ArrayViewMut<T>) -> Result<()> {
        // SAFETY: as `gemm`.
        unsafe {
            if typed_gemm(*self, T::from_f64(1.0), a.raw(), b.raw(), T::from_f64(0.0), out.raw()) {
                return Ok(());
            }
            matmul_raw(*self, a.raw(), b.raw(), out.raw())
        }
    }
    /// `y = alpha a x + beta y` (BLAS's GEMV): a 2-D, x and y 1-D, any strides.
    pub fn gemv<T: KernelFloat>(&self, alpha: T, a: &ArrayView<T>, x: &ArrayView<T>, beta: T, y: &mut ArrayViewMut<T>) -> Result<()> {
        // SAFETY: as `gemm`.
        unsafe { gemv_raw(*self, alpha.to_f64(), a.raw(), x.raw(), beta.to_f64(), y.raw()) }
    }
    /// The dot product of two 1-D views of one length (any strides); f32
    /// products are summed in f64, pairwise over runs.
    pub fn dot<T: KernelFloat>(&self, a: &ArrayView<T>, b: &ArrayView<T>) -> Result<T> {
        // SAFETY: views borrow valid slices.
        unsafe { dot_value(*self, a.raw(), b.raw(), None) }.map(|(_, s)| T::from_f64(s))
    }
}
