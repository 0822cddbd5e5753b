"""The machinery under every wrapper: the library, descriptors, errors.

Arrays cross into numkern as `numkern_array` descriptors built from the
NumPy array's own buffer: its data address, shape, and byte strides divided
by the item size. Nothing is ever copied; an array that cannot be described
that way (strides not a multiple of the item size, non-native byte order,
more than 8 dimensions, a dtype numkern has not) raises instead.
"""

import ctypes
import operator
import os
import struct
import sys

import numpy as np

from ._ffi import ffi

lib = ffi.dlopen(os.path.join(os.path.dirname(os.path.abspath(__file__)), "libnumkern.so"))

MAX_NDIM = lib.NUMKERN_MAX_NDIM

# Every numkern_* function a Python function calls: {C name: Python name}.
# tests/test_completeness.py checks the header against it.
WRAPPED = {}


def wraps(*c_names):
    """Marks a Python function as the wrapper of these C functions."""

    def mark(fn):
        for c_name in c_names:
            WRAPPED.setdefault(c_name, fn.__name__)
        return fn

    return mark


# ---------------------------------------------------------------- errors


class Error(Exception):
    """A numkern call failed; the message is the library's own."""

    status = None


Error.__module__ = "numkern"


class _NumpyAxisError(np.exceptions.AxisError if hasattr(np, "exceptions") else ValueError):
    """NumPy's AxisError taking the library's whole message."""

    def __init__(self, message):
        # numpy's AxisError(axis, ndim, prefix) also takes a lone message.
        super().__init__(message)

    def __str__(self):
        return str(self.args[0]) if self.args else ""


def _error(name, also, status, doc):
    return type(name, (Error, also), {"status": status, "__doc__": doc, "__module__": "numkern"})


# One class per status class; each is also the built-in exception a NumPy
# user would catch for it.
_STATUS_CLASSES = [
    ("NullPointerError", ValueError, "NULL_POINTER", "A required pointer was null"),
    ("BadDescriptorError", ValueError, "BAD_DESCRIPTOR", "An array descriptor was malformed"),
    ("ShapeError", ValueError, "SHAPE_MISMATCH", "Shapes do not match or broadcast; also a ValueError"),
    ("DTypeError", TypeError, "DTYPE", "A dtype the function does not take, or mixed dtypes; also a TypeError"),
    ("AxisError", _NumpyAxisError, "AXIS", "An axis out of range or named twice; also NumPy's AxisError"),
    ("EmptyReductionError", ValueError, "EMPTY_REDUCTION", "A reduction over no elements"),
    ("OutOfMemoryError", MemoryError, "OUT_OF_MEMORY", "A temporary could not be allocated; also a MemoryError"),
    ("InvalidArgumentError", ValueError, "INVALID_ARGUMENT", "An argument out of its domain; also a ValueError"),
    ("UnsupportedError", NotImplementedError, "UNSUPPORTED", "The CPU lacks the requested SIMD tier"),
    ("InternalError", RuntimeError, "INTERNAL", "A bug in numkern; please report it"),
]
ERRORS = {}
for _name, _also, _code, _doc in _STATUS_CLASSES:
    _status = getattr(lib, "NUMKERN_ERR_" + _code)
    ERRORS[_status] = globals()[_name] = _error(_name, _also, _status, f"{_doc} (NUMKERN_ERR_{_code}).")
del _name, _also, _code, _doc, _status


def check(status):
    """Raises the exception for a non-zero status, with the library's message
    (kept per thread by the library: this is the thread that made the call)."""
    if status:
        raise_status(status)


@wraps("numkern_last_error_message", "numkern_status_string")
def raise_status(status):
    message = ffi.string(lib.numkern_last_error_message()).decode()
    if not message:
        message = ffi.string(lib.numkern_status_string(status)).decode()
    raise ERRORS.get(status, Error)(message)


# ---------------------------------------------------------------- dtypes

DTYPE_CODES = {
    np.dtype(np.float32): lib.NUMKERN_F32,
    np.dtype(np.float64): lib.NUMKERN_F64,
    np.dtype(np.int32): lib.NUMKERN_I32,
    np.dtype(np.int64): lib.NUMKERN_I64,
    np.dtype(np.uint8): lib.NUMKERN_U8,
    # One byte holding 0 or 1: numkern's masks are u8.
    np.dtype(np.bool_): lib.NUMKERN_U8,
}


def dtype_error(where, dtype):
    return DTypeError(
        f"{where}: numkern has no {dtype} arrays (it takes float32, float64, int32, int64, "
        f"uint8 and bool); convert explicitly, e.g. x.astype(np.float32)"
    )


# ---------------------------------------------------------------- descriptors
#
# numkern_array is {void *data; int32 dtype; int32 ndim; int64 shape[8];
# int64 strides[8]}: the address, then a tail that depends only on the
# array's dtype, shape and strides. Tails are cached, so a call on arrays of
# a shape seen before packs just the addresses.

_ARRAY = ffi.typeof("numkern_array[]")
_ADDRESS = struct.Struct("@P").pack
_TAIL = struct.Struct("=ii8q8q")
assert ffi.sizeof("numkern_array") == 8 + _TAIL.size
_TAILS = {}


def _tail(a, where):
    dtype = a.dtype
    code = DTYPE_CODES.get(dtype)
    if code is None:
        if dtype.kind in "fiub" and dtype.newbyteorder("=") in DTYPE_CODES:
            raise ValueError(
                f"{where}: array has non-native byte order ({dtype.str}); numkern does not copy: "
                f"use x.astype(x.dtype.newbyteorder('='))"
            )
        raise dtype_error(where, dtype)
    ndim, size = a.ndim, dtype.itemsize
    if ndim > MAX_NDIM:
        raise ValueError(f"{where}: array has {ndim} dimensions; numkern takes at most {MAX_NDIM}")
    strides = a.strides
    if any(s % size for s in strides):
        raise ValueError(
            f"{where}: strides {strides} are not a multiple of the item size {size} (a view of a "
            f"structured or byte-offset array); numkern does not copy: use np.ascontiguousarray(x)"
        )
    pad = (0,) * (MAX_NDIM - ndim)
    return _TAIL.pack(code, ndim, *a.shape, *pad, *(s // size for s in strides), *pad)


def remember(cache, key, value):
    """cache[key] = value, the cache emptied first when it has grown large
    (the memos below key on shapes, which a program repeats)."""
    if len(cache) > 4096:
        cache.clear()
    cache[key] = value
    return value


def tail(a, where="numkern"):
    key = (a.shape, a.strides, a.dtype)
    t = _TAILS.get(key)
    return t if t is not None else remember(_TAILS, key, _tail(a, where))


def _address_by_interface(a):
    return a.__array_interface__["data"][0]


# The data pointer is a field of NumPy's PyArrayObject (its public C struct,
# the same in NumPy 1.x and 2.x): reading it costs ~0.1 us, against ~1.5 us
# for __array_interface__. Checked below against __array_interface__ and
# used only where it agrees (CPython).
_OFFSET = 2 * ctypes.sizeof(ctypes.c_void_p)
_read_word = ctypes.c_size_t.from_address


def _address_by_field(a):
    return _read_word(id(a) + _OFFSET).value


def _field_agrees():
    if sys.implementation.name != "cpython":
        return False
    base = np.arange(24.0).reshape(4, 6)
    probes = (base, base[::-1, 1::2], base.T, np.ones(3, np.float32)[::-1], np.zeros(0))
    return all(_address_by_field(p) == _address_by_interface(p) for p in probes)


address = _address_by_field if _field_agrees() else _address_by_interface


def descriptors(*arrays, where="numkern"):
    """Descriptor pointers for the arrays, in order. The first element owns
    the memory of all of them: keep the tuple alive for the call. `where`
    (the calling function) names it in the error of an array that cannot
    be described."""
    if len(arrays) == 2:
        d = pack2(*arrays, where)
        return d, d + 1
    if len(arrays) == 3:
        d = pack3(*arrays, where)
        return d, d + 1, d + 2
    if len(arrays) == 4:
        d = pack4(*arrays, where)
        return d, d + 1, d + 2, d + 3
    d = pack(arrays, where)
    return (d,) + tuple(d + i for i in range(1, len(arrays)))


# The small-call path: one cache lookup for all the tails of a call, the
# addresses read in place and packed around them, one buffer.
_from_buffer = ffi.from_buffer
_TAIL_SETS = {}


def _tails(arrays, key, where):
    return remember(_TAIL_SETS, key, tuple(tail(a, where) for a in arrays))


_PACK2 = struct.Struct(f"@P{_TAIL.size}sP{_TAIL.size}s").pack
_PACK3 = struct.Struct(f"@P{_TAIL.size}sP{_TAIL.size}sP{_TAIL.size}s").pack
_PACK4 = struct.Struct(f"@P{_TAIL.size}sP{_TAIL.size}sP{_TAIL.size}sP{_TAIL.size}s").pack


_layout = operator.attrgetter("shape", "strides", "dtype")


def pack(arrays, where="numkern", _get=_TAIL_SETS.get):
    """Any number of descriptors in one buffer."""
    key = tuple(map(_layout, arrays))
    t = _get(key) or _tails(arrays, key, where)
    parts = []
    for a, tail_bytes in zip(arrays, t):
        parts.append(_ADDRESS(address(a)))
        parts.append(tail_bytes)
    return _from_buffer(_ARRAY, b"".join(parts))


# (Module globals bound as default arguments: locals are faster to read.)
def pack2(a, b, where="numkern", _get=_TAIL_SETS.get, _pack=_PACK2, _word=_read_word, _at=_OFFSET,
          _buffer=_from_buffer, _type=_ARRAY):
    """Two descriptors in one buffer (pass d and d + 1; keep d alive)."""
    key = (a.shape, a.strides, a.dtype, b.shape, b.strides, b.dtype)
    t = _get(key) or _tails((a, b), key, where)
    return _buffer(_type, _pack(_word(id(a) + _at).value, t[0], _word(id(b) + _at).value, t[1]))


def pack3(a, b, c, where="numkern", _get=_TAIL_SETS.get, _pack=_PACK3, _word=_read_word, _at=_OFFSET,
          _buffer=_from_buffer, _type=_ARRAY):
    """Three descriptors in one buffer (d, d + 1, d + 2)."""
    key = (a.shape, a.strides, a.dtype, b.shape, b.strides, b.dtype, c.shape, c.strides, c.dtype)
    t = _get(key) or _tails((a, b, c), key, where)
    return _buffer(_type, _pack(_word(id(a) + _at).value, t[0], _word(id(b) + _at).value, t[1],
                                _word(id(c) + _at).value, t[2]))


def pack4(a, b, c, e, where="numkern", _get=_TAIL_SETS.get, _pack=_PACK4, _word=_read_word, _at=_OFFSET,
          _buffer=_from_buffer, _type=_ARRAY):
    """Four descriptors in one buffer (the linear layer with its bias)."""
    key = (a.shape, a.strides, a.dtype, b.shape, b.strides, b.dtype, c.shape, c.strides, c.dtype,
           e.shape, e.strides, e.dtype)
    t = _get(key) or _tails((a, b, c, e), key, where)
    return _buffer(_type, _pack(_word(id(a) + _at).value, t[0], _word(id(b) + _at).value, t[1],
                                _word(id(c) + _at).value, t[2], _word(id(e) + _at).value, t[3]))


def call2(kernel, a, b, where="numkern", _pack=pack2):
    """kernel(a, b) on two arrays, raising on a non-zero status."""
    d = _pack(a, b, where)
    status = kernel(d, d + 1)
    if status:
        raise_status(status)


def call3(kernel, a, b, c, where="numkern", _pack=pack3):
    """kernel(a, b, c) on three arrays, raising on a non-zero status."""
    d = _pack(a, b, c, where)
    status = kernel(d, d + 1, d + 2)
    if status:
        raise_status(status)


if address is not _address_by_field:
    # Not CPython, or a NumPy whose array struct differs: the generic path.
    def pack2(a, b, where="numkern"):  # noqa: F811
        return pack((a, b), where)

    def pack3(a, b, c, where="numkern"):  # noqa: F811
        return pack((a, b, c), where)

    def pack4(a, b, c, e, where="numkern"):  # noqa: F811
        return pack((a, b, c, e), where)

    call2.__defaults__ = ("numkern", pack2)
    call3.__defaults__ = ("numkern", pack3)


# ---------------------------------------------------------------- inputs


def _from_dlpack(x, where, writable):
    device = x.__dlpack_device__()
    if int(device[0]) not in (1, 3):  # kDLCPU, kDLCUDAHost (pinned host memory)
        raise ValueError(
            f"{where}: the tensor is on device {tuple(int(v) for v in device)} (DLPack device type "
            f"{int(device[0])}); numkern runs on the CPU: move it first (e.g. tensor.cpu())"
        )
    a = np.from_dlpack(x)
    if writable and not a.flags.writeable:
        raise ValueError(f"{where}: the output tensor is read-only")
    return a


def array(x, where="numkern"):
    """An input as an ndarray, without copying it. Python scalars and
    sequences go through np.asarray (that creates them; it copies nothing
    that already is an array)."""
    if isinstance(x, np.ndarray):
        return x
    if hasattr(x, "__dlpack__") and not isinstance(x, np.generic):
        return _from_dlpack(x, where, False)
    return np.asarray(x)


def output(x, where="numkern"):
    """A caller's `out=` array: writable, never a copy."""
    if isinstance(x, np.ndarray):
        if not x.flags.writeable:
            raise ValueError(f"{where}: output array is read-only")
        return x
    if hasattr(x, "__dlpack__"):
        return _from_dlpack(x, where, True)
    raise TypeError(f"{where}: out must be a NumPy array or a DLPack tensor, not {type(x).__name__}")


def pair(a, b, where):
    """Two operands; a Python scalar takes the other operand's dtype (NumPy 2's
    rule for scalars)."""
    a_is_array = isinstance(a, np.ndarray)
    b_is_array = isinstance(b, np.ndarray)
    if a_is_array and b_is_array:
        return a, b
    if isinstance(a, (int, float, bool)) and not isinstance(b, (int, float, bool)):
        b = array(b, where)
        return np.asarray(a, dtype=b.dtype), b
    if isinstance(b, (int, float, bool)) and not isinstance(a, (int, float, bool)):
        a = array(a, where)
        return a, np.asarray(b, dtype=a.dtype)
    return array(a, where), array(b, where)


def shape_buffer(shape):
    return ffi.new("int64_t[]", list(shape) or [0])


_BROADCASTS = {}


def broadcast_pair(a, b):
    """broadcast_shapes(a, b), remembered (a shape pair recurs call after call)."""
    shape = _BROADCASTS.get((a, b))
    return shape if shape is not None else remember(_BROADCASTS, (a, b), broadcast_shapes(a, b))


@wraps("numkern_broadcast_shapes")
def broadcast_shapes(*shapes):
    """The shape the given shapes broadcast to (NumPy's rules and message)."""
    result = tuple(shapes[0]) if shapes else ()
    out_shape = ffi.new("int64_t[]", MAX_NDIM)
    out_ndim = ffi.new("int32_t *")
    for shape in shapes[1:]:
        shape = tuple(shape)
        if shape == result:
            continue
        check(lib.numkern_broadcast_shapes(shape_buffer(result), len(result), shape_buffer(shape),
                                           len(shape), out_shape, out_ndim))
        result = tuple(out_shape[0:out_ndim[0]])
    return result


_AXES = {}


def axes_argument(axis):
    """(pointer, count) for an `axis=` of None, an int or a tuple of ints. The
    int64 arrays are remembered: the library only reads them."""
    if axis is None:
        return ffi.NULL, 0
    if isinstance(axis, list):
        axis = tuple(axis)
    found = _AXES.get(axis)
    if found is None:
        axes = [int(a) for a in axis] if isinstance(axis, tuple) else [int(axis)]
        found = remember(_AXES, axis, (ffi.new("int64_t[]", axes or [0]), len(axes)))
    return found


_REDUCED = {}


@wraps("numkern_reduced_shape")
def reduced_shape(shape, axis, keepdims):
    """The shape of a reduction's result (NumPy's axis errors from the library)."""
    if axis is None:
        return (1,) * len(shape) if keepdims else ()
    if isinstance(axis, list):
        axis = tuple(axis)
    key = (shape, axis, bool(keepdims))
    result = _REDUCED.get(key)
    return result if result is not None else remember(_REDUCED, key, _reduced_shape(shape, axis, keepdims))


def _reduced_shape(shape, axis, keepdims):
    axes, naxes = axes_argument(axis)
    out_shape = ffi.new("int64_t[]", MAX_NDIM)
    out_ndim = ffi.new("int32_t *")
    check(lib.numkern_reduced_shape(shape_buffer(shape), len(shape), axes, naxes, int(bool(keepdims)),
                                    out_shape, out_ndim))
    return tuple(out_shape[0:out_ndim[0]])
