"""Exercise checkers: each chapter's live in ``chapterN.py`` and return :class:`Feedback`.

A checker takes the reader's answer (a number, or a function they wrote), tests it the way the
chapter's reference solution is tested, and says *what* is wrong and how to fix it. It never
raises on a wrong answer: whatever the reader's function returns becomes feedback.
"""

from mlcourse.exercises.feedback import Feedback, correct, wrong

__all__ = ["Feedback", "correct", "wrong"]
