"""Each failure class raises its exception with the library's message, and
leaves the output untouched; arrays numkern cannot describe raise, never copy."""

import numpy as np
import pytest

import numkern as nk


def untouched(shape, dtype=np.float32):
    return np.full(shape, 7, dtype)


def test_shape_mismatch_is_a_value_error_with_numpys_words():
    out = untouched((3, 4))
    with pytest.raises(nk.ShapeError, match=r"operands could not be broadcast together with shapes \(3,4\) \(5,\)"):
        nk.add(np.ones((3, 4), np.float32), np.ones(5, np.float32))
    with pytest.raises(ValueError):
        nk.add(np.ones((3, 4), np.float32), np.ones((3, 5), np.float32), out=out)
    assert (out == 7).all()
    with pytest.raises(nk.ShapeError, match="mismatch in its core dimension"):
        nk.matmul(np.ones((2, 4)), np.ones((3, 5)))


def test_dtype_errors_are_type_errors():
    out = untouched((4,))
    with pytest.raises(nk.DTypeError) as info:
        nk.add(np.ones(4, np.float32), np.ones(4, np.float64), out=out)
    assert isinstance(info.value, TypeError) and isinstance(info.value, nk.Error)
    assert "numkern_add" in str(info.value)
    assert (out == 7).all()
    with pytest.raises(TypeError, match="float16"):
        nk.exp(np.ones(3, np.float16))
    with pytest.raises(nk.DTypeError):
        nk.exp(np.ones(3, np.int32))


def test_axis_errors_are_numpy_axis_errors():
    with pytest.raises(nk.AxisError, match="axis 2 is out of bounds for array of dimension 2") as info:
        nk.sum(np.ones((2, 3)), axis=2)
    assert isinstance(info.value, np.exceptions.AxisError)
    out = untouched((2, 3), np.float64)
    with pytest.raises(nk.AxisError):
        nk.softmax(np.ones((2, 3)), axis=5, out=out)
    assert (out == 7).all()


def test_invalid_arguments():
    out = untouched((), np.float32)
    with pytest.raises(nk.InvalidArgumentError, match="out of range"):
        nk.cross_entropy(np.zeros((4, 5), np.float32), np.array([0, 1, 7, 2]), out=out)
    assert out == 7
    with pytest.raises(nk.InvalidArgumentError, match="zero-size array to reduction operation maximum"):
        nk.max(np.ones((0, 3)))
    with pytest.raises(ValueError, match="unknown activation"):
        nk.linear(np.ones((2, 3)), np.ones((3, 4)), activation="swish2")
    with pytest.raises(ValueError, match="reduction"):
        nk.cross_entropy(np.zeros((4, 5)), np.zeros(4, np.int64), reduction="avg")
    # An output whose elements overlap (a broadcast view) would be written twice.
    with pytest.raises(nk.InvalidArgumentError):
        nk.exp(np.ones((3, 4)), out=np.lib.stride_tricks.as_strided(np.zeros(4), (3, 4), (0, 8)))


def test_bad_strides_and_byte_order_never_copy():
    raw = np.zeros(40, np.uint8)
    odd = np.lib.stride_tricks.as_strided(raw[1:].view(np.uint8), (4,), (3,)).view(np.uint8)
    np.testing.assert_array_equal(nk.copy(odd), odd)  # u8: any stride is whole items
    record = np.zeros(6, dtype=[("a", np.float32), ("b", np.uint8)])
    with pytest.raises(ValueError, match="not a multiple of the item size"):
        nk.exp(record["a"])
    with pytest.raises(ValueError, match="non-native byte order"):
        nk.exp(np.ones(3, dtype=np.dtype(np.float32).newbyteorder()))
    with pytest.raises(ValueError, match="at most 8"):
        nk.exp(np.ones((1,) * 9))
    # The message names the function that was called, on every path.
    for call, name in [(lambda: nk.exp(record["a"]), "numkern.exp"), (lambda: nk.add(record["a"], record["a"]), "numkern.add"),
                       (lambda: nk.sum(record["a"], axis=0), "numkern.sum"), (lambda: nk.matmul(record["a"][:, None], record["a"][None]), "numkern.matmul"),
                       (lambda: nk.linear(np.ones((2, 6)), np.ones((6, 1)), record["a"][:1]), "numkern.linear")]:
        with pytest.raises(ValueError, match=f"^{name}: strides"):
            call()


def test_read_only_output():
    out = np.zeros(3)
    out.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        nk.exp(np.ones(3), out=out)
    with pytest.raises(TypeError, match="out must be"):
        nk.exp(np.ones(3), out=[0.0, 0.0, 0.0])


def test_the_message_is_per_thread_and_names_the_function():
    with pytest.raises(nk.Error) as info:
        nk.sum(np.ones((2, 2)), axis=(0, 0))
    assert str(info.value).startswith("numkern_")
    assert nk.Error.__module__ == "numkern"


def test_errors_survive_pickling():
    """Dask and multiprocessing send a worker's exception back pickled."""
    import pickle

    with pytest.raises(nk.AxisError) as info:
        nk.sum(np.ones((2, 2)), axis=5)
    back = pickle.loads(pickle.dumps(info.value))
    assert type(back) is nk.AxisError and str(back) == str(info.value)
    for cls in (nk.ShapeError, nk.DTypeError, nk.InvalidArgumentError, nk.InternalError):
        back = pickle.loads(pickle.dumps(cls("numkern_x: message")))
        assert type(back) is cls and str(back) == "numkern_x: message"
