//! The GEMM microkernel, written once over the SIMD trait (BLIS's contract).
//!
//! It multiplies one packed micro-panel of A (`MR = MV * LANES` rows, stored
//! k-major: `a[p * MR + i]`) by one packed micro-panel of B (`NR` columns,
//! `b[p * NR + j]`), keeping the `MR x NR` tile of sums in registers, and
//! writes it back to the `m x n` (m <= MR, n <= NR) corner of C:
//! `C = alpha * A B + beta * C` (beta = 0: C is not read), then, when asked,
//! adds a bias and applies an activation (the fused linear layer's epilogue).
//! Packing, blocking, edges and threads are the framework's
//! (`framework::gemm`); the microkernel never sees a matrix.

use super::ops::{unary_maps, KernelReal, UnaryMap};
use crate::simd::{Simd, SimdFloat};

/// The activation a fused epilogue applies after the bias.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Activation {
    None = 0,
    Relu = 1,
    Gelu = 2,
    GeluTanh = 3,
    Sigmoid = 4,
    Tanh = 5,
    Silu = 6,
}

impl Activation {
    pub const ALL: [Activation; 7] =
        [Activation::None, Activation::Relu, Activation::Gelu, Activation::GeluTanh, Activation::Sigmoid, Activation::Tanh, Activation::Silu];
    pub fn code(self) -> i32 {
        self as i32
    }
    pub fn from_code(code: i32) -> Option<Activation> {
        Self::ALL.into_iter().find(|a| a.code() == code)
    }
    pub fn name(self) -> &'static str {
        match self {
            Activation::None => "none",
            Activation::Relu => "relu",
            Activation::Gelu => "gelu",
            Activation::GeluTanh => "gelu_tanh",
            Activation::Sigmoid => "sigmoid",
            Activation::Tanh => "tanh",
            Activation::Silu => "silu",
        }
    }
    /// The elementwise op that computes the same activation (none for None).
    pub fn unary_op(self) -> Option<super::UnaryOp> {
        use super::UnaryOp as U;
        match self {
            Activation::None => None,
            Activation::Relu => Some(U::Relu),
            Activation::Gelu => Some(U::Gelu),
            Activation::GeluTanh => Some(U::GeluTanh),
            Activation::Sigmoid => Some(U::Sigmoid),
            Activation::Tanh => Some(U::Tanh),
            Activation::Silu => Some(U::Silu),
        }
    }
}

/// What happens to a finished tile after `alpha * AB + beta * C`: nothing
/// (K blocks before the last), or bias + activation (the last K block).
#[derive(Clone, Copy, Debug)]
pub struct Epilogue<T> {
    /// Bias for the tile's first row (`along_rows`: one value per row of C,
    /// step `bias_stride`) or first column; null for none.
    pub bias: *const T,
    pub bias_stride: isize,
    pub along_rows: bool,
    pub act: Activation,
}

impl<T> Epilogue<T> {
    pub const NONE: Epilogue<T> = Epilogue { bias: core::ptr::null(), bias_stride: 0, along_rows: false, act: Activation::None };
    pub fn is_none(&self) -> bool {
        self.bias.is_null() && self.act == Activation::None
    }
}

/// One microkernel call.
#[derive(Clone, Copy, Debug)]
pub struct MicroTile<T> {
    pub k: usize,
    /// A's panel: element (i, p) at `a + p * a_step + i` (packed: `a_step`
    /// = MR, rows past `m` zero; unpacked: A's own memory, only `m` rows).
    pub a: *const T,
    pub a_step: isize,
    /// B's panel: element (p, j) at `b + p * b_step + j * b_cs` (packed:
    /// NR and 1, columns past `n` zero; unpacked: B's own memory, or a
    /// zero-padded copy of a right edge: `columns_read(NR, n)` are read).
    pub b: *const T,
    pub b_step: isize,
    pub b_cs: isize,
    /// C's element (0, 0) of the tile and its strides (in elements).
    pub c: *mut T,
    pub rs_c: isize,
    pub cs_c: isize,
    pub m: usize,
    pub n: usize,
    pub alpha: T,
    pub beta: T,
    pub epilogue: Epilogue<T>,
}

pub type MicroFn<T> = unsafe fn(&MicroTile<T>);

/// Largest MR * NR of any tier (the general-stride write-back's buffer).
pub(crate) const MAX_TILE: usize = 32 * 12;

/// `MV` vectors of rows by `NR` columns. `PACKED`: A and B are packed
/// micro-panels; otherwise A is read in place (rows contiguous) and B at
/// its own strides (the small-problem path, where packing would cost more
/// than it saves).
///
/// # Safety
/// Packed: `a` holds `k` steps of `a_step` and `b` `k * NR` elements.
/// Unpacked: A's `m x k` elements and B's `k x c` elements at the tile's
/// strides are valid, `c = columns_read(NR, n)` (the framework copies a
/// right edge narrower than that into a zero-padded panel). Either way the `m x n` corner of C is valid for
/// reads (unless beta = 0) and writes.
#[inline(always)]
pub unsafe fn micro<S: Simd, T: KernelReal<S>, const MV: usize, const NR: usize, const PACKED: bool>(t: &MicroTile<T>) {
    // A bottom edge tile runs only the row vectors it has: rows past them
    // would be zero sums that are never stored (f64 on AVX-512: m = 32 is
    // a 24-row tile and an 8-row one, a third of the FMAs without this).
    match t.m.div_ceil(T::V::LANES) {
        1 if MV > 1 => narrow::<S, T, 1, NR, PACKED>(t),
        2 if MV > 2 => narrow::<S, T, 2, NR, PACKED>(t),
        _ => narrow::<S, T, MV, NR, PACKED>(t),
    }
}

/// How many columns of B the microkernel reads for a tile `n` wide: `n`
/// rounded up to a multiple of `COLUMN_STEP`, at most `nr`.
#[inline]
pub fn columns_read(nr: usize, n: usize) -> usize {
    n.next_multiple_of(COLUMN_STEP).min(nr)
}

/// The granularity of a right edge tile's width.
const COLUMN_STEP: usize = 4;

/// A right edge tile likewise runs only the columns it has, in steps of
/// `COLUMN_STEP` (an 8-wide edge of a 12-wide kernel: 8 columns, not 12).
#[inline(always)]
unsafe fn narrow<S: Simd, T: KernelReal<S>, const MV: usize, const NR: usize, const PACKED: bool>(t: &MicroTile<T>) {
    match columns_read(NR, t.n) {
        4 if NR > 4 => tile::<S, T, MV, 4, PACKED>(t),
        8 if NR > 8 => tile::<S, T, MV, 8, PACKED>(t),
        _ => tile::<S, T, MV, NR, PACKED>(t),
    }
}

#[inline(always)]
unsafe fn tile<S: Simd, T: KernelReal<S>, const MV: usize, const NR: usize, const PACKED: bool>(t: &MicroTile<T>) {
    let l = T::V::LANES;
    let mr = MV * l;
    // C's tile is touched only after the K loop: start fetching it now
    // (one line per 64 bytes of each column), so the write-back does not
    // wait on misses.
    for j in 0..t.n {
        let col = t.c.wrapping_offset(j as isize * t.cs_c);
        for v in 0..MV {
            S::prefetch(col.wrapping_offset((v * l) as isize * t.rs_c));
        }
    }
    if t.rs_c == 1 && t.m == mr && t.n == NR && t.epilogue.is_none() {
        // Its own copy of the K loop: sharing one with the paths below made
        // the compiler keep the sums in memory for all of them.
        let acc = accumulate::<S, T, MV, NR, PACKED>(t);
        write_back_full::<S, T, MV, NR>(&acc, t);
        return;
    }
    let acc = accumulate::<S, T, MV, NR, PACKED>(t);
    if t.rs_c == 1 {
        write_back::<S, T, MV, NR>(&acc, t, t.c, t.cs_c);
    } else {
        // General stride: through a column-major buffer, so the same
        // vector code (and rounding) runs for every layout of C.
        let mut buf = core::mem::MaybeUninit::<[T; MAX_TILE]>::uninit();
        let tile = buf.as_mut_ptr() as *mut T;
        let ld = mr as isize;
        if t.beta != T::from_f64(0.0) {
            for j in 0..t.n {
                for i in 0..t.m {
                    *tile.offset(i as isize + j as isize * ld) = *t.c.offset(i as isize * t.rs_c + j as isize * t.cs_c);
                }
            }
        }
        write_back::<S, T, MV, NR>(&acc, t, tile, ld);
        for j in 0..t.n {
            for i in 0..t.m {
                *t.c.offset(i as isize * t.rs_c + j as isize * t.cs_c) = *tile.offset(i as isize + j as isize * ld);
            }
        }
    }
}

/// How many K steps ahead the packed K loop prefetches A's micro-panel,
/// which streams from L2 (`MR` new elements a step): asking for it ahead
/// beat leaving it to the hardware prefetchers. Xeon, one thread, GFLOP/s
/// without / with (medians of six runs): AVX-512 f32 n = 512 138 / 143,
/// 2048 136 / 140; f64 n = 512 64 / 67, 2048 65 / 68, on two threads 118
/// / 127; AVX2 f32 n = 2048 83 / 87. Eight steps gave the same, sixteen
/// less.
const A_PREFETCH_STEPS: usize = 4;

/// The K loop: `MV` row vectors of A times `NR` broadcast elements of B per
/// step, all `NR` columns every time (a fixed loop the compiler unrolls
/// into registers). Packed A rows past `m` are zero; in place, the last
/// vector is a partial load that zero-fills, so both forms give every sum
/// in the same order and bits.
#[inline(always)]
unsafe fn accumulate<S: Simd, T: KernelReal<S>, const MV: usize, const NR: usize, const PACKED: bool>(t: &MicroTile<T>) -> [[T::V; MV]; NR] {
    let l = T::V::LANES;
    let zero = T::V::splat(T::from_f64(0.0));
    let mut acc = [[zero; MV]; NR];
    let (mut a, mut b) = (t.a, t.b);
    let b_cs = if PACKED { 1 } else { t.b_cs };
    let last_rows = t.m - (MV - 1) * l;
    let partial = !PACKED && last_rows < l;
    for _ in 0..t.k {
        if PACKED {
            // Wrapping: near the panel's end this points past it.
            let ahead = a.wrapping_offset(A_PREFETCH_STEPS as isize * t.a_step);
            for line in (0..MV * l).step_by(64 / core::mem::size_of::<T>()) {
                S::prefetch(ahead.wrapping_add(line));
            }
        }
        let mut av = [zero; MV];
        for (v, slot) in av.iter_mut().enumerate() {
            *slot = if partial && v + 1 == MV { T::V::load_partial(a.add(v * l), last_rows) } else { T::V::load(a.add(v * l)) };
        }
        for (j, col) in acc.iter_mut().enumerate() {
            let bj = T::V::splat(*b.offset(j as isize * b_cs));
            for (v, sum) in col.iter_mut().enumerate() {
                *sum = av[v].mul_add(bj, *sum);
            }
        }
        a = a.offset(t.a_step);
        b = b.offset(t.b_step);
    }
    acc
}

/// The common tile: full, columns of C contiguous, no epilogue. One fixed
/// loop per alpha/beta case, which the compiler unrolls so the sums go
/// from registers to C (a loop over the cases spilled all of them to the
/// stack first) without the edge and epilogue bookkeeping of `write_back`
/// (~300 cycles a tile, a third of a k = 32 tile). The arithmetic is
/// `write_back`'s, so the bits are the same.
#[inline(always)]
unsafe fn write_back_full<S: Simd, T: KernelReal<S>, const MV: usize, const NR: usize>(acc: &[[T::V; MV]; NR], t: &MicroTile<T>) {
    #[inline(always)]
    unsafe fn each<T: crate::dtype::Real, V: SimdFloat<Scalar = T>, const MV: usize, const NR: usize>(
        acc: &[[V; MV]; NR],
        t: &MicroTile<T>,
        f: impl Fn(V, *mut T) -> V,
    ) {
        for j in 0..NR {
            let cj = t.c.offset(j as isize * t.cs_c);
            for v in 0..MV {
                let p = cj.add(v * V::LANES);
                f(acc[j][v], p).store(p);
            }
        }
    }
    let (alpha, beta) = (T::V::splat(t.alpha), T::V::splat(t.beta));
    match (t.alpha != T::from_f64(1.0), t.beta != T::from_f64(0.0)) {
        (false, false) => each(acc, t, |r, _| r),
        (true, false) => each(acc, t, |r, _| r.mul(alpha)),
        (false, true) => each(acc, t, |r, p| T::V::load(p).mul_add(beta, r)),
        (true, true) => each(acc, t, |r, p| T::V::load(p).mul_add(beta, r.mul(alpha))),
    }
}

/// `c` column j at `c + j * ldc`, rows contiguous. One loop per activation:
/// matching it per vector inside one loop cost a fused silu 0.76 ns per
/// element against 0.35 for a separate pass.
#[inline(always)]
unsafe fn write_back<S: Simd, T: KernelReal<S>, const MV: usize, const NR: usize>(
    acc: &[[T::V; MV]; NR],
    t: &MicroTile<T>,
    c: *mut T,
    ldc: isize,
) {
    // A type per activation, not a closure: a closure's body is not
    // inlined into the tier's `#[target_feature]` function (10-50x slower).
    macro_rules! per_activation {
        ($($act:ident => $map:ty),*) => {
            match t.epilogue.act {
                $(Activation::$act => write_back_with::<S, T, MV, NR, $map>(acc, t, c, ldc),)*
            }
        };
    }
    use unary_maps as u;
    per_activation!(None => Identity, Relu => u::Relu, Gelu => u::Gelu, GeluTanh => u::GeluTanh, Sigmoid => u::Sigmoid, Tanh => u::Tanh, Silu => u::Silu)
}

/// The `None` activation.
struct Identity;
impl UnaryMap for Identity {
    #[inline(always)]
    fn apply<S: Simd, T: KernelReal<S>>(x: T::V, _: T::V, _: T::V) -> T::V {
        x
    }
}

#[inline(always)]
unsafe fn write_back_with<S: Simd, T: KernelReal<S>, const MV: usize, const NR: usize, Act: UnaryMap>(
    acc: &[[T::V; MV]; NR],
    t: &MicroTile<T>,
    c: *mut T,
    ldc: isize,
) {
    let zero = T::V::splat(T::from_f64(0.0));
    let l = T::V::LANES;
    let one = T::from_f64(1.0);
    let (alpha, beta) = (T::V::splat(t.alpha), T::V::splat(t.beta));
    let read_c = t.beta != T::from_f64(0.0);
    let e = &t.epilogue;
    for (j, col) in acc.iter().enumerate().take(t.n) {
        let cj = c.offset(j as isize * ldc);
        for (v, &sum) in col.iter().enumerate() {
            let row0 = v * l;
            if row0 >= t.m {
                break;
            }
            let rows = (t.m - row0).min(l);
            let p = cj.add(row0);
            let mut r = if t.alpha == one { sum } else { sum.mul(alpha) };
            if read_c {
                let old = if rows == l { T::V::load(p) } else { T::V::load_partial(p, rows) };
                r = old.mul_add(beta, r);
            }
            if !e.bias.is_null() {
                let bias = if e.along_rows {
                    let bp = e.bias.offset(row0 as isize * e.bias_stride);
                    if e.bias_stride == 1 {
                        if rows == l { T::V::load(bp) } else { T::V::load_partial(bp, rows) }
                    } else {
                        let mut lanes = [T::from_f64(0.0); 16];
                        for (i, x) in lanes.iter_mut().enumerate().take(rows) {
                            *x = *bp.offset(i as isize * e.bias_stride);
                        }
                        T::V::load(lanes.as_ptr())
                    }
                } else {
                    T::V::splat(*e.bias.offset(j as isize * e.bias_stride))
                };
                r = r.add(bias);
            }
            r = Act::apply::<S, T>(r, zero, zero);
            if rows == l {
                r.store(p)
            } else {
                r.store_partial(p, rows)
            }
        }
    }
}
