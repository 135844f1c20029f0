"""Where a command's report goes: stdout (coloured only on a terminal) or a file."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from pbxconn.core.errors import InputError


def use_color(fmt: str, output: Path | None) -> bool:
    """Colour only text written to a terminal, and never when NO_COLOR is set."""
    return fmt == "text" and output is None and "NO_COLOR" not in os.environ and sys.stdout.isatty()


def emit(report: str, output: Path | None) -> None:
    """Print the report, or write it to `output` (one clear error if that fails)."""
    if output is None:
        click.echo(report, nl=False)
        return
    try:
        output.write_text(report, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write report: {exc.strerror}", location=str(output)) from None
