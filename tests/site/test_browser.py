"""The built site in a real browser: every chapter page works for a reader without a kernel.

For each page: no JavaScript errors, every image has alt text, the kernel-free slider changes
the figure, a glossary link lands on its term, the search page finds the chapter, and a
solution dropdown opens. Screenshots go to _build/screenshots/. Which checks apply follows from
the chapter's source (a chapter with a scrubber must have a working one), and
tests/test_notebooks.py requires every concept chapter to have each feature.
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import ROOT

TOC = (ROOT / "_toc.yml").read_text(encoding="utf-8")
CHAPTERS = re.findall(r"-\s*file:\s*(chapters/\S+)", TOC)


def notebook_text(chapter: str) -> str:
    nb = json.loads((ROOT / f"{chapter}.ipynb").read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"])


def open_page(page, site_url: str, path: str):
    response = page.goto(f"{site_url}/{path}", wait_until="load")
    assert response is not None and response.ok, f"{path} did not load: {response and response.status}"
    return response


@pytest.mark.parametrize("chapter", ["intro", *CHAPTERS])
def test_page_loads_without_errors_and_every_image_has_alt_text(page, site_url, screenshots, chapter):
    open_page(page, site_url, f"{chapter}.html")
    page.wait_for_timeout(300)
    alts = page.eval_on_selector_all("main img", "imgs => imgs.map(i => (i.getAttribute('alt') || '').trim())")
    assert all(alts), f"{chapter}: an image has no alt text ({alts.count('')} of {len(alts)})"
    if chapter != "intro" and re.search(r"\bplot_\w+\(|scrubber\(", notebook_text(chapter)):
        assert alts, f"{chapter}: its figures are missing from the page"
    page.screenshot(path=str(screenshots / f"{chapter.replace('/', '_')}.png"), full_page=False)
    assert page.errors == [], f"{chapter}: JavaScript errors {page.errors}"


@pytest.mark.parametrize("chapter", [c for c in CHAPTERS if "scrubber(" in notebook_text(c)])
def test_kernel_free_slider_changes_the_figure(page, site_url, chapter):
    open_page(page, site_url, f"{chapter}.html")
    player = page.locator(".mlcourse-scrubber").first
    player.scroll_into_view_if_needed()
    image = player.locator("img").first
    slider = player.locator("input[type=range]").first
    assert slider.get_attribute("aria-label"), "the slider needs an accessible label"
    before = image.get_attribute("src")
    slider.focus()
    page.keyboard.press("End")
    page.wait_for_function(
        "([img, old]) => img.getAttribute('src') !== old", arg=[image.element_handle(), before], timeout=5000
    )
    assert int(slider.input_value()) > 0


@pytest.mark.parametrize("chapter", [c for c in CHAPTERS if "{term}" in notebook_text(c)])
def test_glossary_link_lands_on_its_term(page, site_url, chapter):
    open_page(page, site_url, f"{chapter}.html")
    link = page.locator("main a.reference.internal:has(span.std-term)").first
    href = link.get_attribute("href")
    anchor = href.split("#", 1)[1]
    link.click()
    page.wait_for_url(re.compile(re.escape(anchor) + "$"))
    term = page.locator(f"[id='{anchor}']")
    assert term.is_visible()
    assert term.evaluate("el => el.tagName") == "DT"
    box = term.bounding_box()
    assert box is not None and 0 <= box["y"] < page.viewport_size["height"], "the term is not scrolled into view"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_search_finds_the_chapter(page, site_url, chapter):
    open_page(page, site_url, f"{chapter}.html")
    title = page.locator("main h1").first.inner_text()
    words = [w for w in re.findall(r"[A-Za-z]{5,}", title)]
    assert words, f"{chapter}: no searchable word in the title {title!r}"
    word = max(words, key=len).lower()
    open_page(page, site_url, f"search.html?q={word}")
    page.wait_for_selector("ul.search li a", timeout=10000)
    hrefs = page.eval_on_selector_all("ul.search li a", "links => links.map(a => a.getAttribute('href'))")
    assert any(chapter.split("/")[-1] in h for h in hrefs), f"searching {word!r} did not find {chapter}: {hrefs}"


@pytest.mark.parametrize("chapter", [c for c in CHAPTERS if "{solution}" in notebook_text(c)])
def test_solution_dropdown_opens(page, site_url, chapter):
    open_page(page, site_url, f"{chapter}.html")
    solution = page.locator(".solution.dropdown").first
    body = solution.locator("section").first
    solution.scroll_into_view_if_needed()
    assert not body.is_visible(), "the solution should be hidden until the reader asks"
    solution.locator(".admonition-title, button.toggle-button").first.click()
    body.wait_for(state="visible", timeout=5000)
