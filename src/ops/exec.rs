//! Running a kernel over N-d operands: shape checks, overlap copies,
//! coalescing, chunking and the thread hand-off.

use crate::dtype::DType;
use crate::error::{fail, shape_str, Error, ErrorKind, Result};
use crate::framework::array::RawArray;
use crate::framework::array::MAX_NDIM;
use crate::framework::iter::{Block, Loop, MAX_OPERANDS};
use crate::framework::threads::{run_chunks, Shared};
use crate::framework::{overlap, views, Ctx};
use crate::kernels;

/// Elements per chunk: a fixed size (never "one chunk per thread") so that
/// results do not depend on the thread count.
pub(crate) const CHUNK: usize = 1 << 15;
/// Below this many cost units (elements x per-element cost) a call stays on
/// the calling thread: the hand-off would cost more than it saves.
/// 2^18 adds take ~30 us on one core here, about twice a pool wake-up.
pub(crate) const PARALLEL_THRESHOLD: usize = 1 << 18;

/// How a call runs: on which tier and with how many threads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exec(pub Ctx);

impl Exec {
    /// The process-wide settings.
    pub fn current() -> Exec {
        Exec(Ctx::current())
    }
    /// Threads for a call of `work` cost units: 1 below the threshold.
    pub(crate) fn threads_for(self, work: usize) -> usize {
        if work < PARALLEL_THRESHOLD {
            1
        } else {
            self.0.threads
        }
    }
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

/// A C-contiguous copy of `input` in fresh memory, kept alive in `temps`.
///
/// # Safety
/// `input` must be valid.
pub(crate) unsafe fn contiguous_copy(exec: Exec, input: &RawArray, temps: &mut Vec<Vec<u64>>) -> Result<RawArray> {
    let mut buf = try_alloc(input.size() * input.dtype.size())?;
    let strides = RawArray::contiguous_strides(input.shape());
    let tmp = RawArray::new(buf.as_mut_ptr() as *mut u8, input.dtype, input.shape(), &strides[..input.ndim], "tmp")?;
    // `tmp` is fresh memory of the right size.
    copy_raw(exec, input, &tmp);
    temps.push(buf);
    Ok(tmp)
}

/// Checks shapes and the output, writes each input broadcast to the
/// output's shape into its slot, copying any that overlaps the output into
/// a temporary kept in `temps`. The slots are the caller's: a result
/// returned by value was moved with a `memmove`, 17% of a small call.
#[inline(always)]
pub(crate) fn prepare(
    exec: Exec,
    (out, out_name): (&RawArray, &str),
    inputs: &[(&RawArray, &str)],
    slots: &mut [RawArray],
    temps: &mut Vec<Vec<u64>>,
) -> Result<()> {
    assert!(inputs.len() < MAX_OPERANDS && slots.len() == inputs.len(), "at most {} inputs, one slot each", MAX_OPERANDS - 1);
    // NumPy's rule: the inputs broadcast together, and to the output's
    // shape. Shapes stay on the stack: a small call allocates nothing.
    let mut shapes: [&[usize]; MAX_OPERANDS] = [&[]; MAX_OPERANDS];
    for (slot, (a, _)) in shapes.iter_mut().zip(inputs) {
        *slot = a.shape();
    }
    views::broadcast_shape_array(&shapes[..inputs.len()])?;
    shapes[inputs.len()] = out.shape();
    let (result, ndim) = views::broadcast_shape_array(&shapes[..=inputs.len()]).unwrap_or(([0; MAX_NDIM], 0));
    if result[..ndim] != *out.shape() {
        return fail(
            ErrorKind::ShapeMismatch,
            format!(
                "non-broadcastable output operand with shape {} doesn't match the broadcast shape {}",
                shape_str(out.shape()),
                shape_str(&result[..ndim])
            ),
        );
    }
    out.check_writable(out_name)?;
    for (slot, (input, _)) in slots.iter_mut().zip(inputs) {
        views::broadcast_to_shape_of(input, out, slot)?;
        if overlap::needs_copy(out, slot) {
            // SAFETY: `input` is valid (the callers' contract).
            let tmp = unsafe { contiguous_copy(exec, input, temps)? };
            views::broadcast_to_shape_of(&tmp, out, slot)?;
        }
    }
    Ok(())
}

/// The common case that skips `prepare` and the coalesced loop: every
/// operand has the output's shape and is C-contiguous, and each input is
/// either the output itself (in place) or disjoint from it.
#[inline]
fn is_contiguous_call<const K: usize>(ops: [&RawArray; K]) -> bool {
    let out = ops[0];
    if !out.is_c_contiguous() {
        return false;
    }
    let size = out.size();
    let (out_start, out_end) = (out.data as usize, out.data as usize + size * out.dtype.size());
    ops[1..].iter().all(|a| {
        let same_shape = a.ndim == out.ndim && (0..out.ndim).all(|k| a.shape[k] == out.shape[k]);
        let (start, end) = (a.data as usize, a.data as usize + size * a.dtype.size());
        let in_place = a.data == out.data && a.dtype.size() == out.dtype.size();
        same_shape && a.is_c_contiguous() && (in_place || end <= out_start || start >= out_end || size == 0)
    })
}

/// Outputs at least this large may be written with streaming stores: half
/// the L3 here; caching them would only evict the inputs.
pub(crate) const STREAM_MIN_BYTES: usize = 16 << 20;

/// Checks the operands (output first, with argument names), broadcasts the
/// inputs and copies any that partially overlap the output, then runs
/// `run(n, ptrs, strides, stream)` over every run, split into fixed chunks;
/// `cost` is the relative per-element cost. Contiguous calls go straight to
/// one run per chunk (the small-array fast path); when their output is
/// large, `stream` says the run may use streaming stores, and each chunk
/// ends with the tier's store fence.
///
/// # Safety
/// The operands must be valid and `run` must only touch its run.
pub(crate) unsafe fn elementwise<const K: usize>(
    exec: Exec,
    ops: [(&RawArray, &str); K],
    cost: usize,
    run: impl Fn(usize, [*mut u8; K], [isize; K], bool) + Sync,
) -> Result<()> {
    elementwise_blocks(exec, ops, cost, |b, stream| b.each_row(|n, p, s| run(n, p, s, stream)))
}

/// [`elementwise`] for kernels that walk a block of rows themselves:
/// `run(block, stream)` (a broadcast with short rows then pays one call
/// per block, not one per row).
///
/// # Safety
/// As [`elementwise`].
pub(crate) unsafe fn elementwise_blocks<const K: usize>(
    exec: Exec,
    ops: [(&RawArray, &str); K],
    cost: usize,
    run: impl Fn(&Block<K>, bool) + Sync,
) -> Result<()> {
    let arrays = ops.map(|(a, _)| a);
    if is_contiguous_call(arrays) {
        let total = arrays[0].size();
        let threads = exec.threads_for(total.saturating_mul(cost));
        let stream = total * arrays[0].dtype.size() >= STREAM_MIN_BYTES;
        let (bases, sizes) = (Shared(arrays.map(|a| a.data)), arrays.map(|a| a.dtype.size()));
        run_chunks(total, CHUNK, threads, |range| {
            let mut ptrs = bases.get();
            for (p, size) in ptrs.iter_mut().zip(sizes) {
                *p = p.wrapping_add(range.start * size);
            }
            run(&Block::single(range.len(), ptrs, [1; K]), stream);
            if stream {
                kernels::stream_fence(exec.0.tier);
            }
        });
        return Ok(());
    }
    // The broadcast inputs go to slots 1.. (slot 0 unused: K - 1 is not
    // a type-level length); placeholders, not copies of the arrays, which
    // memcpy moved at 8% of a small call.
    let mut slots = [RawArray::EMPTY; K];
    let mut temps = Vec::new();
    prepare(exec, ops[0], &ops[1..], &mut slots[1..], &mut temps)?;
    let all: [&RawArray; K] = std::array::from_fn(|k| if k == 0 { arrays[0] } else { &slots[k] });
    execute_blocks(exec, all, cost, |b| run(b, false));
    Ok(())
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
    execute_blocks(exec, ops, cost, |b| b.each_row(&run));
}

/// [`execute`] handing `run` blocks of rows ([`Loop::for_each_block`]).
///
/// # Safety
/// As [`execute`].
pub(crate) unsafe fn execute_blocks<const K: usize>(exec: Exec, ops: [&RawArray; K], cost: usize, run: impl Fn(&Block<K>) + Sync) {
    let lp = Loop::new(ops);
    let total = lp.size();
    if total == 0 {
        return;
    }
    let threads = exec.threads_for(total.saturating_mul(cost));
    run_chunks(total, CHUNK, threads, |range| lp.for_each_block(range, &run));
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
    // Far larger than the caches: streaming stores (a plain store first
    // reads each destination line: a third more traffic), for one
    // contiguous run (split into chunks) or contiguous rows of at least
    // 4 KiB (a slice of a wider array, as concatenate writes); each run
    // is fenced.
    let (inner, dst_size) = (nd.saturating_sub(1), dst.dtype.size());
    let large = nd >= 1 && lp.size() * dst_size >= STREAM_MIN_BYTES;
    if large && lp.strides[0][inner] == 1 && lp.strides[1][inner] == 1 && (nd == 1 || lp.shape[inner] * dst_size >= 4096) {
        let (kernel, tier) = (kernels::cast_stream_fn(exec.0.tier, src.dtype, dst.dtype), exec.0.tier);
        execute(exec, [dst, src], 1, |n, p, _| {
            kernel(n, p[1], 1, p[0], 1);
            kernels::stream_fence(tier);
        });
        return;
    }
    let kernel = kernels::cast_fn(exec.0.tier, src.dtype, dst.dtype);
    execute(exec, [dst, src], 1, |n, p, s| kernel(n, p[1], s[1], p[0], s[0]));
}

/// Two-level blocking over dims (j, inner); the other dims are looped over.
/// A work unit is a block of tiles whose source and destination lines stay
/// in L2 while it runs (a band across all columns would touch one source
/// page per column and thrash the TLB). Each TILE x TILE tile goes to the
/// tile kernel, which transposes in registers where it can. The column grid
/// is shifted so full tiles start on 64-byte destination lines, which the
/// streaming stores of large copies need.
unsafe fn copy_tiled(exec: Exec, lp: &Loop<2>, j: usize, from: DType, to: DType) {
    const TILE: usize = kernels::TRANSPOSE_TILE;
    // 512 x 128 elements (measured best of 128..4096 x 16..4096 on 4096^2 f32):
    // each of the block's 128 source rows is read for 2 KiB in a row.
    let (block_row_tiles, block_col_tiles) = (32, 8);
    let inner = lp.ndim - 1;
    let others: Vec<usize> = (0..inner).filter(|&k| k != j).collect();
    let outer_count: usize = others.iter().map(|&k| lp.shape[k]).product();
    let (rows, cols) = (lp.shape[j], lp.shape[inner]);
    let dst_size = to.size();
    // Column tile k covers [origin + k*TILE, origin + (k+1)*TILE) clipped to
    // [0, cols); origin makes column `shift`, the first on a 64-byte line,
    // start a tile.
    let shift = crate::simd::elements_to_boundary(lp.bases[0] as usize, dst_size, 64);
    let origin = -(((TILE - shift % TILE) % TILE) as isize);
    let col_tiles = ((cols as isize - origin) as usize).div_ceil(TILE);
    let row_tiles = rows.div_ceil(TILE);
    let col_blocks = col_tiles.div_ceil(block_col_tiles);
    let blocks = row_tiles.div_ceil(block_row_tiles) * col_blocks;
    let kernel = kernels::cast_tile_fn(exec.0.tier, from, to);
    let stream = lp.size() * dst_size >= STREAM_MIN_BYTES;
    let sizes = [dst_size as isize, from.size() as isize];
    let blocks_per_chunk = (CHUNK / (block_row_tiles * block_col_tiles * TILE * TILE)).max(1);
    let threads = exec.threads_for(lp.size());
    run_chunks(outer_count * blocks, blocks_per_chunk, threads, |range| {
        for unit in range {
            let (mut o, b) = (unit / blocks, unit % blocks);
            let mut off = [0isize; 2];
            for &k in others.iter().rev() {
                let i = (o % lp.shape[k]) as isize;
                o /= lp.shape[k];
                for (op, off_op) in off.iter_mut().enumerate() {
                    *off_op += i * lp.strides[op][k];
                }
            }
            let (rt0, ct0) = ((b / col_blocks) * block_row_tiles, (b % col_blocks) * block_col_tiles);
            // Down the rows first: consecutive tiles continue the same source rows.
            for ct in ct0..col_tiles.min(ct0 + block_col_tiles) {
                let c0 = (origin + (ct * TILE) as isize).max(0) as usize;
                let c1 = ((origin + ((ct + 1) * TILE) as isize) as usize).min(cols);
                for rt in rt0..row_tiles.min(rt0 + block_row_tiles) {
                    let r0 = rt * TILE;
                    let at = |op: usize| {
                        let e = off[op] + r0 as isize * lp.strides[op][j] + c0 as isize * lp.strides[op][inner];
                        lp.bases[op].wrapping_offset(e * sizes[op])
                    };
                    let (s, d) = (lp.strides[1], lp.strides[0]);
                    kernel(TILE.min(rows - r0), c1 - c0, at(1), s[j], s[inner], at(0), d[j], d[inner], stream);
                }
            }
        }
        if stream {
            kernels::stream_fence(exec.0.tier);
        }
    });
}
