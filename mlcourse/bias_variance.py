"""The bias-variance decomposition, measured by simulation rather than asserted.

For squared error, the expected test error of a fitting procedure at a point :math:`x_0`
splits into three parts (Hastie, Tibshirani and Friedman, *The Elements of Statistical
Learning*, 2nd ed., eq. 7.9):

.. math::

    \\mathbb{E}\\big[(y_0 - \\hat f(x_0))^2\\big]
    = \\underbrace{\\sigma^2}_{\\text{noise}}
    + \\underbrace{\\big(\\mathbb{E}\\hat f(x_0) - f(x_0)\\big)^2}_{\\text{bias}^2}
    + \\underbrace{\\mathbb{E}\\big[(\\hat f(x_0) - \\mathbb{E}\\hat f(x_0))^2\\big]}_{\\text{variance}},

where the expectation runs over training sets drawn from one distribution and over the noise
of the new target :math:`y_0`. Here we draw many training sets (:func:`make_experiment`), fit
each (a *fitter*, e.g. :func:`polynomial_fitter`), and estimate each term at a grid of test
points (:func:`decompose`, :func:`measure`). Model selection by validation and k-fold
cross-validation, learning curves and double descent use the same machinery.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullLocator

from mlcourse import regression
from mlcourse.exercises.feedback import Feedback, correct, wrong
from mlcourse.figures import Plot, new_figure
from mlcourse.figures.style import INK, MUTED, PALETTE, styled
from mlcourse.validation import as_float_array, as_int, as_number, as_rng

#: A fitter: ``fitter(x_train (m, n), y_train (m, n), x_test (T,))`` fits each of the m training
#: sets and returns ``(predictions at x_train (m, n), predictions at x_test (m, T), coefs (m, p))``.
Fitter = Callable[[np.ndarray, np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]

# --------------------------------------------------------------------------- simulation


@dataclass(frozen=True)
class Experiment:
    """Many training sets from one distribution, and fresh test targets for each.

    Attributes
    ----------
    x_train, y_train : numpy.ndarray, shape (n_sets, n)
        Training inputs and noisy targets, one row per training set.
    x_test : numpy.ndarray, shape (n_test,)
        Test inputs: the midpoints of ``n_test`` equal cells of ``[-1, 1]``, so averages over
        them approximate averages over a uniform x.
    f_test : numpy.ndarray, shape (n_test,)
        The true function at the test inputs.
    y_test : numpy.ndarray, shape (n_sets, n_test)
        Fresh noisy targets at the test inputs, independent of the training sets.
    noise : float
        Standard deviation sigma of the noise.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    f_test: np.ndarray
    y_test: np.ndarray
    noise: float

    @property
    def n(self) -> int:
        """Points per training set."""
        return self.x_train.shape[1]

    @property
    def n_sets(self) -> int:
        """Number of training sets."""
        return self.x_train.shape[0]


def make_experiment(
    n: int,
    rng: np.random.Generator,
    *,
    noise: float = 0.3,
    n_sets: int = 200,
    n_test: int = 100,
    layout: str = "stratified",
    fixed_x: bool = False,
    f: Callable[[np.ndarray], np.ndarray] = regression.target,
) -> Experiment:
    """Draw ``n_sets`` training sets of ``n`` points each, plus fresh test targets.

    Parameters
    ----------
    n : int
        Points per training set, at least 1.
    rng : numpy.random.Generator
        Source of randomness.
    noise : float
        Noise standard deviation sigma, at least 0.
    n_sets : int
        Number of training sets, at least 2 (the Monte Carlo sample size).
    n_test : int
        Number of test inputs, at least 1.
    layout : {"stratified", "uniform"}
        How training inputs are spread (see :func:`mlcourse.regression.sample`).
    fixed_x : bool
        If True, every training set shares the same inputs and only the noise changes (the
        "fixed design" of textbooks); otherwise the inputs are redrawn too.
    f : callable
        The true function.

    Returns
    -------
    Experiment
    """
    n = as_int(n, "n", low=1)
    rng = as_rng(rng)
    noise = as_number(noise, "noise", low=0.0)
    n_sets = as_int(n_sets, "n_sets", low=2)
    n_test = as_int(n_test, "n_test", low=1)
    if fixed_x:
        x_one, _ = regression.sample(n, rng, noise=noise, layout=layout, f=f)
        x_train = np.broadcast_to(x_one, (n_sets, n)).copy()
        y_train = f(x_train) + noise * rng.standard_normal((n_sets, n))
    else:
        x_train, y_train = regression.sample(n, rng, noise=noise, n_sets=n_sets, layout=layout, f=f)
    x_test = -1.0 + (np.arange(n_test) + 0.5) * 2.0 / n_test
    f_test = f(x_test)
    y_test = f_test + noise * rng.standard_normal((n_sets, n_test))
    return Experiment(x_train, y_train, x_test, f_test, y_test, noise)


@dataclass(frozen=True)
class Decomposition:
    """Monte Carlo estimates of the terms of the expected test error (averaged over test inputs).

    Attributes
    ----------
    bias2 : float
        Squared bias: mean over test inputs of ``(expected prediction - f)**2`` (unbiased
        estimate; see :func:`decompose`).
    variance : float
        Mean over test inputs of the variance of the predictions across training sets.
    noise : float
        Irreducible error sigma**2: the variance of the noise in a new target.
    test_error : float
        Measured mean squared error of the fits on fresh noisy test targets.
    standard_error : float
        Standard deviation of ``test_error - (bias2 + variance + noise)`` that the finite
        number of test targets allows (see :func:`decompose`).
    train_error : float or None
        Mean squared error on the training sets themselves, if known.
    coef_norm : float or None
        Mean Euclidean norm of the fitted coefficients, if known.
    """

    bias2: float
    variance: float
    noise: float
    test_error: float
    standard_error: float
    train_error: float | None = None
    coef_norm: float | None = None

    @property
    def total(self) -> float:
        """bias² + variance + noise: what the decomposition says the test error should be."""
        return self.bias2 + self.variance + self.noise

    def agrees(self, n_se: float = 4.0) -> bool:
        """Whether the measured test error matches the sum within ``n_se`` standard errors."""
        return bool(abs(self.test_error - self.total) <= n_se * self.standard_error)


def decompose(predictions, f_test, y_test, noise: float, *, train_error: float | None = None) -> Decomposition:
    """Estimate bias², variance and test error from the predictions of many fits.

    With ``P`` the predictions of ``m`` fits at ``T`` test inputs, ``Pbar`` their mean over
    fits and ``f`` the true function there:

    * ``variance = mean_t sum_i (P_it - Pbar_t)**2 / (m - 1)``, the unbiased sample variance
      across fits, averaged over test inputs;
    * ``bias2 = mean_t (Pbar_t - f_t)**2 - variance / m``. The average of m fits still wobbles
      (by ``variance / m``), which would inflate the plain squared distance; subtracting it makes
      the estimate unbiased. When the true bias is below that Monte Carlo resolution the estimate
      can come out slightly negative: it is then zero within the simulation's precision;
    * ``test_error = mean_it (P_it - y_it)**2`` with fresh targets ``y = f + noise``.

    The two corrections cancel: ``bias2 + variance = mean (P - f)**2`` exactly. Therefore
    ``test_error - (bias2 + variance + noise**2) = mean(e**2) - noise**2 - 2 mean((P - f) e)``
    with the fresh noise ``e``, which is independent of the fits. For Gaussian noise its
    standard deviation is ``sqrt((2 noise**4 + 4 noise**2 mean (P - f)**2) / (m T))``: that is
    ``standard_error``, the tolerance the sample size allows.

    Parameters
    ----------
    predictions : array_like, shape (m, T)
        Prediction of fit i (trained on training set i) at test input t; m >= 2.
    f_test : array_like, shape (T,)
        True function at the test inputs.
    y_test : array_like, shape (m, T)
        Fresh noisy targets at the test inputs (row i is used to score fit i).
    noise : float
        Noise standard deviation sigma, at least 0.
    train_error : float, optional
        Stored as is.

    Returns
    -------
    Decomposition
    """
    predictions = as_float_array(predictions, "predictions", ndim=2)
    f_test = as_float_array(f_test, "f_test", ndim=1)
    y_test = as_float_array(y_test, "y_test", ndim=2)
    noise = as_number(noise, "noise", low=0.0)
    m, t = predictions.shape
    if m < 2:
        raise ValueError(f"predictions must come from at least 2 fits (rows), got {m}")
    if f_test.shape != (t,):
        raise ValueError(f"f_test must have one value per test input ({t}), got shape {f_test.shape}")
    if y_test.shape != predictions.shape:
        raise ValueError(f"y_test must have the shape of predictions {predictions.shape}, got {y_test.shape}")
    mean_prediction = predictions.mean(axis=0)
    variance = float(np.mean(predictions.var(axis=0, ddof=1)))
    bias2 = float(np.mean((mean_prediction - f_test) ** 2)) - variance / m
    test_error = float(np.mean((predictions - y_test) ** 2))
    sq = float(np.mean((predictions - f_test) ** 2))
    standard_error = float(np.sqrt((2 * noise**4 + 4 * noise**2 * sq) / (m * t)))
    return Decomposition(bias2, variance, noise**2, test_error, standard_error, train_error)


def polynomial_fitter(degree: int, *, ridge: float = 0.0) -> Fitter:
    """A fitter for polynomials of ``degree`` (Legendre basis, optional ridge penalty).

    Parameters
    ----------
    degree : int
        At least 0.
    ridge : float
        Penalty strength, at least 0 (see :func:`mlcourse.regression.least_squares`).

    Returns
    -------
    Fitter
    """
    degree = as_int(degree, "degree", low=0)
    ridge = as_number(ridge, "ridge", low=0.0)

    def fit(x_train, y_train, x_test):
        design = regression.legendre_design(x_train, degree)
        coefs = regression.least_squares(design, y_train, ridge=ridge)
        return (
            regression.evaluate(design, coefs),
            regression.evaluate(regression.legendre_design(x_test, degree), coefs),
            coefs,
        )

    return fit


def random_feature_fitter(w, b, *, ridge: float = 0.0) -> Fitter:
    """A fitter for the minimum-norm least-squares fit on the cosine features ``(w, b)``.

    Parameters
    ----------
    w, b : array_like, shape (p,) or (m, p)
        Frequencies and phases from :func:`mlcourse.regression.random_features`: one set of
        features for every training set, or one row per training set (then the randomness of the
        features is part of the fitting procedure, and of its variance).
    ridge : float
        Ridge penalty, at least 0 (0: the minimum-norm fit).

    Returns
    -------
    Fitter
    """
    w = as_float_array(w, "w")
    b = as_float_array(b, "b")
    ridge = as_number(ridge, "ridge", low=0.0)

    def fit(x_train, y_train, x_test):
        design = regression.random_feature_design(x_train, w, b)
        coefs = regression.least_squares(design, y_train, ridge=ridge)
        return (
            regression.evaluate(design, coefs),
            regression.evaluate(regression.random_feature_design(x_test, w, b), coefs),
            coefs,
        )

    return fit


def measure(experiment: Experiment, fitter: Fitter) -> Decomposition:
    """Fit every training set of ``experiment`` with ``fitter`` and decompose the test error.

    Returns
    -------
    Decomposition
        With ``train_error`` (mean over sets of the training MSE) and ``coef_norm`` filled in.
    """
    if not isinstance(experiment, Experiment):
        raise TypeError(f"experiment must be an Experiment (see make_experiment), got {type(experiment).__name__}")
    if not callable(fitter):
        raise TypeError(f"fitter must be callable, got {type(fitter).__name__}")
    pred_train, pred_test, coefs = fitter(experiment.x_train, experiment.y_train, experiment.x_test)
    train_error = float(np.mean((pred_train - experiment.y_train) ** 2))
    result = decompose(pred_test, experiment.f_test, experiment.y_test, experiment.noise, train_error=train_error)
    norm = float(np.mean(np.linalg.norm(coefs, axis=-1)))
    return dataclasses.replace(result, coef_norm=norm)


def degree_sweep(experiment: Experiment, degrees: Sequence[int], *, ridge: float = 0.0) -> list[Decomposition]:
    """:func:`measure` polynomial fits of each degree on the same training sets."""
    return [measure(experiment, polynomial_fitter(d, ridge=ridge)) for d in degrees]


def ridge_sweep(experiment: Experiment, degree: int, ridges: Sequence[float]) -> list[Decomposition]:
    """:func:`measure` ridge fits of one degree for each penalty strength, on the same training sets."""
    return [measure(experiment, polynomial_fitter(degree, ridge=r)) for r in ridges]


def feature_sweep(experiment: Experiment, counts: Sequence[int], w, b, *, ridge: float = 0.0) -> list[Decomposition]:
    """:func:`measure` fits on the first p random features ``(w[..., :p], b[..., :p])``, for each p in ``counts``.

    The result for each p is what ``measure(experiment, random_feature_fitter(w[..., :p], b[..., :p]))``
    gives; the cosines are computed once for the largest p and then sliced and rescaled.

    Parameters
    ----------
    experiment : Experiment
        The training sets.
    counts : sequence of int
        Numbers of features p, each between 1 and ``w.shape[-1]``.
    w, b : array_like, shape (P,) or (n_sets, P)
        Shared features, or features drawn per training set.
    ridge : float
        Ridge penalty, at least 0.

    Returns
    -------
    list of Decomposition
    """
    if not isinstance(experiment, Experiment):
        raise TypeError(f"experiment must be an Experiment (see make_experiment), got {type(experiment).__name__}")
    w = as_float_array(w, "w")
    b = as_float_array(b, "b")
    ridge = as_number(ridge, "ridge", low=0.0)
    total = w.shape[-1]
    counts = [as_int(p, "counts", low=1, high=total) for p in counts]
    train_all = regression.random_feature_design(experiment.x_train, w, b)  # scaled by sqrt(2 / total)
    test_all = regression.random_feature_design(experiment.x_test, w, b)
    results = []
    for p in counts:
        rescale = np.sqrt(total / p)  # sqrt(2 / total) -> sqrt(2 / p), as random_feature_design(w[:p]) would give
        design_train, design_test = rescale * train_all[..., :p], rescale * test_all[..., :p]

        def fit(x_train, y_train, x_test, design_train=design_train, design_test=design_test):
            coefs = regression.least_squares(design_train, y_train, ridge=ridge)
            return regression.evaluate(design_train, coefs), regression.evaluate(design_test, coefs), coefs

        results.append(measure(experiment, fit))
    return results


def learning_curve(
    sizes: Sequence[int],
    degree: int,
    rng: np.random.Generator,
    *,
    noise: float = 0.3,
    n_sets: int = 200,
    n_test: int = 100,
) -> list[Decomposition]:
    """:func:`measure` polynomial fits of one degree for several training-set sizes.

    Parameters
    ----------
    sizes : sequence of int
        Training-set sizes n, each at least 1.
    degree : int
        Polynomial degree.
    rng : numpy.random.Generator
        Source of randomness (one experiment is drawn per size).
    noise, n_sets, n_test
        As in :func:`make_experiment`.

    Returns
    -------
    list of Decomposition
        One per size.
    """
    fitter = polynomial_fitter(degree)
    return [measure(make_experiment(n, rng, noise=noise, n_sets=n_sets, n_test=n_test), fitter) for n in sizes]


# --------------------------------------------------------------------------- model selection


def kfold_indices(n: int, k: int, rng: np.random.Generator | None = None) -> list[np.ndarray]:
    """Split ``range(n)`` into k folds of nearly equal size (``numpy.array_split``).

    Parameters
    ----------
    n : int
        Number of points, at least k.
    k : int
        Number of folds, at least 2.
    rng : numpy.random.Generator, optional
        If given, the points are shuffled first; otherwise folds are contiguous blocks.

    Returns
    -------
    list of numpy.ndarray
        k integer index arrays that partition ``range(n)``.
    """
    k = as_int(k, "k", low=2)
    n = as_int(n, "n", low=k)
    order = np.arange(n) if rng is None else as_rng(rng).permutation(n)
    return np.array_split(order, k)


def cross_validation_error(x, y, degree: int, k: int = 5, *, rng=None, ridge: float = 0.0) -> np.ndarray | float:
    """k-fold cross-validation MSE of a polynomial fit: each fold is predicted by a fit to the others.

    Parameters
    ----------
    x, y : array_like, shape (n,) or (m, n)
        One data set, or m data sets scored independently (the same fold pattern is used for all).
    degree : int
        Polynomial degree.
    k : int
        Number of folds.
    rng : numpy.random.Generator, optional
        Shuffles the points before splitting (see :func:`kfold_indices`).
    ridge : float
        Ridge penalty.

    Returns
    -------
    float or numpy.ndarray, shape (m,)
        Mean squared error over all held-out points.
    """
    x = as_float_array(x, "x")
    y = as_float_array(y, "y")
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same shape, got {x.shape} and {y.shape}")
    folds = kfold_indices(x.shape[-1], k, rng)
    errors = np.zeros(x.shape[:-1])
    for fold in folds:
        train = np.setdiff1d(np.arange(x.shape[-1]), fold)
        coefs = regression.fit_polynomial(x[..., train], y[..., train], degree, ridge=ridge)
        held_out = regression.evaluate(regression.legendre_design(x[..., fold], degree), coefs)
        errors = errors + np.sum((held_out - y[..., fold]) ** 2, axis=-1)
    result = errors / x.shape[-1]
    return float(result) if result.ndim == 0 else result


def validation_error(x, y, degree: int, n_val: int, *, ridge: float = 0.0) -> np.ndarray | float:
    """Hold out the last ``n_val`` points, fit the rest, return the MSE on the held-out points.

    Parameters
    ----------
    x, y : array_like, shape (n,) or (m, n)
        Data in random order (as :func:`mlcourse.regression.sample` returns it).
    degree : int
        Polynomial degree.
    n_val : int
        Size of the validation set, between 1 and n - 1.
    ridge : float
        Ridge penalty.

    Returns
    -------
    float or numpy.ndarray, shape (m,)
    """
    x = as_float_array(x, "x")
    y = as_float_array(y, "y")
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same shape, got {x.shape} and {y.shape}")
    n_val = as_int(n_val, "n_val", low=1, high=x.shape[-1] - 1)
    cut = x.shape[-1] - n_val
    coefs = regression.fit_polynomial(x[..., :cut], y[..., :cut], degree, ridge=ridge)
    pred = regression.evaluate(regression.legendre_design(x[..., cut:], degree), coefs)
    result = np.mean((pred - y[..., cut:]) ** 2, axis=-1)
    return float(result) if result.ndim == 0 else result


# --------------------------------------------------------------------------- figures

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
    ax.text(
        0.985,
        1.42,
        "OVERFITTING\nhigh variance: fits the noise,\nchanges with the sample",
        va="top",
        ha="right",
        fontsize=9.5,
    )
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
    degrees = [as_int(d, "degrees", low=0) for d in degrees]
    if len(degrees) != 3:
        raise ValueError(f"degrees must hold three degrees, got {len(degrees)}")
    x, y = regression.sample(n, rng, noise=noise, n_sets=5)
    fig = new_figure(9.0, 6.2)
    captions = ["too simple: high bias", "about right", "too flexible: high variance"]
    with styled():
        grid = fig.add_gridspec(2, 3, height_ratios=[1.15, 1.0])
        _schematic(fig.add_subplot(grid[0, :]))
        for j, (degree, caption) in enumerate(zip(degrees, captions, strict=True)):
            ax = fig.add_subplot(grid[1, j])
            coefs = regression.fit_polynomial(x, y, degree)
            curves = regression.predict_polynomial(coefs, _GRID)
            for curve in curves:
                ax.plot(_GRID, curve, color=PALETTE["blue"], alpha=0.55, linewidth=1.3)
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


def draw_fits(fig: Figure, params: tuple[int, int, float, float], *, seed: int = 0, n_sets: int = 200) -> None:
    """One panel: 20 of ``n_sets`` fits to different training sets, with measured bias² and variance.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        An empty figure.
    params : (degree, n, noise, ridge)
        Polynomial degree, training-set size, noise sigma and ridge penalty.
    seed : int
        Seed of the generator that draws the training sets (the same for every frame).
    n_sets : int
        Training sets used for the numbers in the title.

    Notes
    -----
    The axes get fixed margins instead of the course figures' constrained layout: a scrubber
    redraws this figure for every frame, and fixed margins keep the frames aligned (the plot
    does not jump when tick labels change width) and make each frame cheaper to render.
    """
    degree, n, noise, ridge = params
    degree = as_int(degree, "degree", low=0)
    n = as_int(n, "n", low=1)
    rng = np.random.default_rng(seed)
    experiment = make_experiment(n, rng, noise=noise, n_sets=n_sets, n_test=100)
    result = measure(experiment, polynomial_fitter(degree, ridge=ridge))
    coefs = regression.fit_polynomial(experiment.x_train[:20], experiment.y_train[:20], degree, ridge=ridge)
    curves = regression.predict_polynomial(coefs, _GRID)
    fig.set_layout_engine("none")
    ax = fig.add_axes((0.085, 0.14, 0.895, 0.77))
    for curve in curves[1:]:
        ax.plot(_GRID, curve, color=PALETTE["sky"], alpha=0.45, linewidth=1.0)
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


def _summary(result: Decomposition) -> str:
    """'bias² 0.012, variance 0.034, test MSE 0.135' (a bias² estimate under 0.001 reads '< 0.001')."""
    bias2 = "< 0.001" if result.bias2 < 0.001 else f"{result.bias2:.3g}"
    return f"bias² {bias2}, variance {result.variance:.3g}, test MSE {result.test_error:.3g}"


def plot_fits(degree: int, n: int = 20, noise: float = 0.3, ridge: float = 0.0, *, seed: int = 0) -> Plot:
    """The live widget's figure: see :func:`draw_fits`."""
    fig = new_figure(7.5, 4.0)
    with styled():
        draw_fits(fig, (degree, n, noise, ridge), seed=seed)
    result = measure(
        make_experiment(n, np.random.default_rng(seed), noise=noise, n_sets=200, n_test=100),
        polynomial_fitter(degree, ridge=ridge),
    )
    return Plot(
        fig,
        f"Twenty polynomial fits of degree {degree} to different training sets of {n} noisy points "
        f"(noise σ = {noise:g}, ridge λ = {ridge:g}) around the dashed true curve; the spread of the "
        f"fits is the variance, their average miss the bias. Measured over 200 sets: {_summary(result)}.",
    )


def _plain_log(ax, which: str = "y") -> None:
    """Log scale on ``which`` axis ("x", "y" or "xy") with plain labels (0.01, 1, 100) and no minor ticks."""
    for name in which:
        ax.set_xscale("log") if name == "x" else ax.set_yscale("log")
        axis = ax.xaxis if name == "x" else ax.yaxis
        axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        axis.set_minor_locator(NullLocator())


def _values(results: Sequence[Decomposition], name: str) -> np.ndarray:
    return np.array([getattr(r, name) for r in results], dtype=float)


def plot_train_test(degrees: Sequence[int], results: Sequence[Decomposition]) -> Plot:
    """Training and test error (averaged over training sets) against polynomial degree."""
    degrees = np.asarray(degrees)
    train, test = _values(results, "train_error"), _values(results, "test_error")
    best = int(degrees[np.argmin(test)])
    noise = results[0].noise
    fig = new_figure(7.0, 3.8)
    with styled():
        ax = fig.add_subplot()
        ax.plot(degrees, train, "o-", color=PALETTE["blue"], label="training error")
        ax.plot(degrees, test, "s-", color=PALETTE["vermillion"], label="test error")
        ax.axhline(noise, color=MUTED, linestyle=":", label=f"noise σ² = {noise:g}")
        ax.axvline(best, color=PALETTE["green"], linestyle="--", linewidth=1.3)
        ax.text(best + 0.15, test.max() * 0.9, f"lowest test error:\ndegree {best}", color=PALETTE["green"], va="top")
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
    values = np.asarray(values, dtype=float)
    if len(values) != len(results):
        raise ValueError(f"values and results must have the same length, got {len(values)} and {len(results)}")
    bias2, var, test = _values(results, "bias2"), _values(results, "variance"), _values(results, "test_error")
    total, se = _values(results, "total"), _values(results, "standard_error")
    noise = results[0].noise
    fig = new_figure(7.0, 3.9)
    with styled():
        ax = fig.add_subplot()
        ax.plot(values, np.where(bias2 > 0, bias2, np.nan) if logy else bias2, color=PALETTE["blue"], label="bias²")
        ax.plot(values, var, color=PALETTE["vermillion"], label="variance")
        ax.axhline(noise, color=MUTED, linestyle=":", label=f"noise σ² = {noise:g}")
        ax.plot(values, total, color=INK, linewidth=1.5, label="bias² + variance + noise")
        ax.errorbar(
            values, test, yerr=2 * se, fmt="o", color=PALETTE["orange"], markersize=5, label="measured test error"
        )
        if logx:
            _plain_log(ax, "x")
        if logy:
            _plain_log(ax, "y")
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
    degrees = np.asarray(degrees)
    val_errors = as_float_array(val_errors, "val_errors", ndim=1)
    cv_errors = as_float_array(cv_errors, "cv_errors", ndim=1)
    expected_errors = as_float_array(expected_errors, "expected_errors", ndim=1)
    val_choices = np.asarray(val_choices)
    cv_choices = np.asarray(cv_choices)
    best = int(degrees[np.argmin(expected_errors)])
    fig = new_figure(9.0, 3.8)
    with styled():
        left, right = fig.subplots(1, 2)
        left.plot(degrees, expected_errors, color=INK, label="expected test error")
        left.plot(degrees, val_errors, "o-", color=PALETTE["orange"], label="validation set")
        left.plot(degrees, cv_errors, "s-", color=PALETTE["blue"], label="5-fold CV")
        for errors, color in ((val_errors, PALETTE["orange"]), (cv_errors, PALETTE["blue"])):
            j = int(np.argmin(errors))
            left.scatter([degrees[j]], [errors[j]], s=140, facecolor="none", edgecolor=color, linewidth=2, zorder=4)
        _plain_log(left, "y")
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


def plot_learning_curves(sizes: Sequence[int], results: Sequence[Decomposition], degree: int) -> Plot:
    """Training error, test error, bias² and variance against training-set size (log-log axes).

    Bias² estimates that are not positive (below the simulation's resolution) are left out.
    """
    sizes = np.asarray(sizes, dtype=float)
    train, test = _values(results, "train_error"), _values(results, "test_error")
    bias2, var = _values(results, "bias2"), _values(results, "variance")
    noise = results[0].noise
    fig = new_figure(7.0, 3.9)
    with styled():
        ax = fig.add_subplot()
        ax.plot(sizes, test, "s-", color=PALETTE["vermillion"], label="test error")
        ax.plot(sizes, train, "o-", color=PALETTE["blue"], label="training error")
        ax.plot(sizes, var, color=PALETTE["purple"], linestyle="-.", label="variance")
        ax.plot(sizes, np.where(bias2 > 0, bias2, np.nan), color=PALETTE["green"], linestyle="--", label="bias²")
        ax.axhline(noise + bias2[-1], color=MUTED, linestyle=":", label="noise + bias² (the floor)")
        _plain_log(ax, "xy")
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


def plot_double_descent(counts: Sequence[int], results: Sequence[Decomposition], n: int) -> Plot:
    """Test error, variance, training error and the size of the fit against the number of random features.

    Training errors below 1e-4 (zero beyond the threshold) are drawn at 1e-4, the axis' bottom.
    """
    counts = np.asarray(counts, dtype=float)
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


# --------------------------------------------------------------------------- exercise checkers


def check_constant_variance(answer, n: int = 25, sigma: float = 0.5) -> Feedback:
    """Check the variance of the fitted constant (the mean of n targets with noise sigma), fixed inputs.

    The prediction is the average of the n targets; only the noise varies between training
    sets, so its variance is ``sigma**2 / n``.
    """
    try:
        answer = as_number(answer, "answer")
    except (TypeError, ValueError) as exc:
        return wrong(str(exc))
    expected = sigma**2 / n
    if np.isclose(answer, expected, rtol=1e-6):
        return correct(f"the mean of {n} noisy targets has variance σ²/n = {sigma:g}²/{n} = {expected:g}.")
    hints = {
        sigma**2: "that is the variance of one target; averaging n independent targets divides it by n.",
        sigma / n: "square σ: variances add in squared units (Var(aY) = a² Var(Y)).",
        sigma / np.sqrt(n): "that is the standard deviation of the mean (the standard error); square it.",
        sigma**2 / n**2: "the n noise terms add n·σ² of variance before dividing by n², which leaves σ²/n.",
    }
    for value, hint in hints.items():
        if np.isclose(answer, value, rtol=1e-6):
            return wrong(f"{answer:g} is not it: {hint}")
    return wrong(
        f"{answer:g} is not the variance. The fitted constant is the mean of the n targets; what is its variance?"
    )


def check_decompose(func: Callable) -> Feedback:
    """Check the reader's ``func(predictions, f_test) -> (bias2, variance)``.

    ``predictions`` has shape (m, T): m fits (one per training set) evaluated at T test points.
    Variance may use divisor m or m - 1.
    """
    if not callable(func):
        return wrong(f"pass your function itself, not its result; got {type(func).__name__}")
    # 4 fits at 3 test points; every plausible mistake gives a different number here.
    predictions = np.array([[1.0, 2.0, 0.0], [3.0, 2.0, 2.0], [2.0, 6.0, 1.0], [2.0, 3.0, -0.5]])
    f_test = np.array([1.5, 3.0, 0.0])
    mean = predictions.mean(axis=0)  # [2, 3.25, 0.625]
    bias2 = np.mean((mean - f_test) ** 2)  # (0.25 + 0.0625 + 0.390625) / 3
    var0 = np.mean(predictions.var(axis=0))
    var1 = np.mean(predictions.var(axis=0, ddof=1))
    try:
        got = func(predictions.copy(), f_test.copy())
        got_bias2, got_var = (float(v) for v in got)
    except Exception as exc:  # the reader's code may raise anything
        return wrong(f"calling your function raised {type(exc).__name__}: {exc}. Return two numbers (bias2, variance).")
    problems = []
    if not np.isclose(got_bias2, bias2):
        if np.isclose(got_bias2, np.mean((predictions - f_test) ** 2)):
            problems.append(
                "bias2 equals the mean squared error of the fits: average the predictions over fits first "
                "(axis 0), then compare that average with f"
            )
        elif np.isclose(got_bias2, np.mean(mean - f_test) ** 2):
            problems.append("square the bias at each test point before averaging over the points")
        elif np.isclose(got_bias2, np.mean(np.abs(mean - f_test))) or np.isclose(got_bias2, np.mean(mean - f_test)):
            problems.append("bias2 is the squared bias: square (average prediction - f)")
        else:
            problems.append(f"bias2 is {got_bias2:g}, expected {bias2:g}")
    if not (np.isclose(got_var, var0) or np.isclose(got_var, var1)):
        across_points = [np.mean(predictions.var(axis=1, ddof=d)) for d in (0, 1)] + [predictions.var()]
        if any(np.isclose(got_var, v) for v in across_points):
            problems.append(
                "variance should measure how the fits differ from each other at each test point: take it across "
                "fits (axis 0), then average over test points"
            )
        elif np.isclose(got_var, np.mean(predictions.std(axis=0))):
            problems.append("that is the mean standard deviation; the variance is its square")
        else:
            problems.append(f"variance is {got_var:g}, expected {var0:g}")
    if problems:
        return wrong("; ".join(problems) + ".")
    return correct(f"bias² = {bias2:.4f} and variance = {var0:.4f} on the test case.")


def check_cv(func: Callable) -> Feedback:
    """Check the reader's ``func(x, y, degree, k) -> float``: k-fold CV MSE with contiguous folds.

    Folds are ``numpy.array_split(numpy.arange(n), k)``; each fold is predicted by a polynomial
    fitted (``mlcourse.regression.fit_polynomial``) to the other folds.
    """
    if not callable(func):
        return wrong(f"pass your function itself, not its result; got {type(func).__name__}")
    rng = np.random.default_rng(7)
    x, y = regression.sample(12, rng, noise=0.3)
    for degree, k in ((1, 3), (3, 4), (2, 12)):
        expected = cross_validation_error(x, y, degree, k)
        try:
            got = float(func(x.copy(), y.copy(), degree, k))
        except Exception as exc:
            return wrong(f"with degree={degree}, k={k} your function raised {type(exc).__name__}: {exc}")
        if np.isclose(got, expected):
            continue
        in_sample = regression.mse(regression.predict_polynomial(regression.fit_polynomial(x, y, degree), x), y)
        if np.isclose(got, in_sample):
            return wrong(
                f"with degree={degree}, k={k} you return the training error {got:.4f}: fit on the other folds "
                "only, then score the held-out fold."
            )
        if np.isclose(got, expected * len(x)):
            return wrong("you return the sum of squared errors; divide by the number of points for the mean.")
        return wrong(f"with degree={degree}, k={k} you return {got:.4f}, expected {expected:.4f}.")
    return correct("your cross-validation error matches on three cases, including leave-one-out (k = n).")
