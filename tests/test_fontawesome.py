"""The site drops the theme's 1.5 MB fontawesome.js, and fails loudly when it no longer can.

The sample pages use the script tag exactly as the installed theme's template writes it, so a
theme release that changes the tag fails here (fast, without a build), and the build itself
stops with an ExtensionError. tests/site/test_built_pages.py checks the built site.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))

from course_site import without_fontawesome_js  # noqa: E402


def theme_script_tags() -> list[str]:
    """The fontawesome.js tag from the installed theme's template, as written for a top and a nested page."""
    import pydata_sphinx_theme

    templates = Path(pydata_sphinx_theme.__file__).parent / "theme"
    lines = [
        line.strip()
        for template in templates.rglob("*.html")
        for line in template.read_text(encoding="utf-8").splitlines()
        if "fontawesome.js" in line
    ]
    assert lines, "the theme's templates no longer load fontawesome.js: drop the rewrite in _ext/course_site.py"
    pathto = re.compile(r"\{\{\s*pathto\('([^']+)',\s*1\)\s*\}\}")
    return [pathto.sub(prefix + r"\1", line) for line in lines for prefix in ("", "../")]


def page(tag: str) -> str:
    head = '<link rel="stylesheet" href="_static/styles/theme.css" />'
    return f"<html><head>\n  {head}\n  {tag}\n</head><body>x</body></html>"


@pytest.mark.parametrize("tag", theme_script_tags())
def test_the_theme_tag_is_removed_and_nothing_else(tag):
    assert "{{" not in tag, f"unrendered template expression in {tag!r}"
    lighter = without_fontawesome_js(page(tag))
    assert "fontawesome" not in lighter
    assert lighter == page("").replace("\n  \n", "\n", 1)


def test_a_page_without_the_script_is_unchanged():
    text = page('<script src="_static/scripts/bootstrap.js"></script>')
    assert without_fontawesome_js(text) == text


@pytest.mark.parametrize(
    "tag",
    [
        '<script src="_static/scripts/fontawesome.js" defer></script>',
        '<script defer="defer" src="_static/scripts/fontawesome.js?digest=1"></script>',
        "<script defer src='../_static/scripts/fontawesome.js'></script>",
        '<script type="module" src="_static/vendor/fontawesome.js"></script>',
    ],
)
def test_a_tag_the_pattern_misses_fails_loudly(tag):
    with pytest.raises(ValueError, match=r"fontawesome\.js script not removed"):
        without_fontawesome_js(page(tag))
