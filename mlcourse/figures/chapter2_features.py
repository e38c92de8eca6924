"""Chapter 2's figure on learned versus random features (see :mod:`mlcourse.features`)."""

from __future__ import annotations

import numpy as np

from mlcourse import approximation as ap
from mlcourse import features
from mlcourse.figures.log_axes import plain_log
from mlcourse.figures.plot import Plot, fixed_axes, new_figure
from mlcourse.figures.style import MUTED, PALETTE, styled
from mlcourse.validation import as_int


def plot_learned_vs_random(result: features.FeatureComparison, n_hidden: int = 4, draw: int = 0) -> Plot:
    """Left: mean error against width for random and learned hidden layers (dots: single seeds).

    Right: one example from ``result``, its network number ``draw`` with ``n_hidden`` units: the
    random-features fit and the same network after training every parameter, with their kinks.
    """
    widths = [int(w) for w in result.widths]
    k = as_int(n_hidden, "n_hidden", low=1, high=10_000)
    if k not in widths or not result.random_nets:
        raise ValueError(f"n_hidden must be one of the compared widths {widths} (networks kept), got {k}")
    n_seeds = result.random_rms.shape[1]
    draw = as_int(draw, "draw", low=0, high=n_seeds - 1)
    start, trained = result.random_nets[widths.index(k)][draw], result.learned_nets[widths.index(k)][draw]
    f = ap.TARGETS[result.target]
    x = ap.grid(1000)
    random_mean, learned_mean = result.random_rms.mean(axis=1), result.learned_rms.mean(axis=1)
    fig = new_figure(10, 3.6)
    with styled():
        left, right = fixed_axes(fig, (1, 1), left=0.72, right=0.04, bottom=0.52, top=0.25, gap=0.59)
        for rms, mean, colour, label in (
            (result.random_rms, random_mean, PALETTE["blue"], "random hidden layer"),
            (result.learned_rms, learned_mean, PALETTE["vermillion"], "trained hidden layer"),
        ):
            left.plot(result.widths, rms, ".", color=colour, alpha=0.4, markersize=4)
            left.plot(result.widths, mean, "o-", color=colour, label=f"{label} (mean of {n_seeds})")
        plain_log(left, "x", base=2)
        plain_log(left, "y")
        left.set_xlabel("hidden units k")
        left.set_ylabel(f"RMS error against {result.target}")
        left.set_title("Same width, learned features fit better", fontsize=11)
        left.legend(fontsize=8)
        right.plot(x, f(x), color=MUTED, linestyle="--", label=f"target {result.target}")
        for net, colour, label in ((start, PALETTE["blue"], "random"), (trained, PALETTE["vermillion"], "trained")):
            rms = ap.rms_error(net, x, f)
            right.plot(x, ap.network_output(net, x), color=colour, label=f"{label}: RMS {rms:.3f}")
            kinks = ap.kinks(net)
            right.plot(kinks, np.full(k, -1.3 if label == "random" else -1.45), "|", color=colour, markersize=9)
        right.set_xlim(*ap.INTERVAL)
        right.set_ylim(-1.6, 1.5)
        right.set_xlabel("x")
        right.set_title(f"{k} units: the trained kinks move (ticks)", fontsize=11)
        right.legend(fontsize=8, loc="upper left")
    before, after = ap.rms_error(start, x, f), ap.rms_error(trained, x, f)
    pairs = "; ".join(
        f"{w} units: {r:.2g} random, {lr:.2g} trained"
        for w, r, lr in zip(result.widths, random_mean, learned_mean, strict=True)
    )
    return Plot(
        fig,
        f"Left: log-log plot of the mean RMS error of 1-k-1 ReLU networks fitted to {result.target} over "
        f"{n_seeds} seeds, with the hidden layer left random or trained ({pairs}). Right: one network of {k} "
        f"units before training its hidden layer (RMS error {before:.3f}) and after ({after:.3f}); tick marks "
        f"under the curves show where each unit bends.",
    )
