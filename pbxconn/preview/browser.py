"""Headless Chromium for screenshots and browser tests: Debian's package driven by Playwright."""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path
from typing import Any

from pbxconn.core.errors import ToolMissingError

CHROMIUM_ENV = "PBXCONN_CHROMIUM"
CHROMIUM_NAMES = ("chromium", "chromium-browser")
INSTALL_HINT = "apt-get install chromium (Debian), and pip install playwright (never `playwright install`)"


def chromium_path() -> str | None:
    """The Chromium executable: $PBXCONN_CHROMIUM, else chromium on PATH; None when there is none."""
    configured = os.environ.get(CHROMIUM_ENV)
    if configured:
        return configured if Path(configured).is_file() else None
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def missing() -> str | None:
    """Why a browser cannot be started here, or None when it can."""
    if importlib.util.find_spec("playwright") is None:
        return "Playwright for Python is not installed"
    if chromium_path() is None:
        return "no Chromium executable (chromium on PATH or $PBXCONN_CHROMIUM)"
    return None


def launch(playwright: Any) -> Any:
    """Start headless Chromium with Playwright (`playwright` is a started sync_playwright())."""
    path = chromium_path()
    if path is None:
        raise ToolMissingError("Chromium is not installed", hint=INSTALL_HINT)
    return playwright.chromium.launch(executable_path=path, headless=True)
