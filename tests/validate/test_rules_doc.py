"""docs/rules.md is generated from the rules' own metadata and must match a fresh render."""

from __future__ import annotations

from pathlib import Path

from pbxconn.validate.registry import rule_infos
from pbxconn.validate.ruledoc import as_markdown

REGENERATE = "python -m pbxconn rules --format markdown > docs/rules.md"


def test_rules_doc_is_up_to_date(repo: Path) -> None:
    path = repo / "docs" / "rules.md"
    assert path.is_file(), f"docs/rules.md is missing; generate it with: {REGENERATE}"
    fresh = as_markdown(rule_infos())
    committed = path.read_text(encoding="utf-8")
    if committed != fresh:
        old, new = committed.splitlines(), fresh.splitlines()
        first = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
        raise AssertionError(
            f"docs/rules.md is out of date (first difference at line {first + 1}); "
            f"regenerate it with: {REGENERATE}")

