"""Choosing a model's complexity from one data set: a validation split and k-fold cross-validation.

With one data set we cannot average over training sets as :mod:`mlcourse.bias_variance` does;
we estimate the test error by holding data out instead:

* :func:`validation_error`: fit on part of the data, score on the rest;
* :func:`cross_validation_error`: k-fold cross-validation (defined in chapter 6): each fold in
  turn is predicted by a fit to the other k - 1 folds (:func:`kfold_indices`), and the squared
  errors of all held-out points are averaged.

Both work on one data set of shape ``(n,)`` or on a stack of independent data sets ``(m, n)``
scored with the same split.
"""

from __future__ import annotations

import numpy as np

from mlcourse import regression
from mlcourse.losses import mse
from mlcourse.validation import as_float_array, as_int, as_rng, check_same_shape


def kfold_indices(n: int, k: int, rng: np.random.Generator | None = None) -> list[np.ndarray]:
    """Split ``range(n)`` into k folds of nearly equal size (``numpy.array_split``).

    Parameters
    ----------
    n : int
        Number of points, at least 2.
    k : int
        Number of folds, between 2 and n.
    rng : numpy.random.Generator, optional
        If given, the points are shuffled first; otherwise folds are contiguous blocks.

    Returns
    -------
    list of numpy.ndarray
        k integer index arrays that partition ``range(n)``.
    """
    n = as_int(n, "n", low=2, high=regression.MAX_POINTS)
    k = as_int(k, "k", low=2)
    if k > n:
        raise ValueError(f"k must be <= n = {n}: there cannot be more folds than points; got k = {k}")
    order = np.arange(n) if rng is None else as_rng(rng).permutation(n)
    return np.array_split(order, k)


def cross_validation_error(x, y, degree: int, k: int = 5, *, rng=None, ridge: float = 0.0) -> np.ndarray | float:
    """k-fold cross-validation MSE of a polynomial fit: each fold is predicted by a fit to the others.

    Defined in chapter 6: for each fold, fit :func:`mlcourse.regression.fit_polynomial` to the
    other points, predict the fold, and keep those held-out predictions; the result is their
    mean squared error over all n points.

    Parameters
    ----------
    x, y : array_like, shape (n,) or (m, n)
        One data set, or m data sets scored independently (the same fold pattern is used for all).
    degree : int
        Polynomial degree.
    k : int
        Number of folds, between 2 and n.
    rng : numpy.random.Generator, optional
        Shuffles the points before splitting (see :func:`kfold_indices`).
    ridge : float
        Ridge penalty.

    Returns
    -------
    float or numpy.ndarray, shape (m,)
        Mean squared error over all held-out points.
    """
    x, y = _data(x, y)
    n = x.shape[-1]
    k = as_int(k, "k", low=2)
    if k > n:
        raise ValueError(f"k must be <= {n}, the number of points in x: there cannot be more folds; got k = {k}")
    if k == n and ridge == 0.0 and degree + 1 < n:
        loo = _leave_one_out_error(x, y, degree)
        if loo is not None:
            return loo
    held_out = np.empty_like(y)
    for fold in kfold_indices(n, k, rng):
        rest = np.setdiff1d(np.arange(n), fold)
        coefs = regression.fit_polynomial(x[..., rest], y[..., rest], degree, ridge=ridge)
        held_out[..., fold] = regression.predict_polynomial(coefs, x[..., fold])
    return _mse(held_out, y)


def validation_error(x, y, degree: int, n_val: int, *, ridge: float = 0.0) -> np.ndarray | float:
    """Hold out the last ``n_val`` points, fit the rest, return the MSE on the held-out points.

    Parameters
    ----------
    x, y : array_like, shape (n,) or (m, n)
        Data in random order (as :func:`mlcourse.regression.sample_data` returns it).
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
    x, y = _data(x, y)
    n_val = as_int(n_val, "n_val", low=1, high=x.shape[-1] - 1)
    cut = x.shape[-1] - n_val
    coefs = regression.fit_polynomial(x[..., :cut], y[..., :cut], degree, ridge=ridge)
    return _mse(regression.predict_polynomial(coefs, x[..., cut:]), y[..., cut:])


def _leave_one_out_error(x: np.ndarray, y: np.ndarray, degree: int) -> np.ndarray | float | None:
    """Leave-one-out MSE of a least-squares fit in one pass, by Allen's PRESS identity.

    The held-out residual of point i is ``e_i / (1 - h_ii)``, with ``e`` the residuals of the fit
    to all n points and ``h_ii`` the diagonal of the hat matrix ``design @ pinv(design)``: n times
    fewer fits than the fold loop, same numbers (up to rounding). Returns None when a point has
    leverage near 1 (removing it would drop the rank), where the identity does not hold.
    """
    design = regression.legendre_design(x, degree)  # (..., n, p)
    with np.errstate(all="ignore"):
        hat = design @ np.linalg.pinv(design)  # (..., n, n)
        leverage = np.diagonal(hat, axis1=-2, axis2=-1)
        if not np.all(leverage < 1 - 1e-6):
            return None
        residual = y - (hat @ y[..., None])[..., 0]
        return _mse(y - residual / (1 - leverage), y)


def _data(x, y) -> tuple[np.ndarray, np.ndarray]:
    """One data set (n,) or a stack (m, n) of at least 2 points, as float arrays of one shape."""
    x = as_float_array(x, "x")
    y = as_float_array(y, "y")
    if x.ndim not in (1, 2):
        raise ValueError(f"x must have shape (n,) or (m, n), got {x.shape}")
    check_same_shape(x, y, ("x", "y"))
    if x.shape[-1] < 2:
        raise ValueError(f"x must hold at least 2 points to hold some out, got {x.shape[-1]}")
    return x, y


def _mse(predictions: np.ndarray, targets: np.ndarray) -> np.ndarray | float:
    """:func:`mlcourse.losses.mse`, with an overflow of the squares raised as a clear error instead of inf."""
    with np.errstate(over="ignore", invalid="ignore"):
        error = mse(predictions, targets)
    if not np.all(np.isfinite(error)):
        raise ValueError("the squared errors overflow: y is too large (rescale it)")
    return error
