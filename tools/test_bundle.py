"""The course bundle as a reader gets it: `make test-bundle` (part of `make test`).

Usage: ``python tools/test_bundle.py _build/html/course-bundle.zip [--keep]``

1. Unzips the bundle into a fresh temporary folder, outside the repository.
2. Runs the shell commands of the bundle's README, in order and nothing else: create a venv,
   ``pip install -r requirements.txt`` (hash-checked; the pip cache makes repeats fast), and the
   model-weights ``fetch`` when the README lists it (a no-op when the user cache is valid).
   The README's last command, ``jupyter lab``, is interactive; in its place the test runs
   ``jupyter execute`` on chapters 1 and 3 with the venv's ``jupyter``.
3. Checks that the chapters imported the bundle's ``mlcourse`` (from the venv, not the repository).

It runs with a clean environment for Python and Jupyter (no ``PYTHONPATH``, no active venv, Jupyter's
folders inside the temporary folder), so nothing from the repository's ``.venv`` can leak in.
Exit status 0 when every step passes; the last line reads "bundle: N passed, N failed".
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

CHAPTERS = ("01_", "03_")  # the chapters executed: the first, and the one with the language model
INTERACTIVE = ".venv/bin/jupyter lab"
STEP_TIMEOUT_S = 900


def readme_commands(readme: str) -> list[str]:
    """The lines of the README's first ```bash block."""
    match = re.search(r"```bash\n(.*?)```", readme, flags=re.DOTALL)
    if match is None:
        raise SystemExit("bundle README has no ```bash block of commands")
    return [line.strip() for line in match.group(1).splitlines() if line.strip()]


def clean_env(home: Path) -> dict[str, str]:
    """The user's environment without anything that points Python or Jupyter at the repository."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "MPLBACKEND"} and not k.startswith("JUPYTER")
    }
    venv_bin = os.environ.get("VIRTUAL_ENV")
    if venv_bin:
        env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if not p.startswith(venv_bin))
    for name in ("config", "data", "runtime", "tmp"):
        (home / name).mkdir(parents=True, exist_ok=True)
    env.update(
        TMPDIR=str(home / "tmp"),  # pip unpacks wheels here: on the same fast disk
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_DATA_DIR=str(home / "data"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        JUPYTER_PLATFORM_DIRS="1",
        IPYTHONDIR=str(home / "ipython"),
        PYDEVD_DISABLE_FILE_VALIDATION="1",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        # Same packages, no up-front byte-compiling of all of JupyterLab: Python compiles what it imports.
        PIP_NO_COMPILE="1",
    )
    return env


def scratch_root() -> str | None:
    """A RAM disk when there is room (a venv is ~30,000 small files: writing and deleting them on
    this machine's disk took over a minute each); otherwise the usual temporary folder."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK) and shutil.disk_usage(shm).free > 2e9:
        return str(shm)
    return None


def run(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    print(f"$ {shlex.join(command)}", flush=True)
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=STEP_TIMEOUT_S)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        print(result.stdout[-5000:], result.stderr[-5000:], sep="\n", file=sys.stderr)
        raise SystemExit(f"bundle test: step failed (exit {result.returncode}): {shlex.join(command)}")
    print(f"  ok in {seconds:.1f} s", flush=True)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", type=Path, help="the course-bundle.zip to test")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    if not args.bundle.is_file():
        raise SystemExit(f"No bundle at {args.bundle}: run `make book` first.")

    tmp = Path(tempfile.mkdtemp(prefix="mlcourse-bundle-", dir=scratch_root()))
    start = time.perf_counter()
    passed = failed = 0
    try:
        with zipfile.ZipFile(args.bundle) as bundle:
            bundle.extractall(tmp)
        (folder,) = (p for p in tmp.iterdir() if p.is_dir())
        env = clean_env(tmp / "home")
        steps = readme_commands((folder / "README.md").read_text(encoding="utf-8"))
        if steps[-1] != INTERACTIVE:
            raise SystemExit(f"bundle README should end with `{INTERACTIVE}`, not `{steps[-1]}`")
        for step in steps[:-1]:
            words = shlex.split(step)
            if words[0] == "python3":  # the interpreter running this test stands for the reader's python3
                words[0] = sys.executable
            run(words, folder, env)

        python = folder / ".venv" / "bin" / "python"
        where = subprocess.run(
            [str(python), "-c", "import mlcourse; print(mlcourse.__file__)"],
            cwd=tmp,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if not Path(where).resolve().is_relative_to((folder / ".venv").resolve()):
            raise SystemExit(f"bundle test: mlcourse was imported from {where}, not from the bundle's venv")
        print(f"mlcourse comes from the bundle's wheel: {where} ({time.perf_counter() - start:.0f} s so far)")

        chapters = folder / "chapters"
        for prefix in CHAPTERS:
            (notebook,) = chapters.glob(f"{prefix}*.ipynb")
            try:
                run([str(folder / ".venv" / "bin" / "jupyter"), "execute", notebook.name], chapters, env)
                passed += 1
            except SystemExit as error:
                print(error, file=sys.stderr)
                failed += 1
    finally:
        print(f"steps done after {time.perf_counter() - start:.0f} s", flush=True)
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"bundle test took {time.perf_counter() - start:.0f} s")
    print(f"bundle: {passed} passed, {failed} failed")
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
