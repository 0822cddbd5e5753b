//! The view functions (permute, transpose, reshape, slice, expand_dims,
//! squeeze, broadcast_to) and the shape functions (broadcast_shapes,
//! matmul_shape), on descriptors of every kind and arguments of any value.
//! A result must address exactly the elements NumPy's view would (checked
//! element by element), an error must leave `*out` untouched, and for a
//! valid input each function must succeed exactly when NumPy would
//! (reshape aside: whether it needs a copy depends on the strides).
#![no_main]

use libfuzzer_sys::fuzz_target;
use numkern::error::*;
use numkern::ffi::*;
use numkern::framework::array::numkern_array;
use numkern::framework::views::NUMKERN_NONE;
use numkern_fuzz::arbitrary::{self, Unstructured};
use numkern_fuzz::{indices, last_error, Call, Fill, Kind, ALL_DTYPES};

fuzz_target!(|data: &[u8]| {
    let _ = one(data);
});

/// Small values most of the time, the extremes sometimes.
fn int(u: &mut Unstructured) -> arbitrary::Result<i64> {
    Ok(match u.arbitrary::<u8>()? {
        0..=229 => u.int_in_range(-10..=10)?,
        230..=239 => NUMKERN_NONE,
        240..=247 => *u.choose(&[i64::MAX, i64::MIN + 1, i64::MAX / 2, -(1 << 40)])?,
        _ => u.arbitrary()?,
    })
}

fn ints(u: &mut Unstructured, n: usize) -> arbitrary::Result<Vec<i64>> {
    (0..n).map(|_| int(u)).collect()
}

/// A poisoned descriptor, to see whether an error wrote it.
fn poisoned() -> numkern_array {
    numkern_array { data: 0x5a5a as *mut _, dtype: -77, ndim: -77, shape: [-77; 8], strides: [-77; 8] }
}
fn same(a: &numkern_array, b: &numkern_array) -> bool {
    a.data == b.data && a.dtype == b.dtype && a.ndim == b.ndim && a.shape == b.shape && a.strides == b.strides
}

fn normalize(axis: i64, ndim: usize) -> Option<usize> {
    let n = ndim as i64;
    if axis == NUMKERN_NONE || axis < -n || axis >= n {
        None
    } else {
        Some(if axis < 0 { axis + n } else { axis } as usize)
    }
}

/// Python's `range(n)[start:stop:step]` (NONE = omitted).
fn py_slice(n: usize, start: i64, stop: i64, step: i64) -> Vec<usize> {
    let (n, step) = (n as i128, if step == NUMKERN_NONE { 1 } else { step as i128 });
    let clamp = |v: i64, default: i128, neg_floor: i128, hi: i128| -> i128 {
        if v == NUMKERN_NONE {
            return default;
        }
        let v = v as i128;
        if v < 0 {
            (v + n).max(neg_floor)
        } else {
            v.min(hi)
        }
    };
    let (s, e) = if step > 0 { (clamp(start, 0, 0, n), clamp(stop, n, 0, n)) } else { (clamp(start, n - 1, -1, n - 1), clamp(stop, -1, -1, n - 1)) };
    let mut out = Vec::new();
    let mut i = s;
    while (step > 0 && i < e) || (step < 0 && i > e) {
        out.push(i as usize);
        i += step;
    }
    out
}

/// NumPy's broadcast of two shapes.
fn broadcast(a: &[usize], b: &[usize]) -> Option<Vec<usize>> {
    let nd = a.len().max(b.len());
    let get = |s: &[usize], k: usize| if k + s.len() >= nd { s[k + s.len() - nd] } else { 1 };
    (0..nd)
        .map(|k| match (get(a, k), get(b, k)) {
            (x, y) if x == y || y == 1 => Some(x),
            (1, y) => Some(y),
            _ => None,
        })
        .collect()
}

fn one(data: &[u8]) -> arbitrary::Result<()> {
    let mut u = Unstructured::new(data);
    if u.int_in_range(0..=7)? == 7 {
        return shapes(&mut u);
    }
    let mut c = Call::new();
    let a = c.add(&mut u, &ALL_DTYPES, 8, Fill::Raw)?;
    let valid = matches!(c.ops[a].kind, Kind::Contiguous | Kind::Reversed | Kind::Fortran | Kind::AnyStrides);
    let nd = c.ops[a].desc.ndim.clamp(0, 8) as usize;
    let shape: Vec<usize> = c.ops[a].desc.shape[..nd].iter().map(|&d| d.max(0) as usize).collect();
    let mut out = poisoned();
    let pa = c.ptr(a);
    // (status, the input index each output index maps to, and whether NumPy
    // would succeed: None when that depends on more than shapes).
    type Map = Box<dyn Fn(&[usize]) -> Vec<usize>>;
    let (what, status, map, numpy_ok): (&str, i32, Map, Option<bool>) = match u.int_in_range(0..=6)? {
        0 => {
            let naxes = u.int_in_range(0..=9)?;
            let axes = ints(&mut u, naxes)?;
            let st = unsafe { numkern_permute(pa, axes.as_ptr(), naxes as i32, &mut out) };
            let norm: Vec<Option<usize>> = axes.iter().map(|&x| normalize(x, nd)).collect();
            let mut seen = [false; 8];
            let ok = naxes == nd && norm.iter().all(|x| x.is_some_and(|k| !std::mem::replace(&mut seen[k], true)));
            let norm: Vec<usize> = norm.into_iter().map(|x| x.unwrap_or(0)).collect();
            ("permute", st, Box::new(move |idx: &[usize]| {
                let mut src = vec![0; idx.len()];
                for (k, &ax) in norm.iter().enumerate() {
                    src[ax] = idx[k];
                }
                src
            }), Some(ok))
        }
        1 => {
            let st = unsafe { numkern_transpose(pa, &mut out) };
            ("transpose", st, Box::new(|idx: &[usize]| idx.iter().rev().copied().collect()), Some(true))
        }
        2 => {
            let n = u.int_in_range(0..=9)?;
            let req = ints(&mut u, n)?;
            let st = unsafe { numkern_reshape(pa, req.as_ptr(), n as i32, &mut out) };
            let in_shape = shape.clone();
            let size: usize = shape.iter().product();
            let out_shape: Vec<i64> = if st == NUMKERN_OK { out.shape[..out.ndim as usize].to_vec() } else { vec![] };
            if st == NUMKERN_OK {
                let p: i64 = out_shape.iter().product();
                assert_eq!(p as usize, size, "reshape changed the size: {req:?} -> {out_shape:?}");
                for (k, (&r, &o)) in req.iter().zip(&out_shape).enumerate() {
                    assert!(r == -1 || r == o, "reshape axis {k}: asked {r}, got {o}");
                }
            }
            let out_dims: Vec<usize> = out_shape.iter().map(|&d| d as usize).collect();
            ("reshape", st, Box::new(move |idx: &[usize]| {
                // The C-order position of idx in the new shape, in the old.
                let mut flat = 0;
                for (k, &i) in idx.iter().enumerate() {
                    flat = flat * out_dims[k] + i;
                }
                let mut src = vec![0; in_shape.len()];
                for k in (0..in_shape.len()).rev() {
                    src[k] = flat % in_shape[k].max(1);
                    flat /= in_shape[k].max(1);
                }
                src
            }), None)
        }
        3 => {
            let (axis, start, stop, step) = (int(&mut u)?, int(&mut u)?, int(&mut u)?, int(&mut u)?);
            let st = unsafe { numkern_slice(pa, axis, start, stop, step, &mut out) };
            let ax = normalize(axis, nd);
            // (Invalid inputs may claim huge extents: their result is not checked.)
            let picks = ax.filter(|_| valid).map(|k| py_slice(shape[k], start, stop, step)).unwrap_or_default();
            ("slice", st, Box::new(move |idx: &[usize]| {
                let mut src = idx.to_vec();
                let k = ax.expect("an axis");
                src[k] = picks[idx[k]];
                src
            }), Some(ax.is_some() && step != 0))
        }
        4 => {
            let axis = int(&mut u)?;
            let st = unsafe { numkern_expand_dims(pa, axis, &mut out) };
            let ax = normalize(axis, nd + 1);
            ("expand_dims", st, Box::new(move |idx: &[usize]| {
                let mut src = idx.to_vec();
                src.remove(ax.expect("an axis"));
                src
            }), Some(ax.is_some() && nd < 8))
        }
        5 => {
            let axis = if u.arbitrary::<bool>()? { NUMKERN_NONE } else { int(&mut u)? };
            let st = unsafe { numkern_squeeze(pa, axis, &mut out) };
            let dropped: Vec<bool> = if axis == NUMKERN_NONE {
                shape.iter().map(|&d| d == 1).collect()
            } else {
                (0..nd).map(|k| Some(k) == normalize(axis, nd)).collect()
            };
            let ok = axis == NUMKERN_NONE || normalize(axis, nd).is_some_and(|k| shape[k] == 1);
            ("squeeze", st, Box::new(move |idx: &[usize]| {
                let mut it = idx.iter();
                dropped.iter().map(|&d| if d { 0 } else { *it.next().expect("an index") }).collect()
            }), Some(ok))
        }
        _ => {
            let n = u.int_in_range(0..=9)?;
            let target: Vec<i64> = (0..n).map(|_| Ok(if u.ratio(1, 8)? { int(&mut u)? } else { u.int_in_range(0..=4)? })).collect::<arbitrary::Result<_>>()?;
            let st = unsafe { numkern_broadcast_to(pa, target.as_ptr(), n as i32, &mut out) };
            let t: Vec<usize> = target.iter().map(|&d| d.max(0) as usize).collect();
            let ok = n <= 8 && target.iter().all(|&d| d >= 0) && broadcast(&shape, &t).is_some_and(|s| s == t);
            // Huge extents: NumPy's size check ("array is too big") skips
            // zero extents, numkern's stops at the first overflow; not compared.
            let ok = if target.iter().any(|&d| d > 1 << 31) { None } else { Some(ok) };
            let in_shape = shape.clone();
            ("broadcast_to", st, Box::new(move |idx: &[usize]| {
                let lead = idx.len() - in_shape.len();
                (0..in_shape.len()).map(|k| if in_shape[k] == 1 { 0 } else { idx[lead + k] }).collect()
            }), ok)
        }
    };
    let msg = last_error();
    assert_ne!(status, NUMKERN_ERR_INTERNAL, "{what}: internal error: {msg}");
    if status != NUMKERN_OK {
        assert!(same(&out, &poisoned()), "{what}: status {status} ({msg}) but *out was written");
        if valid && numpy_ok == Some(true) {
            panic!("{what}: NumPy succeeds on {:?} but numkern says {status}: {msg}", c.ops[a].desc);
        }
        return Ok(());
    }
    assert!(!c.ops[a].kind.always_invalid(), "{what}: accepted an invalid input {:?}", c.ops[a]);
    if !valid {
        return Ok(());
    }
    assert!(numpy_ok != Some(false), "{what}: NumPy fails on {:?} but numkern gave {out:?}", c.ops[a].desc);
    assert_eq!(out.dtype, c.ops[a].desc.dtype, "{what} changed the dtype");
    let es = numkern::DType::from_code(out.dtype).expect("a dtype").size() as isize;
    let out_shape: Vec<usize> = out.shape[..out.ndim as usize].iter().map(|&d| d as usize).collect();
    let addr = |d: &numkern_array, idx: &[usize]| -> isize {
        idx.iter().enumerate().map(|(k, &i)| i as isize * d.strides[k] as isize * es).sum::<isize>() + d.data as isize
    };
    // (A broadcast view may claim billions of elements: checked up to 2^16.)
    let size = out_shape.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d));
    if size.is_none_or(|s| s > 1 << 16) {
        return Ok(());
    }
    for idx in indices(&out_shape) {
        let src = map(&idx);
        assert!(src.iter().zip(&shape).all(|(&i, &d)| i < d), "{what}: {idx:?} maps outside the input ({src:?})");
        assert_eq!(addr(&out, &idx), addr(&c.ops[a].desc, &src), "{what}: element {idx:?} is not input element {src:?}; {out:?}");
    }
    Ok(())
}

/// broadcast_shapes and matmul_shape against NumPy's rules.
fn shapes(u: &mut Unstructured) -> arbitrary::Result<()> {
    let (na, nb) = (u.int_in_range(-1..=9)?, u.int_in_range(-1..=9)?);
    let small = |u: &mut Unstructured| -> arbitrary::Result<i64> { Ok(if u.ratio(1, 16)? { int(u)? } else { u.int_in_range(0..=3)? }) };
    let a: Vec<i64> = (0..na.max(0)).map(|_| small(u)).collect::<arbitrary::Result<_>>()?;
    let b: Vec<i64> = (0..nb.max(0)).map(|_| small(u)).collect::<arbitrary::Result<_>>()?;
    let matmul = u.arbitrary::<bool>()?;
    let (mut out, mut ndim) = ([-77i64; 8], -77i32);
    let st = unsafe {
        if matmul {
            numkern_matmul_shape(a.as_ptr(), na, b.as_ptr(), nb, out.as_mut_ptr(), &mut ndim)
        } else {
            numkern_broadcast_shapes(a.as_ptr(), na, b.as_ptr(), nb, out.as_mut_ptr(), &mut ndim)
        }
    };
    let well_formed = (0..=8).contains(&na) && (0..=8).contains(&nb) && a.iter().chain(&b).all(|&d| d >= 0);
    let (ua, ub): (Vec<usize>, Vec<usize>) = (a.iter().map(|&d| d.max(0) as usize).collect(), b.iter().map(|&d| d.max(0) as usize).collect());
    let want = if !well_formed {
        None
    } else if matmul {
        matmul_shape(&ua, &ub)
    } else {
        broadcast(&ua, &ub)
    };
    assert_ne!(st, NUMKERN_ERR_INTERNAL, "{}", last_error());
    match want {
        Some(w) if w.len() <= 8 => {
            assert_eq!(st, NUMKERN_OK, "{a:?} {b:?} (matmul {matmul}): {}", last_error());
            assert_eq!(ndim as usize, w.len());
            assert!(out[..w.len()].iter().zip(&w).all(|(&x, &y)| x as usize == y), "{a:?} {b:?} (matmul {matmul}): {out:?}, want {w:?}");
        }
        _ => {
            assert_ne!(st, NUMKERN_OK, "{a:?} {b:?} (matmul {matmul}) accepted");
            assert!(ndim == -77 && out == [-77; 8], "an error wrote the output");
        }
    }
    Ok(())
}

/// NumPy's matmul output shape.
fn matmul_shape(a: &[usize], b: &[usize]) -> Option<Vec<usize>> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let ka = a[a.len() - 1];
    let kb = if b.len() == 1 { b[0] } else { b[b.len() - 2] };
    if ka != kb {
        return None;
    }
    let mut out = broadcast(&a[..a.len().saturating_sub(2)], &b[..b.len().saturating_sub(2)])?;
    if a.len() >= 2 {
        out.push(a[a.len() - 2]);
    }
    if b.len() >= 2 {
        out.push(b[b.len() - 1]);
    }
    Some(out)
}
