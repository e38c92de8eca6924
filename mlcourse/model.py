"""A model is a function: y = f(x; θ), a fixed form with adjustable parameters θ.

The functions here are the models of chapter 1, written out so you can read them:
a line, a polynomial and a small linear classifier that outputs raw scores (logits).
Chapter 1's figures and exercise checkers live here too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from matplotlib.figure import Figure

from mlcourse.exercises.feedback import Feedback, correct, wrong
from mlcourse.figures import Plot, new_figure
from mlcourse.figures.diagrams import draw_flow
from mlcourse.figures.style import MUTED, PALETTE, styled
from mlcourse.validation import as_float_array, as_number

# --------------------------------------------------------------------------- models


def linear(x, w: float, b: float) -> np.ndarray:
    """The line ``y = w * x + b``.

    Parameters
    ----------
    x : array_like, shape (n,) or scalar
        Inputs (one feature each).
    w : float
        Weight: how much y changes per unit of x (the slope).
    b : float
        Bias: the output when x = 0 (the intercept).

    Returns
    -------
    numpy.ndarray, same shape as ``x``
        Outputs.
    """
    x = as_float_array(x, "x")
    w = as_number(w, "w")
    b = as_number(b, "b")
    return w * x + b


def polynomial(x, coefs: Sequence[float]) -> np.ndarray:
    """The polynomial ``y = c0 + c1 x + c2 x**2 + ...`` with parameters ``coefs``.

    Parameters
    ----------
    x : array_like, shape (n,) or scalar
        Inputs.
    coefs : sequence of float, length degree + 1
        Parameters, lowest power first (``numpy.polynomial`` order).

    Returns
    -------
    numpy.ndarray, same shape as ``x``
    """
    x = as_float_array(x, "x")
    coefs = as_float_array(coefs, "coefs", ndim=1)
    return np.polynomial.polynomial.polyval(x, coefs)


def linear_scores(X, W, b) -> np.ndarray:
    """Raw class scores (logits) of a linear classifier: ``X @ W + b``.

    Parameters
    ----------
    X : array_like, shape (n_samples, n_features)
        Feature vectors, one row per input.
    W : array_like, shape (n_features, n_classes)
        Weights: column k says how much each feature counts towards class k.
    b : array_like, shape (n_classes,)
        Biases: each class's score before any feature is read.

    Returns
    -------
    numpy.ndarray, shape (n_samples, n_classes)
        One unnormalised score per class. The largest score is the prediction; chapter 3
        turns scores into probabilities with softmax.
    """
    X = as_float_array(X, "X", ndim=2)
    W = as_float_array(W, "W", ndim=2)
    b = as_float_array(b, "b", ndim=1)
    if X.shape[1] != W.shape[0]:
        raise ValueError(f"X has {X.shape[1]} features per row but W expects {W.shape[0]} (W.shape[0])")
    if b.shape[0] != W.shape[1]:
        raise ValueError(f"b has {b.shape[0]} entries but W has {W.shape[1]} classes (W.shape[1])")
    return X @ W + b


def count_parameters(*arrays) -> int:
    """Total number of parameter values in the given arrays or numbers."""
    return int(sum(np.size(a) for a in arrays))


# --------------------------------------------------------------------------- a worked example

#: Chapter 1's toy classifier: fruit described by two features.
FRUIT_FEATURES = ("mass (g)", "elongation (length / width)")
FRUIT_CLASSES = ("apple", "banana", "orange")
#: Hand-set weights (features x classes) and biases (classes) of the toy classifier.
FRUIT_W = np.array([[0.02, -0.01, 0.04], [-2.0, 3.0, -2.5]])
FRUIT_B = np.array([1.0, -3.0, -1.5])


def fruit_scores(mass_g, elongation) -> np.ndarray:
    """Scores of the toy fruit classifier for one fruit; shape (3,), order ``FRUIT_CLASSES``."""
    X = np.array([[as_number(mass_g, "mass_g", low=0), as_number(elongation, "elongation", low=0)]])
    return linear_scores(X, FRUIT_W, FRUIT_B)[0]


# --------------------------------------------------------------------------- figures


def plot_model_as_function() -> Plot:
    """The source page's "Model As Function" diagram: input x -> f(x; θ) -> output y."""
    fig = new_figure(7.5, 2.6)
    with styled():
        ax = fig.add_subplot()
        draw_flow(
            ax,
            ["input x\n(features)", "model\n$f(x;\\,\\theta)$", "output y\n(prediction)"],
            highlight=[1],
            box_width=1.25,
            box_height=0.7,
            gap=0.7,
        )
        ax.annotate(
            "parameters θ\n(weights, biases)\nset by training",
            xy=(1.95 + 0.625, 0.85),
            xytext=(1.95 + 0.625, 1.45),
            ha="center",
            va="bottom",
            arrowprops={"arrowstyle": "-|>", "color": MUTED},
            fontsize=10,
            color=MUTED,
        )
        ax.update_datalim([(0, 1.95)])
        ax.autoscale_view()
    return Plot(
        fig,
        "Diagram: an input x, its features, flows into a box labelled f(x; θ), the model, which "
        "produces an output y, the prediction. Parameters θ (weights and biases), set by training, "
        "feed into the model box from above.",
    )


#: Points the line figures show, so a reader can see which parameters fit them.
LINE_DATA_X = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
LINE_DATA_Y = np.array([1.1, 2.9, 5.2, 6.8, 9.1])


def draw_line(fig: Figure, params: tuple[float, float]) -> None:
    """Draw the line y = w x + b for ``params = (w, b)`` with chapter 1's data points."""
    w, b = params
    ax = fig.add_subplot()
    x = np.linspace(-0.5, 4.5, 50)
    ax.scatter(LINE_DATA_X, LINE_DATA_Y, color=PALETTE["orange"], zorder=3, label="data")
    ax.plot(x, linear(x, w, b), color=PALETTE["blue"], label=f"y = {w:g}·x + {b:g}")
    error = np.mean((linear(LINE_DATA_X, w, b) - LINE_DATA_Y) ** 2)
    ax.set_title(f"w = {w:g}, b = {b:g}: mean squared error {error:.2f}")
    ax.set_xlabel("x (input feature)")
    ax.set_ylabel("y (output)")
    ax.set_xlim(-0.5, 4.5)
    ax.set_ylim(-4, 14)
    ax.legend(loc="upper left")


def plot_line(w: float, b: float) -> Plot:
    """One line y = w x + b against chapter 1's data (the live widget's figure)."""
    fig = new_figure()
    with styled():
        draw_line(fig, (w, b))
    error = np.mean((linear(LINE_DATA_X, w, b) - LINE_DATA_Y) ** 2)
    return Plot(
        fig,
        f"The line y = {w:g}x + {b:g} drawn over five data points that rise from about 1 to 9 "
        f"as x goes from 0 to 4; its mean squared error on them is {error:.2f}.",
    )


def plot_same_form(params: Sequence[tuple[float, float]], coef_sets: Sequence[Sequence[float]]) -> Plot:
    """Two model families, each drawn with several parameter settings.

    Parameters
    ----------
    params : sequence of (w, b)
        Lines to draw on the left panel.
    coef_sets : sequence of coefficient sequences
        Polynomials (lowest power first) for the right panel.
    """
    fig = new_figure(9, 3.4)
    x = np.linspace(-2, 2, 200)
    with styled():
        left, right = fig.subplots(1, 2)
        for w, b in params:
            left.plot(x, linear(x, w, b), label=f"w={w:g}, b={b:g}")
        left.set_title("Same form y = w·x + b")
        for coefs in coef_sets:
            label = ", ".join(f"c{i}={c:g}" for i, c in enumerate(coefs))
            right.plot(x, polynomial(x, coefs), label=label)
        right.set_title(f"Same form: polynomial of degree {max(len(c) for c in coef_sets) - 1}")
        for ax in (left, right):
            ax.set_xlabel("x")
            ax.set_ylabel("y")
            ax.legend(fontsize=8, loc="best")
    return Plot(
        fig,
        f"Left: {len(params)} straight lines of the form y = w·x + b with different slopes and "
        f"intercepts. Right: {len(coef_sets)} polynomial curves of one degree with different "
        "coefficients. Each family has one form; only the parameter values differ.",
    )


def plot_fruit_scores(mass_g: float, elongation: float) -> Plot:
    """Bar chart of the toy classifier's raw scores for one fruit."""
    scores = fruit_scores(mass_g, elongation)
    winner = FRUIT_CLASSES[int(np.argmax(scores))]
    fig = new_figure(6, 3)
    with styled():
        ax = fig.add_subplot()
        colors = [PALETTE["vermillion"] if c == winner else PALETTE["sky"] for c in FRUIT_CLASSES]
        ax.bar(FRUIT_CLASSES, scores, color=colors)
        ax.axhline(0, color=MUTED, linewidth=1)
        ax.set_ylabel("score (logit)")
        ax.set_title(f"A {mass_g:g} g fruit with elongation {elongation:g}: highest score is {winner}")
    parts = ", ".join(f"{c} {s:.2f}" for c, s in zip(FRUIT_CLASSES, scores, strict=True))
    return Plot(
        fig,
        f"Bar chart of the classifier's raw scores for a {mass_g:g} gram fruit with elongation "
        f"{elongation:g}: {parts}. The tallest bar, {winner}, is the prediction.",
    )


# --------------------------------------------------------------------------- exercise checkers


def check_predict(predict: Callable) -> Feedback:
    """Check the reader's ``predict(x, w, b)``, which should compute ``w * x + b``.

    Tries a scalar and an array, says which case fails and suggests the likely mistake.
    """
    if not callable(predict):
        return wrong(f"pass your function itself (predict, not predict(...)); got {type(predict).__name__}")
    cases = [(0.0, 2.0, 1.0), (3.0, 2.0, 0.0), (2.0, -1.5, 4.0)]
    for x, w, b in cases:
        try:
            got = predict(x, w, b)
        except Exception as exc:  # the reader's code may raise anything
            return wrong(f"predict({x}, {w}, {b}) raised {type(exc).__name__}: {exc}")
        expected = w * x + b
        if not np.isclose(got, expected):
            hint = ""
            if np.isclose(got, w * x):
                hint = " It equals w·x: add the bias b."
            elif np.isclose(got, x + b) or np.isclose(got, w + b):
                hint = " Multiply the input by the weight: w·x."
            elif x == 0.0:
                hint = " At x = 0 the output must be the bias b."
            return wrong(f"predict({x}, w={w}, b={b}) returned {got!r}, expected {expected}.{hint}")
    x = np.array([-1.0, 0.0, 1.0, 2.0])
    try:
        got = np.asarray(predict(x, 0.5, -1.0), dtype=float)
    except Exception as exc:
        return wrong(f"predict on an array of inputs raised {type(exc).__name__}: {exc}. Use numpy arithmetic.")
    if got.shape != x.shape or not np.allclose(got, 0.5 * x - 1.0):
        return wrong(
            f"predict(np.array({x.tolist()}), 0.5, -1.0) returned {got.tolist()}, "
            f"expected {(0.5 * x - 1.0).tolist()}: one output per input."
        )
    return correct("predict computes y = w·x + b for single inputs and for arrays.")


def check_line_through(w: float, b: float, points=((1.0, 3.0), (3.0, 7.0))) -> Feedback:
    """Check that the line y = w x + b passes through every point in ``points``."""
    try:
        w = as_number(w, "w")
        b = as_number(b, "b")
    except (TypeError, ValueError) as exc:
        return wrong(str(exc))
    for x, y in points:
        got = w * x + b
        if not np.isclose(got, y):
            (x1, y1), (x2, y2) = points[0], points[-1]
            slope = (y2 - y1) / (x2 - x1)
            hint = (
                f" The slope w is rise over run, ({y2:g} - {y1:g}) / ({x2:g} - {x1:g})."
                if not np.isclose(w, slope)
                else f" The slope is right; now choose b so that {w:g}·{x1:g} + b = {y1:g}."
            )
            return wrong(f"at x = {x:g} your line gives {got:g}, but the point is ({x:g}, {y:g}).{hint}")
    return correct(f"y = {w:g}·x + {b:g} passes through all {len(points)} points.")
