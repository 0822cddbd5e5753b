"""Seeded, counter-based random numbers: numkern.Generator.

Philox4x32-10: value i of a fill depends only on (seed, stream, offset + i),
so results are bitwise the same for any thread count and any layout of the
output. The values differ from NumPy's (another generator and other
transforms); see the README's "Random numbers" for what stays stable.
"""

import numpy as np

from ._core import array, check, descriptors, lib, output, wraps

__all__ = ["Generator", "default_rng"]

_MASK64 = (1 << 64) - 1


def _target(size, dtype, out, where):
    if out is not None:
        return output(out, where)
    return np.empty(() if size is None else size, dtype)


def _scalar_or_array(out, size):
    return out[()] if size is None and out.ndim == 0 else out


def _fill(kernel, name, out, seed, stream, offset, *params):
    where = f"numkern.Generator.{name}"
    out = output(out, where)
    check(kernel(descriptors(out, where=where)[0], seed & _MASK64, stream & _MASK64, offset & _MASK64, *params))
    return out


class Generator:
    """A seeded generator (NumPy's Generator interface, numkern's values).

    Call number c of a Generator(seed, stream) draws from Philox stream
    (stream << 32) | c at offset 0: the same sequence of calls gives the same
    arrays on any machine, thread count or output layout. `fill_*` give the C
    entry points' full control (any stream and offset)."""

    def __init__(self, seed=0, stream=0):
        self.seed = int(seed) & _MASK64
        self.stream = int(stream) & 0xFFFF_FFFF
        self._calls = 0

    def __repr__(self):
        return f"numkern.Generator(seed={self.seed}, stream={self.stream})"

    def _next(self):
        s = (self.stream << 32) | (self._calls & 0xFFFF_FFFF)
        self._calls += 1
        return s

    # -- fills with explicit stream and offset (the C entry points)
    @staticmethod
    @wraps("numkern_random_uniform")
    def fill_uniform(out, seed, stream=0, offset=0, low=0.0, high=1.0):
        """out = uniform on [low, high): values offset, offset + 1, ... of (seed, stream)."""
        return _fill(lib.numkern_random_uniform, "fill_uniform", out, seed, stream, offset, float(low), float(high))

    @staticmethod
    @wraps("numkern_random_normal")
    def fill_normal(out, seed, stream=0, offset=0, loc=0.0, scale=1.0):
        """out = normal(loc, scale): values offset, offset + 1, ... of (seed, stream)."""
        return _fill(lib.numkern_random_normal, "fill_normal", out, seed, stream, offset, float(loc), float(scale))

    @staticmethod
    @wraps("numkern_random_integers")
    def fill_integers(out, seed, stream=0, offset=0, low=0, high=2):
        """out = integers on [low, high): values offset, offset + 1, ... of (seed, stream)."""
        return _fill(lib.numkern_random_integers, "fill_integers", out, seed, stream, offset, int(low), int(high))

    @staticmethod
    @wraps("numkern_random_bernoulli")
    def fill_bernoulli(out, seed, stream=0, offset=0, p=0.5):
        """out (uint8) = 1 with probability p: values offset, offset + 1, ... of (seed, stream)."""
        return _fill(lib.numkern_random_bernoulli, "fill_bernoulli", out, seed, stream, offset, float(p))

    # -- NumPy's Generator methods
    def random(self, size=None, dtype=np.float64, out=None):
        """Uniform on [0, 1) (f32: 24 random bits, f64: 53)."""
        return self.uniform(0.0, 1.0, size, dtype, out)

    def uniform(self, low=0.0, high=1.0, size=None, dtype=np.float64, out=None):
        """Uniform on [low, high)."""
        out = _target(size, dtype, out, "numkern.Generator.uniform")
        self.fill_uniform(out, self.seed, self._next(), 0, low, high)
        return _scalar_or_array(out, size)

    def standard_normal(self, size=None, dtype=np.float64, out=None):
        """Normal(0, 1) by Box-Muller."""
        return self.normal(0.0, 1.0, size, dtype, out)

    def normal(self, loc=0.0, scale=1.0, size=None, dtype=np.float64, out=None):
        """Normal(loc, scale) by Box-Muller."""
        out = _target(size, dtype, out, "numkern.Generator.normal")
        self.fill_normal(out, self.seed, self._next(), 0, loc, scale)
        return _scalar_or_array(out, size)

    def integers(self, low, high=None, size=None, dtype=np.int64, out=None):
        """Integers on [low, high) (high=None: on [0, low)), without modulo bias."""
        if high is None:
            low, high = 0, low
        out = _target(size, dtype, out, "numkern.Generator.integers")
        self.fill_integers(out, self.seed, self._next(), 0, low, high)
        return _scalar_or_array(out, size)

    def bernoulli(self, p, size=None, out=None):
        """uint8 1 with probability p, else 0 (dropout masks)."""
        out = _target(size, np.uint8, out, "numkern.Generator.bernoulli")
        self.fill_bernoulli(out, self.seed, self._next(), 0, p)
        return _scalar_or_array(out, size)

    @wraps("numkern_random_permutation")
    def permutation(self, x, axis=0):
        """A permuted range (x an int) or a shuffled copy of x along axis."""
        if isinstance(x, (int, np.integer)):
            out = np.empty(int(x), np.int64)
            check(lib.numkern_random_permutation(descriptors(out)[0], self.seed, self._next()))
            return out
        out = np.array(array(x, "numkern.Generator.permutation"), copy=True)
        self.shuffle(out, axis)
        return out

    @wraps("numkern_random_shuffle")
    def shuffle(self, x, axis=0):
        """Shuffles x in place along axis (equal to x[permutation(len)] on the same stream)."""
        x = output(x, "numkern.Generator.shuffle")
        check(lib.numkern_random_shuffle(descriptors(x)[0], int(axis), self.seed, self._next()))


def default_rng(seed=0):
    """numkern.Generator(seed) (np.random.default_rng's counterpart)."""
    return Generator(seed)
