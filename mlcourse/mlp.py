"""Training vs inference, from scratch: a small multilayer perceptron (MLP) in numpy.

The whole story of chapter 5 in one module:

- :class:`MLP` is the model: layers ``h = tanh(h_prev @ W + b)`` and a last linear layer that
  outputs logits. :meth:`MLP.forward` is the forward pass (inference: nothing is kept), and
  :meth:`MLP.loss_and_grads` is one forward pass that keeps its activations, the mean
  cross-entropy loss, and the backward pass (backpropagation written by hand).
- :class:`SGD` and :class:`Adam` update the parameters with the gradients; :func:`train` is the
  training loop (epochs of shuffled mini-batches) and returns a :class:`History`.
- :func:`gradient_check` compares the backprop gradients with finite differences.
- :func:`training_memory`, :func:`inference_memory`, :func:`matmul_flops` and
  :func:`median_seconds` measure what a training step costs compared to an inference pass.
- Figures (the training-vs-inference diagram, learning curves, decision boundaries, the
  learning-rate widget) and the exercise checkers follow.

Softmax and cross-entropy come from :mod:`mlcourse.logits`.
"""

from __future__ import annotations

import copy
import functools
import itertools
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, NullLocator

from mlcourse.datasets import CLASS_COLORS, draw_points, two_moons
from mlcourse.exercises.feedback import Feedback, correct, wrong
from mlcourse.figures import Plot, new_figure
from mlcourse.figures.diagrams import draw_flow
from mlcourse.figures.style import INK, MUTED, PALETTE, styled
from mlcourse.logits import cross_entropy, softmax
from mlcourse.validation import as_float_array, as_int, as_number, as_rng

ACTIVATIONS = ("tanh", "relu")

# --------------------------------------------------------------------------- the model


class MLP:
    """A multilayer perceptron classifier: affine layers with tanh (or ReLU) in between.

    Parameters
    ----------
    layer_sizes : sequence of int
        Widths from input to output, e.g. ``(2, 16, 16, 2)``: 2 features, two hidden layers of
        16 units, 2 classes. At least two entries, each >= 1; the last (classes) >= 2.
    rng : numpy.random.Generator
        Draws the initial weights, ``N(0, 1/fan_in)`` for tanh (``2/fan_in`` for ReLU); biases
        start at 0.
    activation : {"tanh", "relu"}, default "tanh"
        Non-linearity of the hidden layers.

    Attributes
    ----------
    params : dict of str to numpy.ndarray
        ``"W1"`` of shape ``(layer_sizes[0], layer_sizes[1])``, ``"b1"`` of shape
        ``(layer_sizes[1],)``, then ``"W2"``, ``"b2"``, ...: the model's parameters, float64.
    """

    def __init__(self, layer_sizes: Sequence[int], rng: np.random.Generator, *, activation: str = "tanh") -> None:
        self.layer_sizes = _check_layer_sizes(layer_sizes)
        rng = as_rng(rng)
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {ACTIVATIONS}, got {activation!r}")
        self.activation = activation
        gain = 2.0 if activation == "relu" else 1.0
        self.params: dict[str, np.ndarray] = {}
        for i, (fan_in, fan_out) in enumerate(itertools.pairwise(self.layer_sizes), start=1):
            self.params[f"W{i}"] = rng.normal(0.0, np.sqrt(gain / fan_in), size=(fan_in, fan_out))
            self.params[f"b{i}"] = np.zeros(fan_out)

    # ----- the forward pass

    def forward(self, X) -> np.ndarray:
        """Inference: the logits for each row of ``X``; no activations are kept.

        Parameters
        ----------
        X : array_like, shape (n, layer_sizes[0])
            Features, one row per example, finite numbers.

        Returns
        -------
        numpy.ndarray, shape (n, n_classes)
            Logits (raw class scores).
        """
        logits, _ = self._forward(self._check_X(X), keep=False)
        return logits

    def _forward(self, X: np.ndarray, keep: bool) -> tuple[np.ndarray, list[np.ndarray]]:
        """Forward pass; with ``keep`` it also returns every layer's input (needed by backprop)."""
        inputs = []
        h = X
        for i in range(1, self.n_layers + 1):
            if keep:
                inputs.append(h)
            z = h @ self.params[f"W{i}"] + self.params[f"b{i}"]
            h = z if i == self.n_layers else self._act(z)
        return h, inputs

    def _act(self, z: np.ndarray) -> np.ndarray:
        return np.tanh(z) if self.activation == "tanh" else np.maximum(z, 0.0)

    def _act_grad(self, h: np.ndarray) -> np.ndarray:
        """Derivative of the activation, written in terms of its output ``h``."""
        return 1.0 - h**2 if self.activation == "tanh" else (h > 0).astype(h.dtype)

    # ----- training: loss and the backward pass

    def loss_and_grads(self, X, y) -> tuple[float, dict[str, np.ndarray]]:
        """Mean cross-entropy loss on ``(X, y)`` and its gradient with respect to every parameter.

        Parameters
        ----------
        X : array_like, shape (n, layer_sizes[0])
            Features.
        y : array_like of int, shape (n,)
            Class labels in ``[0, n_classes)``.

        Returns
        -------
        loss : float
            Mean cross-entropy in nats.
        grads : dict of str to numpy.ndarray
            Same keys and shapes as :attr:`params`: d loss / d parameter.
        """
        X, y = self._check_X(X), self._check_y(y, len(X))
        logits, inputs = self._forward(X, keep=True)  # forward pass, activations kept
        loss = cross_entropy(logits, y)  # mean -log p(right class)
        dz = softmax(logits)  # d loss / d logits = (p - onehot(y)) / n
        dz[np.arange(len(y)), y] -= 1.0
        dz /= len(y)
        grads = {}
        for i in range(self.n_layers, 0, -1):  # backward pass, last layer first
            h = inputs[i - 1]
            grads[f"W{i}"] = h.T @ dz
            grads[f"b{i}"] = dz.sum(axis=0)
            if i > 1:
                dz = (dz @ self.params[f"W{i}"].T) * self._act_grad(h)
        return loss, {name: grads[name] for name in self.params}

    # ----- conveniences

    def predict(self, X) -> np.ndarray:
        """Predicted class of each row of ``X``: the index of the largest logit, shape (n,), int64."""
        return np.argmax(self.forward(X), axis=1).astype(np.int64)

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities ``softmax(forward(X))``, shape (n, n_classes)."""
        return softmax(self.forward(X))

    def loss(self, X, y) -> float:
        """Mean cross-entropy loss (nats) on ``(X, y)``, forward pass only."""
        X = self._check_X(X)
        return cross_entropy(self.forward(X), self._check_y(y, len(X)))

    def accuracy(self, X, y) -> float:
        """Share of rows of ``X`` whose predicted class equals ``y`` (0 to 1)."""
        X = self._check_X(X)
        return float(np.mean(self.predict(X) == self._check_y(y, len(X))))

    def copy(self) -> MLP:
        """An independent copy (its parameters can be trained without touching this one)."""
        return copy.deepcopy(self)

    @property
    def n_layers(self) -> int:
        """Number of weight layers (hidden layers + 1)."""
        return len(self.layer_sizes) - 1

    @property
    def n_classes(self) -> int:
        return self.layer_sizes[-1]

    @property
    def n_parameters(self) -> int:
        """Total number of parameters (weights and biases)."""
        return sum(p.size for p in self.params.values())

    def __repr__(self) -> str:
        sizes = "-".join(map(str, self.layer_sizes))
        return f"MLP({sizes}, {self.activation}, {self.n_parameters} parameters)"

    # ----- input checks

    def _check_X(self, X) -> np.ndarray:
        X = as_float_array(X, "X", ndim=2)
        if X.shape[1] != self.layer_sizes[0]:
            raise ValueError(
                f"X has {X.shape[1]} features per row but the network's input layer expects {self.layer_sizes[0]}"
            )
        return X

    def _check_y(self, y, n: int) -> np.ndarray:
        y = np.asarray(y)
        if y.dtype.kind not in "iu":
            raise TypeError(f"y must be integer class labels (e.g. y.astype(int)), got dtype {y.dtype}")
        if y.shape != (n,):
            raise ValueError(f"y must have shape ({n},), one label per row of X, got {y.shape}")
        if n and (y.min() < 0 or y.max() >= self.n_classes):
            raise ValueError(
                f"y must be in [0, {self.n_classes}) for {self.n_classes} classes, got values {y.min()} to {y.max()}"
            )
        return y


def _check_layer_sizes(layer_sizes: Any) -> tuple[int, ...]:
    if isinstance(layer_sizes, (str, bytes)) or not isinstance(layer_sizes, Sequence):
        raise TypeError(f"layer_sizes must be a sequence of integers like (2, 16, 2), got {type(layer_sizes).__name__}")
    if len(layer_sizes) < 2:
        raise ValueError(f"layer_sizes needs at least an input and an output size, got {list(layer_sizes)}")
    sizes = tuple(as_int(s, f"layer_sizes[{i}]", low=1) for i, s in enumerate(layer_sizes))
    if sizes[-1] < 2:
        raise ValueError(f"layer_sizes[-1] is the number of classes and must be >= 2, got {sizes[-1]}")
    return sizes


# --------------------------------------------------------------------------- optimizers


class SGD:
    """Plain (mini-batch) gradient descent: ``param -= learning_rate * grad``, in place.

    Parameters
    ----------
    learning_rate : float
        Step size, > 0.
    """

    def __init__(self, learning_rate: float) -> None:
        self.learning_rate = as_number(learning_rate, "learning_rate", low=0.0)
        if self.learning_rate == 0.0:
            raise ValueError("learning_rate must be > 0, got 0.0 (nothing would change)")
        self.state: dict[str, np.ndarray] = {}

    def step(self, params: dict[str, np.ndarray], grads: Mapping[str, np.ndarray]) -> None:
        """Move every parameter a small step against its gradient (downhill)."""
        for name in params:
            params[name] -= self.learning_rate * grads[name]


class Adam(SGD):
    """Adam (Kingma and Ba, 2015): per-parameter step sizes from running gradient moments.

    Keeps two arrays per parameter, ``m`` (mean of gradients) and ``v`` (mean of squared
    gradients), so its state is twice the size of the parameters.
    """

    def __init__(
        self, learning_rate: float = 0.01, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8
    ) -> None:
        super().__init__(learning_rate)
        self.beta1 = as_number(beta1, "beta1", low=0.0, high=0.999999)
        self.beta2 = as_number(beta2, "beta2", low=0.0, high=0.999999)
        self.eps = as_number(eps, "eps", low=0.0)
        self.t = 0

    def step(self, params: dict[str, np.ndarray], grads: Mapping[str, np.ndarray]) -> None:
        self.t += 1
        for name in params:
            g = grads[name]
            m = self.state.setdefault(f"m_{name}", np.zeros_like(g))
            v = self.state.setdefault(f"v_{name}", np.zeros_like(g))
            m += (1 - self.beta1) * (g - m)
            v += (1 - self.beta2) * (g**2 - v)
            m_hat = m / (1 - self.beta1**self.t)
            v_hat = v / (1 - self.beta2**self.t)
            params[name] -= self.learning_rate * m_hat / (np.sqrt(v_hat) + self.eps)


def make_optimizer(optimizer: str, learning_rate: float) -> SGD:
    """``"sgd"`` or ``"adam"`` with the given learning rate."""
    if optimizer == "sgd":
        return SGD(learning_rate)
    if optimizer == "adam":
        return Adam(learning_rate)
    raise ValueError(f"optimizer must be 'sgd' or 'adam', got {optimizer!r}")


# --------------------------------------------------------------------------- the training loop


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
    X = model._check_X(X)
    y = model._check_y(y, len(X))
    rng = as_rng(rng)
    epochs = as_int(epochs, "epochs", low=0, high=10_000)
    batch_size = as_int(batch_size, "batch_size", low=1)
    opt = make_optimizer(optimizer, learning_rate)
    has_val = X_val is not None or y_val is not None
    if has_val:
        if X_val is None or y_val is None:
            raise ValueError("give both X_val and y_val, or neither")
        X_val = model._check_X(X_val)
        y_val = model._check_y(y_val, len(X_val))
    if target_accuracy is not None:
        target_accuracy = as_number(target_accuracy, "target_accuracy", low=0.0, high=1.0)
        if not has_val:
            raise ValueError("target_accuracy needs validation data (X_val, y_val)")

    history = History()
    steps = 0

    def record(epoch: int) -> None:
        history.epoch.append(epoch)
        history.step.append(steps)
        logits = model.forward(X)
        history.train_loss.append(cross_entropy(logits, y))
        history.train_accuracy.append(float(np.mean(np.argmax(logits, axis=1) == y)))
        if has_val:
            logits = model.forward(X_val)
            history.val_loss.append(cross_entropy(logits, y_val))
            history.val_accuracy.append(float(np.mean(np.argmax(logits, axis=1) == y_val)))
        if keep_params:
            history.params.append({k: v.copy() for k, v in model.params.items()})

    record(0)
    for epoch in range(1, epochs + 1):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            batch = order[start : start + batch_size]
            try:
                with np.errstate(over="raise", invalid="raise"):  # overflow: the learning rate is far too large
                    _, grads = model.loss_and_grads(X[batch], y[batch])
                    opt.step(model.params, grads)
            except FloatingPointError:
                history.diverged = True  # the curves end at the last finished epoch
                return history
            steps += 1
            if target_accuracy is not None:
                history.val_accuracy_by_step.append(model.accuracy(X_val, y_val))
                if history.val_accuracy_by_step[-1] >= target_accuracy:
                    history.steps_to_target = steps
                    record(epoch)
                    return history
        record(epoch)
    return history


# --------------------------------------------------------------------------- gradient check


def numerical_gradients(model: MLP, X, y, *, eps: float = 1e-5) -> dict[str, np.ndarray]:
    """Central finite differences ``(L(θ + ε) - L(θ - ε)) / 2ε``, one parameter entry at a time.

    Costs two forward passes per parameter: fine for checking a small network, hopeless for
    training a large one (which is why backpropagation exists).

    Returns
    -------
    dict of str to numpy.ndarray
        Same keys and shapes as ``model.params``.
    """
    X = model._check_X(X)
    y = model._check_y(y, len(X))
    eps = as_number(eps, "eps", low=1e-12, high=1.0)
    grads = {}
    for name, p in model.params.items():
        g = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            saved = p[idx]
            try:
                p[idx] = saved + eps
                plus = model.loss(X, y)
                p[idx] = saved - eps
                minus = model.loss(X, y)
            finally:
                p[idx] = saved  # leave the model as it was
            g[idx] = (plus - minus) / (2 * eps)
        grads[name] = g
    return grads


def relative_error(a, b) -> float:
    """``||a - b|| / (||a|| + ||b||)`` (Euclidean norms); 0 when both are zero. Between 0 and 1."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0.0 else float(np.linalg.norm(a - b) / denom)


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
        ``max`` over parameter arrays of :func:`relative_error` (analytic vs numerical).
        In float64 a correct backward pass gives about 1e-9 or less; a bug gives 1e-2 or more.
    """
    if grads is None:
        grads = model.loss_and_grads(X, y)[1]
    if set(grads) != set(model.params):
        raise ValueError(f"grads must have the keys {sorted(model.params)}, got {sorted(grads)}")
    numeric = numerical_gradients(model, X, y, eps=eps)
    for name, g in grads.items():
        if np.shape(g) != model.params[name].shape:
            raise ValueError(f"grads[{name!r}] has shape {np.shape(g)}, expected {model.params[name].shape}")
    return max(relative_error(grads[name], numeric[name]) for name in model.params)


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
    X = model._check_X(X)
    y = model._check_y(y, len(X))
    logits, inputs = model._forward(X, keep=True)
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
    X = model._check_X(X)
    peak, h = 0, X
    for i in range(1, model.n_layers + 1):
        z = h @ model.params[f"W{i}"] + model.params[f"b{i}"]
        out = z if i == model.n_layers else model._act(z)
        peak = max(peak, h.nbytes + out.nbytes)
        h = out
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
    sizes = _check_layer_sizes(layer_sizes)
    n = as_int(n, "n", low=1)
    per_layer = [2 * n * a * b for a, b in itertools.pairwise(sizes)]
    return {"forward": sum(per_layer), "backward": sum(per_layer) + sum(per_layer[1:])}


def median_seconds(fn: Callable[[], Any], *, repeats: int = 30) -> float:
    """Median wall-clock time of ``fn()`` over ``repeats`` calls, with ``time.perf_counter`` (seconds)."""
    repeats = as_int(repeats, "repeats", low=1)
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


# --------------------------------------------------------------------------- figures


def plot_training_vs_inference() -> Plot:
    """The source page's "Training vs Inference" diagram: a loop of four steps above one pass."""
    fig = new_figure(8.5, 3.8)
    with styled():
        ax = fig.add_subplot()
        geometry = {"box_width": 1.6, "box_height": 0.62, "gap": 0.5, "fontsize": 10}
        draw_flow(
            ax,
            ["forward pass\n(logits)", "loss\n(how wrong)", "backward pass\n(gradients)", "update\nθ ← θ − η·∇L"],
            y=1.6,
            loop_label="repeat for every mini-batch, epoch after epoch",
            **geometry,
        )
        inference = ["new input x", "forward pass\n(trained θ, fixed)", "prediction"]
        draw_flow(ax, inference, y=0.0, highlight=[1], **geometry)
        for y, name in ((1.6, "Training"), (0.0, "Inference")):
            ax.text(-0.2, y, name, ha="right", va="center", fontsize=12, weight="bold", color=INK)
        right = 3 * geometry["box_width"] + 2 * geometry["gap"]
        ax.text(right + 0.3, 0.0, "no loss, no gradients,\nno update", ha="left", va="center", fontsize=10, color=MUTED)
        ax.update_datalim([(-1.9, 0.0)])
        ax.autoscale_view()
    return Plot(
        fig,
        "Diagram. Training: forward pass (logits), then loss (how wrong), then backward pass "
        "(gradients), then update of the parameters θ by θ minus learning rate times gradient; an arrow "
        "loops back to the forward pass for every mini-batch, epoch after epoch. Inference: a new "
        "input goes through a forward pass with the trained parameters fixed and gives a prediction; "
        "no loss, no gradients, no update.",
    )


def plot_learning_curves(history: History, *, title: str = "") -> Plot:
    """Training and validation loss (left) and accuracy (right) against epochs."""
    if not history.val_loss:
        raise ValueError("history has no validation curve: train with X_val and y_val")
    fig = new_figure(9, 3.4)
    with styled():
        left, right = fig.subplots(1, 2)
        left.plot(history.epoch, history.train_loss, color=PALETTE["blue"], label="training loss")
        left.plot(history.epoch, history.val_loss, color=PALETTE["orange"], linestyle="--", label="validation loss")
        left.set_xlabel("epoch")
        left.set_ylabel("mean cross-entropy (nats)")
        left.set_ylim(bottom=0)
        left.legend()
        right.plot(history.epoch, history.train_accuracy, color=PALETTE["blue"], label="training accuracy")
        right.plot(
            history.epoch, history.val_accuracy, color=PALETTE["orange"], linestyle="--", label="validation accuracy"
        )
        right.set_xlabel("epoch")
        right.set_ylabel("accuracy")
        right.set_ylim(0.4, 1.02)
        right.legend(loc="lower right")
        if title:
            fig.suptitle(title)
    h = history
    return Plot(
        fig,
        f"Learning curves over {h.epoch[-1]} epochs ({h.step[-1]} updates). Left: training loss falls from "
        f"{h.train_loss[0]:.2f} to {h.train_loss[-1]:.2f} nats and validation loss from {h.val_loss[0]:.2f} to "
        f"{h.val_loss[-1]:.2f}. Right: validation accuracy rises from {h.val_accuracy[0]:.0%} to "
        f"{h.val_accuracy[-1]:.0%}.",
    )


def _grid(X: np.ndarray, resolution: int = 120, margin: float = 0.4) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    return np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))


def draw_decision_boundary(ax, model: MLP, X, y, *, resolution: int = 120) -> None:
    """Shade ``ax`` by the class ``model`` predicts, draw the boundary(ies) and the points (X, y)."""
    X = model._check_X(X)
    g1, g2 = _grid(X, resolution)
    grid = np.column_stack([g1.ravel(), g2.ravel()])
    classes = model.predict(grid).reshape(g1.shape)
    k = model.n_classes
    levels = np.arange(k + 1) - 0.5
    ax.contourf(g1, g2, classes, levels=levels, colors=list(CLASS_COLORS[:k]), alpha=0.18)
    ax.contour(g1, g2, classes, levels=levels[1:-1], colors=INK, linewidths=1.2)
    draw_points(ax, X, y, size=12)
    ax.set_xlim(g1.min(), g1.max())
    ax.set_ylim(g2.min(), g2.max())
    ax.set_aspect("equal", adjustable="box")
    ax.grid(False)
    ax.xaxis.set_major_locator(MaxNLocator(4))  # few ticks: frames render faster
    ax.yaxis.set_major_locator(MaxNLocator(4))


def draw_training_frame(fig: Figure, frame: tuple[MLP, History, int, np.ndarray, np.ndarray]) -> None:
    """One scrubber frame: the decision boundary after ``epoch``, on the points ``(X, y)``.

    ``frame = (model, history, epoch, X, y)``; ``history`` must hold parameter snapshots
    (``train(..., keep_params=True)``) and validation curves; ``model`` supplies the
    architecture and is not changed.
    """
    model, history, epoch, X, y = frame
    if not history.params:
        raise ValueError("history holds no parameter snapshots: train with keep_params=True")
    net = model.copy()
    net.params = {k: v.copy() for k, v in history.params[epoch].items()}
    fig.set_layout_engine("none")  # fixed margins: much faster than constrained layout, frame after frame
    ax = fig.add_axes((0.1, 0.12, 0.87, 0.8))
    draw_decision_boundary(ax, net, X, y, resolution=100)
    ax.set_xticks([])  # the features have no units; without ticks each frame renders faster
    ax.set_yticks([])
    if history.val_accuracy:
        accuracy = f"validation accuracy {history.val_accuracy[epoch]:.0%}"
    else:
        accuracy = f"training accuracy {history.train_accuracy[epoch]:.0%}"
    ax.set_title(f"epoch {epoch}: training loss {history.train_loss[epoch]:.2f}, {accuracy}", fontsize=11)
    ax.legend(loc="lower left", fontsize=8)


# ----- the learning-rate widget: one fixed task, trained with the chosen learning rate

#: The learning-rate demo: 2-16-2 network on 200 moons, 25 epochs of batches of 20 (250 updates).
LR_DEMO = {"layer_sizes": (2, 16, 2), "n": 200, "epochs": 25, "batch_size": 20, "seed": 0}


@functools.lru_cache(maxsize=64)
def learning_rate_run(learning_rate: float) -> History:
    """Train the :data:`LR_DEMO` network with ``learning_rate`` (plain SGD); cached by learning rate."""
    learning_rate = as_number(learning_rate, "learning_rate", low=0.0)
    rng = np.random.default_rng(LR_DEMO["seed"])
    X, y = two_moons(LR_DEMO["n"], rng, noise=0.15)
    net = MLP(LR_DEMO["layer_sizes"], rng)
    epochs, batch_size = LR_DEMO["epochs"], LR_DEMO["batch_size"]
    return train(net, X, y, rng=rng, epochs=epochs, batch_size=batch_size, learning_rate=learning_rate)


def draw_learning_rate(fig: Figure, learning_rate: float) -> None:
    """Training loss per epoch of the :data:`LR_DEMO` task for one learning rate (log scale)."""
    h = learning_rate_run(float(learning_rate))
    fig.set_layout_engine("none")  # fixed margins: much faster than constrained layout, frame after frame
    ax = fig.add_axes((0.11, 0.15, 0.86, 0.75))
    ax.plot(h.epoch, h.train_loss, color=PALETTE["blue"], marker="o", markersize=3)
    ax.axhline(h.train_loss[0], color=MUTED, linewidth=1, linestyle=":", label="loss before training")
    ax.set_yscale("log")
    ax.set_ylim(0.02, 500)
    # Plain tick labels and no minor ticks: the default log labels are mathtext, slow to lay out.
    ax.set_yticks([0.03, 0.1, 0.3, 1, 3, 10, 30, 100], ["0.03", "0.1", "0.3", "1", "3", "10", "30", "100"])
    ax.yaxis.set_minor_locator(NullLocator())
    ax.set_xlim(0, LR_DEMO["epochs"])
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss (nats, log scale)")
    verdict = describe_learning_rate(h)
    ax.set_title(f"learning rate η = {learning_rate:g}: {verdict}, final loss {h.train_loss[-1]:.3g}")
    ax.legend(loc="lower left")


def describe_learning_rate(history: History) -> str:
    """Classify a training run by its loss curve (training loss per epoch).

    Returns
    -------
    str
        ``"diverges"`` if the loss ends above where it started (or the numbers overflowed);
        ``"unstable"`` if it ends lower but spiked above twice its start on the way;
        ``"crawls"`` if it ends above 80 % of its start; ``"learns"`` otherwise.
    """
    first, last = history.train_loss[0], history.train_loss[-1]
    if history.diverged or last > first:
        return "diverges"
    if max(history.train_loss) > 2 * first:
        return "unstable"
    if last > 0.8 * first:
        return "crawls"
    return "learns"


_VERDICTS = {
    "crawls": "training crawls",
    "learns": "the network learns",
    "unstable": "training is unstable, with spikes",
    "diverges": "training diverges",
}


def plot_learning_rate(learning_rate: float) -> Plot:
    """The live widget's figure: the loss curve for one learning rate."""
    fig = new_figure(7, 3.4)
    with styled():
        draw_learning_rate(fig, learning_rate)
    h = learning_rate_run(float(learning_rate))
    return Plot(
        fig,
        f"Training loss over {LR_DEMO['epochs']} epochs with learning rate {learning_rate:g} (log scale): it "
        f"goes from {h.train_loss[0]:.2f} to {h.train_loss[-1]:.3g} nats: {_VERDICTS[describe_learning_rate(h)]}.",
    )


def plot_fine_tuning(finetuned: History, scratch: History, target: float) -> Plot:
    """Validation accuracy after each update: fine-tuning vs training from scratch."""
    for name, h in (("finetuned", finetuned), ("scratch", scratch)):
        if not h.val_accuracy_by_step:
            raise ValueError(f"{name} has no per-step accuracy: train it with a target_accuracy")
    fig = new_figure(7.5, 3.4)
    with styled():
        ax = fig.add_subplot()
        for h, label, color in (
            (scratch, "from scratch (random start)", PALETTE["orange"]),
            (finetuned, "fine-tuning (pretrained start)", PALETTE["blue"]),
        ):
            accuracy = [h.val_accuracy[0], *h.val_accuracy_by_step]  # before the first update, then after each
            ax.plot(np.arange(len(accuracy)), accuracy, color=color, label=label, marker="o", markersize=2.5)
            if h.steps_to_target is not None:
                ax.axvline(h.steps_to_target, color=color, linestyle=":", linewidth=1.2)
        ax.axhline(target, color=MUTED, linewidth=1, linestyle="--", label=f"target {target:.0%}")
        ax.set_xlabel("updates (mini-batch steps)")
        ax.set_ylabel("validation accuracy\non the shifted task")
        ax.set_ylim(0.3, 1.02)
        ax.legend(loc="lower right")
    return Plot(
        fig,
        f"Validation accuracy on the shifted data set before training and after each update. Fine-tuning the "
        f"pretrained network starts at {finetuned.val_accuracy[0]:.0%} and reaches the {target:.0%} target after "
        f"{finetuned.steps_to_target} updates; training the same architecture from random weights starts at "
        f"{scratch.val_accuracy[0]:.0%} and needs {scratch.steps_to_target}.",
    )


def plot_memory(train_bytes: Mapping[str, int], infer_bytes: Mapping[str, int]) -> Plot:
    """Stacked bars of the bytes held by one training step and one inference pass."""
    kinds = ["parameters", "gradients", "optimizer state", "activations"]
    colors = [PALETTE["blue"], PALETTE["vermillion"], PALETTE["purple"], PALETTE["orange"]]
    fig = new_figure(7.5, 2.8)
    with styled():
        ax = fig.add_subplot()
        for row, mem in ((1, train_bytes), (0, infer_bytes)):
            left = 0.0
            for kind, color in zip(kinds, colors, strict=True):
                kb = mem.get(kind, 0) / 1024
                ax.barh(row, kb, left=left, color=color, label=kind if row == 1 else None, height=0.6)
                left += kb
            ax.text(left, row, f"  {left:,.0f} KiB", va="center", fontsize=10)
        ax.set_yticks([0, 1], ["inference\npass", "training\nstep"])
        ax.set_xlabel("memory held by arrays (KiB)")
        ax.set_xlim(0, sum(train_bytes.values()) / 1024 * 1.22)
        ax.grid(axis="y", visible=False)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.35), ncol=4, fontsize=9)
    total_t, total_i = sum(train_bytes.values()), sum(infer_bytes.values())
    return Plot(
        fig,
        f"Horizontal stacked bars. A training step holds {total_t / 1024:,.0f} KiB of arrays: parameters "
        f"{train_bytes['parameters'] / 1024:,.0f}, gradients {train_bytes['gradients'] / 1024:,.0f}, optimizer "
        f"state {train_bytes['optimizer state'] / 1024:,.0f} and cached activations "
        f"{train_bytes['activations'] / 1024:,.0f} KiB. An inference pass holds {total_i / 1024:,.0f} KiB: the same "
        f"parameters and {infer_bytes['activations'] / 1024:,.0f} KiB of activations, "
        f"{total_t / total_i:.1f} times less.",
    )


# --------------------------------------------------------------------------- exercise checkers


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
    after = returned if isinstance(returned, Mapping) else params
    for name in before:
        if name not in after:
            return wrong(f"the result has no {name!r}: update every parameter in the dict.")
        got, p, g = np.asarray(after[name], dtype=float), before[name], grads[name]
        if got.shape != p.shape:
            return wrong(f"{name} changed shape from {p.shape} to {got.shape}.")
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
    try:
        got = np.asarray(logit_grad(logits.copy(), y.copy()), dtype=float)
    except Exception as exc:
        return wrong(f"logit_grad raised {type(exc).__name__}: {exc}")
    expected = (p - onehot) / n
    if got.shape != expected.shape:
        return wrong(
            f"the gradient must have the logits' shape {expected.shape}, one entry per logit; got {got.shape}."
        )
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


def check_gradient_check_cost(n_forward_passes: int, layer_sizes: Sequence[int] = (2, 16, 16, 2)) -> Feedback:
    """Check the number of forward passes a central-difference gradient check needs (2 per parameter)."""
    sizes = _check_layer_sizes(layer_sizes)
    n_params = sum(a * b + b for a, b in itertools.pairwise(sizes))
    try:
        n_forward_passes = as_int(n_forward_passes, "n_forward_passes", low=0)
    except (TypeError, ValueError) as exc:
        return wrong(str(exc))
    if n_forward_passes == 2 * n_params:
        return correct(f"{n_params} parameters × 2 passes (θ + ε and θ − ε) = {2 * n_params} forward passes.")
    if n_forward_passes == n_params:
        return wrong(f"{n_params} is the number of parameters; a central difference needs two passes for each.")
    weights_only = sum(a * b for a, b in itertools.pairwise(sizes))
    if n_forward_passes in (weights_only, 2 * weights_only):
        return wrong("count the biases too: every layer has one per output unit.")
    return wrong(
        f"count the parameters of {'-'.join(map(str, sizes))} (weights fan_in × fan_out plus biases fan_out "
        "per layer), then two forward passes per parameter."
    )
