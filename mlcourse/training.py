"""Training an MLP, checking its gradients, and what a training step costs against inference.

- :func:`train` is the training loop (epochs of shuffled mini-batches: forward pass, loss,
  backward pass, update) and returns a :class:`History`;
- :func:`gradient_check` compares the backprop gradients with finite differences (defined in
  :mod:`mlcourse.gradient_check`, importable from here);
- :func:`training_memory`, :func:`inference_memory` and :func:`matmul_flops` count the bytes
  and floating-point operations of one training step and one inference pass;
- :func:`learning_rate_run`, :func:`learning_rate_runs` and :func:`describe_learning_rate` are
  the learning-rate demo of chapter 5.

The model is :class:`mlcourse.mlp.MLP`; the optimizers are in :mod:`mlcourse.optim`.
"""

from __future__ import annotations

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
from mlcourse.validation import as_bool, as_float_array, as_int, as_number, as_rng


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
_LR_RUNS: dict[float, History] = {}  # the demo's runs so far, by learning rate


def learning_rate_runs(learning_rates: Sequence[float]) -> dict[float, History]:
    """Train the :data:`LR_DEMO` network with each learning rate (plain SGD); cached by learning rate.

    Every run starts from the same network and sees the same batches in the same order (the demo's
    one seed): the runs differ only in their step size, so the new ones train side by side, in one
    loop whose parameter arrays have a leading axis of copies, one per rate.

    Parameters
    ----------
    learning_rates : sequence of float, shape (k,)
        Step sizes, each > 0 and finite.

    Returns
    -------
    dict of float to History
        One run per learning rate: exactly the :class:`History` that :func:`train` records with
        that rate (the same floats, and ``diverged`` where train's run stops).
    """
    rates = as_float_array(learning_rates, "learning_rates", ndim=1, allow_empty=True, low=0.0).tolist()
    for lr in rates:
        make_optimizer("sgd", lr)  # refuses 0, as train does
    new = [lr for lr in dict.fromkeys(rates) if lr not in _LR_RUNS]
    if len(_LR_RUNS) + len(new) > 256:
        _LR_RUNS.clear()  # a bound on the cache's memory
    if len(new) == 1:  # one run: train's own loop is quicker than a stack of one
        rng = np.random.default_rng(LR_DEMO["seed"])
        X, y = two_moons(LR_DEMO["n"], rng, noise=0.15)
        net = MLP(LR_DEMO["layer_sizes"], rng)
        batches = {"epochs": LR_DEMO["epochs"], "batch_size": LR_DEMO["batch_size"]}
        _LR_RUNS[new[0]] = train(net, X, y, rng=rng, learning_rate=new[0], **batches)
    elif new:
        _LR_RUNS.update(zip(new, _side_by_side(np.array(new)), strict=True))
    return {lr: _LR_RUNS[lr] for lr in rates}


def learning_rate_run(learning_rate: float) -> History:
    """Train the :data:`LR_DEMO` network with ``learning_rate`` (plain SGD); cached by learning rate."""
    learning_rate = as_number(learning_rate, "learning_rate", low=0.0)
    return learning_rate_runs([learning_rate])[learning_rate]


def _side_by_side(rates: np.ndarray) -> list[History]:
    """:func:`train`'s loop on the :data:`LR_DEMO` task for every rate at once (copy ``i`` steps by ``rates[i]``)."""
    rng = np.random.default_rng(LR_DEMO["seed"])
    X, y = two_moons(LR_DEMO["n"], rng, noise=0.15)
    net = MLP(LR_DEMO["layer_sizes"], rng)
    copies = len(rates)  # b{i} is stored (copies, 1, n_out): it broadcasts over a batch's rows
    params = {k: np.repeat(v[None] if k[0] == "W" else v[None, None], copies, axis=0) for k, v in net.params.items()}
    histories, running, steps = [History() for _ in rates], np.ones(copies, dtype=bool), 0

    def stop(finite: np.ndarray) -> None:  # where train raises FloatingPointError: the curves end there
        for i in np.flatnonzero(running & ~finite):
            histories[i].diverged = True
        running[:] &= finite

    def record(epoch: int) -> None:
        logits = _stacked_forward(params, X)[0]
        stop(np.isfinite(logits.reshape(copies, -1).sum(axis=1)))
        for i in np.flatnonzero(running):
            history = histories[i]
            history.epoch.append(epoch)
            history.step.append(steps)
            history.train_loss.append(_mean_cross_entropy(logits[i], y))
            history.train_accuracy.append(float(np.mean(np.argmax(logits[i], axis=1) == y)))

    record(0)
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging copy overflows; stop() ends its run
        for epoch in range(1, LR_DEMO["epochs"] + 1):
            order = rng.permutation(len(X))
            for start in range(0, len(X), LR_DEMO["batch_size"]):
                batch = order[start : start + LR_DEMO["batch_size"]]
                logits, inputs = _stacked_forward(params, X[batch])
                dz = np.exp(logits - np.max(logits, axis=-1, keepdims=True))
                dz /= np.sum(dz, axis=-1, keepdims=True)
                dz[:, np.arange(len(batch)), y[batch]] -= 1.0
                dz = dz / len(batch)  # mlp.logit_gradient of every copy
                for i in range(len(inputs), 0, -1):  # mlp.backward, and the update, of every copy
                    h = inputs[i - 1]
                    grad_W, grad_b = np.swapaxes(h, -1, -2) @ dz, dz.sum(axis=-2, keepdims=True)
                    if i > 1:
                        dz = (dz @ np.swapaxes(params[f"W{i}"], -1, -2)) * (1.0 - h**2)
                    params[f"W{i}"] -= rates[:, None, None] * grad_W
                    params[f"b{i}"] -= rates[:, None, None] * grad_b
                total = sum(p.reshape(copies, -1).sum(axis=1) for p in params.values())
                stop(np.isfinite(logits.reshape(copies, -1).sum(axis=1)) & np.isfinite(total))
                steps += 1
            record(epoch)
    return histories


def _stacked_forward(params: dict[str, np.ndarray], X: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """mlp.forward_with_inputs (tanh) of every copy of a network stacked on a leading axis."""
    n_layers, inputs, h = len(params) // 2, [], X
    for i in range(1, n_layers + 1):
        inputs.append(h)
        z = h @ params[f"W{i}"] + params[f"b{i}"]
        h = z if i == n_layers else np.tanh(z)
    return h, inputs


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
