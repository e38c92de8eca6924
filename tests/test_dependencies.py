"""Dependencies: every import of mlcourse is declared, and the locks match pyproject.toml.

`make lock` compiles requirements.txt (every extra, for .venv) and requirements-run.txt (what
the chapters need to run: the course bundle's) from pyproject.toml. These tests catch an import
nobody declared, a declared package missing from a lock, and book or test tooling in the bundle.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def declared(group: str | None = None) -> set[str]:
    specs = PYPROJECT["dependencies"] if group is None else PYPROJECT["optional-dependencies"][group]
    return {canonicalize_name(Requirement(spec).name) for spec in specs}


def pins(lock: str) -> dict[str, str]:
    """``name: version`` of every ``name==version`` line in a lock file."""
    text = (ROOT / lock).read_text(encoding="utf-8")
    return {canonicalize_name(m[0]): m[1] for m in re.findall(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", text, re.M)}


def imported_top_level(package: Path) -> set[str]:
    names = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"mlcourse", "__future__"}


def test_every_third_party_import_of_mlcourse_is_a_declared_dependency():
    distributions = packages_distributions()
    runtime = declared()
    for name in sorted(imported_top_level(ROOT / "mlcourse")):
        assert name in distributions, f"mlcourse imports {name}, which no installed distribution provides"
        provided_by = {canonicalize_name(d) for d in distributions[name]}
        assert provided_by & runtime, f"mlcourse imports {name} ({provided_by}): add it to [project] dependencies"


@pytest.mark.parametrize("group", [None, "lab", "book", "test"])
def test_the_full_lock_pins_every_declared_package_with_hashes(group):
    locked = pins("requirements.txt")
    missing = declared(group) - set(locked)
    assert not missing, f"run `make lock`: requirements.txt lacks {sorted(missing)}"
    text = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    assert len(locked) <= text.count("--hash=sha256:")
    assert "-e ." not in text.split(), "pip refuses -e . in hash-checking mode: the Makefile installs it after"


def test_the_run_lock_holds_the_runtime_and_lab_at_the_same_versions_and_no_tooling():
    run, full = pins("requirements-run.txt"), pins("requirements.txt")
    missing = (declared() | declared("lab")) - set(run)
    assert not missing, f"run `make lock`: requirements-run.txt lacks {sorted(missing)}"
    differ = {name: (version, full[name]) for name, version in run.items() if name in full and full[name] != version}
    assert not differ, f"the two locks disagree (run `make lock`): {differ}"
    # nbformat and nbclient are test tools that JupyterLab needs too; these are only tooling:
    tooling = {"jupyter-book", "sphinx", "pytest", "nbval", "hypothesis", "scipy", "playwright", "ruff"}
    tooling |= {"django-static-mathjax", "sphinx-exercise", "axe-playwright-python", "pytest-xdist"}
    assert tooling - {"sphinx"} <= declared("book") | declared("test")
    assert not tooling & set(run), f"book/test tooling in the bundle's lock: {sorted(tooling & set(run))}"
