//! Running a kernel over N-d operands: shape checks, overlap copies,
//! coalescing, chunking and the thread hand-off.

use crate::dtype::DType;
use crate::error::{fail, shape_str, Error, ErrorKind, Result};
use crate::framework::array::RawArray;
use crate::framework::iter::Loop;
use crate::framework::threads::run_chunks;
use crate::framework::{overlap, views, Ctx};
use crate::kernels;

/// Elements per chunk: a fixed size (never "one chunk per thread") so that
/// results do not depend on the thread count.
pub(crate) const CHUNK: usize = 1 << 15;
/// Below this many cost units (elements x per-element cost) a call stays on
/// the calling thread: the hand-off would cost more than it saves.
pub(crate) const PARALLEL_THRESHOLD: usize = 1 << 17;

/// How a call runs: on which tier and with how many threads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exec(pub Ctx);

impl Exec {
    /// The process-wide settings.
    pub fn current() -> Exec {
        Exec(Ctx::current())
    }
}

/// Inputs broadcast to the output's shape, with copies of any input that
/// partially overlaps the output (kept alive in `_temps`).
pub(crate) struct Prepared {
    pub inputs: Vec<RawArray>,
    _temps: Vec<Vec<u64>>,
}

/// Allocates a zeroed 8-byte aligned buffer, reporting failure instead of aborting.
fn try_alloc(bytes: usize) -> Result<Vec<u64>> {
    let words = bytes.div_ceil(8);
    let mut v: Vec<u64> = Vec::new();
    v.try_reserve_exact(words)
        .map_err(|_| Error::new(ErrorKind::OutOfMemory, format!("could not allocate a temporary of {bytes} bytes")))?;
    v.resize(words, 0);
    Ok(v)
}

/// Checks shapes and the output, broadcasts inputs, copies overlapping ones.
pub(crate) fn prepare(exec: Exec, out: &RawArray, inputs: &[(&RawArray, &str)]) -> Result<Prepared> {
    // NumPy's rule: the inputs broadcast together, and to the output's shape.
    let mut shapes: Vec<&[usize]> = inputs.iter().map(|(a, _)| a.shape()).collect();
    views::broadcast_shapes(&shapes)?;
    shapes.push(out.shape());
    let result = views::broadcast_shapes(&shapes).unwrap_or_default();
    if result != out.shape() {
        return fail(
            ErrorKind::ShapeMismatch,
            format!(
                "non-broadcastable output operand with shape {} doesn't match the broadcast shape {}",
                shape_str(out.shape()),
                shape_str(&result)
            ),
        );
    }
    out.check_writable("out")?;
    let mut prepared = Prepared { inputs: Vec::with_capacity(inputs.len()), _temps: Vec::new() };
    for (input, _) in inputs {
        let mut b = views::broadcast_to(input, out.shape())?;
        if overlap::needs_copy(out, &b) {
            let mut buf = try_alloc(input.size() * input.dtype.size())?;
            let strides = RawArray::contiguous_strides(input.shape());
            let tmp = RawArray::new(buf.as_mut_ptr() as *mut u8, input.dtype, input.shape(), &strides[..input.ndim], "tmp")?;
            // SAFETY: `tmp` is fresh memory of the right size; `input` is valid.
            unsafe { copy_raw(exec, input, &tmp) };
            b = views::broadcast_to(&tmp, out.shape())?;
            prepared._temps.push(buf);
        }
        prepared.inputs.push(b);
    }
    Ok(prepared)
}

/// Runs `run(n, ptrs, strides)` over every run of the coalesced loop, split
/// into fixed chunks; `cost` is the relative per-element cost.
///
/// # Safety
/// The operands must be valid and `run` must only touch its run.
pub(crate) unsafe fn execute<const K: usize>(
    exec: Exec,
    ops: [&RawArray; K],
    cost: usize,
    run: impl Fn(usize, [*mut u8; K], [isize; K]) + Sync,
) {
    let lp = Loop::new(ops);
    let total = lp.size();
    if total == 0 {
        return;
    }
    let threads = if total.saturating_mul(cost) < PARALLEL_THRESHOLD { 1 } else { exec.0.threads };
    run_chunks(total, CHUNK, threads, |range| lp.for_each_run(range, &run));
}

/// dst = src (cast to dst's dtype), src already of dst's shape.
///
/// A copy whose source walks the output's inner dimension with a large
/// stride (a transpose) is done in L1-sized tiles so both sides stream
/// whole cache lines.
///
/// # Safety
/// Both arrays valid, same shape, no partial overlap.
pub(crate) unsafe fn copy_raw(exec: Exec, src: &RawArray, dst: &RawArray) {
    let lp = Loop::new([dst, src]);
    if lp.size() == 0 {
        return;
    }
    let nd = lp.ndim;
    if nd >= 2 {
        let inner = nd - 1;
        let (d_in, s_in) = (lp.strides[0][inner], lp.strides[1][inner]);
        // The outer dim along which the source is densest.
        let j = (0..inner).min_by_key(|&k| lp.strides[1][k].unsigned_abs()).unwrap_or(0);
        if d_in.unsigned_abs() == 1 && lp.strides[1][j].unsigned_abs() < s_in.unsigned_abs() && lp.shape[inner] >= 8 {
            copy_tiled(exec, &lp, j, src.dtype, dst.dtype);
            return;
        }
    }
    let kernel = kernels::cast_fn(exec.0.tier, src.dtype, dst.dtype);
    execute(exec, [dst, src], 1, |n, p, s| kernel(n, p[1], s[1], p[0], s[0]));
}

/// Tiles of TILE x TILE over dims (j, inner); the other dims are looped over.
unsafe fn copy_tiled(exec: Exec, lp: &Loop<2>, j: usize, from: DType, to: DType) {
    const TILE: usize = 32;
    let inner = lp.ndim - 1;
    let others: Vec<usize> = (0..inner).filter(|&k| k != j).collect();
    let outer_count: usize = others.iter().map(|&k| lp.shape[k]).product();
    let tile_rows = lp.shape[j].div_ceil(TILE);
    let units = outer_count * tile_rows;
    let kernel = kernels::cast_tile_fn(exec.0.tier, from, to);
    let sizes = [to.size() as isize, from.size() as isize];
    let tiles_per_chunk = (super::exec::CHUNK / (TILE * lp.shape[inner]).max(1)).max(1);
    let threads = if lp.size() < PARALLEL_THRESHOLD { 1 } else { exec.0.threads };
    run_chunks(units, tiles_per_chunk, threads, |range| {
        for unit in range {
            let (mut o, t) = (unit / tile_rows, unit % tile_rows);
            let mut off = [0isize; 2];
            for &k in others.iter().rev() {
                let i = (o % lp.shape[k]) as isize;
                o /= lp.shape[k];
                for (op, off_op) in off.iter_mut().enumerate() {
                    *off_op += i * lp.strides[op][k];
                }
            }
            let r0 = t * TILE;
            let rows = TILE.min(lp.shape[j] - r0);
            let mut c0 = 0;
            while c0 < lp.shape[inner] {
                let cols = TILE.min(lp.shape[inner] - c0);
                let at = |op: usize| {
                    let e = off[op] + r0 as isize * lp.strides[op][j] + c0 as isize * lp.strides[op][inner];
                    lp.bases[op].wrapping_offset(e * sizes[op])
                };
                kernel(rows, cols, at(1), lp.strides[1][j], lp.strides[1][inner], at(0), lp.strides[0][j], lp.strides[0][inner]);
                c0 += cols;
            }
        }
    });
}
