"""Shared test settings: a non-interactive matplotlib backend and the repository root."""

import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
# Hypothesis writes a cache into ./.hypothesis even with its database off; keep it out of the repo.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", os.path.join(tempfile.gettempdir(), "mlcourse-hypothesis"))

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def root() -> Path:
    return ROOT
