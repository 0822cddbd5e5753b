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

use crate::dtype::Real;
use crate::framework::threads::{run_chunks, Shared};
use crate::kernels::gemm::{Activation, Epilogue, MicroTile};
use crate::kernels::{GemmKernel, KernelFloat};
use std::cell::RefCell;
use std::sync::OnceLock;

/// Data cache sizes in bytes (L1d, L2, L3), read once from sysfs (Linux);
/// where that is unavailable, sizes typical of current x86 and ARM cores.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CacheSizes {
    pub l1d: usize,
    pub l2: usize,
    pub l3: usize,
}

pub fn cache_sizes() -> CacheSizes {
    static SIZES: OnceLock<CacheSizes> = OnceLock::new();
    *SIZES.get_or_init(|| {
        let mut sizes = CacheSizes { l1d: 32 << 10, l2: 1 << 20, l3: 8 << 20 };
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
    /// A KC x NR panel of B about fills L1 (every A panel of the block
    /// streams past it) and an MC x KC block of A takes a quarter of L2; a
    /// KC x NC block of B a quarter of L3 (shared between cores). Long K
    /// blocks pay: each microkernel call writes its tile back once per K
    /// block (measured here, f32 n = 2048: KC 256 / 336 / 512 / 768 gave
    /// 90 / 96 / 101 / 102 GFLOP/s).
    pub fn new(mr: usize, nr: usize, elem: usize, caches: CacheSizes) -> Blocking {
        let round_down = |v: usize, to: usize| (v / to * to).max(to);
        let kc = round_down(caches.l1d / (nr * elem), 8).clamp(64, 1024);
        let mc = round_down(caches.l2 / 4 / (kc * elem), mr).min(round_down(4096, mr));
        let nc = round_down(caches.l3 / 4 / (kc * elem), nr).min(round_down(8192, nr));
        Blocking { mr, nr, kc, mc, nc }
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

/// Below this many multiply-adds a call stays on the calling thread
/// (a pool hand-off costs about as much as a 64^3 product).
pub(crate) const GEMM_PARALLEL_THRESHOLD: usize = 1 << 21;

thread_local! {
    /// Per-thread packing buffers (A blocks on workers, B on the caller),
    /// reused across calls: a fresh large allocation per call would pay
    /// page faults every time.
    static PACK_A: RefCell<Vec<Aligned>> = const { RefCell::new(Vec::new()) };
    static PACK_B: RefCell<Vec<Aligned>> = const { RefCell::new(Vec::new()) };
}

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

/// Packs a `w x kc` slice of `src` (w <= r) as one micro-panel:
/// `dst[p * r + i] = src(i, p)`, rows `w..r` zero.
///
/// # Safety
/// `src` valid over the slice; `dst` holds `kc * r` elements.
unsafe fn pack_panel<T: Real>(src: Mat<T>, w: usize, kc: usize, r: usize, dst: *mut T) {
    let zero = T::from_f64(0.0);
    if src.rs == 1 {
        for p in 0..kc {
            let (s, d) = (src.at(0, p) as *const T, dst.add(p * r));
            core::ptr::copy_nonoverlapping(s, d, w);
            for i in w..r {
                *d.add(i) = zero;
            }
        }
    } else {
        // Rows of the slice are contiguous (or nothing is): read along them.
        for i in 0..w {
            let s = src.at(i, 0) as *const T;
            for p in 0..kc {
                *dst.add(p * r + i) = *s.offset(p as isize * src.cs);
            }
        }
        for p in 0..kc {
            for i in w..r {
                *dst.add(p * r + i) = zero;
            }
        }
    }
}

/// `C = act(alpha A B + beta C + bias)` for an m x k A and a k x n B.
/// beta = 0 never reads C; alpha = 0 or k = 0 never reads A or B.
///
/// # Safety
/// Every operand valid over its extent; C must not overlap A, B or the
/// bias, and must not write an element twice (no zero strides).
#[allow(clippy::too_many_arguments)]
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
    let blk = Blocking::new(kernel.mr, kernel.nr, core::mem::size_of::<T>(), cache_sizes());
    let threads = if m.saturating_mul(n).saturating_mul(k.max(1)) < GEMM_PARALLEL_THRESHOLD { 1 } else { threads.max(1) };
    let k_blocks = k.div_ceil(blk.kc).max(1);
    let (mr, nr) = (kernel.mr, kernel.nr);
    let shared = Shared((a, b, c, epilogue));

    for jc in (0..n).step_by(blk.nc) {
        let ncb = blk.nc.min(n - jc);
        let n_panels = ncb.div_ceil(nr);
        for kb in 0..k_blocks {
            let pc = kb * blk.kc;
            let kcb = blk.kc.min(k - pc.min(k));
            let beta_here = if kb == 0 { beta } else { T::from_f64(1.0) };
            let last = kb + 1 == k_blocks;
            with_buffer::<T, _>(&PACK_B, n_panels * nr * kcb.max(1), |bp| {
                for jp in 0..n_panels {
                    let j0 = jc + jp * nr;
                    // A panel of B is a slice of B^T: rows j, columns p.
                    pack_panel(Mat { ptr: b.at(pc, j0), rs: b.cs, cs: b.rs }, nr.min(n - j0), kcb, nr, bp.add(jp * nr * kcb));
                }
                let bp = Shared(bp as *const T);
                // Work units: M blocks, and when there are fewer of those
                // than threads, groups of N panels too.
                let m_blocks = m.div_ceil(blk.mc);
                let n_groups = if threads > 1 { threads.div_ceil(m_blocks).min(n_panels) } else { 1 };
                let panels_per_group = n_panels.div_ceil(n_groups);
                let run_unit = |unit: usize| {
                    let (a, _, c, epilogue) = shared.get();
                    let bp = bp.get();
                    let (ib, g) = (unit / n_groups, unit % n_groups);
                    let ic = ib * blk.mc;
                    let mcb = blk.mc.min(m - ic);
                    let m_panels = mcb.div_ceil(mr);
                    let (jp0, jp1) = (g * panels_per_group, ((g + 1) * panels_per_group).min(n_panels));
                    with_buffer::<T, _>(&PACK_A, m_panels * mr * kcb.max(1), |ap| {
                        for ip in 0..m_panels {
                            let i0 = ic + ip * mr;
                            pack_panel(Mat { ptr: a.at(i0, pc), rs: a.rs, cs: a.cs }, mr.min(m - i0), kcb, mr, ap.add(ip * mr * kcb));
                        }
                        for jp in jp0..jp1 {
                            let j0 = jc + jp * nr;
                            for ip in 0..m_panels {
                                let i0 = ic + ip * mr;
                                let tile_epilogue = if last && (!epilogue.bias.is_null() || epilogue.act != Activation::None) {
                                    let (bias, stride) = if epilogue.bias.is_null() {
                                        (core::ptr::null(), 0)
                                    } else {
                                        let first = if bias_along_rows { i0 } else { j0 };
                                        (epilogue.bias.wrapping_offset(first as isize * epilogue.bias_stride), epilogue.bias_stride)
                                    };
                                    Epilogue { bias, bias_stride: stride, along_rows: bias_along_rows, act: epilogue.act }
                                } else {
                                    Epilogue::NONE
                                };
                                let tile = MicroTile {
                                    k: kcb,
                                    a: ap.add(ip * mr * kcb),
                                    b: bp.add(jp * nr * kcb),
                                    c: c.at(i0, j0),
                                    rs_c: c.rs,
                                    cs_c: c.cs,
                                    m: mr.min(m - i0),
                                    n: nr.min(n - j0),
                                    alpha,
                                    beta: beta_here,
                                    epilogue: tile_epilogue,
                                };
                                (kernel.micro)(&tile);
                            }
                        }
                    });
                };
                run_chunks(m_blocks * n_groups, 1, threads, |range| range.for_each(run_unit));
            });
        }
    }
}
