"""How pbxconn writes file paths for people and for files it keeps (baselines, settings)."""

from __future__ import annotations

import os
from pathlib import Path


def relative_posix(path: str | Path, base: Path) -> str:
    """`path` (relative paths are from the current folder) relative to `base`, with `/`;
    the absolute path when no relative one exists (another drive)."""
    candidate = Path(path)
    absolute = candidate if candidate.is_absolute() else Path.cwd() / candidate
    try:
        return Path(os.path.relpath(absolute, base)).as_posix()
    except ValueError:
        return absolute.as_posix()


def shown_relative(path: str | Path, root: Path) -> str:
    """An absolute `path` inside `root` as a path from `root`; any other path as given."""
    candidate = Path(path)
    if candidate.is_absolute() and candidate.is_relative_to(root):
        return str(candidate.relative_to(root))
    return str(path)
