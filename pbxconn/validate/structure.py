"""Structure: files that cannot be read, missing files, and Swagger 2.0 schema violations.

The Swagger 2.0 check uses openapi-spec-validator's own Swagger 2.0 JSON schema, compiled once
(on first use) by jsonschema-rs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

from pbxconn.core.errors import ToolMissingError
from pbxconn.core.findings import Severity
from pbxconn.validate.rule import Rule, Violation, register

_VALIDATOR: Any = None


class _ParseRule(Rule):
    """Reports ParseProblems of this rule's code recorded while loading the package."""

    category = "Structure"
    origin = "pbxconn"
    severity = Severity.ERROR
    message = "{detail}"
    subject = "package"

    def check(self, node: Any, ctx: Any) -> Iterator[Violation]:
        for role, source in ctx.files.items():
            for problem in source.problems:
                if problem.code == self.code:
                    yield Violation({"detail": problem.message}, "", role, problem.line, problem.column,
                                    problem.severity)


@register
class InvalidJson(_ParseRule):
    """A JSON file of the package is not valid JSON.

    What it does: reports the first syntax error (trailing or missing comma, control character
    in a string, NaN, empty file) with its line and column.
    Why it matters: Microsoft's pipeline and paconn reject the file; no other rule can check it.
    Fix: correct the JSON at the reported position.
    """

    code = "InvalidJson"


@register
class InvalidEncoding(_ParseRule):
    """A file of the package is not valid UTF-8.

    What it does: reports the first byte that is not UTF-8.
    Why it matters: connector files are read as UTF-8; other encodings garble or fail.
    Fix: save the file as UTF-8.
    """

    code = "InvalidEncoding"


@register
class BomPresent(_ParseRule):
    """A JSON file starts with a UTF-8 byte order mark.

    What it does: flags the three bytes EF BB BF at the start of a JSON file.
    Why it matters: paconn create/update crash reading such a file.
    Fix: save the file as UTF-8 without BOM.
    """

    code = "BomPresent"


@register
class DocumentNotObject(_ParseRule):
    """A JSON file of the package is valid JSON but not an object.

    What it does: flags a top-level array, string, number, boolean or null.
    Why it matters: every connector file is a JSON object; nothing else can be read.
    Fix: put the content in a top-level object.
    """

    code = "DocumentNotObject"


@register
class MissingFile(Rule):
    """A connector folder lacks a required file.

    What it does: flags a folder without apiDefinition.swagger.json (error) or without
    apiProperties.json (warning).
    Why it matters: Microsoft's repository requires both; paconn needs the definition.
    Fix: add the file.
    """

    code = "MissingFile"
    category = "Structure"
    origin = "pbxconn"
    severity = Severity.ERROR
    message = "{name} is missing"
    subject = "package"

    def check(self, node: Any, ctx: Any) -> Iterator[Violation]:
        if "swagger" not in ctx.files:
            yield Violation({"name": "apiDefinition.swagger.json"}, "", "swagger")
        if ctx.kind != "file" and "properties" not in ctx.files:
            yield Violation({"name": "apiProperties.json"}, "", "properties", severity=Severity.WARNING)


def schema_path() -> Path:
    """openapi-spec-validator's Swagger 2.0 schema file, found without importing that package
    (importing it costs about 0.4 s)."""
    from importlib.util import find_spec

    spec = find_spec("openapi_spec_validator")
    if spec is None or not spec.submodule_search_locations:
        raise ToolMissingError("openapi-spec-validator is not installed; pip install openapi-spec-validator")
    return Path(list(spec.submodule_search_locations)[0]) / "resources" / "schemas" / "v2.0" / "schema.json"


def swagger_validator() -> Any:
    """openapi-spec-validator's Swagger 2.0 schema compiled by jsonschema-rs (built once)."""
    global _VALIDATOR
    if _VALIDATOR is None:
        import jsonschema_rs

        _VALIDATOR = jsonschema_rs.validator_for(json.loads(schema_path().read_text(encoding="utf-8")))
    return _VALIDATOR


@register
class SchemaViolation(Rule):
    """The swagger does not follow the Swagger 2.0 schema.

    What it does: checks apiDefinition.swagger.json against the Swagger 2.0 JSON schema (the one
    openapi-spec-validator uses) and reports each violation at its JSON pointer.
    Why it matters: Microsoft's validator rejects definitions that are not valid Swagger 2.0.
    Fix: correct the node named by the message.
    """

    code = "SchemaViolation"
    category = "Structure"
    origin = "pbxconn"
    severity = Severity.ERROR
    message = "{detail}"
    subject = "package"

    def check(self, node: Any, ctx: Any) -> Iterator[Violation]:
        if ctx.swagger is None:
            return
        for error in swagger_validator().iter_errors(ctx.swagger):
            path = tuple(error.instance_path)
            yield Violation({"detail": _short(error.message)}, path)


def _short(message: str, limit: int = 200) -> str:
    """One line, at most `limit` characters."""
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 1] + "…"
