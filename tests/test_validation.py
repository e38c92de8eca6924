"""The shared validation layer: every class of bad input gives a TypeError/ValueError naming the argument."""

import datetime
import fractions
import re

import numpy as np
import pytest

from mlcourse.validation import (
    NonFiniteResultError,
    as_bool,
    as_callable,
    as_finite_result,
    as_float_array,
    as_int,
    as_int_array,
    as_int_tuple,
    as_number,
    as_rng,
    as_sizes,
    as_str,
    as_str_sequence,
    check_same_shape,
)

INT_TYPES = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64]
FLOAT_TYPES = [np.float16, np.float32, np.float64, np.longdouble]

#: Values that are not real numbers, whatever their container: (value, words expected after "got").
NOT_NUMBERS = [
    pytest.param("12", "'12'", id="numeric-str"),
    pytest.param("nan", "'nan'", id="str-nan"),
    pytest.param(b"12", "bytes", id="bytes"),
    pytest.param(bytearray(b"12"), "bytearray", id="bytearray"),
    pytest.param(memoryview(b"12"), "memoryview", id="memoryview"),
    pytest.param(datetime.timedelta(seconds=3), "timedelta", id="timedelta"),
    pytest.param(datetime.datetime(2024, 1, 1), "datetime", id="datetime"),
    pytest.param(np.timedelta64(3, "s"), "timedelta64", id="np-timedelta64"),
    pytest.param(np.datetime64("2024-01-01"), "datetime64", id="np-datetime64"),
    pytest.param(None, "None", id="None"),
    pytest.param({"a": 1}, "dict", id="dict"),
    pytest.param({1, 2}, "set", id="set"),
    pytest.param(object(), "object", id="object"),
]


# --------------------------------------------------------------------------- as_float_array


def test_as_float_array_converts_lists_to_float64():
    out = as_float_array([1, 2, 3], "x")
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, [1.0, 2.0, 3.0])


def test_as_float_array_does_not_copy_a_clean_float64_array():
    x = np.array([1.0, 2.0])
    assert as_float_array(x, "x") is x


@pytest.mark.parametrize("dtype", INT_TYPES + FLOAT_TYPES)
def test_as_float_array_accepts_every_integer_and_float_dtype(dtype):
    out = as_float_array(np.array([1, 2, 100], dtype=dtype), "x")
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, [1.0, 2.0, 100.0])


@pytest.mark.parametrize("dtype", INT_TYPES + FLOAT_TYPES)
def test_as_float_array_accepts_numpy_scalars(dtype):
    out = as_float_array(dtype(7), "x")
    assert out.shape == () and out.dtype == np.float64 and out == 7.0


@pytest.mark.parametrize("value", [1e300, -1e300, 1e-300, 5e-324, -5e-324, 0.0, -0.0, np.finfo(float).max, 10**300])
def test_as_float_array_keeps_huge_and_tiny_finite_numbers_exactly(value):
    assert as_float_array([value], "x")[0] == float(value)


def test_as_float_array_converts_integers_beyond_int64_that_fit_a_float():
    # numpy stores these lists as objects; they are still real numbers within float range.
    np.testing.assert_array_equal(as_float_array([2**64, -(2**70)], "x"), [2.0**64, -(2.0**70)])
    assert as_float_array(fractions.Fraction(1, 4), "x") == 0.25


@pytest.mark.parametrize("bad", [[1.0, np.nan], [np.inf], [-np.inf, 0.0], np.float32([np.nan]), [[1.0], [np.nan]]])
def test_as_float_array_rejects_non_finite_and_names_the_argument(bad):
    with pytest.raises(ValueError, match="logits must contain only finite"):
        as_float_array(bad, "logits")


def test_as_float_array_rejects_a_longdouble_that_overflows_float64():
    huge = np.longdouble(np.finfo(np.float64).max) * 16
    if not np.isfinite(huge):  # on platforms where longdouble is float64 the value is already inf
        pytest.skip("longdouble has no extra range here")
    with pytest.raises(ValueError, match="x must contain only finite"):
        as_float_array(np.array([huge]), "x")


@pytest.mark.parametrize("value", [10**400, -(10**400), [1.0, 10**400], [[10**400]]])
def test_as_float_array_rejects_ints_beyond_float_range_with_a_value_error(value):
    with pytest.raises(ValueError, match=r"x must contain only finite numbers within float range"):
        as_float_array(value, "x")


@pytest.mark.parametrize(("value", "got"), NOT_NUMBERS)
def test_as_float_array_rejects_what_is_not_numbers(value, got):
    with pytest.raises(TypeError, match=rf"^x must be numbers .*got .*{got}"):
        as_float_array(value, "x")


@pytest.mark.parametrize(
    ("value", "got"),
    [
        pytest.param(["1", "2"], "strings", id="list-of-str"),
        pytest.param(np.array(["1.5"]), "strings", id="str-array"),
        pytest.param(np.array([b"1"]), "bytes", id="bytes-array"),
        pytest.param(np.array([1.0, 2.0], dtype=object), "Python objects", id="object-array"),
        pytest.param([1.0, "a"], "strings", id="mixed-list"),
        pytest.param([1.0, None], "Python objects", id="list-with-None"),
        pytest.param(np.array([1, 2], dtype="timedelta64[s]"), "timedeltas", id="timedelta64-array"),
        pytest.param(np.array(["2024-01-01"], dtype="datetime64[D]"), "datetimes", id="datetime64-array"),
        pytest.param([datetime.timedelta(1)], "Python objects", id="list-of-timedelta"),
        pytest.param([[1, 2], [3]], "ragged", id="ragged"),
        pytest.param([[1, 2], 3], "ragged", id="ragged-scalar"),
    ],
)
def test_as_float_array_rejects_arrays_of_non_numbers(value, got):
    with pytest.raises(TypeError, match=rf"^x must be numbers .*got .*{got}"):
        as_float_array(value, "x")


@pytest.mark.parametrize(
    "value",
    [1 + 2j, 3 + 0j, np.complex64(1), np.complex128(1 + 0j), np.array([1, 2], dtype=complex), [1.0, 2j]],
)
def test_as_float_array_rejects_complex_even_with_zero_imaginary_part(value):
    with pytest.raises(TypeError, match=r"x must be numbers .*got complex numbers"):
        as_float_array(value, "x")


@pytest.mark.parametrize("value", [True, np.True_, [True, False], np.array([1, 0], dtype=bool)])
def test_as_float_array_rejects_booleans(value):
    with pytest.raises(TypeError, match=r"x must be numbers .*got booleans"):
        as_float_array(value, "x")


@pytest.mark.parametrize("mask", [False, [False, True]])
def test_as_float_array_rejects_masked_arrays_instead_of_dropping_the_mask(mask):
    with pytest.raises(TypeError, match=r"x must be a plain array, got a masked array"):
        as_float_array(np.ma.array([1.0, 2.0], mask=mask), "x")


def test_as_float_array_rejects_empty_unless_allowed():
    with pytest.raises(ValueError, match=r"x must not be empty, got shape \(0,\)"):
        as_float_array([], "x")
    with pytest.raises(ValueError, match=r"x must not be empty, got shape \(2, 0\)"):
        as_float_array(np.zeros((2, 0)), "x")
    assert as_float_array([], "x", allow_empty=True).shape == (0,)


def test_as_float_array_checks_dimensions_and_shape():
    with pytest.raises(ValueError, match=r"X must have 2 dimension\(s\), got shape \(3,\)"):
        as_float_array([1, 2, 3], "X", ndim=2)
    with pytest.raises(ValueError, match=r"x must have 1 dimension\(s\), got shape \(\)"):
        as_float_array(4.0, "x", ndim=1)
    with pytest.raises(ValueError, match=r"x must have at least 1 dimension\(s\), got shape \(\)"):
        as_float_array(np.float64(4.0), "x", min_ndim=1)
    assert as_float_array([[1.0]], "x", min_ndim=1).shape == (1, 1)
    with pytest.raises(ValueError, match=r"X must have shape \(n, 2\), got \(3, 3\)"):
        as_float_array(np.zeros((3, 3)), "X", shape=(None, 2))
    with pytest.raises(ValueError, match=r"center must have shape \(2,\), got \(3,\)"):
        as_float_array([0, 0, 0], "center", shape=(2,))
    assert as_float_array([[1, 2], [3, 4], [5, 6]], "X", shape=(None, 2)).shape == (3, 2)


def test_as_float_array_checks_bounds_on_every_element():
    with pytest.raises(ValueError, match=r"x must be >= -1 everywhere, got -2.0"):
        as_float_array([0.5, -2.0], "x", low=-1, high=1)
    with pytest.raises(ValueError, match=r"p must be <= 1.0 everywhere, got 1.5"):
        as_float_array([[0.2], [1.5]], "p", low=0.0, high=1.0)
    np.testing.assert_array_equal(as_float_array([-1, 1], "x", low=-1, high=1), [-1.0, 1.0])


# --------------------------------------------------------------------------- as_int_array


@pytest.mark.parametrize("dtype", INT_TYPES)
def test_as_int_array_returns_int64(dtype):
    out = as_int_array(np.array([0, 2, 1], dtype=dtype), "labels", low=0, high=2)
    assert out.dtype == np.int64
    np.testing.assert_array_equal(out, [0, 2, 1])


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        ([0.0, 1.0], TypeError, "labels must be integers, got floats"),
        ([True, False], TypeError, "labels must be integers .*got booleans"),
        (["0", "1"], TypeError, "labels must be integers .*got strings"),
        ("01", TypeError, "labels must be integers .*got '01'"),
        ([], ValueError, "labels must not be empty"),
        ([0, 3], ValueError, "labels must be <= 2 everywhere, got 3"),
        ([-1, 0], ValueError, "labels must be >= 0 everywhere, got -1"),
        (np.array([2**64 - 1], dtype=np.uint64), ValueError, "labels must fit in 64-bit integers"),
        ([[0, 1]], ValueError, r"labels must have 1 dimension\(s\)"),
    ],
)
def test_as_int_array_rejects_bad_labels(value, error, message):
    with pytest.raises(error, match=message):
        as_int_array(value, "labels", ndim=1, low=0, high=2)


# --------------------------------------------------------------------------- as_number


@pytest.mark.parametrize("dtype", INT_TYPES + FLOAT_TYPES)
def test_as_number_accepts_numpy_scalars_and_returns_a_python_float(dtype):
    out = as_number(dtype(3), "w")
    assert type(out) is float and out == 3.0


@pytest.mark.parametrize("value", [3, 2.5, np.array(2.5), np.array(3, dtype=np.int16), fractions.Fraction(1, 2)])
def test_as_number_accepts_real_numbers(value):
    assert type(as_number(value, "w")) is float


@pytest.mark.parametrize("value", [1e300, 1e-300, 5e-324, -1e300, 10**300])
def test_as_number_keeps_huge_and_tiny_magnitudes(value):
    assert as_number(value, "w") == float(value)


@pytest.mark.parametrize(("value", "got"), NOT_NUMBERS)
def test_as_number_rejects_non_numbers(value, got):
    with pytest.raises(TypeError, match=rf"^w must be a real number, got .*{got}"):
        as_number(value, "w")


@pytest.mark.parametrize(
    "value", [True, False, np.True_, 1j, 2 + 0j, np.complex128(1), [1.0], (1.0,), np.array([1.0]), np.array(True)]
)
def test_as_number_rejects_bools_complex_and_containers(value):
    with pytest.raises(TypeError, match="w must be a real number"):
        as_number(value, "w")


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -np.inf, np.float32("nan"), np.longdouble("inf")])
def test_as_number_rejects_non_finite(value):
    with pytest.raises(ValueError, match="w must be finite"):
        as_number(value, "w")


@pytest.mark.parametrize("value", [10**400, -(10**400), 2**1024])
def test_as_number_rejects_ints_beyond_float_range_with_a_value_error_not_overflow(value):
    with pytest.raises(ValueError, match=r"w must be finite \(within about ±1.8e308\), got an integer of about 10\*\*"):
        as_number(value, "w")


def test_as_number_checks_the_range_and_says_it():
    assert as_number(3, "w") == 3.0
    with pytest.raises(ValueError, match=r"^temperature must be >= 0, got -0.5$"):
        as_number(-0.5, "temperature", low=0)
    with pytest.raises(ValueError, match=r"^p must be <= 1, got 1.5$"):
        as_number(1.5, "p", high=1)
    with pytest.raises(ValueError, match=r"^scale must be > 0.0, got 0.0$"):
        as_number(0.0, "scale", low=0.0, low_inclusive=False)
    assert as_number(1e-300, "scale", low=0.0, low_inclusive=False) == 1e-300
    assert as_number(0, "p", low=0, high=1) == 0.0 and as_number(1, "p", low=0, high=1) == 1.0


# --------------------------------------------------------------------------- as_int


@pytest.mark.parametrize("dtype", INT_TYPES)
def test_as_int_turns_numpy_integers_into_python_ints(dtype):
    out = as_int(dtype(100), "k")
    assert type(out) is int and out == 100


def test_as_int_keeps_arithmetic_exact_where_numpy_int32_overflows():
    d_model = as_int(np.int32(8192), "d_model")
    assert d_model * d_model * 80 == 5_368_709_120  # np.int32 would wrap around to 1_073_741_824
    assert as_int(np.uint64(2**64 - 1), "n") == 2**64 - 1
    assert as_int(np.array(7, dtype=np.int8), "n") == 7


@pytest.mark.parametrize(
    "value", [2.0, np.float64(2.0), np.float32(3), "3", b"3", True, np.False_, 1j, None, [3], np.array([3])]
)
def test_as_int_rejects_non_integers(value):
    with pytest.raises(TypeError, match="k must be an integer"):
        as_int(value, "k")


@pytest.mark.parametrize(("value", "got"), NOT_NUMBERS)
def test_as_int_rejects_non_numbers(value, got):
    with pytest.raises(TypeError, match=rf"^k must be an integer, got .*{got}"):
        as_int(value, "k")


def test_as_int_checks_the_range_with_readable_messages():
    with pytest.raises(ValueError, match=r"^top_k must be >= 1, got 0$"):
        as_int(0, "top_k", low=1)
    with pytest.raises(ValueError, match=r"^degree must be <= 200, got 1000000$"):
        as_int(10**6, "degree", low=0, high=200)
    with pytest.raises(ValueError, match=r"^degree must be <= 200, got an integer of about 10\*\*400$"):
        as_int(10**400, "degree", high=200)
    with pytest.raises(ValueError, match=r"^n must be >= 1, got -9223372036854775808$"):
        as_int(np.int64(-(2**63)), "n", low=1)
    assert as_int(10**400, "n") == 10**400  # unbounded unless the function bounds it


# --------------------------------------------------------------------------- as_int_tuple


@pytest.mark.parametrize(
    "value", [(784, 128, 10), [784, 128, 10], np.array([784, 128, 10], dtype=np.int32), [np.int64(784), 128, 10]]
)
def test_as_int_tuple_returns_a_tuple_of_python_ints(value):
    out = as_int_tuple(value, "layer_sizes")
    assert out == (784, 128, 10) and all(type(v) is int for v in out)


def test_as_sizes_is_as_int_tuple():
    assert as_sizes(range(1, 4), "layer_sizes") == (1, 2, 3)


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (5, TypeError, r"layer_sizes must be a list or tuple of integers, got 5"),
        ("784", TypeError, r"layer_sizes must be a list or tuple of integers, got '784'"),
        ({3, 4}, TypeError, r"layer_sizes must be a list or tuple of integers, got a set"),
        (np.array(5), ValueError, r"layer_sizes must be a 1-D sequence of integers, got shape \(\)"),
        (np.ones((2, 2), dtype=int), ValueError, r"layer_sizes must be a 1-D sequence"),
        ([], ValueError, r"layer_sizes must hold at least 1 integer\(s\), got 0"),
        ([3, 2.5], TypeError, r"layer_sizes\[1\] must be an integer, got 2.5"),
        ([3, 2.0], TypeError, r"layer_sizes\[1\] must be an integer, got 2.0"),
        ([True, 3], TypeError, r"layer_sizes\[0\] must be an integer, got True"),
        ([3, "4"], TypeError, r"layer_sizes\[1\] must be an integer, got '4'"),
        ([3, 0], ValueError, r"layer_sizes\[1\] must be >= 1, got 0"),
        ([3, -2], ValueError, r"layer_sizes\[1\] must be >= 1, got -2"),
        (np.array([3.0, 4.0]), TypeError, r"layer_sizes\[0\] must be an integer, got 3.0"),
    ],
)
def test_as_int_tuple_rejects_bad_sizes(value, error, message):
    with pytest.raises(error, match=message):
        as_int_tuple(value, "layer_sizes")


def test_as_int_tuple_bounds_length_and_values():
    with pytest.raises(ValueError, match=r"layer_sizes must hold at least 2 integer\(s\), got 1"):
        as_int_tuple([3], "layer_sizes", min_len=2)
    with pytest.raises(ValueError, match=r"layer_sizes must hold at most 3 integers, got 4"):
        as_int_tuple([1, 2, 3, 4], "layer_sizes", max_len=3)
    with pytest.raises(ValueError, match=r"layer_sizes\[0\] must be <= 10000, got 100000"):
        as_int_tuple([100_000], "layer_sizes", high=10_000)
    assert as_int_tuple([0, -1], "offsets", low=None) == (0, -1)


# --------------------------------------------------------------------------- flags, generators, strings, callables


@pytest.mark.parametrize("value", [True, False, np.True_, np.bool_(False)])
def test_as_bool_accepts_real_booleans(value):
    out = as_bool(value, "bias")
    assert type(out) is bool and out == bool(value)


@pytest.mark.parametrize("value", ["no", "False", "", 0, 1, 1.0, None, [True], np.array([True])])
def test_as_bool_rejects_truthy_and_falsy_stand_ins(value):
    with pytest.raises(TypeError, match="bias must be True or False"):
        as_bool(value, "bias")


def test_as_rng_requires_a_generator():
    rng = np.random.default_rng(0)
    assert as_rng(rng) is rng
    for bad in (0, None, np.random.RandomState(0), np.random.SeedSequence(0), np.random.PCG64(0)):
        with pytest.raises(TypeError, match=r"rng must be a numpy\.random\.Generator"):
            as_rng(bad)
    with pytest.raises(TypeError, match=r"shuffle_rng must be a numpy\.random\.Generator"):
        as_rng(7, "shuffle_rng")


def test_as_str_checks_type_and_choices():
    assert as_str("gelu", "mlp", choices=("gelu", "swiglu")) == "gelu"
    assert type(as_str(np.str_("abc"), "prompt")) is str
    for bad in (b"gelu", 3, None, ["gelu"]):
        with pytest.raises(TypeError, match="mlp must be a string"):
            as_str(bad, "mlp")
    with pytest.raises(ValueError, match=re.escape("mlp must be one of ['gelu', 'swiglu'], got 'relu'")):
        as_str("relu", "mlp", choices=("gelu", "swiglu"))


@pytest.mark.parametrize("value", [["the", "cat"], ("the", "cat"), {"the": 1, "cat": 2}.keys(), iter(["the", "cat"])])
def test_as_str_sequence_accepts_collections_of_strings(value):
    assert as_str_sequence(value, "vocabulary") == ("the", "cat")


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        ("cat", TypeError, "vocabulary must be a collection of strings .*got a single str"),
        (b"cat", TypeError, "vocabulary must be a collection of strings .*got a single bytes"),
        (3, TypeError, "vocabulary must be a collection of strings .*got 3"),
        ({"a": 1}, TypeError, "vocabulary must be a collection of strings .*got a dict"),
        (["a", 3], TypeError, r"vocabulary\[1\] must be a string, got 3"),
        (["a", b"b"], TypeError, r"vocabulary\[1\] must be a string, got a bytes"),
        ([], ValueError, "vocabulary must hold at least one string"),
    ],
)
def test_as_str_sequence_rejects_a_plain_string_and_non_strings(value, error, message):
    with pytest.raises(error, match=message):
        as_str_sequence(value, "vocabulary")
    assert as_str_sequence([], "vocabulary", allow_empty=True) == ()


def test_as_callable():
    assert as_callable(len, "fn") is len
    with pytest.raises(TypeError, match=r"fn must be callable .*got 3.0"):
        as_callable(3.0, "fn")


# --------------------------------------------------------------------------- shapes and computed results


def test_check_same_shape_refuses_to_broadcast():
    check_same_shape(np.zeros(3), np.ones(3), ("predictions", "y"))
    with pytest.raises(ValueError, match=r"predictions and y must have the same shape, got \(3,\) and \(3, 1\)"):
        check_same_shape(np.zeros(3), np.zeros((3, 1)), ("predictions", "y"))
    with pytest.raises(ValueError, match=r"got \(\) and \(1,\)"):
        check_same_shape(np.float64(1.0), np.zeros(1), ("a", "b"))


@pytest.mark.parametrize("value", [np.array([1.0, np.inf]), np.array([[np.nan]]), float("inf"), np.float32("nan")])
def test_as_finite_result_names_what_overflowed(value):
    with pytest.raises(NonFiniteResultError, match=r"^the forward pass overflowed: .* \(use smaller weights\)$"):
        as_finite_result(value, "the forward pass", hint="use smaller weights")
    with pytest.raises(ValueError, match="the loss overflowed"):  # NonFiniteResultError is a ValueError
        as_finite_result(value, "the loss")


def test_as_finite_result_returns_finite_values_unchanged():
    x = np.array([1e308, -1e308, 5e-324])
    assert as_finite_result(x, "the loss") is x
    assert as_finite_result(2.5, "the loss") == 2.5
