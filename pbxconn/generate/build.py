"""Render, validate and write every carrier's package; nothing is written unless all succeed."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from pbxconn.core.atomic import write_tree
from pbxconn.core.errors import InputError, raise_all
from pbxconn.core.findings import Finding, Severity
from pbxconn.core.swagger import SWAGGER_NAME
from pbxconn.generate.assemble import build_model
from pbxconn.generate.icon import check_icon
from pbxconn.generate.inputs import Carrier, Catalog, check_carrier_for_family, load_carriers, load_catalog
from pbxconn.generate.origins import catalog_where
from pbxconn.generate.render import Renderer, canonical_json, template_context

# Output file -> (template, kind). "data" templates are parsed back and written as JSON.
# A family's family.yaml `files` picks which of these its packages have.
PACKAGE_FILES: dict[str, tuple[str, str]] = {
    "apiDefinition.swagger.json": ("apiDefinition.swagger.json.j2", "data"),
    "apiProperties.json": ("apiProperties.json.j2", "data"),
    "settings.json": ("settings.json.j2", "data"),
    "script.csx": ("script.csx.j2", "text"),
    "Readme.md": ("Readme.md.j2", "text"),
    "docs/reference.md": ("reference.md.j2", "text"),
}


@dataclass
class RenderedPackage:
    """One carrier's files in memory, and what the validator said about them."""

    carrier: str
    files: dict[str, bytes]
    findings: list[Finding] = field(default_factory=list)
    model: Any = None
    catalog: Catalog | None = None

    @property
    def errors(self) -> list[Finding]:
        """Findings of severity error."""
        return [f for f in self.findings if f.severity >= Severity.ERROR]

    def catalog_where(self, finding: Finding) -> str | None:
        """The catalog place a finding in the rendered swagger comes from (None when it has none)."""
        if self.catalog is None or not finding.file.endswith(SWAGGER_NAME) or not finding.pointer:
            return None
        return catalog_where(self.model, self.catalog, finding.pointer)


def render_package(carrier: Carrier, catalog: Catalog, renderer: Renderer, root: Path) -> RenderedPackage:
    """All files of one carrier's package, rendered in memory."""
    model = build_model(catalog, carrier)
    context = template_context(model)
    files: dict[str, bytes] = {}
    for name, (template, kind) in PACKAGE_FILES.items():
        if name not in model.files:
            continue
        if kind == "data":
            files[name] = canonical_json(renderer.data(template, context))
        else:
            files[name] = renderer.text(template, context).encode("utf-8")
    icon_path = root / "carriers" / carrier.data["icon"]["file"]
    icon = icon_path.read_bytes()
    check_icon(icon, carrier.data["icon"]["brand_color"], carrier.source.where(["icon", "file"]) + f" ({icon_path.relative_to(root)})")
    files["icon.png"] = icon
    return RenderedPackage(carrier.id, dict(sorted(files.items())), model=model, catalog=catalog)


def validate_rendered(package: RenderedPackage, out_dir: Path) -> list[Finding]:
    """Run the validator (the same engine and [tool.pbxconn.validate] settings `pbxconn validate`
    would use for `out_dir`) on the in-memory package."""
    from pbxconn.validate.engine import validate_with_settings
    from pbxconn.validate.package import Package

    return validate_with_settings(Package.from_files(package.files, out_dir), out_dir)


@dataclass
class BuildResult:
    """What a build did: the rendered packages and, for --check, the files that differ."""

    packages: list[RenderedPackage]
    drift: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        """Every error finding across packages."""
        return [f for p in self.packages for f in p.errors]


def _named_families(root: Path, carrier_ids: list[str] | None) -> set[str]:
    """The `family:` values written in the carrier files, read leniently (the files may be broken)."""
    import yaml

    names = set()
    for path in sorted((root / "carriers").glob("*.yaml")):
        if carrier_ids and path.stem not in carrier_ids:
            continue
        try:
            data = yaml.safe_load(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        if isinstance(data, dict) and isinstance(data.get("family"), str):
            names.add(data["family"])
    return names


def load_inputs(root: Path, carrier_ids: list[str] | None = None) -> tuple[list[Carrier], dict[str, Catalog]]:
    """The carriers and the catalog families they name, checked; every mistake of every input file
    is raised together, in file order (carriers/ before catalog/, each file top to bottom)."""
    errors: list[InputError] = []
    carriers = load_carriers(root, carrier_ids, errors)
    catalogs: dict[str, Catalog] = {}
    failed: set[str] = set()
    if errors:  # the families of carriers that did not load are still checked in this run
        for family in sorted(_named_families(root, carrier_ids) - {c.data["family"] for c in carriers}):
            if (root / "catalog" / family).is_dir():
                try:
                    catalogs[family] = load_catalog(root, family)
                except InputError as exc:
                    errors.append(exc)
                    failed.add(family)
    for carrier in carriers:
        family = carrier.data["family"]
        if family in failed:
            continue
        try:
            if family not in catalogs:
                if not (root / "catalog" / family).is_dir():
                    known = ", ".join(sorted(p.name for p in (root / "catalog").iterdir() if p.is_dir())) \
                        if (root / "catalog").is_dir() else "none"
                    raise carrier.source.error(["family"],
                                               f"no catalog family {family!r} under catalog/ (known: {known})")
                catalogs[family] = load_catalog(root, family)
            check_carrier_for_family(carrier, catalogs[family])
        except InputError as exc:
            errors.append(exc)
            if family not in catalogs:
                failed.add(family)
    raise_all(errors)
    return carriers, catalogs


def render_all(root: Path, carrier_ids: list[str] | None = None,
               progress: Callable[[str], None] | None = None, validate: bool = True) -> list[RenderedPackage]:
    """Load inputs and render (and, unless told not to, validate) every requested carrier's
    package in memory."""
    carriers, catalogs = load_inputs(root, carrier_ids)
    renderers = {family: Renderer(root / "templates", catalog["family"].get("templates"))
                 for family, catalog in catalogs.items()}
    packages = []
    for carrier in carriers:
        family = carrier.data["family"]
        if progress:
            progress(carrier.id)
        package = render_package(carrier, catalogs[family], renderers[family], root)
        if validate:
            package.findings = validate_rendered(package, root / "connectors" / carrier.id)
        packages.append(package)
    return packages


def drift(root: Path, packages: list[RenderedPackage]) -> list[str]:
    """Files under connectors/ that differ from (or are missing in, or extra to) a fresh render."""
    out = []
    for package in packages:
        folder = root / "connectors" / package.carrier
        on_disk = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()} if folder.is_dir() else set()
        for name, data in package.files.items():
            path = folder / name
            if not path.is_file() or path.read_bytes() != data:
                out.append(f"connectors/{package.carrier}/{name}")
        out += [f"connectors/{package.carrier}/{name} (not generated)" for name in sorted(on_disk - set(package.files))]
    return out


def build(root: Path, carrier_ids: list[str] | None = None, check: bool = False,
          progress: Callable[[str], None] | None = None) -> BuildResult:
    """Render and validate all packages; then either compare (check) or write them atomically."""
    packages = render_all(root, carrier_ids, progress)
    result = BuildResult(packages)
    if result.errors:
        return result
    if check:
        result.drift = drift(root, packages)
        return result
    for package in packages:
        target = root / "connectors" / package.carrier
        write_tree(target, package.files)
        result.written.append(target)
    return result
