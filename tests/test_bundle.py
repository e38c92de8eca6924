"""The course bundle's contents (_ext/course_bundle.py), built into a temporary folder.

Installing and running the bundle in a fresh venv is `make test-bundle` (tools/test_bundle.py);
this test checks what goes into the zip, quickly.
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))

import course_bundle  # noqa: E402


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    return course_bundle.write_bundle(ROOT, tmp_path_factory.mktemp("site"))


def tracked(pattern: str) -> list[str]:
    """Files git tracks (or would track) under the package: what the wheel must hold."""
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", pattern],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sorted(line for line in out.splitlines() if (ROOT / line).is_file())


def test_the_bundle_holds_every_chapter_the_wheel_and_its_readme(bundle):
    with zipfile.ZipFile(bundle) as z:
        names = set(z.namelist())
    folder = course_bundle.FOLDER
    chapters = {f"{folder}/{name}" for name in tracked("chapters/*.ipynb")}
    assert chapters and chapters <= names
    assert {f"{folder}/README.md", f"{folder}/requirements.txt", f"{folder}/LICENSE"} <= names
    assert not any("/.venv/" in n or "__pycache__" in n or n.endswith(".pyc") for n in names)


def test_the_wheel_holds_every_module_subpackage_and_data_file(bundle, tmp_path):
    with zipfile.ZipFile(bundle) as z:
        (wheel_name,) = [n for n in z.namelist() if n.endswith(".whl")]
        wheel = tmp_path / Path(wheel_name).name
        wheel.write_bytes(z.read(wheel_name))
    with zipfile.ZipFile(wheel) as whl:
        inside = set(whl.namelist())
    package = tracked("mlcourse")
    assert "mlcourse/data/corpus.txt" in package
    missing = [name for name in package if name not in inside]
    assert missing == [], f"the wheel leaves out {missing}"


def test_requirements_pin_the_wheel_by_hash_and_every_package_by_version(bundle):
    with zipfile.ZipFile(bundle) as z:
        folder = course_bundle.FOLDER
        requirements = z.read(f"{folder}/requirements.txt").decode()
        (wheel_name,) = [n for n in z.namelist() if n.endswith(".whl")]
        digest = hashlib.sha256(z.read(wheel_name)).hexdigest()
    lines = [line for line in requirements.splitlines() if line and not line.startswith((" ", "#"))]
    assert lines[0] == f"./{Path(wheel_name).name} --hash=sha256:{digest}"
    names = {line.split("==")[0].lower() for line in lines[1:]}
    assert all("==" in line for line in lines[1:]), "every package pinned to one version"
    for needed in ("numpy", "matplotlib", "ipython", "ipykernel", "ipywidgets", "pillow", "jupyterlab"):
        assert needed in names, f"{needed} missing from the bundle's requirements"
    for tooling in ("jupyter-book", "sphinx", "pytest", "playwright", "ruff", "nbval"):
        assert tooling not in names, f"{tooling} is book or test tooling: not for the bundle"


def test_the_readme_lists_the_commands_the_bundle_test_runs(bundle):
    with zipfile.ZipFile(bundle) as z:
        readme = z.read(f"{course_bundle.FOLDER}/README.md").decode()
        (wheel_name,) = [n for n in z.namelist() if n.endswith(".whl")]
        with zipfile.ZipFile(io.BytesIO(z.read(wheel_name))) as whl:
            has_model = "mlcourse/smollm2.py" in whl.namelist()
    assert has_model == (ROOT / "mlcourse" / "smollm2.py").exists()
    commands = course_bundle.commands(has_model)
    assert "```bash\n" + "\n".join(commands) + "\n```" in readme
    assert commands[-1] == ".venv/bin/jupyter lab"
    assert any("pip install -r requirements.txt" in c for c in commands)
    assert any("mlcourse.smollm2 fetch" in c for c in commands) == has_model


def test_an_unchanged_bundle_is_not_rebuilt(bundle):
    before = bundle.stat().st_mtime_ns
    assert course_bundle.write_bundle(ROOT, bundle.parent) == bundle
    assert bundle.stat().st_mtime_ns == before
