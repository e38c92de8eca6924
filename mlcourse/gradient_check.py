"""The gradient check: backpropagation's gradients against finite differences.

A hand-written backward pass is easy to get subtly wrong; the definition of a derivative is
not. :func:`numerical_gradients` nudges every parameter entry by ``±ε`` and measures the change
of the loss; :func:`gradient_check` compares that with the analytic gradients through
:func:`relative_error`. Defined in chapter 5, which checks :mod:`mlcourse.mlp`'s backprop with it
(and re-exports these functions from :mod:`mlcourse.training`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from mlcourse.mlp import MLP, check_params
from mlcourse.softmax import _log_sum_exp_shifted
from mlcourse.validation import as_number

#: Parameter entries nudged together, in one batched forward pass (two network copies each).
CHUNK = 128


def _check_model(model: Any) -> MLP:
    if not isinstance(model, MLP):
        raise TypeError(f"model must be an mlcourse.mlp.MLP, got {type(model).__name__}")
    return model


def numerical_gradients(model: MLP, X, y, *, eps: float = 1e-5) -> dict[str, np.ndarray]:
    """Central finite differences ``(L(θ + ε) - L(θ - ε)) / 2ε``, one parameter entry at a time.

    Costs two forward passes per parameter: fine for checking a small network, hopeless for
    training a large one (which is why backpropagation exists). The passes run in batches: up to
    :data:`CHUNK` entries at once, each nudged alone in its own copy of the network.

    Returns
    -------
    dict of str to numpy.ndarray
        Same keys and shapes as ``model.params``.
    """
    model = _check_model(model)
    X = model._check_X(X)
    y = model._check_y(y, len(X))
    eps = as_number(eps, "eps", low=1e-12, high=1.0)
    check_params(model.params)
    grads = {}
    for name, p in model.params.items():
        g = np.zeros(p.size)
        for start in range(0, p.size, CHUNK):
            entries = np.arange(start, min(start + CHUNK, p.size))
            k = len(entries)
            nudged = np.repeat(p.reshape(1, -1), 2 * k, axis=0)  # copy j: entry j + eps; copy k + j: - eps
            nudged[np.arange(k), entries] += eps
            nudged[k + np.arange(k), entries] -= eps
            losses = _losses({**model.params, name: nudged.reshape(2 * k, *p.shape)}, X, y, model.activation)
            g[entries] = (losses[:k] - losses[k:]) / (2 * eps)
        grads[name] = g.reshape(p.shape)
    return grads


def _losses(params: Mapping[str, np.ndarray], X: np.ndarray, y: np.ndarray, activation: str) -> np.ndarray:
    """Mean cross-entropy of each copy of a network whose one parameter array has a leading copy axis.

    The arithmetic of ``MLP.loss`` copy by copy (the same floats), in one batched forward pass.
    """
    n_layers = len(params) // 2
    h = X
    with np.errstate(over="ignore", invalid="ignore"):
        for i in range(1, n_layers + 1):
            b = params[f"b{i}"]
            z = h @ params[f"W{i}"] + (b[:, None, :] if b.ndim == 2 else b)
            h = z if i == n_layers else np.tanh(z) if activation == "tanh" else np.maximum(z, 0.0)
    if not np.isfinite(h.sum()):
        raise FloatingPointError("the forward pass overflowed: the weights are far too large (or infinite)")
    d = h - np.max(h, axis=-1, keepdims=True)
    logp = d - _log_sum_exp_shifted(d, -1)
    per_example = 0.0 - logp[:, np.arange(len(y)), y]
    return np.array([np.mean(row) for row in per_example])  # row by row: np.mean(axis=-1) sums in another order


def relative_error(a, b) -> float:
    """``||a - b|| / (||a|| + ||b||)`` (Euclidean norms); 0 when both are zero, NaN if either is non-finite."""
    a, b = _real_array(a, "a"), _real_array(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return float("nan")
    scale = max(np.max(np.abs(a), initial=0.0), np.max(np.abs(b), initial=0.0))
    if scale == 0.0:
        return 0.0
    a, b = a / scale, b / scale  # the ratio is scale-free; this keeps the norms of 1e300s finite
    return float(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)))


def _real_array(value, name: str) -> np.ndarray:
    """A float array of real numbers, NaN and infinity allowed (relative_error reports them as NaN)."""
    if isinstance(value, (str, bytes, bytearray, np.ma.MaskedArray)):
        raise TypeError(f"{name} must be an array of real numbers, got {type(value).__name__}")
    try:
        array = np.asarray(value)
    except ValueError:
        raise TypeError(f"{name} must be a rectangular array of numbers, got a ragged sequence") from None
    if array.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be real numbers, got dtype {array.dtype}")
    return array.astype(float)


def gradient_check(model: MLP, X, y, *, grads: Mapping[str, np.ndarray] | None = None, eps: float = 1e-5) -> float:
    """Largest relative error between analytic and finite-difference gradients.

    Parameters
    ----------
    model : MLP
    X : array_like, shape (n, n_features)
    y : array_like of int, shape (n,)
        A (small) batch to check on.
    grads : dict, optional
        The gradients to check; default ``model.loss_and_grads(X, y)[1]`` (backpropagation).
    eps : float, default 1e-5
        Finite-difference step.

    Returns
    -------
    float
        The largest :func:`relative_error` over parameter arrays (analytic vs numerical). In
        float64 a correct backward pass gives about 1e-9 or less; a bug gives 1e-2 or more.
        A non-finite gradient (NaN or infinity) gives ``inf``, never a small number.
    """
    model = _check_model(model)
    if grads is None:
        grads = model.loss_and_grads(X, y)[1]
    if not isinstance(grads, Mapping) or set(grads) != set(model.params):
        raise ValueError(f"grads must be a dict with the keys {sorted(model.params)}")
    for name, g in grads.items():
        if np.shape(g) != model.params[name].shape:
            raise ValueError(f"grads[{name!r}] has shape {np.shape(g)}, expected {model.params[name].shape}")
    numeric = numerical_gradients(model, X, y, eps=eps)
    errors = np.array([relative_error(grads[name], numeric[name]) for name in model.params])
    if not np.all(np.isfinite(errors)):
        return float("inf")  # a NaN or infinite gradient is never "correct"
    return float(np.max(errors))
