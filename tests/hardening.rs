//! Regression tests for what independent testing broke (issue 19): each
//! fails without its fix. Through the C ABI, as a user from Python/ctypes
//! or C reaches the library.

mod common;
use common::guard::{set_case, Guarded};
use common::*;
use numkern::dtype::*;
use numkern::error::*;
use numkern::ffi::*;
use numkern::framework::views::NUMKERN_NONE;
use numkern::framework::array::numkern_array;
use numkern::kernels::{BinaryOp, UnaryOp, UnaryParams};
use numkern::{ArrayView, ArrayViewMut};
use std::ffi::CStr;

fn message() -> String {
    unsafe { CStr::from_ptr(numkern_last_error_message()) }.to_string_lossy().into_owned()
}

/// A descriptor with explicit strides (in elements) at `data`.
fn view(data: *mut u8, dtype: i32, shape: &[i64], strides: &[i64]) -> numkern_array {
    let mut d = numkern_array { data: data as *mut _, dtype, ndim: shape.len() as i32, shape: [0; 8], strides: [0; 8] };
    d.shape[..shape.len()].copy_from_slice(shape);
    d.strides[..strides.len()].copy_from_slice(strides);
    d
}

fn ok(status: i32) {
    assert_eq!(status, NUMKERN_OK, "{}", message());
}

// ---- 1. alpha = 0, k = 0, n = 0 read nothing they need not read ----

/// Operands in memory that faults on any access: a product that must not
/// read them returns out = beta out. Strides that do not suit GEMV (which
/// used to copy the operand first, reading it) included.
#[test]
fn alpha_zero_reads_no_operand() {
    let bad = Guarded::inaccessible(1 << 16);
    let p = bad.ptr;
    let mut y = vec![1.5f32; 5];
    let mut yd = view(y.as_mut_ptr() as *mut u8, NUMKERN_F32, &[5], &[1]);
    let x_ok = vec![1.0f32; 3];
    let xd = view(x_ok.as_ptr() as *mut u8, NUMKERN_F32, &[3], &[1]);
    let a_strided = view(p, NUMKERN_F32, &[5, 3], &[7, 2]);
    set_case("gemv alpha=0, a (5,3) strides (7,2) unreadable");
    ok(unsafe { numkern_gemv(0.0, &a_strided, &xd, 1.0, &yd) });
    assert_eq!(y, vec![1.5; 5]);
    set_case("gemv alpha=0, strided x unreadable");
    let mut a_ok = vec![1.0f32; 15];
    let ad = view(a_ok.as_mut_ptr() as *mut u8, NUMKERN_F32, &[5, 3], &[3, 1]);
    let x_bad = view(p, NUMKERN_F32, &[3], &[3]);
    ok(unsafe { numkern_gemv(0.0, &ad, &x_bad, 2.0, &yd) });
    assert_eq!(y, vec![3.0; 5]);
    set_case("gemm alpha=0, (5,3)x(3,1), b strides (2,1) unreadable");
    let b_bad = view(p, NUMKERN_F32, &[3, 1], &[2, 1]);
    let c = view(y.as_mut_ptr() as *mut u8, NUMKERN_F32, &[5, 1], &[1, 1]);
    ok(unsafe { numkern_gemm(0.0, &ad, &b_bad, 0.5, &c) });
    assert_eq!(y, vec![1.5; 5]);
    // Every route: dot (1x1), gemv either way, gemm, f32 and f64, any strides.
    for (m, k, n) in [(1, 4, 1), (5, 4, 1), (1, 4, 5), (6, 4, 5), (6, 0, 5), (1, 0, 1)] {
        for (a_st, b_st) in [([k as i64, 1], [n as i64, 1]), ([1, m as i64], [1, k as i64]), ([9, 3], [-5, 2])] {
            for (dtype, es) in [(NUMKERN_F32, 4usize), (NUMKERN_F64, 8)] {
                set_case(&format!("gemm alpha=0 {m}x{k}x{n} strides {a_st:?} {b_st:?} dtype {dtype}"));
                let mut c = vec![0u8; m * n * es];
                let cd = view(c.as_mut_ptr(), dtype, &[m as i64, n as i64], &[n as i64, 1]);
                // Element 0 in the middle, so negative strides stay inside the mapping.
                let mid = unsafe { p.add(1 << 15) };
                let a = view(mid, dtype, &[m as i64, k as i64], &a_st);
                let b = view(mid, dtype, &[k as i64, n as i64], &b_st);
                ok(unsafe { numkern_gemm(0.0, &a, &b, 0.0, &cd) });
                assert!(c.iter().all(|&v| v == 0));
                if k == 0 {
                    // k = 0 reads nothing whatever alpha.
                    ok(unsafe { numkern_gemm(1.0, &a, &b, 0.0, &cd) });
                    ok(unsafe { numkern_matmul(&a, &b, &cd) });
                }
            }
        }
    }
    set_case("axpy alpha=0, x unreadable");
    yd = view(y.as_mut_ptr() as *mut u8, NUMKERN_F32, &[5], &[1]);
    let x5 = view(p, NUMKERN_F32, &[5], &[2]);
    ok(unsafe { numkern_axpy(0.0, &x5, &yd) });
    assert_eq!(y, vec![1.5; 5]);
    set_case("dot and linear over k = 0");
    let e = view(p, NUMKERN_F32, &[0], &[1]);
    let mut s = 7.0f32;
    let sd = view(&mut s as *mut f32 as *mut u8, NUMKERN_F32, &[], &[]);
    ok(unsafe { numkern_dot(&e, &e, &sd) });
    assert_eq!(s, 0.0);
    let x0 = view(p, NUMKERN_F32, &[5, 0], &[0, 0]);
    let w0 = view(p, NUMKERN_F32, &[0, 1], &[1, 1]);
    let mut bias = 0.25f32;
    let bd = view(&mut bias as *mut f32 as *mut u8, NUMKERN_F32, &[1], &[1]);
    ok(unsafe { numkern_linear(&x0, &w0, &bd, NUMKERN_ACT_RELU, &c) });
    assert_eq!(y, vec![0.25; 5]);
    set_case("");
}

// ---- 2. empty outputs with NumPy's all-zero strides ----

#[test]
fn empty_outputs_with_zero_strides_are_accepted() {
    let mut buf = vec![0f32; 16];
    let p = buf.as_mut_ptr() as *mut u8;
    let z = |shape: &[i64]| view(p, NUMKERN_F32, shape, &vec![0; shape.len()]);
    let (a, b, out) = (z(&[0, 3]), z(&[3, 5]), z(&[0, 5]));
    ok(unsafe { numkern_matmul(&a, &b, &out) });
    ok(unsafe { numkern_gemm(1.0, &a, &b, 0.0, &out) });
    ok(unsafe { numkern_linear(&a, &b, std::ptr::null(), NUMKERN_ACT_NONE, &out) });
    ok(unsafe { numkern_add(&out, &out, &out) });
    ok(unsafe { numkern_exp(&out, &out) });
    ok(unsafe { numkern_copy(&out, &out) });
    let mask = view(p, NUMKERN_U8, &[0, 5], &[0, 0]);
    ok(unsafe { numkern_greater(&out, &out, &mask) });
    // (5, 0) from (5, 3) @ (3, 0): m rows of nothing.
    let (b0, out0) = (z(&[3, 0]), z(&[5, 0]));
    let a53 = view(p, NUMKERN_F32, &[5, 3], &[3, 1]);
    ok(unsafe { numkern_matmul(&a53, &b0, &out0) });
    assert!(buf.iter().all(|&v| v == 0.0), "an empty output was written");
}

/// Distinct elements in an interleaved layout are writable; the check is
/// exact (see `RawArray::check_writable`): (2,3) strides (3,2) reaches
/// offsets 0 2 4 3 5 7.
#[test]
fn interleaved_distinct_outputs_are_accepted() {
    let mut buf = vec![0f32; 8];
    let out = view(buf.as_mut_ptr() as *mut u8, NUMKERN_F32, &[2, 3], &[3, 2]);
    let one = 1.0f32;
    let x = view(&one as *const f32 as *mut u8, NUMKERN_F32, &[], &[]);
    ok(unsafe { numkern_copy(&x, &out) });
    assert_eq!(buf, vec![1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 0.0, 1.0]);
    let twice = view(buf.as_mut_ptr() as *mut u8, NUMKERN_F32, &[2, 3], &[2, 1]);
    assert_eq!(unsafe { numkern_copy(&x, &twice) }, NUMKERN_ERR_INVALID_ARGUMENT);
    assert!(message().contains("argument `dst`"), "{}", message());
}

// ---- 4. NumPy semantics ----

#[test]
fn maximum_minimum_of_equal_operands_return_the_second() {
    for exec in tiers() {
        for n in [1usize, 5, 33] {
            for (op, a, b) in [(BinaryOp::Maximum, -0.0, 0.0), (BinaryOp::Maximum, 0.0, -0.0), (BinaryOp::Minimum, -0.0, 0.0), (BinaryOp::Minimum, 0.0, -0.0)] {
                let (xa, xb) = (vec![a as f32; n], vec![b as f32; n]);
                let mut o = vec![7.0f32; n];
                let (va, vb) = (ArrayView::from_slice(&xa, &[n]).unwrap(), ArrayView::from_slice(&xb, &[n]).unwrap());
                exec.binary(op, &va, &vb, &mut ArrayViewMut::from_slice(&mut o, &[n]).unwrap()).unwrap();
                assert!(o.iter().all(|v| v.to_bits() == (b as f32).to_bits()), "{op:?}({a}, {b}) on {:?}: {o:?}", exec.0.tier);
                let (xa, xb) = (vec![a; n], vec![b; n]);
                let mut o = vec![7.0f64; n];
                let (va, vb) = (ArrayView::from_slice(&xa, &[n]).unwrap(), ArrayView::from_slice(&xb, &[n]).unwrap());
                exec.binary(op, &va, &vb, &mut ArrayViewMut::from_slice(&mut o, &[n]).unwrap()).unwrap();
                assert!(o.iter().all(|v| v.to_bits() == b.to_bits()), "{op:?}({a}, {b}) f64 on {:?}: {o:?}", exec.0.tier);
            }
        }
    }
}

#[test]
fn silu_and_gelu_tanh_at_minus_infinity_are_minus_zero() {
    for exec in tiers() {
        for op in [UnaryOp::Silu, UnaryOp::GeluTanh, UnaryOp::Gelu] {
            let x = vec![f32::NEG_INFINITY; 17];
            let mut o = vec![1.0f32; 17];
            exec.unary(op, &ArrayView::from_slice(&x, &[17]).unwrap(), &mut ArrayViewMut::from_slice(&mut o, &[17]).unwrap()).unwrap();
            assert!(o.iter().all(|v| v.to_bits() == (-0.0f32).to_bits()), "{op:?} f32 on {:?}: {o:?}", exec.0.tier);
            let x = vec![f64::NEG_INFINITY; 17];
            let mut o = vec![1.0f64; 17];
            exec.unary(op, &ArrayView::from_slice(&x, &[17]).unwrap(), &mut ArrayViewMut::from_slice(&mut o, &[17]).unwrap()).unwrap();
            assert!(o.iter().all(|v| v.to_bits() == (-0.0f64).to_bits()), "{op:?} f64 on {:?}: {o:?}", exec.0.tier);
            assert_eq!(unary_ref(op, f64::NEG_INFINITY, UnaryParams::default()).to_bits(), (-0.0f64).to_bits());
        }
    }
}

#[test]
fn slice_step_none_is_one() {
    let mut buf: Vec<f32> = (0..10).map(|i| i as f32).collect();
    let a = view(buf.as_mut_ptr() as *mut u8, NUMKERN_F32, &[10], &[1]);
    let mut out = std::mem::MaybeUninit::<numkern_array>::uninit();
    ok(unsafe { numkern_slice(&a, 0, 2, 7, NUMKERN_NONE, out.as_mut_ptr()) });
    let out = unsafe { out.assume_init() };
    assert_eq!((out.shape[0], out.strides[0]), (5, 1));
    assert_eq!(unsafe { *(out.data as *const f32) }, 2.0);
}

/// Found by the views fuzz target: a step so large that stride * step
/// overflows is still a valid slice of at most one element (Python's
/// `a[::2**62]`, `a[5::-2**62]`; NumPy gives the one-element view).
#[test]
fn slice_with_a_huge_step_is_one_element() {
    let mut buf: Vec<f32> = (0..27).map(|i| i as f32).collect();
    let a = view(buf.as_mut_ptr() as *mut u8, NUMKERN_F32, &[3, 9], &[9, 1]);
    // Along axis 0 (stride 9): 9 * step overflows int64.
    for (start, step, first) in [(NUMKERN_NONE, 1i64 << 62, 0.0f32), (2, -(1i64 << 62), 18.0), (NUMKERN_NONE, i64::MAX, 0.0)] {
        let mut out = std::mem::MaybeUninit::<numkern_array>::uninit();
        ok(unsafe { numkern_slice(&a, 0, start, NUMKERN_NONE, step, out.as_mut_ptr()) });
        let out = unsafe { out.assume_init() };
        assert_eq!(&out.shape[..2], &[1, 9], "step {step}");
        assert_eq!(unsafe { *(out.data as *const f32).offset(out.strides[1] as isize) }, first + 1.0);
    }
}

// ---- 6. docs that match the code ----

#[test]
fn statuses_match_the_header() {
    // Null data with elements: NULL_POINTER (as the header now says).
    let mut d = view(std::ptr::null_mut(), NUMKERN_F32, &[3], &[1]);
    assert_eq!(unsafe { numkern_exp(&d, &d) }, NUMKERN_ERR_NULL_POINTER);
    d.shape[0] = 0;
    ok(unsafe { numkern_exp(&d, &d) });
    assert_eq!(numkern_set_num_threads(-1), NUMKERN_ERR_INVALID_ARGUMENT);
    let header = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/include/numkern.h")).unwrap();
    let setter = header.find("int32_t numkern_set_num_threads").unwrap();
    let doc = &header[header[..setter].rfind("\n\n").unwrap()..setter];
    assert!(doc.contains("NUMKERN_ERR_INVALID_ARGUMENT") && !doc.contains("Always NUMKERN_OK"), "{doc}");
    assert!(header.contains("NUMKERN_MAX_THREADS 1024"));
}
