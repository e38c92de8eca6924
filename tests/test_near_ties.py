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


def _via_numpy_float16(w):
    """The reference: numpy's own float32 -> float16 -> float32 conversion."""
    return np.asarray(w, np.float32).astype(np.float16).astype(np.float32)


def _bits(w):
    return np.asarray(w, np.float32).view(np.uint32)


@pytest.mark.parametrize("scale", [1e-9, 3e-8, 1e-6, 2.0**-14, 1e-3, 0.05, 1.0, 300.0, 2e4])
def test_float16_rounding_on_the_bits_is_numpys_float16_bit_for_bit(scale):
    w = (np.random.default_rng(2).normal(size=50_000) * scale).astype(np.float32)
    w = w[np.abs(w) < 65_504]
    np.testing.assert_array_equal(_bits(near_ties.round_to_float16(w)), _bits(_via_numpy_float16(w)))


def test_float16_rounding_on_every_kind_of_bit_pattern():
    # A stride through every finite float32 below the overflow threshold, both signs: normals,
    # float16 subnormals, float32 subnormals, the carry into the exponent (1.99951 -> 2).
    patterns = np.arange(0, 0x477F_F000, 997, dtype=np.uint32)
    w = np.concatenate([patterns, patterns | np.uint32(0x8000_0000)]).view(np.float32)
    np.testing.assert_array_equal(_bits(near_ties.round_to_float16(w)), _bits(_via_numpy_float16(w)))


def test_float16_rounding_breaks_exact_ties_to_even():
    # 1 + k 2**-11 lies halfway between the float16 values 1 + (k - 1) 2**-11 and 1 + (k + 1) 2**-11
    # (float16's spacing at 1 is 2**-10): it goes to the one whose last mantissa bit is 0.
    halfway = np.array([1 + 2.0**-11, 1 + 3 * 2.0**-11, -(1 + 2.0**-11), 2048 + 1.0, 2048 + 3.0], np.float32)
    expected = np.array([1.0, 1 + 2 * 2.0**-10, -1.0, 2048.0, 2048 + 4.0], np.float32)
    np.testing.assert_array_equal(near_ties.round_to_float16(halfway), expected)
    # ... and so do the subnormals, multiples of 2**-24: 0.5 and 1.5 of them round to 0 and 2.
    tiny = np.array([0.5, 1.5, 2.5, -1.5, 1023.5, 1023.75], np.float32) * np.float32(2.0**-24)
    expected = np.array([0.0, 2.0, 2.0, -2.0, 1024.0, 1024.0], np.float32) * np.float32(2.0**-24)
    np.testing.assert_array_equal(near_ties.round_to_float16(tiny), expected)


def test_float16_rounding_keeps_signed_zeros_the_extremes_and_the_shape():
    special = np.array([0.0, -0.0, 65_504.0, -65_504.0, 65_519.99, 2.0**-14, 2.0**-24, 2.0**-26], np.float32)
    rounded = near_ties.round_to_float16(special)
    np.testing.assert_array_equal(_bits(rounded), _bits(_via_numpy_float16(special)))
    assert rounded[4] == 65_504.0 and rounded[7] == 0.0 and np.signbit(rounded[1])
    matrix = np.arange(12, dtype=np.float32).reshape(3, 4) / 7
    for w in (matrix, matrix.T, matrix[:, ::2], np.float32(0.1).reshape(()), np.zeros((0, 3), np.float32)):
        rounded = near_ties.round_to_float16(w)
        assert rounded.shape == w.shape and rounded.dtype == np.float32
        np.testing.assert_array_equal(rounded, _via_numpy_float16(w))
    np.testing.assert_array_equal(matrix, np.arange(12, dtype=np.float32).reshape(3, 4) / 7)  # input untouched


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("bad", [65_520.0, -65_520.0, 1e6, np.inf, -np.inf, np.nan])
def test_float16_rounding_rejects_values_float16_cannot_hold(dtype, bad):
    with pytest.raises(ValueError, match="within float16's range"):
        near_ties.round_to_float16(np.array([0.5, bad], dtype))


def test_float16_rounding_rejects_every_nan_bit_pattern():
    # NaNs whose mantissa is all ones would wrap around to a zero if their bits were rounded blindly.
    nans = np.array([0x7FFF_FFFF, 0xFFFF_FFFF, 0x7F80_0001, 0x7FC0_0000], np.uint32).view(np.float32)
    for nan in nans:
        with pytest.raises(ValueError, match="within float16's range"):
            near_ties.round_to_float16(np.array([1.0, nan], np.float32))


def test_float16_rounding_of_other_float_dtypes_goes_through_float16():
    w = np.random.default_rng(3).normal(size=1000) * 0.01
    for x in (w, w.astype(np.float16), w.tolist()):
        rounded = near_ties.round_to_float16(x)
        assert rounded.dtype == np.float32
        np.testing.assert_array_equal(rounded, np.asarray(x).astype(np.float16).astype(np.float32))


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
    # it keeps the logits each token was chosen from: the model's rows after 2, 3, 4, 5 tokens
    assert trace.logits.shape == (4, 10)
    for n, row in zip(range(2, 6), trace.logits, strict=True):
        expected = np.zeros(10)
        expected[3 + n % 5], expected[3 + (n + 1) % 5] = 1.0 + 0.1 * n, 1.0
        np.testing.assert_array_equal(row, expected)


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
    # the kept logits are the model's (by the KV cache: equal to a full pass up to rounding)
    assert trace.logits.shape == (8, smol.config.vocab_size) and trace.logits.dtype == np.float32
    np.testing.assert_allclose(trace.logits, full, atol=1e-3)


def test_chapter_4s_near_tie_flips_under_float16_weights(smol):
    """The chapter hard-codes this prompt: its closest call (gap ~1e-4, step 7) flips in float16."""
    ids = smol.encode("The village has")
    trace = near_ties.greedy_trace(smol, ids, 12)
    trace16 = near_ties.greedy_trace(smol.with_weights(near_ties.round_to_float16), ids, 12)
    flip = near_ties.first_difference(trace.tokens, trace16.tokens)
    assert flip == trace.closest_step == 6
    assert trace.gaps[flip] < 1e-3
    assert smol.decode(trace.tokens[:flip]) == " a population of 2,"
