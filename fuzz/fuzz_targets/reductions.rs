//! Every reduction over any axes (None, subsets, negative, out of range,
//! repeated), into outputs of the kept or dropped shape (or any other),
//! on descriptors of every kind, softmax / log_softmax along any axis,
//! and the losses, error metrics and normalizations:
//! the harness's checks (untouched buffers on error, bitwise the same on
//! every tier and thread count), and sum and mean held to a compensated
//! reference within the documented bound.
#![no_main]

use libfuzzer_sys::fuzz_target;
use numkern::dtype::*;
use numkern::ffi::*;
use numkern::framework::array::numkern_array;
use numkern::framework::reduce::reduced_shape;
use numkern_fuzz::arbitrary::{self, Unstructured};
use numkern_fuzz::{indices, Call, Fill, ALL_DTYPES};

fuzz_target!(|data: &[u8]| {
    let _ = one(data);
});

const FLOATS: &[i32] = &[NUMKERN_F32, NUMKERN_F64];

type Reduce = unsafe extern "C" fn(*const numkern_array, *const i64, i32, *const numkern_array) -> i32;
unsafe extern "C" fn var1(x: *const numkern_array, a: *const i64, n: i32, o: *const numkern_array) -> i32 {
    numkern_var(x, a, n, 1.0, o)
}
unsafe extern "C" fn std0(x: *const numkern_array, a: *const i64, n: i32, o: *const numkern_array) -> i32 {
    numkern_std(x, a, n, 0.0, o)
}
/// (name, entry, x dtypes, out dtypes)
const OPS: &[(&str, Reduce, &[i32], &[i32])] = &[
    ("sum", numkern_sum, &ALL_DTYPES, &[NUMKERN_F32, NUMKERN_F64, NUMKERN_I64]),
    ("mean", numkern_mean, &ALL_DTYPES, FLOATS),
    ("prod", numkern_prod, FLOATS, FLOATS),
    ("var", var1, FLOATS, FLOATS),
    ("std", std0, FLOATS, FLOATS),
    ("min", numkern_min, FLOATS, FLOATS),
    ("max", numkern_max, FLOATS, FLOATS),
    ("ptp", numkern_ptp, FLOATS, FLOATS),
    ("nansum", numkern_nansum, FLOATS, FLOATS),
    ("nanmean", numkern_nanmean, FLOATS, FLOATS),
    ("nanmin", numkern_nanmin, FLOATS, FLOATS),
    ("nanmax", numkern_nanmax, FLOATS, FLOATS),
    ("norm_l1", numkern_norm_l1, FLOATS, FLOATS),
    ("norm_l2", numkern_norm_l2, FLOATS, FLOATS),
    ("norm_max", numkern_norm_max, FLOATS, FLOATS),
    ("logsumexp", numkern_logsumexp, FLOATS, FLOATS),
    ("argmin", numkern_argmin, FLOATS, &[NUMKERN_I64]),
    ("argmax", numkern_argmax, FLOATS, &[NUMKERN_I64]),
    ("any", numkern_any, &ALL_DTYPES, &[NUMKERN_U8]),
    ("all", numkern_all, &ALL_DTYPES, &[NUMKERN_U8]),
    ("count_nonzero", numkern_count_nonzero, &ALL_DTYPES, &[NUMKERN_I64]),
];

/// softmax or log_softmax of any x along any axis into an out of x's
/// shape (mostly), with or without the masked-row flag.
fn softmax(u: &mut Unstructured) -> arbitrary::Result<()> {
    let mut c = Call::new();
    let log = u.arbitrary::<bool>()?;
    let x = c.add(u, FLOATS, 8, Fill::Raw)?;
    let nd = c.ops[x].desc.ndim.clamp(0, 8) as usize;
    let shape: Vec<usize> = c.ops[x].desc.shape[..nd].iter().map(|&d| d.clamp(0, 64) as usize).collect();
    let out = if u.ratio(1, 6)? { c.add(u, FLOATS, 8, Fill::Raw)? } else { c.add_shaped(u, FLOATS, 8, Some(&shape), Fill::Raw)? };
    let axis: i64 = u.int_in_range(-9..=9)?;
    let flags: i32 = u.int_in_range(0..=2)?;
    let f = if log { numkern_log_softmax } else { numkern_softmax };
    c.run(if log { "log_softmax" } else { "softmax" }, 0, |c| unsafe { f(c.ptr(x), axis, c.ptr(out), flags) });
    Ok(())
}

/// A loss, error metric or normalization on any operands (mostly of
/// matching shapes), with any axes, options and optional operands
/// (null): the harness's checks, the results within a few ULPs across
/// tiers and bitwise the same across thread counts.
fn losses(u: &mut Unstructured) -> arbitrary::Result<()> {
    const LABELS: &[i32] = &[NUMKERN_I32, NUMKERN_I64];
    let mut c = Call::new();
    let x = c.add(u, FLOATS, 6, Fill::Raw)?;
    let nd = c.ops[x].desc.ndim.clamp(0, 8) as usize;
    let shape: Vec<usize> = c.ops[x].desc.shape[..nd].iter().map(|&d| d.clamp(0, 64) as usize).collect();
    // Another operand: most often of x's shape, or of x's shape without
    // axis `drop` (labels), or anything.
    let like = |c: &mut Call, u: &mut Unstructured, dtypes: &[i32], drop: Option<usize>| -> arbitrary::Result<usize> {
        if u.ratio(1, 6)? {
            return c.add(u, dtypes, 6, Fill::Raw);
        }
        let s: Vec<usize> = shape.iter().enumerate().filter(|&(k, _)| Some(k) != drop).map(|(_, &d)| d).collect();
        c.add_shaped(u, dtypes, 6, Some(&s), Fill::Raw)
    };
    let axis: i64 = u.int_in_range(-7..=7)?;
    let class_axis = (nd > 0).then(|| axis.rem_euclid(nd as i64) as usize);
    let axes: Vec<i64> = (0..u.int_in_range(0..=3)?).map(|_| u.int_in_range(-7..=7)).collect::<arbitrary::Result<_>>()?;
    let (ap, an) = if u.ratio(1, 4)? { (std::ptr::null(), 0) } else { (axes.as_ptr(), axes.len() as i32) };
    let reduction: i32 = u.int_in_range(0..=3)?;
    let eps: f64 = *u.choose(&[1e-5, 0.0, -1.0, f64::NAN])?;
    let naxes: i64 = u.int_in_range(-1..=3)?;
    match u.int_in_range(0..=8)? {
        0 => {
            let labels = like(&mut c, u, LABELS, class_axis)?;
            let weights = c.add_optional(u, FLOATS, 2, Fill::Raw)?;
            let out = c.add(u, FLOATS, 6, Fill::Raw)?;
            let ignore: i64 = u.int_in_range(-101..=3)?;
            let smoothing: f64 = *u.choose(&[0.0, 0.1, 1.0, 1.5])?;
            c.run("cross_entropy", 4, |c| unsafe {
                numkern_cross_entropy(c.ptr(x), c.ptr(labels), axis, weights.map_or(std::ptr::null(), |w| c.ptr(w)), ignore, smoothing, reduction, c.ptr(out))
            });
        }
        1 => {
            let (y, out) = (like(&mut c, u, FLOATS, None)?, c.add(u, FLOATS, 6, Fill::Raw)?);
            c.run("binary_cross_entropy_with_logits", 4, |c| unsafe { numkern_binary_cross_entropy_with_logits(c.ptr(x), c.ptr(y), reduction, c.ptr(out)) });
        }
        k @ 2..=4 => {
            let (y, out) = (like(&mut c, u, FLOATS, None)?, c.add(u, FLOATS, 6, Fill::Raw)?);
            let f = [numkern_mse, numkern_rmse, numkern_mae][k - 2];
            c.run("mse/rmse/mae", 4, |c| unsafe { f(c.ptr(x), c.ptr(y), ap, an, c.ptr(out)) });
        }
        5 => {
            let labels = like(&mut c, u, LABELS, class_axis)?;
            let out = c.add_shaped(u, &[NUMKERN_F64, NUMKERN_F32], 1, Some(&[]), Fill::Raw)?;
            c.run("accuracy", 0, |c| unsafe { numkern_accuracy(c.ptr(x), c.ptr(labels), axis, c.ptr(out)) });
        }
        6 => {
            let out = like(&mut c, u, FLOATS, None)?;
            if u.arbitrary()? {
                c.run("standardize", 4, |c| unsafe { numkern_standardize(c.ptr(x), ap, an, eps, c.ptr(out)) });
            } else {
                let (m, s) = (c.add(u, FLOATS, 6, Fill::Raw)?, c.add(u, FLOATS, 6, Fill::Raw)?);
                c.run("standardize_with", 4, |c| unsafe { numkern_standardize_with(c.ptr(x), c.ptr(m), c.ptr(s), c.ptr(out)) });
            }
        }
        _ => {
            let out = like(&mut c, u, FLOATS, None)?;
            let layer = u.arbitrary()?;
            let gamma = c.add_optional(u, FLOATS, 3, Fill::Raw)?;
            // (rms_norm has no beta: an operand it never sees must not exist.)
            let beta = if layer { c.add_optional(u, FLOATS, 3, Fill::Raw)? } else { None };
            let opt = |c: &Call, o: Option<usize>| o.map_or(std::ptr::null(), |i| c.ptr(i));
            if layer {
                c.run("layer_norm", 4, |c| unsafe { numkern_layer_norm(c.ptr(x), naxes, opt(c, gamma), opt(c, beta), eps, c.ptr(out)) });
            } else {
                c.run("rms_norm", 4, |c| unsafe { numkern_rms_norm(c.ptr(x), naxes, opt(c, gamma), eps, c.ptr(out)) });
            }
        }
    }
    Ok(())
}

fn one(data: &[u8]) -> arbitrary::Result<()> {
    let mut u = Unstructured::new(data);
    let pick: u8 = u.arbitrary()?;
    match pick % 8 {
        7 => return softmax(&mut u),
        6 => return losses(&mut u),
        _ => {}
    }
    let (name, f, x_dtypes, out_dtypes) = OPS[pick as usize % OPS.len()];
    let mut c = Call::new();
    let x = c.add(&mut u, x_dtypes, 8, Fill::Raw)?;
    let axes: Option<Vec<i64>> = if u.ratio(1, 4)? {
        None
    } else {
        let n = u.int_in_range(0..=4)?;
        Some((0..n).map(|_| u.int_in_range(-9..=9)).collect::<arbitrary::Result<_>>()?)
    };
    // The output: most often the kept or dropped shape of a valid x.
    let nd = c.ops[x].desc.ndim.clamp(0, 8) as usize;
    let shape: Vec<usize> = c.ops[x].desc.shape[..nd].iter().map(|&d| d.clamp(0, 64) as usize).collect();
    let reduced: Vec<bool> = (0..nd).map(|k| axes.as_ref().is_none_or(|a| a.iter().any(|&v| v.rem_euclid(nd.max(1) as i64) as usize == k))).collect();
    let out = match u.int_in_range(0..=4)? {
        0 => c.add(&mut u, out_dtypes, 8, Fill::Raw)?,
        k => c.add_shaped(&mut u, out_dtypes, 8, Some(&reduced_shape(&shape, &reduced, k % 2 == 0)), Fill::Raw)?,
    };
    let Some(after) = c.run(name, 0, |c| unsafe {
        f(c.ptr(x), axes.as_ref().map_or(std::ptr::null(), |a| a.as_ptr()), axes.as_ref().map_or(0, |a| a.len() as i32), c.ptr(out))
    }) else {
        return Ok(());
    };
    // The reference: sum and mean of floats.
    let mean = name == "mean";
    if !(name == "sum" || mean) || !c.dtype(x).is_float() || !c.dtype(out).is_float() {
        return Ok(());
    }
    // Succeeded: group x's elements by output, in C order.
    let (xs, os) = (c.shape(x), c.shape(out));
    let keepdims = os.len() == xs.len();
    let mut groups: Vec<Vec<f64>> = vec![Vec::new(); os.iter().product()];
    for idx in indices(&xs) {
        let mut o = 0;
        let mut k_out = 0;
        for (k, &i) in idx.iter().enumerate() {
            if !reduced[k] {
                o = o * os[k_out] + i;
            }
            if !reduced[k] || keepdims {
                k_out += 1;
            }
        }
        groups[o].push(c.value(&c.before, x, &idx));
    }
    for (o, idx) in indices(&os).iter().enumerate() {
        let g = &groups[o];
        let got = c.value(&after, out, idx);
        let (s, mag) = reference(g);
        let levels = (g.len().max(1) as f64 / 256.0).log2().max(0.0).ceil();
        let mut tol = (levels + 21.0) * f64::EPSILON / 2.0 * mag;
        let mut want = s;
        if mean {
            want /= g.len() as f64;
            tol /= g.len() as f64;
        }
        let rounded = if c.dtype(out) == numkern::DType::F32 { want as f32 as f64 } else { want };
        let ulp = if c.dtype(out) == numkern::DType::F32 { (rounded as f32).abs().max(f32::MIN_POSITIVE) as f64 * f32::EPSILON as f64 } else { rounded.abs() * f64::EPSILON };
        if g.iter().all(|v| v.is_finite()) && !s.is_finite() {
            continue; // finite terms whose partial sums overflow: the order decides
        }
        let ok = (got.is_nan() && want.is_nan()) || got == rounded || (got - want).abs() <= tol + ulp;
        assert!(ok, "output {idx:?}: {got:e}, want {want:e} (tol {tol:e}); {} elements; axes {axes:?}; {:?}", g.len(), c.ops);
    }
    Ok(())
}

/// Neumaier's compensated sum and the sum of magnitudes (IEEE for specials).
fn reference(xs: &[f64]) -> (f64, f64) {
    if xs.iter().any(|x| !x.is_finite()) {
        // The specials decide: NaN, or +inf and -inf, give NaN; else the infinity.
        let specials = xs.iter().filter(|x| !x.is_finite()).fold(0.0, |a, &b| a + b);
        return (specials, f64::INFINITY);
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
