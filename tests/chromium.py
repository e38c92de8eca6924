"""Debian's Chromium for the browser tests (tests/site and tests/lab), driven by Playwright.

Playwright is pointed at the system browser with ``executable_path``; it never downloads one
(no browser download is possible on the course's machines). Set ``CHROMIUM`` to use another
binary.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
#: Headless as root, and no background traffic: this machine's network is closed.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def chromium(home: Path) -> Iterator:
    """Launch Chromium with ``home`` as its home directory (crash reports, dconf); yield the browser."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}. Install Debian's package: "
            "`sudo apt-get update && sudo apt-get install -y chromium` (or set CHROMIUM=/path/to/chromium). "
            "Do not run `playwright install`."
        )
    from playwright.sync_api import sync_playwright

    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home), "XDG_CACHE_HOME": str(home)}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, env=env)
        try:
            yield browser
        finally:
            browser.close()
