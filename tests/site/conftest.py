"""Fixtures for the browser test: the built site served on 127.0.0.1 and Debian's Chromium.

Run after a build (`make test` builds first). Playwright drives the system Chromium through
``executable_path``; it never downloads a browser.
"""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from chromium import chromium

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="session")
def site_url():
    if not (SITE / "index.html").exists():
        pytest.fail("No built site in _build/html: run `make book` (or `make test`, which builds first).")
    handler = functools.partial(QuietHandler, directory=str(SITE))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    with chromium(tmp_path_factory.mktemp("chromium-home")) as browser:
        yield browser


@pytest.fixture(params=["light"])
def color_scheme(request) -> str:
    return request.param


@pytest.fixture
def page(browser, color_scheme):
    """A fresh page that records JavaScript errors, console errors, requests and failed responses."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=color_scheme)
    page = context.new_page()
    page.errors = []
    page.console_errors = []
    page.requests = []
    page.failed = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("console", lambda msg: page.console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("request", lambda req: page.requests.append(req.url))
    page.on("requestfailed", lambda req: page.failed.append(f"{req.url} ({req.failure})"))
    page.on("response", lambda res: page.failed.append(f"{res.url} (HTTP {res.status})") if res.status >= 400 else None)
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
