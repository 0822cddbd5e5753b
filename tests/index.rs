//! take, gather, put, mask_select, compress and nonzero on every tier against plain index
//! references over random shapes, axes, modes, index dtypes and layouts;
//! every failure class through the C ABI with the output untouched.

use numkern::dispatch::{available_tiers, Tier};
use numkern::error::*;
use numkern::ffi::*;
use numkern::ops::index::TakeMode;
use numkern::{ArrayView, ArrayViewMut};
use proptest::prelude::*;

mod common;
use common::{c_desc, exec};


fn c_strides(shape: &[usize]) -> Vec<isize> {
    let mut st = vec![1isize; shape.len()];
    for k in (0..shape.len().saturating_sub(1)).rev() {
        st[k] = st[k + 1] * shape[k + 1].max(1) as isize;
    }
    st
}

/// x as a view with every axis reversed (flip) or in C order, over `buf`.
fn view<'a>(buf: &'a [f64], shape: &[usize], flip: bool) -> ArrayView<'a, f64> {
    let st = c_strides(shape);
    if !flip || buf.is_empty() {
        return ArrayView::from_slice_strided(buf, 0, shape, &st).unwrap();
    }
    let off: isize = shape.iter().zip(&st).map(|(&n, &s)| (n as isize - 1) * s).sum();
    let neg: Vec<isize> = st.iter().map(|s| -s).collect();
    ArrayView::from_slice_strided(buf, off as usize, shape, &neg).unwrap()
}

/// Logical element i (C order) of x stored flipped or not.
fn logical(buf: &[f64], flip: bool, i: usize) -> f64 {
    if flip { buf[buf.len() - 1 - i] } else { buf[i] }
}

fn multi(mut i: usize, shape: &[usize]) -> Vec<usize> {
    let mut idx = vec![0; shape.len()];
    for k in (0..shape.len()).rev() {
        idx[k] = i % shape[k];
        i /= shape[k];
    }
    idx
}

fn flat(idx: &[usize], shape: &[usize]) -> usize {
    idx.iter().zip(shape).fold(0, |a, (&i, &n)| a * n + i)
}

/// The position index `i` names along an axis of extent `e` (NumPy's modes).
fn position(i: i64, e: i64, mode: TakeMode) -> usize {
    (if mode == TakeMode::Clip { i.clamp(0, e - 1) } else { i.rem_euclid(e) }) as usize
}

/// An indexing case along one axis: (array shape, index shape, indices,
/// axis, mode); RAISE indices stay in -extent .. extent.
fn axis_case() -> impl Strategy<Value = (Vec<usize>, Vec<usize>, Vec<i64>, usize, TakeMode)> {
    (prop::collection::vec(1usize..5, 1..4), prop::collection::vec(0usize..4, 0..3), prop::collection::vec(-9i64..9, 27), 0usize..6, 0u8..3).prop_map(
        |(shape, ishape, raw, axis_pick, mode)| {
            let ax = axis_pick % shape.len();
            let n = shape[ax] as i64;
            let mode = [TakeMode::Raise, TakeMode::Wrap, TakeMode::Clip][mode as usize];
            let mut idx: Vec<i64> = raw[..ishape.iter().product()].to_vec();
            if mode == TakeMode::Raise {
                idx.iter_mut().for_each(|i| *i = i.rem_euclid(2 * n) - n);
            }
            (shape, ishape, idx, ax, mode)
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]
    #[test]
    fn take_matches_the_reference(
        (shape, ishape, idx, ax, mode) in axis_case(),
        flip in any::<bool>(),
        i32_indices in any::<bool>(),
    ) {
        let n = shape[ax] as i64;
        let size: usize = shape.iter().product();
        let buf: Vec<f64> = (0..size).map(|i| i as f64).collect();
        let mut oshape = shape[..ax].to_vec();
        oshape.extend(&ishape);
        oshape.extend(&shape[ax + 1..]);
        let osize: usize = oshape.iter().product();
        for tier in available_tiers() {
            for threads in [1, 3] {
                let mut out = vec![f64::NAN; osize];
                let x = view(&buf, &shape, flip);
                let mut o = ArrayViewMut::from_slice(&mut out, &oshape).unwrap();
                if i32_indices {
                    let idx32: Vec<i32> = idx.iter().map(|&i| i as i32).collect();
                    exec(tier, threads).take(&x, &ArrayView::from_slice(&idx32, &ishape).unwrap(), ax as i64, mode, &mut o).unwrap();
                } else {
                    exec(tier, threads).take(&x, &ArrayView::from_slice(&idx, &ishape).unwrap(), ax as i64 - shape.len() as i64, mode, &mut o).unwrap();
                }
                for (i, &got) in out.iter().enumerate() {
                    let m = multi(i, &oshape);
                    let j = flat(&m[ax..ax + ishape.len()], &ishape);
                    let k = position(idx[j], n, mode);
                    let mut src = m[..ax].to_vec();
                    src.push(k);
                    src.extend(&m[ax + ishape.len()..]);
                    prop_assert_eq!(got, logical(&buf, flip, flat(&src, &shape)), "{:?} at {:?}", tier, m);
                }
            }
        }
    }

    #[test]
    fn gather_matches_the_reference(
        shape in prop::collection::vec(1usize..5, 1..4),
        n_pick in 0usize..3,
        bshape in prop::collection::vec(1usize..4, 0..3),
        squash in prop::collection::vec(0u8..4, 3),
        raw in prop::collection::vec(-9i64..9, 81),
        mode in 0u8..3,
        flip in any::<bool>(),
    ) {
        let n = 1 + n_pick % shape.len();
        let mode = [TakeMode::Raise, TakeMode::Wrap, TakeMode::Clip][mode as usize];
        // Index array 0 has B's shape, the others B's with some axes 1 or dropped.
        let ishapes: Vec<Vec<usize>> = (0..n).map(|k| {
            if k == 0 {
                return bshape.clone();
            }
            let sh: Vec<usize> = bshape.iter().enumerate().map(|(d, &e)| if (squash[k] >> (d % 2)) & 1 == 1 { 1 } else { e }).collect();
            if squash[k] == 3 { sh[sh.len().min(1)..].to_vec() } else { sh }
        }).collect();
        let idx: Vec<Vec<i64>> = (0..n).map(|k| {
            let e = shape[k] as i64;
            let v = raw[k * 27..][..ishapes[k].iter().product()].to_vec();
            if mode == TakeMode::Raise { v.iter().map(|i| i.rem_euclid(2 * e) - e).collect() } else { v }
        }).collect();
        let b = bshape.clone();
        let mut oshape = b.clone();
        oshape.extend(&shape[n..]);
        let size: usize = shape.iter().product();
        let buf: Vec<f64> = (0..size).map(|i| i as f64).collect();
        let row: usize = shape[n..].iter().product();
        for tier in available_tiers() {
            let mut out = vec![f64::NAN; oshape.iter().product()];
            let views: Vec<ArrayView<i64>> = (0..n).map(|k| ArrayView::from_slice(&idx[k], &ishapes[k]).unwrap()).collect();
            exec(tier, 3).gather(&view(&buf, &shape, flip), &views, mode, &mut ArrayViewMut::from_slice(&mut out, &oshape).unwrap()).unwrap();
            for (i, &got) in out.iter().enumerate() {
                let m = multi(i / row, &b);
                let mut src: Vec<usize> = (0..n).map(|k| {
                    // Index k's element for the broadcast position m (its axes align right).
                    let sh = &ishapes[k];
                    let mk: Vec<usize> = sh.iter().enumerate().map(|(d, &e)| if e == 1 { 0 } else { m[d + b.len() - sh.len()] }).collect();
                    position(idx[k][flat(&mk, sh)], shape[k] as i64, mode)
                }).collect();
                src.extend(multi(i % row, &shape[n..]));
                prop_assert_eq!(got, logical(&buf, flip, flat(&src, &shape)), "{:?} at {}", tier, i);
            }
        }
    }

    #[test]
    fn put_matches_sequential_assignment(
        (shape, ishape, idx, ax, mode) in axis_case(),
        flip in any::<bool>(),
        broadcast_values in any::<bool>(),
    ) {
        let e = shape[ax] as i64;
        let mut vshape = shape[..ax].to_vec();
        vshape.extend(&ishape);
        vshape.extend(&shape[ax + 1..]);
        // Broadcast values: only the trailing axes after the index axes are given.
        let given = if broadcast_values { shape[ax + 1..].to_vec() } else { vshape.clone() };
        let values: Vec<f64> = (0..given.iter().product()).map(|i| 1000.0 + i as f64).collect();
        let size: usize = shape.iter().product();
        // The reference: NumPy's assignment, element by element in C order.
        let mut want: Vec<f64> = (0..size).map(|i| -(i as f64)).collect();
        for i in 0..vshape.iter().product::<usize>() {
            let m = multi(i, &vshape);
            let j = flat(&m[ax..ax + ishape.len()], &ishape);
            let k = position(idx[j], e, mode);
            let mut dst = m[..ax].to_vec();
            dst.push(k);
            dst.extend(&m[ax + ishape.len()..]);
            let vm = &m[m.len() - given.len()..];
            want[flat(&dst, &shape)] = values[flat(vm, &given)];
        }
        for tier in available_tiers() {
            for threads in [1, 3] {
                let mut buf: Vec<f64> = (0..size).map(|i| -(i as f64)).collect();
                if flip {
                    buf.reverse();
                }
                let st = c_strides(&shape);
                let mut o = if flip {
                    let off: isize = shape.iter().zip(&st).map(|(&n, &s)| (n as isize - 1) * s).sum();
                    let neg: Vec<isize> = st.iter().map(|s| -s).collect();
                    ArrayViewMut::from_slice_strided(&mut buf, off as usize, &shape, &neg).unwrap()
                } else {
                    ArrayViewMut::from_slice(&mut buf, &shape).unwrap()
                };
                exec(tier, threads).put(&ArrayView::from_slice(&values, &given).unwrap(), &ArrayView::from_slice(&idx, &ishape).unwrap(), ax as i64, mode, &mut o).unwrap();
                for i in 0..size {
                    prop_assert_eq!(logical(&buf, flip, i), want[i], "{:?} x{} at {}", tier, threads, i);
                }
            }
        }
    }

    #[test]
    fn mask_select_compress_and_nonzero_match_the_reference(
        shape in prop::collection::vec(0usize..6, 1..4),
        k_pick in 0usize..3,
        bits in prop::collection::vec(0u8..3, 216),
        flip in any::<bool>(),
        axis_pick in 0usize..3,
    ) {
        let k = 1 + k_pick % shape.len();
        let msize: usize = shape[..k].iter().product();
        let mask: Vec<u8> = bits[..msize].iter().map(|&b| (b == 2) as u8 * 7).collect();
        let size: usize = shape.iter().product();
        let buf: Vec<f64> = (0..size).map(|i| i as f64 + 0.5).collect();
        let row: usize = shape[k..].iter().product();
        let selected: Vec<usize> = (0..msize).filter(|&i| mask[i] != 0).collect();
        let mut oshape = vec![selected.len()];
        oshape.extend(&shape[k..]);
        for tier in available_tiers() {
            let e = exec(tier, 2);
            let mut out = vec![f64::NAN; selected.len() * row];
            e.mask_select(&view(&buf, &shape, flip), &ArrayView::from_slice(&mask, &shape[..k]).unwrap(), &mut ArrayViewMut::from_slice(&mut out, &oshape).unwrap()).unwrap();
            for (r, &p) in selected.iter().enumerate() {
                for c in 0..row {
                    prop_assert_eq!(out[r * row + c], logical(&buf, flip, p * row + c));
                }
            }
        }
        // compress along an axis by a 1-D mask.
        let ax = axis_pick % shape.len();
        let cm: Vec<u8> = bits[..shape[ax]].iter().map(|&b| (b == 1) as u8).collect();
        let keep: Vec<usize> = (0..shape[ax]).filter(|&i| cm[i] != 0).collect();
        let mut cshape = shape.clone();
        cshape[ax] = keep.len();
        let mut out = vec![f64::NAN; cshape.iter().product()];
        exec(*available_tiers().last().unwrap(), 1).compress(&ArrayView::from_slice(&cm, &[cm.len()]).unwrap(), &view(&buf, &shape, flip), ax as i64, &mut ArrayViewMut::from_slice(&mut out, &cshape).unwrap()).unwrap();
        for (i, &got) in out.iter().enumerate() {
            let mut m = multi(i, &cshape);
            m[ax] = keep[m[ax]];
            prop_assert_eq!(got, logical(&buf, flip, flat(&m, &shape)));
        }
        // nonzero of the full-shape mask (k = ndim) as (ndim, count) rows.
        let full: Vec<u8> = bits[..size.min(216)].to_vec();
        if size <= 216 {
            let nz: Vec<usize> = (0..size).filter(|&i| full[i] != 0).collect();
            let mut out = vec![-1i64; shape.len() * nz.len()];
            exec(Tier::Portable, 1).nonzero(&ArrayView::from_slice(&full, &shape).unwrap(), &mut ArrayViewMut::from_slice(&mut out, &[shape.len(), nz.len()]).unwrap()).unwrap();
            for (j, &p) in nz.iter().enumerate() {
                let m = multi(p, &shape);
                for d in 0..shape.len() {
                    prop_assert_eq!(out[d * nz.len() + j], m[d] as i64);
                }
            }
        }
    }
}


/// Every failure class: its status, NumPy's words, the output untouched.
#[test]
fn errors_leave_the_output_untouched() {
    let mut x: Vec<f64> = (0..15).map(f64::from).collect();
    let mut idx = vec![0i64, 5, 2];
    let mut fidx = vec![0.0f64; 3];
    let mut mask = vec![1u8, 0, 1];
    let mut fmask = vec![1.0f64; 3];
    let mut out = vec![-1.0f64; 9];
    let mut iout = vec![-1i64; 8];
    let xd = c_desc(x.as_mut_ptr() as *mut u8, 1, &[5, 3]);
    let id = c_desc(idx.as_mut_ptr() as *mut u8, 3, &[3]);
    let fid = c_desc(fidx.as_mut_ptr() as *mut u8, 1, &[3]);
    let md = c_desc(mask.as_mut_ptr() as *mut u8, 4, &[3]);
    let fmd = c_desc(fmask.as_mut_ptr() as *mut u8, 1, &[3]);
    let od = c_desc(out.as_mut_ptr() as *mut u8, 1, &[3, 3]);
    let od2 = c_desc(out.as_mut_ptr() as *mut u8, 1, &[2, 3]);
    let iod = c_desc(iout.as_mut_ptr() as *mut u8, 3, &[2, 4]);
    let mut fidx2 = vec![0.0f64; 3];
    let mut idx_b = vec![0i64, 5, 2];
    let mut idx_2 = vec![0i64, 1];
    let o3 = c_desc(out.as_mut_ptr() as *mut u8, 1, &[3]);
    let col = c_desc(idx_b.as_mut_ptr() as *mut u8, 3, &[3]);
    let mut idx_ok = vec![0i64, 1, 2];
    let pair_bad = [c_desc(idx_ok.as_mut_ptr() as *mut u8, 3, &[3]), col];
    let pair_mismatch = [id, c_desc(idx_2.as_mut_ptr() as *mut u8, 3, &[2])];
    let pair_float = [id, c_desc(fidx2.as_mut_ptr() as *mut u8, 1, &[3])];
    let pair = [id, id];
    let triple = [id, id, id];
    let mut twice = od;
    twice.strides = [0, 1, 0, 0, 0, 0, 0, 0];
    let cases: Vec<(i32, &str, Box<dyn Fn() -> i32>)> = vec![
        (NUMKERN_ERR_INVALID_ARGUMENT, "numkern_take: index 5 is out of bounds for axis 0 with size 5", Box::new(|| unsafe { numkern_take(&xd, &id, 0, NUMKERN_TAKE_RAISE, &od) })),
        (NUMKERN_ERR_INVALID_ARGUMENT, "mode 7 is not", Box::new(|| unsafe { numkern_take(&xd, &id, 0, 7, &od) })),
        (NUMKERN_ERR_DTYPE, "indices must be int32 or int64, got float64", Box::new(|| unsafe { numkern_take(&xd, &fid, 0, 0, &od) })),
        (NUMKERN_ERR_AXIS, "axis 2 is out of bounds for array of dimension 2", Box::new(|| unsafe { numkern_take(&xd, &id, 2, 0, &od) })),
        (NUMKERN_ERR_SHAPE_MISMATCH, "out has shape (3,3), the take has shape (5,3)", Box::new(|| unsafe { numkern_take(&xd, &id, 1, 2, &od) })),
        (NUMKERN_ERR_INVALID_ARGUMENT, "would write one element twice", Box::new(|| unsafe { numkern_take(&xd, &id, 0, 2, &twice) })),
        (NUMKERN_ERR_INVALID_ARGUMENT, "numkern_gather: index 5 is out of bounds for axis 0 with size 5", Box::new(|| unsafe { numkern_gather(&xd, &id, 1, NUMKERN_TAKE_RAISE, &od) })),
        (NUMKERN_ERR_INVALID_ARGUMENT, "index 5 is out of bounds for axis 1 with size 3", Box::new(|| unsafe { numkern_gather(&xd, pair_bad.as_ptr(), 2, NUMKERN_TAKE_RAISE, &o3) })),
        (NUMKERN_ERR_INVALID_ARGUMENT, "too many indices for array: array is 2-dimensional, but 3 were indexed", Box::new(|| unsafe { numkern_gather(&xd, triple.as_ptr(), 3, 0, &od) })),
        (NUMKERN_ERR_SHAPE_MISMATCH, "shape mismatch: indexing arrays could not be broadcast together with shapes (3,) (2,)", Box::new(|| unsafe { numkern_gather(&xd, pair_mismatch.as_ptr(), 2, 0, &o3) })),
        (NUMKERN_ERR_DTYPE, "indices[1] must be int32 or int64, got float64", Box::new(|| unsafe { numkern_gather(&xd, pair_float.as_ptr(), 2, 0, &o3) })),
        (NUMKERN_ERR_NULL_POINTER, "argument `indices` is a null pointer", Box::new(|| unsafe { numkern_gather(&xd, std::ptr::null(), 1, 0, &o3) })),
        (NUMKERN_ERR_SHAPE_MISMATCH, "out has shape (3,3), the gather has shape (3,)", Box::new(|| unsafe { numkern_gather(&xd, pair.as_ptr(), 2, 0, &od) })),
        (NUMKERN_ERR_INVALID_ARGUMENT, "numkern_put: index 5 is out of bounds for axis 0 with size 5", Box::new(|| unsafe { numkern_put(&od, &id, 0, NUMKERN_TAKE_RAISE, &xd) })),
        (NUMKERN_ERR_SHAPE_MISMATCH, "shape mismatch: value array of shape (2,3) could not be broadcast to indexing result of shape (3,3)", Box::new(|| unsafe { numkern_put(&od2, &id, 0, NUMKERN_TAKE_CLIP, &xd) })),
        (NUMKERN_ERR_DTYPE, "values is int64 and out is float64", Box::new(|| unsafe { numkern_put(&iod, &id, 0, NUMKERN_TAKE_CLIP, &xd) })),
        (NUMKERN_ERR_AXIS, "axis -3 is out of bounds for array of dimension 2", Box::new(|| unsafe { numkern_put(&od, &id, -3, NUMKERN_TAKE_CLIP, &xd) })),
        (NUMKERN_ERR_SHAPE_MISMATCH, "boolean index did not match indexed array along axis 0; size of axis is 5 but size of corresponding boolean axis is 3", Box::new(|| unsafe { numkern_mask_select(&xd, &md, &od) })),
        (NUMKERN_ERR_DTYPE, "mask must be uint8", Box::new(|| unsafe { numkern_mask_select(&xd, &fmd, &od) })),
        (NUMKERN_ERR_SHAPE_MISMATCH, "condition has length 3 but axis 0 of x has size 5", Box::new(|| unsafe { numkern_compress(&md, &xd, 0, &od) })),
        (NUMKERN_ERR_SHAPE_MISMATCH, "out has shape (3,3), the take has shape (5,2)", Box::new(|| unsafe { numkern_compress(&md, &xd, 1, &od) })),
        (NUMKERN_ERR_SHAPE_MISMATCH, "out has shape (2,4), nonzero has shape (2,14)", Box::new(|| unsafe { numkern_nonzero(&xd, &iod) })),
        (NUMKERN_ERR_DTYPE, "out must be int64, got float64", Box::new(|| unsafe { numkern_nonzero(&xd, &od2) })),
    ];
    for (status, msg, call) in cases {
        assert_eq!(call(), status, "{msg}");
        let got = numkern::error::last_error_message();
        assert!(got.contains(msg), "{got:?} lacks {msg:?}");
        assert!(out.iter().all(|&v| v == -1.0) && iout.iter().all(|&v| v == -1), "{msg}: output touched");
    }
    // The mask over the first axis selects rows: x[[1, 0, 1, 0, 0]] -> rows 0 and 2, written into (2, 3).
    let mut m5 = vec![1u8, 0, 1, 0, 0];
    let m5d = c_desc(m5.as_mut_ptr() as *mut u8, 4, &[5]);
    assert_eq!(unsafe { numkern_mask_select(&xd, &m5d, &od2) }, NUMKERN_OK);
    assert_eq!(out[..6], [0.0, 1.0, 2.0, 6.0, 7.0, 8.0]);
    assert!(out[6..].iter().all(|&v| v == -1.0), "wrote past the count");
}
