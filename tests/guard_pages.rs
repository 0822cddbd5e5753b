//! Guard pages on every kernel family and tier (issue 19): each operand
//! lives in a buffer of its own, sized to exactly the elements its view
//! reaches and flush against a PROT_NONE page, first below its lowest
//! element, then above its highest. A kernel that reads or writes one
//! element outside its views faults, and the handler names the case.
//! Lengths 0..=70 and around powers of two, unit, strided, negative
//! (element 0 at the high end) and zero (broadcast) strides, odd matrix
//! shapes in every layout, and a few calls large enough to split across
//! threads.

mod common;
use common::guard::{set_case, GuardedView, Side};
use common::{exec, params_for, tiers};
use numkern::kernels::{Activation, BinaryOp, CompareOp, LogicalOp, PredicateOp, UnaryOp, UnaryParams};
use numkern::ops::{self, Exec};
use numkern::DType;

const SIDES: [Side; 2] = [Side::Before, Side::After];
const FLOATS: [DType; 2] = [DType::F32, DType::F64];

/// 0..=70 and both sides of 128 .. 4096.
fn lengths() -> Vec<usize> {
    let mut v: Vec<usize> = (0..=70).collect();
    for p in 7..=12 {
        v.extend([(1 << p) - 1, 1 << p, (1 << p) + 1]);
    }
    v
}

/// 1-D layouts (input stride, output stride): unit, reversed, gapped.
const STRIDES_1D: [(isize, isize); 4] = [(1, 1), (-1, 1), (3, -2), (1, -1)];

fn view(dtype: DType, shape: &[usize], strides: &[isize], side: Side, seed: usize) -> GuardedView {
    GuardedView::new(dtype, shape, strides, side, seed)
}


/// Runs a family's cases on every tier of this machine, single-threaded
/// (with the tier's name for the case labels).
fn each_exec(mut body: impl FnMut(Exec, &str)) {
    for e in tiers() {
        body(e, e.0.tier.name());
    }
}

#[test]
fn unary_ops() {
    each_exec(|e, tier| {
        for dtype in FLOATS {
            for &op in UnaryOp::ALL {
                for n in lengths() {
                    for (sx, so) in STRIDES_1D {
                        for side in SIDES {
                            set_case(&format!("{} {dtype:?} n={n} strides ({sx}, {so}) {side:?} on {tier}", op.name()));
                            let x = view(dtype, &[n], &[sx], side, 1);
                            let out = view(dtype, &[n], &[so], side, 2);
                            unsafe { ops::unary_raw(e, op, params_for(op), &x.raw, &out.raw) }.unwrap();
                            // In place, through the reversed view.
                            unsafe { ops::unary_raw(e, op, params_for(op), &out.raw, &out.raw) }.unwrap();
                        }
                    }
                }
            }
        }
    });
}

#[test]
fn binary_compare_where_logical() {
    each_exec(|e, tier| {
        for n in lengths() {
            // (a, b, out) strides; b = 0 broadcasts one element.
            for (sa, sb, so) in [(1, 1, 1), (-1, 2, 1), (1, 0, -1), (3, -1, -2)] {
                for side in SIDES {
                    // b = 0: one element, broadcast.
                    let (b_shape, b_stride) = if sb == 0 { (1, 1) } else { (n, sb) };
                    for dtype in FLOATS {
                        let a = view(dtype, &[n], &[sa], side, 1);
                        let b = view(dtype, &[b_shape], &[b_stride], side, 2);
                        let mask = view(DType::U8, &[n], &[-sa], side, 3);
                        for &op in BinaryOp::ALL {
                            set_case(&format!("{} {dtype:?} n={n} strides ({sa}, {sb}, {so}) {side:?} on {tier}", op.name()));
                            let out = view(dtype, &[n], &[so], side, 4);
                            unsafe { ops::binary_raw(e, op, &a.raw, &b.raw, &out.raw) }.unwrap();
                        }
                        let bytes = view(DType::U8, &[n], &[so], side, 4);
                        for &op in CompareOp::ALL {
                            set_case(&format!("{} {dtype:?} n={n} strides ({sa}, {sb}, {so}) {side:?} on {tier}", op.name()));
                            unsafe { ops::compare_raw(e, op, &a.raw, &b.raw, &bytes.raw) }.unwrap();
                        }
                        for &op in PredicateOp::ALL {
                            set_case(&format!("{} {dtype:?} n={n} strides ({sa}, {so}) {side:?} on {tier}", op.name()));
                            unsafe { ops::predicate_raw(e, op, &a.raw, &bytes.raw) }.unwrap();
                        }
                        set_case(&format!("where {dtype:?} n={n} strides ({sa}, {sb}, {so}) {side:?} on {tier}"));
                        let out = view(dtype, &[n], &[so], side, 5);
                        unsafe { ops::where_raw(e, &mask.raw, &a.raw, &b.raw, &out.raw) }.unwrap();
                    }
                    let (x, y) = (view(DType::U8, &[n], &[sa], side, 6), view(DType::U8, &[b_shape], &[b_stride], side, 7));
                    let out = view(DType::U8, &[n], &[so], side, 8);
                    for &op in LogicalOp::ALL {
                        set_case(&format!("logical {op:?} n={n} strides ({sa}, {sb}, {so}) {side:?} on {tier}"));
                        unsafe { ops::logical_raw(e, op, &x.raw, &y.raw, &out.raw) }.unwrap();
                    }
                    set_case(&format!("logical_not n={n} strides ({sa}, {so}) {side:?} on {tier}"));
                    unsafe { ops::logical_not_raw(e, &x.raw, &out.raw) }.unwrap();
                }
            }
        }
        // 2-D broadcasting: (r, 1) op (1, c) -> (r, c), odd shapes, a column
        // operand stepping backwards.
        for (r, c) in [(1, 1), (3, 5), (7, 33), (17, 2), (65, 9)] {
            for side in SIDES {
                for dtype in FLOATS {
                    set_case(&format!("add {dtype:?} ({r},1)+(1,{c}) {side:?} on {tier}"));
                    let a = view(dtype, &[r, 1], &[-1, 1], side, 1);
                    let b = view(dtype, &[1, c], &[1, 1], side, 2);
                    let out = view(dtype, &[r, c], &[1, r as isize], side, 3);
                    unsafe { ops::binary_raw(e, BinaryOp::Add, &a.raw, &b.raw, &out.raw) }.unwrap();
                }
            }
        }
    });
}

#[test]
fn copies_and_casts() {
    each_exec(|e, tier| {
        for src_t in DType::ALL {
            for dst_t in DType::ALL {
                for n in lengths() {
                    for (ss, sd) in STRIDES_1D {
                        for side in SIDES {
                            set_case(&format!("copy {src_t:?} -> {dst_t:?} n={n} strides ({ss}, {sd}) {side:?} on {tier}"));
                            let src = view(src_t, &[n], &[ss], side, 1);
                            let dst = view(dst_t, &[n], &[sd], side, 2);
                            unsafe { ops::copy_into_raw(e, &src.raw, &dst.raw) }.unwrap();
                        }
                    }
                }
                // 2-D: transposing copies (tiles and their ragged edges),
                // reversed rows, a broadcast column.
                for (r, c) in [(1, 1), (3, 5), (15, 17), (16, 16), (33, 7), (40, 65)] {
                    let layouts: [(&[usize], &[isize], &[isize]); 4] = [
                        (&[r, c], &[1, r as isize], &[c as isize, 1]),
                        (&[r, c], &[-(c as isize), 1], &[1, r as isize]),
                        (&[r, c], &[c as isize, -1], &[-1, -(r as isize)]),
                        (&[r, c], &[0, 1], &[c as isize, 1]),
                    ];
                    for (i, (shape, ss, sd)) in layouts.into_iter().enumerate() {
                        for side in SIDES {
                            set_case(&format!("copy {src_t:?} -> {dst_t:?} ({r},{c}) layout {i} {side:?} on {tier}"));
                            let src = view(src_t, shape, ss, side, 1);
                            let dst = view(dst_t, shape, sd, side, 2);
                            unsafe { ops::copy_into_raw(e, &src.raw, &dst.raw) }.unwrap();
                        }
                    }
                }
            }
        }
    });
}

#[test]
fn creation() {
    use numkern::ops::create;
    each_exec(|e, tier| {
        for dtype in DType::ALL {
            for n in lengths() {
                for (_, so) in STRIDES_1D {
                    for side in SIDES {
                        set_case(&format!("fill/arange/linspace {dtype:?} n={n} stride {so} {side:?} on {tier}"));
                        let out = view(dtype, &[n], &[so], side, 2);
                        unsafe { create::fill_raw(e, &out.raw, 3.0) }.unwrap();
                        unsafe { create::arange_raw(e, &out.raw, -5.0, 2.0) }.unwrap();
                        if dtype.is_float() {
                            unsafe { create::linspace_raw(e, &out.raw, -1.0, 1.0, true) }.unwrap();
                        }
                    }
                }
            }
            // eye and the triangles over odd shapes in four layouts, every diagonal offset.
            for (r, c) in [(0, 3), (1, 1), (3, 5), (17, 4), (33, 40)] {
                for layout in 0..4 {
                    let st = mat_strides(layout, r, c);
                    for k in [-(r as i64) - 1, -2, 0, 1, c as i64 + 1] {
                        for side in SIDES {
                            set_case(&format!("eye/tril/triu {dtype:?} ({r},{c}) layout {layout} k={k} {side:?} on {tier}"));
                            let out = view(dtype, &[r, c], &st, side, 2);
                            unsafe { create::eye_raw(e, &out.raw, k) }.unwrap();
                            let x = view(dtype, &[r, c], &mat_strides((layout + 1) % 4, r, c), side, 1);
                            unsafe { create::triangle_raw(e, &x.raw, &out.raw, k, true) }.unwrap();
                            unsafe { create::triangle_raw(e, &out.raw, &out.raw, k, false) }.unwrap();
                        }
                    }
                }
            }
        }
    });
}

#[test]
fn random_fills_permutation_shuffle() {
    use numkern::random::{self, Stream};
    each_exec(|e, tier| {
        let s = Stream::new(11, 3);
        for dtype in DType::ALL {
            for n in lengths() {
                for (_, so) in STRIDES_1D {
                    for side in SIDES {
                        set_case(&format!("random {dtype:?} n={n} stride {so} {side:?} on {tier}"));
                        let out = view(dtype, &[n], &[so], side, 2);
                        for offset in [0, 37] {
                            if dtype.is_float() {
                                unsafe { random::uniform_raw(e, &out.raw, s, offset, -1.0, 1.0) }.unwrap();
                                unsafe { random::normal_raw(e, &out.raw, s, offset, 0.0, 1.0) }.unwrap();
                            } else {
                                unsafe { random::integers_raw(e, &out.raw, s, offset, 0, 100) }.unwrap();
                            }
                            if dtype == DType::U8 {
                                unsafe { random::bernoulli_raw(e, &out.raw, s, offset, 0.5) }.unwrap();
                            }
                        }
                        if matches!(dtype, DType::I32 | DType::I64) {
                            unsafe { random::permutation_raw(e, &out.raw, s) }.unwrap();
                        }
                        unsafe { random::shuffle_raw(&out.raw, 0, s) }.unwrap();
                    }
                }
            }
            for (r, c) in [(0, 3), (3, 5), (17, 4)] {
                for layout in 0..4 {
                    for axis in [0, 1] {
                        set_case(&format!("shuffle {dtype:?} ({r},{c}) layout {layout} axis {axis} on {tier}"));
                        let x = view(dtype, &[r, c], &mat_strides(layout, r, c), Side::After, 2);
                        unsafe { random::shuffle_raw(&x.raw, axis, s) }.unwrap();
                    }
                }
            }
        }
    });
}

#[test]
fn concatenate_stack_split() {
    use numkern::ops::join;
    each_exec(|e, tier| {
        for dtype in DType::ALL {
            for (r, c) in [(0, 3), (1, 1), (3, 5), (17, 4)] {
                for layout in 0..4 {
                    for side in SIDES {
                        set_case(&format!("concatenate/stack {dtype:?} ({r},{c}) layout {layout} {side:?} on {tier}"));
                        let a = view(dtype, &[r, c], &mat_strides(layout, r, c), side, 1);
                        let b = view(dtype, &[r, c], &mat_strides((layout + 1) % 4, r, c), side, 3);
                        let inputs = [a.raw, b.raw, a.raw];
                        let out0 = view(dtype, &[3 * r, c], &mat_strides(layout, 3 * r, c), side, 2);
                        unsafe { join::concatenate_raw(e, &inputs, 0, &out0.raw) }.unwrap();
                        let out1 = view(dtype, &[r, 3 * c], &mat_strides((layout + 2) % 4, r, 3 * c), side, 2);
                        unsafe { join::concatenate_raw(e, &inputs, -1, &out1.raw) }.unwrap();
                        let stacked = view(dtype, &[r, 3, c], &[3 * c as isize, c as isize, 1], side, 2);
                        unsafe { join::stack_raw(e, &inputs, 1, &stacked.raw) }.unwrap();
                        for v in join::split(&out1.raw, 1, &[1, 2 * c as i64 + 1, -1]).unwrap() {
                            unsafe { join::concatenate_raw(e, &[v], 0, &v) }.unwrap();
                        }
                    }
                }
            }
        }
    });
}

#[test]
fn take_gather_put_mask_select_compress_nonzero() {
    use numkern::ops::index::{self, TakeMode};
    each_exec(|e, tier| {
        for dtype in DType::ALL {
            for (r, c) in [(1, 1), (3, 5), (17, 4)] {
                for layout in 0..4 {
                    for side in SIDES {
                        set_case(&format!("take/mask {dtype:?} ({r},{c}) layout {layout} {side:?} on {tier}"));
                        let x = view(dtype, &[r, c], &mat_strides(layout, r, c), side, 1);
                        // Indices at both ends of each axis, in an i64 guarded view.
                        let idx = view(DType::I64, &[4], &[1], side, 0);
                        let ends = [0i64, r as i64 - 1, -1, -(r as i64)];
                        for (k, v) in ends.iter().enumerate() {
                            unsafe { (idx.raw.data as *mut i64).add(k).write_unaligned(*v) };
                        }
                        let out = view(dtype, &[4, c], &mat_strides(layout, 4, c), side, 2);
                        unsafe { index::take_raw(e, &x.raw, &idx.raw, 0, TakeMode::Raise, &out.raw) }.unwrap();
                        let out1 = view(dtype, &[r, 4], &mat_strides(layout, r, 4), side, 2);
                        unsafe { index::take_raw(e, &x.raw, &idx.raw, 1, TakeMode::Clip, &out1.raw) }.unwrap();
                        // x[rows, cols] and x[rows] by gather; out[rows] = values by put.
                        let cols = view(DType::I64, &[4], &[1], side, 0);
                        for (k, v) in [0i64, c as i64 - 1, -1, -(c as i64)].iter().enumerate() {
                            unsafe { (cols.raw.data as *mut i64).add(k).write_unaligned(*v) };
                        }
                        let picked = view(dtype, &[4], &[1], side, 2);
                        unsafe { index::gather_raw(e, &x.raw, &[idx.raw, cols.raw], TakeMode::Raise, &picked.raw) }.unwrap();
                        unsafe { index::gather_raw(e, &x.raw, &[idx.raw], TakeMode::Raise, &out.raw) }.unwrap();
                        let target = view(dtype, &[r, c], &mat_strides((layout + 3) % 4, r, c), side, 2);
                        unsafe { index::put_raw(e, &out.raw, &idx.raw, 0, TakeMode::Raise, &target.raw) }.unwrap();
                        // A mask of every other row, then of every other element.
                        let rows = view(DType::U8, &[r], &[1], side, 0);
                        for i in 0..r {
                            unsafe { *rows.raw.data.add(i) = (i % 2 == 0) as u8 };
                        }
                        let kept = r.div_ceil(2);
                        let sel = view(dtype, &[kept, c], &mat_strides(layout, kept, c), side, 2);
                        unsafe { index::mask_select_raw(e, &x.raw, &rows.raw, &sel.raw) }.unwrap();
                        let cmp = view(dtype, &[kept, c], &mat_strides((layout + 1) % 4, kept, c), side, 2);
                        unsafe { index::compress_raw(e, &rows.raw, &x.raw, 0, &cmp.raw) }.unwrap();
                        let nz = view(DType::I64, &[1, kept], &[kept as isize, 1], side, 2);
                        unsafe { index::nonzero_raw(&rows.raw, &nz.raw) }.unwrap();
                    }
                }
            }
        }
    });
}

#[test]
fn dot_axpy_gemv() {
    each_exec(|e, tier| {
        for dtype in FLOATS {
            for n in lengths() {
                for (sx, sy) in STRIDES_1D {
                    for side in SIDES {
                        set_case(&format!("dot/axpy {dtype:?} n={n} strides ({sx}, {sy}) {side:?} on {tier}"));
                        let x = view(dtype, &[n], &[sx], side, 1);
                        let y = view(dtype, &[n], &[sy], side, 2);
                        let out = view(dtype, &[], &[], side, 3);
                        unsafe { ops::dot_raw(e, &x.raw, &y.raw, &out.raw) }.unwrap();
                        unsafe { ops::axpy_raw(e, 1.5, &x.raw, &y.raw) }.unwrap();
                    }
                }
            }
            for m in [0, 1, 2, 3, 5, 7, 13, 31, 33, 67] {
                for n in [0, 1, 2, 3, 5, 9, 17, 31, 65] {
                    let (mi, ni) = (m as isize, n as isize);
                    // a: row-major, column-major, reversed rows, reversed columns.
                    let a_layouts = [[ni, 1], [1, mi], [-ni, 1], [1, -mi]];
                    for (i, sa) in a_layouts.into_iter().enumerate() {
                        for (sx, sy) in [(1, 1), (-1, -2), (2, 1)] {
                            for side in SIDES {
                                for beta in [0.0, 0.5] {
                                    set_case(&format!("gemv {dtype:?} {m}x{n} a layout {i} x/y strides ({sx}, {sy}) beta {beta} {side:?} on {tier}"));
                                    let a = view(dtype, &[m, n], &sa, side, 1);
                                    let x = view(dtype, &[n], &[sx], side, 2);
                                    let y = view(dtype, &[m], &[sy], side, 3);
                                    unsafe { ops::gemv_raw(e, 1.5, &a.raw, &x.raw, beta, &y.raw) }.unwrap();
                                }
                            }
                        }
                    }
                }
            }
        }
    });
}

/// Strides of an (r, c) matrix in one of four layouts: row-major,
/// column-major, reversed rows (element 0 at the high end), padded rows.
fn mat_strides(layout: usize, r: usize, c: usize) -> [isize; 2] {
    let (r, c) = (r as isize, c as isize);
    match layout % 4 {
        0 => [c, 1],
        1 => [1, r],
        2 => [-c, 1],
        _ => [c + 3, 1],
    }
}

fn gemm_case(e: Exec, tier: &str, dtype: DType, (m, k, n): (usize, usize, usize), layouts: [usize; 3], beta: f64, side: Side) {
    set_case(&format!("gemm {dtype:?} {m}x{k}x{n} layouts {layouts:?} beta {beta} threads {} {side:?} on {tier}", e.0.threads));
    let a = view(dtype, &[m, k], &mat_strides(layouts[0], m, k), side, 1);
    let b = view(dtype, &[k, n], &mat_strides(layouts[1], k, n), side, 2);
    let c = view(dtype, &[m, n], &mat_strides(layouts[2], m, n), side, 3);
    unsafe { ops::gemm_raw(e, 1.5, &a.raw, &b.raw, beta, &c.raw) }.unwrap();
}

#[test]
fn gemm_matmul_linear() {
    let dims = [0, 1, 2, 3, 5, 7, 17, 33];
    each_exec(|e, tier| {
        for dtype in FLOATS {
            let mut combo = 0;
            for m in dims {
                for k in dims {
                    for n in dims {
                        // Three of the 64 layout triples per shape, rotating,
                        // so every triple meets many shapes.
                        for _ in 0..3 {
                            combo += 1;
                            let layouts = [combo % 4, (combo / 4) % 4, (combo / 16) % 4];
                            for side in SIDES {
                                gemm_case(e, tier, dtype, (m, k, n), layouts, if combo % 2 == 0 { 0.0 } else { 0.5 }, side);
                            }
                        }
                    }
                }
            }
            // Big enough for packing, K blocks and a split over threads.
            for (m, k, n) in [(67, 45, 129), (129, 513, 67), (200, 300, 150)] {
                for threads in [1, 2, 3] {
                    for layouts in [[0, 0, 0], [1, 1, 1], [2, 3, 2], [3, 2, 1]] {
                        for side in SIDES {
                            gemm_case(exec(e.0.tier, threads), tier, dtype, (m, k, n), layouts, 0.5, side);
                        }
                    }
                }
            }
            // matmul: a batch of 3 stepping backwards times one matrix.
            for (m, k, n) in [(1, 1, 1), (3, 5, 7), (17, 2, 33), (9, 31, 1)] {
                for side in SIDES {
                    set_case(&format!("matmul {dtype:?} (3,{m},{k})@({k},{n}) {side:?} on {tier}"));
                    let a = view(dtype, &[3, m, k], &[-((m * k) as isize), k as isize, 1], side, 1);
                    let b = view(dtype, &[k, n], &[1, k as isize], side, 2);
                    let out = view(dtype, &[3, m, n], &[(m * n) as isize, n as isize, 1], side, 3);
                    unsafe { ops::matmul_raw(e, &a.raw, &b.raw, &out.raw) }.unwrap();
                }
            }
            // linear: every activation, with and without bias.
            for (rows, k, n) in [(1, 3, 5), (7, 17, 9), (33, 5, 65)] {
                for act in Activation::ALL {
                    for side in SIDES {
                        set_case(&format!("linear {dtype:?} ({rows},{k})x({k},{n}) {act:?} {side:?} on {tier}"));
                        let x = view(dtype, &[rows, k], &[k as isize, 1], side, 1);
                        let w = view(dtype, &[k, n], &[-(n as isize), 1], side, 2);
                        let bias = view(dtype, &[n], &[-1], side, 3);
                        let out = view(dtype, &[rows, n], &[n as isize, 1], side, 4);
                        unsafe { ops::linear_raw(e, &x.raw, &w.raw, Some(&bias.raw), act, &out.raw) }.unwrap();
                        unsafe { ops::linear_raw(e, &x.raw, &w.raw, None, act, &out.raw) }.unwrap();
                    }
                }
            }
        }
    });
}

#[test]
fn sum_and_mean() {
    each_exec(|e, tier| {
        for dtype in FLOATS {
            for n in lengths() {
                for (sx, _) in STRIDES_1D {
                    for side in SIDES {
                        set_case(&format!("sum {dtype:?} n={n} stride {sx} {side:?} on {tier}"));
                        let x = view(dtype, &[n], &[sx], side, 1);
                        let out = view(dtype, &[], &[], side, 2);
                        unsafe { ops::reduce_raw(e, ops::Reduction::Sum, &x.raw, None, &out.raw) }.unwrap();
                        unsafe { ops::reduce_raw(e, ops::Reduction::Mean, &x.raw, Some(&[0]), &out.raw) }.unwrap();
                    }
                }
            }
            // Each axis of odd matrices in four layouts, kept and dropped, and
            // a large one split across threads.
            for (r, c, threads) in [(1, 1, 1), (3, 5, 1), (17, 33, 1), (65, 2, 1), (300, 257, 1), (1000, 700, 3)] {
                for layout in 0..4 {
                    for side in SIDES {
                        let e = exec(e.0.tier, threads);
                        let x = view(dtype, &[r, c], &mat_strides(layout, r, c), side, 1);
                        for (axes, shape) in [(vec![0i64], vec![c]), (vec![-1], vec![r, 1]), (vec![0, 1], vec![])] {
                            set_case(&format!("sum {dtype:?} ({r},{c}) layout {layout} axes {axes:?} threads {threads} {side:?} on {tier}"));
                            let strides: Vec<isize> = if shape.len() == 2 { vec![-1, 1] } else { vec![-1; shape.len()] };
                            let out = view(dtype, &shape, &strides, side, 2);
                            unsafe { ops::reduce_raw(e, ops::Reduction::Sum, &x.raw, Some(&axes), &out.raw) }.unwrap();
                        }
                    }
                }
            }
        }
    });
}

/// Every reduction, softmax, the losses and layer_norm on odd matrices
/// in four layouts, each operand flush against a guard page.
#[test]
fn reductions_softmax_and_losses() {
    use ops::Reduction as R;
    let reductions = [
        R::Prod, R::Var { ddof: 1.0 }, R::Std { ddof: 0.0 }, R::Min, R::Max, R::Ptp, R::NanSum, R::NanMean, R::NanMin, R::NanMax,
        R::NormL1, R::NormL2, R::NormMax, R::LogSumExp, R::ArgMin, R::ArgMax, R::Any, R::All, R::CountNonzero,
    ];
    each_exec(|e, tier| {
        for dtype in FLOATS {
            for (r, c, threads) in [(1, 1, 1), (3, 5, 1), (17, 33, 1), (65, 2, 1), (300, 257, 1), (700, 600, 3)] {
                let e = exec(e.0.tier, threads);
                for layout in 0..4 {
                    for side in SIDES {
                        let x = view(dtype, &[r, c], &mat_strides(layout, r, c), side, 1);
                        for op in reductions {
                            let out_dtype = match op {
                                R::ArgMin | R::ArgMax | R::CountNonzero => DType::I64,
                                R::Any | R::All => DType::U8,
                                _ => dtype,
                            };
                            for (axes, shape) in [(vec![0i64], vec![c]), (vec![-1], vec![r, 1]), (vec![0, 1], vec![])] {
                                set_case(&format!("{op:?} {dtype:?} ({r},{c}) layout {layout} axes {axes:?} threads {threads} {side:?} on {tier}"));
                                let strides: Vec<isize> = if shape.len() == 2 { vec![-1, 1] } else { vec![-1; shape.len()] };
                                let out = view(out_dtype, &shape, &strides, side, 2);
                                unsafe { ops::reduce_raw(e, op, &x.raw, Some(&axes), &out.raw) }.unwrap();
                            }
                        }
                        for (axis, log) in [(0, false), (-1, true), (1, false)] {
                            set_case(&format!("softmax {dtype:?} ({r},{c}) layout {layout} axis {axis} log {log} threads {threads} {side:?} on {tier}"));
                            let out = view(dtype, &[r, c], &mat_strides((layout + 1) % 4, r, c), side, 3);
                            unsafe { ops::softmax_raw(e, &x.raw, axis, &out.raw, log, ops::MaskedRows::Nan) }.unwrap();
                        }
                        set_case(&format!("cross_entropy/accuracy/layer_norm {dtype:?} ({r},{c}) layout {layout} threads {threads} {side:?} on {tier}"));
                        let labels = view(DType::I64, &[r], &[-1], side, 4);
                        for i in 0..r {
                            // SAFETY: element i of the view, stride -1 from element 0.
                            unsafe { *(labels.raw.data as *mut i64).offset(-(i as isize)) = (i % c) as i64 };
                        }
                        let weights = view(dtype, &[c], &[-1], side, 5);
                        let rows = view(dtype, &[r], &[1], side, 6);
                        let loss = view(dtype, &[], &[], side, 7);
                        let opts = ops::CrossEntropyOptions { ignore_index: 1, label_smoothing: 0.1, reduction: ops::LossReduction::None };
                        unsafe { ops::cross_entropy_raw(e, &x.raw, &labels.raw, 1, Some(&weights.raw), opts, &rows.raw) }.unwrap();
                        let opts = ops::CrossEntropyOptions { reduction: ops::LossReduction::Mean, ..opts };
                        unsafe { ops::cross_entropy_raw(e, &x.raw, &labels.raw, -1, None, opts, &loss.raw) }.unwrap();
                        let acc = view(DType::F64, &[], &[], side, 8);
                        unsafe { ops::accuracy_raw(e, &x.raw, &labels.raw, 1, &acc.raw) }.unwrap();
                        let out = view(dtype, &[r, c], &mat_strides((layout + 2) % 4, r, c), side, 9);
                        let gamma = view(dtype, &[c], &[-1], side, 10);
                        unsafe { ops::row_norm_raw(e, ops::RowNorm::Layer, &x.raw, 1, Some(&gamma.raw), Some(&weights.raw), 1e-5, &out.raw) }.unwrap();
                        unsafe { ops::standardize_raw(e, &x.raw, Some(&[0]), 1e-5, &out.raw) }.unwrap();
                        let y = view(dtype, &[c], &[1], side, 11);
                        unsafe { ops::error_metric_raw(e, ops::ErrorMetric::Mse, &x.raw, &y.raw, Some(&[0]), &weights.raw) }.unwrap();
                        unsafe { ops::bce_with_logits_raw(e, &x.raw, &y.raw, ops::LossReduction::Mean, &loss.raw) }.unwrap();
                    }
                }
            }
        }
    });
}

/// Elementwise calls past the parallel threshold, split into chunks on
/// 2 and 3 threads, reversed.
#[test]
fn elementwise_split_across_threads() {
    each_exec(|e, tier| {
        for threads in [2, 3] {
            let e = exec(e.0.tier, threads);
            for n in [(1 << 18) + 3, (1 << 16) + 1] {
                for side in SIDES {
                    for dtype in FLOATS {
                        set_case(&format!("exp/add {dtype:?} n={n} threads {threads} {side:?} on {tier}"));
                        let x = view(dtype, &[n], &[-1], side, 1);
                        let out = view(dtype, &[n], &[1], side, 2);
                        unsafe { ops::unary_raw(e, UnaryOp::Exp, UnaryParams::default(), &x.raw, &out.raw) }.unwrap();
                        unsafe { ops::binary_raw(e, BinaryOp::Add, &x.raw, &out.raw, &out.raw) }.unwrap();
                        let y = view(dtype, &[n], &[1], side, 3);
                        unsafe { ops::dot_raw(e, &x.raw, &y.raw, &view(dtype, &[], &[], side, 4).raw) }.unwrap();
                        unsafe { ops::axpy_raw(e, -0.5, &x.raw, &y.raw) }.unwrap();
                        set_case(&format!("copy f64->f32 n={n} threads {threads} {side:?} on {tier}"));
                        let dst = view(DType::F32, &[n], &[-1], side, 5);
                        unsafe { ops::copy_into_raw(e, &x.raw, &dst.raw) }.unwrap();
                    }
                }
            }
        }
    });
}

/// The harness itself: touching the element just past a view's high end,
/// or just before its low end, kills the process with the handler's
/// status (so a kernel that did the same would fail this suite).
#[test]
fn one_element_outside_a_view_faults() {
    for (side, step) in [(Side::After, 1isize), (Side::Before, -1)] {
        // SAFETY: fork, then only reads and _exit in the child.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0, "fork failed");
        if pid == 0 {
            set_case("the harness's own probe");
            let v = view(DType::F32, &[5], &[-1], side, 1);
            // Element 0 is the highest (stride -1): one past it is +1;
            // element 4 is the lowest: one before it is -5.
            let outside = if step > 0 { 1 } else { -5 };
            let value = unsafe { std::ptr::read_volatile((v.raw.data as *const f32).offset(outside)) };
            std::hint::black_box(value);
            unsafe { libc::_exit(0) };
        }
        let mut status = 0;
        unsafe { libc::waitpid(pid, &mut status, 0) };
        assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 99, "{side:?}: the probe did not fault (status {status:#x})");
    }
}
