//! Creation (fill, eye, arange, linspace, tril, triu) through the C ABI on
//! every tier: against a plain reference over random shapes, dtypes and
//! output layouts (the values go through the copy kernels, which differ by
//! tier), and each failure class with the output left untouched.

use numkern::error::*;
use numkern::ffi::*;
use numkern::framework::array::numkern_array;
use proptest::prelude::*;

mod common;
use common::{c_desc, on_every_tier};
use numkern::dtype::NUMKERN_F64;

/// A descriptor over `buf` (f64) with the given shape and element strides.
fn view(buf: &mut [f64], offset: usize, shape: &[usize], strides: &[i64]) -> numkern_array {
    let mut d = numkern_array { data: unsafe { buf.as_mut_ptr().add(offset) } as *mut _, dtype: 1, ndim: shape.len() as i32, shape: [0; 8], strides: [0; 8] };
    for k in 0..shape.len() {
        d.shape[k] = shape[k] as i64;
        d.strides[k] = strides[k];
    }
    d
}

/// A strided 2-D layout of (rows, cols) in a buffer: C, Fortran, or C with
/// gaps and the rows reversed. Returns (buffer length, offset, strides).
fn layout(kind: u8, rows: usize, cols: usize) -> (usize, usize, [i64; 2]) {
    match kind {
        0 => (rows * cols, 0, [cols as i64, 1]),
        1 => (rows * cols, 0, [1, rows as i64]),
        _ => {
            let pitch = 2 * cols + 1;
            (rows.max(1) * pitch, (rows.max(1) - 1) * pitch, [-(pitch as i64), 2])
        }
    }
}

fn read2(buf: &[f64], offset: usize, strides: [i64; 2], i: usize, j: usize) -> f64 {
    buf[(offset as i64 + i as i64 * strides[0] + j as i64 * strides[1]) as usize]
}


proptest! {
    #[test]
    fn eye_and_triangles_match_the_reference(rows in 0usize..40, cols in 0usize..40, k in -45i64..45, kind in 0u8..3) {
        on_every_tier(|| {
            let (len, off, st) = layout(kind, rows, cols);
            let mut buf = vec![f64::NAN; len];
            let d = view(&mut buf, off, &[rows, cols], &st);
            assert_eq!(unsafe { numkern_eye(&d, k) }, NUMKERN_OK);
            for i in 0..rows {
                for j in 0..cols {
                    let want = if j as i64 - i as i64 == k { 1.0 } else { 0.0 };
                    assert_eq!(read2(&buf, off, st, i, j), want, "eye ({rows},{cols}) k={k} at ({i},{j})");
                }
            }
            // tril/triu in place over values i*cols + j + 1.
            for lower in [true, false] {
                for i in 0..rows {
                    for j in 0..cols {
                        buf[(off as i64 + i as i64 * st[0] + j as i64 * st[1]) as usize] = (i * cols + j + 1) as f64;
                    }
                }
                let st_ = if lower { unsafe { numkern_tril(&d, k, &d) } } else { unsafe { numkern_triu(&d, k, &d) } };
                assert_eq!(st_, NUMKERN_OK);
                for i in 0..rows {
                    for j in 0..cols {
                        let keep = if lower { j as i64 <= i as i64 + k } else { j as i64 >= i as i64 + k };
                        let want = if keep { (i * cols + j + 1) as f64 } else { 0.0 };
                        assert_eq!(read2(&buf, off, st, i, j), want);
                    }
                }
            }
        });
    }

    #[test]
    fn fill_arange_linspace_match_the_reference(n in 0usize..2000, stride in prop::sample::select(vec![1i64, 2, -1, -3]),
                                                 start in -1e3f64..1e3, step in -10f64..10.0, stop in -1e3f64..1e3, endpoint in any::<bool>()) {
        on_every_tier(|| {
            let span = if n == 0 { 1 } else { (n - 1) * stride.unsigned_abs() as usize + 1 };
            let off = if stride < 0 { span - 1 } else { 0 };
            let mut buf = vec![f64::NAN; span];
            let d = view(&mut buf, off, &[n], &[stride]);
            let at = |buf: &[f64], i: usize| buf[(off as i64 + i as i64 * stride) as usize];
            assert_eq!(unsafe { numkern_full(&d, start) }, NUMKERN_OK);
            assert!((0..n).all(|i| at(&buf, i) == start));
            assert_eq!(unsafe { numkern_arange(&d, start, step) }, NUMKERN_OK);
            for i in 0..n {
                assert_eq!(at(&buf, i), start + i as f64 * step, "arange value {i}: computed, never accumulated");
            }
            assert_eq!(unsafe { numkern_linspace(&d, start, stop, endpoint as i32) }, NUMKERN_OK);
            let div = if endpoint { n.saturating_sub(1) } else { n };
            for i in 0..n {
                let want = if endpoint && n > 1 && i == n - 1 { stop } else if div == 0 { start } else { i as f64 * ((stop - start) / div as f64) + start };
                assert_eq!(at(&buf, i), want, "linspace value {i} of {n}");
            }
        });
    }
}

/// tril/triu of empty arrays with huge extents return at once (the fuzzer
/// found (2^40, 2^20, 0)-like shapes walking every row of every batch), and
/// a diagonal offset at the ends of i64 does not overflow.
#[test]
fn triangles_of_empty_arrays_and_extreme_offsets() {
    // On a thread, so a regression fails after 20 s instead of hanging.
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = [0f64; 4];
        for shape in [[1i64 << 40, 1 << 20, 0], [0, 1 << 40, 1 << 20], [1 << 20, 1 << 40, 0]] {
            let d = c_desc(buf.as_mut_ptr() as *mut u8, NUMKERN_F64, &shape);
            let status = unsafe { [numkern_triu(&d, 0, &d), numkern_tril(&d, -3, &d)] };
            done.send((shape, status)).unwrap();
        }
    });
    for _ in 0..3 {
        let (shape, status) = finished.recv_timeout(std::time::Duration::from_secs(20)).expect("tril/triu of an empty array still running after 20 s");
        assert_eq!(status, [NUMKERN_OK; 2], "{shape:?}");
    }
    let mut m = [1f64, 2.0, 3.0, 4.0];
    let d = c_desc(m.as_mut_ptr() as *mut u8, NUMKERN_F64, &[2, 2]);
    assert_eq!(unsafe { numkern_triu(&d, i64::MAX, &d) }, NUMKERN_OK);
    assert_eq!(m, [0.0; 4]);
    let mut m = [1f64, 2.0, 3.0, 4.0];
    assert_eq!(unsafe { numkern_tril(&c_desc(m.as_mut_ptr() as *mut u8, NUMKERN_F64, &[2, 2]), i64::MIN, &c_desc(m.as_mut_ptr() as *mut u8, NUMKERN_F64, &[2, 2])) }, NUMKERN_OK);
    assert_eq!(m, [0.0; 4]);
    let mut m = [1f64, 2.0, 3.0, 4.0];
    let d = c_desc(m.as_mut_ptr() as *mut u8, NUMKERN_F64, &[2, 2]);
    assert_eq!(unsafe { numkern_tril(&d, i64::MAX, &d) }, NUMKERN_OK);
    assert_eq!(m, [1.0, 2.0, 3.0, 4.0]);
}

#[test]
fn integer_outputs_are_exact() {
    let mut out = vec![0i64; 5];
    let d = numkern_array { data: out.as_mut_ptr() as *mut _, dtype: 3, ndim: 1, shape: [5, 0, 0, 0, 0, 0, 0, 0], strides: [1, 0, 0, 0, 0, 0, 0, 0] };
    assert_eq!(unsafe { numkern_arange(&d, 9007199254740000.0, 3.0) }, NUMKERN_OK);
    assert_eq!(out, [9007199254740000, 9007199254740003, 9007199254740006, 9007199254740009, 9007199254740012]);
    assert_eq!(unsafe { numkern_full(&d, -2.9) }, NUMKERN_OK);
    assert_eq!(out, [-2; 5], "truncated toward zero, as numkern_copy");
}

/// Each failure class: its status, a message naming the function, the output untouched.
#[test]
fn errors_leave_the_output_untouched() {
    let mut buf = vec![-7.0f64; 12];
    let flat = view(&mut buf, 0, &[12], &[1]);
    let square = view(&mut buf, 0, &[3, 4], &[4, 1]);
    let twice = view(&mut buf, 0, &[3, 4], &[0, 1]); // writes an element twice
    let cases: Vec<(i32, &str, Box<dyn Fn() -> i32>)> = vec![
        (NUMKERN_ERR_NULL_POINTER, "numkern_full", Box::new(|| unsafe { numkern_full(std::ptr::null(), 1.0) })),
        (NUMKERN_ERR_SHAPE_MISMATCH, "numkern_eye: out must be 2-D", Box::new(|| unsafe { numkern_eye(&flat, 0) })),
        (NUMKERN_ERR_SHAPE_MISMATCH, "numkern_arange: out must be 1-D", Box::new(|| unsafe { numkern_arange(&square, 0.0, 1.0) })),
        (NUMKERN_ERR_SHAPE_MISMATCH, "numkern_tril: x must be at least 2-D", Box::new(|| unsafe { numkern_tril(&flat, 0, &flat) })),
        (NUMKERN_ERR_INVALID_ARGUMENT, "numkern_arange", Box::new(|| unsafe { numkern_arange(&flat, f64::NAN, 1.0) })),
        (NUMKERN_ERR_INVALID_ARGUMENT, "numkern_full", Box::new(|| unsafe { numkern_full(&twice, 1.0) })),
    ];
    for (status, needle, call) in cases {
        assert_eq!(call(), status, "{needle}");
        let msg = numkern::error::last_error_message();
        assert!(msg.starts_with(needle), "message {msg:?} lacks {needle:?}");
        assert!(buf.iter().all(|&v| v == -7.0), "{needle}: output written on error");
    }
    let mut ints = vec![5i32; 4];
    let d = numkern_array { data: ints.as_mut_ptr() as *mut _, dtype: 2, ndim: 1, shape: [4, 0, 0, 0, 0, 0, 0, 0], strides: [1, 0, 0, 0, 0, 0, 0, 0] };
    assert_eq!(unsafe { numkern_arange(&d, 0.5, 1.0) }, NUMKERN_ERR_INVALID_ARGUMENT);
    assert_eq!(unsafe { numkern_linspace(&d, 0.0, 1.0, 1) }, NUMKERN_ERR_DTYPE);
    assert_eq!(ints, [5; 4]);
}
