"""User-facing failures: one message with a location, mapped to an exit code by the CLI."""

from __future__ import annotations

from pbxconn.core.exitcodes import ExitCode


class PbxconnError(Exception):
    """A failure the user can fix; printed as `location: message` without a traceback."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str, *, location: str = "", hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class InputError(PbxconnError):
    """Bad input files (carrier YAML, catalog, templates); exit code 2."""


class ToolMissingError(PbxconnError):
    """An external tool (mono, paconn) is not installed; exit code 2."""


class InputErrors(InputError):
    """Several input mistakes found in one run, reported together in file order."""

    def __init__(self, errors: list[InputError]) -> None:
        super().__init__(errors[0].message, location=errors[0].location, hint=errors[0].hint)
        self.errors = errors

    def __str__(self) -> str:
        # The CLI prefixes the first line; the others get the same prefix here.
        return "\npbxconn: error: ".join(str(e) for e in self.errors)


def raise_all(errors: list[InputError]) -> None:
    """Raise the one error, or all of them together; nothing when the list is empty."""
    flat = [e for error in errors for e in (error.errors if isinstance(error, InputErrors) else [error])]
    if len(flat) == 1:
        raise flat[0]
    if flat:
        raise InputErrors(flat)
