"""Chapter 4's exercise checkers: a reproducible experiment, non-associative sums, random streams.

Each checker returns :class:`~mlcourse.exercises.Feedback`; whatever the reader passes or their
function returns (None, a string, a ragged list, NaN, an exception) becomes "not yet" feedback.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from mlcourse.beam_search import sequence_log_prob
from mlcourse.determinism import global_random_state, same_random_state
from mlcourse.exercises.feedback import Feedback, correct, wrong
from mlcourse.validation import as_number


def _numbers(value: Any) -> list[float] | None:
    """The reader's result as a flat list of finite floats, or None if it is not numbers."""
    try:
        array = np.asarray(value)
        if array.dtype.kind not in "biuf" or array.size == 0:
            return None
        numbers = array.astype(float).ravel().tolist()
    except Exception:  # a ragged list, an object that refuses conversion, ...
        return None
    return numbers if np.all(np.isfinite(numbers)) else None


def check_reproducible(experiment: Callable[[int], Any]) -> Feedback:
    """Check the reader's ``experiment(seed)``: same seed, same result; new seed, new result.

    The function must also leave numpy's global random state alone (it should make its own
    ``np.random.default_rng(seed)``). The checker restores the global state if it was changed.
    """
    if not callable(experiment):
        return wrong(f"pass your function itself (experiment, not experiment(...)); got {type(experiment).__name__}")
    before = global_random_state()
    try:
        results = {}
        for seed in (0, 0, 1, 2):
            try:
                value = experiment(seed)
            except Exception as exc:  # the reader's code may raise anything
                return wrong(f"experiment({seed}) raised {type(exc).__name__}: {exc}")
            numbers = _numbers(value)
            if numbers is None:
                return wrong(f"experiment({seed}) returned {value!r:.60}: return the numbers (e.g. the dice rolls).")
            results.setdefault(seed, []).append(numbers)
        after = global_random_state()
        touched = not same_random_state(before, after)
    finally:
        np.random.set_state(before)  # noqa: NPY002 (undo the reader's global seed)
    first, again = results[0]
    if first != again:
        return wrong(
            "calling experiment(0) twice gave different results: create the generator inside the "
            "function from the seed, rng = np.random.default_rng(seed), instead of reusing one."
        )
    if touched:
        return wrong(
            "your function changed numpy's global random state (np.random.seed or np.random.rand...): "
            "use a local generator, rng = np.random.default_rng(seed), and draw from rng."
        )
    if results[1][0] == first or results[2][0] == first:
        return wrong("different seeds gave the same result: the output must come from rng, seeded with seed.")
    return correct("same seed, same numbers; different seeds, different numbers; global state untouched.")


def check_non_associative(a: float, b: float, c: float) -> Feedback:
    """Check that ``(a + b) + c`` and ``a + (b + c)`` differ in floating point."""
    try:
        a, b, c = (as_number(v, name) for v, name in ((a, "a"), (b, "b"), (c, "c")))
    except (TypeError, ValueError, OverflowError) as exc:
        return wrong(str(exc))
    left, right = (a + b) + c, a + (b + c)
    if not (np.isfinite(left) and np.isfinite(right)):
        return wrong(f"(a + b) + c = {left!r} and a + (b + c) = {right!r}: a sum overflowed. Use smaller numbers.")
    if left == right:
        return wrong(
            f"(a + b) + c = {left!r} and a + (b + c) = {right!r} are equal. Try numbers whose sum cannot "
            "be stored exactly, such as 0.1, 0.2, 0.3, or a huge number next to a small one (1e16, -1e16, 1.0)."
        )
    return correct(f"(a + b) + c = {left!r} but a + (b + c) = {right!r}: the order of addition matters.")


def check_streams(make_streams: Callable[[int, int], Sequence[np.random.Generator]]) -> Feedback:
    """Check the reader's ``make_streams(seed, n)``: n reproducible, mutually different generators."""
    if not callable(make_streams):
        return wrong(f"pass your function itself, not its result; got {type(make_streams).__name__}")
    results = []
    for seed in (42, 42, 43):
        try:
            streams = list(make_streams(seed, 3))
        except Exception as exc:  # the reader's code may raise anything, or return a non-sequence
            return wrong(f"make_streams({seed}, 3) raised {type(exc).__name__}: {exc}")
        if len(streams) != 3:
            return wrong(f"make_streams({seed}, 3) returned {len(streams)} generators, expected 3")
        if not all(isinstance(g, np.random.Generator) for g in streams):
            return wrong(f"make_streams({seed}, 3) must return numpy Generators (np.random.default_rng(child) each)")
        results.append(streams)
    first, second, other = results
    draws = [tuple(g.random(4)) for g in first]
    again = [tuple(g.random(4)) for g in second]
    others = [tuple(g.random(4)) for g in other]
    if draws != again:
        return wrong("calling make_streams(42, 3) twice gave different numbers: derive every stream from seed.")
    if len(set(draws)) < 3:
        return wrong(
            "some streams produce the same numbers: seeding them all with the same seed copies one stream. "
            "Use np.random.SeedSequence(seed).spawn(n) to get n independent children."
        )
    if set(draws) & set(others):
        return wrong(
            "make_streams(43, 3) reproduced one of the streams of make_streams(42, 3): with seeds like "
            "seed + i, neighbouring seeds share streams. Use np.random.SeedSequence(seed).spawn(n)."
        )
    return correct("three independent streams, reproduced exactly from one seed.")


def check_likelier_than_greedy(lm: Any, prompt: str, text: Any) -> Feedback:
    """Check that the reader's ``text`` continues ``prompt`` more likely than greedy decoding does.

    Greedy decoding's continuation of the same length is the benchmark; the comparison uses the
    chain-rule log-probabilities of :func:`mlcourse.beam_search.sequence_log_prob`.
    """
    if not isinstance(text, str):
        return wrong(f"pass the continuation as a str, e.g. 'abcdef'; got {type(text).__name__}")
    if not text:
        return wrong("the continuation is empty: give at least one character.")
    unknown = sorted(set(text) - set(getattr(lm, "vocab", ())))
    if unknown:
        return wrong(f"the model has never seen the characters {unknown[:5]}: it cannot score this text.")
    try:
        greedy = lm.generate(prompt, len(text), np.random.default_rng(0), temperature=0)
        mine, best_step = sequence_log_prob(lm, prompt, text), sequence_log_prob(lm, prompt, greedy)
    except Exception as exc:  # a bad model or prompt from the reader
        return wrong(f"could not score the text: {type(exc).__name__}: {exc}")
    if text == greedy:
        return wrong(f"{text!r} is greedy decoding's own continuation: find a different one.")
    if mine <= best_step:
        return wrong(
            f"p({text!r}) = {np.exp(mine):.4f} is not above greedy's p({greedy!r}) = {np.exp(best_step):.4f}. "
            "Try beam_search.beam_search(lm, prompt, len(text), width=5)."
        )
    return correct(
        f"p({text!r}) = {np.exp(mine):.4f} beats greedy's p({greedy!r}) = {np.exp(best_step):.4f}: "
        "the best next step does not make the most likely text."
    )
