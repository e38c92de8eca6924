"""The vocabulary chapter and the landing page in a real browser, without a kernel.

The self-check quiz gives feedback when a reader picks an answer and presses "Check answer"
(by mouse or keyboard); the core-terms table and the "When this matters" table link to their
targets; the landing page shows the chapter map with alt text and links every chapter.
"""

from __future__ import annotations

import re

from conftest import ROOT

from mlcourse import course_map

VOCABULARY = "chapters/07_vocabulary.html"
TOC = (ROOT / "_toc.yml").read_text(encoding="utf-8")
CHAPTERS = re.findall(r"-\s*file:\s*(chapters/\S+)", TOC)


def open_page(page, site_url: str, path: str) -> None:
    response = page.goto(f"{site_url}/{path}", wait_until="load")
    assert response is not None and response.ok, f"{path} did not load"
    page.wait_for_load_state("networkidle")


def test_quiz_gives_feedback_on_a_wrong_and_a_right_answer(page, site_url):
    open_page(page, site_url, VOCABULARY)
    questions = page.locator(".mlcourse-quiz form.mlcourse-question")
    assert questions.count() == len(course_map.COURSE_QUIZ.questions)  # every question of the quiz data
    question = questions.nth(3)  # softmax of [2, 1, 0]
    status = question.locator("[role=status]")
    assert status.inner_text() == "" and not status.is_visible(), "no verdict before the reader answers"
    question.scroll_into_view_if_needed()

    question.get_by_label(re.compile(r"\[0\.67, 0\.33, 0\]")).check()
    question.get_by_role("button", name="Check answer").click()
    status.wait_for(state="visible", timeout=5000)
    assert status.inner_text().startswith("✗ Not quite.")
    assert "divides each logit by their sum" in status.inner_text()
    assert status.get_attribute("data-verdict") == "wrong"

    question.get_by_label(re.compile(r"\[0\.67, 0\.24, 0\.09\]")).check()
    question.get_by_role("button", name="Check answer").click()
    page.wait_for_function("el => el.dataset.verdict === 'correct'", arg=status.element_handle(), timeout=5000)
    assert status.inner_text().startswith("✓ Correct.")
    assert "(Chapter 3.)" in status.inner_text()
    # The other questions are untouched.
    assert questions.nth(0).locator("[role=status]").inner_text() == ""
    assert page.errors == [] and page.console_errors == []


def test_quiz_works_from_the_keyboard_and_asks_for_an_answer_first(page, site_url):
    open_page(page, site_url, VOCABULARY)
    question = page.locator(".mlcourse-quiz form.mlcourse-question").nth(10)  # hyperparameter
    status = question.locator("[role=status]")
    button = question.get_by_role("button", name="Check answer")
    button.focus()
    page.keyboard.press("Enter")
    status.wait_for(state="visible", timeout=5000)
    assert status.inner_text() == "Choose an answer first."

    first = question.locator("input[type=radio]").first
    first.focus()
    page.keyboard.press("Space")  # selects choice a
    page.keyboard.press("ArrowDown")  # moves the selection to choice b, the learning rate
    assert question.locator("input[type=radio]:checked").get_attribute("value") == "b"
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("el => el.dataset.verdict === 'correct'", arg=status.element_handle(), timeout=5000)
    assert "chosen before training" in status.inner_text()


def test_core_terms_table_links_land_on_glossary_entries(page, site_url):
    open_page(page, site_url, VOCABULARY)
    table = page.locator("main table").first
    links = table.locator("a.reference.internal")
    assert links.count() == 12
    for i in range(links.count()):
        anchor = links.nth(i).get_attribute("href").split("#", 1)[1]
        target = page.locator(f"[id='{anchor}']")
        assert target.count() == 1 and target.evaluate("el => el.tagName") == "DT", anchor
    terms = page.locator("main dl.glossary > dt")
    assert terms.count() >= 60
    texts = [t.strip().lower() for t in terms.all_inner_texts()]
    assert texts.index("accuracy") < texts.index("epoch") < texts.index("weights"), "the glossary is sorted"


def test_when_this_matters_rows_link_to_their_chapters(page, site_url):
    open_page(page, site_url, VOCABULARY)
    table = page.locator("main section#when-this-matters table")
    rows = table.locator("tbody tr")
    assert rows.count() == 5
    for i in range(rows.count()):
        chapter_link = rows.nth(i).locator("td").nth(2).locator("a").first
        href = chapter_link.get_attribute("href")
        assert re.match(r"0[1-6]_\w+\.html$", href), href
        assert page.request.get(f"{site_url}/chapters/{href}").ok


def test_landing_page_shows_the_chapter_map_and_links_every_chapter(page, site_url):
    open_page(page, site_url, "intro.html")
    figure = page.locator("main img[alt^='Chapter map']")
    assert figure.count() == 1 and figure.is_visible()
    alt = figure.get_attribute("alt")
    assert all(f"{n}. " in alt for n in range(1, 8))
    assert figure.evaluate("img => img.naturalWidth") > 300, "the map did not render"
    hrefs = page.eval_on_selector_all("main a.reference.internal", "links => links.map(a => a.getAttribute('href'))")
    for chapter in CHAPTERS:
        assert any(h.split("#")[0] == f"{chapter}.html" for h in hrefs), f"the landing page does not link {chapter}"
    code = page.locator("main").inner_text()
    assert "make lab" in code and "make book" in code and "make test" in code
    assert "from mlcourse import" not in code, "the landing page shows the map, not the code that draws it"
