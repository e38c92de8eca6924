"""Chapter 3's checkers: right answers pass, each usual mistake gets its own message."""

import math

import numpy as np

from mlcourse import softmax as sm
from mlcourse.exercises import chapter3 as ex


def test_check_softmax_names_each_mistake():
    def good(z):
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    assert ex.check_softmax(good).ok
    assert ex.check_softmax(lambda z: sm.softmax(z)).ok
    naive = ex.check_softmax(lambda z: np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True))
    assert not naive.ok and "overflows" in naive.message
    assert "sums to" in ex.check_softmax(lambda z: np.exp(z)).message
    cols = ex.check_softmax(lambda z: good(z.T).T if z.ndim == 2 else good(z))
    assert not cols.ok and "down each column" in cols.message
    whole = ex.check_softmax(lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum())
    assert not whole.ok and "whole array" in whole.message
    assert "raised ZeroDivisionError" in ex.check_softmax(lambda z: 1 / 0).message
    assert not ex.check_softmax(np.exp(1.0)).ok
    assert "shape" in ex.check_softmax(lambda z: np.array([1.0])).message


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
        verdict = ex.check_softmax(lambda z, value=value: value)
        assert not verdict.ok and verdict.message
    for value in [None, "0.9", np.nan, np.inf, True, [0.9], 10**400, 1e308, -0.0]:
        verdict = ex.check_temperature_for(value)
        assert not verdict.ok and verdict.message
    for value in [None, 3, "012", [0.5], [True], [[0, 1]], iter([0, "x"]), {0: 1}]:
        verdict = ex.check_nucleus(value)
        assert not verdict.ok and verdict.message
    assert ex.check_nucleus(np.array([0, 1, 2])).ok
    assert ex.check_temperature_for(np.float32(2 / math.log(9))).ok
