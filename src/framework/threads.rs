//! The library's own rayon pool and fixed-size work splitting (DESIGN §5).
//!
//! Work is cut into fixed-size chunks whose boundaries do not depend on the
//! thread count, so any result that combines chunks (in a fixed order) is
//! bitwise identical for every thread count.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Once};

/// The most threads a call may use, whether set by `set_num_threads`,
/// `numkern_set_num_threads` or `NUMKERN_NUM_THREADS` (larger requests are
/// capped to it): beyond a few per core more threads only cost.
pub(crate) const MAX_THREADS: usize = 1024;

/// 0 = not yet initialised from NUMKERN_NUM_THREADS.
static NUM_THREADS: AtomicUsize = AtomicUsize::new(0);

/// The thread count a `NUMKERN_NUM_THREADS` value asks for: a positive
/// integer, capped to [`MAX_THREADS`]; anything else (unset, 0, negative,
/// not a number) means the available cores.
pub fn threads_from_env(value: Option<&str>) -> usize {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    match value.and_then(|v| v.trim().parse::<u64>().ok()) {
        Some(n) if n > 0 => n.min(MAX_THREADS as u64) as usize,
        _ => cores.min(MAX_THREADS),
    }
}

fn default_threads() -> usize {
    threads_from_env(std::env::var("NUMKERN_NUM_THREADS").ok().as_deref())
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

/// Sets the thread count (capped to [`MAX_THREADS`]); 0 restores the
/// default. A pool larger than the new count is let go, so the live
/// threads follow the count in use, not the largest ever set.
pub fn set_num_threads(n: usize) {
    let n = if n == 0 { default_threads() } else { n.min(MAX_THREADS) };
    NUM_THREADS.store(n, Ordering::Relaxed);
    shrink_pool(n);
}

/// The library's one pool and the process it was built in.
struct Pool {
    pool: Arc<rayon::ThreadPool>,
    /// Its worker count (a call on `t` threads needs `t - 1`).
    workers: usize,
    fork_generation: usize,
}

static POOL: Mutex<Option<Pool>> = Mutex::new(None);

/// Bumped in the child of every `fork`: a pool built before has no threads
/// there (fork copies only the calling thread).
static FORK_GENERATION: AtomicUsize = AtomicUsize::new(0);

#[cfg(all(unix, not(miri)))]
unsafe extern "C" fn after_fork_in_child() {
    FORK_GENERATION.fetch_add(1, Ordering::Relaxed);
}

/// The pool, with at least `threads - 1` workers: the one pool is reused
/// while it is large enough and replaced by a larger one otherwise (the old
/// one's threads exit once the calls holding it return), so the live pool
/// threads never exceed the largest count in use.
fn pool(threads: usize) -> Option<Arc<rayon::ThreadPool>> {
    static AT_FORK: Once = Once::new();
    // SAFETY: registers a plain function that touches one atomic. (Miri
    // has no fork, nor this call.)
    #[cfg(all(unix, not(miri)))]
    AT_FORK.call_once(|| unsafe {
        libc::pthread_atfork(None, None, Some(after_fork_in_child));
    });
    let workers = threads.min(MAX_THREADS) - 1;
    let generation = FORK_GENERATION.load(Ordering::Relaxed);
    let mut slot = POOL.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(p) = slot.as_ref() {
        if p.fork_generation != generation {
            // Built before a fork: its threads do not exist in this process,
            // and dropping it would signal them; leak it instead.
            std::mem::forget(slot.take());
        } else if p.workers >= workers {
            return Some(p.pool.clone());
        }
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .thread_name(|i| format!("numkern-{i}"))
        .build()
        .ok()
        .map(Arc::new)?;
    *slot = Some(Pool { pool: pool.clone(), workers, fork_generation: generation });
    Some(pool)
}

/// Lets go of a pool with more workers than `threads` needs.
fn shrink_pool(threads: usize) {
    let mut slot = POOL.lock().unwrap_or_else(|e| e.into_inner());
    if slot.as_ref().is_some_and(|p| p.workers > threads.saturating_sub(1)) {
        let old = slot.take();
        drop(slot);
        // Built before a fork it has no threads to stop: leak it (as `pool`).
        match old {
            Some(p) if p.fork_generation != FORK_GENERATION.load(Ordering::Relaxed) => std::mem::forget(p),
            other => drop(other),
        }
    }
}

/// The number of live pool worker threads the library holds (for tests of
/// the bound above; calls still holding a replaced pool are not counted).
pub fn pool_workers() -> usize {
    POOL.lock().unwrap_or_else(|e| e.into_inner()).as_ref().map_or(0, |p| p.workers)
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
