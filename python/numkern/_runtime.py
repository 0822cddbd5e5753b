"""Threads, SIMD tiers, version."""

from ._core import check, ffi, lib, wraps

__all__ = ["set_num_threads", "get_num_threads", "set_isa", "get_isa", "detected_isa", "version"]

_ISAS = {"portable": lib.NUMKERN_ISA_PORTABLE, "neon": lib.NUMKERN_ISA_NEON,
         "avx2": lib.NUMKERN_ISA_AVX2, "avx512": lib.NUMKERN_ISA_AVX512}


@wraps("numkern_set_num_threads")
def set_num_threads(n):
    """Sets how many threads numkern calls use (0: the default, NUMKERN_NUM_THREADS
    or the core count). Results never depend on it. Returns None."""
    check(lib.numkern_set_num_threads(int(n)))


@wraps("numkern_get_num_threads")
def get_num_threads():
    """The number of threads numkern calls use now."""
    return lib.numkern_get_num_threads()


def _isa_name(code):
    return ffi.string(lib.numkern_isa_name(code)).decode()


@wraps("numkern_set_isa")
def set_isa(name):
    """Selects the SIMD tier by name ("portable", "neon", "avx2", "avx512"), never
    above what the CPU has (UnsupportedError); set_isa(detected_isa()) restores it."""
    if name not in _ISAS:
        raise ValueError(f"set_isa: unknown tier {name!r}; expected one of {sorted(_ISAS)}")
    check(lib.numkern_set_isa(_ISAS[name]))


@wraps("numkern_get_isa", "numkern_isa_name")
def get_isa():
    """The SIMD tier calls use now, e.g. "avx512"."""
    return _isa_name(lib.numkern_get_isa())


@wraps("numkern_detected_isa")
def detected_isa():
    """The best SIMD tier this CPU supports."""
    return _isa_name(lib.numkern_detected_isa())


@wraps("numkern_version")
def version():
    """The library's version, "MAJOR.MINOR.PATCH"."""
    return ffi.string(lib.numkern_version()).decode()
