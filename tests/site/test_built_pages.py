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


def _figure_pngs(page: str) -> list[bytes]:
    """Every course figure on a built page: each <img> and every scrubber frame (in its JSON)."""
    import base64

    return [base64.b64decode(data) for data in re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", page)]


@pytest.mark.parametrize("number", range(1, 8))
def test_no_figure_draws_on_its_outer_edge(number):
    """Nothing reaches a figure's outer border: a label or title pushed past the canvas would show
    there, cut off. Most figures keep fixed margins (no layout pass at render time), so their
    margins must hold whatever text the chapter's data gives them, in every slider frame."""
    import io

    import numpy as np
    from PIL import Image

    page = next((SITE / "chapters").glob(f"{number:02d}_*.html")).read_text(encoding="utf-8")
    pngs = _figure_pngs(page)
    assert pngs or number == 7, f"chapter {number} shows no figure"
    touching = []
    for i, png in enumerate(pngs):
        pixels = np.asarray(Image.open(io.BytesIO(png)).convert("L"))
        edges = (pixels[:2], pixels[-2:], pixels[:, :2], pixels[:, -2:])
        border = np.concatenate([e.ravel() for e in edges])
        if border.min() <= 200:  # the paper is white (255)
            touching.append(f"figure {i + 1} of {len(pngs)} ({pixels.shape[1]} x {pixels.shape[0]} px)")
    assert touching == [], f"chapter {number}: drawn on the outer edge: {touching}"
