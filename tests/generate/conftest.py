"""A throw-away copy of the project's generator inputs, to mutate in tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture
def project(repo, tmp_path) -> Path:
    """carriers/, catalog/, templates/ and connectors/ copied into a temp project root."""
    for name in ("carriers", "catalog", "templates", "connectors"):
        shutil.copytree(repo / name, tmp_path / name)
    return tmp_path


@pytest.fixture
def edit():
    """Replace exactly one occurrence of `old` in a file."""

    def _edit(path: Path, old: str, new: str) -> None:
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
        path.write_text(text.replace(old, new), encoding="utf-8")

    return _edit
