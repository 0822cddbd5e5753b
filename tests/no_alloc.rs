//! Small calls through the C ABI allocate nothing on the heap (issue 23:
//! the fixed cost of a call on the seed tutorials' arrays). A counting
//! global allocator counts the calling thread's allocations around each
//! call, after a warm-up call (which may build the thread pool or read the
//! environment once). One thread, so the whole call runs on this thread.

mod common;
use common::c_desc;
use numkern::error::NUMKERN_OK;
use numkern::ffi::*;
use numkern::framework::array::numkern_array;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator; the counter is a const-initialized
// thread-local without a destructor, so touching it never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|c| c.set(c.get() + 1));
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|c| c.set(c.get() + 1));
        System.alloc_zeroed(layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|c| c.set(c.get() + 1));
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// Heap allocations made by the second of two calls of `call` (which must
/// return NUMKERN_OK both times).
fn allocations(mut call: impl FnMut() -> i32) -> usize {
    assert_eq!(call(), NUMKERN_OK);
    let before = ALLOCATIONS.with(|c| c.get());
    assert_eq!(call(), NUMKERN_OK);
    ALLOCATIONS.with(|c| c.get()) - before
}

fn f32_desc(v: &mut [f32], shape: &[i64]) -> numkern_array {
    c_desc(v.as_mut_ptr() as *mut u8, numkern::dtype::NUMKERN_F32, shape)
}

#[test]
fn small_calls_do_not_allocate() {
    assert_eq!(numkern_set_num_threads(1), NUMKERN_OK);
    let (mut a, mut b, mut c) = (vec![0.5f32; 5], vec![0.25f32; 5], vec![0f32; 5]);
    let (mut x, mut w, mut bias) = (vec![0.01f32; 32 * 10], vec![0.02f32; 10 * 5], vec![0.1f32; 5]);
    let (mut y, mut z) = (vec![0f32; 32 * 5], vec![0f32; 32 * 5]);
    let (mut sq, mut sq_t) = (vec![1f32; 16], vec![0f32; 16]);
    let (da, db, dc) = (f32_desc(&mut a, &[5]), f32_desc(&mut b, &[5]), f32_desc(&mut c, &[5]));
    let (dx, dw, dbias) = (f32_desc(&mut x, &[32, 10]), f32_desc(&mut w, &[10, 5]), f32_desc(&mut bias, &[5]));
    let (dy, dz) = (f32_desc(&mut y, &[32, 5]), f32_desc(&mut z, &[32, 5]));
    let dsq = f32_desc(&mut sq, &[4, 4]);
    let mut dsq_t = f32_desc(&mut sq_t, &[4, 4]);
    // A transposed view of sq_t: a copy into it walks the source across rows.
    dsq_t.strides[..2].copy_from_slice(&[1, 4]);
    let mut failures = Vec::new();
    let mut check = |name: &str, n: usize| {
        if n != 0 {
            failures.push(format!("{name}: {n} allocation(s)"));
        }
    };
    // SAFETY (every call): descriptors of live buffers of their shapes.
    unsafe {
        check("add, 5 f32", allocations(|| numkern_add(&da, &db, &dc)));
        check("exp, 5 f32", allocations(|| numkern_exp(&da, &dc)));
        check("log, 5 f32", allocations(|| numkern_log(&da, &dc)));
        check("add, broadcast (32,5) + (5,)", allocations(|| numkern_add(&dy, &dbias, &dz)));
        check("copy, 5 f32", allocations(|| numkern_copy(&da, &dc)));
        check("copy, 4x4 transposed", allocations(|| numkern_copy(&dsq, &dsq_t)));
        check("linear 32x10 . 10x5 + bias, sigmoid", allocations(|| numkern_linear(&dx, &dw, &dbias, NUMKERN_ACT_SIGMOID, &dy)));
        check("matmul 32x10 . 10x5", allocations(|| numkern_matmul(&dx, &dw, &dy)));
        check("gemm 32x10 . 10x5", allocations(|| numkern_gemm(1.0, &dx, &dw, 0.0, &dy)));
    }
    assert!(failures.is_empty(), "small calls allocated: {failures:#?}");
}
