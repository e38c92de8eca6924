"""Losses: one number that says how wrong a model's outputs are.

- :func:`mse`, the mean squared error of regression (chapters 1, 2 and 6);
- cross-entropy for classifiers lives beside softmax, since it is computed from logits.

Every loss checks that predictions and targets line up: targets must match the trailing axes
of the predictions (so a stack of predictions from many fitted models can be scored against
one set of targets), and nothing is broadcast silently.
"""

from __future__ import annotations

import numpy as np

from mlcourse.validation import as_float_array


def mse(predictions, targets, axis: int | None = -1) -> np.ndarray | float:
    """Mean squared error, averaged along ``axis`` (over every axis if None).

    Parameters
    ----------
    predictions : array_like, shape (..., n)
        Model outputs; leading axes may stack several models or training sets.
    targets : array_like, shape (n,) or the shape of ``predictions``
        The true values; must equal the trailing axes of ``predictions``.
    axis : int or None, default -1
        Axis to average over.

    Returns
    -------
    float or numpy.ndarray
        ``mean((predictions - targets) ** 2)``: a float, or one value per leading index.

    Examples
    --------
    >>> mse([1.0, 2.0], [1.0, 4.0])
    2.0
    """
    predictions = as_float_array(predictions, "predictions")
    targets = as_float_array(targets, "targets")
    if targets.ndim > predictions.ndim or predictions.shape[predictions.ndim - targets.ndim :] != targets.shape:
        raise ValueError(
            f"targets of shape {targets.shape} must match the trailing axes of predictions of shape "
            f"{predictions.shape} (reshape one of them; they are not broadcast)"
        )
    result = np.mean((predictions - targets) ** 2, axis=axis)
    return float(result) if np.ndim(result) == 0 else result
