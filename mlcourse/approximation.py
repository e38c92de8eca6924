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
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from mlcourse.exercises.feedback import Feedback, correct, wrong
from mlcourse.figures import Plot, new_figure
from mlcourse.figures.style import MUTED, PALETTE, styled
from mlcourse.validation import as_float_array, as_int, as_number, as_rng

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
    if target not in TARGETS:
        raise ValueError(f"target must be one of {sorted(TARGETS)} or a function, got {target!r}")
    return TARGETS[target]


@dataclass(frozen=True)
class ReLUNetwork:
    """A one-input, one-output network with one hidden layer of ReLU units.

    Attributes
    ----------
    input_weights, input_biases : numpy.ndarray, shape (k,)
        Hidden unit j computes ``relu(input_weights[j] * x + input_biases[j])``.
    output_weights : numpy.ndarray, shape (k,)
        How much each hidden unit adds to the output.
    output_bias : float
        Added at the end.
    """

    input_weights: np.ndarray
    input_biases: np.ndarray
    output_weights: np.ndarray
    output_bias: float

    @property
    def n_hidden(self) -> int:
        """Number of hidden units k."""
        return int(self.input_weights.size)

    @property
    def n_parameters(self) -> int:
        """``3k + 1``: k input weights, k hidden biases, k output weights and one output bias."""
        return 3 * self.n_hidden + 1

    @property
    def kinks(self) -> np.ndarray:
        """Where each hidden unit bends, ``x = -b_j / w_j``; shape (k,)."""
        return -self.input_biases / self.input_weights

    def hidden(self, x) -> np.ndarray:
        """Hidden activations, shape (n, k), for inputs ``x`` of shape (n,)."""
        x = as_float_array(x, "x", ndim=1)
        return relu(np.outer(x, self.input_weights) + self.input_biases)

    def __call__(self, x) -> np.ndarray:
        """The network's output for inputs ``x`` of shape (n,); returns shape (n,)."""
        return self.hidden(x) @ self.output_weights + self.output_bias


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
    n_hidden = as_int(n_hidden, "n_hidden", low=1)
    rng = as_rng(rng)
    lo, hi = (as_number(v, "interval") for v in interval)
    if not lo < hi:
        raise ValueError(f"interval must be (low, high) with low < high, got {interval}")
    u = rng.random((n_hidden, 3))
    kinks = lo + (hi - lo) * u[:, 0]
    weights = np.where(u[:, 1] < 0.5, -1.0, 1.0) * (0.5 + 1.5 * u[:, 2])
    return weights, -weights * kinks


def fit_output_layer(x, y, input_weights, input_biases) -> ReLUNetwork:
    """Fit the output weights and bias by least squares, with the hidden layer fixed.

    The output is linear in ``(v, c)``, so minimising the squared error is a linear
    least-squares problem; ``numpy.linalg.lstsq`` solves it (the minimum-norm solution when
    there are more units than points).

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
        raise ValueError(f"x and y must have the same length, got {x.size} and {y.size}")
    w = as_float_array(input_weights, "input_weights", ndim=1)
    b = as_float_array(input_biases, "input_biases", ndim=1)
    if w.shape != b.shape:
        raise ValueError(f"input_weights and input_biases must have the same length, got {w.size} and {b.size}")
    if np.any(w == 0):
        raise ValueError("input_weights must be non-zero (a unit with weight 0 is a constant)")
    design = np.column_stack([relu(np.outer(x, w) + b), np.ones_like(x)])
    solution, *_ = np.linalg.lstsq(design, y, rcond=None)
    return ReLUNetwork(w, b, solution[:-1], float(solution[-1]))


def fit_random_relu(
    x, y, n_hidden: int, rng: np.random.Generator, interval: tuple[float, float] = INTERVAL
) -> ReLUNetwork:
    """A random hidden layer (:func:`random_hidden_layer`) plus a least-squares output layer."""
    w, b = random_hidden_layer(n_hidden, rng, interval)
    return fit_output_layer(x, y, w, b)


def grid(n: int, interval: tuple[float, float] = INTERVAL) -> np.ndarray:
    """``n`` evenly spaced points covering ``interval`` (ends included)."""
    return np.linspace(*interval, as_int(n, "n", low=2))


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
        """``3k + 1`` for each width."""
        return 3 * self.widths + 1


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
    grid points; this is the approximation error, not a test of generalisation.
    """
    f = _target(target)
    widths = np.array([as_int(k, "widths", low=1) for k in widths])
    n_repeats = as_int(n_repeats, "n_repeats", low=1)
    rng = as_rng(rng)
    x_train, x_test = grid(n_train), grid(n_test)
    y_train, y_test = f(x_train), f(x_test)
    rms = np.empty((widths.size, n_repeats))
    max_abs = np.empty_like(rms)
    for r in range(n_repeats):
        for i, k in enumerate(widths):
            error = fit_random_relu(x_train, y_train, int(k), rng)(x_test) - y_test
            rms[i, r] = np.sqrt(np.mean(error**2))
            max_abs[i, r] = np.max(np.abs(error))
    return ErrorCurve(str(target), widths, rms, max_abs)


@dataclass(frozen=True)
class Generalisation:
    """Training versus test error on a few noisy points (see :func:`train_test_errors`).

    Attributes
    ----------
    x_train, y_train : numpy.ndarray, shape (n_train,)
        The noisy training sample of the sine.
    widths : numpy.ndarray, shape (m,)
    train_rms, test_rms : numpy.ndarray, shape (m, n_repeats)
        RMS error on the training points, and against the true sine on a dense grid.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    widths: np.ndarray
    train_rms: np.ndarray
    test_rms: np.ndarray


def train_test_errors(
    widths: Sequence[int],
    rng: np.random.Generator,
    *,
    n_train: int = 12,
    noise: float = 0.2,
    n_repeats: int = 10,
) -> Generalisation:
    """Fit ``n_train`` noisy samples of the sine with networks of each width.

    The training points are drawn once (uniform inputs, Gaussian noise of standard deviation
    ``noise``); the hidden layer is redrawn ``n_repeats`` times per width.
    """
    widths = np.array([as_int(k, "widths", low=1) for k in widths])
    n_train = as_int(n_train, "n_train", low=2)
    noise = as_number(noise, "noise", low=0)
    n_repeats = as_int(n_repeats, "n_repeats", low=1)
    rng = as_rng(rng)
    x_train = np.sort(rng.uniform(*INTERVAL, size=n_train))
    y_train = sine(x_train) + noise * rng.standard_normal(n_train)
    x_test = grid(2001)
    train = np.empty((widths.size, n_repeats))
    test = np.empty_like(train)
    for r in range(n_repeats):
        for i, k in enumerate(widths):
            net = fit_random_relu(x_train, y_train, int(k), rng)
            train[i, r] = np.sqrt(np.mean((net(x_train) - y_train) ** 2))
            test[i, r] = np.sqrt(np.mean((net(x_test) - sine(x_test)) ** 2))
    return Generalisation(x_train, y_train, widths, train, test)


# --------------------------------------------------------------------------- figures


def plot_why_networks_work(n_hidden: int = 8) -> Plot:
    """The source page's "Why Neural Networks Work" diagram, computed: hinges add up to a curve.

    Left: one ReLU unit, a hinge. Middle: ``n_hidden`` hinges with evenly spaced kinks, each
    scaled by its least-squares output weight. Right: their sum (plus the output bias) against
    the sine it was fitted to.
    """
    k = as_int(n_hidden, "n_hidden", low=1, high=40)
    x = grid(400)
    kinks = np.linspace(*INTERVAL, k + 1)[:-1]
    net = fit_output_layer(grid(1000), sine(grid(1000)), np.ones(k), -kinks)
    fig = new_figure(10, 3.2)
    rms = float(np.sqrt(np.mean((net(x) - sine(x)) ** 2)))
    with styled():
        one, many, total = fig.subplots(1, 3, sharex=True)
        one.plot(x, relu(x - 0.5), color=PALETTE["blue"])
        one.annotate(
            "w = 1, b = -0.5:\nkink at x = -b/w = 0.5",
            (0.5, 0),
            (-2.9, 1.0),
            arrowprops={"arrowstyle": "-|>", "color": MUTED},
        )
        one.set_title("1. One unit: relu(w·x + b)", fontsize=11)
        contributions = net.hidden(x) * net.output_weights
        for j in range(net.n_hidden):
            many.plot(x, contributions[:, j], linewidth=1.4)
        many.set_title(f"2. {net.n_hidden} units, each × its weight", fontsize=11)
        total.plot(x, sine(x), color=MUTED, linestyle="--", label="target sin(x)")
        total.plot(x, net(x), color=PALETTE["vermillion"], label="sum of the units")
        for kink in net.kinks:
            total.axvline(kink, color=PALETTE["sky"], linewidth=0.8, zorder=0)
        total.set_title(f"3. Add them up: {net.n_parameters} parameters", fontsize=11)
        total.legend(loc="lower right", fontsize=8)
        for ax in (one, many, total):
            ax.set_xlabel("x")
            ax.set_xlim(*INTERVAL)
    return Plot(
        fig,
        f"Three panels. One ReLU unit is a hinge: zero, then a straight rise after its kink. "
        f"{net.n_hidden} such hinges with evenly spaced kinks, each scaled by an output weight, "
        f"are straight-line pieces. Added up they form a bent line that follows sin(x) on [-π, π] "
        f"with RMS error {rms:.2f}, using {net.n_parameters} parameters; more units give more bends.",
    )


def draw_fit(fig: Figure, n_hidden: int, target: str = "sine", seed: int = 0) -> None:
    """Draw a random ReLU network with ``n_hidden`` units fitted to ``target`` (the slider's frame)."""
    f = _target(target)
    x_train = grid(1000)
    net = fit_random_relu(x_train, f(x_train), n_hidden, np.random.default_rng(seed))
    x = grid(2001)
    rms = float(np.sqrt(np.mean((net(x) - f(x)) ** 2)))
    ax = fig.add_subplot()
    ax.plot(x, f(x), color=MUTED, linestyle="--", label=f"target: {target}")
    ax.plot(x, net(x), color=PALETTE["blue"], label="network")
    ax.plot(net.kinks, np.full(net.n_hidden, -1.35), "|", color=PALETTE["vermillion"], markersize=10, label="kinks")
    ax.set_xlim(*INTERVAL)
    ax.set_ylim(-1.5, 1.6)
    ax.set_xlabel("x")
    ax.set_ylabel("f(x)")
    units = "hidden unit" if net.n_hidden == 1 else "hidden units"
    ax.set_title(f"{net.n_hidden} {units}, {net.n_parameters} parameters: RMS error {rms:.3f}")
    ax.legend(loc="upper left", fontsize=8, ncol=3)


def plot_fit(n_hidden: int, target: str = "sine", seed: int = 0) -> Plot:
    """One fitted network against its target (the live widget's figure)."""
    f = _target(target)
    net = fit_random_relu(grid(1000), f(grid(1000)), n_hidden, np.random.default_rng(seed))
    x = grid(2001)
    rms = float(np.sqrt(np.mean((net(x) - f(x)) ** 2)))
    fig = new_figure()
    with styled():
        draw_fit(fig, n_hidden, target, seed)
    return Plot(
        fig,
        f"A one-hidden-layer ReLU network with {net.n_hidden} unit{'s' * (net.n_hidden != 1)} "
        f"({net.n_parameters} parameters) drawn over the {target} it was fitted to on [-π, π]: a bent line "
        f"with {net.n_hidden} kink{'s' * (net.n_hidden != 1)}, "
        f"RMS error {rms:.3f}.",
    )


def plot_error_vs_parameters(curves: Sequence[ErrorCurve]) -> Plot:
    """Mean RMS error (over the random draws) against parameter count, log-log, one line per target."""
    curves = list(curves)
    if not curves:
        raise ValueError("curves must hold at least one ErrorCurve")
    fig = new_figure(7, 3.6)
    with styled():
        ax = fig.add_subplot()
        for curve, marker in zip(curves, "osd^v", strict=False):
            mean = curve.rms.mean(axis=1)
            ax.plot(curve.n_parameters, curve.rms, marker, color=MUTED, markersize=2.5, alpha=0.6)
            ax.plot(curve.n_parameters, mean, marker + "-", label=f"{curve.target} (mean of {curve.rms.shape[1]})")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("parameters 3k + 1 (k hidden units)")
        ax.set_ylabel("RMS error on [-π, π]")
        ax.set_title("More hidden units, closer fit")
        ax.legend()
    parts = "; ".join(
        f"{c.target}: from {c.rms.mean(axis=1)[0]:.2g} with {c.n_parameters[0]} parameters to "
        f"{c.rms.mean(axis=1)[-1]:.2g} with {c.n_parameters[-1]}"
        for c in curves
    )
    return Plot(
        fig,
        f"Log-log plot of the approximation error against the number of parameters, for random ReLU "
        f"networks fitted by least squares; small grey dots are single draws, lines their mean. "
        f"The error falls steadily as parameters grow ({parts}); it falls fastest for the smooth sine.",
    )


def plot_fit_vs_generalise(result: Generalisation, n_hidden: int = 256, seed: int = 0) -> Plot:
    """Fitting the training points is not generalising.

    Left: the noisy training points, the true sine, and a wide network (``n_hidden`` units,
    hidden layer from ``np.random.default_rng(seed)``) fitted to them. Right: median training
    and test RMS error against width, from ``result``.
    """
    x = grid(1000)
    net = fit_random_relu(result.x_train, result.y_train, n_hidden, np.random.default_rng(seed))
    train = float(np.sqrt(np.mean((net(result.x_train) - result.y_train) ** 2)))
    test = float(np.sqrt(np.mean((net(x) - sine(x)) ** 2)))
    median_train = np.median(result.train_rms, axis=1)
    median_test = np.median(result.test_rms, axis=1)
    fig = new_figure(10, 3.6)
    with styled():
        left, right = fig.subplots(1, 2)
        left.plot(x, sine(x), color=MUTED, linestyle="--", label="true curve sin(x)")
        left.plot(x, net(x), color=PALETTE["vermillion"], label=f"{n_hidden} units: train {train:.1g}, test {test:.2f}")
        left.plot(result.x_train, result.y_train, "o", color=PALETTE["orange"], label="training points", zorder=3)
        left.set_ylim(-2.2, 2.2)
        left.set_xlim(*INTERVAL)
        left.set_xlabel("x")
        left.set_title(f"{result.x_train.size} noisy points, every one fitted", fontsize=11)
        left.legend(fontsize=8, loc="lower right")
        right.plot(result.widths, median_train, "o-", label="on the training points")
        right.plot(result.widths, median_test, "s-", label="against the true curve")
        right.set_xscale("log", base=2)
        right.set_ylim(bottom=0)
        right.set_xlabel("hidden units k")
        right.set_ylabel(f"RMS error (median of {result.train_rms.shape[1]})")
        right.set_title("Training error → 0, the true error does not", fontsize=11)
        right.legend(fontsize=8)
    return Plot(
        fig,
        f"Left: {result.x_train.size} noisy samples of sin(x) and a {n_hidden}-unit network that passes "
        f"through every one (RMS error {train:.1g} on them) but bends between and beyond them, missing "
        f"the true curve by {test:.2f}. Right: as the width grows from {result.widths[0]} to "
        f"{result.widths[-1]} units the median training error falls from {median_train[0]:.2f} to "
        f"{median_train[-1]:.1g}, while the error against the true curve stays between "
        f"{median_test.min():.2f} and {median_test.max():.2f}.",
    )


# --------------------------------------------------------------------------- exercise checkers


def check_relu_network_facts(n_parameters, max_kinks, n_hidden: int = 20) -> Feedback:
    """Check the parameter count (``3k + 1``) and the most kinks (``k``) of a 1-k-1 ReLU network."""
    k = as_int(n_hidden, "n_hidden", low=1)
    for value, name in ((n_parameters, "n_parameters"), (max_kinks, "max_kinks")):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            return wrong(f"{name} must be a whole number, got {value!r}")
    if n_parameters != 3 * k + 1:
        hints = {
            3 * k: "you left out the single output bias",
            2 * k + 1: "count three numbers per hidden unit: input weight, bias and output weight",
            2 * k: "each unit has an input weight, a bias and an output weight, and the output has a bias",
            4 * k + 1: "each hidden unit has one bias, not two",
        }
        hint = hints.get(n_parameters, "count per hidden unit, then add the output bias")
        return wrong(f"{n_parameters} parameters is not right for {k} hidden units: {hint}.")
    if max_kinks != k:
        hint = (
            "each unit relu(w·x + b) bends exactly once, at x = -b/w, and adding units adds bends"
            if max_kinks != k - 1
            else "k units can bend at k different places; nothing forces two kinks together"
        )
        return wrong(f"the parameter count is right, but {max_kinks} kinks is not the maximum: {hint}.")
    return correct(f"{3 * k + 1} parameters, and a bent line with at most {k} kinks.")
