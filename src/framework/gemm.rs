//! The GEMM framework (BLIS's five loops): cache blocking sized from the
//! caches detected at run time, packing of A and B into micro-panels, edge
//! tiles, threads over M and N blocks, and the call of the tier's
//! microkernel (`kernels::gemm`) on each register tile. No intrinsics here.
//!
//! Every operand has a row and a column stride (in elements, either may be
//! negative or non-unit), so a transpose is just a view. The K loop is never
//! split across threads and each element of C sums its K products in the
//! same order whatever the M/N split, so results are bitwise identical for
//! any thread count.

use crate::dispatch::CpuFamily;
use crate::dtype::Real;
use crate::framework::threads::{run_chunks, Shared};
use crate::kernels::gemm::{columns_read, Activation, Epilogue, MicroTile};
use crate::kernels::{GemmKernel, KernelFloat};
use core::ops::Range;
use std::cell::RefCell;
use std::sync::OnceLock;

/// Data cache sizes in bytes (L1d, L2, L3), read once from sysfs (Linux);
/// where that is unavailable, sizes typical of current x86 and ARM cores.
/// With them, the CPU family whose measurements the blocking follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CacheSizes {
    pub l1d: usize,
    pub l2: usize,
    pub l3: usize,
    pub family: CpuFamily,
}

/// The GEMM framework's per-family choices.
impl CpuFamily {
    /// Up to this many multiply-adds, a product whose A has contiguous
    /// rows skips packing and reads A and B in place, the hardware
    /// prefetchers streaming A's rows. GFLOP/s, in place / packed.
    ///
    /// Zen 4 (up to n = 812), one thread: f32 n = 128 111 / 95, 512 114 /
    /// 109, 768 109 / 104; f64 n = 640 54 / 50, 768 54 / 50; the 32x784x128
    /// layer 116 / 85; past it, in place lost as often as it won (f32
    /// n = 1000: 82 / 96).
    ///
    /// Xeon (its L3 feeds strided rows slowly), one thread up to n = 322:
    /// f32 n = 192 148 / 131, 320 145 / 144, 384 143 / 148; f64 n = 224
    /// 70 / 63, 320 66 / 67, 384 64 / 69. Two threads, whose packed path
    /// shares out a single M block, up to n = 406: f32 n = 320 237-282 /
    /// 212-216, 384 240-251 / 223-230, 512 210 / 233; f64 n = 320 109-113 /
    /// 102-104, 384 99-103 / 96-100.
    pub fn in_place_work(self, threads: usize) -> usize {
        match (self, threads) {
            (CpuFamily::Zen, _) => 1 << 29,
            (CpuFamily::Other, 1) => 1 << 25,
            (CpuFamily::Other, _) => 1 << 26,
        }
    }
    /// When a product has fewer M blocks than the threads can share out,
    /// whether each thread packs its own copy of the A block it works on
    /// (Xeon, 2 threads: the other core's half of a block packed once by
    /// both came from its L2, slowly; GFLOP/s shared / a copy per group of
    /// N panels: f64 n = 256 85-86 / 102-107, 1024 113-117 / 121-122, 2048
    /// 117-125 / 128-130; f32 n = 1024 237-256 / 246-262, 4096x1024x1024
    /// 249-261 / 265-274) or the block is packed once, by all of them
    /// (Zen 4, f64 n = 512: 100 against 97 with a copy per group).
    pub fn private_a_blocks(self) -> bool {
        self == CpuFamily::Other
    }
    /// In place, a row stride that is a multiple of this many bytes puts
    /// the rows a tile reads in too few L1 sets (more rows than ways), and
    /// the product is packed instead. Zen 4: f64 n = 512 (4 KiB) ran at 46
    /// GFLOP/s in place, 51 packed. Xeon: f64 n = 256 (2 KiB) at 45-59 in
    /// place, 64 packed.
    pub fn aliasing_stride(self) -> usize {
        match self {
            CpuFamily::Zen => 4096,
            CpuFamily::Other => 2048,
        }
    }
    /// Below this many multiply-adds of `elem_bytes`-sized elements a
    /// product stays on the calling thread. The caller starts at once and
    /// helpers join as they wake (`run_chunks`), so this is where a second
    /// core pays. GFLOP/s on 1 / 2 threads:
    ///
    /// Zen 4, f32: n = 64 104 / 149, n = 48 100 / 91: 2^17 for both types.
    ///
    /// Xeon, where waking the helper costs more: f32 n = 64 (2^18) 149-152
    /// / 122-143, 68 111-115 / 111-122, 72 121-123 / 121-130, 76 126-128 /
    /// 140-150; f64 64x64x32 (2^17) 73-76 / 63-69, n = 56 68-69 / 74-79,
    /// 76 67-69 / 89-95. About 20480 vector multiply-adds for either type:
    /// 327680 f32, 163840 f64.
    pub fn parallel_work(self, elem_bytes: usize) -> usize {
        match self {
            CpuFamily::Zen => 1 << 17,
            CpuFamily::Other => (5 << 18) / elem_bytes,
        }
    }
}

pub fn cache_sizes() -> CacheSizes {
    static SIZES: OnceLock<CacheSizes> = OnceLock::new();
    *SIZES.get_or_init(|| {
        let mut sizes = CacheSizes { l1d: 32 << 10, l2: 1 << 20, l3: 8 << 20, family: crate::dispatch::cpu_family() };
        for index in 0..8 {
            let dir = format!("/sys/devices/system/cpu/cpu0/cache/index{index}");
            let read = |f: &str| std::fs::read_to_string(format!("{dir}/{f}")).ok().map(|s| s.trim().to_string());
            let (Some(level), Some(kind), Some(size)) = (read("level"), read("type"), read("size")) else { continue };
            let bytes = match size.strip_suffix('K') {
                Some(kib) => kib.parse::<usize>().ok().map(|v| v << 10),
                None => size.strip_suffix('M').and_then(|mib| mib.parse::<usize>().ok()).map(|v| v << 20),
            };
            let Some(bytes) = bytes.filter(|&b| b > 0) else { continue };
            match (level.as_str(), kind.as_str()) {
                ("1", "Data") => sizes.l1d = bytes,
                ("2", "Unified" | "Data") => sizes.l2 = bytes,
                ("3", "Unified" | "Data") => sizes.l3 = bytes,
                _ => {}
            }
        }
        sizes
    })
}

/// Block sizes of the five loops for one microkernel and element size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Blocking {
    pub mr: usize,
    pub nr: usize,
    pub kc: usize,
    pub mc: usize,
    pub nc: usize,
}

impl Blocking {
    /// A KC x NR micro-panel of B stays in L1 while A's micro-panels
    /// stream past it, an MC x KC block of A in L2 (or, on Zen, past it),
    /// a KC x NC block of B in a quarter of L3 (shared between cores).
    ///
    /// Zen 4: B's micro-panel about fills L1, A's block takes twice L2.
    /// Each B micro-panel serves MC / MR tiles, and more reuse of it paid
    /// more than keeping A in L2 (f64 n = 2048, MC 48 / 120 / 240 / 576:
    /// 47 / 48 / 52 / 54 GFLOP/s; f32 4096x1024x1024, MC 96 / 384 / 768:
    /// 99 / 102 / 102). Long K blocks pay: each microkernel call writes its
    /// tile back once per K block (f32 n = 2048: KC 256 / 336 / 512 / 768
    /// gave 90 / 96 / 101 / 102 GFLOP/s; f64 n = 1024 with the cheap
    /// full-tile write-back: KC 256 / 384 / 512 / 1024 gave 51 / 52 / 53 / 52).
    ///
    /// Xeon: those rules (KC 1024, MC 1024: A's block 4 MiB) ran f32
    /// n = 2048 at 118 GFLOP/s on one thread and 195 on two; half of L1
    /// and half of L2 (KC 512, MC 512) at 140-147 and 269-290, A's block
    /// at 0.5-1 MiB generally at 141-153 and 255-290, 4 MiB at 118-125.
    pub fn new(mr: usize, nr: usize, elem: usize, caches: CacheSizes) -> Blocking {
        let round_down = |v: usize, to: usize| (v / to * to).max(to);
        let (b_panel_bytes, a_block_bytes) = match caches.family {
            CpuFamily::Zen => (caches.l1d, 2 * caches.l2),
            CpuFamily::Other => (caches.l1d / 2, caches.l2 / 2),
        };
        let kc = round_down(b_panel_bytes / (nr * elem), 8).clamp(MIN_KC, 1024);
        let mc = round_down(a_block_bytes / (kc * elem), mr).min(round_down(4096, mr));
        let nc = round_down(caches.l3 / 4 / (kc * elem), nr).min(round_down(8192, nr));
        Blocking { mr, nr, kc, mc, nc }
    }
    /// `new` for the detected caches, remembered per thread for the last
    /// kernel shape asked (its divisions showed in n = 32 profiles).
    fn of(mr: usize, nr: usize, elem: usize) -> Blocking {
        type Memo = Option<((usize, usize, usize), Blocking)>;
        thread_local! {
            static LAST: core::cell::Cell<Memo> = const { core::cell::Cell::new(None) };
        }
        LAST.with(|last| match last.get() {
            Some((key, b)) if key == (mr, nr, elem) => b,
            _ => {
                let b = Blocking::new(mr, nr, elem, cache_sizes());
                last.set(Some(((mr, nr, elem), b)));
                b
            }
        })
    }
}

/// A matrix operand: element (i, j) at `ptr + i * rs + j * cs`.
#[derive(Clone, Copy, Debug)]
pub struct Mat<T> {
    pub ptr: *mut T,
    pub rs: isize,
    pub cs: isize,
}

impl<T> Mat<T> {
    fn at(self, i: usize, j: usize) -> *mut T {
        self.ptr.wrapping_offset(i as isize * self.rs + j as isize * self.cs)
    }
    fn t(self) -> Mat<T> {
        Mat { ptr: self.ptr, rs: self.cs, cs: self.rs }
    }
}

/// The fused epilogue of a GEMM call: `C = act(alpha A B + beta C + bias)`,
/// bias one value per column of C (`bias[j * bias_stride]`), or none.
#[derive(Clone, Copy, Debug)]
pub struct GemmEpilogue<T> {
    pub bias: *const T,
    pub bias_stride: isize,
    pub act: Activation,
}

impl<T> GemmEpilogue<T> {
    pub const NONE: GemmEpilogue<T> = GemmEpilogue { bias: core::ptr::null(), bias_stride: 0, act: Activation::None };
}

/// Work units per thread the packed path aims for: claimed one at a time,
/// so a helper that starts late costs at most a unit.
const UNITS_PER_THREAD: usize = 8;
/// The in-place path's units are single column tiles; when there are fewer
/// of those than threads, rows are split to give about this many per thread.
const IN_PLACE_UNITS_PER_THREAD: usize = 4;
/// Groups of N panels per thread when each packs its own copy of an A
/// block ([`CpuFamily::private_a_blocks`]). Each group packs a copy, so
/// fewer groups pack less; more balance a helper that starts late. Xeon,
/// 2 threads, GFLOP/s with two groups per thread / one (medians of six
/// runs, with the microkernel's A prefetch): f32 n = 512 237 / 245, 1024
/// 268 / 278, 2048 274 / 282; f64 n = 256 110 / 116, 512 114 / 124, 1024
/// 128 / 134. (Before that prefetch, two had measured better at f32 n =
/// 2048: 256-276 against 228-276.)
const PRIVATE_A_GROUPS_PER_THREAD: usize = 1;
/// Micro-panels per packing work unit.
const PACK_PANELS: usize = 8;

thread_local! {
    /// Per-thread packing buffers (A blocks on workers, B on the caller),
    /// reused across calls: a fresh large allocation per call would pay
    /// page faults every time.
    static PACK_A: RefCell<Vec<Aligned>> = const { RefCell::new(Vec::new()) };
    static PACK_B: RefCell<Vec<Aligned>> = const { RefCell::new(Vec::new()) };
}

/// The shortest KC [`Blocking::new`] chooses.
const MIN_KC: usize = 64;

#[derive(Clone, Copy)]
#[repr(C, align(64))]
struct Aligned([u8; 64]);

/// Runs `f` with a 64-byte aligned scratch buffer of `len` elements of T.
fn with_buffer<T, R>(slot: &'static std::thread::LocalKey<RefCell<Vec<Aligned>>>, len: usize, f: impl FnOnce(*mut T) -> R) -> R {
    slot.with(|cell| {
        let mut buf = cell.borrow_mut();
        let blocks = (len * core::mem::size_of::<T>()).div_ceil(64).max(1);
        if buf.len() < blocks {
            buf.resize(blocks, Aligned([0; 64]));
        }
        f(buf.as_mut_ptr() as *mut T)
    })
}

/// Packs panels `panels` of the `rows x kc` slice of `src`, each `r` rows
/// (the last may have fewer) and stored at `dst + ip * r * kc` as one
/// micro-panel: `dst[ip * r * kc + p * r + i] = src(ip * r + i, p)`, rows
/// past the slice zero.
///
/// # Safety
/// `src` valid over the slice's rows of those panels; `dst` holds their
/// `r * kc` elements each.
unsafe fn pack_panels<T: Real>(src: Mat<T>, rows: usize, panels: Range<usize>, kc: usize, r: usize, dst: *mut T) {
    let zero = T::from_f64(0.0);
    if src.rs == 1 {
        // Column by column across the panels: each column of the slice is
        // read as one run. Panel by panel, every column gave a few lines
        // and then the next column, a page away for the power-of-two
        // sizes, where the prefetchers do not follow (f64 n = 512: packing
        // was 9% of the product).
        for p in 0..kc {
            for ip in panels.clone() {
                let w = r.min(rows - ip * r);
                let (s, d) = (src.at(ip * r, p) as *const T, dst.add(ip * r * kc + p * r));
                copy_short(s, d, w);
                for i in w..r {
                    *d.add(i) = zero;
                }
            }
        }
        return;
    }
    for ip in panels {
        let (src, w, dst) = (Mat { ptr: src.at(ip * r, 0), ..src }, r.min(rows - ip * r), dst.add(ip * r * kc));
        // Rows of the slice are contiguous along p (or nothing is): a
        // blocked transpose. Whole rows per pass wrote all of the panel w
        // times over, which with the source overflowed L1 (f32 kc = 512,
        // r = 12: ~5.6 cycles per element, 4% of an n = 2048 product).
        const STEPS: usize = 16;
        for p0 in (0..kc).step_by(STEPS) {
            let steps = STEPS.min(kc - p0);
            for i in 0..w {
                let (s, d) = (src.at(i, p0) as *const T, dst.add(p0 * r + i));
                for q in 0..steps {
                    *d.add(q * r) = *s.offset(q as isize * src.cs);
                }
            }
            for q in 0..steps {
                for i in w..r {
                    *dst.add((p0 + q) * r + i) = zero;
                }
            }
        }
    }
}

/// Copies `len` elements (a panel's width) in chunks the compiler keeps
/// inline: a `copy_nonoverlapping` of a run-time length is a `memmove`
/// call per step of K (2% of an n = 2048 product).
#[inline(always)]
unsafe fn copy_short<T: Copy>(s: *const T, d: *mut T, len: usize) {
    const CHUNK: usize = 8;
    let mut i = 0;
    while i + CHUNK <= len {
        (d.add(i) as *mut [T; CHUNK]).write_unaligned((s.add(i) as *const [T; CHUNK]).read_unaligned());
        i += CHUNK;
    }
    while i < len {
        *d.add(i) = *s.add(i);
        i += 1;
    }
}

/// The in-place tiles of C's `rows` and `cols` (whole tiles from their
/// starts), K in one block and no epilogue: the common small product as a
/// plain loop. Through the general loop in `gemm`, f32 n = 32 in 32 x 8
/// tiles took 651-762 ns depending on where C sat (9 offsets); this loop
/// takes 613-646. The tiles and their order are the general loop's, so the
/// bits are too.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
unsafe fn plain_in_place_tiles<T: KernelFloat>(
    kernel: GemmKernel<T>,
    (m, n, k): (usize, usize, usize),
    alpha: T,
    a: Mat<T>,
    b: Mat<T>,
    beta: T,
    c: Mat<T>,
    rows: Range<usize>,
    cols: Range<usize>,
) {
    let (mr, nr) = (kernel.mr_in_place, kernel.nr_in_place);
    // One tile description, of which each step changes only the corner
    // and the size (rebuilding all of it per tile showed in n = 32 profiles).
    let mut tile = MicroTile {
        k,
        a: a.ptr,
        a_step: a.cs,
        b: b.ptr,
        b_step: b.rs,
        b_cs: b.cs,
        c: c.ptr,
        rs_c: c.rs,
        cs_c: c.cs,
        m: 0,
        n: 0,
        alpha,
        beta,
        epilogue: Epilogue::NONE,
    };
    let mut j0 = cols.start;
    while j0 < cols.end {
        tile.b = b.at(0, j0);
        tile.n = nr.min(n - j0);
        let mut i0 = rows.start;
        while i0 < rows.end {
            tile.a = a.at(i0, 0);
            tile.c = c.at(i0, j0);
            tile.m = mr.min(m - i0);
            (kernel.micro_in_place)(&tile);
            i0 += mr;
        }
        j0 += nr;
    }
}

/// `C = act(alpha A B + beta C + bias)` for an m x k A and a k x n B.
/// beta = 0 never reads C; alpha = 0 or k = 0 never reads A or B.
///
/// # Safety
/// Every operand valid over its extent; C must not overlap A, B or the
/// bias, and must not write an element twice (no zero strides).
#[allow(clippy::too_many_arguments)]
#[inline]
pub unsafe fn gemm<T: KernelFloat>(
    kernel: GemmKernel<T>,
    threads: usize,
    (m, n, k): (usize, usize, usize),
    alpha: T,
    a: Mat<T>,
    b: Mat<T>,
    beta: T,
    c: Mat<T>,
    epilogue: GemmEpilogue<T>,
) {
    if m == 0 || n == 0 {
        return;
    }
    let zero = T::from_f64(0.0);
    let (k, alpha) = if k == 0 || alpha == zero { (0, T::from_f64(1.0)) } else { (k, alpha) };
    // The microkernel's vectors run down C's columns: when C's rows are the
    // contiguous direction, compute C^T = B^T A^T instead.
    let swap = c.cs.unsigned_abs() < c.rs.unsigned_abs();
    let (m, n, a, b, c, bias_along_rows) = if swap { (n, m, b.t(), a.t(), c.t(), true) } else { (m, n, a, b, c, false) };
    let blocking = || Blocking::of(kernel.mr, kernel.nr, core::mem::size_of::<T>());
    let (mr, nr) = (kernel.mr, kernel.nr);
    // The fused epilogue of the tile at (i0, j0), on the last K block only.
    let fused = Shared(epilogue);
    let tile_epilogue = |i0: usize, j0: usize, last: bool| {
        let epilogue = fused.get();
        if !last || (epilogue.bias.is_null() && epilogue.act == Activation::None) {
            return Epilogue::NONE;
        }
        let bias = if epilogue.bias.is_null() {
            core::ptr::null()
        } else {
            let first = if bias_along_rows { i0 } else { j0 };
            epilogue.bias.wrapping_offset(first as isize * epilogue.bias_stride)
        };
        Epilogue { bias, bias_stride: epilogue.bias_stride, along_rows: bias_along_rows, act: epilogue.act }
    };
    let work = m.saturating_mul(n).saturating_mul(k.max(1));
    let family = cache_sizes().family;
    let threads = if work < family.parallel_work(core::mem::size_of::<T>()) { 1 } else { threads.max(1) };
    // Equal K blocks (2048 = 4 x 512, not 3 x 680 + 8): each block pays a
    // pass over C, so none should be short. A K no longer than the shortest
    // KC is one block: small products skip the blocking lookup and the
    // divisions (each division, and there were five, costs about as much
    // as a K step of a tile).
    let (k_blocks, kc) = if k <= MIN_KC {
        (1, k.next_multiple_of(8).max(1))
    } else {
        let k_blocks = k.div_ceil(blocking().kc);
        (k_blocks, k.div_ceil(k_blocks).next_multiple_of(8))
    };
    let shared = Shared((a, b, c));
    // C's side of the (mr, nr) tile at (i0, j0) in K block kb: beta on the
    // first block only (later ones add to it), the fused epilogue on the last.
    let c_tile = |i0: usize, j0: usize, (mr, nr): (usize, usize), kb: usize| {
        let c = shared.get().2;
        MicroTile {
            k: 0,
            a: core::ptr::null(),
            a_step: 0,
            b: core::ptr::null(),
            b_step: 0,
            b_cs: 0,
            c: c.at(i0, j0),
            rs_c: c.rs,
            cs_c: c.cs,
            m: mr.min(m - i0),
            n: nr.min(n - j0),
            alpha,
            beta: if kb == 0 { beta } else { T::from_f64(1.0) },
            epilogue: tile_epilogue(i0, j0, kb + 1 == k_blocks),
        }
    };
    let aliased = |stride: isize| (stride.unsigned_abs() * core::mem::size_of::<T>()) % family.aliasing_stride() == 0;
    if a.rs == 1 && work <= family.in_place_work(threads) && !aliased(a.cs) && !aliased(b.cs) {
        // Read A and B where they are. Each tile runs the K blocks of the
        // packed path in turn (its C tile stays in L1 between them), so
        // the sums, and the bits, are the packed path's. The microkernel
        // may read a few columns of B past a right edge, so such an edge
        // is copied into a zero-padded panel first. Work units: column
        // tiles, and row groups when there are fewer of those than threads.
        let (mr, nr) = (kernel.mr_in_place, kernel.nr_in_place);
        let edge = (n - 1) / nr * nr;
        let padded = columns_read(nr, n - edge) > n - edge;
        // No K blocks, edge pad or epilogue: each unit's tiles go through
        // the plain loop. On one thread the whole product does, here rather
        // than through `run_unit` (which gives the same tiles, but ran
        // f32 n = 32 5-9 ns and n = 64 20-80 ns slower).
        let plain = k_blocks == 1 && epilogue.bias.is_null() && epilogue.act == Activation::None;
        if threads == 1 && plain && !padded {
            plain_in_place_tiles(kernel, (m, n, k), alpha, a, b, beta, c, 0..m, 0..n);
            return;
        }
        let (units, row_groups, rows_per_group) = if threads > 1 {
            let (m_tiles, n_tiles) = (m.div_ceil(mr), edge / nr + 1);
            // Rows are split only when there are fewer column tiles than
            // threads: two threads writing the two halves of C's rows
            // share a line wherever a row is not a whole number of lines
            // (Xeon, f32 on 2 threads, 32 x 12 tiles, n = 60 / 64 / 84: 58-63
            // / 59-63 / 86-95 GFLOP/s with row groups, 108-111 / 126-130 /
            // 139-155 with whole columns).
            let groups = if n_tiles >= threads { 1 } else { (IN_PLACE_UNITS_PER_THREAD * threads).div_ceil(n_tiles).min(m_tiles) };
            let tiles_per_group = m_tiles.div_ceil(groups);
            let groups = m_tiles.div_ceil(tiles_per_group);
            (n_tiles * groups, groups, tiles_per_group * mr)
        } else {
            (1, 1, m)
        };
        let body = |bp: *const T| {
            let bp = Shared(bp);
            let run_unit = |unit: usize| {
                let (a, b, _) = shared.get();
                // One column tile and row group, or (one thread) everything.
                let (cols, g) = if units == 1 { (0..n, 0) } else { ((unit / row_groups) * nr..(unit / row_groups) * nr + 1, unit % row_groups) };
                let (first_row, end_row) = (g * rows_per_group, ((g + 1) * rows_per_group).min(m));
                if plain && !(padded && cols.contains(&edge)) {
                    plain_in_place_tiles(kernel, (m, n, k), alpha, a, b, beta, shared.get().2, first_row..end_row, cols);
                    return;
                }
                let mut j0 = cols.start;
                while j0 < cols.end {
                    let (bj, b_step, b_cs) = if padded && j0 == edge { (bp.get(), nr as isize, 1) } else { (b.at(0, j0) as *const T, b.rs, b.cs) };
                    let mut i0 = first_row;
                    while i0 < end_row {
                        for kb in 0..k_blocks {
                            let pc = kb * kc;
                            let tile = MicroTile {
                                k: kc.min(k - pc.min(k)),
                                a: a.at(i0, pc),
                                a_step: a.cs,
                                b: bj.wrapping_offset(pc as isize * b_step),
                                b_step,
                                b_cs,
                                ..c_tile(i0, j0, (mr, nr), kb)
                            };
                            (kernel.micro_in_place)(&tile);
                        }
                        i0 += mr;
                    }
                    j0 += nr;
                }
            };
            if units == 1 {
                run_unit(0);
            } else {
                run_chunks(units, 1, threads, |range| range.for_each(run_unit));
            }
        };
        if padded {
            with_buffer::<T, _>(&PACK_B, k.max(1) * nr, |bp| {
                pack_panels(Mat { ptr: b.at(0, edge), rs: b.cs, cs: b.rs }, n - edge, 0..1, k, nr, bp);
                body(bp)
            });
        } else {
            body(core::ptr::null());
        }
        return;
    }
    let blk = blocking();

    for jc in (0..n).step_by(blk.nc) {
        let ncb = blk.nc.min(n - jc);
        let n_panels = ncb.div_ceil(nr);
        for kb in 0..k_blocks {
            let pc = kb * kc;
            let kcb = kc.min(k - pc.min(k));
            with_buffer::<T, _>(&PACK_B, n_panels * nr * kcb.max(1), |bp| {
                let bp = Shared(bp);
                // B's panels are packed by all the threads, in fixed groups.
                run_chunks(n_panels, PACK_PANELS, threads, |panels| {
                    let (_, b, _) = shared.get();
                    // A panel of B is a slice of B^T: rows j, columns p.
                    pack_panels(Mat { ptr: b.at(pc, jc), rs: b.cs, cs: b.rs }, ncb, panels, kcb, nr, bp.get());
                });
                // M blocks of equal height (2048 f64 rows: 5 of 432, not 4
                // of 504 and one of 32).
                let m_blocks = m.div_ceil(blk.mc);
                let mc = m.div_ceil(m_blocks).next_multiple_of(mr);
                let m_panels_of = |ic: usize| mc.min(m - ic).div_ceil(mr);
                // Packs A panels `panels` of the block at row ic into ap.
                let pack_a = |ap: *mut T, ic: usize, panels: Range<usize>| {
                    let (a, _, _) = shared.get();
                    pack_panels(Mat { ptr: a.at(ic, pc), rs: a.rs, cs: a.cs }, mc.min(m - ic), panels, kcb, mr, ap);
                };
                // The tiles of the packed A block at row ic by B panels jps.
                let compute = |ap: *const T, ic: usize, jps: Range<usize>| {
                    let bp = bp.get() as *const T;
                    for jp in jps {
                        let j0 = jc + jp * nr;
                        for ip in 0..m_panels_of(ic) {
                            let tile = MicroTile {
                                k: kcb,
                                a: ap.add(ip * mr * kcb),
                                a_step: mr as isize,
                                b: bp.add(jp * nr * kcb),
                                b_step: nr as isize,
                                b_cs: 1,
                                ..c_tile(ic + ip * mr, j0, (mr, nr), kb)
                            };
                            (kernel.micro)(&tile);
                        }
                    }
                };
                let enough_blocks = threads == 1 || m_blocks >= UNITS_PER_THREAD * threads;
                if enough_blocks || family.private_a_blocks() {
                    // Work units: an M block and a group of its N panels,
                    // each packing its own copy of the block. A group is
                    // all of them when there are M blocks enough to share
                    // out; otherwise [`PRIVATE_A_GROUPS_PER_THREAD`] per thread.
                    let groups = if enough_blocks { 1 } else { PRIVATE_A_GROUPS_PER_THREAD * threads };
                    let per_group = n_panels.div_ceil(groups);
                    let groups = n_panels.div_ceil(per_group);
                    run_chunks(m_blocks * groups, 1, threads, |units| {
                        for unit in units {
                            let (ic, g) = (unit / groups * mc, unit % groups);
                            with_buffer::<T, _>(&PACK_A, m_panels_of(ic) * mr * kcb.max(1), |ap| {
                                pack_a(ap, ic, 0..m_panels_of(ic));
                                compute(ap, ic, g * per_group..((g + 1) * per_group).min(n_panels));
                            });
                        }
                    });
                } else {
                    // Too few M blocks to share out: each is packed once,
                    // by all the threads, and its tiles are split among them
                    // by groups of N panels (f32 4096x1024x1024 on 2 threads:
                    // 166 GFLOP/s with 4 units per thread, 190 with 8; f64
                    // n = 512: 97 when every group packed the block itself,
                    // 100 with it packed once).
                    let groups = (UNITS_PER_THREAD * threads).min(n_panels);
                    let per_group = n_panels.div_ceil(groups);
                    for ib in 0..m_blocks {
                        let ic = ib * mc;
                        with_buffer::<T, _>(&PACK_A, m_panels_of(ic) * mr * kcb.max(1), |ap| {
                            let ap = Shared(ap);
                            run_chunks(m_panels_of(ic), PACK_PANELS, threads, |panels| pack_a(ap.get(), ic, panels));
                            run_chunks(n_panels, per_group, threads, |jps| compute(ap.get(), ic, jps));
                        });
                    }
                }
            });
        }
    }
}
