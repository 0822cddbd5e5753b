//! Guard pages: buffers placed flush against a PROT_NONE page, so a kernel
//! that touches one element outside its view faults at once, and a
//! SIGSEGV/SIGBUS handler that names the case before the process dies.

use std::cell::Cell;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Once;

/// Which end of the usable bytes touches the inaccessible page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The first usable byte follows a PROT_NONE page.
    Before,
    /// The last usable byte precedes a PROT_NONE page.
    After,
}

/// `len` usable bytes with a PROT_NONE page on each side, flush against
/// the one on `side`; or, from [`Guarded::inaccessible`], bytes that may
/// not be touched at all.
pub struct Guarded {
    map: *mut u8,
    map_len: usize,
    pub ptr: *mut u8,
    pub len: usize,
}

fn page() -> usize {
    // SAFETY: sysconf has no preconditions.
    unsafe { libc::sysconf(libc::_SC_PAGESIZE) as usize }
}

impl Guarded {
    pub fn new(len: usize, side: Side) -> Guarded {
        let page = page();
        let inner = len.div_ceil(page).max(1) * page;
        let map_len = inner + 2 * page;
        // SAFETY: a fresh anonymous mapping, then one range of it made accessible.
        unsafe {
            let map = libc::mmap(std::ptr::null_mut(), map_len, libc::PROT_NONE, libc::MAP_PRIVATE | libc::MAP_ANONYMOUS, -1, 0);
            assert!(map != libc::MAP_FAILED, "mmap failed");
            let map = map as *mut u8;
            assert_eq!(libc::mprotect(map.add(page) as *mut _, inner, libc::PROT_READ | libc::PROT_WRITE), 0);
            let ptr = match side {
                Side::Before => map.add(page),
                Side::After => map.add(page + inner - len),
            };
            Guarded { map, map_len, ptr, len }
        }
    }
    /// `len` bytes (at least a page) that fault on any access.
    pub fn inaccessible(len: usize) -> Guarded {
        let page = page();
        let map_len = len.div_ceil(page).max(1) * page;
        // SAFETY: a fresh anonymous mapping.
        let map = unsafe { libc::mmap(std::ptr::null_mut(), map_len, libc::PROT_NONE, libc::MAP_PRIVATE | libc::MAP_ANONYMOUS, -1, 0) };
        assert!(map != libc::MAP_FAILED, "mmap failed");
        Guarded { map: map as *mut u8, map_len, ptr: map as *mut u8, len }
    }
    /// The usable bytes as elements of `T` (`len` must be a multiple of its size).
    pub fn slice_mut<T>(&mut self) -> &mut [T] {
        assert_eq!(self.len % std::mem::size_of::<T>(), 0);
        // SAFETY: the usable bytes are readable and writable, and aligned
        // for T since the page is and len is a multiple of T's size.
        unsafe { std::slice::from_raw_parts_mut(self.ptr as *mut T, self.len / std::mem::size_of::<T>()) }
    }
}

impl Drop for Guarded {
    fn drop(&mut self) {
        // SAFETY: the mapping made in `new`.
        unsafe { libc::munmap(self.map as *mut _, self.map_len) };
    }
}

const CASE_LEN: usize = 240;

thread_local! {
    static CASE: Cell<[u8; CASE_LEN]> = const { Cell::new([0; CASE_LEN]) };
}
/// The case any thread named last: what a fault in a pool thread (which
/// has no case of its own) prints. Atomics, so the handler may read them.
static LAST_CASE: [AtomicU8; CASE_LEN] = [const { AtomicU8::new(0) }; CASE_LEN];

/// Names the case this thread runs now: a fault prints it and exits.
pub fn set_case(name: &str) {
    install_fault_handler();
    let mut buf = [0u8; CASE_LEN];
    let n = name.len().min(CASE_LEN - 1);
    buf[..n].copy_from_slice(&name.as_bytes()[..n]);
    CASE.with(|c| c.set(buf));
    for (slot, &b) in LAST_CASE.iter().zip(&buf) {
        slot.store(b, Ordering::Relaxed);
    }
}

extern "C" fn on_fault(sig: libc::c_int) {
    let mut case = CASE.with(|c| c.get());
    let mine = case[0] != 0;
    if !mine {
        for (b, slot) in case.iter_mut().zip(&LAST_CASE) {
            *b = slot.load(Ordering::Relaxed);
        }
    }
    let len = case.iter().position(|&b| b == 0).unwrap_or(case.len());
    let head: &[u8] = if sig == libc::SIGBUS { b"\nSIGBUS" } else { b"\nSIGSEGV" };
    let mid: &[u8] = b": a kernel touched memory outside its view; case: ";
    // SAFETY: write(2) is async-signal-safe; the buffers live on.
    unsafe {
        libc::write(2, head.as_ptr() as *const _, head.len());
        libc::write(2, mid.as_ptr() as *const _, mid.len());
        if !mine {
            let pool = b"(in a pool thread; the case named last) ";
            libc::write(2, pool.as_ptr() as *const _, pool.len());
        }
        libc::write(2, case.as_ptr() as *const _, len);
        libc::write(2, b"\n".as_ptr() as *const _, 1);
        libc::_exit(99);
    }
}

fn install_fault_handler() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_fault as extern "C" fn(libc::c_int) as usize;
        libc::sigemptyset(&mut sa.sa_mask);
        libc::sigaction(libc::SIGSEGV, &sa, std::ptr::null_mut());
        libc::sigaction(libc::SIGBUS, &sa, std::ptr::null_mut());
    });
}

/// A view in a buffer of its own, sized to exactly the elements its
/// offsets reach (from the lowest to the highest) and flush against a
/// PROT_NONE page on `side`: one element past either end faults.
pub struct GuardedView {
    _buf: Guarded,
    pub raw: numkern::RawArray,
}

impl GuardedView {
    /// Element strides may be negative (element 0 then sits at the high
    /// end) or 0. The elements are filled from `seed`: small floats in
    /// [-4, 4), small integers, and 0/1 bytes.
    pub fn new(dtype: numkern::DType, shape: &[usize], strides: &[isize], side: Side, seed: usize) -> GuardedView {
        let es = dtype.size();
        let (mut lo, mut hi) = (0isize, 0isize);
        let empty = shape.contains(&0);
        if !empty {
            for (&d, &s) in shape.iter().zip(strides) {
                let span = (d as isize - 1) * s;
                if span < 0 {
                    lo += span;
                } else {
                    hi += span;
                }
            }
        }
        let span = if empty { 0 } else { (hi - lo + 1) as usize };
        let buf = Guarded::new(span * es, side);
        for i in 0..span {
            let v = ((i * 7919 + seed * 104_729) % 2000) as f64 / 250.0 - 4.0;
            // SAFETY: i < span elements of the usable bytes.
            unsafe {
                let p = buf.ptr.add(i * es);
                match dtype {
                    numkern::DType::F32 => *(p as *mut f32) = v as f32,
                    numkern::DType::F64 => *(p as *mut f64) = v,
                    numkern::DType::I32 => *(p as *mut i32) = (v * 8.0) as i32,
                    numkern::DType::I64 => *(p as *mut i64) = (v * 8.0) as i64,
                    numkern::DType::U8 => *p = (v > 0.0) as u8,
                }
            }
        }
        // SAFETY: -lo elements past the start is element 0, inside the buffer
        // (or its end, for an empty view).
        let data = unsafe { buf.ptr.offset(-lo * es as isize) };
        let raw = numkern::RawArray::new(data, dtype, shape, strides, "guarded").expect("a valid view");
        GuardedView { _buf: buf, raw }
    }
}
