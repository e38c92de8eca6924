"""Counting the floating-point operations of a forward pass, by running it.

Chapter 5 checks the rule of thumb "inference costs about 2N FLOPs per token" on a real model.
Rather than trusting a formula, :func:`count_weight_flops` runs a function on weights that count
every matrix product they take part in: a product of shapes ``(m, k) @ (k, n)`` is ``m * n * k``
multiplications and as many additions, ``2 * m * n * k`` FLOPs. Element-wise work (norms,
activations, softmax) is not counted; it is a small share of the total.

Only products with a weight matrix are counted; attention's products of queries with keys and
of probabilities with values involve no weights, and :func:`attention_flops` counts them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from mlcourse.validation import as_bool, as_int

#: The matrices of one Llama decoder block, in the layout of :func:`mlcourse.transformer.llama_forward`.
BLOCK_MATRICES = ("attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down")


class _Tally:
    """A running total of FLOPs, shared by every counting matrix of one count."""

    def __init__(self) -> None:
        self.flops = 0


class CountingMatrix(np.ndarray):
    """A weight array that adds the FLOPs of each matrix product it enters to a shared tally.

    Every result is a plain ``numpy.ndarray`` again, so only products with the weights count.
    """

    tally: _Tally | None

    def __array_finalize__(self, obj: Any) -> None:  # views (W.T, W[ids]) share the tally
        self.tally = getattr(obj, "tally", None)

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        plain = [x.view(np.ndarray) if isinstance(x, CountingMatrix) else x for x in inputs]
        result = getattr(ufunc, method)(*plain, **kwargs)
        if ufunc is np.matmul and method == "__call__" and self.tally is not None:
            inner = np.shape(plain[0])[-1]  # the summed-over length k
            self.tally.flops += 2 * int(np.size(result)) * int(inner)
        return result


def _wrap(value: Any, tally: _Tally) -> Any:
    if isinstance(value, np.ndarray):
        counting = value.view(CountingMatrix)
        counting.tally = tally
        return counting
    if isinstance(value, Mapping):
        return {k: _wrap(v, tally) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_wrap(v, tally) for v in value)
    return value


def count_weight_flops(fn: Callable[[Any], Any], params: Any) -> tuple[Any, int]:
    """Run ``fn(params)`` with counting weights; return its result and the FLOPs of its weight products.

    Parameters
    ----------
    fn : callable
        Takes the parameters (same nesting as ``params``) and computes with them.
    params : numpy.ndarray, or dicts / lists / tuples of them
        The weights; they are not copied (views share their memory) and not changed.

    Returns
    -------
    (result, flops)
        ``fn``'s return value, and ``2 * m * n * k`` summed over every matrix product in which a
        weight array took part.
    """
    if not callable(fn):
        raise TypeError(f"fn must be a function of the parameters, got {type(fn).__name__}")
    tally = _Tally()
    result = fn(_wrap(params, tally))
    if isinstance(result, CountingMatrix):
        result = result.view(np.ndarray)
    return result, tally.flops


def decoder_matrix_sizes(params: Mapping[str, Any]) -> dict[str, int]:
    """Weights per token that a Llama decoder multiplies by, grouped by layer kind.

    Parameters
    ----------
    params : dict
        As in :func:`mlcourse.transformer.llama_forward`: ``token_embd`` and ``blocks``.

    Returns
    -------
    dict
        ``"attention"`` (q, k, v and output projections of every block), ``"MLP"`` (gate, up and
        down) and ``"output head"`` (the tied embedding, used once as the head); the norms'
        gains are element-wise and the embedding lookup is a copy, so neither is here.
    """
    if not isinstance(params, Mapping) or "blocks" not in params or "token_embd" not in params:
        raise TypeError("params must be a dict with 'token_embd' and 'blocks', as in transformer.llama_forward")
    sizes = {"attention": 0, "MLP": 0, "output head": int(np.size(params["token_embd"]))}
    for block in params["blocks"]:
        for name in BLOCK_MATRICES:
            sizes["attention" if name.startswith("attn") else "MLP"] += int(np.size(block[name]))
    return sizes


def attention_flops(n_layers: int, n_heads: int, head_dim: int, context: int) -> int:
    """FLOPs of attention's two weight-free products for one new token that sees ``context`` tokens.

    Per block and head: scores ``q . k`` over the context (``2 * head_dim * context``) and the
    weighted sum of values (as many again).
    """
    n_layers = as_int(n_layers, "n_layers", low=1)
    n_heads = as_int(n_heads, "n_heads", low=1)
    head_dim = as_int(head_dim, "head_dim", low=1)
    context = as_int(context, "context", low=1)
    return 4 * n_layers * n_heads * head_dim * context


def generation_flops(
    n_weights: int, n_layers: int, n_heads: int, head_dim: int, prompt: int, new: int, *, kv_cache: bool
) -> list[int]:
    """Cumulative FLOPs of generating ``new`` tokens after a ``prompt``, with or without a KV cache.

    A forward pass over ``T`` new tokens with ``S`` tokens of context costs ``2 * n_weights * T``
    for the weights plus ``4 * n_layers * n_heads * head_dim * T * S`` for attention's scores and
    weighted values (as the course's code computes them: every query against every key, the
    future masked). With a cache, the prompt runs once and each step runs one token; without one,
    every step runs the whole text again.

    Returns
    -------
    list of int, length ``new``
        Entry ``k`` is the total after the ``k + 1``-th new token's logits are computed (the
        first entry includes the prompt's pass).
    """
    n_weights = as_int(n_weights, "n_weights", low=1)
    per_attention = attention_flops(n_layers, n_heads, head_dim, 1)  # per query and key pair
    prompt = as_int(prompt, "prompt", low=1)
    new = as_int(new, "new", low=0, high=1_000_000)
    kv_cache = as_bool(kv_cache, "kv_cache")

    def forward(T: int, S: int) -> int:
        return 2 * n_weights * T + per_attention * T * S

    totals, total = [], 0
    for k in range(new):
        S = prompt + k  # tokens whose logits predict the next one
        total += (forward(prompt, prompt) if k == 0 else forward(1, S)) if kv_cache else forward(S, S)
        totals.append(total)
    return totals
