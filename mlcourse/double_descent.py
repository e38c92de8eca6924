"""Double descent: least squares on random cosine features, swept past the interpolation threshold.

The model is :math:`\\hat f(x) = \\sum_{j=1}^{p} c_j \\sqrt{2/p}\\,\\cos(w_j x + b_j)` with random,
fixed frequencies and phases (:func:`mlcourse.regression.random_features`); only the weights
``c`` are fitted, by minimum-norm least squares when ``ridge = 0``. Measured with the
bias-variance machinery of :mod:`mlcourse.bias_variance`, the test error falls, peaks where the
number of features p equals the number of training points n, and falls again beyond it
(Belkin, Hsu, Ma and Mandal, PNAS 2019).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from mlcourse import regression
from mlcourse.bias_variance import Decomposition, Experiment, as_list, measure
from mlcourse.regression import Fitter, least_squares_fitter
from mlcourse.validation import as_float_array, as_int, as_number


def random_feature_fitter(w, b, *, ridge: float = 0.0) -> Fitter:
    """A fitter for (minimum-norm, if ``ridge = 0``) least squares on the cosine features ``(w, b)``.

    ``w, b`` of shape (p,) give every training set the same features; shape (m, p) gives each
    training set its own (then the randomness of the features is part of the fitting
    procedure, and of its variance). See :func:`mlcourse.regression.random_features`.
    """
    w = as_float_array(w, "w", min_ndim=1)
    b = as_float_array(b, "b")
    return least_squares_fitter(lambda x: regression.random_feature_design(x, w, b), ridge=ridge)


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
    w = as_float_array(w, "w", min_ndim=1)
    b = as_float_array(b, "b")
    ridge = as_number(ridge, "ridge", low=0.0)
    total = w.shape[-1]
    counts = [as_int(p, "each p in counts", low=1) for p in as_list(counts, "counts")]
    if max(counts) > total:
        raise ValueError(f"each p in counts must be <= {total}, the number of features in w; got {max(counts)}")
    train_all = regression.random_feature_design(experiment.x_train, w, b)  # scaled by sqrt(2 / total)
    test_all = regression.random_feature_design(experiment.x_test, w, b)
    results = []
    for p in counts:
        rescale = np.sqrt(total / p)  # sqrt(2 / total) -> sqrt(2 / p), as random_feature_design(w[:p]) would give
        train, test = rescale * train_all[..., :p], rescale * test_all[..., :p]

        def fit(x_train, y_train, x_test, train=train, test=test):  # the designs are precomputed
            wide = ridge == 0.0 and train.shape[-1] >= train.shape[-2]
            coefs = _min_norm(train, y_train) if wide else regression.least_squares(train, y_train, ridge=ridge)
            return regression.evaluate(train, coefs), regression.evaluate(test, coefs), coefs

        results.append(measure(experiment, fit))
    return results


def _min_norm(design: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The minimum-norm solution of ``design @ c = y`` for wide designs (..., n, p >= n), by QR.

    With ``design.T = Q R`` (Q of shape (p, n) with orthonormal columns), ``design = R.T Q.T``, and
    the smallest c that fits every point is ``Q (R.T)^-1 y``: the pseudo-inverse solution of
    :func:`mlcourse.regression.least_squares`, a few times cheaper than its SVD. A design whose
    rows are (nearly) dependent, where R has a tiny diagonal entry, goes to ``least_squares``.
    """
    q, r = np.linalg.qr(np.swapaxes(design, -1, -2))  # (..., p, n), (..., n, n)
    diag = np.abs(np.diagonal(r, axis1=-2, axis2=-1))
    if not np.all(diag > design.shape[-1] * np.finfo(float).eps * diag.max(axis=-1, keepdims=True)):
        return regression.least_squares(design, y)
    with np.errstate(all="ignore"):
        coefs = (q @ np.linalg.solve(np.swapaxes(r, -1, -2), y[..., None]))[..., 0]
    return coefs if np.all(np.isfinite(coefs)) else regression.least_squares(design, y)
