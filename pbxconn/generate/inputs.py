"""Load and check the generator's inputs: carriers/*.yaml and one catalog family."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pbxconn.core.errors import InputError
from pbxconn.generate.schemacheck import check
from pbxconn.generate.yamlsource import YamlSource

CATALOG_FILES = ("api", "entities", "parameters", "actions", "triggers")


@dataclass(frozen=True)
class Carrier:
    """One carrier's checked YAML."""

    source: YamlSource

    @property
    def data(self) -> dict[str, Any]:
        """The parsed mapping."""
        return self.source.data

    @property
    def id(self) -> str:
        """The carrier id (= file stem = output folder name)."""
        return self.data["id"]


@dataclass(frozen=True)
class Catalog:
    """One catalog family's five checked files."""

    family: str
    sources: dict[str, YamlSource]

    def __getitem__(self, name: str) -> Any:
        return self.sources[name].data


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def load_carrier(path: Path, root: Path) -> Carrier:
    """Parse and schema-check one carrier file; its `id` must equal the file name."""
    source = YamlSource.load(path, _display(path, root))
    check(source, "carrier")
    if source.data["id"] != path.stem:
        raise source.error(["id"], f"id {source.data['id']!r} must equal the file name {path.stem!r}")
    icon = path.parent / source.data["icon"]["file"]
    if not icon.is_file():
        raise source.error(["icon", "file"], f"icon file {_display(icon, root)} does not exist")
    return Carrier(source)


def carrier_paths(root: Path) -> list[Path]:
    """Every carriers/*.yaml under the project root, sorted by id."""
    folder = root / "carriers"
    if not folder.is_dir():
        raise InputError("no carriers/ folder here; run pbxconn from the project root or pass --root",
                         location=str(root))
    return sorted(folder.glob("*.yaml"))


def load_carriers(root: Path, ids: list[str] | None = None) -> list[Carrier]:
    """Load the named carriers (default: all), failing on unknown ids."""
    paths = {p.stem: p for p in carrier_paths(root)}
    if ids:
        unknown = [i for i in ids if i not in paths]
        if unknown:
            known = ", ".join(sorted(paths)) or "none"
            raise InputError(f"unknown carrier {', '.join(unknown)} (known: {known})")
        paths = {i: paths[i] for i in ids}
    if not paths:
        raise InputError("no carrier files in carriers/", location=str(root / "carriers"))
    return [load_carrier(p, root) for p in paths.values()]


def load_catalog(root: Path, family: str) -> Catalog:
    """Parse and schema-check the five files of catalog/<family>/."""
    folder = root / "catalog" / family
    if not folder.is_dir():
        raise InputError(f"catalog family {family!r} does not exist", location=_display(folder, root))
    sources = {}
    for name in CATALOG_FILES:
        path = folder / f"{name}.yaml"
        source = YamlSource.load(path, _display(path, root))
        check(source, "catalog", name)
        sources[name] = source
    return Catalog(family, sources)
