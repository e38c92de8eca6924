"""Message helpers of :mod:`mlcourse.validation` (import the checks from there, not from here).

Every check says what it got at the end of its message ("..., got 3.5"); these helpers write
that part, and the value categories the checks share (numeric dtype kinds, text and time types).
"""

from __future__ import annotations

import datetime
import numbers
from typing import Any

import numpy as np

#: numpy dtype kinds accepted as numbers: signed and unsigned integers, floats.
_NUMERIC_KINDS = "iuf"
_KIND_NAMES = {
    "b": "booleans",
    "c": "complex numbers",
    "O": "Python objects",
    "U": "strings",
    "S": "bytes",
    "M": "datetimes",
    "m": "timedeltas",
    "V": "raw records",
}
_TEXT_LIKE = (str, bytes, bytearray, memoryview)
_TIME_LIKE = (datetime.date, datetime.time, datetime.timedelta, np.datetime64, np.timedelta64)


def _show(value: Any) -> str:
    """A short description of ``value`` for the end of a message ("got ...")."""
    if isinstance(value, bool | np.bool_):
        return repr(bool(value))
    if isinstance(value, _TIME_LIKE):
        return f"a {type(value).__name__}"
    if isinstance(value, numbers.Integral):
        number = int(value)
        if abs(number).bit_length() > 64:
            return f"an integer of about 10**{int(abs(number).bit_length() * 0.30103)}"
        return str(number)
    if isinstance(value, float | np.floating):
        return repr(float(value))
    if isinstance(value, str):
        return repr(value) if len(value) <= 30 else f"a string of {len(value)} characters"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    return f"a {type(value).__name__}" if value is not None else "None"


def _bound(value: float | int) -> str:
    return str(value) if isinstance(value, int) else repr(float(value))


def _check_range(number: float | int, name: str, low: Any, high: Any, low_inclusive: bool = True) -> None:
    if low is not None and (number < low if low_inclusive else number <= low):
        raise ValueError(f"{name} must be {'>=' if low_inclusive else '>'} {_bound(low)}, got {_show(number)}")
    if high is not None and number > high:
        raise ValueError(f"{name} must be <= {_bound(high)}, got {_show(number)}")
