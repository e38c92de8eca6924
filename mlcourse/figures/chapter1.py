"""Chapter 1's figures: a model is a function.

- :func:`plot_model_as_function`: the source page's "Model As Function" diagram;
- :func:`draw_line_fit` / :func:`plot_line_fit`: a line over chapter 1's five data points, with
  its mean squared error (the live widget and the scrubber draw it);
- :func:`plot_same_form`: one form, several parameter settings;
- :func:`plot_fruit_scores`: the toy classifier's raw scores for one fruit;
- :func:`plot_language_model`: a real language model as a function, text -> token ids ->
  f(ids; θ) -> logits, with the numbers the chapter computed.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from mlcourse import model
from mlcourse.figures.diagrams import draw_flow
from mlcourse.figures.plot import Plot, fixed_axes, new_figure
from mlcourse.figures.style import MUTED, PALETTE, styled
from mlcourse.losses import mse
from mlcourse.validation import as_float_array, as_number


def plot_model_as_function() -> Plot:
    """The source page's "Model As Function" diagram: input x -> f(x; θ) -> output y."""
    fig = new_figure(7.5, 2.6)
    with styled():
        (ax,) = fixed_axes(fig, left=0.05, right=0.05, bottom=0.05, top=0.05)  # a diagram: no labels around it
        draw_flow(
            ax,
            ["input x\n(features)", "model\n$f(x;\\,\\theta)$", "output y\n(prediction)"],
            highlight=[1],
            box_width=1.25,
            box_height=0.7,
            gap=0.7,
        )
        model_centre = 1.25 + 0.7 + 1.25 / 2
        ax.annotate(
            "parameters θ\n(weights, biases)\nset by training",
            xy=(model_centre, 0.85),
            xytext=(model_centre, 1.45),
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


def draw_line_fit(fig: Figure, *, w: float, b: float) -> float:
    """Draw the line y = w x + b over chapter 1's five data points (``model.LINE_DATA_X/Y``).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        An empty figure; one axes is added.
    w, b : float
        Weight (slope) and bias (intercept).

    Returns
    -------
    float
        The line's mean squared error on the data points (shown in the title).
    """
    w, b = as_number(w, "w"), as_number(b, "b")
    error = mse(model.linear(model.LINE_DATA_X, w, b), model.LINE_DATA_Y)
    x = np.linspace(-0.5, 4.5, 50)
    # Fixed margins (inches, see fixed_axes): the axis limits are fixed, so the tick labels are too.
    (ax,) = fixed_axes(fig, left=0.57, right=0.05, bottom=0.5, top=0.26)
    ax.scatter(model.LINE_DATA_X, model.LINE_DATA_Y, color=PALETTE["orange"], zorder=3, label="data")
    ax.plot(x, model.linear(x, w, b), color=PALETTE["blue"], label=f"y = {w:g}·x + {b:g}")
    ax.set_title(f"w = {w:g}, b = {b:g}: mean squared error {error:.2f}")
    ax.set_xlabel("x (input feature)")
    ax.set_ylabel("y (output)")
    ax.set_xlim(-0.5, 4.5)
    ax.set_ylim(-4, 14)
    ax.legend(loc="upper left")
    return error


def plot_line_fit(w: float, b: float) -> Plot:
    """One line y = w x + b over chapter 1's data, with its error (the live widget's figure)."""
    fig = new_figure()
    with styled():
        error = draw_line_fit(fig, w=w, b=b)
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
        Lines to draw on the left panel; at least one.
    coef_sets : sequence of coefficient sequences
        Polynomials (lowest power first) for the right panel, all of one degree; at least one.
    """
    lines = as_float_array(params, "params", ndim=2)
    if lines.shape[1] != 2:
        raise ValueError(f"params must be (w, b) pairs, got shape {lines.shape}")
    curves = as_float_array(coef_sets, "coef_sets", ndim=2)
    degree = curves.shape[1] - 1
    fig = new_figure(9, 3.4)
    x = np.linspace(-2, 2, 200)
    with styled():
        left, right = fixed_axes(fig, [1, 1], left=0.57, gap=0.62, right=0.05, bottom=0.49, top=0.25)
        for w, b in lines:
            left.plot(x, model.linear(x, w, b), label=f"w={w:g}, b={b:g}")
        left.set_title("Same form y = w·x + b")
        for coefs in curves:
            label = ", ".join(f"c{i}={c:g}" for i, c in enumerate(coefs))
            right.plot(x, model.polynomial(x, coefs), label=label)
        right.set_title(f"Same form: polynomial of degree {degree}")
        for ax in (left, right):
            ax.set_xlabel("x")
            ax.set_ylabel("y")
            ax.legend(fontsize=8, loc="best")
    return Plot(
        fig,
        f"Left: {len(lines)} straight lines of the form y = w·x + b with different slopes and "
        f"intercepts. Right: {len(curves)} polynomial curves of degree {degree} with different "
        "coefficients. Each family has one form; only the parameter values differ.",
    )


def plot_fruit_scores(mass_g: float, elongation: float) -> Plot:
    """Bar chart of the toy classifier's raw scores for one fruit (see ``model.fruit_scores``)."""
    scores = model.fruit_scores(mass_g, elongation)
    winner = model.FRUIT_CLASSES[int(np.argmax(scores))]
    fig = new_figure(6, 3)
    with styled():
        (ax,) = fixed_axes(fig, left=0.57, right=0.05, bottom=0.29, top=0.26)
        colors = [PALETTE["vermillion"] if c == winner else PALETTE["sky"] for c in model.FRUIT_CLASSES]
        ax.bar(model.FRUIT_CLASSES, scores, color=colors)
        ax.axhline(0, color=MUTED, linewidth=1)
        ax.set_ylabel("score (logit)")
        ax.set_title(f"A {mass_g:g} g fruit with elongation {elongation:g}: highest score is {winner}")
    parts = ", ".join(f"{c} {s:.2f}" for c, s in zip(model.FRUIT_CLASSES, scores, strict=True))
    return Plot(
        fig,
        f"Bar chart of the classifier's raw scores for a {mass_g:g} gram fruit with elongation "
        f"{elongation:g}: {parts}. The tallest bar, {winner}, is the prediction.",
    )


def plot_language_model(
    prompt: str,
    ids: Sequence[int],
    logits_shape: Sequence[int],
    n_parameters: int,
    top_tokens: Sequence[str],
    top_logits: Sequence[float],
) -> Plot:
    """A language model drawn as a function: text -> token ids -> f(ids; θ) -> logits.

    Every number comes from the caller (chapter 1 computes them with SmolLM2); the figure only
    draws them.

    Parameters
    ----------
    prompt : str
        The text fed in.
    ids : sequence of int
        Its token ids, one per token.
    logits_shape : (int, int)
        Shape of the model's output: (number of tokens, vocabulary size).
    n_parameters : int
        Number of parameters θ of the model.
    top_tokens : sequence of str
        The most likely next tokens after the prompt, best first (at least one).
    top_logits : sequence of float
        Their logits, same length as ``top_tokens``.
    """
    if not isinstance(prompt, str) or not prompt:
        raise TypeError(f"prompt must be a non-empty str, got {prompt!r}")
    ids = [int(i) for i in as_float_array(ids, "ids", ndim=1)]
    shape = tuple(int(n) for n in as_float_array(logits_shape, "logits_shape", ndim=1))
    if len(shape) != 2 or shape[0] != len(ids):
        raise ValueError(f"logits_shape must be (len(ids), vocabulary size) = ({len(ids)}, V), got {shape}")
    n_parameters = int(as_number(n_parameters, "n_parameters", low=1))
    values = as_float_array(top_logits, "top_logits", ndim=1)
    if isinstance(top_tokens, str) or len(top_tokens) != len(values) or len(values) == 0:
        raise ValueError("top_tokens and top_logits must be sequences of the same, non-zero length")
    tokens = [repr(t) for t in top_tokens]
    fig = new_figure(10, 4.6)
    with styled():
        # Fixed margins (inches; fixed_axes places axes side by side only): the diagram above the
        # bars, in the same column; its equal aspect centres it in its box.
        fig.set_layout_engine("none")
        flow = fig.add_axes((0.93 / 10, 2.62 / 4.6, 8.97 / 10, 1.94 / 4.6))
        bars = fig.add_axes((0.93 / 10, 0.57 / 4.6, 8.97 / 10, 1.74 / 4.6))
        id_text = ", ".join(str(i) for i in ids)
        draw_flow(
            flow,
            [
                # values wrapped to stay inside their boxes (text below the floor is enlarged)
                "text\n" + textwrap.fill(repr(prompt), 17),
                "token ids\n" + textwrap.fill(f"[{id_text}]", 17),
                f"model $f(\\mathrm{{ids}};\\,\\theta)$\n{n_parameters:,}\nparameters",
                f"logits\n{shape[0]} × {shape[1]:,}\n(a score per token)",
            ],
            highlight=[2],
            box_width=2.3,
            box_height=1.25,
            gap=0.45,
            fontsize=9,
        )
        y = np.arange(len(values))[::-1]
        bars.barh(y, values, color=[PALETTE["vermillion"]] + [PALETTE["sky"]] * (len(values) - 1))
        bars.set_yticks(y, tokens)
        bars.set_xlabel("logit of the next token (last position)")
        bars.set_title(f"Highest of the {shape[1]:,} logits after {prompt!r}", fontsize=10)
        for yi, v in zip(y, values, strict=True):
            bars.text(v, yi, f" {v:.1f}", va="center", fontsize=8)
        bars.set_xlim(min(0.0, values.min()), values.max() * 1.12)
    listing = ", ".join(f"{t} {v:.1f}" for t, v in zip(tokens, values, strict=True))
    return Plot(
        fig,
        f"Diagram of a language model as a function. The text {prompt!r} becomes {len(ids)} token ids "
        f"[{id_text}], which go into the model f(ids; θ) with {n_parameters:,} parameters; out come "
        f"logits of shape {shape[0]} by {shape[1]:,}, one score for every vocabulary token at each "
        f"position. Below, a bar chart of the highest next-token logits after the prompt: {listing}.",
    )
