"""Chapter 1's exercise checkers: write the line model, find a line through two points,
standardise a table of features.

Whatever the reader's function returns (None, a string, a ragged list, NaN) or raises becomes
"not yet" feedback that says what to fix, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from mlcourse.exercises.feedback import Feedback, correct, wrong
from mlcourse.validation import as_float_array, as_number


def check_predict(predict: Callable) -> Feedback:
    """Check the reader's ``predict(x, w, b)``, which should compute ``w * x + b``.

    Tries three single inputs and then an array, says which case fails and suggests the likely
    mistake (a missing bias, an added weight, a scalar-only implementation).
    """
    if not callable(predict):
        return wrong(f"pass your function itself (predict, not predict(...)); got {type(predict).__name__}")
    for x, w, b in [(0.0, 2.0, 1.0), (3.0, 2.0, 0.0), (2.0, -1.5, 4.0)]:
        call = f"predict({x}, w={w}, b={b})"
        got, problem = _call(predict, call, x, w, b)
        if problem:
            return wrong(problem)
        if got.size != 1:
            return wrong(f"{call} returned {_show(got)}, {got.size} values: one input gives one number.")
        got = float(got.reshape(()))
        expected = w * x + b
        if not np.isclose(got, expected):
            hint = ""
            if np.isclose(got, w * x):
                hint = " It equals w·x: add the bias b."
            elif np.isclose(got, x + b) or np.isclose(got, w + b):
                hint = " Multiply the input by the weight: w·x."
            elif x == 0.0:
                hint = " At x = 0 the output must be the bias b."
            return wrong(f"{call} returned {_show(got)}, expected {expected:g}.{hint}")
    x = np.array([-1.0, 0.0, 1.0, 2.0])
    expected = 0.5 * x - 1.0
    call = f"predict(np.array({x.tolist()}), w=0.5, b=-1.0)"
    got, problem = _call(predict, call, x, 0.5, -1.0)
    if problem:
        return wrong(f"{problem} Use numpy arithmetic, which works element by element on arrays.")
    if got.shape != x.shape or not np.allclose(got, expected):
        return wrong(f"{call} returned {_show(got)}, expected {expected.tolist()}: one output per input.")
    return correct("predict computes y = w·x + b for single inputs and for arrays.")


def _call(function: Callable, call: str, *args: Any) -> tuple[np.ndarray, str]:
    """Run the reader's function; return its result as a float array, or a message saying what went wrong."""
    try:
        result = function(*args)
    except Exception as exc:  # the reader's code may raise anything
        return np.empty(0), f"{call} raised {type(exc).__name__}: {exc}"
    if result is None:
        return np.empty(0), f"{call} returned None: did you forget the return statement?"
    if isinstance(result, (str, bytes)):
        return np.empty(0), f"{call} returned the text {result!r}: return a number, not a string."
    try:
        values = np.asarray(result)
    except (TypeError, ValueError, OverflowError):  # a ragged list, or an object numpy cannot hold
        values = np.asarray(None)
    if np.ma.isMaskedArray(result) or values.dtype.kind not in "biuf":
        return np.empty(0), f"{call} returned {_show(result)}, which is not a real number or an array of real numbers."
    values = values.astype(float)
    if not np.all(np.isfinite(values)):
        return np.empty(0), f"{call} returned {_show(result)}: every output must be a finite number."
    return values, ""


def _show(value: Any, limit: int = 60) -> str:
    """A short repr of a reader's value for a message."""
    text = repr(value.tolist() if isinstance(value, np.ndarray) else value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_line_through(w: float, b: float, points=((1.0, 3.0), (3.0, 7.0))) -> Feedback:
    """Check that the line y = w x + b passes through every point in ``points``.

    Parameters
    ----------
    w, b : float
        The reader's weight and bias.
    points : array_like, shape (k, 2)
        (x, y) points with at least two distinct x; the hint uses the first and the last.
    """
    points = as_float_array(points, "points", ndim=2)
    if points.shape[1] != 2 or len(points) < 2 or np.ptp(points[:, 0]) == 0:
        raise ValueError(f"points must be at least two (x, y) pairs with different x, got {points.tolist()}")
    numbers = {}
    for name, value in (("w", w), ("b", b)):
        try:
            numbers[name] = as_number(value, name)
        except (TypeError, ValueError, OverflowError) as exc:
            return wrong(f"{name} must be a plain finite number, e.g. check_line_through(w=1.5, b=0) ({exc}).")
    w, b = numbers["w"], numbers["b"]
    (x1, y1), (x2, y2) = points[0], points[-1]
    slope = (y2 - y1) / (x2 - x1)
    for x, y in points:
        with np.errstate(over="ignore", invalid="ignore"):
            got = w * x + b
        if not np.isclose(got, y):
            hint = (
                f" The slope w is rise over run, ({y2:g} - {y1:g}) / ({x2:g} - {x1:g})."
                if not np.isclose(w, slope)
                else f" The slope is right; now choose b so that {w:g}·{x1:g} + b = {y1:g}."
            )
            return wrong(f"at x = {x:g} your line gives {got:g}, but the point is ({x:g}, {y:g}).{hint}")
    return correct(f"y = {w:g}·x + {b:g} passes through all {len(points)} points.")


#: The table :func:`check_standardize` tries: 4 fruits (rows) by 2 features (columns) in very
#: different units, so that mixing up rows and columns or forgetting a step shows.
STANDARDIZE_TABLE = np.array([[110.0, 1.0], [120.0, 2.5], [200.0, 1.05], [140.0, 2.8]])


def check_standardize(standardize: Callable) -> Feedback:
    """Check the reader's ``standardize(X)``, which should return ``(X - mean) / std`` per column.

    The reader's function returns the standardised table only (an array shaped like ``X``). The
    population standard deviation (``ddof=0``, numpy's default) is expected; the sample one
    (``ddof=1``) is accepted with a note. Usual mistakes (rows instead of columns, no mean
    subtracted, dividing by the variance, one mean for the whole table) get a hint.
    """
    if not callable(standardize):
        return wrong(f"pass your function itself (standardize, not standardize(...)); got {type(standardize).__name__}")
    X = STANDARDIZE_TABLE
    call = "standardize(X) for a 4 x 2 table X"
    got, problem = _call(standardize, call, X.copy())
    if problem:
        tuple_hint = " Return only the standardised table, an array shaped like X." if "not a real" in problem else ""
        return wrong(problem + tuple_hint)
    if got.shape != X.shape:
        return wrong(f"{call} returned shape {got.shape}; return one standardised value per entry, shape {X.shape}.")
    mean, std = X.mean(axis=0), X.std(axis=0)
    if np.allclose(got, (X - mean) / std):
        return correct("standardize gives every column mean 0 and standard deviation 1.")
    if np.allclose(got, (X - mean) / X.std(axis=0, ddof=1)):
        return correct(
            "standardize works; you used the sample standard deviation (ddof=1), the page uses "
            "numpy's default ddof=0: both are fine if you standardise new inputs the same way."
        )
    hints = [
        (
            (X - X.mean(axis=1, keepdims=True)) / X.std(axis=1, keepdims=True),
            "you standardised each row; a feature is a column, so use axis=0.",
        ),
        (X / std, "subtract each column's mean before dividing."),
        (X - mean, "divide by each column's standard deviation after subtracting the mean."),
        ((X - mean) / X.var(axis=0), "divide by the standard deviation (X.std), not the variance."),
        (
            (X - X.mean()) / X.std(),
            "compute one mean and one standard deviation per column (axis=0), not over the whole table.",
        ),
    ]
    for values, hint in hints:
        if np.allclose(got, values):
            return wrong(f"{call}: {hint}")
    column_means = got.mean(axis=0)
    return wrong(
        f"{call}: the columns of your result have means {np.round(column_means, 3).tolist()} and "
        f"standard deviations {np.round(got.std(axis=0), 3).tolist()}; both should be 0 and 1."
    )
