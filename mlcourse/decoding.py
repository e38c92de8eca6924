"""Decoding: how a language model's logits become the next token. Defined in chapter 3.

A model outputs one logit per token of its vocabulary; decoding chooses the token. The knobs
are the same for a tiny character model and a large language model:

- :func:`temperature` divides the logits by ``T`` (``T < 1`` sharpens, ``T > 1`` flattens);
- :func:`filter_logits` keeps the ``top_k`` largest logits, or the nucleus (``top_p``), and
  sets the others to ``-inf`` (probability 0);
- :func:`sample` draws a token from what is left, always through an explicit
  ``numpy.random.Generator``; :func:`greedy` takes the argmax (the limit ``T -> 0``);
- :func:`repetition_penalty` (Keskar et al., 2019, CTRL) makes tokens already in the text
  less likely, a remedy for greedy loops.

The order is fixed, as in Hugging Face's default logits processors: temperature first, then
top-k, then top-p (so top-p measures probability *at* the temperature).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mlcourse.softmax import as_logits, checked_max, scaled_shift, softmax
from mlcourse.validation import as_int, as_int_array, as_number, as_rng

#: Number of tokens in GPT-2's vocabulary (50,000 merges + 256 bytes + 1 end-of-text token).
GPT2_VOCAB_SIZE = 50_257


#: A language model's next-token scores after "The cat sat on the" (made up for illustration).
EXAMPLE_TOKENS: tuple[str, ...] = ("mat", "floor", "sofa", "bed", "roof", "moon")
EXAMPLE_LOGITS = np.array([4.0, 2.9, 2.5, 2.2, 0.8, -1.5])
EXAMPLE_LOGITS.setflags(write=False)  # shared by every figure: copy it before changing values

#: The most draws :func:`sample` makes in one call (a bound on memory, about 1.6 GB of int64 and floats).
MAX_DRAWS = 100_000_000


def temperature(logits, t: float) -> np.ndarray:
    """The logits at temperature ``t``: ``logits / t``, shifted so that the largest is 0.

    Softmax ignores the shift, so ``softmax(temperature(z, t))`` is ``softmax(z / t)``; the
    shift is what keeps huge logits and huge or tiny temperatures exact (see
    :func:`mlcourse.softmax.scaled_shift`).

    Parameters
    ----------
    logits : array_like, shape (..., V)
        Finite numbers or -inf; at least one finite entry per row.
    t : float
        ``t >= 0``. ``t = 0`` is the greedy limit: 0 on the first largest logit, -inf elsewhere.

    Returns
    -------
    numpy.ndarray, same shape as ``logits``
        Values <= 0, with a 0 in every row.
    """
    x = as_logits(logits)
    t = as_number(t, "t", low=0.0)
    if t == 0.0:
        checked_max(x, x.ndim - 1)
        top = np.expand_dims(np.argmax(x, axis=-1), -1)
        out = np.full_like(x, -np.inf)
        np.put_along_axis(out, top, 0.0, axis=-1)
        return out
    return scaled_shift(x, t, x.ndim - 1)


def greedy(logits):
    """The most likely option of each row (the first one on ties): ``np.argmax`` on the last axis.

    Returns
    -------
    int or numpy.ndarray of int
        An int for 1-D logits, else an array of shape ``logits.shape[:-1]``.
    """
    x = as_logits(logits)
    checked_max(x, x.ndim - 1)
    idx = np.argmax(x, axis=-1)
    return int(idx) if idx.ndim == 0 else idx


def _keep_top(x: np.ndarray, k: np.ndarray) -> np.ndarray:
    """``x`` with every entry below the k-th largest of its row (last axis) set to -inf; ties kept."""
    kth = np.take_along_axis(np.sort(x, axis=-1), x.shape[-1] - k[..., None], axis=-1)
    return np.where(x >= kth, x, -np.inf)


def filter_logits(logits, top_k: int | None = None, top_p: float | None = None) -> np.ndarray:
    """Keep only the most likely options (last axis); the others become -inf. Defined in chapter 3.

    Parameters
    ----------
    logits : array_like, shape (..., V)
        Finite numbers or -inf, at least one finite entry per row.
    top_k : int, optional
        Keep the ``top_k`` largest logits of each row. Entries tied with the k-th largest
        value are kept too, so a row may keep more than ``top_k``. ``top_k >= V`` keeps all.
    top_p : float in (0, 1], optional
        Nucleus filtering (Holtzman et al., 2019, "The Curious Case of Neural Text
        Degeneration"): keep the smallest set of most likely options whose total probability
        reaches ``top_p``, i.e. top-k with the k that the probabilities call for. The option that
        crosses ``top_p`` is kept, so the most likely one always survives; totals within a
        relative 1e-12 of ``top_p`` count as reaching it (float rounding). ``top_p = 1`` keeps
        all. When both are given, top-k is applied first and top-p to what remains (Hugging
        Face's order; a temperature, if any, comes before both: see :func:`sample`).

    Returns
    -------
    numpy.ndarray, same shape as ``logits``
        The kept logits unchanged, the rest ``-inf``.
    """
    x = as_logits(logits)
    top_k, top_p = _filter_args(top_k, top_p)
    checked_max(x, x.ndim - 1)
    out = x.copy()
    if top_k is not None and top_k < x.shape[-1]:
        out = _keep_top(out, np.full(x.shape[:-1], top_k))
    if top_p is not None and top_p < 1.0:
        probs = -np.sort(-softmax(out), axis=-1)  # most likely first
        before = np.cumsum(probs, axis=-1) - probs  # probability of the options ranked above
        k = np.maximum(np.sum(before < top_p * (1 - 1e-12), axis=-1), 1)
        out = _keep_top(out, k)
    return out


def _filter_args(top_k: Any, top_p: Any) -> tuple[int | None, float | None]:
    """Validate the optional ``top_k`` (int >= 1) and ``top_p`` (in (0, 1])."""
    if top_k is not None:
        top_k = as_int(top_k, "top_k", low=1)
    if top_p is not None:
        top_p = as_number(top_p, "top_p", low=0.0, high=1.0)
        if top_p == 0.0:
            raise ValueError("top_p must be in (0, 1], got 0.0 (it would keep nothing)")
    return top_k, top_p


def _draw_shape(size: Any) -> tuple[int, ...]:
    if size is None:
        return ()
    if isinstance(size, tuple):
        return tuple(as_int(s, "size", low=0, high=MAX_DRAWS) for s in size)
    return (as_int(size, "size", low=0, high=MAX_DRAWS),)


def sample(
    logits,
    rng: np.random.Generator,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    size: int | tuple[int, ...] | None = None,
):
    """Draw option indices from ``softmax(filter(logits / T))`` with the Generator ``rng``.

    Defined in chapter 3: each draw takes one uniform number ``u`` from ``rng`` and returns the
    first option whose cumulative probability exceeds ``u`` (inverse transform sampling).

    Parameters
    ----------
    logits : array_like, shape (V,) or (..., V)
        Logits over V options (a batch of rows is sampled row by row).
    rng : numpy.random.Generator
        The only source of randomness, e.g. ``np.random.default_rng(0)``: same seed, same tokens.
    temperature : float, default 1.0
        ``T >= 0``; ``T = 0`` is greedy decoding (always the argmax, first index on ties), and
        then ``rng`` is not used at all.
    top_k, top_p : optional
        Filters applied after the temperature, see :func:`filter_logits`.
    size : int or tuple of int, optional
        Number (shape) of draws per row; ``None`` draws one.

    Returns
    -------
    int or numpy.ndarray of int
        An int for 1-D logits and ``size=None``; otherwise an array of shape
        ``logits.shape[:-1] + size``.
    """
    x = as_logits(logits)
    rng = as_rng(rng)
    t = as_number(temperature, "temperature", low=0.0)
    top_k, top_p = _filter_args(top_k, top_p)
    draw_shape = _draw_shape(size)
    batch = x.shape[:-1]
    if np.prod(batch + draw_shape, dtype=float) > MAX_DRAWS:
        raise ValueError(f"size asks for more than {MAX_DRAWS:,} draws in total; draw in smaller batches")
    if t == 0.0:
        idx = np.asarray(greedy(x)).reshape(batch + (1,) * len(draw_shape))
        out = np.broadcast_to(idx, batch + draw_shape).astype(np.int64)
    else:
        cdf, last = _cdf_rows(x, t, top_k, top_p)
        u = rng.random((cdf.shape[0], int(np.prod(draw_shape))))
        out = np.empty(u.shape, dtype=np.int64)
        for row in range(cdf.shape[0]):
            out[row] = _invert_cdf(cdf[row], last[row], u[row])
        out = out.reshape(batch + draw_shape)
    return int(out) if out.ndim == 0 else np.array(out)


def _cdf_rows(x: np.ndarray, t: float, top_k: int | None, top_p: float | None) -> tuple[np.ndarray, np.ndarray]:
    """Running totals of ``softmax(filter(x / T))`` per row, shape (rows, V), and each row's last
    option with positive probability, shape (rows,). ``x`` is checked float64, ``t > 0``."""
    z = filter_logits(scaled_shift(x, t, x.ndim - 1), top_k=top_k, top_p=top_p)  # z / T, filtered
    p = softmax(z).reshape(-1, x.shape[-1])
    cdf = np.cumsum(p, axis=-1)  # running totals, ending at 1
    # The last option with positive probability: a draw that rounds up past the end lands there.
    last = x.shape[-1] - 1 - np.argmax(p[:, ::-1] > 0, axis=-1)
    return cdf, last


def _invert_cdf(cdf: np.ndarray, last: int, u: np.ndarray) -> np.ndarray:
    """Inverse transform sampling: for each uniform ``u``, the first option whose running total exceeds it."""
    # side="right" never lands on a zero-probability option (its cdf step is flat).
    return np.minimum(np.searchsorted(cdf, u * cdf[-1], side="right"), last)


def repetition_penalty(logits, previous, penalty: float) -> np.ndarray:
    """Make every token already in ``previous`` less likely (chapter 3's debugging section).

    The CTRL rule (Keskar et al., 2019, "CTRL: A Conditional Transformer Language Model for
    Controllable Generation"), as Hugging Face applies it: a seen token's logit is divided by
    ``penalty`` if it is positive and multiplied by it if negative, so ``penalty > 1`` always
    lowers it. Each seen token is penalised once, however often it occurred.

    Parameters
    ----------
    logits : array_like, shape (V,)
        One row of logits.
    previous : sequence of int
        Token ids already in the text (prompt and generated), each in ``[0, V)``.
    penalty : float
        ``penalty >= 1``; 1 changes nothing. CTRL used 1.2.

    Returns
    -------
    numpy.ndarray, shape (V,)
        A changed copy of the logits.
    """
    x = as_logits(logits)
    if x.ndim != 1:
        raise ValueError(f"logits must be one row (1-D), got shape {x.shape}")
    checked_max(x, 0)
    penalty = as_number(penalty, "penalty", low=1.0)
    if isinstance(previous, (str, bytes)):
        raise TypeError("previous must be token ids (integers), not a string")
    seen = np.unique(as_int_array(previous, "previous", ndim=1, allow_empty=True))
    if seen.size and (seen[0] < 0 or seen[-1] >= x.size):
        raise ValueError(f"previous must hold token ids in [0, {x.size}), got {seen[0]} to {seen[-1]}")
    out = x.copy()
    z = out[seen]
    out[seen] = np.where(z > 0, z / penalty, z * penalty)
    return out
