//! concatenate, stack and split through the C ABI on every tier: against a
//! plain index reference over random shapes, axes, input counts and
//! layouts; each failure class with the output untouched.

use numkern::error::*;
use numkern::ffi::*;
use numkern::framework::array::numkern_array;
use proptest::prelude::*;

mod common;
use common::on_every_tier;

/// An f64 array: its buffer, and a descriptor in C order or with every axis
/// reversed (`flip`).
struct Arr {
    buf: Vec<f64>,
    shape: Vec<usize>,
    flip: bool,
}

impl Arr {
    fn new(shape: &[usize], flip: bool, start: f64) -> Arr {
        let n: usize = shape.iter().product();
        Arr { buf: (0..n).map(|i| start + i as f64).collect(), shape: shape.to_vec(), flip }
    }
    fn c_strides(&self) -> Vec<i64> {
        let mut st = vec![1i64; self.shape.len()];
        for k in (0..self.shape.len().saturating_sub(1)).rev() {
            st[k] = st[k + 1] * self.shape[k + 1] as i64;
        }
        st
    }
    fn desc(&mut self) -> numkern_array {
        let st = self.c_strides();
        let mut d = numkern_array { data: self.buf.as_mut_ptr() as *mut _, dtype: 1, ndim: self.shape.len() as i32, shape: [0; 8], strides: [0; 8] };
        let mut off = 0i64;
        for k in 0..self.shape.len() {
            d.shape[k] = self.shape[k] as i64;
            d.strides[k] = if self.flip { -st[k] } else { st[k] };
            if self.flip && self.shape[k] > 0 {
                off += (self.shape[k] as i64 - 1) * st[k];
            }
        }
        if self.buf.is_empty() {
            off = 0;
        }
        d.data = unsafe { (self.buf.as_mut_ptr()).offset(off as isize) } as *mut _;
        d
    }
    /// The logical element at a multi-index.
    fn get(&self, idx: &[usize]) -> f64 {
        let st = self.c_strides();
        let at: i64 = idx.iter().zip(&self.shape).zip(&st).map(|((&i, &n), &s)| (if self.flip { n - 1 - i } else { i }) as i64 * s).sum();
        self.buf[at as usize]
    }
}

fn multi_index(mut i: usize, shape: &[usize]) -> Vec<usize> {
    let mut idx = vec![0; shape.len()];
    for k in (0..shape.len()).rev() {
        idx[k] = i % shape[k];
        i /= shape[k];
    }
    idx
}


proptest! {
    #[test]
    fn concatenate_and_stack_match_the_reference(
        base in prop::collection::vec(0usize..5, 1..4),
        extents in prop::collection::vec(0usize..5, 1..5),
        axis_pick in 0usize..8,
        flips in prop::collection::vec(any::<bool>(), 5),
        negative_axis in any::<bool>(),
    ) {
        let nd = base.len();
        let ax = axis_pick % nd;
        let axis_arg = if negative_axis { ax as i64 - nd as i64 } else { ax as i64 };
        on_every_tier(|| {
            // concatenate: input i has extent extents[i] along ax.
            let mut ins: Vec<Arr> = extents.iter().enumerate().map(|(i, &e)| {
                let mut s = base.clone();
                s[ax] = e;
                Arr::new(&s, flips[i], 1000.0 * i as f64)
            }).collect();
            let descs: Vec<numkern_array> = ins.iter_mut().map(|a| a.desc()).collect();
            let mut oshape = base.clone();
            oshape[ax] = extents.iter().sum();
            let mut out = Arr::new(&oshape, flips[4], f64::NAN);
            out.buf.iter_mut().for_each(|v| *v = f64::NAN);
            let od = out.desc();
            assert_eq!(unsafe { numkern_concatenate(descs.as_ptr(), descs.len() as i64, axis_arg, &od) }, NUMKERN_OK, "{}", numkern::error::last_error_message());
            let total: usize = oshape.iter().product();
            for i in 0..total {
                let mut idx = multi_index(i, &oshape);
                let (mut which, mut pos) = (0, idx[ax]);
                while pos >= extents[which] {
                    pos -= extents[which];
                    which += 1;
                }
                let got = out.get(&idx);
                idx[ax] = pos;
                assert_eq!(got, ins[which].get(&idx), "concatenate {oshape:?} axis {ax} at {i}");
            }
            // stack: the inputs with the base shape, a new axis at ax' in 0..=nd.
            let sax = axis_pick % (nd + 1);
            let mut ins: Vec<Arr> = (0..extents.len()).map(|i| Arr::new(&base, flips[i], 1000.0 * i as f64)).collect();
            let descs: Vec<numkern_array> = ins.iter_mut().map(|a| a.desc()).collect();
            let mut sshape = base.clone();
            sshape.insert(sax, extents.len());
            let mut out = Arr::new(&sshape, flips[4], 0.0);
            let od = out.desc();
            assert_eq!(unsafe { numkern_stack(descs.as_ptr(), descs.len() as i64, sax as i64, &od) }, NUMKERN_OK, "{}", numkern::error::last_error_message());
            for i in 0..sshape.iter().product::<usize>() {
                let mut idx = multi_index(i, &sshape);
                let which = idx.remove(sax);
                assert_eq!(out.get(&multi_index(i, &sshape)), ins[which].get(&idx), "stack {sshape:?} axis {sax} at {i}");
            }
        });
    }

    #[test]
    fn split_gives_numpys_views(n in 0usize..12, indices in prop::collection::vec(-14i64..14, 0..5)) {
        let mut x = Arr::new(&[3, n], false, 0.0);
        let xd = x.desc();
        let mut views = vec![numkern_array { data: std::ptr::null_mut(), dtype: 0, ndim: 0, shape: [0; 8], strides: [0; 8] }; indices.len() + 1];
        assert_eq!(unsafe { numkern_split(&xd, -1, indices.as_ptr(), indices.len() as i64, views.as_mut_ptr()) }, NUMKERN_OK);
        // Python's slicing of range(n) at the same points.
        let clamp = |i: i64| if i < 0 { (i + n as i64).max(0) } else { i.min(n as i64) };
        let mut prev = 0i64;
        for (k, stop) in indices.iter().map(|&i| clamp(i)).chain(std::iter::once(n as i64)).enumerate() {
            let len = (stop - prev).max(0);
            let v = &views[k];
            assert_eq!((v.ndim, v.shape[0], v.shape[1]), (2, 3, len), "view {k}");
            if len > 0 {
                let first = unsafe { *(v.data as *const f64) };
                assert_eq!(first, prev as f64, "view {k} starts at column {prev}");
                assert_eq!(v.strides[..2], [n as i64, 1]);
            }
            prev = stop;
        }
    }
}

/// Every failure class: status, a message naming the input and axis, out untouched.
#[test]
fn errors_name_the_input_and_leave_out_untouched() {
    let mut a = Arr::new(&[2, 3], false, 0.0);
    let mut b = Arr::new(&[2, 4], false, 0.0);
    let mut c = Arr::new(&[6], false, 0.0);
    let mut out = Arr::new(&[2, 7], false, 0.0);
    out.buf.iter_mut().for_each(|v| *v = -1.0);
    let (ad, bd, cd, od) = (a.desc(), b.desc(), c.desc(), out.desc());
    let mut twice = od;
    twice.strides = [0, 1, 0, 0, 0, 0, 0, 0];
    let mut bad = ad;
    bad.dtype = 99;
    let cases: Vec<(i32, &str, Vec<numkern_array>, i64, numkern_array)> = vec![
        (NUMKERN_ERR_SHAPE_MISMATCH, "along dimension 1, the array at index 0 has size 3 and the array at index 1 has size 4", vec![ad, bd], 0, od),
        (NUMKERN_ERR_SHAPE_MISMATCH, "the array at index 0 has 2 dimension(s) and the array at index 2 has 1 dimension(s)", vec![ad, bd, cd], 1, od),
        (NUMKERN_ERR_SHAPE_MISMATCH, "out has shape (2,7), the concatenation along axis 1 has shape (2,6)", vec![ad, ad], 1, od),
        (NUMKERN_ERR_AXIS, "axis 2 is out of bounds for array of dimension 2", vec![ad, bd], 2, od),
        (NUMKERN_ERR_INVALID_ARGUMENT, "need at least one array", vec![], 0, od),
        (NUMKERN_ERR_INVALID_ARGUMENT, "would write one element twice", vec![ad, bd], 1, twice),
        (NUMKERN_ERR_DTYPE, "inputs[1]", vec![ad, bad], 1, od),
    ];
    for (status, msg, list, axis, o) in cases {
        assert_eq!(unsafe { numkern_concatenate(list.as_ptr(), list.len() as i64, axis, &o) }, status, "{msg}");
        let got = numkern::error::last_error_message();
        assert!(got.contains(msg), "{got:?} lacks {msg:?}");
        assert!(out.buf.iter().all(|&v| v == -1.0), "{msg}: out touched");
    }
    let list = [ad, bd];
    assert_eq!(unsafe { numkern_stack(list.as_ptr(), 2, 0, &od) }, NUMKERN_ERR_SHAPE_MISMATCH);
    assert!(numkern::error::last_error_message().contains("the array at index 0 has shape (2,3) and the array at index 1 has shape (2,4)"));
    assert_eq!(unsafe { numkern_concatenate(std::ptr::null(), 2, 0, &od) }, NUMKERN_ERR_NULL_POINTER);
    let mut views = [od; 2];
    let keep = views[0].data;
    assert_eq!(unsafe { numkern_split(&ad, 5, [1i64].as_ptr(), 1, views.as_mut_ptr()) }, NUMKERN_ERR_AXIS);
    assert_eq!(views[0].data, keep, "views touched");
    assert!(out.buf.iter().all(|&v| v == -1.0));
}

/// An input that is out's own memory is read before it is overwritten.
#[test]
fn an_input_overlapping_out_is_copied_first() {
    let mut buf: Vec<f64> = (0..8).map(f64::from).collect();
    let p = buf.as_mut_ptr();
    let view = |off: usize, n: i64| numkern_array { data: unsafe { p.add(off) } as *mut _, dtype: 1, ndim: 1, shape: [n, 0, 0, 0, 0, 0, 0, 0], strides: [1, 0, 0, 0, 0, 0, 0, 0] };
    // out = buf[0:8] = concatenate(buf[4:8], buf[0:4]): a rotation.
    let list = [view(4, 4), view(0, 4)];
    assert_eq!(unsafe { numkern_concatenate(list.as_ptr(), 2, 0, &view(0, 8)) }, NUMKERN_OK);
    assert_eq!(buf, [4.0, 5.0, 6.0, 7.0, 0.0, 1.0, 2.0, 3.0]);
}
