"""Load and check the generator's inputs: carriers/*.yaml and one catalog family."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pbxconn.core.errors import InputError, raise_all
from pbxconn.generate.schemacheck import check
from pbxconn.generate.yamlsource import YamlSource

CATALOG_FILES = ("family", "entities", "parameters", "actions", "triggers")


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
    """One catalog family's five checked files (family.yaml, entities, parameters, actions, triggers)."""

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
    if not source.data["title"].isascii():
        raise source.error(["title"], f"{source.data['title']!r} is not plain English text; Microsoft certifies "
                                      "connectors whose titles are in English (ASCII letters)")
    icon = path.parent / source.data["icon"]["file"]
    if not icon.is_file():
        raise source.error(["icon", "file"], f"icon file {_display(icon, root)} does not exist")
    return Carrier(source)


def carrier_paths(root: Path) -> list[Path]:
    """Every carriers/*.yaml under the project root, sorted by id."""
    folder = root / "carriers"
    if not folder.is_dir():
        raise InputError("no carriers/ folder here or in any folder above; run pbxconn inside a project "
                         "or pass --root", location=str(root))
    return sorted(folder.glob("*.yaml"))


def load_carriers(root: Path, ids: list[str] | None = None, errors: list[InputError] | None = None) -> list[Carrier]:
    """Load the named carriers (default: all), failing on unknown ids. With `errors`, the mistakes of
    each file are added to it and the carriers that loaded are returned; without, they are raised."""
    paths = {p.stem: p for p in carrier_paths(root)}
    if ids:
        unknown = [i for i in ids if i not in paths]
        if unknown:
            known = ", ".join(sorted(paths)) or "none"
            raise InputError(f"unknown carrier {', '.join(unknown)} (known: {known})")
        paths = {i: paths[i] for i in ids}
    if not paths:
        raise InputError("no carrier files in carriers/", location=str(root / "carriers"))
    carriers, found = [], []
    for path in paths.values():
        try:
            carriers.append(load_carrier(path, root))
        except InputError as exc:  # keep going: every file's mistakes in one run
            found.append(exc)
    try:
        check_distinct(carriers)
    except InputError as exc:
        found.append(exc)
    if errors is None:
        raise_all(found)
    else:
        errors.extend(found)
    return carriers


def check_distinct(carriers: list[Carrier]) -> None:
    """No two carriers share a title, a host or an icon: each publishes its own connector."""
    for keypath in (["title"], ["host"], ["icon", "file"]):
        seen: dict[str, Carrier] = {}
        for carrier in carriers:
            value = carrier.data
            for key in keypath:
                value = value[key]
            first = seen.setdefault(str(value).lower(), carrier)
            if first is not carrier:
                raise carrier.source.error(keypath, f"{value!r} is already the {'.'.join(keypath)} of "
                                                    f"{first.source.where(keypath)}; each carrier needs its own")


def load_catalog(root: Path, family: str) -> Catalog:
    """Parse and schema-check the five files of catalog/<family>/ and the family's template overrides."""
    folder = root / "catalog" / family
    if not folder.is_dir():
        raise InputError(f"catalog family {family!r} does not exist", location=_display(folder, root))
    sources, errors = {}, []
    for name in CATALOG_FILES:
        path = folder / f"{name}.yaml"
        try:
            source = YamlSource.load(path, _display(path, root))
            check(source, "catalog", name)
        except InputError as exc:  # keep going: every file's mistakes in one run
            errors.append(exc)
            continue
        sources[name] = source
    raise_all(errors)
    catalog = Catalog(family, sources)
    check_template_overrides(catalog, root / "templates")
    return catalog


def check_template_overrides(catalog: Catalog, templates: Path) -> None:
    """Each override in family.yaml `templates` replaces an existing shared template with an existing file."""
    source = catalog.sources["family"]
    for shared, own in catalog["family"].get("templates", {}).items():
        if not (templates / shared).is_file():
            raise source.error(["templates", shared], f"overrides {shared!r}, but templates/ has no such shared template")
        if not (templates / own).is_file():
            raise source.error(["templates", shared], f"override file templates/{own} does not exist")


def check_carrier_for_family(carrier: Carrier, catalog: Catalog) -> None:
    """The carrier gives the wording keys its family's templates use, and OAuth settings when it signs in so."""
    family = catalog["family"]
    wording = carrier.data.get("wording", {})
    wanted = family.get("wording", {})
    for key in wording:
        if key not in wanted:
            allowed = ", ".join(wanted) or "none"
            raise carrier.source.error(["wording", key], f"unknown wording key {key!r} for family "
                                       f"{catalog.family!r} (allowed: {allowed})", hint="remove the key or fix its spelling")
    for key, kind in wanted.items():
        value = wording.get(key)
        if value is None:
            raise carrier.source.error(["wording"], f"{key!r} is missing (required by family {catalog.family!r})")
        if kind == "https_url" and not re.match(r"^https://[^\s/$.?#][^\s]*$", str(value)):
            raise carrier.source.error(["wording", key], f"{value!r} is not valid; expected an https:// URL")
        if kind == "text" and not (isinstance(value, str) and value.strip()):
            raise carrier.source.error(["wording", key], f"expected text, got {value!r}")
    oauth = family["security"]["type"] == "oauth2"
    if oauth and "oauth" not in carrier.data:
        raise carrier.source.error([], f"'oauth' is missing (required: family {catalog.family!r} signs in with OAuth2; "
                                       "give oauth.client_id, never the secret)")
    if not oauth and "oauth" in carrier.data:
        raise carrier.source.error(["oauth"], f"family {catalog.family!r} uses an API key, not OAuth2; remove `oauth`")
