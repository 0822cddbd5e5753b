//! `numkern_copy` between any two dtypes, any layouts (transposing tiles
//! included), broadcasting and overlapping, on descriptors of every kind;
//! each element must be Rust's `as` conversion of its source (NumPy's
//! `astype` where NumPy defines it; saturating, NaN to 0, where it does not).
//! And the creation functions, which write through the same conversions:
//! full, eye, arange, linspace, tril and triu.
#![no_main]

use libfuzzer_sys::fuzz_target;
use numkern::ffi::{numkern_arange, numkern_copy, numkern_eye, numkern_full, numkern_linspace, numkern_tril, numkern_triu};
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
