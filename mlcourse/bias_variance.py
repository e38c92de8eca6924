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
of the new target :math:`y_0`.

The Monte Carlo loop, as chapter 6 shows it: draw many training sets, fit each, predict on a
grid of test inputs (:func:`simulate_fits`), then estimate bias² and variance from the stack of
predictions (:func:`bias_and_variance`). The sweeps of the chapter run the same loop batched:
:func:`make_experiment` draws every training set at once, a *fitter* (e.g.
:func:`mlcourse.regression.polynomial_fitter`) fits them all with one stacked least-squares
solve, and :func:`measure` / :func:`decompose` estimate each term and the measured test error.
Model selection (validation, k-fold cross-validation) lives in :mod:`mlcourse.model_selection`,
double descent with random features in :mod:`mlcourse.double_descent`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from mlcourse import regression
from mlcourse.losses import mse
from mlcourse.validation import as_bool, as_float_array, as_int, as_int_tuple, as_number, as_rng, check_same_shape

#: Most training sets one simulation may draw (chapter 6 uses at most 4,000).
MAX_SETS = 20_000
#: Most test inputs one simulation may use.
MAX_TEST = 10_000

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

    def __post_init__(self) -> None:
        x_train = as_float_array(self.x_train, "x_train", ndim=2)
        y_train = as_float_array(self.y_train, "y_train", ndim=2)
        check_same_shape(x_train, y_train, ("x_train", "y_train"))
        x_test = as_float_array(self.x_test, "x_test", ndim=1)
        check_same_shape(x_test, as_float_array(self.f_test, "f_test", ndim=1), ("x_test", "f_test"))
        y_test = as_float_array(self.y_test, "y_test", ndim=2)
        if y_test.shape != (x_train.shape[0], x_test.shape[0]):
            raise ValueError(
                f"y_test must have one row per training set and one column per test input, shape "
                f"{(x_train.shape[0], x_test.shape[0])}; got {y_test.shape}"
            )
        as_number(self.noise, "noise", low=0.0)

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
        How training inputs are spread (see :func:`mlcourse.regression.sample_data`).
    fixed_x : bool
        If True, every training set shares the same inputs and only the noise changes (the
        "fixed design" of textbooks); otherwise the inputs are redrawn too.
    f : callable
        The true function.

    Returns
    -------
    Experiment
    """
    n = as_int(n, "n", low=1, high=regression.MAX_POINTS)
    rng = as_rng(rng)
    noise = as_number(noise, "noise", low=0.0, high=regression.MAX_NOISE)
    n_sets = as_int(n_sets, "n_sets", low=2, high=MAX_SETS)
    n_test = as_int(n_test, "n_test", low=1, high=MAX_TEST)
    regression.check_size(n_sets * max(n, n_test), "n_sets * max(n, n_test)")
    if not callable(f):
        raise TypeError(f"f must be a function of x, got {type(f).__name__}")
    if as_bool(fixed_x, "fixed_x"):
        x_one, _ = regression.sample_data(n, rng, noise=noise, layout=layout, f=f)
        x_train = np.broadcast_to(x_one, (n_sets, n)).copy()
        y_train = as_float_array(f(x_train), "f(x)") + noise * rng.standard_normal((n_sets, n))
    else:
        x_train, y_train = regression.sample_data(n, rng, noise=noise, n_sets=n_sets, layout=layout, f=f)
    x_test = -1.0 + (np.arange(n_test) + 0.5) * 2.0 / n_test
    f_test = as_float_array(f(x_test), "f(x_test)", ndim=1)
    y_test = f_test + noise * rng.standard_normal((n_sets, n_test))
    return Experiment(x_train, y_train, x_test, f_test, y_test, noise)


def simulate_fits(
    degree: int, n: int, x_test, rng: np.random.Generator, *, n_sets: int = 200, noise: float = 0.3
) -> np.ndarray:
    """The Monte Carlo loop: draw training sets, fit a polynomial to each, predict at ``x_test``.

    Defined in chapter 6. Each pass draws a fresh training set of ``n`` noisy points of
    :func:`mlcourse.regression.target` (:func:`mlcourse.regression.sample_data`), fits a polynomial of
    ``degree`` by least squares and stores its predictions at the test inputs. The rows of the
    result are what :func:`bias_and_variance` turns into bias² and variance. (:func:`measure`
    runs the same experiment batched, all training sets in one solve.)

    Parameters
    ----------
    degree : int
        Polynomial degree, at least 0.
    n : int
        Points per training set, at least 1.
    x_test : array_like, shape (T,)
        Test inputs in ``[-1, 1]``.
    rng : numpy.random.Generator
        Source of randomness; the training sets are drawn from it one after the other.
    n_sets : int
        Number of training sets m, at least 2.
    noise : float
        Noise standard deviation sigma, at least 0.

    Returns
    -------
    numpy.ndarray, shape (n_sets, T)
        Row i: the predictions of the fit to training set i.
    """
    degree = as_int(degree, "degree", low=0, high=regression.MAX_DEGREE)
    n = as_int(n, "n", low=1, high=regression.MAX_POINTS)
    x_test = as_float_array(x_test, "x_test", ndim=1)
    rng = as_rng(rng)
    n_sets = as_int(n_sets, "n_sets", low=2, high=MAX_SETS)
    noise = as_number(noise, "noise", low=0.0, high=regression.MAX_NOISE)
    regression.check_size(n_sets * max(n, len(x_test)), "n_sets * max(n, len(x_test))")
    predictions = np.empty((n_sets, len(x_test)))
    for i in range(n_sets):
        x, y = regression.sample_data(n, rng, noise=noise)  # a fresh training set
        coefs = regression.fit_polynomial(x, y, degree)
        predictions[i] = regression.predict_polynomial(coefs, x_test)
    return predictions


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


def bias_and_variance(predictions, f_test) -> tuple[float, float]:
    """Squared bias and variance of many fits, averaged over the test inputs.

    Defined in chapter 6. With ``P`` the predictions of ``m`` fits at ``T`` test inputs and
    ``f`` the true function there:

    * ``variance = mean_t sum_i (P_it - Pbar_t)**2 / (m - 1)``: the unbiased sample variance
      across fits (axis 0), averaged over test inputs;
    * ``bias2 = mean_t (Pbar_t - f_t)**2 - variance / m``: the squared distance of the average
      fit ``Pbar`` from the truth, less the wobble ``variance / m`` that an average of m fits
      still has, which makes the estimate unbiased. When the true bias is below that Monte
      Carlo resolution the estimate can come out slightly negative.

    The two corrections cancel: ``bias2 + variance = mean (P - f)**2`` exactly.

    Parameters
    ----------
    predictions : array_like, shape (m, T)
        Prediction of fit i at test input t; m >= 2.
    f_test : array_like, shape (T,)
        True function at the test inputs.

    Returns
    -------
    bias2, variance : float
    """
    predictions = as_float_array(predictions, "predictions", ndim=2)
    f_test = as_float_array(f_test, "f_test", ndim=1)
    m, t = predictions.shape
    if m < 2:
        raise ValueError(f"predictions must come from at least 2 fits (rows), got {m}")
    if f_test.shape != (t,):
        raise ValueError(f"f_test must have one value per test input ({t}), got shape {f_test.shape}")
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported below
        average_fit = predictions.mean(axis=0)
        variance = float(np.mean(predictions.var(axis=0, ddof=1)))
        bias2 = float(np.mean((average_fit - f_test) ** 2)) - variance / m
    if not np.isfinite(bias2 + variance):
        raise ValueError("predictions and f_test are too large: their squares overflow (rescale them)")
    return bias2, variance


def decompose(predictions, f_test, y_test, noise: float, *, train_error: float | None = None) -> Decomposition:
    """Estimate bias², variance and test error from the predictions of many fits.

    Bias² and variance come from :func:`bias_and_variance` (unbiased estimates, averaged over
    the test inputs); ``test_error = mean_it (P_it - y_it)**2`` scores fit i on fresh noisy
    targets ``y = f + noise`` at the test inputs.

    Since ``bias2 + variance = mean (P - f)**2`` exactly,
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
    noise = as_number(noise, "noise", low=0.0, high=regression.MAX_NOISE)
    m, t = predictions.shape
    if m < 2:
        raise ValueError(f"predictions must come from at least 2 fits (rows), got {m}")
    if f_test.shape != (t,):
        raise ValueError(f"f_test must have one value per test input ({t}), got shape {f_test.shape}")
    if y_test.shape != predictions.shape:
        raise ValueError(f"y_test must have the shape of predictions {predictions.shape}, got {y_test.shape}")
    if train_error is not None:
        train_error = as_number(train_error, "train_error", low=0.0)
    bias2, variance = bias_and_variance(predictions, f_test)
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported below (mse would raise unnamed)
        test_error = float(np.mean((predictions - y_test) ** 2))
        sq = float(np.mean((predictions - f_test) ** 2))
        standard_error = float(np.sqrt((2 * noise**4 + 4 * noise**2 * sq) / (m * t)))
    if not np.isfinite(test_error + standard_error):
        raise ValueError("predictions, y_test or noise are too large: the squared errors overflow (rescale them)")
    return Decomposition(bias2, variance, noise**2, test_error, standard_error, train_error)


def measure(experiment: Experiment, fitter: regression.Fitter) -> Decomposition:
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
    out = fitter(experiment.x_train, experiment.y_train, experiment.x_test)
    if not isinstance(out, tuple) or len(out) != 3:
        raise TypeError("fitter must return (predictions at x_train, predictions at x_test, coefs)")
    pred_train = as_float_array(out[0], "the fitter's predictions at x_train")
    check_same_shape(pred_train, experiment.y_train, ("the fitter's predictions at x_train", "y_train"))
    pred_test = as_float_array(out[1], "the fitter's predictions at x_test")
    check_same_shape(pred_test, experiment.y_test, ("the fitter's predictions at x_test", "y_test"))
    coefs = as_float_array(out[2], "the fitter's coefs")
    if coefs.ndim < 1:
        raise ValueError("the fitter's coefs must hold the coefficients of each fit along their last axis")
    train_error = mse(pred_train, experiment.y_train, axis=None)
    result = decompose(pred_test, experiment.f_test, experiment.y_test, experiment.noise, train_error=train_error)
    norm = float(np.mean(np.linalg.norm(coefs, axis=-1)))
    return dataclasses.replace(result, coef_norm=norm)


def degree_sweep(experiment: Experiment, degrees: Sequence[int], *, ridge: float = 0.0) -> list[Decomposition]:
    """:func:`measure` polynomial fits of each degree on the same training sets."""
    return [
        measure(experiment, regression.polynomial_fitter(d, ridge=ridge))
        for d in as_int_tuple(as_list(degrees, "degrees"), "degrees", low=0, high=regression.MAX_DEGREE)
    ]


def ridge_sweep(experiment: Experiment, degree: int, ridges: Sequence[float]) -> list[Decomposition]:
    """:func:`measure` ridge fits of one degree for each penalty strength, on the same training sets."""
    ridges = as_float_array(as_list(ridges, "ridges"), "ridges", ndim=1, low=0.0, high=regression.MAX_RIDGE).tolist()
    return [measure(experiment, regression.polynomial_fitter(degree, ridge=r)) for r in ridges]


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
    fitter = regression.polynomial_fitter(degree)
    rng = as_rng(rng)
    sizes = as_int_tuple(as_list(sizes, "sizes"), "sizes", high=regression.MAX_POINTS)
    return [measure(make_experiment(n, rng, noise=noise, n_sets=n_sets, n_test=n_test), fitter) for n in sizes]


def as_list(values, name: str) -> list:
    """A non-empty list from a sequence of settings (degrees, penalties, sizes), or a clear error."""
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise TypeError(f"{name} must be a sequence of numbers, got {type(values).__name__}")
    values = list(values)
    if not values:
        raise ValueError(f"{name} must not be empty")
    return values
