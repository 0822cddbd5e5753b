//! Reductions over axes (the safe API and the raw entry point): each
//! [`Reduction`] is one or two folds of `framework::reduce` over the tier's
//! block kernels (`kernels::reduce`), so its result is a function of the
//! input's shape and values alone: bitwise the same for any thread count,
//! tier and layout.

use super::exec::contiguous_copy;
use super::Exec;
use crate::dtype::{DType, Element, Real};
use crate::error::{fail, named, ErrorKind, Result};
use crate::framework::array::{ArrayView, ArrayViewMut, RawArray};
use crate::framework::overlap;
use crate::framework::reduce::{normalize_axes, put, scratch, Fold, Plan};
use crate::kernels::reduce::{OUTER_WIDTH, SUM_BLOCK};
use crate::framework::threads::Shared;
use crate::kernels::{self, ExtremeFn, ExtremeKernel, KernelFloat, ReduceKernels, SumKernel};

/// What a reduction computes over each output's reduced elements.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Reduction {
    /// The sum (0 over nothing). Any dtype in; f32, f64, or for integer
    /// inputs i64 (wrapping, as NumPy) out.
    Sum,
    /// The product (1 over nothing).
    Prod,
    /// The sum divided by the count (NaN over nothing). Any dtype in.
    Mean,
    /// The mean squared deviation from the mean, divided by `count - ddof`.
    Var { ddof: f64 },
    /// The square root of `Var`.
    Std { ddof: f64 },
    Min,
    Max,
    /// max - min.
    Ptp,
    /// The sum of the non-NaN elements.
    NanSum,
    /// The mean of the non-NaN elements (NaN where there are none).
    NanMean,
    /// The smallest non-NaN element (NaN where there are none).
    NanMin,
    /// The largest non-NaN element (NaN where there are none).
    NanMax,
    /// The sum of magnitudes.
    NormL1,
    /// sqrt of the sum of squares, scaled against overflow and underflow.
    NormL2,
    /// The largest magnitude.
    NormMax,
    /// log(sum(exp(x))), shifted by the maximum.
    LogSumExp,
    /// The index (i64, C order over the reduced axes) of the first smallest
    /// element, or of the first NaN.
    ArgMin,
    /// As `ArgMin`, of the first largest.
    ArgMax,
    /// Whether any element is non-zero (u8 out). Any dtype in.
    Any,
    /// Whether every element is non-zero (u8 out). Any dtype in.
    All,
    /// How many elements are non-zero (i64 out). Any dtype in.
    CountNonzero,
}

impl Reduction {
    pub fn name(self) -> &'static str {
        use Reduction::*;
        match self {
            Sum => "sum",
            Prod => "prod",
            Mean => "mean",
            Var { .. } => "var",
            Std { .. } => "std",
            Min => "min",
            Max => "max",
            Ptp => "ptp",
            NanSum => "nansum",
            NanMean => "nanmean",
            NanMin => "nanmin",
            NanMax => "nanmax",
            NormL1 => "norm_l1",
            NormL2 => "norm_l2",
            NormMax => "norm_max",
            LogSumExp => "logsumexp",
            ArgMin => "argmin",
            ArgMax => "argmax",
            Any => "any",
            All => "all",
            CountNonzero => "count_nonzero",
        }
    }

    /// NumPy's error for this reduction over no elements, if it has no
    /// value there.
    fn empty_error(self) -> Option<String> {
        use Reduction::*;
        let ufunc = match self {
            Min | NanMin => "minimum",
            Max | Ptp | NormMax | NanMax => "maximum",
            ArgMin | ArgMax => return Some(format!("attempt to get {} of an empty sequence", self.name())),
            _ => return None,
        };
        Some(format!("zero-size array to reduction operation {ufunc} which has no identity"))
    }

    /// The value over no elements.
    fn empty_value(self) -> f64 {
        use Reduction::*;
        match self {
            Prod | All => 1.0,
            Mean | Var { .. } | Std { .. } | NanMean => f64::NAN,
            LogSumExp => f64::NEG_INFINITY,
            _ => 0.0,
        }
    }

    fn accepts_integers(self) -> bool {
        matches!(self, Reduction::Sum | Reduction::Mean | Reduction::Any | Reduction::All | Reduction::CountNonzero)
    }

    /// The output dtypes this reduction writes, given x's.
    fn out_dtypes(self, x: DType) -> &'static [DType] {
        use Reduction::*;
        match self {
            ArgMin | ArgMax | CountNonzero => &[DType::I64],
            Any | All => &[DType::U8],
            Sum if !x.is_float() => &[DType::F32, DType::F64, DType::I64],
            _ => &[DType::F32, DType::F64],
        }
    }
}

fn dtype_list(ds: &[DType]) -> String {
    let names: Vec<_> = ds.iter().map(|d| d.name()).collect();
    match names.as_slice() {
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
        [] => String::new(),
    }
}

/// Checks that the arguments are float32 or float64 of the first one's
/// dtype, which it returns.
pub(crate) fn float_args(what: &str, args: &[(&RawArray, &str)]) -> Result<DType> {
    let dtype = args[0].0.dtype;
    for (a, name) in args {
        if !a.dtype.is_float() || a.dtype != dtype {
            return fail(ErrorKind::Dtype, format!("{what}: argument `{name}` must be {} like `{}`, got {}", if dtype.is_float() { dtype.name() } else { "float32 or float64" }, args[0].1, a.dtype.name()));
        }
    }
    Ok(dtype)
}

/// `out = op(x)` over `axes` (None: all axes). `out` has the reduced shape
/// with the reduced axes kept as extent 1 or dropped; any strides.
///
/// # Safety
/// The arrays must describe valid memory (C callers' contract).
pub unsafe fn reduce_raw(exec: Exec, op: Reduction, x: &RawArray, axes: Option<&[i64]>, out: &RawArray) -> Result<()> {
    let what = op.name();
    if !x.dtype.is_float() && !op.accepts_integers() {
        return fail(ErrorKind::Dtype, format!("{what}: argument `x` must be float32 or float64, got {}", x.dtype.name()));
    }
    let outs = op.out_dtypes(x.dtype);
    if !outs.contains(&out.dtype) {
        return fail(ErrorKind::Dtype, format!("{what}: argument `out` must be {}, got {}", dtype_list(outs), out.dtype.name()));
    }
    let reduced = named(what, normalize_axes(x.ndim, axes))?;
    let plan = Plan::new(what, x, &reduced, out)?;
    out.check_writable("out")?;
    if plan.count == 0 && plan.outputs > 0 {
        if let Some(msg) = op.empty_error() {
            return fail(ErrorKind::InvalidArgument, format!("{what}: {msg}"));
        }
    }
    // Outputs are written while later ones still read x: x first copied
    // where the two overlap.
    let mut temps = Vec::new();
    let x = if overlap::needs_copy(out, x) || (overlap::may_overlap(out, x) && plan.outputs > 1) { contiguous_copy(exec, x, &mut temps)? } else { *x };
    let plan = if temps.is_empty() { plan } else { Plan::new(what, &x, &reduced, out)? };
    let threads = exec.threads_for(plan.outputs.saturating_mul(plan.count));
    let run = Run { plan: &plan, threads, op, out: Shared(*out), tile: Some(kernels::cast_tile_fn(exec.0.tier, x.dtype, x.dtype)) };
    match x.dtype {
        DType::F32 => run.float::<f32>(kernels::reduce_kernels(exec.0.tier), x.data as *const f32),
        DType::F64 => run.float::<f64>(kernels::reduce_kernels(exec.0.tier), x.data as *const f64),
        DType::I32 => run.integer::<i32>(x.data as *const i32),
        DType::I64 => run.integer::<i64>(x.data as *const i64),
        DType::U8 => run.integer::<u8>(x.data as *const u8),
    }
}

/// One reduction's plan and output.
struct Run<'a> {
    plan: &'a Plan,
    threads: usize,
    op: Reduction,
    out: Shared<RawArray>,
    tile: Option<kernels::CastTileFn>,
}

impl Run<'_> {
    /// Folds `f` and writes `finish(o, acc)` (the empty value where there is nothing).
    unsafe fn write<T: Copy + Default + Send + Sync, F: Fold<T>>(&self, x: *const T, f: &F, finish: impl Fn(usize, F::Acc) -> f64 + Sync) -> Result<()> {
        let empty = self.op.empty_value();
        self.plan.fold(self.threads, x, std::ptr::null(), self.tile, f, |o, off, acc| put(&self.out.get(), off, acc.map_or(empty, |a| finish(o, a))));
        Ok(())
    }

    /// Folds `f` into a per-output vector (a first pass).
    unsafe fn pass<T: Copy + Default + Send + Sync, F: Fold<T>, A: Copy + Send + Sync>(&self, x: *const T, f: &F, empty: A, finish: impl Fn(F::Acc) -> A + Sync) -> Result<Vec<A>> {
        let mut v = scratch(self.plan.outputs, empty)?;
        let dst = Shared(v.as_mut_ptr());
        self.plan.fold(self.threads, x, std::ptr::null(), self.tile, f, |o, _, acc| {
            if let Some(a) = acc {
                *dst.get().add(o) = finish(a);
            }
        });
        Ok(v)
    }

    unsafe fn float<T: KernelFloat + Default>(&self, k: ReduceKernels<T>, x: *const T) -> Result<()> {
        use Reduction::*;
        let n = self.plan.count as f64;
        let sum = |f| SumFold { f, a: &[], a0: 0.0 };
        match self.op {
            Sum => self.write(x, &sum(k.sum), |_, s| s),
            Mean => self.write(x, &sum(k.sum), |_, s| s / n),
            NanSum => self.write(x, &sum(k.nan_sum), |_, s| s),
            NanMean => self.write(x, &(sum(k.nan_sum), sum(k.count_not_nan)), |_, (s, c)| s / c),
            NormL1 => self.write(x, &sum(k.sum_abs), |_, s| s),
            Any => self.write(x, &sum(k.count_nonzero), |_, c| (c > 0.0) as u8 as f64),
            All => self.write(x, &sum(k.count_nonzero), |_, c| (c == n) as u8 as f64),
            CountNonzero => self.write(x, &sum(k.count_nonzero), |_, c| c),
            Prod => self.write(x, &ProdFold, |_, p| p),
            Var { ddof } | Std { ddof } => {
                // One pass over memory: each block's mean and squared
                // deviations from it (two passes over the block in L1),
                // joined by Chan's formula.
                let root = matches!(self.op, Std { .. });
                self.write(x, &VarFold { sum: k.sum, dev2: k.sum_deviation2 }, |_, (_, _, m2)| {
                    let var = m2 / (n - ddof).max(0.0);
                    if root { var.sqrt() } else { var }
                })
            }
            Max | Min | NanMax | NanMin | NormMax | ArgMax | ArgMin => {
                let (f, max, skip) = match self.op {
                    Max => (k.max, true, false),
                    Min => (k.min, false, false),
                    ArgMax => (k.argmax, true, false),
                    ArgMin => (k.argmin, false, false),
                    NanMax => (k.nan_max, true, true),
                    NanMin => (k.nan_min, false, true),
                    _ => (k.max_abs, true, false),
                };
                let arg = matches!(self.op, ArgMax | ArgMin);
                self.write(x, &ExtremeFold { f, max, skip }, |_, (v, i)| if arg { i as f64 } else { v.to_f64() })
            }
            Ptp => self.write(x, &(ExtremeFold { f: k.max, max: true, skip: false }, ExtremeFold { f: k.min, max: false, skip: false }), |_, ((hi, _), (lo, _))| {
                (hi - lo).to_f64()
            }),
            NormL2 => {
                if T::DTYPE == DType::F32 {
                    // f32 squares cannot overflow or underflow in f64.
                    return self.write(x, &SumFold { f: k.sum_square, a: &[], a0: 1.0 }, |_, s| s.sqrt());
                }
                // Scale each output by a power of two that brings its
                // largest magnitude m to [0.5, 1), exactly; where m is 0,
                // inf or NaN the norm is m.
                let maxes = self.pass(x, &ExtremeFold { f: k.max_abs, max: true, skip: false }, 0.0, |(m, _)| m.to_f64())?;
                let mut scales = scratch(maxes.len(), 0.0)?;
                scales.iter_mut().zip(&maxes).for_each(|(s, &m)| *s = norm_scale(m));
                self.write(x, &SumFold { f: k.sum_square, a: &scales, a0: 0.0 }, |o, s| if scales[o] == 0.0 { maxes[o] } else { s.sqrt() / scales[o] })
            }
            LogSumExp => self.write(x, &LseFold { max: k.max.block, exp_sum: k.exp_sum }, |_, (m, s)| if m.is_finite() { m + s.ln() } else { m }),
        }
    }

    unsafe fn integer<T: IntElement>(&self, x: *const T) -> Result<()> {
        let n = self.plan.count as f64;
        let exact_i64 = self.out.get().dtype == DType::I64;
        match self.op {
            Reduction::Sum if exact_i64 => {
                // Wrapping, as NumPy's int64 sum; the value stored as is.
                let out = self.out;
                self.plan.fold(self.threads, x, std::ptr::null(), None, &IntSum, |_, off, acc| *(out.get().data as *mut i64).offset(off) = acc.unwrap_or(0) as i64);
                Ok(())
            }
            Reduction::Sum => self.write(x, &IntSum, |_, s| s as f64),
            Reduction::Mean => self.write(x, &IntSum, |_, s| s as f64 / n),
            Reduction::Any => self.write(x, &IntNonzero, |_, c| (c > 0) as u8 as f64),
            Reduction::All => self.write(x, &IntNonzero, |_, c| (c as f64 == n) as u8 as f64),
            Reduction::CountNonzero => self.write(x, &IntNonzero, |_, c| c as f64),
            _ => unreachable!("checked by accepts_integers"),
        }
    }
}

/// A power of two 2^-e with `m` 2^-e in [0.5, 1): the scale of an L2
/// norm whose largest magnitude is `m`; 0 where m is 0, inf or NaN.
fn norm_scale(m: f64) -> f64 {
    if m == 0.0 || !m.is_finite() {
        return 0.0;
    }
    // (Subnormal maxima are scaled by 2^1000 only: their squares are
    // then far from underflow, and 2^1075 would overflow.)
    let e = (m.log2().floor() as i32 + 1).max(-1000);
    // 2^-e in two steps, so that e = 1024 stays representable.
    2f64.powi(-e / 2) * 2f64.powi(-e + e / 2)
}

/// A sum of a block kernel's map with a per-output parameter (`a[o]`, or
/// `a0` for all when `a` is empty).
struct SumFold<'a, T> {
    f: SumKernel<T>,
    a: &'a [f64],
    a0: f64,
}
impl<T: Send + Sync> Fold<T> for SumFold<'_, T> {
    type Acc = f64;
    const OUTER: bool = true;
    fn block(&self, o: usize, _start: usize, xs: &[T], _ys: &[T]) -> f64 {
        // SAFETY: the slice is valid for its length (<= SUM_BLOCK).
        unsafe { (self.f.block)(xs.len(), xs.as_ptr(), self.a.get(o).copied().unwrap_or(self.a0)) }
    }
    unsafe fn outer(&self, o0: usize, _start: usize, rows: usize, x: *const T, s: isize, vals: &mut [f64]) {
        for (k, run) in vals.chunks_mut(OUTER_WIDTH).enumerate() {
            let c = k * OUTER_WIDTH;
            let a = if self.a.is_empty() { std::ptr::null() } else { self.a.as_ptr().add(o0 + c) };
            (self.f.outer)(rows, x.add(c), s, run.len(), a, self.a0, run.as_mut_ptr());
        }
    }
    fn join(&self, a: f64, b: f64) -> f64 {
        a + b
    }
}

/// (count, mean, sum of squared deviations from the mean) of a block: its
/// sum, then the deviations from its mean (the block is in L1 by then);
/// two runs joined by Chan et al.'s pairwise update, so the variance never
/// forms E[x^2] - E[x]^2.
struct VarFold<T> {
    sum: SumKernel<T>,
    dev2: SumKernel<T>,
}
impl<T: Send + Sync> Fold<T> for VarFold<T> {
    type Acc = (f64, f64, f64);
    const OUTER: bool = true;
    fn block(&self, _o: usize, _start: usize, xs: &[T], _ys: &[T]) -> (f64, f64, f64) {
        let n = xs.len() as f64;
        // SAFETY: the slice is valid for its length (<= SUM_BLOCK).
        let mean = unsafe { (self.sum.block)(xs.len(), xs.as_ptr(), 0.0) } / n;
        (n, mean, unsafe { (self.dev2.block)(xs.len(), xs.as_ptr(), mean) })
    }
    unsafe fn outer(&self, _o0: usize, _start: usize, rows: usize, x: *const T, s: isize, vals: &mut [(f64, f64, f64)]) {
        let n = rows as f64;
        // Columns few enough that the block is still in L2 for the second pass.
        let tile = (256 << 10) / (SUM_BLOCK * std::mem::size_of::<T>());
        let (mut mean, mut m2) = ([0.0f64; OUTER_WIDTH], [0.0f64; OUTER_WIDTH]);
        for (c, vals) in vals.chunks_mut(tile).enumerate() {
            let (x, w) = (x.add(c * tile), vals.len());
            (self.sum.outer)(rows, x, s, w, std::ptr::null(), 0.0, mean.as_mut_ptr());
            mean[..w].iter_mut().for_each(|m| *m /= n);
            (self.dev2.outer)(rows, x, s, w, mean.as_ptr(), 0.0, m2.as_mut_ptr());
            for (k, v) in vals.iter_mut().enumerate() {
                *v = (n, mean[k], m2[k]);
            }
        }
    }
    fn join(&self, (na, ma, qa): (f64, f64, f64), (nb, mb, qb): (f64, f64, f64)) -> (f64, f64, f64) {
        let n = na + nb;
        let d = mb - ma;
        (n, ma + d * (nb / n), qa + qb + d * d * (na * nb / n))
    }
}

/// (max, sum of exp(x - max)) of a block, joined by rescaling the smaller
/// side's sum: logsumexp in one pass over memory. A NaN wins; an infinite
/// max leaves the sum 0.
struct LseFold<T> {
    max: ExtremeFn<T>,
    exp_sum: unsafe fn(usize, *const T, T) -> f64,
}
impl<T: Real + Send + Sync> Fold<T> for LseFold<T> {
    type Acc = (f64, f64);
    fn block(&self, _o: usize, _start: usize, xs: &[T], _ys: &[T]) -> (f64, f64) {
        // SAFETY: as VarFold; blocks are never empty.
        let (m, _) = unsafe { (self.max)(xs.len(), xs.as_ptr()) };
        if !m.to_f64().is_finite() {
            return (m.to_f64(), 0.0);
        }
        (m.to_f64(), unsafe { (self.exp_sum)(xs.len(), xs.as_ptr(), m) })
    }
    fn join(&self, (ma, sa): (f64, f64), (mb, sb): (f64, f64)) -> (f64, f64) {
        if ma.is_nan() || mb.is_nan() {
            return (f64::NAN, 0.0);
        }
        let m = ma.max(mb);
        if !m.is_finite() {
            return (m, 0.0);
        }
        (m, sa * (ma - m).exp() + sb * (mb - m).exp())
    }
}

/// `term(i)` of `i < n` folded by `op` into slot i mod 16 (each from
/// `init`), in order: the scalar folds' fixed order, sixteen elements at
/// a time so that the compiler vectorizes it.
pub(crate) fn by_slot(n: usize, init: f64, term: impl Fn(usize) -> f64, op: impl Fn(f64, f64) -> f64) -> [f64; 16] {
    let mut slots = [init; 16];
    for c in 0..n / 16 {
        for (k, s) in slots.iter_mut().enumerate() {
            *s = op(*s, term(c * 16 + k));
        }
    }
    for (k, s) in slots.iter_mut().enumerate().take(n % 16) {
        *s = op(*s, term(n / 16 * 16 + k));
    }
    slots
}

/// The product in f64: element i of a block multiplied into slot i mod
/// 16, the slots multiplied as a halving tree (scalar code, so the same on
/// every tier).
struct ProdFold;
impl<T: Real + Send + Sync> Fold<T> for ProdFold {
    type Acc = f64;
    fn block(&self, _o: usize, _start: usize, xs: &[T], _ys: &[T]) -> f64 {
        let mut slots = by_slot(xs.len(), 1.0, |i| xs[i].to_f64(), |a, b| a * b);
        crate::kernels::halving_tree(&mut slots, 16, |a, b| a * b)
    }
    fn join(&self, a: f64, b: f64) -> f64 {
        a * b
    }
}

/// The first extreme element: (value, index among the reduced elements;
/// usize::MAX for none, as a block of nothing but NaN under `skip`).
struct ExtremeFold<T> {
    f: ExtremeKernel<T>,
    max: bool,
    skip: bool,
}
impl<T: Real + Default> ExtremeFold<T> {
    /// [`Fold::outer`] with `state` (two T per column) for the kernel's
    /// best values and rows, `state.len() / 2` columns per call.
    unsafe fn sweep(&self, start: usize, rows: usize, x: *const T, s: isize, vals: &mut [(T, usize)], state: &mut [T]) {
        let run = state.len() / 2;
        let (best, at) = state.split_at_mut(run);
        for (k, vals) in vals.chunks_mut(run).enumerate() {
            (self.f.outer)(rows, x.add(k * run), s, vals.len(), best.as_mut_ptr(), at.as_mut_ptr());
            for (j, v) in vals.iter_mut().enumerate() {
                let none = self.skip && best[j] != best[j];
                // (at[j] is 0 where the kernel keeps no index: max and min.)
                *v = (best[j], if none { usize::MAX } else { start + at[j].to_f64() as usize });
            }
        }
    }
}

impl<T: Real + Send + Sync + Default> Fold<T> for ExtremeFold<T> {
    type Acc = (T, usize);
    const ANY_ORDER: bool = true;
    const OUTER: bool = true;
    fn block(&self, _o: usize, start: usize, xs: &[T], _ys: &[T]) -> (T, usize) {
        // SAFETY: as SumFold; blocks are never empty.
        let (v, i) = unsafe { (self.f.block)(xs.len(), xs.as_ptr()) };
        (v, if i == usize::MAX { i } else { start + i })
    }
    unsafe fn outer(&self, _o0: usize, start: usize, rows: usize, x: *const T, s: isize, vals: &mut [(T, usize)]) {
        // The kernel sweeps whole rows of all the columns (its state on the
        // heap); without the memory, OUTER_WIDTH columns at a time.
        let mut heap = Vec::new();
        if heap.try_reserve_exact(2 * vals.len()).is_ok() {
            heap.resize(2 * vals.len(), T::default());
            return self.sweep(start, rows, x, s, vals, &mut heap);
        }
        self.sweep(start, rows, x, s, vals, &mut [T::default(); 2 * OUTER_WIDTH]);
    }
    fn join(&self, a: (T, usize), b: (T, usize)) -> (T, usize) {
        let nan = |v: T| v != v;
        let later_wins = if a.1 == usize::MAX {
            true
        } else if b.1 == usize::MAX || (!self.skip && nan(a.0)) {
            false
        } else if !self.skip && nan(b.0) {
            true
        } else if self.max {
            b.0 > a.0
        } else {
            b.0 < a.0
        };
        if later_wins { b } else { a }
    }
}

/// Two folds over the same elements at once.
impl<T, A: Fold<T>, B: Fold<T>> Fold<T> for (A, B) {
    type Acc = (A::Acc, B::Acc);
    const ANY_ORDER: bool = A::ANY_ORDER && B::ANY_ORDER;
    const OUTER: bool = A::OUTER && B::OUTER;
    unsafe fn outer(&self, o0: usize, start: usize, rows: usize, x: *const T, s: isize, vals: &mut [Self::Acc]) {
        let (mut a, mut b) = ([A::Acc::default(); OUTER_WIDTH], [B::Acc::default(); OUTER_WIDTH]);
        for (k, vals) in vals.chunks_mut(OUTER_WIDTH).enumerate() {
            let (c, w) = (k * OUTER_WIDTH, vals.len());
            self.0.outer(o0 + c, start, rows, x.add(c), s, &mut a[..w]);
            self.1.outer(o0 + c, start, rows, x.add(c), s, &mut b[..w]);
            for (k, v) in vals.iter_mut().enumerate() {
                *v = (a[k], b[k]);
            }
        }
    }
    fn block(&self, o: usize, start: usize, xs: &[T], ys: &[T]) -> Self::Acc {
        (self.0.block(o, start, xs, ys), self.1.block(o, start, xs, ys))
    }
    fn join(&self, a: Self::Acc, b: Self::Acc) -> Self::Acc {
        (self.0.join(a.0, b.0), self.1.join(a.1, b.1))
    }
}

/// u8, i32 and i64: reduced exactly in i128.
pub trait IntElement: Element + Default + Into<i128> {}
impl IntElement for u8 {}
impl IntElement for i32 {}
impl IntElement for i64 {}

/// The exact sum of integers.
struct IntSum;
impl<T: IntElement> Fold<T> for IntSum {
    type Acc = i128;
    const ANY_ORDER: bool = true;
    fn block(&self, _o: usize, _start: usize, xs: &[T], _ys: &[T]) -> i128 {
        xs.iter().map(|&v| v.into()).sum()
    }
    fn join(&self, a: i128, b: i128) -> i128 {
        a + b
    }
}

/// The count of non-zero integers.
struct IntNonzero;
impl<T: IntElement> Fold<T> for IntNonzero {
    type Acc = u64;
    const ANY_ORDER: bool = true;
    fn block(&self, _o: usize, _start: usize, xs: &[T], _ys: &[T]) -> u64 {
        xs.iter().filter(|&&v| v != T::default()).count() as u64
    }
    fn join(&self, a: u64, b: u64) -> u64 {
        a + b
    }
}

impl Exec {
    /// `out = op(x)` over `axes` (None: all); `out` has the kept or
    /// dropped shape and the dtype the reduction writes (see [`Reduction`]).
    pub fn reduce<T: Element, O: Element>(&self, op: Reduction, x: &ArrayView<T>, axes: Option<&[i64]>, out: &mut ArrayViewMut<O>) -> Result<()> {
        // SAFETY: views describe valid memory; `out` is borrowed mutably.
        unsafe { reduce_raw(*self, op, x.raw(), axes, out.raw()) }
    }
    /// The sum over `axes` (None: all); f32 inputs are summed in f64.
    pub fn sum<T: Element, O: Element>(&self, x: &ArrayView<T>, axes: Option<&[i64]>, out: &mut ArrayViewMut<O>) -> Result<()> {
        self.reduce(Reduction::Sum, x, axes, out)
    }
    /// The mean over `axes` (None: all); NaN where there is nothing to average.
    pub fn mean<T: Element, O: Element>(&self, x: &ArrayView<T>, axes: Option<&[i64]>, out: &mut ArrayViewMut<O>) -> Result<()> {
        self.reduce(Reduction::Mean, x, axes, out)
    }
}
