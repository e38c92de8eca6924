"""Checks of the built site's files (no browser): run after the build, like the browser test."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

SITE = Path(__file__).resolve().parents[2] / "_build" / "html"


def built_pages() -> list:
    if not (SITE / "index.html").exists():
        pytest.fail("No built site in _build/html: run `make book` (or `make test`, which builds first).")
    return [p for p in SITE.rglob("*.html") if "_static" not in p.parts]


def test_no_page_loads_fontawesome_js():
    """_ext/course_site.py removed the theme's 1.5 MB script from every page (its rewrite matched)."""
    pages = built_pages()
    assert len(pages) >= 8
    loading = [str(p.relative_to(SITE)) for p in pages if re.search(r"<script\b[^>]*fontawesome\.js", p.read_text())]
    assert loading == []


def test_the_landing_page_links_the_course_bundle():
    index = (SITE / "intro.html").read_text(encoding="utf-8")  # index.html redirects to it
    assert 'href="course-bundle.zip"' in index
    with zipfile.ZipFile(SITE / "course-bundle.zip") as bundle:
        names = bundle.namelist()
    assert any(n.endswith(".whl") for n in names)
    assert any(n.endswith("/requirements.txt") for n in names) and any(n.endswith("/README.md") for n in names)
    assert sum(n.endswith(".ipynb") for n in names) >= 7


def test_the_bundle_link_serves_the_zip(site_url):
    """The landing page's relative link resolves on the served site (no browser needed)."""
    import io
    import urllib.request

    with urllib.request.urlopen(f"{site_url}/course-bundle.zip", timeout=10) as response:
        assert response.status == 200
        body = response.read()
    assert zipfile.ZipFile(io.BytesIO(body)).testzip() is None


@pytest.mark.parametrize("number", range(1, 7))
def test_exercises_are_numbered_per_chapter(number):
    """Chapter N's exercises read "Exercise N.1", "N.2", ...: numbering restarts in every chapter."""
    page = next((SITE / "chapters").glob(f"{number:02d}_*.html")).read_text(encoding="utf-8")
    labels = re.findall(r"Exercise (\d+)\.(\d+)", page)
    assert labels, f"chapter {number} shows no numbered exercise"
    assert {int(chapter) for chapter, _ in labels} == {number}
    assert min(int(n) for _, n in labels) == 1
