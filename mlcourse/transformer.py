"""The transformer's forward pass: a Llama-architecture decoder in plain numpy.

This is the whole computation that turns token ids into next-token logits in SmolLM2 (and in
Llama, Mistral or Qwen, which share the design). Each block of the decoder reads the residual
stream ``x`` (one row of ``d_model`` numbers per token) and adds two things to it:

1. *self-attention*: RMSNorm, then queries, keys and values; rotary position embeddings (RoPE)
   rotate the queries and keys by an angle that grows with the position; each token attends to
   itself and the tokens before it (causal); several query heads share one key/value head
   (grouped-query attention);
2. an *MLP*: RMSNorm, then SwiGLU, a gated feed-forward layer.

A final RMSNorm and the output head (the token embedding again: tied weights) give one logit
per vocabulary entry. The *KV cache* keeps every block's keys and values, so that generating a
new token runs the blocks on that one token only.

The weights are a dict (see :func:`llama_forward`) holding float32 matrices of shape (in, out), so a
layer is ``x @ W``. Every activation stays float32: constants are float32 too, because NumPy 2
would promote the whole residual stream to float64 when mixed with a float64 scalar.

Conventions of GGUF files: tensor names (``attn_q``, ``ffn_gate``, ...) are llama.cpp's, and
its Q and K weights are stored permuted so that RoPE rotates neighbouring channels
``(2i, 2i + 1)``, not the two halves of a head.
"""

from __future__ import annotations

import numpy as np


def rms_norm(x: np.ndarray, gain: np.ndarray, eps: float) -> np.ndarray:
    """RMSNorm: divide each row by its root mean square, then scale by a learned gain.

    Defined in chapter 5.

    Parameters
    ----------
    x : numpy.ndarray of float32, shape (T, d_model)
    gain : numpy.ndarray of float32, shape (d_model,)
    eps : float
        Added to the mean square, to avoid dividing by 0.
    """
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + np.float32(eps)) * gain


def rope_tables(positions: np.ndarray, head_dim: int, base: float) -> tuple[np.ndarray, np.ndarray]:
    """Cosines and sines of the rotary embedding's angles, ``position * base ** (-2i / head_dim)``.

    Defined in chapter 5.

    Returns
    -------
    (cos, sin) : numpy.ndarray of float32, each of shape (T, head_dim // 2)
        One angle per position and per pair of channels; pair ``i`` turns slower as ``i`` grows.
    """
    frequency = base ** (-np.arange(0, head_dim, 2) / head_dim)  # float64 for accurate angles
    angle = np.outer(positions, frequency)
    return np.cos(angle).astype(np.float32), np.sin(angle).astype(np.float32)


def rope(x: np.ndarray, cos: np.ndarray, sin: np.ndarray) -> np.ndarray:
    """Rotary position embedding: rotate each pair of channels ``(2i, 2i + 1)`` by its angle.

    Defined in chapter 5.

    Parameters
    ----------
    x : numpy.ndarray of float32, shape (heads, T, head_dim)
    cos, sin : numpy.ndarray of float32, shape (T, head_dim // 2)
        From :func:`rope_tables`.
    """
    even, odd = x[..., 0::2], x[..., 1::2]
    out = np.empty_like(x)
    out[..., 0::2] = even * cos - odd * sin
    out[..., 1::2] = even * sin + odd * cos
    return out


def float32_softmax(scores: np.ndarray) -> np.ndarray:
    """Softmax over the last axis, in the input's dtype (float32 here).

    Defined in chapter 5.
    """
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def attention(q: np.ndarray, k: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Causal grouped-query attention.

    Defined in chapter 5.

    Parameters
    ----------
    q : numpy.ndarray of float32, shape (n_heads, T, head_dim)
        Queries of the T newest tokens.
    k, v : numpy.ndarray of float32, shape (n_kv_heads, S, head_dim)
        Keys and values of all S tokens so far (S >= T); the last T are the queries' own.

    Returns
    -------
    numpy.ndarray of float32, shape (n_heads, T, head_dim)
    """
    group = q.shape[0] // k.shape[0]  # query heads per key/value head
    k, v = np.repeat(k, group, axis=0), np.repeat(v, group, axis=0)
    T, S = q.shape[1], k.shape[1]
    scores = q @ k.transpose(0, 2, 1) / np.float32(np.sqrt(q.shape[-1]))  # (n_heads, T, S)
    future = np.triu(np.ones((T, S), dtype=bool), k=S - T + 1)  # token t sees keys up to S - T + t
    scores = np.where(future, np.float32(-np.inf), scores)
    return float32_softmax(scores) @ v


def self_attention(x: np.ndarray, block: dict, cos: np.ndarray, sin: np.ndarray, cache: dict) -> np.ndarray:
    """One block's attention layer, adding this step's keys and values to ``cache``.

    Defined in chapter 5.

    Parameters
    ----------
    x : numpy.ndarray of float32, shape (T, d_model)
        The normalised residual stream of the T newest tokens.
    block : dict
        The block's matrices ``attn_q``, ``attn_k``, ``attn_v``, ``attn_output``, shape (in, out).
    cos, sin : numpy.ndarray, shape (T, head_dim // 2)
        The newest tokens' RoPE tables.
    cache : dict
        ``{"k": keys, "v": values}`` of earlier tokens, shape (n_kv_heads, S, head_dim); updated.
    """
    T, head_dim = x.shape[0], 2 * cos.shape[1]

    def heads(y):  # (T, n * head_dim) -> (n, T, head_dim)
        return y.reshape(T, -1, head_dim).transpose(1, 0, 2)

    q = rope(heads(x @ block["attn_q"]), cos, sin)
    k = rope(heads(x @ block["attn_k"]), cos, sin)
    v = heads(x @ block["attn_v"])
    cache["k"] = np.concatenate([cache["k"], k], axis=1)  # the KV cache grows by T tokens
    cache["v"] = np.concatenate([cache["v"], v], axis=1)
    out = attention(q, cache["k"], cache["v"])  # (n_heads, T, head_dim)
    return out.transpose(1, 0, 2).reshape(T, -1) @ block["attn_output"]


def silu(x: np.ndarray) -> np.ndarray:
    """SiLU (swish), ``x * sigmoid(x)``; the sigmoid written with tanh, which cannot overflow."""
    return x * (0.5 + 0.5 * np.tanh(0.5 * x))


def swiglu_mlp(x: np.ndarray, block: dict) -> np.ndarray:
    """SwiGLU MLP: a SiLU gate times an up-projection, projected back down.

    Defined in chapter 5.

    Parameters
    ----------
    x : numpy.ndarray of float32, shape (T, d_model)
    block : dict
        ``ffn_gate`` and ``ffn_up`` of shape (d_model, d_ff), ``ffn_down`` of shape (d_ff, d_model).
    """
    gate, up = silu(x @ block["ffn_gate"]), x @ block["ffn_up"]
    return (gate * up) @ block["ffn_down"]


def new_kv_cache(n_layers: int, n_kv_heads: int, head_dim: int) -> list[dict]:
    """An empty KV cache: per block, keys and values of shape (n_kv_heads, 0, head_dim)."""
    empty = np.zeros((n_kv_heads, 0, head_dim), dtype=np.float32)
    return [{"k": empty, "v": empty} for _ in range(n_layers)]


def llama_forward(ids: np.ndarray, params: dict, hparams: dict, cache: list[dict] | None = None) -> np.ndarray:
    """The decoder: token ids in, one row of logits per token out.

    Defined in chapter 5.

    Parameters
    ----------
    ids : numpy.ndarray of int, shape (T,)
        The new tokens (after the ``S`` tokens already in ``cache``).
    params : dict
        ``token_embd`` (vocab, d_model), ``output_norm`` (d_model,), and ``blocks``: a list of
        dicts with ``attn_norm``, ``ffn_norm`` and the matrices of :func:`self_attention` and
        :func:`swiglu_mlp`.
    hparams : dict
        ``head_dim``, ``n_kv_heads``, ``rope_base`` and ``norm_eps``.
    cache : list of dict, optional
        From :func:`new_kv_cache`, extended in place; default: a new one (no earlier tokens).

    Returns
    -------
    numpy.ndarray of float32, shape (T, vocab)
        Row t holds the logits for the token after ``ids[t]``.
    """
    head_dim, eps = hparams["head_dim"], hparams["norm_eps"]
    if cache is None:
        cache = new_kv_cache(len(params["blocks"]), hparams["n_kv_heads"], head_dim)
    start = cache[0]["k"].shape[1]  # tokens already seen
    cos, sin = rope_tables(np.arange(start, start + len(ids)), head_dim, hparams["rope_base"])
    x = params["token_embd"][ids]  # token embeddings: the residual stream, (T, d_model)
    for block, kv in zip(params["blocks"], cache, strict=True):
        h = rms_norm(x, block["attn_norm"], eps)
        x = x + self_attention(h, block, cos, sin, kv)
        x = x + swiglu_mlp(rms_norm(x, block["ffn_norm"], eps), block)
    x = rms_norm(x, params["output_norm"], eps)
    return x @ params["token_embd"].T  # tied output head: the embedding again
