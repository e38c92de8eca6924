"""The built site in a real browser: every page works for a reader without a kernel.

Per page: no JavaScript or console errors, no failed request, no request that leaves
127.0.0.1, every image has alt text, no live widget left dead, total weight under 2 MB, and
zero serious or critical accessibility violations (axe-core) in light and dark mode, with a
screenshot of each. Per chapter: the kernel-free slider changes the figure, a glossary link
lands on its term, the search page finds the chapter, a solution dropdown opens, and the
download button serves the notebook. Which chapter checks apply follows from the chapter's
source; tests/test_notebooks.py requires every concept chapter to have each feature.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlparse

import axe_playwright_python
import pytest
from conftest import ROOT, SCREENSHOTS

TOC = (ROOT / "_toc.yml").read_text(encoding="utf-8")
CHAPTERS = re.findall(r"-\s*file:\s*(chapters/\S+)", TOC)
PAGES = ["intro", *CHAPTERS, "search", "genindex", "404"]
AXE_JS = Path(axe_playwright_python.__file__).parent / "axe.min.js"
PAGE_BUDGET_BYTES = 2_000_000


def notebook_text(chapter: str) -> str:
    nb = json.loads((ROOT / f"{chapter}.ipynb").read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"])


def open_page(page, site_url: str, path: str):
    response = page.goto(f"{site_url}/{path}", wait_until="load")
    assert response is not None and response.ok, f"{path} did not load: {response and response.status}"
    page.wait_for_load_state("networkidle")
    return response


@pytest.mark.parametrize("name", PAGES)
def test_page_is_healthy_self_contained_and_light(page, site_url, name):
    responses = []
    page.on("response", lambda res: responses.append(res))
    open_page(page, site_url, f"{name}.html")
    assert page.errors == [], f"{name}: JavaScript errors {page.errors}"
    assert page.console_errors == [], f"{name}: console errors {page.console_errors}"
    assert page.failed == [], f"{name}: failed requests {page.failed}"
    web = [urlparse(u) for u in page.requests if urlparse(u).scheme in {"http", "https"}]
    outside = [u.geturl() for u in web if u.hostname != "127.0.0.1"]
    assert outside == [], f"{name}: requests leave the site {outside}"
    alts = page.eval_on_selector_all("main img", "imgs => imgs.map(i => (i.getAttribute('alt') || '').trim())")
    assert all(alts), f"{name}: {alts.count('')} of {len(alts)} images have no alt text"
    if name in CHAPTERS and re.search(r"\bplot_\w+\(|scrubber\(", notebook_text(name)):
        assert alts, f"{name}: its figures are missing from the page"
    dead = page.locator(".jupyter-widgets, .widget-area, script[type^='application/vnd.jupyter.widget']").count()
    assert dead == 0, f"{name}: {dead} live-widget leftovers would show as dead controls"
    # The page's own weight: its HTML (with the slider frames inlined) and its images. Theme
    # scripts, styles and fonts are shared by every page and cached after the first visit;
    # `make bench` reports both numbers for every page.
    own = sum(len(r.body()) for r in responses if r.ok and r.request.resource_type in {"document", "image"})
    assert own < PAGE_BUDGET_BYTES, f"{name} weighs {own / 1e6:.2f} MB (budget 2 MB)"


@pytest.mark.parametrize("color_scheme", ["light", "dark"], indirect=True)
@pytest.mark.parametrize("name", PAGES)
def test_page_is_accessible(page, site_url, color_scheme, name):
    open_page(page, site_url, f"{name}.html")
    theme = page.evaluate("document.documentElement.dataset.theme")
    assert theme == color_scheme, f"the site should follow the reader's {color_scheme} preference, got {theme}"
    page.screenshot(path=str(SCREENSHOTS / f"{name.replace('/', '_')}-{color_scheme}.png"))
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert serious == [], f"{name} in {color_scheme} mode: " + "; ".join(serious)


@pytest.mark.parametrize("chapter", [c for c in CHAPTERS if "scrubber(" in notebook_text(c)])
def test_kernel_free_slider_changes_the_figure(page, site_url, chapter):
    open_page(page, site_url, f"{chapter}.html")
    players = page.locator(".mlcourse-scrubber")
    assert players.count() >= 1
    for i in range(players.count()):
        player = players.nth(i)
        player.scroll_into_view_if_needed()
        image = player.locator("img").first
        slider = player.locator("input[type=range]").first
        assert slider.get_attribute("aria-label"), "the slider needs an accessible label"
        assert image.get_attribute("alt"), "the frames need alt text"
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
    anchor = link.get_attribute("href").split("#", 1)[1]
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
    words = re.findall(r"[A-Za-z]{5,}", title)
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


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_download_button_serves_the_notebook(page, site_url, chapter):
    open_page(page, site_url, f"{chapter}.html")
    link = page.locator(f"a[href$='{chapter.split('/')[-1]}.ipynb']").first
    assert link.count() == 1, f"{chapter}: no download link for the notebook"
    response = page.request.get(f"{site_url}/{chapter}.html".rsplit("/", 1)[0] + "/" + link.get_attribute("href"))
    assert response.ok
    assert json.loads(response.body())["metadata"]["kernelspec"]["name"] == "python3"


def test_missing_pages_get_a_styled_404_page(page, site_url):
    open_page(page, site_url, "404.html")
    assert "not found" in page.locator("main").inner_text().lower()
    assert page.failed == [], f"the 404 page's own resources failed: {page.failed}"
    icon = page.locator("link[rel='icon']").get_attribute("href")
    assert page.request.get(f"{site_url}{icon}" if icon.startswith("/") else f"{site_url}/{icon}").ok
