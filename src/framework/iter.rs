//! Dimension coalescing and chunked strided iteration over several operands.
//!
//! Operand 0 is the output; the others are inputs already broadcast to its
//! shape. Because elementwise work may visit elements in any order, we may
//! flip, reorder and merge dimensions freely, as long as every operand sees
//! the same transformation.

use super::array::{RawArray, MAX_NDIM};
use std::ops::Range;

/// At most this many operands share one loop (where: out, mask, a, b).
pub const MAX_OPERANDS: usize = 4;

/// A coalesced iteration space: `shape` in C order (last = innermost) and,
/// per operand, a base pointer and strides in elements.
#[derive(Clone, Copy, Debug)]
pub struct Loop<const K: usize> {
    pub ndim: usize,
    pub shape: [usize; MAX_NDIM],
    pub strides: [[isize; MAX_NDIM]; K],
    pub bases: [*mut u8; K],
    pub elem_size: [usize; K],
}

// SAFETY: plain metadata; the caller of `for_each_run` answers for the memory.
unsafe impl<const K: usize> Send for Loop<K> {}
unsafe impl<const K: usize> Sync for Loop<K> {}

impl<const K: usize> Loop<K> {
    /// Builds the coalesced loop. All operands must have the same shape.
    #[inline(always)] // built in the caller's frame, not returned through memcpy
    pub fn new(ops: [&RawArray; K]) -> Self {
        let out = ops[0];
        let mut lp = Loop {
            ndim: 0,
            shape: [1; MAX_NDIM],
            strides: [[0; MAX_NDIM]; K],
            bases: [std::ptr::null_mut(); K],
            elem_size: [0; K],
        };
        for (j, op) in ops.iter().enumerate() {
            debug_assert_eq!(op.shape(), out.shape());
            lp.bases[j] = op.data;
            lp.elem_size[j] = op.dtype.size();
        }
        // Keep dims of extent > 1; flip those the output walks backwards.
        // (On the stack: a small call allocates nothing.)
        let mut dim_buf = [0usize; MAX_NDIM];
        let mut nd = 0;
        for k in 0..out.ndim {
            if out.shape[k] != 1 {
                dim_buf[nd] = k;
                nd += 1;
            }
        }
        let dims = &mut dim_buf[..nd];
        for &k in dims.iter() {
            if out.strides[k] < 0 {
                let n = out.shape[k] as isize - 1;
                for (j, op) in ops.iter().enumerate() {
                    let s = op.strides[k];
                    lp.bases[j] = lp.bases[j].wrapping_offset(n.wrapping_mul(s).wrapping_mul(lp.elem_size[j] as isize));
                }
            }
        }
        let stride = |j: usize, k: usize| -> isize { if out.strides[k] < 0 { -ops[j].strides[k] } else { ops[j].strides[k] } };
        // Largest output stride outermost; ties broken by the inputs'
        // strides (a stable insertion sort: at most 8 dims).
        let key = |k: usize| -> [usize; K] { std::array::from_fn(|j| stride(j, k).unsigned_abs()) };
        for i in 1..dims.len() {
            let mut p = i;
            while p > 0 && key(dims[p - 1]) < key(dims[p]) {
                dims.swap(p - 1, p);
                p -= 1;
            }
        }
        for &k in dims.iter() {
            let d = lp.ndim;
            let mergeable = d > 0
                && (0..K).all(|j| lp.strides[j][d - 1] == stride(j, k).wrapping_mul(out.shape[k] as isize));
            if mergeable {
                lp.shape[d - 1] *= out.shape[k];
                for j in 0..K {
                    lp.strides[j][d - 1] = stride(j, k);
                }
            } else {
                lp.shape[d] = out.shape[k];
                for j in 0..K {
                    lp.strides[j][d] = stride(j, k);
                }
                lp.ndim += 1;
            }
        }
        if out.size() == 0 {
            lp.ndim = 1;
            lp.shape[0] = 0;
        }
        lp
    }

    /// Total number of elements.
    pub fn size(&self) -> usize {
        self.shape[..self.ndim].iter().product()
    }
    /// Extent of the innermost dimension (1 for a scalar loop).
    pub fn inner_len(&self) -> usize {
        if self.ndim == 0 {
            1
        } else {
            self.shape[self.ndim - 1]
        }
    }

    /// Calls `f(n, ptrs, inner_strides)` for each run of the linear (C-order)
    /// element range `range`; runs never cross the innermost dimension.
    ///
    /// # Safety
    /// The loop's operands must be valid for the accesses `f` makes.
    #[inline]
    pub unsafe fn for_each_run(&self, range: Range<usize>, mut f: impl FnMut(usize, [*mut u8; K], [isize; K])) {
        self.for_each_block(range, |b| b.each_row(&mut f));
    }

    /// Calls `f(block)` for the runs of the linear (C-order) element range
    /// `range`, grouped: consecutive whole rows of the innermost dimension
    /// that share the next-outer index form one block (so a kernel that
    /// walks the rows itself pays one call for a (32, 5) + (5,) broadcast,
    /// not 32); a partial row is a block of one row.
    ///
    /// # Safety
    /// The loop's operands must be valid for the accesses `f` makes.
    #[inline]
    pub unsafe fn for_each_block(&self, range: Range<usize>, mut f: impl FnMut(&Block<K>)) {
        if range.is_empty() {
            return;
        }
        let nd = self.ndim.max(1);
        let inner = if self.ndim == 0 { 1 } else { self.shape[nd - 1] };
        let mut block = Block { rows: 1, n: 0, ptrs: self.bases, strides: [0; K], row_bytes: [0; K] };
        if self.ndim > 0 {
            for j in 0..K {
                block.strides[j] = self.strides[j][nd - 1];
            }
        }
        if self.ndim > 1 {
            for j in 0..K {
                block.row_bytes[j] = self.strides[j][nd - 2] * self.elem_size[j] as isize;
            }
        }
        // Multi-index of range.start.
        let mut idx = [0usize; MAX_NDIM];
        let mut rem = range.start;
        for k in (0..self.ndim).rev() {
            idx[k] = rem % self.shape[k];
            rem /= self.shape[k];
        }
        let mut pos = range.start;
        while pos < range.end {
            for j in 0..K {
                let mut off = 0isize;
                for k in 0..self.ndim {
                    off += idx[k] as isize * self.strides[j][k];
                }
                block.ptrs[j] = self.bases[j].wrapping_offset(off * self.elem_size[j] as isize);
            }
            let start_inner = if self.ndim == 0 { 0 } else { idx[nd - 1] };
            // Whole rows from here, within the range and the next-outer dimension.
            let rows = if self.ndim > 1 && start_inner == 0 { ((range.end - pos) / inner).min(self.shape[nd - 2] - idx[nd - 2]) } else { 0 };
            let dim = if rows > 0 {
                (block.rows, block.n) = (rows, inner);
                nd - 2
            } else {
                (block.rows, block.n) = (1, (inner - start_inner).min(range.end - pos));
                nd - 1
            };
            f(&block);
            pos += block.rows * block.n;
            // Advance the multi-index past this block.
            if self.ndim > 0 {
                idx[dim] += if rows > 0 { rows } else { block.n };
                let mut k = dim;
                while idx[k] >= self.shape[k] && k > 0 {
                    idx[k] = 0;
                    k -= 1;
                    idx[k] += 1;
                }
            }
        }
    }
}

/// `rows` runs of `n` elements: run r of operand j starts at
/// `ptrs[j] + r * row_bytes[j]` and steps `strides[j]` elements.
#[derive(Clone, Copy, Debug)]
pub struct Block<const K: usize> {
    pub rows: usize,
    pub n: usize,
    pub ptrs: [*mut u8; K],
    pub strides: [isize; K],
    pub row_bytes: [isize; K],
}

impl<const K: usize> Block<K> {
    /// One run: `n` elements at `ptrs`.
    pub fn single(n: usize, ptrs: [*mut u8; K], strides: [isize; K]) -> Self {
        Block { rows: 1, n, ptrs, strides, row_bytes: [0; K] }
    }
    /// Calls `f(n, ptrs, strides)` for each row, for a kernel without a
    /// loop over rows of its own.
    #[inline]
    pub fn each_row(&self, mut f: impl FnMut(usize, [*mut u8; K], [isize; K])) {
        let mut ptrs = self.ptrs;
        for _ in 0..self.rows {
            f(self.n, ptrs, self.strides);
            for j in 0..K {
                ptrs[j] = ptrs[j].wrapping_offset(self.row_bytes[j]);
            }
        }
    }
    /// The row strides in elements of size `size` (every operand's).
    pub fn row_strides(&self, size: usize) -> [isize; K] {
        self.row_bytes.map(|b| b / size as isize)
    }
}

/// One view's runs in the C order of its logical index, never reordered or
/// flipped (unlike [`Loop`]): for work whose value depends on the index
/// (random fills) or whose order is part of the result (mask selection).
/// Adjacent axes merge only when they are one run in C order.
#[derive(Clone, Copy, Debug)]
pub struct CRuns {
    ndim: usize,
    shape: [usize; MAX_NDIM],
    strides: [isize; MAX_NDIM],
    base: *mut u8,
    elem_size: usize,
}

// SAFETY: plain metadata; the caller of `for_each_run` answers for the memory.
unsafe impl Send for CRuns {}
unsafe impl Sync for CRuns {}

impl CRuns {
    pub fn new(a: &RawArray) -> Self {
        let mut r = CRuns { ndim: 0, shape: [1; MAX_NDIM], strides: [0; MAX_NDIM], base: a.data, elem_size: a.dtype.size() };
        if a.size() == 0 {
            // No element: the strides (unchecked for an empty view) do not matter.
            r.ndim = 1;
            r.shape[0] = 0;
            return r;
        }
        for k in 0..a.ndim {
            let (n, s) = (a.shape[k], a.strides[k]);
            if n == 1 {
                continue;
            }
            let d = r.ndim;
            if d > 0 && r.strides[d - 1] == s * n as isize {
                r.shape[d - 1] *= n;
                r.strides[d - 1] = s;
            } else {
                r.shape[d] = n;
                r.strides[d] = s;
                r.ndim += 1;
            }
        }
        r
    }

    /// The stride of element i from element 0 when the whole view is one
    /// run (i * stride), else None.
    pub fn flat_stride(&self) -> Option<isize> {
        match self.ndim {
            0 => Some(1),
            1 => Some(self.strides[0]),
            _ => None,
        }
    }

    /// Calls `f(index, n, ptr, stride)` for each run of the C-order index
    /// range `range`: elements `index .. index + n` at `ptr`, `stride`
    /// elements apart. Runs never cross the innermost (merged) axis.
    ///
    /// # Safety
    /// The view must be valid for the accesses `f` makes.
    pub unsafe fn for_each_run(&self, range: Range<usize>, mut f: impl FnMut(usize, usize, *mut u8, isize)) {
        if range.is_empty() {
            return;
        }
        if self.ndim == 0 {
            return f(0, 1, self.base, 1);
        }
        let nd = self.ndim;
        let mut idx = [0usize; MAX_NDIM];
        let mut rem = range.start;
        for k in (0..nd).rev() {
            idx[k] = rem % self.shape[k];
            rem /= self.shape[k];
        }
        let mut pos = range.start;
        while pos < range.end {
            let off: isize = (0..nd).map(|k| idx[k] as isize * self.strides[k]).sum();
            let n = (self.shape[nd - 1] - idx[nd - 1]).min(range.end - pos);
            f(pos, n, self.base.wrapping_offset(off * self.elem_size as isize), self.strides[nd - 1]);
            pos += n;
            idx[nd - 1] += n;
            let mut k = nd - 1;
            while idx[k] >= self.shape[k] && k > 0 {
                idx[k] = 0;
                k -= 1;
                idx[k] += 1;
            }
        }
    }
}
