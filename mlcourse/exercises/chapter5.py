"""Chapter 5's exercise checkers: a gradient-descent step, the logits' gradient (one-hot and soft targets),
a gradient check's cost.

Every checker turns whatever the reader's function does (returns None, a string, a ragged list,
NaN, or raises) into :class:`~mlcourse.exercises.feedback.Feedback`, never a traceback.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from mlcourse.exercises.chapter2 import _as_whole_number
from mlcourse.exercises.feedback import Feedback, correct, wrong
from mlcourse.mlp import check_layer_sizes, parameter_count
from mlcourse.softmax import softmax


def _as_float_array(value: Any) -> np.ndarray | None:
    """``value`` as a float array, or None if it is not numbers (None, a string, a ragged list, ...)."""
    if value is None or isinstance(value, (str, bytes)):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return np.asarray(value, dtype=float)
    except (TypeError, ValueError, OverflowError):
        return None


def _reader_gradient(fn: Callable, name: str, *args: np.ndarray) -> np.ndarray | Feedback:
    """Call the reader's gradient ``fn(*args)`` on copies; the array it returns (shaped like
    ``args[0]``, all finite), or the feedback that says what is wrong with it."""
    shape = args[0].shape
    try:
        returned = fn(*(a.copy() for a in args))
    except Exception as exc:  # the reader's code may raise anything
        return wrong(f"{name} raised {type(exc).__name__}: {exc}")
    got = _as_float_array(returned)
    if got is None:
        return wrong(f"{name} returned {returned!r}; return an array of shape {shape}.")
    if got.shape != shape:
        return wrong(f"the gradient must have the logits' shape {shape}, one entry per logit; got {got.shape}.")
    if not np.all(np.isfinite(got)):
        return wrong("the gradient holds NaN or infinity; compute softmax stably (shift by the max).")
    return got


def check_sgd_step(sgd_step: Callable) -> Feedback:
    """Check the reader's ``sgd_step(params, grads, learning_rate)``.

    It should move every parameter against its gradient, ``params[k] - learning_rate * grads[k]``,
    either in place (returning ``None``) or by returning the new dict.
    """
    if not callable(sgd_step):
        return wrong(f"pass your function itself (sgd_step, not sgd_step(...)); got {type(sgd_step).__name__}")
    rng = np.random.default_rng(5)
    before = {"W1": rng.normal(size=(2, 3)), "b1": rng.normal(size=3), "W2": rng.normal(size=(3, 2))}
    grads = {k: rng.normal(size=v.shape) for k, v in before.items()}
    lr = 0.1
    params = {k: v.copy() for k, v in before.items()}
    try:
        returned = sgd_step(params, {k: g.copy() for k, g in grads.items()}, lr)
    except Exception as exc:  # the reader's code may raise anything
        return wrong(f"sgd_step raised {type(exc).__name__}: {exc}")
    if returned is not None and not isinstance(returned, Mapping):
        return wrong(f"sgd_step returned a {type(returned).__name__}: update params in place or return a dict.")
    after = params if returned is None else returned
    for name in before:
        if name not in after:
            return wrong(f"the result has no {name!r}: update every parameter in the dict.")
        got, p, g = _as_float_array(after[name]), before[name], grads[name]
        if got is None:
            return wrong(f"{name} is {after[name]!r}, not an array of numbers.")
        if got.shape != p.shape:
            return wrong(f"{name} changed shape from {p.shape} to {got.shape}.")
        if not np.all(np.isfinite(got)):
            return wrong(f"{name} holds NaN or infinity after the step.")
        if np.allclose(got, p - lr * g):
            continue
        if np.allclose(got, p):
            return wrong(
                f"{name} did not change. Update it in place (params[name] -= ...) or return a new dict; "
                "rebinding a local variable (p = p - ...) changes nothing outside the function."
            )
        if np.allclose(got, p + lr * g):
            return wrong(f"{name} moved uphill: the sign is wrong. Step against the gradient: subtract lr * grad.")
        if np.allclose(got, p - g):
            return wrong(f"{name} moved by the full gradient: multiply the gradient by the learning rate.")
        if np.allclose(got, p - g / lr):
            return wrong(f"{name} moved by grad / lr: multiply by the learning rate, do not divide.")
        if np.allclose(got, -lr * g) or np.allclose(got, lr * g):
            return wrong(f"{name} was replaced by the step itself: add the step to the current value.")
        return wrong(f"{name} is {got.ravel()[:3]}..., expected {(p - lr * g).ravel()[:3]}... (params - lr * grads).")
    return correct("every parameter moved against its gradient by learning_rate × gradient.")


def check_logit_gradient(logit_grad: Callable) -> Feedback:
    """Check the reader's ``logit_grad(logits, y)``: d(mean cross-entropy)/d logits, shape (n, k).

    The answer is ``(softmax(logits) - onehot(y)) / n``.
    """
    if not callable(logit_grad):
        return wrong(f"pass your function itself, not its result; got {type(logit_grad).__name__}")
    rng = np.random.default_rng(7)
    logits = rng.normal(size=(4, 3))
    y = np.array([0, 2, 1, 2])
    p = softmax(logits)
    onehot = np.eye(3)[y]
    n = len(y)
    got = _reader_gradient(logit_grad, "logit_grad", logits, y)
    if isinstance(got, Feedback):
        return got
    expected = (p - onehot) / n
    if np.allclose(got, expected):
        return correct("d loss / d logits = (softmax(logits) − onehot(y)) / n.")
    if np.allclose(got, p - onehot):
        return wrong("right direction, but the loss is a mean over n examples: divide by n.")
    if np.allclose(got, (onehot - p) / n) or np.allclose(got, onehot - p):
        return wrong("the sign is flipped: it is probabilities minus one-hot, p − onehot(y).")
    if np.allclose(got, p / n) or np.allclose(got, p):
        return wrong("subtract 1 at each example's correct class (the one-hot vector of y).")
    if np.allclose(got, (logits - onehot) / n) or np.allclose(got, logits - onehot):
        return wrong("use the softmax probabilities, not the raw logits.")
    return wrong("compare with (softmax(logits) − onehot(y)) / n, row by row.")


def check_soft_target_gradient(soft_target_grad: Callable) -> Feedback:
    """Check the reader's ``soft_target_grad(logits, q)``: d/d logits of the mean soft-target cross-entropy.

    The loss is ``-mean_i sum_k q[i, k] * log softmax(logits)[i, k]`` for target distributions ``q``
    (rows summing to 1, e.g. label smoothing); its gradient is ``(softmax(logits) - q) / n``.
    """
    if not callable(soft_target_grad):
        return wrong(f"pass your function itself, not its result; got {type(soft_target_grad).__name__}")
    rng = np.random.default_rng(11)
    logits = rng.normal(size=(5, 4))
    q = rng.dirichlet(np.ones(4), size=5)  # soft targets: no row is one-hot
    p, n = softmax(logits), len(q)
    got = _reader_gradient(soft_target_grad, "soft_target_grad", logits, q)
    if isinstance(got, Feedback):
        return got
    expected = (p - q) / n
    if np.allclose(got, expected):
        return correct("d loss / d logits = (softmax(logits) − q) / n: the one-hot rule with q in its place.")
    if np.allclose(got, p - q):
        return wrong("right direction, but the loss is a mean over n rows: divide by n.")
    if np.allclose(got, (q - p) / n) or np.allclose(got, q - p):
        return wrong("the sign is flipped: it is probabilities minus targets, p − q.")
    if np.allclose(got, (p - np.eye(4)[q.argmax(axis=1)]) / n):
        return wrong("q is a whole distribution, not a label: subtract q itself, not the one-hot of its largest entry.")
    if np.allclose(got, (p - q / p) / n) or np.allclose(got, -q / p / n):
        return wrong(
            "differentiate with respect to the logits, not the probabilities: the softmax's own "
            "derivative turns −q/p into p − q."
        )
    return wrong("write the loss as −Σ q_k z_k + log Σ exp z_j (Σ q_k = 1) and differentiate each z_k.")


def check_gradient_check_cost(n_forward_passes: Any, layer_sizes: Sequence[int] = (2, 16, 16, 2)) -> Feedback:
    """Check the number of forward passes a central-difference gradient check needs (2 per parameter)."""
    sizes = check_layer_sizes(layer_sizes)
    n_params = parameter_count(sizes)
    passes = _as_whole_number(n_forward_passes)
    if passes is None or passes < 0:
        return wrong(f"give the number of forward passes as a whole number >= 0, got {n_forward_passes!r}")
    if passes == 2 * n_params:
        return correct(f"{n_params} parameters × 2 passes (θ + ε and θ − ε) = {2 * n_params} forward passes.")
    if passes == n_params:
        return wrong(f"{n_params} is the number of parameters; a central difference needs two passes for each.")
    weights_only = parameter_count(sizes, bias=False)
    if passes in (weights_only, 2 * weights_only):
        return wrong("count the biases too: every layer has one per output unit.")
    return wrong(
        f"count the parameters of {'-'.join(map(str, sizes))} (weights fan_in × fan_out plus biases fan_out "
        "per layer), then two forward passes per parameter."
    )
