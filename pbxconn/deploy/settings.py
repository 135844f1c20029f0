"""paconn's `settings.json`: check the committed one, and write the one paconn actually runs with.

The committed `connectors/<id>/settings.json` names the package files relative to its own folder
and carries no environment (that is the user's). paconn resolves those paths against its
current directory and ignores command-line options when given a settings file, so a deploy
writes a second settings file in a private working directory, with absolute paths, the
environment, the connector id (update) and `powerAppsUrl` merged in.

The checks are those of Microsoft's `paconn-settings.schema.json` (keys, types, GUID pattern,
API version) plus what paconn itself trips on: a UTF-8 BOM (create/update read files with a
plain `open()`), a missing `info.description` (create raises KeyError), files named in the
settings that do not exist (paconn silently skips a missing icon or script).
"""

from __future__ import annotations

import json
import re
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any, Mapping
from urllib.parse import urlsplit

from pbxconn.core.errors import InputError, PbxconnError
from pbxconn.deploy.secret import oauth_problems

SETTINGS_NAME = "settings.json"
DEPLOY_SETTINGS_NAME = "deploy-settings.json"
BOM = b"\xef\xbb\xbf"
GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
API_VERSIONS = ("2016-11-01",)
URL_KEYS = ("powerAppsUrl", "flowUrl")
FILE_KEYS = ("apiDefinition", "apiProperties", "icon", "script")
# Every key paconn-settings.schema.json allows (additionalProperties: false); all are strings.
SCHEMA_KEYS = (
    "$schema", "connectorId", "environment", "apiProperties", "apiDefinition", "icon",
    "powerAppsUrl", "powerAppsApiVersion", "flowUrl", "flowApiVersion",
)
# Keys paconn reads that the schema does not list (authentication settings).
PACONN_ONLY_KEYS = ("script", "clientId", "tenant", "authorityUrl", "resource")
DEFAULT_POWER_APPS_URL = "https://api.powerapps.com"


class PackageNotDeployableError(PbxconnError):
    """The package on disk is not what paconn needs; exit code 2."""


def read_json(path: Path) -> Any:
    """Parse a package JSON file the way paconn's create/update do: UTF-8, no BOM."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("file not found", location=str(path)) from None
    if data.startswith(BOM):
        raise PackageNotDeployableError(
            "starts with a UTF-8 BOM; paconn create/update cannot read it", location=str(path),
            hint="save the file as UTF-8 without BOM (pbxconn build never writes one)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PackageNotDeployableError(f"not UTF-8 ({exc.reason} at byte {exc.start})",
                                        location=str(path)) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise PackageNotDeployableError(f"invalid JSON: {exc.msg}",
                                        location=f"{path}:{exc.lineno}:{exc.colno}") from None


def schema_problems(settings: Any) -> list[str]:
    """What Microsoft's paconn settings schema would reject (empty when it accepts)."""
    if not isinstance(settings, dict):
        return ["must be a JSON object"]
    problems = []
    for key, value in settings.items():
        if key not in SCHEMA_KEYS and key not in PACONN_ONLY_KEYS:
            problems.append(f"unknown key {key!r} (paconn's schema allows {', '.join(SCHEMA_KEYS)})")
        elif not isinstance(value, str):
            problems.append(f"{key} must be a string, not {type(value).__name__}")
    environment = settings.get("environment")
    if isinstance(environment, str) and not GUID.match(environment):
        problems.append(f"environment {environment!r} is not a lower-case GUID "
                        "(00000000-0000-0000-0000-000000000000)")
    for key in ("powerAppsApiVersion", "flowApiVersion"):
        value = settings.get(key)
        if isinstance(value, str) and value not in API_VERSIONS:
            problems.append(f"{key} must be one of {', '.join(API_VERSIONS)}, not {value!r}")
    for key in URL_KEYS:
        value = settings.get(key)
        if isinstance(value, str) and url_problem(value):
            problems.append(f"{key}: {url_problem(value)}")
    return problems


def url_problem(url: str) -> str:
    """Why paconn cannot use `url` as an RP base URL ('' when it can)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"{url!r} is not an http(s) URL"
    if parts.path.strip("/") or parts.query or parts.fragment:
        return f"{url!r} has a path or query; paconn keeps only scheme and host and drops the rest"
    return ""


def _is_relative_inside(name: str) -> bool:
    """A plain relative path that stays inside the package folder."""
    for flavour in (PurePosixPath, PureWindowsPath):
        path = flavour(name)
        if path.is_absolute() or path.drive or ".." in path.parts:
            return False
    return bool(name)


def load_package_settings(package: Path) -> dict[str, Any]:
    """Read and check `settings.json` of a package; raise with every problem found."""
    path = package / SETTINGS_NAME
    if not path.is_file():
        raise PackageNotDeployableError("no settings.json (paconn's settings file)", location=str(package),
                                        hint="run `pbxconn build` to render it")
    settings = read_json(path)
    problems = schema_problems(settings)
    if not problems:
        for key in ("apiDefinition", "apiProperties"):
            if key not in settings:
                problems.append(f"{key} is missing; paconn needs it")
        for key in FILE_KEYS:
            name = settings.get(key)
            if name is None:
                continue
            if not _is_relative_inside(name):
                problems.append(f"{key} {name!r} must be a relative path inside the package folder")
            elif not (package / name).is_file():
                problems.append(f"{key} names {name!r}, which does not exist")
        for key, default in (("icon", "icon.png"), ("script", "script.csx")):
            if key not in settings and (package / default).is_file():
                problems.append(f"{default} exists but {key} is not set; paconn would deploy without it")
    if problems:
        raise PackageNotDeployableError("; ".join(problems), location=str(path))
    return settings


def check_package_files(package: Path, settings: Mapping[str, Any]) -> dict[str, Any]:
    """Check the files paconn uploads; return the parsed swagger. Raises on the first problem."""
    swagger_path = package / settings["apiDefinition"]
    swagger = read_json(swagger_path)
    where = str(swagger_path)
    if not isinstance(swagger, dict):
        raise PackageNotDeployableError("the swagger must be a JSON object", location=where)
    info = swagger.get("info")
    if not isinstance(info, dict):
        raise PackageNotDeployableError("info is missing", location=where)
    for key in ("title", "description"):
        if not isinstance(info.get(key), str) or not info[key].strip():
            raise PackageNotDeployableError(
                f"info.{key} is missing or empty; paconn sends it as the connector's "
                f"{'display name' if key == 'title' else 'description'} and fails without it",
                location=where)
    if not backend_url(swagger).startswith("https://"):
        raise PackageNotDeployableError(
            f"the backend URL paconn derives from schemes/host/basePath is {backend_url(swagger)!r}; "
            "it needs schemes [\"https\", ...] and a host", location=where)
    properties_path = package / settings["apiProperties"]
    properties = read_json(properties_path)
    if not isinstance(properties, dict) or not isinstance(properties.get("properties"), dict):
        raise PackageNotDeployableError("must be an object with a `properties` object",
                                        location=str(properties_path))
    problems = oauth_problems(properties["properties"])
    if problems:
        raise PackageNotDeployableError("; ".join(problems), location=str(properties_path))
    script = settings.get("script")
    if script and (package / script).read_bytes().startswith(BOM):
        raise PackageNotDeployableError("starts with a UTF-8 BOM; generated files never carry one",
                                        location=str(package / script))
    return swagger


def backend_url(swagger: Mapping[str, Any]) -> str:
    """The backend service URL paconn derives: `<schemes[0]>://<host><basePath>`."""
    schemes = swagger.get("schemes") or [""]
    scheme = schemes[0] if isinstance(schemes, list) and schemes else ""
    host = swagger.get("host", "")
    base_path = swagger.get("basePath", "")
    return f"{scheme}://{host}{base_path}" if scheme else f"{host}{base_path}"


def deploy_settings(package: Path, settings: Mapping[str, Any], *, environment: str | None,
                    connector_id: str | None, power_apps_url: str | None) -> dict[str, Any]:
    """The settings paconn runs with: absolute file paths plus the user's environment, the
    connector id (update) and the RP URL. Checked against the schema before it is returned."""
    merged: dict[str, Any] = {}
    if connector_id:
        merged["connectorId"] = connector_id
    if environment:
        merged["environment"] = environment
    for key in FILE_KEYS:
        if settings.get(key):
            merged[key] = str((package / settings[key]).resolve())
    for key, value in settings.items():
        if key not in merged and key not in FILE_KEYS and key not in ("connectorId", "environment"):
            merged[key] = value
    if power_apps_url:
        merged["powerAppsUrl"] = power_apps_url.rstrip("/")
    problems = schema_problems(merged)
    if problems:
        raise InputError("; ".join(problems), location="deploy settings")
    return merged


def write_deploy_settings(workdir: Path, settings: Mapping[str, Any]) -> Path:
    """Write the merged settings into paconn's working directory; return the file."""
    path = workdir / DEPLOY_SETTINGS_NAME
    path.write_text(json.dumps(settings, indent=4) + "\n", encoding="utf-8")
    return path
