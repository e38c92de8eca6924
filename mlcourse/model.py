"""A model is a function: y = f(x; θ), a fixed form with adjustable parameters θ.

Defined in chapter 1, which writes each of these out in a visible cell; this module keeps the
tested copies that later chapters import:

- :func:`linear`, the line ``w * x + b`` (the page's ``predict``), and :func:`polynomial`;
- :func:`linear_scores`, a linear classifier's raw class scores (logits), ``X @ W + b``;
- :func:`best_weight`, a fit without gradients: try every weight on a grid, keep the best;
- :func:`count_parameters`, and chapter 1's toy fruit classifier and line data;
- :func:`standardize` and :func:`standardized_weights`: feature scaling, and the same classifier
  rewritten for standardised features (its weights then compare across features).

Numpy only: the figures of chapter 1 are in :mod:`mlcourse.figures.chapter1` and its exercise
checkers in :mod:`mlcourse.exercises.chapter1`.
"""

from __future__ import annotations

import numpy as np

from mlcourse.losses import mse
from mlcourse.validation import NonFiniteResultError, as_finite_result, as_float_array, as_number, check_same_shape


def linear(x, w: float, b: float) -> np.ndarray | float:
    """The line ``y = w * x + b``. Defined in chapter 1 (as ``predict``).

    Parameters
    ----------
    x : array_like, shape (n,) or scalar
        Inputs (one feature each).
    w : float
        Weight: how much y changes per unit of x (the slope).
    b : float
        Bias: the output when x = 0 (the intercept).

    Returns
    -------
    numpy.ndarray, same shape as ``x`` (a float if ``x`` is a single number)
        Outputs.
    """
    x = as_float_array(x, "x")
    w = as_number(w, "w")
    b = as_number(b, "b")
    with np.errstate(over="ignore", invalid="ignore"):
        return _finite(w * x + b, "w * x + b")


def polynomial(x, coefs) -> np.ndarray | float:
    """The polynomial ``y = c0 + c1 x + c2 x**2 + ...`` with parameters ``coefs``.

    Parameters
    ----------
    x : array_like, shape (n,) or scalar
        Inputs.
    coefs : array_like, shape (degree + 1,)
        Parameters, lowest power first (``numpy.polynomial`` order).

    Returns
    -------
    numpy.ndarray, same shape as ``x`` (a float if ``x`` is a single number)
    """
    x = as_float_array(x, "x")
    coefs = as_float_array(coefs, "coefs", ndim=1)
    with np.errstate(over="ignore", invalid="ignore"):
        return _finite(np.polynomial.polynomial.polyval(x, coefs), "the polynomial (of x, with coefs)")


def linear_scores(X, W, b) -> np.ndarray:
    """Raw class scores (logits) of a linear classifier: ``X @ W + b``. Defined in chapter 1.

    Parameters
    ----------
    X : array_like, shape (n_samples, n_features)
        Feature vectors, one row per input.
    W : array_like, shape (n_features, n_classes)
        Weights: column k says how much each feature counts towards class k.
    b : array_like, shape (n_classes,)
        Biases: each class's score before any feature is read.

    Returns
    -------
    numpy.ndarray, shape (n_samples, n_classes)
        One unnormalised score per class. The largest score is the prediction; chapter 3
        turns scores into probabilities with softmax.
    """
    X = as_float_array(X, "X", ndim=2)
    W = as_float_array(W, "W", ndim=2)
    b = as_float_array(b, "b", ndim=1)
    if X.shape[1] != W.shape[0]:
        raise ValueError(f"X has {X.shape[1]} features per row but W expects {W.shape[0]} (W.shape[0])")
    if b.shape[0] != W.shape[1]:
        raise ValueError(f"b has {b.shape[0]} entries but W has {W.shape[1]} classes (W.shape[1])")
    with np.errstate(over="ignore", invalid="ignore"):
        return _finite(X @ W + b, "X @ W + b")


def best_weight(x, y, b: float, weights) -> float:
    """The weight on a grid whose line ``w * x + b`` has the smallest mean squared error on (x, y).

    Defined in chapter 1: a fit without gradients, the slider search done in code. On a tie the
    first of the best weights wins.

    Parameters
    ----------
    x, y : array_like, shape (n,)
        Inputs and targets.
    b : float
        The bias, held fixed.
    weights : array_like, shape (k,)
        The weights to try.

    Returns
    -------
    float
        The best of ``weights``.
    """
    x = as_float_array(x, "x", ndim=1)
    y = as_float_array(y, "y", ndim=1)
    check_same_shape(x, y, ("x", "y"))
    b = as_number(b, "b")
    weights = as_float_array(weights, "weights", ndim=1)
    try:
        errors = np.array([mse(linear(x, w, b), y) for w in weights])
    except NonFiniteResultError:
        raise ValueError(
            "the mean squared error overflows for these x, y, b and weights (keep them below about 1e150)"
        ) from None
    return float(weights[int(np.argmin(errors))])


def _finite(values: np.ndarray, what: str) -> np.ndarray | float:
    """Return ``values`` (a Python float if 0-d), or raise if the computation overflowed to inf or NaN."""
    if not np.all(np.isfinite(values)):
        raise ValueError(f"{what} overflows: the inputs or parameters are too large (keep them below about 1e150)")
    return float(values) if np.ndim(values) == 0 else values


def count_parameters(*arrays) -> int:
    """Total number of parameter values (array entries) in the given arrays or numbers.

    Parameters
    ----------
    *arrays : array_like
        Weight matrices, bias vectors or single numbers.

    Returns
    -------
    int
        The sum of their sizes, a Python int.
    """
    total = 0
    for i, array in enumerate(arrays):
        if isinstance(array, (str, bytes, bytearray)) or array is None or np.ma.isMaskedArray(array):
            raise TypeError(f"arrays[{i}] must be an array of numbers, got {type(array).__name__}")
        try:
            values = np.asarray(array)
        except ValueError as exc:  # a ragged list
            raise TypeError(f"arrays[{i}] must be a rectangular array of numbers: {exc}") from None
        if values.dtype.kind not in "biuf":  # booleans, integers, unsigned, floats; not complex
            raise TypeError(f"arrays[{i}] must hold real numbers, got dtype {values.dtype}")
        total += int(values.size)
    return total


#: Chapter 1's toy classifier: fruit described by two features.
FRUIT_FEATURES = ("mass (g)", "elongation (length / width)")
FRUIT_CLASSES = ("apple", "banana", "orange")
#: Hand-set weights (features x classes) and biases (classes) of the toy classifier.
FRUIT_W = np.array([[0.02, -0.01, 0.04], [-2.0, 3.0, -2.5]])
FRUIT_B = np.array([1.0, -3.0, -1.5])


def fruit_scores(mass_g: float, elongation: float) -> np.ndarray:
    """Scores of the toy fruit classifier for one fruit.

    Parameters
    ----------
    mass_g : float
        Mass in grams, >= 0.
    elongation : float
        Length divided by width, >= 0.

    Returns
    -------
    numpy.ndarray, shape (3,)
        One score per class, in the order of ``FRUIT_CLASSES``.
    """
    features = [as_number(mass_g, "mass_g", low=0), as_number(elongation, "elongation", low=0)]
    return linear_scores(np.array([features]), FRUIT_W, FRUIT_B)[0]


#: The five points chapter 1's line figures show, so a reader can see which parameters fit them.
LINE_DATA_X = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
LINE_DATA_Y = np.array([1.1, 2.9, 5.2, 6.8, 9.1])


#: Nine example fruits (mass in g, elongation) for chapter 1's feature scaling, three per class
#: in the order of ``FRUIT_CLASSES``; the hand-set classifier labels each one correctly.
FRUIT_SAMPLE = np.array(
    [
        [110.0, 1.0],
        [130.0, 1.05],
        [140.0, 1.0],
        [120.0, 2.5],
        [100.0, 3.0],
        [140.0, 2.8],
        [180.0, 1.0],
        [200.0, 1.05],
        [220.0, 0.95],
    ]
)
FRUIT_SAMPLE_LABELS = np.repeat(np.arange(3), 3)


def standardize(X) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rescale each feature (column) to mean 0 and standard deviation 1. Defined in chapter 1.

    Parameters
    ----------
    X : array_like, shape (n_samples, n_features)
        At least two rows; no column may be constant.

    Returns
    -------
    Z : numpy.ndarray, shape (n_samples, n_features)
        ``(X - mean) / std``: each feature in units of its own standard deviation.
    mean, std : numpy.ndarray, shape (n_features,)
        The column means and (population) standard deviations, in the features' units, to
        standardise new inputs the same way.
    """
    X = as_float_array(X, "X", ndim=2)
    if X.shape[0] < 2:
        raise ValueError(f"X needs at least two rows to have a spread, got {X.shape[0]}")
    with np.errstate(over="ignore", invalid="ignore"):
        mean = X.mean(axis=0)
        std = as_finite_result(X.std(axis=0), "the standard deviation of X", hint="rescale X")
    if np.any(std == 0):
        raise ValueError(f"X has constant columns {np.flatnonzero(std == 0).tolist()}: they cannot be standardised")
    return (X - mean) / std, mean, std


def standardized_weights(W, b, mean, std) -> tuple[np.ndarray, np.ndarray]:
    """The same linear classifier, rewritten to read standardised features. Defined in chapter 1.

    Since ``x = mean + std * z``, the scores ``x @ W + b`` equal ``z @ W_z + b_z`` with
    ``W_z = std[:, None] * W`` (each weight now per standard deviation of its feature) and
    ``b_z = b + mean @ W``: the predictions do not change, only the units of the weights.

    Parameters
    ----------
    W : array_like, shape (n_features, n_classes)
    b : array_like, shape (n_classes,)
    mean, std : array_like, shape (n_features,)
        As returned by :func:`standardize`; ``std`` > 0.

    Returns
    -------
    W_z : numpy.ndarray, shape (n_features, n_classes)
    b_z : numpy.ndarray, shape (n_classes,)
    """
    W = as_float_array(W, "W", ndim=2)
    b = as_float_array(b, "b", ndim=1)
    mean = as_float_array(mean, "mean", ndim=1)
    std = as_float_array(std, "std", ndim=1)
    if not (mean.shape[0] == std.shape[0] == W.shape[0]) or b.shape[0] != W.shape[1]:
        raise ValueError(
            f"shapes do not fit: W {W.shape}, b {b.shape}, mean {mean.shape}, std {std.shape} "
            "(need mean and std of length W.shape[0] and b of length W.shape[1])"
        )
    if np.any(std <= 0):
        raise ValueError("std must be positive (a feature's standard deviation)")
    return std[:, None] * W, b + mean @ W
