//! `numkern_copy` between any two dtypes, any layouts (transposing tiles
//! included), broadcasting and overlapping, on descriptors of every kind;
//! each element must be Rust's `as` conversion of its source (NumPy's
//! `astype` where NumPy defines it; saturating, NaN to 0, where it does not).
//! And the creation functions, which write through the same conversions:
//! full, eye, arange, linspace, tril and triu. And the random fills,
//! permutation, shuffle, take, gather, put, concatenate and mask selection on fuzzed
//! descriptors: the harness's checks (every tier and thread count gives the
//! same bytes, errors leave every buffer untouched, no internal error).
#![no_main]

use libfuzzer_sys::fuzz_target;
use numkern::ffi::*;
use numkern::DType;
use numkern_fuzz::arbitrary::{self, Unstructured};
use numkern_fuzz::{indices, Call, Fill, ALL_DTYPES};

fuzz_target!(|data: &[u8]| {
    let _ = one(data);
});

fn one(data: &[u8]) -> arbitrary::Result<()> {
    let mut u = Unstructured::new(data);
    if u.ratio(1, 3)? {
        return creation(&mut u);
    }
    if u.ratio(1, 2)? {
        return arrays(&mut u);
    }
    let mut c = Call::new();
    let (src, dst) = (c.add(&mut u, &ALL_DTYPES, 8, Fill::Raw)?, c.add(&mut u, &ALL_DTYPES, 8, Fill::Raw)?);
    if let Some(after) = c.run("copy", 0, |c| unsafe { numkern_copy(c.ptr(src), c.ptr(dst)) }) {
        let (from, to) = (c.dtype(src), c.dtype(dst));
        for idx in indices(&c.shape(dst)) {
            let nd = c.ops[src].desc.ndim as usize;
            let lead = idx.len() - nd;
            let sidx: Vec<usize> = (0..nd).map(|k| if c.ops[src].desc.shape[k] == 1 { 0 } else { idx[lead + k] }).collect();
            let want = cast(from, to, c.bits(&c.before, src, &sidx));
            let got = c.bits(&after, dst, &idx);
            let nan = |bits: u64| match to {
                DType::F32 => f32::from_bits(bits as u32).is_nan(),
                DType::F64 => f64::from_bits(bits).is_nan(),
                _ => false,
            };
            assert!(got == want || (nan(got) && nan(want)), "{from:?} -> {to:?} at {idx:?}: {got:#x}, want {want:#x}");
        }
    }
    Ok(())
}

/// The bits of `bits` (a `from` value) converted to `to` with `as`.
fn cast(from: DType, to: DType, bits: u64) -> u64 {
    macro_rules! to {
        ($v:expr) => {
            match to {
                DType::F32 => ($v as f32).to_bits() as u64,
                DType::F64 => ($v as f64).to_bits(),
                DType::I32 => ($v as i32) as u32 as u64,
                DType::I64 => ($v as i64) as u64,
                DType::U8 => ($v as u8) as u64,
            }
        };
    }
    match from {
        DType::F32 => to!(f32::from_bits(bits as u32)),
        DType::F64 => to!(f64::from_bits(bits)),
        DType::I32 => to!(bits as u32 as i32),
        DType::I64 => to!(bits as i64),
        DType::U8 => to!(bits as u8),
    }
}

/// A creation call on one fuzzed output (tril/triu also on a fuzzed input),
/// each written element checked against its definition.
fn creation(u: &mut Unstructured) -> arbitrary::Result<()> {
    let mut c = Call::new();
    let op = u.int_in_range(0..=5u8)?;
    let out = c.add(u, &ALL_DTYPES, if op == 0 { 8 } else { 3 }, Fill::Raw)?;
    let x = if op >= 4 { Some(c.add(u, &ALL_DTYPES, 3, Fill::Raw)?) } else { None };
    let (a, b) = (u.int_in_range(-1000..=1000i32)? as f64 / 8.0, u.int_in_range(-1000..=1000i32)? as f64 / 8.0);
    let k = u.int_in_range(-6..=6i64)?;
    let endpoint = u.arbitrary::<bool>()?;
    let Some(after) = c.run("creation", 0, |c| unsafe {
        match op {
            0 => numkern_full(c.ptr(out), a),
            1 => numkern_eye(c.ptr(out), k),
            2 => numkern_arange(c.ptr(out), a, b),
            3 => numkern_linspace(c.ptr(out), a, b, endpoint as i32),
            4 => numkern_tril(c.ptr(x.unwrap()), k, c.ptr(out)),
            _ => numkern_triu(c.ptr(x.unwrap()), k, c.ptr(out)),
        }
    }) else {
        return Ok(());
    };
    let to = c.dtype(out);
    let shape = c.shape(out);
    for idx in indices(&shape) {
        let got = c.bits(&after, out, &idx);
        let nd = idx.len();
        let want = match op {
            0 => cast(DType::F64, to, a.to_bits()),
            1 => cast(DType::F64, to, if idx[1] as i64 - idx[0] as i64 == k { 1f64 } else { 0f64 }.to_bits()),
            2 if to.is_float() => cast(DType::F64, to, (a + idx[0] as f64 * b).to_bits()),
            2 => cast(DType::I64, to, ((a as i64).wrapping_add(idx[0] as i64 * b as i64)) as u64),
            3 => continue, // linspace's values: tests/create.rs (here: bounds, errors, tiers)
            _ => {
                let (i, j) = (idx[nd - 2] as i64, idx[nd - 1] as i64);
                let keep = if op == 4 { j <= i + k } else { j >= i + k };
                if keep { c.bits(&c.before, x.unwrap(), &idx) } else { 0 }
            }
        };
        assert_eq!(got, want, "creation op {op} into {to:?} {shape:?} at {idx:?}");
    }
    Ok(())
}

/// A random fill, permutation, shuffle, take, gather, put, concatenate or mask selection
/// on fuzzed descriptors (shape mismatches and bad indices included).
fn arrays(u: &mut Unstructured) -> arbitrary::Result<()> {
    let mut c = Call::new();
    let op = u.int_in_range(0..=10u8)?;
    let out = c.add(u, &ALL_DTYPES, 4, Fill::Raw)?;
    // Only the operands the op reads: the harness checks every one it holds.
    let (x, aux) = if op >= 6 {
        (c.add(u, &ALL_DTYPES, 3, Fill::Raw)?, c.add(u, &[2, 3, 4], 3, Fill::Raw)?) // indices (i32/i64) or a mask (u8)
    } else {
        (out, out)
    };
    let (seed, stream, offset) = (u.arbitrary::<u64>()?, u.arbitrary::<u64>()?, u.arbitrary::<u64>()?);
    let (a, b) = (u.int_in_range(-1000..=1000i32)? as f64 / 8.0, u.int_in_range(-1000..=1000i32)? as f64 / 8.0);
    let (lo, hi) = (u.int_in_range(-300..=300i64)?, u.int_in_range(-300..=300i64)?);
    let (axis, mode) = (u.int_in_range(-4..=4i64)?, u.int_in_range(0..=3i32)?);
    c.run("arrays", 0, |c| unsafe {
        match op {
            0 => numkern_random_uniform(c.ptr(out), seed, stream, offset, a.min(b), a.max(b)),
            1 => numkern_random_normal(c.ptr(out), seed, stream, offset, a, b),
            2 => numkern_random_integers(c.ptr(out), seed, stream, offset, lo, hi),
            3 => numkern_random_bernoulli(c.ptr(out), seed, stream, offset, a / 125.0),
            4 => numkern_random_permutation(c.ptr(out), seed, stream),
            5 => numkern_random_shuffle(c.ptr(out), axis, seed, stream),
            6 => numkern_take(c.ptr(x), c.ptr(aux), axis, mode, c.ptr(out)),
            7 if c.ptr(x).is_null() || c.ptr(aux).is_null() => numkern_concatenate(core::ptr::null(), 2, axis, c.ptr(out)),
            7 => {
                let list = [*c.ptr(x), *c.ptr(aux)];
                numkern_concatenate(list.as_ptr(), 2, axis, c.ptr(out))
            }
            8 => numkern_mask_select(c.ptr(x), c.ptr(aux), c.ptr(out)),
            9 => numkern_put(c.ptr(x), c.ptr(aux), axis, mode, c.ptr(out)),
            _ if c.ptr(aux).is_null() => numkern_gather(c.ptr(x), core::ptr::null(), 1, mode, c.ptr(out)),
            _ => {
                // x[aux] or x[aux, aux] (the index arrays broadcast).
                let list = [*c.ptr(aux), *c.ptr(aux)];
                numkern_gather(c.ptr(x), list.as_ptr(), 1 + (axis & 1), mode, c.ptr(out))
            }
        }
    });
    Ok(())
}
