//! Array descriptors: the C struct, its validated internal form, and the safe
//! borrowing views of the Rust API.

use crate::dtype::{DType, Element};
use crate::error::{fail, shape_str, ErrorKind, Result};
use std::marker::PhantomData;

/// Largest number of dimensions an array may have.
pub const NUMKERN_MAX_NDIM: usize = 8;
pub(crate) const MAX_NDIM: usize = NUMKERN_MAX_NDIM;

/// An N-d array view as it crosses the C ABI (DLPack-like). Strides are in
/// elements, not bytes, and may be 0 (broadcast) or negative (reversed view).
/// `data` is the address of element `[0,0,...,0]`; only the first `ndim`
/// entries of `shape` and `strides` are read.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
#[allow(non_camel_case_types)]
pub struct numkern_array {
    /// Address of element [0,0,...,0]; may be null only when the array has no elements.
    pub data: *mut std::ffi::c_void,
    /// One of NUMKERN_F32, NUMKERN_F64, NUMKERN_I32, NUMKERN_I64, NUMKERN_U8.
    pub dtype: i32,
    /// Number of dimensions, 0 ..= NUMKERN_MAX_NDIM; 0 is a scalar.
    pub ndim: i32,
    /// Extent of each dimension, each >= 0.
    pub shape: [i64; NUMKERN_MAX_NDIM],
    /// Step between neighbouring elements of each dimension, in elements.
    pub strides: [i64; NUMKERN_MAX_NDIM],
}

/// A validated, dtype-erased array: what the framework works on. Every element
/// offset `sum(i_k * strides[k])` fits in `isize` bytes from `data`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawArray {
    pub data: *mut u8,
    pub dtype: DType,
    pub ndim: usize,
    pub shape: [usize; MAX_NDIM],
    pub strides: [isize; MAX_NDIM],
}

// SAFETY: RawArray is plain metadata; whoever dereferences `data` answers for it.
unsafe impl Send for RawArray {}
unsafe impl Sync for RawArray {}

impl RawArray {
    /// A placeholder for slots about to be written: all bytes zero (a 0-d
    /// f32 at null, never dereferenced), so filling slots with it is a few
    /// vector stores, not a copy of an array.
    pub const EMPTY: RawArray = RawArray { data: std::ptr::null_mut(), dtype: DType::F32, ndim: 0, shape: [0; MAX_NDIM], strides: [0; MAX_NDIM] };

    pub fn shape(&self) -> &[usize] {
        &self.shape[..self.ndim]
    }
    pub fn strides(&self) -> &[isize] {
        &self.strides[..self.ndim]
    }
    /// Number of elements (validated not to overflow).
    pub fn size(&self) -> usize {
        self.shape().iter().product()
    }
    /// Smallest and largest element offset reached (0, 0 for empty arrays).
    pub fn offset_range(&self) -> (isize, isize) {
        self.offsets().unwrap_or((0, 0))
    }
    /// Smallest and largest element offset, or None when empty: one pass
    /// (overlap checks run on every call, small ones included).
    #[inline]
    fn offsets(&self) -> Option<(isize, isize)> {
        // An empty array is valid with any strides on its other axes (its
        // validation stops at size 0), so look for a zero extent first:
        // (extent - 1) * stride of an earlier axis may not fit.
        if self.shape[..self.ndim].contains(&0) {
            return None;
        }
        let (mut lo, mut hi) = (0isize, 0isize);
        for k in 0..self.ndim {
            let span = (self.shape[k] as isize - 1) * self.strides[k];
            if span < 0 {
                lo += span;
            } else {
                hi += span;
            }
        }
        Some((lo, hi))
    }
    /// The address range [start, end) of bytes this array touches (empty
    /// at `data` for an empty array).
    #[inline]
    pub fn byte_range(&self) -> (usize, usize) {
        let Some((lo, hi)) = self.offsets() else {
            return (self.data as usize, self.data as usize);
        };
        let es = self.dtype.size() as isize;
        let base = self.data as isize;
        ((base + lo * es) as usize, (base + hi * es + es) as usize)
    }
    /// C-contiguous strides for `shape`.
    pub fn contiguous_strides(shape: &[usize]) -> [isize; MAX_NDIM] {
        let mut strides = [0isize; MAX_NDIM];
        let mut step = 1isize;
        for k in (0..shape.len()).rev() {
            strides[k] = step;
            step = step.wrapping_mul(shape[k].max(1) as isize);
        }
        strides
    }
    #[inline]
    pub fn is_c_contiguous(&self) -> bool {
        let mut step = 1isize;
        for k in (0..self.ndim).rev() {
            if self.shape[k] > 1 && self.strides[k] != step {
                return false;
            }
            step = step.wrapping_mul(self.shape[k].max(1) as isize);
        }
        true
    }

    /// Builds and validates an array from its parts (the one validation path).
    /// Inlined so the 150-byte result is built in the caller's slot, not
    /// moved through a `memcpy` per level (it showed in small-call profiles).
    #[inline]
    pub fn new(data: *mut u8, dtype: DType, shape: &[usize], strides: &[isize], arg: &str) -> Result<RawArray> {
        if shape.len() > MAX_NDIM || strides.len() != shape.len() {
            return fail(
                ErrorKind::BadDescriptor,
                format!("argument `{arg}`: ndim {} is out of range 0..={MAX_NDIM}", shape.len()),
            );
        }
        let mut raw = RawArray { data, dtype, ndim: shape.len(), shape: [0; MAX_NDIM], strides: [0; MAX_NDIM] };
        // One interleaved loop: LLVM would turn two slice copies into two
        // libc memcpy calls, which dominated building a small view.
        for k in 0..shape.len() {
            raw.shape[k] = shape[k];
            raw.strides[k] = strides[k];
        }
        raw.validate(arg)?;
        Ok(raw)
    }

    /// Checks sizes and every reachable byte offset for overflow, and null data.
    fn validate(&self, arg: &str) -> Result<()> {
        let bad = |what: String| fail(ErrorKind::BadDescriptor, format!("argument `{arg}`: {what}"));
        let mut size: i64 = 1;
        for &d in self.shape() {
            if d > i64::MAX as usize {
                return bad(format!("extent {d} overflows int64"));
            }
            size = match size.checked_mul(d as i64) {
                Some(s) => s,
                None => return bad(format!("size of shape {} overflows int64", shape_str(self.shape()))),
            };
        }
        if size == 0 {
            return Ok(());
        }
        if self.data.is_null() {
            return fail(
                ErrorKind::NullPointer,
                format!("argument `{arg}`: data is null but the array has {size} elements"),
            );
        }
        let es = self.dtype.size() as i64;
        let (mut lo, mut hi) = (0i64, 0i64);
        for k in 0..self.ndim {
            let span = (self.shape[k] as i64 - 1).checked_mul(self.strides[k] as i64);
            let span = match span {
                Some(s) => s,
                None => return bad(format!("offset along axis {k} overflows int64")),
            };
            let sum = if span < 0 { lo.checked_add(span) } else { hi.checked_add(span) };
            match sum {
                Some(v) if span < 0 => lo = v,
                Some(v) => hi = v,
                None => return bad("element offsets overflow int64".to_string()),
            }
        }
        let lo_bytes = lo.checked_mul(es);
        let hi_bytes = hi.checked_mul(es).and_then(|h| h.checked_add(es));
        let (lo_bytes, hi_bytes) = match (lo_bytes, hi_bytes) {
            (Some(l), Some(h)) => (l, h),
            _ => return bad("byte offsets overflow int64".to_string()),
        };
        let base = self.data as usize as i128;
        let (start, end) = (base + lo_bytes as i128, base + hi_bytes as i128);
        if start < 0 || end > isize::MAX as i128 {
            return bad("element addresses wrap around the address space".to_string());
        }
        Ok(())
    }

    /// Converts and validates a C descriptor.
    ///
    /// # Safety
    /// `desc` must be null or point to a readable `numkern_array`.
    #[inline]
    pub unsafe fn from_desc(desc: *const numkern_array, arg: &str) -> Result<RawArray> {
        let mut a = RawArray::EMPTY;
        RawArray::read_desc(desc, arg, &mut a)?;
        Ok(a)
    }

    /// [`from_desc`](Self::from_desc) into `slot`, in place: an array moved
    /// out of a `Result` was copied in unaligned pieces that stalled store
    /// forwarding, a tenth of a small call. On error `slot` holds garbage.
    ///
    /// # Safety
    /// As `from_desc`.
    #[inline]
    pub unsafe fn read_desc(desc: *const numkern_array, arg: &str, slot: &mut RawArray) -> Result<()> {
        if desc.is_null() {
            return fail(ErrorKind::NullPointer, format!("argument `{arg}` is a null pointer"));
        }
        let d = &*desc;
        if d.ndim < 0 || d.ndim as usize > MAX_NDIM {
            return fail(
                ErrorKind::BadDescriptor,
                format!("argument `{arg}`: ndim {} is out of range 0..={MAX_NDIM}", d.ndim),
            );
        }
        slot.dtype = DType::from_code(d.dtype).map_err(|mut e| {
            e.message = format!("argument `{arg}`: {}", e.message);
            e
        })?;
        slot.data = d.data as *mut u8;
        slot.ndim = d.ndim as usize;
        slot.shape = [0; MAX_NDIM];
        slot.strides = [0; MAX_NDIM];
        for k in 0..slot.ndim {
            if d.shape[k] < 0 {
                return fail(
                    ErrorKind::BadDescriptor,
                    format!("argument `{arg}`: negative dimensions are not allowed (shape[{k}] = {})", d.shape[k]),
                );
            }
            slot.shape[k] = d.shape[k] as usize;
            slot.strides[k] = isize::try_from(d.strides[k]).map_err(|_| {
                crate::error::Error::new(ErrorKind::BadDescriptor, format!("argument `{arg}`: stride overflows"))
            })?;
        }
        slot.validate(arg)
    }

    /// The C descriptor of this array.
    pub fn to_desc(&self) -> numkern_array {
        let mut d = numkern_array {
            data: self.data as *mut std::ffi::c_void,
            dtype: self.dtype.code(),
            ndim: self.ndim as i32,
            shape: [0; MAX_NDIM],
            strides: [0; MAX_NDIM],
        };
        for k in 0..self.ndim {
            d.shape[k] = self.shape[k] as i64;
            d.strides[k] = self.strides[k] as i64;
        }
        d
    }

    /// Checks that this array can be written as an output: no element is
    /// reached twice.
    #[inline]
    pub fn check_writable(&self, arg: &str) -> Result<()> {
        if self.writes_each_once() {
            Ok(())
        } else {
            self.not_writable(arg)
        }
    }

    #[cold]
    #[inline(never)]
    fn not_writable(&self, arg: &str) -> Result<()> {
        fail(
            ErrorKind::InvalidArgument,
            format!(
                "argument `{arg}`: output with shape {} and strides {:?} would write one element twice",
                shape_str(self.shape()),
                self.strides()
            ),
        )
    }

    /// Whether no element is reached twice. An array with no elements
    /// writes nothing, whatever its strides (NumPy gives empty arrays zero
    /// strides). Exact for up to two axes of extent > 1 (a gcd test) and
    /// whenever the axes sorted by |stride| each step past everything the
    /// smaller ones span (all ordinary layouts); otherwise exact for up to
    /// [`EXACT_DISTINCT_LIMIT`] elements (their offsets sorted and
    /// compared) and conservative (rejected) beyond.
    fn writes_each_once(&self) -> bool {
        // Up to two axes in registers: the sort below, on arrays in memory,
        // was 13% of a 4 x 4 product (its swaps stalled on store forwarding).
        if self.ndim <= 2 {
            let axis = |k: usize| if k < self.ndim { (self.strides[k].unsigned_abs(), self.shape[k]) } else { (0, 1) };
            return two_axes_distinct(axis(0), axis(1));
        }
        self.size() == 0 || self.writes_each_once_sorted() || self.offsets_distinct()
    }

    /// Sufficient test: sorted by |stride|, each stride steps past
    /// everything the smaller ones span.
    fn writes_each_once_sorted(&self) -> bool {
        let (mut stride, mut extent) = ([0usize; MAX_NDIM], [0usize; MAX_NDIM]);
        let mut nd = 0;
        for k in 0..self.ndim {
            if self.shape[k] > 1 {
                stride[nd] = self.strides[k].unsigned_abs();
                extent[nd] = self.shape[k];
                nd += 1;
            }
        }
        // Insertion sort inline: at most MAX_NDIM entries.
        for i in 1..nd {
            let mut j = i;
            while j > 0 && stride[j - 1] > stride[j] {
                stride.swap(j - 1, j);
                extent.swap(j - 1, j);
                j -= 1;
            }
        }
        let mut span = 0usize;
        for d in 0..nd {
            if stride[d] <= span {
                return false;
            }
            // Saturating: a non-empty array's span fits (validated), but
            // this test must not be the place that proves it.
            span = span.saturating_add(stride[d].saturating_mul(extent[d] - 1));
        }
        true
    }

    /// The exact test for layouts the sorted test cannot decide: every
    /// offset, sorted, compared with its neighbour. Out of line and rare
    /// (interleaved strides such as shape (2, 2, 2) with strides (2, 3, 4)).
    #[cold]
    #[inline(never)]
    fn offsets_distinct(&self) -> bool {
        let size = self.size();
        let mut offsets: Vec<isize> = Vec::new();
        if size > EXACT_DISTINCT_LIMIT || offsets.try_reserve_exact(size).is_err() {
            return false;
        }
        let mut idx = [0usize; MAX_NDIM];
        let mut off = 0isize;
        for _ in 0..size {
            offsets.push(off);
            for k in (0..self.ndim).rev() {
                idx[k] += 1;
                off += self.strides[k];
                if idx[k] < self.shape[k] {
                    break;
                }
                off -= self.strides[k] * self.shape[k] as isize;
                idx[k] = 0;
            }
        }
        offsets.sort_unstable();
        offsets.windows(2).all(|w| w[0] != w[1])
    }
}

/// Up to this many elements, a layout that the sorted test rejects is
/// decided exactly by sorting its offsets (a millisecond or so); beyond,
/// it is rejected.
pub const EXACT_DISTINCT_LIMIT: usize = 1 << 20;

/// Whether offsets `i s1 + j s2` (`i < n1`, `j < n2`, strides as absolute
/// values) are all distinct. Two coincide exactly when `di s1 = dj s2` for
/// some `|di| < n1`, `|dj| < n2` not both 0; the smallest such steps are
/// `di = s2 / g`, `dj = s1 / g` with `g = gcd(s1, s2)`.
#[inline]
fn two_axes_distinct((s1, n1): (usize, usize), (s2, n2): (usize, usize)) -> bool {
    if n1 == 0 || n2 == 0 {
        return true;
    }
    match (n1 > 1, n2 > 1) {
        (false, false) => true,
        (true, false) => s1 > 0,
        (false, true) => s2 > 0,
        (true, true) => {
            if s1 == 0 || s2 == 0 {
                return false;
            }
            let g = gcd(s1, s2);
            s2 / g >= n1 || s1 / g >= n2
        }
    }
}

fn gcd(mut a: usize, mut b: usize) -> usize {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

fn check_dtype<T: Element>(raw: &RawArray, arg: &str) -> Result<()> {
    if raw.dtype != T::DTYPE {
        return fail(ErrorKind::Dtype, format!("argument `{arg}`: expected {}, got {}", T::DTYPE.name(), raw.dtype.name()));
    }
    Ok(())
}

/// Checks that every offset the strided layout reaches lies inside `len` elements.
fn check_in_slice(len: usize, offset: usize, shape: &[usize], strides: &[isize]) -> Result<()> {
    if shape.contains(&0) {
        return Ok(());
    }
    let (mut lo, mut hi) = (offset as i128, offset as i128);
    for (&n, &s) in shape.iter().zip(strides) {
        let span = (n as i128 - 1) * s as i128;
        if span < 0 {
            lo += span
        } else {
            hi += span
        }
    }
    if lo < 0 || hi >= len as i128 {
        return fail(
            ErrorKind::BadDescriptor,
            format!("view with offset {offset}, shape {} and strides {strides:?} reaches outside a slice of {len} elements", shape_str(shape)),
        );
    }
    Ok(())
}

macro_rules! view_common {
    ($View:ident) => {
        impl<'a, T: Element> $View<'a, T> {
            pub fn raw(&self) -> &RawArray {
                &self.raw
            }
            pub fn shape(&self) -> &[usize] {
                self.raw.shape()
            }
            pub fn strides(&self) -> &[isize] {
                self.raw.strides()
            }
            pub fn ndim(&self) -> usize {
                self.raw.ndim
            }
            pub fn size(&self) -> usize {
                self.raw.size()
            }
            /// Wraps a raw array.
            ///
            /// # Safety
            /// Every element the raw array describes must be valid for the
            /// view's lifetime with the aliasing its kind implies.
            pub unsafe fn from_raw(raw: RawArray) -> Result<Self> {
                check_dtype::<T>(&raw, "array")?;
                Ok($View { raw, _life: PhantomData })
            }
            /// The element at a multi-index (bounds-checked).
            pub fn get(&self, index: &[usize]) -> Option<T> {
                if index.len() != self.raw.ndim || index.iter().zip(self.shape()).any(|(i, n)| i >= n) {
                    return None;
                }
                let off: isize = index.iter().zip(self.strides()).map(|(&i, &s)| i as isize * s).sum();
                // SAFETY: validated in bounds at construction.
                Some(unsafe { *(self.raw.data as *const T).offset(off) })
            }
            /// All elements in C order.
            pub fn to_vec(&self) -> Vec<T> {
                let mut out = Vec::with_capacity(self.size());
                let shape = self.shape().to_vec();
                let mut idx = vec![0usize; shape.len()];
                for _ in 0..self.size() {
                    out.push(self.get(&idx).expect("index in range"));
                    for k in (0..shape.len()).rev() {
                        idx[k] += 1;
                        if idx[k] < shape[k] {
                            break;
                        }
                        idx[k] = 0;
                    }
                }
                out
            }
        }
    };
}

/// A read-only N-d view borrowing a slice.
#[derive(Clone, Copy, Debug)]
pub struct ArrayView<'a, T: Element> {
    raw: RawArray,
    _life: PhantomData<&'a [T]>,
}

/// A writable N-d view borrowing a mutable slice. Its elements are distinct.
#[derive(Debug)]
pub struct ArrayViewMut<'a, T: Element> {
    raw: RawArray,
    _life: PhantomData<&'a mut [T]>,
}

view_common!(ArrayView);
view_common!(ArrayViewMut);

/// The C-contiguous descriptor of a slice of `len` elements at `data` with
/// `shape`: in bounds, and distinct, by construction, so neither is walked.
#[inline]
fn contiguous_raw<T: Element>(data: *mut u8, len: usize, shape: &[usize]) -> Result<RawArray> {
    let size: usize = shape.iter().product();
    if size != len {
        return fail(
            ErrorKind::ShapeMismatch,
            format!("cannot reshape array of size {len} into shape {}", shape_str(shape)),
        );
    }
    if shape.len() > MAX_NDIM {
        return fail(ErrorKind::BadDescriptor, format!("ndim {} is out of range 0..={MAX_NDIM}", shape.len()));
    }
    let strides = RawArray::contiguous_strides(shape);
    RawArray::new(data, T::DTYPE, shape, &strides[..shape.len()], "data")
}

impl<'a, T: Element> ArrayView<'a, T> {
    /// A C-contiguous view of `data` with `shape`; `data.len()` must equal the size.
    #[inline]
    pub fn from_slice(data: &'a [T], shape: &[usize]) -> Result<Self> {
        let raw = contiguous_raw::<T>(data.as_ptr() as *mut u8, data.len(), shape)?;
        Ok(ArrayView { raw, _life: PhantomData })
    }
    /// A general strided view: element `i` lives at `data[offset + sum(i_k * strides[k])]`.
    pub fn from_slice_strided(data: &'a [T], offset: usize, shape: &[usize], strides: &[isize]) -> Result<Self> {
        if shape.len() != strides.len() || shape.len() > MAX_NDIM {
            return fail(ErrorKind::BadDescriptor, format!("ndim {} is out of range 0..={MAX_NDIM}", shape.len()));
        }
        check_in_slice(data.len(), offset, shape, strides)?;
        // From the whole slice, not `data[offset..]`: with a negative stride
        // the view reaches below `offset`, which a pointer derived from the
        // subslice may not (Miri's Stacked Borrows flags it).
        let base = if shape.contains(&0) { data.as_ptr() } else { data.as_ptr().wrapping_add(offset) };
        let raw = RawArray::new(base as *mut u8, T::DTYPE, shape, strides, "data")?;
        Ok(ArrayView { raw, _life: PhantomData })
    }
    /// A 0-d view of one value.
    pub fn scalar(value: &'a T) -> Self {
        let raw = RawArray::new(value as *const T as *mut u8, T::DTYPE, &[], &[], "scalar").expect("0-d view is valid");
        ArrayView { raw, _life: PhantomData }
    }
    /// Replaces the metadata by a derived view (see `framework::views`).
    pub fn map_raw(&self, f: impl FnOnce(&RawArray) -> Result<RawArray>) -> Result<ArrayView<'a, T>> {
        let raw = f(&self.raw)?;
        Ok(ArrayView { raw, _life: PhantomData })
    }
}

impl<'a, T: Element> ArrayViewMut<'a, T> {
    /// A C-contiguous writable view of `data` with `shape`.
    #[inline]
    pub fn from_slice(data: &'a mut [T], shape: &[usize]) -> Result<Self> {
        let raw = contiguous_raw::<T>(data.as_mut_ptr() as *mut u8, data.len(), shape)?;
        Ok(ArrayViewMut { raw, _life: PhantomData })
    }
    /// A general strided writable view; its elements must be distinct.
    pub fn from_slice_strided(data: &'a mut [T], offset: usize, shape: &[usize], strides: &[isize]) -> Result<Self> {
        if shape.len() != strides.len() || shape.len() > MAX_NDIM {
            return fail(ErrorKind::BadDescriptor, format!("ndim {} is out of range 0..={MAX_NDIM}", shape.len()));
        }
        check_in_slice(data.len(), offset, shape, strides)?;
        // The pointer must come from the mutable borrow: writes go through it.
        // (From the whole slice, as in `ArrayView::from_slice_strided`.)
        let base = if shape.contains(&0) { data.as_mut_ptr() } else { data.as_mut_ptr().wrapping_add(offset) };
        let raw = RawArray::new(base as *mut u8, T::DTYPE, shape, strides, "data")?;
        raw.check_writable("data")?;
        Ok(ArrayViewMut { raw, _life: PhantomData })
    }
    /// A read-only view of the same elements.
    pub fn view(&self) -> ArrayView<'_, T> {
        ArrayView { raw: self.raw, _life: PhantomData }
    }
    /// Reborrows as a shorter-lived writable view.
    pub fn reborrow(&mut self) -> ArrayViewMut<'_, T> {
        ArrayViewMut { raw: self.raw, _life: PhantomData }
    }
    /// Replaces the metadata by a derived view; the result must stay writable.
    pub fn map_raw(self, f: impl FnOnce(&RawArray) -> Result<RawArray>) -> Result<ArrayViewMut<'a, T>> {
        let raw = f(&self.raw)?;
        raw.check_writable("view")?;
        Ok(ArrayViewMut { raw, _life: PhantomData })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Brute force: every offset of every element, compared.
    fn distinct_by_brute_force(shape: &[usize], strides: &[isize]) -> bool {
        let mut seen = std::collections::HashSet::new();
        let size: usize = shape.iter().product();
        (0..size).all(|mut i| {
            let mut off = 0isize;
            for k in (0..shape.len()).rev() {
                off += (i % shape[k]) as isize * strides[k];
                i /= shape[k];
            }
            seen.insert(off)
        })
    }

    proptest! {
        /// The writable check is exact: it agrees with brute force on every
        /// small layout, empty ones (any strides) included.
        #[test]
        fn writable_check_is_exact(
            shape in proptest::collection::vec(0usize..5, 0..=4),
            strides in proptest::collection::vec(-12isize..12, 4),
        ) {
            let mut buf = [0u8; 4096];
            let a = RawArray::new(buf[2048..].as_mut_ptr(), DType::F32, &shape, &strides[..shape.len()], "a").unwrap();
            prop_assert_eq!(a.writes_each_once(), distinct_by_brute_force(&shape, &strides[..shape.len()]));
        }
    }

    #[test]
    fn writable_check_cases() {
        let buf = [0u8; 4096];
        let ok = |shape: &[usize], strides: &[isize]| {
            RawArray::new(buf[2048..].as_ptr() as *mut u8, DType::F32, shape, strides, "a").unwrap().check_writable("a").is_ok()
        };
        // NumPy's empty arrays: all-zero strides.
        assert!(ok(&[0, 5], &[0, 0]));
        assert!(ok(&[5, 0, 3], &[0, 0, 0]));
        // Distinct but interleaved.
        assert!(ok(&[2, 3], &[3, 2]));
        assert!(ok(&[2, 2, 2], &[2, 3, 4]));
        assert!(!ok(&[2, 3], &[2, 1]));
        assert!(!ok(&[3, 2, 2], &[2, 3, 1]));
        assert!(!ok(&[2, 5], &[1, 0]));
    }
}
