"""The softmax family (mlcourse.softmax) and cross-entropy (mlcourse.losses), checked against scipy."""

import math

import numpy as np
import pytest
import scipy.special
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from mlcourse import decoding, losses
from mlcourse import softmax as sm

# Logits anywhere in ±1e300 (far beyond exp's overflow at ~709.78), 1-D and 2-D.
huge = st.floats(min_value=-1e300, max_value=1e300, allow_nan=False, allow_infinity=False)
safe = st.floats(min_value=-30, max_value=30, allow_nan=False, allow_infinity=False)
vectors = hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=8), elements=huge)
safe_vectors = hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=8), elements=safe)


def test_softmax_hand_values():
    # exp(0), exp(ln 2), exp(ln 3) = 1, 2, 3 -> 1/6, 2/6, 3/6
    np.testing.assert_allclose(sm.softmax([0.0, math.log(2), math.log(3)]), [1 / 6, 2 / 6, 3 / 6], rtol=1e-15)
    np.testing.assert_allclose(sm.softmax([5.0, 5.0, 5.0, 5.0]), [0.25] * 4)
    assert sm.softmax([7.0]).tolist() == [1.0]


def test_softmax_accepts_lists_and_keeps_shape_and_axis():
    x = [[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]
    p = sm.softmax(x)
    assert p.shape == (2, 3)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_allclose(sm.softmax(x, axis=0), scipy.special.softmax(np.array(x), axis=0), rtol=1e-14)
    np.testing.assert_allclose(sm.softmax(x, axis=0).sum(axis=0), 1.0)
    x3 = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_allclose(sm.softmax(x3, axis=1), scipy.special.softmax(x3, axis=1), rtol=1e-14)


@settings(max_examples=200, deadline=None)
@given(vectors)
def test_softmax_sums_to_one_and_never_overflows(x):
    p = sm.softmax(x)
    assert np.all(np.isfinite(p))
    assert np.all((p >= 0) & (p <= 1))
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=0, atol=1e-12)
    # the largest logit gets the largest probability (ties possible after rounding)
    top = np.take_along_axis(p, np.argmax(x, axis=-1)[..., None], axis=-1)[..., 0]
    np.testing.assert_array_equal(top, p.max(axis=-1))


@settings(max_examples=200, deadline=None)
@given(vectors)
def test_log_softmax_and_logsumexp_match_scipy_for_huge_logits(x):
    np.testing.assert_allclose(sm.logsumexp(x), scipy.special.logsumexp(x, axis=-1), rtol=1e-14)
    ls = sm.log_softmax(x)
    assert np.all(np.isfinite(ls)) or np.any(np.abs(x) > 1e307)
    np.testing.assert_allclose(ls, scipy.special.log_softmax(x, axis=-1), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(sm.softmax(x), scipy.special.softmax(x, axis=-1), rtol=1e-12, atol=1e-300)


@settings(max_examples=200, deadline=None)
@given(safe_vectors, st.floats(min_value=-1e6, max_value=1e6))
def test_softmax_is_shift_invariant(x, c):
    np.testing.assert_allclose(sm.softmax(x + c), sm.softmax(x), rtol=1e-9, atol=1e-15)
    # log-sum-exp shifts by exactly the constant
    np.testing.assert_allclose(sm.logsumexp(x + c), sm.logsumexp(x) + c, rtol=1e-12, atol=1e-9)


@settings(max_examples=200, deadline=None)
@given(safe_vectors)
def test_agrees_with_the_direct_formula_where_safe(x):
    e = np.exp(x)
    direct = e / e.sum(axis=-1, keepdims=True)
    np.testing.assert_allclose(sm.softmax(x), direct, rtol=1e-13)
    np.testing.assert_allclose(sm.logsumexp(x), np.log(e.sum(axis=-1)), rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(np.exp(sm.log_softmax(x)), direct, rtol=1e-13)


def test_no_overflow_where_the_naive_formula_fails():
    x = np.array([1000.0, 999.0, 998.0])
    with np.errstate(over="ignore", invalid="ignore"):
        naive = np.exp(x) / np.exp(x).sum()
    assert np.isnan(naive).all()
    expected = np.exp([0.0, -1.0, -2.0]) / np.exp([0.0, -1.0, -2.0]).sum()
    np.testing.assert_allclose(sm.softmax(x), expected, rtol=1e-15)
    np.testing.assert_allclose(sm.softmax([1e300, -1e300]), [1.0, 0.0])
    np.testing.assert_allclose(sm.softmax([1e308, -1e308, 1e308]), [0.5, 0.0, 0.5])
    assert sm.logsumexp([1e300, 1e300]) == pytest.approx(1e300)
    assert sm.logsumexp([-1000.0, -1000.0]) == pytest.approx(-1000.0 + math.log(2), rel=1e-15)


def test_log_softmax_keeps_tiny_probabilities():
    ls = sm.log_softmax([0.0, -800.0])
    assert ls[1] == pytest.approx(-800.0)  # np.log(softmax) would give -inf here
    assert sm.softmax([0.0, -800.0])[1] == 0.0


def test_minus_infinity_means_probability_zero():
    p = sm.softmax([0.0, -np.inf, 0.0])
    np.testing.assert_array_equal(p, [0.5, 0.0, 0.5])
    ls = sm.log_softmax([0.0, -np.inf])
    assert ls[0] == 0.0 and ls[1] == -np.inf
    assert sm.logsumexp([math.log(3), -np.inf]) == pytest.approx(math.log(3))


def test_logsumexp_returns_float_for_vectors_and_array_for_matrices():
    assert isinstance(sm.logsumexp([1.0, 2.0]), float)
    out = sm.logsumexp(np.zeros((3, 4)))
    assert out.shape == (3,)
    np.testing.assert_allclose(out, math.log(4))
    np.testing.assert_allclose(sm.logsumexp(np.zeros((3, 4)), axis=0), [math.log(3)] * 4)


def test_temperature_divides_the_logits():
    x = np.array([2.0, 1.0, 0.0])
    np.testing.assert_allclose(sm.softmax(x, temperature=2.0), scipy.special.softmax(x / 2.0), rtol=1e-14)
    np.testing.assert_allclose(sm.softmax(x, temperature=0.5), scipy.special.softmax(x / 0.5), rtol=1e-14)
    np.testing.assert_allclose(sm.softmax(x, temperature=1e6), [1 / 3] * 3, rtol=1e-5)
    np.testing.assert_allclose(sm.softmax(x, temperature=1e-3), [1.0, 0.0, 0.0])


def test_temperature_zero_is_greedy_and_ties_go_to_the_first_index():
    np.testing.assert_array_equal(sm.softmax([1.0, 3.0, 2.0], temperature=0), [0.0, 1.0, 0.0])
    np.testing.assert_array_equal(sm.softmax([3.0, 1.0, 3.0], temperature=0), [1.0, 0.0, 0.0])
    np.testing.assert_array_equal(sm.softmax([[0.0, 1.0], [1.0, 0.0]], temperature=0, axis=0), [[0, 1], [1, 0]])
    # a tiny positive temperature must not overflow either
    p = sm.softmax([1e300, 0.0, -1e300], temperature=1e-300)
    np.testing.assert_array_equal(p, [1.0, 0.0, 0.0])


@settings(max_examples=100, deadline=None)
@given(safe_vectors.filter(lambda a: a.shape[-1] > 1 and np.ptp(a, axis=-1).min() > 1e-3))
def test_entropy_grows_with_temperature(x):
    temps = [0.25, 0.5, 1.0, 2.0, 4.0]
    h = np.array([sm.entropy(sm.softmax(x, temperature=t)) for t in temps])
    assert np.all(np.diff(h, axis=0) >= -1e-12)


def test_entropy_hand_values_in_nats_and_bits():
    assert sm.entropy([0.5, 0.5], unit="bits") == pytest.approx(1.0)
    assert sm.entropy([0.25] * 4) == pytest.approx(math.log(4))
    assert sm.entropy([1.0, 0.0, 0.0]) == 0.0
    p = np.array([0.7, 0.2, 0.1])
    assert sm.entropy(p) == pytest.approx(scipy.stats.entropy(p))
    assert sm.entropy(p, unit="bits") == pytest.approx(scipy.stats.entropy(p, base=2))
    np.testing.assert_allclose(sm.entropy([[0.5, 0.5], [1.0, 0.0]], unit="bits"), [1.0, 0.0])


def test_entropy_rejects_non_distributions():
    with pytest.raises(ValueError, match="probs must sum to 1"):
        sm.entropy([0.5, 0.6])
    with pytest.raises(ValueError, match="probs must be >= 0"):
        sm.entropy([1.5, -0.5])
    with pytest.raises(ValueError, match="probs must contain only finite"):
        sm.entropy([np.inf, 0.0])
    with pytest.raises(ValueError, match="at least one dimension"):
        sm.entropy(1.0)
    with pytest.raises(ValueError, match="unit must be"):
        sm.entropy([1.0], unit="dits")


def test_cross_entropy_is_minus_log_probability_of_the_label():
    # softmax([ln 1, ln 3]) = [1/4, 3/4]
    x = np.array([[0.0, math.log(3)], [0.0, math.log(3)]])
    assert losses.cross_entropy(x, [1, 0]) == pytest.approx((-math.log(0.75) - math.log(0.25)) / 2)
    assert losses.cross_entropy(x, [1, 0], reduction="sum") == pytest.approx(-math.log(0.75) - math.log(0.25))
    np.testing.assert_allclose(losses.cross_entropy(x, [1, 0], reduction="none"), [-math.log(0.75), -math.log(0.25)])
    assert losses.cross_entropy([0.0, 0.0, 0.0, 0.0], 2) == pytest.approx(math.log(4))
    # stable: a wrong answer with a 1000-logit margin costs 1000 nats, not inf
    assert losses.cross_entropy([[1000.0, 0.0]], [1]) == pytest.approx(1000.0)
    assert losses.cross_entropy([[0.0, -np.inf]], [1]) == np.inf


def test_cross_entropy_matches_scipy_reference():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(6, 5)) * 4
    y = rng.integers(0, 5, size=6)
    expected = -np.mean(scipy.special.log_softmax(x, axis=1)[np.arange(6), y])
    assert losses.cross_entropy(x, y) == pytest.approx(expected, rel=1e-13)


def test_cross_entropy_bad_labels():
    with pytest.raises(TypeError, match="labels must be integers"):
        losses.cross_entropy([[0.0, 1.0]], [0.5])
    with pytest.raises(ValueError, match=r"labels must be in \[0, 2\)"):
        losses.cross_entropy([[0.0, 1.0]], [2])
    with pytest.raises(ValueError, match="labels must have shape"):
        losses.cross_entropy([[0.0, 1.0]], [0, 1])
    with pytest.raises(ValueError, match="reduction must be"):
        losses.cross_entropy([[0.0, 1.0]], [0], reduction="max")
    with pytest.raises(ValueError, match="logits must have shape"):
        losses.cross_entropy(np.zeros((1, 2, 2)), [0])


@pytest.mark.parametrize("fn", [sm.softmax, sm.log_softmax, sm.logsumexp, decoding.filter_logits])
def test_bad_logits_raise_clear_errors(fn):
    with pytest.raises(ValueError, match="logits must not contain NaN"):
        fn([1.0, np.nan])
    with pytest.raises(ValueError, match=r"logits must not contain \+inf"):
        fn([1.0, np.inf])
    with pytest.raises(ValueError, match="logits must have at least one finite entry"):
        fn([-np.inf, -np.inf])
    with pytest.raises(ValueError, match="logits must not be empty"):
        fn([])
    with pytest.raises(ValueError, match="at least one dimension"):
        fn(3.0)
    with pytest.raises(TypeError, match="logits must be numbers"):
        fn("1, 2")
    with pytest.raises(TypeError, match="logits must be real numbers"):
        fn([1 + 2j])
    with pytest.raises(TypeError, match="logits must be"):
        fn([[1.0, 2.0], [3.0]])


def test_overflow_thresholds_and_naive_softmax():
    assert sm.overflow_threshold(np.float64) == pytest.approx(709.782712893384)
    assert sm.overflow_threshold(np.float32) == pytest.approx(88.72283935546875, abs=1e-6)
    assert np.isnan(sm.naive_softmax([1000.0, 0.0])).any()
    assert np.isnan(sm.naive_softmax([100.0, 0.0], dtype=np.float32)).any()
    np.testing.assert_allclose(sm.naive_softmax([1.0, 2.0]), scipy.special.softmax([1.0, 2.0]))


def test_softmax_family_never_modifies_its_input():
    logits = np.array([[3.0, -1.0, 0.5], [1e300, -1e300, 0.0]])
    before = logits.copy()
    sm.softmax(logits)
    sm.softmax(logits, temperature=0.5)
    sm.log_softmax(logits)
    sm.logsumexp(logits)
    np.testing.assert_array_equal(logits, before)


# --------------------------------------------------------------------------- numerical extremes (issue 19)


def test_temperature_is_exact_for_huge_logits_and_huge_temperatures():
    # softmax(z / T) with z / T = [1, -1]: p = [1, e**-2] / (1 + e**-2) = [0.8808, 0.1192]
    expected = np.array([1.0, math.exp(-2.0)]) / (1.0 + math.exp(-2.0))
    np.testing.assert_allclose(sm.softmax([1e308, -1e308], temperature=1e308), expected, rtol=1e-15)
    np.testing.assert_allclose(sm.softmax([1.5e308, -1.5e308], temperature=1.5e308), expected, rtol=1e-15)
    # and at the other extreme: a tiny temperature stretches every gap to -inf, never to NaN
    np.testing.assert_array_equal(sm.softmax([1e300, 0.0, -1e300], temperature=1e-300), [1.0, 0.0, 0.0])
    np.testing.assert_array_equal(sm.softmax([0.0, 1e-300], temperature=5e-324), [0.0, 1.0])
    # a large (finite) temperature flattens toward uniform without underflow
    np.testing.assert_allclose(
        sm.softmax([1e308, 0.0, -1e308], temperature=1e308), [0.665241, 0.244728, 0.090031], rtol=1e-5
    )


def test_logsumexp_keeps_terms_far_below_the_rounding_of_the_largest():
    # log(1 + e**-40) = e**-40 - e**-80 / 2 + ... = 4.248354255291589e-18 (the e**-80 term is 1e-35)
    assert sm.logsumexp([0.0, -40.0]) == pytest.approx(math.exp(-40.0), rel=1e-15)
    assert sm.logsumexp([0.0, -40.0]) == scipy.special.logsumexp([0.0, -40.0])
    assert sm.logsumexp([-40.0, 0.0, -40.0]) == pytest.approx(2 * math.exp(-40.0), rel=1e-15)
    # log-softmax of the largest logit is -log(1 + e**-40), not 0
    assert sm.log_softmax([0.0, -40.0])[0] == pytest.approx(-math.exp(-40.0), rel=1e-15)
    # ties: two equal maxima give log 2 exactly on top of the max
    assert sm.logsumexp([5.0, 5.0]) == 5.0 + math.log(2.0)


def test_float32_logits_get_float64_answers_even_at_float32_extremes():
    big32 = np.array([3e38, -3e38, 0.0], dtype=np.float32)  # near float32's max, 3.4e38
    p = sm.softmax(big32)
    assert p.dtype == np.float64
    np.testing.assert_array_equal(p, [1.0, 0.0, 0.0])
    ls = sm.log_softmax(big32)
    assert ls[0] == 0.0 and ls[1] == pytest.approx(-2 * float(np.float32(3e38)), rel=1e-15)
    # exp overflows float32 past 88.72; the float64 computation does not care
    z32 = np.array([100.0, 99.0, 98.0], dtype=np.float32)
    np.testing.assert_allclose(sm.softmax(z32), scipy.special.softmax([2.0, 1.0, 0.0]), rtol=1e-15)
    assert sm.logsumexp(z32) == pytest.approx(100.0 + math.log1p(math.exp(-1.0) + math.exp(-2.0)), rel=1e-15)
    assert losses.cross_entropy(z32, 2) == pytest.approx(2.0 + math.log1p(math.exp(-1.0) + math.exp(-2.0)), rel=1e-14)
    # tiny float32 gaps survive a tiny temperature
    np.testing.assert_allclose(
        sm.softmax(np.array([0.0, 1e-7], dtype=np.float32), temperature=1e-7), [0.26894, 0.73106], rtol=1e-4
    )


def test_confidently_right_losses_are_plus_zero():
    for reduction in ("none", "mean", "sum"):
        loss = np.atleast_1d(losses.cross_entropy([[1000.0, 0.0], [0.0, -1000.0]], [0, 0], reduction=reduction))
        assert (loss == 0.0).all()
        assert (np.copysign(1.0, loss) == 1.0).all(), f"{reduction}: {loss!r} has a negative zero"
    assert math.copysign(1.0, losses.cross_entropy([50.0, -800.0], 0)) == 1.0


def test_labels_must_line_up_with_the_rows_of_logits():
    z = np.zeros((3, 4))
    with pytest.raises(ValueError, match=r"labels must have shape \(3,\), one per row"):
        losses.cross_entropy(z, [[0], [1], [2]])  # (3, 1) would broadcast to a 3x3 table
    with pytest.raises(ValueError, match=r"labels must have shape \(3,\)"):
        losses.cross_entropy(z, 1)
    with pytest.raises(ValueError, match=r"labels must have shape \(1,\)"):
        losses.cross_entropy(np.zeros(4), [0, 1])
    with pytest.raises(TypeError, match="labels must be integers"):
        losses.cross_entropy(z, "012")
    with pytest.raises(TypeError, match="labels must be integers"):
        losses.cross_entropy(z, [True, False, True])
    assert losses.cross_entropy(z, np.array([0, 1, 3], dtype=np.uint8)) == pytest.approx(math.log(4))


@pytest.mark.parametrize("fn", [sm.softmax, sm.log_softmax, sm.logsumexp, lambda z: losses.cross_entropy(z, 0)])
def test_scalars_bools_and_masked_arrays_are_refused_by_name(fn):
    with pytest.raises(ValueError, match="logits must have at least one dimension"):
        fn(np.float64(2.0))
    with pytest.raises(ValueError, match="logits must have at least one dimension"):
        fn(np.array(2.0))
    with pytest.raises(TypeError, match="logits must be real numbers"):
        fn([True, False])
    with pytest.raises(TypeError, match="logits must be a plain array"):
        fn(np.ma.masked_array([1.0, 2.0], mask=[False, True]))
    with pytest.raises(TypeError, match="logits must be real numbers"):
        fn(np.array(["1", "2"]))


weird = st.one_of(
    st.none(),
    st.text(max_size=3),
    st.floats(),
    st.booleans(),
    st.complex_numbers(max_magnitude=10),
    st.lists(st.one_of(st.floats(), st.integers(-(10**30), 10**30), st.none()), max_size=4),
    st.lists(st.lists(st.floats(width=32), max_size=3), max_size=3),
    hnp.arrays(
        st.sampled_from([np.float64, np.float32, np.int8, np.int64, np.uint8, np.bool_, np.complex128]),
        hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4),
    ),
)


@settings(max_examples=150, deadline=None)
@given(weird)
def test_whatever_the_input_the_softmax_family_answers_finite_or_raises_clearly(value):
    for fn in (sm.softmax, sm.log_softmax, sm.logsumexp, decoding.filter_logits, decoding.greedy):
        try:
            out = np.asarray(fn(value))
        except (TypeError, ValueError) as exc:
            assert "logits" in str(exc), exc  # the message names the argument
            continue
        assert out.dtype.kind in "if"
        assert not np.isnan(out).any() and not np.isposinf(out).any()  # -inf only means probability 0
        assert out.shape == np.shape(value) or fn in (sm.logsumexp, decoding.greedy)


def test_sigmoid_is_the_two_class_softmax_and_inverts_the_log_odds():
    z = np.array([-30.0, -2.0, 0.0, 0.5, 3.0, 30.0])
    expected = 1.0 / (1.0 + np.exp(-z))
    np.testing.assert_allclose(sm.sigmoid(z), expected, rtol=1e-14)
    np.testing.assert_allclose(sm.sigmoid(z), scipy.special.expit(z), rtol=1e-14)
    p = sm.sigmoid(z[1:-1])
    np.testing.assert_allclose(np.log(p / (1 - p)), z[1:-1], rtol=1e-12)
    assert sm.sigmoid(0.0) == 0.5 and isinstance(sm.sigmoid(0.0), float)
    assert sm.sigmoid(-1000.0) == 0.0 and sm.sigmoid(1000.0) == 1.0  # no overflow warning, no NaN
    assert sm.sigmoid([[1.0, 2.0]]).shape == (1, 2)
    with pytest.raises(ValueError, match="NaN"):
        sm.sigmoid([np.nan])
    with pytest.raises(TypeError, match="z must be"):
        sm.sigmoid("1")
    with pytest.raises(TypeError, match="z must be"):
        sm.sigmoid([[1.0], [1.0, 2.0]])  # ragged
    assert sm.sigmoid(np.float32(0.0)) == 0.5 and sm.sigmoid(np.array(2.0)) == pytest.approx(1 / (1 + math.exp(-2)))


def test_perplexity_is_exp_of_the_mean_cross_entropy():
    # uniform over V tokens: every next token has probability 1/V, perplexity V
    assert losses.perplexity(np.zeros((5, 7)), [0, 1, 2, 3, 6]) == pytest.approx(7.0)
    # probabilities 1/2 and 1/8 of the right tokens: exp(mean(log 2, log 8)) = sqrt(16) = 4
    logits = np.log([[0.5, 0.5, 1e-300], [0.125, 0.875, 1e-300]])
    assert losses.perplexity(logits, [0, 0]) == pytest.approx(4.0)
    # wrong by 700 nats: perplexity about e**700, still finite; by 1000 it exceeds float64
    assert losses.perplexity([[700.0, 0.0]], [1]) == pytest.approx(math.exp(700.0), rel=1e-9)
    assert losses.perplexity([[1000.0, 0.0]], [1]) == math.inf
    with pytest.raises(ValueError, match="targets must have shape"):
        losses.perplexity(np.zeros((2, 3)), [0])


def test_mse_averages_over_a_tuple_of_axes_and_names_a_bad_one():
    from mlcourse.losses import mse

    stacked = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_allclose(mse(stacked, np.zeros((3, 4)), axis=(1, 2)), (stacked**2).mean(axis=(1, 2)))
    with pytest.raises(ValueError, match=r"axis\[1\]"):
        mse(stacked, np.zeros(4), axis=(0, 5))
