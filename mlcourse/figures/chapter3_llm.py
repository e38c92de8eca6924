"""Chapter 3's figures of a real language model's next-token logits (SmolLM2 on the page).

The functions take the logits (one row of ``V`` numbers, computed once by the chapter) and a
``decode`` callable that turns a list of token ids into text (like the model's own ``decode``),
so they never run a model themselves: the offline scrubber passes the same logits to every
frame, and tests pass made-up logits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import text_to_path

from mlcourse.decoding import filter_logits
from mlcourse.decoding import temperature as scale_logits
from mlcourse.figures.plot import Plot, fixed_axes, min_font_pt, new_figure
from mlcourse.figures.style import MUTED, PALETTE, styled
from mlcourse.softmax import as_logits, entropy, softmax
from mlcourse.validation import as_float_array, as_int, as_number


def token_label(text: str) -> str:
    """A token's text made visible: a leading space as ``␣``, a newline as ``\\n``."""
    return str(text).replace(" ", "␣").replace("\n", "\\n")


def _row(logits: Any) -> np.ndarray:
    z = as_logits(logits)
    if z.ndim != 1:
        raise ValueError(f"logits must be one row of next-token logits (1-D), got shape {z.shape}")
    return z


def _decoder(decode: Any) -> Callable[[int], str]:
    if not callable(decode):
        raise TypeError(f"decode must be a function from a list of token ids to text, got {type(decode).__name__}")
    return lambda i: token_label(decode([int(i)]))


def _short(prompt: str, width: int = 40) -> str:
    text = str(prompt).replace("\n", " ")
    return text if len(text) <= width else "…" + text[-(width - 1) :]


def _label_room(fig: Figure, labels: Sequence[str], fontsize: float = 10, rotation: float | None = None) -> float:
    """Margin (inches) that holds ``labels`` as tick labels at ``fontsize`` in ``fig``.

    Without ``rotation``, y tick labels: the margin holds their width. With it, x tick labels
    turned by ``rotation`` degrees: the margin holds their height once turned. Tokens differ in
    width from prompt to prompt, so the margin is measured from the font (at the figure's
    readable floor, as when it is rendered) rather than by a layout pass over the whole drawn
    figure: the widest label, its tick and a little air, at most a third of the figure's width
    (a few tokens are runs of 60-80 symbols).
    """
    size = max(fontsize, min_font_pt(fig.get_figwidth()))
    prop = FontProperties(size=size)
    width = max(text_to_path.get_text_width_height_descent(text, prop, ismath=False)[0] for text in labels) / 72
    if rotation is not None:
        turned = np.radians(rotation)
        width = float(width * np.sin(turned) + 1.2 * size / 72 * np.cos(turned))
    return min(width + 0.2, fig.get_figwidth() / 3)


def _bars(ax, labels: list[str], probs: np.ndarray, kept: np.ndarray) -> None:
    """Horizontal bars, most likely on top; kept tokens in blue, cut ones in grey."""
    pos = np.arange(len(labels))[::-1]
    colors = [PALETTE["blue"] if k else MUTED for k in kept]
    ax.barh(pos, probs, color=colors)
    ax.set_yticks(pos, labels, fontsize=10)
    for y, v in zip(pos, probs, strict=True):
        ax.text(v + 0.01, y, f"{v:.1%}", va="center", fontsize=8)
    ax.set_xlim(0, 1.12)
    ax.set_xlabel("probability")


def draw_next_token(
    fig: Figure,
    *,
    logits,
    decode,
    prompt: str,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    top: int = 10,
) -> dict[str, Any]:
    """The ``top`` most likely next tokens at ``temperature``; those top-k/top-p cut are grey.

    Temperature first, then top-k, then top-p (Hugging Face's order).

    Returns
    -------
    dict
        ``tokens`` (labels, most likely first), ``probs`` (their probabilities at
        ``temperature``, before filtering), ``greedy`` (the argmax's label), ``kept`` (how many
        of all ``V`` tokens survive the filters) and ``nats`` (the entropy at ``temperature``).
    """
    z = _row(logits)
    label = _decoder(decode)
    t = as_number(temperature, "temperature", low=0.0)
    top = as_int(top, "top", low=1, high=z.size)
    p = softmax(z, temperature=t)
    kept = np.isfinite(filter_logits(scale_logits(z, t), top_k=top_k, top_p=top_p))
    order = np.argsort(-z, kind="stable")[:top]
    labels = [label(i) for i in order]
    h = entropy(p)
    (ax,) = fixed_axes(fig, left=_label_room(fig, labels), right=0.04, bottom=0.49, top=0.23)  # inches
    _bars(ax, labels, p[order], kept[order])
    ax.set_title(f"{_short(prompt)!r} at T = {t:g}: entropy {h:.2f} nats", fontsize=10)
    filters = [f"top-k {top_k}" if top_k else "", f"top-p {top_p:g}" if top_p else ""]
    note = " + ".join(f for f in filters if f) or "no filter"
    ax.text(
        0.98,
        0.04,
        f"greedy: {labels[0]}\n{note} keeps {int(kept.sum()):,} of {z.size:,}",
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=9,
    )
    return {"tokens": labels, "probs": p[order], "greedy": labels[0], "kept": int(kept.sum()), "nats": h}


def plot_next_token(
    logits,
    decode,
    prompt: str,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    top: int = 10,
) -> Plot:
    """A real model's next-token distribution after ``prompt``: the ``top`` tokens, filters marked."""
    fig = new_figure(7, 3.8)
    with styled():
        shown = draw_next_token(
            fig, logits=logits, decode=decode, prompt=prompt, temperature=temperature, top_k=top_k, top_p=top_p, top=top
        )
    parts = ", ".join(f"{t} {q:.1%}" for t, q in zip(shown["tokens"], shown["probs"], strict=True))
    filters = "" if top_k is None and top_p is None else f" The filters keep {shown['kept']:,} tokens (blue)."
    return Plot(
        fig,
        f"Horizontal bar chart of the {top} most likely next tokens after {prompt!r} at temperature "
        f"{temperature:g} (␣ marks a leading space): {parts}. Entropy {shown['nats']:.2f} nats.{filters}",
    )


def plot_entropy_pair(logits_a, logits_b, decode, prompts: Sequence[str], top: int = 8) -> Plot:
    """Two prompts' next-token distributions side by side, each titled with its entropy."""
    rows = [_row(logits_a), _row(logits_b)]
    if isinstance(prompts, str) or len(prompts) != 2:
        raise ValueError("prompts must be a sequence of two prompts, one per row of logits")
    label = _decoder(decode)
    top = as_int(top, "top", low=1, high=min(r.size for r in rows))
    fig = new_figure(10, 3.6)
    found = []
    with styled():
        orders = [np.argsort(-z, kind="stable")[:top] for z in rows]
        names = [[label(i) for i in order] for order in orders]
        room = [_label_room(fig, labels) for labels in names]
        axes = fixed_axes(fig, [1, 1], left=room[0], gap=room[1], right=0.04, bottom=0.52, top=0.46)
        for ax, z, prompt, order, labels in zip(axes, rows, prompts, orders, names, strict=True):
            p = softmax(z)
            _bars(ax, labels, p[order], np.ones(top, bool))
            h = entropy(p)
            ax.set_title(f"{_short(prompt, 32)!r}\nentropy {h:.2f} nats", fontsize=10)
            found.append((h, label(order[0]), float(p[order[0]])))
    (ha, ta, pa), (hb, tb, pb) = found
    return Plot(
        fig,
        f"Two bar charts of next-token probabilities. After {prompts[0]!r} the top token {ta} has "
        f"{pa:.0%} and the entropy is {ha:.2f} nats; after {prompts[1]!r} the top token {tb} has "
        f"{pb:.0%} and the entropy is {hb:.2f} nats.",
    )


def plot_surprisal(texts: dict[str, tuple[Sequence[str], Any]]) -> Plot:
    """Per-token surprisal ``-log p`` (nats) of a few texts, one row each, with perplexity.

    Parameters
    ----------
    texts : dict
        Name -> (token labels, surprisals): the tokens that were predicted and their
        ``-log p`` under the model, equal lengths.
    """
    if not isinstance(texts, dict) or not texts:
        raise TypeError("texts must be a non-empty dict: name -> (token labels, surprisals)")
    rows = {}
    for name, (tokens, nll) in texts.items():
        s, labels = as_float_array(nll, "surprisals"), [token_label(t) for t in tokens]
        if s.ndim != 1 or len(labels) != s.size:
            raise ValueError(f"{name}: need one surprisal per token, got {len(labels)} tokens, shape {s.shape}")
        rows[name] = (s, labels)
    n, height = len(rows), 2.2 * len(rows) + 0.6
    fig = new_figure(10, height)
    summary = []
    with styled():
        # Fixed margins (inches; fixed_axes places axes side by side only): one row per text, with
        # room below it for its turned token labels and above it for its title.
        fig.set_layout_engine("none")
        below = max([0.84] + [_label_room(fig, labels, 8, rotation=60) for _s, labels in rows.values()])
        below = min(below, height / n - 0.85)  # each row keeps 0.6 inch of bars under its title
        row = height / n - below - 0.25
        bottoms = [below + (n - 1 - i) * (row + below + 0.25) for i in range(n)]  # first text on top
        axes = [fig.add_axes((0.06, y / height, 0.936, row / height)) for y in bottoms]
        for ax in axes[1:]:
            ax.sharey(axes[0])
        for ax, (name, (s, labels)) in zip(axes, rows.items(), strict=True):
            ppl = float(np.exp(s.mean()))
            ax.bar(np.arange(s.size), s, color=PALETTE["vermillion"])
            ax.axhline(s.mean(), color=MUTED, linestyle="--", linewidth=1)
            ax.set_xticks(np.arange(s.size), labels, rotation=60, fontsize=8)
            ax.set_ylabel("-log p (nats)")
            ax.set_title(f"{name}: mean {s.mean():.2f} nats, perplexity {ppl:.1f}", fontsize=10)
            summary.append(f"{name}: mean {s.mean():.2f} nats, perplexity {ppl:.1f}")
    return Plot(
        fig,
        "Bar charts of how surprised the model is by each next token (-log p in nats), one row per "
        "text, with the mean dashed. " + "; ".join(summary) + ".",
    )
