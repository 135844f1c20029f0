"""Fixtures of the preview tests: corpus connectors, an artefacts folder, one headless Chromium."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from pbxconn.preview import browser as chromium
from preview_support import ARTIFACTS


@pytest.fixture(scope="session")
def corpus(shared: Path):
    """corpus(relative folder) -> its path in ../shared/corpus-sample (skips when absent)."""
    def find(name: str) -> Path:
        folder = shared / "corpus-sample" / name
        if not folder.is_dir():
            pytest.skip(f"corpus connector {name} is not in {shared / 'corpus-sample'}")
        return folder

    return find


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """test-artifacts/preview/ (gitignored): screenshots the browser tests leave behind."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="module")
def chromium_browser() -> Iterator:
    """One headless Chromium (Debian's, driven by Playwright) per test module. Not per session:
    Playwright's sync API keeps an event loop running in the thread while it is started, and
    tests that call asyncio.run() may share the worker after the browser tests."""
    reason = chromium.missing()
    if reason:
        pytest.skip(f"browser tests need Playwright and Debian's chromium: {reason} ({chromium.INSTALL_HINT})")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        started = chromium.launch(playwright)
        yield started
        started.close()
