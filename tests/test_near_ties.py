"""Near-ties: the top-two gap, float16 rounding, greedy traces, and chapter 4's real flip."""

import numpy as np
import pytest

from mlcourse import load_smollm2, near_ties


class CountingModel:
    """A fake model over 10 tokens: after n tokens, token 3 + n % 5 leads token 3 + (n + 1) % 5 by 0.1 n."""

    def new_cache(self):
        return []

    def step(self, ids, cache):
        rows = []
        for token in ids:
            cache.append(int(token))
            n = len(cache)
            row = np.zeros(10)
            row[3 + n % 5] = 1.0 + 0.1 * n
            row[3 + (n + 1) % 5] = 1.0
            rows.append(row)
        return np.array(rows)


class StoppingModel(CountingModel):
    """Emits the end-of-turn token 2 as soon as it has seen 4 tokens."""

    def step(self, ids, cache):
        rows = super().step(ids, cache)
        if len(cache) >= 4:
            rows[-1, 2] = 100.0
        return rows


def test_top_two_gap_is_the_lead_of_the_largest_over_the_runner_up():
    assert near_ties.top_two_gap([1.0, 3.5, 2.0]) == 1.5
    assert near_ties.top_two_gap([2.0, 2.0, -1.0]) == 0.0  # an exact tie
    rng = np.random.default_rng(0)
    for _ in range(5):
        row = rng.normal(size=1000)
        ordered = sorted(row.tolist())
        assert near_ties.top_two_gap(row) == ordered[-1] - ordered[-2]


@pytest.mark.parametrize(
    ("logits", "error", "match"),
    [([1.0], ValueError, "at least 2"), ([[1.0, 2.0]], ValueError, "logits"), ([1.0, np.nan], ValueError, "logits")],
)
def test_top_two_gap_rejects_bad_logits(logits, error, match):
    with pytest.raises(error, match=match):
        near_ties.top_two_gap(logits)


def test_float16_rounding_moves_each_weight_by_at_most_half_a_float16_step():
    w = np.random.default_rng(1).normal(0.0, 0.05, size=10_000).astype(np.float32)
    rounded = near_ties.round_to_float16(w)
    assert rounded.dtype == np.float32 and rounded.shape == w.shape
    # Every result is a float16 value, and the nearest one: within half a float16 spacing.
    np.testing.assert_array_equal(rounded.astype(np.float16).astype(np.float32), rounded)
    spacing = np.spacing(np.abs(w).astype(np.float16)).astype(np.float32)
    assert np.all(np.abs(rounded - w) <= spacing / 2)
    assert np.any(rounded != w)
    with pytest.raises(TypeError, match="weights must be a float array"):
        near_ties.round_to_float16(np.arange(3))


def test_first_difference():
    assert near_ties.first_difference([1, 2, 3], [1, 2, 3]) is None
    assert near_ties.first_difference([1, 2, 3], [1, 5, 3]) == 1
    assert near_ties.first_difference([1, 2], [1, 2, 3]) == 2
    assert near_ties.first_difference((), ()) is None


def test_greedy_trace_follows_the_argmax_and_records_the_gaps():
    trace = near_ties.greedy_trace(CountingModel(), [9, 9], 4)
    # after 2, 3, 4, 5 tokens the leader is 3 + n % 5, ahead by 0.1 n
    assert trace.tokens == (5, 6, 7, 3)
    np.testing.assert_allclose(trace.gaps, [0.2, 0.3, 0.4, 0.5])
    assert trace.closest_step == 0


def test_greedy_trace_stops_after_a_stop_token():
    trace = near_ties.greedy_trace(StoppingModel(), [9, 9], 10)
    assert trace.tokens == (5, 6, 2)  # 2 leads once 4 tokens are in: stop there


@pytest.mark.parametrize(
    ("lm", "steps", "error", "match"),
    [("model", 3, TypeError, "lm must be a language model"), (CountingModel(), 0, ValueError, "steps must be >= 1")],
)
def test_greedy_trace_rejects_bad_input(lm, steps, error, match):
    with pytest.raises(error, match=match):
        near_ties.greedy_trace(lm, [1], steps)


# --------------------------------------------------------------------------- the real model


@pytest.fixture(scope="module")
def smol():
    return load_smollm2()


def test_greedy_trace_is_generate_at_temperature_zero_and_its_gaps_are_the_logits(smol):
    ids = smol.encode("The village has")
    trace = near_ties.greedy_trace(smol, ids, 8)
    assert list(trace.tokens) == smol.generate(ids, 8, None, temperature=0)
    full = smol.logits(list(ids) + list(trace.tokens[:-1]))[len(ids) - 1 :]
    expected = [np.sort(row)[-1] - np.sort(row)[-2] for row in full]
    np.testing.assert_allclose(trace.gaps, expected, atol=1e-3)


def test_chapter_4s_near_tie_flips_under_float16_weights(smol):
    """The chapter hard-codes this prompt: its closest call (gap ~1e-4, step 7) flips in float16."""
    ids = smol.encode("The village has")
    trace = near_ties.greedy_trace(smol, ids, 12)
    trace16 = near_ties.greedy_trace(smol.with_weights(near_ties.round_to_float16), ids, 12)
    flip = near_ties.first_difference(trace.tokens, trace16.tokens)
    assert flip == trace.closest_step == 6
    assert trace.gaps[flip] < 1e-3
    assert smol.decode(trace.tokens[:flip]) == " a population of 2,"
