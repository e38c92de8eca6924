import itertools
import math

import numpy as np
import pytest

from mlcourse import mlp, scale
from mlcourse.exercises import chapter2 as ex
from mlcourse.figures import chapter2 as figs
from mlcourse.scale import TransformerConfig

# --------------------------------------------------------------------------- transformers, by hand

# Hand derivation, per block of a decoder-only transformer with width d, MLP width f, vocab V:
#   attention: Q, K, V, O projections are d x d each -> 4 d^2 weights (+ 4 d biases if bias)
#   GELU MLP: d x f up and f x d down -> 2 d f weights (+ f + d biases if bias)
#   SwiGLU MLP: gate, up (d x f) and down (f x d) -> 3 d f weights
#   two norms: LayerNorm 2 d each (scale + shift), RMSNorm d each (scale)
# Outside the blocks: token embedding V d, learned positions P d, final norm, and an untied
# output head V d (none when tied).


def test_gpt2_small_is_124_439_808_by_hand():
    V, P, d, L, f = 50257, 1024, 768, 12, 3072
    block = (4 * d * d + 4 * d) + (2 * d * f + f + d) + 2 * (2 * d)
    total = V * d + P * d + L * block + 2 * d
    assert total == 124_439_808
    assert scale.transformer_parameter_count(scale.GPT2_SMALL) == total


def test_llama2_7b_is_6_738_415_616_by_hand():
    V, d, L, f = 32000, 4096, 32, 11008
    block = 4 * d * d + 3 * d * f + 2 * d
    total = V * d + L * block + d + V * d
    assert total == 6_738_415_616
    assert scale.transformer_parameter_count(scale.LLAMA2_7B) == total


def test_llama2_70b_grouped_query_attention_by_hand():
    # 64 query heads of 128 channels, 8 key/value heads: K and V are d x (8 * 128) = d x 1024.
    V, d, L, f, kv = 32000, 8192, 80, 28672, 8 * 128
    block = (2 * d * d + 2 * d * kv) + 3 * d * f + 2 * d
    total = 2 * V * d + L * block + d
    assert total == 68_976_648_192
    assert scale.transformer_parameter_count(scale.LLAMA2_70B) == total
    assert scale.LLAMA2_70B.head_dim == 128 and scale.LLAMA2_70B.kv_heads == 8


def test_other_presets_follow_the_same_formulas():
    # GPT-2 block with f = 4d: 12 d^2 + 13 d; Llama-2-13B: d = 5120, f = 13824, 40 layers.
    for cfg in (scale.GPT2_MEDIUM, scale.GPT2_LARGE, scale.GPT2_XL):
        d, L = cfg.d_model, cfg.n_layers
        assert scale.transformer_parameter_count(cfg) == 50257 * d + 1024 * d + L * (12 * d * d + 13 * d) + 2 * d
    assert scale.transformer_parameter_count(scale.GPT2_MEDIUM) == 354_823_168
    assert scale.transformer_parameter_count(scale.GPT2_XL) == 1_557_611_200
    d, f = 5120, 13824
    assert (
        scale.transformer_parameter_count(scale.LLAMA2_13B) == 2 * 32000 * d + 40 * (4 * d * d + 3 * d * f + 2 * d) + d
    )
    assert list(scale.PRESETS) == [c.name for c in scale.PRESETS.values()]
    counts = [scale.transformer_parameter_count(c) for c in scale.PRESETS.values()]
    assert counts == sorted(counts)


def _shapes_of_toy(cfg):
    """Enumerate every parameter tensor of the toy model by name (an independent count)."""
    d, f, V = cfg.d_model, cfg.d_ff, cfg.vocab_size
    kv = cfg.kv_heads * (d // cfg.n_heads)
    shapes = [(V, d)]
    if cfg.n_positions:
        shapes.append((cfg.n_positions, d))
    for _ in range(cfg.n_layers):
        shapes += [(d, d), (d, kv), (d, kv), (d, d)]
        if cfg.bias:
            shapes += [(d,), (kv,), (kv,), (d,)]
        mats = [(d, f), (f, d)] if cfg.mlp == "gelu" else [(d, f), (d, f), (f, d)]
        shapes += mats
        if cfg.bias:
            shapes += [(f,)] * (len(mats) - 1) + [(d,)]
        for _norm in range(2):
            shapes += [(d,), (d,)] if cfg.norm == "layernorm" else [(d,)]
    shapes += [(d,), (d,)] if cfg.norm == "layernorm" else [(d,)]
    if not cfg.tied_embeddings:
        shapes.append((d, V))
    return sum(math.prod(s) for s in shapes)


@pytest.mark.parametrize("mlp", ["gelu", "swiglu"])
@pytest.mark.parametrize("norm", ["layernorm", "rmsnorm"])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("tied", [True, False])
@pytest.mark.parametrize("n_kv_heads", [None, 1, 2])
def test_toy_configs_match_an_enumeration_of_tensors(mlp, norm, bias, tied, n_kv_heads):
    cfg = TransformerConfig(
        vocab_size=11,
        d_model=8,
        n_layers=2,
        n_heads=4,
        d_ff=12,
        n_positions=5,
        n_kv_heads=n_kv_heads,
        mlp=mlp,
        norm=norm,
        bias=bias,
        tied_embeddings=tied,
    )
    assert scale.transformer_parameter_count(cfg) == _shapes_of_toy(cfg)


def test_untying_adds_exactly_one_vocab_by_width_matrix():
    tied = TransformerConfig(vocab_size=100, d_model=16, n_layers=2, n_heads=4, d_ff=64)
    untied = TransformerConfig(vocab_size=100, d_model=16, n_layers=2, n_heads=4, d_ff=64, tied_embeddings=False)
    assert scale.transformer_parameter_count(untied) - scale.transformer_parameter_count(tied) == 100 * 16
    assert scale.transformer_parameter_breakdown(tied)["output head"] == 0


def test_grouped_query_attention_saves_two_matrices_worth_per_layer():
    # K and V shrink from d x d to d x (kv_heads * head_dim): saving 2 d (d - kv * hd) per layer.
    base = dict(vocab_size=50, d_model=32, n_layers=3, n_heads=8, d_ff=64, bias=False)
    mha = TransformerConfig(**base)
    gqa = TransformerConfig(**base, n_kv_heads=2)
    assert scale.transformer_parameter_count(mha) - scale.transformer_parameter_count(gqa) == 3 * 2 * 32 * (32 - 2 * 4)
    assert TransformerConfig(**base, n_kv_heads=8) == TransformerConfig(**base, n_kv_heads=8)
    assert scale.transformer_parameter_count(TransformerConfig(**base, n_kv_heads=8)) == (
        scale.transformer_parameter_count(mha)
    )


def test_breakdown_sums_to_the_count_and_gpt2_embeddings_are_a_third():
    bd = scale.transformer_parameter_breakdown(scale.GPT2_SMALL)
    assert tuple(bd) == scale.COMPONENTS
    assert sum(bd.values()) == 124_439_808
    assert bd["token embedding"] == 50257 * 768
    assert 0.31 < (bd["token embedding"] + bd["position embedding"]) / 124_439_808 < 0.32


@pytest.mark.parametrize(
    ("changes", "error", "match"),
    [
        ({"d_model": -8}, ValueError, "d_model must be >= 1"),
        ({"n_layers": 0}, ValueError, "n_layers must be >= 1"),
        ({"vocab_size": 10.5}, TypeError, "vocab_size must be an integer"),
        ({"n_positions": -1}, ValueError, "n_positions must be >= 0"),
        ({"n_heads": 3}, ValueError, "d_model must be divisible by n_heads"),
        ({"n_kv_heads": 3}, ValueError, "n_kv_heads must divide n_heads"),
        ({"n_kv_heads": 8}, ValueError, "n_kv_heads must be <= 4"),
        ({"n_kv_heads": 0}, ValueError, "n_kv_heads must be >= 1"),
        ({"mlp": "relu"}, ValueError, r"mlp must be one of \['gelu', 'swiglu'\]"),
        ({"norm": "batchnorm"}, ValueError, r"norm must be one of \['layernorm', 'rmsnorm'\]"),
        ({"bias": "yes"}, TypeError, "bias must be True or False"),
        ({"tied_embeddings": 1}, TypeError, "tied_embeddings must be True or False"),
    ],
)
def test_bad_configs_raise_clear_errors(changes, error, match):
    base = dict(vocab_size=10, d_model=8, n_layers=1, n_heads=4, d_ff=16)
    with pytest.raises(error, match=match):
        TransformerConfig(**{**base, **changes})


def test_breakdown_rejects_non_configs():
    with pytest.raises(TypeError, match="config must be a TransformerConfig"):
        scale.transformer_parameter_count({"d_model": 8})


# --------------------------------------------------------------------------- memory and compute


def test_memory_arithmetic():
    assert scale.weights_memory_bytes(1_000, "fp32") == 4_000
    assert scale.weights_memory_bytes(1_000, "bf16") == scale.weights_memory_bytes(1_000, "fp16") == 2_000
    assert scale.weights_memory_bytes(1_000, "int8") == 1_000
    assert scale.weights_memory_bytes(1_000, "int4") == 500
    # Llama-2-7B in bf16: 6,738,415,616 * 2 bytes = 13.48 GB
    assert scale.weights_memory_bytes(6_738_415_616) / scale.GB == pytest.approx(13.476831232)
    assert sum(scale.ADAM_MIXED_PRECISION_BYTES.values()) == 16
    assert scale.training_memory_bytes(10) == 160
    assert scale.training_memory_bytes(10, bytes_per_parameter=18) == 180
    with pytest.raises(ValueError, match="dtype must be one of"):
        scale.weights_memory_bytes(10, "fp8")
    with pytest.raises(ValueError, match="n_params must be >= 0"):
        scale.training_memory_bytes(-1)


def test_flops_rules_of_thumb():
    assert scale.inference_flops_per_token(1e9) == 2e9
    assert scale.training_flops(1e9, 1e12) == 6e21
    with pytest.raises(TypeError, match="n_tokens must be a real number"):
        scale.training_flops(1e9, "many")


def test_short_count_and_format_bytes():
    assert scale.short_count(124_439_808) == "124M"
    assert scale.short_count(6_738_415_616) == "6.74B"
    assert scale.short_count(68_976_648_192) == "69B"
    assert scale.short_count(950) == "950"
    assert scale.format_bytes(2.49e8) == "249 MB"
    assert scale.format_bytes(1.1e12) == "1.1 TB"
    assert scale.format_bytes(12) == "12 bytes"


# --------------------------------------------------------------------------- figures


def test_plot_mlp_draws_one_edge_per_weight_and_states_the_count():
    params = mlp.init_params((3, 4, 2), np.random.default_rng(0), activation="relu", bias_std=0.1)
    plot = figs.plot_mlp_diagram(params)
    ax = plot.fig.axes[0]
    layers = [c for c in ax.collections if hasattr(c, "get_segments")]  # one LineCollection per layer
    assert [len(c.get_segments()) for c in layers] == [12, 8]
    weights = np.concatenate([params["W1"].ravel(), params["W2"].ravel()])
    widths = np.concatenate([c.get_linewidths() for c in layers])
    np.testing.assert_allclose(widths, 0.4 + 2.6 * np.abs(weights) / np.abs(weights).max())  # width shows size
    assert "26 parameters" in plot.alt and "12 weights and 4 biases" in plot.alt
    assert plot.to_png().startswith(b"\x89PNG")
    with pytest.raises(ValueError, match="at most 8 neurons"):
        figs.plot_mlp_diagram(mlp.init_params((3, 9), np.random.default_rng(0)))


def test_parameters_and_scale_bars_are_the_counts():
    plot = figs.plot_parameters_and_scale()
    left = plot.fig.axes[0]
    widths = sorted(p.get_width() for p in left.patches)
    assert widths == sorted(scale.transformer_parameter_count(c) for c in scale.PRESETS.values())
    assert left.get_xscale() == "log"
    assert "GPT-2 small 124M" in plot.alt and "Llama-2-70B 69B" in plot.alt
    assert "32% of GPT-2 small" in plot.alt
    with pytest.raises(ValueError, match="at least one"):
        figs.plot_parameters_and_scale([])


def test_plot_memory_by_dtype_stacks_sixteen_bytes_per_parameter():
    plot = figs.plot_memory_by_dtype(scale.LLAMA2_7B)
    ax = plot.fig.axes[0]
    heights = [p.get_height() for p in ax.patches]
    n = 6_738_415_616
    assert heights[:4] == pytest.approx([4 * n / 1e9, 2 * n / 1e9, n / 1e9, 0.5 * n / 1e9])
    assert sum(heights[4:]) == pytest.approx(16 * n / 1e9)
    assert "13.5 GB in bf16" in plot.alt and "108 GB" in plot.alt


# --------------------------------------------------------------------------- exercise checkers


def test_check_mlp_count_hints():
    assert ex.check_mlp_count(109_386).ok
    weights_only = ex.check_mlp_count(109_184)
    assert not weights_only.ok and "weights alone" in weights_only.message
    input_biases = ex.check_mlp_count(109_184 + 784 + 128 + 64)
    assert not input_biases.ok and "not to the input neurons" in input_biases.message
    assert not ex.check_mlp_count("109386").ok
    assert ex.check_mlp_count(26, (3, 4, 2)).ok


def test_check_count_function_hints():
    assert ex.check_count_function(lambda s: sum(a * b + b for a, b in itertools.pairwise(s))).ok
    no_bias = ex.check_count_function(lambda s: sum(a * b for a, b in itertools.pairwise(s)))
    assert not no_bias.ok and "only the weights" in no_bias.message
    first_only = ex.check_count_function(lambda s: s[0] * s[1] + s[1])
    assert not first_only.ok and "first layer" in first_only.message
    assert not ex.check_count_function(lambda s: 1 / 0).ok
    assert not ex.check_count_function(26).ok


def test_check_memory_answer_hints():
    n = 13_015_864_320
    assert ex.check_memory_answer(2 * n / 1e9, 16 * n / 1e9).ok
    assert ex.check_memory_answer(26.0, 208.3).ok
    gib = ex.check_memory_answer(2 * n / 2**30, 16 * n / 1e9)
    assert not gib.ok and "GiB" in gib.message
    fp32 = ex.check_memory_answer(4 * n / 1e9, 16 * n / 1e9)
    assert not fp32.ok and "fp32" in fp32.message
    eighteen = ex.check_memory_answer(2 * n / 1e9, 18 * n / 1e9)
    assert not eighteen.ok and "18 bytes" in eighteen.message
    adam_only = ex.check_memory_answer(2 * n / 1e9, 12 * n / 1e9)
    assert not adam_only.ok and "optimizer state alone" in adam_only.message
    assert not ex.check_memory_answer("26", 208).ok


def test_smollm2_135m_matches_its_gguf_tensor_count_by_hand():
    d, L, V, f, kv = 576, 30, 49152, 1536, 3 * 64  # 9 query heads of 64 share 3 key/value heads
    per_block = 2 * d * d + 2 * d * kv + 3 * d * f + 2 * d  # Q, O; K, V; SwiGLU; two RMSNorms
    by_hand = V * d + L * per_block + d  # tied head: no extra matrix; final RMSNorm
    assert by_hand == 134_515_008  # the sum of the 272 tensor sizes in the GGUF file
    assert scale.transformer_parameter_count(scale.SMOLLM2_135M) == by_hand
    assert scale.SMOLLM2_135M.head_dim == 64 and scale.SMOLLM2_135M.kv_heads == 3
    assert scale.SMOLLM2_135M.name not in scale.PRESETS


# --------------------------------------------------------------------------- the KV cache, by hand


def test_kv_cache_per_token_by_hand():
    # SmolLM2: 30 blocks x (K and V) x 3 kv heads x 64 channels = 11,520 numbers per token.
    assert scale.kv_cache_bytes_per_token(scale.SMOLLM2_135M, 2) == 30 * 2 * 3 * 64 * 2 == 23_040
    assert scale.kv_cache_bytes_per_token(scale.SMOLLM2_135M, 4) == 46_080
    # Llama-2-7B: 32 blocks x 2 x 32 heads x 128 channels x 2 bytes = 524,288 bytes = 0.5 MiB.
    assert scale.kv_cache_bytes_per_token(scale.LLAMA2_7B) == 32 * 2 * 4096 * 2 == 2**19
    # Grouped-query attention: 8 kv heads instead of 64 -> an eighth of the cache.
    full = scale.TransformerConfig(**{**scale.LLAMA2_70B.__dict__, "n_kv_heads": None})
    assert scale.kv_cache_bytes_per_token(full) == 8 * scale.kv_cache_bytes_per_token(scale.LLAMA2_70B)


def test_kv_cache_grows_with_context_and_batch():
    assert scale.kv_cache_bytes(scale.LLAMA2_7B, 4096) == 4096 * 2**19 == 2**31
    assert scale.kv_cache_bytes(scale.LLAMA2_7B, 4096, batch=32) == 2**36
    assert scale.kv_cache_bytes(scale.SMOLLM2_135M, 4096, 32) == 23_040 * 4096 * 32
    assert scale.kv_cache_bytes(scale.SMOLLM2_135M, 0) == 0
    with pytest.raises(ValueError, match="context"):
        scale.kv_cache_bytes(scale.SMOLLM2_135M, -1)
    with pytest.raises(ValueError, match="batch"):
        scale.kv_cache_bytes(scale.SMOLLM2_135M, 10, batch=0)
    with pytest.raises(TypeError, match="config"):
        scale.kv_cache_bytes_per_token("SmolLM2")
    with pytest.raises(ValueError, match="bytes_per_value"):
        scale.kv_cache_bytes_per_token(scale.SMOLLM2_135M, -2)


def test_check_kv_cache_answer_and_its_hints():
    # Llama-2-13B by hand: 2 x 40 blocks x 40 heads x 128 channels x 2 bytes = 819,200 bytes/token.
    per_token = 2 * 40 * 40 * 128 * 2
    total_gb = per_token * 4096 * 8 / 1e9
    assert ex.check_kv_cache_answer(per_token, total_gb).ok
    assert ex.check_kv_cache_answer(per_token, round(total_gb, 2)).ok
    assert "factor 2" in ex.check_kv_cache_answer(per_token // 2, total_gb).message
    assert "2 bytes, not 4" in ex.check_kv_cache_answer(per_token * 2, total_gb).message
    assert "40 blocks" in ex.check_kv_cache_answer(per_token // 40, total_gb).message
    assert "GiB" in ex.check_kv_cache_answer(per_token, per_token * 4096 * 8 / 2**30).message
    assert "one sequence" in ex.check_kv_cache_answer(per_token, total_gb / 8).message
    for bad in (None, "819200", float("nan"), -1, True, [per_token]):
        assert not ex.check_kv_cache_answer(bad, total_gb).ok
        assert not ex.check_kv_cache_answer(per_token, bad).ok
