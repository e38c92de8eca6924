"""Chapter 3's exercise checkers: a perplexity of your own, a temperature, a nucleus.

Each checker returns :class:`~mlcourse.exercises.Feedback`; whatever the reader passes or their
function returns (None, a string, a ragged list, NaN, an exception) becomes "not yet" feedback.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mlcourse.decoding import filter_logits
from mlcourse.exercises.feedback import Feedback, correct, wrong
from mlcourse.losses import cross_entropy
from mlcourse.softmax import softmax
from mlcourse.validation import as_int, as_number


def _call(fn, logits: list, targets: list, shown: str) -> tuple[float | None, str]:
    """Run the reader's ``fn`` on one case; return ``(a float, "")`` or ``(None, what went wrong)``."""
    try:
        with np.errstate(all="ignore"):
            value = fn(np.array(logits, dtype=np.float64), np.array(targets))
    except Exception as exc:  # the reader's code may raise anything
        return None, f"{shown} raised {type(exc).__name__}: {exc}"
    try:
        array = np.asarray(value)
        if array.dtype.kind not in "biuf" or array.size != 1:
            raise TypeError(array.dtype)
        return float(array.reshape(())), ""
    except Exception:  # None, a string, a list of numbers, complex numbers, ...
        return None, f"{shown} returned {value!r:.60}: return one number (did you forget return?)"


def check_perplexity(fn) -> Feedback:
    """Check the reader's ``fn(logits, targets)``: exp of the mean cross-entropy, from logits.

    Each case names what fails: not exponentiating, summing instead of averaging, the wrong
    token's probability, or ``log(softmax(...))`` turning a tiny probability into ``inf``.
    """
    if not callable(fn):
        return wrong(f"pass your function itself (my_perplexity, not my_perplexity(...)); got {type(fn).__name__}")
    cases = [
        ("np.zeros((4, 10)), [0, 1, 2, 3]", [[0.0] * 10] * 4, [0, 1, 2, 3]),  # uniform: perplexity 10
        ("[[2, 0, -1], [0, 1, 3]], [0, 1]", [[2.0, 0.0, -1.0], [0.0, 1.0, 3.0]], [0, 1]),
        ("[[800, 0, 0], [0, 800, 0]], [0, 2]", [[800.0, 0.0, 0.0], [0.0, 800.0, 0.0]], [0, 2]),  # wrong by 800
    ]
    for args, logits, targets in cases:
        nll = cross_entropy(logits, targets, reduction="none")
        expected = float(np.exp(nll.mean()))
        got, problem = _call(fn, logits, targets, f"my_perplexity({args})")
        if got is None:
            return wrong(problem)
        if np.isclose(got, expected, rtol=1e-6):
            continue
        shown = f"my_perplexity({args}) returned {got:.6g}, expected {expected:.6g}"
        if np.isclose(got, nll.mean(), rtol=1e-6):
            return wrong(f"{shown}: that is the mean cross-entropy; perplexity is its exp.")
        if not np.isfinite(got):
            return wrong(
                f"{shown}: a probability rounded to 0 and its log to -inf (or exp overflowed). Use "
                "log-softmax, z - max - log(sum(exp(z - max))), not log(softmax(z)); average, then exp."
            )
        with np.errstate(over="ignore"):
            summed = np.exp(nll.sum())
        if np.isclose(got, summed, rtol=1e-6):
            return wrong(f"{shown}: average the losses over the tokens before exp, do not sum them.")
        return wrong(f"{shown}: take -log softmax(row)[target] for each row, average, then exp.")
    return correct("my_perplexity is exp of the mean cross-entropy, and stays finite for a model wrong by 800.")


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
