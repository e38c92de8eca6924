"""Chapter 2's figures on a real model: SmolLM2's count, its quantized file, and the KV cache.

Each ``plot_*`` takes numbers the page computed from the real file (or from configs) and
returns a :class:`~mlcourse.figures.plot.Plot` whose alt text is built from those numbers.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from mlcourse.figures.log_axes import plain_log
from mlcourse.figures.plot import Plot, fixed_axes, new_figure
from mlcourse.figures.style import INK, MUTED, PALETTE, styled
from mlcourse.quantization import BLOCK_SIZE, dequantize_q4_1_block
from mlcourse.scale import format_bytes, short_count

# --------------------------------------------------------------------------- the count against the file


def plot_config_vs_file(counted: Mapping[str, int], in_file: Mapping[str, int], name: str = "SmolLM2-135M") -> Plot:
    """Parameters by component: counted from the config against summed from the file's tensors.

    Parameters
    ----------
    counted, in_file : dict of str to int
        Parameters per component (same keys), e.g. from
        :func:`mlcourse.scale.transformer_parameter_breakdown` and from the tensor sizes.
    """
    if set(counted) != set(in_file) or not counted:
        raise ValueError(
            f"counted and in_file must have the same components, got {sorted(counted)} and {sorted(in_file)}"
        )
    parts = list(counted)
    y = np.arange(len(parts))[::-1]
    fig = new_figure(8, 0.5 * len(parts) + 1.4)
    with styled():
        ax = fig.add_subplot()
        bars = ((0.18, counted, "blue", "from the config"), (-0.18, in_file, "orange", "in the file"))
        for shift, counts, colour, label in bars:
            ax.barh(y + shift, [counts[p] / 1e6 for p in parts], height=0.34, color=PALETTE[colour], label=label)
        for yi, p in zip(y, parts, strict=True):
            mark = "=" if counted[p] == in_file[p] else "≠"
            ax.text(max(counted[p], in_file[p]) / 1e6 + 1, yi, f"{counted[p]:,} {mark} {in_file[p]:,}", va="center")
        ax.set_yticks(y, parts)
        ax.set_xlim(0, max(counted.values()) / 1e6 * 1.6)
        ax.set_xlabel("parameters (millions)")
        ax.grid(axis="y", visible=False)
        total_c, total_f = sum(counted.values()), sum(in_file.values())
        ax.set_title(f"{name}: {total_c:,} counted, {total_f:,} in the file")
        ax.legend(loc="lower right", fontsize=8)
    listing = "; ".join(f"{p} {counted[p]:,} counted and {in_file[p]:,} in the file" for p in parts)
    return Plot(
        fig,
        f"Paired horizontal bars compare, for each component of {name}, the parameters counted from its "
        f"configuration with those summed from the tensors in its file: {listing}. "
        f"Totals: {total_c:,} and {total_f:,}.",
    )


# --------------------------------------------------------------------------- quantization


def plot_quantization(storage: Mapping[str, Mapping[str, float]], file_bits: float, block) -> Plot:
    """Bits per weight by storage format and for the whole file; one Q4_1 block's 32 weights.

    Parameters
    ----------
    storage : dict
        From :func:`mlcourse.quantization.storage_by_type`.
    file_bits : float
        Bits per parameter of the whole file (bytes on disk times 8, over the parameter count).
    block : bytes or numpy.ndarray of uint8, shape (20,)
        One Q4_1 block as stored: its weights lie on the 16 levels ``d * q + m``.
    """
    weights = dequantize_q4_1_block(block).astype(np.float64)
    raw = np.frombuffer(bytes(np.asarray(block, dtype=np.uint8)), dtype=np.uint8)
    d, m = (float(v) for v in raw[0:4].view(np.float16))
    levels = d * np.arange(16) + m
    used = int(np.unique(np.concatenate([raw[4:] & 15, raw[4:] >> 4])).size)
    names = list(storage)
    bits = [storage[n]["bits per weight"] for n in names]
    fig = new_figure(10, 3.4)
    with styled():
        left, right = fixed_axes(fig, (1.2, 1), left=0.57, right=0.04, bottom=0.52, top=0.25, gap=0.84)
        labels = [*names, "whole file"]
        values = [*bits, file_bits]
        colours = [PALETTE["blue"]] * len(names) + [PALETTE["orange"]]
        left.bar(range(len(labels)), values, color=colours, width=0.6)
        for i, (n, v) in enumerate(zip(labels, values, strict=True)):
            share = f"\n{short_count(storage[n]['weights'])} weights" if n in storage else ""
            left.text(i, v + 0.6, f"{v:.3g} bits{share}", ha="center", va="bottom", fontsize=8)
        left.axhline(16, color=MUTED, linestyle="--", linewidth=1)
        left.text(len(labels) - 0.5, 16.4, "bf16", color=MUTED, ha="right", fontsize=8)
        left.set_xticks(range(len(labels)), labels)
        left.set_ylim(0, max(values) * 1.35)
        left.set_ylabel("bits per weight")
        left.set_title("Storage per weight, by format", fontsize=11)
        for level in levels:
            right.axhline(level, color=MUTED, linewidth=0.5, zorder=0)
        right.plot(np.arange(BLOCK_SIZE), weights, "o", color=PALETTE["vermillion"], markersize=4)
        right.set_xlabel("weight in the block")
        right.set_ylabel("value")
        right.set_title("Q4_1 block: 32 weights on 16 levels d·q + m", fontsize=11)
    parts = ", ".join(f"{n} {b:.3g}" for n, b in zip(names, bits, strict=True))
    return Plot(
        fig,
        f"Left: bars give the bits each weight takes by storage format ({parts}) and for the whole file, "
        f"{file_bits:.3g} bits per parameter, against 16 for bf16. Right: the 32 weights of one Q4_1 block, "
        f"from {weights.min():.3g} to {weights.max():.3g}; each sits on one of the 16 levels d·q + m "
        f"(scale d = {d:.3g}, minimum m = {m:.3g}, drawn as lines), and the block uses {used} of them.",
    )


# --------------------------------------------------------------------------- weights against the KV cache


def plot_kv_cache(table: Mapping[str, Mapping[str, float]]) -> Plot:
    """Grouped bars (log scale): each model's weights against its KV cache.

    Parameters
    ----------
    table : dict
        From :func:`mlcourse.scale.kv_cache_table`: per model, bytes by kind (weights first).
    """
    models = list(table)
    if not models:
        raise ValueError("table must hold at least one model")
    kinds = list(table[models[0]])
    colours = [INK, PALETTE["sky"], PALETTE["blue"], PALETTE["vermillion"]]
    fig = new_figure(9, 3.6)
    width = 0.8 / len(kinds)
    with styled():
        (ax,) = fixed_axes(fig, left=0.72, right=0.04, bottom=0.28, top=0.25)
        for j, (kind, colour) in enumerate(zip(kinds, colours, strict=False)):
            xs = np.arange(len(models)) + (j - (len(kinds) - 1) / 2) * width
            values = [table[m][kind] for m in models]
            ax.bar(xs, values, width=width * 0.9, color=colour, label=kind)
            for x, v in zip(xs, values, strict=True):
                ax.text(x, v * 1.3, format_bytes(v), ha="center", va="bottom", fontsize=7.5, rotation=90)
        plain_log(ax, "y", powers=True)  # eleven decades: all as powers of ten
        ax.set_ylim(1e3, max(max(r.values()) for r in table.values()) * 200)
        ax.set_xticks(range(len(models)), models)
        ax.set_ylabel("bytes (log scale)")
        ax.set_title("Weights (bf16) against the KV cache (fp16)")
        ax.legend(fontsize=8, loc="upper left", ncol=2)
    parts = "; ".join(
        f"{m}: weights {format_bytes(table[m]['weights'])}, "
        + ", ".join(f"{k} {format_bytes(table[m][k])}" for k in kinds[1:])
        for m in models
    )
    big = kinds[-1]
    ratios = ", ".join(f"{table[m][big] / table[m]['weights']:.2g} times the weights for {m}" for m in models)
    return Plot(
        fig,
        f"Grouped bars on a log scale compare memory for the weights and for the KV cache ({parts}). "
        f"In the largest case ({big}) the cache takes {ratios}.",
    )
