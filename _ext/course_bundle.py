"""The course bundle: ``course-bundle.zip`` at the site's root, so a reader can run the chapters anywhere.

When an HTML build finishes, this extension writes ``<outdir>/course-bundle.zip`` (the landing
page links it). It holds, in one folder ``what-is-a-model/``:

- ``chapters/``: the chapter notebooks as committed (clean, no outputs);
- a wheel of ``mlcourse`` built by the standard backend (``pip wheel``, setuptools), package data
  included;
- ``requirements.txt``: that wheel plus ``requirements-run.txt``, the hashed lock of what the
  chapters need to run (numpy, matplotlib, ipykernel, ipywidgets, JupyterLab, ...; no book or
  test tooling);
- ``README.md``: unzip, create a venv, ``pip install -r requirements.txt``, any set-up command
  (the model weights), ``jupyter lab``; and the licences.

The zip's comment records a hash of everything it is made from; a rebuild with no change to those
inputs keeps the zip as it is (no wheel build). ``tools/test_bundle.py`` (``make test-bundle``)
installs the bundle as a reader would, outside the repository, and runs chapters 1 and 3.

Standalone: ``python _ext/course_bundle.py OUTDIR`` writes ``OUTDIR/course-bundle.zip``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

BUNDLE_NAME = "course-bundle.zip"
FOLDER = "what-is-a-model"
PACKAGE = "mlcourse"
RUN_LOCK = "requirements-run.txt"
LICENCES = ["LICENSE", "LICENSE-CONTENT.md"]
#: What the wheel is built from (copied to a scratch folder, so no build/ or egg-info lands in the repo).
WHEEL_SOURCES = ["pyproject.toml", "README.md", *LICENCES, PACKAGE]
#: The model module, whose ``fetch`` command the README lists once it is part of the package.
MODEL_MODULE = "smollm2"

README = """\
# What Is a Model? Run the chapters yourself

This folder holds the course's chapter notebooks, `mlcourse` (the small Python package they
import, as a wheel), and `requirements.txt`, which pins every package the chapters need.
You need Python 3.11 or newer.

Unzip `course-bundle.zip` (`unzip course-bundle.zip`, or double-click it), then run these
commands in a terminal, in the folder it made, `what-is-a-model/` (on Windows, write
`.venv\\Scripts\\python` for `.venv/bin/python` and `.venv\\Scripts\\jupyter` for `.venv/bin/jupyter`):

```bash
{commands}
```

1. `python3 -m venv .venv` makes a private Python environment in `.venv/`.
2. `pip install -r requirements.txt` installs `mlcourse` and the exact, hash-checked versions of
   numpy, matplotlib, ipywidgets, JupyterLab and the rest (a few hundred MB, from the package index).
{model_step}\
{lab_number}. `jupyter lab` opens JupyterLab in your browser: open `chapters/01_model_as_function.ipynb`
   and run it (Run > Run All Cells). The sliders are live, and the exercise checkers tell you what
   is wrong with an answer.

The website with every chapter already run is where you found this bundle. The code is under the
MIT licence (`LICENSE`); the prose and figures under CC BY 4.0 (`LICENSE-CONTENT.md`).
"""

MODEL_STEP = """\
3. `python -m mlcourse.smollm2 fetch` downloads the SmolLM2 language model's weights (about 95 MB,
   once; they are kept in your user cache folder) for the chapters that generate text.
"""


def commands(has_model: bool) -> list[str]:
    """The README's shell commands, in order (tools/test_bundle.py runs exactly these)."""
    steps = ["python3 -m venv .venv", ".venv/bin/python -m pip install -r requirements.txt"]
    if has_model:
        steps.append(f".venv/bin/python -m {PACKAGE}.{MODEL_MODULE} fetch")
    return [*steps, ".venv/bin/jupyter lab"]


def readme(has_model: bool) -> str:
    return README.format(
        commands="\n".join(commands(has_model)),
        model_step=MODEL_STEP if has_model else "",
        lab_number=4 if has_model else 3,
    )


def chapter_notebooks(srcdir: Path) -> list[Path]:
    return sorted((srcdir / "chapters").glob("*.ipynb"))


def inputs_hash(srcdir: Path) -> str:
    """A hash of every file the bundle is made from, and of this builder."""
    files = [Path(__file__), srcdir / RUN_LOCK, *chapter_notebooks(srcdir)]
    for name in WHEEL_SOURCES:
        path = srcdir / name
        files += sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    digest = hashlib.sha256()
    for path in files:
        if "__pycache__" in path.parts or path.suffix == ".pyc":
            continue
        digest.update((path.relative_to(srcdir).as_posix() if path.is_relative_to(srcdir) else path.name).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def build_wheel(srcdir: Path, scratch: Path) -> Path:
    """``pip wheel --no-deps`` of a clean copy of the package sources; returns the wheel's path."""
    source = scratch / "src"
    source.mkdir()
    for name in WHEEL_SOURCES:
        path = srcdir / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(path, source / name)
    command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(scratch / "dist")]
    if importlib.util.find_spec("setuptools") is not None:
        command.append("--no-build-isolation")  # the lock's setuptools: no trip to the package index
    result = subprocess.run([*command, str(source)], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"building the mlcourse wheel failed:\n{result.stdout}\n{result.stderr}")
    (wheel,) = (scratch / "dist").glob(f"{PACKAGE}-*.whl")
    return wheel


def write_bundle(srcdir: Path, outdir: Path) -> Path:
    """Write ``outdir/course-bundle.zip`` unless the one there was made from the same inputs."""
    srcdir, target = Path(srcdir), Path(outdir) / BUNDLE_NAME
    key = inputs_hash(srcdir).encode()
    if target.exists():
        try:
            with zipfile.ZipFile(target) as old:
                if old.comment == key:
                    return target
        except zipfile.BadZipFile:
            pass
    with tempfile.TemporaryDirectory(prefix="course-bundle-") as tmp:
        wheel = build_wheel(srcdir, Path(tmp))
        with zipfile.ZipFile(wheel) as whl:
            has_model = f"{PACKAGE}/{MODEL_MODULE}.py" in whl.namelist()
        wheel_hash = hashlib.sha256(wheel.read_bytes()).hexdigest()
        requirements = (
            "# Install with: python -m pip install -r requirements.txt (run it in this folder).\n"
            f"./{wheel.name} --hash=sha256:{wheel_hash}\n" + (srcdir / RUN_LOCK).read_text(encoding="utf-8")
        )
        partial = target.with_suffix(".zip.partial")
        target.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            bundle.writestr(f"{FOLDER}/README.md", readme(has_model))
            bundle.writestr(f"{FOLDER}/requirements.txt", requirements)
            bundle.write(wheel, f"{FOLDER}/{wheel.name}")
            for name in LICENCES:
                bundle.write(srcdir / name, f"{FOLDER}/{name}")
            for notebook in chapter_notebooks(srcdir):
                bundle.write(notebook, f"{FOLDER}/chapters/{notebook.name}")
            bundle.comment = key
        partial.replace(target)
    return target


def bundle_after_build(app, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    from sphinx.errors import ExtensionError
    from sphinx.util import logging

    try:
        target = write_bundle(Path(app.srcdir), Path(app.outdir))
    except (RuntimeError, OSError, ValueError) as error:
        raise ExtensionError(f"course bundle: {error}") from error
    logging.getLogger(__name__).info(f"course bundle: {target}")


def setup(app) -> dict:
    app.connect("build-finished", bundle_after_build)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}


if __name__ == "__main__":
    print(write_bundle(Path(__file__).resolve().parent.parent, Path(sys.argv[1])))
