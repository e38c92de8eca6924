"""Hygiene of the chapters: clean, runnable anywhere, all in the table of contents, claims checked.

nbval executes the notebooks (see the Makefile); these tests check how they are stored.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))


def toc_files() -> list[str]:
    """The `file:` entries of _toc.yml (root included), without extension."""
    text = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    root = re.search(r"^root:\s*(\S+)", text, re.MULTILINE).group(1)
    return [root, *re.findall(r"-\s*file:\s*(\S+)", text)]


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def source(cell: dict) -> str:
    src = cell["source"]
    return src if isinstance(src, str) else "".join(src)


def test_there_are_chapters():
    assert len(CHAPTERS) >= 2


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_notebook_is_committed_clean(path):
    nb = load(path)
    for i, cell in enumerate(code_cells(nb)):
        assert cell.get("outputs") == [], f"{path.name} cell {i} has stored outputs: clear them"
        assert cell.get("execution_count") is None, f"{path.name} cell {i} has an execution count"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_notebook_uses_the_python3_kernel(path):
    assert load(path)["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_notebook_is_in_the_table_of_contents(path):
    assert f"chapters/{path.stem}" in toc_files(), f"add chapters/{path.stem} to _toc.yml"


def test_every_toc_entry_exists():
    for entry in toc_files():
        matches = [p for p in ROOT.glob(f"{entry}.*") if p.suffix in {".md", ".ipynb"}]
        assert matches, f"_toc.yml lists {entry}, which does not exist"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_notebook_checks_its_claims_in_hidden_cells(path):
    hidden = [c for c in code_cells(load(path)) if "remove-cell" in c["metadata"].get("tags", [])]
    assert any("assert" in source(c) for c in hidden), f"{path.name} has no hidden assertion cell"
    for cell in hidden:
        assert cell["metadata"].get("jupyter", {}).get("source_hidden"), (
            f"{path.name}: hidden cells should also be folded in JupyterLab (jupyter.source_hidden)"
        )


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_live_widgets_never_reach_the_site_as_dead_sliders(path):
    for cell in code_cells(load(path)):
        if re.search(r"\binteract(ive)?\(", source(cell)):
            tags = cell["metadata"].get("tags", [])
            assert {"remove-output", "remove-cell"} & set(tags), (
                f"{path.name}: a live widget cell must be tagged remove-output (the site shows a scrubber instead)"
            )


def test_no_global_random_state_anywhere():
    offenders = []
    for path in [*ROOT.glob("mlcourse/**/*.py"), *CHAPTERS]:
        if path.suffix == ".ipynb":
            text = "\n".join(source(c) for c in code_cells(load(path)))
        else:
            text = path.read_text(encoding="utf-8")
        text = re.sub(r"#.*", "", text)  # comments may name the trap
        if re.search(r"np\.random\.seed\(|numpy\.random\.seed\(", text):
            offenders.append(path.name)
    assert offenders == [], f"use numpy.random.default_rng(seed), not the global seed: {offenders}"


CONCEPT_CHAPTERS = [p for p in CHAPTERS if p.stem[:2] in {"01", "02", "03", "04", "05", "06"}]


@pytest.mark.parametrize("path", CONCEPT_CHAPTERS, ids=lambda p: p.name)
def test_concept_chapter_follows_the_rhythm(path):
    """What you will learn, a picture, try it (live + scrubber), check yourself, key takeaways."""
    text = "\n".join(source(c) for c in load(path)["cells"])
    for needle in ["What you will learn", "scrubber(", "{exercise}", "{solution}", "{term}", "Key takeaways"]:
        assert needle in text, f"{path.name} is missing {needle!r} (see CONTRIBUTING.md)"
    assert re.search(r"\binteract(ive)?\(", text), f"{path.name} has no live widget"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_a_reader_is_told_how_to_get_mlcourse_before_the_first_import(path):
    cells = load(path)["cells"]
    first_code = next(i for i, c in enumerate(cells) if c["cell_type"] == "code")
    notes = [source(c) for c in cells[:first_code] if c["cell_type"] == "markdown"]
    assert any("course-bundle.zip" in n and "pip install -r requirements.txt" in n for n in notes), (
        f"{path.name}: say above the first code cell how to get mlcourse (the course bundle) if the import fails"
    )
