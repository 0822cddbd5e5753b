//! Philox4x32-10 (Salmon, Moraes, Dror and Shaw, "Parallel random numbers:
//! as easy as 1, 2, 3", SC'11): a counter-based generator. Its output for a
//! (counter, key) pair depends on nothing else, so the words for any
//! element index can be computed directly, on any thread, in any order:
//! the basis of numkern's seeded fills (bitwise the same for any thread
//! count, layout or split of a fill into several calls).
//!
//! The round constants are the paper's; the known-answer vectors in the
//! tests are Random123's published `kat_vectors`.

/// The two round multipliers (the paper's PHILOX_M4x32_0 and _1).
const M0: u32 = 0xD251_1F53;
const M1: u32 = 0xCD9E_8D57;
/// The key schedule's Weyl increments (golden ratio and sqrt(3) - 1, 32 bits).
const W0: u32 = 0x9E37_79B9;
const W1: u32 = 0xBB67_AE85;

#[inline(always)]
fn mulhilo(a: u32, b: u32) -> (u32, u32) {
    let p = u64::from(a) * u64::from(b);
    ((p >> 32) as u32, p as u32)
}

#[inline(always)]
fn round(c: [u32; 4], k: [u32; 2]) -> [u32; 4] {
    let (hi0, lo0) = mulhilo(M0, c[0]);
    let (hi1, lo1) = mulhilo(M1, c[2]);
    [hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0]
}

/// The four 32-bit words Philox4x32 with 10 rounds gives for `counter` under `key`.
#[inline]
pub fn philox4x32_10(counter: [u32; 4], key: [u32; 2]) -> [u32; 4] {
    let mut c = round(counter, key);
    let mut k = key;
    for _ in 1..10 {
        k = [k[0].wrapping_add(W0), k[1].wrapping_add(W1)];
        c = round(c, k);
    }
    c
}

/// Counters per group: the unit the fills generate, 16 lanes wide so the
/// rounds below vectorize inside each tier's `#[target_feature]` wrapper.
pub const GROUP_COUNTERS: usize = 16;
/// Words per group.
pub const GROUP_WORDS: usize = 4 * GROUP_COUNTERS;

/// Groups generated together by [`batch_words`]: two independent 16-lane
/// chains hide the multiply latency that one chain waits on.
pub const BATCH: usize = 2;

/// Philox4x32-10 on the N counters (block = first + l, stream), lane-wise
/// so it vectorizes: word j of counter l is the low half of `out[j][l]`.
/// Each word lives in a u64 lane of which only the low 32 bits count:
/// `(x & LOW) * M` is one 32x32->64 multiply (vpmuludq), its high half is
/// `>> 32`, and the low half needs no masking, because every later use
/// either masks it again or only passes its low bits on.
#[inline(always)]
fn lanes<const N: usize>(first: u64, stream: u64, key: [u32; 2]) -> [[u64; N]; 4] {
    const LOW: u64 = 0xffff_ffff;
    let (mut c0, mut c1, mut c2, mut c3) = ([0u64; N], [0u64; N], [stream & LOW; N], [stream >> 32; N]);
    for l in 0..N {
        let block = first.wrapping_add(l as u64);
        c0[l] = block & LOW;
        c1[l] = block >> 32;
    }
    // The key schedule, outside the lane loops.
    let mut keys = [(0u64, 0u64); 10];
    for (r, k) in keys.iter_mut().enumerate() {
        *k = (u64::from(key[0].wrapping_add(W0.wrapping_mul(r as u32))), u64::from(key[1].wrapping_add(W1.wrapping_mul(r as u32))));
    }
    for &(k0, k1) in &keys {
        for l in 0..N {
            let p0 = u64::from(M0) * (c0[l] & LOW);
            let p1 = u64::from(M1) * (c2[l] & LOW);
            c0[l] = (p1 >> 32) ^ c1[l] ^ k0;
            c1[l] = p1;
            c2[l] = (p0 >> 32) ^ c3[l] ^ k1;
            c3[l] = p0;
        }
    }
    [c0, c1, c2, c3]
}

/// The words of group `group` from lanes `at .. at + 16` of `c`, planar.
#[inline(always)]
fn planar<const N: usize>(c: &[[u64; N]; 4], at: usize) -> [u32; GROUP_WORDS] {
    let mut out = [0u32; GROUP_WORDS];
    for j in 0..4 {
        for l in 0..GROUP_COUNTERS {
            out[j * GROUP_COUNTERS + l] = c[j][at + l] as u32;
        }
    }
    out
}

/// The 64 words of group `group` of `stream` under `key`, in planar order:
/// word `16 j + l` is word j of Philox4x32-10 at counter
/// (block = 16 group + l as two words low first, stream low, stream high).
/// Equal to [`philox4x32_10`] per counter (tested).
#[inline(always)]
pub fn group_words(group: u64, stream: u64, key: [u32; 2]) -> [u32; GROUP_WORDS] {
    planar(&lanes::<GROUP_COUNTERS>(group.wrapping_mul(GROUP_COUNTERS as u64), stream, key), 0)
}

/// Groups `first .. first + BATCH`, each as [`group_words`] gives it.
#[inline(always)]
pub fn batch_words(first: u64, stream: u64, key: [u32; 2]) -> [[u32; GROUP_WORDS]; BATCH] {
    let c = lanes::<{ BATCH * GROUP_COUNTERS }>(first.wrapping_mul(GROUP_COUNTERS as u64), stream, key);
    let mut out = [[0u32; GROUP_WORDS]; BATCH];
    for (g, words) in out.iter_mut().enumerate() {
        *words = planar(&c, g * GROUP_COUNTERS);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Random123's kat_vectors for philox4x32 10: counter, key, expected.
    #[test]
    fn known_answers() {
        let cases: [([u32; 4], [u32; 2], [u32; 4]); 3] = [
            ([0; 4], [0; 2], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]),
            ([u32::MAX; 4], [u32::MAX; 2], [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]),
            (
                [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
                [0xa4093822, 0x299f31d0],
                [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1],
            ),
        ];
        for (counter, key, expected) in cases {
            assert_eq!(philox4x32_10(counter, key), expected, "counter {counter:08x?} key {key:08x?}");
        }
    }

    #[test]
    fn groups_are_the_counters_words() {
        let key = [0x1234_5678, 0x9abc_def0];
        for (group, stream) in [(0u64, 0u64), (7, 3), (u64::MAX / 16, u64::MAX), (0x1_0000_0000, 0xdead_beef_0000_0001)] {
            let words = group_words(group, stream, key);
            assert_eq!(batch_words(group.wrapping_sub(BATCH as u64 - 1), stream, key)[BATCH - 1], words);
            for l in 0..GROUP_COUNTERS {
                let block = group.wrapping_mul(16).wrapping_add(l as u64);
                let want = philox4x32_10([block as u32, (block >> 32) as u32, stream as u32, (stream >> 32) as u32], key);
                for j in 0..4 {
                    assert_eq!(words[16 * j + l], want[j], "group {group} stream {stream} lane {l} word {j}");
                }
            }
        }
    }
}
