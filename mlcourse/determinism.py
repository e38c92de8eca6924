"""Deterministic, probabilistic, statistical: three kinds of system, and how to make runs repeat.

* A **deterministic** system maps the same input to the same output, every time (a fixed rule).
* A **probabilistic** system draws its output from a distribution, so repeated runs differ unless
  the random numbers themselves are fixed by a seed.
* A **statistical** system learns its behaviour from data, so it depends on the sample it saw.

Machine learning models are statistical systems that often use probabilistic methods. This
module holds chapter 4's helpers: seeded random streams (and the shared-state trap), sampling a
language model at several temperatures, summing floats in different orders, and fitting the
same line to different samples. Randomness only ever comes from an explicit
``numpy.random.Generator`` argument, except in :func:`new_seed`, whose whole job is to pick a
fresh seed for you to record.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from mlcourse.exercises.feedback import Feedback, correct, wrong
from mlcourse.figures import Plot, new_figure
from mlcourse.figures.diagrams import draw_flow
from mlcourse.figures.style import INK, MUTED, PALETTE, styled
from mlcourse.validation import as_float_array, as_int, as_number, as_rng

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
    n = as_int(n, "n", low=1)
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
    """``n`` independent random streams derived from one seed with ``SeedSequence.spawn``.

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
    n = as_int(n, "n", low=1)
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
    n = as_int(n, "n", low=1)
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
    return (value - reference) / math.ulp(reference)


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
    size = as_int(size, "size", low=2)
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
    x = as_float_array(x, "x", ndim=1)
    y = as_float_array(y, "y", ndim=1)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same length, got {x.size} and {y.size}")
    if x.size < 2:
        raise ValueError(f"x and y must hold at least 2 points, got {x.size}")
    if np.ptp(x) == 0.0:
        raise ValueError("x must contain at least two distinct values to fit a slope")
    b, w = np.polynomial.polynomial.polyfit(x, y, 1)
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
    n_samples = as_int(n_samples, "n_samples", low=1)
    size = as_int(size, "size", low=2)
    return np.array([fit_line(*sample_population(rng, size)) for _ in range(n_samples)])


# --------------------------------------------------------------------------- language-model decoding


def sample_continuations(
    lm: Any, prompt: str, length: int, temperature: float, seeds: Iterable[int], **kwargs: Any
) -> list[str]:
    """One continuation of ``prompt`` per seed, from a chapter 3 language model.

    Each seed gets its own fresh ``np.random.default_rng(seed)``, so a seed always gives the
    same continuation.

    Parameters
    ----------
    lm : mlcourse.language_model.CharNGram
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
    length = as_int(length, "length", low=1)
    temperature = as_number(temperature, "temperature", low=0.0)
    out = []
    for seed in seeds:
        rng = np.random.default_rng(as_int(seed, "seed", low=0))
        out.append(lm.generate(prompt, length, rng, temperature=temperature, **kwargs))
    if not out:
        raise ValueError("seeds must contain at least one seed")
    return out


def continuation_counts(continuations: Sequence[str]) -> list[tuple[str, int]]:
    """Distinct continuations with how often each occurred, most frequent first (ties by text)."""
    counts = Counter(continuations)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def _show(text: str) -> str:
    """A continuation made visible on a plot: spaces as '·', newlines as '↵'."""
    return text.replace(" ", "·").replace("\n", "↵")


def draw_continuations(ax: Axes, continuations: Sequence[str], *, top: int = 8, color: str | None = None) -> None:
    """Horizontal bar chart of the ``top`` most frequent continuations on ``ax``, most frequent on top.

    The axis always has room for ``top`` bars, so bars keep their thickness whatever their number
    (a single greedy continuation looks like one bar, not a wall). Spaces show as '·'.
    """
    ranked = continuation_counts(continuations)
    shown = ranked[:top]
    positions = [top - 1 - i for i in range(len(shown))]
    ax.barh(positions, [count for _, count in shown], height=0.8, color=color or PALETTE["blue"])
    ax.set_yticks(positions, [f"“{_show(text)}”" for text, _ in shown], fontfamily="monospace", fontsize=9)
    ax.set_ylim(-0.6, top - 0.4)
    ax.set_xlabel(f"count out of {len(continuations)} runs")
    ax.set_xlim(0, len(continuations) * 1.05)
    ax.grid(axis="y", visible=False)
    rest = len(ranked) - len(shown)
    if rest > 0:
        ax.text(0.98, 0.02, f"+ {rest} more distinct", transform=ax.transAxes, ha="right", va="bottom", color=MUTED)


def plot_decoding_spread(
    lm: Any, prompt: str, length: int = 5, temperature: float = 1.0, seeds: Sequence[int] = range(40)
) -> Plot:
    """Continuations of one prompt over many seeds: at ``temperature`` > 0 (left) and at 0 (right).

    Parameters
    ----------
    lm : mlcourse.language_model.CharNGram
        A fitted chapter 3 model.
    prompt : str
        The text to continue.
    length : int
        Characters generated per run.
    temperature : float
        The sampling temperature of the left panel, > 0.
    seeds : sequence of int
        One run per seed (same seeds on both sides).
    """
    temperature = as_number(temperature, "temperature", low=0.0)
    if temperature == 0.0:
        raise ValueError("temperature must be > 0 for the left panel (the right panel is T = 0)")
    seeds = list(seeds)
    warm = sample_continuations(lm, prompt, length, temperature, seeds)
    greedy = sample_continuations(lm, prompt, length, 0.0, seeds)
    n_warm, n_greedy = len(set(warm)), len(set(greedy))
    fig = new_figure(9, 3.8)
    with styled():
        left, right = fig.subplots(1, 2, width_ratios=[3, 2])
        draw_continuations(left, warm, color=PALETTE["blue"])
        left.set_title(f"T = {temperature:g}: {n_warm} different continuations")
        draw_continuations(right, greedy, color=PALETTE["vermillion"])
        right.set_title(f"T = 0 (greedy): {n_greedy} continuation" + ("" if n_greedy == 1 else "s"))
        fig.suptitle(f"Continuing “{_show(prompt)}” with {len(seeds)} different seeds", color=INK)
    top_text, top_count = continuation_counts(warm)[0]
    return Plot(
        fig,
        f"Two bar charts of the continuations of the prompt '{prompt}' over {len(seeds)} seeds. At "
        f"temperature {temperature:g} (left) the runs give {n_warm} different continuations; the most "
        f"common, '{top_text}', occurs {top_count} times. At temperature 0 (right) all runs give "
        + (f"the same continuation, '{greedy[0]}'." if n_greedy == 1 else f"{n_greedy} continuations."),
    )


def draw_decoding(fig: Figure, params: tuple[int, float, int], *, lm: Any, prompt: str, length: int = 5) -> None:
    """The widget's figure: continuations for ``params = (seed, temperature, n_samples)``.

    Run ``i`` uses seed ``seed + i``, so the same three settings always draw the same picture.
    """
    seed, temperature, n_samples = params
    seed = as_int(seed, "seed", low=0)
    n_samples = as_int(n_samples, "n_samples", low=1)
    runs = sample_continuations(lm, prompt, length, temperature, range(seed, seed + n_samples))
    ax = fig.add_subplot()
    color = PALETTE["vermillion"] if temperature == 0 else PALETTE["blue"]
    draw_continuations(ax, runs, color=color)
    distinct = len(set(runs))
    ax.set_title(
        f"“{_show(prompt)}” at T = {temperature:g}, seeds {seed}–{seed + n_samples - 1}: "
        f"{distinct} distinct continuation" + ("" if distinct == 1 else "s")
    )


def plot_decoding(lm: Any, prompt: str, seed: int, temperature: float, n_samples: int, length: int = 5) -> Plot:
    """The live widget's figure: :func:`draw_decoding` for one setting, with alt text."""
    fig = new_figure(7.5, 3.8)
    with styled():
        draw_decoding(fig, (seed, temperature, n_samples), lm=lm, prompt=prompt, length=length)
    runs = sample_continuations(lm, prompt, length, temperature, range(seed, seed + n_samples))
    text, count = continuation_counts(runs)[0]
    return Plot(
        fig,
        f"Bar chart of {n_samples} continuations of '{prompt}' at temperature {temperature:g} with seeds "
        f"{seed} to {seed + n_samples - 1}: {len(set(runs))} distinct; the most common, '{text}', "
        f"occurs {count} times.",
    )


# --------------------------------------------------------------------------- figures


def plot_three_systems() -> Plot:
    """The source page's "Three Types of Systems" diagram, one row per kind of system."""
    rows = [
        ("Deterministic", ["input x", "fixed rule\n$y = 2x + 1$", "the same y\nevery time"]),
        ("Probabilistic", ["input x", "distribution\n$p(y \\mid x)$", "y drawn at random:\nvaries run to run"]),
        ("Statistical", ["data sample", "learn θ\nfrom the data", "behaviour depends\non the sample"]),
    ]
    fig = new_figure(8.5, 4.6)
    with styled():
        ax = fig.add_subplot()
        for i, (name, labels) in enumerate(rows):
            y = -1.05 * i
            draw_flow(ax, labels, y=y, highlight=[1], box_width=1.55, box_height=0.72, gap=0.55, fontsize=10)
            ax.text(-0.2, y, name, ha="right", va="center", fontsize=11, fontweight="bold", color=INK)
        ax.text(
            (3 * 1.55 + 2 * 0.55) / 2,
            -3.0,
            "An ML model is statistical (it learns θ from data) and often probabilistic (it samples);\n"
            "with the same input and the same random seed it is deterministic.",
            ha="center",
            va="center",
            fontsize=10,
            color=MUTED,
        )
        ax.update_datalim([(-1.9, -3.3), (3 * 1.55 + 2 * 0.55 + 0.1, 0.5)])
        ax.autoscale_view()
    return Plot(
        fig,
        "Diagram with three rows. Deterministic: input x goes through a fixed rule y = 2x + 1 and "
        "gives the same y every time. Probabilistic: input x goes into a distribution p(y | x) and y "
        "is drawn at random, varying run to run. Statistical: a data sample is used to learn θ, so "
        "the behaviour depends on the sample. A note says an ML model is statistical, often "
        "probabilistic, and deterministic given the same input and random seed.",
    )


def plot_summation_orders(values) -> Plot:
    """Where the four summation orders of ``values`` land, in units in the last place (ulps)."""
    sums = summation_orders(values)
    exact = sums["math.fsum (exact)"]
    offsets = [ulps_from(sums[k], exact) for k in SUM_ORDERS]
    fig = new_figure(7.5, 2.8)
    with styled():
        ax = fig.add_subplot()
        colors = [PALETTE["blue"], PALETTE["orange"], PALETTE["green"], INK]
        ax.axvline(0.0, color=MUTED, linewidth=1)
        for i, (name, off, c) in enumerate(zip(SUM_ORDERS, offsets, colors, strict=True)):
            ax.plot([0, off], [i, i], color=c, linewidth=1.5)
            ax.plot([off], [i], "o", color=c, markersize=8)
            ax.annotate(f"{sums[name]!r}", (off, i), xytext=(8, 0), textcoords="offset points", va="center", fontsize=9)
        ax.set_yticks(range(len(SUM_ORDERS)), SUM_ORDERS)
        ax.invert_yaxis()
        lo, hi = min(0.0, *offsets), max(0.0, *offsets)
        span = max(1.0, hi - lo)
        ax.set_xlim(lo - 0.15 * span - 0.5, hi + 0.9 * span + 0.5)
        ax.set_xlabel("distance from the exact sum (units in the last place)")
        ax.set_title(f"The same {len(np.ravel(values))} numbers, summed in four orders")
    parts = ", ".join(f"{k} {o:+.0f}" for k, o in zip(SUM_ORDERS, offsets, strict=True))
    return Plot(
        fig,
        f"Dot plot of the sum of the same {len(np.ravel(values))} numbers computed in four orders, as the "
        f"distance from the exact sum in units in the last place: {parts}. Different orders give "
        "different results.",
    )


def draw_sample_fits(fig: Figure, fits: np.ndarray, samples: Sequence[tuple[np.ndarray, np.ndarray]]) -> None:
    """Left: each sample's points and fitted line over the true line. Right: the (w, b) estimates."""
    left, right = fig.subplots(1, 2)
    grid = np.linspace(0.0, 5.0, 2)
    colors = [c for name, c in PALETTE.items() if name != "yellow"]  # yellow is faint on white
    for i, ((x, y), (w, b)) in enumerate(zip(samples, fits, strict=True)):
        c = colors[i % len(colors)]
        left.scatter(x, y, s=10, color=c, alpha=0.55)
        left.plot(grid, w * grid + b, color=c, linewidth=1.2, alpha=0.9)
    left.plot(grid, TRUE_W * grid + TRUE_B, color=INK, linewidth=2.5, linestyle="--", label="population y = 2x + 1")
    left.set_xlabel("x")
    left.set_ylabel("y")
    left.set_title(f"{len(fits)} samples, {len(fits)} fitted lines")
    left.legend(loc="upper left")
    right.scatter(fits[:, 0], fits[:, 1], color=[colors[i % len(colors)] for i in range(len(fits))], s=40)
    right.plot([TRUE_W], [TRUE_B], marker="*", color=INK, markersize=14, linestyle="none", label="true (2, 1)")
    right.set_xlabel("fitted weight w")
    right.set_ylabel("fitted bias b")
    right.set_title("Parameters vary with the sample")
    right.legend(loc="upper right")


def plot_sample_fits(rng: np.random.Generator, n_samples: int = 6, size: int = 12) -> Plot:
    """Fit the same line model to ``n_samples`` samples of one population and show the spread."""
    rng = as_rng(rng)
    n_samples = as_int(n_samples, "n_samples", low=1)
    size = as_int(size, "size", low=2)
    samples = [sample_population(rng, size) for _ in range(n_samples)]
    fits = np.array([fit_line(x, y) for x, y in samples])
    fig = new_figure(9, 3.6)
    with styled():
        draw_sample_fits(fig, fits, samples)
    w_lo, w_hi = fits[:, 0].min(), fits[:, 0].max()
    b_lo, b_hi = fits[:, 1].min(), fits[:, 1].max()
    return Plot(
        fig,
        f"Left: {n_samples} samples of {size} points from the population y = 2x + 1 plus noise, each "
        f"with its own least-squares line, scattered around the dashed true line. Right: the fitted "
        f"weights range from {w_lo:.2f} to {w_hi:.2f} and the biases from {b_lo:.2f} to {b_hi:.2f}, "
        "around the true values (2, 1).",
    )


# --------------------------------------------------------------------------- exercise checkers


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
    return (
        a["bit_generator"] == b["bit_generator"]
        and np.array_equal(a["state"]["key"], b["state"]["key"])
        and a["state"]["pos"] == b["state"]["pos"]
        and a["has_gauss"] == b["has_gauss"]
        and (not a["has_gauss"] or a["gauss"] == b["gauss"])
    )


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
            try:
                numbers = np.asarray(value, dtype=float).ravel().tolist()
            except (TypeError, ValueError):
                return wrong(f"experiment({seed}) returned {value!r}: return the numbers (e.g. the dice rolls).")
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
    except (TypeError, ValueError) as exc:
        return wrong(str(exc))
    left, right = (a + b) + c, a + (b + c)
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
    try:
        first = make_streams(42, 3)
        second = make_streams(42, 3)
        other = make_streams(43, 3)
    except Exception as exc:
        return wrong(f"make_streams raised {type(exc).__name__}: {exc}")
    for name, streams in (("make_streams(42, 3)", first), ("make_streams(43, 3)", other)):
        if len(streams) != 3:
            return wrong(f"{name} returned {len(streams)} generators, expected 3")
        if not all(isinstance(g, np.random.Generator) for g in streams):
            return wrong(f"{name} must return numpy Generators (np.random.default_rng(child) for each child)")
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
