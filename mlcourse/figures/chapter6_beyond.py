"""Chapter 6's figures beyond the classic U: double descent and early stopping.

The numbers come from :mod:`mlcourse.double_descent` and
:mod:`mlcourse.bias_variance`; the axis helpers are shared with :mod:`mlcourse.figures.chapter6`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from mlcourse.bias_variance import Decomposition
from mlcourse.figures.chapter6 import _plain_log, _settings, _values
from mlcourse.figures.plot import Plot, new_figure
from mlcourse.figures.style import INK, MUTED, PALETTE, styled


def plot_double_descent(counts: Sequence[int], results: Sequence[Decomposition], n: int) -> Plot:
    """Test error, variance, training error and the size of the fit against the number of random features.

    Training errors below 1e-4 (zero beyond the threshold) are drawn at 1e-4, the axis' bottom.
    """
    counts = _settings(counts, results, "counts")
    train, test = _values(results, "train_error"), _values(results, "test_error")
    var, norm = _values(results, "variance"), _values(results, "coef_norm")
    peak = int(counts[np.argmax(test)])
    fig = new_figure(9.0, 3.9)
    with styled():
        left, right = fig.subplots(1, 2, width_ratios=[1.6, 1.0])
        left.plot(counts, test, "s-", color=PALETTE["vermillion"], markersize=4, label="test error")
        left.plot(counts, var, color=PALETTE["purple"], linestyle="-.", label="variance")
        # Beyond the threshold the training error is 0 (to rounding): drawn on the bottom edge.
        left.plot(
            counts, np.maximum(train, 1e-4), "o-", color=PALETTE["blue"], markersize=3, label="training error (≥ 0)"
        )
        right.plot(counts, norm, color=INK)
        for ax in (left, right):
            ax.axvline(n, color=MUTED, linestyle=":", linewidth=1.5)
            _plain_log(ax, "xy")
            ax.set_xlabel("number of random features p (log)")
        left.text(n * 1.1, 2e-3, f"p = n = {n}:\ninterpolation\nthreshold", fontsize=9, color=MUTED)
        left.set_ylabel("mean squared error (log)")
        left.set_title("double descent of the test error", fontsize=11)
        left.legend(fontsize=8.5, loc="lower left")
        left.set_ylim(bottom=1e-4)
        right.set_ylabel("mean norm of the coefficients (log)")
        right.set_title("size of the minimum-norm fit", fontsize=11)
    return Plot(
        fig,
        f"Double descent with random cosine features and minimum-norm least squares on {n} training points. "
        f"Left: test error falls, then rises to a peak of {test.max():.3g} at p = {peak} features, the "
        f"interpolation threshold where training error reaches zero, and falls again to {test[-1]:.3g} at "
        f"p = {counts[-1]:g}; the variance makes the peak. Right: the norm of the fitted coefficients peaks at "
        f"the same p and shrinks beyond it.",
    )
