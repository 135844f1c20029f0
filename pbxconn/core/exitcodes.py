"""Exit codes shared by every command."""

from enum import IntEnum


class ExitCode(IntEnum):
    """0 ok, 1 findings/drift/breaking changes/failures, 2 usage or input error, 130 interrupted."""

    OK = 0
    FINDINGS = 1
    USAGE = 2
    INTERRUPTED = 130
