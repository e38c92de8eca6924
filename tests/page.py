"""Run the code a chapter shows on the page, so tests can compare it with the package's copy.

Each chapter defines its core mechanism in short visible cells (``def softmax(z): ...``), and
the package keeps the tested copy that later chapters import ("Defined in chapter N"). The
agreement tests call :func:`page_functions` to execute just the defining cells of a notebook
and then run both versions on the same random inputs.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def _cells(notebook: str) -> list[str]:
    path = ROOT / "chapters" / notebook
    nb = json.loads(path.read_text(encoding="utf-8"))
    sources = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code" or "remove-cell" in cell["metadata"].get("tags", []):
            continue
        src = cell["source"]
        sources.append(src if isinstance(src, str) else "".join(src))
    return sources


def page_functions(notebook: str, *names: str, namespace: dict[str, Any] | None = None) -> dict[str, Any]:
    """Execute the visible cells of ``chapters/<notebook>`` that define ``names``, in page order.

    Parameters
    ----------
    notebook : str
        File name in ``chapters/``, e.g. ``"03_logits.ipynb"``.
    *names : str
        Functions (or classes) the page defines with ``def name(`` / ``class name``.
    namespace : dict, optional
        Extra globals the cells need besides ``np`` and ``math`` (e.g. a helper from mlcourse).

    Returns
    -------
    dict
        The namespace after execution; ``result["softmax"]`` is the page's function.
    """
    env: dict[str, Any] = {"np": np, "math": math, **(namespace or {})}
    sources = _cells(notebook)
    wanted = set(names)
    for src in sources:
        defined = set(re.findall(r"^(?:def|class)\s+(\w+)", src, re.MULTILINE))
        if defined & wanted:
            exec(compile(src, f"<{notebook}>", "exec"), env)  # the page's own code, as the reader runs it
    missing = [n for n in names if n not in env]
    if missing:
        raise LookupError(f"{notebook} defines no visible {', '.join(missing)}")
    return env
