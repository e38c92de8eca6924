"""Logits: raw scores, and how softmax turns them into probabilities.

A model that chooses among ``V`` options (classes, or the next token of a language model)
outputs one real number per option: its *logits*. They are unnormalised: any real value,
and adding the same constant to all of them changes nothing. :func:`softmax` maps them to
probabilities, ``p_i = exp(z_i) / sum_j exp(z_j)``, which are positive and sum to 1.

Every function here is numerically stable: it subtracts the largest logit before
exponentiating, so logits as large as ``1e300`` in magnitude neither overflow nor give NaN.
Entries equal to ``-inf`` are allowed and mean "probability exactly 0" (a masked option);
NaN and ``+inf`` are rejected, as is a row with no finite logit at all.

Generation from a language model works on logits too: :func:`filter_logits` keeps the
top-k tokens or the nucleus (top-p) and :func:`sample` draws tokens with a temperature,
always through an explicit ``numpy.random.Generator``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch

from mlcourse.exercises.feedback import Feedback, correct, wrong
from mlcourse.figures import Plot, new_figure
from mlcourse.figures.diagrams import draw_flow
from mlcourse.figures.style import INK, MUTED, PALETTE, styled
from mlcourse.validation import as_float_array, as_int, as_number, as_rng

#: Number of tokens in GPT-2's vocabulary (50,000 merges + 256 bytes + 1 end-of-text token).
GPT2_VOCAB_SIZE = 50_257


# --------------------------------------------------------------------------- input checks


def as_logits(value: Any, name: str = "logits", *, check_values: bool = True) -> np.ndarray:
    """Convert ``value`` to a float64 array of logits, checked.

    Finite numbers and ``-inf`` (probability 0) are allowed. NaN, ``+inf``, strings,
    empty input and scalars (0-d) are rejected with a message naming ``name``.
    Whether each row has a finite entry is checked by :func:`_check_rows`.
    With ``check_values=False`` only the type and shape are checked here; the softmax family
    then checks the values on the row maxima (:func:`_checked_max`), which is much cheaper.

    Returns
    -------
    numpy.ndarray
        A float64 array with at least one dimension.
    """
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be numbers, got a {type(value).__name__}")
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be numbers (a list or array): {exc}") from None
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be real numbers, got an array of dtype {array.dtype}")
    array = array.astype(np.float64, copy=False)
    if array.ndim == 0:
        raise ValueError(f"{name} must have at least one dimension (one score per option), got a scalar")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {array.shape}")
    if check_values:
        _check_values(np.isnan(array).any(), np.isposinf(array).any(), name)
    return array


def _check_values(has_nan: bool, has_posinf: bool, name: str) -> None:
    if has_nan:
        raise ValueError(f"{name} must not contain NaN")
    if has_posinf:
        raise ValueError(f"{name} must not contain +inf (use large finite values; -inf means probability 0)")


def _axis(axis: Any, ndim: int) -> int:
    """Check ``axis`` against an array with ``ndim`` dimensions; return it as a non-negative int."""
    axis = as_int(axis, "axis", low=-ndim, high=ndim - 1)
    return axis % ndim


def _check_rows(x: np.ndarray, axis: int, name: str = "logits") -> None:
    """Every slice along ``axis`` needs at least one finite logit, or no distribution exists."""
    if not np.isfinite(x).any(axis=axis).all():
        raise ValueError(f"{name} must have at least one finite entry along axis {axis} (all were -inf)")


def _checked_max(x: np.ndarray, axis: int, name: str = "logits") -> np.ndarray:
    """The maximum along ``axis`` (kept as a broadcastable dimension), with the values checked.

    One look at the maxima replaces three passes over the whole array: ``np.max`` propagates
    NaN, a +inf anywhere makes its row's maximum +inf, and a row that is all -inf has maximum
    -inf. So the checks cost as much as the output, not the input (50,257 times less for a
    language model's logits).
    """
    m = np.max(x, axis=axis, keepdims=True)
    _check_values(np.isnan(m).any(), np.isposinf(m).any(), name)
    if np.isneginf(m).any():
        raise ValueError(f"{name} must have at least one finite entry along axis {axis} (all were -inf)")
    return m


def _shifted(x: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(x - max, max)`` along ``axis`` (max kept as a broadcastable dimension), checked.

    The difference is <= 0 everywhere; it may round to -inf for logits near the float64
    limit (whose exponential is 0 anyway), so overflow warnings are silenced here.
    """
    m = _checked_max(x, axis)
    with np.errstate(over="ignore"):
        d = x - m
    return d, m


# --------------------------------------------------------------------------- softmax family


def logsumexp(logits, axis: int = -1):
    """``log(sum(exp(logits)))`` along ``axis``, computed stably as ``m + log(sum(exp(logits - m)))``.

    Parameters
    ----------
    logits : array_like, any shape with at least one dimension
        Finite numbers or -inf; at least one finite entry along ``axis``.
    axis : int, default -1
        The axis summed over (the options).

    Returns
    -------
    float or numpy.ndarray
        ``logits.shape`` without ``axis`` (a float for 1-D input).
    """
    x = as_logits(logits, check_values=False)
    axis = _axis(axis, x.ndim)
    d, m = _shifted(x, axis)
    np.exp(d, out=d)
    out = np.squeeze(m, axis=axis) + np.log(np.sum(d, axis=axis))
    return float(out) if out.ndim == 0 else out


def log_softmax(logits, axis: int = -1) -> np.ndarray:
    """Log-probabilities ``logits - logsumexp(logits)`` along ``axis``.

    More accurate than ``np.log(softmax(logits))``: tiny probabilities that would round to 0
    keep their (very negative) logarithm. Entries of -inf stay -inf.

    Parameters
    ----------
    logits : array_like, any shape with at least one dimension
    axis : int, default -1

    Returns
    -------
    numpy.ndarray, same shape as ``logits``
        Values <= 0 whose exponentials sum to 1 along ``axis``.
    """
    x = as_logits(logits, check_values=False)
    axis = _axis(axis, x.ndim)
    d, _ = _shifted(x, axis)
    d -= np.log(np.sum(np.exp(d), axis=axis, keepdims=True))
    return d


def softmax(logits, temperature: float = 1.0, axis: int = -1) -> np.ndarray:
    """Probabilities ``exp(z_i / T) / sum_j exp(z_j / T)`` along ``axis``.

    Parameters
    ----------
    logits : array_like, any shape with at least one dimension
        Finite numbers or -inf (probability 0); at least one finite entry along ``axis``.
    temperature : float, default 1.0
        ``T >= 0``. ``T = 1`` leaves the logits as they are, ``T < 1`` sharpens the
        distribution, ``T > 1`` flattens it toward uniform. ``T = 0`` is the limit: greedy,
        a one-hot vector on the largest logit (ties go to the first index, as ``np.argmax``).
    axis : int, default -1
        The axis holding the options.

    Returns
    -------
    numpy.ndarray, same shape as ``logits``
        Probabilities in [0, 1] that sum to 1 along ``axis``.

    Notes
    -----
    Computed as ``exp((z - max z) / T)`` normalised: the shift does not change the result
    (softmax is invariant to adding a constant) but keeps every exponent <= 0, so nothing
    overflows; the division by ``T`` happens after the shift, so a tiny ``T`` cannot overflow either.
    """
    x = as_logits(logits, check_values=False)
    temperature = as_number(temperature, "temperature", low=0.0)
    axis = _axis(axis, x.ndim)
    d, _ = _shifted(x, axis)  # checks the values too
    if temperature == 0.0:
        return _one_hot_argmax(x, axis)
    if temperature != 1.0:
        with np.errstate(over="ignore"):
            d /= temperature
    np.exp(d, out=d)  # in place: no temporaries beyond the one output array
    d /= np.sum(d, axis=axis, keepdims=True)
    return d


def _one_hot_argmax(x: np.ndarray, axis: int) -> np.ndarray:
    """One-hot vectors on the first largest entry along ``axis``."""
    idx = np.expand_dims(np.argmax(x, axis=axis), axis)
    out = np.zeros_like(x)
    np.put_along_axis(out, idx, 1.0, axis=axis)
    return out


def entropy(probs, axis: int = -1, unit: str = "nats"):
    """Shannon entropy ``H(p) = -sum_i p_i log p_i`` of probability vectors along ``axis``.

    Parameters
    ----------
    probs : array_like, any shape with at least one dimension
        Probabilities: finite, >= 0, summing to 1 along ``axis`` (within 1e-6).
    axis : int, default -1
    unit : {"nats", "bits"}, default "nats"
        Natural logarithm (nats) or base-2 logarithm (bits); 1 nat = 1/ln 2 ≈ 1.4427 bits.

    Returns
    -------
    float or numpy.ndarray
        ``probs.shape`` without ``axis``. Between 0 (one certain option, using 0·log 0 = 0)
        and ``log V`` (uniform over V options).
    """
    if unit not in ("nats", "bits"):
        raise ValueError(f"unit must be 'nats' or 'bits', got {unit!r}")
    p = as_float_array(probs, "probs")
    if p.ndim == 0:
        raise ValueError("probs must have at least one dimension (one probability per option), got a scalar")
    if (p < 0).any():
        raise ValueError("probs must be >= 0")
    axis = _axis(axis, p.ndim)
    total = np.sum(p, axis=axis)
    if not np.allclose(total, 1.0, rtol=0, atol=1e-6):
        raise ValueError(f"probs must sum to 1 along axis {axis}; got sums like {np.ravel(total)[0]:.6g}")
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, -p * np.log(p), 0.0)
    h = np.sum(terms, axis=axis)
    if unit == "bits":
        h = h / np.log(2.0)
    h = np.maximum(h, 0.0)  # -0.0 and rounding below zero for a one-hot vector
    return float(h) if h.ndim == 0 else h


def cross_entropy(logits, labels, reduction: str = "mean"):
    """Cross-entropy loss ``-log softmax(logits)[label]`` of integer labels, in nats.

    This is the classification loss of chapter 5: the negative log-probability the model
    gives to the right answer, computed from the logits with :func:`log_softmax` (never as
    ``log(softmax(...))``, which gives ``-inf`` when a probability rounds to 0).

    Parameters
    ----------
    logits : array_like, shape (n, V) or (V,)
        One row of V logits per example (a single example may be 1-D).
    labels : int or array_like of int, shape (n,) or scalar
        The correct option of each example, in ``[0, V)``.
    reduction : {"mean", "sum", "none"}, default "mean"
        Average over examples, total, or the per-example losses (shape (n,)).

    Returns
    -------
    float or numpy.ndarray
        Loss >= 0 in nats; ``inf`` if a label's logit is -inf (probability 0).
    """
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
    x = as_logits(logits)
    if x.ndim > 2:
        raise ValueError(f"logits must have shape (n, V) or (V,), got shape {x.shape}")
    single = x.ndim == 1
    x2 = x[None, :] if single else x
    y = np.asarray(labels)
    if y.dtype.kind not in "iu":
        raise TypeError(f"labels must be integers (class indices), got dtype {y.dtype}")
    if single and y.ndim == 0:
        y = y[None]
    if y.shape != (x2.shape[0],):
        raise ValueError(f"labels must have shape ({x2.shape[0]},) to match logits of shape {x.shape}, got {y.shape}")
    vocab = x2.shape[1]
    if (y < 0).any() or (y >= vocab).any():
        raise ValueError(f"labels must be in [0, {vocab}), got values from {y.min()} to {y.max()}")
    logp = log_softmax(x2, axis=-1)
    losses = -logp[np.arange(x2.shape[0]), y]
    if reduction == "none":
        return losses
    if reduction == "sum":
        return float(np.sum(losses))
    return float(np.mean(losses))


# --------------------------------------------------------------------------- decoding: filtering and sampling


def _keep_at_least(x: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Mask of entries (last axis) >= the k-th largest value of their row (ties kept)."""
    desc = -np.sort(-x, axis=-1)
    kth = np.take_along_axis(desc, (k - 1)[..., None], axis=-1)
    return x >= kth


def filter_logits(logits, top_k: int | None = None, top_p: float | None = None) -> np.ndarray:
    """Keep only the most likely options (last axis); the others become -inf.

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
        reaches ``top_p``. The option that crosses ``top_p`` is kept, so the most likely one
        always survives; options tied with the last kept one are kept too, and totals within a
        relative 1e-12 of ``top_p`` count as reaching it (float rounding). ``top_p = 1`` keeps all.
        When both are given, top-k is applied first and top-p to what remains (the order used by
        common libraries).

    Returns
    -------
    numpy.ndarray, same shape as ``logits``
        The kept logits unchanged, the rest ``-inf``.
    """
    x = as_logits(logits)
    top_k, top_p = _filter_args(top_k, top_p)
    _check_rows(x, x.ndim - 1)
    out = x.copy()
    if top_k is not None and top_k < x.shape[-1]:
        k = np.full(x.shape[:-1], top_k)
        out = np.where(_keep_at_least(out, k), out, -np.inf)
    if top_p is not None and top_p < 1.0:
        p = softmax(out, axis=-1)
        desc = -np.sort(-p, axis=-1)
        before = np.cumsum(desc, axis=-1) - desc  # probability of the options ranked above
        needed = np.maximum(np.sum(before < top_p * (1.0 - 1e-12), axis=-1), 1)
        out = np.where(_keep_at_least(out, needed), out, -np.inf)
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


def sample(
    logits,
    rng: np.random.Generator,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    size: int | tuple[int, ...] | None = None,
):
    """Draw option indices from ``softmax(filter(logits / T))`` with the Generator ``rng``.

    Parameters
    ----------
    logits : array_like, shape (V,) or (..., V)
        Logits over V options (a batch of rows is sampled row by row).
    rng : numpy.random.Generator
        The only source of randomness, e.g. ``np.random.default_rng(0)``: same seed, same tokens.
    temperature : float, default 1.0
        ``T >= 0``; ``T = 0`` is greedy decoding (always the argmax, first index on ties).
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
    temperature = as_number(temperature, "temperature", low=0.0)
    top_k, top_p = _filter_args(top_k, top_p)
    if size is None:
        draw_shape: tuple[int, ...] = ()
    elif isinstance(size, tuple):
        draw_shape = tuple(as_int(s, "size", low=0) for s in size)
    else:
        draw_shape = (as_int(size, "size", low=0),)
    _check_rows(x, x.ndim - 1)
    batch = x.shape[:-1]
    if temperature == 0.0:
        idx = np.argmax(x, axis=-1)
        out = np.broadcast_to(idx.reshape(batch + (1,) * len(draw_shape)), batch + draw_shape).astype(np.int64)
    else:
        d, _ = _shifted(x, x.ndim - 1)
        if temperature != 1.0:
            with np.errstate(over="ignore"):
                d = d / temperature
        if top_k is not None or top_p is not None:
            d = filter_logits(d, top_k=top_k, top_p=top_p)
        # Every row of d has maximum 0, so exp(d) are weights in [0, 1] proportional to the
        # probabilities; scaling u by the total below normalises them.
        weights = np.exp(d).reshape(-1, x.shape[-1])
        cdf = np.cumsum(weights, axis=-1)
        # The last option with positive weight: a draw that rounds up past the end lands there.
        last = x.shape[-1] - 1 - np.argmax(weights[:, ::-1] > 0, axis=-1)
        n_draws = int(np.prod(draw_shape))
        u = rng.random((cdf.shape[0], n_draws))
        out = np.empty((cdf.shape[0], n_draws), dtype=np.int64)
        for row in range(cdf.shape[0]):
            # side="right" never lands on a zero-probability option (its cdf step is flat).
            found = np.searchsorted(cdf[row], u[row] * cdf[row, -1], side="right")
            out[row] = np.minimum(found, last[row])
        out = out.reshape(batch + draw_shape)
    if out.ndim == 0:
        return int(out)
    return np.array(out)


# --------------------------------------------------------------------------- examples

#: A language model's next-token scores after "The cat sat on the" (made up for illustration).
EXAMPLE_CONTEXT = "The cat sat on the"
EXAMPLE_TOKENS: tuple[str, ...] = ("mat", "floor", "sofa", "bed", "roof", "moon")
EXAMPLE_LOGITS = np.array([4.0, 2.9, 2.5, 2.2, 0.8, -1.5])
EXAMPLE_LOGITS.setflags(write=False)  # shared by every figure: copy it before changing values


def random_vocab_logits(rng: np.random.Generator, vocab_size: int = GPT2_VOCAB_SIZE, scale: float = 4.0) -> np.ndarray:
    """Stand-in for one step of a language model's output: ``vocab_size`` random logits.

    The logits are independent normal draws with standard deviation ``scale``, an
    illustration of the size and spread of a real output (not a real model).

    Returns
    -------
    numpy.ndarray, shape (vocab_size,)
    """
    rng = as_rng(rng)
    vocab_size = as_int(vocab_size, "vocab_size", low=1)
    scale = as_number(scale, "scale", low=0.0)
    return rng.normal(0.0, scale, size=vocab_size)


def naive_softmax(logits, dtype=np.float64) -> np.ndarray:
    """The textbook formula ``exp(z) / sum(exp(z))`` without the max shift, in ``dtype``.

    For demonstrations only: it overflows to ``inf`` (and returns NaN) once a logit exceeds
    ``log(finfo(dtype).max)``, about 709.78 in float64 and 88.72 in float32.
    """
    z = np.asarray(logits, dtype=dtype)
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(z)
        return e / np.sum(e, axis=-1, keepdims=True)


def overflow_threshold(dtype=np.float64) -> float:
    """The largest ``x`` whose ``exp(x)`` is finite in ``dtype``: ``log(finfo(dtype).max)``."""
    info = np.finfo(dtype)
    return float(np.log(np.float64(info.max)))


# --------------------------------------------------------------------------- figures


def _token_labels(labels: Any, n: int) -> list[str]:
    if labels is None:
        return [str(i) for i in range(n)]
    labels = [str(s) for s in labels]
    if len(labels) != n:
        raise ValueError(f"labels must have one entry per logit ({n}), got {len(labels)}")
    return labels


def plot_logits_to_probabilities(logits, labels=None) -> Plot:
    """The source page's "Logits to Probabilities" diagram, drawn with real numbers.

    Left: the logits as bars (any sign); middle: the softmax step; right: the probabilities.

    Parameters
    ----------
    logits : array_like, shape (V,)
    labels : sequence of str, length V, optional
    """
    z = as_logits(logits)
    if z.ndim != 1:
        raise ValueError(f"logits must be one vector (1-D), got shape {z.shape}")
    names = _token_labels(labels, z.size)
    p = softmax(z)
    fig = new_figure(9.5, 3.4)
    with styled():
        left, mid, right = fig.subplots(1, 3, gridspec_kw={"width_ratios": [3, 1.7, 3]})
        pos = np.arange(z.size)
        left.bar(pos, z, color=[PALETTE["vermillion"] if v < 0 else PALETTE["sky"] for v in z])
        left.axhline(0, color=MUTED, linewidth=1)
        left.set_xticks(pos, names)
        left.set_title("logits: raw scores, any real number")
        left.set_ylabel("logit $z_i$")
        for i, v in enumerate(z):
            left.text(i, v, f"{v:.2g}", ha="center", va="bottom" if v >= 0 else "top", fontsize=9)
        pad = 0.25 * max(np.ptp(z), 1.0)
        left.set_ylim(min(z.min(), 0) - pad, max(z.max(), 0) + pad)
        draw_flow(mid, ["softmax"], highlight=[0], box_width=1.5, box_height=0.7, fontsize=12)
        mid.text(0.75, -0.05, "$p_i = e^{z_i} / \\sum_j e^{z_j}$", ha="center", va="top", fontsize=11)
        for x0, x1 in ((-0.5, -0.05), (1.55, 2.0)):
            mid.add_patch(FancyArrowPatch((x0, 0.5), (x1, 0.5), arrowstyle="-|>", mutation_scale=16, color=INK))
        mid.update_datalim([(-0.55, -0.45), (2.05, 1.0)])
        mid.autoscale_view()
        right.bar(pos, p, color=PALETTE["blue"])
        right.set_xticks(pos, names)
        right.set_ylim(0, 1.08)
        right.set_ylabel("probability $p_i$")
        right.set_title(f"probabilities: in [0, 1], sum = {p.sum():.0f}")
        for i, v in enumerate(p):
            right.text(i, v + 0.02, f"{v:.2f}", ha="center", va="bottom", fontsize=9)
    parts = ", ".join(f"{n} {a:.2g} -> {b:.2f}" for n, a, b in zip(names, z, p, strict=True))
    return Plot(
        fig,
        f"Diagram: logit bars on the left pass through a softmax box and become probability bars "
        f"on the right that sum to 1 ({parts}). The largest logit gets the largest probability; "
        "negative logits still get a positive probability.",
    )


def plot_overflow(max_logit: float = 1000.0) -> Plot:
    """Naive softmax against the stable one as the logits grow: where float32 and float64 break.

    The logits are ``[m, m - 1, m - 2]`` for a largest logit ``m`` from 0 to ``max_logit``;
    softmax should not depend on ``m`` at all (shift invariance).
    """
    max_logit = as_number(max_logit, "max_logit", low=100.0)
    m = np.linspace(0.0, max_logit, 801)
    z = m[:, None] - np.array([0.0, 1.0, 2.0])
    stable = softmax(z)[:, 0]
    naive64 = naive_softmax(z, np.float64)[:, 0].astype(np.float64)
    naive32 = naive_softmax(z, np.float32)[:, 0].astype(np.float64)
    t32, t64 = overflow_threshold(np.float32), overflow_threshold(np.float64)
    fig = new_figure(7.5, 3.4)
    with styled():
        ax = fig.add_subplot()
        ax.plot(m, stable, color=PALETTE["blue"], linewidth=4, alpha=0.5, label="stable: subtract max first")
        ax.plot(m, naive64, color=PALETTE["green"], label="naive exp, float64")
        ax.plot(m, naive32, color=PALETTE["orange"], linestyle="--", label="naive exp, float32")
        strips = ((t32, "float32", PALETTE["orange"], naive32, 0.27), (t64, "float64", PALETTE["green"], naive64, 0.07))
        for t, name, color, values, y0 in strips:
            ax.axvline(t, color=color, linestyle=":", linewidth=1.5)
            ax.text(t + 6, 0.6, f"exp(z) overflows\nin {name}: z > {t:.2f}", color=INK, fontsize=9, va="top")
            bad = m[np.isnan(values)]
            ax.fill_between(bad, y0, y0 + 0.14, color=color, alpha=0.25, linewidth=0)
            ax.text(bad[0] + 10, y0 + 0.07, f"naive {name} returns NaN", va="center", fontsize=9)
        ax.set_ylim(0, 1)
        ax.set_xlim(0, max_logit)
        ax.set_xlabel("largest logit m (logits are m, m - 1, m - 2)")
        ax.set_ylabel("probability of the top option")
        ax.set_title("Same shape of logits, same answer: unless exp overflows")
        ax.legend(loc="upper right")
    return Plot(
        fig,
        f"Line chart: the probability of the top option for logits m, m-1, m-2 should stay at "
        f"{stable[0]:.3f} for every m. The stable softmax does; the naive formula gives NaN (the line "
        f"stops) once m passes {t32:.2f} in float32 and {t64:.2f} in float64, where exp overflows.",
    )


def plot_vocab_distribution(logits, top: int = 10) -> Plot:
    """Sorted probabilities of a large vocabulary (log-log), and how much the top tokens hold."""
    z = as_logits(logits)
    if z.ndim != 1:
        raise ValueError(f"logits must be one vector (1-D), got shape {z.shape}")
    top = as_int(top, "top", low=1, high=z.size)
    p = np.sort(softmax(z))[::-1]
    cum = np.cumsum(p)
    uniform = 1.0 / p.size
    # Draw a few hundred log-spaced ranks: on log axes they are indistinguishable from all of them.
    idx = np.unique(np.geomspace(1, p.size, 400).astype(int)) - 1
    rank = idx + 1
    fig = new_figure(9, 3.4)
    with styled():
        left, right = fig.subplots(1, 2)
        left.loglog(rank, p[idx], color=PALETTE["blue"])
        left.axhline(uniform, color=MUTED, linestyle="--", linewidth=1)
        left.text(1.2, uniform * 1.5, f"uniform 1/{p.size:,} = {uniform:.1e}", color=MUTED, fontsize=9)
        left.set_xlabel("token rank (most likely first)")
        left.set_ylabel("probability")
        left.set_title(f"{p.size:,} probabilities, sorted")
        right.semilogx(rank, cum[idx], color=PALETTE["vermillion"])
        right.axvline(top, color=MUTED, linestyle=":", linewidth=1)
        right.plot([top], [cum[top - 1]], "o", color=PALETTE["vermillion"])
        right.annotate(
            f"top {top} hold {cum[top - 1]:.0%}",
            (top, cum[top - 1]),
            xytext=(12, -4),
            textcoords="offset points",
            va="top",
        )
        right.set_ylim(0, 1.02)
        right.set_xlabel("number of most likely tokens kept")
        right.set_ylabel("total probability")
        right.set_title("Cumulative probability")
        for ax in (left, right):
            ax.minorticks_off()  # dozens of minor log ticks add nothing here and slow down rendering
    return Plot(
        fig,
        f"Left, log-log: the {p.size:,} softmax probabilities sorted from most to least likely, from "
        f"{p[0]:.1e} down to {p[-1]:.1e}, against the uniform level {uniform:.1e}. Right: the cumulative "
        f"probability; the top {top} tokens hold {cum[top - 1]:.0%} of it.",
    )


def draw_temperature(fig: Figure, temperature: float, logits=EXAMPLE_LOGITS, labels=EXAMPLE_TOKENS) -> None:
    """Probabilities of ``logits`` at ``temperature`` (bars) over those at T = 1 (outlines)."""
    z = as_logits(logits)
    names = _token_labels(labels, z.size)
    p = softmax(z, temperature=temperature)
    p1 = softmax(z)
    ax = fig.add_subplot()
    pos = np.arange(z.size)
    ax.bar(pos, p, color=PALETTE["blue"], label=f"T = {temperature:g}")
    ax.bar(pos, p1, fill=False, edgecolor=PALETTE["orange"], linewidth=2, linestyle="--", label="T = 1")
    ax.set_xticks(pos, names)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("probability")
    h = entropy(p, unit="bits")
    ax.set_title(f"softmax(z / T) at T = {temperature:g}: top {p.max():.0%}, entropy {h:.2f} bits")
    ax.legend(loc="upper right")


def plot_temperature(temperature: float, logits=EXAMPLE_LOGITS, labels=EXAMPLE_TOKENS) -> Plot:
    """One temperature's distribution against T = 1 (the live widget's figure)."""
    fig = new_figure(7, 3.4)
    with styled():
        draw_temperature(fig, temperature, logits, labels)
    p = softmax(logits, temperature=temperature)
    names = _token_labels(labels, p.size)
    return Plot(
        fig,
        f"Bar chart of the next-token probabilities at temperature {temperature:g} over dashed outlines "
        f"at T = 1: {names[int(np.argmax(p))]} gets {p.max():.0%} (it had {softmax(logits).max():.0%} at T = 1), "
        f"entropy {entropy(p, unit='bits'):.2f} bits.",
    )


def plot_temperature_sweep(
    logits=EXAMPLE_LOGITS, labels=EXAMPLE_TOKENS, temperatures: tuple[float, ...] = (0.25, 1.0, 4.0)
) -> Plot:
    """Left: the distribution at a few temperatures. Right: its entropy against temperature."""
    z = as_logits(logits)
    names = _token_labels(labels, z.size)
    temps = [as_number(t, "temperatures", low=0.0) for t in temperatures]
    grid = np.geomspace(0.02, 50, 100)
    h = np.array([entropy(softmax(z, temperature=t), unit="bits") for t in grid])
    h_max = np.log2(np.isfinite(z).sum())
    fig = new_figure(10, 3.6)
    with styled():
        left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.3, 1]})
        pos = np.arange(z.size)
        width = 0.8 / len(temps)
        colors = [PALETTE[c] for c in ("vermillion", "blue", "green", "orange", "purple")]
        for j, t in enumerate(temps):
            left.bar(
                pos + (j - (len(temps) - 1) / 2) * width,
                softmax(z, temperature=t),
                width,
                color=colors[j % 5],
                label=f"T = {t:g}",
            )
        left.set_xticks(pos, names)
        left.set_ylim(0, 1.05)
        left.set_ylabel("probability")
        left.set_title("Low T sharpens, high T flattens")
        left.legend(loc="upper right")
        right.semilogx(grid, h, color=PALETTE["blue"])
        right.axhline(h_max, color=MUTED, linestyle="--", linewidth=1)
        right.text(
            0.025, h_max - 0.05, f"uniform: log2({z.size}) = {h_max:.2f} bits", va="top", color=MUTED, fontsize=9
        )
        right.axhline(0, color=MUTED, linestyle="--", linewidth=1)
        right.text(45, 0.05, "one-hot (greedy): 0 bits", ha="right", va="bottom", color=MUTED, fontsize=9)
        right.text(1.08, 0.3, "T = 1", color=PALETTE["orange"], fontsize=9)
        right.axvline(1.0, color=PALETTE["orange"], linestyle=":", linewidth=1.5)
        right.set_ylim(-0.1, h_max + 0.2)
        right.set_xlabel("temperature T (log scale)")
        right.set_ylabel("entropy (bits)")
        right.set_title("Entropy rises with temperature")
    at = {t: softmax(z, temperature=t).max() for t in temps}
    tops = ", ".join(f"{at[t]:.0%} at T = {t:g}" for t in temps)
    return Plot(
        fig,
        f"Left: grouped bars of the next-token probabilities at temperatures {', '.join(f'{t:g}' for t in temps)}; "
        f"the top token gets {tops}. Right: entropy rises smoothly from near 0 bits at T = 0.02 to "
        f"near the uniform maximum of {h_max:.2f} bits at T = 50.",
    )


def plot_sampling_convergence(
    logits, rng: np.random.Generator, labels=None, n_draws: int = 20_000, temperature: float = 1.0
) -> Plot:
    """Running frequency of each sampled token against the number of draws, with the softmax
    probabilities as dashed targets: sampling reproduces the distribution (law of large numbers)."""
    z = as_logits(logits)
    names = _token_labels(labels, z.size)
    n_draws = as_int(n_draws, "n_draws", low=10)
    draws = sample(z, rng, temperature=temperature, size=n_draws)
    p = softmax(z, temperature=temperature)
    onehot = draws[:, None] == np.arange(z.size)
    n_all = np.arange(1, n_draws + 1)
    freq_all = np.cumsum(onehot, axis=0) / n_all[:, None]
    # Plot every draw at first, then log-spaced ones (the x axis is logarithmic).
    keep = np.unique(np.concatenate([np.arange(min(n_draws, 100)), np.geomspace(1, n_draws, 500).astype(int) - 1]))
    n, freq = n_all[keep], freq_all[keep]
    colors = [PALETTE[c] for c in ("blue", "orange", "green", "vermillion", "sky", "purple", "yellow")]
    fig = new_figure(7.5, 3.6)
    with styled():
        ax = fig.add_subplot()
        for i in range(z.size):
            c = colors[i % len(colors)]
            ax.semilogx(n, freq[:, i], color=c, linewidth=1.5, label=f"{names[i]} (p = {p[i]:.2g})")
            ax.axhline(p[i], color=c, linestyle="--", linewidth=1)
        ax.set_xlim(1, n_draws)
        ax.set_ylim(0, 1)
        ax.set_xlabel("number of sampled tokens (log scale)")
        ax.set_ylabel("fraction of draws")
        ax.set_title(f"Sample frequencies approach softmax(z / T), T = {temperature:g}")
        ax.legend(loc="upper right", fontsize=8, ncol=2)
    worst = float(np.max(np.abs(freq_all[-1] - p)))
    return Plot(
        fig,
        f"Line chart: the running fraction of draws of each of {z.size} tokens over {n_draws:,} samples. "
        f"The lines wobble for the first few draws and settle onto dashed lines at the softmax "
        f"probabilities; after {n_draws:,} draws the largest gap is {worst:.3f}.",
    )


def plot_filters(logits=EXAMPLE_LOGITS, labels=EXAMPLE_TOKENS, top_k: int = 3, top_p: float = 0.7) -> Plot:
    """Three panels: the full distribution, after top-k, after top-p (renormalised)."""
    z = as_logits(logits)
    names = _token_labels(labels, z.size)
    p = softmax(z)
    panels = [
        ("all tokens", z),
        (f"top-k, k = {top_k}", filter_logits(z, top_k=top_k)),
        (f"top-p, p = {top_p:g}", filter_logits(z, top_p=top_p)),
    ]
    fig = new_figure(10, 3.3)
    kept_counts = []
    with styled():
        axes = fig.subplots(1, 3, sharey=True)
        pos = np.arange(z.size)
        for ax, (title, fz) in zip(axes, panels, strict=True):
            kept = np.isfinite(fz)
            kept_counts.append(int(kept.sum()))
            q = softmax(fz)
            ax.bar(pos[kept], q[kept], color=PALETTE["blue"], label="after (renormalised)")
            ax.bar(pos, p, fill=False, edgecolor=INK, linestyle=":", linewidth=1.2, zorder=3, label="before")
            ax.set_xticks(pos, names, rotation=45)
            ax.set_title(f"{title}: {kept.sum()} kept")
            ax.set_ylim(0, 1.05)
        axes[0].set_ylabel("probability")
        axes[1].legend(loc="upper right", fontsize=8)
    return Plot(
        fig,
        f"Three bar charts of the same next-token distribution. All {z.size} tokens; top-k with k = {top_k} "
        f"keeps {kept_counts[1]}; top-p with p = {top_p:g} keeps {kept_counts[2]}, the fewest most likely "
        "tokens whose probabilities reach p. Kept tokens are renormalised to sum to 1 (blue bars above the "
        "dotted originals); removed tokens get probability 0.",
    )


# --------------------------------------------------------------------------- exercise checkers


def check_softmax(fn) -> Feedback:
    """Check the reader's ``fn(logits)`` softmax: values, sum to 1, large logits, rows of a matrix.

    Each case names what fails: wrong values, not summing to 1, overflow to NaN on large logits
    (forgot to subtract the max), or normalising over the wrong axis of a 2-D input.
    """
    if not callable(fn):
        return wrong(f"pass your function itself (my_softmax, not my_softmax(...)); got {type(fn).__name__}")

    def call(z):
        with np.errstate(all="ignore"):
            return np.asarray(fn(np.array(z, dtype=np.float64)), dtype=np.float64)

    small = [1.0, 2.0, 3.0]
    expected = softmax(small)
    try:
        got = call(small)
    except Exception as exc:  # the reader's code may raise anything
        return wrong(f"my_softmax({small}) raised {type(exc).__name__}: {exc}")
    if got.shape != (3,):
        return wrong(f"my_softmax({small}) returned shape {got.shape}; expected one probability per logit, shape (3,).")
    if not np.isclose(got.sum(), 1.0):
        return wrong(
            f"my_softmax({small}) returned {np.round(got, 4).tolist()}, which sums to {got.sum():.4g}, not 1: "
            "divide the exponentials by their sum."
        )
    if not np.allclose(got, expected):
        return wrong(
            f"my_softmax({small}) returned {np.round(got, 4).tolist()}, expected {np.round(expected, 4).tolist()}."
        )
    large = [1000.0, 999.0, 998.0]
    try:
        got = call(large)
    except Exception as exc:
        return wrong(f"my_softmax({large}) raised {type(exc).__name__}: {exc}")
    if not np.all(np.isfinite(got)):
        return wrong(
            f"my_softmax({large}) returned {got.tolist()}: exp(1000) overflows to inf and inf/inf is NaN. "
            "Subtract the largest logit before exponentiating (it does not change the answer)."
        )
    if not np.allclose(got, expected[::-1]):
        return wrong(
            f"my_softmax({large}) returned {np.round(got, 4).tolist()}; it should equal softmax([1, 2, 3]) reversed "
            f"({np.round(expected[::-1], 4).tolist()}) because adding a constant changes nothing."
        )
    rows = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    try:
        got = call(rows)
    except Exception as exc:
        return wrong(f"my_softmax on a 2-D array (one row per example) raised {type(exc).__name__}: {exc}")
    if got.shape != rows.shape:
        return wrong(f"my_softmax on a (2, 3) array returned shape {got.shape}; it must keep the shape.")
    if not np.allclose(got, softmax(rows, axis=-1)):
        if np.allclose(got.sum(axis=0), 1.0):
            return wrong(
                "on a (2, 3) array your probabilities sum to 1 down each column: normalise along the last axis."
            )
        if np.isclose(got.sum(), 1.0):
            return wrong(
                "on a (2, 3) array your probabilities sum to 1 over the whole array: sum along the last axis with "
                "axis=-1, keepdims=True, and take the max per row the same way."
            )
        return wrong(
            f"on rows {rows.tolist()} your result {np.round(got, 4).tolist()} is not a softmax of each row: use "
            "axis=-1, keepdims=True for both the max and the sum."
        )
    return correct("my_softmax gives the right probabilities, survives logits of 1000 and works row by row.")


def check_temperature_for(temperature, logits=(2.0, 0.0), target: float = 0.9) -> Feedback:
    """Check a temperature that gives the first of ``logits`` probability ``target``."""
    try:
        t = as_number(temperature, "temperature", low=0.0)
    except (TypeError, ValueError) as exc:
        return wrong(str(exc))
    if t == 0.0:
        return wrong("T = 0 is greedy: the top token gets probability 1, not the target.")
    got = float(softmax(logits, temperature=t)[0])
    if np.isclose(got, target, atol=2e-3):
        return correct(f"at T = {t:.4g} the first token gets {got:.3f}.")
    direction = "lower it (sharper)" if got < target else "raise it (flatter)"
    return wrong(
        f"at T = {t:.4g} the first token gets {got:.3f}, not {target:g}: {direction}. Hint: with two tokens the "
        "odds p1/p2 equal exp((z1 - z2) / T)."
    )


def check_nucleus(kept, probs=(0.4, 0.3, 0.2, 0.1), top_p: float = 0.75) -> Feedback:
    """Check the set of token indices the reader thinks top-p keeps for ``probs``."""
    try:
        mine = {as_int(i, "kept indices", low=0, high=len(probs) - 1) for i in kept}
    except TypeError:
        return wrong("give the kept token indices as a list of integers, e.g. [0, 1]")
    except ValueError as exc:
        return wrong(str(exc))
    expected = set(np.flatnonzero(np.isfinite(filter_logits(np.log(probs), top_p=top_p))).tolist())
    if mine == expected:
        return correct(f"top-p {top_p:g} keeps tokens {sorted(expected)}.")
    p = np.asarray(probs)
    total = p[sorted(mine)].sum() if mine else 0.0
    if total < top_p:
        return wrong(
            f"your tokens hold {total:.2f} in total, less than p = {top_p:g}: keep adding the next most likely."
        )
    if mine != set(np.argsort(-p, kind="stable")[: len(mine)].tolist()):
        return wrong("top-p keeps the most likely tokens first: sort by probability and take a prefix.")
    return wrong(
        f"your tokens hold {total:.2f}; a smaller prefix already reaches {top_p:g}: keep only the smallest one."
    )
