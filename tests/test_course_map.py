"""The chapter list, the quiz (data, checkers and HTML form), the chapter map and the landing page."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from scipy.special import softmax as scipy_softmax

from mlcourse import course_map
from mlcourse.course_map import CHAPTERS, COURSE_QUIZ, Chapter, Choice, Question, Quiz, load_quiz
from mlcourse.exercises import chapter7 as ex
from mlcourse.exercises.feedback import Feedback
from mlcourse.figures import Plot
from mlcourse.figures import chapter7 as figs

ROOT = Path(__file__).resolve().parent.parent
INTRO = ROOT / "intro.md"


def toc_chapters() -> list[str]:
    return re.findall(r"-\s*file:\s*chapters/(\S+)", (ROOT / "_toc.yml").read_text(encoding="utf-8"))


def first_heading(doc: str) -> str:
    nb = json.loads((ROOT / "chapters" / f"{doc}.ipynb").read_text(encoding="utf-8"))
    text = "".join(nb["cells"][0]["source"])
    return re.search(r"^# (.+)$", text, re.MULTILINE).group(1).strip()


# --------------------------------------------------------------------------- the chapter map


def test_chapters_follow_the_table_of_contents_and_the_titles():
    assert [c.doc for c in CHAPTERS] == toc_chapters()
    assert [c.number for c in CHAPTERS] == list(range(1, len(CHAPTERS) + 1))
    for chapter in CHAPTERS:
        assert chapter.title == first_heading(chapter.doc)


def test_chapter_map_draws_one_box_per_chapter_in_reading_order():
    plot = figs.plot_chapter_map()
    assert isinstance(plot, Plot)
    (ax,) = plot.fig.axes
    boxes = [p for p in ax.patches if isinstance(p, FancyBboxPatch)]
    assert len(boxes) == 7
    # Four on the first row, left to right; three on the second, below it.
    tops = [b.get_y() for b in boxes]
    xs = [b.get_x() for b in boxes]
    assert len(set(tops[:4])) == 1 and len(set(tops[4:])) == 1 and tops[4] < tops[0]
    assert xs[:4] == sorted(xs[:4]) and xs[4:] == sorted(xs[4:]) and xs[4] == xs[0]
    # Arrows: 3 + 2 inside the rows and one from the end of the first row to the start of the second.
    assert sum(isinstance(p, FancyArrowPatch) for p in ax.patches) == 3 + 2 + 1
    texts = [t.get_text() for t in ax.texts]
    for chapter in CHAPTERS:
        assert f"{chapter.number}\n{chapter.label}" in texts
        assert "\n".join(chapter.terms) in texts
    # Everything drawn is inside the axes' limits.
    left, right = ax.get_xlim()
    bottom, top = ax.get_ylim()
    for box in boxes:
        assert left <= box.get_x() and box.get_x() + box.get_width() <= right
        assert bottom <= box.get_y() and box.get_y() + box.get_height() <= top


def test_chapter_map_alt_text_names_every_chapter_and_its_terms():
    alt = figs.plot_chapter_map().alt
    assert alt.startswith("Chapter map")
    assert "7 chapters" in alt
    for chapter in CHAPTERS:
        assert f"{chapter.number}. {chapter.title}" in alt
        assert ", ".join(chapter.terms) in alt


def test_chapter_map_other_layouts_and_bad_input():
    plot = figs.plot_chapter_map(CHAPTERS[:3], per_row=3)
    assert sum(isinstance(p, FancyBboxPatch) for p in plot.fig.axes[0].patches) == 3
    assert "3 chapters" in plot.alt
    with pytest.raises(ValueError, match="per_row must be >= 1"):
        figs.plot_chapter_map(per_row=0)
    with pytest.raises(TypeError, match="per_row must be an integer"):
        figs.plot_chapter_map(per_row="4")
    with pytest.raises(TypeError, match="chapters must be a non-empty sequence of Chapter"):
        figs.plot_chapter_map([])
    with pytest.raises(TypeError, match="chapters must be a non-empty sequence of Chapter"):
        figs.plot_chapter_map(["01_model_as_function"])
    assert isinstance(CHAPTERS[0], Chapter)


def test_chapter_map_renders_as_png():
    png = figs.plot_chapter_map().to_png(dpi=50)
    assert png.startswith(b"\x89PNG")


# --------------------------------------------------------------------------- questions and quizzes


def small_quiz(**kwargs) -> Quiz:
    q = Question(
        "Is 2 > 1?",
        (Choice("yes", "2 is larger.", True), Choice("no", "1 is smaller, not larger.")),
        chapter=1,
    )
    return Quiz([q], **kwargs)


def test_question_needs_exactly_one_right_answer_and_feedback_for_each():
    yes, no = Choice("yes", "why yes", True), Choice("no", "why no")
    assert Question("q?", (no, yes), 3).answer == 1
    with pytest.raises(ValueError, match="exactly one choice must be correct, got 0"):
        Question("q?", (no, no), 1)
    with pytest.raises(ValueError, match="exactly one choice must be correct, got 2"):
        Question("q?", (yes, yes, no), 1)
    with pytest.raises(ValueError, match="2 to 6 choices"):
        Question("q?", (yes,), 1)
    with pytest.raises(ValueError, match="prompt must be a non-empty string"):
        Question("  ", (yes, no), 1)
    with pytest.raises(ValueError, match="chapter must be <= 7"):
        Question("q?", (yes, no), 8)
    with pytest.raises(TypeError, match="choices must be Choice objects"):
        Question("q?", ("yes", "no"), 1)
    with pytest.raises(ValueError, match="feedback must be a non-empty string"):
        Choice("yes", "")
    with pytest.raises(TypeError, match="correct must be True or False"):
        Choice("yes", "why", 1)


def test_quiz_checks_answers_by_letter_or_index():
    quiz = small_quiz()
    right = ex.check_quiz_answer(1, "a", quiz)
    assert isinstance(right, Feedback) and right.ok
    assert right.message == "2 is larger. (Chapter 1.)"
    assert ex.check_quiz_answer(1, 0, quiz) == right
    assert ex.check_quiz_answer(1, " A ", quiz) == right
    assert quiz.choice_index(1, "B") == 1
    wrong = ex.check_quiz_answer(1, "b", quiz)
    assert not wrong.ok and "1 is smaller" in wrong.message


@pytest.mark.parametrize(
    ("question", "choice", "says"),
    [
        (2, "a", "question must be <= 1"),
        (0, "a", "question must be >= 1"),
        ("1", "a", "question must be an integer"),
        (1, "c", "choice must be one of"),
        (1, 2, "choice must be <= 1"),
        (1, True, "choice must be an integer"),
        (1, None, "choice must be an integer"),
    ],
)
def test_quiz_answers_that_do_not_exist_become_feedback(question, choice, says):
    verdict = ex.check_quiz_answer(question, choice, small_quiz())
    assert not verdict.ok and says in verdict.message
    with pytest.raises((TypeError, ValueError), match=says):
        small_quiz().choice_index(question, choice)


def test_check_quiz_totals_the_score_and_names_what_to_revisit():
    perfect = ex.check_quiz(COURSE_QUIZ.answers())
    assert perfect.ok and perfect.message == "Score: 14 of 14 right."
    answers = dict(COURSE_QUIZ.answers())
    answers[4] = "a"  # wrong: chapter 3
    del answers[10]  # unanswered: chapter 6
    verdict = ex.check_quiz(answers)
    assert not verdict.ok
    assert verdict.message.startswith("Score: 12 of 14 right.")
    assert "question 4: revisit chapter 3" in verdict.message
    assert "question 10 unanswered (chapter 6)" in verdict.message
    assert not ex.check_quiz({**COURSE_QUIZ.answers(), 12: "a"}).ok
    assert "Score: 0 of 14" in ex.check_quiz({}).message
    assert not ex.check_quiz(["b", "b"]).ok
    assert "no question 1" not in ex.check_quiz({1: "z"}).message
    with pytest.raises(TypeError, match="quiz must be a Quiz"):
        ex.check_quiz_answer(1, "a", quiz="course-quiz")


def test_quiz_rejects_bad_construction():
    with pytest.raises(TypeError, match="questions must be a non-empty sequence of Question"):
        Quiz([])
    with pytest.raises(ValueError, match="name must be lowercase"):
        small_quiz(name="My Quiz")


class Collector(HTMLParser):
    """Records every start tag with its attributes, and the text of each legend and label."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: dict[str, list[str]] = {"legend": [], "label": [], "script": []}
        self._open: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._open.append(tag)

    def handle_endtag(self, tag):
        if self._open and self._open[-1] == tag:
            self._open.pop()

    def handle_data(self, data):
        if self._open and self._open[-1] in self.text:
            self.text[self._open[-1]].append(data)


def parse(html: str) -> Collector:
    parser = Collector()
    parser.feed(html)
    return parser


def test_quiz_html_is_accessible_and_self_contained():
    html = figs.quiz_html(COURSE_QUIZ)
    doc = parse(html)
    forms = [a for t, a in doc.tags if t == "form"]
    radios = [a for t, a in doc.tags if t == "input" and a.get("type") == "radio"]
    labels = [a for t, a in doc.tags if t == "label"]
    ids = [a["id"] for _, a in doc.tags if "id" in a]
    assert len(forms) == len(COURSE_QUIZ) == 14
    assert len(ids) == len(set(ids)), "HTML ids must be unique"
    # Every radio button has a label, and the buttons of a question share one name.
    assert sorted(a["for"] for a in labels) == sorted(a["id"] for a in radios)
    assert len(radios) == sum(len(q.choices) for q in COURSE_QUIZ.questions)
    for form, question in zip(forms, COURSE_QUIZ.questions, strict=True):
        names = {a["name"] for a in radios if a["id"].startswith(form["id"] + "-")}
        assert names == {form["id"]}
        assert form["data-answer"] == "abcdef"[question.answer]
        chapter = CHAPTERS[question.chapter - 1]
        assert (form["data-chapter"], form["data-doc"]) == (str(question.chapter), chapter.doc)
        assert form["data-chapter-title"] == chapter.title
        assert (ROOT / "chapters" / f"{chapter.doc}.ipynb").exists()
    assert sum(t == "fieldset" for t, _ in doc.tags) == len(COURSE_QUIZ)
    assert len(doc.text["legend"]) >= len(COURSE_QUIZ)
    buttons = [a for t, a in doc.tags if t == "button"]
    assert len(buttons) == len(COURSE_QUIZ) and all(a["type"] == "button" for a in buttons)
    status = [a for t, a in doc.tags if a.get("role") == "status"]
    assert len(status) == len(COURSE_QUIZ) and all(a["aria-live"] == "polite" for a in status)
    # A total score line, updated by the script.
    score = [a for t, a in doc.tags if a.get("class") == "mlcourse-quiz-score"]
    assert len(score) == 1 and "Score: 0 of 14 right so far." in html
    # Nothing is loaded from elsewhere: the chapter links are made by the script, relative to the page.
    assert not any("src" in a or "href" in a for _, a in doc.tags)
    assert "http" not in html and "@import" not in html
    container = next(a for t, a in doc.tags if t == "div" and a.get("class") == "mlcourse-quiz")
    assert container["data-link-base"] == ""
    assert figs.render_quiz(COURSE_QUIZ).data == html


def test_quiz_script_links_the_chapter_and_keeps_the_total():
    script = figs.quiz_html(small_quiz()).split("<script>", 1)[1]
    assert "innerHTML" not in script, "quiz text must never be parsed as markup"
    for needle in ("linkBase", "dataset.doc", "ext", '"Chapter " + form.dataset.chapter', "Score: ", "right so far"):
        assert needle in script
    assert 'data-link-base="chapters/"' in figs.quiz_html(small_quiz(), link_base="chapters/")
    with pytest.raises(ValueError, match="link_base must be a relative path"):
        figs.quiz_html(small_quiz(), link_base="https://example.org/")
    with pytest.raises(TypeError, match="quiz must be a Quiz"):
        figs.quiz_html(COURSE_QUIZ.questions)


def test_quiz_html_escapes_text_and_carries_the_feedback():
    quiz = Quiz(
        [Question('Is <b> "bold"?', (Choice("a & b", "x < y", True), Choice("c", "d")), chapter=2)],
        name="q-test",
    )
    html = figs.quiz_html(quiz)
    assert "Is &lt;b&gt; &quot;bold&quot;?" in html
    assert "a &amp; b" in html and 'data-feedback="x &lt; y"' in html and 'data-chapter="2"' in html
    assert 'id="q-test-q1-a"' in html and "<b>" not in html


def test_quiz_script_is_registered_once_per_page():
    html = figs.quiz_html(small_quiz())
    assert html.count("<script>") == 1
    assert "window.mlcourseQuizReady" in html  # a second quiz on the page adds no second handler


# --------------------------------------------------------------------------- the course quiz is right


def test_course_quiz_answers_agree_with_independent_calculations():
    answer = {n: COURSE_QUIZ.questions[n - 1].choices[COURSE_QUIZ.questions[n - 1].answer].text for n in range(1, 15)}
    assert answer[1] == "w and b"
    assert answer[2] == str(4 * 3 + 3)
    assert answer[3] == f"{2 * 7e9 / 1e9:.0f} GB"
    shown = [float(v) for v in re.findall(r"[\d.]+", answer[4])]
    np.testing.assert_allclose(shown, scipy_softmax([2.0, 1.0, 0.0]), atol=0.006)
    cumulative = np.cumsum([0.4, 0.3, 0.2, 0.1])
    assert answer[6] == "The first three" and int(np.argmax(cumulative >= 0.75)) + 1 == 3
    assert "gradient" in answer[8] and "learning rate" in answer[9] and "variance" in answer[10]
    assert answer[11] == "The learning rate"
    # 7: the same seed does not make a GPU run repeat; 12: weights compare only on a common scale;
    # 13: the minimum of noisy validation errors is biased low; 14: linear layers compose.
    assert answer[7].startswith("Yes: the seed fixes the draws") and "rounding" in answer[7]
    assert answer[12].startswith("Nothing yet: standardise")
    assert "biased low" in answer[13] and "test set" in answer[13]
    rng = np.random.default_rng(0)
    W1, W2 = rng.normal(size=(4, 3)), rng.normal(size=(2, 4))
    x = rng.normal(size=3)
    np.testing.assert_allclose(W2 @ (W1 @ x), (W2 @ W1) @ x)
    assert answer[14].startswith("Exactly what one linear layer can")


def test_the_reasoning_questions_come_last_and_the_gpu_question_agrees_with_chapter_4():
    prompts = [q.prompt for q in COURSE_QUIZ.questions]
    assert "GPU" in prompts[6] and "Can the two outputs differ?" in prompts[6]
    wrong = [c for c in COURSE_QUIZ.questions[6].choices if not c.correct]
    assert any(c.text.startswith("No: the same seed always") for c in wrong)
    assert [q.chapter for q in COURSE_QUIZ.questions[11:]] == [1, 6, 2]


def test_course_quiz_every_choice_explains_itself():
    for n, question in enumerate(COURSE_QUIZ.questions, start=1):
        verdicts = [ex.check_quiz_answer(n, i) for i in range(len(question.choices))]
        assert sum(v.ok for v in verdicts) == 1
        assert all(len(v.message) > 25 and v.message.endswith(f"(Chapter {question.chapter}.)") for v in verdicts)
    assert COURSE_QUIZ.answers() == {n: "abcdef"[q.answer] for n, q in enumerate(COURSE_QUIZ.questions, start=1)}
    # The right answer is not always in the same place.
    assert len(set(COURSE_QUIZ.answers().values())) >= 2
    assert repr(COURSE_QUIZ) == "Quiz('course-quiz', 14 questions)"


def test_the_quiz_is_read_from_json_with_every_key_checked(tmp_path):
    assert (ROOT / "mlcourse" / "data" / "quiz.json").exists()
    data = json.loads((ROOT / "mlcourse" / "data" / "quiz.json").read_text(encoding="utf-8"))
    assert data["name"] == COURSE_QUIZ.name and len(data["questions"]) == len(COURSE_QUIZ)
    path = tmp_path / "quiz.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    again = load_quiz(path)
    assert again.answers() == COURSE_QUIZ.answers() and again.questions == COURSE_QUIZ.questions
    data["questions"][0]["choices"][0]["correct"] = True  # now two right answers
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="exactly one choice must be correct, got 2"):
        load_quiz(path)
    del data["questions"][0]["chapter"]
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match=r"question 1 must have the keys \['chapter', 'choices', 'prompt'\]"):
        load_quiz(path)
    path.write_text(json.dumps({"name": "q", "questions": {}}), encoding="utf-8")
    with pytest.raises(ValueError, match="questions must be a list"):
        load_quiz(path)
    path.write_text("[]", encoding="utf-8")
    with pytest.raises(ValueError, match="the quiz file must be a JSON object"):
        load_quiz(path)
    with pytest.raises(TypeError, match="path must be a file path"):
        load_quiz(3)


def test_choice_letters():
    assert [course_map.choice_letter(i) for i in range(6)] == list("abcdef")
    with pytest.raises(ValueError, match="index must be <= 5"):
        course_map.choice_letter(6)


# --------------------------------------------------------------------------- the landing page


def intro_code_cells() -> list[str]:
    return re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", INTRO.read_text(encoding="utf-8"), re.DOTALL)


def test_landing_page_is_a_myst_notebook_that_draws_the_map():
    text = INTRO.read_text(encoding="utf-8")
    front = text.split("---", 2)[1]
    assert "format_name: myst" in front and "name: python3" in front
    cells = intro_code_cells()
    assert cells, "intro.md should draw the chapter map in a code cell"
    namespace: dict = {}
    for cell in cells:
        body = "\n".join(line for line in cell.splitlines() if not line.startswith(":"))
        *statements, last = body.strip().splitlines()
        exec("\n".join(statements), namespace)
        result = eval(last, namespace)
    assert isinstance(result, Plot) and result.alt.startswith("Chapter map")


def test_landing_page_links_every_chapter_and_explains_the_commands():
    text = INTRO.read_text(encoding="utf-8")
    linked = re.findall(r"\{doc\}`(?:[^`<]*<)?chapters/([^`>]+)>?`", text)
    assert set(toc_chapters()) <= set(linked)
    for command in ("make lab", "make book", "make test"):
        assert command in text
    for heading in ("What you will learn", "How to read this site", "Run it yourself"):
        assert f"## {heading}" in text


def test_load_quiz_names_a_missing_file(tmp_path):
    with pytest.raises(ValueError, match="path must name an existing quiz file"):
        load_quiz(tmp_path / "missing.json")
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    with pytest.raises(ValueError):
        load_quiz(tmp_path / "broken.json")


ODD_ANSWERS = [None, "", "zz", b"a", 1.5, -1, 10**400, np.int64(1), np.nan, [1], {"a": 1}, object(), True]


@pytest.mark.parametrize(
    "value", ODD_ANSWERS, ids=lambda v: type(v).__name__ if isinstance(v, object) and type(v) is object else repr(v)
)
def test_quiz_checkers_turn_any_answer_into_feedback(value):
    for verdict in (
        ex.check_quiz_answer(value, "b"),
        ex.check_quiz_answer(1, value),
        ex.check_quiz({1: value}),
        ex.check_quiz(value),
    ):
        assert isinstance(verdict, Feedback)
    assert ex.check_quiz_answer(1, np.int64(1)).ok  # a numpy integer is a fine index
