"""Temperature, top-k/top-p filtering and seeded sampling (mlcourse.decoding)."""

import subprocess
import sys

import numpy as np
import pytest
import scipy.special

from mlcourse import decoding
from mlcourse import softmax as sm


def test_top_k_keeps_the_k_largest_and_ties_at_the_kth_value():
    x = np.array([1.0, 4.0, 3.0, 2.0])
    np.testing.assert_array_equal(decoding.filter_logits(x, top_k=2), [-np.inf, 4.0, 3.0, -np.inf])
    np.testing.assert_array_equal(decoding.filter_logits(x, top_k=1), [-np.inf, 4.0, -np.inf, -np.inf])
    np.testing.assert_array_equal(decoding.filter_logits(x, top_k=10), x)
    tied = np.array([5.0, 3.0, 3.0, 1.0])
    np.testing.assert_array_equal(decoding.filter_logits(tied, top_k=2), [5.0, 3.0, 3.0, -np.inf])
    rows = np.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]])
    np.testing.assert_array_equal(
        decoding.filter_logits(rows, top_k=1), [[-np.inf, -np.inf, 3.0], [3.0, -np.inf, -np.inf]]
    )


def test_top_k_with_minus_infinity_entries():
    x = np.array([0.0, -np.inf, -np.inf, 1.0])
    np.testing.assert_array_equal(decoding.filter_logits(x, top_k=3), x)
    np.testing.assert_array_equal(decoding.filter_logits(x, top_k=1), [-np.inf, -np.inf, -np.inf, 1.0])


def test_top_p_keeps_the_token_that_crosses_p():
    x = np.log([0.5, 0.3, 0.15, 0.05])
    keep = lambda p: np.isfinite(decoding.filter_logits(x, top_p=p)).tolist()  # noqa: E731
    assert keep(0.4) == [True, False, False, False]  # 0.5 already reaches 0.4
    assert keep(0.5) == [True, False, False, False]  # reaching p exactly is enough
    assert keep(0.6) == [True, True, False, False]  # 0.5 < 0.6, 0.8 crosses it
    assert keep(0.8) == [True, True, False, False]
    assert keep(0.9) == [True, True, True, False]
    assert keep(0.96) == [True, True, True, True]
    assert keep(1.0) == [True, True, True, True]


def test_top_p_tiny_p_keeps_the_argmax_and_ties_are_kept():
    x = np.array([0.1, 2.0, -1.0])
    np.testing.assert_array_equal(np.isfinite(decoding.filter_logits(x, top_p=1e-9)), [False, True, False])
    np.testing.assert_array_equal(np.isfinite(decoding.filter_logits(x, top_p=1e-300)), [False, True, False])
    tied = np.array([1.0, 1.0, 0.0])
    np.testing.assert_array_equal(np.isfinite(decoding.filter_logits(tied, top_p=0.1)), [True, True, False])


def test_top_p_ignores_masked_entries_and_combines_with_top_k():
    x = np.array([np.log(0.6), -np.inf, np.log(0.4)])
    np.testing.assert_array_equal(np.isfinite(decoding.filter_logits(x, top_p=0.99)), [True, False, True])
    # top-k first: among [0.5, 0.3] (renormalised to 0.625, 0.375), 0.6 is reached by the first alone
    y = np.log([0.5, 0.3, 0.2])
    np.testing.assert_array_equal(np.isfinite(decoding.filter_logits(y, top_k=2, top_p=0.6)), [True, False, False])
    np.testing.assert_array_equal(np.isfinite(decoding.filter_logits(y, top_p=0.6)), [True, True, False])


def test_filter_logits_keeps_values_and_shape():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 7))
    out = decoding.filter_logits(x, top_k=3, top_p=0.9)
    assert out.shape == x.shape
    kept = np.isfinite(out)
    np.testing.assert_array_equal(out[kept], x[kept])
    assert (kept.sum(axis=1) >= 1).all() and (kept.sum(axis=1) <= 3).all()


def test_sample_is_reproducible_with_a_seed():
    x = np.array([0.0, 1.0, 2.0, 0.5])
    a = decoding.sample(x, np.random.default_rng(7), size=50)
    b = decoding.sample(x, np.random.default_rng(7), size=50)
    np.testing.assert_array_equal(a, b)
    assert isinstance(decoding.sample(x, np.random.default_rng(7)), int)
    assert decoding.sample(x, np.random.default_rng(1), size=(2, 3)).shape == (2, 3)


def test_sample_frequencies_match_softmax():
    x = np.array([1.0, 0.0, -1.0, 2.0])
    draws = decoding.sample(x, np.random.default_rng(0), size=200_000)
    freq = np.bincount(draws, minlength=4) / draws.size
    # 200,000 draws: standard error below 0.0012, so 0.005 is > 4 standard errors
    np.testing.assert_allclose(freq, scipy.special.softmax(x), atol=0.005)
    hot = decoding.sample(x, np.random.default_rng(0), temperature=0.5, size=200_000)
    np.testing.assert_allclose(np.bincount(hot, minlength=4) / hot.size, scipy.special.softmax(x / 0.5), atol=0.005)


def test_sample_never_draws_filtered_or_masked_tokens():
    x = np.array([0.0, -np.inf, 0.5, 0.2, -3.0])
    draws = decoding.sample(x, np.random.default_rng(0), size=5000)
    assert 1 not in draws
    topk = decoding.sample(x, np.random.default_rng(0), top_k=2, size=5000)
    assert set(np.unique(topk)) == {2, 3}
    trailing = decoding.sample([0.0, 0.0, -np.inf], np.random.default_rng(0), size=20_000)
    assert set(np.unique(trailing)) == {0, 1}
    topp = decoding.sample(x, np.random.default_rng(0), top_p=1e-6, size=100)
    assert set(np.unique(topp)) == {2}


def test_sample_temperature_zero_is_greedy():
    assert decoding.sample([0.0, 3.0, 3.0], np.random.default_rng(0), temperature=0) == 1
    np.testing.assert_array_equal(
        decoding.sample([[0.0, 1.0], [1.0, 0.0]], np.random.default_rng(0), temperature=0), [1, 0]
    )
    np.testing.assert_array_equal(
        decoding.sample([0.0, 3.0], np.random.default_rng(0), temperature=0, size=3), [1, 1, 1]
    )


def test_sample_batches_rows_independently():
    x = np.array([[0.0, -np.inf, -np.inf], [-np.inf, -np.inf, 0.0]])
    out = decoding.sample(x, np.random.default_rng(0), size=4)
    assert out.shape == (2, 4)
    assert (out[0] == 0).all() and (out[1] == 2).all()


def test_bad_parameters_raise_clear_errors():
    with pytest.raises(ValueError, match="temperature must be >= 0"):
        sm.softmax([1.0, 2.0], temperature=-1)
    with pytest.raises(TypeError, match="temperature must be a real number"):
        sm.softmax([1.0, 2.0], temperature="hot")
    with pytest.raises(ValueError, match="axis must be <= 0"):
        sm.softmax([1.0, 2.0], axis=1)
    with pytest.raises(ValueError, match="top_k must be >= 1"):
        decoding.filter_logits([1.0, 2.0], top_k=0)
    with pytest.raises(TypeError, match="top_k must be an integer"):
        decoding.filter_logits([1.0, 2.0], top_k=1.5)
    with pytest.raises(ValueError, match=r"top_p must be in \(0, 1\]"):
        decoding.filter_logits([1.0, 2.0], top_p=0)
    with pytest.raises(ValueError, match="top_p must be <= 1"):
        decoding.filter_logits([1.0, 2.0], top_p=1.5)
    with pytest.raises(ValueError, match="top_p must be >= 0"):
        decoding.sample([1.0, 2.0], np.random.default_rng(0), top_p=-0.1)
    with pytest.raises(TypeError, match=r"rng must be a numpy\.random\.Generator"):
        decoding.sample([1.0, 2.0], None)
    with pytest.raises(TypeError, match=r"rng must be a numpy\.random\.Generator"):
        decoding.sample([1.0, 2.0], 42)
    with pytest.raises(ValueError, match="temperature must be >= 0"):
        decoding.sample([1.0, 2.0], np.random.default_rng(0), temperature=-0.5)
    with pytest.raises(ValueError, match="size must be >= 0"):
        decoding.sample([1.0, 2.0], np.random.default_rng(0), size=-1)
    with pytest.raises(ValueError, match="logits must have at least one finite entry"):
        decoding.sample([[0.0, 1.0], [-np.inf, -np.inf]], np.random.default_rng(0))


def test_repetition_penalty_is_the_ctrl_rule():
    z = np.array([2.0, -1.0, 3.0, 0.5])
    out = decoding.repetition_penalty(z, [0, 1, 1], 2.0)
    # seen positive logit halved, seen negative one doubled, unseen ones untouched, input unchanged
    np.testing.assert_array_equal(out, [1.0, -2.0, 3.0, 0.5])
    np.testing.assert_array_equal(z, [2.0, -1.0, 3.0, 0.5])
    np.testing.assert_array_equal(decoding.repetition_penalty(z, [0, 2], 1.0), z)
    np.testing.assert_array_equal(decoding.repetition_penalty(z, [], 1.5), z)
    assert decoding.greedy(decoding.repetition_penalty(z, [2], 2.0)) == 0  # 3 / 2 < 2
    with pytest.raises(ValueError, match="penalty must be >= 1"):
        decoding.repetition_penalty(z, [0], 0.5)
    with pytest.raises(ValueError, match=r"previous must hold token ids in \[0, 4\)"):
        decoding.repetition_penalty(z, [4], 1.2)
    with pytest.raises(ValueError, match="one row"):
        decoding.repetition_penalty([[1.0, 2.0]], [0], 1.2)
    with pytest.raises(TypeError, match="previous"):
        decoding.repetition_penalty(z, "ab", 1.2)


def test_sample_applies_temperature_before_top_p():
    # At T = 1 the top token holds 0.88 < 0.9, so top-p 0.9 keeps two; at T = 0.5 it holds
    # e^4 / (e^4 + 1) = 0.982 on its own, so the same top-p keeps one: top-p sees p at T.
    z = np.array([2.0, 0.0, -10.0])
    assert set(decoding.sample(z, np.random.default_rng(0), 1.0, top_p=0.9, size=400).tolist()) == {0, 1}
    assert set(decoding.sample(z, np.random.default_rng(0), 0.5, top_p=0.9, size=400).tolist()) == {0}


def test_idea_modules_of_chapters_3_and_4_import_numpy_only():
    code = (
        "import sys\n"
        "import mlcourse.decoding, mlcourse.determinism, mlcourse.losses, mlcourse.ngram, mlcourse.softmax\n"
        "bad = sorted({m.split('.')[0] for m in sys.modules} & {'matplotlib', 'IPython', 'ipywidgets'})\n"
        "bad += sorted(m for m in sys.modules if m.startswith(('mlcourse.figures', 'mlcourse.exercises')))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --------------------------------------------------------------------------- temperature, greedy (issue 19)


def test_temperature_returns_shifted_scaled_logits_and_the_greedy_limit():
    z = np.array([1.0, 3.0, 2.0])
    np.testing.assert_array_equal(decoding.temperature(z, 2.0), [-1.0, 0.0, -0.5])  # (z - 3) / 2
    np.testing.assert_array_equal(decoding.temperature(z, 1.0), z - 3.0)
    np.testing.assert_array_equal(decoding.temperature(z, 0), [-np.inf, 0.0, -np.inf])
    np.testing.assert_array_equal(decoding.temperature([[3.0, 3.0], [0.0, 1.0]], 0), [[0.0, -np.inf], [-np.inf, 0.0]])
    # z / T = [1, -1] for huge logits and a huge temperature: shifted, [0, -2]
    np.testing.assert_array_equal(decoding.temperature([1e308, -1e308], 1e308), [0.0, -2.0])
    with pytest.raises(ValueError, match="t must be >= 0"):
        decoding.temperature(z, -1.0)
    with pytest.raises(ValueError, match="logits must have at least one dimension"):
        decoding.temperature(3.0, 1.0)


def test_sampling_inherits_the_exact_temperature():
    # logits [1e308, -1e308] at T = 1e308 are [1, -1]: p = [0.8808, 0.1192]; [1, 0] would be wrong
    p0 = 1.0 / (1.0 + np.exp(-2.0))
    draws = decoding.sample([1e308, -1e308], np.random.default_rng(0), temperature=1e308, size=40_000)
    freq = np.mean(draws == 0)
    assert abs(freq - p0) < 5 * np.sqrt(p0 * (1 - p0) / 40_000)  # 5 standard errors
    assert (
        decoding.sample([1e300, 0.0, -1e300], np.random.default_rng(0), temperature=1e-300, size=50).tolist()
        == [0] * 50
    )


def test_greedy_is_the_first_argmax_and_never_uses_a_generator():
    assert decoding.greedy([0.0, 2.0, 2.0]) == 1
    assert isinstance(decoding.greedy(np.array([1, 5, 2], dtype=np.int32)), int)
    np.testing.assert_array_equal(decoding.greedy([[0.0, 1.0], [1.0, 0.0], [-np.inf, 0.0]]), [1, 0, 1])
    with pytest.raises(ValueError, match="logits must not contain NaN"):
        decoding.greedy([0.0, np.nan])


def test_sampling_refuses_unbounded_work_and_bad_sizes():
    with pytest.raises(ValueError, match="more than 100,000,000 draws"):
        decoding.sample([0.0, 1.0], np.random.default_rng(0), size=(10**5, 10**4))
    with pytest.raises(TypeError, match="size must be an integer"):
        decoding.sample([0.0, 1.0], np.random.default_rng(0), size=2.5)
    assert decoding.sample([0.0, 1.0], np.random.default_rng(0), size=np.int64(3)).shape == (3,)
    assert decoding.sample([0.0, 1.0], np.random.default_rng(0), size=0).shape == (0,)
