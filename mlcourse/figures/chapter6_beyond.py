"""Chapter 6's figures beyond the classic U: double descent and early stopping.

The numbers come from :mod:`mlcourse.double_descent`, :mod:`mlcourse.early_stopping` and
:mod:`mlcourse.bias_variance`; the axis helpers are shared with :mod:`mlcourse.figures.chapter6`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from mlcourse.bias_variance import Decomposition
from mlcourse.figures.chapter6 import _settings, _values
from mlcourse.figures.log_axes import plain_log
from mlcourse.figures.plot import Plot, fixed_axes, new_figure
from mlcourse.figures.style import INK, MUTED, PALETTE, styled
from mlcourse.validation import as_float_array, as_int, as_number


def plot_double_descent(counts: Sequence[int], results: Sequence[Decomposition], n: int) -> Plot:
    """Test error, variance, training error and the size of the fit against the number of random features.

    Training errors below 1e-4 (zero beyond the threshold) are drawn at 1e-4, the axis' bottom.
    """
    counts = _settings(counts, results, "counts")
    train, test = _values(results, "train_error"), _values(results, "test_error")
    var, norm = _values(results, "variance"), _values(results, "coef_norm")
    peak = int(counts[np.argmax(test)])
    n = as_int(n, "n", low=1)
    if not np.any(counts < n):
        raise ValueError(f"counts must include some p below n = {n}, to show the classical side")
    fig = new_figure(9.0, 3.9)
    with styled():
        left, right = fixed_axes(fig, (1.6, 1.0), left=0.86, right=0.04, bottom=0.49, top=0.24, gap=0.96)
        left.plot(counts, test, "s-", color=PALETTE["vermillion"], markersize=4, label="test error")
        left.plot(counts, var, color=PALETTE["purple"], linestyle="-.", label="variance")
        # Beyond the threshold the training error is 0 (to rounding): drawn on the bottom edge.
        left.plot(
            counts, np.maximum(train, 1e-4), "o-", color=PALETTE["blue"], markersize=3, label="training error (≥ 0)"
        )
        right.plot(counts, norm, color=INK)
        for ax in (left, right):
            ax.axvline(n, color=MUTED, linestyle=":", linewidth=1.5)
            plain_log(ax, "x")
            plain_log(ax, "y", powers=True)  # many decades: all as powers of ten
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
        f"Left: below the threshold the test error is at best {test[counts < n].min():.3g} "
        f"(with {counts[0]:g} feature{'s' if counts[0] != 1 else ''}: {test[0]:.3g}); it rises to a peak of "
        f"{test.max():.3g} at p = {peak} features, the interpolation threshold where training error reaches "
        f"zero, and falls again to {test[-1]:.3g} at p = {counts[-1]:g}; the variance makes the peak. "
        "Right: the norm of the fitted coefficients peaks at the same p and shrinks beyond it.",
    )


def plot_early_stopping(
    steps: Sequence[int],
    test_plain,
    train_plain,
    test_decay,
    *,
    weight_decay: float,
    ridge_error: float,
    least_squares_error: float,
) -> Plot:
    """Test and training error of gradient descent against the number of steps, with and without weight decay.

    Parameters
    ----------
    steps : sequence of int
        The steps at which the errors were measured, shape (S,), increasing.
    test_plain, train_plain : array_like, shape (S,)
        Test and training error (averaged over training sets) of plain gradient descent.
    test_decay : array_like, shape (S,)
        Test error with weight decay.
    weight_decay : float
        Its strength.
    ridge_error, least_squares_error : float
        Test error of the ridge fit with ``ridge = weight_decay`` (where weight decay converges)
        and of the unpenalised least-squares fit (where plain gradient descent heads).
    """
    steps = as_float_array(steps, "steps", ndim=1)
    curves = {}
    for name, values in (("test_plain", test_plain), ("train_plain", train_plain), ("test_decay", test_decay)):
        curves[name] = as_float_array(values, name, ndim=1)
        if len(curves[name]) != len(steps):
            raise ValueError(f"{name} must have one value per step ({len(steps)}), got {len(curves[name])}")
    weight_decay = as_number(weight_decay, "weight_decay", low=0.0)
    ridge_error = as_number(ridge_error, "ridge_error", low=0.0)
    least_squares_error = as_number(least_squares_error, "least_squares_error", low=0.0)
    test, train, decay = curves["test_plain"], curves["train_plain"], curves["test_decay"]
    best = int(np.argmin(test))
    fig = new_figure(7.0, 3.9)
    with styled():
        (ax,) = fixed_axes(fig, left=0.57, right=0.04, bottom=0.49, top=0.04)
        ax.plot(steps, test, "s-", color=PALETTE["vermillion"], markersize=3.5, label="test error")
        ax.plot(steps, train, "o-", color=PALETTE["blue"], markersize=3, label="training error")
        ax.plot(steps, decay, color=PALETTE["green"], linewidth=2, label=f"test error, weight decay {weight_decay:g}")
        ax.axhline(least_squares_error, color=MUTED, linestyle=":", label="least squares (no penalty)")
        ax.axhline(
            ridge_error, color=PALETTE["green"], linestyle="--", linewidth=1, label=f"ridge λ = {weight_decay:g}"
        )
        ax.scatter([steps[best]], [test[best]], s=140, facecolor="none", edgecolor=INK, linewidth=1.8, zorder=4)
        top = 1.5 * max(test.max(), least_squares_error)  # room for the legend above the curves
        ax.text(steps[best], test[best] + 0.1 * top, f"stop here:\n{steps[best]:g} steps", ha="center", va="bottom")
        plain_log(ax, "x")
        ax.set_ylim(0, top)
        ax.set_xlabel("gradient-descent steps (log scale)")
        ax.set_ylabel("mean squared error")
        ax.legend(fontsize=8.5, loc="upper center", ncol=2)
    return Plot(
        fig,
        f"Gradient descent on a degree-10 polynomial from zero coefficients, errors averaged over many training "
        f"sets, against the number of steps from {steps[0]:g} to {steps[-1]:g}. Training error falls throughout. "
        f"Test error falls to {test[best]:.3g} at {steps[best]:g} steps, then rises to {test[-1]:.3g}, heading for "
        f"the least-squares fit's {least_squares_error:.3g}: stopping early regularises. With weight decay "
        f"{weight_decay:g} the test error instead settles at {decay[-1]:.3g}, on the ridge fit's {ridge_error:.3g}.",
    )
