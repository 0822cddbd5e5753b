//! The framework's unsafe code under Miri (run by tests/run_all.sh as
//! `cargo +nightly miri test --test miri`): descriptor <-> slice conversion,
//! strided iteration with negative/zero strides, overlap copies, the tiled
//! transpose, the portable microkernels' partial loads and stores, the
//! dot's peel and gather, the sums' blocks and gather, GEMM's packing and microkernel (packed and in
//! place), and the thread team.
//! Small sizes: Miri is ~1000x slower than native code.

mod common;
use common::*;
use numkern::framework::views;
use numkern::kernels::{BinaryOp, UnaryOp};
use numkern::{ArrayView, ArrayViewMut, Tier};

fn portable() -> numkern::ops::Exec {
    exec(Tier::Portable, 1)
}

#[test]
fn strided_reversed_broadcast_binary() {
    let a: Vec<f32> = (0..35).map(|i| i as f32).collect();
    let b: Vec<f32> = (0..7).map(|i| i as f32 * 10.0).collect();
    let av = ArrayView::from_slice(&a, &[5, 7]).unwrap();
    let av = av.map_raw(|r| views::slice(r, 1, views::NUMKERN_NONE, views::NUMKERN_NONE, -1)).unwrap();
    let bv = ArrayView::from_slice(&b, &[7]).unwrap();
    let mut out = vec![0f32; 35];
    portable().binary(BinaryOp::Add, &av, &bv, &mut ArrayViewMut::from_slice(&mut out, &[5, 7]).unwrap()).unwrap();
    for i in 0..5 {
        for j in 0..7 {
            assert_eq!(out[i * 7 + j], a[i * 7 + 6 - j] + b[j]);
        }
    }
}

#[test]
fn overlapping_output_reads_a_copy() {
    let mut buf: Vec<f32> = (0..20).map(|i| i as f32).collect();
    let orig = buf.clone();
    let p = buf.as_mut_ptr() as *mut u8;
    // Two raw views of one allocation, as a C caller passes them: out = x shifted by one.
    let x = numkern::RawArray::new(p, numkern::DType::F32, &[19], &[1], "x").unwrap();
    let out = numkern::RawArray::new(p.wrapping_add(4), numkern::DType::F32, &[19], &[1], "out").unwrap();
    unsafe { numkern::ops::unary_raw(portable(), UnaryOp::Negative, Default::default(), &x, &out) }.unwrap();
    for i in 0..19 {
        assert_eq!(buf[i + 1], -orig[i]);
    }
}

#[test]
fn transposed_copy_and_casts() {
    let src: Vec<i32> = (0..9 * 13).collect();
    let v = ArrayView::from_slice(&src, &[9, 13]).unwrap();
    let t = v.map_raw(views::transpose).unwrap();
    let mut dst = vec![0f64; 9 * 13];
    portable().copy(&t, &mut ArrayViewMut::from_slice(&mut dst, &[13, 9]).unwrap()).unwrap();
    for i in 0..13 {
        for j in 0..9 {
            assert_eq!(dst[i * 9 + j], src[j * 13 + i] as f64);
        }
    }
}

#[test]
fn tails_and_inplace_unary() {
    for n in [0usize, 1, 7, 8, 9, 17, 33] {
        let mut x: Vec<f64> = (0..n).map(|i| i as f64 - 3.0).collect();
        let orig = x.clone();
        let mut v = ArrayViewMut::from_slice(&mut x, &[n]).unwrap();
        portable().unary_inplace(UnaryOp::Relu, Default::default(), &mut v).unwrap();
        for i in 0..n {
            assert_eq!(x[i], orig[i].max(0.0));
        }
    }
}

/// The dot's and GEMV's peel to an aligned start (runs of 256 and more),
/// their partial lane loads and the dot's strided gather: in bounds, and
/// exact on small integers.
#[test]
fn dot_and_gemv_peel_tails_and_gather() {
    let data: Vec<f64> = (0..300).map(|i| (i % 7) as f64 - 3.0).collect();
    let narrow: Vec<f32> = data.iter().map(|&v| v as f32).collect();
    for skip in [0usize, 1, 3] {
        for n in [5usize, 257, 300 - skip] {
            let want: f64 = data[skip..skip + n].iter().zip(&data[..n]).map(|(a, b)| a * b).sum();
            let (x, y) = (ArrayView::from_slice(&data[skip..skip + n], &[n]).unwrap(), ArrayView::from_slice(&data[..n], &[n]).unwrap());
            assert_eq!(portable().dot(&x, &y).unwrap(), want);
            let (x, y) = (ArrayView::from_slice(&narrow[skip..skip + n], &[n]).unwrap(), ArrayView::from_slice(&narrow[..n], &[n]).unwrap());
            assert_eq!(portable().dot(&x, &y).unwrap() as f64, want);
        }
    }
    // GEMV along rows of 260 (peeled to the first row's alignment).
    let big: Vec<f64> = (0..800).map(|i| (i % 5) as f64 - 2.0).collect();
    for skip in [0usize, 1, 3] {
        let (m, n, rs) = (3, 260, 264);
        let a = ArrayView::from_slice_strided(&big, skip, &[m, n], &[rs as isize, 1]).unwrap();
        let x = ArrayView::from_slice(&data[..n], &[n]).unwrap();
        let mut y = vec![0f64; m];
        portable().gemv(1.0, &a, &x, 0.0, &mut ArrayViewMut::from_slice(&mut y, &[m]).unwrap()).unwrap();
        for (i, &yi) in y.iter().enumerate() {
            let want: f64 = (0..n).map(|j| big[skip + i * rs + j] * data[j]).sum();
            assert_eq!(yi, want);
        }
    }
    // Every other element, gathered into buffers a run at a time.
    let x = ArrayView::from_slice_strided(&data, 0, &[150], &[2]).unwrap();
    let want: f64 = (0..150).map(|i| data[2 * i] * data[2 * i]).sum();
    assert_eq!(portable().dot(&x, &x).unwrap(), want);
}

/// Sums: the contiguous block kernel with a tail, the gather over
/// reversed and merged axes, kept and dropped outputs, and a sum in place
/// over its own input (read through a copy).
#[test]
fn sums_gather_and_blocks() {
    let a: Vec<f64> = (0..300).map(|i| i as f64).collect();
    let mut s = 0f64;
    portable().sum(&ArrayView::from_slice(&a, &[300]).unwrap(), None, &mut ArrayViewMut::from_slice(std::slice::from_mut(&mut s), &[]).unwrap()).unwrap();
    assert_eq!(s, 44850.0);
    // (6, 50) read transposed and reversed: each column of the view.
    let v = ArrayView::from_slice_strided(&a, 299, &[50, 6], &[-1, -50]).unwrap();
    let mut cols = vec![0f32; 6];
    portable().sum(&v, Some(&[0]), &mut ArrayViewMut::from_slice(&mut cols, &[1, 6]).unwrap()).unwrap();
    for (j, &c) in cols.iter().enumerate() {
        let want: f64 = (0..50).map(|i| a[299 - i - 50 * j]).sum();
        assert_eq!(c as f64, want);
    }
    let mut buf: Vec<f64> = (0..12).map(|i| i as f64).collect();
    let p = buf.as_mut_ptr() as *mut u8;
    let x = numkern::RawArray::new(p, numkern::DType::F64, &[3, 4], &[4, 1], "x").unwrap();
    let out = numkern::RawArray::new(p, numkern::DType::F64, &[3], &[1], "out").unwrap();
    unsafe { numkern::ops::reduce_raw(portable(), numkern::ops::Reduction::Mean, &x, Some(&[1]), &out) }.unwrap();
    assert_eq!(&buf[..3], &[1.5, 5.5, 9.5]);
}

/// The panel path (an outer axis, transposed into L1 a tile at a time),
/// softmax on strided rows, cross-entropy and layer_norm: their unsafe
/// slices and gathers stay inside the views.
#[test]
fn panels_softmax_and_losses() {
    use numkern::ops::{CrossEntropyOptions, MaskedRows, Reduction, RowNorm};
    let (r, c) = (20, 40);
    let a: Vec<f64> = (0..r * c).map(|i| ((i * 37) % 101) as f64 - 50.0).collect();
    let x = ArrayView::from_slice(&a, &[r, c]).unwrap();
    let mut idx = vec![0i64; c];
    portable().reduce(Reduction::ArgMax, &x, Some(&[0]), &mut ArrayViewMut::from_slice(&mut idx, &[c]).unwrap()).unwrap();
    for j in 0..c {
        let best = (0..r).fold(0, |b, i| if a[i * c + j] > a[b * c + j] { i } else { b });
        assert_eq!(idx[j], best as i64);
    }
    let mut sd = vec![0f64; c];
    portable().reduce(Reduction::Std { ddof: 1.0 }, &x, Some(&[0]), &mut ArrayViewMut::from_slice(&mut sd, &[1, c]).unwrap()).unwrap();
    // softmax along axis 0: strided rows through a scratch row.
    let mut y = vec![0f64; r * c];
    portable().softmax(&x, 0, &mut ArrayViewMut::from_slice(&mut y, &[r, c]).unwrap(), false, MaskedRows::Nan).unwrap();
    let col0: f64 = (0..r).map(|i| y[i * c]).sum();
    assert!((col0 - 1.0).abs() < 1e-12);
    let labels: Vec<i32> = (0..c).map(|j| (j % r) as i32).collect();
    let mut loss = 0f64;
    portable()
        .cross_entropy(&x, &ArrayView::from_slice(&labels, &[c]).unwrap(), 0, None, CrossEntropyOptions::default(), &mut ArrayViewMut::from_slice(std::slice::from_mut(&mut loss), &[]).unwrap())
        .unwrap();
    assert!(loss.is_finite() && loss > 0.0);
    portable().row_norm(RowNorm::Layer, &x, 1, None, None, 1e-5, &mut ArrayViewMut::from_slice(&mut y, &[r, c]).unwrap()).unwrap();
}

#[test]
fn reshape_squeeze_expand_views() {
    let a: Vec<f32> = (0..24).map(|i| i as f32).collect();
    let v = ArrayView::from_slice(&a, &[2, 3, 4]).unwrap();
    let r = v.map_raw(|r| views::reshape(r, &[6, -1])).unwrap();
    assert_eq!(r.shape(), &[6, 4]);
    assert_eq!(r.get(&[5, 3]), Some(23.0));
    let e = r.map_raw(|r| views::expand_dims(r, 1)).unwrap();
    assert_eq!(e.shape(), &[6, 1, 4]);
    let s = e.map_raw(|r| views::squeeze(r, None)).unwrap();
    assert_eq!(s.to_vec(), a);
}

/// GEMM on the portable tier, small edges everywhere (portable f32 tiles
/// are 16x6): B given column-major takes the packed path (A and B packed
/// into zero-padded micro-panels, the microkernel prefetching past A's
/// panel); B row-major takes the in-place path, where C is computed as the
/// 13 x 19 C^T, whose one-column right edge is read from a zero-padded
/// copy. beta = 0 over a NaN C never reads it. Small integers: every sum
/// is exact, so the result must equal the reference bit for bit.
#[test]
fn gemm_packed_and_in_place_edges() {
    let (m, k, n) = (19, 9, 13);
    let a: Vec<f32> = (0..m * k).map(|i| (i % 7) as f32 - 3.0).collect();
    let b: Vec<f32> = (0..k * n).map(|i| (i % 5) as f32 - 2.0).collect();
    let want: Vec<f32> = (0..m * n).map(|ij| (0..k).map(|p| a[ij / n * k + p] * b[p * n + ij % n]).sum()).collect();
    let b_col_major: Vec<f32> = (0..k * n).map(|i| b[i % k * n + i / k]).collect();
    let av = ArrayView::from_slice(&a, &[m, k]).unwrap();
    for bv in [ArrayView::from_slice_strided(&b_col_major, 0, &[k, n], &[1, k as isize]).unwrap(), ArrayView::from_slice(&b, &[k, n]).unwrap()] {
        let mut c = vec![f32::NAN; m * n];
        portable().gemm(1.0, &av, &bv, 0.0, &mut ArrayViewMut::from_slice(&mut c, &[m, n]).unwrap()).unwrap();
        assert_eq!(c, want);
    }
}

/// The thread team (`run_chunks` on 2 and 3 threads): the caller and the
/// pool's helpers claim chunks of one borrowed closure; every chunk runs
/// once, and the call returns only after all of them (Miri checks the
/// lifetime-erased closure and the hand-over for races).
#[test]
fn thread_team_runs_every_chunk_once() {
    use numkern::framework::threads::run_chunks;
    use std::sync::atomic::{AtomicUsize, Ordering};
    for threads in [2, 3] {
        let hits: Vec<AtomicUsize> = (0..37).map(|_| AtomicUsize::new(0)).collect();
        let mut out = vec![0usize; 37];
        struct Out(*mut usize);
        // SAFETY: the chunks write disjoint elements.
        unsafe impl Sync for Out {}
        let out_ptr = Out(out.as_mut_ptr());
        let out_ptr = &out_ptr;
        run_chunks(37, 4, threads, |range| {
            for i in range {
                hits[i].fetch_add(1, Ordering::Relaxed);
                // SAFETY: chunks are disjoint, so each i is written once.
                unsafe { *out_ptr.0.add(i) = i * i };
            }
        });
        assert!(hits.iter().all(|h| h.load(Ordering::Relaxed) == 1));
        assert!(out.iter().enumerate().all(|(i, &v)| v == i * i));
    }
}

#[test]
fn random_fills_shuffle_and_concatenate_on_strided_views() {
    use numkern::random::Stream;
    let e = portable();
    let s = Stream::new(3, 1);
    // A reversed, gapped 2-D view: the C-order runs walk backwards.
    let mut buf = vec![0f32; 2 * 5 * 3];
    let mut v = ArrayViewMut::from_slice_strided(&mut buf, 29, &[5, 3], &[-6, -2]).unwrap();
    e.uniform(&mut v, s, 7, -1.0, 1.0).unwrap();
    e.normal(&mut v, s, 63, 0.0, 1.0).unwrap();
    e.shuffle(&mut v, 0, s).unwrap();
    e.shuffle(&mut v, 1, s).unwrap();
    let mut ints = vec![0i64; 9];
    e.permutation(&mut ArrayViewMut::from_slice_strided(&mut ints, 8, &[9], &[-1]).unwrap(), s).unwrap();
    let (a, b) = (vec![1f64; 6], vec![2f64; 4]);
    let mut out = vec![0f64; 10];
    let views = [ArrayView::from_slice(&a, &[2, 3]).unwrap(), ArrayView::from_slice(&b, &[2, 2]).unwrap()];
    e.concatenate(&views, 1, &mut ArrayViewMut::from_slice(&mut out, &[2, 5]).unwrap()).unwrap();
    assert_eq!(out, [1.0, 1.0, 1.0, 2.0, 2.0, 1.0, 1.0, 1.0, 2.0, 2.0]);
}
