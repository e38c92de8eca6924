"""Chapter 7's figure and widget, and the landing page's chapter map.

- :func:`plot_chapter_map`: the course's chapters in reading order (the landing page shows it);
- :func:`quiz_html` / :func:`render_quiz`: the self-check quiz as a plain HTML form that works
  without a kernel. Each question is a group of radio buttons with a "Check answer" button and
  a live feedback line that says whether the choice is right and why, links the chapter that
  teaches it, and keeps a running total score. The small script that drives it is inline, so
  the quiz works offline, on the static site and in Jupyter.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from IPython.display import HTML
from matplotlib.patches import FancyArrowPatch
from matplotlib.path import Path

from mlcourse.course_map import CHAPTERS, Chapter, Quiz, choice_letter
from mlcourse.figures.diagrams import draw_flow
from mlcourse.figures.plot import Plot, new_figure
from mlcourse.figures.style import MUTED, PALETTE, styled
from mlcourse.validation import as_int


def plot_chapter_map(chapters: Sequence[Chapter] = CHAPTERS, per_row: int = 4) -> Plot:
    """The course's chapters in reading order as rows of boxes, key terms under each box.

    Parameters
    ----------
    chapters : sequence of Chapter
        At least one chapter, in reading order; the last is drawn in the accent colour.
    per_row : int
        Boxes in each row (1 to 6); the path continues from the end of a row to the start of the next.

    Returns
    -------
    Plot
        The figure (one axes, one box per chapter) and alt text that names every chapter and its terms.
    """
    if isinstance(chapters, (str, bytes)) or not isinstance(chapters, Sequence):
        raise TypeError("chapters must be a non-empty sequence of Chapter")
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
            highlight = [i for i, c in enumerate(row) if c is chapters[-1]]
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
                corners = [(right + 0.04, above), (right + 0.3, above), (right + 0.3, middle), (box_width / 2, middle)]
                path = Path([*corners, (box_width / 2, y + box_height / 2 + 0.04)])
                arrow = FancyArrowPatch(
                    path=path, arrowstyle="-|>", mutation_scale=16, color=PALETTE["vermillion"], linewidth=1.4
                )
                ax.add_patch(arrow)
                ax.update_datalim([(right + 0.4, above)])
        ax.update_datalim([(-0.1, -(len(rows) - 1) * row_step - box_height / 2 - 0.95)])
        ax.autoscale_view()
    parts = [f"{c.number}. {c.title} ({', '.join(c.terms)})" for c in chapters]
    alt = (
        f"Chapter map: the course's {len(chapters)} chapters as boxes joined by arrows in reading order, "
        f"with the key terms of each under its box: " + "; ".join(parts) + "."
    )
    return Plot(fig, alt)


def quiz_html(quiz: Quiz, *, link_base: str = "") -> str:
    """The quiz as HTML: one form per question (fieldset, radio buttons, a button, a live status line).

    Nothing is loaded from elsewhere: the styles and the short script are inline, and the
    script registers one click handler per page however many quizzes it shows. The static HTML
    has no links; after an answer is checked, the feedback links the chapter it names, as
    ``<link_base><doc>.html`` on the site or ``<link_base><doc>.ipynb`` in Jupyter.

    Parameters
    ----------
    quiz : Quiz
        The questions (see :func:`mlcourse.course_map.load_quiz`).
    link_base : str
        Path from the page showing the quiz to the chapters: ``""`` for a chapter page,
        ``"chapters/"`` for the landing page.
    """
    if not isinstance(quiz, Quiz):
        raise TypeError(f"quiz must be a Quiz, got {type(quiz).__name__}")
    if not isinstance(link_base, str) or any(ch in link_base for ch in "\"'<>:?#"):
        raise ValueError(f"link_base must be a relative path such as 'chapters/', got {link_base!r}")
    out = [f'<div class="mlcourse-quiz" id="{quiz.name}" data-link-base="{link_base}">', _STYLE]
    for n, q in enumerate(quiz.questions, start=1):
        qid = f"{quiz.name}-q{n}"
        chapter = CHAPTERS[q.chapter - 1]
        out.append(
            f'<form class="mlcourse-question" id="{qid}" data-answer="{choice_letter(q.answer)}" '
            f'data-chapter="{chapter.number}" data-doc="{chapter.doc}" '
            f'data-chapter-title="{html.escape(chapter.title, quote=True)}">'
        )
        out.append("<fieldset>")
        out.append(
            f'<legend><span class="mlcourse-quiz-number">Question {n} of {len(quiz)}.</span> '
            f"{html.escape(q.prompt)}</legend>"
        )
        for i, c in enumerate(q.choices):
            letter = choice_letter(i)
            cid = f"{qid}-{letter}"
            out.append(
                f'<div class="mlcourse-quiz-choice"><input type="radio" name="{qid}" id="{cid}" '
                f'value="{letter}" data-feedback="{html.escape(c.feedback, quote=True)}"> '
                f'<label for="{cid}">{letter}) {html.escape(c.text)}</label></div>'
            )
        out.append("</fieldset>")
        out.append('<button type="button" class="mlcourse-quiz-check">Check answer</button>')
        out.append('<p class="mlcourse-quiz-feedback" role="status" aria-live="polite"></p>')
        out.append("</form>")
    out.append(f'<p class="mlcourse-quiz-score">Score: 0 of {len(quiz)} right so far.</p>')
    out.append(_SCRIPT)
    out.append("</div>")
    return "\n".join(out)


def render_quiz(quiz: Quiz, *, link_base: str = "") -> HTML:
    """The quiz as a displayable object (Jupyter and the book show its HTML; see :func:`quiz_html`)."""
    return HTML(quiz_html(quiz, link_base=link_base))


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
.mlcourse-quiz-score { font-weight: 600; }
html[data-theme="dark"] .mlcourse-quiz { color-scheme: light; }
.mlcourse-quiz-feedback[data-verdict="correct"] { border-left-color: CORRECT; }
.mlcourse-quiz-feedback[data-verdict="wrong"] { border-left-color: WRONG; }
</style>""".replace("CORRECT", PALETTE["green"]).replace("WRONG", PALETTE["vermillion"])

# The feedback is built with text nodes and one <a> element (never innerHTML), so no quiz text is
# ever parsed as markup. The total counts each question's latest verdict.
_SCRIPT = """<script>
(function () {
  if (window.mlcourseQuizReady) { return; }
  window.mlcourseQuizReady = true;
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".mlcourse-quiz-check") : null;
    if (!button) { return; }
    var form = button.closest(".mlcourse-question");
    var quiz = form.closest(".mlcourse-quiz");
    var status = form.querySelector(".mlcourse-quiz-feedback");
    var chosen = form.querySelector("input[type=radio]:checked");
    if (!chosen) {
      status.dataset.verdict = "";
      status.textContent = "Choose an answer first.";
      return;
    }
    var right = chosen.value === form.dataset.answer;
    form.dataset.result = right ? "correct" : "wrong";
    status.dataset.verdict = form.dataset.result;
    var ext = /\\.ipynb$/.test(window.location.pathname) ? ".ipynb" : ".html";
    var link = document.createElement("a");
    link.href = quiz.dataset.linkBase + form.dataset.doc + ext;
    link.title = form.dataset.chapterTitle;
    link.textContent = "Chapter " + form.dataset.chapter;
    var total = quiz.querySelectorAll(".mlcourse-question").length;
    var score = quiz.querySelectorAll(".mlcourse-question[data-result=correct]").length;
    var line = "Score: " + score + " of " + total + " right so far.";
    status.textContent = (right ? "\\u2713 Correct. " : "\\u2717 Not quite. ") + chosen.dataset.feedback + " (";
    status.appendChild(link);
    status.appendChild(document.createTextNode(".) " + line));
    quiz.querySelector(".mlcourse-quiz-score").textContent = line;
  });
})();
</script>"""
