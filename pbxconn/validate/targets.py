"""Turn the paths given on the command line into the packages to validate.

A folder is a package when it holds apiDefinition.swagger.json or apiProperties.json, else
every package below it is. A file is recognised by its name (any file of a package: the
swagger, apiProperties.json, script.csx, settings.json, readme, icon) or, for a swagger
with another name, by its content; it is validated as part of its folder's package when the
folder is one, alone otherwise. So a pre-commit hook may pass any changed files: each package
is validated once, in the order first named.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

from pbxconn.core.errors import InputError
from pbxconn.core.swagger import PROPERTIES_NAME, SWAGGER_NAME
from pbxconn.validate.package import role_of


def is_package_folder(folder: Path) -> bool:
    """True when the folder holds a connector's swagger or apiProperties.json."""
    return (folder / SWAGGER_NAME).is_file() or (folder / PROPERTIES_NAME).is_file()


def _looks_like_swagger(path: Path) -> bool:
    """A JSON file whose top-level object has a `swagger` or `openapi` key."""
    if path.suffix.lower() != ".json":
        return False
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and ("swagger" in data or "openapi" in data)


def target_of_file(path: Path) -> Path:
    """The package a single file belongs to (its folder), or the file itself for a lone swagger."""
    role = role_of(path.name)
    if role is not None and is_package_folder(path.parent):
        return path.parent
    if role in ("swagger", None) and _looks_like_swagger(path):
        return path.parent if is_package_folder(path.parent) and role == "swagger" else path
    if role is not None:
        raise InputError(f"{path.name} is a connector file, but {path.parent} holds no {SWAGGER_NAME} or "
                         f"{PROPERTIES_NAME}", location=str(path),
                         hint="validate the connector's folder, or the swagger file itself")
    raise InputError("not a file of a connector package (apiDefinition.swagger.json, apiProperties.json, "
                     "script.csx, settings.json, readme.md, icon.png, or a Swagger 2.0 JSON file)",
                     location=str(path), hint="in a pre-commit hook, limit `files:` to connector files")


def discover(paths: Iterable[Path | str]) -> list[Path]:
    """Connector folders (or single swagger files) named by the given paths, each once, in order."""
    out: dict[Path, None] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_file():
            out.setdefault(target_of_file(path))
        elif path.is_dir():
            if is_package_folder(path):
                out.setdefault(path)
                continue
            found = sorted({p.parent for p in path.rglob(SWAGGER_NAME) if p.is_file()})
            if not found:
                raise InputError(f"no {SWAGGER_NAME} in this folder or below", location=str(path))
            for folder in found:
                out.setdefault(folder)
        else:
            raise InputError("no such file or directory", location=str(path))
    return list(out)
