"""Fixtures for the JupyterLab test: one real JupyterLab server and one headless Chromium.

The server runs the course's JupyterLab (the .venv this test runs in) with the same settings
as `make lab` (`lab/jupyter_lab_config.py`), on 127.0.0.1 with a random free port and a random
token. It serves a temporary copy of chapters/, and its runtime, config, data, settings,
workspace and IPython directories are temporary too: nothing is written to the repository
or the home directory. Playwright drives Debian's Chromium through ``executable_path``; it
never downloads a browser.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from chromium import chromium

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "_build" / "screenshots"
LAB_CONFIG = ROOT / "lab" / "jupyter_lab_config.py"
SERVER_START_TIMEOUT_S = 60


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def api(url: str, token: str, method: str = "GET", timeout: float = 5) -> dict:
    request = urllib.request.Request(url, method=method, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body = response.read()
    return json.loads(body) if body else {}


class LabServer:
    """A running JupyterLab: its base URL, token, served root directory and log."""

    def __init__(self, url: str, token: str, root: Path, log: Path):
        self.url = url
        self.token = token
        self.root = root
        self.log = log

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory):
    base = tmp_path_factory.mktemp("lab")
    root = base / "root"
    shutil.copytree(
        ROOT / "chapters", root / "chapters", ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
    )
    dirs = {name: base / name for name in ("runtime", "config", "data", "settings", "workspaces", "ipython")}
    for path in dirs.values():
        path.mkdir()
    port, token = free_port(), secrets.token_hex(24)
    env = {
        **os.environ,
        "MPLBACKEND": "Agg",
        "JUPYTER_RUNTIME_DIR": str(dirs["runtime"]),
        "JUPYTER_CONFIG_DIR": str(dirs["config"]),
        "JUPYTER_DATA_DIR": str(dirs["data"]),
        "JUPYTER_PREFER_ENV_PATH": "1",
        "IPYTHONDIR": str(dirs["ipython"]),
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--config={LAB_CONFIG}",
        "--no-browser",
        "--ServerApp.open_browser=False",
        "--allow-root",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.user_settings_dir={dirs['settings']}",
        f"--LabApp.workspaces_dir={dirs['workspaces']}",
        # Lets the test reach JupyterLab's own API (open a notebook, run all cells, read outputs).
        "--LabApp.expose_app_in_browser=True",
    ]
    log = base / "server.log"
    url = f"http://127.0.0.1:{port}"
    with log.open("w", encoding="utf-8") as log_file:
        process = subprocess.Popen(
            command, cwd=root, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = LabServer(url, token, root, log)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"JupyterLab exited with code {process.returncode} while starting:\n{server.log_tail()}")
            try:
                api(f"{url}/api/status", token, timeout=2)
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    pytest.fail(
                        f"JupyterLab did not answer on {url} within {SERVER_START_TIMEOUT_S} s:\n{server.log_tail()}"
                    )
                time.sleep(0.25)
        yield server
    finally:
        stop_server(process, server)


def stop_server(process: subprocess.Popen, server: LabServer) -> None:
    """Shut the server down with its kernels: the API first, then SIGTERM, then SIGKILL."""
    if process.poll() is None:
        try:
            api(f"{server.url}/api/shutdown", server.token, method="POST")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        for sig in (None, signal.SIGTERM, signal.SIGKILL):
            if sig is not None:
                try:
                    os.killpg(process.pid, sig)
                except ProcessLookupError:
                    break
            try:
                process.wait(timeout=10)
                break
            except subprocess.TimeoutExpired:
                continue
    # Kernels run in the server's process group: make sure none is left behind.
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    with chromium(tmp_path_factory.mktemp("chromium-home")) as browser:
        yield browser


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for stale in SCREENSHOTS.glob("lab-*.png"):
        stale.unlink()
    return SCREENSHOTS


@pytest.fixture(scope="session")
def lab(browser, lab_server):
    """One JupyterLab page for the whole session; it records errors and every request it makes."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.errors = []  # since the current chapter was opened
    page.all_errors = []  # the whole session
    page.requests = []

    def on_error(exc):
        text = f"{exc.message}\n{exc.stack or ''}".strip()
        page.errors.append(text)
        page.all_errors.append(text)

    page.on("pageerror", on_error)
    page.on("request", lambda req: page.requests.append(req.url))
    page.on("websocket", lambda ws: page.requests.append(ws.url))
    page.goto(f"{lab_server.url}/lab?reset&token={lab_server.token}", wait_until="load")
    page.wait_for_function("() => window.jupyterapp !== undefined", timeout=60_000)
    page.evaluate("async () => { await window.jupyterapp.started; await window.jupyterapp.restored; }")
    # More room for the notebook in the screenshots: fold the file browser away.
    page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
    yield page
    context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can react to a failure."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report
