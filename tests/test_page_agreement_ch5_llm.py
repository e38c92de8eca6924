"""Chapter 5 writes SmolLM2's forward pass on the page; mlcourse.transformer keeps the tested copy.

The page's functions and the package's run on the same random inputs (small random decoders,
several seeds, large values) and must agree; then the page's decoder runs on the real weights
and must give the package's logits, with and without a KV cache. LoRA's count is checked too.
"""

import numpy as np
import pytest

from mlcourse import finetuning, load_smollm2
from mlcourse import transformer as T
from tests.page import page_functions

NAMES = (
    "rms_norm",
    "rope_tables",
    "rope",
    "float32_softmax",
    "attention",
    "self_attention",
    "silu",
    "swiglu_mlp",
    "new_kv_cache",
    "llama_forward",
    "lora_parameters",
)
PAGE = page_functions("05_training_vs_inference.ipynb", *NAMES)


def random_decoder(seed, *, d_model=16, n_heads=4, n_kv_heads=2, d_ff=24, vocab=30, n_layers=2, scale=1.0):
    """A small random Llama-style decoder in the layout of transformer.llama_forward."""
    rng = np.random.default_rng(seed)
    head_dim = d_model // n_heads

    def mat(*shape):
        return (scale * rng.normal(size=shape) / np.sqrt(shape[0])).astype(np.float32)

    blocks = [
        {
            "attn_norm": (1 + 0.1 * rng.normal(size=d_model)).astype(np.float32),
            "ffn_norm": (1 + 0.1 * rng.normal(size=d_model)).astype(np.float32),
            "attn_q": mat(d_model, n_heads * head_dim),
            "attn_k": mat(d_model, n_kv_heads * head_dim),
            "attn_v": mat(d_model, n_kv_heads * head_dim),
            "attn_output": mat(n_heads * head_dim, d_model),
            "ffn_gate": mat(d_model, d_ff),
            "ffn_up": mat(d_model, d_ff),
            "ffn_down": mat(d_ff, d_model),
        }
        for _ in range(n_layers)
    ]
    params = {
        "token_embd": rng.normal(size=(vocab, d_model)).astype(np.float32),
        "output_norm": np.ones(d_model, dtype=np.float32),
        "blocks": blocks,
    }
    hparams = {"head_dim": head_dim, "n_kv_heads": n_kv_heads, "rope_base": 10_000.0, "norm_eps": np.float32(1e-5)}
    return params, hparams


def close(a, b):
    assert a.dtype == b.dtype == np.float32
    np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6 * max(1.0, float(np.abs(b).max())))


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("scale", [1.0, 300.0])
def test_rms_norm_silu_and_softmax_agree(seed, scale):
    rng = np.random.default_rng(seed)
    x = (scale * rng.normal(size=(5, 12))).astype(np.float32)
    gain = rng.normal(size=12).astype(np.float32)
    close(PAGE["rms_norm"](x, gain, 1e-5), T.rms_norm(x, gain, 1e-5))
    close(PAGE["silu"](x), T.silu(x))
    close(PAGE["float32_softmax"](x), T.float32_softmax(x))
    # independently: each row of rms_norm(x, 1) has root mean square 1 (up to eps)
    unit = PAGE["rms_norm"](x, np.ones(12, np.float32), 1e-5)
    np.testing.assert_allclose(np.sqrt(np.mean(unit.astype(float) ** 2, axis=1)), 1, rtol=1e-3)


@pytest.mark.parametrize("seed", range(3))
def test_rope_agrees_and_is_a_rotation(seed):
    rng = np.random.default_rng(seed)
    positions = rng.integers(0, 5000, size=6)
    cos, sin = PAGE["rope_tables"](positions, 8, 100_000.0)
    cos2, sin2 = T.rope_tables(positions, 8, 100_000.0)
    close(cos, cos2)
    close(sin, sin2)
    x = rng.normal(size=(3, 6, 8)).astype(np.float32)
    close(PAGE["rope"](x, cos, sin), T.rope(x, cos, sin))
    # a rotation of each pair (2i, 2i+1) keeps its length
    y = PAGE["rope"](x, cos, sin)
    np.testing.assert_allclose(y[..., 0::2] ** 2 + y[..., 1::2] ** 2, x[..., 0::2] ** 2 + x[..., 1::2] ** 2, rtol=1e-5)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize(("T_new", "S"), [(4, 4), (1, 7), (3, 9)])
def test_attention_agrees_and_is_causal(seed, T_new, S):
    rng = np.random.default_rng(seed)
    q = rng.normal(size=(6, T_new, 4)).astype(np.float32)
    k, v = (rng.normal(size=(2, S, 4)).astype(np.float32) for _ in range(2))
    out = PAGE["attention"](q, k, v)
    close(out, T.attention(q, k, v))
    # the last query sees every key; changing a key it may not see (a future one) changes nothing
    if T_new > 1:
        k2 = k.copy()
        k2[:, -1] += 5.0
        np.testing.assert_array_equal(PAGE["attention"](q, k2, v)[:, :-1], out[:, :-1])


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("scale", [1.0, 20.0])
def test_blocks_and_decoder_agree_on_random_weights(seed, scale):
    params, hparams = random_decoder(seed, scale=scale)
    ids = np.random.default_rng(seed + 5).integers(0, 30, size=7)
    block = params["blocks"][0]
    x = np.random.default_rng(seed).normal(size=(7, 16)).astype(np.float32)
    close(PAGE["swiglu_mlp"](x, block), T.swiglu_mlp(x, block))
    cos, sin = T.rope_tables(np.arange(7), 4, 10_000.0)
    page_cache, package_cache = PAGE["new_kv_cache"](1, 2, 4)[0], T.new_kv_cache(1, 2, 4)[0]
    close(PAGE["self_attention"](x, block, cos, sin, page_cache), T.self_attention(x, block, cos, sin, package_cache))
    close(page_cache["k"], package_cache["k"])
    page = PAGE["llama_forward"](ids, params, hparams, PAGE["new_kv_cache"](2, 2, 4))
    close(page, T.llama_forward(ids, params, hparams))


def test_page_decoder_on_the_real_model_gives_its_logits_with_and_without_cache():
    lm = load_smollm2()
    c = lm.config
    ids = lm.encode("Training changes the weights; inference only reads them.")

    def new_cache():
        return PAGE["new_kv_cache"](c.n_layers, c.kv_heads, c.head_dim)

    full = PAGE["llama_forward"](np.array(ids), lm.params, lm.hparams, new_cache())
    assert full.dtype == np.float32 and full.shape == (len(ids), 49_152)
    np.testing.assert_allclose(full, lm.logits(ids), atol=1e-4, rtol=0)
    cache = new_cache()
    first = PAGE["llama_forward"](np.array(ids[:4]), lm.params, lm.hparams, cache)
    rows = [first] + [PAGE["llama_forward"](np.array([t]), lm.params, lm.hparams, cache) for t in ids[4:]]
    np.testing.assert_allclose(np.concatenate(rows), full, atol=1e-4, rtol=0)
    assert cache[0]["k"].shape == (c.kv_heads, len(ids), c.head_dim) and cache[0]["k"].dtype == np.float32


@pytest.mark.parametrize("r", [1, 8, 64])
def test_lora_count_on_the_page_is_the_package_count(r):
    shapes = [(576, 576), (576, 192), (1536, 576), (64, 64)]
    expected = r * (1152 + 768 + 2112 + 128)  # by hand
    assert PAGE["lora_parameters"](shapes, r) == finetuning.lora_parameters(shapes, r) == expected
