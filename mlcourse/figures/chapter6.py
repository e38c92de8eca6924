"""Chapter 6's figures: the bias-variance tradeoff, its decomposition, model selection.

Double descent and early stopping are drawn by :mod:`mlcourse.figures.chapter6_beyond`.

Every function here draws numbers computed by :mod:`mlcourse.bias_variance`,
:mod:`mlcourse.model_selection` and :mod:`mlcourse.regression`; nothing here is part of the
ideas themselves. The axes sit at fixed margins (:func:`~mlcourse.figures.plot.fixed_axes`, the
positions constrained layout found for them), so a render skips the layout pass.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from mlcourse import regression
from mlcourse.bias_variance import Decomposition, make_experiment, measure
from mlcourse.figures.log_axes import plain_log
from mlcourse.figures.plot import Plot, fixed_axes, new_figure
from mlcourse.figures.style import INK, MUTED, PALETTE, styled
from mlcourse.validation import as_float_array, as_int, as_number, as_rng

_GRID = np.linspace(-1.0, 1.0, 200)
_YLIM = (-2.6, 2.6)


def _schematic(ax) -> None:
    """The classic picture: bias² falls and variance rises with complexity; their sum is U-shaped."""
    c = np.linspace(0.0, 1.0, 200)
    bias2 = 0.8 * np.exp(-5.0 * c)
    variance = 0.03 * np.exp(3.3 * c)
    noise = 0.12
    total = bias2 + variance + noise
    best = c[np.argmin(total)]
    ax.axvspan(0.0, best - 0.15, color=PALETTE["sky"], alpha=0.15, linewidth=0)
    ax.axvspan(best + 0.15, 1.0, color=PALETTE["vermillion"], alpha=0.1, linewidth=0)
    ax.plot(c, bias2, color=PALETTE["blue"], label="bias²")
    ax.plot(c, variance, color=PALETTE["vermillion"], label="variance")
    ax.axhline(noise, color=MUTED, linestyle=":", label="noise (irreducible)")
    ax.plot(c, total, color=INK, label="expected test error = sum")
    ax.vlines(best, 0.0, 0.9, color=PALETTE["green"], linestyle="--", linewidth=1.5)
    ax.text(best, 0.36, " sweet spot", color=PALETTE["green"], ha="left", va="bottom", fontsize=10)
    ax.text(0.015, 1.42, "UNDERFITTING\nhigh bias: too simple,\nmisses the pattern", va="top", fontsize=9.5)
    overfitting = "OVERFITTING\nhigh variance: fits the noise,\nchanges with the sample"
    ax.text(0.985, 1.42, overfitting, va="top", ha="right", fontsize=9.5)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.45)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("model complexity →")
    ax.set_ylabel("error")
    ax.legend(loc="upper center", fontsize=9)


def plot_tradeoff_diagram(rng: np.random.Generator, *, n: int = 20, noise: float = 0.3, degrees=(1, 5, 15)) -> Plot:
    """The source page's "Bias-Variance Tradeoff" diagram, with real fits underneath.

    Top: the schematic error curves against complexity. Bottom: five training sets fitted by
    polynomials of three degrees; the spread of the fits is the variance, their systematic miss
    the bias.

    Parameters
    ----------
    rng : numpy.random.Generator
        Draws the five training sets.
    n, noise : int, float
        Size of each training set and noise level.
    degrees : three ints
        Polynomial degrees of the three bottom panels (simple, about right, too flexible).
    """
    rng = as_rng(rng)
    degrees = [as_int(d, "degrees", low=0, high=regression.MAX_DEGREE) for d in degrees]
    if len(degrees) != 3:
        raise ValueError(f"degrees must hold three degrees, got {len(degrees)}")
    x, y = regression.sample_data(n, rng, noise=noise, n_sets=5)
    fig = new_figure(9.0, 6.2)
    captions = ["too simple: high bias", "about right", "too flexible: high variance"]
    with styled():
        (top,) = fixed_axes(fig, left=0.56, right=0.04, bottom=3.39, top=0.04)
        _schematic(top)
        bottom_row = fixed_axes(fig, (1, 1, 1), left=0.56, right=0.04, bottom=0.49, top=3.3, gap=0.13)
        for j, (degree, caption, ax) in enumerate(zip(degrees, captions, bottom_row, strict=True)):
            coefs = regression.fit_polynomial(x, y, degree)
            curves = regression.predict_polynomial(coefs, _GRID)
            fits = np.stack(np.broadcast_arrays(_GRID, curves), axis=-1)  # (5, points, 2): one line each
            ax.add_collection(LineCollection(fits, colors=PALETTE["blue"], alpha=0.55, linewidths=1.3))
            ax.plot(_GRID, regression.target(_GRID), color=INK, linestyle="--", linewidth=1.5)
            ax.scatter(x[0], y[0], s=12, color=PALETTE["orange"], zorder=3)
            ax.set_ylim(*_YLIM)
            ax.set_title(f"degree {degree}: {caption}", fontsize=10)
            ax.set_xticks([-1, 0, 1])
            ax.set_xlabel("x")
            if j == 0:
                ax.set_ylabel("y")
            else:
                ax.tick_params(labelleft=False)
    return Plot(
        fig,
        "The bias-variance tradeoff. Top: as model complexity grows, the squared bias falls and the "
        "variance rises; their sum plus the irreducible noise, the expected test error, is U-shaped "
        "with a sweet spot in between; the left region is underfitting (high bias), the right "
        f"overfitting (high variance). Bottom: polynomial fits to five training sets of {n} points "
        f"each. Degree {degrees[0]} fits all look alike but miss the dashed true curve (bias); degree "
        f"{degrees[1]} follows it; degree {degrees[2]} fits chase the noise and disagree wildly "
        "(variance).",
    )


def draw_fits(
    fig: Figure, *, degree: int, n: int = 20, noise: float = 0.3, ridge: float = 0.0, seed: int = 0, n_sets: int = 200
) -> Decomposition:
    """One panel: 20 of ``n_sets`` fits to different training sets, with measured bias² and variance.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        An empty figure.
    degree, n, noise, ridge : int, int, float, float
        Polynomial degree, training-set size, noise sigma and ridge penalty.
    seed : int
        Seed of the generator that draws the training sets (the same for every frame).
    n_sets : int
        Training sets used for the numbers in the title.

    Returns
    -------
    Decomposition
        The measured terms over ``n_sets`` training sets (the numbers in the title).

    Notes
    -----
    The axes get fixed margins instead of the course figures' constrained layout: a scrubber
    redraws this figure for every frame, and fixed margins keep the frames aligned (the plot
    does not jump when tick labels change width) and make each frame cheaper to render.
    """
    degree = as_int(degree, "degree", low=0, high=regression.MAX_DEGREE)
    n = as_int(n, "n", low=1, high=regression.MAX_POINTS)
    noise = as_number(noise, "noise", low=0.0)
    ridge = as_number(ridge, "ridge", low=0.0)
    seed = as_int(seed, "seed", low=0)
    experiment = make_experiment(n, np.random.default_rng(seed), noise=noise, n_sets=n_sets, n_test=100)
    result = measure(experiment, regression.polynomial_fitter(degree, ridge=ridge))
    coefs = regression.fit_polynomial(experiment.x_train[:20], experiment.y_train[:20], degree, ridge=ridge)
    curves = regression.predict_polynomial(coefs, _GRID)
    fig.set_layout_engine("none")
    ax = fig.add_axes((0.085, 0.14, 0.895, 0.77))
    others = np.stack(np.broadcast_arrays(_GRID, curves[1:]), axis=-1)  # (19, points, 2): one line each
    ax.add_collection(LineCollection(others, colors=PALETTE["sky"], alpha=0.45, linewidths=1.0))
    ax.plot(_GRID, curves[0], color=PALETTE["blue"], linewidth=2.2, label="fit to the orange points")
    ax.plot(_GRID, regression.target(_GRID), color=INK, linestyle="--", linewidth=1.5, label="true f(x)")
    ax.scatter(experiment.x_train[0], experiment.y_train[0], s=16, color=PALETTE["orange"], zorder=3)
    ax.plot([], [], color=PALETTE["sky"], label="fits to 19 other training sets")
    ax.set_ylim(*_YLIM)
    ax.set_xlim(-1.02, 1.02)
    ax.set_xticks([-1.0, -0.5, 0.0, 0.5, 1.0])  # few labels: every frame of a scrubber lays them out
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(loc="lower left", fontsize=8.5, ncol=3)
    ax.set_title(f"degree {degree}, n = {n}, σ = {noise:g}, λ = {ridge:g}:  {_summary(result)}", fontsize=10.5)
    return result


def _summary(result: Decomposition) -> str:
    """'bias² 0.012, variance 0.034, test MSE 0.135' (a bias² estimate under 0.001 reads '< 0.001')."""
    bias2 = "< 0.001" if result.bias2 < 0.001 else f"{result.bias2:.3g}"
    return f"bias² {bias2}, variance {result.variance:.3g}, test MSE {result.test_error:.3g}"


def plot_fits(degree: int, n: int = 20, noise: float = 0.3, ridge: float = 0.0, *, seed: int = 0) -> Plot:
    """The live widget's figure: see :func:`draw_fits`."""
    fig = new_figure(7.5, 4.0)
    with styled():
        result = draw_fits(fig, degree=degree, n=n, noise=noise, ridge=ridge, seed=seed)
    return Plot(
        fig,
        f"Twenty polynomial fits of degree {degree} to different training sets of {n} noisy points "
        f"(noise σ = {noise:g}, ridge λ = {ridge:g}) around the dashed true curve; the spread of the "
        f"fits is the variance, their average miss the bias. Measured over 200 sets: {_summary(result)}.",
    )


def _settings(values, results: Sequence[Decomposition], name: str) -> np.ndarray:
    """The knob's settings as floats, one per result, after checking both (clear errors, no IndexError)."""
    values = as_float_array(values, name, ndim=1)
    if isinstance(results, Decomposition) or not isinstance(results, Sequence) or len(results) == 0:
        raise TypeError(
            f"results must be a non-empty list of Decomposition (from measure or a sweep), got {results!r:.80}"
        )
    if not all(isinstance(r, Decomposition) for r in results):
        raise TypeError("results must hold only Decomposition objects (from measure or a sweep)")
    if len(values) != len(results):
        raise ValueError(f"{name} and results must have the same length, got {len(values)} and {len(results)}")
    return values


def _values(results: Sequence[Decomposition], name: str) -> np.ndarray:
    return np.array([getattr(r, name) for r in results], dtype=float)


def plot_train_test(degrees: Sequence[int], results: Sequence[Decomposition]) -> Plot:
    """Training and test error (averaged over training sets) against polynomial degree."""
    degrees = _settings(degrees, results, "degrees").astype(int)
    train, test = _values(results, "train_error"), _values(results, "test_error")
    best = int(degrees[np.argmin(test)])
    noise = results[0].noise
    fig = new_figure(7.0, 3.8)
    with styled():
        (ax,) = fixed_axes(fig, left=0.57, right=0.04, bottom=0.49, top=0.04)
        ax.plot(degrees, train, "o-", color=PALETTE["blue"], label="training error")
        ax.plot(degrees, test, "s-", color=PALETTE["vermillion"], label="test error")
        ax.axhline(noise, color=MUTED, linestyle=":", label=f"noise σ² = {noise:g}")
        ax.axvline(best, color=PALETTE["green"], linestyle="--", linewidth=1.3)
        left = best > degrees[0] + 0.7 * (degrees[-1] - degrees[0])  # near the right edge: label on the left
        label = f"lowest test error:\ndegree {best}"
        x_label, ha = (best - 0.15, "right") if left else (best + 0.15, "left")
        ax.text(x_label, test.max() * 0.9, label, color=PALETTE["green"], va="top", ha=ha)
        ax.set_ylim(bottom=0)
        ax.set_xlabel("polynomial degree (model complexity)")
        ax.set_ylabel("mean squared error")
        ax.set_xticks(degrees)
        ax.legend(loc="upper right")
    return Plot(
        fig,
        f"Training and test error of polynomial fits against degree 0 to {degrees[-1]}, averaged over "
        f"many training sets. Training error falls steadily from {train[0]:.2f} to {train[-1]:.3f}; test "
        f"error is U-shaped, falling from {test[0]:.2f} to its minimum {test.min():.2f} at degree {best} "
        f"and rising to {test[-1]:.1f} at degree {degrees[-1]}.",
    )


def plot_decomposition(
    values: Sequence[float],
    results: Sequence[Decomposition],
    *,
    xlabel: str,
    logx: bool = False,
    logy: bool = False,
    title: str = "",
) -> Plot:
    """Bias², variance, noise, their sum and the measured test error (±2 standard errors) against a knob.

    Parameters
    ----------
    values : sequence of float
        The knob's setting for each result (degree, ridge strength, ...).
    results : sequence of Decomposition
        One per value.
    xlabel : str
        What the knob is.
    logx, logy : bool
        Logarithmic axes. On a log y axis, bias² estimates that are not positive (true bias
        below the simulation's resolution, see :func:`decompose`) are left out.
    title : str
        Optional title.
    """
    values = _settings(values, results, "values")
    bias2, var, test = _values(results, "bias2"), _values(results, "variance"), _values(results, "test_error")
    total, se = _values(results, "total"), _values(results, "standard_error")
    noise = results[0].noise
    fig = new_figure(7.0, 3.9)
    with styled():
        if title or logy:  # other labels than the page's two uses: let constrained layout place them
            ax = fig.add_subplot()
        else:
            (ax,) = fixed_axes(fig, left=0.57, right=0.04, bottom=0.49, top=0.04)
        ax.plot(values, np.where(bias2 > 0, bias2, np.nan) if logy else bias2, color=PALETTE["blue"], label="bias²")
        ax.plot(values, var, color=PALETTE["vermillion"], label="variance")
        ax.axhline(noise, color=MUTED, linestyle=":", label=f"noise σ² = {noise:g}")
        ax.plot(values, total, color=INK, linewidth=1.5, label="bias² + variance + noise")
        ax.errorbar(
            values, test, yerr=2 * se, fmt="o", color=PALETTE["orange"], markersize=5, label="measured test error"
        )
        if logx:
            plain_log(ax, "x")
        if logy:
            plain_log(ax, "y")
        else:
            ax.set_ylim(bottom=0)
        best = values[np.argmin(test)]
        ax.set_xlabel(xlabel)
        ax.set_ylabel("mean squared error" + (" (log scale)" if logy else ""))
        if title:
            ax.set_title(title)
        ax.legend(loc="best", fontsize=9)
    worst = float(np.max(np.abs(test - total) / se))
    return Plot(
        fig,
        f"Bias squared, variance and noise against {xlabel}, from {values[0]:g} to {values[-1]:g}. Bias squared "
        f"goes from {bias2[0]:.3g} to {bias2[-1]:.3g} and variance from {var[0]:.3g} to {var[-1]:.3g}; the noise "
        f"is {noise:g}. Their sum lies on the measured test error at every setting (largest gap "
        f"{worst:.1f} standard errors); the test error is lowest, {test.min():.3g}, at {best:g}.",
    )


def plot_model_selection(
    degrees: Sequence[int],
    val_errors,
    cv_errors,
    expected_errors,
    val_choices,
    cv_choices,
) -> Plot:
    """Left: validation and 5-fold CV error on one data set versus the expected test error.
    Right: how often each degree is chosen, over many data sets.

    Parameters
    ----------
    degrees : sequence of int
        Degrees tried, shape (D,).
    val_errors, cv_errors : array_like, shape (D,)
        Errors on one data set.
    expected_errors : array_like, shape (D,)
        Expected test error (Monte Carlo) for each degree.
    val_choices, cv_choices : array_like of int
        Degree chosen on each of many data sets by each method.
    """
    degrees = as_float_array(degrees, "degrees", ndim=1).astype(int)
    val_errors = as_float_array(val_errors, "val_errors", ndim=1)
    cv_errors = as_float_array(cv_errors, "cv_errors", ndim=1)
    expected_errors = as_float_array(expected_errors, "expected_errors", ndim=1)
    val_choices = as_float_array(val_choices, "val_choices", ndim=1)
    cv_choices = as_float_array(cv_choices, "cv_choices", ndim=1)
    for name, errors in (("val_errors", val_errors), ("cv_errors", cv_errors), ("expected_errors", expected_errors)):
        if len(errors) != len(degrees):
            raise ValueError(f"{name} must have one value per degree ({len(degrees)}), got {len(errors)}")
    best = int(degrees[np.argmin(expected_errors)])
    fig = new_figure(9.0, 3.8)
    with styled():
        left, right = fixed_axes(fig, (1, 1), left=0.63, right=0.04, bottom=0.49, top=0.24, gap=0.58)
        left.plot(degrees, expected_errors, color=INK, label="expected test error")
        left.plot(degrees, val_errors, "o-", color=PALETTE["orange"], label="validation set")
        left.plot(degrees, cv_errors, "s-", color=PALETTE["blue"], label="5-fold CV")
        for errors, color in ((val_errors, PALETTE["orange"]), (cv_errors, PALETTE["blue"])):
            j = int(np.argmin(errors))
            left.scatter([degrees[j]], [errors[j]], s=140, facecolor="none", edgecolor=color, linewidth=2, zorder=4)
        plain_log(left, "y")
        left.set_xlabel("polynomial degree")
        left.set_ylabel("mean squared error (log)")
        left.set_title("one data set (circles: chosen degree)", fontsize=10.5)
        left.legend(fontsize=8.5, loc="upper center")
        bins = np.arange(degrees[0], degrees[-1] + 2) - 0.5
        right.hist(
            [val_choices, cv_choices],
            bins=bins,
            color=[PALETTE["orange"], PALETTE["blue"]],
            label=["validation set", "5-fold CV"],
        )
        right.axvline(best, color=INK, linestyle="--", linewidth=1.3, label=f"best expected: {best}")
        right.set_xlabel("chosen degree")
        right.set_ylabel("data sets")
        right.set_title(f"choices over {len(cv_choices)} data sets", fontsize=10.5)
        right.legend(fontsize=8.5)
    return Plot(
        fig,
        f"Model selection. Left: on one data set, the validation-set error picks degree "
        f"{degrees[np.argmin(val_errors)]} and 5-fold cross-validation degree {degrees[np.argmin(cv_errors)]}, "
        f"while the expected test error is lowest at degree {best}. Right: over {len(cv_choices)} data sets, "
        f"the degrees chosen by 5-fold cross-validation (spread {np.std(cv_choices):.1f}) cluster more tightly "
        f"around the best than those chosen by a single validation set (spread {np.std(val_choices):.1f}).",
    )


def plot_learning_curve_by_size(sizes: Sequence[int], results: Sequence[Decomposition], degree: int) -> Plot:
    """Training error, test error, bias² and variance against training-set size (log-log axes).

    Bias² estimates that are not positive (below the simulation's resolution) are left out.
    """
    sizes = _settings(sizes, results, "sizes")
    train, test = _values(results, "train_error"), _values(results, "test_error")
    bias2, var = _values(results, "bias2"), _values(results, "variance")
    noise = results[0].noise
    fig = new_figure(7.0, 3.9)
    with styled():
        (ax,) = fixed_axes(fig, left=0.66, right=0.04, bottom=0.49, top=0.24)
        ax.plot(sizes, test, "s-", color=PALETTE["vermillion"], label="test error")
        ax.plot(sizes, train, "o-", color=PALETTE["blue"], label="training error")
        ax.plot(sizes, var, color=PALETTE["purple"], linestyle="-.", label="variance")
        ax.plot(sizes, np.where(bias2 > 0, bias2, np.nan), color=PALETTE["green"], linestyle="--", label="bias²")
        ax.axhline(noise + bias2[-1], color=MUTED, linestyle=":", label="noise + bias² (the floor)")
        plain_log(ax, "xy")
        ax.set_xticks(sizes)
        ax.set_xlabel("training-set size n (log scale)")
        ax.set_ylabel("mean squared error (log scale)")
        ax.set_title(f"learning curves, polynomial of degree {degree}", fontsize=11)
        ax.legend(fontsize=8.5, ncol=2, loc="upper right")
    return Plot(
        fig,
        f"Learning curves of a degree-{degree} polynomial for training sets of {sizes[0]:g} to {sizes[-1]:g} points. "
        f"The variance falls from {var[0]:.3g} to {var[-1]:.3g} as n grows while the bias squared stays near "
        f"{bias2[-1]:.3g}; test error falls from {test[0]:.3g} to {test[-1]:.3g} and training error rises from "
        f"{train[0]:.3g} to {train[-1]:.3g}, both approaching the floor of noise plus bias squared.",
    )
