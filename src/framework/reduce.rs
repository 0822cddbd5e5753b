//! Reductions over a set of axes (DESIGN §6): axis normalization, the
//! kept and dropped output shapes, and the blocked pairwise sum.
//!
//! The order of a sum is a function of the input's shape alone: the
//! reduced elements of one output, taken in C order over the reduced axes
//! (whatever their strides), are cut into blocks of `SUM_BLOCK`; a block
//! is summed by the tier's `sum_block` (16 fixed slots, bitwise the same
//! on every tier), and the block sums are added as a tree that splits at
//! powers of two. A thread sums whole aligned subtrees (`CHUNK_BLOCKS`
//! blocks), so the result is bitwise the same for any thread count and
//! tier, and even for any layout of the same values.

use super::array::{RawArray, MAX_NDIM};
use super::threads::{run_chunks, Shared};
use crate::dtype::DType;
use crate::error::{fail, shape_str, Error, ErrorKind, Result};
use crate::kernels::reduce::SUM_BLOCK;
use crate::kernels::{CastTileFn, TRANSPOSE_TILE};

/// Neighbouring outputs an outer-axis reduction folds together.
pub(crate) const PANEL: usize = TRANSPOSE_TILE;

/// Blocks one thread work unit sums (a power of two: an aligned run of
/// them is one subtree of the block tree). 64 blocks = 16384 elements.
const CHUNK_BLOCKS: usize = 64;

/// Which axes of an `ndim`-d array `axes` names (None: all of them, as
/// NumPy's `axis=None`). Negative axes count from the end; an axis out of
/// range or named twice is an error naming it.
pub fn normalize_axes(ndim: usize, axes: Option<&[i64]>) -> Result<[bool; MAX_NDIM]> {
    let mut reduced = [false; MAX_NDIM];
    let Some(axes) = axes else {
        reduced[..ndim].iter_mut().for_each(|r| *r = true);
        return Ok(reduced);
    };
    for &axis in axes {
        let k = super::views::normalize_axis(axis, ndim)?;
        if std::mem::replace(&mut reduced[k], true) {
            return fail(ErrorKind::Axis, format!("duplicate value in 'axis': axis {axis} is named twice"));
        }
    }
    Ok(reduced)
}

/// The shape of a reduction's result: the reduced axes kept with extent 1
/// (`keepdims`) or dropped.
pub fn reduced_shape(shape: &[usize], reduced: &[bool], keepdims: bool) -> Vec<usize> {
    shape
        .iter()
        .zip(reduced)
        .filter_map(|(&d, &r)| match (r, keepdims) {
            (false, _) => Some(d),
            (true, true) => Some(1),
            (true, false) => None,
        })
        .collect()
}

/// A reduction of `x` into `out`, laid out for the loops: the kept axes
/// (extent, stride in x, stride in out) and the reduced axes (extent,
/// stride in x; C order, adjacent ones merged where memory allows).
pub(crate) struct Plan {
    kept: Vec<(usize, isize, isize)>,
    reduced: Vec<(usize, isize)>,
    /// A second input of x's shape (the strides of its kept axes, its
    /// reduced axes), read in step with x.
    second: Option<(Vec<isize>, Vec<(usize, isize)>)>,
    /// Reduced elements per output.
    pub count: usize,
    /// Outputs.
    pub outputs: usize,
}

impl Plan {
    /// Checks that `out` has the kept or the dropped shape of reducing
    /// `x` over `reduced`, and lays the loops out.
    pub fn new(what: &str, x: &RawArray, reduced: &[bool; MAX_NDIM], out: &RawArray) -> Result<Plan> {
        let keep = reduced_shape(x.shape(), &reduced[..x.ndim], true);
        let drop = reduced_shape(x.shape(), &reduced[..x.ndim], false);
        let keepdims = out.shape() == keep.as_slice();
        if !keepdims && out.shape() != drop.as_slice() {
            return fail(
                ErrorKind::ShapeMismatch,
                format!(
                    "{what}: output has shape {} but reducing {} gives {} ({} with keepdims)",
                    shape_str(out.shape()),
                    shape_str(x.shape()),
                    shape_str(&drop),
                    shape_str(&keep)
                ),
            );
        }
        let (mut kept, mut red) = (Vec::new(), Vec::<(usize, isize)>::new());
        let mut out_axis = 0;
        for k in 0..x.ndim {
            if reduced[k] {
                if x.shape[k] != 1 {
                    red.push((x.shape[k], x.strides[k]));
                }
                out_axis += keepdims as usize;
            } else {
                kept.push((x.shape[k], x.strides[k], out.strides[out_axis]));
                out_axis += 1;
            }
        }
        let merged = merge(red);
        // An extent 0 among the reduced axes leaves none to add (the
        // outputs get the empty value); among the kept ones, no outputs.
        let count = merged.iter().map(|a| a.0).product();
        let outputs = kept.iter().map(|a| a.0).product();
        Ok(Plan { kept, reduced: merged, second: None, count, outputs })
    }

    /// Adds a second input `y` of x's shape, whose reduced elements the
    /// folds see beside x's.
    pub fn with_second(mut self, y: &RawArray, reduced: &[bool; MAX_NDIM]) -> Plan {
        let kept = (0..y.ndim).filter(|&k| !reduced[k]).map(|k| y.strides[k]).collect();
        let red = (0..y.ndim).filter(|&k| reduced[k] && y.shape[k] != 1).map(|k| (y.shape[k], y.strides[k])).collect();
        self.second = Some((kept, merge(red)));
        self
    }

    /// Offsets (in elements) of output `o` in x, in out and in the second
    /// input (C order over the kept axes).
    fn offsets(&self, mut o: usize) -> (isize, isize, isize) {
        let (mut xo, mut oo, mut yo) = (0isize, 0isize, 0isize);
        for (a, &(d, sx, so)) in self.kept.iter().enumerate().rev() {
            let i = (o % d) as isize;
            o /= d;
            xo += i * sx;
            oo += i * so;
            if let Some((ys, _)) = &self.second {
                yo += i * ys[a];
            }
        }
        (xo, oo, yo)
    }

    /// Hands block `b` of the reduced elements at `base` to `f` as a
    /// contiguous slice (gathered in C order when they are strided).
    ///
    /// # Safety
    /// `base` is an output's first reduced element in a valid x.
    unsafe fn with_block<T: Copy + Default, R>(&self, axes: &[(usize, isize)], base: *const T, b: usize, f: impl FnOnce(&[T]) -> R) -> R {
        let start = b * SUM_BLOCK;
        let len = SUM_BLOCK.min(self.count - start);
        match axes {
            [] => f(std::slice::from_raw_parts(base, len)),
            [(_, 1)] => f(std::slice::from_raw_parts(base.add(start), len)),
            axes => {
                // Gather the block in C order, from the multi-index of `start`.
                let mut buf = [T::default(); SUM_BLOCK];
                let mut idx = [0usize; MAX_NDIM];
                let mut rest = start;
                let mut p = base;
                for (a, &(d, s)) in axes.iter().enumerate().rev() {
                    idx[a] = rest % d;
                    rest /= d;
                    p = p.wrapping_offset(idx[a] as isize * s);
                }
                let last = axes.len() - 1;
                for slot in buf.iter_mut().take(len) {
                    *slot = *p;
                    // Step the odometer.
                    let mut a = last;
                    loop {
                        idx[a] += 1;
                        // (Past the last element only once the block is done.)
                        p = p.wrapping_offset(axes[a].1);
                        if idx[a] < axes[a].0 || a == 0 {
                            break;
                        }
                        p = p.wrapping_offset(-(axes[a].0 as isize) * axes[a].1);
                        idx[a] = 0;
                        a -= 1;
                    }
                }
                f(&buf[..len])
            }
        }
    }

    /// Whether the outputs go in panels of `PANEL` neighbours: the reduced
    /// elements are strided but the last kept axis is contiguous, so a
    /// panel's blocks are read row by row (whole cache lines) and
    /// transposed in L1 instead of gathered one column at a time.
    fn panels(&self, tile: Option<CastTileFn>) -> Option<(CastTileFn, usize)> {
        match (self.reduced.as_slice(), self.kept.last(), tile) {
            ([(_, s)], Some(&(d, 1, _)), Some(t)) if s.unsigned_abs() != 1 && d > 1 && self.second.is_none() => Some((t, d)),
            _ => None,
        }
    }

    /// Folds the reduced elements of every output with `f`, block by
    /// block, the block values joined as the tree of the module doc, and
    /// hands each output's result to `write(o, out_offset, acc)` (None
    /// where there are no elements). `tile` (the dtype's transposing copy)
    /// enables panels for outer-axis reductions.
    ///
    /// # Safety
    /// x valid for reads over the plan's elements; `write` valid for each
    /// output offset it is given.
    pub unsafe fn fold<T: Copy + Default + Send + Sync, F: Fold<T>>(
        &self,
        threads: usize,
        x: *const T,
        y: *const T,
        tile: Option<CastTileFn>,
        f: &F,
        write: impl Fn(usize, isize, Option<F::Acc>) + Sync,
    ) {
        let blocks = self.count.div_ceil(SUM_BLOCK);
        let (xs, ys) = (Shared(x), Shared(y));
        let join = |a, b| f.join(a, b);
        if blocks == 0 {
            return run_chunks(self.outputs, 4096, threads, |r| r.for_each(|o| write(o, self.offsets(o).1, None)));
        }
        if let (Some((tile, d)), true) = (self.panels(tile), self.outputs >= threads * PANEL) {
            // Folds with outer kernels take panels as wide as leaves each
            // thread one (whole rows, or a thread's share of each row, read
            // in long runs: see outer_panel).
            let pw = match F::OUTER {
                true => {
                    let pieces = threads.div_ceil(self.outputs / d);
                    d.div_ceil(pieces).next_multiple_of(PANEL).clamp(4 * PANEL, MAX_OUTER_PANEL)
                }
                false => PANEL,
            };
            let per_row = d.div_ceil(pw);
            let per_chunk = (CHUNK_BLOCKS * SUM_BLOCK / (self.count * pw)).max(1);
            return run_chunks(self.outputs / d * per_row, per_chunk, threads, |r| {
                for unit in r {
                    let o0 = unit / per_row * d + unit % per_row * pw;
                    let width = pw.min(d - unit % per_row * pw);
                    self.panel(xs.get(), tile, o0, width, f, &write);
                }
            });
        }
        let one = |o: usize, threads: usize| {
            let (xo, oo, yo) = self.offsets(o);
            let (base, ybase) = (Shared(xs.get().offset(xo)), Shared(ys.get().wrapping_offset(yo)));
            let value = |b: usize| {
                self.with_block(&self.reduced, base.get(), b, |v| match &self.second {
                    None => f.block(o, b * SUM_BLOCK, v, &[]),
                    Some((_, axes)) => self.with_block(axes, ybase.get(), b, |w| f.block(o, b * SUM_BLOCK, v, w)),
                })
            };
            // A chunk of CHUNK_BLOCKS blocks is an aligned subtree, so a tree
            // of chunk values is the tree of block values. An order-free fold
            // takes a contiguous chunk in one call.
            let whole = F::ANY_ORDER && self.second.is_none() && matches!(self.reduced.as_slice(), [] | [(_, 1)]);
            let chunk = |c: usize| {
                if whole {
                    let (lo, hi) = (c * CHUNK_BLOCKS * SUM_BLOCK, ((c + 1) * CHUNK_BLOCKS * SUM_BLOCK).min(self.count));
                    f.block(o, lo, std::slice::from_raw_parts(base.get().add(lo), hi - lo), &[])
                } else {
                    tree(c * CHUNK_BLOCKS, ((c + 1) * CHUNK_BLOCKS).min(blocks), &value, &join)
                }
            };
            let chunks = blocks.div_ceil(CHUNK_BLOCKS);
            let acc = if threads <= 1 || chunks == 1 {
                tree(0, chunks, &chunk, &join)
            } else {
                // Chunks split among the threads, then the tree above them.
                let mut partial = vec![F::Acc::default(); chunks];
                let dst = Shared(partial.as_mut_ptr());
                run_chunks(chunks, 1, threads, |r| r.for_each(|c| *dst.get().add(c) = chunk(c)));
                tree(0, chunks, &|c| partial[c], &join)
            };
            write(o, oo, Some(acc));
        };
        // Many outputs: split them (each folded whole by one thread); few:
        // split each one's blocks.
        if self.outputs >= threads * 4 || threads <= 1 {
            let per_chunk = (CHUNK_BLOCKS * SUM_BLOCK / self.count).max(1);
            run_chunks(self.outputs, per_chunk, threads, |r| r.for_each(|o| one(o, 1)));
        } else {
            (0..self.outputs).for_each(|o| one(o, threads));
        }
    }

    /// [`Plan::fold`] for the `width` neighbouring outputs from `o0`: each
    /// block of all of them transposed into a buffer at once, each
    /// output's block values joined on a stack in the order of `tree`.
    unsafe fn panel<T: Copy + Default, F: Fold<T>>(&self, x: *const T, tile: CastTileFn, o0: usize, width: usize, f: &F, write: &impl Fn(usize, isize, Option<F::Acc>)) {
        let (n, s) = self.reduced[0];
        let base = x.offset(self.offsets(o0).0);
        if F::OUTER {
            // The outputs' block values and stacks on the heap; without the
            // memory, PANEL outputs at a time on the stack.
            let depth = (usize::BITS - n.div_ceil(SUM_BLOCK).leading_zeros()) as usize;
            let mut heap = Vec::new();
            if heap.try_reserve_exact((depth + 1) * width).is_ok() {
                heap.resize((depth + 1) * width, F::Acc::default());
                let (vals, stacks) = heap.split_at_mut(width);
                return self.outer_panel(base, o0, vals, Stacks::new(stacks, width), f, write);
            }
            let mut buf = [F::Acc::default(); (MAX_DEPTH + 1) * PANEL];
            for w0 in (0..width).step_by(PANEL) {
                let w = PANEL.min(width - w0);
                let (vals, stacks) = buf.split_at_mut(w);
                self.outer_panel(base.add(w0), o0 + w0, vals, Stacks::new(stacks, w), f, write);
            }
            return;
        }
        let mut stacks = [Stack::<F::Acc>::new(); PANEL];
        let mut buf = [T::default(); PANEL * SUM_BLOCK];
        for b in 0..n.div_ceil(SUM_BLOCK) {
            let start = b * SUM_BLOCK;
            let len = SUM_BLOCK.min(n - start);
            for i in (0..len).step_by(TRANSPOSE_TILE) {
                let src = base.wrapping_offset((start + i) as isize * s) as *const u8;
                let cols = TRANSPOSE_TILE.min(len - i);
                tile(width, cols, src, 1, s, buf.as_mut_ptr().add(i) as *mut u8, SUM_BLOCK as isize, 1, false);
            }
            for (w, stack) in stacks.iter_mut().enumerate().take(width) {
                let v = f.block(o0 + w, start, &buf[w * SUM_BLOCK..w * SUM_BLOCK + len], &[]);
                stack.push(v, |a, b| f.join(a, b));
            }
        }
        for (w, stack) in stacks.iter().enumerate().take(width) {
            write(o0 + w, self.offsets(o0 + w).1, stack.finish(|a, b| f.join(a, b)));
        }
    }
}

impl Plan {
    /// [`Plan::panel`] with the fold's outer kernel: the `stacks.width`
    /// outputs from `o0` (output `o0`'s first element at `base`), block by
    /// block down the contiguous columns, without a transpose; `vals`
    /// holds one block value per output.
    unsafe fn outer_panel<T: Copy + Default, F: Fold<T>>(&self, base: *const T, o0: usize, vals: &mut [F::Acc], mut stacks: Stacks<F::Acc>, f: &F, write: &impl Fn(usize, isize, Option<F::Acc>)) {
        let (n, s) = self.reduced[0];
        let width = stacks.width;
        // Block by block across the whole panel (the fold reads it in long
        // runs of each row; a narrow panel at a time down all the blocks
        // ran at half the read bandwidth).
        for b in 0..n.div_ceil(SUM_BLOCK) {
            let (start, rows) = (b * SUM_BLOCK, SUM_BLOCK.min(n - b * SUM_BLOCK));
            f.outer(o0, start, rows, base.wrapping_offset(start as isize * s), s, vals);
            stacks.push(vals, |a, b| f.join(a, b));
        }
        for w in 0..width {
            write(o0 + w, self.offsets(o0 + w).1, stacks.finish(w, |a, b| f.join(a, b)));
        }
    }
}

/// The widest panel of an outer fold (its block values and stacks are
/// on the heap).
const MAX_OUTER_PANEL: usize = 8192;

/// The deepest a stack of block values gets (a run of 2^63 blocks).
const MAX_DEPTH: usize = 64;

/// [`Stack`]s of `width` neighbouring outputs whose block values come in
/// step: one row of `width` values per level, the levels shared.
struct Stacks<'a, A> {
    vals: &'a mut [A],
    levels: [u32; MAX_DEPTH],
    depth: usize,
    width: usize,
}

impl<'a, A: Copy> Stacks<'a, A> {
    /// Stacks over `vals`, room for `vals.len() / width` levels.
    fn new(vals: &'a mut [A], width: usize) -> Self {
        Stacks { vals, levels: [0; MAX_DEPTH], depth: 0, width }
    }
    /// Pushes each output's next block value (`row`, joined in place).
    fn push(&mut self, row: &mut [A], join: impl Fn(A, A) -> A) {
        let w = self.width;
        let mut level = 0;
        while self.depth > 0 && self.levels[self.depth - 1] == level {
            self.depth -= 1;
            for (v, &below) in row.iter_mut().zip(&self.vals[self.depth * w..(self.depth + 1) * w]) {
                *v = join(below, *v);
            }
            level += 1;
        }
        self.vals[self.depth * w..(self.depth + 1) * w].copy_from_slice(row);
        self.levels[self.depth] = level;
        self.depth += 1;
    }
    /// Output `j`'s value, as [`Stack::finish`].
    fn finish(&self, j: usize, join: impl Fn(A, A) -> A) -> Option<A> {
        let top = self.depth.checked_sub(1)?;
        Some((0..top).rev().fold(self.vals[top * self.width + j], |acc, d| join(self.vals[d * self.width + j], acc)))
    }
}

/// What a reduction does with one output's reduced elements: a value per
/// block, and the join of two neighbouring runs' values.
pub(crate) trait Fold<T>: Sync {
    type Acc: Copy + Default + Send;
    /// The value of `xs`, the reduced elements `start..start + xs.len()`
    /// (in C order) of output `o` (C order over the kept axes); `ys` the
    /// same elements of the second input (empty without one).
    fn block(&self, o: usize, start: usize, xs: &[T], ys: &[T]) -> Self::Acc;
    /// Whether the fold has [`Fold::outer`]: blocks of neighbouring outputs
    /// down contiguous columns, without a transpose.
    const OUTER: bool = false;
    /// With `OUTER`: the value of one block, the reduced elements
    /// `start..start + rows` (`rows <= SUM_BLOCK`), of each of the
    /// `vals.len()` outputs from `o0`; element r of output
    /// `o0 + w` is at `x + r*s + w`. Each value has the bits `block` gives.
    ///
    /// # Safety
    /// `x` valid for those reads.
    unsafe fn outer(&self, _o0: usize, _start: usize, _rows: usize, _x: *const T, _s: isize, _vals: &mut [Self::Acc]) {}
    /// Whether the value of a run is the same however it is split (the
    /// fold is exact): `block` then also takes a contiguous run of up to
    /// CHUNK_BLOCKS blocks at once.
    const ANY_ORDER: bool = false;
    /// The value of a run followed by the next one.
    fn join(&self, a: Self::Acc, b: Self::Acc) -> Self::Acc;
}

/// Block values joined as they come, as `tree` joins them: a full
/// power-of-two run is one subtree; what remains at the end is joined
/// from the right.
#[derive(Clone, Copy)]
struct Stack<A> {
    runs: [(A, u32); 48],
    depth: usize,
}

impl<A: Copy + Default> Stack<A> {
    fn new() -> Self {
        Stack { runs: [(A::default(), 0); 48], depth: 0 }
    }
    fn push(&mut self, mut v: A, join: impl Fn(A, A) -> A) {
        let mut level = 0;
        while self.depth > 0 && self.runs[self.depth - 1].1 == level {
            self.depth -= 1;
            v = join(self.runs[self.depth].0, v);
            level += 1;
        }
        self.runs[self.depth] = (v, level);
        self.depth += 1;
    }
    fn finish(&self, join: impl Fn(A, A) -> A) -> Option<A> {
        let (last, rest) = self.runs[..self.depth].split_last()?;
        Some(rest.iter().rev().fold(last.0, |acc, r| join(r.0, acc)))
    }
}

/// `f(lo) + ... + f(hi - 1)` as a tree that splits at the largest power
/// of two below the count: an aligned power-of-two run is one subtree.
pub(crate) fn tree<A>(lo: usize, hi: usize, f: &impl Fn(usize) -> A, join: &impl Fn(A, A) -> A) -> A {
    let len = hi - lo;
    if len == 1 {
        return f(lo);
    }
    let split = 1usize << (usize::BITS - 1 - (len - 1).leading_zeros());
    join(tree(lo, lo + split, f, join), tree(lo + split, hi, f, join))
}

/// Merges each reduced axis into the one before it where they step as one
/// (extent, stride; C order).
fn merge(red: Vec<(usize, isize)>) -> Vec<(usize, isize)> {
    let mut merged: Vec<(usize, isize)> = Vec::with_capacity(red.len());
    for (d, s) in red {
        match merged.last_mut() {
            Some((pd, ps)) if *ps == s * d as isize => {
                *pd *= d;
                *ps = s;
            }
            _ => merged.push((d, s)),
        }
    }
    merged
}

/// A vector of `n` copies of `v` (partial results, a scratch row), or
/// OUT_OF_MEMORY instead of an abort.
pub(crate) fn scratch<A: Clone>(n: usize, v: A) -> Result<Vec<A>> {
    let mut s = Vec::new();
    s.try_reserve_exact(n).map_err(|_| Error::new(ErrorKind::OutOfMemory, format!("could not allocate {n} partial results")))?;
    s.resize(n, v);
    Ok(s)
}

/// Stores `v` at element `off` of `out`, converted to its dtype.
///
/// # Safety
/// `off` must be an element of `out`.
pub(crate) unsafe fn put(out: &RawArray, off: isize, v: f64) {
    match out.dtype {
        DType::F32 => *(out.data as *mut f32).offset(off) = v as f32,
        DType::F64 => *(out.data as *mut f64).offset(off) = v,
        DType::I64 => *(out.data as *mut i64).offset(off) = v as i64,
        DType::I32 => *(out.data as *mut i32).offset(off) = v as i32,
        DType::U8 => *(out.data as *mut u8).offset(off) = v as u8,
    }
}
