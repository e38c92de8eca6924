"""Chapter 4's checkers: right answers pass, each usual mistake gets its own message."""

import numpy as np

from mlcourse import determinism as det
from mlcourse.exercises import chapter4 as ex


def _good_experiment(seed):
    rng = np.random.default_rng(seed)
    return rng.integers(1, 7, size=5)


def _global_experiment(seed):
    np.random.seed(seed)  # noqa: NPY002 (the trap the checker must catch)
    return np.random.randint(1, 7, size=5)  # noqa: NPY002


def test_check_reproducible_accepts_a_local_generator():
    assert ex.check_reproducible(_good_experiment).ok


def test_check_reproducible_catches_shared_and_global_state_and_restores_it():
    shared = np.random.default_rng(0)
    verdict = ex.check_reproducible(lambda seed: shared.random(3))
    assert not verdict.ok and "twice gave different results" in verdict.message
    before = det.global_random_state()
    verdict = ex.check_reproducible(_global_experiment)
    assert not verdict.ok and "global random state" in verdict.message
    assert det.same_random_state(before, det.global_random_state())
    verdict = ex.check_reproducible(lambda seed: np.random.default_rng(0).random(3))
    assert not verdict.ok and "different seeds gave the same result" in verdict.message
    assert not ex.check_reproducible(42).ok
    assert "return the numbers" in ex.check_reproducible(lambda seed: "dice").message
    assert "raised ZeroDivisionError" in ex.check_reproducible(lambda seed: 1 / 0).message


def test_check_non_associative():
    assert ex.check_non_associative(0.1, 0.2, 0.3).ok
    # (1e16 - 1e16) + 1 = 1, but -1e16 + 1 rounds to -1e16 (float spacing there is 2), so the other order gives 0
    assert ex.check_non_associative(1e16, -1e16, 1.0).ok
    verdict = ex.check_non_associative(1.0, 2.0, 3.0)
    assert not verdict.ok and "are equal" in verdict.message
    assert "must be a real number" in ex.check_non_associative("a", 1.0, 2.0).message


def test_check_streams():
    def good(seed, n):
        return [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(n)]

    assert ex.check_streams(good).ok
    same = ex.check_streams(lambda seed, n: [np.random.default_rng(seed) for _ in range(n)])
    assert not same.ok and "spawn" in same.message
    shifted = ex.check_streams(lambda seed, n: [np.random.default_rng(seed + i) for i in range(n)])
    assert not shifted.ok and "neighbouring seeds share streams" in shifted.message
    assert "expected 3" in ex.check_streams(lambda seed, n: good(seed, 2)).message
    assert not ex.check_streams(lambda seed, n: [0, 1, 2]).ok


def test_check_streams_reports_exceptions():
    def broken(seed, n):
        raise RuntimeError("boom")

    verdict = ex.check_streams(broken)
    assert not verdict.ok and "RuntimeError: boom" in verdict.message


def test_checkers_turn_any_answer_into_feedback():
    for value in [None, "dice", [[1, 2], [3]], np.array([1 + 1j]), np.full(3, np.nan), [], {}, object()]:
        verdict = ex.check_reproducible(lambda seed, value=value: value)
        assert not verdict.ok and verdict.message
    for returned in [None, 3, "abc", iter([]), [np.random.default_rng(0)] * 2, [0, 1, 2]]:
        verdict = ex.check_streams(lambda seed, n, returned=returned: returned)
        assert not verdict.ok and verdict.message
    for args in [(None, 1.0, 2.0), ("0.1", 0.2, 0.3), (1e308, 1e308, -1e308), (np.nan, 1.0, 2.0)]:
        verdict = ex.check_non_associative(*args)
        assert not verdict.ok and verdict.message


def test_check_likelier_than_greedy():
    from mlcourse.ngram import CharNGram, load_corpus

    lm = CharNGram(order=4).fit(load_corpus())
    # Greedy writes "logits" (p ~ 0.037); "model " has p ~ 0.057 by the chain rule.
    assert lm.generate("the ", 6, np.random.default_rng(0), temperature=0) == "logits"
    assert ex.check_likelier_than_greedy(lm, "the ", "model ").ok
    assert "greedy decoding's own" in ex.check_likelier_than_greedy(lm, "the ", "logits").message
    assert "is not above" in ex.check_likelier_than_greedy(lm, "the ", "zzzzzz").message
    for bad in (None, 3.5, "", ["model "], "mödel "):
        feedback = ex.check_likelier_than_greedy(lm, "the ", bad)
        assert not feedback.ok and feedback.message
    assert not ex.check_likelier_than_greedy("not a model", "the ", "model ").ok
