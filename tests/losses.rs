//! Losses, metrics and normalization against f64 references on every
//! tier: cross-entropy (weights, ignore_index, label smoothing, each
//! reduction, the class axis first or last), BCE from logits, MSE / RMSE /
//! MAE with broadcasting, accuracy, standardize, layer_norm and rms_norm;
//! bitwise equality across thread counts; every error class through the C
//! ABI with the output untouched.

mod common;
use common::*;
use common::Rng;
use numkern::dtype::{NUMKERN_F32, NUMKERN_F64, NUMKERN_I32, NUMKERN_I64};
use numkern::error::{NUMKERN_ERR_AXIS, NUMKERN_ERR_DTYPE, NUMKERN_ERR_INVALID_ARGUMENT, NUMKERN_ERR_SHAPE_MISMATCH, NUMKERN_OK};
use numkern::ffi::*;
use numkern::ops::{CrossEntropyOptions, ErrorMetric, Exec, LossReduction, RowNorm};
use numkern::{ArrayView, ArrayViewMut, Element};
use proptest::prelude::*;

fn normal(rng: &mut Rng) -> f64 {
    // Box-Muller.
    let (u, v) = (rng.unit().max(1e-300), rng.unit());
    (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
}

fn lse(z: &[f64]) -> f64 {
    let m = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    m + z.iter().map(|v| (v - m).exp()).sum::<f64>().ln()
}

/// Cross-entropy of random rows, classes last or first (a transposed
/// view), against the f64 formula.
fn check_ce<T: Element + TestFloat>(seed: u64, e: Exec) -> std::result::Result<(), TestCaseError> {
    let mut rng = Rng(seed | 1);
    let rows = 1 + (rng.next_u64() % 40) as usize;
    let c = 1 + (rng.next_u64() % 300) as usize;
    let z: Vec<f64> = (0..rows * c).map(|_| normal(&mut rng) * 4.0).collect();
    let labels: Vec<i64> = (0..rows).map(|_| if rng.next_u64() % 7 == 0 { -100 } else { (rng.next_u64() % c as u64) as i64 }).collect();
    let weights: Option<Vec<f64>> = (rng.next_u64() % 2 == 0).then(|| (0..c).map(|_| rng.unit() + 0.1).collect());
    let eps = if rng.next_u64() % 2 == 0 { 0.0 } else { rng.unit() * 0.3 };
    let zt: Vec<T> = z.iter().map(|&v| T::from(v)).collect();
    let wt: Option<Vec<T>> = weights.as_ref().map(|w| w.iter().map(|&v| T::from(v)).collect());
    let class_first = rng.next_u64() % 2 == 0;
    // The (rows, c) logits, or a (c, rows) view of a transposed buffer.
    let (buf, shape, strides, axis): (Vec<T>, Vec<usize>, Vec<isize>, i64) = if class_first {
        let mut t = vec![T::from(0.0); rows * c];
        for r in 0..rows {
            for j in 0..c {
                t[j * rows + r] = zt[r * c + j];
            }
        }
        (t, vec![c, rows], vec![rows as isize, 1], 0)
    } else {
        (zt.clone(), vec![rows, c], vec![c as isize, 1], -1)
    };
    let x = ArrayView::from_slice_strided(&buf, 0, &shape, &strides).unwrap();
    let lab = ArrayView::from_slice(&labels, &[rows]).unwrap();
    let wv = wt.as_ref().map(|w| ArrayView::from_slice(w, &[c]).unwrap());
    let tol_of = |v: f64| 64.0 * if T::DTYPE == numkern::DType::F32 { f32::EPSILON as f64 } else { f64::EPSILON } * v.abs().max(1.0);
    let mut per_row = Vec::new();
    let mut wsum = 0.0;
    for r in 0..rows {
        let row: Vec<f64> = zt[r * c..(r + 1) * c].iter().map(|v| v.to()).collect();
        if labels[r] == -100 {
            per_row.push(0.0);
            continue;
        }
        let l = lse(&row);
        let w = |j: usize| weights.as_ref().map_or(1.0, |w| T::from(w[j]).to());
        let y = labels[r] as usize;
        let smooth: f64 = (0..c).map(|j| w(j) * (l - row[j])).sum::<f64>() / c as f64;
        per_row.push((1.0 - eps) * w(y) * (l - row[y]) + eps * smooth);
        wsum += w(y);
    }
    for reduction in [LossReduction::None, LossReduction::Mean, LossReduction::Sum] {
        let opts = CrossEntropyOptions { ignore_index: -100, label_smoothing: eps, reduction };
        let n_out = if reduction == LossReduction::None { rows } else { 1 };
        let out_shape: &[usize] = if reduction == LossReduction::None { &[rows] } else { &[] };
        let mut out = vec![T::from(-7.0); n_out];
        e.cross_entropy(&x, &lab, axis, wv.as_ref(), opts, &mut ArrayViewMut::from_slice(&mut out, out_shape).unwrap()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let want: Vec<f64> = match reduction {
            LossReduction::None => per_row.clone(),
            LossReduction::Sum => vec![per_row.iter().sum()],
            LossReduction::Mean => vec![per_row.iter().sum::<f64>() / wsum],
        };
        for (g, w) in out.iter().zip(&want) {
            let g = g.to();
            prop_assert!((g.is_nan() && w.is_nan()) || (g - w).abs() <= tol_of(*w) * (rows as f64).sqrt(), "{:?} {reduction:?} rows {rows} c {c} eps {eps} weights {} class_first {class_first}: {g} vs {w}", e.0.tier, weights.is_some());
        }
    }
    // Accuracy on the same rows: argmax == label.
    let hits = (0..rows).filter(|&r| {
        let row = &zt[r * c..(r + 1) * c];
        let best = (0..c).fold(0, |b, j| if row[j].to() > row[b].to() { j } else { b });
        best as i64 == labels[r]
    });
    let acc = e.accuracy(&x, &lab, axis).unwrap();
    prop_assert_eq!(acc, hits.count() as f64 / rows as f64);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn cross_entropy_and_accuracy_match_the_reference(seed in any::<u64>()) {
        for e in tiers() {
            check_ce::<f32>(seed, e)?;
            check_ce::<f64>(seed ^ 1, e)?;
        }
    }

    #[test]
    fn error_metrics_and_bce_match_the_reference(seed in any::<u64>()) {
        let mut rng = Rng(seed | 1);
        let (r, c) = (1 + (rng.next_u64() % 30) as usize, 1 + (rng.next_u64() % 300) as usize);
        let a: Vec<f64> = (0..r * c).map(|_| normal(&mut rng)).collect();
        let b: Vec<f64> = (0..c).map(|_| normal(&mut rng)).collect();
        let y: Vec<f64> = (0..r * c).map(|_| (rng.next_u64() % 2) as f64).collect();
        for e in tiers() {
            for metric in [ErrorMetric::Mse, ErrorMetric::Rmse, ErrorMetric::Mae] {
                // b (c,) broadcast against a (r, c); reduced over axis 0.
                let mut out = vec![0f64; c];
                e.error_metric(metric, &ArrayView::from_slice(&a, &[r, c]).unwrap(), &ArrayView::from_slice(&b, &[c]).unwrap(), Some(&[0]), &mut ArrayViewMut::from_slice(&mut out, &[c]).unwrap()).unwrap();
                for j in 0..c {
                    let d: Vec<f64> = (0..r).map(|i| a[i * c + j] - b[j]).collect();
                    let want = match metric {
                        ErrorMetric::Mse => d.iter().map(|v| v * v).sum::<f64>() / r as f64,
                        ErrorMetric::Rmse => (d.iter().map(|v| v * v).sum::<f64>() / r as f64).sqrt(),
                        ErrorMetric::Mae => d.iter().map(|v| v.abs()).sum::<f64>() / r as f64,
                    };
                    prop_assert!((out[j] - want).abs() <= 1e-13 * want.max(1.0), "{metric:?}: {} vs {want}", out[j]);
                }
            }
            let z = ArrayView::from_slice(&a, &[r, c]).unwrap();
            let yv = ArrayView::from_slice(&y, &[r, c]).unwrap();
            let each: Vec<f64> = a.iter().zip(&y).map(|(&z, &y)| z.max(0.0) - z * y + (-z.abs()).exp().ln_1p()).collect();
            let mut none = vec![0f64; r * c];
            e.bce_with_logits(&z, &yv, LossReduction::None, &mut ArrayViewMut::from_slice(&mut none, &[r, c]).unwrap()).unwrap();
            prop_assert!(none.iter().zip(&each).all(|(g, w)| (g - w).abs() <= 1e-15 * w.max(1.0)));
            let mut mean = 0f64;
            e.bce_with_logits(&z, &yv, LossReduction::Mean, &mut ArrayViewMut::from_slice(std::slice::from_mut(&mut mean), &[]).unwrap()).unwrap();
            let want = each.iter().sum::<f64>() / each.len() as f64;
            prop_assert!((mean - want).abs() <= 1e-13 * want);
        }
    }

    #[test]
    fn layer_and_rms_norm_match_the_reference(seed in any::<u64>()) {
        let mut rng = Rng(seed | 1);
        let (r, n) = (1 + (rng.next_u64() % 20) as usize, 1 + (rng.next_u64() % 600) as usize);
        let shift = [0.0, 1e4, -3.0][(rng.next_u64() % 3) as usize];
        let x: Vec<f32> = (0..r * n).map(|_| (normal(&mut rng) + shift) as f32).collect();
        let g: Vec<f32> = (0..n).map(|_| rng.unit() as f32 + 0.5).collect();
        let b: Vec<f32> = (0..n).map(|_| normal(&mut rng) as f32).collect();
        for e in tiers() {
            for kind in [RowNorm::Layer, RowNorm::Rms] {
                let mut out = vec![0f32; r * n];
                let (gv, bv) = (ArrayView::from_slice(&g, &[n]).unwrap(), ArrayView::from_slice(&b, &[n]).unwrap());
                e.row_norm(kind, &ArrayView::from_slice(&x, &[r, n]).unwrap(), 1, Some(&gv), Some(&bv), 1e-5, &mut ArrayViewMut::from_slice(&mut out, &[r, n]).unwrap()).unwrap();
                for i in 0..r {
                    let row: Vec<f64> = x[i * n..(i + 1) * n].iter().map(|&v| v as f64).collect();
                    let mean = row.iter().sum::<f64>() / n as f64;
                    let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n as f64;
                    let ms = row.iter().map(|v| v * v).sum::<f64>() / n as f64;
                    for j in 0..n {
                        let want = match kind {
                            RowNorm::Layer => (row[j] - mean) / (var + 1e-5).sqrt() * g[j] as f64 + b[j] as f64,
                            RowNorm::Rms => row[j] / (ms + 1e-5).sqrt() * g[j] as f64,
                        };
                        let got = out[i * n + j] as f64;
                        prop_assert!((got - want).abs() <= 4e-7 * want.abs().max(1.0), "{kind:?} shift {shift}: {got} vs {want}");
                    }
                }
            }
        }
    }
}

/// Rows with mean 1e4 and std 1 normalize to std 1 within 1e-5 in f32;
/// the seed's standardize step gives columns of mean 0 and std 1.
#[test]
fn normalization_of_offset_rows_and_the_seed_pipeline() {
    let e = numkern::ops::exec();
    let mut rng = Rng(7);
    let n = 1024;
    let x: Vec<f32> = (0..8 * n).map(|_| (1e4 + normal(&mut rng)) as f32).collect();
    let mut y = vec![0f32; 8 * n];
    e.row_norm(RowNorm::Layer, &ArrayView::from_slice(&x, &[8, n]).unwrap(), 1, None, None, 0.0, &mut ArrayViewMut::from_slice(&mut y, &[8, n]).unwrap()).unwrap();
    for row in y.chunks(n) {
        let m = row.iter().map(|&v| v as f64).sum::<f64>() / n as f64;
        let s = (row.iter().map(|&v| (v as f64 - m).powi(2)).sum::<f64>() / n as f64).sqrt();
        assert!(m.abs() < 1e-5 && (s - 1.0).abs() < 1e-5, "mean {m} std {s}");
    }
    // raw_data = randn(1000, 20) * 5 + 10; (raw - mean(axis 0)) / std(axis 0).
    let raw: Vec<f64> = (0..1000 * 20).map(|_| normal(&mut rng) * 5.0 + 10.0).collect();
    let mut z = vec![0f64; 1000 * 20];
    let rv = ArrayView::from_slice(&raw, &[1000, 20]).unwrap();
    e.standardize(&rv, Some(&[0]), 0.0, &mut ArrayViewMut::from_slice(&mut z, &[1000, 20]).unwrap()).unwrap();
    let (mut mean, mut std) = ([0f64; 20], [0f64; 20]);
    let zv = ArrayView::from_slice(&z, &[1000, 20]).unwrap();
    e.mean(&zv, Some(&[0]), &mut ArrayViewMut::from_slice(&mut mean, &[20]).unwrap()).unwrap();
    e.reduce(numkern::ops::Reduction::Std { ddof: 0.0 }, &zv, Some(&[0]), &mut ArrayViewMut::from_slice(&mut std, &[20]).unwrap()).unwrap();
    assert!(mean.iter().all(|m| m.abs() < 1e-14) && std.iter().all(|s| (s - 1.0).abs() < 1e-14), "{mean:?} {std:?}");
    // The same statistics applied with standardize_with give the same bits.
    let (mut m, mut s) = ([0f64; 20], [0f64; 20]);
    e.mean(&rv, Some(&[0]), &mut ArrayViewMut::from_slice(&mut m, &[20]).unwrap()).unwrap();
    e.reduce(numkern::ops::Reduction::Std { ddof: 0.0 }, &rv, Some(&[0]), &mut ArrayViewMut::from_slice(&mut s, &[20]).unwrap()).unwrap();
    let mut z2 = vec![0f64; 1000 * 20];
    e.standardize_with(&rv, &ArrayView::from_slice(&m, &[20]).unwrap(), &ArrayView::from_slice(&s, &[20]).unwrap(), &mut ArrayViewMut::from_slice(&mut z2, &[1000, 20]).unwrap()).unwrap();
    assert_eq!(z, z2);
}

#[test]
fn cross_entropy_and_bce_are_bitwise_the_same_for_any_thread_count_and_tier() {
    let mut rng = Rng(3);
    let (rows, c) = (3000, 100);
    let z: Vec<f32> = (0..rows * c).map(|_| normal(&mut rng) as f32).collect();
    let labels: Vec<i32> = (0..rows).map(|r| (r * 7 % c) as i32).collect();
    let mut want: Option<u32> = None;
    for tier in numkern::available_tiers() {
        for threads in [1, 2, 3, 8] {
            let mut out = 0f32;
            exec(tier, threads)
                .cross_entropy(&ArrayView::from_slice(&z, &[rows, c]).unwrap(), &ArrayView::from_slice(&labels, &[rows]).unwrap(), 1, None, CrossEntropyOptions::default(), &mut ArrayViewMut::from_slice(std::slice::from_mut(&mut out), &[]).unwrap())
                .unwrap();
            match want {
                None => want = Some(out.to_bits()),
                Some(w) => assert_eq!(out.to_bits(), w, "{tier:?} {threads}"),
            }
        }
    }
    // Binary cross-entropy too (the softplus kernel of every tier).
    let y: Vec<f32> = (0..rows * c).map(|i| (i % 3 == 0) as u8 as f32).collect();
    let mut want: Option<u32> = None;
    for tier in numkern::available_tiers() {
        for threads in [1, 2, 3, 8] {
            let mut out = 0f32;
            exec(tier, threads)
                .bce_with_logits(&ArrayView::from_slice(&z, &[rows, c]).unwrap(), &ArrayView::from_slice(&y, &[rows, c]).unwrap(), LossReduction::Mean, &mut ArrayViewMut::from_slice(std::slice::from_mut(&mut out), &[]).unwrap())
                .unwrap();
            match want {
                None => want = Some(out.to_bits()),
                Some(w) => assert_eq!(out.to_bits(), w, "bce {tier:?} {threads}"),
            }
        }
    }
    // All rows ignored: the mean is NaN (0 / 0), the sum 0.
    let ignored = vec![-100i32; rows];
    let mut out = 0f32;
    numkern::ops::exec().cross_entropy(&ArrayView::from_slice(&z, &[rows, c]).unwrap(), &ArrayView::from_slice(&ignored, &[rows]).unwrap(), 1, None, CrossEntropyOptions::default(), &mut ArrayViewMut::from_slice(std::slice::from_mut(&mut out), &[]).unwrap()).unwrap();
    assert!(out.is_nan());
}

/// The seed's loss cell through the C ABI, and each error class with the
/// output left as it was.
#[test]
fn c_abi_losses_and_their_errors() {
    let mut yt = [1.5f64, 2.3, 3.1, 4.2, 5.0];
    let mut yp = [1.2f64, 2.1, 3.4, 4.0, 5.2];
    let (td, pd) = (c_desc(yt.as_mut_ptr() as *mut u8, NUMKERN_F64, &[5]), c_desc(yp.as_mut_ptr() as *mut u8, NUMKERN_F64, &[5]));
    let mut v = 0f64;
    let vd = c_desc(&mut v as *mut f64 as *mut u8, NUMKERN_F64, &[]);
    assert_eq!(unsafe { numkern_mse(&td, &pd, std::ptr::null(), 0, &vd) }, NUMKERN_OK);
    assert!((v - 0.06).abs() < 1e-12, "{v}");
    assert_eq!(unsafe { numkern_mae(&td, &pd, std::ptr::null(), 0, &vd) }, NUMKERN_OK);
    assert!((v - 0.24).abs() < 1e-12, "{v}");

    let mut logits: Vec<f32> = (0..15).map(|i| ((i * 7) % 5) as f32 - 2.0).collect();
    let ld = c_desc(logits.as_mut_ptr() as *mut u8, NUMKERN_F32, &[5, 3]);
    let mut labels = [0i64, 1, 2, 1, 0];
    let labd = c_desc(labels.as_mut_ptr() as *mut u8, NUMKERN_I64, &[5]);
    let mut loss = -7f32;
    let lossd = c_desc(&mut loss as *mut f32 as *mut u8, NUMKERN_F32, &[]);
    let expect = |got: i32, want: i32, needle: &str| {
        assert_eq!(got, want, "{needle}: {}", last_message());
        assert!(last_message().contains(needle), "{:?} lacks {needle:?}", last_message());
    };
    labels[3] = 7;
    expect(unsafe { numkern_cross_entropy(&ld, &labd, 1, std::ptr::null(), -100, 0.0, NUMKERN_REDUCTION_MEAN, &lossd) }, NUMKERN_ERR_INVALID_ARGUMENT, "label 7 of row 3 is out of range for 3 classes");
    labels[3] = 1;
    expect(unsafe { numkern_cross_entropy(&ld, &labd, 1, std::ptr::null(), -100, 0.0, 5, &lossd) }, NUMKERN_ERR_INVALID_ARGUMENT, "argument `reduction`");
    expect(unsafe { numkern_cross_entropy(&ld, &labd, 1, std::ptr::null(), -100, 1.5, NUMKERN_REDUCTION_MEAN, &lossd) }, NUMKERN_ERR_INVALID_ARGUMENT, "label_smoothing must be in [0, 1]");
    expect(unsafe { numkern_cross_entropy(&ld, &labd, 0, std::ptr::null(), -100, 0.0, NUMKERN_REDUCTION_MEAN, &lossd) }, NUMKERN_ERR_SHAPE_MISMATCH, "labels have shape (5,) but logits (5,3) with classes along axis 0 need (3,)");
    expect(unsafe { numkern_cross_entropy(&ld, &labd, 2, std::ptr::null(), -100, 0.0, NUMKERN_REDUCTION_MEAN, &lossd) }, NUMKERN_ERR_AXIS, "axis 2 is out of bounds");
    let mut w = [1f32; 4];
    let wd = c_desc(w.as_mut_ptr() as *mut u8, NUMKERN_F32, &[4]);
    expect(unsafe { numkern_cross_entropy(&ld, &labd, 1, &wd, -100, 0.0, NUMKERN_REDUCTION_MEAN, &lossd) }, NUMKERN_ERR_SHAPE_MISMATCH, "weights have shape (4,) but there are 3 classes");
    let mut flabels = [0f32; 5];
    let fd = c_desc(flabels.as_mut_ptr() as *mut u8, NUMKERN_F32, &[5]);
    expect(unsafe { numkern_cross_entropy(&ld, &fd, 1, std::ptr::null(), -100, 0.0, NUMKERN_REDUCTION_MEAN, &lossd) }, NUMKERN_ERR_DTYPE, "argument `labels` must be int32 or int64");
    let mut rows = [-7f32; 4];
    let rd = c_desc(rows.as_mut_ptr() as *mut u8, NUMKERN_F32, &[4]);
    expect(unsafe { numkern_cross_entropy(&ld, &labd, 1, std::ptr::null(), -100, 0.0, NUMKERN_REDUCTION_NONE, &rd) }, NUMKERN_ERR_SHAPE_MISMATCH, "per-row loss has shape (5,)");
    expect(unsafe { numkern_mse(&td, &rd, std::ptr::null(), 0, &vd) }, NUMKERN_ERR_DTYPE, "argument `b` must be float64");
    let mut six = [0f64; 6];
    let sd = c_desc(six.as_mut_ptr() as *mut u8, NUMKERN_F64, &[6]);
    expect(unsafe { numkern_mse(&td, &sd, std::ptr::null(), 0, &vd) }, NUMKERN_ERR_SHAPE_MISMATCH, "operands could not be broadcast together with shapes (5,) (6,)");
    expect(unsafe { numkern_layer_norm(&ld, 3, std::ptr::null(), std::ptr::null(), 1e-5, &ld) }, NUMKERN_ERR_AXIS, "last 3 axes of an array of dimension 2");
    expect(unsafe { numkern_rms_norm(&ld, 1, &wd, 1e-5, &ld) }, NUMKERN_ERR_SHAPE_MISMATCH, "gamma has shape (4,) but the normalized shape is (3,)");
    let mut i32s = [0i32; 5];
    let id = c_desc(i32s.as_mut_ptr() as *mut u8, NUMKERN_I32, &[5]);
    expect(unsafe { numkern_standardize(&id, std::ptr::null(), 0, 0.0, &id) }, NUMKERN_ERR_DTYPE, "argument `x` must be float32 or float64");
    assert_eq!(loss, -7.0);
    assert!(rows.iter().all(|&v| v == -7.0));
    assert_eq!(logits.iter().map(|&v| v as f64).sum::<f64>(), (0..15).map(|i| ((i * 7) % 5) as f64 - 2.0).sum::<f64>());

    assert_eq!(unsafe { numkern_cross_entropy(&ld, &labd, 1, std::ptr::null(), -100, 0.0, NUMKERN_REDUCTION_MEAN, &lossd) }, NUMKERN_OK);
    let want: f64 = (0..5).map(|r| {
        let row: Vec<f64> = logits[r * 3..r * 3 + 3].iter().map(|&v| v as f64).collect();
        lse(&row) - row[labels[r] as usize]
    }).sum::<f64>() / 5.0;
    assert!((loss as f64 - want).abs() < 1e-6, "{loss} vs {want}");
    let mut acc = -7f64;
    let ad = c_desc(&mut acc as *mut f64 as *mut u8, NUMKERN_F64, &[]);
    assert_eq!(unsafe { numkern_accuracy(&ld, &labd, -1, &ad) }, NUMKERN_OK);
    assert!((0.0..=1.0).contains(&acc));
    let mut lab32 = [0i32, 1, 2, 1, 0];
    let l32 = c_desc(lab32.as_mut_ptr() as *mut u8, NUMKERN_I32, &[5]);
    let mut acc32 = -7f64;
    let a32 = c_desc(&mut acc32 as *mut f64 as *mut u8, NUMKERN_F64, &[]);
    assert_eq!(unsafe { numkern_accuracy(&ld, &l32, 1, &a32) }, NUMKERN_OK);
    assert_eq!(acc, acc32);
}
