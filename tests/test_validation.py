import numpy as np
import pytest

from mlcourse.validation import as_float_array, as_int, as_number, as_rng


def test_as_float_array_converts_lists_to_float64():
    out = as_float_array([1, 2, 3], "x")
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, [1.0, 2.0, 3.0])


@pytest.mark.parametrize("bad", [[1.0, np.nan], [np.inf], [-np.inf, 0.0]])
def test_as_float_array_rejects_non_finite_and_names_the_argument(bad):
    with pytest.raises(ValueError, match="logits must contain only finite"):
        as_float_array(bad, "logits")


def test_as_float_array_rejects_strings_empty_and_wrong_ndim():
    with pytest.raises(TypeError, match="x must be numbers"):
        as_float_array("12", "x")
    with pytest.raises(TypeError, match="x must be numbers"):
        as_float_array([1, "a"], "x")
    with pytest.raises(ValueError, match="x must not be empty"):
        as_float_array([], "x")
    with pytest.raises(ValueError, match=r"X must have 2 dimension\(s\), got shape \(3,\)"):
        as_float_array([1, 2, 3], "X", ndim=2)


def test_as_number_checks_type_and_range():
    assert as_number(3, "w") == 3.0
    with pytest.raises(TypeError, match="w must be a real number"):
        as_number("3", "w")
    with pytest.raises(TypeError, match="w must be a real number"):
        as_number(True, "w")
    with pytest.raises(ValueError, match="temperature must be >= 0"):
        as_number(-0.5, "temperature", low=0)
    with pytest.raises(ValueError, match="p must be <= 1"):
        as_number(1.5, "p", high=1)
    with pytest.raises(ValueError, match="w must be finite"):
        as_number(float("nan"), "w")


def test_as_int_checks_type_and_range():
    assert as_int(np.int64(4), "k") == 4
    with pytest.raises(TypeError, match="k must be an integer"):
        as_int(2.0, "k")
    with pytest.raises(ValueError, match="top_k must be >= 1"):
        as_int(0, "top_k", low=1)


def test_as_rng_requires_a_generator():
    rng = np.random.default_rng(0)
    assert as_rng(rng) is rng
    with pytest.raises(TypeError, match=r"rng must be a numpy\.random\.Generator"):
        as_rng(0)
    with pytest.raises(TypeError, match=r"rng must be a numpy\.random\.Generator"):
        as_rng(np.random.RandomState(0))
