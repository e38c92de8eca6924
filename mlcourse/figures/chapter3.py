"""Chapter 3's figures: logits, softmax numerics, temperature, filtering and sampling.

Every ``plot_*`` returns a :class:`~mlcourse.figures.Plot` (figure plus alt text). The
``draw_*`` functions draw on a given figure for the live widget and the offline scrubber
(``draw(fig, **frame)``), and return the numbers their alt text needs.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch

from mlcourse.decoding import EXAMPLE_LOGITS, EXAMPLE_TOKENS, filter_logits, sample
from mlcourse.figures.diagrams import draw_flow
from mlcourse.figures.log_axes import plain_log
from mlcourse.figures.plot import Plot, fixed_axes, new_figure
from mlcourse.figures.style import INK, MUTED, PALETTE, styled
from mlcourse.ngram import CharNGram
from mlcourse.softmax import as_logits, entropy, naive_softmax, overflow_threshold, softmax
from mlcourse.validation import as_int, as_number


def _token_labels(labels: Any, n: int) -> list[str]:
    if labels is None:
        return [str(i) for i in range(n)]
    if isinstance(labels, (str, bytes)):
        raise TypeError("labels must be a sequence of names, one per logit, not a single string")
    labels = [str(s) for s in labels]
    if len(labels) != n:
        raise ValueError(f"labels must have one entry per logit ({n}), got {len(labels)}")
    return labels


#: Left edge and width (inches) of plot_logits_to_probabilities' three panels in its 9.5-inch figure.
_LOGIT_PANELS = ((0.71, 3.13), (3.93, 1.77), (6.33, 3.13))


def plot_logits_to_probabilities(logits, labels=None) -> Plot:
    """The source page's "Logits to Probabilities" diagram, drawn with real numbers.

    Left: the logits as bars (any sign); middle: the softmax step; right: the probabilities.

    Parameters
    ----------
    logits : array_like, shape (V,)
    labels : sequence of str, length V, optional
    """
    z = as_logits(logits)
    if z.ndim != 1:
        raise ValueError(f"logits must be one vector (1-D), got shape {z.shape}")
    names = _token_labels(labels, z.size)
    p = softmax(z)
    fig = new_figure(9.5, 3.4)
    with styled():
        # Fixed margins (inches, see fixed_axes), the ones constrained layout chose: the diagram
        # sits close to the logits and leaves room for the probabilities' label on its right.
        fig.set_layout_engine("none")
        left, mid, right = (fig.add_axes((x / 9.5, 0.29 / 3.4, w / 9.5, 2.86 / 3.4)) for x, w in _LOGIT_PANELS)
        pos = np.arange(z.size)
        left.bar(pos, z, color=[PALETTE["vermillion"] if v < 0 else PALETTE["sky"] for v in z])
        left.axhline(0, color=MUTED, linewidth=1)
        left.set_xticks(pos, names)
        left.set_title("logits: raw scores, any real number")
        left.set_ylabel("logit $z_i$")
        for i, v in enumerate(z):
            left.text(i, v, f"{v:.2g}", ha="center", va="bottom" if v >= 0 else "top", fontsize=9)
        pad = 0.25 * max(np.ptp(z), 1.0)
        left.set_ylim(min(z.min(), 0) - pad, max(z.max(), 0) + pad)
        draw_flow(mid, ["softmax"], highlight=[0], box_width=1.5, box_height=0.7, fontsize=12)
        mid.text(0.75, -0.05, "$p_i = e^{z_i} / \\sum_j e^{z_j}$", ha="center", va="top", fontsize=11)
        for x0, x1 in ((-0.5, -0.05), (1.55, 2.0)):
            mid.add_patch(FancyArrowPatch((x0, 0.5), (x1, 0.5), arrowstyle="-|>", mutation_scale=16, color=INK))
        mid.update_datalim([(-0.55, -0.45), (2.05, 1.0)])
        mid.autoscale_view()
        right.bar(pos, p, color=PALETTE["blue"])
        right.set_xticks(pos, names)
        right.set_ylim(0, 1.08)
        right.set_ylabel("probability $p_i$")
        right.set_title(f"probabilities: in [0, 1], sum = {p.sum():.0f}")
        for i, v in enumerate(p):
            right.text(i, v + 0.02, f"{v:.2f}", ha="center", va="bottom", fontsize=9)
    parts = ", ".join(f"{n} {a:.2g} -> {b:.2f}" for n, a, b in zip(names, z, p, strict=True))
    return Plot(
        fig,
        f"Diagram: logit bars on the left pass through a softmax box and become probability bars "
        f"on the right that sum to 1 ({parts}). The largest logit gets the largest probability; "
        "negative logits still get a positive probability.",
    )


def plot_overflow(max_logit: float = 1000.0) -> Plot:
    """Naive softmax against the stable one as the logits grow: where float32 and float64 break.

    The logits are ``[m, m - 1, m - 2]`` for a largest logit ``m`` from 0 to ``max_logit``;
    softmax should not depend on ``m`` at all (shift invariance).
    """
    max_logit = as_number(max_logit, "max_logit", low=100.0)
    m = np.linspace(0.0, max_logit, 801)
    z = m[:, None] - np.array([0.0, 1.0, 2.0])
    stable = softmax(z)[:, 0]
    naive64 = naive_softmax(z, np.float64)[:, 0].astype(np.float64)
    naive32 = naive_softmax(z, np.float32)[:, 0].astype(np.float64)
    t32, t64 = overflow_threshold(np.float32), overflow_threshold(np.float64)
    fig = new_figure(7.5, 3.4)
    with styled():
        (ax,) = fixed_axes(fig, left=0.57, right=0.22, bottom=0.49, top=0.25)
        ax.plot(m, stable, color=PALETTE["blue"], linewidth=4, alpha=0.5, label="stable: subtract max first")
        ax.plot(m, naive64, color=PALETTE["green"], label="naive exp, float64")
        ax.plot(m, naive32, color=PALETTE["orange"], linestyle="--", label="naive exp, float32")
        strips = ((t32, "float32", PALETTE["orange"], naive32, 0.27), (t64, "float64", PALETTE["green"], naive64, 0.07))
        for t, name, color, values, y0 in strips:
            ax.axvline(t, color=color, linestyle=":", linewidth=1.5)
            ax.text(t + 6, 0.6, f"exp(z) overflows\nin {name}: z > {t:.2f}", color=INK, fontsize=9, va="top")
            bad = m[np.isnan(values)]
            ax.fill_between(bad, y0, y0 + 0.14, color=color, alpha=0.25, linewidth=0)
            ax.text(bad[0] + 10, y0 + 0.07, f"naive {name} returns NaN", va="center", fontsize=9)
        ax.set_ylim(0, 1)
        ax.set_xlim(0, max_logit)
        ax.set_xlabel("largest logit m (logits are m, m - 1, m - 2)")
        ax.set_ylabel("probability of the top option")
        ax.set_title("Same shape of logits, same answer: unless exp overflows")
        ax.legend(loc="upper right")
    return Plot(
        fig,
        f"Line chart: the probability of the top option for logits m, m-1, m-2 should stay at "
        f"{stable[0]:.3f} for every m. The stable softmax does; the naive formula gives NaN (the line "
        f"stops) once m passes {t32:.2f} in float32 and {t64:.2f} in float64, where exp overflows.",
    )


def plot_vocab_distribution(logits, top: int = 10) -> Plot:
    """Sorted probabilities of a large vocabulary (log-log), and how much the top tokens hold."""
    z = as_logits(logits)
    if z.ndim != 1:
        raise ValueError(f"logits must be one vector (1-D), got shape {z.shape}")
    top = as_int(top, "top", low=1, high=z.size)
    p = np.sort(softmax(z))[::-1]
    cum = np.cumsum(p)
    uniform = 1.0 / p.size
    # Draw a few hundred log-spaced ranks: on log axes they are indistinguishable from all of them.
    idx = np.unique(np.geomspace(1, p.size, 400).astype(int)) - 1
    rank = idx + 1
    fig = new_figure(9, 3.4)
    with styled():
        left, right = fixed_axes(fig, [1, 1], left=0.73, gap=0.63, right=0.04, bottom=0.49, top=0.25)
        left.loglog(rank, p[idx], color=PALETTE["blue"])
        left.axhline(uniform, color=MUTED, linestyle="--", linewidth=1)
        left.text(1.2, uniform * 1.5, f"uniform 1/{p.size:,} = {uniform:.1e}", color=MUTED, fontsize=9)
        left.set_xlabel("token rank (most likely first)")
        left.set_ylabel("probability")
        left.set_title(f"{p.size:,} probabilities, sorted")
        right.semilogx(rank, cum[idx], color=PALETTE["vermillion"])
        right.axvline(top, color=MUTED, linestyle=":", linewidth=1)
        right.plot([top], [cum[top - 1]], "o", color=PALETTE["vermillion"])
        right.annotate(
            f"top {top} hold {cum[top - 1]:.0%}",
            (top, cum[top - 1]),
            xytext=(12, -4),
            textcoords="offset points",
            va="top",
        )
        right.set_ylim(0, 1.02)
        right.set_xlabel("number of most likely tokens kept")
        right.set_ylabel("total probability")
        right.set_title("Cumulative probability")
        plain_log(left, "x")
        plain_log(left, "y", powers=True)
        plain_log(right, "x")
    return Plot(
        fig,
        f"Left, log-log: the {p.size:,} softmax probabilities sorted from most to least likely, from "
        f"{p[0]:.1e} down to {p[-1]:.1e}, against the uniform level {uniform:.1e}. Right: the cumulative "
        f"probability; the top {top} tokens hold {cum[top - 1]:.0%} of it.",
    )


def plot_temperature_sweep(
    logits=EXAMPLE_LOGITS, labels=EXAMPLE_TOKENS, temperatures: tuple[float, ...] = (0.25, 1.0, 4.0)
) -> Plot:
    """Left: the distribution at a few temperatures. Right: its entropy against temperature."""
    z = as_logits(logits)
    names = _token_labels(labels, z.size)
    temps = [as_number(t, "temperatures", low=0.0) for t in temperatures]
    grid = np.geomspace(0.02, 50, 100)
    h = np.array([entropy(softmax(z, temperature=t), unit="bits") for t in grid])
    h_max = np.log2(np.isfinite(z).sum())
    fig = new_figure(10, 3.6)
    with styled():
        left, right = fixed_axes(fig, [1.3, 1], left=0.62, gap=0.68, right=0.04, bottom=0.52, top=0.25)
        pos = np.arange(z.size)
        width = 0.8 / len(temps)
        colors = [PALETTE[c] for c in ("vermillion", "blue", "green", "orange", "purple")]
        at = {t: softmax(z, temperature=t) for t in temps}
        for j, t in enumerate(temps):
            left.bar(
                pos + (j - (len(temps) - 1) / 2) * width,
                at[t],
                width,
                color=colors[j % 5],
                label=f"T = {t:g}",
            )
        left.set_xticks(pos, names)
        left.set_ylim(0, 1.05)
        left.set_ylabel("probability")
        left.set_title("Low T sharpens, high T flattens")
        left.legend(loc="upper right")
        right.semilogx(grid, h, color=PALETTE["blue"])
        plain_log(right, "x")
        right.axhline(h_max, color=MUTED, linestyle="--", linewidth=1)
        right.text(
            0.025, h_max - 0.05, f"uniform: log2({z.size}) = {h_max:.2f} bits", va="top", color=MUTED, fontsize=9
        )
        right.axhline(0, color=MUTED, linestyle="--", linewidth=1)
        right.text(45, 0.05, "one-hot (greedy): 0 bits", ha="right", va="bottom", color=MUTED, fontsize=9)
        right.text(1.08, 0.3, "T = 1", color=PALETTE["orange"], fontsize=9)
        right.axvline(1.0, color=PALETTE["orange"], linestyle=":", linewidth=1.5)
        right.set_ylim(-0.1, h_max + 0.2)
        right.set_xlabel("temperature T (log scale)")
        right.set_ylabel("entropy (bits)")
        right.set_title("Entropy rises with temperature")
    tops = ", ".join(f"{at[t].max():.0%} at T = {t:g}" for t in temps)
    return Plot(
        fig,
        f"Left: grouped bars of the next-token probabilities at temperatures {', '.join(f'{t:g}' for t in temps)}; "
        f"the top token gets {tops}. Right: entropy rises smoothly from near 0 bits at T = 0.02 to "
        f"near the uniform maximum of {h_max:.2f} bits at T = 50.",
    )


def plot_sampling_convergence(
    logits, rng: np.random.Generator, labels=None, n_draws: int = 20_000, temperature: float = 1.0
) -> Plot:
    """Running frequency of each sampled token against the number of draws, with the softmax
    probabilities as dashed targets: sampling reproduces the distribution (law of large numbers)."""
    z = as_logits(logits)
    names = _token_labels(labels, z.size)
    n_draws = as_int(n_draws, "n_draws", low=10)
    draws = sample(z, rng, temperature=temperature, size=n_draws)
    p = softmax(z, temperature=temperature)
    onehot = draws[:, None] == np.arange(z.size)
    n_all = np.arange(1, n_draws + 1)
    freq_all = np.cumsum(onehot, axis=0) / n_all[:, None]
    # Plot every draw at first, then log-spaced ones (the x axis is logarithmic).
    keep = np.unique(np.concatenate([np.arange(min(n_draws, 100)), np.geomspace(1, n_draws, 500).astype(int) - 1]))
    n, freq = n_all[keep], freq_all[keep]
    colors = [PALETTE[c] for c in ("blue", "orange", "green", "vermillion", "sky", "purple", "yellow")]
    fig = new_figure(7.5, 3.6)
    with styled():
        (ax,) = fixed_axes(fig, left=0.57, right=0.04, bottom=0.49, top=0.25)
        for i in range(z.size):
            c = colors[i % len(colors)]
            ax.semilogx(n, freq[:, i], color=c, linewidth=1.5, label=f"{names[i]} (p = {p[i]:.2g})")
            ax.axhline(p[i], color=c, linestyle="--", linewidth=1)
        ax.set_xlim(1, n_draws)
        plain_log(ax, "x")
        ax.set_ylim(0, 1)
        ax.set_xlabel("number of sampled tokens (log scale)")
        ax.set_ylabel("fraction of draws")
        ax.set_title(f"Sample frequencies approach softmax(z / T), T = {temperature:g}")
        ax.legend(loc="upper right", fontsize=8, ncol=2)
    worst = float(np.max(np.abs(freq_all[-1] - p)))
    return Plot(
        fig,
        f"Line chart: the running fraction of draws of each of {z.size} tokens over {n_draws:,} samples. "
        f"The lines wobble for the first few draws and settle onto dashed lines at the softmax "
        f"probabilities; after {n_draws:,} draws the largest gap is {worst:.3f}.",
    )


def plot_filters(logits=EXAMPLE_LOGITS, labels=EXAMPLE_TOKENS, top_k: int = 3, top_p: float = 0.7) -> Plot:
    """Three panels: the full distribution, after top-k, after top-p (renormalised)."""
    z = as_logits(logits)
    names = _token_labels(labels, z.size)
    p = softmax(z)
    panels = [
        ("all tokens", z),
        (f"top-k, k = {top_k}", filter_logits(z, top_k=top_k)),
        (f"top-p, p = {top_p:g}", filter_logits(z, top_p=top_p)),
    ]
    fig = new_figure(10, 3.3)
    kept_counts = []
    with styled():
        axes = fixed_axes(fig, [1, 1, 1], left=0.62, gap=0.14, right=0.04, bottom=0.58, top=0.25)
        for ax in axes[1:]:
            ax.sharey(axes[0])
            ax.tick_params(labelleft=False)
        pos = np.arange(z.size)
        for ax, (title, fz) in zip(axes, panels, strict=True):
            kept = np.isfinite(fz)
            kept_counts.append(int(kept.sum()))
            q = softmax(fz)
            ax.bar(pos[kept], q[kept], color=PALETTE["blue"], label="after (renormalised)")
            ax.bar(pos, p, fill=False, edgecolor=INK, linestyle=":", linewidth=1.2, zorder=3, label="before")
            ax.set_xticks(pos, names, rotation=45)
            ax.set_title(f"{title}: {kept.sum()} kept")
            ax.set_ylim(0, 1.05)
        axes[0].set_ylabel("probability")
        axes[1].legend(loc="upper right", fontsize=8)
    return Plot(
        fig,
        f"Three bar charts of the same next-token distribution. All {z.size} tokens; top-k with k = {top_k} "
        f"keeps {kept_counts[1]}; top-p with p = {top_p:g} keeps {kept_counts[2]}, the fewest most likely "
        "tokens whose probabilities reach p. Kept tokens are renormalised to sum to 1 (blue bars above the "
        "dotted originals); removed tokens get probability 0.",
    )


def draw_next_char(fig: Figure, *, model: CharNGram, context: str, temperature: float, top: int = 12) -> dict:
    """Bar chart of the ``top`` most likely next characters after ``context`` at ``temperature``.

    Returns
    -------
    dict
        ``best`` (the most likely character), ``p_best``, ``shown`` (number of bars) and
        ``p_shown`` (their total probability).
    """
    p = model.probabilities(context, temperature)
    order = np.argsort(-p, kind="stable")[:top]
    labels = [repr(model.vocab[i])[1:-1] if model.vocab[i] != " " else "␣" for i in order]
    (ax,) = fixed_axes(fig, left=0.57, right=0.04, bottom=0.5, top=0.25)
    ax.bar(range(len(order)), p[order], color=PALETTE["blue"])
    ax.set_xticks(range(len(order)), labels, fontsize=11)
    ax.set_ylim(0, 1)
    ax.set_ylabel("probability")
    ax.set_xlabel("next character (␣ = space)")
    h = entropy(p, unit="bits")
    ax.set_title(f"After {context!r} at T = {temperature:g}: entropy {h:.2f} bits")
    shown = float(p[order].sum())
    ax.text(0.98, 0.95, f"top {len(order)} hold {shown:.0%}", transform=ax.transAxes, ha="right", va="top", color=MUTED)
    best = int(order[0])
    return {"best": model.vocab[best], "p_best": float(p[best]), "shown": len(order), "p_shown": shown}


def plot_next_char(model: CharNGram, context: str, temperature: float = 1.0, top: int = 12) -> Plot:
    """The model's next-character distribution after ``context`` (the ``top`` most likely)."""
    fig = new_figure(7, 3.4)
    with styled():
        shown = draw_next_char(fig, model=model, context=context, temperature=temperature, top=top)
    return Plot(
        fig,
        f"Bar chart of the character model's probabilities for the next character after "
        f"{context!r} at temperature {temperature:g}: the most likely is {shown['best']!r} "
        f"with {shown['p_best']:.0%}; the {shown['shown']} bars shown hold {shown['p_shown']:.0%} in total.",
    )


def plot_generation_quality(report: dict[float, dict[str, float | str]]) -> Plot:
    """Distinct word bigrams and known-word fraction of generated text against temperature."""
    temps = sorted(report)
    distinct = [float(report[t]["distinct2"]) for t in temps]
    known = [float(report[t]["known"]) for t in temps]
    fig = new_figure(7, 3.4)
    with styled():
        (ax,) = fixed_axes(fig, left=0.57, right=0.04, bottom=0.49, top=0.25)
        ax.plot(temps, known, marker="o", color=PALETTE["blue"], label="real words (fraction of corpus words)")
        ax.plot(temps, distinct, marker="s", color=PALETTE["vermillion"], label="variety (distinct word pairs)")
        ax.set_xscale("log")
        ax.set_xticks(temps, [f"{t:g}" for t in temps])
        ax.minorticks_off()
        ax.set_ylim(0, 1.05)
        ax.set_xlabel("temperature T (log scale)")
        ax.set_ylabel("fraction")
        ax.set_title("Too cold repeats itself, too hot invents words")
        ax.legend(loc="lower left")
    lo, hi = temps[0], temps[-1]
    return Plot(
        fig,
        f"Line chart over temperatures {lo:g} to {hi:g}. Variety (distinct word pairs) rises from "
        f"{distinct[0]:.2f} at T = {lo:g} to {distinct[-1]:.2f} at T = {hi:g}, while the fraction of real "
        f"words falls from {known[0]:.2f} to {known[-1]:.2f}: cold decoding loops, hot decoding produces gibberish.",
    )
