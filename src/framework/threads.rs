//! The library's own rayon pool and fixed-size work splitting (DESIGN §5).
//!
//! Work is cut into fixed-size chunks whose boundaries do not depend on the
//! thread count, so any result that combines chunks (in a fixed order) is
//! bitwise identical for every thread count.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// 0 = not yet initialised from NUMKERN_NUM_THREADS.
static NUM_THREADS: AtomicUsize = AtomicUsize::new(0);

fn default_threads() -> usize {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    match std::env::var("NUMKERN_NUM_THREADS").ok().and_then(|v| v.trim().parse::<usize>().ok()) {
        Some(n) if n > 0 => n,
        _ => cores,
    }
}

/// The thread count calls use (NUMKERN_NUM_THREADS, else the available cores).
pub fn num_threads() -> usize {
    match NUM_THREADS.load(Ordering::Relaxed) {
        0 => {
            let n = default_threads();
            let _ = NUM_THREADS.compare_exchange(0, n, Ordering::Relaxed, Ordering::Relaxed);
            NUM_THREADS.load(Ordering::Relaxed)
        }
        n => n,
    }
}

/// Sets the thread count; 0 restores the default.
pub fn set_num_threads(n: usize) {
    let n = if n == 0 { default_threads() } else { n };
    NUM_THREADS.store(n.min(1024), Ordering::Relaxed);
}

/// One pool per requested size, built on first use and kept.
fn pool(threads: usize) -> Option<Arc<rayon::ThreadPool>> {
    static POOLS: OnceLock<Mutex<HashMap<usize, Arc<rayon::ThreadPool>>>> = OnceLock::new();
    let pools = POOLS.get_or_init(|| Mutex::new(HashMap::new()));
    let mut map = pools.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(p) = map.get(&threads) {
        return Some(p.clone());
    }
    let p = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("numkern-{i}"))
        .build()
        .ok()?;
    let p = Arc::new(p);
    map.insert(threads, p.clone());
    Some(p)
}

/// Raw pointers (or values holding them) handed to the worker threads.
/// Whoever builds one answers for the memory: the threads must touch
/// disjoint parts of it.
#[derive(Clone, Copy)]
pub(crate) struct Shared<T>(pub T);
// SAFETY: see the type's contract; the chunks of one call are disjoint.
unsafe impl<T> Sync for Shared<T> {}
unsafe impl<T> Send for Shared<T> {}
impl<T: Copy> Shared<T> {
    // A method, so closures capture the wrapper rather than its field.
    pub(crate) fn get(&self) -> T {
        self.0
    }
}

/// Runs `f` over `0..total` cut into chunks of `chunk` items. Runs on the
/// calling thread when `threads == 1` or there is a single chunk.
pub fn run_chunks(total: usize, chunk: usize, threads: usize, f: impl Fn(Range<usize>) + Sync) {
    let chunk = chunk.max(1);
    let nchunks = total.div_ceil(chunk);
    let piece = |c: usize| c * chunk..((c + 1) * chunk).min(total);
    if threads <= 1 || nchunks <= 1 {
        (0..nchunks).for_each(|c| f(piece(c)));
        return;
    }
    match pool(threads) {
        Some(p) => p.install(|| {
            use rayon::prelude::*;
            (0..nchunks).into_par_iter().for_each(|c| f(piece(c)));
        }),
        None => (0..nchunks).for_each(|c| f(piece(c))),
    }
}
