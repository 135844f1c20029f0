"""Which rules run and how severe they are: `[tool.pbxconn.validate]` plus command-line options."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Mapping

from pbxconn.core.errors import InputError
from pbxconn.core.findings import Severity

CONFIG_KEYS = ("select", "ignore", "severity", "certification")


@dataclass(frozen=True)
class Config:
    """Selection and severity settings for one validator run."""

    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    severity_overrides: Mapping[str, Severity] = field(default_factory=dict)
    certification: bool = True

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


def from_table(table: Mapping[str, Any], location: str) -> Config:
    """Build a Config from a `[tool.pbxconn.validate]` table, checking every key."""
    unknown = sorted(set(table) - set(CONFIG_KEYS))
    if unknown:
        raise InputError(f"unknown setting(s) {', '.join(unknown)}; expected {', '.join(CONFIG_KEYS)}",
                         location=location)

    def codes(key: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InputError(f"{key} must be a list of rule codes or categories", location=location)
        return split_codes(value)

    overrides: dict[str, Severity] = {}
    raw = table.get("severity", {})
    if not isinstance(raw, dict):
        raise InputError("severity must be a table of CODE = \"error\"|\"warning\"|\"info\"", location=location)
    for code, text in raw.items():
        try:
            overrides[code] = Severity.parse(str(text))
        except ValueError as exc:
            raise InputError(f"severity.{code}: {exc}", location=location) from None
    certification = table.get("certification", True)
    if not isinstance(certification, bool):
        raise InputError("certification must be true or false", location=location)
    return Config(codes("select") or ("ALL",), codes("ignore"), overrides, certification)


def load_config(start: Path | None = None) -> Config:
    """Read `[tool.pbxconn.validate]` from the nearest pyproject.toml (cwd upwards), or defaults."""
    path = find_pyproject((start or Path.cwd()).resolve())
    if path is None:
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"invalid TOML: {exc}", location=str(path)) from None
    table = data.get("tool", {}).get("pbxconn", {}).get("validate")
    if table is None:
        return Config()
    if not isinstance(table, dict):
        raise InputError("[tool.pbxconn.validate] must be a table", location=str(path))
    return from_table(table, f"{path} [tool.pbxconn.validate]")
