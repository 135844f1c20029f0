"""docs/rules.md is generated from the rules' own metadata and must match a fresh render;
every rule's docstring has the layout that metadata is read from."""

from __future__ import annotations

import inspect
from pathlib import Path

from pbxconn.validate.registry import load_rules, rule_infos
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


SECTIONS = ("What it does:", "Why it matters:", "Fix:")


def docstring_problem(doc: str) -> str:
    """What is wrong with a rule docstring's layout ('' when nothing): a one-line summary paragraph
    (at most 120 characters, not a section), then paragraphs "What it does:", "Why it matters:",
    "Fix:" in that order; further paragraphs (notes) may follow."""
    paragraphs = [p.strip() for p in inspect.cleandoc(doc).split("\n\n") if p.strip()]
    if not paragraphs:
        return "no docstring"
    summary = paragraphs[0]
    if summary.startswith(SECTIONS):
        return f"no summary line: it starts with {summary.split(':', 1)[0] + ':'!r}"
    if "\n" in summary:
        return "the summary is more than one line (blank line missing after it?)"
    if len(summary) > 120:
        return f"the summary is {len(summary)} characters long (at most 120)"
    starts = [p.split(":", 1)[0] + ":" for p in paragraphs[1:4]]
    if tuple(starts) != SECTIONS:
        return f"the paragraphs after the summary start {starts}, not {list(SECTIONS)}"
    return ""


def test_rule_docstrings_have_summary_and_sections() -> None:
    bad = {code: problem for code, cls in sorted(load_rules().items())
           if (problem := docstring_problem(cls.__doc__ or ""))}
    assert not bad, f"{len(bad)} rule docstring(s) out of format:\n" + "\n".join(
        f"  {code}: {problem}" for code, problem in bad.items())


def test_docstring_layout_check() -> None:
    good = "A thing is wrong.\n\nWhat it does: a.\n\nWhy it matters: b.\n\nFix: c.\n\nNote: d."
    assert docstring_problem(good) == ""
    assert docstring_problem("What it does: a.\nWhy it matters: b.\nFix: c.")
    assert docstring_problem("A thing.\n\nWhat it does: a.\nWhy it matters: b.\nFix: c.")
    assert docstring_problem("A thing\nover two lines.\n\nWhat it does: a.\n\nWhy it matters: b.\n\nFix: c.")
    assert docstring_problem("A thing.\n\nWhy it matters: b.\n\nWhat it does: a.\n\nFix: c.")
    assert docstring_problem("x" * 121 + "\n\nWhat it does: a.\n\nWhy it matters: b.\n\nFix: c.")
