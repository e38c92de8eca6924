"""Chapter 4's figures: three kinds of system, seeded decoding, summation order, sample fits.

Every ``plot_*`` returns a :class:`~mlcourse.figures.Plot` (figure plus alt text); ``draw_*``
functions draw on a given figure or axes (the widget and the offline scrubber call
``draw(fig, **frame)``) and return the numbers their alt text needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from mlcourse.determinism import (
    SUM_ORDERS,
    TRUE_B,
    TRUE_W,
    continuation_counts,
    fit_line,
    sample_continuations,
    sample_population,
    summation_orders,
    ulps_from,
)
from mlcourse.figures.diagrams import draw_flow
from mlcourse.figures.log_axes import plain_log
from mlcourse.figures.plot import Plot, fixed_axes, new_figure
from mlcourse.figures.style import INK, MUTED, PALETTE, styled
from mlcourse.near_ties import first_difference
from mlcourse.validation import as_float_array, as_int, as_number, as_rng


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
    lm : mlcourse.ngram.CharNGram
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
        label = 0.35 + 0.09 * (length + 2)  # room for the quoted continuations
        left, right = fixed_axes(fig, [3, 2], left=label, gap=label + 0.3, right=0.15, bottom=0.62, top=0.65)
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


def draw_decoding(
    fig: Figure, *, lm: Any, prompt: str, seed: int, temperature: float, n_samples: int, length: int = 5
) -> dict[str, Any]:
    """The widget's figure: ``n_samples`` continuations, run ``i`` with seed ``seed + i``.

    The same settings always draw the same picture.

    Returns
    -------
    dict
        ``distinct`` (number of different continuations), ``top`` (the most common one) and
        ``count`` (how often it occurred).
    """
    seed = as_int(seed, "seed", low=0)
    n_samples = as_int(n_samples, "n_samples", low=1)
    runs = sample_continuations(lm, prompt, length, temperature, range(seed, seed + n_samples))
    (ax,) = fixed_axes(fig, [1], left=0.35 + 0.09 * (length + 2), bottom=0.6, right=0.15, top=0.42)
    color = PALETTE["vermillion"] if temperature == 0 else PALETTE["blue"]
    draw_continuations(ax, runs, color=color)
    distinct = len(set(runs))
    ax.set_title(
        f"“{_show(prompt)}” at T = {temperature:g}, seeds {seed}–{seed + n_samples - 1}: "
        f"{distinct} distinct continuation" + ("" if distinct == 1 else "s")
    )
    top, count = continuation_counts(runs)[0]
    return {"distinct": distinct, "top": top, "count": count}


def plot_decoding(lm: Any, prompt: str, seed: int, temperature: float, n_samples: int, length: int = 5) -> Plot:
    """The live widget's figure: :func:`draw_decoding` for one setting, with alt text."""
    fig = new_figure(7.5, 3.8)
    with styled():
        shown = draw_decoding(
            fig, lm=lm, prompt=prompt, seed=seed, temperature=temperature, n_samples=n_samples, length=length
        )
    return Plot(
        fig,
        f"Bar chart of {n_samples} continuations of '{prompt}' at temperature {temperature:g} with seeds "
        f"{seed} to {seed + n_samples - 1}: {shown['distinct']} distinct; the most common, '{shown['top']}', "
        f"occurs {shown['count']} times.",
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
        (ax,) = fixed_axes(fig, [1], left=0.05, bottom=0.05, right=0.05, top=0.05)  # a diagram: no labels around it
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
        ax.set_xticks([])  # a diagram: no ticks to lay out behind the hidden axes
        ax.set_yticks([])
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
    left, right = fixed_axes(fig, [1, 1], left=0.75, gap=1.0, right=0.15, bottom=0.62, top=0.4)
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


# --------------------------------------------------------------------------- a real language model


def draw_token_rows(
    ax: Axes,
    rows: Sequence[tuple[str, Sequence[str]]],
    *,
    compare_with: Sequence[int] | None = None,
    max_chars: int = 96,
) -> dict[str, Any]:
    """Token sequences, one row each, boxed token by token, each compared with another row.

    A row's tokens are blue while they agree with the row it is compared with and orange from
    its first different token on (outlined). Spaces show as '·' and newlines as '↵'.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    rows : sequence of (str, sequence of str)
        A label and the decoded tokens of each run.
    compare_with : sequence of int, optional
        For each row, the index of the row it is compared with (itself: all blue). Default:
        every row with the first.
    max_chars : int
        Tokens past this many characters in a row are left out.

    Returns
    -------
    dict
        ``first_difference``: for each row, the index of its first token that differs from its
        comparison row's, or None if they agree.
    """
    rows = [(str(label), [str(t) for t in tokens]) for label, tokens in rows]
    if not rows:
        raise ValueError("rows must hold at least one (label, tokens) pair")
    compare_with = [0] * len(rows) if compare_with is None else list(compare_with)
    if len(compare_with) != len(rows):
        raise ValueError(f"compare_with must name one row per row ({len(rows)}), got {len(compare_with)}")
    compare_with = [as_int(c, "compare_with", low=0, high=len(rows) - 1) for c in compare_with]
    max_chars = as_int(max_chars, "max_chars", low=1, high=1_000)
    firsts, widest = [], 1.0
    for r, (_, tokens) in enumerate(rows):
        first = first_difference(tokens, rows[compare_with[r]][1])
        firsts.append(first)
        x = 0.0
        for i, token in enumerate(tokens):
            shown = _show(token)
            if x + len(shown) > max_chars:
                break
            differs = first is not None and i >= first
            face = PALETTE["orange"] if differs else PALETTE["sky"]
            edge = PALETTE["vermillion"] if i == first else "white"
            box = Rectangle((x, -r - 0.38), len(shown), 0.76, facecolor=face, alpha=0.45, edgecolor=edge)
            ax.add_patch(box)
            ax.text(x + len(shown) / 2, -r, shown, ha="center", va="center", fontfamily="monospace", fontsize=8)
            x += len(shown)
        widest = max(widest, x)
    ax.set_xlim(-0.5, max(widest, 0.6 * max_chars) + 0.5)
    ax.set_ylim(-len(rows) + 0.4, 0.6)
    ax.set_yticks([-r for r in range(len(rows))], [label for label, _ in rows])
    ax.set_xticks([])
    ax.grid(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    return {"first_difference": firsts}


def plot_token_runs(
    rows: Sequence[tuple[str, Sequence[str]]], title: str, *, compare_with: Sequence[int] | None = None
) -> Plot:
    """Several generated runs as rows of tokens, each compared with another row (default: the first)."""
    rows = list(rows)
    fig = new_figure(9, 0.45 * len(rows) + 1.0)
    with styled():
        ax = fig.add_subplot()
        shown = draw_token_rows(ax, rows, compare_with=compare_with)
        ax.set_title(str(title))
    pairs = [0] * len(rows) if compare_with is None else list(compare_with)
    parts = []
    for i, first in enumerate(shown["first_difference"]):
        if pairs[i] == i:
            continue
        versus = f"'{rows[i][0]}' against '{rows[pairs[i]][0]}'"
        parts.append(f"{versus}: identical" if first is None else f"{versus}: differs from token {first + 1}")
    return Plot(fig, f"{title}. Rows of generated tokens, each compared with another row: " + "; ".join(parts) + ".")


def plot_near_tie(gaps: Sequence[float], rows: Sequence[tuple[str, Sequence[str]]]) -> Plot:
    """Top: the top-1/top-2 logit gap at each greedy step. Bottom: two runs and where they part.

    Parameters
    ----------
    gaps : sequence of float
        The gap (logit units, > 0) of the reference run at each step.
    rows : sequence of (str, sequence of str)
        The reference run (first) and the perturbed run, as decoded tokens.
    """
    gaps = as_float_array(gaps, "gaps", ndim=1)
    if gaps.size == 0 or np.any(gaps <= 0):
        raise ValueError("gaps must be a non-empty list of positive logit gaps")
    rows = list(rows)
    fig = new_figure(9, 4.4)
    with styled():
        # fixed margins in inches (fixed_axes places axes side by side only): the gap chart over the tokens
        fig.set_layout_engine("none")
        top = fig.add_axes((1.5 / 9, 1.7 / 4.4, 7.35 / 9, 2.3 / 4.4))
        bottom = fig.add_axes((1.5 / 9, 0.05 / 4.4, 7.35 / 9, 0.9 / 4.4))
        shown = draw_token_rows(bottom, rows)
        flip = shown["first_difference"][1] if len(rows) > 1 else None
        colors = [PALETTE["vermillion"] if i == flip else PALETTE["blue"] for i in range(gaps.size)]
        top.bar(np.arange(1, gaps.size + 1), gaps, color=colors)
        plain_log(top, "y")
        top.set_xlabel("greedy step (token number)")
        top.set_ylabel("top-1 minus top-2 logit")
        top.set_xlim(0.3, gaps.size + 0.7)
        top.set_ylim(gaps.min() / 8, gaps.max() * 3)
        if flip is not None and flip < gaps.size:
            top.annotate(
                f"gap {gaps[flip]:.2g}: the token flips",
                (flip + 1, gaps[flip]),
                xytext=(0, 28),
                textcoords="offset points",
                ha="center",
                color=PALETTE["vermillion"],
                fontsize=9,
                arrowprops={"arrowstyle": "->", "color": PALETTE["vermillion"]},
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.9},
            )
        top.set_title("How close the runner-up came, step by step")
    where = "no step" if flip is None else f"step {flip + 1}, where the gap was {gaps[flip]:.2g}"
    return Plot(
        fig,
        f"Top: bar chart, log scale, of the gap between the two largest logits at each of {gaps.size} "
        f"greedy steps; it ranges from {gaps.min():.2g} to {gaps.max():.3g}. Bottom: the tokens of the "
        f"runs '{rows[0][0]}' and '{rows[-1][0]}'; they part at {where}.",
    )
