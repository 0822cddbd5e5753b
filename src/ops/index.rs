//! Indexing (issue 22, item 3): take along an axis, gather by several index
//! arrays (`x[rows, cols]`), put along an axis, boolean-mask selection,
//! compress by a 1-D mask, nonzero. Any fixed-size dtype: elements move as
//! bytes. Every index and shape is checked before anything is written.

use super::exec::{contiguous_copy, Exec, CHUNK};
use crate::dtype::DType;
use crate::error::{fail, named, shape_str, Error, ErrorKind, Result};
use crate::framework::array::{ArrayView, ArrayViewMut, RawArray, MAX_NDIM};
use crate::framework::iter::{CRuns, Loop};
use crate::framework::overlap::may_overlap;
use crate::framework::threads::{run_chunks, Shared};
use crate::framework::views::{broadcast_shapes, broadcast_to, normalize_axis};
use crate::Element;

/// How `take` treats an index outside the axis (NumPy's `mode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TakeMode {
    /// Negative indices count from the end; anything else outside is an error.
    Raise,
    /// Indices wrap around (modulo the extent).
    Wrap,
    /// Indices clip to 0 ..= extent - 1 (negative ones to 0, as NumPy).
    Clip,
}

impl TakeMode {
    pub fn from_code(code: i32) -> Result<TakeMode> {
        match code {
            0 => Ok(TakeMode::Raise),
            1 => Ok(TakeMode::Wrap),
            2 => Ok(TakeMode::Clip),
            _ => fail(ErrorKind::InvalidArgument, format!("mode {code} is not NUMKERN_TAKE_RAISE, _WRAP or _CLIP")),
        }
    }
}

fn try_vec<T: Clone>(n: usize, fill: T) -> Result<Vec<T>> {
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|_| Error::new(ErrorKind::OutOfMemory, format!("could not allocate {n} indices")))?;
    v.resize(n, fill);
    Ok(v)
}

/// Calls `f(position, value)` for an i32/i64 index array's values in C order.
unsafe fn each_index(idx: &RawArray, mut f: impl FnMut(usize, i64)) {
    CRuns::new(idx).for_each_run(0..idx.size(), |at, n, p, s| {
        for k in 0..n {
            f(at + k, match idx.dtype {
                DType::I32 => i64::from((p as *const i32).offset(k as isize * s).read_unaligned()),
                _ => (p as *const i64).offset(k as isize * s).read_unaligned(),
            });
        }
    });
}

/// Calls `f(position in C order, position along the axis)` for each index
/// `check` accepts; the error names the first index it rejects.
unsafe fn each_position(idx: &RawArray, check: Resolver, mut f: impl FnMut(usize, i64)) -> Result<()> {
    let mut bad = None;
    each_index(idx, |at, i| match check.position(i) {
        Ok(p) => f(at, p),
        Err(e) => {
            bad.get_or_insert(e);
        }
    });
    bad.map_or(Ok(()), Err)
}

/// An index array's positions along an axis of `extent` (by `mode`), in C
/// order, or the error naming the first bad index.
unsafe fn resolve_indices(idx: &RawArray, extent: usize, axis: usize, mode: TakeMode, writes: bool) -> Result<Vec<i64>> {
    let mut v = try_vec(idx.size(), 0i64)?;
    each_position(idx, Resolver::new(extent, axis, mode, writes && idx.size() > 0)?, |at, p| v[at] = p)?;
    Ok(v)
}

fn require_index_dtype(idx: &RawArray, what: &str) -> Result<()> {
    match idx.dtype {
        DType::I32 | DType::I64 => Ok(()),
        d => fail(ErrorKind::Dtype, format!("{what} must be int32 or int64, got {}", d.name())),
    }
}

/// Turns indices into positions in 0..extent along `axis` by `mode`.
#[derive(Clone, Copy)]
struct Resolver {
    extent: i64,
    axis: usize,
    mode: TakeMode,
}

impl Resolver {
    /// `writes`: whether indices meet a result with elements (NumPy lets an
    /// empty result take from an empty axis).
    fn new(extent: usize, axis: usize, mode: TakeMode, writes: bool) -> Result<Resolver> {
        if extent == 0 && writes {
            return fail(ErrorKind::InvalidArgument, "cannot do a non-empty take from an empty axes.");
        }
        Ok(Resolver { extent: extent as i64, axis, mode })
    }

    #[inline]
    fn position(&self, i: i64) -> Result<i64> {
        let n = self.extent;
        Ok(match self.mode {
            TakeMode::Raise if i >= n || i < -n => {
                return fail(ErrorKind::InvalidArgument, format!("index {i} is out of bounds for axis {} with size {n}", self.axis));
            }
            TakeMode::Raise | TakeMode::Wrap => i.rem_euclid(n.max(1)),
            TakeMode::Clip => i.clamp(0, (n - 1).max(0)),
        })
    }
}

/// `lead` followed by `mid` and `tail`, at most MAX_NDIM long.
fn joined_shape(lead: &[usize], mid: &[usize], tail: &[usize]) -> Result<Vec<usize>> {
    let want = [lead, mid, tail].concat();
    if want.len() > MAX_NDIM {
        return fail(ErrorKind::ShapeMismatch, format!("the result would have {} dimensions (at most {MAX_NDIM})", want.len()));
    }
    Ok(want)
}

fn require_same_dtype(x: &RawArray, out: &RawArray) -> Result<()> {
    if x.dtype != out.dtype {
        return fail(ErrorKind::Dtype, format!("x is {} and out is {}", x.dtype.name(), out.dtype.name()));
    }
    Ok(())
}

/// Row r of a take/put as (outer index, index position) for `nidx` indices
/// along axis `ax` (no division when there is no outer axis).
#[inline]
fn split_row(r: usize, nidx: usize, ax: usize) -> (usize, usize) {
    if ax == 0 { (0, r) } else { (r / nidx, r % nidx) }
}

/// The element offset of C-order index `i` (< the shape's size) over `shape` with `strides`.
#[inline]
fn offset_of(mut i: usize, shape: &[usize], strides: &[isize]) -> isize {
    if shape.len() == 1 {
        return i as isize * strides[0]; // the common case, without a division
    }
    let mut off = 0isize;
    for k in (0..shape.len()).rev() {
        off += (i % shape[k]) as isize * strides[k];
        i /= shape[k];
    }
    off
}

fn require_shape(out: &RawArray, want: &[usize], what: &str) -> Result<()> {
    if out.shape() != want {
        return fail(ErrorKind::ShapeMismatch, format!("out has shape {}, {what} has shape {}", shape_str(out.shape()), shape_str(want)));
    }
    Ok(())
}

/// Copies one row (x's trailing axes) between two views of one row shape.
#[derive(Clone, Copy)]
struct RowCopier {
    lp: Loop<2>,
    row_len: usize,
    size: usize,
    /// Both rows are one contiguous run: a single memcpy.
    whole: bool,
    /// The loop's bases relative to the row starts (negative strides flip them).
    shift: [isize; 2],
}

impl RowCopier {
    /// For rows made of the trailing `plane` axes of x (the source) and out.
    fn new(x: &RawArray, out: &RawArray, plane: usize) -> Result<RowCopier> {
        let (xl, ol) = (x.ndim - plane, out.ndim - plane);
        let x_plane = RawArray::new(x.data, x.dtype, &x.shape()[xl..], &x.strides()[xl..], "x")?;
        let o_plane = RawArray::new(out.data, out.dtype, &out.shape()[ol..], &out.strides()[ol..], "out")?;
        let lp = Loop::<2>::new([&o_plane, &x_plane]);
        let whole = lp.size() <= 1 || (lp.ndim == 1 && lp.strides[0][0] == 1 && lp.strides[1][0] == 1);
        let shift = [lp.bases[0] as isize - out.data as isize, lp.bases[1] as isize - x.data as isize];
        Ok(RowCopier { lp, row_len: x_plane.size(), size: x.dtype.size(), whole, shift })
    }

    /// Copies the row at `from` to the row at `to`.
    ///
    /// # Safety
    /// Both must be rows of the views this was built for.
    #[inline]
    unsafe fn copy(&self, to: *mut u8, from: *const u8) {
        if self.whole {
            core::ptr::copy_nonoverlapping(from, to, self.row_len * self.size);
            return;
        }
        let mut l = self.lp;
        l.bases = [to.wrapping_offset(self.shift[0]), (from as *mut u8).wrapping_offset(self.shift[1])];
        let size = self.size as isize;
        l.for_each_run(0..self.row_len, |n, p, s| {
            for k in 0..n as isize {
                core::ptr::copy_nonoverlapping(p[1].offset(k * s[1] * size), p[0].offset(k * s[0] * size), self.size);
            }
        });
    }
}

/// Copies rows from `from` to `to`, whose trailing `plane` axes have one
/// shape: `place(r)` gives the element offsets (in `to`, in `from`) of row
/// r in 0..rows, or None to skip it. Placed rows must not share a
/// destination (they are split among threads).
unsafe fn copy_rows(exec: Exec, from: &RawArray, to: &RawArray, plane: usize, rows: usize, place: impl Fn(usize) -> Option<(isize, isize)> + Sync) -> Result<()> {
    let rc = RowCopier::new(from, to, plane)?;
    let size = rc.size as isize;
    if rc.whole {
        // Rows of 1 to 16 bytes (single elements) in a tight loop: a call per
        // row would leave only a few of a gather's cache misses in flight.
        match rc.row_len * rc.size {
            1 => return Ok(copy_small_rows::<u8>(exec, from, to, size, rows, place)),
            2 => return Ok(copy_small_rows::<u16>(exec, from, to, size, rows, place)),
            4 => return Ok(copy_small_rows::<u32>(exec, from, to, size, rows, place)),
            8 => return Ok(copy_small_rows::<u64>(exec, from, to, size, rows, place)),
            16 => return Ok(copy_small_rows::<u128>(exec, from, to, size, rows, place)),
            _ => {}
        }
    }
    let (fd, td) = (Shared(from.data), Shared(to.data));
    let chunk = (CHUNK / rc.row_len.max(1)).max(1);
    // Short contiguous rows are prefetched a few rows ahead (their lines).
    let row_bytes = rc.row_len * rc.size;
    let (ahead, lines) = if rc.whole && row_bytes <= 1024 { (PREFETCH_ROWS / 2, row_bytes.div_ceil(64)) } else { (0, 0) };
    run_chunks(rows, chunk, exec.threads_for(rows.saturating_mul(rc.row_len)), |range| {
        let end = range.end;
        for r in range {
            if let Some((t, f)) = (lines > 0 && r + ahead < end).then(|| place(r + ahead)).flatten() {
                // Either side may be the random one (take reads, put writes at random).
                let (p, q) = (fd.get().wrapping_offset(f * size), td.get().wrapping_offset(t * size));
                for k in 0..lines {
                    prefetch(p.wrapping_add(64 * k));
                    prefetch(q.wrapping_add(64 * k));
                }
            }
            if let Some((t, f)) = place(r) {
                // SAFETY: both are rows of the validated views.
                rc.copy(td.get().wrapping_offset(t * size), fd.get().wrapping_offset(f * size));
            }
        }
    });
    Ok(())
}

/// How far ahead copy_small_rows prefetches its sources.
const PREFETCH_ROWS: usize = 16;

/// Hints that the line at `p` will be read soon; never faults.
#[inline(always)]
fn prefetch(p: *const u8) {
    // SAFETY: a prefetch never faults, whatever the address.
    #[cfg(target_arch = "x86_64")]
    unsafe {
        core::arch::x86_64::_mm_prefetch::<{ core::arch::x86_64::_MM_HINT_T0 }>(p as *const i8)
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// copy_rows for contiguous rows of exactly size_of::<T>() bytes; offsets
/// are in elements of `size` bytes.
unsafe fn copy_small_rows<T: Copy>(exec: Exec, from: &RawArray, to: &RawArray, size: isize, rows: usize, place: impl Fn(usize) -> Option<(isize, isize)> + Sync) {
    let (fd, td) = (Shared(from.data), Shared(to.data));
    run_chunks(rows, CHUNK, exec.threads_for(rows), |range| {
        let (f0, t0) = (fd.get(), td.get());
        let end = range.end;
        for r in range {
            // Random rows miss the cache: ask for one PREFETCH_ROWS ahead.
            if let Some((_, f)) = (r + PREFETCH_ROWS < end).then(|| place(r + PREFETCH_ROWS)).flatten() {
                prefetch(f0.wrapping_offset(f * size));
            }
            if let Some((t, f)) = place(r) {
                // SAFETY: both are rows of the validated views.
                let v = (f0.wrapping_offset(f * size) as *const T).read_unaligned();
                (t0.wrapping_offset(t * size) as *mut T).write_unaligned(v);
            }
        }
    });
}

/// The number of rows of `a` when its trailing `plane` axes are a row.
fn row_count(a: &RawArray, plane: usize) -> usize {
    let row: usize = a.shape()[a.ndim - plane..].iter().product();
    if row == 0 { 0 } else { a.size() / row }
}

/// out = np.take(x, indices, axis, mode=mode): out's shape is
/// x.shape[:axis] + indices.shape + x.shape[axis+1:].
///
/// # Safety
/// Valid views; `out` writable.
pub unsafe fn take_raw(exec: Exec, x: &RawArray, indices: &RawArray, axis: i64, mode: TakeMode, out: &RawArray) -> Result<()> {
    require_index_dtype(indices, "indices")?;
    if x.ndim == 0 {
        return fail(ErrorKind::ShapeMismatch, "x must be at least 1-D");
    }
    let ax = normalize_axis(axis, x.ndim)?;
    require_same_dtype(x, out)?;
    let want = joined_shape(&x.shape()[..ax], indices.shape(), &x.shape()[ax + 1..])?;
    require_shape(out, &want, "the take")?;
    out.check_writable("out")?;
    let idx = resolve_indices(indices, x.shape[ax], ax, mode, out.size() > 0)?;
    if out.size() == 0 {
        // Nothing to write; x's other axes may hold strides no element uses.
        return Ok(());
    }
    let mut temps = Vec::new();
    let x = if may_overlap(x, out) { contiguous_copy(exec, x, &mut temps)? } else { *x };
    let nidx = idx.len();
    let plane = x.ndim - ax - 1;
    let (outer_shape, outer_strides, step) = (&x.shape()[..ax], &x.strides()[..ax], x.strides[ax]);
    let (lead_shape, lead_strides) = (&out.shape()[..out.ndim - plane], &out.strides()[..out.ndim - plane]);
    copy_rows(exec, &x, out, plane, row_count(out, plane), |r| {
        let (o, j) = split_row(r, nidx, ax);
        Some((offset_of(r, lead_shape, lead_strides), offset_of(o, outer_shape, outer_strides) + idx[j] as isize * step))
    })
}

/// out = x[indices[0], ..., indices[n-1]] (NumPy's integer-array indexing of
/// x's first n axes): the index arrays broadcast together to a shape B and
/// out has shape B + x.shape[n:].
///
/// # Safety
/// Valid views; `out` writable.
pub unsafe fn gather_raw(exec: Exec, x: &RawArray, indices: &[RawArray], mode: TakeMode, out: &RawArray) -> Result<()> {
    let n = indices.len();
    if n == 0 || n > x.ndim {
        return fail(ErrorKind::InvalidArgument, format!("too many indices for array: array is {}-dimensional, but {n} were indexed", x.ndim));
    }
    for (k, idx) in indices.iter().enumerate() {
        require_index_dtype(idx, &format!("indices[{k}]"))?;
    }
    require_same_dtype(x, out)?;
    let shapes: Vec<&[usize]> = indices.iter().map(|i| i.shape()).collect();
    let b = broadcast_shapes(&shapes).map_err(|e| {
        let listed: Vec<String> = shapes.iter().map(|s| shape_str(s)).collect();
        Error::new(e.kind, format!("shape mismatch: indexing arrays could not be broadcast together with shapes {}", listed.join(" ")))
    })?;
    let want = joined_shape(&b, &[], &x.shape()[n..])?;
    require_shape(out, &want, "the gather")?;
    out.check_writable("out")?;
    // Each output row's element offset in x: the sum over the index arrays.
    let mut offsets = try_vec(b.iter().product(), 0isize)?;
    for (k, idx) in indices.iter().enumerate() {
        let (check, stride) = (Resolver::new(x.shape[k], k, mode, out.size() > 0 && idx.size() > 0)?, x.strides[k]);
        each_position(&broadcast_to(idx, &b)?, check, |at, p| offsets[at] += p as isize * stride)?;
    }
    if out.size() == 0 {
        return Ok(());
    }
    let mut temps = Vec::new();
    let x = if may_overlap(x, out) { contiguous_copy(exec, x, &mut temps)? } else { *x };
    let plane = x.ndim - n;
    let (lead_shape, lead_strides) = (&out.shape()[..b.len()], &out.strides()[..b.len()]);
    copy_rows(exec, &x, out, plane, offsets.len(), |r| Some((offset_of(r, lead_shape, lead_strides), offsets[r])))
}

/// out[..., indices[j...], ...] = values[..., j..., ...] along `axis`
/// (NumPy's `out[:, idx] = values` for axis 1): values broadcast to
/// out.shape[:axis] + indices.shape + out.shape[axis+1:]. When an index
/// repeats, the last one in C order of `indices` wins, for any thread count.
///
/// # Safety
/// Valid views; `out` writable.
pub unsafe fn put_raw(exec: Exec, values: &RawArray, indices: &RawArray, axis: i64, mode: TakeMode, out: &RawArray) -> Result<()> {
    require_index_dtype(indices, "indices")?;
    if out.ndim == 0 {
        return fail(ErrorKind::ShapeMismatch, "out must be at least 1-D");
    }
    let ax = normalize_axis(axis, out.ndim)?;
    if values.dtype != out.dtype {
        return fail(ErrorKind::Dtype, format!("values is {} and out is {}", values.dtype.name(), out.dtype.name()));
    }
    let want = joined_shape(&out.shape()[..ax], indices.shape(), &out.shape()[ax + 1..])?;
    let fits = broadcast_to(values, &want).map_err(|e| {
        Error::new(e.kind, format!("shape mismatch: value array of shape {} could not be broadcast to indexing result of shape {}", shape_str(values.shape()), shape_str(&want)))
    })?;
    out.check_writable("out")?;
    let writes = fits.size() > 0;
    let idx = resolve_indices(indices, out.shape[ax], ax, mode, writes)?;
    if !writes {
        return Ok(());
    }
    // keep[j]: whether no later index repeats idx[j] (only that row is
    // written). Without repeats (a permutation) every row is kept.
    let mut winner = try_vec(out.shape[ax], usize::MAX)?;
    let mut repeats = false;
    for (j, &p) in idx.iter().enumerate() {
        repeats |= winner[p as usize] != usize::MAX;
        winner[p as usize] = j;
    }
    let mut keep = try_vec(if repeats { idx.len() } else { 0 }, false)?;
    for (j, k) in keep.iter_mut().enumerate() {
        *k = winner[idx[j] as usize] == j;
    }
    drop(winner);
    let mut temps = Vec::new();
    let values = if may_overlap(values, out) { broadcast_to(&contiguous_copy(exec, values, &mut temps)?, &want)? } else { fits };
    let (nidx, plane) = (idx.len(), out.ndim - ax - 1);
    let (outer_shape, outer_strides, step) = (&out.shape()[..ax], &out.strides()[..ax], out.strides[ax]);
    let (lead_shape, lead_strides) = (&values.shape()[..values.ndim - plane], &values.strides()[..values.ndim - plane]);
    copy_rows(exec, &values, out, plane, row_count(&values, plane), |r| {
        let (o, j) = split_row(r, nidx, ax);
        (!repeats || keep[j]).then(|| (offset_of(o, outer_shape, outer_strides) + idx[j] as isize * step, offset_of(r, lead_shape, lead_strides)))
    })
}

/// The mask's C-order runs as (position, u8 pointer, stride) chunks: the
/// number of true elements per chunk of CHUNK positions.
unsafe fn count_chunks(exec: Exec, mask: &RawArray) -> Result<Vec<usize>> {
    let total = mask.size();
    let chunks = total.div_ceil(CHUNK);
    let mut counts = try_vec(chunks, 0usize)?;
    let runs = CRuns::new(mask);
    let slots = Shared(counts.as_mut_ptr());
    run_chunks(total, CHUNK, exec.threads_for(total), |range| {
        let mut c = 0usize;
        runs.for_each_run(range.clone(), |_, n, p, s| {
            if s == 1 {
                // Contiguous: a loop the compiler vectorizes.
                c += core::slice::from_raw_parts(p, n).iter().map(|&m| (m != 0) as usize).sum::<usize>();
            } else {
                for k in 0..n as isize {
                    c += (*p.offset(k * s) != 0) as usize;
                }
            }
        });
        // SAFETY: one chunk, one slot.
        *slots.get().add(range.start / CHUNK) = c;
    });
    Ok(counts)
}

/// out = x[mask] (NumPy's boolean indexing): mask is u8 with the shape of
/// x's leading mask.ndim axes; out is (count,) + the remaining axes, count
/// being the number of non-zero mask elements (numkern_count_nonzero).
/// Rows are written in the mask's C order; nothing past `count`.
///
/// # Safety
/// Valid views; `out` writable.
pub unsafe fn mask_select_raw(exec: Exec, x: &RawArray, mask: &RawArray, out: &RawArray) -> Result<()> {
    if mask.dtype != DType::U8 {
        return fail(ErrorKind::Dtype, format!("mask must be uint8 (bool), got {}", mask.dtype.name()));
    }
    if mask.ndim == 0 || mask.ndim > x.ndim {
        return fail(ErrorKind::ShapeMismatch, format!("too many indices: a mask of shape {} for an array of shape {}", shape_str(mask.shape()), shape_str(x.shape())));
    }
    for d in 0..mask.ndim {
        if mask.shape[d] != x.shape[d] {
            return fail(
                ErrorKind::ShapeMismatch,
                format!("boolean index did not match indexed array along axis {d}; size of axis is {} but size of corresponding boolean axis is {}", x.shape[d], mask.shape[d]),
            );
        }
    }
    require_same_dtype(x, out)?;
    let counts = count_chunks(exec, mask)?;
    let count: usize = counts.iter().sum();
    let mut want = vec![count];
    want.extend_from_slice(&x.shape()[mask.ndim..]);
    require_shape(out, &want, "x[mask]")?;
    out.check_writable("out")?;
    if out.size() == 0 {
        return Ok(());
    }
    let mut temps = Vec::new();
    let x = if may_overlap(x, out) { contiguous_copy(exec, x, &mut temps)? } else { *x };
    // Each chunk of mask positions starts writing at the count before it.
    let mut starts = try_vec(counts.len(), 0usize)?;
    let mut acc = 0;
    for (s, c) in starts.iter_mut().zip(&counts) {
        *s = acc;
        acc += c;
    }
    let k = mask.ndim;
    let row_len: usize = x.shape()[k..].iter().product();
    let size = x.dtype.size() as isize;
    let runs = CRuns::new(mask);
    let (lead_shape, lead_strides) = (&x.shape()[..k], &x.strides()[..k]);
    let (xd, od, o_step) = (Shared(x.data), Shared(out.data), out.strides[0]);
    let rc = RowCopier::new(&x, out, x.ndim - k)?;
    let threads = exec.threads_for(mask.size().saturating_mul(row_len.max(1)));
    if let (true, Some(xs), Some(ms)) = (x.ndim == k, CRuns::new(&x).flat_stride(), runs.flat_stride()) {
        // Elements of one-run views: branch-free compaction.
        let (md, os) = (Shared(mask.data), out.strides[0]);
        run_chunks(mask.size(), CHUNK, threads, |range| {
            let r = starts[range.start / CHUNK];
            let (xp, mp, op) = (xd.get(), md.get() as *const u8, od.get());
            match size {
                1 => compact(xp as *const u8, xs, mp, ms, range, op, os, r),
                4 => compact(xp as *const u32, xs, mp, ms, range, op as *mut u32, os, r),
                _ => compact(xp as *const u64, xs, mp, ms, range, op as *mut u64, os, r),
            }
        });
        return Ok(());
    }
    run_chunks(mask.size(), CHUNK, threads, |range| {
        let mut r = starts[range.start / CHUNK];
        runs.for_each_run(range, |at, n, p, s| {
            for j in 0..n {
                if *p.offset(j as isize * s) == 0 {
                    continue;
                }
                let from = xd.get().wrapping_offset(offset_of(at + j, lead_shape, lead_strides) * size);
                let to = od.get().wrapping_offset(r as isize * o_step * size);
                rc.copy(to, from);
                r += 1;
            }
        });
    });
    Ok(())
}

/// Writes x[i] for the i in `range` with m[i] != 0 to out[r], out[r + 1], ...
/// through a stack buffer: every element is stored to the buffer and the
/// slot advances only for a selected one (no branch to mispredict), then
/// the selected ones are copied out, so nothing lands past the count.
#[allow(clippy::too_many_arguments)]
unsafe fn compact<T: Copy + Default>(x: *const T, xs: isize, m: *const u8, ms: isize, range: core::ops::Range<usize>, out: *mut T, os: isize, mut r: usize) {
    const B: usize = 256;
    let mut buf = [T::default(); B + 1];
    let mut i = range.start;
    while i < range.end {
        let n = B.min(range.end - i);
        let mut k = 0;
        for j in i..i + n {
            buf[k] = x.offset(j as isize * xs).read_unaligned();
            k += (*m.offset(j as isize * ms) != 0) as usize;
        }
        for (j, v) in buf[..k].iter().enumerate() {
            out.offset((r + j) as isize * os).write_unaligned(*v);
        }
        r += k;
        i += n;
    }
}

/// out = np.compress(mask, x, axis): the positions along `axis` where the
/// 1-D u8 mask is non-zero (len(mask) = x.shape[axis]), in order.
///
/// # Safety
/// Valid views; `out` writable.
pub unsafe fn compress_raw(exec: Exec, mask: &RawArray, x: &RawArray, axis: i64, out: &RawArray) -> Result<()> {
    if mask.dtype != DType::U8 || mask.ndim != 1 {
        return fail(ErrorKind::ShapeMismatch, format!("condition must be a 1-D uint8 (bool) array, got {} of shape {}", mask.dtype.name(), shape_str(mask.shape())));
    }
    let ax = normalize_axis(axis, x.ndim.max(1))?;
    if x.ndim == 0 || mask.shape[0] != x.shape[ax] {
        return fail(ErrorKind::ShapeMismatch, format!("condition has length {} but axis {ax} of x has size {}", mask.shape[0], x.shape.get(ax).copied().unwrap_or(0)));
    }
    let keep = |i: usize| *mask.data.offset(i as isize * mask.strides[0]) != 0;
    let mut positions = try_vec((0..mask.shape[0]).filter(|&i| keep(i)).count(), 0i64)?;
    for (slot, i) in positions.iter_mut().zip((0..mask.shape[0]).filter(|&i| keep(i))) {
        *slot = i as i64;
    }
    let idx = RawArray::new(positions.as_mut_ptr() as *mut u8, DType::I64, &[positions.len()], &[1], "positions")?;
    take_raw(exec, x, &idx, ax as i64, TakeMode::Raise, out)
}

/// Whether the element at p (of `dtype`) is non-zero (NaN is; -0.0 is not).
#[inline]
unsafe fn is_nonzero(p: *const u8, dtype: DType) -> bool {
    match dtype {
        DType::F32 => (p as *const f32).read_unaligned() != 0.0,
        DType::F64 => (p as *const f64).read_unaligned() != 0.0,
        DType::I32 => (p as *const i32).read_unaligned() != 0,
        DType::I64 => (p as *const i64).read_unaligned() != 0,
        DType::U8 => *p != 0,
    }
}

/// out[d, j] = coordinate d of the j-th non-zero element of x in C order
/// (np.nonzero's arrays as the rows of one (ndim, count) int64 array).
///
/// # Safety
/// Valid views; `out` writable.
pub unsafe fn nonzero_raw(x: &RawArray, out: &RawArray) -> Result<()> {
    if out.dtype != DType::I64 {
        return fail(ErrorKind::Dtype, format!("out must be int64, got {}", out.dtype.name()));
    }
    if x.ndim == 0 {
        return fail(ErrorKind::ShapeMismatch, "calling nonzero on 0d arrays is not allowed");
    }
    let runs = CRuns::new(x);
    let size = x.dtype.size() as isize;
    // Visits the C-order positions of x's non-zero elements.
    let each_nonzero = |f: &mut dyn FnMut(usize)| {
        runs.for_each_run(0..x.size(), |at, n, p, s| {
            for k in 0..n {
                if is_nonzero(p.offset(k as isize * s * size), x.dtype) {
                    f(at + k);
                }
            }
        })
    };
    let mut count = 0usize;
    each_nonzero(&mut |_| count += 1);
    require_shape(out, &[x.ndim, count], "nonzero")?;
    out.check_writable("out")?;
    let mut j = 0isize;
    each_nonzero(&mut |i| {
        let mut rem = i;
        for d in (0..x.ndim).rev() {
            let p = out.data.wrapping_offset((d as isize * out.strides[0] + j * out.strides[1]) * 8) as *mut i64;
            p.write_unaligned((rem % x.shape[d]) as i64);
            rem /= x.shape[d];
        }
        j += 1;
    });
    Ok(())
}

/// The safe API.
impl Exec {
    /// out = np.take(x, indices, axis, mode).
    pub fn take<T: Element, I: Element>(&self, x: &ArrayView<T>, indices: &ArrayView<I>, axis: i64, mode: TakeMode, out: &mut ArrayViewMut<T>) -> Result<()> {
        // SAFETY: borrowed valid views; `out` exclusively borrowed.
        named("take", unsafe { take_raw(*self, x.raw(), indices.raw(), axis, mode, out.raw()) })
    }
    /// out = x[indices[0], ..., indices[n-1]]: the index arrays broadcast
    /// together and address x's first n axes.
    pub fn gather<T: Element, I: Element>(&self, x: &ArrayView<T>, indices: &[ArrayView<I>], mode: TakeMode, out: &mut ArrayViewMut<T>) -> Result<()> {
        let raws: Vec<RawArray> = indices.iter().map(|i| *i.raw()).collect();
        named("gather", unsafe { gather_raw(*self, x.raw(), &raws, mode, out.raw()) })
    }
    /// out[..., indices[j], ...] = values[..., j, ...] along `axis`; a
    /// repeated index takes its last value.
    pub fn put<T: Element, I: Element>(&self, values: &ArrayView<T>, indices: &ArrayView<I>, axis: i64, mode: TakeMode, out: &mut ArrayViewMut<T>) -> Result<()> {
        named("put", unsafe { put_raw(*self, values.raw(), indices.raw(), axis, mode, out.raw()) })
    }
    /// out = x[mask], out of shape (count_nonzero(mask),) + x.shape[mask.ndim:].
    pub fn mask_select<T: Element>(&self, x: &ArrayView<T>, mask: &ArrayView<u8>, out: &mut ArrayViewMut<T>) -> Result<()> {
        named("mask_select", unsafe { mask_select_raw(*self, x.raw(), mask.raw(), out.raw()) })
    }
    /// out = np.compress(mask, x, axis).
    pub fn compress<T: Element>(&self, mask: &ArrayView<u8>, x: &ArrayView<T>, axis: i64, out: &mut ArrayViewMut<T>) -> Result<()> {
        named("compress", unsafe { compress_raw(*self, mask.raw(), x.raw(), axis, out.raw()) })
    }
    /// out = np.nonzero(x) as the rows of an (ndim, count) i64 array.
    pub fn nonzero<T: Element>(&self, x: &ArrayView<T>, out: &mut ArrayViewMut<i64>) -> Result<()> {
        named("nonzero", unsafe { nonzero_raw(x.raw(), out.raw()) })
    }
}
