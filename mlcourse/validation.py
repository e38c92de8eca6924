"""Input checks shared by every module: clear errors instead of NaN or silent wrong answers.

This is the course's one validation layer. Public functions call these helpers on their
arguments once, at the boundary; internal helpers then trust the cleaned values. Each helper
returns a clean value (a float64 numpy array, a Python ``float``/``int``/``str``/``bool``, a
tuple) or raises a ``TypeError`` (wrong kind of value) or ``ValueError`` (right kind, wrong
value) whose message names the argument and says what is allowed::

    "<name> must be <what is allowed>, got <the value or its type>"

Decisions, applied everywhere:

* **Booleans are not numbers.** ``True``, ``np.True_`` and boolean arrays are rejected where a
  number or an array of numbers is expected (``TypeError``); use :func:`as_bool` for flags.
* **Only real numbers.** Complex values, strings (even ``"3"``), ``bytes``/``bytearray``,
  ``datetime``/``timedelta`` and numpy ``datetime64``/``timedelta64`` values, object arrays,
  ragged lists and ``None`` are ``TypeError``. Masked arrays are rejected rather than silently
  unmasked (call ``.filled(...)`` or ``.compressed()`` first).
* **Finite, and within float range.** NaN and infinity are ``ValueError``; so is a Python
  ``int`` too large for a float (``10**400``), which would otherwise raise ``OverflowError``.
* **Integers are exact.** :func:`as_int` and :func:`as_int_tuple` accept Python and numpy
  integers (never floats, even ``2.0``) and return Python ``int``, so later arithmetic cannot
  overflow in fixed-width numpy integers.
* **Unbounded work is bounded per function** with ``as_int(..., high=...)``.
* **Values computed inside** a function (a forward pass, a training step) are checked with
  :func:`as_finite_result`, which raises :class:`NonFiniteResultError` saying what overflowed.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

from mlcourse._validation_messages import (
    _KIND_NAMES,
    _NUMERIC_KINDS,
    _TEXT_LIKE,
    _TIME_LIKE,
    _bound,
    _check_range,
    _show,
)


class NonFiniteResultError(ValueError):
    """A computation produced NaN or infinity (it overflowed or diverged), see :func:`as_finite_result`."""


# --------------------------------------------------------------------------- arrays


def _numeric_array(value: Any, name: str, what: str) -> np.ndarray:
    """``value`` as a numpy array of integer or float dtype (not yet float64), or a TypeError/ValueError."""
    if isinstance(value, np.ma.MaskedArray):
        raise TypeError(f"{name} must be a plain array, got a masked array (use .filled(value) or .compressed())")
    if isinstance(value, _TEXT_LIKE) or isinstance(value, _TIME_LIKE) or value is None:
        raise TypeError(f"{name} must be {what}, got {_show(value)}")
    if isinstance(value, Mapping | set | frozenset):
        raise TypeError(f"{name} must be {what}, got a {type(value).__name__}")
    try:
        array = np.asarray(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be {what}, got a ragged or mixed sequence") from None
    if array.dtype.kind in _NUMERIC_KINDS:
        return array
    if array.dtype.kind == "O" and not isinstance(value, np.ndarray) and array.size:
        # Lists of Python ints too large for int64 end up as objects; anything else is not a number.
        items = array.ravel().tolist()
        if all(isinstance(v, numbers.Real) and not isinstance(v, bool | np.bool_) for v in items):
            try:
                return np.array([float(v) for v in items], dtype=np.float64).reshape(array.shape)
            except OverflowError:
                raise ValueError(
                    f"{name} must contain only finite numbers within float range (about ±1.8e308), "
                    "got an integer too large for a float"
                ) from None
    kind = _KIND_NAMES.get(array.dtype.kind, f"dtype {array.dtype}")
    if array.dtype.kind == "O" and array.ndim == 0:
        kind = _show(array.item())
    raise TypeError(f"{name} must be {what}, got {kind}")


def _shape_matches(got: tuple[int, ...], want: tuple[int | None, ...]) -> bool:
    return len(got) == len(want) and all(w is None or g == w for g, w in zip(got, want, strict=True))


def as_float_array(
    value: Any,
    name: str,
    *,
    ndim: int | None = None,
    min_ndim: int | None = None,
    shape: tuple[int | None, ...] | None = None,
    allow_empty: bool = False,
    low: float | None = None,
    high: float | None = None,
) -> np.ndarray:
    """Convert ``value`` to a float64 array of finite real numbers.

    Parameters
    ----------
    value : array_like
        Real numbers: a scalar, a (nested) list or an array of integer or float dtype.
        Booleans, complex numbers, strings, bytes, times, objects, ragged lists and masked
        arrays are a ``TypeError``.
    name : str
        The argument's name, used in error messages.
    ndim : int, optional
        Required number of dimensions (a scalar has 0).
    min_ndim : int, optional
        Required minimum number of dimensions (``min_ndim=1`` rejects a bare scalar).
    shape : tuple of (int or None), optional
        Required shape; ``None`` entries match any length, e.g. ``(None, 2)`` for points.
    allow_empty : bool, default False
        Whether an array with no elements is acceptable.
    low, high : float, optional
        Inclusive bounds on every element.

    Returns
    -------
    numpy.ndarray
        A float64 array (a copy only when a conversion was needed).
    """
    array = _numeric_array(value, name, "numbers (a scalar, list or array)")
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension(s), got shape {array.shape}")
    if min_ndim is not None and array.ndim < min_ndim:
        raise ValueError(f"{name} must have at least {min_ndim} dimension(s), got shape {array.shape}")
    if shape is not None and not _shape_matches(array.shape, shape):
        wanted = "(" + ", ".join("n" if s is None else str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
        raise ValueError(f"{name} must have shape {wanted}, got {array.shape}")
    if not allow_empty and array.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {array.shape}")
    with np.errstate(over="ignore", invalid="ignore"):
        array = array.astype(np.float64, copy=False)
    finite = np.isfinite(array)
    if not finite.all():
        bad = array[~finite].flat[0]
        raise ValueError(f"{name} must contain only finite numbers (no NaN or infinity), got {bad}")
    if array.size and low is not None and array.min() < low:
        raise ValueError(f"{name} must be >= {_bound(low)} everywhere, got {_show(array.min())}")
    if array.size and high is not None and array.max() > high:
        raise ValueError(f"{name} must be <= {_bound(high)} everywhere, got {_show(array.max())}")
    return array


def as_int_array(
    value: Any,
    name: str,
    *,
    ndim: int | None = None,
    allow_empty: bool = False,
    low: int | None = None,
    high: int | None = None,
) -> np.ndarray:
    """Convert ``value`` to an int64 array of integers in ``[low, high]`` (e.g. class labels).

    Floats are rejected even when whole (``1.0``): labels and indices are counted, not measured.
    Booleans are rejected too.

    Returns
    -------
    numpy.ndarray of int64
    """
    array = _numeric_array(value, name, "integers (a list or array of ints)")
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension(s), got shape {array.shape}")
    if not allow_empty and array.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {array.shape}")
    if array.dtype.kind == "f" and array.size:  # an empty list is float64 in numpy: let it pass
        raise TypeError(f"{name} must be integers, got floats (dtype {array.dtype})")
    if array.size and (array.max() > np.iinfo(np.int64).max if array.dtype.kind == "u" else False):
        raise ValueError(f"{name} must fit in 64-bit integers, got {_show(array.max())}")
    array = array.astype(np.int64, copy=False)
    if array.size and low is not None and array.min() < low:
        raise ValueError(f"{name} must be >= {low} everywhere, got {_show(array.min())}")
    if array.size and high is not None and array.max() > high:
        raise ValueError(f"{name} must be <= {high} everywhere, got {_show(array.max())}")
    return array


def check_same_shape(a: np.ndarray, b: np.ndarray, names: tuple[str, str]) -> None:
    """Raise a ``ValueError`` unless arrays ``a`` and ``b`` have the same shape (no silent broadcasting).

    Parameters
    ----------
    a, b : numpy.ndarray
        Arrays already converted by :func:`as_float_array`, e.g. predictions and targets.
    names : tuple of str
        The two arguments' names, used in the message.
    """
    shape_a, shape_b = _shape(a, names[0]), _shape(b, names[1])
    if shape_a != shape_b:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same shape, got {shape_a} and {shape_b}"
            " (reshape one of them; they are not broadcast)"
        )


def _shape(value: Any, name: str) -> tuple[int, ...]:
    try:
        return np.shape(value)
    except ValueError:
        raise TypeError(f"{name} must be an array, got a ragged sequence") from None


def as_finite_result(value: Any, what: str, *, hint: str = "") -> Any:
    """Return ``value`` (an array or number computed inside a function) if it is all finite.

    Otherwise raise :class:`NonFiniteResultError` (a ``ValueError``) saying what overflowed,
    e.g. ``as_finite_result(logits, "the forward pass", hint="use a smaller learning rate")``.
    Use it where a computation can overflow even though its inputs were valid (huge inputs or
    weights, a diverging training run); catch the error to report divergence.

    Parameters
    ----------
    value : array_like or number
        The computed result.
    what : str
        What produced it, as the subject of the message ("the forward pass", "the loss").
    hint : str, optional
        What the reader can do about it, appended to the message.
    """
    try:
        with np.errstate(all="ignore"):
            finite = bool(np.all(np.isfinite(value)))
    except (TypeError, ValueError):
        raise TypeError(f"{what} must be numbers, got {_show(value)}") from None
    if not finite:
        message = f"{what} overflowed: it produced NaN or infinity"
        raise NonFiniteResultError(message + (f" ({hint})" if hint else ""))
    return value


# --------------------------------------------------------------------------- scalars


def as_number(
    value: Any, name: str, *, low: float | None = None, high: float | None = None, low_inclusive: bool = True
) -> float:
    """Check that ``value`` is one finite real number within ``[low, high]`` and return it as a float.

    Accepts Python and numpy ints and floats (and 0-d numeric arrays); rejects booleans,
    complex numbers, strings and everything else with a ``TypeError``. NaN, infinity and ints
    beyond float range are a ``ValueError``. With ``low_inclusive=False`` the lower bound is
    strict (``> low``), e.g. for a scale that must be positive.
    """
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in _NUMERIC_KINDS:
        value = value.item()
    if isinstance(value, bool | np.bool_ | np.timedelta64) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {_show(value)}")
    try:
        number = float(value)
    except OverflowError:
        raise ValueError(f"{name} must be finite (within about ±1.8e308), got {_show(value)}") from None
    if not np.isfinite(number):
        raise ValueError(f"{name} must be finite, got {number}")
    _check_range(number, name, low, high, low_inclusive)
    return number


def as_int(value: Any, name: str, *, low: int | None = None, high: int | None = None) -> int:
    """Check that ``value`` is an integer within ``[low, high]`` and return it as a Python ``int``.

    Accepts Python and numpy integers (and 0-d integer arrays); rejects booleans and floats,
    even whole ones such as ``2.0`` (``TypeError``). Returning a Python ``int`` keeps later
    products exact: numpy's fixed-width integers overflow silently.
    """
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iu":
        value = value.item()
    if isinstance(value, bool | np.bool_ | np.timedelta64) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {_show(value)}")
    number = int(value)
    _check_range(number, name, low, high)
    return number


def as_int_tuple(
    value: Any,
    name: str,
    *,
    low: int | None = 1,
    high: int | None = None,
    min_len: int = 1,
    max_len: int | None = None,
) -> tuple[int, ...]:
    """Check a sequence of integers (e.g. layer sizes) and return it as a tuple of Python ints.

    Parameters
    ----------
    value : list, tuple, range or 1-D integer array
        The integers. A string, a scalar, a set or a 2-D array is a ``TypeError``/``ValueError``.
    name : str
        The argument's name; elements are named ``name[i]`` in messages.
    low, high : int, optional
        Inclusive bounds on each element (default: at least 1, as for sizes).
    min_len, max_len : int, optional
        Bounds on the number of elements (default: at least one).
    """
    if isinstance(value, np.ndarray):
        if value.ndim != 1:
            raise ValueError(f"{name} must be a 1-D sequence of integers, got shape {value.shape}")
        items = list(value)
    elif isinstance(value, list | tuple | range):
        items = list(value)
    else:
        raise TypeError(f"{name} must be a list or tuple of integers, got {_show(value)}")
    if len(items) < min_len:
        raise ValueError(f"{name} must hold at least {min_len} integer(s), got {len(items)}")
    if max_len is not None and len(items) > max_len:
        raise ValueError(f"{name} must hold at most {max_len} integers, got {len(items)}")
    return tuple(as_int(v, f"{name}[{i}]", low=low, high=high) for i, v in enumerate(items))


#: Alias of :func:`as_int_tuple` for layer sizes and other counts (each at least 1).
as_sizes = as_int_tuple


def as_bool(value: Any, name: str) -> bool:
    """Require a real ``bool`` (``True``/``False``, or a numpy bool), never a truthy string or number."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False, got {_show(value)}")
    return bool(value)


def as_rng(rng: Any, name: str = "rng") -> np.random.Generator:
    """Require an explicit ``numpy.random.Generator`` (make one with ``np.random.default_rng(seed)``)."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"{name} must be a numpy.random.Generator, for example np.random.default_rng(0); got {_show(rng)}"
        )
    return rng


def as_str(value: Any, name: str, *, choices: Iterable[str] | None = None) -> str:
    """Require a string (optionally one of ``choices``) and return it as a plain ``str``."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {_show(value)}")
    value = str(value)
    if choices is not None:
        options = list(choices)
        if value not in options:
            raise ValueError(f"{name} must be one of {options}, got {value!r}")
    return value


def as_str_sequence(value: Any, name: str, *, allow_empty: bool = False) -> tuple[str, ...]:
    """Require a collection of strings (a list, tuple, set...), never one plain string.

    A plain string would otherwise be read as its letters (``"cat"`` as ``{"c", "a", "t"}``),
    so it is a ``TypeError``. Returns the strings as a tuple, in iteration order.
    """
    if isinstance(value, str | bytes | bytearray):
        raise TypeError(f"{name} must be a collection of strings (e.g. a list), got a single {type(value).__name__}")
    if isinstance(value, np.ndarray) and value.ndim != 1:
        raise TypeError(f"{name} must be a 1-D collection of strings, got an array of shape {value.shape}")
    if not isinstance(value, Iterable) or isinstance(value, Mapping):
        raise TypeError(f"{name} must be a collection of strings (e.g. a list), got {_show(value)}")
    items = tuple(value)
    for i, item in enumerate(items):
        if not isinstance(item, str):
            raise TypeError(f"{name}[{i}] must be a string, got {_show(item)}")
    if not allow_empty and not items:
        raise ValueError(f"{name} must hold at least one string")
    return tuple(str(item) for item in items)


def as_callable(value: Any, name: str) -> Callable[..., Any]:
    """Require something callable (a function), e.g. not the result of calling it."""
    if not callable(value):
        raise TypeError(f"{name} must be callable (pass the function itself, not its result), got {_show(value)}")
    return value


__all__ = [
    "NonFiniteResultError",
    "as_bool",
    "as_callable",
    "as_finite_result",
    "as_float_array",
    "as_int",
    "as_int_array",
    "as_int_tuple",
    "as_number",
    "as_rng",
    "as_sizes",
    "as_str",
    "as_str_sequence",
    "check_same_shape",
]
