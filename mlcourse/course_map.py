"""The course as a whole: its chapter map and a self-check quiz that works without a kernel.

:data:`CHAPTERS` lists the chapters in reading order with the terms each one introduces, and
:func:`plot_chapter_map` draws them (the landing page shows it). :class:`Quiz` holds
multiple-choice :class:`Question` objects; in Python, :meth:`Quiz.check` returns
:class:`~mlcourse.exercises.feedback.Feedback` for an answer, and displayed in Jupyter or on the static
site, a quiz renders as plain HTML: each question is a group of radio buttons with a "Check
answer" button and a live feedback line that says whether the choice is right and why. The
small script that drives it is inline, so the quiz works offline and without a kernel.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.patches import FancyArrowPatch
from matplotlib.path import Path

from mlcourse.exercises.feedback import Feedback, correct, wrong
from mlcourse.figures import Plot, new_figure
from mlcourse.figures.diagrams import draw_flow
from mlcourse.figures.style import MUTED, PALETTE, styled
from mlcourse.validation import as_int

# --------------------------------------------------------------------------- the chapter map


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


def plot_chapter_map(chapters: Sequence[Chapter] = CHAPTERS, per_row: int = 4) -> Plot:
    """The course's chapters in reading order as two rows of boxes, key terms under each box.

    Parameters
    ----------
    chapters : sequence of Chapter
        At least one chapter, in reading order.
    per_row : int
        Boxes in each row (1 to 6); the path continues from the end of a row to the start of the next.

    Returns
    -------
    Plot
        The figure (one axes, one box per chapter) and alt text that names every chapter and its terms.
    """
    chapters = tuple(chapters)
    if not chapters or not all(isinstance(c, Chapter) for c in chapters):
        raise TypeError("chapters must be a non-empty sequence of Chapter")
    per_row = as_int(per_row, "per_row", low=1, high=6)
    rows = [chapters[i : i + per_row] for i in range(0, len(chapters), per_row)]
    box_width, box_height, gap, row_step = 2.1, 1.0, 0.55, 2.6
    fig = new_figure(7.6, 0.2 + 1.75 * len(rows))
    with styled():
        ax = fig.add_subplot()
        for r, row in enumerate(rows):
            y = -r * row_step
            labels = [f"{c.number}\n{c.label}" for c in row]
            highlight = [i for i, c in enumerate(row) if c.number == len(chapters)]
            boxes = draw_flow(
                ax, labels, y=y, box_width=box_width, box_height=box_height, gap=gap, fontsize=10, highlight=highlight
            )
            for box, chapter in zip(boxes, row, strict=True):
                ax.text(
                    box.get_x() + box_width / 2,
                    y - box_height / 2 - 0.14,
                    "\n".join(chapter.terms),
                    ha="center",
                    va="top",
                    fontsize=8.5,
                    color=MUTED,
                    style="italic",
                )
            if r > 0:
                # From the previous row's last box: right, down past its terms, left, and into this row's first box.
                right = (len(rows[r - 1]) - 1) * (box_width + gap) + box_width
                above = y + row_step
                middle = y + box_height / 2 + 0.22
                path = Path(
                    [
                        (right + 0.04, above),
                        (right + 0.3, above),
                        (right + 0.3, middle),
                        (box_width / 2, middle),
                        (box_width / 2, y + box_height / 2 + 0.04),
                    ]
                )
                ax.add_patch(
                    FancyArrowPatch(
                        path=path, arrowstyle="-|>", mutation_scale=16, color=PALETTE["vermillion"], linewidth=1.4
                    )
                )
                ax.update_datalim([(right + 0.4, above)])
        ax.update_datalim([(-0.1, -(len(rows) - 1) * row_step - box_height / 2 - 0.95)])
        ax.autoscale_view()
    parts = [f"{c.number}. {c.title} ({', '.join(c.terms)})" for c in chapters]
    alt = (
        f"Chapter map: the course's {len(chapters)} chapters as boxes joined by arrows in reading order, "
        f"with the key terms of each under its box: " + "; ".join(parts) + "."
    )
    return Plot(fig, alt)


# --------------------------------------------------------------------------- the quiz


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
        choices = tuple(self.choices)
        if not all(isinstance(c, Choice) for c in choices):
            raise TypeError("Question.choices must be Choice objects")
        if not 2 <= len(choices) <= 6:
            raise ValueError(f"a question needs 2 to 6 choices, got {len(choices)}")
        n_right = sum(c.correct for c in choices)
        if n_right != 1:
            raise ValueError(f"exactly one choice must be correct, got {n_right} in {self.prompt!r}")
        as_int(self.chapter, "chapter", low=1, high=len(CHAPTERS))
        object.__setattr__(self, "choices", choices)

    @property
    def answer(self) -> int:
        """Index of the right choice."""
        return next(i for i, c in enumerate(self.choices) if c.correct)


def _letter(i: int) -> str:
    return "abcdef"[i]


class Quiz:
    """A list of questions with feedback, checkable in Python and rendered as accessible HTML.

    Parameters
    ----------
    questions : sequence of Question
        At least one.
    name : str
        Prefix of the HTML ids (lowercase letters, digits and hyphens); use distinct names for two
        quizzes on one page.
    """

    def __init__(self, questions: Sequence[Question], *, name: str = "quiz") -> None:
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

    def check(self, question: int, choice: int | str) -> Feedback:
        """Feedback on answering ``question`` (numbered from 1, as displayed) with ``choice``.

        Parameters
        ----------
        question : int
            1 to ``len(quiz)``.
        choice : str or int
            The choice's letter as displayed (``"a"``, ``"b"``, ...) or its index from 0.

        Returns
        -------
        Feedback
            ``ok`` if the choice is right; the message says why it is right or wrong.
        """
        q = self.questions[as_int(question, "question", low=1, high=len(self)) - 1]
        if isinstance(choice, str):
            letters = [_letter(i) for i in range(len(q.choices))]
            if choice.strip().lower() not in letters:
                raise ValueError(f"choice must be one of {letters}, got {choice!r}")
            index = letters.index(choice.strip().lower())
        else:
            index = as_int(choice, "choice", low=0, high=len(q.choices) - 1)
        picked = q.choices[index]
        message = f"{picked.feedback} (Chapter {q.chapter}.)"
        return correct(message) if picked.correct else wrong(message)

    def to_html(self) -> str:
        """The quiz as HTML: one form per question (fieldset, radio buttons, a button, a live status line).

        Nothing is loaded from elsewhere: the styles and the short script are inline, and the
        script registers one click handler per page however many quizzes it shows.
        """
        out = [f'<div class="mlcourse-quiz" id="{self.name}">', _STYLE]
        for n, q in enumerate(self.questions, start=1):
            qid = f"{self.name}-q{n}"
            out.append(f'<form class="mlcourse-question" id="{qid}" data-answer="{_letter(q.answer)}">')
            out.append("<fieldset>")
            out.append(
                f'<legend><span class="mlcourse-quiz-number">Question {n} of {len(self)}.</span> '
                f"{html.escape(q.prompt)}</legend>"
            )
            for i, c in enumerate(q.choices):
                cid = f"{qid}-{_letter(i)}"
                feedback = html.escape(f"{c.feedback} (Chapter {q.chapter}.)", quote=True)
                out.append(
                    f'<div class="mlcourse-quiz-choice"><input type="radio" name="{qid}" id="{cid}" '
                    f'value="{_letter(i)}" data-feedback="{feedback}"> '
                    f'<label for="{cid}">{_letter(i)}) {html.escape(c.text)}</label></div>'
                )
            out.append("</fieldset>")
            out.append('<button type="button" class="mlcourse-quiz-check">Check answer</button>')
            out.append('<p class="mlcourse-quiz-feedback" role="status" aria-live="polite"></p>')
            out.append("</form>")
        out.append(_SCRIPT)
        out.append("</div>")
        return "\n".join(out)

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return f"Quiz({self.name!r}, {len(self)} questions)"

    def answers(self) -> dict[int, str]:
        """The right letter of each question, numbered from 1 (for the notebook's hidden checks)."""
        return {n: _letter(q.answer) for n, q in enumerate(self.questions, start=1)}


# Colours come from the site's theme variables (pydata-sphinx-theme), with fallbacks for Jupyter,
# so text keeps the page's own contrast in light and dark mode; verdicts are marked by a coloured
# bar and a symbol, never by text colour alone. In dark mode the site shows HTML outputs on a light
# panel, so the form controls are drawn light too.
_STYLE = """<style>
.mlcourse-question { margin: 0 0 1rem 0; }
.mlcourse-question fieldset { border: 1px solid var(--pst-color-border, #c8c8c8); border-radius: 6px;
  padding: 0.6rem 0.9rem; margin: 0; }
.mlcourse-question legend { font-size: 1rem; font-weight: 600; line-height: 1.5; padding: 0;
  margin-bottom: 0.3rem; }
.mlcourse-quiz-number { font-weight: 400; }
.mlcourse-quiz-choice { margin: 0.25rem 0; }
.mlcourse-quiz-choice input { margin-right: 0.35rem; }
.mlcourse-quiz-check { margin-top: 0.45rem; padding: 0.25rem 0.8rem; border-radius: 4px; cursor: pointer;
  color: inherit; background: transparent; border: 1px solid var(--pst-color-border, #888); font: inherit; }
.mlcourse-quiz-check:hover { border-color: currentColor; }
.mlcourse-quiz-feedback { margin: 0.4rem 0 0 0; padding-left: 0.6rem; border-left: 4px solid transparent; }
.mlcourse-quiz-feedback:empty { display: none; }
html[data-theme="dark"] .mlcourse-quiz { color-scheme: light; }
.mlcourse-quiz-feedback[data-verdict="correct"] { border-left-color: CORRECT; }
.mlcourse-quiz-feedback[data-verdict="wrong"] { border-left-color: WRONG; }
</style>""".replace("CORRECT", PALETTE["green"]).replace("WRONG", PALETTE["vermillion"])

_SCRIPT = """<script>
(function () {
  if (window.mlcourseQuizReady) { return; }
  window.mlcourseQuizReady = true;
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".mlcourse-quiz-check") : null;
    if (!button) { return; }
    var form = button.closest(".mlcourse-question");
    var status = form.querySelector(".mlcourse-quiz-feedback");
    var chosen = form.querySelector("input[type=radio]:checked");
    if (!chosen) {
      status.dataset.verdict = "";
      status.textContent = "Choose an answer first.";
      return;
    }
    var right = chosen.value === form.dataset.answer;
    status.dataset.verdict = right ? "correct" : "wrong";
    status.textContent = (right ? "\\u2713 Correct. " : "\\u2717 Not quite. ") + chosen.dataset.feedback;
  });
})();
</script>"""


def _q(prompt: str, chapter: int, *choices: tuple[str, str, bool]) -> Question:
    return Question(prompt, tuple(Choice(text, why, ok) for text, why, ok in choices), chapter)


#: The self-check over the whole course shown at the end of the vocabulary chapter.
COURSE_QUIZ = Quiz(
    [
        _q(
            "In the model y = w·x + b, which are the parameters?",
            1,
            ("x and y", "x is the input (a feature) and y the output: they change with every example.", False),
            ("w and b", "w (a weight) and b (a bias) are set by training and fixed while the model is used.", True),
            ("Only w", "b is a parameter too: the bias, the output when x = 0, is learned like the weight.", False),
        ),
        _q(
            "A fully connected layer maps 4 inputs to 3 outputs. How many parameters does it have?",
            2,
            ("12", "That counts the weights only (4 × 3); each of the 3 outputs also has a bias.", False),
            ("15", "4 × 3 weights plus 3 biases: n_in × n_out + n_out.", True),
            ("7", "4 + 3 counts the units, not the connections between them.", False),
        ),
        _q(
            "About how much memory do the weights of a 7-billion-parameter model take in bf16?",
            2,
            ("7 GB", "That is 1 byte per parameter (int8); bf16 takes 2 bytes.", False),
            ("14 GB", "2 bytes per parameter × 7 × 10⁹ parameters = 14 × 10⁹ bytes.", True),
            (
                "112 GB",
                "16 bytes per parameter is what training with Adam in mixed precision needs, not the weights.",
                False,
            ),
        ),
        _q(
            "Which are the softmax probabilities of the logits [2, 1, 0]?",
            3,
            ("[0.67, 0.33, 0]", "That divides each logit by their sum; softmax exponentiates first.", False),
            ("[0.67, 0.24, 0.09]", "e² : e¹ : e⁰ normalised to sum to 1; every probability is positive.", True),
            ("[1, 0, 0]", "That one-hot vector is the temperature-0 (greedy) limit, not softmax itself.", False),
        ),
        _q(
            "What happens to the next-token probabilities as the temperature goes from 1 toward 0?",
            3,
            ("They flatten toward uniform", "That is what a high temperature does.", False),
            (
                "They sharpen: the top token takes almost all",
                "Dividing the logits by a small T stretches their differences; T → 0 is greedy decoding.",
                True,
            ),
            (
                "The order of the tokens changes",
                "Dividing by a positive T never changes which logit is larger.",
                False,
            ),
        ),
        _q(
            "Top-p sampling with p = 0.75 over probabilities 0.4, 0.3, 0.2, 0.1: which tokens can be drawn?",
            3,
            ("The first two", "0.4 + 0.3 = 0.7 has not reached 0.75; the token that crosses p is kept too.", False),
            ("The first three", "0.4 + 0.3 + 0.2 = 0.9 is the smallest total that reaches 0.75.", True),
            ("All four", "Top-p keeps only the smallest set of most likely tokens that reaches p.", False),
        ),
        _q(
            "A language model samples at temperature 0.8 twice, same prompt, same random seed, same machine. "
            "The outputs are:",
            4,
            (
                "identical",
                "The randomness comes from the generator: the same seed gives the same draws, so the run is "
                "reproducible (floating-point differences between machines aside).",
                True,
            ),
            ("different, because T > 0", "T > 0 samples, but the samples come from the seeded generator.", False),
            ("identical only at T = 0", "T = 0 is deterministic whatever the seed; a fixed seed is enough.", False),
        ),
        _q(
            "What does a training step do that inference does not?",
            5,
            ("Run a forward pass", "Inference runs the forward pass too: that is all it does.", False),
            (
                "Compute the gradient of the loss and update the parameters",
                "The backward pass and the update are training's extra work (and memory).",
                True,
            ),
            (
                "Turn logits into probabilities",
                "Inference applies the softmax too, whenever it needs probabilities.",
                False,
            ),
        ),
        _q(
            "After a few updates the training loss jumps far above where it started and stays there. "
            "The most likely cause is:",
            5,
            (
                "a learning rate that is too large",
                "Each step overshoots the valley it should descend into, so the loss climbs instead of falling.",
                True,
            ),
            ("too many epochs", "More epochs can overfit, but they do not make the training loss climb.", False),
            ("too small a validation set", "The validation set is never used to update the parameters.", False),
        ),
        _q(
            "Training error is 0.01 and validation error is 0.40. What is the problem?",
            6,
            ("High bias (underfitting)", "An underfitting model has a high training error too.", False),
            (
                "High variance (overfitting)",
                "The model fits its training data, noise included, and does not generalise: try more data, "
                "regularisation or a simpler model.",
                True,
            ),
            ("Nothing: low training error is the goal", "What matters is the error on new data.", False),
        ),
        _q(
            "Which of these is a hyperparameter rather than a parameter?",
            5,
            ("A weight of the first layer", "Weights are parameters: gradient descent learns them.", False),
            ("The learning rate", "It is chosen before training and is not learned by gradient descent.", True),
            ("The bias of an output unit", "Biases are parameters: training learns them like the weights.", False),
        ),
    ],
    name="course-quiz",
)
