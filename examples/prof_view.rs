use numkern::ArrayViewMut;
fn main() {
    let n = 1000;
    let mut c = vec![0f32; n];
    let t = std::time::Instant::now();
    for _ in 0..20_000_000 { let o = ArrayViewMut::from_slice(&mut c, &[n]).unwrap(); std::hint::black_box(&o); }
    println!("{:.1} ns", t.elapsed().as_nanos() as f64 / 2e7);
}
