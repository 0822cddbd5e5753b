//! Seeded random fills, permutation and shuffle: every value against a
//! reference built from `philox4x32_10` one counter at a time (so the
//! word layout, the consumption per value and the transforms are checked),
//! on every tier, over random shapes, layouts and offsets; bitwise equality
//! across thread counts 1, 2, 3, 8, layouts and split calls; statistics at
//! fixed seeds (moments, Kolmogorov–Smirnov, chi-square); every failure
//! class through the C ABI with the output untouched.

use numkern::dispatch::available_tiers;
use numkern::error::*;
use numkern::ffi::*;
use numkern::random::philox::philox4x32_10;
use numkern::random::Stream;
use numkern::ops::Exec;
use numkern::{ArrayViewMut, Element};
use proptest::prelude::*;

mod common;
use common::{c_desc, exec};

const SEED: u64 = 0x0123_4567_89ab_cdef;

/// Word `w` (0..64) of group `g`, one counter at a time.
fn word(seed: u64, stream: u64, g: u64, w: usize) -> u32 {
    let block = g.wrapping_mul(16).wrapping_add((w % 16) as u64);
    philox4x32_10([block as u32, (block >> 32) as u32, stream as u32, (stream >> 32) as u32], [seed as u32, (seed >> 32) as u32])[w / 16]
}

fn bits64(seed: u64, stream: u64, g: u64, lo: usize, hi: usize) -> u64 {
    u64::from(word(seed, stream, g, lo)) | u64::from(word(seed, stream, g, hi)) << 32
}

/// The distributions under test, with their parameters.
#[derive(Clone, Copy, Debug)]
enum Dist {
    Uniform(f64, f64),
    Normal(f64, f64),
    Integers(i64, i64),
    Bernoulli(f64),
}

/// Value v of the stream by the documented layout, as f64 (exact for the
/// integer and uniform cases), and its tolerance.
fn reference(d: Dist, f32_out: bool, seed: u64, stream: u64, v: u64) -> (f64, f64) {
    match d {
        Dist::Uniform(low, high) if f32_out => {
            let u = (word(seed, stream, v / 64, (v % 64) as usize) >> 8) as f32 / 16777216.0;
            ((low as f32 + (high as f32 - low as f32) * u) as f64, 0.0)
        }
        Dist::Uniform(low, high) => {
            let (g, p) = (v / 32, (v % 32) as usize);
            let u = (bits64(seed, stream, g, p, p + 32) >> 11) as f64 / 9007199254740992.0;
            (low + (high - low) * u, 0.0)
        }
        Dist::Normal(mean, std) => {
            let (u1, u2, cos) = if f32_out {
                let (g, p) = (v / 64, (v % 64) as usize);
                let pair = p % 32;
                let u1 = ((word(seed, stream, g, pair) >> 8) + 1) as f64 / 16777216.0;
                (u1, (word(seed, stream, g, pair + 32) >> 8) as f64 / 16777216.0, p < 32)
            } else {
                let (g, p) = (v / 32, (v % 32) as usize);
                let pair = p % 16;
                let u1 = ((bits64(seed, stream, g, pair, pair + 16) >> 11) + 1) as f64 / 9007199254740992.0;
                (u1, (bits64(seed, stream, g, pair + 32, pair + 48) >> 11) as f64 / 9007199254740992.0, p < 16)
            };
            let r = (-2.0 * u1.ln()).sqrt();
            let a = 2.0 * std::f64::consts::PI * u2;
            let z = if cos { r * a.cos() } else { r * a.sin() };
            let tol = if f32_out { 2e-6 } else { 1e-14 };
            (mean + std * z, tol * (1.0 + z.abs()) * (1.0 + std) + if f32_out { 1e-6 * mean.abs() } else { 0.0 })
        }
        Dist::Integers(low, high) => {
            let range = (high as i128 - low as i128) as u128;
            let k = if range <= 1 << 32 {
                let (g, p) = (v / 32, (v % 32) as usize);
                (range * u128::from(bits64(seed, stream, g, p, p + 32))) >> 64
            } else {
                let (g, p) = (v / 16, (v % 16) as usize);
                let (lo, hi) = (bits64(seed, stream, g, p, p + 16), bits64(seed, stream, g, p + 32, p + 48));
                // floor(range (hi 2^64 + lo) / 2^128), exactly.
                (range * u128::from(hi) + ((range * u128::from(lo)) >> 64)) >> 64
            };
            ((low as i128 + k as i128) as f64, 0.0)
        }
        Dist::Bernoulli(p) => ((u64::from(word(seed, stream, v / 64, (v % 64) as usize)) < (p * 4294967296.0).round() as u64) as u8 as f64, 0.0),
    }
}


/// Runs the fill of `d` into `out`.
fn fill<T: Element>(e: Exec, d: Dist, out: &mut ArrayViewMut<T>, s: Stream, offset: u64) -> numkern::Result<()> {
    match d {
        Dist::Uniform(a, b) => e.uniform(out, s, offset, a, b),
        Dist::Normal(a, b) => e.normal(out, s, offset, a, b),
        Dist::Integers(a, b) => e.integers(out, s, offset, a, b),
        Dist::Bernoulli(p) => {
            // T is u8 for this distribution (from_raw checks the dtype).
            let mut v = unsafe { ArrayViewMut::<u8>::from_raw(*out.raw()) }.unwrap();
            e.bernoulli(&mut v, s, offset, p)
        }
    }
}

/// Values as f64 for comparison (i64 values here stay below 2^53 or are
/// compared through the same rounding).
trait AsF64: Copy {
    fn as_f64(self) -> f64;
}
macro_rules! as_f64 { ($($t:ty),*) => { $( impl AsF64 for $t { fn as_f64(self) -> f64 { self as f64 } } )* }; }
as_f64!(f32, f64, i32, i64, u8);

/// C-order logical values of a strided view, as f64.
fn logical<T: Element + AsF64>(buf: &[T], offset: usize, shape: &[usize], strides: &[isize]) -> Vec<f64> {
    let n: usize = shape.iter().product();
    (0..n)
        .map(|mut i| {
            let mut at = offset as isize;
            for k in (0..shape.len()).rev() {
                at += (i % shape[k]) as isize * strides[k];
                i /= shape[k];
            }
            buf[at as usize].as_f64()
        })
        .collect()
}

/// A layout for `shape`: 0 C order, 1 reversed axes (Fortran), 2 C order
/// with every axis reversed and gaps. Returns (buffer length, offset, strides).
fn layout(shape: &[usize], kind: u8) -> (usize, usize, Vec<isize>) {
    let nd = shape.len();
    let mut strides = vec![0isize; nd];
    let gap = if kind == 2 { 2 } else { 1 };
    let mut step = gap;
    let order: Vec<usize> = if kind == 1 { (0..nd).collect() } else { (0..nd).rev().collect() };
    for &k in &order {
        strides[k] = step as isize;
        step *= shape[k].max(1);
    }
    let len = step.max(1);
    if kind == 2 {
        let mut offset = 0;
        for k in 0..nd {
            offset += (shape[k].max(1) - 1) * strides[k] as usize;
            strides[k] = -strides[k];
        }
        return (len, offset, strides);
    }
    (len, 0, strides)
}

/// Fills a view of `shape` in layout `kind`, returns its logical values.
fn fill_logical<T: Element + AsF64 + Default>(e: Exec, d: Dist, shape: &[usize], kind: u8, s: Stream, offset: u64) -> Vec<f64> {
    let (len, off, strides) = layout(shape, kind);
    let mut buf = vec![T::default(); len];
    let mut v = ArrayViewMut::from_slice_strided(&mut buf, off, shape, &strides).unwrap();
    fill(e, d, &mut v, s, offset).unwrap();
    logical(&buf, off, shape, &strides)
}

fn dists() -> impl Strategy<Value = (Dist, u8)> {
    // (distribution, dtype code: 0 f32, 1 f64, 2 i32, 3 i64, 4 u8)
    prop_oneof![
        (-5.0f64..5.0, 0.0f64..10.0, 0u8..2).prop_map(|(a, w, t)| (Dist::Uniform(a, a + w), t)),
        (-5.0f64..5.0, 0.0f64..4.0, 0u8..2).prop_map(|(m, s, t)| (Dist::Normal(m, s), t)),
        (-1000i64..1000, 1i64..5000, 2u8..4).prop_map(|(a, w, t)| (Dist::Integers(a, a + w), t)),
        (i64::MIN / 2..0, 2u8..3).prop_map(|(a, _)| (Dist::Integers(a, i64::MAX - 5), 3)),
        (0i64..200, 1i64..56).prop_map(|(a, w)| (Dist::Integers(a, a + w), 4)),
        (0.0f64..=1.0).prop_map(|p| (Dist::Bernoulli(p), 4)),
    ]
}

fn fill_any(e: Exec, d: Dist, dtype: u8, shape: &[usize], kind: u8, s: Stream, offset: u64) -> Vec<f64> {
    match dtype {
        0 => fill_logical::<f32>(e, d, shape, kind, s, offset),
        1 => fill_logical::<f64>(e, d, shape, kind, s, offset),
        2 => fill_logical::<i32>(e, d, shape, kind, s, offset),
        3 => fill_logical::<i64>(e, d, shape, kind, s, offset),
        _ => fill_logical::<u8>(e, d, shape, kind, s, offset),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    /// Every value against the one-counter-at-a-time reference, on every
    /// tier; the tiers agree bitwise (no FMA in the transforms).
    #[test]
    fn fills_match_the_reference_on_every_tier(
        (d, dtype) in dists(),
        shape in prop::collection::vec(0usize..9, 0..4),
        kind in 0u8..3,
        stream in any::<u64>(),
        offset in prop_oneof![0u64..200, any::<u64>()],
    ) {
        let s = Stream::new(SEED, stream);
        let mut first: Option<Vec<f64>> = None;
        for tier in available_tiers() {
            let got = fill_any(exec(tier, 1), d, dtype, &shape, kind, s, offset);
            for (i, g) in got.iter().enumerate() {
                let (want, tol) = reference(d, dtype == 0, SEED, stream, offset.wrapping_add(i as u64));
                let want = match dtype { 0 => want as f32 as f64, 2 => want as i32 as f64, _ => want };
                prop_assert!((g - want).abs() <= tol, "{d:?} dtype {dtype} {tier:?} value {i}: {g} vs {want}");
            }
            if let Some(f) = &first {
                prop_assert!(f.iter().zip(&got).all(|(a, b)| a.to_bits() == b.to_bits()), "{tier:?} differs from the first tier");
            }
            first = Some(got);
        }
    }
}

/// The same bits for thread counts 1, 2, 3 and 8, every layout, and one
/// fill split into calls at offsets.
#[test]
fn fills_are_the_same_for_any_threads_layout_and_split() {
    let shape = [300usize, 257, 3]; // 231,300 values: several chunks of 2^15
    let s = Stream::new(SEED, 7);
    for (d, dtype) in [
        (Dist::Uniform(-1.0, 2.0), 0),
        (Dist::Uniform(0.0, 1.0), 1),
        (Dist::Normal(0.0, 1.0), 0),
        (Dist::Normal(1.0, 3.0), 1),
        (Dist::Integers(-7, 100), 2),
        (Dist::Integers(i64::MIN, i64::MAX), 3),
        (Dist::Integers(0, 256), 4),
        (Dist::Bernoulli(0.3), 4),
    ] {
        let tier = *available_tiers().last().unwrap();
        let base = fill_any(exec(tier, 1), d, dtype, &shape, 0, s, 5);
        for threads in [2, 3, 8] {
            for kind in 0..3 {
                let got = fill_any(exec(tier, threads), d, dtype, &shape, kind, s, 5);
                assert!(got.iter().zip(&base).all(|(a, b)| a.to_bits() == b.to_bits()), "{d:?} {threads} threads layout {kind}");
            }
        }
        // The same values as three calls into a flat buffer at offsets 5, 5 + 1000, 5 + 1001.
        let n = base.len();
        let mut parts = Vec::new();
        for (from, to) in [(0, 1000), (1000, 1001), (1001, n)] {
            parts.extend(fill_any(exec(tier, 3), d, dtype, &[to - from], 0, s, 5 + from as u64));
        }
        assert!(parts.iter().zip(&base).all(|(a, b)| a.to_bits() == b.to_bits()), "{d:?} split calls");
    }
}

/// Φ(x) by erfc with Numerical Recipes' Chebyshev fit (fractional error
/// below 1.2e-7, far under the KS thresholds used here).
fn normal_cdf(x: f64) -> f64 {
    let z = x.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.26551223
        + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
    let erfc = t * poly.exp();
    if x >= 0.0 { 1.0 - 0.5 * erfc } else { 0.5 * erfc }
}

/// Kolmogorov–Smirnov statistic of `x` against `cdf`.
fn ks(mut x: Vec<f64>, cdf: impl Fn(f64) -> f64) -> f64 {
    x.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = x.len() as f64;
    x.iter().enumerate().map(|(i, &v)| (cdf(v) - i as f64 / n).abs().max(((i + 1) as f64 / n - cdf(v)).abs())).fold(0.0, f64::max)
}

fn moments(x: &[f64]) -> (f64, f64, f64, f64) {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let m = |p: i32| x.iter().map(|v| (v - mean).powi(p)).sum::<f64>() / n;
    let var = m(2);
    (mean, var, m(3) / var.powf(1.5), m(4) / (var * var))
}

/// Chi-square statistic of counts against equal expected counts.
fn chi2(counts: &[u64]) -> f64 {
    let total: u64 = counts.iter().sum();
    let e = total as f64 / counts.len() as f64;
    counts.iter().map(|&c| (c as f64 - e).powi(2) / e).sum()
}

const N: usize = 1 << 20;

#[test]
fn uniform_statistics() {
    let e = exec(*available_tiers().last().unwrap(), 2);
    for dtype in [0u8, 1] {
        let x = fill_any(e, Dist::Uniform(0.0, 1.0), dtype, &[N], 0, Stream::new(1, 0), 0);
        let (mean, var, skew, _) = moments(&x);
        let n = N as f64;
        assert!((mean - 0.5).abs() < 5.0 * (1.0 / 12.0 / n).sqrt(), "mean {mean}");
        assert!((var - 1.0 / 12.0).abs() < 5.0 * (1.0 / 180.0 / n).sqrt(), "var {var}");
        assert!(skew.abs() < 0.01, "skew {skew}");
        assert!(x.iter().all(|&v| (0.0..1.0).contains(&v)));
        // 0.1 % critical value of the KS statistic: 1.95 / sqrt(n).
        let d = ks(x, |v| v.clamp(0.0, 1.0));
        assert!(d < 1.95 / n.sqrt(), "KS {d}");
    }
}

#[test]
fn normal_statistics() {
    let e = exec(*available_tiers().last().unwrap(), 2);
    for dtype in [0u8, 1] {
        let x = fill_any(e, Dist::Normal(0.0, 1.0), dtype, &[N], 0, Stream::new(2, 0), 0);
        let (mean, var, skew, kurt) = moments(&x);
        let n = N as f64;
        assert!(mean.abs() < 5.0 / n.sqrt(), "mean {mean}");
        assert!((var - 1.0).abs() < 5.0 * (2.0 / n).sqrt(), "var {var}");
        assert!(skew.abs() < 5.0 * (6.0 / n).sqrt(), "skew {skew}");
        assert!((kurt - 3.0).abs() < 5.0 * (24.0 / n).sqrt(), "kurtosis {kurt}");
        let d = ks(x, normal_cdf);
        assert!(d < 1.95 / n.sqrt(), "KS {d}");
    }
    // normal(mean, std) is mean + std z of the same words.
    let z = fill_any(e, Dist::Normal(0.0, 1.0), 1, &[1000], 0, Stream::new(2, 0), 0);
    let y = fill_any(e, Dist::Normal(3.0, 0.5), 1, &[1000], 0, Stream::new(2, 0), 0);
    assert!(z.iter().zip(&y).all(|(z, y)| (3.0 + 0.5 * z - y).abs() < 1e-15 * 4.0));
}

#[test]
fn integer_and_bernoulli_statistics() {
    let e = exec(*available_tiers().last().unwrap(), 2);
    // 0.1 % critical values: 9 dof 27.88, 255 dof 330.5.
    let x = fill_any(e, Dist::Integers(-3, 7), 2, &[N], 0, Stream::new(3, 0), 0);
    let mut counts = [0u64; 10];
    x.iter().for_each(|&v| counts[(v + 3.0) as usize] += 1);
    assert!(chi2(&counts) < 27.88, "chi2 {} {counts:?}", chi2(&counts));
    let x = fill_any(e, Dist::Integers(0, 256), 4, &[N], 0, Stream::new(3, 1), 0);
    let mut counts = [0u64; 256];
    x.iter().for_each(|&v| counts[v as usize] += 1);
    assert!(chi2(&counts) < 330.5, "chi2 {}", chi2(&counts));
    // A range above 2^32 (four words per value), in ten buckets.
    let range = 3i64 << 40;
    let x = fill_any(e, Dist::Integers(-range, range), 3, &[N], 0, Stream::new(3, 2), 0);
    let mut counts = [0u64; 10];
    x.iter().for_each(|&v| counts[((v + range as f64) / (2 * range) as f64 * 10.0) as usize] += 1);
    assert!(chi2(&counts) < 27.88, "chi2 {} {counts:?}", chi2(&counts));
    for p in [0.0, 0.1, 0.5, 1.0] {
        let x = fill_any(e, Dist::Bernoulli(p), 4, &[N], 0, Stream::new(4, 0), 0);
        let mean = x.iter().sum::<f64>() / N as f64;
        assert!((mean - p).abs() <= 5.0 * (p * (1.0 - p) / N as f64).sqrt(), "bernoulli({p}) mean {mean}");
    }
}

/// Each position of a permutation of 5 is uniform over the 5 values
/// (60,000 permutations on distinct streams; 0.1 % critical value, 4 dof: 18.47).
#[test]
fn permutations_are_uniform_and_shuffle_agrees() {
    let e = exec(*available_tiers().last().unwrap(), 1);
    let mut counts = [[0u64; 5]; 5];
    let mut p = [0i64; 5];
    for t in 0..60_000 {
        e.permutation(&mut ArrayViewMut::from_slice(&mut p, &[5]).unwrap(), Stream::new(5, t)).unwrap();
        for (pos, &v) in p.iter().enumerate() {
            counts[pos][v as usize] += 1;
        }
    }
    for (pos, c) in counts.iter().enumerate() {
        assert!(chi2(c) < 18.47, "position {pos}: {c:?}");
    }
    // A permutation of 10^5 holds every index once (i32 and i64 agree).
    let n = 100_000;
    let (mut a, mut b) = (vec![0i64; n], vec![0i32; n]);
    e.permutation(&mut ArrayViewMut::from_slice(&mut a, &[n]).unwrap(), Stream::new(6, 0)).unwrap();
    e.permutation(&mut ArrayViewMut::from_slice(&mut b, &[n]).unwrap(), Stream::new(6, 0)).unwrap();
    assert!(a.iter().zip(&b).all(|(&x, &y)| x == y as i64));
    let mut sorted = a.clone();
    sorted.sort();
    assert!(sorted.iter().enumerate().all(|(i, &v)| v == i as i64));
    // shuffle along each axis of a (6, 5, 4) array = take by the permutation.
    let x0: Vec<f64> = (0..120).map(|i| i as f64).collect();
    for axis in 0..3usize {
        let shape = [6usize, 5, 4];
        let mut x = x0.clone();
        e.shuffle(&mut ArrayViewMut::from_slice(&mut x, &shape).unwrap(), axis as i64 - 3, Stream::new(7, 1)).unwrap();
        let mut perm = vec![0i64; shape[axis]];
        e.permutation(&mut ArrayViewMut::from_slice(&mut perm, &[shape[axis]]).unwrap(), Stream::new(7, 1)).unwrap();
        for i in 0..6 {
            for j in 0..5 {
                for k in 0..4 {
                    let mut src = [i, j, k];
                    src[axis] = perm[src[axis]] as usize;
                    assert_eq!(x[i * 20 + j * 4 + k], x0[src[0] * 20 + src[1] * 4 + src[2]], "axis {axis} at ({i},{j},{k})");
                }
            }
        }
    }
}


/// Every failure class: its status, its message, the output untouched.
#[test]
fn errors_leave_the_output_untouched() {
    let mut f = vec![-1.0f64; 12];
    let mut i = vec![-1i32; 12];
    let mut u = vec![7u8; 12];
    let fd = c_desc(f.as_mut_ptr() as *mut u8, 1, &[3, 4]);
    let id = c_desc(i.as_mut_ptr() as *mut u8, 2, &[3, 4]);
    let ud = c_desc(u.as_mut_ptr() as *mut u8, 4, &[12]);
    let mut twice = c_desc(f.as_mut_ptr() as *mut u8, 1, &[3, 4]);
    twice.strides = [0, 1, 0, 0, 0, 0, 0, 0];
    let cases: Vec<(i32, &str, Box<dyn Fn() -> i32>)> = vec![
        (NUMKERN_ERR_NULL_POINTER, "numkern_random_uniform", Box::new(|| unsafe { numkern_random_uniform(std::ptr::null(), 1, 0, 0, 0.0, 1.0) })),
        (NUMKERN_ERR_DTYPE, "numkern_random_uniform: out must be float32 or float64, got int32", Box::new(|| unsafe { numkern_random_uniform(&id, 1, 0, 0, 0.0, 1.0) })),
        (NUMKERN_ERR_INVALID_ARGUMENT, "low <= high", Box::new(|| unsafe { numkern_random_uniform(&fd, 1, 0, 0, 2.0, 1.0) })),
        (NUMKERN_ERR_INVALID_ARGUMENT, "high=inf", Box::new(|| unsafe { numkern_random_uniform(&fd, 1, 0, 0, 0.0, f64::INFINITY) })),
        (NUMKERN_ERR_INVALID_ARGUMENT, "would write one element twice", Box::new(|| unsafe { numkern_random_uniform(&twice, 1, 0, 0, 0.0, 1.0) })),
        (NUMKERN_ERR_INVALID_ARGUMENT, "scale=-1", Box::new(|| unsafe { numkern_random_normal(&fd, 1, 0, 0, 0.0, -1.0) })),
        (NUMKERN_ERR_DTYPE, "numkern_random_normal: out must be float32", Box::new(|| unsafe { numkern_random_normal(&ud, 1, 0, 0, 0.0, 1.0) })),
        (NUMKERN_ERR_INVALID_ARGUMENT, "low >= high", Box::new(|| unsafe { numkern_random_integers(&id, 1, 0, 0, 5, 5) })),
        (NUMKERN_ERR_INVALID_ARGUMENT, "high 257 is out of bounds for uint8", Box::new(|| unsafe { numkern_random_integers(&ud, 1, 0, 0, 0, 257) })),
        (NUMKERN_ERR_INVALID_ARGUMENT, "low -2147483649 is out of bounds for int32", Box::new(|| unsafe { numkern_random_integers(&id, 1, 0, 0, -2147483649, 0) })),
        (NUMKERN_ERR_DTYPE, "out must be int32, int64 or uint8, got float64", Box::new(|| unsafe { numkern_random_integers(&fd, 1, 0, 0, 0, 5) })),
        (NUMKERN_ERR_INVALID_ARGUMENT, "p < 0, p > 1 or p is nan", Box::new(|| unsafe { numkern_random_bernoulli(&ud, 1, 0, 0, f64::NAN) })),
        (NUMKERN_ERR_DTYPE, "out must be uint8, got float64", Box::new(|| unsafe { numkern_random_bernoulli(&fd, 1, 0, 0, 0.5) })),
        (NUMKERN_ERR_SHAPE_MISMATCH, "out must be 1-D, got shape (3,4)", Box::new(|| unsafe { numkern_random_permutation(&id, 1, 0) })),
        (NUMKERN_ERR_DTYPE, "out must be int32 or int64, got uint8", Box::new(|| unsafe { numkern_random_permutation(&ud, 1, 0) })),
        (NUMKERN_ERR_AXIS, "axis 2 is out of bounds for array of dimension 2", Box::new(|| unsafe { numkern_random_shuffle(&fd, 2, 1, 0) })),
        (NUMKERN_ERR_INVALID_ARGUMENT, "would write one element twice", Box::new(|| unsafe { numkern_random_shuffle(&twice, 0, 1, 0) })),
    ];
    for (status, msg, call) in cases {
        assert_eq!(call(), status, "{msg}");
        let got = numkern::error::last_error_message();
        assert!(got.contains(msg), "message {got:?} lacks {msg:?}");
        assert!(f.iter().all(|&v| v == -1.0) && i.iter().all(|&v| v == -1) && u.iter().all(|&v| v == 7), "{msg}: output touched");
    }
}
