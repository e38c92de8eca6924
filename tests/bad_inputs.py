"""Bad and extreme inputs for the property suite (``test_properties.py``), and the judge of a call.

A registry :class:`Entry` describes one public function: a valid example call and the kind of
each argument. For every argument, :func:`catalogue` lists replacements of that kind (wrong
types, NaN/inf, 0-d and empty arrays, mismatched shapes, huge and tiny magnitudes) and
:func:`extreme_values` generates more with hypothesis. :func:`judge` runs the call and fails
unless it returns finite output (checked further by the entry) or raises ``TypeError`` or
``ValueError``; warnings count as failures. :func:`same_variants` lists numpy spellings of the
valid value (``np.int32(5)`` for ``5``) that must give exactly the same result.
"""

from __future__ import annotations

import dataclasses
import datetime
import importlib
import math
import signal
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

#: Stands for a fresh ``np.random.default_rng(0)`` in registry entries (so every call sees the same stream).
RNG = type("RNG", (), {"__repr__": lambda self: "RNG"})()

#: Argument kinds. Inferred from the example value unless the entry names one.
KINDS = (
    "array",
    "labels",
    "number",
    "int",
    "sizes",
    "rng",
    "bool",
    "str",
    "strs",
    "callable",
    "object",
    "bytes",
    "fixed",
)

#: Calls stop after this much CPU time: a safety net against unbounded loops (e.g. ``n = 2**63``), not a timing test.
TIME_LIMIT_S = 3.0

HUGE_INT = 10**400  # beyond float range: float(HUGE_INT) raises OverflowError


class New:
    """Stands for a fresh object in registry entries: ``New(factory)`` calls ``factory()`` for every call."""

    def __init__(self, factory: Callable[[], Any]) -> None:
        self.factory = factory

    def __repr__(self) -> str:
        return "New(...)"


class ReaderError(Exception):
    """Raised by the fake reader functions: a checker must turn it into feedback."""


class TookTooLong(BaseException):
    """The call did not finish within :data:`TIME_LIMIT_S`: unbounded work for this argument."""


@dataclasses.dataclass(frozen=True)
class Entry:
    """One public function of the idea modules, and how to exercise it.

    Attributes
    ----------
    target : str
        Dotted name, resolved with importlib at test time (``"mlcourse.regression.mse"``).
    kwargs : dict
        A valid call; :data:`RNG` stands for a fresh seeded generator.
    kinds : dict
        Argument kinds (see :data:`KINDS`) that differ from the ones inferred from ``kwargs``.
    check : callable, optional
        ``check(result, kwargs)`` asserts more about a successful result (its shape, say).
    reader : tuple of str
        Arguments that come from the reader (exercise answers): whatever they are, the call must
        return a ``Feedback`` and never raise.
    xfail : dict
        Argument name (or ``"*"`` for all) to the reason the property is known to fail
        (strict: the test fails once the defect is fixed, so the mark gets removed).
    examples : int or None
        Hypothesis ``max_examples`` for this entry's bad-value tests (lower for slow functions).
    skip : str
        If set, the entry is only listed (for the completeness test) and not exercised.
    """

    target: str
    kwargs: dict[str, Any]
    kinds: dict[str, str] = dataclasses.field(default_factory=dict)
    check: Callable[[Any, dict[str, Any]], None] | None = None
    reader: tuple[str, ...] = ()
    xfail: dict[str, str] = dataclasses.field(default_factory=dict)
    examples: int | None = None
    skip: str = ""
    same: bool = True
    obj: Callable[[], Any] | None = None
    allow: tuple[float, ...] = ()

    @property
    def name(self) -> str:
        return self.target.removeprefix("mlcourse.")

    def kind(self, arg: str) -> str:
        return self.kinds.get(arg) or infer_kind(self.kwargs[arg])

    def varied(self) -> list[str]:
        """The arguments that get bad replacements (all but the ``fixed`` ones)."""
        return [a for a in self.kwargs if self.kind(a) != "fixed"]

    def call_kwargs(self, **replace: Any) -> dict[str, Any]:
        """Fresh arguments for one call (arrays copied, :data:`RNG` made), with replacements."""
        out = {}
        for key, value in self.kwargs.items():
            value = replace.get(key, value)
            out[key] = fresh(value)
        return out


def E(
    target: str,
    /,
    *,
    _kinds=None,
    _check=None,
    _reader=(),
    _xfail=None,
    _examples=None,
    _skip="",
    _same=True,
    _self=None,
    _allow=(),
    **kwargs,
) -> Entry:
    """Registry shorthand: ``E("mlcourse.losses.mse", predictions=[...], targets=[...], _check=...)``.

    ``_same=False`` skips the numpy-spellings test (for functions that return their input as is).
    ``_self`` makes a method entry: a function returning the object whose method (the target's
    last part, e.g. ``"mlcourse.smollm2.SmolLM2.encode"``) is called. ``_allow=(-np.inf,)`` lets a
    result hold -inf where the function documents it (masked logits).
    """
    kinds, xfail = dict(_kinds or {}), dict(_xfail or {})
    return Entry(target, kwargs, kinds, _check, tuple(_reader), xfail, _examples, _skip, _same, _self, tuple(_allow))


def fresh(value: Any) -> Any:
    if value is RNG:
        return np.random.default_rng(0)
    if isinstance(value, New):
        return value.factory()
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, list):
        return [fresh(v) for v in value]
    return value


def resolve(target: str, obj: Callable[[], Any] | None = None) -> Callable[..., Any]:
    module, _, name = target.rpartition(".")
    if obj is not None:
        return getattr(obj(), name)
    return getattr(importlib.import_module(module), name)


def infer_kind(value: Any) -> str:
    if value is RNG or isinstance(value, np.random.Generator):
        return "rng"
    if isinstance(value, New):
        return "object"
    if isinstance(value, bool | np.bool_):
        return "bool"
    if isinstance(value, int | np.integer):
        return "int"
    if isinstance(value, float | np.floating):
        return "number"
    if isinstance(value, str):
        return "str"
    if isinstance(value, np.ndarray) and value.dtype.kind in "iuf":
        return "array"
    if isinstance(value, list | tuple) and value and _all_numbers(value):
        return "array"
    if callable(value):
        return "callable"
    return "fixed"


def _all_numbers(value: Any) -> bool:
    if isinstance(value, list | tuple):
        return all(_all_numbers(v) for v in value)
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)


# --------------------------------------------------------------------------- catalogues of bad values


def _bad_types() -> list[Any]:
    return [
        None,
        "1",
        "nan",
        b"1",
        bytearray(b"12"),
        1j,
        datetime.timedelta(seconds=1),
        np.timedelta64(1, "s"),
        np.datetime64("2024-01-01"),
        {"a": 1},
        object(),
    ]


def _reader_functions() -> list[Callable[..., Any]]:
    """Fake reader answers to a "write a function" exercise: every way one can go wrong."""

    def raises(*args, **kwargs):
        raise ReaderError("the reader's code failed")

    def divides_by_zero(*args, **kwargs):
        return 1 / 0

    def generator(*args, **kwargs):
        yield 1

    constant = {
        "returns None": None,
        "returns a string": "0.5",
        "returns a ragged list": [[1, 2], [3]],
        "returns NaN": float("nan"),
        "returns inf": float("inf"),
        "returns an object array": np.array([None, 1.0], dtype=object),
        "returns a complex": 1 + 2j,
        "returns a huge int": HUGE_INT,
        "returns a bool": True,
        "returns an empty array": np.zeros(0),
        "returns a dict": {"a": 1},
    }
    funcs = [raises, divides_by_zero, generator, lambda: 0, lambda *a, **k: a]
    for label, value in constant.items():
        funcs.append(_returning(value, label))
    return funcs


def _returning(value: Any, label: str) -> Callable[..., Any]:
    def reader(*args, **kwargs):
        return value

    reader.__qualname__ = f"reader that {label}"
    return reader


def catalogue(kind: str, valid: Any) -> list[Any]:
    """Replacements of one argument of the given kind, each of which must be handled cleanly."""
    if kind == "number":
        return [
            *_bad_types(),
            True,
            False,
            np.True_,
            [valid],
            np.array([valid]),
            float("nan"),
            float("inf"),
            -float("inf"),
            np.float32("nan"),
            HUGE_INT,
            -HUGE_INT,
            2**63,
            1e300,
            -1e300,
            1e-300,
            5e-324,
            -5e-324,
            0.0,
            -0.0,
            -1.0,
            np.float16(65504),
            np.longdouble("1e4000"),
        ]
    if kind == "int":
        v = int(valid)
        return [
            *_bad_types(),
            True,
            False,
            float(v),
            v + 0.5,
            np.float64(v),
            [v],
            np.array([v]),
            float("nan"),
            -1,
            0,
            1,
            2**63,
            -(2**63),
            2**64,
            HUGE_INT,
            -HUGE_INT,
            np.int64(-(2**63)),
            np.uint64(2**64 - 1),
        ]
    if kind == "array":
        a = np.asarray(valid, dtype=float)
        out = [
            *_bad_types(),
            True,
            a.astype(bool),
            a.astype(complex),
            a.astype(object),
            a.astype(str),
            np.ma.array(a, mask=np.zeros(a.shape, dtype=bool)),
            np.float64(a.flat[0]),
            float(a.flat[0]),
            np.zeros(0),
            np.zeros((*a.shape[:-1], 0)) if a.ndim else np.zeros((1, 0)),
            a[None],
            a[..., None],
            np.full(a.shape, np.nan),
            np.where(np.arange(a.size).reshape(a.shape) == 0, np.inf, a),
            np.where(np.arange(a.size).reshape(a.shape) == a.size - 1, -np.inf, a),
            np.full(a.shape, 1e300),
            np.full(a.shape, -1e300),
            np.full(a.shape, 5e-324),
            np.full(a.shape, 1e-300),
            np.clip(a, -1.0, 1.0) * 1e300,
            [*a.tolist(), HUGE_INT] if a.ndim == 1 else [[HUGE_INT]],
            [[1.0, 2.0], [3.0]],
            ["1.0"] * max(a.size, 1),
        ]
        if a.ndim >= 1 and a.shape[-1] > 1:
            out.append(a[..., :-1])
        if a.ndim >= 2:
            out += [a.T, a.ravel(), a[0]]
        return out
    if kind == "labels":
        a = np.asarray(valid)
        return [*catalogue("array", a), a + 0.5, a.astype(float), a - a.max() - 1, a + 2**40]
    if kind == "sizes":
        v = list(valid)
        wrong = [[*v[:-1], 2.5], [True, *v[1:]], [*v[:-1], 0], [*v[:-1], -1], [HUGE_INT, *v[1:]], [2**63, *v[1:]]]
        return [*_bad_types(), 5, [], (), *wrong]
    if kind == "rng":
        return [None, 0, 42, "0", np.random.RandomState(0), np.random.SeedSequence(0), np.random.PCG64(0), np.random]
    if kind == "bool":
        return ["no", "False", "", 0, 1, 1.0, None, [True], np.array([True, False])]
    if kind == "str":
        return [None, b"abc", 3, 1.5, ["a", "b"], ("a",), "", "\x00", "é" * 3, "abc" * 50]
    if kind == "strs":
        return ["abc", b"abc", None, 3, [1, 2], [b"a"], [], [""]]
    if kind == "callable":
        return [None, 3, "f", np.array([1.0]), *_reader_functions()]
    if kind == "object":  # a model, a config, a dict of parameters...: the wrong thing entirely
        return [None, "x", 3, 1.5, [1.0], {"a": 1}, object(), np.zeros(2)]
    if kind == "bytes":  # raw uint8 data (quantized blocks)
        a = np.asarray(valid)
        return [*_bad_types(), a.astype(float), a.astype(np.int64), a.ravel()[:-1], a[None], np.zeros(0, np.uint8)]
    raise ValueError(f"unknown kind {kind!r}")


def extreme_values(kind: str, valid: Any) -> st.SearchStrategy[Any]:
    """Generated extremes of the right type and shape: huge, tiny, signed zeros, subnormals, integers."""
    if kind == "number":
        return st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(2**70), 2**70)
    if kind == "int":
        # Small values, or huge ones that must be refused; nothing in between that would make real work.
        return st.integers(-100, 100) | st.integers(2**62, 2**70) | st.integers(-(2**70), -(2**62))
    if kind in ("array", "labels"):
        a = np.asarray(valid, dtype=float)
        special = st.sampled_from([0.0, -0.0, 1.0, -1.0, 0.5, 1e300, -1e300, 1e-300, 5e-324, 1e150, 1e-150])
        narrow = st.sampled_from([np.float32, np.float16, np.int64, np.int32, np.uint8]).flatmap(
            lambda dt: hnp.arrays(dt, a.shape, elements=_finite_elements(dt))
        )
        return hnp.arrays(np.float64, a.shape, elements=special) | narrow
    raise ValueError(f"no extreme values for kind {kind!r}")


def _finite_elements(dtype: Any) -> st.SearchStrategy[Any]:
    if np.dtype(dtype).kind == "f":
        return hnp.from_dtype(np.dtype(dtype), allow_nan=False, allow_infinity=False)
    return hnp.from_dtype(np.dtype(dtype))


def same_variants(kind: str, valid: Any) -> list[Any]:
    """Other spellings of the valid value (numpy scalar types, lists, float32) that must give the same result."""
    if kind == "int":
        v = int(valid)
        types = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64]
        return [t(v) for t in types if np.iinfo(t).min <= v <= np.iinfo(t).max] + [np.array(v)]
    if kind == "number":
        v = float(valid)
        out = [np.float64(v)]
        if float(np.float32(v)) == v:
            out.append(np.float32(v))
        if v.is_integer() and abs(v) < 2**53:
            out += [int(v), np.int64(int(v))]
        return out
    if kind == "array":
        a = np.asarray(valid, dtype=float)
        out = [a, a.tolist()]
        if np.array_equal(a.astype(np.float32).astype(float), a):
            out.append(a.astype(np.float32))
        if np.all(a == np.round(a)) and np.all(np.abs(a) < 2**31):
            out.append(a.astype(np.int32))
        return out
    if kind == "labels":
        a = np.asarray(valid)
        return [a.tolist(), a.astype(np.int32), a.astype(np.int64)] + ([a.astype(np.uint8)] if a.max() < 256 else [])
    if kind == "sizes":
        v = [int(x) for x in valid]
        return [tuple(v), list(v), np.array(v, dtype=np.int32), [np.int64(x) for x in v], [np.uint16(x) for x in v]]
    return []


# --------------------------------------------------------------------------- judging a call


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    def stop(signum, frame):
        raise TookTooLong(f"the call ran for more than {seconds:g} s: bound this argument (unbounded work)")

    # CPU time of this process (not wall-clock), so a busy machine does not trip it.
    previous = signal.signal(signal.SIGPROF, stop)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def call(entry: Entry, kwargs: Mapping[str, Any]) -> tuple[Any, BaseException | None]:
    """Run the entry's function; warnings are errors. Returns (result, None) or (None, TypeError/ValueError)."""
    fn = resolve(entry.target, entry.obj)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with time_limit(TIME_LIMIT_S):
            try:
                return fn(**kwargs), None
            except (TypeError, ValueError) as exc:
                return None, exc


def judge(entry: Entry, kwargs: Mapping[str, Any], arg: str | None = None) -> tuple[Any, BaseException | None]:
    """Call and check the outcome: finite output that passes the entry's check, or TypeError/ValueError.

    For reader arguments of exercise checkers, only a ``Feedback`` is acceptable. Other
    exceptions (OverflowError, IndexError, ZeroDivisionError, warnings...) propagate and fail.
    A :class:`ReaderError` raised by a fake reader function may propagate from non-checkers.
    """
    from mlcourse.exercises import Feedback

    try:
        result, error = call(entry, kwargs)
    except Exception as exc:
        if not _raised_by_fake_reader(exc):
            raise
        if arg in entry.reader:
            raise AssertionError(f"{entry.name} let the reader's exception escape instead of giving feedback") from None
        return None, None  # a function argument that fails may fail the call (not a reader answer)
    if arg in entry.reader:
        assert error is None, f"{entry.name} raised {type(error).__name__}: {error} instead of giving feedback"
        assert isinstance(result, Feedback), f"{entry.name} returned {type(result).__name__}, not Feedback"
    if error is not None:
        assert str(error).strip(), f"{entry.name} raised {type(error).__name__} without a message"
        return None, error
    assert_finite(result, entry.name, allow=entry.allow)
    if entry.check is not None:
        entry.check(result, dict(kwargs))
    return result, None


def _raised_by_fake_reader(exc: BaseException) -> bool:
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and tb.tb_frame.f_code.co_filename == __file__ and tb.tb_frame.f_code.co_name != "judge"


def _allowed(values: np.ndarray, allow: tuple[float, ...]) -> np.ndarray:
    """Which entries are one of the documented non-finite values (NaN compares by isnan)."""
    nan = any(math.isnan(a) for a in allow)
    return np.isin(values, [a for a in allow if not math.isnan(a)]) | (np.isnan(values) if nan else False)


def assert_finite(value: Any, where: str, _depth: int = 0, allow: tuple[float, ...] = ()) -> None:
    """Fail if any number inside ``value`` (arrays, tuples, dicts, dataclasses) is NaN or infinite."""
    from mlcourse.exercises import Feedback

    if _depth > 6 or value is None or isinstance(value, bool | np.bool_ | str | bytes):
        return
    if isinstance(value, Feedback):
        assert isinstance(value.message, str) and value.message, f"{where}: empty feedback"
        return
    if isinstance(value, int | np.integer):
        return
    if isinstance(value, float | np.floating):
        ok = math.isfinite(value) or bool(_allowed(np.array(value), allow))
        assert ok, f"{where} returned a non-finite number {value!r}"
        return
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "fc":
            ok = np.isfinite(value) | _allowed(value, allow)
            assert np.all(ok), f"{where} returned non-finite values: {value!r}"[:300]
        elif value.dtype.kind == "O":
            for item in value.ravel()[:1000]:
                assert_finite(item, where, _depth + 1, allow)
        return
    if isinstance(value, Mapping):
        for item in value.values():
            assert_finite(item, where, _depth + 1, allow)
        return
    if isinstance(value, list | tuple):
        for item in value[:1000]:
            assert_finite(item, where, _depth + 1, allow)
        return
    if dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            assert_finite(getattr(value, field.name), where, _depth + 1, allow)


def same_result(a: Any, b: Any) -> bool:
    """Exact equality of two results (arrays by value and dtype kind, floats bit-for-bit)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        kinds = {a.dtype.kind.replace("u", "i"), b.dtype.kind.replace("u", "i")}
        return a.shape == b.shape and len(kinds) == 1 and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(same_result(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return type(a) is type(b) and len(a) == len(b) and all(same_result(x, y) for x, y in zip(a, b, strict=True))
    if dataclasses.is_dataclass(a) and dataclasses.is_dataclass(b):
        return type(a) is type(b) and all(
            same_result(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a)
        )
    if isinstance(a, np.random.Generator) and isinstance(b, np.random.Generator):
        return same_result(a.bit_generator.state, b.bit_generator.state)
    if type(a) is type(b) and hasattr(a, "__dict__") and not callable(a):  # an object (a network, an optimizer)
        return same_result(vars(a), vars(b))
    if callable(a) and callable(b):
        return type(a) is type(b)
    return type(a) is type(b) and a == b
