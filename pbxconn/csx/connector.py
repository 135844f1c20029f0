"""The parts of a connector folder that running its script needs: operations, routing, backend.

Kept independent of the validator's package loader so that `pbxconn csx` works on a bare
script.csx too (then there are no operations and only compilation is checked).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from pbxconn.core.errors import InputError
from pbxconn.core.swagger import HTTP_METHODS

SCRIPT_FILES = ("script.csx", "connector-script.csx", "script.cs")
TEMPLATE_VAR = re.compile(r"\{([^{}]+)\}")


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation of the OpenAPI definition."""

    operation_id: str
    method: str  # upper case
    path: str    # path template relative to basePath, e.g. /webhooks/{webhook_id}
    op: Mapping[str, Any]

    @property
    def trigger(self) -> str:
        """The x-ms-trigger value ('single', 'batch') or ''."""
        value = self.op.get("x-ms-trigger", "")
        return value if isinstance(value, str) else ""

    def fill(self, values: Mapping[str, str] | None = None, default: str = "1") -> str:
        """The path with every template variable replaced (by `values` or `default`)."""
        values = values or {}
        return TEMPLATE_VAR.sub(lambda m: values.get(m.group(1), default), self.path)

    def regex(self) -> str:
        """An anchored regular expression (valid in Python and .NET) matching this path."""
        parts, last = [], 0
        for match in TEMPLATE_VAR.finditer(self.path):
            parts.append(re.escape(self.path[last:match.start()]))
            parts.append("([^/]+)")
            last = match.end()
        parts.append(re.escape(self.path[last:]))
        return "^" + "".join(parts) + "$"


@dataclass(frozen=True, slots=True)
class Connector:
    """A connector folder (or a lone script): script text, definition, properties."""

    directory: Path
    script_path: Path
    script_text: str
    swagger: Mapping[str, Any] | None
    properties: Mapping[str, Any] | None
    problems: tuple[str, ...] = ()  # "file:line:column: what", one per package file that did not load

    @property
    def operations(self) -> list[Operation]:
        """Every operation with an operationId, in document order."""
        out: list[Operation] = []
        paths = (self.swagger or {}).get("paths") or {}
        for path, item in paths.items() if isinstance(paths, dict) else ():
            if not isinstance(item, dict):
                continue
            for method in HTTP_METHODS:
                op = item.get(method)
                if isinstance(op, dict) and isinstance(op.get("operationId"), str):
                    out.append(Operation(op["operationId"], method.upper(), path, op))
        return out

    @property
    def script_operations(self) -> list[str] | None:
        """apiProperties `scriptOperations`, or None when it is absent."""
        props = (self.properties or {}).get("properties") or {}
        value = props.get("scriptOperations") if isinstance(props, dict) else None
        return [v for v in value if isinstance(v, str)] if isinstance(value, list) else None

    def routed_to_script(self, operation_id: str) -> bool:
        """Whether the platform hands this operation to the script (empty or absent list = all)."""
        listed = self.script_operations
        return not listed or operation_id in listed

    @property
    def backend_base(self) -> str:
        """scheme://host/basePath of the service, without a trailing slash."""
        swagger = self.swagger or {}
        schemes = swagger.get("schemes") or ["https"]
        host = swagger.get("host") or "service.invalid"
        base = (swagger.get("basePath") or "/").rstrip("/")
        return f"{schemes[0]}://{host}{base}"

    @property
    def base_path(self) -> str:
        """The definition's basePath without a trailing slash ('' for '/')."""
        return ((self.swagger or {}).get("basePath") or "/").rstrip("/")

    def route_table(self) -> list[dict[str, Any]]:
        """Routes for the loopback proxy: literal paths before templated ones."""
        ops = sorted(self.operations, key=lambda o: (len(TEMPLATE_VAR.findall(o.path)), o.path, o.method))
        return [{"method": o.method, "pattern": o.regex(), "operationId": o.operation_id,
                 "script": self.routed_to_script(o.operation_id)} for o in ops]


def load_connector(path: Path) -> Connector:
    """Load a connector folder or a script file; raise InputError when there is no script.

    A definition or properties file that is not valid JSON does not stop the script from being
    loaded: it is left out (None) and named in `problems`."""
    path = Path(path)
    if path.is_dir():
        script = next((path / n for n in SCRIPT_FILES if (path / n).is_file()), None)
        if script is None:
            raise InputError("no script.csx in this folder", location=str(path))
        directory = path
    elif path.is_file():
        script, directory = path, path.parent
    else:
        raise InputError("no such file or folder", location=str(path))
    try:
        text = script.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text: {exc}", location=str(script)) from None
    swagger, swagger_problem = read_json(directory / "apiDefinition.swagger.json")
    properties, properties_problem = read_json(directory / "apiProperties.json")
    problems = tuple(p for p in (swagger_problem, properties_problem) if p)
    return Connector(directory, script, text, swagger, properties, problems)


def read_json(path: Path) -> tuple[Mapping[str, Any] | None, str]:
    """(the JSON object in `path` or None, '' or 'path:line:column: what is wrong')."""
    if not path.is_file():
        return None, ""
    raw = path.read_bytes()
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, f"{path}:{line}:{column}: not UTF-8 text ({exc.reason})"
    except json.JSONDecodeError as exc:
        return None, f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}"
    if not isinstance(data, dict):
        return None, f"{path}:1:1: not a JSON object (a {type(data).__name__})"
    return data, ""
