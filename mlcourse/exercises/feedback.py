"""Feedback for the exercises: what a checker tells the reader about their answer."""

from __future__ import annotations

from typing import NamedTuple


class Feedback(NamedTuple):
    """The verdict of an exercise checker.

    Attributes
    ----------
    ok : bool
        Whether the answer is right.
    message : str
        What is right or, if not, what exactly is wrong and a hint towards the fix.
    """

    ok: bool
    message: str

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        mark = "Correct" if self.ok else "Not yet"
        return f"{mark}: {self.message}"

    def _repr_markdown_(self) -> str:
        mark = "✅ **Correct.**" if self.ok else "❌ **Not yet.**"
        return f"{mark} {self.message}"


def correct(message: str) -> Feedback:
    """A passing verdict."""
    return Feedback(True, message)


def wrong(message: str) -> Feedback:
    """A failing verdict that says what is wrong."""
    return Feedback(False, message)
