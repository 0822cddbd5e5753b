//! The fuzz harness shared by the targets in `fuzz_targets/`: descriptors
//! of every kind built from the fuzzer's bytes, each over a buffer of its
//! own allocated to exactly the span it claims (so AddressSanitizer
//! catches a one-element over-read or over-write), and the checks every
//! call goes through:
//!
//! - no status is `NUMKERN_ERR_INTERNAL` (a caught panic), and an error
//!   leaves every buffer byte as it was, inputs and outputs alike;
//! - a call that succeeds is run again on every tier with 1 and 3 threads
//!   and must give the same bytes (the target says which ops may differ
//!   by a ULP between tiers), and its outputs are held to the scalar
//!   reference of `tests/common` by the target.
//!
//! The scalar reference is the test suite's own (`tests/common`), shared
//! so that there is one.

#[path = "../../tests/common/mod.rs"]
#[allow(dead_code, unused_imports)]
pub mod common;

use arbitrary::{Result, Unstructured};
use numkern::dtype::*;
use numkern::error::*;
use numkern::ffi::*;
use numkern::framework::array::numkern_array;
use numkern::DType;

pub use arbitrary;

/// How a descriptor is made. Most are valid, in one of several layouts;
/// the rest are broken in one way each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// C order.
    Contiguous,
    /// C order with every axis reversed (element 0 at the high end).
    Reversed,
    /// Fortran order (the transpose of a C-order buffer).
    Fortran,
    /// Strides straight from the input: gaps, zeros (broadcast or an
    /// output that would write an element twice), negatives.
    AnyStrides,
    /// Another operand's descriptor reinterpreted: `how` 0 the same,
    /// 1 reversed, 2 shifted by one step along axis 0, 3 axis 0 broadcast.
    Alias { of: usize, how: u8 },
    /// A null descriptor pointer.
    NullDescriptor,
    /// A null data pointer (valid only when the array is empty).
    NullData,
    /// A dtype code no dtype has.
    BadDtype(i32),
    /// ndim outside 0..=8.
    BadNdim(i32),
    /// A negative extent.
    NegativeExtent(usize),
    /// Extents and strides whose element offsets or size overflow int64,
    /// or addresses that wrap (valid only when another extent is 0).
    Overflow(u8),
}

impl Kind {
    /// Kinds no call may accept.
    pub fn always_invalid(self) -> bool {
        matches!(self, Kind::NullDescriptor | Kind::BadDtype(_) | Kind::BadNdim(_) | Kind::NegativeExtent(_))
    }
}

/// One operand: its descriptor and where its bytes are.
#[derive(Clone, Copy, Debug)]
pub struct Operand {
    pub desc: numkern_array,
    pub kind: Kind,
    /// The buffer it lies in (an alias shares another operand's).
    pub buf: usize,
    /// Byte offset of element 0 from the buffer's start (meaningful for
    /// valid kinds only).
    pub origin: isize,
}

struct Buf {
    ptr: *mut u8,
    bytes: usize,
}

/// The operands of one call and their exactly-sized buffers.
pub struct Call {
    pub ops: Vec<Operand>,
    bufs: Vec<Buf>,
    /// Every buffer's bytes before the call.
    pub before: Vec<Vec<u8>>,
}

impl Drop for Call {
    fn drop(&mut self) {
        for b in &self.bufs {
            // SAFETY: allocated by malloc in `Call::add`.
            unsafe { libc::free(b.ptr as *mut _) };
        }
    }
}

pub const ALL_DTYPES: [i32; 5] = [NUMKERN_F32, NUMKERN_F64, NUMKERN_I32, NUMKERN_I64, NUMKERN_U8];

/// How operand bytes are filled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fill {
    /// Any bit patterns (NaN payloads, infinities, subnormals).
    Raw,
    /// Small multiples of 1/4 in [-32, 32): products of them sum exactly
    /// in f32, so products can be compared exactly.
    Dyadic,
}

fn dtype_of(code: i32) -> Option<DType> {
    DType::from_code(code).ok()
}

/// Lowest and highest element offset of a shape and strides (None if empty).
pub fn offset_range(shape: &[i64], strides: &[i64]) -> Option<(i64, i64)> {
    let (mut lo, mut hi) = (0i64, 0i64);
    for (&d, &s) in shape.iter().zip(strides) {
        if d == 0 {
            return None;
        }
        let span = (d - 1) * s;
        if span < 0 {
            lo += span;
        } else {
            hi += span;
        }
    }
    Some((lo, hi))
}

impl Call {
    pub fn new() -> Call {
        Call { ops: Vec::new(), bufs: Vec::new(), before: Vec::new() }
    }

    /// Reads one operand's description from the input and builds it.
    /// `dtypes` are the dtypes the entry point takes (chosen most of the
    /// time; any dtype otherwise); `max_ndim` bounds valid ranks.
    pub fn add(&mut self, u: &mut Unstructured, dtypes: &[i32], max_ndim: usize, fill: Fill) -> Result<usize> {
        self.add_shaped(u, dtypes, max_ndim, None, fill)
    }

    /// An optional operand (weights, gamma, beta): None, or one made as
    /// [`Call::add`] makes them; a null descriptor here means "none", so
    /// it comes back as None, not as a broken operand.
    pub fn add_optional(&mut self, u: &mut Unstructured, dtypes: &[i32], max_ndim: usize, fill: Fill) -> Result<Option<usize>> {
        if !u.arbitrary::<bool>()? {
            return Ok(None);
        }
        let i = self.add(u, dtypes, max_ndim, fill)?;
        if self.ops[i].kind == Kind::NullDescriptor && i + 1 == self.ops.len() {
            self.ops.pop();
            return Ok(None);
        }
        Ok(Some(i))
    }

    /// As [`Call::add`], with the shape given (for an output whose shape
    /// follows from the inputs).
    pub fn add_shaped(&mut self, u: &mut Unstructured, dtypes: &[i32], max_ndim: usize, given: Option<&[usize]>, fill: Fill) -> Result<usize> {
        let pick: u8 = u.arbitrary()?;
        let dtype = if pick < 240 { dtypes[pick as usize % dtypes.len()] } else { ALL_DTYPES[pick as usize % 5] };
        let ndim = match given {
            Some(g) => g.len(),
            None => u.int_in_range(0..=max_ndim.min(8))?,
        };
        let mut shape = [0i64; 8];
        for (k, d) in shape.iter_mut().take(ndim).enumerate() {
            // Small extents, smaller at high rank: at most a few thousand elements.
            *d = match given {
                Some(g) => g[k] as i64,
                None if ndim <= 2 => u.int_in_range(0..=23)?,
                None => u.int_in_range(0..=3)?,
            };
        }
        let kind_byte: u8 = u.arbitrary()?;
        let mut kind = match kind_byte {
            0..=79 => Kind::Contiguous,
            80..=109 => Kind::Reversed,
            110..=139 => Kind::Fortran,
            140..=179 => Kind::AnyStrides,
            180..=214 => Kind::Alias { of: u.arbitrary::<u8>()? as usize, how: u.int_in_range(0..=3)? },
            215..=222 => Kind::NullDescriptor,
            223..=230 => Kind::NullData,
            231..=236 => Kind::BadDtype(*u.choose(&[-1, 5, 6, 100, i32::MIN, i32::MAX])?),
            237..=242 => Kind::BadNdim(*u.choose(&[-1, 9, 64, i32::MIN])?),
            243..=248 => Kind::NegativeExtent(u.int_in_range(0..=7)?),
            _ => Kind::Overflow(u.int_in_range(0..=3)?),
        };
        if let Kind::Alias { of, how } = kind {
            if self.ops.is_empty() {
                kind = Kind::Contiguous;
            } else {
                let target = self.ops[of % self.ops.len()];
                if matches!(target.kind, Kind::Contiguous | Kind::Reversed | Kind::Fortran | Kind::AnyStrides) {
                    let op = alias(target, how);
                    self.ops.push(Operand { kind, ..op });
                    return Ok(self.ops.len() - 1);
                }
                kind = Kind::Contiguous;
            }
        }
        // Strides in elements for the valid layouts (the broken kinds start
        // from a contiguous one).
        let mut strides = [0i64; 8];
        let mut step = 1i64;
        let order: Vec<usize> = if kind == Kind::Fortran { (0..ndim).collect() } else { (0..ndim).rev().collect() };
        for &k in &order {
            strides[k] = step;
            step *= shape[k].max(1);
        }
        if kind == Kind::Reversed {
            strides.iter_mut().for_each(|s| *s = -*s);
        }
        if kind == Kind::AnyStrides {
            for s in strides.iter_mut().take(ndim) {
                *s = u.int_in_range(-6..=6)?;
            }
        }
        let es = dtype_of(dtype).map_or(1, |d| d.size()) as i64;
        let (lo, hi) = offset_range(&shape[..ndim], &strides[..ndim]).unwrap_or((0, -1));
        let bytes = ((hi - lo + 1) * es) as usize;
        // SAFETY: malloc of the exact span (0 bytes for an empty view: then
        // any access at all is out of bounds).
        let ptr = unsafe { libc::malloc(bytes) } as *mut u8;
        if bytes > 0 && ptr.is_null() {
            return Err(arbitrary::Error::NotEnoughData);
        }
        fill_bytes(u, dtype, fill, ptr, bytes)?;
        let origin = -lo * es;
        let mut desc = numkern_array {
            data: ptr.wrapping_offset(origin as isize) as *mut _,
            dtype,
            ndim: ndim as i32,
            shape,
            strides,
        };
        match kind {
            Kind::NullData => desc.data = std::ptr::null_mut(),
            Kind::BadDtype(code) => desc.dtype = code,
            Kind::BadNdim(n) => desc.ndim = n,
            Kind::NegativeExtent(k) => {
                desc.ndim = desc.ndim.max(k as i32 + 1);
                desc.shape[k] = -1 - desc.shape[k];
            }
            Kind::Overflow(how) => {
                desc.ndim = desc.ndim.max(2);
                match how {
                    0 => (desc.shape[0], desc.strides[0]) = (1 << 62, 8),
                    1 => (desc.shape[0], desc.shape[1]) = (1 << 33, 1 << 33),
                    2 => (desc.shape[1], desc.strides[1]) = (3, i64::MAX / 2),
                    // Element 0 near address 0, stepping down past it.
                    _ => (desc.data, desc.shape[0], desc.strides[0]) = (64 as *mut _, 1000, -1),
                }
            }
            _ => {}
        }
        self.bufs.push(Buf { ptr, bytes });
        self.ops.push(Operand { desc, kind, buf: self.bufs.len() - 1, origin: origin as isize });
        Ok(self.ops.len() - 1)
    }

    /// The descriptor pointer of operand `i` (null for `NullDescriptor`).
    pub fn ptr(&self, i: usize) -> *const numkern_array {
        if self.ops[i].kind == Kind::NullDescriptor {
            std::ptr::null()
        } else {
            &self.ops[i].desc
        }
    }

    fn snapshot(&self) -> Vec<Vec<u8>> {
        // SAFETY: each buffer's exact bytes.
        self.bufs.iter().map(|b| if b.bytes == 0 { Vec::new() } else { unsafe { std::slice::from_raw_parts(b.ptr, b.bytes) }.to_vec() }).collect()
    }
    fn restore(&self, bytes: &[Vec<u8>]) {
        for (b, v) in self.bufs.iter().zip(bytes) {
            // SAFETY: same sizes as snapshotted.
            unsafe { std::ptr::copy_nonoverlapping(v.as_ptr(), b.ptr, b.bytes) };
        }
    }

    /// Runs `call` under the checks in the module doc. Returns the bytes
    /// of every buffer after a successful call (for the target's reference
    /// check), None after an error.
    pub fn run(&mut self, what: &str, tier_ulps: u64, call: impl Fn(&Call) -> i32) -> Option<Vec<Vec<u8>>> {
        self.before = self.snapshot();
        let status = call(self);
        let after = self.snapshot();
        let msg = last_error();
        assert_ne!(status, NUMKERN_ERR_INTERNAL, "{what}: internal error (a caught panic?): {msg}; operands {:?}", self.ops);
        if status != NUMKERN_OK {
            assert!(msg.starts_with("numkern_"), "{what}: status {status} with message {msg:?}");
            for (i, (a, b)) in after.iter().zip(&self.before).enumerate() {
                assert!(a == b, "{what}: status {status} ({msg}) but buffer {i} changed; operands {:?}", self.ops);
            }
            return None;
        }
        for op in &self.ops {
            assert!(!op.kind.always_invalid(), "{what}: accepted an invalid operand {op:?}");
        }
        // Every tier, 1 and 3 threads: the same bytes (within `tier_ulps`
        // of each other across tiers; exactly across thread counts).
        let (isa, threads) = (numkern_get_isa(), numkern_get_num_threads());
        for tier in numkern::available_tiers() {
            let mut first_of_tier: Option<Vec<Vec<u8>>> = None;
            for t in [1, 3] {
                numkern_set_isa(tier.code());
                numkern_set_num_threads(t);
                self.restore(&self.before);
                let st = call(self);
                assert_eq!(st, NUMKERN_OK, "{what}: OK on the default settings but {st} on {tier:?} with {t} threads: {}", last_error());
                let got = self.snapshot();
                match &first_of_tier {
                    None => {
                        for (i, (x, y)) in got.iter().zip(&after).enumerate() {
                            assert!(
                                same_within(x, y, &self.ops, i, tier_ulps),
                                "{what}: {tier:?} differs from the default tier in buffer {i}: {} vs {}; inputs {}; operands {:?}",
                                show(x),
                                show(y),
                                self.before.iter().map(|b| show(b)).collect::<Vec<_>>().join(" | "),
                                self.ops
                            );
                        }
                        first_of_tier = Some(got);
                    }
                    Some(one) => assert!(got == *one, "{what}: {tier:?} gives other bytes on 3 threads than on 1"),
                }
            }
        }
        numkern_set_isa(isa);
        numkern_set_num_threads(threads);
        self.restore(&after);
        Some(after)
    }

    /// Operand `i`'s element at multi-index `idx` as f64 (or the integer
    /// value), read from `bytes` (a snapshot).
    pub fn value(&self, bytes: &[Vec<u8>], i: usize, idx: &[usize]) -> f64 {
        let op = &self.ops[i];
        let dt = dtype_of(op.desc.dtype).expect("a valid dtype");
        let at = self.byte_offset(i, idx);
        read(&bytes[op.buf][at..at + dt.size()], dt)
    }

    /// Operand `i`'s element at `idx`, broadcast from the output's rank
    /// (right-aligned; extent-1 axes fixed at 0).
    pub fn value_bcast(&self, bytes: &[Vec<u8>], i: usize, out_idx: &[usize]) -> f64 {
        let nd = self.ops[i].desc.ndim as usize;
        let lead = out_idx.len() - nd;
        let idx: Vec<usize> = (0..nd).map(|k| if self.ops[i].desc.shape[k] == 1 { 0 } else { out_idx[lead + k] }).collect();
        self.value(bytes, i, &idx)
    }

    /// The bytes of operand `i`'s element at `idx` as raw bits (for exact
    /// comparisons of NaN-free data).
    pub fn bits(&self, bytes: &[Vec<u8>], i: usize, idx: &[usize]) -> u64 {
        let op = &self.ops[i];
        let dt = dtype_of(op.desc.dtype).expect("a valid dtype");
        let at = self.byte_offset(i, idx);
        let mut b = [0u8; 8];
        b[..dt.size()].copy_from_slice(&bytes[op.buf][at..at + dt.size()]);
        u64::from_le_bytes(b)
    }

    fn byte_offset(&self, i: usize, idx: &[usize]) -> usize {
        let op = &self.ops[i];
        let es = dtype_of(op.desc.dtype).expect("a valid dtype").size() as isize;
        let mut off = op.origin;
        for (k, &j) in idx.iter().enumerate() {
            off += j as isize * op.desc.strides[k] as isize * es;
        }
        off as usize
    }

    pub fn shape(&self, i: usize) -> Vec<usize> {
        let d = &self.ops[i].desc;
        d.shape[..d.ndim as usize].iter().map(|&x| x as usize).collect()
    }
    pub fn dtype(&self, i: usize) -> DType {
        dtype_of(self.ops[i].desc.dtype).expect("a valid dtype")
    }
}

impl Default for Call {
    fn default() -> Self {
        Call::new()
    }
}

/// Another operand's view, reinterpreted (within the same elements).
fn alias(target: Operand, how: u8) -> Operand {
    let mut op = target;
    let d = &mut op.desc;
    let es = dtype_of(d.dtype).map_or(1, |t| t.size()) as isize;
    let nd = d.ndim as usize;
    match how {
        0 => {}
        1 => {
            for k in 0..nd {
                if d.shape[k] > 1 {
                    let step = (d.shape[k] - 1) * d.strides[k];
                    d.data = (d.data as *mut u8).wrapping_offset(step as isize * es) as *mut _;
                    op.origin += step as isize * es;
                    d.strides[k] = -d.strides[k];
                }
            }
        }
        2 if nd > 0 && d.shape[0] > 1 => {
            d.data = (d.data as *mut u8).wrapping_offset(d.strides[0] as isize * es) as *mut _;
            op.origin += d.strides[0] as isize * es;
            d.shape[0] -= 1;
        }
        3 if nd > 0 => d.strides[0] = 0,
        _ => {}
    }
    op
}

fn fill_bytes(u: &mut Unstructured, dtype: i32, fill: Fill, ptr: *mut u8, bytes: usize) -> Result<()> {
    if bytes == 0 {
        return Ok(());
    }
    // SAFETY: the fresh buffer of `bytes` bytes.
    let buf = unsafe { std::slice::from_raw_parts_mut(ptr, bytes) };
    match (fill, dtype_of(dtype)) {
        (Fill::Dyadic, Some(dt @ (DType::F32 | DType::F64))) => {
            for (j, chunk) in buf.chunks_exact_mut(dt.size()).enumerate() {
                let b = u.arbitrary::<u8>().unwrap_or((j * 37) as u8);
                let v = (b as i8) as f64 / 4.0;
                if dt == DType::F32 {
                    chunk.copy_from_slice(&(v as f32).to_le_bytes());
                } else {
                    chunk.copy_from_slice(&v.to_le_bytes());
                }
            }
        }
        _ => {
            // What the input has, then a fixed pattern.
            let n = u.len().min(bytes);
            buf[..n].copy_from_slice(u.bytes(n)?);
            for (j, b) in buf[n..].iter_mut().enumerate() {
                *b = (j as u8).wrapping_mul(151).wrapping_add(7);
            }
        }
    }
    Ok(())
}

fn read(b: &[u8], dt: DType) -> f64 {
    match dt {
        DType::F32 => f32::from_le_bytes(b.try_into().unwrap()) as f64,
        DType::F64 => f64::from_le_bytes(b.try_into().unwrap()),
        DType::I32 => i32::from_le_bytes(b.try_into().unwrap()) as f64,
        DType::I64 => i64::from_le_bytes(b.try_into().unwrap()) as f64,
        DType::U8 => b[0] as f64,
    }
}

/// Two snapshots of buffer `i` agree, allowing `ulps` between floats of
/// the operands that lie in that buffer. A NaN agrees with any NaN: tiers
/// need not keep a NaN's sign and payload (NumPy's don't either).
fn same_within(x: &[u8], y: &[u8], ops: &[Operand], i: usize, ulps: u64) -> bool {
    if x == y {
        return true;
    }
    let Some(dt) = ops.iter().find(|o| o.buf == i).and_then(|o| dtype_of(o.desc.dtype)) else { return false };
    let close = |a: u64, b: u64, nan_a: bool, nan_b: bool| (nan_a && nan_b) || a.abs_diff(b) <= ulps;
    match dt {
        DType::F32 => x.chunks_exact(4).zip(y.chunks_exact(4)).all(|(a, b)| {
            let (a, b) = (f32::from_le_bytes(a.try_into().unwrap()), f32::from_le_bytes(b.try_into().unwrap()));
            close(ordered32(a), ordered32(b), a.is_nan(), b.is_nan())
        }),
        DType::F64 => x.chunks_exact(8).zip(y.chunks_exact(8)).all(|(a, b)| {
            let (a, b) = (f64::from_le_bytes(a.try_into().unwrap()), f64::from_le_bytes(b.try_into().unwrap()));
            close(ordered64(a), ordered64(b), a.is_nan(), b.is_nan())
        }),
        _ => false,
    }
}

/// Float bits mapped to a line where neighbours differ by 1.
fn ordered32(v: f32) -> u64 {
    let b = v.to_bits() as i32;
    (if b < 0 { i32::MIN - b } else { b }) as i64 as u64 ^ (1 << 63)
}
fn ordered64(v: f64) -> u64 {
    let b = v.to_bits() as i64;
    (if b < 0 { i64::MIN - b } else { b }) as u64 ^ (1 << 63)
}

/// The first bytes of a buffer, for failure messages.
fn show(b: &[u8]) -> String {
    let head: Vec<String> = b.iter().take(48).map(|x| format!("{x:02x}")).collect();
    format!("[{}{}]", head.join(""), if b.len() > 48 { "..." } else { "" })
}

pub fn last_error() -> String {
    // SAFETY: the library returns a NUL-terminated string.
    unsafe { std::ffi::CStr::from_ptr(numkern_last_error_message()) }.to_string_lossy().into_owned()
}

/// All multi-indices of `shape` in C order.
pub fn indices(shape: &[usize]) -> Vec<Vec<usize>> {
    common::indices(shape)
}
