"""Which rules run and how severe they are: `[tool.pbxconn.validate]` plus command-line options.

The table is looked up like ruff looks up its settings: from the validated path upwards, the
nearest pyproject.toml with a `[tool.pbxconn...]` table wins. Every code it names is checked;
a mistake is a usage error at the file, line and key, with a did-you-mean.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Mapping

from pbxconn.core.errors import InputError
from pbxconn.core.findings import Finding, Severity
from pbxconn.core.paths import relative_posix
from pbxconn.core.suggest import closest

CONFIG_KEYS = ("select", "ignore", "severity", "certification", "per-file-ignores")
TABLE = "[tool.pbxconn.validate]"


@dataclass(frozen=True)
class Config:
    """Selection and severity settings for one validator run."""

    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    severity_overrides: Mapping[str, Severity] = field(default_factory=dict)
    certification: bool = True
    # (glob relative to `base`, codes/categories/origins ignored in the files it matches)
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    base: Path | None = None  # the folder of the pyproject.toml the settings came from

    def enabled(self, code: str, category: str, origin: str = "", certification: bool = False) -> bool:
        """Whether a code runs: the most specific matching selector wins (ALL < origin <
        category < code); at equal specificity ignore beats select."""
        if certification and not self.certification:
            return False
        rank = {"ALL": 0, origin: 1, category: 2, code: 3}
        best_select = max((rank[s] for s in self.select if s in rank), default=-1)
        best_ignore = max((rank[s] for s in self.ignore if s in rank), default=-1)
        return best_select > best_ignore

    def merged(self, *, select: Iterable[str] = (), ignore: Iterable[str] = (),
               certification: bool | None = None) -> "Config":
        """This config with command-line options applied on top (options win)."""
        select, ignore = tuple(select), tuple(ignore)
        return replace(
            self,
            select=select or self.select,
            ignore=tuple(i for i in self.ignore if i not in select) + ignore,
            certification=self.certification if certification is None else certification,
        )

    def ignored_in_file(self, finding: Finding, origin: str = "") -> bool:
        """True when a per-file-ignores pattern matching the finding's file names its code,
        category or origin (patterns are relative to the pyproject.toml's folder)."""
        if not self.per_file_ignores or not finding.file:
            return False
        path = Path(finding.file)
        relative = relative_posix(path, self.base or Path.cwd())
        words = {finding.code, finding.category, origin, "ALL"}
        for pattern, codes in self.per_file_ignores:
            target = relative if "/" in pattern else path.name
            if fnmatch.fnmatchcase(target, pattern) and words.intersection(codes):
                return True
        return False


def split_codes(values: Iterable[str]) -> tuple[str, ...]:
    """['A,B', 'C'] -> ('A', 'B', 'C'); empty items dropped."""
    return tuple(part.strip() for value in values for part in str(value).split(",") if part.strip())


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above `start` that has a [tool.pbxconn] table."""
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                text = candidate.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if "tool.pbxconn" in text or "[tool]" in text:
                return candidate
    return None


class _Where:
    """Locates keys and values of the table in the file's text, for messages."""

    def __init__(self, path: Path | None, text: str = "") -> None:
        self.path, self.text = path, text

    def __call__(self, key: str, value: str | None = None) -> str:
        """`pyproject.toml:LINE [tool.pbxconn.validate] key` (the line of `value` when given)."""
        name = str(self.path) if self.path else "config"
        line = self._line(value if value is not None else key)
        return f"{name}:{line}: {TABLE} {key}" if line else f"{name}: {TABLE} {key}"

    def _line(self, needle: str) -> int:
        start = self.text.find("tool.pbxconn")
        if start < 0:
            return 0
        found = re.search(r"(?<![\w.-])" + re.escape(needle) + r"(?![\w.-])", self.text[start:])
        return self.text.count("\n", 0, start + found.start()) + 1 if found else 0


def _unknown_setting(key: str) -> str:
    close = closest(key, CONFIG_KEYS)
    tail = f"; did you mean {close!r}?" if close else f"; expected one of {', '.join(CONFIG_KEYS)}"
    return f"unknown setting {key!r}{tail}"


def from_table(table: Mapping[str, Any], location: str, *, path: Path | None = None, text: str = "") -> Config:
    """Build a Config from a `[tool.pbxconn.validate]` table, checking every key and code."""
    from pbxconn.validate.registry import check_selectors

    where = _Where(path, text) if path else (lambda key, value=None: f"{location} {key}")
    for key in table:
        if key not in CONFIG_KEYS:
            raise InputError(_unknown_setting(key), location=where(key))

    def codes(key: str, value: Any) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InputError(f"{key} must be a list of rule codes or categories", location=where(key))
        found = split_codes(value)
        for code in found:
            check_selectors([code], where(key, code))
        return found

    overrides: dict[str, Severity] = {}
    raw = table.get("severity", {})
    if not isinstance(raw, dict):
        raise InputError("severity must be a table of CODE = \"error\"|\"warning\"|\"info\"", location=where("severity"))
    for code, text_value in raw.items():
        check_selectors([code], where(f"severity.{code}", code))
        try:
            overrides[code] = Severity.parse(str(text_value))
        except ValueError as exc:
            raise InputError(f"severity.{code}: {exc}", location=where(f"severity.{code}", code)) from None
    certification = table.get("certification", True)
    if not isinstance(certification, bool):
        raise InputError("certification must be true or false", location=where("certification"))
    per_file = table.get("per-file-ignores", {})
    if not isinstance(per_file, dict):
        raise InputError('per-file-ignores must be a table of "GLOB" = ["CODE", ...]', location=where("per-file-ignores"))
    ignores = tuple((pattern, codes(f"per-file-ignores.{pattern!r}", value)) for pattern, value in per_file.items())
    return Config(codes("select", table.get("select", [])) or ("ALL",), codes("ignore", table.get("ignore", [])),
                  overrides, certification, ignores, path.parent if path else None)


def load_config(start: Path | None = None) -> Config:
    """Read `[tool.pbxconn.validate]` from the nearest pyproject.toml (`start`, default the
    current folder, upwards), or defaults."""
    begin = (start or Path.cwd()).resolve()
    path = find_pyproject(begin if begin.is_dir() else begin.parent)
    if path is None:
        return Config()
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"invalid TOML: {exc}", location=str(path)) from None
    table = data.get("tool", {}).get("pbxconn", {}).get("validate")
    if table is None:
        return Config(base=path.parent)
    if not isinstance(table, dict):
        raise InputError(f"{TABLE} must be a table", location=str(path))
    return from_table(table, f"{path} {TABLE}", path=path, text=text)
