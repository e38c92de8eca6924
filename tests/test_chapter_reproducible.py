"""Chapter 4 teaches that a seeded run repeats exactly: this test holds the chapter itself to it.

The notebook is executed twice, each time in a fresh kernel in its own temporary directory
(never inside the repository), and every text output (``text/plain``, ``text/markdown`` and
stream output) and every embedded PNG must be identical between the two runs.
"""

import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

CHAPTER = Path(__file__).resolve().parent.parent / "chapters" / "04_determinism.ipynb"
PNG = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=]+)")


def execute_copy(directory) -> nbformat.NotebookNode:
    """Run a copy of the chapter in ``directory`` and return the executed notebook."""
    directory.mkdir()
    path = directory / CHAPTER.name
    shutil.copyfile(CHAPTER, path)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(directory)}})
    client.execute()
    return nb


def text_outputs(nb: nbformat.NotebookNode) -> list[tuple[int, str, str]]:
    """(cell index, kind, text) for every text output, and each PNG embedded in any output.

    Consecutive stream outputs of one cell are joined: how a kernel chunks the printing of a
    cell depends on timing, not on the chapter.
    """
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                # A kernel may flush one cell's printing in one chunk or several: join them.
                if found and found[-1][:2] == (index, output.name):
                    found[-1] = (index, output.name, found[-1][2] + output.text)
                else:
                    found.append((index, output.name, output.text))
            elif output.output_type == "error":
                found.append((index, "error", f"{output.ename}: {output.evalue}"))
            else:
                data = output.get("data", {})
                for kind in ("text/plain", "text/markdown"):
                    if kind in data:
                        found.append((index, kind, data[kind]))
                if "image/png" in data:
                    found.append((index, "image/png", data["image/png"]))
                for png in PNG.findall(data.get("text/html", "")):
                    found.append((index, "png in html", png))
    return found


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("chapter04")
    return execute_copy(base / "first"), execute_copy(base / "second")


def test_the_chapter_produces_text_output_at_all(two_runs):
    first, _ = two_runs
    kinds = {kind for _, kind, _ in text_outputs(first)}
    assert {"stdout", "text/plain", "png in html"} <= kinds
    assert not any(kind in {"stderr", "error"} for kind in kinds)


def test_running_the_chapter_twice_gives_identical_outputs(two_runs):
    first, second = (text_outputs(nb) for nb in two_runs)
    assert len(first) == len(second)
    for (i, kind, a), (j, kind_b, b) in zip(first, second, strict=True):
        assert (i, kind) == (j, kind_b)
        assert a == b, f"cell {i} {kind} output differs between two runs of the chapter"


def test_the_repository_copy_stays_clean(two_runs):
    nb = nbformat.read(CHAPTER, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
