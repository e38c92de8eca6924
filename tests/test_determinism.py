import math

import numpy as np
import pytest
from scipy import stats

from mlcourse import determinism as det


def test_same_seed_same_dice_different_seed_different_dice():
    a = det.roll_dice(np.random.default_rng(7), 20)
    b = det.roll_dice(np.random.default_rng(7), 20)
    c = det.roll_dice(np.random.default_rng(8), 20)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert a.shape == (20,) and a.min() >= 1 and a.max() <= 6


def test_dice_are_fair_over_many_rolls():
    rolls = det.roll_dice(np.random.default_rng(0), 6000)
    counts = np.bincount(rolls, minlength=7)[1:]
    # chi-square goodness of fit against the uniform distribution on 1..6
    assert stats.chisquare(counts).pvalue > 0.001


def test_a_helper_sharing_the_generator_shifts_every_later_number():
    quiet = det.roll_dice(np.random.default_rng(3), 5)
    rng = np.random.default_rng(3)
    det.jitter([1.0, 2.0], rng)
    shifted = det.roll_dice(rng, 5)
    assert not np.array_equal(quiet, shifted)
    # and the jitter itself is small, centred noise of the requested scale
    noisy = det.jitter(np.zeros(4000), np.random.default_rng(1), scale=0.5)
    assert abs(noisy.mean()) < 0.05 and abs(noisy.std() - 0.5) < 0.03


def test_spawned_streams_are_reproducible_independent_and_isolated():
    first = det.spawn_generators(11, 3)
    again = det.spawn_generators(11, 3)
    draws = [g.random(5) for g in first]
    for g, d in zip(again, draws, strict=True):
        np.testing.assert_array_equal(g.random(5), d)
    assert len({tuple(d) for d in draws}) == 3
    # Extra draws on stream 0 leave stream 1 exactly as it was.
    streams = det.spawn_generators(11, 3)
    streams[0].random(1000)
    np.testing.assert_array_equal(streams[1].random(5), draws[1])
    # Same as numpy's own recipe.
    children = np.random.SeedSequence(11).spawn(3)
    np.testing.assert_array_equal(np.random.default_rng(children[2]).random(5), draws[2])


def test_run_records_reproduce_and_new_seed_is_a_big_int():
    record = det.run_experiment(2024)
    assert record == det.run_experiment(record.seed)
    assert record != det.run_experiment(2025)
    seed = det.new_seed()
    assert isinstance(seed, int) and seed >= 0
    assert det.run_experiment(seed) == det.run_experiment(seed)


def test_seed_helpers_leave_the_global_state_alone():
    before = det.global_random_state()
    det.roll_dice(np.random.default_rng(0), 3)
    det.spawn_generators(0, 2)
    det.run_experiment(0)
    after = det.global_random_state()
    assert det.same_random_state(before, after)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: det.roll_dice(0, 3), TypeError, "rng must be a numpy.random.Generator"),
        (lambda: det.roll_dice(np.random.default_rng(0), 0), ValueError, "n must be >= 1"),
        (lambda: det.spawn_generators(-1, 2), ValueError, "seed must be >= 0"),
        (lambda: det.spawn_generators(0, 1.5), TypeError, "n must be an integer"),
        (lambda: det.jitter([1.0], np.random.default_rng(0), scale=-1), ValueError, "scale must be >= 0"),
        (lambda: det.run_experiment("7"), TypeError, "seed must be an integer"),
    ],
)
def test_bad_inputs_raise_clear_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_floating_point_addition_is_not_associative():
    assert (0.1 + 0.2) + 0.3 != 0.1 + (0.2 + 0.3)
    sums = det.summation_orders([1e16, 1.0, -1e16])
    # left to right: 1e16 + 1 rounds back to 1e16 (spacing there is 2), so the 1 is lost
    assert sums["loop, left to right"] == 0.0
    # right to left: -1e16 + 1 rounds to -1e16 as well
    assert sums["loop, right to left"] == 0.0
    assert sums["math.fsum (exact)"] == 1.0


def test_summation_orders_agree_on_exact_inputs_and_fsum_is_exact():
    sums = det.summation_orders([0.5, 0.25, 0.125, 1.0])  # powers of two: every order is exact
    assert set(sums.values()) == {1.875}
    assert list(sums) == list(det.SUM_ORDERS)
    values = np.random.default_rng(4).normal(size=500) * 10.0 ** np.random.default_rng(5).integers(-4, 5, 500)
    sums = det.summation_orders(values)
    # fsum equals the exact rational sum rounded once
    from fractions import Fraction

    exact = float(sum(Fraction(v) for v in values.tolist()))
    assert sums["math.fsum (exact)"] == exact
    assert sums["np.sum (pairwise)"] == float(np.sum(values))
    assert len(set(sums.values())) > 1


def test_ulps_from_counts_representable_steps():
    x = 0.6
    assert det.ulps_from(math.nextafter(math.nextafter(x, 1), 1), x) == 2.0
    assert det.ulps_from(x, x) == 0.0


def test_near_tie_logits_flip_the_greedy_choice():
    values = np.random.default_rng(4).normal(size=1000) * 10.0 ** np.random.default_rng(5).integers(-4, 5, 1000)
    sums = det.summation_orders(values)
    a, b = det.near_tie_logits(values, "np.sum (pairwise)", "loop, left to right")
    assert a[0] == sums["np.sum (pairwise)"] and b[0] == sums["loop, left to right"]
    assert a[1] == b[1]
    assert np.argmax(a) != np.argmax(b)
    assert abs(a[0] - a[1]) < 1e-9 * abs(a[0])  # the logits are tied to ~1e-16 relative


def test_near_tie_logits_rejects_equal_sums_and_unknown_orders():
    with pytest.raises(ValueError, match="equal or adjacent floats"):
        det.near_tie_logits([1.0, 2.0], "np.sum (pairwise)", "loop, left to right")
    with pytest.raises(ValueError, match="order_b must be one of"):
        det.near_tie_logits([1.0, 2.0], "np.sum (pairwise)", "backwards")


def test_fit_line_matches_scipy_linregress():
    x, y = det.sample_population(np.random.default_rng(0), 30)
    w, b = det.fit_line(x, y)
    ref = stats.linregress(x, y)
    assert w == pytest.approx(ref.slope, rel=1e-12)
    assert b == pytest.approx(ref.intercept, rel=1e-12)


def test_fit_line_recovers_an_exact_line_by_hand():
    assert det.fit_line([0.0, 1.0, 2.0], [1.0, 3.0, 5.0]) == pytest.approx((2.0, 1.0))


def test_fit_line_rejects_degenerate_input():
    with pytest.raises(ValueError, match="at least two distinct"):
        det.fit_line([1.0, 1.0], [0.0, 2.0])
    with pytest.raises(ValueError, match="same length"):
        det.fit_line([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="at least 2 points"):
        det.fit_line([1.0], [1.0])


def test_fits_vary_between_samples_and_centre_on_the_truth():
    fits = det.fit_many_samples(np.random.default_rng(1), n_samples=400, size=12)
    assert fits.shape == (400, 2)
    assert fits[:, 0].std() > 0.05  # the slope changes from sample to sample
    # Least squares is unbiased: the average estimate is close to (2, 1).
    assert fits[:, 0].mean() == pytest.approx(det.TRUE_W, abs=0.05)
    assert fits[:, 1].mean() == pytest.approx(det.TRUE_B, abs=0.15)
    # Closed form: the slope's standard error is sigma / sqrt(sum (x - xbar)^2); with x uniform on
    # [0, 5] and n = 12, E[sum (x - xbar)^2] = (n - 1) * 25 / 12, so the spread is about 0.3.
    expected_sd = det.NOISE_SD / math.sqrt(11 * 25 / 12)
    assert fits[:, 0].std() == pytest.approx(expected_sd, rel=0.25)
    np.testing.assert_array_equal(fits, det.fit_many_samples(np.random.default_rng(1), 400, 12))


def test_fit_many_samples_is_fit_line_on_each_sample_in_turn():
    for seed, n_samples, size in [(6, 6, 12), (7, 50, 6), (8, 20, 50)]:
        rng = np.random.default_rng(seed)
        expected = [det.fit_line(*det.sample_population(rng, size)) for _ in range(n_samples)]
        np.testing.assert_array_equal(det.fit_many_samples(np.random.default_rng(seed), n_samples, size), expected)


class _DiceLM:
    """A stand-in language model: its "text" is the rolls drawn from the generator it is given."""

    def generate(self, prompt, length, rng, temperature=1.0):
        if temperature == 0:
            return "6" * length  # greedy: the same text whatever the generator
        return "".join(str(v) for v in rng.integers(1, 7, size=length))


def test_sample_continuations_uses_one_fresh_generator_per_seed():
    runs = det.sample_continuations(_DiceLM(), "x", 4, 1.0, [5, 6, 5])
    expected = ["".join(str(v) for v in np.random.default_rng(s).integers(1, 7, size=4)) for s in (5, 6, 5)]
    assert runs == expected
    assert runs[0] == runs[2]
    assert det.sample_continuations(_DiceLM(), "x", 3, 0.0, range(4)) == ["666"] * 4


def test_sample_continuations_rejects_bad_arguments():
    with pytest.raises(ValueError, match="temperature must be >= 0"):
        det.sample_continuations(_DiceLM(), "x", 3, -0.5, [0])
    with pytest.raises(ValueError, match="seeds must contain at least one seed"):
        det.sample_continuations(_DiceLM(), "x", 3, 1.0, [])
    with pytest.raises(ValueError, match="length must be >= 1"):
        det.sample_continuations(_DiceLM(), "x", 0, 1.0, [0])


def test_continuation_counts_ranks_by_count_then_text():
    assert det.continuation_counts(["b", "a", "b", "c", "a", "b"]) == [("b", 3), ("a", 2), ("c", 1)]
    assert det.continuation_counts(["z", "y"]) == [("y", 1), ("z", 1)]


@pytest.fixture(scope="module")
def lm():
    from mlcourse.ngram import CharNGram, load_corpus

    return CharNGram(order=4).fit(load_corpus())


def test_real_model_is_deterministic_at_zero_and_spreads_above(lm):
    greedy = det.sample_continuations(lm, "the ", 6, 0.0, range(20))
    assert len(set(greedy)) == 1
    warm = det.sample_continuations(lm, "the ", 6, 1.0, range(20))
    assert len(set(warm)) > 5
    assert warm == det.sample_continuations(lm, "the ", 6, 1.0, range(20))


def test_sample_continuations_names_a_missing_model_and_bad_seeds():
    from mlcourse.ngram import CharNGram

    model = CharNGram(order=2).fit("abab abab")
    with pytest.raises(TypeError, match="lm must be a fitted language model"):
        det.sample_continuations(None, "a", 3, 1.0, [0])
    with pytest.raises(TypeError, match="seeds must be an iterable"):
        det.sample_continuations(model, "a", 3, 1.0, None)
    with pytest.raises(TypeError, match="seeds must be an iterable"):
        det.sample_continuations(model, "a", 3, 1.0, "123")
    assert det.sample_continuations(model, "a", 3, 1.0, np.arange(2, dtype=np.int32)) == det.sample_continuations(
        model, "a", 3, 1.0, [0, 1]
    )


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: det.roll_dice(np.random.default_rng(0), 10**12), "n must be <= 10000000"),
        (lambda: det.spawn_generators(0, 10**9), "n must be <= 100000"),
        (lambda: det.run_experiment(0, 10**9), "n must be <= 1000000"),
        (lambda: det.sample_population(np.random.default_rng(0), 10**10), "size must be <= 10000000"),
        (lambda: det.fit_many_samples(np.random.default_rng(0), 10**9), "n_samples must be <= 100000"),
    ],
)
def test_sizes_are_bounded_with_a_clear_message(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_numpy_integer_sizes_and_seeds_work_like_python_ints():
    np.testing.assert_array_equal(
        det.roll_dice(np.random.default_rng(0), np.int32(4)), det.roll_dice(np.random.default_rng(0), 4)
    )
    assert det.run_experiment(np.uint8(7)) == det.run_experiment(7)
    assert [g.random() for g in det.spawn_generators(np.int64(3), np.int16(2))] == [
        g.random() for g in det.spawn_generators(3, 2)
    ]
    with pytest.raises(ValueError, match="x must have 1 dimension"):
        det.fit_line(1.0, 2.0)
    with pytest.raises(ValueError, match="values must have 1 dimension"):
        det.summation_orders(np.float64(1.0))
