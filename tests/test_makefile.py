"""The Makefile's own behaviour: `make help`, and what `make test` does when Chromium is missing.

`make chromium` (the first step of `make test`) runs tools/ensure_chromium.sh. These tests run the
real Makefile target with ``CHROMIUM`` pointing at a missing path, and fake ``id``, ``sudo`` and
``apt-get`` on ``PATH`` to play a normal user or root, so nothing is really installed.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIX = "sudo apt-get update && sudo apt-get install -y chromium chromium-driver"

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def make(*args: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        # Not the jobserver of a make that runs this test: each call is its own top-level make.
        env={k: v for k, v in {**os.environ, **(env or {})}.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}},
    )


def fake_system(where: Path, uid: int, sudo_works: bool) -> dict:
    """Fake ``id``, ``sudo`` and ``apt-get`` in a bin folder; apt-get logs its calls and "installs" a binary."""
    bin_dir = where / "bin"
    bin_dir.mkdir()
    browser = where / "usr-bin" / "chromium"
    log = where / "apt.log"
    scripts = {
        "id": f'#!/bin/sh\n[ "$1" = -u ] && echo {uid} || /usr/bin/id "$@"\n',
        "sudo": '#!/bin/sh\n[ "$1" = -n ] && shift\n' + ('exec "$@"\n' if sudo_works else "exit 1\n"),
        "apt-get": (
            f'#!/bin/sh\necho "apt-get $*" >> {log}\n'
            f'case "$*" in *install*chromium*) mkdir -p {browser.parent}; '
            f'printf "#!/bin/sh\\n" > {browser}; chmod +x {browser};; esac\n'
        ),
    }
    for name, text in scripts.items():
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(stat.S_IRWXU)
    return {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "CHROMIUM": str(browser),
        "DEBIAN_CHROMIUM": str(browser),
        "log": str(log),
    }


def apt_calls(env: dict) -> list[str]:
    log = Path(env["log"])
    return log.read_text().splitlines() if log.exists() else []


def test_help_lists_the_fast_inner_loops():
    result = make("help")
    assert result.returncode == 0, result.stderr
    for target in ("make book", "make test", "make lint", "make unit", "make lock", "make test-bundle", "make lab"):
        assert target in result.stdout, f"`make help` does not mention {target}"


def test_missing_chromium_as_a_normal_user_stops_with_the_exact_command(tmp_path):
    env = fake_system(tmp_path, uid=1000, sudo_works=False)
    result = make("chromium", env=env)
    assert result.returncode != 0
    assert f"Chromium not found at {env['CHROMIUM']}" in result.stderr
    assert FIX in result.stderr, result.stderr
    assert apt_calls(env) == [], "a normal user without sudo must not reach apt-get"


def test_missing_chromium_with_installing_switched_off_stops_with_the_exact_command(tmp_path):
    env = fake_system(tmp_path, uid=0, sudo_works=True)
    result = make("chromium", "SYSTEM_INSTALL=no", env=env)
    assert result.returncode != 0
    assert FIX in result.stderr, result.stderr
    assert apt_calls(env) == []


@pytest.mark.parametrize("jobs", [[], ["-j4"]], ids=["serial", "make-j4"])
def test_make_test_stops_at_once_before_any_other_step(tmp_path, jobs):
    env = fake_system(tmp_path, uid=1000, sudo_works=False)
    result = make(*jobs, "test", env=env)
    assert result.returncode != 0
    assert FIX in result.stderr
    assert "ruff" not in result.stdout and "pytest" not in result.stdout, "make test went on past the missing browser"


@pytest.mark.parametrize(("uid", "sudo_works"), [(0, False), (1000, True)], ids=["root", "passwordless-sudo"])
def test_missing_chromium_is_installed_with_apt_get_when_allowed(tmp_path, uid, sudo_works):
    env = fake_system(tmp_path, uid=uid, sudo_works=sudo_works)
    result = make("chromium", env=env)
    assert result.returncode == 0, result.stderr
    assert apt_calls(env) == ["apt-get update -qq", "apt-get install -y -qq chromium chromium-driver"]
    assert Path(env["CHROMIUM"]).exists()


def test_a_custom_chromium_path_is_never_installed_over(tmp_path):
    env = fake_system(tmp_path, uid=0, sudo_works=True)
    missing = tmp_path / "elsewhere" / "chromium"
    result = make("chromium", f"CHROMIUM={missing}", env=env)
    assert result.returncode != 0
    assert f"Chromium not found at {missing}" in result.stderr and FIX in result.stderr
    assert apt_calls(env) == []


def test_an_existing_chromium_needs_nothing(tmp_path):
    env = fake_system(tmp_path, uid=1000, sudo_works=False)
    browser = Path(env["CHROMIUM"])
    browser.parent.mkdir(parents=True)
    browser.write_text("#!/bin/sh\n")
    browser.chmod(stat.S_IRWXU)
    result = make("chromium", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == result.stderr == ""
    assert apt_calls(env) == []


def test_make_lab_serves_copies_of_the_chapters():
    recipe = make("-n", "lab").stdout
    assert "tools/lab_copies.py chapters _build/lab/chapters" in recipe
    assert "cd _build/lab &&" in recipe and "jupyter lab" in recipe
    for target in ("clean", "build-clean"):  # neither deletes the reader's copies
        recipe = make("-n", target).stdout
        assert "rm -rf _build\n" not in recipe and "! -name lab" in recipe, recipe


def test_lab_copies_keep_a_copy_edited_after_the_chapter(tmp_path):
    from importlib.util import module_from_spec, spec_from_file_location

    spec = spec_from_file_location("lab_copies", ROOT / "tools" / "lab_copies.py")
    lab_copies = module_from_spec(spec)
    spec.loader.exec_module(lab_copies)
    source, target = tmp_path / "chapters", tmp_path / "lab"
    source.mkdir()
    (source / "a.ipynb").write_text("v1")
    assert [p.name for p in lab_copies.refresh(source, target)] == ["a.ipynb"]
    (target / "a.ipynb").write_text("my edits")
    os.utime(target / "a.ipynb", (2e9, 2e9))  # the reader's edit is the newest
    assert lab_copies.refresh(source, target) == []
    assert (target / "a.ipynb").read_text() == "my edits"
    (source / "a.ipynb").write_text("v2")
    os.utime(source / "a.ipynb", (3e9, 3e9))  # then the chapter changes upstream
    assert [p.name for p in lab_copies.refresh(source, target)] == ["a.ipynb"]
    assert (target / "a.ipynb").read_text() == "v2"
