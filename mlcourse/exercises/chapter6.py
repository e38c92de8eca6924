"""Chapter 6's exercise checkers: the variance of a constant fit, bias² and variance, k-fold CV.

Each checker returns :class:`~mlcourse.exercises.Feedback` and never raises because of the
reader's answer: a wrong number, ``None``, a string, a ragged list, NaN or an exception raised
inside the reader's function all become "not yet" feedback that says what to fix.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from mlcourse import regression
from mlcourse.exercises.feedback import Feedback, correct, wrong
from mlcourse.losses import mse
from mlcourse.model_selection import cross_validation_error, kfold_indices
from mlcourse.validation import as_float_array, as_int, as_number, check_same_shape


def _numbers(value: Any, count: int, what: str) -> tuple[list[float] | None, str]:
    """``count`` finite floats from the reader's return value, or (None, what is wrong with it)."""
    if count == 1:
        value = [value]
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__"):
        return None, f"return {what}; got {type(value).__name__}"
    if len(value) != count:
        return None, f"return {what}; got {len(value)} value(s)"
    numbers = []
    for item in value:
        try:
            number = float(np.asarray(item, dtype=float).item())
        except (TypeError, ValueError, OverflowError):
            return None, f"return {what}; got {type(item).__name__} {item!r:.60}"
        if not np.isfinite(number):
            return None, f"return {what}; got {number} (NaN or infinite): check for a division by zero or an empty fold"
        numbers.append(number)
    return numbers, ""


def _call(func: Callable, args: tuple, what: str, count: int) -> tuple[list[float] | None, str]:
    """Call the reader's function and read ``count`` numbers from its result, or say what went wrong."""
    try:
        got = func(*args)
    except Exception as exc:  # the reader's code may raise anything
        return None, f"calling your function raised {type(exc).__name__}: {exc}. It should return {what}."
    return _numbers(got, count, what)


def check_constant_variance(answer, n: int = 25, sigma: float = 0.5) -> Feedback:
    """Check the variance of the fitted constant (the mean of n targets with noise sigma), fixed inputs.

    The prediction is the average of the n targets; only the noise varies between training
    sets, so its variance is ``sigma**2 / n``.

    Parameters
    ----------
    answer : float
        The reader's number.
    n : int
        Training points, at least 1.
    sigma : float
        Noise standard deviation, > 0.
    """
    n = as_int(n, "n", low=1, high=10**12)
    sigma = as_number(sigma, "sigma", low=0.0, high=1e100)
    if sigma == 0.0:
        raise ValueError("sigma must be > 0")
    try:
        answer = as_number(answer, "answer")
    except (TypeError, ValueError, OverflowError) as exc:
        return wrong(f"{exc}. Give one number, e.g. 0.5**2 / 25.")
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
    """Check the reader's ``func(predictions, f_test) -> (bias2, variance)`` with the plain estimates.

    ``predictions`` has shape (m, T): m fits (one per training set) evaluated at T test points.
    Bias² is ``mean_t (mean_i P_it - f_t)**2`` without the ``- variance / m`` correction of
    :func:`mlcourse.bias_variance.bias_and_variance`; the variance may use divisor m or m - 1.
    """
    if not callable(func):
        return wrong(f"pass your function itself, not its result; got {type(func).__name__}")
    # 4 fits at 3 test points; every plausible mistake gives a different number here.
    predictions = np.array([[1.0, 2.0, 0.0], [3.0, 2.0, 2.0], [2.0, 6.0, 1.0], [2.0, 3.0, -0.5]])
    f_test = np.array([1.5, 3.0, 0.0])
    mean = predictions.mean(axis=0)  # [2, 3.25, 0.625]
    bias2 = mse(mean, f_test)  # (0.25 + 0.0625 + 0.390625) / 3
    var0 = np.mean(predictions.var(axis=0))
    var1 = np.mean(predictions.var(axis=0, ddof=1))
    got, problem = _call(func, (predictions.copy(), f_test.copy()), "two numbers (bias2, variance)", 2)
    if got is None:
        return wrong(problem + ".")
    got_bias2, got_var = got
    problems = []
    if not np.isclose(got_bias2, bias2):
        if np.isclose(got_bias2, mse(predictions, f_test, axis=None)):
            problems.append(
                "bias2 equals the mean squared error of the fits: average the predictions over fits first "
                "(axis 0), then compare that average with f"
            )
        elif any(np.isclose(got_bias2, bias2 - v / len(predictions)) for v in (var0, var1)):
            problems.append(
                "that is the corrected bias² of bias_and_variance; here leave out the '- variance / m' correction"
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


def fold_mean_cv_error(x, y, degree: int, k: int) -> float:
    """k-fold CV error as the mean of the k per-fold MSEs (contiguous folds): the exercise's answer.

    Parameters
    ----------
    x, y : array_like, shape (n,)
        One data set.
    degree : int
        Polynomial degree.
    k : int
        Number of folds, between 2 and n.
    """
    x = as_float_array(x, "x", ndim=1)
    y = as_float_array(y, "y", ndim=1)
    check_same_shape(x, y, ("x", "y"))
    errors = []
    for fold in kfold_indices(len(x), k):
        rest = np.setdiff1d(np.arange(len(x)), fold)
        coefs = regression.fit_polynomial(x[rest], y[rest], degree)
        errors.append(mse(regression.predict_polynomial(coefs, x[fold]), y[fold]))
    return float(np.mean(errors))


def check_cv(func: Callable) -> Feedback:
    """Check the reader's ``func(x, y, degree, k) -> float``: the mean of the k fold MSEs.

    Folds are ``numpy.array_split(numpy.arange(n), k)``; each fold is predicted by a polynomial
    fitted (``mlcourse.regression.fit_polynomial``) to the other folds, and its mean squared error
    is one of the k numbers to average (see :func:`fold_mean_cv_error`).
    """
    if not callable(func):
        return wrong(f"pass your function itself, not its result; got {type(func).__name__}")
    x, y = regression.sample_data(12, np.random.default_rng(7), noise=0.3)
    for degree, k in ((1, 5), (3, 5), (2, 7), (2, 12)):
        expected = fold_mean_cv_error(x, y, degree, k)
        got, problem = _call(func, (x.copy(), y.copy(), degree, k), "one number, the CV error", 1)
        if got is None:
            return wrong(f"with degree={degree}, k={k}: {problem}.")
        (got,) = got
        if np.isclose(got, expected):
            continue
        in_sample = mse(regression.predict_polynomial(regression.fit_polynomial(x, y, degree), x), y)
        if np.isclose(got, in_sample):
            return wrong(
                f"with degree={degree}, k={k} you return the training error {got:.4f}: fit on the other folds "
                "only, then score the held-out fold."
            )
        if np.isclose(got, cross_validation_error(x, y, degree, k)):
            return wrong(
                f"with degree={degree}, k={k} you return {got:.4f}, the pooled mean over all n points (like "
                "cv_error). Compute each fold's mean squared error, then average those k numbers."
            )
        if np.isclose(got, expected * k):
            return wrong("you return the sum of the fold errors; divide by k for their mean.")
        return wrong(f"with degree={degree}, k={k} you return {got:.4f}, expected {expected:.4f}.")
    return correct(
        "your fold-averaged CV error matches on four cases, including unequal folds and leave-one-out (k = n)."
    )
