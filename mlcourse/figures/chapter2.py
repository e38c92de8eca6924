"""Chapter 2's figures: an MLP's parameters, transformer scale and memory, and why networks work.

Each ``draw_*`` draws on a figure and returns the numbers its alt text needs; each ``plot_*``
calls it once and builds a :class:`~mlcourse.figures.plot.Plot` from what it returned.
The figures on SmolLM2 (:mod:`.chapter2_smollm2`) and on learned features
(:mod:`.chapter2_features`) live in their own modules and are re-exported here.
Log axes are drawn by :func:`~mlcourse.figures.log_axes.plain_log` (plain labels, no minor ticks),
and the axes sit at fixed margins (:func:`~mlcourse.figures.plot.fixed_axes`, the positions
constrained layout found for them), so a render skips the layout pass.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib import rcParams
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import Circle

from mlcourse import approximation as ap
from mlcourse.figures.chapter2_features import plot_learned_vs_random as plot_learned_vs_random
from mlcourse.figures.chapter2_smollm2 import plot_config_vs_file as plot_config_vs_file
from mlcourse.figures.chapter2_smollm2 import plot_kv_cache as plot_kv_cache
from mlcourse.figures.chapter2_smollm2 import plot_quantization as plot_quantization
from mlcourse.figures.log_axes import plain_log
from mlcourse.figures.plot import Plot, fixed_axes, new_figure
from mlcourse.figures.style import INK, MUTED, PALETTE, PAPER, styled
from mlcourse.losses import mse
from mlcourse.mlp import check_params, parameter_count
from mlcourse.scale import (
    ADAM_MIXED_PRECISION_BYTES,
    COMPONENTS,
    GB,
    PRESETS,
    TransformerConfig,
    format_bytes,
    short_count,
    training_memory_bytes,
    transformer_parameter_breakdown,
    transformer_parameter_count,
    weights_memory_bytes,
)
from mlcourse.validation import as_int

# --------------------------------------------------------------------------- an MLP's parameters


def plot_mlp_diagram(params: Mapping[str, np.ndarray]) -> Plot:
    """The source page's "Parameters, Weights, and Biases" diagram for a small MLP.

    Neurons are circles; every connection is an edge, one weight each (width shows its size,
    colour its sign); every non-input neuron shows its bias inside it.

    Parameters
    ----------
    params : dict of str to numpy.ndarray
        ``{"W1", "b1", ...}``, e.g. from :func:`mlcourse.mlp.init_params`; at most 8 neurons per layer.
    """
    sizes = check_params(params)
    if max(sizes) > 8:
        raise ValueError(f"plot_mlp_diagram draws small networks (at most 8 neurons per layer), got {list(sizes)}")
    layers = [(params[f"W{i}"], params[f"b{i}"]) for i in range(1, len(sizes))]
    total = parameter_count(sizes)
    fig = new_figure(7.5, 3.8)

    def y_of(n: int, j: int) -> float:
        return (n - 1) / 2 - j

    with styled():
        (ax,) = fixed_axes(fig, left=0.04, right=0.04, bottom=0.04, top=0.23)
        ax.set_aspect("equal")
        ax.axis("off")
        xs = [2.6 * i for i in range(len(sizes))]
        wmax = max(float(np.max(np.abs(W))) for W, _ in layers) or 1.0
        for layer, (W, _b) in enumerate(layers):
            n_in, n_out = W.shape
            pairs = list(itertools.product(range(n_in), range(n_out)))
            edges = [[(xs[layer], y_of(n_in, i)), (xs[layer + 1], y_of(n_out, j))] for i, j in pairs]
            ax.add_collection(  # one artist for all of the layer's edges
                LineCollection(
                    edges,
                    colors=[PALETTE["blue"] if W[i, j] >= 0 else PALETTE["vermillion"] for i, j in pairs],
                    linewidths=[0.4 + 2.6 * abs(W[i, j]) / wmax for i, j in pairs],
                    alpha=0.9,
                    zorder=1,
                )
            )
            label = f"{n_in}×{n_out} = {n_in * n_out} weights\n+ {n_out} biases"
            ax.text((xs[layer] + xs[layer + 1]) / 2, -(max(sizes) - 1) / 2 - 0.75, label, ha="center", va="top")
        names = ["input"] + [f"hidden {k}" for k in range(1, len(sizes) - 1)] + ["output"]
        neurons = [Circle((xs[layer], y_of(n, j)), 0.36) for layer, n in enumerate(sizes) for j in range(n)]
        ax.add_collection(PatchCollection(neurons, facecolor=PAPER, edgecolor=INK, linewidth=1.3, zorder=3))
        for layer, n in enumerate(sizes):
            for j in range(n):
                y = y_of(n, j)
                text = f"x{'₁₂₃₄₅₆₇₈'[j]}" if layer == 0 else f"{layers[layer - 1][1][j]:+.2f}"
                ax.text(xs[layer], y, text, ha="center", va="center", fontsize=8.5 if layer else 10, zorder=4)
            ax.text(xs[layer], (max(sizes) - 1) / 2 + 0.6, f"{names[layer]}\n({n})", ha="center", va="bottom")
        ax.plot([], [], color=PALETTE["blue"], label="weight > 0")
        ax.plot([], [], color=PALETTE["vermillion"], label="weight < 0")
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=9, title="edges", title_fontsize=9)
        ax.set_xlim(-0.6, xs[-1] + 0.6)
        ax.set_ylim(-(max(sizes) - 1) / 2 - 1.5, (max(sizes) - 1) / 2 + 1.3)
        ax.set_title(
            f"{'-'.join(map(str, sizes))} MLP, {total} parameters: weights on the edges, biases in the neurons",
            fontsize=10,
        )
    parts = "; ".join(
        f"{n_in} to {n_out}: {n_in * n_out} weights and {n_out} biases" for n_in, n_out in itertools.pairwise(sizes)
    )
    return Plot(
        fig,
        f"Diagram of a multilayer perceptron with layer sizes {', '.join(map(str, sizes))}. Every "
        f"connection is one weight, drawn as a line whose width shows its size and colour its sign; "
        f"every non-input neuron shows its bias inside it. Layers {parts}: {total} parameters in all.",
    )


# --------------------------------------------------------------------------- transformers: count and memory

_COMPONENT_COLOURS = {
    "token embedding": PALETTE["orange"],
    "position embedding": PALETTE["sky"],  # yellow is invisible on white
    "attention": PALETTE["blue"],
    "MLP": PALETTE["green"],
    "norms": PALETTE["purple"],
    "output head": PALETTE["vermillion"],
}


def plot_parameters_and_scale(configs: Sequence[TransformerConfig] | None = None) -> Plot:
    """The source page's "Parameters and Scale" diagram, computed from architecture descriptions.

    Left: total parameters on a log scale, each bar labelled with the memory for bf16 weights
    and for Adam mixed-precision training (16 bytes per parameter). Right: the share of each
    component (embeddings, attention, MLP, norms, output head).
    """
    configs = list(PRESETS.values()) if configs is None else list(configs)
    if not configs:
        raise ValueError("configs must hold at least one TransformerConfig")
    breakdowns = [transformer_parameter_breakdown(c) for c in configs]
    counts = [sum(bd.values()) for bd in breakdowns]
    names = [c.name for c in configs]
    fig = new_figure(10, 0.45 * len(configs) + 1.5)
    with styled():
        left, right = fixed_axes(fig, (1.6, 1), left=1.33, right=2.03, bottom=0.52, top=0.25, gap=1.97)
        y = np.arange(len(configs))[::-1]
        left.barh(y, counts, color=PALETTE["sky"], height=0.6)
        plain_log(left, "x")
        left.set_xlim(5e7, max(counts) * 60)
        left.set_yticks(y, names)
        left.set_xlabel("parameters (log scale)")
        left.grid(axis="y", visible=False)
        for yi, n in zip(y, counts, strict=True):
            inf = format_bytes(weights_memory_bytes(n, "bf16"))
            train = format_bytes(training_memory_bytes(n))
            left.text(n * 1.15, yi, f"{short_count(n)}: {inf} in bf16, {train} to train", va="center", fontsize=8.5)
        left.set_title("Parameters, and the memory they need")
        left_edge = np.zeros(len(configs))
        for comp in COMPONENTS:
            share = np.array([bd[comp] / n for bd, n in zip(breakdowns, counts, strict=True)])
            if not share.any():
                continue
            right.barh(y, 100 * share, left=100 * left_edge, color=_COMPONENT_COLOURS[comp], height=0.6, label=comp)
            left_edge += share
        right.set_yticks(y, [""] * len(y))
        right.set_xlim(0, 100)
        right.set_xlabel("share of parameters (%)")
        right.grid(axis="y", visible=False)
        right.set_title("Where the parameters are")
        right.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, handlelength=1.2)
    bd_first, bd_last = breakdowns[0], breakdowns[-1]
    emb_first = (bd_first["token embedding"] + bd_first["position embedding"]) / counts[0]
    emb_last = (bd_last["token embedding"] + bd_last["output head"]) / counts[-1]
    listing = ", ".join(f"{n} {short_count(c)}" for n, c in zip(names, counts, strict=True))
    return Plot(
        fig,
        f"Horizontal bars on a log scale give the parameter counts computed from each architecture: "
        f"{listing}. Labels give the memory: {short_count(counts[0])} parameters need "
        f"{weights_memory_bytes(counts[0], 'bf16') / GB:.2g} GB in bf16, {short_count(counts[-1])} need "
        f"{weights_memory_bytes(counts[-1], 'bf16') / GB:.3g} GB, and training takes 8 times as much. "
        f"A second chart splits each count into components: embeddings are {emb_first:.0%} of "
        f"{names[0]} but {emb_last:.0%} of {names[-1]}, where the MLP blocks dominate.",
    )


def plot_memory_by_dtype(
    config: TransformerConfig, *, gpus: Sequence[tuple[str, float]] = (("24 GB GPU", 24), ("80 GB GPU", 80))
) -> Plot:
    """Memory for one model: its weights in each number format, and training with Adam.

    Parameters
    ----------
    config : TransformerConfig
    gpus : sequence of (label, gigabytes)
        Reference lines for common accelerator memory sizes.
    """
    n = transformer_parameter_count(config)
    fig = new_figure(8, 3.6)
    with styled():
        (ax,) = fixed_axes(fig, left=0.61, right=2.36, bottom=0.48, top=0.25)
        labels = [f"{d}\nweights" for d in ("fp32", "bf16", "int8", "int4")]
        values = [weights_memory_bytes(n, d) / GB for d in ("fp32", "bf16", "int8", "int4")]
        x = np.arange(len(labels) + 1)
        ax.bar(x[:-1], values, color=PALETTE["sky"], width=0.6)
        bottom = 0.0
        colours = [PALETTE["blue"], PALETTE["orange"], PALETTE["green"], PALETTE["purple"], PALETTE["vermillion"]]
        for (part, size), colour in zip(ADAM_MIXED_PRECISION_BYTES.items(), colours, strict=True):
            height = n * size / GB
            ax.bar(x[-1], height, bottom=bottom, color=colour, width=0.6, label=f"{part} ({size} B)")
            bottom += height
        for xi, v in zip(x, [*values, bottom], strict=True):
            ax.text(xi, v * 1.02, f"{v:.3g} GB", ha="center", va="bottom", fontsize=9)
        for label, size in gpus:
            ax.axhline(size, color=MUTED, linestyle="--", linewidth=1)
            ax.text(2.5, size, label, ha="center", va="bottom", fontsize=8, color=MUTED)
        ax.set_xticks(x, [*labels, "training\n(Adam, mixed)"])
        ax.set_ylabel("memory (GB = 10⁹ bytes)")
        ax.set_ylim(0, bottom * 1.15)
        ax.set_title(f"{config.name}, {short_count(n)} parameters: memory before activations")
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return Plot(
        fig,
        f"Bar chart of the memory {config.name} ({n:,} parameters) needs: weights alone take "
        f"{values[0]:.3g} GB in fp32, {values[1]:.3g} GB in bf16, {values[2]:.3g} GB in int8 and "
        f"{values[3]:.3g} GB in int4; training with Adam in mixed precision takes 16 bytes per parameter, "
        f"{bottom:.3g} GB, split into weights, gradients, fp32 master weights and two Adam moments. "
        f"Dashed lines mark {' and '.join(label for label, _ in gpus)}.",
    )


# --------------------------------------------------------------------------- why networks work


def plot_why_networks_work(n_hidden: int = 8) -> Plot:
    """The source page's "Why Neural Networks Work" diagram, computed: hinges add up to a curve.

    Left: one ReLU unit, a hinge. Middle: ``n_hidden`` hinges with evenly spaced kinks, each
    scaled by its least-squares output weight. Right: their sum (plus the output bias) against
    the sine it was fitted to.
    """
    k = as_int(n_hidden, "n_hidden", low=1, high=40)
    x = ap.grid(400)
    kinks = np.linspace(*ap.INTERVAL, k + 1)[:-1]
    net = ap.fit_output_layer(ap.grid(1000), ap.sine(ap.grid(1000)), np.ones(k), -kinks)
    output = ap.network_output(net, x)
    rms = ap.rms_error(net, x, ap.sine)
    fig = new_figure(10, 3.2)
    with styled():
        one, many, total = fixed_axes(fig, (1, 1, 1), left=0.4, right=0.04, bottom=0.52, top=0.25, gap=0.5)
        many.sharex(one)
        total.sharex(one)
        one.plot(x, ap.relu(x - 0.5), color=PALETTE["blue"])
        one.annotate(
            "w = 1, b = -0.5:\nkink at x = -b/w = 0.5",
            (0.5, 0),
            (-2.9, 1.0),
            arrowprops={"arrowstyle": "-|>", "color": MUTED},
        )
        one.set_title("1. One unit: relu(w·x + b)", fontsize=11)
        contributions = ap.hidden(net, x) * net.params["W2"][:, 0]  # (points, k)
        colours = itertools.cycle(rcParams["axes.prop_cycle"].by_key()["color"])  # as k plot() calls
        units = [np.column_stack([x, contributions[:, j]]) for j in range(k)]
        many.add_collection(LineCollection(units, colors=[next(colours) for _ in range(k)], linewidths=1.4))
        many.autoscale_view()
        many.set_title(f"2. {k} units, each × its weight", fontsize=11)
        total.plot(x, ap.sine(x), color=MUTED, linestyle="--", label="target sin(x)")
        total.plot(x, output, color=PALETTE["vermillion"], label="sum of the units")
        total.vlines(
            ap.kinks(net), 0, 1, transform=total.get_xaxis_transform(), color=PALETTE["sky"], linewidth=0.8, zorder=0
        )
        total.set_title(f"3. Add them up: {net.n_parameters} parameters", fontsize=11)
        total.legend(loc="lower right", fontsize=8)
        for ax in (one, many, total):
            ax.set_xlabel("x")
            ax.set_xlim(*ap.INTERVAL)
    return Plot(
        fig,
        f"Three panels. One ReLU unit is a hinge: zero, then a straight rise after its kink. "
        f"{k} such hinges with evenly spaced kinks, each scaled by an output weight, "
        f"are straight-line pieces. Added up they form a bent line that follows sin(x) on [-π, π] "
        f"with RMS error {rms:.2f}, using {net.n_parameters} parameters; more units give more bends.",
    )


def draw_fit(fig: Figure, *, n_hidden: int, target: str = "sine", seed: int = 0) -> dict:
    """Draw a random ReLU network with ``n_hidden`` units fitted to ``target`` (the slider's frame).

    Returns
    -------
    dict
        ``{"n_hidden", "n_parameters", "rms"}`` of the drawn network.
    """
    f = ap.TARGETS.get(target) if isinstance(target, str) else None
    if f is None:
        raise ValueError(f"target must be one of {sorted(ap.TARGETS)}, got {target!r}")
    x_train = ap.grid(1000)
    net = ap.fit_random_relu(x_train, f(x_train), n_hidden, np.random.default_rng(seed))
    x = ap.grid(2001)
    rms = ap.rms_error(net, x, f)
    k = net.layer_sizes[1]
    # Fixed margins (those constrained layout finds for a 7 x 3.6 inch figure) instead of a layout
    # pass per frame: a scrubber redraws this figure for every frame, and its labels never move.
    (ax,) = fixed_axes(fig, left=0.69, right=0.04, bottom=0.49, top=0.25)
    ax.plot(x, f(x), color=MUTED, linestyle="--", label=f"target: {target}")
    ax.plot(x, ap.network_output(net, x), color=PALETTE["blue"], label="network")
    ax.plot(ap.kinks(net), np.full(k, -1.35), "|", color=PALETTE["vermillion"], markersize=10, label="kinks")
    ax.set_xlim(*ap.INTERVAL)
    ax.set_ylim(-1.5, 1.6)
    ax.set_xlabel("x")
    ax.set_ylabel("f(x)")
    units = "hidden unit" if k == 1 else "hidden units"
    ax.set_title(f"{k} {units}, {net.n_parameters} parameters: RMS error {rms:.3f}")
    ax.legend(loc="upper left", fontsize=8, ncol=3)
    return {"n_hidden": k, "n_parameters": net.n_parameters, "rms": rms}


def plot_fit(n_hidden: int, target: str = "sine", seed: int = 0) -> Plot:
    """One fitted network against its target (the live widget's figure)."""
    fig = new_figure()
    with styled():
        drawn = draw_fit(fig, n_hidden=n_hidden, target=target, seed=seed)
    k, s = drawn["n_hidden"], "s" * (drawn["n_hidden"] != 1)
    return Plot(
        fig,
        f"A one-hidden-layer ReLU network with {k} unit{s} ({drawn['n_parameters']} parameters) drawn over "
        f"the {target} it was fitted to on [-π, π]: a bent line with {k} kink{s}, RMS error {drawn['rms']:.3f}.",
    )


def plot_error_vs_parameters(curves: Sequence[ap.ErrorCurve]) -> Plot:
    """Mean RMS error (over the random draws) against parameter count, log-log, one line per target."""
    curves = list(curves)
    if not curves:
        raise ValueError("curves must hold at least one ErrorCurve")
    fig = new_figure(7, 3.6)
    with styled():
        (ax,) = fixed_axes(fig, left=0.75, right=0.04, bottom=0.49, top=0.25)
        for curve, marker in zip(curves, "osd^v", strict=False):
            mean = curve.rms.mean(axis=1)
            ax.plot(curve.n_parameters, curve.rms, marker, color=MUTED, markersize=2.5, alpha=0.6)
            ax.plot(curve.n_parameters, mean, marker + "-", label=f"{curve.target} (mean of {curve.rms.shape[1]})")
        plain_log(ax, "xy")
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


def plot_fit_vs_generalise(result: ap.Generalisation, n_hidden: int = 256, seed: int = 0) -> Plot:
    """Fitting the training points is not generalising, over several training sets.

    Left: the first training set, the true sine, and a wide network (``n_hidden`` units, hidden
    layer from ``np.random.default_rng(seed)``) fitted to it. Right: for each training set, the
    median (over hidden-layer draws) error against the true curve (thin lines), their mean, and
    the mean training error, against width.
    """
    x = ap.grid(1000)
    x0, y0 = result.x_train[0], result.y_train[0]
    net = ap.fit_random_relu(x0, y0, n_hidden, np.random.default_rng(seed))
    train = float(np.sqrt(mse(ap.network_output(net, x0), y0)))
    test = ap.rms_error(net, x, ap.sine)
    test_sets, train_sets = result.by_set("test"), result.by_set("train")
    mean_test, mean_train = test_sets.mean(axis=1), train_sets.mean(axis=1)
    n_sets = test_sets.shape[1]
    fig = new_figure(10, 3.6)
    with styled():
        left, right = fixed_axes(fig, (1, 1), left=0.38, right=0.04, bottom=0.52, top=0.25, gap=0.68)
        left.plot(x, ap.sine(x), color=MUTED, linestyle="--", label="true curve sin(x)")
        label = f"{n_hidden} units: train {train:.1g}, test {test:.2f}"
        left.plot(x, ap.network_output(net, x), color=PALETTE["vermillion"], label=label)
        left.plot(x0, y0, "o", color=PALETTE["orange"], label="training points", zorder=3)
        left.set_ylim(-2.2, 2.2)
        left.set_xlim(*ap.INTERVAL)
        left.set_xlabel("x")
        left.set_title(f"{x0.size} noisy points, every one fitted", fontsize=11)
        left.legend(fontsize=8, loc="lower right")
        right.plot(result.widths, test_sets, color=MUTED, linewidth=0.7, alpha=0.6)
        right.plot(result.widths, mean_train, "o-", label="on the training points (mean)")
        right.plot(result.widths, mean_test, "s-", label=f"against the true curve (mean of {n_sets} sets)")
        plain_log(right, "x", base=2)
        plain_log(right, "y", linthresh=0.1)
        right.set_ylim(0, max(3.0, float(test_sets.max()) * 1.1))
        right.set_xlabel("hidden units k")
        right.set_ylabel("RMS error")
        right.set_title("Training error → 0, the true error does not", fontsize=11)
        right.legend(fontsize=8, loc="upper left")
    best = int(np.argmin(mean_test))
    return Plot(
        fig,
        f"Left: {x0.size} noisy samples of sin(x) and a {n_hidden}-unit network that passes through every "
        f"one (RMS error {train:.1g} on them) but bends between and beyond them, missing the true curve by "
        f"{test:.2f}. Right: over {n_sets} training sets (grey lines, one per set), as the width grows from "
        f"{result.widths[0]} to {result.widths[-1]} units the mean training error falls from "
        f"{mean_train[0]:.2f} to {mean_train[-1]:.1g}, while the mean error against the true curve is lowest, "
        f"{mean_test[best]:.2f}, at {result.widths[best]} units and reaches {mean_test.max():.2f} for wider "
        f"networks, with a wide spread between training sets.",
    )
