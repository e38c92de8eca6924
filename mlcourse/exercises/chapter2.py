"""Chapter 2's exercise checkers: counting parameters, memory, and ReLU networks.

Every checker turns whatever the reader gives (a number, None, a string, a function that
raises or returns nonsense) into :class:`~mlcourse.exercises.feedback.Feedback`, never a traceback.
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from mlcourse.exercises.feedback import Feedback, correct, wrong
from mlcourse.mlp import check_layer_sizes, parameter_count
from mlcourse.scale import (
    BYTES_PER_PARAMETER,
    GB,
    LLAMA2_13B,
    TransformerConfig,
    kv_cache_bytes,
    kv_cache_bytes_per_token,
    training_memory_bytes,
    transformer_parameter_count,
    weights_memory_bytes,
)
from mlcourse.validation import as_int


def _as_whole_number(value: Any) -> int | None:
    """``value`` as an int if it is a real, finite, whole number; otherwise None."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    try:
        number = float(value)
    except (OverflowError, ValueError, TypeError):  # TypeError: numpy timedelta64 passes as Real
        return None
    if not math.isfinite(number) or number != int(value):
        return None
    return int(value)


def _as_real(value: Any) -> float | None:
    """``value`` as a finite float, or None."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    try:
        number = float(value)
    except (OverflowError, ValueError, TypeError):
        return None
    return number if math.isfinite(number) else None


def check_mlp_count(answer: Any, layer_sizes: Sequence[int] = (784, 128, 64, 10)) -> Feedback:
    """Check a hand count of the parameters of the MLP with ``layer_sizes``; hints name the slip."""
    sizes = check_layer_sizes(layer_sizes)
    count = _as_whole_number(answer)
    if count is None:
        return wrong(f"give the count as a whole number, got {answer!r}")
    expected = parameter_count(sizes)
    per_layer = [(a * b, b) for a, b in itertools.pairwise(sizes)]
    if count == expected:
        return correct(f"{expected:,} parameters: " + " + ".join(f"{w:,} + {b}" for w, b in per_layer))
    weights_only = parameter_count(sizes, bias=False)
    biases_on_inputs = sum(a * b + a for a, b in itertools.pairwise(sizes))
    all_neurons = weights_only + sum(sizes)
    if count == weights_only:
        hint = f"That is the weights alone: add one bias per non-input neuron ({sum(sizes[1:])} biases)."
    elif count in (biases_on_inputs, all_neurons):
        hint = "Biases belong to the neurons a layer feeds into, not to the input neurons."
    else:
        hint = "Count each layer as n_in * n_out weights plus n_out biases, then add the layers."
    return wrong(f"{count:,} is not the count for layer sizes {list(sizes)}. {hint}")


def check_count_function(count: Callable[[Sequence[int]], int]) -> Feedback:
    """Check the reader's ``count(layer_sizes)`` against :func:`mlcourse.mlp.parameter_count` on several nets."""
    if not callable(count):
        return wrong(f"pass your function itself (count, not count(...)); got {type(count).__name__}")
    for sizes in [(1, 1), (2, 3), (3, 4, 2), (784, 128, 64, 10), (5, 1, 5, 1)]:
        try:
            got = count(list(sizes))
        except Exception as exc:  # the reader's code may raise anything
            return wrong(f"count({list(sizes)}) raised {type(exc).__name__}: {exc}")
        expected = parameter_count(sizes)
        value = _as_whole_number(got)
        if value is None:
            return wrong(f"count({list(sizes)}) returned {got!r}; return the count as a whole number.")
        if value != expected:
            if value == parameter_count(sizes, bias=False):
                hint = " You counted only the weights; add n_out biases per layer."
            elif len(sizes) > 2 and value == parameter_count(sizes[:2]):
                hint = " Only the first layer is counted: loop over all consecutive pairs of sizes."
            else:
                hint = " Each layer from n_in to n_out has n_in * n_out + n_out parameters."
            return wrong(f"count({list(sizes)}) returned {got!r}, expected {expected}.{hint}")
    return correct("your count matches for single layers, deep stacks and bottlenecks.")


def check_memory_answer(
    weights_gb: Any, training_gb: Any, config: TransformerConfig = LLAMA2_13B, dtype: str = "bf16"
) -> Feedback:
    """Check the memory (in GB = 10**9 bytes) for ``config``'s weights in ``dtype`` and for training."""
    n = transformer_parameter_count(config)
    expected = (weights_memory_bytes(n, dtype) / GB, training_memory_bytes(n) / GB)
    for given, exp, what in ((weights_gb, expected[0], f"{dtype} weights"), (training_gb, expected[1], "training")):
        value = _as_real(given)
        if value is None or value < 0:
            return wrong(f"{what}: give the memory as a positive number of GB, got {given!r}")
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


def check_relu_network_facts(n_parameters: Any, max_kinks: Any, n_hidden: int = 20) -> Feedback:
    """Check the parameter count (``3k + 1``) and the most kinks (``k``) of a 1-k-1 ReLU network."""
    k = check_layer_sizes((1, as_int(n_hidden, "n_hidden", low=1), 1))[1]
    values = {}
    for value, name in ((n_parameters, "n_parameters"), (max_kinks, "max_kinks")):
        value = value.item() if isinstance(value, np.ndarray) and value.ndim == 0 else value
        if isinstance(value, bool) or type(value).__name__ == "timedelta64" or not isinstance(value, numbers.Integral):
            return wrong(f"{name} must be a whole number, got {value!r}")
        values[name] = int(value)
    n_parameters, max_kinks = values["n_parameters"], values["max_kinks"]
    expected = parameter_count((1, k, 1))
    if n_parameters != expected:
        hints = {
            3 * k: "you left out the single output bias",
            2 * k + 1: "count three numbers per hidden unit: input weight, bias and output weight",
            2 * k: "each unit has an input weight, a bias and an output weight, and the output has a bias",
            4 * k + 1: "each hidden unit has one bias, not two",
        }
        hint = hints.get(n_parameters, "count per hidden unit, then add the output bias")
        return wrong(f"{n_parameters} parameters is not right for {k} hidden units: {hint}.")
    if max_kinks != k:
        hint = (
            "each unit relu(w·x + b) bends exactly once, at x = -b/w, and adding units adds bends"
            if max_kinks != k - 1
            else "k units can bend at k different places; nothing forces two kinks together"
        )
        return wrong(f"the parameter count is right, but {max_kinks} kinks is not the maximum: {hint}.")
    return correct(f"{expected} parameters, and a bent line with at most {k} kinks.")


def check_kv_cache_answer(
    per_token_bytes: Any,
    total_gb: Any,
    config: TransformerConfig = LLAMA2_13B,
    context: int = 4096,
    batch: int = 8,
    bytes_per_value: float = 2,
) -> Feedback:
    """Check the KV cache per token (bytes) and for ``batch`` sequences of ``context`` tokens (GB)."""
    per_token = kv_cache_bytes_per_token(config, bytes_per_value)
    total = kv_cache_bytes(config, context, batch, bytes_per_value) / GB
    value = _as_real(per_token_bytes)
    if value is None or value < 0:
        return wrong(f"per_token_bytes: give a positive number of bytes, got {per_token_bytes!r}")
    if not math.isclose(value, per_token, rel_tol=0.01):
        hint = "2 (a key and a value) x n_layers x n_kv_heads x head_dim x bytes per number"
        if math.isclose(value, per_token / 2, rel_tol=0.01):
            hint = "count both the key and the value vector: a factor 2"
        elif math.isclose(value, per_token * 2, rel_tol=0.01):
            hint = "fp16 numbers take 2 bytes, not 4 (or you counted K and V twice)"
        elif math.isclose(value, per_token / config.n_layers, rel_tol=0.01):
            hint = f"every one of the {config.n_layers} blocks keeps its own keys and values"
        return wrong(f"per_token_bytes: {value:,.0f} is off (expected {per_token:,.0f}): {hint}.")
    value = _as_real(total_gb)
    if value is None or value < 0:
        return wrong(f"total_gb: give a positive number of GB, got {total_gb!r}")
    if not math.isclose(value, total, rel_tol=0.01):
        hint = f"multiply by the {context:,} tokens and the {batch} sequences, then divide by 10⁹"
        if math.isclose(value, total * GB / 2**30, rel_tol=0.01):
            hint = "that is GiB (2³⁰ bytes); the question asks for GB = 10⁹ bytes"
        elif math.isclose(value, total / batch, rel_tol=0.01):
            hint = f"that is one sequence; the batch holds {batch}"
        return wrong(f"total_gb: {value:.4g} GB is off (expected about {total:.4g} GB): {hint}.")
    return correct(
        f"{config.name} keeps {per_token:,.0f} bytes per token; {batch} sequences of {context:,} tokens "
        f"take {total:.1f} GB of cache, on top of the weights."
    )
