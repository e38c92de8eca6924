"""Why neural networks work: sums of simple units approximate functions.

A network with one input, one hidden layer of ``k`` ReLU units and one output computes

    f(x) = sum_j v_j * relu(w_j * x + b_j) + c,

a piecewise-linear function with at most ``k`` kinks (unit j bends where ``w_j x + b_j = 0``).
It has ``3k + 1`` parameters. With more units there are more kinks, and the pieces can follow
any continuous curve on a bounded interval ever more closely: the universal approximation
theorem (Cybenko 1989; Hornik 1991; Leshno et al. 1993 for any non-polynomial activation such
as ReLU) says that *some* choice of weights gets within any tolerance, everywhere on the
interval. It says nothing about how to find those weights, how many units are needed, or how
the network behaves away from its training points.

Training is chapter 5. Here the hidden layer is drawn at random from an explicit ``rng`` (each
unit's kink falls inside the interval) and kept fixed; only the output layer ``v, c`` is fitted,
by linear least squares, which has a closed-form solution (a "random features" model).
:mod:`mlcourse.features` trains the hidden layer too, for comparison.

The network is the course's one MLP (:class:`mlcourse.mlp.MLP` with layer sizes ``(1, k, 1)``
and ReLU); :func:`network_output` runs it on a 1-D array of inputs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from mlcourse.losses import mse
from mlcourse.mlp import MLP, parameter_count
from mlcourse.regression import least_squares
from mlcourse.validation import (
    NonFiniteResultError,
    as_callable,
    as_float_array,
    as_int,
    as_int_tuple,
    as_number,
    as_rng,
)

#: The interval the targets live on, [-pi, pi].
INTERVAL: tuple[float, float] = (-math.pi, math.pi)


def relu(z) -> np.ndarray:
    """The rectified linear unit ``max(z, 0)``, elementwise."""
    return np.maximum(as_float_array(z, "z", allow_empty=True), 0.0)


def sine(x) -> np.ndarray:
    """The smooth target ``sin(x)``."""
    return np.sin(as_float_array(x, "x", allow_empty=True))


def step(x) -> np.ndarray:
    """The discontinuous target: 0 for ``x < 0``, 1 for ``x >= 0``."""
    return (as_float_array(x, "x", allow_empty=True) >= 0).astype(float)


#: The chapter's two targets by name: a continuous one and one with a jump.
TARGETS: dict[str, Callable[[np.ndarray], np.ndarray]] = {"sine": sine, "step": step}


def _target(target: str | Callable) -> Callable[[np.ndarray], np.ndarray]:
    if callable(target):
        return target
    if not isinstance(target, str) or target not in TARGETS:
        raise ValueError(f"target must be one of {sorted(TARGETS)} or a function, got {target!r}")
    return TARGETS[target]


def relu_network(input_weights, input_biases, output_weights, output_bias: float) -> MLP:
    """The 1-k-1 ReLU network ``f(x) = sum_j v_j relu(w_j x + b_j) + c`` as an :class:`~mlcourse.mlp.MLP`.

    Parameters
    ----------
    input_weights, input_biases, output_weights : array_like, shape (k,)
        ``w``, ``b`` and ``v``: hidden unit j computes ``relu(w_j x + b_j)`` and adds ``v_j`` times it.
    output_bias : float
        ``c``, added at the end.
    """
    w = as_float_array(input_weights, "input_weights", ndim=1)
    b = as_float_array(input_biases, "input_biases", ndim=1)
    v = as_float_array(output_weights, "output_weights", ndim=1)
    c = as_number(output_bias, "output_bias")
    if not w.shape == b.shape == v.shape:
        raise ValueError(
            "input_weights, input_biases and output_weights must have the same length, "
            f"got {w.size}, {b.size} and {v.size}"
        )
    params = {"W1": w[None, :], "b1": b, "W2": v[:, None], "b2": np.array([c])}
    return MLP.from_params(params, activation="relu")


def _check_network(net) -> MLP:
    if not isinstance(net, MLP) or net.layer_sizes[0] != 1 or net.layer_sizes[-1] != 1 or net.n_layers != 2:
        raise TypeError("net must be a one-input, one-output MLP with one hidden layer, e.g. from fit_random_relu")
    return net


def network_output(net: MLP, x) -> np.ndarray:
    """The network's output for 1-D inputs ``x`` of shape (n,); returns shape (n,)."""
    x = as_float_array(x, "x", ndim=1, allow_empty=True)
    return _check_network(net).forward(x[:, None])[:, 0]


def hidden(net: MLP, x) -> np.ndarray:
    """Hidden activations ``relu(w_j x + b_j)``, shape (n, k), for inputs ``x`` of shape (n,)."""
    x = as_float_array(x, "x", ndim=1)
    net = _check_network(net)
    return relu(x[:, None] @ net.params["W1"] + net.params["b1"])


def kinks(net: MLP) -> np.ndarray:
    """Where each hidden unit bends, ``x = -b_j / w_j``; shape (k,) (infinite for a unit with ``w_j = 0``)."""
    net = _check_network(net)
    with np.errstate(divide="ignore"):
        return -net.params["b1"] / net.params["W1"][0]


def _interval(interval) -> tuple[float, float]:
    """``(low, high)`` as two floats with low < high, or a clear error naming ``interval``."""
    if isinstance(interval, (str, bytes, bytearray)) or not isinstance(interval, (tuple, list, np.ndarray)):
        raise TypeError(f"interval must be a pair (low, high) of numbers, got {type(interval).__name__}")
    if len(interval) != 2:
        raise ValueError(f"interval must be a pair (low, high) of numbers, got {len(interval)} values")
    lo, hi = (as_number(v, "interval") for v in interval)
    if not lo < hi:
        raise ValueError(f"interval must be (low, high) with low < high, got {interval}")
    return lo, hi


def random_hidden_layer(
    n_hidden: int, rng: np.random.Generator, interval: tuple[float, float] = INTERVAL
) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n_hidden`` ReLU units whose kinks fall uniformly inside ``interval``.

    Unit j gets a kink ``c_j ~ Uniform(interval)``, a slope ``w_j`` of random sign and size in
    [0.5, 2], and the bias ``b_j = -w_j c_j`` that puts its kink at ``c_j``. The draws come from
    one ``rng.random((n_hidden, 3))`` call, so with the same seed the first k units of a wider
    layer are the units of the narrower one.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray), shapes (n_hidden,) and (n_hidden,)
        Input weights and biases.
    """
    n_hidden = as_int(n_hidden, "n_hidden", low=1, high=1_000_000)
    rng = as_rng(rng)
    return _hidden_layer(rng.random((n_hidden, 3)), _interval(interval))


def _hidden_layer(u: np.ndarray, interval: tuple[float, float] = INTERVAL) -> tuple[np.ndarray, np.ndarray]:
    """:func:`random_hidden_layer`'s weights and biases (..., k) from its uniform draws ``u`` (..., k, 3).

    ``rng.random`` gives the same numbers in one call as in several, so many layers can be drawn at once.
    """
    lo, hi = interval
    kinks = lo + (hi - lo) * u[..., 0]
    weights = np.where(u[..., 1] < 0.5, -1.0, 1.0) * (0.5 + 1.5 * u[..., 2])
    return weights, -weights * kinks


def _design(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Hidden activations and a constant column, shape (..., n, k + 1), for inputs (..., n) and layers (..., k)."""
    h = np.maximum(x[..., :, None] * w[..., None, :] + b[..., None, :], 0.0)
    return np.concatenate([h, np.ones((*h.shape[:-1], 1))], axis=-1)


def fit_output_layer(x, y, input_weights, input_biases) -> MLP:
    """Fit the output weights and bias by least squares, with the hidden layer fixed.

    The output is linear in ``(v, c)``, so minimising the squared error is a linear
    least-squares problem; :func:`mlcourse.regression.least_squares` solves it (the minimum-norm
    solution when there are more units than points).

    Parameters
    ----------
    x, y : array_like, shape (n,)
        Training inputs and targets.
    input_weights, input_biases : array_like, shape (k,)
        The fixed hidden layer.
    """
    x = as_float_array(x, "x", ndim=1)
    y = as_float_array(y, "y", ndim=1)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same shape, got {x.shape} and {y.shape}")
    w = as_float_array(input_weights, "input_weights", ndim=1)
    b = as_float_array(input_biases, "input_biases", ndim=1)
    if w.shape != b.shape:
        raise ValueError(f"input_weights and input_biases must have the same length, got {w.size} and {b.size}")
    if np.any(w == 0):
        raise ValueError("input_weights must be non-zero (a unit with weight 0 is a constant)")
    design = np.column_stack([relu(np.outer(x, w) + b), np.ones_like(x)])
    solution = least_squares(design, y)
    return relu_network(w, b, solution[:-1], float(solution[-1]))


def fit_random_relu(x, y, n_hidden: int, rng: np.random.Generator, interval: tuple[float, float] = INTERVAL) -> MLP:
    """A random hidden layer (:func:`random_hidden_layer`) plus a least-squares output layer."""
    w, b = random_hidden_layer(n_hidden, rng, interval)
    return fit_output_layer(x, y, w, b)


def rms_error(net: MLP, x, f: Callable[[np.ndarray], np.ndarray]) -> float:
    """Root-mean-square error of ``net`` against the function ``f`` at the points ``x``."""
    x = as_float_array(x, "x", ndim=1)
    f = as_callable(f, "f")
    targets = as_float_array(f(x), "f(x)", shape=x.shape)
    try:
        return float(np.sqrt(mse(network_output(net, x), targets)))
    except NonFiniteResultError:
        raise ValueError(
            "the squared error of net at x against f(x) overflows: x or the weights are too large"
        ) from None


def grid(n: int, interval: tuple[float, float] = INTERVAL) -> np.ndarray:
    """``n`` evenly spaced points covering ``interval`` (ends included)."""
    lo, hi = _interval(interval)
    return np.linspace(lo, hi, as_int(n, "n", low=2, high=10_000_000))


@dataclass(frozen=True)
class ErrorCurve:
    """Approximation errors of random ReLU networks of several widths.

    Attributes
    ----------
    target : str
    widths : numpy.ndarray, shape (m,)
        Hidden units k.
    rms, max_abs : numpy.ndarray, shape (m, n_repeats)
        Root-mean-square and largest absolute error on a dense test grid, one column per draw
        of the hidden layer.
    """

    target: str
    widths: np.ndarray
    rms: np.ndarray
    max_abs: np.ndarray

    @property
    def n_parameters(self) -> np.ndarray:
        """``3k + 1`` for each width (:func:`mlcourse.mlp.parameter_count` of ``(1, k, 1)``)."""
        return np.array([parameter_count((1, int(k), 1)) for k in self.widths])


def approximation_errors(
    target: str,
    widths: Sequence[int],
    rng: np.random.Generator,
    *,
    n_train: int = 1000,
    n_test: int = 4001,
    n_repeats: int = 5,
) -> ErrorCurve:
    """How closely random ReLU networks of each width fit ``target`` on :data:`INTERVAL`.

    Each network is fitted to ``n_train`` noiseless grid points and measured on ``n_test``
    grid points; this is the approximation error, not a test of generalisation. The hidden
    layers come from ``rng`` as by :func:`fit_random_relu`, for each repeat and each width.
    """
    _target(target)  # named as "target" if unknown
    (curve,) = error_curves([target], widths, rng, n_train=n_train, n_test=n_test, n_repeats=n_repeats)
    return curve


def error_curves(
    targets: Sequence[str],
    widths: Sequence[int],
    rng: np.random.Generator,
    *,
    n_train: int = 1000,
    n_test: int = 4001,
    n_repeats: int = 5,
) -> list[ErrorCurve]:
    """:func:`approximation_errors` for several targets on the same hidden layers, each design factorised once.

    The curves are those of :func:`approximation_errors` for each target with a fresh generator of the same seed.
    """
    if isinstance(targets, (str, bytes)) or not isinstance(targets, Sequence) or not targets:
        raise TypeError(f"targets must be a non-empty list of target names, got {targets!r:.60}")
    if not all(callable(t) or (isinstance(t, str) and t in TARGETS) for t in targets):
        raise ValueError(f"targets must hold names from {sorted(TARGETS)} or functions, got {list(targets)!r:.80}")
    fs = [_target(t) for t in targets]
    widths = np.array(as_int_tuple(widths, "widths", high=100_000))
    n_train = as_int(n_train, "n_train", low=2, high=1_000_000)
    n_test = as_int(n_test, "n_test", low=2, high=1_000_000)
    n_repeats = as_int(n_repeats, "n_repeats", low=1, high=10_000)
    u = as_rng(rng).random((n_repeats, int(widths.sum()), 3))  # as fit_random_relu draws: per repeat, per width
    x_train, x_test = grid(n_train), grid(n_test)
    y_train, y_test = (np.stack([f(x) for f in fs])[:, None, :] for x in (x_train, x_test))  # (targets, 1, n)
    first = np.concatenate([[0], np.cumsum(widths)])
    rms = np.empty((len(fs), widths.size, n_repeats))
    max_abs = np.empty_like(rms)
    for i, k in enumerate(widths):
        w, b = _hidden_layer(u[:, first[i] : first[i] + k])  # (repeats, k)
        coefs = least_squares(_design(x_train, w, b), y_train)  # (targets, repeats, k + 1)
        error = _outputs_on_grid(x_test, w, b, coefs) - y_test  # (targets, repeats, n_test)
        rms[:, i] = np.sqrt(np.mean(error**2, axis=-1))
        max_abs[:, i] = np.max(np.abs(error), axis=-1)
    return [ErrorCurve(str(t), widths, r, m) for t, r, m in zip(targets, rms, max_abs, strict=True)]


@dataclass(frozen=True)
class Generalisation:
    """Training versus test error on a few noisy points (see :func:`train_test_errors`).

    Attributes
    ----------
    x_train, y_train : numpy.ndarray, shape (n_sets, n_train)
        The noisy training samples of the sine, one row per training set.
    widths : numpy.ndarray, shape (m,)
    train_rms, test_rms : numpy.ndarray, shape (m, n_sets, n_repeats)
        RMS error on the training points, and against the true sine on a dense grid, for each
        width, training set and draw of the hidden layer.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    widths: np.ndarray
    train_rms: np.ndarray
    test_rms: np.ndarray

    def by_set(self, which: str = "test") -> np.ndarray:
        """Median over the hidden-layer draws, shape (m, n_sets): one curve per training set."""
        if which not in ("train", "test"):
            raise ValueError(f"which must be 'train' or 'test', got {which!r}")
        return np.median(self.train_rms if which == "train" else self.test_rms, axis=2)

    def interpolating(self, tol: float = 1e-8) -> np.ndarray:
        """Share of fits, per width, whose training RMS error is below ``tol`` (they pass through every point)."""
        return np.mean(self.train_rms < as_number(tol, "tol", low=0), axis=(1, 2))


def train_test_errors(
    widths: Sequence[int],
    rng: np.random.Generator,
    *,
    n_train: int = 12,
    noise: float = 0.2,
    n_sets: int = 8,
    n_repeats: int = 10,
) -> Generalisation:
    """Fit ``n_train`` noisy samples of the sine with networks of each width.

    ``n_sets`` training sets are drawn (uniform inputs on :data:`INTERVAL`, Gaussian noise of
    standard deviation ``noise``); for each, the hidden layer is redrawn ``n_repeats`` times per width.
    """
    widths = np.array(as_int_tuple(widths, "widths", high=100_000))
    n_train = as_int(n_train, "n_train", low=2, high=1_000_000)
    noise = as_number(noise, "noise", low=0, high=1e6)  # the squared errors stay finite
    n_sets = as_int(n_sets, "n_sets", low=1, high=1_000)
    n_repeats = as_int(n_repeats, "n_repeats", low=1, high=10_000)
    rng = as_rng(rng)
    x_test = grid(1001)  # the true curve, densely enough for the RMS error
    xs = np.sort(rng.uniform(*INTERVAL, size=(n_sets, n_train)), axis=1)
    ys = sine(xs) + noise * rng.standard_normal((n_sets, n_train))
    # The hidden layers as fit_random_relu draws them, for each set, repeat and width: (sets, repeats, k, 3)
    u = rng.random((n_sets, n_repeats, int(widths.sum()), 3))
    first = np.concatenate([[0], np.cumsum(widths)])
    train = np.empty((widths.size, n_sets, n_repeats))
    test = np.empty_like(train)
    for i, k in enumerate(widths):
        w, b = _hidden_layer(u[:, :, first[i] : first[i] + k])  # (sets, repeats, k)
        design = _design(xs[:, None, :], w, b)  # (sets, repeats, n_train, k + 1)
        coefs = least_squares(design, ys[:, None, :])  # (sets, repeats, k + 1)
        train[i] = np.sqrt(np.mean(((design @ coefs[..., None])[..., 0] - ys[:, None, :]) ** 2, axis=-1))
        test[i] = np.sqrt(np.mean((_outputs_on_grid(x_test, w, b, coefs) - sine(x_test)) ** 2, axis=-1))
    return Generalisation(xs, ys, widths, train, test)


def _outputs_on_grid(x: np.ndarray, w: np.ndarray, b: np.ndarray, coefs: np.ndarray) -> np.ndarray:
    """Outputs ``sum_j v_j relu(w_j x + b_j) + c`` of stacked networks at sorted points ``x`` (n,).

    Unit j adds the line ``v_j (w_j x + b_j)`` on one side of its kink ``-b_j / w_j`` (the right
    if ``w_j > 0``) and 0 on the other. So the output is ``slope(x) x + offset(x) + c``, where
    slope and offset add up the lines of the units active at ``x``: they change only at kinks,
    and a running sum over the grid builds them in O(n + k) per network instead of O(n k).
    ``w, b`` (..., k) broadcast against ``coefs`` (..., k + 1), the output weights ``v`` then ``c``.
    """
    v, c = coefs[..., :-1], coefs[..., -1:]
    w, b = (np.broadcast_to(a, v.shape).reshape(-1, v.shape[-1]) for a in (w, b))
    n_nets, n = w.shape[0], x.size
    at_kink = np.searchsorted(x, -b / w)  # first point at or right of each kink (where relu is 0)
    start, stop = np.where(w > 0, at_kink, 0), np.where(w > 0, n, at_kink)  # active on [start, stop)
    row = np.arange(n_nets)[:, None] * (n + 1)

    def running_sum(values: np.ndarray) -> np.ndarray:  # (F, k) -> (F, n): total over active units
        changes = np.bincount((row + start).ravel(), values.ravel(), n_nets * (n + 1))
        changes -= np.bincount((row + stop).ravel(), values.ravel(), n_nets * (n + 1))
        return np.cumsum(changes.reshape(n_nets, n + 1)[:, :n], axis=1)

    v = v.reshape(-1, v.shape[-1])
    return (running_sum(v * w) * x + running_sum(v * b)).reshape(*c.shape[:-1], n) + c
