"""Parameter-efficient fine-tuning: how many weights LoRA trains.

LoRA (Hu et al., 2021, "LoRA: Low-Rank Adaptation of Large Language Models") freezes a
pretrained weight matrix ``W`` of shape ``(d_in, d_out)`` and learns a low-rank change to it,
``W + B @ A`` with ``B`` of shape ``(d_in, r)`` and ``A`` of shape ``(r, d_out)``. Only ``A`` and
``B`` are trained: ``r * (d_in + d_out)`` numbers per adapted matrix instead of ``d_in * d_out``.
So the gradients and the optimizer's state are those of the small matrices only.

Defined in chapter 5, which counts them on SmolLM2-135M.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from mlcourse.validation import as_int, as_str

#: Which matrices of each decoder block LoRA adapts: the attention's query and value projections
#: (the original paper's choice) or every linear layer (attention and MLP, common today).
LORA_TARGETS = {
    "q, v": ("attn_q", "attn_v"),
    "all linear": ("attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"),
}


def lora_parameters(shapes: Iterable[tuple[int, int]], r: int) -> int:
    """Trainable parameters of rank-``r`` LoRA adapters on matrices of the given shapes.

    Defined in chapter 5.

    Parameters
    ----------
    shapes : iterable of (d_in, d_out)
        The adapted weight matrices' shapes.
    r : int
        The adapters' rank (>= 1).

    Returns
    -------
    int
        ``sum(r * (d_in + d_out))``: ``B`` is (d_in, r) and ``A`` is (r, d_out).
    """
    r = as_int(r, "r", low=1)
    total = 0
    if isinstance(shapes, (str, bytes)) or not isinstance(shapes, Iterable):
        raise TypeError(f"shapes must be a list of (d_in, d_out) pairs, got {type(shapes).__name__}")
    for i, shape in enumerate(shapes):
        if not isinstance(shape, (tuple, list)) or len(shape) != 2:
            raise ValueError(f"shapes[{i}] must be a matrix shape (d_in, d_out), got {shape!r}")
        d_in, d_out = (as_int(d, f"shapes[{i}]", low=1) for d in shape)
        if r > min(d_in, d_out):
            raise ValueError(f"r must be at most min(d_in, d_out) = {min(d_in, d_out)} for shapes[{i}], got {r}")
        total += r * (d_in + d_out)
    return total


def lora_shapes(params: Mapping[str, Any], targets: str = "all linear") -> list[tuple[int, int]]:
    """The shapes of the matrices LoRA adapts in a Llama decoder.

    Parameters
    ----------
    params : dict
        As in :func:`mlcourse.transformer.llama_forward` (``blocks``: dicts of (in, out) matrices).
    targets : {"q, v", "all linear"}
        See :data:`LORA_TARGETS`.
    """
    targets = as_str(targets, "targets", choices=LORA_TARGETS)
    if not isinstance(params, Mapping) or "blocks" not in params:
        raise TypeError("params must be a dict with 'blocks', as in transformer.llama_forward")
    return [
        tuple(int(d) for d in np.shape(block[name])) for block in params["blocks"] for name in LORA_TARGETS[targets]
    ]
