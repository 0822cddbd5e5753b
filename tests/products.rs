//! dot, GEMV and matmul on every tier, against references computed in f64
//! (the dot's against an exactly summed one), over strided, reversed and
//! broadcast operands, with NumPy's `@` shape rules.

mod common;
use common::{exec, indices, random_layout, tiers, Rng};
use numkern::kernels::KernelFloat;
use numkern::ops::{matmul_shape, Exec};
use numkern::{ArrayView, ArrayViewMut, DType, ErrorKind, RawArray, Real};
use proptest::prelude::*;

fn eps<T: KernelFloat>() -> f64 {
    if std::mem::size_of::<T>() == 4 {
        f32::EPSILON as f64
    } else {
        f64::EPSILON
    }
}

/// A random array of `shape` in a random layout: (buffer, offset, strides).
struct Arr<T> {
    data: Vec<T>,
    offset: usize,
    strides: Vec<isize>,
    shape: Vec<usize>,
}

impl<T: Real> Arr<T> {
    fn random(rng: &mut Rng, shape: &[usize], fill: Option<T>) -> Arr<T> {
        let (len, offset, strides) = random_layout(rng, shape);
        let data = (0..len).map(|_| fill.unwrap_or_else(|| T::from_f64(rng.unit() * 2.0 - 1.0))).collect();
        Arr { data, offset, strides, shape: shape.to_vec() }
    }
    fn at(&self, idx: &[usize]) -> T {
        self.data[self.pos(idx)]
    }
    fn pos(&self, idx: &[usize]) -> usize {
        (self.offset as isize + idx.iter().zip(&self.strides).map(|(&i, &s)| i as isize * s).sum::<isize>()) as usize
    }
    fn view(&self) -> ArrayView<'_, T> {
        ArrayView::from_slice_strided(&self.data, self.offset, &self.shape, &self.strides).unwrap()
    }
    fn view_mut(&mut self) -> ArrayViewMut<'_, T> {
        ArrayViewMut::from_slice_strided(&mut self.data, self.offset, &self.shape, &self.strides).unwrap()
    }
    /// Buffer positions outside the array's elements hold what `before` held.
    fn untouched_outside(&self, before: &Arr<T>) -> bool {
        let mut inside = vec![false; self.data.len()];
        for idx in indices(&self.shape) {
            inside[self.pos(&idx)] = true;
        }
        self.data.iter().zip(&before.data).enumerate().all(|(i, (x, y))| inside[i] || x.to_f64().to_bits() == y.to_f64().to_bits())
    }
}

/// sum x_i y_i exactly enough to judge a result: products split exactly
/// (TwoProduct by FMA) and summed with Neumaier's compensation.
fn exact_dot(pairs: impl Iterator<Item = (f64, f64)>) -> (f64, f64) {
    let (mut s, mut c, mut mag) = (0.0f64, 0.0f64, 0.0f64);
    let mut add = |v: f64| {
        let t = s + v;
        c += if s.abs() >= v.abs() { (s - t) + v } else { (v - t) + s };
        s = t;
    };
    for (x, y) in pairs {
        let p = x * y;
        add(p);
        add(x.mul_add(y, -p));
        mag += p.abs();
    }
    (s + c, mag)
}

fn check_dot<T: KernelFloat>(seed: u64, ex: Exec) -> Result<(), TestCaseError> {
    let mut rng = Rng(seed | 1);
    let lens = [0usize, 1, 2, 7, 15, 16, 17, 31, 33, 63, 64, 65, 129, 1023, 1024, 1025, 3001, 70_001];
    let n = lens[(rng.next_u64() % lens.len() as u64) as usize];
    let strides = [1isize, 1, 1, 2, -1, -3, 0];
    let operand = |rng: &mut Rng| {
        let s = strides[(rng.next_u64() % strides.len() as u64) as usize];
        // Contiguous runs start anywhere in a cache line (the kernel peels
        // to aligned loads).
        let skip = if s == 1 { (rng.next_u64() % 16) as usize } else { 0 };
        let len = skip + if n == 0 { 1 } else { (n - 1) * s.unsigned_abs() + 1 };
        // Half the cases spread magnitudes over 2^-20..2^20 (cancellation).
        let wide = rng.next_u64() % 2 == 0;
        let data: Vec<T> = (0..len).map(|_| T::from_f64(if wide { rng.log_uniform(-20.0, 20.0) } else { rng.unit() * 2.0 - 1.0 })).collect();
        let offset = if s < 0 { len - 1 } else { skip };
        (data, offset, s)
    };
    let (x, y) = (operand(&mut rng), operand(&mut rng));
    let xv = ArrayView::from_slice_strided(&x.0, x.1, &[n], &[x.2]).unwrap();
    let yv = ArrayView::from_slice_strided(&y.0, y.1, &[n], &[y.2]).unwrap();
    let got = ex.dot(&xv, &yv).unwrap().to_f64();
    let el = |v: &(Vec<T>, usize, isize), i: usize| v.0[(v.1 as isize + i as isize * v.2) as usize].to_f64();
    let (exact, mag) = exact_dot((0..n).map(|i| (el(&x, i), el(&y, i))));
    // f64 sums of depth min(n, 1024)/8 + a few tree levels, then (f32) one
    // rounding of the result.
    let depth = (n.min(1024) / 8 + 16 + (usize::BITS - n.div_ceil(1024).leading_zeros()) as usize) as f64;
    let rounding = if std::mem::size_of::<T>() == 4 { 0.5 * f32::EPSILON as f64 * exact.abs() } else { 0.0 };
    let bound = rounding + depth * f64::EPSILON / 2.0 * mag + f64::MIN_POSITIVE;
    prop_assert!((got - exact).abs() <= bound, "{:?} n {n} strides {} {}: {got} vs {exact} (bound {bound})", ex.0.tier, x.2, y.2);
    Ok(())
}

/// A random alpha and beta; beta = 0 comes with a NaN-filled output.
fn alpha_beta(rng: &mut Rng) -> (f64, f64) {
    ([1.0, -0.5, 2.5, 0.0][(rng.next_u64() % 4) as usize], [0.0, 1.0, -1.5][(rng.next_u64() % 3) as usize])
}

fn check_gemv<T: KernelFloat>(seed: u64, ex: Exec) -> Result<(), TestCaseError> {
    let mut rng = Rng(seed | 1);
    // 300: long enough rows for the row kernel's peel to an aligned start.
    let sizes = [0usize, 1, 2, 3, 4, 5, 15, 16, 17, 33, 64, 100, 130, 300];
    let pick = |rng: &mut Rng| sizes[(rng.next_u64() % sizes.len() as u64) as usize];
    let (m, n) = (pick(&mut rng), pick(&mut rng));
    let (alpha, beta) = alpha_beta(&mut rng);
    let a = Arr::<T>::random(&mut rng, &[m, n], None);
    let x = Arr::<T>::random(&mut rng, &[n], None);
    let mut y = Arr::<T>::random(&mut rng, &[m], (beta == 0.0).then(|| T::from_f64(f64::NAN)));
    let y0 = Arr { data: y.data.clone(), offset: y.offset, strides: y.strides.clone(), shape: y.shape.clone() };
    ex.gemv(T::from_f64(alpha), &a.view(), &x.view(), T::from_f64(beta), &mut y.view_mut()).unwrap();
    for i in 0..m {
        let (mut exact, mut mag) = (0.0, 0.0);
        for j in 0..n {
            let p = a.at(&[i, j]).to_f64() * x.at(&[j]).to_f64();
            exact += p;
            mag += p.abs();
        }
        let old = if beta == 0.0 { 0.0 } else { y0.at(&[i]).to_f64() };
        let reference = alpha * exact + beta * old;
        let bound = (n as f64 + 2.0) * eps::<T>() * (alpha.abs() * mag + (beta * old).abs()) + f64::MIN_POSITIVE;
        let got = y.at(&[i]).to_f64();
        prop_assert!((got - reference).abs() <= bound, "{:?} {m}x{n} alpha {alpha} beta {beta} row {i}: {got} vs {reference}", ex.0.tier);
    }
    prop_assert!(y.untouched_outside(&y0), "gemv wrote outside y");
    Ok(())
}

/// Random `@` operands: ranks 1..=4, batch dimensions that broadcast
/// (some 1, some missing), inner sizes around 1 and the register tiles.
fn check_matmul<T: KernelFloat>(seed: u64, ex: Exec) -> Result<(), TestCaseError> {
    let mut rng = Rng(seed | 1);
    let sizes = [0usize, 1, 2, 3, 7, 17, 33];
    let pick = |rng: &mut Rng, v: &[usize]| v[(rng.next_u64() % v.len() as u64) as usize];
    let (m, k, n) = (pick(&mut rng, &sizes[1..]), pick(&mut rng, &sizes), pick(&mut rng, &sizes[1..]));
    let batch: Vec<usize> = (0..rng.next_u64() % 3).map(|_| pick(&mut rng, &[1, 2, 3])).collect();
    let operand_shape = |rng: &mut Rng, core: Vec<usize>, vector: bool| -> Vec<usize> {
        if vector {
            return vec![core[0]];
        }
        let keep = (rng.next_u64() % (batch.len() as u64 + 1)) as usize;
        let mut s: Vec<usize> = batch[batch.len() - keep..].iter().map(|&d| if rng.next_u64() % 3 == 0 { 1 } else { d }).collect();
        s.extend(core);
        s
    };
    let (a_vec, b_vec) = (rng.next_u64() % 5 == 0, rng.next_u64() % 5 == 0);
    let a_shape = operand_shape(&mut rng, if a_vec { vec![k] } else { vec![m, k] }, a_vec);
    let b_shape = operand_shape(&mut rng, if b_vec { vec![k] } else { vec![k, n] }, b_vec);
    let out_shape = matmul_shape(&a_shape, &b_shape).unwrap();
    let a = Arr::<T>::random(&mut rng, &a_shape, None);
    let b = Arr::<T>::random(&mut rng, &b_shape, None);
    let mut c = Arr::<T>::random(&mut rng, &out_shape, Some(T::from_f64(f64::NAN)));
    let c0 = Arr { data: c.data.clone(), offset: c.offset, strides: c.strides.clone(), shape: c.shape.clone() };
    ex.matmul(&a.view(), &b.view(), &mut c.view_mut()).unwrap();
    // Index of an operand's element (i, p) or (p, j) inside out index `idx`.
    let batch_nd = out_shape.len() - (!a_vec as usize) - (!b_vec as usize);
    let operand_idx = |shape: &[usize], idx: &[usize], core: &[usize]| -> Vec<usize> {
        let nb = shape.len() - core.len();
        let lead = batch_nd - nb;
        let mut v: Vec<usize> = (0..nb).map(|d| if shape[d] == 1 { 0 } else { idx[lead + d] }).collect();
        v.extend_from_slice(core);
        v
    };
    for idx in indices(&out_shape) {
        let i = if a_vec { 0 } else { idx[batch_nd] };
        let j = if b_vec { 0 } else { idx[out_shape.len() - 1] };
        let (mut exact, mut mag) = (0.0, 0.0);
        for p in 0..k {
            let av = a.at(&operand_idx(&a_shape, &idx, &if a_vec { vec![p] } else { vec![i, p] })).to_f64();
            let bv = b.at(&operand_idx(&b_shape, &idx, &if b_vec { vec![p] } else { vec![p, j] })).to_f64();
            exact += av * bv;
            mag += (av * bv).abs();
        }
        let bound = (k as f64 + 2.0) * eps::<T>() * mag + f64::MIN_POSITIVE;
        let got = c.at(&idx).to_f64();
        prop_assert!(
            (got - exact).abs() <= bound,
            "{:?} {a_shape:?} @ {b_shape:?} at {idx:?}: {got} vs {exact} (bound {bound})",
            ex.0.tier
        );
    }
    prop_assert!(c.untouched_outside(&c0), "matmul wrote outside out");
    Ok(())
}

/// axpy rounds each element once: exactly `alpha.mul_add(x, y)` in T.
fn check_axpy<T: KernelFloat + AxpyRef>(seed: u64, ex: Exec) -> Result<(), TestCaseError> {
    let mut rng = Rng(seed | 1);
    let lens = [0usize, 1, 5, 16, 17, 33, 1023, 1025, 2100];
    let n = lens[(rng.next_u64() % lens.len() as u64) as usize];
    let alpha = T::from_f64(rng.log_uniform(-3.0, 3.0));
    let x = Arr::<T>::random(&mut rng, &[n], None);
    let mut y = Arr::<T>::random(&mut rng, &[n], None);
    let y0 = Arr { data: y.data.clone(), offset: y.offset, strides: y.strides.clone(), shape: y.shape.clone() };
    ex.axpy(alpha, &x.view(), &mut y.view_mut()).unwrap();
    for i in 0..n {
        let want = T::fma(alpha, x.at(&[i]), y0.at(&[i]));
        prop_assert!(y.at(&[i]).to_f64().to_bits() == want.to_f64().to_bits(), "{:?} n {n} at {i}", ex.0.tier);
    }
    prop_assert!(y.untouched_outside(&y0), "axpy wrote outside y");
    Ok(())
}

trait AxpyRef: Sized {
    fn fma(a: Self, x: Self, y: Self) -> Self;
}
impl AxpyRef for f32 {
    fn fma(a: f32, x: f32, y: f32) -> f32 {
        a.mul_add(x, y)
    }
}
impl AxpyRef for f64 {
    fn fma(a: f64, x: f64, y: f64) -> f64 {
        a.mul_add(x, y)
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(256), ..ProptestConfig::default() })]
    #[test]
    fn dot_f32_is_accurate(seed in any::<u64>()) {
        for e in tiers() { check_dot::<f32>(seed, e)?; }
    }
    #[test]
    fn dot_f64_is_accurate(seed in any::<u64>()) {
        for e in tiers() { check_dot::<f64>(seed, e)?; }
    }
    #[test]
    fn gemv_f32_matches_reference(seed in any::<u64>()) {
        for e in tiers() { check_gemv::<f32>(seed, e)?; }
    }
    #[test]
    fn gemv_f64_matches_reference(seed in any::<u64>()) {
        for e in tiers() { check_gemv::<f64>(seed, e)?; }
    }
    #[test]
    fn axpy_rounds_once(seed in any::<u64>()) {
        for e in tiers() { check_axpy::<f32>(seed, e)?; check_axpy::<f64>(seed, e)?; }
    }
    #[test]
    fn matmul_f32_matches_reference(seed in any::<u64>()) {
        for e in tiers() { check_matmul::<f32>(seed, e)?; }
    }
    #[test]
    fn matmul_f64_matches_reference(seed in any::<u64>()) {
        for e in tiers() { check_matmul::<f64>(seed, e)?; }
    }
}

/// NumPy's `@` shapes: promotion and demotion of 1-D operands, broadcast
/// batch dimensions, and its messages.
#[test]
fn matmul_shapes_follow_numpy() {
    assert_eq!(matmul_shape(&[4], &[4]).unwrap(), Vec::<usize>::new());
    assert_eq!(matmul_shape(&[4], &[4, 3]).unwrap(), vec![3]);
    assert_eq!(matmul_shape(&[2, 4], &[4]).unwrap(), vec![2]);
    assert_eq!(matmul_shape(&[2, 1, 3, 4], &[5, 4, 2]).unwrap(), vec![2, 5, 3, 2]);
    assert_eq!(matmul_shape(&[7, 3, 4], &[4]).unwrap(), vec![7, 3]);
    assert_eq!(matmul_shape(&[4], &[7, 4, 2]).unwrap(), vec![7, 2]);
    assert_eq!(matmul_shape(&[0, 3, 4], &[4, 0]).unwrap(), vec![0, 3, 0]);
    let e = matmul_shape(&[2, 4], &[3, 5]).unwrap_err();
    assert_eq!(e.kind, ErrorKind::ShapeMismatch);
    assert!(e.message.contains("(size 3 is different from 4): shapes (2,4) and (3,5)"), "{}", e.message);
    let e = matmul_shape(&[], &[3]).unwrap_err();
    assert!(e.message.contains("Input operand 0 does not have enough dimensions"), "{}", e.message);
    let e = matmul_shape(&[2, 3, 4], &[5, 4, 2]).unwrap_err();
    assert!(e.message.contains("batch dimensions could not be broadcast together with shapes (2,3,4) (5,4,2)"), "{}", e.message);
}

/// Large enough to run on several threads: the same bits for any count.
#[test]
fn products_bitwise_identical_across_threads() {
    let mut rng = Rng(7);
    let (m, n) = (700, 900);
    let a: Vec<f32> = (0..m * n).map(|_| rng.unit() as f32 - 0.5).collect();
    let x: Vec<f32> = (0..300_000).map(|_| rng.unit() as f32 - 0.5).collect();
    for e in tiers() {
        let mut results = Vec::new();
        for threads in [1, 2, 3, 8] {
            let ex = exec(e.0.tier, threads);
            let dot = ex.dot(&ArrayView::from_slice(&x, &[300_000]).unwrap(), &ArrayView::from_slice_strided(&x, 299_999, &[300_000], &[-1]).unwrap()).unwrap();
            let mut ys = Vec::new();
            // Row-major A, then its transpose (column-major).
            for (shape, strides, xlen) in [([m, n], [n as isize, 1], n), ([n, m], [1, n as isize], m)] {
                let av = ArrayView::from_slice_strided(&a, 0, &shape, &strides).unwrap();
                let mut y = vec![0f32; shape[0]];
                ex.gemv(1.0, &av, &ArrayView::from_slice(&x[..xlen], &[xlen]).unwrap(), 0.0, &mut ArrayViewMut::from_slice(&mut y, &[shape[0]]).unwrap())
                    .unwrap();
                ys.push(y);
            }
            // A batched matmul that spreads its batches over the threads.
            let mut c = vec![0f32; 64 * 20 * 20];
            let bv = ArrayView::from_slice(&a[..64 * 20 * 30], &[64, 20, 30]).unwrap();
            let wv = ArrayView::from_slice(&x[..30 * 20], &[30, 20]).unwrap();
            ex.matmul(&bv, &wv, &mut ArrayViewMut::from_slice(&mut c, &[64, 20, 20]).unwrap()).unwrap();
            results.push((dot.to_bits(), ys, c));
        }
        for r in &results[1..] {
            assert_eq!(r.0, results[0].0, "{:?}: dot differs across thread counts", e.0.tier);
            for (y, y0) in r.1.iter().zip(&results[0].1) {
                assert!(y.iter().zip(y0).all(|(p, q)| p.to_bits() == q.to_bits()), "{:?}: gemv differs", e.0.tier);
            }
            assert!(r.2.iter().zip(&results[0].2).all(|(p, q)| p.to_bits() == q.to_bits()), "{:?}: matmul differs", e.0.tier);
        }
    }
}

/// A dot's bits do not depend on where its operands sit in memory: the
/// same values at every offset in a cache line (and x and y at different
/// ones) give the same result, on every tier, f32 and f64.
#[test]
fn dot_does_not_depend_on_alignment() {
    fn check<T: KernelFloat>() {
        let mut rng = Rng(11);
        for n in [255, 256, 300, 1000, 1024, 1025, 5000] {
            let (x, y): (Vec<f64>, Vec<f64>) = (0..n).map(|_| (rng.log_uniform(-20.0, 20.0), rng.unit() * 2.0 - 1.0)).unzip();
            // Each operand copied to start `skip` elements into a buffer.
            let placed = |v: &[f64], skip: usize| -> Vec<T> { (0..skip).map(|_| T::from_f64(0.0)).chain(v.iter().map(|&e| T::from_f64(e))).collect() };
            for e in tiers() {
                let mut first = None;
                for (sx, sy) in (0..16).map(|k| (k, (k * 5) % 16)) {
                    let (xb, yb) = (placed(&x, sx), placed(&y, sy));
                    let xv = ArrayView::from_slice_strided(&xb, sx, &[n], &[1]).unwrap();
                    let yv = ArrayView::from_slice_strided(&yb, sy, &[n], &[1]).unwrap();
                    let got = e.dot(&xv, &yv).unwrap().to_f64().to_bits();
                    assert_eq!(got, *first.get_or_insert(got), "{:?} n {n}: offsets {sx} {sy} change the dot", e.0.tier);
                }
            }
        }
    }
    check::<f32>();
    check::<f64>();
}

/// Likewise GEMV along rows: a row-major A and x at every offset in a
/// cache line give the same bits.
#[test]
fn gemv_does_not_depend_on_alignment() {
    fn check<T: KernelFloat>() {
        let mut rng = Rng(13);
        let (m, n) = (9, 300);
        let a: Vec<f64> = (0..m * n).map(|_| rng.log_uniform(-20.0, 20.0)).collect();
        let x: Vec<f64> = (0..n).map(|_| rng.unit() * 2.0 - 1.0).collect();
        let placed = |v: &[f64], skip: usize| -> Vec<T> { (0..skip).map(|_| T::from_f64(0.0)).chain(v.iter().map(|&e| T::from_f64(e))).collect() };
        for e in tiers() {
            let mut first: Option<Vec<u64>> = None;
            for (sa, sx) in (0..16).map(|k| (k, (k * 7) % 16)) {
                let (ab, xb) = (placed(&a, sa), placed(&x, sx));
                let av = ArrayView::from_slice_strided(&ab, sa, &[m, n], &[n as isize, 1]).unwrap();
                let xv = ArrayView::from_slice_strided(&xb, sx, &[n], &[1]).unwrap();
                let mut y = vec![T::from_f64(0.0); m];
                e.gemv(T::from_f64(1.0), &av, &xv, T::from_f64(0.0), &mut ArrayViewMut::from_slice(&mut y, &[m]).unwrap()).unwrap();
                let bits: Vec<u64> = y.iter().map(|v| v.to_f64().to_bits()).collect();
                assert_eq!(&bits, first.get_or_insert_with(|| bits.clone()), "{:?}: offsets {sa} {sx} change the gemv", e.0.tier);
            }
        }
    }
    check::<f32>();
    check::<f64>();
}

/// An f32 dot summed in f64 keeps what an f32 running sum loses.
#[test]
fn f32_dot_accumulates_in_f64() {
    // 1 + 2^-24 * 2^24 terms of 1: an f32 running sum stalls at 2^24.
    let n = (1 << 24) + 8;
    let x = vec![1f32; n];
    let got = Exec::current().dot(&ArrayView::from_slice(&x, &[n]).unwrap(), &ArrayView::from_slice(&x, &[n]).unwrap()).unwrap();
    assert_eq!(got, n as f32);
    // Cancellation: 1e8 + 1 - 1e8 in the products.
    let (a, b) = (vec![1e4f32, 1.0, -1e4], vec![1e4f32, 1.0, 1e4]);
    assert_eq!(Exec::current().dot(&ArrayView::from_slice(&a, &[3]).unwrap(), &ArrayView::from_slice(&b, &[3]).unwrap()).unwrap(), 1.0);
}

/// Every failure class of dot, gemv and matmul (out of memory too): a
/// clear status and message, and the output untouched.
#[test]
fn product_errors_leave_output_untouched() {
    let ex = Exec::current();
    let v = vec![1f32; 12];
    let mut out = vec![7f32; 12];
    let expect = |r: numkern::Result<()>, kind: ErrorKind, needle: &str| {
        let e = r.expect_err("must fail");
        assert_eq!(e.kind, kind, "{}", e.message);
        assert!(e.message.contains(needle), "{:?} lacks {needle:?}", e.message);
    };
    let view = |shape: &[usize]| ArrayView::from_slice(&v[..shape.iter().product()], shape).unwrap();
    let raw_out = |out: &mut Vec<f32>, shape: &[usize], strides: &[isize]| RawArray::new(out.as_mut_ptr() as *mut u8, DType::F32, shape, strides, "out").unwrap();
    unsafe {
        // dot: lengths differ, not 1-D, output not 0-d.
        expect(numkern::ops::dot_raw(ex, view(&[3]).raw(), view(&[4]).raw(), &raw_out(&mut out, &[], &[])), ErrorKind::ShapeMismatch, "(3,) and (4,) not aligned");
        expect(numkern::ops::dot_raw(ex, view(&[3, 4]).raw(), view(&[12]).raw(), &raw_out(&mut out, &[], &[])), ErrorKind::ShapeMismatch, "1-D");
        expect(numkern::ops::dot_raw(ex, view(&[3]).raw(), view(&[3]).raw(), &raw_out(&mut out, &[1], &[1])), ErrorKind::ShapeMismatch, "0-d");
        // gemv: x of the wrong length, y of the wrong length, y writing twice.
        expect(numkern::ops::gemv_raw(ex, 1.0, view(&[3, 4]).raw(), view(&[3]).raw(), 0.0, &raw_out(&mut out, &[3], &[1])), ErrorKind::ShapeMismatch, "(size 3 is different from 4)");
        expect(numkern::ops::gemv_raw(ex, 1.0, view(&[3, 4]).raw(), view(&[4]).raw(), 0.0, &raw_out(&mut out, &[4], &[1])), ErrorKind::ShapeMismatch, "output has shape (4,)");
        expect(numkern::ops::gemv_raw(ex, 1.0, view(&[3, 4]).raw(), view(&[4]).raw(), 0.0, &raw_out(&mut out, &[3], &[0])), ErrorKind::InvalidArgument, "twice");
        // matmul: 0-d, mismatch naming both shapes, batch, output shape, output writing twice.
        expect(numkern::ops::matmul_raw(ex, view(&[]).raw(), view(&[3]).raw(), &raw_out(&mut out, &[3], &[1])), ErrorKind::ShapeMismatch, "does not have enough dimensions");
        expect(numkern::ops::matmul_raw(ex, view(&[2, 3]).raw(), view(&[2, 3]).raw(), &raw_out(&mut out, &[2, 3], &[3, 1])), ErrorKind::ShapeMismatch, "shapes (2,3) and (2,3)");
        expect(numkern::ops::matmul_raw(ex, view(&[2, 1, 2]).raw(), view(&[3, 2, 1]).raw(), &raw_out(&mut out, &[3, 1, 1], &[1, 1, 1])), ErrorKind::ShapeMismatch, "batch dimensions");
        expect(numkern::ops::matmul_raw(ex, view(&[2, 3]).raw(), view(&[3, 2]).raw(), &raw_out(&mut out, &[2, 3], &[3, 1])), ErrorKind::ShapeMismatch, "output has shape (2,3)");
        expect(numkern::ops::matmul_raw(ex, view(&[2, 3]).raw(), view(&[3, 2]).raw(), &raw_out(&mut out, &[2, 2], &[0, 1])), ErrorKind::InvalidArgument, "twice");
        // axpy: lengths differ, not 1-D, y writing twice.
        expect(numkern::ops::axpy_raw(ex, 2.0, view(&[3]).raw(), &raw_out(&mut out, &[4], &[1])), ErrorKind::ShapeMismatch, "(3,) (4,)");
        expect(numkern::ops::axpy_raw(ex, 2.0, view(&[2, 2]).raw(), &raw_out(&mut out, &[2, 2], &[2, 1])), ErrorKind::ShapeMismatch, "1-D");
        expect(numkern::ops::axpy_raw(ex, 2.0, view(&[3]).raw(), &raw_out(&mut out, &[3], &[0])), ErrorKind::InvalidArgument, "twice");
        // Mixed dtypes.
        let w = vec![1f64; 6];
        let wv = ArrayView::from_slice(&w, &[3, 2]).unwrap();
        expect(numkern::ops::matmul_raw(ex, view(&[2, 3]).raw(), wv.raw(), &raw_out(&mut out, &[2, 2], &[2, 1])), ErrorKind::Dtype, "float64");
        // Out of memory: a (1, 2^50) broadcast of the output's own element
        // must be copied before the output is written, and 4 PiB cannot be.
        let huge = 1usize << 50;
        let a = RawArray::new(out.as_mut_ptr() as *mut u8, DType::F32, &[1, huge], &[0, 0], "a").unwrap();
        let b = RawArray::new(v.as_ptr() as *mut u8, DType::F32, &[huge, 1], &[0, 0], "b").unwrap();
        expect(numkern::ops::matmul_raw(ex, &a, &b, &raw_out(&mut out, &[1, 1], &[1, 1])), ErrorKind::OutOfMemory, "could not allocate");
    }
    assert!(out.iter().all(|&x| x == 7.0), "output written on error");
}

/// axpy with x the very same view as y (y = 3 y), and x overlapping y
/// shifted by one (read from a copy).
#[test]
fn axpy_in_place_and_overlapping() {
    let mut y: Vec<f64> = (0..10).map(|i| i as f64).collect();
    let raw = *ArrayViewMut::from_slice(&mut y, &[10]).unwrap().raw();
    unsafe { numkern::ops::axpy_raw(Exec::current(), 2.0, &raw, &raw) }.unwrap();
    assert_eq!(y, (0..10).map(|i| 3.0 * i as f64).collect::<Vec<_>>());
    let mut y: Vec<f64> = (0..10).map(|i| i as f64).collect();
    let base = y.as_mut_ptr() as *mut u8;
    let x = RawArray::new(base, DType::F64, &[9], &[1], "x").unwrap();
    let yv = RawArray::new(unsafe { base.add(8) }, DType::F64, &[9], &[1], "y").unwrap();
    unsafe { numkern::ops::axpy_raw(Exec::current(), 1.0, &x, &yv) }.unwrap();
    assert_eq!(y, [0.0, 1.0, 3.0, 5.0, 7.0, 9.0, 11.0, 13.0, 15.0, 17.0]);
}

/// `x = x @ w` with x the output too reads x through a copy.
#[test]
fn matmul_output_overlapping_input_reads_a_copy() {
    let mut x: Vec<f64> = (0..12).map(|i| i as f64).collect();
    let w: Vec<f64> = (0..16).map(|i| ((i * 5) % 7) as f64 - 3.0).collect();
    let x0 = x.clone();
    let raw = *ArrayViewMut::from_slice(&mut x, &[3, 4]).unwrap().raw();
    let wv = ArrayView::from_slice(&w, &[4, 4]).unwrap();
    unsafe { numkern::ops::matmul_raw(Exec::current(), &raw, wv.raw(), &raw) }.unwrap();
    for i in 0..3 {
        for j in 0..4 {
            let want: f64 = (0..4).map(|p| x0[i * 4 + p] * w[p * 4 + j]).sum();
            assert_eq!(x[i * 4 + j], want);
        }
    }
}
