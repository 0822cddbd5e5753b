//! `numkern_copy` between any two dtypes, any layouts (transposing tiles
//! included), broadcasting and overlapping, on descriptors of every kind;
//! each element must be Rust's `as` conversion of its source (NumPy's
//! `astype` where NumPy defines it; saturating, NaN to 0, where it does not).
#![no_main]

use libfuzzer_sys::fuzz_target;
use numkern::ffi::numkern_copy;
use numkern::DType;
use numkern_fuzz::arbitrary::{self, Unstructured};
use numkern_fuzz::{indices, Call, Fill, ALL_DTYPES};

fuzz_target!(|data: &[u8]| {
    let _ = one(data);
});

fn one(data: &[u8]) -> arbitrary::Result<()> {
    let mut u = Unstructured::new(data);
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
