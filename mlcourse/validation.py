"""Input checks shared by every module: clear errors instead of NaN or silent wrong answers.

Each function returns the cleaned value or raises a ``TypeError``/``ValueError`` whose
message names the argument and says what is allowed.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np


def as_float_array(value: Any, name: str, *, ndim: int | None = None, allow_empty: bool = False) -> np.ndarray:
    """Convert ``value`` to a float64 array of finite numbers.

    Parameters
    ----------
    value : array_like
        Numbers (a scalar, list or array).
    name : str
        The argument's name, used in error messages.
    ndim : int, optional
        Required number of dimensions.
    allow_empty : bool, default False
        Whether an array with no elements is acceptable.

    Returns
    -------
    numpy.ndarray
        A float64 array (a copy only when a conversion was needed).
    """
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be numbers, got a {type(value).__name__}")
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be numbers (a scalar, list or array): {exc}") from None
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension(s), got shape {array.shape}")
    if not allow_empty and array.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must contain only finite numbers (no NaN or infinity)")
    return array


def as_number(value: Any, name: str, *, low: float | None = None, high: float | None = None) -> float:
    """Check that ``value`` is one real number within ``[low, high]`` and return it as a float."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    number = float(value)
    if not np.isfinite(number):
        raise ValueError(f"{name} must be finite, got {number}")
    if low is not None and number < low:
        raise ValueError(f"{name} must be >= {low}, got {number}")
    if high is not None and number > high:
        raise ValueError(f"{name} must be <= {high}, got {number}")
    return number


def as_int(value: Any, name: str, *, low: int | None = None, high: int | None = None) -> int:
    """Check that ``value`` is an integer within ``[low, high]`` and return it as an int."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    number = int(value)
    if low is not None and number < low:
        raise ValueError(f"{name} must be >= {low}, got {number}")
    if high is not None and number > high:
        raise ValueError(f"{name} must be <= {high}, got {number}")
    return number


def as_rng(rng: Any, name: str = "rng") -> np.random.Generator:
    """Require an explicit ``numpy.random.Generator`` (make one with ``np.random.default_rng(seed)``)."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"{name} must be a numpy.random.Generator, for example np.random.default_rng(0); got {type(rng).__name__}"
        )
    return rng


def as_bool(value: Any, name: str) -> bool:
    """Require a real ``bool`` (``True``/``False``, or a numpy bool), never a truthy string or number."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__}")
    return bool(value)


def check_same_shape(a: np.ndarray, b: np.ndarray, names: tuple[str, str]) -> None:
    """Raise a ``ValueError`` unless arrays ``a`` and ``b`` have the same shape (no silent broadcasting).

    Parameters
    ----------
    a, b : numpy.ndarray
        Arrays already converted by :func:`as_float_array`, e.g. predictions and targets.
    names : tuple of str
        The two arguments' names, used in the message.
    """
    if a.shape != b.shape:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same shape, got {a.shape} and {b.shape}"
            " (reshape one of them; they are not broadcast)"
        )
