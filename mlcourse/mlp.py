"""The multilayer perceptron (MLP): the course's one neural network, in numpy.

An MLP is a stack of layers ``h = activation(h_prev @ W + b)``; the last layer has no
activation and outputs raw scores (logits for a classifier). Its parameters live in a dict of
named arrays, ``{"W1", "b1", "W2", "b2", ...}``, with ``W{i}`` of shape ``(n_in, n_out)`` and
``b{i}`` of shape ``(n_out,)``.

- Chapter 2 counts the parameters (:func:`parameter_count`) and runs :func:`forward`.
- Chapter 5 trains it: :func:`forward_with_inputs` keeps every layer's input,
  :func:`logit_gradient` starts the backward pass at the logits and :func:`backward` is
  backpropagation, written by hand. :class:`MLP` bundles the parameters with these functions.

Optimizers are in :mod:`mlcourse.optim`, the training loop in :mod:`mlcourse.training`.
Softmax and cross-entropy come from :mod:`mlcourse.softmax` and :mod:`mlcourse.losses`.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from mlcourse.losses import _mean_cross_entropy, cross_entropy
from mlcourse.validation import as_bool, as_float_array, as_int, as_number, as_rng, as_str

#: The hidden layers' non-linearities.
ACTIVATIONS = ("tanh", "relu")


def check_layer_sizes(layer_sizes: Any, name: str = "layer_sizes") -> tuple[int, ...]:
    """Validate widths from input to output, e.g. ``(3, 4, 2)``; return them as Python ints.

    Raises a ``TypeError`` or ``ValueError`` naming ``name`` unless ``layer_sizes`` is a sequence
    of at least two integers, each >= 1. Numpy integers become Python ints (no overflow later).
    """
    if (
        isinstance(layer_sizes, (str, bytes))
        or not isinstance(layer_sizes, (Sequence, np.ndarray))
        or np.ndim(layer_sizes) != 1
    ):
        raise TypeError(f"{name} must be a sequence of integers such as (3, 4, 2), got {type(layer_sizes).__name__}")
    if len(layer_sizes) < 2:
        raise ValueError(f"{name} must give at least an input and an output size, got {list(layer_sizes)}")
    return tuple(as_int(n, f"{name}[{i}]", low=1) for i, n in enumerate(layer_sizes))


def parameter_count(layer_sizes: Sequence[int], *, bias: bool = True) -> int:
    """Number of parameters of an MLP: ``n_in * n_out`` weights plus ``n_out`` biases per layer.

    Defined in chapter 2.

    Parameters
    ----------
    layer_sizes : sequence of int
        Widths from input to output, e.g. ``(3, 4, 2)`` (26 parameters).
    bias : bool, default True
        Whether every non-input neuron has a bias.

    Returns
    -------
    int
        An exact Python integer.
    """
    sizes = check_layer_sizes(layer_sizes)
    bias = as_bool(bias, "bias")
    return sum(n_in * n_out + (n_out if bias else 0) for n_in, n_out in itertools.pairwise(sizes))


def _real(value: Any, name: str) -> np.ndarray:  # inf passes: a forward pass reports overflow at its end
    try:
        array = np.asarray(value) if not isinstance(value, (str, bytes, np.ma.MaskedArray)) else np.array(None)
    except ValueError:  # ragged
        array = np.array(None)
    if array.dtype.kind not in "iuf" or np.isnan(array).any():
        raise TypeError(f"{name} must be an array of real numbers (no NaN), got {type(value).__name__}")
    return array


def activate(z: np.ndarray, activation: str = "tanh") -> np.ndarray:
    """``tanh(z)`` or ``relu(z) = max(z, 0)``, elementwise."""
    z = _real(z, "z")
    return np.tanh(z) if as_str(activation, "activation", choices=ACTIVATIONS) == "tanh" else np.maximum(z, 0.0)


def activation_slope(h: np.ndarray, activation: str = "tanh") -> np.ndarray:
    """The activation's derivative, written with its output ``h``: ``1 - h**2`` (tanh) or ``h > 0`` (relu)."""
    h = _real(h, "h")
    return 1.0 - h**2 if as_str(activation, "activation", choices=ACTIVATIONS) == "tanh" else (h > 0).astype(h.dtype)


def init_params(
    layer_sizes: Sequence[int], rng: np.random.Generator, *, activation: str = "tanh", bias_std: float = 0.0
) -> dict[str, np.ndarray]:
    """Random starting parameters ``{"W1", "b1", ...}`` for an MLP.

    Weights are drawn from ``N(0, 1/n_in)`` for tanh and ``N(0, 2/n_in)`` for ReLU (He), so the
    activations keep their size from layer to layer. Biases start at 0, or are drawn from
    ``N(0, bias_std**2)`` after each layer's weights when ``bias_std > 0`` (to show them in a diagram).
    """
    sizes = check_layer_sizes(layer_sizes)
    if parameter_count(sizes) > 100_000_000:  # a bound on memory (800 MB of float64)
        raise ValueError(f"layer_sizes {sizes} would need more than 100,000,000 parameters; use smaller layers")
    rng = as_rng(rng)
    activation = _check_activation(activation)
    bias_std = as_number(bias_std, "bias_std", low=0.0)
    gain = 2.0 if activation == "relu" else 1.0
    params: dict[str, np.ndarray] = {}
    for i, (n_in, n_out) in enumerate(itertools.pairwise(sizes), start=1):
        params[f"W{i}"] = rng.normal(0.0, np.sqrt(gain / n_in), size=(n_in, n_out))
        params[f"b{i}"] = rng.normal(0.0, bias_std, size=n_out) if bias_std > 0 else np.zeros(n_out)
    return params


def forward(params: Mapping[str, np.ndarray], X, *, activation: str = "tanh") -> np.ndarray:
    """The forward pass: layers of ``h @ W + b``, the activation after every layer but the last.

    Defined in chapter 2 (with ReLU).

    Parameters
    ----------
    params : dict of str to numpy.ndarray
        ``{"W1", "b1", ...}`` as from :func:`init_params`.
    X : array_like, shape (n, n_in)
        Inputs, one row each.
    activation : {"tanh", "relu"}, default "tanh"

    Returns
    -------
    numpy.ndarray, shape (n, n_out)
    """
    return forward_with_inputs(params, X, activation=activation)[0]


def forward_with_inputs(
    params: Mapping[str, np.ndarray], X, *, activation: str = "tanh"
) -> tuple[np.ndarray, list[np.ndarray]]:
    """The forward pass of training: the outputs, and every layer's input (kept for backprop).

    Defined in chapter 5.

    Returns
    -------
    outputs : numpy.ndarray, shape (n, n_out)
    inputs : list of numpy.ndarray
        ``inputs[i - 1]`` is the input of layer ``i``: ``X`` first, then each hidden activation.
    """
    sizes = check_params(params)
    activation = _check_activation(activation)
    return _forward_with_inputs(params, _check_X(X, sizes[0]), activation)


def _forward_with_inputs(
    params: Mapping[str, np.ndarray], X: np.ndarray, activation: str
) -> tuple[np.ndarray, list[np.ndarray]]:
    """:func:`forward_with_inputs` on checked arguments; raises ``FloatingPointError`` on overflow."""
    n_layers = len(params) // 2
    inputs, h = [], X
    with np.errstate(over="ignore", invalid="ignore"):
        for i in range(1, n_layers + 1):
            inputs.append(h)
            z = h @ params[f"W{i}"] + params[f"b{i}"]
            h = z if i == n_layers else np.tanh(z) if activation == "tanh" else np.maximum(z, 0.0)  # activate(z)
    if not np.isfinite(h.sum()):
        raise FloatingPointError("the forward pass overflowed: the weights are far too large (or infinite)")
    return h, inputs


def logit_gradient(logits: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Gradient of the mean cross-entropy with respect to the logits: ``(softmax - onehot(y)) / n``.

    Defined in chapter 5.

    Parameters
    ----------
    logits : array_like, shape (n, k)
        Finite class scores, one row per example.
    y : array_like of int, shape (n,)
        Class labels in ``[0, k)``.
    """
    logits = as_float_array(logits, "logits", ndim=2)
    return _logit_gradient(logits, _check_y(y, len(logits), logits.shape[1]))


def _logit_gradient(logits: np.ndarray, y: np.ndarray) -> np.ndarray:
    dz = np.exp(logits - np.max(logits, axis=1, keepdims=True))  # softmax of the finite logits:
    dz /= np.sum(dz, axis=1, keepdims=True)  # the predicted probabilities p
    dz[np.arange(len(y)), y] -= 1.0  # p - onehot(y)
    return dz / len(y)  # the loss is a mean over n rows


def backward(
    params: Mapping[str, np.ndarray], inputs: Sequence[np.ndarray], dz: np.ndarray, *, activation: str = "tanh"
) -> dict[str, np.ndarray]:
    """Backpropagation: the gradient of the loss for every parameter, last layer first.

    Defined in chapter 5.

    Parameters
    ----------
    params : dict of str to numpy.ndarray
    inputs : list of numpy.ndarray
        Every layer's input, from :func:`forward_with_inputs`.
    dz : numpy.ndarray, shape (n, n_out)
        Gradient of the loss with respect to the outputs (e.g. :func:`logit_gradient`).

    Returns
    -------
    dict of str to numpy.ndarray
        Same keys and shapes as ``params``.
    """
    sizes = check_params(params)
    activation = _check_activation(activation)
    if not isinstance(inputs, Sequence) or len(inputs) != len(sizes) - 1:
        raise ValueError(f"inputs must be a list of {len(sizes) - 1} arrays, one per layer (from forward_with_inputs)")
    n = len(_check_X(inputs[0], sizes[0]))
    for i, h in enumerate(inputs):
        if not isinstance(h, np.ndarray) or h.shape != (n, sizes[i]):
            raise ValueError(f"inputs[{i}] must be an array of shape ({n}, {sizes[i]})")
    dz = as_float_array(dz, "dz", ndim=2)
    if dz.shape != (n, sizes[-1]):
        raise ValueError(f"dz must have the outputs' shape ({n}, {sizes[-1]}), got {dz.shape}")
    return _backward(params, inputs, dz, activation)


def _backward(
    params: Mapping[str, np.ndarray], inputs: Sequence[np.ndarray], dz: np.ndarray, activation: str
) -> dict[str, np.ndarray]:
    n_layers = len(inputs)
    grads = {}
    for i in range(n_layers, 0, -1):
        h = inputs[i - 1]
        grads[f"W{i}"] = h.T @ dz
        grads[f"b{i}"] = dz.sum(axis=0)
        if i > 1:
            slope = 1.0 - h**2 if activation == "tanh" else (h > 0).astype(h.dtype)  # activation_slope(h)
            dz = (dz @ params[f"W{i}"].T) * slope
    return {name: grads[name] for name in params}


def check_params(params: Any) -> tuple[int, ...]:
    """Check that ``params = {"W1", "b1", ...}`` fit together as finite float arrays; return the layer sizes."""
    if not isinstance(params, Mapping) or not params:
        raise TypeError(f"params must be a dict {{'W1': ..., 'b1': ..., ...}}, got {type(params).__name__}")
    n_layers = len(params) // 2
    expected = [f"{p}{i}" for i in range(1, n_layers + 1) for p in "Wb"]
    if len(params) != len(expected) or set(params) != set(expected):
        raise ValueError(f"params must have the keys {expected}, got {list(params)}")
    sizes = [np.shape(params["W1"])[0] if np.ndim(params["W1"]) == 2 else -1]
    for i in range(1, n_layers + 1):
        W, b = params[f"W{i}"], params[f"b{i}"]
        if not (isinstance(W, np.ndarray) and isinstance(b, np.ndarray)) or W.dtype.kind != "f" or b.dtype.kind != "f":
            raise TypeError(f"params['W{i}'] and params['b{i}'] must be float numpy arrays")
        if W.ndim != 2 or b.shape != (W.shape[1],):
            raise ValueError(f"params['W{i}'] must have shape (n_in, n_out) and params['b{i}'] shape (n_out,)")
        if W.shape[0] != sizes[-1]:
            raise ValueError(f"params['W{i}'] expects {W.shape[0]} inputs but the previous layer gives {sizes[-1]}")
        if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
            raise ValueError(f"params['W{i}'] and params['b{i}'] must be finite (no NaN or infinity)")
        sizes.append(W.shape[1])
    return tuple(int(s) for s in sizes)


def _check_activation(activation: Any) -> str:
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {ACTIVATIONS}, got {activation!r}")
    return activation


def _check_X(X: Any, n_in: int) -> np.ndarray:
    X = as_float_array(X, "X", ndim=2)
    if X.shape[1] != n_in:
        raise ValueError(f"X has {X.shape[1]} features per row but the network's input layer expects {n_in}")
    return X


def _check_y(y: Any, n: int, n_classes: int) -> np.ndarray:
    y = np.asarray(y)
    if y.dtype.kind not in "iu":
        raise TypeError(f"y must be integer class labels (e.g. y.astype(int)), got dtype {y.dtype}")
    if y.shape != (n,):
        raise ValueError(f"y must have shape ({n},), one label per row of X, got {y.shape}")
    if n and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(f"y must be in [0, {n_classes}) for {n_classes} classes, got values {y.min()} to {y.max()}")
    return y.astype(np.int64)


class MLP:
    """A multilayer perceptron: its layer sizes, its activation and its parameters.

    Parameters
    ----------
    layer_sizes : sequence of int
        Widths from input to output, e.g. ``(2, 16, 16, 2)``: 2 features, two hidden layers of
        16 units, 2 outputs (class logits). At least two entries, each >= 1.
    rng : numpy.random.Generator
        Draws the initial weights (:func:`init_params`).
    activation : {"tanh", "relu"}, default "tanh"
        Non-linearity of the hidden layers.
    bias_std : float, default 0.0
        Standard deviation of the initial biases (0: they start at zero).

    Attributes
    ----------
    params : dict of str to numpy.ndarray
        ``"W1"`` of shape ``(layer_sizes[0], layer_sizes[1])``, ``"b1"`` of shape
        ``(layer_sizes[1],)``, then ``"W2"``, ``"b2"``, ...: float64 arrays.
    """

    def __init__(
        self, layer_sizes: Sequence[int], rng: np.random.Generator, *, activation: str = "tanh", bias_std: float = 0.0
    ) -> None:
        self.layer_sizes = check_layer_sizes(layer_sizes)
        self.activation = _check_activation(activation)
        self.params = init_params(self.layer_sizes, rng, activation=activation, bias_std=bias_std)

    @classmethod
    def from_params(cls, params: Mapping[str, np.ndarray], *, activation: str = "tanh") -> MLP:
        """An MLP with the given parameters ``{"W1", "b1", ...}`` (copied), e.g. fitted or hand-made."""
        net = cls.__new__(cls)
        net.layer_sizes = check_params(params)
        net.activation = _check_activation(activation)
        n_layers = len(net.layer_sizes) - 1
        net.params = {f"{p}{i}": np.array(params[f"{p}{i}"], dtype=float) for i in range(1, n_layers + 1) for p in "Wb"}
        return net

    def forward(self, X) -> np.ndarray:
        """Inference: the outputs (logits) for each row of ``X``, shape (n, n_out); nothing is kept."""
        return forward(self.params, X, activation=self.activation)

    def loss_and_grads(self, X, y) -> tuple[float, dict[str, np.ndarray]]:
        """Mean cross-entropy loss on ``(X, y)`` and its gradient for every parameter.

        Parameters
        ----------
        X : array_like, shape (n, layer_sizes[0])
        y : array_like of int, shape (n,)
            Class labels in ``[0, n_classes)``.

        Returns
        -------
        loss : float
            Mean cross-entropy in nats.
        grads : dict of str to numpy.ndarray
            Same keys and shapes as :attr:`params`.
        """
        check_params(self.params)
        X = self._check_X(X)
        y = self._check_y(y, len(X))
        logits, grads = self._logits_and_grads(X, y)
        return _mean_cross_entropy(logits, y), grads

    def _logits_and_grads(self, X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """:meth:`loss_and_grads` on checked inputs, logits in place of the loss (the training loop needs none)."""
        logits, inputs = _forward_with_inputs(self.params, X, self.activation)
        return logits, _backward(self.params, inputs, _logit_gradient(logits, y), self.activation)

    def predict(self, X) -> np.ndarray:
        """Predicted class of each row of ``X``: the index of the largest logit, shape (n,), int64."""
        return np.argmax(self.forward(X), axis=1).astype(np.int64)

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
        """Width of the output layer."""
        return self.layer_sizes[-1]

    @property
    def n_parameters(self) -> int:
        """Total number of parameters (weights and biases): :func:`parameter_count` of the sizes."""
        return parameter_count(self.layer_sizes)

    def __repr__(self) -> str:
        return f"MLP({'-'.join(map(str, self.layer_sizes))}, {self.activation}, {self.n_parameters} parameters)"

    def _check_X(self, X) -> np.ndarray:
        return _check_X(X, self.layer_sizes[0])

    def _check_y(self, y, n: int) -> np.ndarray:
        return _check_y(y, n, self.n_classes)
