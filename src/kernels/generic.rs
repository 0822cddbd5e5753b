//! The microkernel loops, generic over tier, dtype and op. They see one run:
//! `n` elements per operand at a base pointer with a constant stride (in
//! elements). All-contiguous runs take the unrolled fast path; any other mix
//! of strides (0 = broadcast, negative, > 1) goes lane by lane through a small
//! buffer. Tails use partial loads/stores: nothing outside the run is touched.

use super::ops::{BinaryMap, CompareMap, KernelReal, PredicateMap, UnaryMap};
use super::{CastTo, UnaryParams, TRANSPOSE_TILE};
use crate::dtype::Real;
use crate::simd::{elements_to_boundary, low_bits, Simd, SimdFloat};

const MAX_LANES: usize = 16;

/// Loads lanes `i .. i + m` of a strided run (m <= LANES).
#[inline(always)]
unsafe fn load_run<V: SimdFloat>(p: *const V::Scalar, stride: isize, i: usize, m: usize) -> V {
    if stride == 1 {
        if m == V::LANES {
            V::load(p.add(i))
        } else {
            V::load_partial(p.add(i), m)
        }
    } else if stride == 0 {
        V::splat(*p)
    } else {
        let mut buf = [V::Scalar::from_f64(0.0); MAX_LANES];
        for (j, slot) in buf.iter_mut().enumerate().take(m) {
            *slot = *p.offset((i + j) as isize * stride);
        }
        V::load(buf.as_ptr())
    }
}

/// Stores lanes `0 .. m` to positions `i .. i + m` of a strided run.
#[inline(always)]
unsafe fn store_run<V: SimdFloat>(v: V, p: *mut V::Scalar, stride: isize, i: usize, m: usize) {
    if stride == 1 {
        if m == V::LANES {
            v.store(p.add(i))
        } else {
            v.store_partial(p.add(i), m)
        }
    } else {
        let mut buf = [V::Scalar::from_f64(0.0); MAX_LANES];
        v.store(buf.as_mut_ptr());
        for (j, &val) in buf.iter().enumerate().take(m) {
            *p.offset((i + j) as isize * stride) = val;
        }
    }
}

/// Writes mask lanes `0 .. m` as 0/1 bytes.
#[inline(always)]
unsafe fn store_mask_run<V: SimdFloat>(mask: V::Mask, p: *mut u8, stride: isize, i: usize, m: usize) {
    let bits = V::mask_bits(mask);
    for j in 0..m {
        *p.offset((i + j) as isize * stride) = ((bits >> j) & 1) as u8;
    }
}

/// Reads u8 lanes `i .. i + m` as a mask (non-zero = true).
#[inline(always)]
unsafe fn load_mask_run<V: SimdFloat>(p: *const u8, stride: isize, i: usize, m: usize) -> V::Mask {
    let mut bits = 0u64;
    for j in 0..m {
        bits |= ((*p.offset((i + j) as isize * stride) != 0) as u64) << j;
    }
    V::mask_from_bits(bits & low_bits(m))
}

/// Elements to handle before `p` reaches a 64-byte boundary (long loops only:
/// AVX-512 loads that split cache lines cost ~2x here).
#[inline(always)]
fn peel_to_line<T>(p: *const T, n: usize) -> usize {
    if n < 1024 {
        return 0;
    }
    elements_to_boundary(p as usize, core::mem::size_of::<T>(), 64).min(n)
}

/// Stores four vectors at `p`, `p + LANES`, ...; with `stream`, as
/// streaming stores (`p` then on a 64-byte line).
#[inline(always)]
unsafe fn store4<V: SimdFloat>(v: [V; 4], p: *mut V::Scalar, stream: bool) {
    for (j, v) in v.into_iter().enumerate() {
        if stream {
            v.store_stream(p.add(j * V::LANES))
        } else {
            v.store(p.add(j * V::LANES))
        }
    }
}

/// y = f(x) elementwise. With `stream`, a contiguous run peels to y's
/// 64-byte line and writes with streaming stores, as [`binary_run`].
#[inline(always)]
pub unsafe fn unary_run<S: Simd, T: KernelReal<S>, O: UnaryMap>(
    n: usize,
    x: *const T,
    sx: isize,
    y: *mut T,
    sy: isize,
    p: &UnaryParams,
    stream: bool,
) {
    let a = T::V::splat(T::from_f64(p.a));
    let b = T::V::splat(T::from_f64(p.b));
    let f = |v: T::V| O::apply::<S, T>(v, a, b);
    let l = T::V::LANES;
    let mut i = 0;
    if sx == 1 && sy == 1 {
        let stream = stream && (y as usize) % core::mem::size_of::<T>() == 0;
        let head = if stream { elements_to_boundary(y as usize, core::mem::size_of::<T>(), 64).min(n) } else { peel_to_line(x, n) };
        while i < head {
            let m = l.min(head - i);
            f(T::V::load_partial(x.add(i), m)).store_partial(y.add(i), m);
            i += m;
        }
        while i + 4 * l <= n {
            let v0 = f(T::V::load(x.add(i)));
            let v1 = f(T::V::load(x.add(i + l)));
            let v2 = f(T::V::load(x.add(i + 2 * l)));
            let v3 = f(T::V::load(x.add(i + 3 * l)));
            store4([v0, v1, v2, v3], y.add(i), stream);
            i += 4 * l;
        }
    }
    while i < n {
        let m = l.min(n - i);
        store_run(f(load_run::<T::V>(x, sx, i, m)), y, sy, i, m);
        i += m;
    }
}

/// z = f(x, y) elementwise. With `STREAM` (outputs far larger than the
/// caches), a contiguous run peels to z's 64-byte line and writes with
/// streaming stores: no read-for-ownership of z, a quarter less traffic.
#[inline(always)]
pub unsafe fn binary_run<S: Simd, T: KernelReal<S>, O: BinaryMap, const STREAM: bool>(
    n: usize,
    x: *const T,
    sx: isize,
    y: *const T,
    sy: isize,
    z: *mut T,
    sz: isize,
) {
    let f = |u: T::V, v: T::V| O::apply::<S, T>(u, v);
    let l = T::V::LANES;
    let mut i = 0;
    if sx == 1 && sy == 1 && sz == 1 {
        let stream = STREAM && (z as usize) % core::mem::size_of::<T>() == 0;
        let head = if stream { elements_to_boundary(z as usize, core::mem::size_of::<T>(), 64).min(n) } else { peel_to_line(x, n) };
        while i < head {
            let m = l.min(head - i);
            f(T::V::load_partial(x.add(i), m), T::V::load_partial(y.add(i), m)).store_partial(z.add(i), m);
            i += m;
        }
        while i + 4 * l <= n {
            let r0 = f(T::V::load(x.add(i)), T::V::load(y.add(i)));
            let r1 = f(T::V::load(x.add(i + l)), T::V::load(y.add(i + l)));
            let r2 = f(T::V::load(x.add(i + 2 * l)), T::V::load(y.add(i + 2 * l)));
            let r3 = f(T::V::load(x.add(i + 3 * l)), T::V::load(y.add(i + 3 * l)));
            store4([r0, r1, r2, r3], z.add(i), stream);
            i += 4 * l;
        }
    } else if sz == 1 && (sx == 0 || sy == 0) && (sx | sy) & !1 == 0 {
        // One operand is a broadcast scalar, the other contiguous: splat once.
        let (xs, ys) = (sx == 0, sy == 0);
        let bx = if xs { T::V::splat(*x) } else { T::V::splat(T::from_f64(0.0)) };
        let by = if ys { T::V::splat(*y) } else { T::V::splat(T::from_f64(0.0)) };
        while i + 2 * l <= n {
            let u0 = if xs { bx } else { T::V::load(x.add(i)) };
            let v0 = if ys { by } else { T::V::load(y.add(i)) };
            let u1 = if xs { bx } else { T::V::load(x.add(i + l)) };
            let v1 = if ys { by } else { T::V::load(y.add(i + l)) };
            f(u0, v0).store(z.add(i));
            f(u1, v1).store(z.add(i + l));
            i += 2 * l;
        }
    }
    while i < n {
        let m = l.min(n - i);
        let r = f(load_run::<T::V>(x, sx, i, m), load_run::<T::V>(y, sy, i, m));
        store_run(r, z, sz, i, m);
        i += m;
    }
}

/// [`binary_run`] over `rows` runs, run r of x, y and z at `r * row_strides`
/// (the block contract of `BinaryFn`), the rows in this loop: no call per row.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub unsafe fn binary_rows<S: Simd, T: KernelReal<S>, O: BinaryMap, const STREAM: bool>(
    rows: usize,
    row_strides: [isize; 3],
    n: usize,
    x: *const T,
    sx: isize,
    y: *const T,
    sy: isize,
    z: *mut T,
    sz: isize,
) {
    let [rx, ry, rz] = row_strides;
    // Rows shorter than a vector, x (or y) and z contiguous across them,
    // the other operand the same row each time (the bias add (32,5) +
    // (5,)): one flat run with that row repeated, full vectors instead of
    // a masked one per row.
    let ni = n as isize;
    if n < T::V::LANES && rows > 1 && sx == 1 && sy == 1 && sz == 1 && rz == ni {
        if rx == ni && ry == 0 {
            return binary_periodic::<S, T, O, false>(rows * n, x, y, n, z);
        }
        if rx == 0 && ry == ni {
            return binary_periodic::<S, T, O, true>(rows * n, y, x, n, z);
        }
    }
    for r in 0..rows as isize {
        binary_run::<S, T, O, STREAM>(n, x.wrapping_offset(r * rx), sx, y.wrapping_offset(r * ry), sy, z.wrapping_offset(r * rz), sz)
    }
}

/// z = flat op row (or row op flat with `ROW_FIRST`) over `total` elements,
/// `row` (n < LANES elements) repeated along the contiguous `flat`: the
/// repeated row is laid out once in a buffer of n + LANES, and the vector
/// at flat offset i reads it from phase i mod n.
#[inline(always)]
pub unsafe fn binary_periodic<S: Simd, T: KernelReal<S>, O: BinaryMap, const ROW_FIRST: bool>(
    total: usize,
    flat: *const T,
    row: *const T,
    n: usize,
    z: *mut T,
) {
    let l = T::V::LANES;
    let f = |u: T::V, r: T::V| if ROW_FIRST { O::apply::<S, T>(r, u) } else { O::apply::<S, T>(u, r) };
    let mut pattern = [T::from_f64(0.0); 2 * MAX_LANES];
    let mut k = 0; // j mod n, without a division per element
    for slot in pattern.iter_mut().take(n + l) {
        *slot = *row.add(k);
        k = if k + 1 == n { 0 } else { k + 1 };
    }
    let step = l % n;
    let (mut i, mut phase) = (0, 0);
    while i + l <= total {
        f(T::V::load(flat.add(i)), T::V::load(pattern.as_ptr().add(phase))).store(z.add(i));
        i += l;
        phase += step;
        if phase >= n {
            phase -= n;
        }
    }
    if i < total {
        let m = total - i;
        f(T::V::load_partial(flat.add(i), m), T::V::load_partial(pattern.as_ptr().add(phase), m)).store_partial(z.add(i), m);
    }
}

/// out = (x op y) as 0/1 bytes.
#[inline(always)]
pub unsafe fn compare_run<S: Simd, T: KernelReal<S>, O: CompareMap>(
    n: usize,
    x: *const T,
    sx: isize,
    y: *const T,
    sy: isize,
    out: *mut u8,
    so: isize,
) {
    let l = T::V::LANES;
    let mut i = 0;
    while i < n {
        let m = l.min(n - i);
        let mask = O::apply::<S, T>(load_run::<T::V>(x, sx, i, m), load_run::<T::V>(y, sy, i, m));
        store_mask_run::<T::V>(mask, out, so, i, m);
        i += m;
    }
}

/// out = pred(x) as 0/1 bytes.
#[inline(always)]
pub unsafe fn predicate_run<S: Simd, T: KernelReal<S>, O: PredicateMap>(
    n: usize,
    x: *const T,
    sx: isize,
    out: *mut u8,
    so: isize,
) {
    let l = T::V::LANES;
    let mut i = 0;
    while i < n {
        let m = l.min(n - i);
        let mask = O::apply::<S, T>(load_run::<T::V>(x, sx, i, m));
        store_mask_run::<T::V>(mask, out, so, i, m);
        i += m;
    }
}

/// out = mask ? x : y.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub unsafe fn where_run<S: Simd, T: KernelReal<S>>(
    n: usize,
    mask: *const u8,
    sm: isize,
    x: *const T,
    sx: isize,
    y: *const T,
    sy: isize,
    out: *mut T,
    so: isize,
) {
    let l = T::V::LANES;
    let mut i = 0;
    while i < n {
        let m = l.min(n - i);
        let sel = load_mask_run::<T::V>(mask, sm, i, m);
        let r = T::V::select(sel, load_run::<T::V>(x, sx, i, m), load_run::<T::V>(y, sy, i, m));
        store_run(r, out, so, i, m);
        i += m;
    }
}

/// c = f(a, b) for plain scalar element types (u8 logic, casts): simple
/// loops that the compiler vectorizes for the tier they are compiled in.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub unsafe fn zip_scalar<A: Copy, B: Copy, C: Copy>(
    n: usize,
    a: *const A,
    sa: isize,
    b: *const B,
    sb: isize,
    c: *mut C,
    sc: isize,
    f: impl Fn(A, B) -> C,
) {
    if sa == 1 && sb == 1 && sc == 1 {
        for i in 0..n {
            *c.add(i) = f(*a.add(i), *b.add(i));
        }
    } else {
        for i in 0..n as isize {
            *c.offset(i * sc) = f(*a.offset(i * sa), *b.offset(i * sb));
        }
    }
}

/// d = cast(s) for one run.
#[inline(always)]
pub unsafe fn map_scalar<A: Copy, C: Copy>(n: usize, a: *const A, sa: isize, c: *mut C, sc: isize, f: impl Fn(A) -> C) {
    if sa == 1 && sc == 1 {
        for i in 0..n {
            *c.add(i) = f(*a.add(i));
        }
    } else if sa == 0 && sc == 1 {
        let v = f(*a);
        for i in 0..n {
            *c.add(i) = v;
        }
    } else {
        for i in 0..n as isize {
            *c.offset(i * sc) = f(*a.offset(i * sa));
        }
    }
}

/// d[i] = a[i] cast to `D`, both contiguous, for outputs far larger than
/// the caches: peels to d's 64-byte line, converts a line at a time into a
/// register-sized buffer and writes it with streaming stores (no
/// read-for-ownership of d). Falls back to plain stores when d is not
/// aligned to its element size.
#[inline(always)]
pub unsafe fn cast_stream<S: Simd, A: CastTo<D>, D: Copy>(n: usize, a: *const A, d: *mut D) {
    const LINE: usize = 64;
    let per_line = LINE / core::mem::size_of::<D>();
    if (d as usize) % core::mem::size_of::<D>() != 0 {
        return map_scalar(n, a, 1, d, 1, |v: A| v.cast_to());
    }
    let head = elements_to_boundary(d as usize, core::mem::size_of::<D>(), LINE).min(n);
    map_scalar(head, a, 1, d, 1, |v: A| v.cast_to());
    // One cache line, aligned for any element type written into it.
    #[repr(C, align(64))]
    struct Line([f32; LINE / 4]);
    let lanes = S::F32::LANES;
    let mut i = head;
    let mut line = Line([0f32; LINE / 4]);
    while i + per_line <= n {
        let buf = line.0.as_mut_ptr() as *mut D;
        for k in 0..per_line {
            buf.add(k).write((*a.add(i + k)).cast_to());
        }
        // The line's bytes as f32 lanes: a bit-exact move.
        let out = d.add(i) as *mut f32;
        for v in (0..LINE / 4).step_by(lanes) {
            S::F32::load(line.0.as_ptr().add(v)).store_stream(out.add(v));
        }
        i += per_line;
    }
    map_scalar(n - i, a.add(i), 1, d.add(i), 1, |v: A| v.cast_to());
}

/// A tile of a transposing copy, dst[r][c] = src[r][c] cast to `D`. Full
/// tiles of a same-type copy that reads along r and writes along c (a
/// transpose of contiguous data) are transposed in registers; with `stream`
/// and 64-byte aligned destination rows, their stores bypass the caches.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub unsafe fn tile<S: Simd, A: CastTo<D>, D: Copy + 'static>(
    rows: usize,
    cols: usize,
    src: *const u8,
    s_r: isize,
    s_c: isize,
    dst: *mut u8,
    d_r: isize,
    d_c: isize,
    stream: bool,
) {
    use std::any::TypeId;
    let size = std::mem::size_of::<A>();
    let full = rows == TRANSPOSE_TILE && cols == TRANSPOSE_TILE && s_r == 1 && d_c == 1;
    if full && TypeId::of::<A>() == TypeId::of::<D>() {
        let stream = stream && (dst as usize % 64 == 0) && (d_r * size as isize) % 64 == 0;
        match (size, stream) {
            (4, false) => return S::transpose16_b32::<false>(src as *const u32, s_c, dst as *mut u32, d_r),
            (4, true) => return S::transpose16_b32::<true>(src as *const u32, s_c, dst as *mut u32, d_r),
            (8, false) => return S::transpose16_b64::<false>(src as *const u64, s_c, dst as *mut u64, d_r),
            (8, true) => return S::transpose16_b64::<true>(src as *const u64, s_c, dst as *mut u64, d_r),
            _ => {}
        }
    }
    tile_scalar(rows, cols, src as *const A, s_r, s_c, dst as *mut D, d_r, d_c, |v: A| v.cast_to())
}

/// A rows x cols tile: dst[r][c] = f(src[r][c]) with general strides. The
/// framework picks tiles small enough to stay in L1, so a transposing copy
/// streams whole cache lines from memory on both sides.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub unsafe fn tile_scalar<A: Copy, C: Copy>(
    rows: usize,
    cols: usize,
    src: *const A,
    s_r: isize,
    s_c: isize,
    dst: *mut C,
    d_r: isize,
    d_c: isize,
    f: impl Fn(A) -> C,
) {
    for r in 0..rows as isize {
        let s = src.offset(r * s_r);
        let d = dst.offset(r * d_r);
        if d_c == 1 {
            for c in 0..cols {
                *d.add(c) = f(*s.offset(c as isize * s_c));
            }
        } else {
            for c in 0..cols as isize {
                *d.offset(c * d_c) = f(*s.offset(c * s_c));
            }
        }
    }
}
