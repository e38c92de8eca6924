"""Incremental builds are never stale: changing the helper package re-executes the notebooks.

Jupyter Book's execution cache keys on notebook code only. _ext/course_site.py keys it on a
hash of the helper package too. This test builds a tiny book that uses the same extension,
changes only the helper module, rebuilds incrementally and checks that the page shows the new
output; then it checks that a rebuild with no change executes nothing.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
JUPYTER_BOOK = Path(sys.executable).parent / "jupyter-book"


def make_book(where: Path) -> None:
    (where / "helpers").mkdir()
    (where / "helpers" / "__init__.py").write_text('VALUE = "first-version"\n')
    (where / "_config.yml").write_text(
        textwrap.dedent(
            f"""\
            title: cache test
            only_build_toc_files: true
            exclude_patterns: [".*", "**/.*", "_build"]
            execute:
              execute_notebooks: cache
            sphinx:
              local_extensions:
                course_site: {ROOT / "_ext"}
              config:
                course_package_dirs: ["helpers"]
            """
        )
    )
    (where / "_toc.yml").write_text("format: jb-book\nroot: page\n")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell("# Page"), nbformat.v4.new_code_cell("import helpers\nhelpers.VALUE")]
    nbformat.write(nb, where / "page.ipynb")


def build(where: Path) -> str:
    result = subprocess.run(
        [str(JUPYTER_BOOK), "build", ".", "-W", "-n", "--keep-going"],
        cwd=where,
        capture_output=True,
        text=True,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout + result.stderr


def page_html(where: Path) -> str:
    return (where / "_build" / "html" / "page.html").read_text(encoding="utf-8")


def test_changing_the_helper_package_re_executes_and_no_change_executes_nothing(tmp_path):
    make_book(tmp_path)
    first = build(tmp_path)
    assert "Executing notebook" in first
    assert "first-version" in page_html(tmp_path)

    unchanged = build(tmp_path)
    assert "Executing notebook" not in unchanged, "a rebuild with no change must use the cache"

    (tmp_path / "helpers" / "__init__.py").write_text('VALUE = "second-version"\n')
    changed = build(tmp_path)
    assert "Executing notebook" in changed
    html = page_html(tmp_path)
    assert "second-version" in html and "first-version" not in html
    caches = [p.name for p in (tmp_path / "_build" / ".jupyter_cache").glob("mlcourse-*")]
    assert len(caches) == 1, f"old caches should be pruned: {caches}"
