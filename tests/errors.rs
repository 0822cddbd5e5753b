//! One test per failure class, through the C ABI: the status code, a message
//! naming the function and the argument, and outputs left untouched.

use numkern::error::*;
use numkern::ffi::*;
use numkern::framework::array::numkern_array;
use numkern::{dtype::*, dispatch::*};
use std::ffi::CStr;

fn desc(data: &mut [f32], shape: &[i64]) -> numkern_array {
    let mut d = std::mem::MaybeUninit::<numkern_array>::uninit();
    let st = unsafe { numkern_array_init(data.as_mut_ptr() as *mut _, NUMKERN_F32, shape.len() as i32, shape.as_ptr(), d.as_mut_ptr()) };
    assert_eq!(st, NUMKERN_OK);
    unsafe { d.assume_init() }
}

fn message() -> String {
    unsafe { CStr::from_ptr(numkern_last_error_message()) }.to_string_lossy().into_owned()
}

/// Runs `call` on a sentinel-filled output and checks status, message and that the output is untouched.
fn expect_error(status: i32, needle: &str, call: impl FnOnce(&numkern_array) -> i32) {
    let mut out = vec![-7.0f32; 12];
    let o = desc(&mut out, &[3, 4]);
    let st = call(&o);
    assert_eq!(st, status, "status {} ({}), message: {}", st, unsafe { CStr::from_ptr(numkern_status_string(st)) }.to_string_lossy(), message());
    let msg = message();
    assert!(msg.contains(needle), "message {msg:?} lacks {needle:?}");
    assert!(msg.starts_with("numkern_"), "message {msg:?} does not name the function");
    assert!(out.iter().all(|&v| v == -7.0), "output written on error");
}

#[test]
fn null_pointer() {
    expect_error(NUMKERN_ERR_NULL_POINTER, "argument `x` is a null pointer", |o| unsafe { numkern_exp(std::ptr::null(), o) });
    let mut x = vec![0f32; 12];
    let mut d = desc(&mut x, &[3, 4]);
    d.data = std::ptr::null_mut();
    expect_error(NUMKERN_ERR_NULL_POINTER, "data is null", |o| unsafe { numkern_exp(&d, o) });
}

#[test]
fn bad_descriptor() {
    let mut x = vec![0f32; 12];
    let base = desc(&mut x, &[3, 4]);
    let mut d = base;
    d.ndim = 9;
    expect_error(NUMKERN_ERR_BAD_DESCRIPTOR, "ndim 9", |o| unsafe { numkern_exp(&d, o) });
    let mut d = base;
    d.shape[0] = -3;
    expect_error(NUMKERN_ERR_BAD_DESCRIPTOR, "negative dimensions", |o| unsafe { numkern_exp(&d, o) });
    let mut d = base;
    d.strides[0] = i64::MAX / 2;
    expect_error(NUMKERN_ERR_BAD_DESCRIPTOR, "overflow", |o| unsafe { numkern_exp(&d, o) });
    let mut d = base;
    d.shape[0] = i64::MAX;
    expect_error(NUMKERN_ERR_BAD_DESCRIPTOR, "overflow", |o| unsafe { numkern_exp(&d, o) });
}

#[test]
fn shape_mismatch() {
    let (mut a, mut b) = (vec![0f32; 12], vec![0f32; 5]);
    let (a, b) = (desc(&mut a, &[3, 4]), desc(&mut b, &[5]));
    expect_error(NUMKERN_ERR_SHAPE_MISMATCH, "numkern_add: operands could not be broadcast together with shapes (3,4) (5,)", |o| unsafe {
        numkern_add(&a, &b, o)
    });
    let mut c = vec![0f32; 8];
    let c = desc(&mut c, &[2, 4]);
    expect_error(NUMKERN_ERR_SHAPE_MISMATCH, "non-broadcastable output operand with shape (3,4)", |o| unsafe { numkern_exp(&c, o) });
}

#[test]
fn dtype_errors() {
    let mut x = vec![0f32; 12];
    let mut d = desc(&mut x, &[3, 4]);
    d.dtype = 99;
    expect_error(NUMKERN_ERR_DTYPE, "unknown dtype code 99", |o| unsafe { numkern_exp(&d, o) });
    let mut ints = vec![0i32; 12];
    let mut di = desc(&mut x, &[3, 4]);
    di.data = ints.as_mut_ptr() as *mut _;
    di.dtype = NUMKERN_I32;
    expect_error(NUMKERN_ERR_DTYPE, "not supported for the input types", |o| unsafe { numkern_exp(&di, o) });
    let mut x64 = vec![0f64; 12];
    let mut d64 = desc(&mut x, &[3, 4]);
    d64.data = x64.as_mut_ptr() as *mut _;
    d64.dtype = NUMKERN_F64;
    expect_error(NUMKERN_ERR_DTYPE, "no implicit casting", |o| unsafe { numkern_exp(&d64, o) });
}

#[test]
fn output_writing_twice_is_refused() {
    let mut x = vec![0f32; 12];
    let d = desc(&mut x, &[3, 4]);
    expect_error(NUMKERN_ERR_INVALID_ARGUMENT, "would write one element twice", |o| {
        let mut o2 = *o;
        o2.strides[0] = 0;
        unsafe { numkern_exp(&d, &o2) }
    });
}

#[test]
fn axis_and_view_errors() {
    let mut x = vec![0f32; 12];
    let d = desc(&mut x, &[3, 4]);
    let mut out = std::mem::MaybeUninit::<numkern_array>::uninit();
    let axes = [0i64, 2];
    assert_eq!(unsafe { numkern_permute(&d, axes.as_ptr(), 2, out.as_mut_ptr()) }, NUMKERN_ERR_AXIS);
    assert!(message().contains("axis 2 is out of bounds for array of dimension 2"), "{}", message());
    let axes = [1i64, 1];
    assert_eq!(unsafe { numkern_permute(&d, axes.as_ptr(), 2, out.as_mut_ptr()) }, NUMKERN_ERR_AXIS);
    assert!(message().contains("repeated axis"));
    // A transposed view cannot be flattened without a copy.
    let mut t = std::mem::MaybeUninit::<numkern_array>::uninit();
    assert_eq!(unsafe { numkern_transpose(&d, t.as_mut_ptr()) }, NUMKERN_OK);
    let t = unsafe { t.assume_init() };
    let flat = [-1i64];
    assert_eq!(unsafe { numkern_reshape(&t, flat.as_ptr(), 1, out.as_mut_ptr()) }, NUMKERN_ERR_INVALID_ARGUMENT);
    assert!(message().contains("without copying"));
    let bad = [5i64];
    assert_eq!(unsafe { numkern_reshape(&d, bad.as_ptr(), 1, out.as_mut_ptr()) }, NUMKERN_ERR_SHAPE_MISMATCH);
    assert!(message().contains("cannot reshape array of size 12 into shape (5)"), "{}", message());
    assert_eq!(unsafe { numkern_slice(&d, 0, 0, 3, 0, out.as_mut_ptr()) }, NUMKERN_ERR_INVALID_ARGUMENT);
    assert!(message().contains("slice step cannot be zero"));
}

#[test]
fn isa_setter_only_lowers() {
    assert_eq!(numkern_set_isa(42), NUMKERN_ERR_INVALID_ARGUMENT);
    let before = numkern_get_isa();
    for tier in Tier::ALL {
        let st = numkern_set_isa(tier.code());
        if tier_available(tier) {
            assert_eq!(st, NUMKERN_OK);
            assert_eq!(numkern_get_isa(), tier.code());
        } else {
            assert_eq!(st, NUMKERN_ERR_UNSUPPORTED, "{tier:?}");
            assert!(message().contains("not available on this CPU"));
        }
    }
    assert_eq!(numkern_set_isa(before), NUMKERN_OK);
    assert_eq!(numkern_get_isa(), before);
}

#[test]
fn threads_setter() {
    assert_eq!(numkern_set_num_threads(-1), NUMKERN_ERR_INVALID_ARGUMENT);
    assert_eq!(numkern_set_num_threads(3), NUMKERN_OK);
    assert_eq!(numkern_get_num_threads(), 3);
    assert_eq!(numkern_set_num_threads(0), NUMKERN_OK);
    assert!(numkern_get_num_threads() >= 1);
}

#[test]
fn status_strings_are_distinct() {
    let codes = [
        NUMKERN_OK,
        NUMKERN_ERR_NULL_POINTER,
        NUMKERN_ERR_BAD_DESCRIPTOR,
        NUMKERN_ERR_SHAPE_MISMATCH,
        NUMKERN_ERR_DTYPE,
        NUMKERN_ERR_AXIS,
        NUMKERN_ERR_EMPTY_REDUCTION,
        NUMKERN_ERR_OUT_OF_MEMORY,
        NUMKERN_ERR_INVALID_ARGUMENT,
        NUMKERN_ERR_UNSUPPORTED,
        NUMKERN_ERR_INTERNAL,
    ];
    let names: std::collections::HashSet<String> =
        codes.iter().map(|&c| unsafe { CStr::from_ptr(numkern_status_string(c)) }.to_string_lossy().into_owned()).collect();
    assert_eq!(names.len(), codes.len());
    assert!(unsafe { CStr::from_ptr(numkern_status_string(1234)) }.to_string_lossy().contains("unknown"));
}
