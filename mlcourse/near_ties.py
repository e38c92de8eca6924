"""Near-ties in a real language model: where greedy decoding hangs on the last bits of a logit.

Greedy decoding takes the token with the largest logit. When the two largest logits are nearly
equal (a *near-tie*), any change to how the logits are computed (another summation order,
another batch size, weights rounded to float16) can swap them, and the generated text then
follows another path. This module measures that on :func:`mlcourse.load_smollm2`'s model
(numpy only); chapter 4 shows it.

Every function takes the model as an argument, so the module loads nothing by itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mlcourse.validation import as_float_array, as_int

#: Tokens that end generation in SmolLM2 (``<|endoftext|>`` 0, ``<|im_end|>`` 2).
STOP_TOKENS = (0, 2)

#: The largest finite float16 value.
FLOAT16_MAX = float(np.finfo(np.float16).max)
#: float32 bit patterns of |w| = 65,520, halfway from float16's largest value to the next power of
#: two: from here on float16 rounds to infinity; and of 2**-14, float16's smallest normal number.
_FLOAT16_OVERFLOW_BITS = np.float32(65_520.0).view(np.uint32)
_FLOAT16_SMALLEST_NORMAL_BITS = np.float32(2.0**-14).view(np.uint32)


def top_two_gap(logits) -> float:
    """How far the largest logit is ahead of the second largest (>= 0). Defined in chapter 4.

    Parameters
    ----------
    logits : array_like, shape (vocab_size,)
        Finite scores, at least two.

    Returns
    -------
    float
        ``top1 - top2``, in logit units (a gap of 0 is an exact tie).
    """
    logits = as_float_array(logits, "logits", ndim=1)
    if logits.size < 2:
        raise ValueError(f"logits must hold at least 2 scores, got {logits.size}")
    second, first = np.partition(logits, -2)[-2:]
    return float(first - second)


def round_to_float16(weights) -> np.ndarray:
    """``weights`` rounded to the nearest float16 value and stored back as float32.

    The perturbation of chapter 4: a relative change of at most 2**-11 (about 5e-4) per weight
    that stays within float16's range. Pass it to the model's ``with_weights``.

    float16 keeps 10 of float32's 23 mantissa bits (and 5 of its 8 exponent bits). So for float32
    input the rounding is done on the bits: drop the 13 low mantissa bits, rounding half to even,
    which gives bit for bit what ``weights.astype(np.float16).astype(np.float32)`` gives, about
    twice as fast and with no float16 copy. Weights below float16's smallest normal number,
    2**-14, are rounded to float16's subnormals, the multiples of 2**-24. Other float dtypes go
    through numpy's float16.

    Parameters
    ----------
    weights : array_like of float
        Finite values with ``|w|`` below 65,520 (larger ones would round to float16's infinity).

    Returns
    -------
    numpy.ndarray of float32, the shape of ``weights``
    """
    if not isinstance(weights, np.ndarray):  # a list: checked and converted (a model's arrays are not copied)
        weights = as_float_array(weights, "weights", allow_empty=True)
    if weights.dtype.kind != "f" or isinstance(weights, np.ma.MaskedArray):
        raise TypeError(f"weights must be a float array (not masked), got dtype {weights.dtype}")
    if weights.dtype != np.float32:
        with np.errstate(over="ignore", invalid="ignore"):
            rounded = weights.astype(np.float16).astype(np.float32)  # inf and nan survive the way back
        if not np.isfinite(rounded).all():
            raise ValueError(f"weights must be finite and within float16's range, |w| <= {FLOAT16_MAX:g}")
        return rounded
    flat = weights.reshape(-1)  # a view for a model's (contiguous) arrays
    bits = flat.view(np.uint32)  # sign (1 bit), exponent (8), mantissa (23)
    magnitude = bits & 0x7FFF_FFFF  # |w|'s bits, which sort like the values |w|
    if magnitude.size and magnitude.max() >= _FLOAT16_OVERFLOW_BITS:  # inf and nan lie above it too
        raise ValueError(f"weights must be finite and within float16's range, |w| <= {FLOAT16_MAX:g}")
    subnormal = np.flatnonzero(magnitude < _FLOAT16_SMALLEST_NORMAL_BITS)
    rounded = np.right_shift(bits, 13, out=magnitude)  # reuse the array: the lowest kept bit ...
    rounded &= 1  # ... is 1 if the kept mantissa is odd
    rounded += 0x0FFF  # just under half of the 13 dropped bits (exactly half if odd: ties go to even)
    rounded += bits  # carries into the kept bits if the dropped part is over half
    rounded &= 0xFFFF_E000  # drop the 13 low bits
    rounded = rounded.view(np.float32)
    rounded[subnormal] = np.round(flat[subnormal] * 2.0**24) / 2.0**24  # round half to even, too
    return rounded.reshape(weights.shape)


@dataclass(frozen=True)
class GreedyTrace:
    """What greedy decoding chose at each step, and how close the runner-up was.

    Attributes
    ----------
    tokens : tuple of int
        The chosen token ids, in order (the same as the model's ``generate`` at temperature 0).
    gaps : tuple of float
        ``gaps[i]`` is the top-1 minus top-2 logit when ``tokens[i]`` was chosen.
    logits : numpy.ndarray, shape (len(tokens), vocab_size), or None
        ``logits[i]`` is the whole row of logits ``tokens[i]`` was chosen from (kept so that
        two runs can be compared without running the model again).
    """

    tokens: tuple[int, ...]
    gaps: tuple[float, ...]
    logits: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def closest_step(self) -> int:
        """The step with the smallest gap: the nearest near-tie of the run."""
        return int(np.argmin(self.gaps))


def greedy_trace(lm: Any, ids: Sequence[int], steps: int) -> GreedyTrace:
    """Greedy decoding for ``steps`` tokens, recording the top-1/top-2 gap at every step.

    Parameters
    ----------
    lm : mlcourse.smollm2.SmolLM2
        The model (any object with ``new_cache()`` and ``step(ids, cache)``).
    ids : sequence of int
        The prompt's token ids.
    steps : int
        At most this many new tokens (1 to 1,000); it stops early after a stop token.

    Returns
    -------
    GreedyTrace
    """
    if not (callable(getattr(lm, "new_cache", None)) and callable(getattr(lm, "step", None))):
        raise TypeError(f"lm must be a language model with new_cache() and step(), got {type(lm).__name__}")
    steps = as_int(steps, "steps", low=1, high=1_000)
    cache = lm.new_cache()
    logits = lm.step(ids, cache)[-1]
    tokens, gaps, rows = [], [], []
    while True:
        token = int(np.argmax(logits))
        tokens.append(token)
        gaps.append(top_two_gap(logits))
        rows.append(logits)
        if token in STOP_TOKENS or len(tokens) == steps:
            return GreedyTrace(tuple(tokens), tuple(gaps), np.stack(rows))
        logits = lm.step([token], cache)[-1]


def first_difference(a: Sequence, b: Sequence) -> int | None:
    """The first position where two token sequences differ, or None if they are equal.

    If one sequence is the start of the other, they differ where the shorter one ends.

    >>> first_difference([5, 6, 7], [5, 6, 8])
    2
    >>> first_difference([5, 6], [5, 6, 8])
    2
    """
    a, b = list(a), list(b)
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return i
    return None if len(a) == len(b) else min(len(a), len(b))
