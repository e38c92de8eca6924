"""Learned versus random features: what training the hidden layer adds.

A random-features model (:mod:`mlcourse.approximation`) draws the hidden layer of a 1-k-1 ReLU
network at random and fits only the output layer. A trained network moves the hidden units
too: each unit's kink goes where the target bends most. This module starts from the
random-features fit and then trains all ``3k + 1`` parameters together by full-batch gradient
descent with Adam (:func:`mlcourse.optim.adam_update`) on the mean squared error, so any gain
over the random features comes from learning the hidden layer.

For speed, several networks of the same width train at once: their parameters are stacked
along a first axis of length ``S`` (one row per network), and each row follows its own
gradient. The gradients are those of :func:`mlcourse.mlp.backward` for a ReLU network with
the loss ``mean((f(x) - y)**2)``, written out for the 1-k-1 case.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mlcourse import approximation as ap
from mlcourse.mlp import MLP
from mlcourse.validation import as_finite_result, as_float_array, as_int, as_number, as_rng


def _stack(nets: Sequence[MLP]) -> dict[str, np.ndarray]:
    if not isinstance(nets, Sequence) or isinstance(nets, str) or not nets:
        raise ValueError("nets must be a non-empty list of 1-k-1 ReLU networks")
    try:
        widths = {ap._check_network(net).layer_sizes[1] for net in nets}
    except TypeError as exc:
        raise TypeError(f"nets: {exc}") from None
    if len(widths) != 1:
        raise ValueError(f"nets must all have the same number of hidden units, got {sorted(widths)}")
    return {
        "w": np.stack([net.params["W1"][0] for net in nets]),  # (S, k) input weights
        "b": np.stack([net.params["b1"] for net in nets]),  # (S, k) hidden biases
        "v": np.stack([net.params["W2"][:, 0] for net in nets]),  # (S, k) output weights
        "c": np.array([net.params["b2"][0] for net in nets]),  # (S,) output biases
    }


def loss_and_gradients(params: dict[str, np.ndarray], x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, dict]:
    """Mean squared error of each stacked network, and its gradient for every parameter.

    Parameters
    ----------
    params : dict
        ``w, b, v`` of shape (S, k) and ``c`` of shape (S,): S networks of k hidden units.
    x, y : numpy.ndarray, shape (n,)
        Inputs and targets, the same for every network.

    Returns
    -------
    loss : numpy.ndarray, shape (S,)
    grads : dict
        Same keys and shapes as ``params``.
    """
    if not isinstance(params, dict) or set(params) != {"w", "b", "v", "c"}:
        raise TypeError("params must be a dict with the keys w, b, v (shape (S, k)) and c (shape (S,))")
    x = as_float_array(x, "x", ndim=1)
    y = as_float_array(y, "y", shape=x.shape)
    w, b, v = (as_float_array(params[k], f"params[{k!r}]", ndim=2) for k in "wbv")
    c = as_float_array(params["c"], "params['c']", shape=(w.shape[0],))
    if not w.shape == b.shape == v.shape:
        raise ValueError(f"params w, b and v must have the same shape (S, k), got {w.shape}, {b.shape}, {v.shape}")
    with np.errstate(over="ignore", invalid="ignore"):
        loss, grads = _loss_and_gradients(w, b, v, c, x, y)
    as_finite_result(np.concatenate([loss, *(g.ravel() for g in grads.values())]), "the loss", hint="x or y too large")
    return loss, grads


def _loss_and_gradients(w, b, v, c, x, y):
    z = x[None, :, None] * w[:, None, :] + b[:, None, :]  # (S, n, k) pre-activations
    h = np.maximum(z, 0.0)  # hidden units
    out = (h @ v[:, :, None])[:, :, 0] + c[:, None]  # (S, n) network outputs
    error = out - y
    g = 2.0 * error / len(x)  # d loss / d out
    dz = g[:, :, None] * v[:, None, :] * (z > 0)  # back through the output weights and the ReLU
    grads = {
        "w": x @ dz,  # (n,) @ (S, n, k) -> (S, k)
        "b": dz.sum(axis=1),
        "v": (g[:, None, :] @ h)[:, 0, :],
        "c": g.sum(axis=1),
    }
    return np.mean(error**2, axis=1), grads


def _adam_step(param, grad, m, v, t: int, learning_rate: float, beta1=0.9, beta2=0.999, eps=1e-8) -> None:
    """:func:`mlcourse.optim.adam_update` on arguments already checked (same arithmetic, no per-step checks)."""
    m += (1 - beta1) * (grad - m)
    v += (1 - beta2) * (grad**2 - v)
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    param -= learning_rate * m_hat / (np.sqrt(v_hat) + eps)


def train_networks(x, y, nets: Sequence[MLP], *, steps: int = 400, learning_rate: float = 0.03) -> list[MLP]:
    """Train every parameter of 1-k-1 ReLU networks (all of the same width) on ``(x, y)``.

    Full-batch Adam on the mean squared error, ``steps`` updates; the networks in ``nets`` are
    left unchanged.

    Returns
    -------
    list of MLP
        The trained networks, in the order of ``nets``.
    """
    x = as_float_array(x, "x", ndim=1)
    y = as_float_array(y, "y", ndim=1)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same shape, got {x.shape} and {y.shape}")
    steps = as_int(steps, "steps", low=0, high=100_000)
    learning_rate = as_number(learning_rate, "learning_rate", low=0)
    params = _train(_stack(nets), x, y, steps, learning_rate)
    return [
        ap.relu_network(params["w"][i], params["b"][i], params["v"][i], float(params["c"][i])) for i in range(len(nets))
    ]


def _train(params: dict[str, np.ndarray], x: np.ndarray, y: np.ndarray, steps: int, learning_rate: float) -> dict:
    """:func:`train_networks` on stacked, checked parameters; ``params`` change in place and are returned."""
    m = {name: np.zeros_like(p) for name, p in params.items()}
    s = {name: np.zeros_like(p) for name, p in params.items()}
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            for t in range(1, steps + 1):
                _, grads = _loss_and_gradients(params["w"], params["b"], params["v"], params["c"], x, y)
                for name in params:
                    _adam_step(params[name], grads[name], m[name], s[name], t, learning_rate)
        as_finite_result(np.concatenate([p.ravel() for p in params.values()]), "training")
    except ValueError:  # a non-finite gradient leaves NaN or infinity in the parameters
        raise ValueError("training diverged to NaN or infinity: x, y or learning_rate too large") from None
    return params


@dataclass(frozen=True)
class FeatureComparison:
    """Random versus learned hidden layers at equal width (see :func:`compare_features`).

    Attributes
    ----------
    target : str
    widths : numpy.ndarray, shape (m,)
    random_rms, learned_rms : numpy.ndarray, shape (m, n_seeds)
        RMS error against the target on a dense grid, one column per seed; ``learned`` starts
        from the ``random`` network of the same seed.
    random_nets, learned_nets : tuple of tuples of MLP, m rows of n_seeds
        The networks themselves (empty if not kept), e.g. to draw one of them.
    """

    target: str
    widths: np.ndarray
    random_rms: np.ndarray
    learned_rms: np.ndarray
    random_nets: tuple[tuple[MLP, ...], ...] = ()
    learned_nets: tuple[tuple[MLP, ...], ...] = ()


def compare_features(
    target: str,
    widths: Sequence[int],
    rng: np.random.Generator,
    *,
    n_seeds: int = 8,
    n_train: int = 100,
    steps: int = 400,
    learning_rate: float = 0.03,
) -> FeatureComparison:
    """Fit ``target`` with random features, then train the same networks' hidden layers too.

    For each width and each of ``n_seeds`` draws of the hidden layer: the random-features fit
    (:func:`mlcourse.approximation.fit_random_relu` on ``n_train`` grid points), then that network
    trained in full as by :func:`train_networks` (all widths in one zero-padded batch). Both are
    measured on a grid of 2001 points.
    """
    f = ap._target(target)
    if isinstance(widths, (str, bytes)) or not isinstance(widths, Sequence | np.ndarray) or not len(widths):
        raise TypeError(f"widths must be a non-empty list of hidden-layer widths, got {widths!r:.60}")
    widths = np.array([as_int(k, "widths", low=1, high=10_000) for k in widths])
    n_seeds = as_int(n_seeds, "n_seeds", low=1, high=1_000)
    n_train = as_int(n_train, "n_train", low=2, high=100_000)
    steps = as_int(steps, "steps", low=0, high=100_000)
    learning_rate = as_number(learning_rate, "learning_rate", low=0)
    rng = as_rng(rng)
    x, x_test = ap.grid(n_train), ap.grid(2001)
    y = f(x)
    # All widths train in one batch: each network is padded to the widest with units whose
    # parameters are all 0. Such a unit outputs 0 and gets zero gradients, so Adam never moves it.
    starts = [ap.fit_random_relu(x, y, int(k), rng) for k in widths for _ in range(n_seeds)]
    params = {name: np.zeros((len(starts), int(widths.max()))) for name in "wbv"}
    for j, net in enumerate(starts):
        k = net.layer_sizes[1]
        params["w"][j, :k], params["b"][j, :k] = net.params["W1"][0], net.params["b1"]
        params["v"][j, :k] = net.params["W2"][:, 0]
    params["c"] = np.array([net.params["b2"][0] for net in starts])
    params = _train(params, x, y, steps, learning_rate)
    trained = [
        ap.relu_network(params["w"][j, :k], params["b"][j, :k], params["v"][j, :k], float(params["c"][j]))
        for j, k in enumerate(np.repeat(widths, n_seeds))
    ]
    random_rms = np.reshape([ap.rms_error(net, x_test, f) for net in starts], (widths.size, n_seeds))
    learned_rms = np.reshape([ap.rms_error(net, x_test, f) for net in trained], (widths.size, n_seeds))
    random_nets, learned_nets = (
        tuple(tuple(nets[i * n_seeds : (i + 1) * n_seeds]) for i in range(widths.size)) for nets in (starts, trained)
    )
    return FeatureComparison(str(target), widths, random_rms, learned_rms, random_nets, learned_nets)
