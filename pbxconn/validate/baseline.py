"""A baseline of accepted findings: record today's, then only new ones count.

A finding is identified by its code, its file (relative to the baseline file's folder) and its
JSON pointer, not by line: editing elsewhere in the file moves lines but keeps the identity.
The same identity may occur several times (a script finding has no pointer); the baseline
keeps a count, and only findings beyond that count are new.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from pbxconn.core.atomic import write_file
from pbxconn.core.errors import InputError
from pbxconn.core.findings import Finding
from pbxconn.core.paths import relative_posix

FORMAT_VERSION = 1
Key = tuple[str, str, str]


@dataclass(frozen=True)
class Filtered:
    """What the baseline let through, and how many findings it accepted."""

    new: list[Finding]
    accepted: int


def _key(finding: Finding, base: Path) -> Key:
    return finding.code, relative_posix(finding.file or ".", base), finding.pointer


def _dump(findings: Sequence[Finding], base: Path, version: str) -> bytes:
    counts = Counter(_key(f, base) for f in findings)
    entries = [{"code": code, "file": file, "pointer": pointer, "count": n}
               for (code, file, pointer), n in sorted(counts.items())]
    doc = {"baseline": FORMAT_VERSION, "tool": "pbxconn", "version": version, "findings": entries}
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def record(path: Path, findings: Sequence[Finding], version: str) -> int:
    """Write every finding's identity to the baseline file (atomically); the number recorded."""
    write_file(path, _dump(findings, path.resolve().parent, version))
    return len(findings)


def load(path: Path) -> Counter[Key]:
    """The identities a baseline file accepts, with their counts; InputError when unreadable."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        entries = doc["findings"] if isinstance(doc, dict) and doc.get("baseline") == FORMAT_VERSION else None
        if not isinstance(entries, list):
            raise ValueError(f"not a pbxconn baseline (version {FORMAT_VERSION})")
        return Counter({(e["code"], e["file"], e["pointer"]): int(e.get("count", 1)) for e in entries})
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"cannot read the baseline: {exc}", location=str(path),
                         hint="delete it and run again with --baseline to record a new one") from None


def apply(path: Path, findings: Iterable[Finding]) -> Filtered:
    """The findings the baseline at `path` does not accept (beyond each identity's count)."""
    left = load(path)
    base = path.resolve().parent
    new, accepted = [], 0
    for finding in findings:
        key = _key(finding, base)
        if left[key] > 0:
            left[key] -= 1
            accepted += 1
        else:
            new.append(finding)
    return Filtered(new, accepted)
