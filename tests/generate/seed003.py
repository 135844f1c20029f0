"""Parser for seed 003: a text export of a Confluence REST reference of an extension-based PBX API.

The export puts every table cell on its own line (blank lines in between):

    METHOD /path            <- endpoint header
    one-line summary
    Path parameters         <- sub-table title, then the column titles Name / Type / Description
    name
    type                    <- string, integer, boolean, object, file or "array [x]"
    description             <- optional; when empty, the next line is directly the next name

A line starts a new row when it is a bare identifier and the line after it is a type token;
that also covers the form field literally named `file` of type `file`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SEED_PATH = Path(__file__).resolve().parents[2].parent / "shared" / "seeds" / "003_6e79b5f92749c7e9.txt"

SECTIONS = {
    "Path parameters": "path",
    "Query parameters": "query",
    "JSON parameters": "json",
    "Form parameters": "form",
    "Resource fields": "resource",
}
COLUMNS = ["Name", "Type", "Description"]
HEADER = re.compile(r"(GET|POST|PUT|DELETE) (/\S*)")
TYPE = re.compile(r"string|integer|boolean|object|file|array \[\w+\]")
NAME = re.compile(r"\w+")
DEFAULT = re.compile(r"\bDefault: (\S+?)\.?(?=\s|$)")  # a sentence-final "." is not part of the token
ONE_OF = re.compile(r"\bOne of ('[^']*'(?:, '[^']*')*)\.")
FOOTER = re.compile(r"\s*•?\s*No labels$")


@dataclass
class SeedRow:
    """One Name / Type / Description row of a sub-table."""

    section: str
    name: str
    type: str
    description: str
    required: bool
    default: str | None
    allowed: list[str] | None


@dataclass
class SeedEndpoint:
    """One METHOD /path block with its summary, header line number (1-based) and rows."""

    method: str
    path: str
    summary: str
    line: int
    rows: list[SeedRow]

    def rows_in(self, section: str) -> list[SeedRow]:
        """The rows of one sub-table ("path", "query", "json", "form" or "resource")."""
        return [row for row in self.rows if row.section == section]


def _row(section: str, name: str, type_: str, description: str) -> SeedRow:
    """A row with the Required / Default / One-of markers read out of its description."""
    default = DEFAULT.search(description)
    one_of = ONE_OF.search(description)
    return SeedRow(
        section=section,
        name=name,
        type=type_,
        description=description,
        required=description.startswith("Required."),
        default=default.group(1) if default else None,
        allowed=re.findall(r"'([^']*)'", one_of.group(1)) if one_of else None,
    )


def parse_seed(text: str) -> list[SeedEndpoint]:
    """Every endpoint block of the seed, in file order."""
    lines = [(no, line.strip()) for no, line in enumerate(text.splitlines(), 1) if line.strip()]
    if lines:  # the page footer "• No labels" follows (or is glued onto) the last description
        no, last = lines[-1]
        last = FOOTER.sub("", last)
        lines[-1:] = [(no, last)] if last else []
    cells = [line for _, line in lines]

    def is_section(i: int) -> bool:
        return cells[i] in SECTIONS and cells[i + 1 : i + 4] == COLUMNS

    def starts_row(i: int) -> bool:
        return i + 1 < len(cells) and NAME.fullmatch(cells[i]) is not None and TYPE.fullmatch(cells[i + 1]) is not None

    endpoints: list[SeedEndpoint] = []
    section: str | None = None
    i = 0
    while i < len(cells):
        no, cell = lines[i]
        if header := HEADER.fullmatch(cell):
            endpoints.append(SeedEndpoint(header[1], header[2], cells[i + 1], no, []))
            section, i = None, i + 2
        elif is_section(i):
            section, i = SECTIONS[cell], i + 4
        elif not endpoints:  # Confluence boilerplate before the first endpoint
            i += 1
        elif section is None or not starts_row(i):
            raise ValueError(f"line {no}: unexpected {cell!r}")
        else:
            name, type_, i = cell, cells[i + 1], i + 2
            description: list[str] = []
            while i < len(cells) and not (HEADER.fullmatch(cells[i]) or is_section(i) or starts_row(i)):
                description.append(cells[i])
                i += 1
            endpoints[-1].rows.append(_row(section, name, type_, " ".join(" ".join(description).split())))
    return endpoints


def load_seed() -> list[SeedEndpoint] | None:
    """The parsed seed, or None when ../shared/seeds is absent."""
    if not SEED_PATH.is_file():
        return None
    return parse_seed(SEED_PATH.read_text(encoding="utf-8"))
