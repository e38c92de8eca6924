"""Chapter 7's checkers: the self-check quiz, answered in Python instead of on the page.

:func:`check_quiz_answer` gives the feedback of one answer, as the page's "Check answer" button
does; :func:`check_quiz` scores a set of answers and names the chapters to revisit. A question
number or a letter that does not exist becomes "not yet" feedback, never a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlcourse.course_map import COURSE_QUIZ, Quiz
from mlcourse.exercises.feedback import Feedback, correct, wrong


def check_quiz_answer(question: int, choice: int | str, quiz: Quiz = COURSE_QUIZ) -> Feedback:
    """Feedback on answering ``question`` (numbered from 1, as displayed) with ``choice``.

    Parameters
    ----------
    question : int
        1 to ``len(quiz)``.
    choice : str or int
        The choice's letter as displayed (``"a"``, ``"b"``, ...) or its index from 0.
    quiz : Quiz
        The course's quiz by default.

    Returns
    -------
    Feedback
        ``ok`` if the choice is right; the message says why it is right or wrong and ends with
        the chapter that teaches the answer, ``(Chapter N.)``.
    """
    if not isinstance(quiz, Quiz):
        raise TypeError(f"quiz must be a Quiz, got {type(quiz).__name__}")
    try:
        index = quiz.choice_index(question, choice)
    except (TypeError, ValueError) as exc:
        return wrong(f"{exc}. Questions are numbered 1 to {len(quiz)}; answer with a letter such as 'b'.")
    q = quiz.questions[int(question) - 1]
    picked = q.choices[index]
    message = f"{picked.feedback} (Chapter {q.chapter}.)"
    return correct(message) if picked.correct else wrong(message)


def check_quiz(answers: Mapping[int, Any], quiz: Quiz = COURSE_QUIZ) -> Feedback:
    """Score a set of answers: how many are right out of the whole quiz, and what to revisit.

    Parameters
    ----------
    answers : dict
        Question number (from 1) -> the chosen letter or index, e.g. ``{1: "b", 2: "a"}``;
        questions left out count as not yet answered.
    quiz : Quiz
        The course's quiz by default.

    Returns
    -------
    Feedback
        ``ok`` only when every question is answered rightly; the message gives the total score and
        the chapter behind each question still to get right.
    """
    if not isinstance(answers, Mapping):
        return wrong(f"give your answers as a dict such as {{1: 'b', 2: 'a'}}, got {type(answers).__name__}")
    right, notes = 0, []
    for n in range(1, len(quiz) + 1):
        if n not in answers:
            notes.append(f"question {n} unanswered (chapter {quiz.questions[n - 1].chapter})")
            continue
        verdict = check_quiz_answer(n, answers[n], quiz)
        right += verdict.ok
        if not verdict.ok:
            notes.append(f"question {n}: revisit chapter {quiz.questions[n - 1].chapter}")
    extra = sorted(str(k) for k in answers if k not in range(1, len(quiz) + 1))
    if extra:
        notes.append(f"no question {', '.join(extra)}")
    score = f"Score: {right} of {len(quiz)} right."
    return correct(score) if right == len(quiz) and not extra else wrong(f"{score} " + "; ".join(notes) + ".")
