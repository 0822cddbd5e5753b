//! Random-number entry points: seeded, counter-based fills, permutation, shuffle.
//!
//! Every fill draws value `offset + i` of the stream (seed, stream) for the
//! element of C-order index i in `out`: bitwise the same for any thread
//! count, any strides of `out`, and any split of one fill into calls at
//! offsets. The values differ from NumPy's (another generator, other
//! transforms); the README's "Random numbers" section says what stays stable.

use super::{arrays, guard};
use crate::framework::array::numkern_array;
use crate::ops::Exec;
use crate::random::{self, Stream};

/// out = uniform random values on [low, high), values `offset ..` of stream (seed, stream) (NumPy's Generator.uniform / random).
///
/// `out` f32 (24 random bits per value) or f64 (53 bits), any strides. Philox4x32-10: one 32-bit word per f32 value, two per f64.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _DTYPE (an integer out), _INVALID_ARGUMENT (low > high, a non-finite bound or high - low; `out` would write an element twice), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_random_uniform(out: *const numkern_array, seed: u64, stream: u64, offset: u64, low: f64, high: f64) -> i32 {
    guard("numkern_random_uniform", || {
        arrays!(let [out] = [(out, "out")]);
        random::uniform_raw(Exec::current(), &out, Stream::new(seed, stream), offset, low, high)
    })
}

/// out = normal random values with mean `mean` and standard deviation `std` (NumPy's standard_normal / normal), values `offset ..` of stream (seed, stream).
///
/// `out` f32 or f64, any strides. Box–Muller on pairs of uniforms: one word per f32 value, two per f64, never a rejection loop; the tails end at 5.77 (f32) and 8.57 (f64) standard deviations. Same bits on every tier and platform (no fused multiply-add).
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _DTYPE (an integer out), _INVALID_ARGUMENT (a non-finite mean, std < 0 or not finite; `out` would write an element twice), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_random_normal(out: *const numkern_array, seed: u64, stream: u64, offset: u64, mean: f64, std: f64) -> i32 {
    guard("numkern_random_normal", || {
        arrays!(let [out] = [(out, "out")]);
        random::normal_raw(Exec::current(), &out, Stream::new(seed, stream), offset, mean, std)
    })
}

/// out = random integers on [low, high) (NumPy's Generator.integers), values `offset ..` of stream (seed, stream).
///
/// `out` i32, i64 or u8, any strides. floor(range * bits / 2^64), no modulo: two words per value when high - low <= 2^32 (each value within 2^-32 relative of 1/range), four otherwise (2^-64).
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _DTYPE (a float out), _INVALID_ARGUMENT (low >= high, low or high - 1 outside out's dtype; `out` would write an element twice), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_random_integers(out: *const numkern_array, seed: u64, stream: u64, offset: u64, low: i64, high: i64) -> i32 {
    guard("numkern_random_integers", || {
        arrays!(let [out] = [(out, "out")]);
        random::integers_raw(Exec::current(), &out, Stream::new(seed, stream), offset, low, high)
    })
}

/// out = 1 with probability p, else 0 (dropout masks; NumPy's `rng.random(shape) < p`), values `offset ..` of stream (seed, stream).
///
/// `out` u8, any strides; one word per value, 1 when word < round(p 2^32) (p = 1 gives all ones).
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _DTYPE (out not u8), _INVALID_ARGUMENT (p outside [0, 1] or NaN; `out` would write an element twice), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_random_bernoulli(out: *const numkern_array, seed: u64, stream: u64, offset: u64, p: f64) -> i32 {
    guard("numkern_random_bernoulli", || {
        arrays!(let [out] = [(out, "out")]);
        random::bernoulli_raw(Exec::current(), &out, Stream::new(seed, stream), offset, p)
    })
}

/// out = a random permutation of 0 .. len(out) - 1 (NumPy's Generator.permutation(n)) from stream (seed, stream).
///
/// `out` 1-D i32 or i64, any strides. Fisher–Yates, single-threaded (the same for any thread count); equal to numkern_random_shuffle of an arange on the same stream.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _SHAPE_MISMATCH (out not 1-D), _DTYPE, _INVALID_ARGUMENT (more than 2^31 items into i32; `out` would write an element twice), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_random_permutation(out: *const numkern_array, seed: u64, stream: u64) -> i32 {
    guard("numkern_random_permutation", || {
        arrays!(let [out] = [(out, "out")]);
        random::permutation_raw(Exec::current(), &out, Stream::new(seed, stream))
    })
}

/// Shuffles x in place along `axis` (NumPy's Generator.shuffle(x, axis)): the sub-arrays along `axis` are permuted, from stream (seed, stream).
///
/// Any dtype and strides; negative axes wrap. Fisher–Yates, single-threaded; the sub-array at position i afterwards is the one at permutation[i] before, permutation being numkern_random_permutation's output for the same stream.
/// Status: NUMKERN_OK, or NUMKERN_ERR_NULL_POINTER, _BAD_DESCRIPTOR, _AXIS, _INVALID_ARGUMENT (x would write an element twice), _INTERNAL; on error nothing is written.
#[no_mangle]
pub unsafe extern "C" fn numkern_random_shuffle(x: *const numkern_array, axis: i64, seed: u64, stream: u64) -> i32 {
    guard("numkern_random_shuffle", || {
        arrays!(let [x] = [(x, "x")]);
        random::shuffle_raw(&x, axis, Stream::new(seed, stream))
    })
}
