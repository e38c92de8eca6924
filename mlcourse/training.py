"""Training an MLP, checking its gradients, and what a training step costs against inference.

- :func:`train` is the training loop (epochs of shuffled mini-batches: forward pass, loss,
  backward pass, update) and returns a :class:`History`;
- :func:`gradient_check` compares the backprop gradients with finite differences (defined in
  :mod:`mlcourse.gradient_check`, importable from here);
- :func:`training_memory`, :func:`inference_memory` and :func:`matmul_flops` count the bytes
  and floating-point operations of one training step and one inference pass;
- :func:`learning_rate_run` and :func:`describe_learning_rate` are the learning-rate demo of
  chapter 5.

The model is :class:`mlcourse.mlp.MLP`; the optimizers are in :mod:`mlcourse.optim`.
"""

from __future__ import annotations

import functools
import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mlcourse.datasets import two_moons
from mlcourse.gradient_check import gradient_check, numerical_gradients, relative_error  # noqa: F401 (re-exported)
from mlcourse.losses import _mean_cross_entropy
from mlcourse.mlp import MLP, _forward_with_inputs, check_layer_sizes, check_params, forward_with_inputs
from mlcourse.optim import make_optimizer
from mlcourse.validation import as_bool, as_int, as_number, as_rng


@dataclass
class History:
    """What :func:`train` recorded.

    Lists indexed by epoch start at epoch 0, the untrained model (so they have ``epochs + 1``
    entries unless training stopped early). Losses in nats, accuracies from 0 to 1.
    """

    epoch: list[int] = field(default_factory=list)
    step: list[int] = field(default_factory=list)  #: updates made by the end of each epoch
    train_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    params: list[dict[str, np.ndarray]] = field(default_factory=list)  #: snapshots, if kept
    val_accuracy_by_step: list[float] = field(default_factory=list)  #: after each update, if a target is set
    steps_to_target: int | None = None  #: first update after which validation accuracy >= target
    diverged: bool = False  #: the numbers overflowed (the loss went to infinity) and training stopped


def _check_model(model: Any) -> MLP:
    if not isinstance(model, MLP):
        raise TypeError(f"model must be an mlcourse.mlp.MLP, got {type(model).__name__}")
    return model


def train(
    model: MLP,
    X,
    y,
    *,
    rng: np.random.Generator,
    epochs: int = 20,
    batch_size: int = 32,
    learning_rate: float = 0.1,
    optimizer: str = "sgd",
    X_val=None,
    y_val=None,
    target_accuracy: float | None = None,
    keep_params: bool = False,
) -> History:
    """Train ``model`` in place with mini-batch gradient descent; return its :class:`History`.

    Each epoch shuffles the training rows with ``rng`` and walks through them in batches of
    ``batch_size``: loss and gradients on the batch (forward and backward pass), then one update.

    Parameters
    ----------
    model : MLP
        The network; its :attr:`MLP.params` are updated in place.
    X : array_like, shape (n, n_features)
    y : array_like of int, shape (n,)
        Training data.
    rng : numpy.random.Generator
        Shuffles the rows each epoch (same seed, same history).
    epochs : int, default 20
        Passes over the training set (0 to 10,000).
    batch_size : int, default 32
        Rows per update (>= 1); the last batch of an epoch may be smaller.
    learning_rate : float, default 0.1
        Step size (> 0).
    optimizer : {"sgd", "adam"}, default "sgd"
    X_val, y_val : array_like, optional
        Validation data, evaluated after every epoch (never trained on).
    target_accuracy : float in (0, 1], optional
        With validation data: check validation accuracy after every update, record the first
        update that reaches it in ``steps_to_target`` and stop there (the curves' last entry is
        then that moment, part-way through its epoch).
    keep_params : bool, default False
        Store a copy of the parameters at the end of every epoch in ``History.params``.

    Returns
    -------
    History
        If the numbers overflow (a far too large learning rate), training stops with
        ``History.diverged`` set; the recorded curves end at the last finished epoch.
    """
    model = _check_model(model)
    X = model._check_X(X)
    y = model._check_y(y, len(X))
    rng = as_rng(rng)
    epochs = as_int(epochs, "epochs", low=0, high=10_000)
    batch_size = as_int(batch_size, "batch_size", low=1)
    keep_params = as_bool(keep_params, "keep_params")
    opt = make_optimizer(optimizer, learning_rate)
    has_val = X_val is not None or y_val is not None
    if has_val:
        if X_val is None or y_val is None:
            raise ValueError("give both X_val and y_val, or neither")
        try:
            X_val = model._check_X(X_val)
            y_val = model._check_y(y_val, len(X_val))
        except (TypeError, ValueError) as exc:  # the checks name X and y: say these are the validation data
            raise type(exc)(f"X_val, y_val (validation data): {exc}") from None
    if target_accuracy is not None:
        target_accuracy = as_number(target_accuracy, "target_accuracy", low=0.0, high=1.0)
        if not has_val:
            raise ValueError("target_accuracy needs validation data (X_val, y_val)")

    history = History()
    steps = 0

    def record(epoch: int) -> None:
        logits = _forward_with_inputs(model.params, X, model.activation)[0]
        val_logits = _forward_with_inputs(model.params, X_val, model.activation)[0] if has_val else None
        history.epoch.append(epoch)
        history.step.append(steps)
        history.train_loss.append(_mean_cross_entropy(logits, y))
        history.train_accuracy.append(float(np.mean(np.argmax(logits, axis=1) == y)))
        if has_val:
            history.val_loss.append(_mean_cross_entropy(val_logits, y_val))
            history.val_accuracy.append(float(np.mean(np.argmax(val_logits, axis=1) == y_val)))
        if keep_params:
            history.params.append({k: v.copy() for k, v in model.params.items()})

    check_params(model.params)  # once: the inner steps below trust the parameters they update
    record(0)
    try:
        for epoch in range(1, epochs + 1):
            order = rng.permutation(len(X))
            for start in range(0, len(X), batch_size):
                batch = order[start : start + batch_size]
                with np.errstate(over="raise", invalid="raise"):  # overflow: the learning rate is far too large
                    _, grads = model._logits_and_grads(X[batch], y[batch])  # forward, loss gradient, backward
                    opt._update(model.params, grads)
                    if not np.isfinite(sum(float(p.sum()) for p in model.params.values())):
                        raise FloatingPointError("the parameters are no longer finite")
                steps += 1
                if target_accuracy is not None:
                    val_predictions = np.argmax(_forward_with_inputs(model.params, X_val, model.activation)[0], axis=1)
                    history.val_accuracy_by_step.append(float(np.mean(val_predictions == y_val)))
                    if history.val_accuracy_by_step[-1] >= target_accuracy:
                        history.steps_to_target = steps
                        record(epoch)
                        return history
            record(epoch)
    except FloatingPointError:
        history.diverged = True  # the curves end at the last finished epoch
    return history


def describe_learning_rate(history: History) -> str:
    """Classify a training run by its loss curve (training loss per epoch).

    Returns
    -------
    str
        ``"diverges"`` if the loss ends above where it started (or the numbers overflowed);
        ``"unstable"`` if it ends lower but spiked above twice its start on the way;
        ``"crawls"`` if it ends above 80 % of its start; ``"learns"`` otherwise.
    """
    if not isinstance(history, History) or not history.train_loss:
        raise ValueError("history must be a History with at least one recorded training loss")
    first, last = history.train_loss[0], history.train_loss[-1]
    if history.diverged or last > first:
        return "diverges"
    if max(history.train_loss) > 2 * first:
        return "unstable"
    if last > 0.8 * first:
        return "crawls"
    return "learns"


#: The learning-rate demo: 2-16-2 network on 200 moons, 25 epochs of batches of 20 (250 updates).
LR_DEMO = {"layer_sizes": (2, 16, 2), "n": 200, "epochs": 25, "batch_size": 20, "seed": 0}


@functools.lru_cache(maxsize=64)
def _learning_rate_run(learning_rate: float) -> History:
    rng = np.random.default_rng(LR_DEMO["seed"])
    X, y = two_moons(LR_DEMO["n"], rng, noise=0.15)
    net = MLP(LR_DEMO["layer_sizes"], rng)
    epochs, batch_size = LR_DEMO["epochs"], LR_DEMO["batch_size"]
    return train(net, X, y, rng=rng, epochs=epochs, batch_size=batch_size, learning_rate=learning_rate)


def learning_rate_run(learning_rate: float) -> History:
    """Train the :data:`LR_DEMO` network with ``learning_rate`` (plain SGD); cached by learning rate."""
    return _learning_rate_run(as_number(learning_rate, "learning_rate", low=0.0))


# --------------------------------------------------------------------------- cost of training vs inference


def _nbytes(arrays) -> int:
    return int(sum(a.nbytes for a in arrays))


def training_memory(model: MLP, X, y, *, optimizer: str = "adam") -> dict[str, int]:
    """Bytes of the arrays one training step holds at its peak, by kind.

    Counts real arrays (not process memory, which is noisy): the parameters, the activations
    the forward pass keeps for the backward pass (every layer's input plus the logits), one
    gradient per parameter, and the optimizer's state (Adam: two arrays per parameter; SGD: none).

    Returns
    -------
    dict
        ``{"parameters", "activations", "gradients", "optimizer state"}`` in bytes.
    """
    model = _check_model(model)
    X = model._check_X(X)
    y = model._check_y(y, len(X))
    logits, inputs = forward_with_inputs(model.params, X, activation=model.activation)
    _, grads = model.loss_and_grads(X, y)
    scratch = model.copy()
    opt = make_optimizer(optimizer, 1e-3)
    opt.step(scratch.params, grads)
    return {
        "parameters": _nbytes(model.params.values()),
        "activations": _nbytes([*inputs, logits]),
        "gradients": _nbytes(grads.values()),
        "optimizer state": _nbytes(opt.state.values()),
    }


def inference_memory(model: MLP, X) -> dict[str, int]:
    """Bytes held at the peak of an inference pass: the parameters and two layers' activations.

    Inference keeps nothing for later: at any moment only the current layer's input and
    output exist, so the peak is the largest such pair (the input ``X`` counts as the first input).

    Returns
    -------
    dict
        ``{"parameters", "activations"}`` in bytes.
    """
    model = _check_model(model)
    X = model._check_X(X)
    outputs, inputs = forward_with_inputs(model.params, X, activation=model.activation)
    layers = [*inputs, outputs]
    peak = max(a.nbytes + b.nbytes for a, b in itertools.pairwise(layers))
    return {"parameters": _nbytes(model.params.values()), "activations": int(peak)}


def matmul_flops(layer_sizes: Sequence[int], n: int) -> dict[str, int]:
    """Floating-point operations of the matrix products for ``n`` examples (2 per multiply-add).

    Forward: ``h @ W`` per layer, ``2 n fan_in fan_out``. Backward: ``h.T @ dz`` for every weight
    gradient plus ``dz @ W.T`` for every layer but the first (no gradient is needed for the
    input), so the backward pass costs just under twice the forward pass. Element-wise work
    (activations, softmax, biases) is ignored: it is small next to the products in wide networks.

    Returns
    -------
    dict
        ``{"forward", "backward"}``; a training step costs their sum, about 3x the forward pass.
    """
    sizes = check_layer_sizes(layer_sizes)
    n = as_int(n, "n", low=1)
    per_layer = [2 * n * a * b for a, b in itertools.pairwise(sizes)]
    return {"forward": sum(per_layer), "backward": sum(per_layer) + sum(per_layer[1:])}


def median_seconds(fn: Callable[[], Any], *, repeats: int = 30) -> float:
    """Median wall-clock time of ``fn()`` over ``repeats`` calls, with ``time.perf_counter`` (seconds)."""
    if not callable(fn):
        raise TypeError(f"fn must be a function to call, got {type(fn).__name__}")
    repeats = as_int(repeats, "repeats", low=1, high=100_000)
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))
