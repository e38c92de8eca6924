"""Parameters and scale: count a model's parameters, then what they cost in memory and compute.

A parameter is one learnable number. A fully connected layer from ``n_in`` to ``n_out`` neurons
has ``n_in * n_out`` weights (one per connection) and ``n_out`` biases (one per neuron), and a
multilayer perceptron is a stack of such layers. A decoder-only transformer is described by a
handful of sizes (:class:`TransformerConfig`); :func:`transformer_parameter_count` turns them
into an exact parameter count, which reproduces the published counts of GPT-2 and Llama 2.

From the count ``N`` follow the costs:

* memory for the weights alone (inference): ``N`` times the bytes per parameter of the
  number format (:data:`BYTES_PER_PARAMETER`);
* memory for training with Adam in mixed precision: about 16 bytes per parameter
  (:data:`ADAM_MIXED_PRECISION_BYTES`, the convention of the ZeRO paper), before activations;
* compute: about ``2 N`` floating-point operations (FLOPs) per token at inference and ``6 N``
  per token in training (Kaplan et al. 2020).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.patches import Circle

from mlcourse.exercises.feedback import Feedback, correct, wrong
from mlcourse.figures import Plot, new_figure
from mlcourse.figures.style import INK, MUTED, PALETTE, PAPER, styled
from mlcourse.validation import as_float_array, as_int, as_number, as_rng

# --------------------------------------------------------------------------- multilayer perceptrons


def _layer_sizes(layer_sizes: Sequence[int], name: str = "layer_sizes") -> list[int]:
    if isinstance(layer_sizes, (str, bytes)) or not isinstance(layer_sizes, Sequence):
        raise TypeError(f"{name} must be a sequence of integers such as (3, 4, 2), got {type(layer_sizes).__name__}")
    if len(layer_sizes) < 2:
        raise ValueError(f"{name} must give at least an input and an output size, got {list(layer_sizes)}")
    return [as_int(n, f"{name}[{i}]", low=1) for i, n in enumerate(layer_sizes)]


def layer_parameters(n_in: int, n_out: int, *, bias: bool = True) -> tuple[int, int]:
    """Weights and biases of one fully connected layer ``y = x @ W + b``.

    Parameters
    ----------
    n_in, n_out : int
        Number of neurons feeding in and coming out (at least 1 each).
    bias : bool, default True
        Whether each output neuron has a bias.

    Returns
    -------
    (int, int)
        ``(n_in * n_out, n_out)`` weights and biases (biases 0 when ``bias`` is False).
    """
    n_in = as_int(n_in, "n_in", low=1)
    n_out = as_int(n_out, "n_out", low=1)
    return n_in * n_out, (n_out if bias else 0)


def mlp_layer_counts(layer_sizes: Sequence[int], *, bias: bool = True) -> list[tuple[int, int]]:
    """``(weights, biases)`` of each layer of a multilayer perceptron.

    Parameters
    ----------
    layer_sizes : sequence of int, length L + 1
        Neurons per layer, input first, e.g. ``(3, 4, 2)``.
    bias : bool, default True
        Whether every non-input neuron has a bias.

    Returns
    -------
    list of (int, int), length L
        One pair per layer of connections.
    """
    sizes = _layer_sizes(layer_sizes)
    return [layer_parameters(a, b, bias=bias) for a, b in itertools.pairwise(sizes)]


def mlp_parameter_count(layer_sizes: Sequence[int], *, bias: bool = True) -> int:
    """Total parameters of a multilayer perceptron: ``sum(n_in * n_out + n_out)`` over its layers."""
    return sum(w + b for w, b in mlp_layer_counts(layer_sizes, bias=bias))


def init_mlp(layer_sizes: Sequence[int], rng: np.random.Generator) -> list[tuple[np.ndarray, np.ndarray]]:
    """Random parameters for a multilayer perceptron (He-scaled normal weights, small biases).

    Parameters
    ----------
    layer_sizes : sequence of int
        Neurons per layer, input first.
    rng : numpy.random.Generator
        The source of randomness, e.g. ``np.random.default_rng(0)``.

    Returns
    -------
    list of (W, b)
        ``W`` has shape (n_in, n_out) and ``b`` shape (n_out,), one pair per layer.
    """
    sizes = _layer_sizes(layer_sizes)
    rng = as_rng(rng)
    params = []
    for n_in, n_out in itertools.pairwise(sizes):
        W = rng.normal(0.0, math.sqrt(2.0 / n_in), size=(n_in, n_out))
        b = rng.normal(0.0, 0.1, size=n_out)
        params.append((W, b))
    return params


def _check_params(params) -> list[int]:
    """Check a list of (W, b) layers fits together; return the layer sizes."""
    if not isinstance(params, Sequence) or not params:
        raise ValueError("params must be a non-empty list of (W, b) pairs, as returned by init_mlp")
    sizes = [np.shape(params[0][0])[0]]
    for i, (W, b) in enumerate(params):
        if np.ndim(W) != 2 or np.ndim(b) != 1 or np.shape(W)[1] != np.shape(b)[0]:
            raise ValueError(f"params[{i}] must be (W, b) with W of shape (n_in, n_out) and b of shape (n_out,)")
        if np.shape(W)[0] != sizes[-1]:
            raise ValueError(f"params[{i}] expects {np.shape(W)[0]} inputs but the previous layer gives {sizes[-1]}")
        sizes.append(np.shape(W)[1])
    return sizes


def mlp_forward(x, params: Sequence[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Run a multilayer perceptron: ReLU after every layer except the last.

    Parameters
    ----------
    x : array_like, shape (n_samples, n_in)
        Inputs, one row each.
    params : list of (W, b)
        As returned by :func:`init_mlp`.

    Returns
    -------
    numpy.ndarray, shape (n_samples, n_out)
    """
    _check_params(params)
    h = as_float_array(x, "x")
    if h.ndim != 2 or h.shape[1] != params[0][0].shape[0]:
        raise ValueError(f"x must have shape (n_samples, {params[0][0].shape[0]}), got {h.shape}")
    for i, (W, b) in enumerate(params):
        h = h @ W + b
        if i < len(params) - 1:
            h = np.maximum(h, 0.0)
    return h


def plot_mlp(params: Sequence[tuple[np.ndarray, np.ndarray]]) -> Plot:
    """The source page's "Parameters, Weights, and Biases" diagram for a small MLP.

    Neurons are circles; every connection is an edge, one weight each (width shows its size,
    colour its sign); every non-input neuron shows its bias inside it.

    Parameters
    ----------
    params : list of (W, b)
        The network's parameters, e.g. from :func:`init_mlp`; keep it small (<= 8 neurons per layer).
    """
    sizes = _check_params(params)
    if max(sizes) > 8:
        raise ValueError(f"plot_mlp draws small networks (at most 8 neurons per layer), got layer sizes {sizes}")
    counts = [(W.size, b.size) for W, b in params]
    total = sum(w + b for w, b in counts)
    fig = new_figure(7.5, 3.8)

    def y_of(n: int, j: int) -> float:
        return (n - 1) / 2 - j

    with styled():
        ax = fig.add_subplot()
        ax.set_aspect("equal")
        ax.axis("off")
        xs = [2.6 * i for i in range(len(sizes))]
        wmax = max(float(np.max(np.abs(W))) for W, _ in params)
        for layer, (W, _b) in enumerate(params):
            n_in, n_out = W.shape
            for i in range(n_in):
                for j in range(n_out):
                    w = W[i, j]
                    ax.plot(
                        [xs[layer], xs[layer + 1]],
                        [y_of(n_in, i), y_of(n_out, j)],
                        color=PALETTE["blue"] if w >= 0 else PALETTE["vermillion"],
                        linewidth=0.4 + 2.6 * abs(w) / wmax,
                        alpha=0.9,
                        zorder=1,
                    )
            label = f"{n_in}×{n_out} = {n_in * n_out} weights\n+ {n_out} biases"
            ax.text(
                (xs[layer] + xs[layer + 1]) / 2,
                -(max(sizes) - 1) / 2 - 0.75,
                label,
                ha="center",
                va="top",
                fontsize=9,
            )
        names = ["input"] + [f"hidden {k}" for k in range(1, len(sizes) - 1)] + ["output"]
        for layer, n in enumerate(sizes):
            for j in range(n):
                y = y_of(n, j)
                ax.add_patch(Circle((xs[layer], y), 0.36, facecolor=PAPER, edgecolor=INK, linewidth=1.3, zorder=3))
                text = f"$x_{j + 1}$" if layer == 0 else f"{params[layer - 1][1][j]:+.2f}"
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


# --------------------------------------------------------------------------- transformers

_MLPS = {"gelu": 2, "swiglu": 3}
_NORMS = {"layernorm": 2, "rmsnorm": 1}


@dataclass(frozen=True)
class TransformerConfig:
    """The sizes that fix a decoder-only transformer's parameter count.

    Attributes
    ----------
    vocab_size : int
        Number of tokens; the token embedding is a ``vocab_size x d_model`` matrix.
    d_model : int
        Width of the residual stream (the embedding size).
    n_layers : int
        Number of transformer blocks.
    n_heads : int
        Attention heads per block; must divide ``d_model`` (head size ``d_model / n_heads``).
    d_ff : int
        Hidden width of each block's MLP.
    n_positions : int, default 0
        Rows of a learned position embedding (GPT-2: 1024); 0 for rotary embeddings, which
        have no parameters.
    n_kv_heads : int or None, default None
        Key/value heads; None means ``n_heads`` (multi-head attention), fewer means
        grouped-query attention (must divide ``n_heads``).
    mlp : {"gelu", "swiglu"}
        "gelu": two matrices (up, down); "swiglu": three (gate, up, down).
    norm : {"layernorm", "rmsnorm"}
        LayerNorm has a scale and a shift per channel (2 d_model); RMSNorm only a scale (d_model).
        Each block has two norms, and a final norm follows the last block.
    bias : bool, default True
        Whether the linear layers (attention and MLP projections) carry biases.
    tied_embeddings : bool, default True
        Whether the output head reuses the token embedding (no extra parameters) or has its
        own ``d_model x vocab_size`` matrix (no bias in either case).
    name : str
        A label for figures.
    """

    vocab_size: int
    d_model: int
    n_layers: int
    n_heads: int
    d_ff: int
    n_positions: int = 0
    n_kv_heads: int | None = None
    mlp: str = "gelu"
    norm: str = "layernorm"
    bias: bool = True
    tied_embeddings: bool = True
    name: str = "transformer"

    def __post_init__(self) -> None:
        for field in ("vocab_size", "d_model", "n_layers", "n_heads", "d_ff"):
            as_int(getattr(self, field), field, low=1)
        as_int(self.n_positions, "n_positions", low=0)
        if self.d_model % self.n_heads:
            raise ValueError(
                f"d_model must be divisible by n_heads (each head gets d_model / n_heads channels); "
                f"got d_model={self.d_model}, n_heads={self.n_heads}"
            )
        if self.n_kv_heads is not None:
            as_int(self.n_kv_heads, "n_kv_heads", low=1, high=self.n_heads)
            if self.n_heads % self.n_kv_heads:
                raise ValueError(
                    f"n_kv_heads must divide n_heads (each key/value head serves a group of query heads); "
                    f"got n_heads={self.n_heads}, n_kv_heads={self.n_kv_heads}"
                )
        if self.mlp not in _MLPS:
            raise ValueError(f"mlp must be one of {sorted(_MLPS)}, got {self.mlp!r}")
        if self.norm not in _NORMS:
            raise ValueError(f"norm must be one of {sorted(_NORMS)}, got {self.norm!r}")
        for field in ("bias", "tied_embeddings"):
            if not isinstance(getattr(self, field), bool):
                raise TypeError(f"{field} must be True or False, got {getattr(self, field)!r}")
        if not isinstance(self.name, str):
            raise TypeError(f"name must be a string, got {type(self.name).__name__}")

    @property
    def head_dim(self) -> int:
        """Channels per attention head, ``d_model / n_heads``."""
        return self.d_model // self.n_heads

    @property
    def kv_heads(self) -> int:
        """Key/value heads actually used (``n_heads`` unless grouped-query attention)."""
        return self.n_heads if self.n_kv_heads is None else self.n_kv_heads


#: Names of the components in :func:`transformer_parameter_breakdown`, in drawing order.
COMPONENTS = ("token embedding", "position embedding", "attention", "MLP", "norms", "output head")


def transformer_parameter_breakdown(config: TransformerConfig) -> dict[str, int]:
    """Parameters of a decoder-only transformer, by component.

    Per block: attention has query and output projections ``d_model x d_model`` and key and
    value projections ``d_model x (kv_heads * head_dim)``; the MLP has two (gelu) or three
    (swiglu) ``d_model x d_ff`` matrices; two norms. Biases are added where ``config.bias``.

    Parameters
    ----------
    config : TransformerConfig

    Returns
    -------
    dict of str to int
        Keys :data:`COMPONENTS`; "norms" includes the final norm. The values sum to
        :func:`transformer_parameter_count`.
    """
    if not isinstance(config, TransformerConfig):
        raise TypeError(f"config must be a TransformerConfig, got {type(config).__name__}")
    d, L, V = config.d_model, config.n_layers, config.vocab_size
    kv = config.kv_heads * config.head_dim
    attention = 2 * d * d + 2 * d * kv + (2 * d + 2 * kv if config.bias else 0)
    mlp = _MLPS[config.mlp] * d * config.d_ff
    if config.bias:
        mlp += (_MLPS[config.mlp] - 1) * config.d_ff + d
    norm = _NORMS[config.norm] * d
    return {
        "token embedding": V * d,
        "position embedding": config.n_positions * d,
        "attention": L * attention,
        "MLP": L * mlp,
        "norms": (2 * L + 1) * norm,
        "output head": 0 if config.tied_embeddings else d * V,
    }


def transformer_parameter_count(config: TransformerConfig) -> int:
    """Exact number of parameters of the transformer ``config`` describes (see the breakdown)."""
    return sum(transformer_parameter_breakdown(config).values())


_GPT2 = {"vocab_size": 50257, "n_positions": 1024, "mlp": "gelu", "norm": "layernorm", "bias": True}
_LLAMA2 = {"vocab_size": 32000, "mlp": "swiglu", "norm": "rmsnorm", "bias": False, "tied_embeddings": False}

#: GPT-2 (Radford et al. 2019), the sizes of OpenAI's released checkpoints.
GPT2_SMALL = TransformerConfig(d_model=768, n_layers=12, n_heads=12, d_ff=3072, name="GPT-2 small", **_GPT2)
GPT2_MEDIUM = TransformerConfig(d_model=1024, n_layers=24, n_heads=16, d_ff=4096, name="GPT-2 medium", **_GPT2)
GPT2_LARGE = TransformerConfig(d_model=1280, n_layers=36, n_heads=20, d_ff=5120, name="GPT-2 large", **_GPT2)
GPT2_XL = TransformerConfig(d_model=1600, n_layers=48, n_heads=25, d_ff=6400, name="GPT-2 XL", **_GPT2)
#: Llama 2 (Touvron et al. 2023); the 70B model uses grouped-query attention with 8 key/value heads.
LLAMA2_7B = TransformerConfig(d_model=4096, n_layers=32, n_heads=32, d_ff=11008, name="Llama-2-7B", **_LLAMA2)
LLAMA2_13B = TransformerConfig(d_model=5120, n_layers=40, n_heads=40, d_ff=13824, name="Llama-2-13B", **_LLAMA2)
LLAMA2_70B = TransformerConfig(
    d_model=8192, n_layers=80, n_heads=64, n_kv_heads=8, d_ff=28672, name="Llama-2-70B", **_LLAMA2
)

#: Every preset by name, smallest first.
PRESETS: dict[str, TransformerConfig] = {
    c.name: c for c in (GPT2_SMALL, GPT2_MEDIUM, GPT2_LARGE, GPT2_XL, LLAMA2_7B, LLAMA2_13B, LLAMA2_70B)
}


# --------------------------------------------------------------------------- memory and compute

#: Bytes to store one parameter in each number format.
BYTES_PER_PARAMETER: dict[str, float] = {"fp32": 4, "fp16": 2, "bf16": 2, "int8": 1, "int4": 0.5}

#: Training with Adam in mixed precision, per parameter (Rajbhandari et al. 2020, "ZeRO"): 16 bytes.
#: Activations, which grow with batch size and sequence length, come on top.
ADAM_MIXED_PRECISION_BYTES: dict[str, int] = {
    "fp16 weights": 2,
    "fp16 gradients": 2,
    "fp32 master weights": 4,
    "fp32 Adam momentum": 4,
    "fp32 Adam variance": 4,
}

#: One gigabyte, 10**9 bytes (decimal, as memory is sold; a GiB is 2**30 = 1.074 GB).
GB = 10**9


def _n_params(n_params, name: str = "n_params") -> float:
    return as_number(n_params, name, low=0)


def weights_memory_bytes(n_params: float, dtype: str = "bf16") -> float:
    """Memory to hold the weights alone, in bytes: ``n_params * BYTES_PER_PARAMETER[dtype]``.

    This is the floor for inference; the KV cache and activations come on top.
    """
    n = _n_params(n_params)
    if dtype not in BYTES_PER_PARAMETER:
        raise ValueError(f"dtype must be one of {list(BYTES_PER_PARAMETER)}, got {dtype!r}")
    return n * BYTES_PER_PARAMETER[dtype]


def training_memory_bytes(n_params: float, bytes_per_parameter: float = 16) -> float:
    """Memory for weights, gradients and Adam's state when training, in bytes (activations excluded).

    Parameters
    ----------
    n_params : float
        Number of parameters N.
    bytes_per_parameter : float, default 16
        16 for mixed precision as in ZeRO (:data:`ADAM_MIXED_PRECISION_BYTES`); some references
        use 18, keeping the gradients in fp32 (4 bytes instead of 2).
    """
    n = _n_params(n_params)
    return n * as_number(bytes_per_parameter, "bytes_per_parameter", low=0)


def inference_flops_per_token(n_params: float) -> float:
    """About ``2 N`` FLOPs per token in a forward pass: one multiply and one add per weight.

    The approximation of Kaplan et al. (2020); it ignores attention over the context, which
    adds ``2 * n_layers * context * d_model`` and matters only for long contexts.
    """
    return 2.0 * _n_params(n_params)


def training_flops(n_params: float, n_tokens: float) -> float:
    """About ``6 N D`` FLOPs to train on ``D`` tokens: forward ``2N`` plus backward ``4N`` per token."""
    return 6.0 * _n_params(n_params) * as_number(n_tokens, "n_tokens", low=0)


def short_count(n: float) -> str:
    """A count in words-and-digits: 124439808 -> '124M', 6.74e9 -> '6.7B'."""
    n = as_number(n, "n", low=0)
    for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if n >= size:
            value = n / size
            return f"{value:.3g}{suffix}" if value < 100 else f"{value:.0f}{suffix}"
    return f"{n:g}"


def format_bytes(n_bytes: float) -> str:
    """Bytes in decimal units, three significant digits: 2.49e8 -> '249 MB', 1.1e12 -> '1.1 TB'."""
    n = as_number(n_bytes, "n_bytes", low=0)
    for size, unit in ((1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "kB")):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n:g} bytes"


# --------------------------------------------------------------------------- figures

_COMPONENT_COLOURS = {
    "token embedding": PALETTE["orange"],
    "position embedding": PALETTE["yellow"],
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
    counts = [transformer_parameter_count(c) for c in configs]
    names = [c.name for c in configs]
    fig = new_figure(10, 0.45 * len(configs) + 1.5)
    with styled():
        left, right = fig.subplots(1, 2, width_ratios=[1.6, 1])
        y = np.arange(len(configs))[::-1]
        left.barh(y, counts, color=PALETTE["sky"], height=0.6)
        left.set_xscale("log")
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
            share = np.array(
                [transformer_parameter_breakdown(c)[comp] / n for c, n in zip(configs, counts, strict=True)]
            )
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
    first, last = configs[0], configs[-1]
    bd_first, bd_last = transformer_parameter_breakdown(first), transformer_parameter_breakdown(last)
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
        f"{first.name} but {emb_last:.0%} of {last.name}, where the MLP blocks dominate.",
    )


def plot_memory(
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
        ax = fig.add_subplot()
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


# --------------------------------------------------------------------------- exercise checkers


def check_mlp_count(answer, layer_sizes: Sequence[int] = (784, 128, 64, 10)) -> Feedback:
    """Check a hand count of the parameters of the MLP with ``layer_sizes``; hints name the slip."""
    sizes = _layer_sizes(layer_sizes)
    if isinstance(answer, bool) or not isinstance(answer, (int, float, np.integer, np.floating)):
        return wrong(f"give the count as a number, got {type(answer).__name__}")
    expected = mlp_parameter_count(sizes)
    if answer == expected:
        return correct(f"{expected:,} parameters: " + " + ".join(f"{w:,} + {b}" for w, b in mlp_layer_counts(sizes)))
    weights_only = mlp_parameter_count(sizes, bias=False)
    biases_on_inputs = sum(a * b + a for a, b in itertools.pairwise(sizes))
    all_neurons = weights_only + sum(sizes)
    if answer == weights_only:
        hint = f"That is the weights alone: add one bias per non-input neuron ({sum(sizes[1:])} biases)."
    elif answer == biases_on_inputs or answer == all_neurons:
        hint = "Biases belong to the neurons a layer feeds into, not to the input neurons."
    else:
        hint = "Count each layer as n_in * n_out weights plus n_out biases, then add the layers."
    return wrong(f"{answer:,} is not the count for layer sizes {sizes}. {hint}")


def check_count_function(count: Callable[[Sequence[int]], int]) -> Feedback:
    """Check the reader's ``count(layer_sizes)`` against :func:`mlp_parameter_count` on several nets."""
    if not callable(count):
        return wrong(f"pass your function itself (count, not count(...)); got {type(count).__name__}")
    for sizes in [(1, 1), (2, 3), (3, 4, 2), (784, 128, 64, 10), (5, 1, 5, 1)]:
        try:
            got = count(list(sizes))
        except Exception as exc:  # the reader's code may raise anything
            return wrong(f"count({list(sizes)}) raised {type(exc).__name__}: {exc}")
        expected = mlp_parameter_count(sizes)
        if got != expected:
            if got == mlp_parameter_count(sizes, bias=False):
                hint = " You counted only the weights; add n_out biases per layer."
            elif len(sizes) > 2 and got == mlp_parameter_count(sizes[:2]):
                hint = " Only the first layer is counted: loop over all consecutive pairs of sizes."
            else:
                hint = " Each layer from n_in to n_out has n_in * n_out + n_out parameters."
            return wrong(f"count({list(sizes)}) returned {got!r}, expected {expected}.{hint}")
    return correct("your count matches for single layers, deep stacks and bottlenecks.")


def check_memory_answer(
    weights_gb, training_gb, config: TransformerConfig = LLAMA2_13B, dtype: str = "bf16"
) -> Feedback:
    """Check the memory (in GB = 10**9 bytes) for ``config``'s weights in ``dtype`` and for training."""
    n = transformer_parameter_count(config)
    expected = (weights_memory_bytes(n, dtype) / GB, training_memory_bytes(n) / GB)
    for value, exp, what in ((weights_gb, expected[0], f"{dtype} weights"), (training_gb, expected[1], "training")):
        try:
            value = as_number(value, what, low=0)
        except (TypeError, ValueError) as exc:
            return wrong(str(exc))
        if math.isclose(value, exp, rel_tol=0.01):
            continue
        hint = f" N = {n:,} parameters times the bytes per parameter, divided by 10⁹."
        if math.isclose(value, exp * GB / 2**30, rel_tol=0.01):
            hint = " That is GiB (2³⁰ bytes); the question asks for GB = 10⁹ bytes."
        elif what == "training" and math.isclose(value, n * 18 / GB, rel_tol=0.01):
            hint = " You used 18 bytes per parameter (fp32 gradients); this chapter's convention is 16."
        elif what == "training" and math.isclose(value, n * 12 / GB, rel_tol=0.01):
            hint = " 12 bytes is Adam's optimizer state alone; add the fp16 weights and gradients (2 + 2)."
        else:
            for name, size in BYTES_PER_PARAMETER.items():
                if math.isclose(value, n * size / GB, rel_tol=0.01):
                    hint = f" That is {size:g} bytes per parameter ({name})."
                    break
        return wrong(f"{what}: {value:.4g} GB is off (expected about {exp:.4g} GB).{hint}")
    return correct(
        f"{config.name} has {n:,} parameters: {expected[0]:.1f} GB for {dtype} weights, "
        f"{expected[1]:.0f} GB to train with Adam in mixed precision (before activations)."
    )
