//! Reductions (sum, mean) on every tier against a compensated f64
//! reference with the documented bound, over ranks 0..=6, every axis
//! subset (negative axes, None), kept and dropped outputs, strided,
//! reversed and broadcast inputs, specials and empty axes; bitwise the
//! same across tiers, thread counts and layouts; the cancelling sum; and
//! each error class through the C ABI with the output untouched.

mod common;
use common::*;
use common::Rng;
use numkern::error::{NUMKERN_ERR_AXIS, NUMKERN_ERR_DTYPE, NUMKERN_ERR_INVALID_ARGUMENT, NUMKERN_ERR_NULL_POINTER, NUMKERN_ERR_SHAPE_MISMATCH, NUMKERN_OK};
use numkern::ffi::*;
use numkern::framework::reduce::reduced_shape;
use numkern::ops::{Exec, MaskedRows, Reduction};
use numkern::dtype::DType;
use numkern::{ArrayView, ArrayViewMut, Element};
use proptest::prelude::*;

const EXTENTS: &[usize] = &[0, 1, 1, 2, 3, 5, 16, 17, 33, 300];

/// Neumaier's compensated sum and the sum of magnitudes; IEEE specials
/// as an f64 sum gives them.
fn reference(xs: &[f64]) -> (f64, f64) {
    if xs.iter().any(|x| !x.is_finite()) {
        return (xs.iter().sum(), f64::INFINITY);
    }
    let (mut s, mut c, mut mag) = (0.0f64, 0.0f64, 0.0f64);
    for &x in xs {
        let t = s + x;
        c += if s.abs() >= x.abs() { (s - t) + x } else { (x - t) + s };
        s = t;
        mag += x.abs();
    }
    (s + c, mag)
}

/// The documented error bound of a sum of `n` elements with magnitude sum `mag`.
fn bound(n: usize, mag: f64) -> f64 {
    let levels = (n.max(1) as f64 / 256.0).log2().max(0.0).ceil();
    (levels + 21.0) * f64::EPSILON / 2.0 * mag
}

struct Case<T> {
    buf: Vec<T>,
    offset: usize,
    shape: Vec<usize>,
    strides: Vec<isize>,
}

fn value(rng: &mut Rng) -> f64 {
    match rng.next_u64() % 200 {
        0 => f64::NAN,
        1 => f64::INFINITY,
        2 => f64::NEG_INFINITY,
        3 => 1e30,
        _ => rng.unit() * 20.0 - 10.0,
    }
}

fn random_case<T: Element + TestFloat>(rng: &mut Rng) -> Case<T> {
    let nd = (rng.next_u64() % 7) as usize;
    let mut shape = Vec::new();
    let mut total = 1usize;
    for _ in 0..nd {
        let mut d = EXTENTS[(rng.next_u64() % EXTENTS.len() as u64) as usize];
        if total * d.max(1) > 20_000 {
            d = 1;
        }
        total *= d.max(1);
        shape.push(d);
    }
    let (len, offset, mut strides) = random_layout(rng, &shape);
    // Now and then a broadcast axis (stride 0).
    if nd > 0 && rng.next_u64() % 5 == 0 {
        let k = (rng.next_u64() % nd as u64) as usize;
        strides[k] = 0;
    }
    let buf = (0..len).map(|_| T::from(value(rng))).collect();
    Case { buf, offset, shape, strides }
}

/// Every float reduction, and the dtype it writes.
const OPS: &[Reduction] = &[
    Reduction::Sum,
    Reduction::Prod,
    Reduction::Mean,
    Reduction::Var { ddof: 0.0 },
    Reduction::Std { ddof: 1.0 },
    Reduction::Min,
    Reduction::Max,
    Reduction::Ptp,
    Reduction::NanSum,
    Reduction::NanMean,
    Reduction::NanMin,
    Reduction::NanMax,
    Reduction::NormL1,
    Reduction::NormL2,
    Reduction::NormMax,
    Reduction::LogSumExp,
    Reduction::ArgMin,
    Reduction::ArgMax,
    Reduction::Any,
    Reduction::All,
    Reduction::CountNonzero,
];

fn out_dtype(op: Reduction, float: DType) -> DType {
    match op {
        Reduction::ArgMin | Reduction::ArgMax | Reduction::CountNonzero => DType::I64,
        Reduction::Any | Reduction::All => DType::U8,
        _ => float,
    }
}

/// Runs `op` into a fresh output of `dtype`, its elements returned as f64.
fn run<T: Element>(e: Exec, op: Reduction, x: &ArrayView<T>, axes: Option<&[i64]>, shape: &[usize], dtype: DType) -> numkern::error::Result<Vec<f64>> {
    fn go<T: Element, O: Element + Copy>(e: Exec, op: Reduction, x: &ArrayView<T>, axes: Option<&[i64]>, shape: &[usize], fill: O, f: impl Fn(O) -> f64) -> numkern::error::Result<Vec<f64>> {
        let mut out = vec![fill; shape.iter().product()];
        e.reduce(op, x, axes, &mut ArrayViewMut::from_slice(&mut out, shape).unwrap())?;
        Ok(out.into_iter().map(f).collect())
    }
    match dtype {
        DType::F32 => go(e, op, x, axes, shape, -7f32, |v| v as f64),
        DType::F64 => go(e, op, x, axes, shape, -7f64, |v| v),
        DType::I64 => go(e, op, x, axes, shape, -7i64, |v| v as f64),
        DType::U8 => go(e, op, x, axes, shape, 7u8, |v| v as f64),
        DType::I32 => go(e, op, x, axes, shape, -7i32, |v| v as f64),
    }
}

/// The reference value of `op` over one output's elements (C order) and
/// its tolerance; None where NumPy raises (an empty min, max or arg).
fn expected(op: Reduction, g: &[f64], eps: f64) -> Option<(f64, f64)> {
    let n = g.len();
    let nan = g.iter().any(|v| v.is_nan());
    let first = |better: &dyn Fn(f64, f64) -> bool, vals: &[f64]| -> Option<(usize, f64)> {
        let mut best: Option<(usize, f64)> = None;
        for (i, &v) in vals.iter().enumerate() {
            if v.is_nan() {
                return Some((i, v));
            }
            if best.is_none_or(|(_, b)| better(v, b)) {
                best = Some((i, v));
            }
        }
        best
    };
    let numbers: Vec<f64> = g.iter().copied().filter(|v| !v.is_nan()).collect();
    let sum = |vals: &[f64]| {
        let (s, mag) = reference(vals);
        (s, bound(vals.len(), mag))
    };
    let exact = |v: f64| Some((v, 0.0));
    match op {
        Reduction::Sum => Some(sum(g)),
        Reduction::NanSum => Some(sum(&numbers)),
        Reduction::Mean | Reduction::NanMean => {
            let vals = if op == Reduction::Mean { g } else { &numbers[..] };
            let (s, tol) = sum(vals);
            Some((s / vals.len() as f64, tol / vals.len() as f64))
        }
        Reduction::Prod => {
            let p: f64 = g.iter().product();
            Some((p, p.abs() * (n as f64 + 2.0) * f64::EPSILON))
        }
        Reduction::Var { ddof } | Reduction::Std { ddof } => {
            let (s, mag_x) = reference(g);
            let mean = s / n as f64;
            let dev: Vec<f64> = g.iter().map(|v| (v - mean) * (v - mean)).collect();
            let (ss, mag) = reference(&dev);
            let var = ss / (n as f64 - ddof).max(0.0);
            // The computed mean is off by up to `mean_err`, which adds up
            // to n mean_err^2 to the squared deviations.
            let mean_err = bound(n, mag_x) / n as f64;
            let tol = (bound(n, mag) + 1e-13 * mag + n as f64 * mean_err * mean_err) / (n as f64 - ddof).max(0.0);
            if matches!(op, Reduction::Std { .. }) { Some((var.sqrt(), tol.sqrt() + var.sqrt() * 1e-14)) } else { Some((var, tol)) }
        }
        Reduction::Min | Reduction::Max | Reduction::ArgMin | Reduction::ArgMax | Reduction::Ptp | Reduction::NormMax => {
            if n == 0 {
                return None;
            }
            let lo = first(&|a, b| a < b, g).unwrap();
            let hi = first(&|a, b| a > b, g).unwrap();
            match op {
                Reduction::Min => exact(lo.1),
                Reduction::Max => exact(hi.1),
                Reduction::ArgMin => exact(lo.0 as f64),
                Reduction::ArgMax => exact(hi.0 as f64),
                // In x's dtype, as NumPy: one rounding of T.
                Reduction::Ptp => Some((hi.1 - lo.1, (hi.1 - lo.1).abs() * eps)),
                _ => exact(first(&|a, b| a > b, &g.iter().map(|v| v.abs()).collect::<Vec<_>>()).unwrap().1),
            }
        }
        Reduction::NanMin | Reduction::NanMax => {
            if n == 0 {
                return None;
            }
            let pick = if op == Reduction::NanMin { numbers.iter().copied().fold(f64::NAN, f64::min) } else { numbers.iter().copied().fold(f64::NAN, f64::max) };
            exact(pick)
        }
        Reduction::NormL1 => Some(sum(&g.iter().map(|v| v.abs()).collect::<Vec<_>>())),
        Reduction::NormL2 => {
            let (ss, _) = reference(&g.iter().map(|v| v * v).collect::<Vec<_>>());
            Some((ss.sqrt(), ss.sqrt() * 1e-14))
        }
        Reduction::LogSumExp => {
            let m = g.iter().copied().fold(f64::NEG_INFINITY, |a, b| if a.is_nan() || b.is_nan() { f64::NAN } else { a.max(b) });
            if !m.is_finite() || nan {
                return exact(if nan { f64::NAN } else { m });
            }
            let (s, _) = reference(&g.iter().map(|v| (v - m).exp()).collect::<Vec<_>>());
            let r = m + s.ln();
            Some((r, 4.0 * eps * r.abs().max(1.0) * (1.0 + (n as f64).log2())))
        }
        Reduction::Any => exact(g.iter().any(|&v| v != 0.0) as u8 as f64),
        Reduction::All => exact(g.iter().all(|&v| v != 0.0) as u8 as f64),
        Reduction::CountNonzero => exact(g.iter().filter(|&&v| v != 0.0).count() as f64),
    }
}

fn check<T: Element + TestFloat>(seed: u64, exec: Exec, op: Reduction, float_out: DType) -> std::result::Result<(), TestCaseError> {
    let mut rng = Rng(seed | 1);
    let mut case = random_case::<T>(&mut rng);
    if op == Reduction::Prod {
        // Factors near 1, so that the product stays finite and non-zero.
        case.buf.iter_mut().for_each(|v| *v = T::from(1.0 + v.to() / 40.0));
    }
    let nd = case.shape.len();
    // Axes: None, or a random subset written with random signs.
    let axes: Option<Vec<i64>> = if rng.next_u64() % 5 == 0 {
        None
    } else {
        let mut axes = Vec::new();
        for k in 0..nd {
            match rng.next_u64() % 4 {
                0 => axes.push(k as i64),
                1 => axes.push(k as i64 - nd as i64),
                _ => {}
            }
        }
        Some(axes)
    };
    let reduced: Vec<bool> = (0..nd).map(|k| axes.as_ref().is_none_or(|a| a.iter().any(|&x| (x + nd as i64) as usize % nd == k))).collect();
    let keepdims = rng.next_u64() % 2 == 0;
    let out_shape = reduced_shape(&case.shape, &reduced, keepdims);
    let n_out: usize = out_shape.iter().product();
    let x = ArrayView::from_slice_strided(&case.buf, case.offset, &case.shape, &case.strides).unwrap();
    let dtype = out_dtype(op, float_out);
    let got = run(exec, op, &x, axes.as_deref(), &out_shape, dtype);
    // Reference: group every element by its output index.
    let mut groups: Vec<Vec<f64>> = vec![Vec::new(); n_out];
    let kept_shape: Vec<usize> = (0..nd).filter(|&k| !reduced[k]).map(|k| case.shape[k]).collect();
    for idx in indices(&case.shape) {
        let kept: Vec<usize> = (0..nd).filter(|&k| !reduced[k]).map(|k| idx[k]).collect();
        let o = kept.iter().zip(&kept_shape).fold(0, |acc, (&i, &d)| acc * d + i);
        let off = case.offset as isize + idx.iter().zip(&case.strides).map(|(&i, &s)| i as isize * s).sum::<isize>();
        groups[o].push(case.buf[off as usize].to());
    }
    let what = format!("{op:?} {:?} shape {:?} strides {:?} axes {axes:?} keepdims {keepdims}", exec.0.tier, case.shape, case.strides);
    let want: Option<Vec<(f64, f64)>> = groups.iter().map(|g| expected(op, g, if T::DTYPE == DType::F32 { f32::EPSILON as f64 } else { f64::EPSILON })).collect();
    let (got, want) = match (got, want) {
        (Err(e), None) => {
            prop_assert!(e.message.contains("zero-size array") || e.message.contains("empty sequence"), "{what}: {e}");
            return Ok(());
        }
        (Ok(got), Some(want)) => (got, want),
        (got, want) => return Err(TestCaseError::fail(format!("{what}: got {got:?}, NumPy raises: {}", want.is_none()))),
    };
    for (o, (&g, &(w, tol))) in got.iter().zip(&want).enumerate() {
        let rounded = if dtype == DType::F32 { w as f32 as f64 } else { w };
        let ulp = if dtype == DType::F32 { ulp_err_f32(g as f32, w) } else { ulp_err_f64(g, w) };
        let ok = (g.is_nan() && w.is_nan()) || g == rounded || (g - w).abs() <= tol || (dtype.is_float() && ulp <= 1.0);
        prop_assert!(ok, "{what}: output {o} = {g:e}, want {w:e} (tol {tol:e}) from {:?}", &groups[o][..groups[o].len().min(8)]);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn every_reduction_matches_the_reference_on_every_tier(seed in any::<u64>()) {
        for e in tiers() {
            for (k, &op) in OPS.iter().enumerate() {
                let s = seed ^ (k as u64 * 0x9E37_79B9);
                check::<f32>(s, e, op, DType::F32)?;
                check::<f32>(s ^ 1, e, op, DType::F64)?;
                check::<f64>(s ^ 2, e, op, DType::F64)?;
                check::<f64>(s ^ 3, e, op, DType::F32)?;
            }
        }
    }
}

fn bits<T: Element + TestFloat>(e: Exec, op: Reduction, buf: &[T], offset: usize, shape: &[usize], strides: &[isize], axes: Option<&[i64]>) -> Vec<u64> {
    let reduced: Vec<bool> = (0..shape.len()).map(|k| axes.is_none_or(|a| a.contains(&(k as i64)))).collect();
    let out_shape = reduced_shape(shape, &reduced, false);
    let x = ArrayView::from_slice_strided(buf, offset, shape, strides).unwrap();
    run(e, op, &x, axes, &out_shape, out_dtype(op, DType::F64)).unwrap().iter().map(|v| v.to_bits()).collect()
}

/// The same bits on every tier and for 1, 2, 3 and 8 threads, for every
/// reduction, for reductions big enough to be split, and for the
/// transposed layout of the same values (whose axis-0 reduction is
/// contiguous where the original's runs in panels).
#[test]
fn bitwise_identical_across_tiers_threads_and_layouts() {
    let (r, c) = (600, 700);
    let a: Vec<f32> = (0..r * c).map(|i| ((i * 7919) % 10007) as f32 / 97.0 - 51.0).collect();
    // The transpose, materialized: a_t[j][i] = a[i][j].
    let mut a_t = vec![0f32; r * c];
    for i in 0..r {
        for j in 0..c {
            a_t[j * r + i] = a[i * c + j];
        }
    }
    let a64: Vec<f64> = a.iter().map(|&v| v as f64 * 1.000_000_1).collect();
    // A few NaNs, infinities and signed zeros (the first-NaN and first-of-
    // equals rules down columns and along rows), and its transpose.
    let specials = [f32::NAN, f32::INFINITY, f32::NEG_INFINITY, -0.0, 0.0];
    let b: Vec<f32> = a.iter().enumerate().map(|(i, &v)| if i % 4999 == 0 { specials[(i / 4999) % 5] } else { v }).collect();
    let mut b_t = vec![0f32; r * c];
    for i in 0..r {
        for j in 0..c {
            b_t[j * r + i] = b[i * c + j];
        }
    }
    let (wr, wc) = (300, 1031);
    let w: Vec<f64> = (0..wr * wc).map(|i| if i % 3001 == 7 { f64::NAN } else { ((i * 7919) % 10007) as f64 / 97.0 - 51.0 }).collect();
    let w_t: Vec<f64> = (0..wr * wc).map(|k| w[(k % wr) * wc + k / wr]).collect();
    for &op in OPS {
        let mut want: Option<Vec<Vec<u64>>> = None;
        for tier in numkern::available_tiers() {
            for threads in [1, 2, 3, 8] {
                let e = exec(tier, threads);
                let mut got = vec![
                    bits(e, op, &a, 0, &[r, c], &[c as isize, 1], None),
                    bits(e, op, &a, 0, &[r, c], &[c as isize, 1], Some(&[0])),
                    bits(e, op, &a, 0, &[r, c], &[c as isize, 1], Some(&[1])),
                    bits(e, op, &a64, 0, &[r * c], &[1], None),
                    bits(e, op, &a64, 0, &[r, c], &[c as isize, 1], Some(&[0])),
                    // Reversed.
                    bits(e, op, &a64, r * c - 1, &[r * c], &[-1], None),
                ];
                // The transposed buffer read as (r, c) with strides (1, r):
                // the same logical values, so the same bits.
                assert_eq!(bits(e, op, &a_t, 0, &[r, c], &[1, r as isize], None), got[0], "{op:?} {tier:?} {threads}: layout changed the all-axes result");
                assert_eq!(bits(e, op, &a_t, 0, &[r, c], &[1, r as isize], Some(&[0])), got[1], "{op:?} {tier:?} {threads}: layout changed the axis-0 result");
                let special_cols = bits(e, op, &b, 0, &[r, c], &[c as isize, 1], Some(&[0]));
                assert_eq!(bits(e, op, &b_t, 0, &[r, c], &[1, r as isize], Some(&[0])), special_cols, "{op:?} {tier:?} {threads}: layout changed the axis-0 result with specials");
                got.push(special_cols);
                // Wider than one outer run, with partial vectors at its end.
                let wide = bits(e, op, &w, 0, &[wr, wc], &[wc as isize, 1], Some(&[0]));
                assert_eq!(bits(e, op, &w_t, 0, &[wr, wc], &[1, wr as isize], Some(&[0])), wide, "{op:?} {tier:?} {threads}: layout changed the wide axis-0 result");
                got.push(wide);
                match &want {
                    None => want = Some(got),
                    Some(w) => assert!(&got == w, "{op:?}: {tier:?} with {threads} threads differs"),
                }
            }
        }
    }
}

fn reduce_f64(op: Reduction, xs: &[f64], shape: &[usize], axes: Option<&[i64]>) -> Vec<f64> {
    let reduced: Vec<bool> = (0..shape.len()).map(|k| axes.is_none_or(|a| a.contains(&(k as i64)))).collect();
    let out_shape = reduced_shape(shape, &reduced, false);
    let x = ArrayView::from_slice(xs, shape).unwrap();
    run(numkern::ops::exec(), op, &x, axes, &out_shape, out_dtype(op, DType::F64)).unwrap()
}

#[test]
fn norms_logsumexp_and_nan_rules() {
    let l2 = |xs: &[f64]| reduce_f64(Reduction::NormL2, xs, &[xs.len()], None)[0];
    assert!((l2(&[1e200, 1e200]) / (1e200 * 2f64.sqrt()) - 1.0).abs() < 1e-15, "{}", l2(&[1e200, 1e200]));
    assert!((l2(&[1e-200, 1e-200]) / (1e-200 * 2f64.sqrt()) - 1.0).abs() < 1e-15);
    assert!((l2(&[3e-310, 4e-310]) / 5e-310 - 1.0).abs() < 1e-9, "{}", l2(&[3e-310, 4e-310]));
    assert_eq!(l2(&[0.0, 0.0]), 0.0);
    assert_eq!(l2(&[1.0, f64::INFINITY]), f64::INFINITY);
    assert!(l2(&[f64::INFINITY, f64::NAN]).is_nan());
    let lse = |xs: &[f64]| reduce_f64(Reduction::LogSumExp, xs, &[xs.len()], None)[0];
    assert_eq!(lse(&[f64::NEG_INFINITY; 3]), f64::NEG_INFINITY);
    assert_eq!(lse(&[]), f64::NEG_INFINITY);
    assert_eq!(lse(&[1.0, f64::INFINITY]), f64::INFINITY);
    assert!(lse(&[f64::INFINITY, f64::NAN]).is_nan());
    assert!((lse(&[1000.0, 1000.0]) - (1000.0 + 2f64.ln())).abs() < 1e-12);
    // f32 logsumexp of values where exp overflows.
    let big = [95f32, 100.0, 90.0];
    let mut out = 0f32;
    numkern::ops::exec().reduce(Reduction::LogSumExp, &ArrayView::from_slice(&big, &[3]).unwrap(), None, &mut ArrayViewMut::from_slice(std::slice::from_mut(&mut out), &[]).unwrap()).unwrap();
    let want = 100.0 + ((-5f64).exp() + 1.0 + (-10f64).exp()).ln();
    assert!((out as f64 - want).abs() < 2e-5, "{out} vs {want}");
    // max propagates NaN; nanmax skips it; argmax takes the first NaN, then the first max.
    let xs = [1.0, 7.0, f64::NAN, 7.0, f64::NAN];
    assert!(reduce_f64(Reduction::Max, &xs, &[5], None)[0].is_nan());
    assert_eq!(reduce_f64(Reduction::NanMax, &xs, &[5], None)[0], 7.0);
    assert_eq!(reduce_f64(Reduction::ArgMax, &xs, &[5], None)[0], 2.0);
    assert_eq!(reduce_f64(Reduction::ArgMax, &[1.0, 7.0, 3.0, 7.0], &[4], None)[0], 1.0);
    assert_eq!(reduce_f64(Reduction::ArgMin, &[3.0, -1.0, -1.0], &[3], None)[0], 1.0);
    assert!(reduce_f64(Reduction::NanMin, &[f64::NAN, f64::NAN], &[2], None)[0].is_nan());
    assert_eq!(reduce_f64(Reduction::NormMax, &[-9.0, 3.0], &[2], None)[0], 9.0);
    assert_eq!(reduce_f64(Reduction::Ptp, &[-9.0, 3.0], &[2], None)[0], 12.0);
    // Along axis 0 (panels) the first occurrence still wins.
    let m = [1.0, 5.0, 9.0, 9.0, 5.0, 1.0, 9.0, 5.0, 9.0];
    assert_eq!(reduce_f64(Reduction::ArgMax, &m, &[3, 3], Some(&[0])), [1.0, 0.0, 0.0]);
    assert_eq!(reduce_f64(Reduction::Var { ddof: 0.0 }, &[1.0, 2.0, 3.0, 4.0], &[4], None)[0], 1.25);
    assert_eq!(reduce_f64(Reduction::Std { ddof: 1.0 }, &[2.0, 4.0], &[2], None)[0], 2f64.sqrt());
    assert_eq!(reduce_f64(Reduction::Prod, &[], &[0], None)[0], 1.0);
    assert!(reduce_f64(Reduction::Var { ddof: 1.0 }, &[5.0], &[1], None)[0].is_nan());
}

/// f32 rows with mean 1e4 and std 1: the two-pass f64 variance is right
/// where E[x^2] - E[x]^2 in f32 is noise.
#[test]
fn variance_of_offset_f32_data_is_accurate() {
    let n = 1 << 20;
    let xs: Vec<f32> = (0..n).map(|i| 1e4 + if i % 2 == 0 { 1.0 } else { -1.0 }).collect();
    for e in tiers() {
        let mut v = 0f64;
        e.reduce(Reduction::Var { ddof: 0.0 }, &ArrayView::from_slice(&xs, &[n]).unwrap(), None, &mut ArrayViewMut::from_slice(std::slice::from_mut(&mut v), &[]).unwrap()).unwrap();
        assert!((v - 1.0).abs() < 1e-12, "{:?}: {v}", e.0.tier);
    }
}

/// Integer inputs: sums exact (i64 out wraps as NumPy's), the mean of a
/// u8 mask (the seed's accuracy), any/all/count_nonzero.
#[test]
fn integer_inputs() {
    let e = numkern::ops::exec();
    let mask: Vec<u8> = (0..1000).map(|i| (i % 4 != 0) as u8).collect();
    let x = ArrayView::from_slice(&mask, &[10, 100]).unwrap();
    let mut acc = 0f64;
    e.mean(&x, None, &mut ArrayViewMut::from_slice(std::slice::from_mut(&mut acc), &[]).unwrap()).unwrap();
    assert_eq!(acc, 0.75);
    let mut per_row = [0i64; 10];
    e.reduce(Reduction::CountNonzero, &x, Some(&[1]), &mut ArrayViewMut::from_slice(&mut per_row, &[10]).unwrap()).unwrap();
    assert_eq!(per_row, [75; 10]);
    let mut any = [9u8; 100];
    let mut all = [9u8; 100];
    e.reduce(Reduction::Any, &x, Some(&[0]), &mut ArrayViewMut::from_slice(&mut any, &[100]).unwrap()).unwrap();
    e.reduce(Reduction::All, &x, Some(&[0]), &mut ArrayViewMut::from_slice(&mut all, &[1, 100]).unwrap()).unwrap();
    assert!(any.iter().enumerate().all(|(j, &v)| v == (j % 4 != 0) as u8));
    assert_eq!(any, all);
    let big = [i64::MAX, 1, i64::MAX];
    let (mut wrapped, mut exact) = (0i64, 0f64);
    let bx = ArrayView::from_slice(&big, &[3]).unwrap();
    e.sum(&bx, None, &mut ArrayViewMut::from_slice(std::slice::from_mut(&mut wrapped), &[]).unwrap()).unwrap();
    e.sum(&bx, None, &mut ArrayViewMut::from_slice(std::slice::from_mut(&mut exact), &[]).unwrap()).unwrap();
    assert_eq!(wrapped, i64::MAX.wrapping_add(1).wrapping_add(i64::MAX));
    assert_eq!(exact, 2.0 * i64::MAX as f64);
    let ints = [3i32, -4, 5, 0];
    let mut s = 0f32;
    e.sum(&ArrayView::from_slice(&ints, &[2, 2]).unwrap(), None, &mut ArrayViewMut::from_slice(std::slice::from_mut(&mut s), &[]).unwrap()).unwrap();
    assert_eq!(s, 4.0);
}

/// 10^7 f32 values that cancel: +1e7 + k and -1e7 alternately. The exact
/// sum is the sum of the k; f64 accumulation gets it exactly, where an f32
/// accumulator (pairwise or not) is far off.
#[test]
fn cancelling_f32_sum_is_exact() {
    let n = 10_000_000;
    let xs: Vec<f32> = (0..n).map(|i| if i % 2 == 0 { 1e7 + (i % 7) as f32 } else { -1e7 }).collect();
    let exact: f64 = (0..n).filter(|i| i % 2 == 0).map(|i| (i % 7) as f64).sum();
    for e in tiers() {
        for threads in [1, 2] {
            let x = ArrayView::from_slice(&xs, &[n]).unwrap();
            let mut s = 0f64;
            exec(e.0.tier, threads).sum(&x, None, &mut ArrayViewMut::from_slice(std::slice::from_mut(&mut s), &[]).unwrap()).unwrap();
            assert!(((s - exact) / exact).abs() < 1e-12, "{:?}: {s} vs {exact}", e.0.tier);
        }
    }
}

#[test]
fn empty_reductions_follow_numpy() {
    let buf = [0f32; 4];
    let x = ArrayView::from_slice_strided(&buf, 0, &[0, 4], &[4, 1]).unwrap();
    let (mut s, mut m) = ([-7f32; 4], [-7f32; 4]);
    let e = numkern::ops::exec();
    e.sum(&x, Some(&[0]), &mut ArrayViewMut::from_slice(&mut s, &[4]).unwrap()).unwrap();
    e.mean(&x, Some(&[0]), &mut ArrayViewMut::from_slice(&mut m, &[4]).unwrap()).unwrap();
    assert!(s.iter().all(|&v| v.to_bits() == 0), "sum of nothing is +0: {s:?}");
    assert!(m.iter().all(|v| v.is_nan()), "mean of nothing is NaN: {m:?}");
    // Reducing axis 1 of a (0, 4): no outputs at all.
    let mut none: [f32; 0] = [];
    e.sum(&x, Some(&[1]), &mut ArrayViewMut::from_slice(&mut none, &[0]).unwrap()).unwrap();
    // A sum of -0.0 is -0.0 (IEEE), of nothing +0.0.
    let z = [-0.0f64; 3];
    let mut out = 1f64;
    e.sum(&ArrayView::from_slice(&z, &[3]).unwrap(), None, &mut ArrayViewMut::from_slice(std::slice::from_mut(&mut out), &[]).unwrap()).unwrap();
    assert_eq!(out.to_bits(), (-0.0f64).to_bits());
}

#[test]
fn c_abi_sum_mean_and_reduced_shape() {
    // The seed's per-column statistics: X (4, 3), mean over axis 0 with keepdims.
    let mut x: Vec<f64> = vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0];
    let xd = c_desc(x.as_mut_ptr() as *mut u8, numkern::dtype::NUMKERN_F64, &[4, 3]);
    let mut m = [0f64; 3];
    let md = c_desc(m.as_mut_ptr() as *mut u8, numkern::dtype::NUMKERN_F64, &[1, 3]);
    assert_eq!(unsafe { numkern_mean(&xd, [0i64].as_ptr(), 1, &md) }, NUMKERN_OK);
    assert_eq!(m, [5.5, 6.5, 7.5]);
    let mut total = 0f32;
    let td = c_desc(&mut total as *mut f32 as *mut u8, numkern::dtype::NUMKERN_F32, &[]);
    assert_eq!(unsafe { numkern_sum(&xd, std::ptr::null(), 0, &td) }, NUMKERN_OK);
    assert_eq!(total, 78.0);
    let mut rows = [0f64; 4];
    let rd = c_desc(rows.as_mut_ptr() as *mut u8, numkern::dtype::NUMKERN_F64, &[4]);
    assert_eq!(unsafe { numkern_sum(&xd, [-1i64].as_ptr(), 1, &rd) }, NUMKERN_OK);
    assert_eq!(rows, [6.0, 15.0, 24.0, 33.0]);

    let (mut shape, mut nd) = ([0i64; 8], 0i32);
    let s = [4i64, 3, 5];
    assert_eq!(unsafe { numkern_reduced_shape(s.as_ptr(), 3, [0i64, -1].as_ptr(), 2, 1, shape.as_mut_ptr(), &mut nd) }, NUMKERN_OK);
    assert_eq!(&shape[..nd as usize], &[1, 3, 1]);
    assert_eq!(unsafe { numkern_reduced_shape(s.as_ptr(), 3, [0i64, -1].as_ptr(), 2, 0, shape.as_mut_ptr(), &mut nd) }, NUMKERN_OK);
    assert_eq!(&shape[..nd as usize], &[3]);
    assert_eq!(unsafe { numkern_reduced_shape(s.as_ptr(), 3, std::ptr::null(), 0, 0, shape.as_mut_ptr(), &mut nd) }, NUMKERN_OK);
    assert_eq!(nd, 0);

    // Errors: status, message, output untouched.
    let mut o = [-7f64; 3];
    let od = c_desc(o.as_mut_ptr() as *mut u8, numkern::dtype::NUMKERN_F64, &[3]);
    let expect = |got: i32, want: i32, needle: &str| {
        assert_eq!(got, want, "{needle}: {}", last_message());
        assert!(last_message().contains(needle), "{:?} lacks {needle:?}", last_message());
    };
    expect(unsafe { numkern_sum(&xd, [2i64].as_ptr(), 1, &od) }, NUMKERN_ERR_AXIS, "axis 2 is out of bounds for array of dimension 2");
    expect(unsafe { numkern_sum(&xd, [0i64, -2].as_ptr(), 2, &od) }, NUMKERN_ERR_AXIS, "duplicate value in 'axis'");
    expect(unsafe { numkern_sum(&xd, [1i64].as_ptr(), 1, &od) }, NUMKERN_ERR_SHAPE_MISMATCH, "output has shape (3,) but reducing (4,3) gives (4,)");
    expect(unsafe { numkern_mean(std::ptr::null(), [0i64].as_ptr(), 1, &od) }, NUMKERN_ERR_NULL_POINTER, "argument `x` is a null pointer");
    let mut ints = [0i32; 12];
    let id = c_desc(ints.as_mut_ptr() as *mut u8, numkern::dtype::NUMKERN_I32, &[4, 3]);
    expect(unsafe { numkern_var(&id, [0i64].as_ptr(), 1, 0.0, &od) }, NUMKERN_ERR_DTYPE, "numkern_var: var: argument `x` must be float32 or float64, got int32");
    expect(unsafe { numkern_argmax(&xd, [0i64].as_ptr(), 1, &od) }, NUMKERN_ERR_DTYPE, "numkern_argmax: argmax: argument `out` must be int64, got float64");
    let empty = c_desc(x.as_mut_ptr() as *mut u8, numkern::dtype::NUMKERN_F64, &[0, 3]);
    expect(unsafe { numkern_max(&empty, [0i64].as_ptr(), 1, &od) }, NUMKERN_ERR_INVALID_ARGUMENT, "zero-size array to reduction operation maximum which has no identity");
    let mut idx = [-7i64; 3];
    let idd = c_desc(idx.as_mut_ptr() as *mut u8, numkern::dtype::NUMKERN_I64, &[3]);
    expect(unsafe { numkern_argmin(&empty, [0i64].as_ptr(), 1, &idd) }, NUMKERN_ERR_INVALID_ARGUMENT, "attempt to get argmin of an empty sequence");
    assert_eq!(idx, [-7; 3]);
    let mut twice = [-7f64; 1];
    let mut wd = c_desc(twice.as_mut_ptr() as *mut u8, numkern::dtype::NUMKERN_F64, &[3]);
    wd.strides[0] = 0;
    expect(unsafe { numkern_sum(&xd, [0i64].as_ptr(), 1, &wd) }, NUMKERN_ERR_INVALID_ARGUMENT, "twice");
    assert!(o.iter().chain(&twice).all(|&v| v == -7.0), "an error wrote the output");
}

/// softmax / log_softmax of a random case along a random axis, against
/// the f64 formula: each output within a few ULP, rows summing to 1
/// within n eps; in place and out of place, any layout.
fn check_softmax<T: Element + TestFloat + Default>(seed: u64, exec: Exec, log: bool) -> std::result::Result<(), TestCaseError> {
    let mut rng = Rng(seed | 1);
    let case = random_case::<T>(&mut rng);
    let nd = case.shape.len();
    if nd == 0 {
        return Ok(());
    }
    let axis = (rng.next_u64() % nd as u64) as usize;
    let signed = if rng.next_u64() % 2 == 0 { axis as i64 } else { axis as i64 - nd as i64 };
    let x = ArrayView::from_slice_strided(&case.buf, case.offset, &case.shape, &case.strides).unwrap();
    let size: usize = case.shape.iter().product();
    let mut out = vec![T::default(); size];
    let masked = if rng.next_u64() % 2 == 0 { MaskedRows::Nan } else { MaskedRows::Zero };
    if rng.next_u64() % 3 == 0 {
        // In place on a C-order copy.
        exec.copy(&x, &mut ArrayViewMut::from_slice(&mut out, &case.shape).unwrap()).unwrap();
        exec.softmax_inplace(&mut ArrayViewMut::from_slice(&mut out, &case.shape).unwrap(), signed, log, masked).map_err(|e| TestCaseError::fail(e.to_string()))?;
    } else {
        exec.softmax(&x, signed, &mut ArrayViewMut::from_slice(&mut out, &case.shape).unwrap(), log, masked).map_err(|e| TestCaseError::fail(e.to_string()))?;
    }
    let eps = if T::DTYPE == DType::F32 { f32::EPSILON as f64 } else { f64::EPSILON };
    let n = case.shape[axis];
    let strides_c = numkern::framework::array::RawArray::contiguous_strides(&case.shape);
    for idx in indices(&case.shape).into_iter().filter(|i: &Vec<usize>| i[axis] == 0) {
        let xo = |j: usize| case.offset as isize + idx.iter().enumerate().map(|(k, &i)| (if k == axis { j } else { i }) as isize * case.strides[k]).sum::<isize>();
        let oo = |j: usize| idx.iter().enumerate().map(|(k, &i)| (if k == axis { j } else { i }) as isize * strides_c[k]).sum::<isize>();
        let row: Vec<f64> = (0..n).map(|j| case.buf[xo(j) as usize].to()).collect();
        let got: Vec<f64> = (0..n).map(|j| out[oo(j) as usize].to()).collect();
        let m = row.iter().copied().fold(f64::NEG_INFINITY, |a, b| if a.is_nan() || b.is_nan() { f64::NAN } else { a.max(b) });
        let what = format!("{} {:?} shape {:?} strides {:?} axis {signed}: row {row:?}", if log { "log_softmax" } else { "softmax" }, exec.0.tier, case.shape, case.strides);
        if !m.is_finite() {
            let want = if m == f64::NEG_INFINITY && masked == MaskedRows::Zero { if log { f64::NEG_INFINITY } else { 0.0 } } else { f64::NAN };
            prop_assert!(got.iter().all(|&g| g.to_bits() == want.to_bits() || (g.is_nan() && want.is_nan())), "{what}: got {got:?}, want all {want}");
            continue;
        }
        // (Compensated: a plain f64 sum of 300 terms is itself off by
        // several eps, more than the tolerance leaves the reference.)
        let s = reference(&row.iter().map(|v| (v - m).exp()).collect::<Vec<_>>()).0;
        let mut total = 0.0;
        for (j, (&v, &g)) in row.iter().zip(&got).enumerate() {
            let (want, tol) = if log {
                let w = v - m - s.ln();
                (w, 4.0 * eps * ((v - m).abs() + s.ln() + 1.0))
            } else {
                let w = (v - m).exp() / s;
                (w, 4.0 * eps * w + 1e-300 + eps * (v - m).abs() * w)
            };
            prop_assert!(g == want || (g - want).abs() <= tol, "{what}: element {j} = {g:e}, want {want:e}");
            total += g;
        }
        if !log {
            prop_assert!((total - 1.0).abs() <= (n as f64 + 2.0) * eps, "{what}: row sums to {total}");
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn softmax_matches_the_formula_on_every_tier(seed in any::<u64>()) {
        for e in tiers() {
            check_softmax::<f32>(seed, e, false)?;
            check_softmax::<f32>(seed ^ 1, e, true)?;
            check_softmax::<f64>(seed ^ 2, e, false)?;
            check_softmax::<f64>(seed ^ 3, e, true)?;
        }
    }
}

#[test]
fn softmax_edge_rows_and_bitwise_equality() {
    // Logits in [90, 100]: exp overflows f32, exp(x - max) does not.
    let x: Vec<f32> = (0..40).map(|i| 90.0 + i as f32 / 4.0).collect();
    let mut want: Option<Vec<u32>> = None;
    for tier in numkern::available_tiers() {
        for threads in [1, 2, 3, 8] {
            let mut y = vec![0f32; 40];
            exec(tier, threads).softmax(&ArrayView::from_slice(&x, &[4, 10]).unwrap(), 1, &mut ArrayViewMut::from_slice(&mut y, &[4, 10]).unwrap(), false, MaskedRows::Nan).unwrap();
            assert!(y.iter().all(|v| v.is_finite() && *v > 0.0));
            for r in y.chunks(10) {
                assert!((r.iter().map(|&v| v as f64).sum::<f64>() - 1.0).abs() < 1e-6);
            }
            let b: Vec<u32> = y.iter().map(|v| v.to_bits()).collect();
            match &want {
                None => want = Some(b),
                Some(w) => assert_eq!(&b, w, "{tier:?} {threads}"),
            }
        }
    }
    // A fully masked row: NaN, or zeros on request; +inf gives NaN.
    let rows = [f64::NEG_INFINITY, f64::NEG_INFINITY, 1.0, f64::INFINITY];
    let e = numkern::ops::exec();
    let mut y = [0f64; 4];
    e.softmax(&ArrayView::from_slice(&rows, &[2, 2]).unwrap(), -1, &mut ArrayViewMut::from_slice(&mut y, &[2, 2]).unwrap(), false, MaskedRows::Nan).unwrap();
    assert!(y.iter().all(|v| v.is_nan()), "{y:?}");
    e.softmax(&ArrayView::from_slice(&rows, &[2, 2]).unwrap(), -1, &mut ArrayViewMut::from_slice(&mut y, &[2, 2]).unwrap(), false, MaskedRows::Zero).unwrap();
    assert_eq!(&y[..2], &[0.0, 0.0]);
    assert!(y[2].is_nan() && y[3].is_nan());
}

#[test]
fn c_abi_softmax_errors_leave_the_output() {
    let mut x: Vec<f32> = (0..15).map(|i| i as f32).collect();
    let xd = c_desc(x.as_mut_ptr() as *mut u8, numkern::dtype::NUMKERN_F32, &[5, 3]);
    let mut y = [-7f32; 15];
    let yd = c_desc(y.as_mut_ptr() as *mut u8, numkern::dtype::NUMKERN_F32, &[5, 3]);
    let mut small = [-7f32; 3];
    let sd = c_desc(small.as_mut_ptr() as *mut u8, numkern::dtype::NUMKERN_F32, &[3]);
    let mut d = [-7f64; 15];
    let dd = c_desc(d.as_mut_ptr() as *mut u8, numkern::dtype::NUMKERN_F64, &[5, 3]);
    let expect = |got: i32, want: i32, needle: &str| {
        assert_eq!(got, want, "{needle}: {}", last_message());
        assert!(last_message().contains(needle), "{:?} lacks {needle:?}", last_message());
    };
    expect(unsafe { numkern_softmax(&xd, 2, &yd, 0) }, NUMKERN_ERR_AXIS, "axis 2 is out of bounds for array of dimension 2");
    expect(unsafe { numkern_softmax(&xd, 1, &sd, 0) }, NUMKERN_ERR_SHAPE_MISMATCH, "output has shape (3,) but input has shape (5,3)");
    expect(unsafe { numkern_log_softmax(&xd, 1, &dd, 0) }, NUMKERN_ERR_DTYPE, "argument `out` must be float32 like `x`");
    expect(unsafe { numkern_softmax(&xd, 1, &yd, 4) }, NUMKERN_ERR_INVALID_ARGUMENT, "unknown bits");
    assert!(y.iter().chain(&small).all(|&v| v == -7.0) && d.iter().all(|&v| v == -7.0));
    assert_eq!(unsafe { numkern_softmax(&xd, -1, &yd, 0) }, NUMKERN_OK);
    assert!((y[0] as f64 - 1.0 / (1.0 + 1f64.exp() + 2f64.exp())).abs() < 1e-7);
}
