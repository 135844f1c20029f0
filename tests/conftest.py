"""Shared fixtures: where the repository and the read-only ../shared inputs are."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def repo() -> Path:
    """The repository root."""
    return REPO


@pytest.fixture(scope="session")
def shared() -> Path:
    """../shared beside the clone; tests that need it skip with a reason when it is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"needs the read-only reference inputs in {SHARED} (absent)")
    return SHARED
