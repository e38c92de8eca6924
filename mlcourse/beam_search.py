"""Greedy decoding is not the most likely sequence: sequence probabilities and beam search.

A language model gives the probability of a whole continuation by the chain rule:
``p(c1 c2 ... cn | prompt) = p(c1 | prompt) p(c2 | prompt c1) ...``. Greedy decoding takes the
most likely *next* token at every step, which need not give the most likely *sequence*: a
likely first token can lead to unlikely followers. Beam search keeps the ``width`` best
partial continuations at every step instead of one (numpy only; chapter 4 uses it on chapter
3's character model).
"""

from __future__ import annotations

from typing import Any

from mlcourse.softmax import log_softmax
from mlcourse.validation import as_int


def _check_model(lm: Any) -> None:
    if not (callable(getattr(lm, "logits", None)) and getattr(lm, "vocab", None)):
        raise TypeError(f"lm must be a fitted language model with logits() and a vocab, got {type(lm).__name__}")


def sequence_log_prob(lm: Any, prompt: str, continuation: str) -> float:
    """Log-probability (nats) of ``continuation`` after ``prompt``, by the chain rule. Defined in chapter 4.

    Parameters
    ----------
    lm : mlcourse.ngram.CharNGram
        A fitted model with ``logits(context)`` and ``vocab``.
    prompt : str
        The text before the continuation.
    continuation : str
        Characters of the model's vocabulary, at least one.

    Returns
    -------
    float
        ``sum_i log p(continuation[i] | prompt + continuation[:i])``, <= 0.
    """
    _check_model(lm)
    for value, name in ((prompt, "prompt"), (continuation, "continuation")):
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    if not continuation:
        raise ValueError("continuation must hold at least one character")
    unknown = sorted(set(continuation) - set(lm.vocab))
    if unknown:
        raise ValueError(f"continuation contains characters outside the vocabulary: {unknown[:5]}")
    total = 0.0
    for i, char in enumerate(continuation):
        log_probs = log_softmax(lm.logits(prompt + continuation[:i]))
        total += float(log_probs[lm.vocab.index(char)])
    return total


def beam_search(lm: Any, prompt: str, length: int, width: int = 5) -> list[tuple[str, float]]:
    """The ``width`` most likely continuations of ``length`` characters that beam search finds.

    At every step each kept continuation is extended by every character, and only the
    ``width`` extensions with the highest total log-probability survive. ``width=1`` is greedy
    decoding; a wider beam finds sequences at least as likely (not always the most likely one).

    Parameters
    ----------
    lm : mlcourse.ngram.CharNGram
        A fitted model with ``logits(context)`` and ``vocab``.
    prompt : str
        The text to continue.
    length : int
        Characters per continuation, 1 to 200.
    width : int
        How many continuations to keep at each step, 1 to 1,000.

    Returns
    -------
    list of (str, float)
        Continuations and their log-probabilities (nats), most likely first (ties by text).
    """
    _check_model(lm)
    if not isinstance(prompt, str):
        raise TypeError(f"prompt must be a str, got {type(prompt).__name__}")
    length = as_int(length, "length", low=1, high=200)
    width = as_int(width, "width", low=1, high=1_000)
    beams = [("", 0.0)]
    for _ in range(length):
        candidates = []
        for text, score in beams:
            log_probs = log_softmax(lm.logits(prompt + text))
            candidates += [(text + c, score + float(lp)) for c, lp in zip(lm.vocab, log_probs, strict=True)]
        beams = sorted(candidates, key=lambda kv: (-kv[1], kv[0]))[:width]
    return beams
