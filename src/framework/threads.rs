//! The library's own rayon pool and fixed-size work splitting (DESIGN §5).
//!
//! Work is cut into fixed-size chunks whose boundaries do not depend on the
//! thread count, so any result that combines chunks (in a fixed order) is
//! bitwise identical for every thread count.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
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

/// One pool per requested size, built on first use and kept. A call on
/// `threads` threads runs on the caller and `threads - 1` pool workers.
fn pool(threads: usize) -> Option<Arc<rayon::ThreadPool>> {
    static POOLS: OnceLock<Mutex<HashMap<usize, Arc<rayon::ThreadPool>>>> = OnceLock::new();
    let pools = POOLS.get_or_init(|| Mutex::new(HashMap::new()));
    let mut map = pools.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(p) = map.get(&threads) {
        return Some(p.clone());
    }
    let p = rayon::ThreadPoolBuilder::new()
        .num_threads(threads - 1)
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
        Some(p) => run_team(&p, nchunks, threads.min(nchunks), &|c| f(piece(c))),
        None => (0..nchunks).for_each(|c| f(piece(c))),
    }
}

/// The chunks of one call, claimed one at a time by whoever is free.
struct Team {
    /// `dyn Fn(usize)` borrowed from `run_team`'s caller, lifetime erased:
    /// called only for a claimed chunk, and `run_team` does not return
    /// before every claimed chunk is done.
    work: *const (dyn Fn(usize) + Sync + 'static),
    total: usize,
    next: AtomicUsize,
    done: AtomicUsize,
    panicked: AtomicBool,
}
// SAFETY: `work` is Sync and only called under the claiming protocol above.
unsafe impl Send for Team {}
unsafe impl Sync for Team {}

impl Team {
    fn help(&self) {
        loop {
            let c = self.next.fetch_add(1, Ordering::Relaxed);
            if c >= self.total {
                return;
            }
            // SAFETY: chunk c was claimed, so the caller is still waiting.
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| unsafe { (*self.work)(c) }));
            if result.is_err() {
                self.panicked.store(true, Ordering::Relaxed);
            }
            self.done.fetch_add(1, Ordering::Release);
        }
    }
}

/// The caller starts on the chunks at once and `helpers - 1` pool workers
/// join as they wake. Handing the whole call to the pool and sleeping until
/// it finished cost two thread wake-ups, 17-35 us on this VM; now the
/// caller never sleeps, and a helper that wakes late finds less (or
/// nothing) left to do. Which thread runs a chunk never changes its result.
fn run_team(pool: &rayon::ThreadPool, total: usize, helpers: usize, work: &(dyn Fn(usize) + Sync)) {
    // SAFETY: only the lifetime is erased; see `Team::work`.
    let work: *const (dyn Fn(usize) + Sync + 'static) = unsafe { core::mem::transmute(work as *const (dyn Fn(usize) + Sync)) };
    let team = Arc::new(Team { work, total, next: AtomicUsize::new(0), done: AtomicUsize::new(0), panicked: AtomicBool::new(false) });
    for _ in 1..helpers {
        let team = team.clone();
        pool.spawn(move || team.help());
    }
    team.help();
    // Chunks claimed by workers may still be running: wait for them.
    let mut spins = 0u32;
    while team.done.load(Ordering::Acquire) < total {
        spins += 1;
        if spins < 1 << 12 {
            std::hint::spin_loop();
        } else {
            std::thread::yield_now();
        }
    }
    if team.panicked.load(Ordering::Relaxed) {
        panic!("a numkern worker thread panicked");
    }
}
