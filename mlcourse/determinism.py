"""Deterministic, probabilistic, statistical: three kinds of system, and how to make runs repeat.

* A **deterministic** system maps the same input to the same output, every time (a fixed rule).
* A **probabilistic** system draws its output from a distribution, so repeated runs differ unless
  the random numbers themselves are fixed by a seed.
* A **statistical** system learns its behaviour from data, so it depends on the sample it saw.

Machine learning models are statistical systems that often use probabilistic methods. This
module holds chapter 4's helpers (numpy only; the figures are in :mod:`mlcourse.figures.chapter4`
and the checkers in :mod:`mlcourse.exercises.chapter4`): seeded random streams (and the shared-state trap), sampling a
language model at several temperatures, summing floats in different orders, and fitting the
same line to different samples. Randomness only ever comes from an explicit
``numpy.random.Generator`` argument, except in :func:`new_seed`, whose whole job is to pick a
fresh seed for you to record.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from mlcourse.validation import as_finite_result, as_float_array, as_int, as_number, as_rng, as_str_sequence

# --------------------------------------------------------------------------- seeds and streams


def roll_dice(rng: np.random.Generator, n: int = 5) -> np.ndarray:
    """Roll ``n`` fair six-sided dice with the generator ``rng``.

    Parameters
    ----------
    rng : numpy.random.Generator
        The source of randomness (``np.random.default_rng(seed)``); it advances by ``n`` draws.
    n : int
        Number of dice, at least 1.

    Returns
    -------
    numpy.ndarray of int, shape (n,)
        Faces between 1 and 6.
    """
    rng = as_rng(rng)
    n = as_int(n, "n", low=1, high=10_000_000)
    return rng.integers(1, 7, size=n)


def jitter(values, rng: np.random.Generator, scale: float = 0.01) -> np.ndarray:
    """Add small Gaussian noise to ``values``: a helper that quietly consumes random numbers.

    It stands for any library call (data augmentation, dropout, a random initialiser) that
    draws from the generator it is given. Sharing one generator with it changes every number
    drawn afterwards, which is the hidden-state trap of the global ``np.random`` functions.

    Parameters
    ----------
    values : array_like, shape (n,)
        Numbers to perturb.
    rng : numpy.random.Generator
        The source of randomness; it advances by ``n`` normal draws.
    scale : float
        Standard deviation of the noise, >= 0.

    Returns
    -------
    numpy.ndarray, shape (n,)
    """
    values = as_float_array(values, "values")
    rng = as_rng(rng)
    scale = as_number(scale, "scale", low=0.0)
    return values + rng.normal(0.0, scale, size=values.shape)


def spawn_generators(seed: int, n: int) -> list[np.random.Generator]:
    """``n`` independent random streams derived from one seed with ``SeedSequence.spawn``. Defined in chapter 4.

    Give each consumer (data shuffling, dropout, sampling, each worker process) its own stream:
    drawing more or fewer numbers from one stream never changes the others, and the whole set
    is reproduced from the single ``seed``.

    Parameters
    ----------
    seed : int
        Non-negative integer seed; record it to reproduce the run.
    n : int
        Number of streams, at least 1.

    Returns
    -------
    list of numpy.random.Generator, length n
    """
    seed = as_int(seed, "seed", low=0)
    n = as_int(n, "n", low=1, high=100_000)
    return [np.random.default_rng(child) for child in np.random.SeedSequence(seed).spawn(n)]


def new_seed() -> int:
    """A fresh 128-bit seed from the operating system's entropy, to be *recorded*.

    This is the one deliberately non-deterministic function in the course: when you have not
    chosen a seed, take one from here, write it down (in a log, a config file, the results),
    and pass it to :func:`numpy.random.default_rng`. The run can then be repeated exactly.
    """
    return int(np.random.SeedSequence().entropy)


@dataclass(frozen=True)
class RunRecord:
    """What a reproducible run writes down: the seed it used and what it produced.

    Attributes
    ----------
    seed : int
        The seed passed to ``np.random.default_rng``.
    result : tuple of float
        The run's output (here: a few noisy measurements).
    """

    seed: int
    result: tuple[float, ...]


def run_experiment(seed: int, n: int = 3) -> RunRecord:
    """A tiny "experiment" whose output depends only on ``seed``: ``n`` noisy measurements.

    Parameters
    ----------
    seed : int
        Non-negative integer seed.
    n : int
        Number of measurements, at least 1.

    Returns
    -------
    RunRecord
        The seed and the rounded measurements; ``run_experiment(record.seed)`` reproduces it.
    """
    seed = as_int(seed, "seed", low=0)
    n = as_int(n, "n", low=1, high=1_000_000)
    rng = np.random.default_rng(seed)
    values = 10.0 + rng.normal(0.0, 0.5, size=n)
    return RunRecord(seed, tuple(round(float(v), 4) for v in values))


# --------------------------------------------------------------------------- floating point


#: The summation orders compared by :func:`summation_orders`, in display order.
SUM_ORDERS: tuple[str, ...] = (
    "np.sum (pairwise)",
    "loop, left to right",
    "loop, right to left",
    "math.fsum (exact)",
)


def summation_orders(values) -> dict[str, float]:
    """The sum of the same numbers computed in four orders.

    Floating-point addition rounds after every step, so it is not associative:
    ``(a + b) + c`` can differ from ``a + (b + c)``. numpy's ``np.sum`` adds in a pairwise
    tree, a Python loop adds one number at a time (in either direction), and
    :func:`math.fsum` tracks the rounding errors and returns the correctly rounded sum.

    Parameters
    ----------
    values : array_like, shape (n,)
        Finite numbers.

    Returns
    -------
    dict of str to float
        Keys :data:`SUM_ORDERS`.
    """
    values = as_float_array(values, "values", ndim=1)
    forward = 0.0
    for v in values.tolist():
        forward += v
    backward = 0.0
    for v in reversed(values.tolist()):
        backward += v
    return dict(zip(SUM_ORDERS, (float(np.sum(values)), forward, backward, math.fsum(values.tolist())), strict=True))


def ulps_from(value: float, reference: float) -> float:
    """How far ``value`` is from ``reference``, in units in the last place of ``reference``."""
    value = as_number(value, "value")
    reference = as_number(reference, "reference")
    return as_finite_result((value - reference) / math.ulp(reference), "(value - reference) / ulp(reference)")


def near_tie_logits(values, order_a: str, order_b: str) -> tuple[np.ndarray, np.ndarray]:
    """Two logits that are tied up to rounding, computed with two summation orders.

    Token 0's logit is the sum of ``values`` (a dot product's terms, say), computed once in
    ``order_a`` and once in ``order_b``, as two inference setups (batch sizes, GPU kernels)
    might. Token 1's logit sits exactly halfway between the two results. Greedy decoding
    (argmax) therefore picks token 0 in one setup and token 1 in the other.

    Parameters
    ----------
    values : array_like, shape (n,)
        The terms summed into token 0's logit.
    order_a, order_b : str
        Keys of :data:`SUM_ORDERS` whose results differ.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray), each shape (2,)
        The logits of tokens 0 and 1 as seen by setup a and by setup b.
    """
    for name, order in (("order_a", order_a), ("order_b", order_b)):
        if order not in SUM_ORDERS:
            raise ValueError(f"{name} must be one of {SUM_ORDERS}, got {order!r}")
    sums = summation_orders(values)
    a, b = sums[order_a], sums[order_b]
    rival = a / 2 + b / 2
    if not (min(a, b) < rival < max(a, b)):
        raise ValueError(
            f"the {order_a!r} and {order_b!r} sums ({a!r}, {b!r}) are equal or adjacent floats: "
            "choose values or orders whose sums differ by at least two units in the last place"
        )
    return np.array([a, rival]), np.array([b, rival])


# --------------------------------------------------------------------------- statistical systems

#: The population of chapter 4's statistics demo: y = TRUE_W * x + TRUE_B + noise.
TRUE_W = 2.0
TRUE_B = 1.0
NOISE_SD = 1.5


def sample_population(rng: np.random.Generator, size: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``size`` points from the population ``y = 2 x + 1 + noise``, x uniform in [0, 5].

    Parameters
    ----------
    rng : numpy.random.Generator
        The source of randomness.
    size : int
        Number of points, at least 2.

    Returns
    -------
    x, y : numpy.ndarray, each shape (size,)
        Inputs and noisy outputs (noise standard deviation :data:`NOISE_SD`).
    """
    rng = as_rng(rng)
    size = as_int(size, "size", low=2, high=10_000_000)
    x = rng.uniform(0.0, 5.0, size=size)
    y = TRUE_W * x + TRUE_B + rng.normal(0.0, NOISE_SD, size=size)
    return x, y


def fit_line(x, y) -> tuple[float, float]:
    """Least-squares line through points: the ``(w, b)`` minimising ``sum((w x + b - y)**2)``.

    A thin, checked wrapper around ``numpy.polynomial.polynomial.polyfit`` with degree 1.

    Parameters
    ----------
    x, y : array_like, shape (n,)
        At least two points, with at least two distinct x values.

    Returns
    -------
    (float, float)
        Weight (slope) ``w`` and bias (intercept) ``b``.
    """
    x = as_float_array(x, "x", ndim=1, low=-1e150, high=1e150)
    y = as_float_array(y, "y", ndim=1, low=-1e150, high=1e150)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same length, got {x.size} and {y.size}")
    if x.size < 2:
        raise ValueError(f"x and y must hold at least 2 points, got {x.size}")
    if np.ptp(x) == 0.0:
        raise ValueError("x must contain at least two distinct values to fit a slope")
    with np.errstate(all="ignore"):
        b, w = as_finite_result(
            np.polynomial.polynomial.polyfit(x, y, 1), "the fit to x and y", hint="values beyond ~1e150"
        )
    return float(w), float(b)


def fit_many_samples(rng: np.random.Generator, n_samples: int = 6, size: int = 12) -> np.ndarray:
    """Fit a line to each of ``n_samples`` independent samples from the same population.

    Parameters
    ----------
    rng : numpy.random.Generator
        The source of randomness.
    n_samples : int
        Number of samples, at least 1.
    size : int
        Points per sample, at least 2.

    Returns
    -------
    numpy.ndarray, shape (n_samples, 2)
        One row ``(w, b)`` per sample.
    """
    rng = as_rng(rng)
    n_samples = as_int(n_samples, "n_samples", low=1, high=100_000)
    size = as_int(size, "size", low=2, high=1_000_000)
    samples = [sample_population(rng, size) for _ in range(n_samples)]
    # The same polyfit as fit_line, without its input checks: these samples are finite, and their
    # x values (uniform draws) are distinct.
    return np.array([np.polynomial.polynomial.polyfit(x, y, 1)[::-1] for x, y in samples])


# --------------------------------------------------------------------------- language-model decoding


def sample_continuations(
    lm: Any, prompt: str, length: int, temperature: float, seeds: Iterable[int], **kwargs: Any
) -> list[str]:
    """One continuation of ``prompt`` per seed, from a chapter 3 language model. Defined in chapter 4.

    Each seed gets its own fresh ``np.random.default_rng(seed)``, so a seed always gives the
    same continuation.

    Parameters
    ----------
    lm : mlcourse.ngram.CharNGram
        A fitted model whose ``generate(prompt, length, rng, temperature=..., ...)`` returns the
        generated characters without the prompt.
    prompt : str
        The text to continue.
    length : int
        Characters to generate, at least 1.
    temperature : float
        >= 0; 0 means greedy decoding (always the most likely next character).
    seeds : iterable of int
        Non-negative seeds, one continuation each.
    **kwargs
        Passed to ``lm.generate`` (``top_k``, ``top_p``).

    Returns
    -------
    list of str
        The generated characters (without the prompt), in seed order.
    """
    if not callable(getattr(lm, "generate", None)):
        raise TypeError(f"lm must be a fitted language model with a generate() method, got {type(lm).__name__}")
    length = as_int(length, "length", low=1, high=1_000_000)
    temperature = as_number(temperature, "temperature", low=0.0)
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Iterable):
        raise TypeError(f"seeds must be an iterable of non-negative ints, got {type(seeds).__name__}")
    out = []
    for seed in seeds:
        rng = np.random.default_rng(as_int(seed, "each seed in seeds", low=0))
        out.append(lm.generate(prompt, length, rng, temperature=temperature, **kwargs))
    if not out:
        raise ValueError("seeds must contain at least one seed")
    return out


def continuation_counts(continuations: Sequence[str]) -> list[tuple[str, int]]:
    """Distinct continuations with how often each occurred, most frequent first (ties by text)."""
    counts = Counter(as_str_sequence(continuations, "continuations", allow_empty=True))
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


# --------------------------------------------------------------------------- the global state (to prove it untouched)


def global_random_state() -> dict:
    """A snapshot of numpy's hidden global generator (the one ``np.random.seed`` seeds).

    Reading it changes nothing; compare two snapshots with :func:`same_random_state` to show
    that code left the global state alone.
    """
    return np.random.get_state(legacy=False)  # noqa: NPY002 (inspecting the trap, not using it)


def same_random_state(a: dict, b: dict) -> bool:
    """Whether two snapshots from :func:`global_random_state` are the same state.

    Used to show that code leaves the global state alone (and to catch code that does not).
    """
    for value, name in ((a, "a"), (b, "b")):
        if not isinstance(value, dict) or not {"bit_generator", "state", "has_gauss"} <= set(value):
            raise TypeError(f"{name} must be a snapshot from global_random_state(), got {type(value).__name__}")
    return (
        a["bit_generator"] == b["bit_generator"]
        and np.array_equal(a["state"]["key"], b["state"]["key"])
        and a["state"]["pos"] == b["state"]["pos"]
        and a["has_gauss"] == b["has_gauss"]
        and (not a["has_gauss"] or a["gauss"] == b["gauss"])
    )
