"""Fixtures: a sandbox started as a real subprocess on a free loopback port."""

from __future__ import annotations

from typing import Iterator

import pytest

from pbxconn.sandbox.process import Sandbox, start_sandbox


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    """A sandbox with the rate limit off and two API keys (module-scoped: reset it if you change it)."""
    running = start_sandbox("--rate-limit", "0", "--api-key", "key-a", "--api-key", "key-b")
    try:
        yield running
    finally:
        running.stop()
