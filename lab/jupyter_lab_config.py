"""JupyterLab settings for the course: `make lab` and tests/lab both start JupyterLab with
`--config=lab/jupyter_lab_config.py`.

Nothing here reaches beyond 127.0.0.1: no news feed, no update check, no extension
catalogue from PyPI. `overrides.json` (next to this file) sets the matching defaults in the
browser, so JupyterLab never asks the reader about news either, and turns notebook windowing
off: the chapters are short, and every markdown cell is then rendered by jupyterlab-myst up
front (with windowing, cells far down the page stay unrendered until scrolled to).
"""

from pathlib import Path

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)

# Serve on the loopback interface only.
c.ServerApp.ip = "127.0.0.1"

# No requests to jupyterlab.github.io (news feed) or pypi.org (update check, extension manager).
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
c.LabApp.extension_manager = "readonly"

# Setting defaults for the browser side: lab/overrides.json.
c.LabApp.app_settings_dir = str(Path(__file__).resolve().parent)
