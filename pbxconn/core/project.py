"""Where the project root is: the folder holding carriers/, found from wherever pbxconn runs."""

from __future__ import annotations

from pathlib import Path


def find_root(start: Path) -> Path:
    """`start` or the nearest folder above it that holds carriers/ (`start` itself when none does)."""
    here = Path(start).resolve()
    for folder in (here, *here.parents):
        if (folder / "carriers").is_dir():
            return folder
    return Path(start)
