use numkern::kernels::{self, BinaryOp};
use numkern::ops::Exec;
use numkern::{ArrayView, ArrayViewMut, Ctx, Tier};
fn time(name: &str, mut f: impl FnMut()) {
    let iters = 2_000_000;
    for _ in 0..1000 { f(); }
    let t = std::time::Instant::now();
    for _ in 0..iters { f(); }
    println!("{name:40} {:.1} ns/call", t.elapsed().as_nanos() as f64 / iters as f64);
}
fn main() {
    let n: usize = std::env::args().nth(1).map(|s| s.parse().unwrap()).unwrap_or(1000);
    let a = vec![1f32; n];
    let b = vec![2f32; n];
    let mut c = vec![0f32; n];
    let e = Exec(Ctx { tier: Tier::Avx512, threads: 1 });
    let k = kernels::binary_fn::<f32>(Tier::Avx512, BinaryOp::Add);
    time("kernel", || unsafe { k(n, a.as_ptr(), 1, b.as_ptr(), 1, c.as_mut_ptr(), 1); std::hint::black_box(&c); });
    time("plain loop", || { for ((c, &a), &b) in c.iter_mut().zip(&a).zip(&b) { *c = a + b; } std::hint::black_box(&c); });
    let x = ArrayView::from_slice(&a, &[n]).unwrap();
    let y = ArrayView::from_slice(&b, &[n]).unwrap();
    time("out view", || { let o = ArrayViewMut::from_slice(&mut c, &[n]).unwrap(); std::hint::black_box(&o); });
    time("out view + binary", || { let mut o = ArrayViewMut::from_slice(&mut c, &[n]).unwrap(); e.binary(BinaryOp::Add, &x, &y, &mut o).unwrap(); std::hint::black_box(&o); });
}
