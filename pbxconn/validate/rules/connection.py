"""How a connection is made and deployed: security definitions against connection parameters and
the paconn settings file (internal required parameters without a default are in parameters.py)."""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, Iterator, Mapping

from pbxconn.core.findings import Severity
from pbxconn.validate.rule import Rule, Violation, register

if TYPE_CHECKING:  # pragma: no cover
    from pbxconn.validate.package import Package

GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
SETTINGS_FILE_KEYS = ("apiDefinition", "apiProperties", "icon", "script")


def connection_parameters(properties: Any) -> dict[str, Mapping[str, Any]]:
    """Every connection parameter of apiProperties, including those of connectionParameterSets."""
    props = properties.get("properties") if isinstance(properties, dict) else None
    if not isinstance(props, dict):
        return {}
    out: dict[str, Mapping[str, Any]] = {}
    params = props.get("connectionParameters")
    if isinstance(params, dict):
        out.update((k, v) for k, v in params.items() if isinstance(v, dict))
    sets = props.get("connectionParameterSets")
    values = sets.get("values") if isinstance(sets, dict) else None
    for entry in values if isinstance(values, list) else ():
        inner = entry.get("parameters") if isinstance(entry, dict) else None
        if isinstance(inner, dict):
            for k, v in inner.items():
                if isinstance(v, dict):
                    out.setdefault(k, v)
    return out


def _security_definitions(swagger: Any) -> dict[str, Mapping[str, Any]]:
    defs = swagger.get("securityDefinitions") if isinstance(swagger, dict) else None
    if not isinstance(defs, dict):
        return {}
    return {k: v for k, v in defs.items() if isinstance(v, dict)}


_NEEDS = {
    "apiKey": "a connection parameter of type securestring",
    "oauth2": "a connection parameter of type oauthSetting",
    "basic": "connection parameters named username and password",
}


def _satisfied(kind: str, params: Mapping[str, Mapping[str, Any]]) -> bool:
    types = {p.get("type") for p in params.values()}
    if kind == "apiKey":
        return "securestring" in types
    if kind == "oauth2":
        return "oauthSetting" in types
    if kind == "basic":
        return "username" in params and "password" in params
    return True


@register
class ConnectionParameterMissingForSecurity(Rule):
    """A swagger security definition with no matching connection parameter in apiProperties.

    What it does: pairs each `securityDefinitions` entry with the connection parameters of
    apiProperties.json: `apiKey` needs a `securestring` parameter, `oauth2` an `oauthSetting`
    parameter, `basic` parameters named `username` and `password` (connection parameter sets
    count too).

    Why it matters: the connection dialog is built from the connection parameters and the
    gateway takes the credential from them; with no match the connector cannot authenticate
    (an error when no security definition is matched at all, a warning when another one is).

    Fix: add the connection parameter (e.g. `"api_key": {"type": "securestring", ...}`), or
    remove the security definition the connector does not use.
    """

    category = "Connection"
    origin = "pbxconn"
    severity = Severity.ERROR
    message = "security definition {name!r} ({kind}) needs {needs} in apiProperties.json"
    subject = "package"

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield one violation per security definition without its connection parameter."""
        if not isinstance(ctx.properties, dict):
            return
        defs = _security_definitions(ctx.swagger)
        params = connection_parameters(ctx.properties)
        missing = [(n, d.get("type")) for n, d in defs.items()
                   if d.get("type") in _NEEDS and not _satisfied(d["type"], params)]
        if not missing:
            return
        any_matched = len(missing) < sum(1 for d in defs.values() if d.get("type") in _NEEDS)
        for name, kind in missing:
            yield Violation(args={"name": name, "kind": kind, "needs": _NEEDS[kind]},
                            pointer=("securityDefinitions", name),
                            severity=Severity.WARNING if any_matched else None)


@register
class SecurityDefinitionMissingForOAuth(Rule):
    """An `oauthSetting` connection parameter without an `oauth2` security definition.

    What it does: reports apiProperties.json connection parameters of type `oauthSetting`
    when the swagger declares no `oauth2` security definition.

    Why it matters: the token obtained through the OAuth settings is attached to requests only
    for operations secured by an `oauth2` definition; without one users sign in and the calls
    still go out unauthenticated.

    Fix: add an `oauth2` entry to `securityDefinitions` (and a matching `security`
    requirement), or drop the OAuth connection parameter.
    """

    category = "Connection"
    origin = "pbxconn"
    severity = Severity.WARNING
    message = "connection parameter {name!r} is an oauthSetting but the swagger has no oauth2 security definition"
    subject = "package"

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield a violation per oauthSetting parameter without an oauth2 definition."""
        if not isinstance(ctx.swagger, dict) or not isinstance(ctx.properties, dict):
            return
        if any(d.get("type") == "oauth2" for d in _security_definitions(ctx.swagger).values()):
            return
        props = ctx.properties.get("properties")
        direct = props.get("connectionParameters") if isinstance(props, dict) else None
        for name, param in connection_parameters(ctx.properties).items():
            if param.get("type") == "oauthSetting":
                pointer = (("properties", "connectionParameters", name)
                           if isinstance(direct, dict) and name in direct else ("properties",))
                yield Violation(args={"name": name}, pointer=pointer, file="properties")


@register
class SettingsFileMissing(Rule):
    """A settings.json entry that points at a file the package does not have.

    What it does: checks that `apiDefinition`, `apiProperties`, `icon` and `script` in
    settings.json name files that exist (relative to the connector folder).

    Why it matters: `paconn create` / `paconn update` read these paths and stop when one is
    missing, so the connector cannot be deployed with this settings file.

    Fix: correct the path or add the file.
    """

    category = "Connection"
    origin = "pbxconn"
    severity = Severity.ERROR
    message = "settings.json {key} points at {path!r}, which does not exist"
    subject = "package"

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield one violation per settings path that names no existing file."""
        settings = ctx.settings
        if not isinstance(settings, dict):
            return
        for key in SETTINGS_FILE_KEYS:
            value = settings.get(key)
            if not isinstance(value, str) or not value.strip():
                continue
            if not _exists(ctx, value):
                yield Violation(args={"key": key, "path": value}, pointer=(key,), file="settings")


def _exists(ctx: "Package", value: str) -> bool:
    names = {PurePath(src.label).name for src in ctx.files.values()}
    if ctx.kind == "folder":
        from pathlib import Path

        path = Path(value)
        if not path.is_absolute():
            path = Path(ctx.root) / path
        try:
            return path.is_file()
        except OSError:
            return False
    return PurePath(value.replace("\\", "/")).name in names


@register
class SettingsEnvironmentNotGuid(Rule):
    """A settings.json `environment` that is not an environment GUID.

    What it does: checks `environment` (when present) against the GUID pattern of paconn's
    settings schema.

    Why it matters: paconn sends the value as the environment id; anything else (a display
    name, a URL, a placeholder) makes every deploy command fail.

    Fix: use the environment's GUID (shown by `paconn create` or the Power Platform admin center).
    """

    category = "Connection"
    origin = "pbxconn"
    severity = Severity.ERROR
    message = "settings.json environment {value!r} is not a GUID"
    subject = "package"

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield a violation when environment is present but not a GUID."""
        settings = ctx.settings
        if not isinstance(settings, dict) or "environment" not in settings:
            return
        value = settings["environment"]
        if not isinstance(value, str) or not GUID.match(value):
            yield Violation(args={"value": value}, pointer=("environment",), file="settings")
