"""Parameters and scale: count a transformer's parameters, then what they cost in memory and compute.

A parameter is one learnable number (an MLP's count is :func:`mlcourse.mlp.parameter_count`).
A decoder-only transformer is described by a
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

from collections.abc import Sequence
from dataclasses import dataclass

from mlcourse.validation import as_bool, as_finite_result, as_int, as_number

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
        # Sizes become Python ints (exact at any size; numpy int32 would overflow in the products).
        for field in ("vocab_size", "d_model", "n_layers", "n_heads", "d_ff"):
            object.__setattr__(self, field, as_int(getattr(self, field), field, low=1))
        object.__setattr__(self, "n_positions", as_int(self.n_positions, "n_positions", low=0))
        if self.d_model % self.n_heads:
            raise ValueError(
                f"d_model must be divisible by n_heads (each head gets d_model / n_heads channels); "
                f"got d_model={self.d_model}, n_heads={self.n_heads}"
            )
        if self.n_kv_heads is not None:
            object.__setattr__(self, "n_kv_heads", as_int(self.n_kv_heads, "n_kv_heads", low=1, high=self.n_heads))
            if self.n_heads % self.n_kv_heads:
                raise ValueError(
                    f"n_kv_heads must divide n_heads (each key/value head serves a group of query heads); "
                    f"got n_heads={self.n_heads}, n_kv_heads={self.n_kv_heads}"
                )
        if not isinstance(self.mlp, str) or self.mlp not in _MLPS:
            raise ValueError(f"mlp must be one of {sorted(_MLPS)}, got {self.mlp!r}")
        if not isinstance(self.norm, str) or self.norm not in _NORMS:
            raise ValueError(f"norm must be one of {sorted(_NORMS)}, got {self.norm!r}")
        for field in ("bias", "tied_embeddings"):
            object.__setattr__(self, field, as_bool(getattr(self, field), field))
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

#: SmolLM2-135M (Hugging Face 2024), a small Llama-style model with tied embeddings: 134,515,008
#: parameters, the sum of the tensor sizes in its GGUF file. Not in :data:`PRESETS`.
SMOLLM2_135M = TransformerConfig(
    vocab_size=49152,
    d_model=576,
    n_layers=30,
    n_heads=9,
    n_kv_heads=3,
    d_ff=1536,
    mlp="swiglu",
    norm="rmsnorm",
    bias=False,
    tied_embeddings=True,
    name="SmolLM2-135M",
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
    if not isinstance(dtype, str) or dtype not in BYTES_PER_PARAMETER:
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
    flops = 6.0 * _n_params(n_params) * as_number(n_tokens, "n_tokens", low=0)
    return as_finite_result(flops, "6 * n_params * n_tokens", hint="n_params and n_tokens are too large")


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


# --------------------------------------------------------------------------- the KV cache


def kv_cache_bytes_per_token(config: TransformerConfig, bytes_per_value: float = 2) -> float:
    """Bytes the KV cache keeps for one token: ``2 * n_layers * kv_heads * head_dim * bytes_per_value``.

    Every block stores one key and one value vector of ``kv_heads * head_dim`` numbers per
    token it has seen, so that later tokens need not recompute them.

    Parameters
    ----------
    config : TransformerConfig
    bytes_per_value : float, default 2
        2 for an fp16/bf16 cache (llama.cpp's default), 4 for float32.
    """
    if not isinstance(config, TransformerConfig):
        raise TypeError(f"config must be a TransformerConfig, got {type(config).__name__}")
    size = as_number(bytes_per_value, "bytes_per_value", low=0)
    return 2 * config.n_layers * config.kv_heads * config.head_dim * size


def kv_cache_bytes(config: TransformerConfig, context: int, batch: int = 1, bytes_per_value: float = 2) -> float:
    """KV cache of ``batch`` sequences of ``context`` tokens each, in bytes (grows linearly in both)."""
    context = as_int(context, "context", low=0, high=10**12)
    batch = as_int(batch, "batch", low=1, high=10**12)
    return kv_cache_bytes_per_token(config, bytes_per_value) * context * batch


def kv_cache_table(
    configs: Sequence[TransformerConfig], *, context: int = 4096, batch: int = 32, bytes_per_value: float = 2
) -> dict[str, dict[str, float]]:
    """Bytes for each model's bf16 weights and its KV cache: per token, at ``context``, at ``batch``.

    Returns
    -------
    dict of str to dict of str to float
        Per model name: ``"weights"``, ``"KV per token"``, ``"KV at 4,096 tokens"`` and
        ``"KV at 4,096 x 32"`` (for the defaults), in bytes.
    """
    if not isinstance(configs, Sequence) or not all(isinstance(c, TransformerConfig) for c in configs):
        raise TypeError("configs must be a list of TransformerConfig")
    context = as_int(context, "context", low=0, high=10**12)
    batch = as_int(batch, "batch", low=1, high=10**12)
    return {
        c.name: {
            "weights": 2.0 * transformer_parameter_count(c),
            "KV per token": kv_cache_bytes_per_token(c, bytes_per_value),
            f"KV at {context:,} tokens": kv_cache_bytes(c, context, 1, bytes_per_value),
            f"KV at {context:,} x {batch}": kv_cache_bytes(c, context, batch, bytes_per_value),
        }
        for c in configs
    }
