"""Chapter 3's checkers: right answers pass, each usual mistake gets its own message."""

import math

import numpy as np

from mlcourse import losses
from mlcourse.exercises import chapter3 as ex


def _log_softmax(z):
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def test_check_perplexity_names_each_mistake():
    def good(z, y):
        return np.exp(-_log_softmax(z)[np.arange(len(y)), y].mean())

    def naive(z, y):  # log of a probability that rounds to 0
        p = np.exp(z - z.max(axis=-1, keepdims=True))
        p = p / p.sum(axis=-1, keepdims=True)
        return np.exp(-np.log(p[np.arange(len(y)), y]).mean())

    assert ex.check_perplexity(good).ok
    assert ex.check_perplexity(lambda z, y: np.exp(losses.cross_entropy(z, y))).ok
    no_exp = ex.check_perplexity(lambda z, y: -_log_softmax(z)[np.arange(len(y)), y].mean())
    assert not no_exp.ok and "is its exp" in no_exp.message
    summed = ex.check_perplexity(lambda z, y: np.exp(-_log_softmax(z)[np.arange(len(y)), y].sum()))
    assert not summed.ok and "do not sum" in summed.message
    unstable = ex.check_perplexity(naive)
    assert not unstable.ok and "log-softmax" in unstable.message
    # uniform over 10 tokens has perplexity 10: a function that returns 10 passes the first case only
    e = math.e
    second = math.sqrt((e**2 + 1 + 1 / e) / e**2 * (1 + e + e**3) / e)  # exp of the mean of two -log p
    assert f"returned 10, expected {second:.5g}" in ex.check_perplexity(lambda z, y: 10.0).message
    first = ex.check_perplexity(lambda z, y: np.exp(-_log_softmax(z)[:, 0].mean()))
    assert not first.ok and "softmax(row)[target]" in first.message
    assert "raised ZeroDivisionError" in ex.check_perplexity(lambda z, y: 1 / 0).message
    assert not ex.check_perplexity(np.exp(1.0)).ok


def test_check_temperature_and_nucleus():
    t = 2 / math.log(9)
    assert ex.check_temperature_for(t).ok
    assert "lower it" in ex.check_temperature_for(1.0).message
    assert "raise it" in ex.check_temperature_for(0.5).message
    assert "greedy" in ex.check_temperature_for(0).message
    assert "temperature must be >= 0" in ex.check_temperature_for(-1).message
    assert ex.check_nucleus([0, 1, 2]).ok
    assert ex.check_nucleus((2, 1, 0)).ok
    assert "less than p" in ex.check_nucleus([0, 1]).message
    assert "smallest" in ex.check_nucleus([0, 1, 2, 3]).message
    assert "most likely tokens first" in ex.check_nucleus([0, 1, 3]).message
    assert "<= 3" in ex.check_nucleus([7]).message
    assert "list of integers" in ex.check_nucleus([0.5]).message


def test_checkers_turn_any_answer_into_feedback():
    odd_returns = [None, "probabilities", [[1.0, 2.0], [3.0]], np.array([1 + 1j, 0, 0]), np.full(3, np.nan), {}, 7]
    for value in odd_returns:
        verdict = ex.check_perplexity(lambda z, y, value=value: value)
        assert not verdict.ok and verdict.message
    for value in [None, "0.9", np.nan, np.inf, True, [0.9], 10**400, 1e308, -0.0]:
        verdict = ex.check_temperature_for(value)
        assert not verdict.ok and verdict.message
    for value in [None, 3, "012", [0.5], [True], [[0, 1]], iter([0, "x"]), {0: 1}]:
        verdict = ex.check_nucleus(value)
        assert not verdict.ok and verdict.message
    assert ex.check_nucleus(np.array([0, 1, 2])).ok
    assert ex.check_temperature_for(np.float32(2 / math.log(9))).ok
