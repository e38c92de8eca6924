"""Chapter 3's exercise checkers: a softmax of your own, a temperature, a nucleus.

Each checker returns :class:`~mlcourse.exercises.Feedback`; whatever the reader passes or their
function returns (None, a string, a ragged list, NaN, an exception) becomes "not yet" feedback.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mlcourse.decoding import filter_logits
from mlcourse.exercises.feedback import Feedback, correct, wrong
from mlcourse.softmax import softmax
from mlcourse.validation import as_int, as_number


def _call(fn, z: list) -> tuple[np.ndarray | None, str]:
    """Run the reader's ``fn`` on ``z``; return ``(float array, "")`` or ``(None, what went wrong)``."""
    shown = f"my_softmax({np.asarray(z).tolist()})"
    try:
        with np.errstate(all="ignore"):
            value = fn(np.array(z, dtype=np.float64))
    except Exception as exc:  # the reader's code may raise anything
        return None, f"{shown} raised {type(exc).__name__}: {exc}"
    try:
        array = np.asarray(value)
        if array.dtype.kind not in "biuf":
            raise TypeError(array.dtype)
        return array.astype(np.float64), ""
    except Exception:  # None, a string, a ragged list, complex numbers, ...
        return None, f"{shown} returned {value!r:.60}: return an array of probabilities (did you forget return?)"


def check_softmax(fn) -> Feedback:
    """Check the reader's ``fn(logits)`` softmax: values, sum to 1, large logits, rows of a matrix.

    Each case names what fails: wrong values, not summing to 1, overflow to NaN on large logits
    (forgot to subtract the max), or normalising over the wrong axis of a 2-D input.
    """
    if not callable(fn):
        return wrong(f"pass your function itself (my_softmax, not my_softmax(...)); got {type(fn).__name__}")
    small = [1.0, 2.0, 3.0]
    expected = softmax(small)
    got, problem = _call(fn, small)
    if got is None:
        return wrong(problem)
    if got.shape != (3,):
        return wrong(f"my_softmax({small}) returned shape {got.shape}; expected one probability per logit, shape (3,).")
    if not np.isclose(got.sum(), 1.0):
        return wrong(
            f"my_softmax({small}) returned {np.round(got, 4).tolist()}, which sums to {got.sum():.4g}, not 1: "
            "divide the exponentials by their sum."
        )
    if not np.allclose(got, expected):
        return wrong(
            f"my_softmax({small}) returned {np.round(got, 4).tolist()}, expected {np.round(expected, 4).tolist()}."
        )
    large = [1000.0, 999.0, 998.0]
    got, problem = _call(fn, large)
    if got is None:
        return wrong(problem)
    if got.shape != (3,) or not np.all(np.isfinite(got)):
        return wrong(
            f"my_softmax({large}) returned {got.tolist()}: exp(1000) overflows to inf and inf/inf is NaN. "
            "Subtract the largest logit before exponentiating (it does not change the answer)."
        )
    if not np.allclose(got, expected[::-1]):
        return wrong(
            f"my_softmax({large}) returned {np.round(got, 4).tolist()}; it should equal softmax([1, 2, 3]) reversed "
            f"({np.round(expected[::-1], 4).tolist()}) because adding a constant changes nothing."
        )
    rows = [[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]
    got, problem = _call(fn, rows)
    if got is None:
        return wrong(problem.replace(f"my_softmax({rows})", "my_softmax on a 2-D array (one row per example)"))
    if got.shape != (2, 3):
        return wrong(f"my_softmax on a (2, 3) array returned shape {got.shape}; it must keep the shape.")
    if not np.allclose(got, softmax(rows, axis=-1)):
        if np.allclose(got.sum(axis=0), 1.0):
            return wrong(
                "on a (2, 3) array your probabilities sum to 1 down each column: normalise along the last axis."
            )
        if np.isclose(got.sum(), 1.0):
            return wrong(
                "on a (2, 3) array your probabilities sum to 1 over the whole array: sum along the last axis with "
                "axis=-1, keepdims=True, and take the max per row the same way."
            )
        return wrong(
            f"on rows {rows} your result {np.round(got, 4).tolist()} is not a softmax of each row: use "
            "axis=-1, keepdims=True for both the max and the sum."
        )
    return correct("my_softmax gives the right probabilities, survives logits of 1000 and works row by row.")


def check_temperature_for(temperature: Any, logits=(2.0, 0.0), target: float = 0.9) -> Feedback:
    """Check a temperature that gives the first of ``logits`` probability ``target``."""
    try:
        t = as_number(temperature, "temperature", low=0.0)
    except (TypeError, ValueError, OverflowError) as exc:
        return wrong(str(exc))
    if t == 0.0:
        return wrong("T = 0 is greedy: the top token gets probability 1, not the target.")
    got = float(softmax(logits, temperature=t)[0])
    if np.isclose(got, target, atol=2e-3):
        return correct(f"at T = {t:.4g} the first token gets {got:.3f}.")
    direction = "lower it (sharper)" if got < target else "raise it (flatter)"
    return wrong(
        f"at T = {t:.4g} the first token gets {got:.3f}, not {target:g}: {direction}. Hint: with two tokens the "
        "odds p1/p2 equal exp((z1 - z2) / T)."
    )


def check_nucleus(kept: Any, probs=(0.4, 0.3, 0.2, 0.1), top_p: float = 0.75) -> Feedback:
    """Check the set of token indices the reader thinks top-p keeps for ``probs``."""
    try:
        mine = {as_int(i, "kept indices", low=0, high=len(probs) - 1) for i in kept}
    except ValueError as exc:
        return wrong(str(exc))
    except Exception:  # not iterable, not integers, or an iterator that raises
        return wrong("give the kept token indices as a list of integers, e.g. [0, 1]")
    expected = set(np.flatnonzero(np.isfinite(filter_logits(np.log(probs), top_p=top_p))).tolist())
    if mine == expected:
        return correct(f"top-p {top_p:g} keeps tokens {sorted(expected)}.")
    p = np.asarray(probs)
    total = p[sorted(mine)].sum() if mine else 0.0
    if total < top_p:
        return wrong(
            f"your tokens hold {total:.2f} in total, less than p = {top_p:g}: keep adding the next most likely."
        )
    if mine != set(np.argsort(-p, kind="stable")[: len(mine)].tolist()):
        return wrong("top-p keeps the most likely tokens first: sort by probability and take a prefix.")
    return wrong(
        f"your tokens hold {total:.2f}; a smaller prefix already reaches {top_p:g}: keep only the smallest one."
    )
