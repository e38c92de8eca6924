"""Losses: one number that says how wrong a model's outputs are.

- :func:`mse`, the mean squared error of regression (chapters 1, 2 and 6);
- :func:`cross_entropy`, the classification loss ``-log p(right answer)``, computed from the
  logits with :func:`mlcourse.softmax.log_softmax` (defined in chapter 3, trained on in chapter 5);
- :func:`perplexity`, ``exp`` of the mean cross-entropy of a text's next tokens (chapter 3).

Every loss checks that predictions and targets line up: for ``mse`` the targets must match the
trailing axes of the predictions (so a stack of predictions from many fitted models can be
scored against one set of targets); for ``cross_entropy`` there is one label per row of logits.
Nothing is broadcast silently.
"""

from __future__ import annotations

import numpy as np

from mlcourse.softmax import _log_sum_exp_shifted, as_logits, log_softmax
from mlcourse.validation import as_finite_result, as_float_array, as_int, as_int_array


def mse(predictions, targets, axis: int | tuple[int, ...] | None = -1) -> np.ndarray | float:
    """Mean squared error, averaged along ``axis`` (over every axis if None).

    Parameters
    ----------
    predictions : array_like, shape (..., n)
        Model outputs; leading axes may stack several models or training sets.
    targets : array_like, shape (n,) or the shape of ``predictions``
        The true values; must equal the trailing axes of ``predictions``.
    axis : int, tuple of int or None, default -1
        Axis (or axes) to average over.

    Returns
    -------
    float or numpy.ndarray
        ``mean((predictions - targets) ** 2)``: a float, or one value per leading index.

    Examples
    --------
    >>> mse([1.0, 2.0], [1.0, 4.0])
    2.0
    """
    predictions = as_float_array(predictions, "predictions", min_ndim=1)
    targets = as_float_array(targets, "targets", min_ndim=1)
    low, high = -predictions.ndim, predictions.ndim - 1
    if isinstance(axis, tuple):
        axis = tuple(as_int(a, f"axis[{i}]", low=low, high=high) for i, a in enumerate(axis))
    elif axis is not None:
        axis = as_int(axis, "axis", low=low, high=high)
    if targets.ndim > predictions.ndim or predictions.shape[predictions.ndim - targets.ndim :] != targets.shape:
        raise ValueError(
            f"targets of shape {targets.shape} must match the trailing axes of predictions of shape "
            f"{predictions.shape} (reshape one of them; they are not broadcast)"
        )
    with np.errstate(over="ignore", invalid="ignore"):
        result = np.mean((predictions - targets) ** 2, axis=axis)
    result = as_finite_result(result, "the squared error of predictions and targets", hint="values beyond ~1e150")
    return float(result) if np.ndim(result) == 0 else result


def cross_entropy(logits, labels, reduction: str = "mean"):
    """Cross-entropy loss ``-log softmax(logits)[label]`` of integer labels, in nats.

    Defined in chapter 3. The negative log-probability the model gives to the right answer,
    computed from the logits with :func:`~mlcourse.softmax.log_softmax` (never as
    ``log(softmax(...))``, which gives ``-inf`` when a probability rounds to 0).

    Parameters
    ----------
    logits : array_like, shape (n, V) or (V,)
        One row of V logits per example (a single example may be 1-D).
    labels : int or array_like of int, shape (n,) or scalar
        The correct option of each example, in ``[0, V)``; one label per row of ``logits``.
    reduction : {"mean", "sum", "none"}, default "mean"
        Average over examples, total, or the per-example losses (shape (n,)).

    Returns
    -------
    float or numpy.ndarray
        Loss >= 0 in nats (``+0.0``, never ``-0.0``, for a certain right answer); ``inf`` if a
        label's logit is -inf (probability 0).

    Examples
    --------
    >>> round(cross_entropy([0.0, 0.0, 0.0, 0.0], 2), 4)  # uniform over 4: log 4
    1.3863
    """
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
    x = as_logits(logits)
    if x.ndim > 2:
        raise ValueError(f"logits must have shape (n, V) or (V,), got shape {x.shape}")
    rows = x[None, :] if x.ndim == 1 else x
    if isinstance(labels, (str, bytes)):
        raise TypeError(f"labels must be integers (class indices), got a {type(labels).__name__}")
    try:
        y = np.asarray(labels)
    except ValueError:
        raise TypeError("labels must be integers (class indices), got a ragged sequence") from None
    if y.dtype.kind not in "iu":
        raise TypeError(f"labels must be integers (class indices), got dtype {y.dtype}")
    if x.ndim == 1 and y.ndim == 0:
        y = y[None]
    if y.shape != (rows.shape[0],):
        raise ValueError(
            f"labels must have shape ({rows.shape[0]},), one per row of logits of shape {x.shape}; got {y.shape}"
        )
    vocab = rows.shape[1]
    if (y < 0).any() or (y >= vocab).any():
        raise ValueError(f"labels must be in [0, {vocab}), got values from {y.min()} to {y.max()}")
    logp = log_softmax(rows, axis=-1)
    losses = 0.0 - logp[np.arange(rows.shape[0]), y]  # 0.0 - 0.0 is +0.0 (a bare minus gives -0.0)
    if reduction == "none":
        return losses
    if reduction == "sum":
        return float(np.sum(losses))
    return float(np.mean(losses))


def _mean_cross_entropy(logits: np.ndarray, labels: np.ndarray) -> float:
    """:func:`cross_entropy` of finite float64 rows ``(n, V)`` and valid int labels, unchecked.

    The same arithmetic (so the same float) without the checks, for a training loop's inner steps.
    """
    d = logits - np.max(logits, axis=1, keepdims=True)
    logp = d - _log_sum_exp_shifted(d, 1)
    return float(np.mean(0.0 - logp[np.arange(len(labels)), labels]))


def perplexity(logits, targets) -> float:
    """``exp(mean cross-entropy)`` of the next tokens of a text. Defined in chapter 3.

    The effective number of equally likely choices the model hesitates between per token:
    a model that gives each right token probability ``1/k`` has perplexity ``k``.

    Parameters
    ----------
    logits : array_like, shape (n, V)
        Row ``t`` scores every token as the one that follows position ``t``.
    targets : array_like of int, shape (n,)
        The tokens that actually came next.

    Returns
    -------
    float
        Perplexity >= 1 (``inf`` if a target has probability 0).
    """
    targets = as_int_array(targets, "targets", ndim=1, low=0)
    try:
        loss = cross_entropy(logits, targets)
    except ValueError as exc:  # cross_entropy calls them labels
        raise ValueError(str(exc).replace("labels", "targets")) from None
    with np.errstate(over="ignore"):
        return float(np.exp(loss))
