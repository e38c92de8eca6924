import math

import numpy as np
import pytest
import scipy.special
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from mlcourse import logits as L

# Logits anywhere in ±1e300 (far beyond exp's overflow at ~709.78), 1-D and 2-D.
huge = st.floats(min_value=-1e300, max_value=1e300, allow_nan=False, allow_infinity=False)
safe = st.floats(min_value=-30, max_value=30, allow_nan=False, allow_infinity=False)
vectors = hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=8), elements=huge)
safe_vectors = hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=8), elements=safe)


# --------------------------------------------------------------------------- softmax, log_softmax, logsumexp


def test_softmax_hand_values():
    # exp(0), exp(ln 2), exp(ln 3) = 1, 2, 3 -> 1/6, 2/6, 3/6
    np.testing.assert_allclose(L.softmax([0.0, math.log(2), math.log(3)]), [1 / 6, 2 / 6, 3 / 6], rtol=1e-15)
    np.testing.assert_allclose(L.softmax([5.0, 5.0, 5.0, 5.0]), [0.25] * 4)
    assert L.softmax([7.0]).tolist() == [1.0]


def test_softmax_accepts_lists_and_keeps_shape_and_axis():
    x = [[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]
    p = L.softmax(x)
    assert p.shape == (2, 3)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_allclose(L.softmax(x, axis=0), scipy.special.softmax(np.array(x), axis=0), rtol=1e-14)
    np.testing.assert_allclose(L.softmax(x, axis=0).sum(axis=0), 1.0)
    x3 = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_allclose(L.softmax(x3, axis=1), scipy.special.softmax(x3, axis=1), rtol=1e-14)


@settings(max_examples=200, deadline=None)
@given(vectors)
def test_softmax_sums_to_one_and_never_overflows(x):
    p = L.softmax(x)
    assert np.all(np.isfinite(p))
    assert np.all((p >= 0) & (p <= 1))
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=0, atol=1e-12)
    # the largest logit gets the largest probability (ties possible after rounding)
    top = np.take_along_axis(p, np.argmax(x, axis=-1)[..., None], axis=-1)[..., 0]
    np.testing.assert_array_equal(top, p.max(axis=-1))


@settings(max_examples=200, deadline=None)
@given(vectors)
def test_log_softmax_and_logsumexp_match_scipy_for_huge_logits(x):
    np.testing.assert_allclose(L.logsumexp(x), scipy.special.logsumexp(x, axis=-1), rtol=1e-14)
    ls = L.log_softmax(x)
    assert np.all(np.isfinite(ls)) or np.any(np.abs(x) > 1e307)
    np.testing.assert_allclose(ls, scipy.special.log_softmax(x, axis=-1), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(L.softmax(x), scipy.special.softmax(x, axis=-1), rtol=1e-12, atol=1e-300)


@settings(max_examples=200, deadline=None)
@given(safe_vectors, st.floats(min_value=-1e6, max_value=1e6))
def test_softmax_is_shift_invariant(x, c):
    np.testing.assert_allclose(L.softmax(x + c), L.softmax(x), rtol=1e-9, atol=1e-15)
    # log-sum-exp shifts by exactly the constant
    np.testing.assert_allclose(L.logsumexp(x + c), L.logsumexp(x) + c, rtol=1e-12, atol=1e-9)


@settings(max_examples=200, deadline=None)
@given(safe_vectors)
def test_agrees_with_the_direct_formula_where_safe(x):
    e = np.exp(x)
    direct = e / e.sum(axis=-1, keepdims=True)
    np.testing.assert_allclose(L.softmax(x), direct, rtol=1e-13)
    np.testing.assert_allclose(L.logsumexp(x), np.log(e.sum(axis=-1)), rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(np.exp(L.log_softmax(x)), direct, rtol=1e-13)


def test_no_overflow_where_the_naive_formula_fails():
    x = np.array([1000.0, 999.0, 998.0])
    with np.errstate(over="ignore", invalid="ignore"):
        naive = np.exp(x) / np.exp(x).sum()
    assert np.isnan(naive).all()
    expected = np.exp([0.0, -1.0, -2.0]) / np.exp([0.0, -1.0, -2.0]).sum()
    np.testing.assert_allclose(L.softmax(x), expected, rtol=1e-15)
    np.testing.assert_allclose(L.softmax([1e300, -1e300]), [1.0, 0.0])
    np.testing.assert_allclose(L.softmax([1e308, -1e308, 1e308]), [0.5, 0.0, 0.5])
    assert L.logsumexp([1e300, 1e300]) == pytest.approx(1e300)
    assert L.logsumexp([-1000.0, -1000.0]) == pytest.approx(-1000.0 + math.log(2), rel=1e-15)


def test_log_softmax_keeps_tiny_probabilities():
    ls = L.log_softmax([0.0, -800.0])
    assert ls[1] == pytest.approx(-800.0)  # np.log(softmax) would give -inf here
    assert L.softmax([0.0, -800.0])[1] == 0.0


def test_minus_infinity_means_probability_zero():
    p = L.softmax([0.0, -np.inf, 0.0])
    np.testing.assert_array_equal(p, [0.5, 0.0, 0.5])
    ls = L.log_softmax([0.0, -np.inf])
    assert ls[0] == 0.0 and ls[1] == -np.inf
    assert L.logsumexp([math.log(3), -np.inf]) == pytest.approx(math.log(3))


def test_logsumexp_returns_float_for_vectors_and_array_for_matrices():
    assert isinstance(L.logsumexp([1.0, 2.0]), float)
    out = L.logsumexp(np.zeros((3, 4)))
    assert out.shape == (3,)
    np.testing.assert_allclose(out, math.log(4))
    np.testing.assert_allclose(L.logsumexp(np.zeros((3, 4)), axis=0), [math.log(3)] * 4)


# --------------------------------------------------------------------------- temperature


def test_temperature_divides_the_logits():
    x = np.array([2.0, 1.0, 0.0])
    np.testing.assert_allclose(L.softmax(x, temperature=2.0), scipy.special.softmax(x / 2.0), rtol=1e-14)
    np.testing.assert_allclose(L.softmax(x, temperature=0.5), scipy.special.softmax(x / 0.5), rtol=1e-14)
    np.testing.assert_allclose(L.softmax(x, temperature=1e6), [1 / 3] * 3, rtol=1e-5)
    np.testing.assert_allclose(L.softmax(x, temperature=1e-3), [1.0, 0.0, 0.0])


def test_temperature_zero_is_greedy_and_ties_go_to_the_first_index():
    np.testing.assert_array_equal(L.softmax([1.0, 3.0, 2.0], temperature=0), [0.0, 1.0, 0.0])
    np.testing.assert_array_equal(L.softmax([3.0, 1.0, 3.0], temperature=0), [1.0, 0.0, 0.0])
    np.testing.assert_array_equal(L.softmax([[0.0, 1.0], [1.0, 0.0]], temperature=0, axis=0), [[0, 1], [1, 0]])
    # a tiny positive temperature must not overflow either
    p = L.softmax([1e300, 0.0, -1e300], temperature=1e-300)
    np.testing.assert_array_equal(p, [1.0, 0.0, 0.0])


@settings(max_examples=100, deadline=None)
@given(safe_vectors.filter(lambda a: a.shape[-1] > 1 and np.ptp(a, axis=-1).min() > 1e-3))
def test_entropy_grows_with_temperature(x):
    temps = [0.25, 0.5, 1.0, 2.0, 4.0]
    h = np.array([L.entropy(L.softmax(x, temperature=t)) for t in temps])
    assert np.all(np.diff(h, axis=0) >= -1e-12)


# --------------------------------------------------------------------------- entropy and cross-entropy


def test_entropy_hand_values_in_nats_and_bits():
    assert L.entropy([0.5, 0.5], unit="bits") == pytest.approx(1.0)
    assert L.entropy([0.25] * 4) == pytest.approx(math.log(4))
    assert L.entropy([1.0, 0.0, 0.0]) == 0.0
    p = np.array([0.7, 0.2, 0.1])
    assert L.entropy(p) == pytest.approx(scipy.stats.entropy(p))
    assert L.entropy(p, unit="bits") == pytest.approx(scipy.stats.entropy(p, base=2))
    np.testing.assert_allclose(L.entropy([[0.5, 0.5], [1.0, 0.0]], unit="bits"), [1.0, 0.0])


def test_entropy_rejects_non_distributions():
    with pytest.raises(ValueError, match="probs must sum to 1"):
        L.entropy([0.5, 0.6])
    with pytest.raises(ValueError, match="probs must be >= 0"):
        L.entropy([1.5, -0.5])
    with pytest.raises(ValueError, match="probs must contain only finite"):
        L.entropy([np.inf, 0.0])
    with pytest.raises(ValueError, match="at least one dimension"):
        L.entropy(1.0)
    with pytest.raises(ValueError, match="unit must be"):
        L.entropy([1.0], unit="dits")


def test_cross_entropy_is_minus_log_probability_of_the_label():
    # softmax([ln 1, ln 3]) = [1/4, 3/4]
    x = np.array([[0.0, math.log(3)], [0.0, math.log(3)]])
    assert L.cross_entropy(x, [1, 0]) == pytest.approx((-math.log(0.75) - math.log(0.25)) / 2)
    assert L.cross_entropy(x, [1, 0], reduction="sum") == pytest.approx(-math.log(0.75) - math.log(0.25))
    np.testing.assert_allclose(L.cross_entropy(x, [1, 0], reduction="none"), [-math.log(0.75), -math.log(0.25)])
    assert L.cross_entropy([0.0, 0.0, 0.0, 0.0], 2) == pytest.approx(math.log(4))
    # stable: a wrong answer with a 1000-logit margin costs 1000 nats, not inf
    assert L.cross_entropy([[1000.0, 0.0]], [1]) == pytest.approx(1000.0)
    assert L.cross_entropy([[0.0, -np.inf]], [1]) == np.inf


def test_cross_entropy_matches_scipy_reference():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(6, 5)) * 4
    y = rng.integers(0, 5, size=6)
    expected = -np.mean(scipy.special.log_softmax(x, axis=1)[np.arange(6), y])
    assert L.cross_entropy(x, y) == pytest.approx(expected, rel=1e-13)


def test_cross_entropy_bad_labels():
    with pytest.raises(TypeError, match="labels must be integers"):
        L.cross_entropy([[0.0, 1.0]], [0.5])
    with pytest.raises(ValueError, match=r"labels must be in \[0, 2\)"):
        L.cross_entropy([[0.0, 1.0]], [2])
    with pytest.raises(ValueError, match="labels must have shape"):
        L.cross_entropy([[0.0, 1.0]], [0, 1])
    with pytest.raises(ValueError, match="reduction must be"):
        L.cross_entropy([[0.0, 1.0]], [0], reduction="max")
    with pytest.raises(ValueError, match="logits must have shape"):
        L.cross_entropy(np.zeros((1, 2, 2)), [0])


# --------------------------------------------------------------------------- top-k, top-p


def test_top_k_keeps_the_k_largest_and_ties_at_the_kth_value():
    x = np.array([1.0, 4.0, 3.0, 2.0])
    np.testing.assert_array_equal(L.filter_logits(x, top_k=2), [-np.inf, 4.0, 3.0, -np.inf])
    np.testing.assert_array_equal(L.filter_logits(x, top_k=1), [-np.inf, 4.0, -np.inf, -np.inf])
    np.testing.assert_array_equal(L.filter_logits(x, top_k=10), x)
    tied = np.array([5.0, 3.0, 3.0, 1.0])
    np.testing.assert_array_equal(L.filter_logits(tied, top_k=2), [5.0, 3.0, 3.0, -np.inf])
    rows = np.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]])
    np.testing.assert_array_equal(L.filter_logits(rows, top_k=1), [[-np.inf, -np.inf, 3.0], [3.0, -np.inf, -np.inf]])


def test_top_k_with_minus_infinity_entries():
    x = np.array([0.0, -np.inf, -np.inf, 1.0])
    np.testing.assert_array_equal(L.filter_logits(x, top_k=3), x)
    np.testing.assert_array_equal(L.filter_logits(x, top_k=1), [-np.inf, -np.inf, -np.inf, 1.0])


def test_top_p_keeps_the_token_that_crosses_p():
    x = np.log([0.5, 0.3, 0.15, 0.05])
    keep = lambda p: np.isfinite(L.filter_logits(x, top_p=p)).tolist()  # noqa: E731
    assert keep(0.4) == [True, False, False, False]  # 0.5 already reaches 0.4
    assert keep(0.5) == [True, False, False, False]  # reaching p exactly is enough
    assert keep(0.6) == [True, True, False, False]  # 0.5 < 0.6, 0.8 crosses it
    assert keep(0.8) == [True, True, False, False]
    assert keep(0.9) == [True, True, True, False]
    assert keep(0.96) == [True, True, True, True]
    assert keep(1.0) == [True, True, True, True]


def test_top_p_tiny_p_keeps_the_argmax_and_ties_are_kept():
    x = np.array([0.1, 2.0, -1.0])
    np.testing.assert_array_equal(np.isfinite(L.filter_logits(x, top_p=1e-9)), [False, True, False])
    np.testing.assert_array_equal(np.isfinite(L.filter_logits(x, top_p=1e-300)), [False, True, False])
    tied = np.array([1.0, 1.0, 0.0])
    np.testing.assert_array_equal(np.isfinite(L.filter_logits(tied, top_p=0.1)), [True, True, False])


def test_top_p_ignores_masked_entries_and_combines_with_top_k():
    x = np.array([np.log(0.6), -np.inf, np.log(0.4)])
    np.testing.assert_array_equal(np.isfinite(L.filter_logits(x, top_p=0.99)), [True, False, True])
    # top-k first: among [0.5, 0.3] (renormalised to 0.625, 0.375), 0.6 is reached by the first alone
    y = np.log([0.5, 0.3, 0.2])
    np.testing.assert_array_equal(np.isfinite(L.filter_logits(y, top_k=2, top_p=0.6)), [True, False, False])
    np.testing.assert_array_equal(np.isfinite(L.filter_logits(y, top_p=0.6)), [True, True, False])


def test_filter_logits_keeps_values_and_shape():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 7))
    out = L.filter_logits(x, top_k=3, top_p=0.9)
    assert out.shape == x.shape
    kept = np.isfinite(out)
    np.testing.assert_array_equal(out[kept], x[kept])
    assert (kept.sum(axis=1) >= 1).all() and (kept.sum(axis=1) <= 3).all()


# --------------------------------------------------------------------------- sampling


def test_sample_is_reproducible_with_a_seed():
    x = np.array([0.0, 1.0, 2.0, 0.5])
    a = L.sample(x, np.random.default_rng(7), size=50)
    b = L.sample(x, np.random.default_rng(7), size=50)
    np.testing.assert_array_equal(a, b)
    assert isinstance(L.sample(x, np.random.default_rng(7)), int)
    assert L.sample(x, np.random.default_rng(1), size=(2, 3)).shape == (2, 3)


def test_sample_frequencies_match_softmax():
    x = np.array([1.0, 0.0, -1.0, 2.0])
    draws = L.sample(x, np.random.default_rng(0), size=200_000)
    freq = np.bincount(draws, minlength=4) / draws.size
    # 200,000 draws: standard error below 0.0012, so 0.005 is > 4 standard errors
    np.testing.assert_allclose(freq, scipy.special.softmax(x), atol=0.005)
    hot = L.sample(x, np.random.default_rng(0), temperature=0.5, size=200_000)
    np.testing.assert_allclose(np.bincount(hot, minlength=4) / hot.size, scipy.special.softmax(x / 0.5), atol=0.005)


def test_sample_never_draws_filtered_or_masked_tokens():
    x = np.array([0.0, -np.inf, 0.5, 0.2, -3.0])
    draws = L.sample(x, np.random.default_rng(0), size=5000)
    assert 1 not in draws
    topk = L.sample(x, np.random.default_rng(0), top_k=2, size=5000)
    assert set(np.unique(topk)) == {2, 3}
    trailing = L.sample([0.0, 0.0, -np.inf], np.random.default_rng(0), size=20_000)
    assert set(np.unique(trailing)) == {0, 1}
    topp = L.sample(x, np.random.default_rng(0), top_p=1e-6, size=100)
    assert set(np.unique(topp)) == {2}


def test_sample_temperature_zero_is_greedy():
    assert L.sample([0.0, 3.0, 3.0], np.random.default_rng(0), temperature=0) == 1
    np.testing.assert_array_equal(L.sample([[0.0, 1.0], [1.0, 0.0]], np.random.default_rng(0), temperature=0), [1, 0])
    np.testing.assert_array_equal(L.sample([0.0, 3.0], np.random.default_rng(0), temperature=0, size=3), [1, 1, 1])


def test_sample_batches_rows_independently():
    x = np.array([[0.0, -np.inf, -np.inf], [-np.inf, -np.inf, 0.0]])
    out = L.sample(x, np.random.default_rng(0), size=4)
    assert out.shape == (2, 4)
    assert (out[0] == 0).all() and (out[1] == 2).all()


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("fn", [L.softmax, L.log_softmax, L.logsumexp, L.filter_logits])
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


def test_bad_parameters_raise_clear_errors():
    with pytest.raises(ValueError, match="temperature must be >= 0"):
        L.softmax([1.0, 2.0], temperature=-1)
    with pytest.raises(TypeError, match="temperature must be a real number"):
        L.softmax([1.0, 2.0], temperature="hot")
    with pytest.raises(ValueError, match="axis must be <= 0"):
        L.softmax([1.0, 2.0], axis=1)
    with pytest.raises(ValueError, match="top_k must be >= 1"):
        L.filter_logits([1.0, 2.0], top_k=0)
    with pytest.raises(TypeError, match="top_k must be an integer"):
        L.filter_logits([1.0, 2.0], top_k=1.5)
    with pytest.raises(ValueError, match=r"top_p must be in \(0, 1\]"):
        L.filter_logits([1.0, 2.0], top_p=0)
    with pytest.raises(ValueError, match="top_p must be <= 1"):
        L.filter_logits([1.0, 2.0], top_p=1.5)
    with pytest.raises(ValueError, match="top_p must be >= 0"):
        L.sample([1.0, 2.0], np.random.default_rng(0), top_p=-0.1)
    with pytest.raises(TypeError, match=r"rng must be a numpy\.random\.Generator"):
        L.sample([1.0, 2.0], None)
    with pytest.raises(TypeError, match=r"rng must be a numpy\.random\.Generator"):
        L.sample([1.0, 2.0], 42)
    with pytest.raises(ValueError, match="temperature must be >= 0"):
        L.sample([1.0, 2.0], np.random.default_rng(0), temperature=-0.5)
    with pytest.raises(ValueError, match="size must be >= 0"):
        L.sample([1.0, 2.0], np.random.default_rng(0), size=-1)
    with pytest.raises(ValueError, match="logits must have at least one finite entry"):
        L.sample([[0.0, 1.0], [-np.inf, -np.inf]], np.random.default_rng(0))


# --------------------------------------------------------------------------- helpers, figures, checkers


def test_overflow_thresholds_and_naive_softmax():
    assert L.overflow_threshold(np.float64) == pytest.approx(709.782712893384)
    assert L.overflow_threshold(np.float32) == pytest.approx(88.72283935546875, abs=1e-6)
    assert np.isnan(L.naive_softmax([1000.0, 0.0])).any()
    assert np.isnan(L.naive_softmax([100.0, 0.0], dtype=np.float32)).any()
    np.testing.assert_allclose(L.naive_softmax([1.0, 2.0]), scipy.special.softmax([1.0, 2.0]))


def test_random_vocab_logits_is_reproducible():
    a = L.random_vocab_logits(np.random.default_rng(0))
    assert a.shape == (50_257,)
    np.testing.assert_array_equal(a, L.random_vocab_logits(np.random.default_rng(0)))
    assert 3.5 < a.std() < 4.5
    with pytest.raises(TypeError, match="rng"):
        L.random_vocab_logits(0)


def test_logits_to_probabilities_diagram_shows_both_bar_sets():
    plot = L.plot_logits_to_probabilities([0.0, 1.1, -0.8], ["apple", "banana", "orange"])
    left, _, right = plot.fig.axes
    assert [b.get_height() for b in left.patches] == pytest.approx([0.0, 1.1, -0.8])
    heights = [b.get_height() for b in right.patches]
    assert sum(heights) == pytest.approx(1.0)
    assert heights == pytest.approx(scipy.special.softmax([0.0, 1.1, -0.8]))
    assert "banana 1.1 -> 0.67" in plot.alt
    with pytest.raises(ValueError, match="labels must have one entry per logit"):
        L.plot_logits_to_probabilities([0.0, 1.0], ["a"])


def test_overflow_figure_marks_both_thresholds():
    plot = L.plot_overflow()
    ax = plot.fig.axes[0]
    stable, naive64, naive32 = ax.get_lines()[:3]
    assert np.allclose(stable.get_ydata(), scipy.special.softmax([2.0, 1.0, 0.0])[0])
    m = naive64.get_xdata()
    assert np.isnan(naive64.get_ydata()[m > 709.79]).all() and not np.isnan(naive64.get_ydata()[m < 709.7]).any()
    assert np.isnan(naive32.get_ydata()[m > 88.73]).all() and not np.isnan(naive32.get_ydata()[m < 88.7]).any()
    assert "88.72" in plot.alt and "709.78" in plot.alt


def test_vocab_figure_reports_the_top_share():
    z = L.random_vocab_logits(np.random.default_rng(3))
    p = np.sort(scipy.special.softmax(z))[::-1]
    plot = L.plot_vocab_distribution(z, top=10)
    assert f"top 10 tokens hold {p[:10].sum():.0%}" in plot.alt
    assert "50,257" in plot.alt
    cum = plot.fig.axes[1].get_lines()[0].get_ydata()
    assert cum[-1] == pytest.approx(1.0)


def test_temperature_figures():
    plot = L.plot_temperature(0.5)
    bars = plot.fig.axes[0].patches[:6]
    expected = scipy.special.softmax(L.EXAMPLE_LOGITS / 0.5)
    assert [b.get_height() for b in bars] == pytest.approx(expected)
    assert "84%" in plot.alt and "57%" in plot.alt
    greedy = L.plot_temperature(0.0)
    assert [b.get_height() for b in greedy.fig.axes[0].patches[:6]] == [1.0, 0, 0, 0, 0, 0]
    sweep = L.plot_temperature_sweep()
    h = sweep.fig.axes[1].get_lines()[0].get_ydata()
    assert np.all(np.diff(h) > -1e-12) and h[-1] < math.log2(6) + 1e-9
    assert "2.58 bits" in sweep.alt


def test_sampling_and_filter_figures():
    plot = L.plot_sampling_convergence(L.EXAMPLE_LOGITS, np.random.default_rng(0), L.EXAMPLE_TOKENS, n_draws=5000)
    ax = plot.fig.axes[0]
    final = [line.get_ydata()[-1] for line in ax.get_lines()[::2]]
    assert sum(final) == pytest.approx(1.0)
    np.testing.assert_allclose(final, scipy.special.softmax(L.EXAMPLE_LOGITS), atol=0.03)
    assert "5,000" in plot.alt
    filt = L.plot_filters(top_k=3, top_p=0.7)
    assert [ax.get_title() for ax in filt.fig.axes] == [
        "all tokens: 6 kept",
        "top-k, k = 3: 3 kept",
        "top-p, p = 0.7: 2 kept",
    ]


def test_check_softmax_names_each_mistake():
    def good(z):
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    assert L.check_softmax(good).ok
    assert L.check_softmax(lambda z: L.softmax(z)).ok
    naive = L.check_softmax(lambda z: np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True))
    assert not naive.ok and "overflows" in naive.message
    assert "sums to" in L.check_softmax(lambda z: np.exp(z)).message
    cols = L.check_softmax(lambda z: good(z.T).T if z.ndim == 2 else good(z))
    assert not cols.ok and "down each column" in cols.message
    whole = L.check_softmax(lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum())
    assert not whole.ok and "whole array" in whole.message
    assert "raised ZeroDivisionError" in L.check_softmax(lambda z: 1 / 0).message
    assert not L.check_softmax(np.exp(1.0)).ok
    assert "shape" in L.check_softmax(lambda z: np.array([1.0])).message


def test_check_temperature_and_nucleus():
    t = 2 / math.log(9)
    assert L.check_temperature_for(t).ok
    assert "lower it" in L.check_temperature_for(1.0).message
    assert "raise it" in L.check_temperature_for(0.5).message
    assert "greedy" in L.check_temperature_for(0).message
    assert "temperature must be >= 0" in L.check_temperature_for(-1).message
    assert L.check_nucleus([0, 1, 2]).ok
    assert L.check_nucleus((2, 1, 0)).ok
    assert "less than p" in L.check_nucleus([0, 1]).message
    assert "smallest" in L.check_nucleus([0, 1, 2, 3]).message
    assert "most likely tokens first" in L.check_nucleus([0, 1, 3]).message
    assert "<= 3" in L.check_nucleus([7]).message
    assert "list of integers" in L.check_nucleus([0.5]).message


def test_softmax_family_never_modifies_its_input():
    logits = np.array([[3.0, -1.0, 0.5], [1e300, -1e300, 0.0]])
    before = logits.copy()
    L.softmax(logits)
    L.softmax(logits, temperature=0.5)
    L.log_softmax(logits)
    L.logsumexp(logits)
    np.testing.assert_array_equal(logits, before)
