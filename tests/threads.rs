//! The thread pool's bounds (issue 19): NUMKERN_NUM_THREADS is capped like
//! the setter, the live pool threads follow the largest count in use (not
//! the history of settings), and a child forked after a parallel call
//! computes correctly. One test per process step: this file's tests share
//! the process-wide thread setting, so they run in one test function.

use numkern::dtype::NUMKERN_F32;
use numkern::error::NUMKERN_OK;
use numkern::ffi::*;
use numkern::framework::array::numkern_array;
use numkern::framework::threads::{pool_workers, threads_from_env};

fn live_threads() -> usize {
    std::fs::read_dir("/proc/self/task").map(|d| d.count()).unwrap_or(0)
}

fn matrix(data: &mut [f32], n: i64) -> numkern_array {
    let mut d = numkern_array { data: data.as_mut_ptr() as *mut _, dtype: NUMKERN_F32, ndim: 2, shape: [0; 8], strides: [0; 8] };
    d.shape[..2].copy_from_slice(&[n, n]);
    d.strides[..2].copy_from_slice(&[n, 1]);
    d
}

/// A product large enough to spread over the pool; its result's bits.
fn product_bits(n: usize) -> Vec<u32> {
    let mut a: Vec<f32> = (0..n * n).map(|i| ((i * 7919) % 1000) as f32 / 997.0 - 0.5).collect();
    let mut b: Vec<f32> = (0..n * n).map(|i| ((i * 104729) % 1000) as f32 / 991.0 - 0.5).collect();
    let mut c = vec![0f32; n * n];
    let (da, db, dc) = (matrix(&mut a, n as i64), matrix(&mut b, n as i64), matrix(&mut c, n as i64));
    assert_eq!(unsafe { numkern_gemm(1.0, &da, &db, 0.0, &dc) }, NUMKERN_OK);
    c.iter().map(|v| v.to_bits()).collect()
}

#[test]
fn pool_threads_are_bounded_and_survive_fork() {
    // The environment variable is capped as the setter is.
    assert_eq!(threads_from_env(Some("100000")), NUMKERN_MAX_THREADS as usize);
    assert_eq!(threads_from_env(Some(" 3 ")), 3);
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    for v in [None, Some("0"), Some("-4"), Some("many")] {
        assert_eq!(threads_from_env(v), cores.min(1024));
    }
    assert_eq!(numkern_set_num_threads(1 << 30), NUMKERN_OK);
    assert_eq!(numkern_get_num_threads(), NUMKERN_MAX_THREADS);

    // One thread is the reference; every count gives the same bits.
    assert_eq!(numkern_set_num_threads(1), NUMKERN_OK);
    let reference = product_bits(256);
    let base = live_threads();
    for n in 2..=32 {
        assert_eq!(numkern_set_num_threads(n), NUMKERN_OK);
        assert!(product_bits(256) == reference, "{n} threads changed the result");
        // The pool holds n - 1 workers; a replaced pool's threads exit
        // shortly after (rayon lets them go once idle).
        assert!(pool_workers() < n as usize, "pool of {} workers for {n} threads", pool_workers());
    }
    let settle = std::time::Instant::now();
    while live_threads() > base + 32 && settle.elapsed().as_secs() < 10 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(live_threads() <= base + 32, "{} live threads after settings 2..=32 (base {base})", live_threads());
    // Lowering the count lets the extra threads go.
    assert_eq!(numkern_set_num_threads(2), NUMKERN_OK);
    assert!(product_bits(256) == reference);
    assert_eq!(pool_workers(), 1);
    let settle = std::time::Instant::now();
    while live_threads() > base + 2 && settle.elapsed().as_secs() < 10 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(live_threads() <= base + 2, "{} live threads at 2 (base {base})", live_threads());

    // A child forked after a parallel call has none of the pool's threads:
    // it must still compute, in parallel, the same bits.
    assert_eq!(numkern_set_num_threads(4), NUMKERN_OK);
    assert!(product_bits(256) == reference);
    // SAFETY: the child only computes and exits.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        let ok = product_bits(256) == reference && product_bits(300).len() == 90000;
        unsafe { libc::_exit(if ok { 0 } else { 3 }) };
    }
    let mut status = 0;
    let waited = unsafe { libc::waitpid(pid, &mut status, 0) };
    assert_eq!(waited, pid);
    assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "forked child failed: status {status:#x}");
}

/// NUMKERN_NUM_THREADS=100000 in a fresh process: capped, and a 400^3
/// product returns promptly with the single-thread bits.
#[test]
fn huge_env_thread_count_is_capped() {
    if std::env::var("NUMKERN_THREADS_CHILD").is_ok() {
        let expected: i32 = std::env::var("NUMKERN_THREADS_EXPECT").unwrap().parse().unwrap();
        assert_eq!(numkern_get_num_threads(), expected);
        let bits = product_bits(400);
        assert!(live_threads() <= NUMKERN_MAX_THREADS as usize + 8, "{} live threads", live_threads());
        println!("CHILD-CHECKSUM {}", bits.iter().fold(0u64, |h, &b| h.wrapping_mul(31).wrapping_add(b as u64)));
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let run = |threads: &str, expected: i32| {
        let out = std::process::Command::new(&exe)
            .args(["huge_env_thread_count_is_capped", "--exact", "--nocapture"])
            .env("NUMKERN_THREADS_CHILD", "1")
            .env("NUMKERN_NUM_THREADS", threads)
            .env("NUMKERN_THREADS_EXPECT", expected.to_string())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(out.status.success(), "child with NUMKERN_NUM_THREADS={threads} failed: {text}{}", String::from_utf8_lossy(&out.stderr));
        text.lines().find(|l| l.starts_with("CHILD-CHECKSUM")).map(str::to_owned).expect("checksum line")
    };
    let start = std::time::Instant::now();
    let huge = run("100000", NUMKERN_MAX_THREADS);
    assert!(start.elapsed().as_secs() < 60, "the capped run took {:?}", start.elapsed());
    assert_eq!(huge, run("1", 1));
}
