"""Copy the chapters for `make lab`, so JupyterLab's autosave never writes outputs into chapters/.

Usage: ``python tools/lab_copies.py SOURCE_DIR TARGET_DIR``. A notebook is copied when its copy is
missing or older than the chapter; a copy you edited after the chapter last changed is kept.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def refresh(source: Path, target: Path) -> list[Path]:
    """Copy every ``*.ipynb`` of ``source`` into ``target`` unless the copy is newer; return the copied files."""
    target.mkdir(parents=True, exist_ok=True)
    copied = []
    for chapter in sorted(source.glob("*.ipynb")):
        copy = target / chapter.name
        if not copy.exists() or copy.stat().st_mtime < chapter.stat().st_mtime:
            shutil.copy2(chapter, copy)
            copied.append(copy)
    return copied


if __name__ == "__main__":
    source, target = (Path(arg) for arg in sys.argv[1:3])
    for path in refresh(source, target):
        print(f"copied {path}")
