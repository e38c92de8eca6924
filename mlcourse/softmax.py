"""Softmax: how a model's raw scores (logits) become probabilities. Defined in chapter 3.

A model that chooses among ``V`` options outputs one real number per option, its *logits*.
:func:`softmax` maps them to probabilities, ``p_i = exp(z_i) / sum_j exp(z_j)``: positive,
summing to 1, and unchanged when the same constant is added to every logit.

Every function here subtracts the largest logit before exponentiating, so logits as large as
``1e300`` in magnitude neither overflow nor give NaN. Entries equal to ``-inf`` are allowed
and mean "probability exactly 0" (a masked option); NaN, ``+inf`` and a row with no finite
logit are rejected with a clear ``ValueError``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mlcourse.validation import as_float_array, as_int, as_number

# --------------------------------------------------------------------------- input checks


def as_logits(value: Any, name: str = "logits") -> np.ndarray:
    """Convert ``value`` to a float64 array of logits with at least one dimension.

    Strings, booleans, complex or object arrays, masked arrays, ragged lists, 0-d scalars and
    empty input are rejected with a message naming ``name``. The *values* (no NaN, no +inf, a finite entry per row) are
    checked on the row maxima by :func:`checked_max`, which costs one pass over the output.

    Returns
    -------
    numpy.ndarray
        A float64 array (float32 input is converted, so float32 logits get float64 answers).
    """
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be numbers, got a {type(value).__name__}")
    if isinstance(value, np.ma.MaskedArray):
        raise TypeError(f"{name} must be a plain array, not a masked array: set masked entries to -inf instead")
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be numbers (a list or array): {exc}") from None
    if array.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be real numbers, got an array of dtype {array.dtype}")
    if array.ndim == 0:
        raise ValueError(f"{name} must have at least one dimension (one score per option), got a scalar")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {array.shape}")
    return array.astype(np.float64, copy=False)


def as_axis(axis: Any, ndim: int) -> int:
    """Check ``axis`` against an array with ``ndim`` dimensions; return it as a non-negative int."""
    return as_int(axis, "axis", low=-ndim, high=ndim - 1) % ndim


def checked_max(x: np.ndarray, axis: int, name: str = "logits") -> np.ndarray:
    """The maximum of ``x`` along ``axis`` (kept as a length-1 axis), with the values checked.

    One look at the maxima replaces three passes over the whole array: ``np.max`` propagates
    NaN, a +inf anywhere makes its row's maximum +inf, and a row that is all -inf has maximum -inf.
    """
    m = np.max(x, axis=axis, keepdims=True)
    if np.isnan(m).any():
        raise ValueError(f"{name} must not contain NaN")
    if np.isposinf(m).any():
        raise ValueError(f"{name} must not contain +inf (use large finite values; -inf means probability 0)")
    if np.isneginf(m).any():
        raise ValueError(f"{name} must have at least one finite entry along axis {axis} (all were -inf)")
    return m


def scaled_shift(x: np.ndarray, temperature: float, axis: int) -> np.ndarray:
    """``(x - max x) / T`` along ``axis``: logits whose largest entry is 0, exact at both extremes.

    Softmax ignores the shift, and the order of the two steps is what keeps every case exact.
    A temperature ``T > 1`` shrinks the logits, so they are divided first (``1e308 / 1e308``
    is 1, while ``1e308 - (-1e308)`` would overflow). A temperature ``T < 1`` magnifies them,
    so they are shifted first: every difference is then <= 0, and one that overflows to -inf
    belongs to an option whose probability underflows to 0 anyway.
    """
    with np.errstate(over="ignore"):
        if temperature > 1.0:
            x = x / temperature
        d = x - checked_max(x, axis)
        if temperature < 1.0:
            d = d / temperature
    return d


# --------------------------------------------------------------------------- the softmax family


def softmax(logits, temperature: float = 1.0, axis: int = -1) -> np.ndarray:
    """Probabilities ``exp(z_i / T) / sum_j exp(z_j / T)`` along ``axis``. Defined in chapter 3.

    Parameters
    ----------
    logits : array_like, any shape with at least one dimension
        Finite numbers or -inf (probability 0); at least one finite entry along ``axis``.
    temperature : float, default 1.0
        ``T >= 0``. ``T = 1`` leaves the logits as they are, ``T < 1`` sharpens the
        distribution, ``T > 1`` flattens it toward uniform. ``T = 0`` is the limit: greedy,
        a one-hot vector on the largest logit (ties go to the first index, as ``np.argmax``).
    axis : int, default -1
        The axis holding the options.

    Returns
    -------
    numpy.ndarray, same shape as ``logits``
        Probabilities in [0, 1] that sum to 1 along ``axis``.
    """
    x = as_logits(logits)
    temperature = as_number(temperature, "temperature", low=0.0)
    axis = as_axis(axis, x.ndim)
    if temperature == 0.0:
        checked_max(x, axis)
        return one_hot_argmax(x, axis)
    # Shift by the max (z / T - max z / T, every exponent <= 0), then exponentiate: each term is in
    # [0, 1] and the largest is exactly 1, so the sum is >= 1. Then normalise.
    e = np.exp(scaled_shift(x, temperature, axis))
    return e / np.sum(e, axis=axis, keepdims=True)


def one_hot_argmax(x: np.ndarray, axis: int) -> np.ndarray:
    """One-hot vectors on the first largest entry along ``axis`` (the T -> 0 limit of softmax)."""
    out = np.zeros_like(x)
    np.put_along_axis(out, np.expand_dims(np.argmax(x, axis=axis), axis), 1.0, axis=axis)
    return out


def _log_sum_exp_shifted(d: np.ndarray, axis: int) -> np.ndarray:
    """``log(sum(exp(d)))`` for shifted logits ``d`` (largest entry 0), kept as a length-1 axis.

    The largest term is ``exp(0) = 1``; the others are set aside and added with ``log1p``, so a
    total like ``1 + 4e-18`` keeps its ``4e-18`` (as scipy does) instead of rounding to 1.
    """
    top = np.expand_dims(np.argmax(d, axis=axis), axis)
    e = np.exp(d)
    np.put_along_axis(e, top, 0.0, axis=axis)
    return np.log1p(np.sum(e, axis=axis, keepdims=True))


def logsumexp(logits, axis: int = -1):
    """``log(sum(exp(logits)))`` along ``axis``, as ``m + log1p(sum of exp(z - m) but the largest)``.

    Defined in chapter 3. ``logsumexp([0, -40])`` is ``log(1 + e**-40) = 4.2e-18``, not 0.

    Parameters
    ----------
    logits : array_like, any shape with at least one dimension
        Finite numbers or -inf; at least one finite entry along ``axis``.
    axis : int, default -1
        The axis summed over (the options).

    Returns
    -------
    float or numpy.ndarray
        ``logits.shape`` without ``axis`` (a float for 1-D input).
    """
    x = as_logits(logits)
    axis = as_axis(axis, x.ndim)
    m = checked_max(x, axis)
    with np.errstate(over="ignore"):
        d = x - m
    out = np.squeeze(m + _log_sum_exp_shifted(d, axis), axis=axis)
    return float(out) if out.ndim == 0 else out


def log_softmax(logits, axis: int = -1) -> np.ndarray:
    """Log-probabilities ``(z - m) - logsumexp(z - m)`` along ``axis``. Defined in chapter 3.

    More accurate than ``np.log(softmax(logits))``: tiny probabilities that round to 0 keep
    their (very negative) logarithm. Entries of -inf stay -inf.

    Returns
    -------
    numpy.ndarray, same shape as ``logits``
        Values <= 0 whose exponentials sum to 1 along ``axis``.
    """
    x = as_logits(logits)
    axis = as_axis(axis, x.ndim)
    with np.errstate(over="ignore"):
        d = x - checked_max(x, axis)
    return d - _log_sum_exp_shifted(d, axis)


def entropy(probs, axis: int = -1, unit: str = "nats"):
    """Shannon entropy ``H(p) = -sum_i p_i log p_i`` of probability vectors along ``axis``.

    Parameters
    ----------
    probs : array_like, any shape with at least one dimension
        Probabilities: finite, >= 0, summing to 1 along ``axis`` (within 1e-6).
    axis : int, default -1
    unit : {"nats", "bits"}, default "nats"
        Natural logarithm (nats) or base-2 logarithm (bits); 1 nat = 1/ln 2 ≈ 1.4427 bits.

    Returns
    -------
    float or numpy.ndarray
        ``probs.shape`` without ``axis``. Between 0 (one certain option, using 0·log 0 = 0)
        and ``log V`` (uniform over V options).
    """
    if unit not in ("nats", "bits"):
        raise ValueError(f"unit must be 'nats' or 'bits', got {unit!r}")
    if isinstance(probs, (str, bytes)):
        raise TypeError(f"probs must be numbers, got a {type(probs).__name__}")
    p = as_float_array(probs, "probs")
    if p.ndim == 0:
        raise ValueError("probs must have at least one dimension (one probability per option), got a scalar")
    if (p < 0).any():
        raise ValueError("probs must be >= 0")
    axis = as_axis(axis, p.ndim)
    total = np.sum(p, axis=axis)
    if not np.allclose(total, 1.0, rtol=0, atol=1e-6):
        raise ValueError(f"probs must sum to 1 along axis {axis}; got sums like {np.ravel(total)[0]:.6g}")
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, -p * np.log(p), 0.0)
    h = np.sum(terms, axis=axis)
    if unit == "bits":
        h = h / np.log(2.0)
    h = np.maximum(h, 0.0)  # -0.0 and rounding below zero for a one-hot vector
    return float(h) if h.ndim == 0 else h


def sigmoid(z):
    """The logistic function ``1 / (1 + exp(-z))``, the two-class softmax. Defined in chapter 3.

    ``sigmoid(z) == softmax([z, 0])[0]``: the probability of the first of two options whose
    logits differ by ``z``. Its inverse is the log-odds ``log(p / (1 - p))``, which is why a
    logit is also called a log-odds. Computed through :func:`softmax`, so it never overflows.

    Parameters
    ----------
    z : array_like, any shape
        Finite logits (or -inf, probability 0).

    Returns
    -------
    float or numpy.ndarray
        Probabilities in [0, 1], the shape of ``z`` (a float for a scalar).
    """
    scalar = np.isscalar(z) or (isinstance(z, np.ndarray) and z.ndim == 0)
    x = as_logits(np.reshape(z, 1) if scalar and not isinstance(z, (str, bytes)) else z, "z")
    if np.any(np.isnan(x) | np.isposinf(x)):
        raise ValueError("z must hold finite logits (or -inf), got NaN or +inf")
    pairs = np.stack([x, np.zeros_like(x)], axis=-1)
    p = softmax(pairs, axis=-1)[..., 0]
    return float(p[0]) if scalar else p


# --------------------------------------------------------------------------- the textbook formula, for contrast


def naive_softmax(logits, dtype=np.float64) -> np.ndarray:
    """The textbook formula ``exp(z) / sum(exp(z))`` without the max shift, in ``dtype``. Defined in chapter 3.

    For demonstrations only: it overflows to ``inf`` (and returns NaN) once a logit exceeds
    ``log(finfo(dtype).max)``, about 709.78 in float64 and 88.72 in float32.
    """
    z = np.asarray(logits, dtype=dtype)
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(z)
        return e / np.sum(e, axis=-1, keepdims=True)


def overflow_threshold(dtype=np.float64) -> float:
    """The largest ``x`` whose ``exp(x)`` is finite in ``dtype``: ``log(finfo(dtype).max)``."""
    return float(np.log(np.float64(np.finfo(dtype).max)))
