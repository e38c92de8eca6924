"""The package's shape: ideas <- figures <- chapters, small modules, one name per idea.

- Importing an idea module (any ``mlcourse/*.py``) never loads matplotlib, IPython,
  ``mlcourse.figures`` or ``mlcourse.exercises``: a learner can read and run the mechanics
  with numpy alone.
- Imports flow one way: idea modules never import figures or exercises, and exercise checkers
  never import figures.
- No module is over about 400 lines (420).
- No two public functions or classes in the package share a name, so a name says which idea
  it is (two different ``plot_memory`` once drew different things).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "mlcourse"

#: Modules of slices not refactored yet on this branch (they still mix ideas, figures and checkers).
#: The coordinator empties this set once every slice is merged; keep it EMPTY after that.
PENDING: set[str] = set()
#: Names that may be defined in two modules. Keep it empty: rename one of them instead.
SHARED_NAMES: set[str] = set()
MAX_LINES = 420  # 'about 400': a module that grows past this is split by idea
FORBIDDEN_AT_IMPORT = ("matplotlib", "IPython", "mlcourse.figures", "mlcourse.exercises")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


ALL_MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
IDEA_MODULES = sorted(module_name(p) for p in PACKAGE.glob("*.py") if p.name != "__init__.py")


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports (absolute names; ``from a import b`` counts as a and a.b)."""
    found: set[str] = set()
    package = module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else module_name(path)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def reaches(imported: set[str], target: str) -> bool:
    return any(name == target or name.startswith(target + ".") for name in imported)


def test_the_package_has_idea_modules_and_pending_names_exist():
    assert "mlcourse.model" in IDEA_MODULES and "mlcourse.course_map" in IDEA_MODULES
    assert {"mlcourse.figures", "mlcourse.exercises"} <= set(ALL_MODULES)
    assert set(ALL_MODULES) >= PENDING, f"PENDING names modules that no longer exist: {PENDING - set(ALL_MODULES)}"


@pytest.mark.parametrize("name", [m for m in IDEA_MODULES if m not in PENDING])
def test_importing_an_idea_module_loads_neither_plotting_nor_figures_nor_checkers(name):
    code = f"import json, sys; import {name}; print(json.dumps(sorted(sys.modules)))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False)
    assert run.returncode == 0, run.stderr
    loaded = json.loads(run.stdout.strip().splitlines()[-1])
    leaks = sorted(m for m in loaded if any(m == f or m.startswith(f + ".") for f in FORBIDDEN_AT_IMPORT))
    assert leaks == [], f"importing {name} loads {leaks}"


@pytest.mark.parametrize("name", sorted(ALL_MODULES))
def test_imports_flow_one_way(name):
    if name in PENDING:
        pytest.skip("pending: another slice refactors this module")
    imported = imported_modules(ALL_MODULES[name])
    if name in IDEA_MODULES:
        for target in ("mlcourse.figures", "mlcourse.exercises"):
            assert not reaches(imported, target), f"idea module {name} imports {target}"
        assert not reaches(imported, "matplotlib") and not reaches(imported, "IPython"), f"{name} imports plotting"
    if name.startswith("mlcourse.exercises"):
        assert not reaches(imported, "mlcourse.figures"), f"checker module {name} imports mlcourse.figures"


@pytest.mark.parametrize("name", sorted(ALL_MODULES))
def test_no_module_is_over_400_lines(name):
    if name in PENDING:
        pytest.skip("pending: another slice splits this module")
    lines = len(ALL_MODULES[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{name} has {lines} lines (at most {MAX_LINES}): split it by idea"


def public_definitions() -> dict[str, list[str]]:
    """Public top-level function and class names -> the modules that define them."""
    where: dict[str, list[str]] = defaultdict(list)
    for name, path in ALL_MODULES.items():
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            is_definition = isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            if is_definition and not node.name.startswith("_"):
                where[node.name].append(name)
    return where


def test_no_two_public_functions_share_a_name():
    assert SHARED_NAMES == set(), "keep the allow-list empty: give each idea its own name"
    clashes = {
        name: modules
        for name, modules in public_definitions().items()
        if len(modules) > 1 and name not in SHARED_NAMES and not all(m in PENDING for m in modules)
    }
    assert clashes == {}, f"public names defined in more than one module: {clashes}"
