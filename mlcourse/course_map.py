"""The course as a whole: its chapters in reading order and a self-check quiz over all of them.

:data:`CHAPTERS` lists the chapters with the terms each one introduces. :class:`Quiz` holds
multiple-choice :class:`Question` objects; its content lives in ``mlcourse/data/quiz.json`` and
:func:`load_quiz` reads it (:data:`COURSE_QUIZ` is the course's quiz, shown at the end of
chapter 7).

Data only: the chapter map figure and the quiz's HTML form are in
:mod:`mlcourse.figures.chapter7`, and the checkers that give feedback on an answer in
:mod:`mlcourse.exercises.chapter7`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from mlcourse.validation import as_int


def load_quiz(path: str | Path | None = None) -> Quiz:
    """Read a quiz from JSON (by default the course's, ``mlcourse/data/quiz.json``).

    The file holds ``{"name": ..., "questions": [{"prompt", "chapter", "choices": [{"text",
    "feedback", "correct"}, ...]}, ...]}``; every key is required and no other key is allowed.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        A quiz file of your own.

    Returns
    -------
    Quiz
    """
    if path is None:
        text = resources.files("mlcourse").joinpath("data/quiz.json").read_text(encoding="utf-8")
    elif isinstance(path, (str, Path)):
        if not Path(path).is_file():
            raise ValueError(f"path must name an existing quiz file, got {str(path)!r}")
        text = Path(path).read_text(encoding="utf-8")
    else:
        raise TypeError(f"path must be a file path (str or pathlib.Path), got {type(path).__name__}")
    data = _keys(json.loads(text), {"name", "questions"}, "the quiz file")
    if not isinstance(data["questions"], list):
        raise ValueError("the quiz file's questions must be a list")
    questions = []
    for n, item in enumerate(data["questions"], start=1):
        item = _keys(item, {"prompt", "chapter", "choices"}, f"question {n}")
        if not isinstance(item["choices"], list):
            raise ValueError(f"question {n}: choices must be a list")
        choices = tuple(
            Choice(**_keys(c, {"text", "feedback", "correct"}, f"question {n}, choice {i}"))
            for i, c in enumerate(item["choices"], start=1)
        )
        questions.append(Question(item["prompt"], choices, item["chapter"]))
    return Quiz(questions, name=data["name"])


def _keys(item: Any, keys: set[str], where: str) -> Mapping[str, Any]:
    """Require a JSON object with exactly ``keys``."""
    if not isinstance(item, Mapping):
        raise ValueError(f"{where} must be a JSON object, got {type(item).__name__}")
    if set(item) != keys:
        raise ValueError(f"{where} must have the keys {sorted(keys)}, got {sorted(item)}")
    return item


def choice_letter(index: int) -> str:
    """The letter a question shows for its choice number ``index`` (from 0): "a", "b", ... "f"."""
    return "abcdef"[as_int(index, "index", low=0, high=5)]


@dataclass(frozen=True)
class Chapter:
    """One chapter of the course.

    Attributes
    ----------
    number : int
        Position in reading order, from 1.
    doc : str
        The notebook's name without extension, e.g. ``"03_logits"``.
    title : str
        The chapter's title (its first heading).
    label : str
        A short label for the map (may contain newlines).
    terms : tuple of str
        Key terms the chapter introduces, as they appear in the glossary.
    """

    number: int
    doc: str
    title: str
    label: str
    terms: tuple[str, ...]


CHAPTERS: tuple[Chapter, ...] = (
    Chapter(
        1,
        "01_model_as_function",
        "A model is a function",
        "A model is\na function",
        ("model", "parameters", "features"),
    ),
    Chapter(
        2,
        "02_parameters",
        "Parameters: weights, biases and scale",
        "Parameters\nand scale",
        ("weights", "bias", "FLOPs"),
    ),
    Chapter(
        3,
        "03_logits",
        "Logits: from scores to probabilities",
        "Logits, softmax\nand sampling",
        ("logits", "softmax", "temperature"),
    ),
    Chapter(
        4,
        "04_determinism",
        "Deterministic, probabilistic, statistical",
        "Three types\nof systems",
        ("random seed", "probabilistic", "statistical"),
    ),
    Chapter(
        5,
        "05_training_vs_inference",
        "Training vs inference, from scratch",
        "Training vs\ninference",
        ("loss", "gradient", "epoch"),
    ),
    Chapter(
        6,
        "06_bias_variance",
        "The bias-variance tradeoff, measured, and what lies beyond it",
        "The bias-variance\ntradeoff",
        ("overfitting", "underfitting", "regularisation"),
    ),
    Chapter(7, "07_vocabulary", "Vocabulary", "Vocabulary\nand self-check", ("glossary", "quiz")),
)


@dataclass(frozen=True)
class Choice:
    """One answer to a question: its text, whether it is right, and why (shown after checking)."""

    text: str
    feedback: str
    correct: bool = False

    def __post_init__(self) -> None:
        for name in ("text", "feedback"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"Choice.{name} must be a non-empty string")
        if not isinstance(self.correct, bool):
            raise TypeError(f"Choice.correct must be True or False, got {type(self.correct).__name__}")


@dataclass(frozen=True)
class Question:
    """A multiple-choice question with exactly one right :class:`Choice`.

    Attributes
    ----------
    prompt : str
        The question, plain text (no markup).
    choices : tuple of Choice
        Two to six answers, labelled a, b, c, ... in order; exactly one has ``correct=True``.
    chapter : int
        The chapter (1 to 7) that teaches the answer, named in the feedback.
    """

    prompt: str
    choices: tuple[Choice, ...]
    chapter: int

    def __post_init__(self) -> None:
        if not isinstance(self.prompt, str) or not self.prompt.strip():
            raise ValueError("Question.prompt must be a non-empty string")
        if isinstance(self.choices, (str, bytes)) or not isinstance(self.choices, Sequence):
            raise TypeError("Question.choices must be a sequence of Choice objects")
        choices = tuple(self.choices)
        if not all(isinstance(c, Choice) for c in choices):
            raise TypeError("Question.choices must be Choice objects")
        if not 2 <= len(choices) <= 6:
            raise ValueError(f"a question needs 2 to 6 choices, got {len(choices)}")
        n_right = sum(c.correct for c in choices)
        if n_right != 1:
            raise ValueError(f"exactly one choice must be correct, got {n_right} in {self.prompt!r}")
        object.__setattr__(self, "chapter", as_int(self.chapter, "chapter", low=1, high=len(CHAPTERS)))
        object.__setattr__(self, "choices", choices)

    @property
    def answer(self) -> int:
        """Index of the right choice."""
        return next(i for i, c in enumerate(self.choices) if c.correct)


class Quiz:
    """A list of questions with feedback (check answers with :mod:`mlcourse.exercises.chapter7`).

    Parameters
    ----------
    questions : sequence of Question
        At least one.
    name : str
        Lowercase letters, digits and hyphens, starting with a letter: the quiz's HTML form uses
        it as a prefix of its ids, so two quizzes on one page need distinct names.
    """

    def __init__(self, questions: Sequence[Question], *, name: str = "quiz") -> None:
        if isinstance(questions, (str, bytes)) or not isinstance(questions, Sequence):
            raise TypeError("questions must be a non-empty sequence of Question")
        questions = tuple(questions)
        if not questions or not all(isinstance(q, Question) for q in questions):
            raise TypeError("questions must be a non-empty sequence of Question")
        if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9-]*", name):
            raise ValueError(
                f"name must be lowercase letters, digits and hyphens, starting with a letter; got {name!r}"
            )
        self.questions = questions
        self.name = name

    def __len__(self) -> int:
        return len(self.questions)

    def __repr__(self) -> str:
        return f"Quiz({self.name!r}, {len(self)} questions)"

    def choice_index(self, question: int, choice: int | str) -> int:
        """The index (from 0) of ``choice`` in question ``question`` (numbered from 1).

        ``choice`` is a letter as displayed (``"a"``, ``"b"``, ...) or an index from 0.
        """
        q = self.questions[as_int(question, "question", low=1, high=len(self)) - 1]
        if isinstance(choice, str):
            letters = [choice_letter(i) for i in range(len(q.choices))]
            if choice.strip().lower() not in letters:
                raise ValueError(f"choice must be one of {letters}, got {choice!r}")
            return letters.index(choice.strip().lower())
        return as_int(choice, "choice", low=0, high=len(q.choices) - 1)

    def answers(self) -> dict[int, str]:
        """The right letter of each question, numbered from 1 (for the notebook's hidden checks)."""
        return {n: choice_letter(q.answer) for n, q in enumerate(self.questions, start=1)}


#: The self-check over the whole course shown at the end of the vocabulary chapter.
COURSE_QUIZ = load_quiz()
