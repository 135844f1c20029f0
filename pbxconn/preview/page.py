"""From a connector folder to the preview's view model, the validator's findings attached."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from pbxconn.core.errors import InputError
from pbxconn.core.findings import Finding
from pbxconn.core.swagger import SWAGGER_NAME
from pbxconn.preview.attach import Placed, attach, issue_of
from pbxconn.preview.cards import build_connector
from pbxconn.preview.model import Connector
from pbxconn.validate.package import FILENAMES, Package


def load_package(path: Path) -> Package:
    """A connector folder (or its swagger file) ready to preview; InputError when it is not one."""
    path = Path(path)
    if path.is_dir() and not (path / SWAGGER_NAME).is_file():
        raise InputError(f"not a connector folder: no {SWAGGER_NAME} in it", location=str(path))
    if not path.exists():
        raise InputError("no such file or directory", location=str(path))
    if path.is_file() and path.suffix.lower() != ".json":
        raise InputError(f"not a connector folder or a swagger file (expected a folder with {SWAGGER_NAME})",
                         location=str(path))
    package = Package.load(path)
    swagger = package.files.get("swagger")
    if swagger is None or swagger.value is None:
        problem = swagger.problems[0] if swagger is not None and swagger.problems else None
        where = f"{swagger.label}:{problem.line}:{problem.column}" if problem else str(path)
        raise InputError(problem.message if problem else "cannot read the swagger file", location=where)
    if "swagger" not in swagger.value:
        version = swagger.value.get("openapi")
        message = (f"OpenAPI {version} is not supported by Power Platform; convert the definition to Swagger 2.0"
                   if version else "not a Swagger 2.0 definition (no 'swagger' key)")
        raise InputError(message, location=swagger.label)
    return package


def connector_of(package: Package, findings: Iterable[Finding] = ()) -> Connector:
    """The page's view model of a package, with `findings` (the validator's) on their cards."""
    icon = package.files.get("icon")
    swagger, properties = (_document(package, role) for role in ("swagger", "properties"))
    fallback = Path(str(package.root)).name or "Connector"
    connector = build_connector(swagger, properties, icon.data if icon else None, fallback)
    return attach(connector, placed_findings(package, findings))


def _document(package: Package, role: str) -> dict:
    source = package.files.get(role)
    return source.value if source is not None and isinstance(source.value, dict) else {}


def placed_findings(package: Package, findings: Iterable[Finding]) -> list[Placed]:
    """Each finding as an issue of the file it is about (by its file label)."""
    roles = {package.file_label(role): role for role in FILENAMES if package.kind != "file" or role == "swagger"}
    return [Placed(roles.get(f.file, ""), issue_of(f, f.severity.label)) for f in findings]


def validate(package: Package) -> list[Finding]:
    """The validator's findings for a package, with the [tool.pbxconn.validate] settings that
    `pbxconn validate` would use for it."""
    from pathlib import Path

    from pbxconn.validate.engine import validate_with_settings

    return validate_with_settings(package, Path(package.root))
