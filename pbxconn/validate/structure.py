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
from pbxconn.core.swagger import HTTP_METHODS
from pbxconn.validate.index import Index
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


@register
class InvalidEncoding(_ParseRule):
    """A file of the package is not valid UTF-8.

    What it does: reports the first byte that is not UTF-8.

    Why it matters: connector files are read as UTF-8; other encodings garble or fail.

    Fix: save the file as UTF-8.
    """


@register
class BomPresent(_ParseRule):
    """A JSON file starts with a UTF-8 byte order mark.

    What it does: flags the three bytes EF BB BF at the start of a JSON file.

    Why it matters: paconn create/update crash reading such a file.

    Fix: save the file as UTF-8 without BOM.
    """


@register
class DocumentNotObject(_ParseRule):
    """A JSON file of the package is valid JSON but not an object.

    What it does: flags a top-level array, string, number, boolean or null.

    Why it matters: every connector file is a JSON object; nothing else can be read.

    Fix: put the content in a top-level object.
    """


@register
class MissingFile(Rule):
    """A connector folder lacks a required file.

    What it does: flags a folder without apiDefinition.swagger.json (error) or without
    apiProperties.json (warning).

    Why it matters: Microsoft's repository requires both; paconn needs the definition.

    Fix: add the file.
    """

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


_STRICT: Any = None


def strict_swagger_validator() -> Any:
    """The Swagger 2.0 schema with the one rule of the draft-04 meta-schema its schema object
    lacks (exclusiveMaximum needs maximum, exclusiveMinimum needs minimum), compiled once.

    Every other keyword the Swagger schema object allows is checked with the meta-schema's own
    sub-schema (or a stricter one), and it forbids the draft-04 keywords it does not list. So in
    a document this validator accepts, every value it checked as a schema object (or file
    schema) is a valid draft-04 schema: InvalidSchemaObject need not check those again."""
    global _STRICT
    if _STRICT is None:
        import jsonschema_rs

        schema = json.loads(schema_path().read_text(encoding="utf-8"))
        schema["definitions"]["schema"]["dependencies"] = {"exclusiveMaximum": ["maximum"],
                                                           "exclusiveMinimum": ["minimum"]}
        _STRICT = jsonschema_rs.validator_for(schema)
    return _STRICT


def strictly_valid(ctx: Any) -> bool:
    """Whether `strict_swagger_validator` accepts the package's swagger. Both Swagger rules ask;
    the answer is an index fact, so the document is walked once for the two."""
    return ctx.index.strictly_valid


@Index.fact("strictly_valid")
def _strict_is_valid(ctx: Any) -> bool:
    """`strict_swagger_validator().is_valid` on the swagger, False when validation itself fails
    (the rules then take their full, error-reporting path, which meets and reports the failure)."""
    swagger = ctx.swagger
    try:
        return swagger is not None and strict_swagger_validator().is_valid(swagger)
    except Exception:
        return False


@register
class SchemaViolation(Rule):
    """The swagger does not follow the Swagger 2.0 schema.

    What it does: checks apiDefinition.swagger.json against the Swagger 2.0 JSON schema (the one
    openapi-spec-validator uses) and reports each violation at its JSON pointer.

    Why it matters: Microsoft's validator rejects definitions that are not valid Swagger 2.0.

    Fix: correct the node named by the message.

    Where the specification, openapi-spec-validator and Microsoft disagree: two violations of the
    specification are warnings, because Microsoft accepts them and they break nothing at run time.
    An operation with an empty `responses` object (the specification requires at least one
    response): Microsoft certified such connectors (PDF4me) and reports it as
    OperationMustHaveResponse. An `enum` that lists a value twice (JSON Schema requires unique
    values): Microsoft published such connectors (Perplexity AI), reports it as ArrayDuplicateValue,
    and the designer only shows the option twice.
    """

    category = "Structure"
    origin = "pbxconn"
    severity = Severity.ERROR
    message = "{detail}"
    subject = "package"

    def check(self, node: Any, ctx: Any) -> Iterator[Violation]:
        if ctx.swagger is None:
            return
        if not strictly_valid(ctx):  # nearly always valid: one walk, no error objects
            yield from _schema_violations(ctx)
        # jsonschema-rs' bundled draft-04 meta-schema does not require unique `enum` values
        for path in _duplicate_enums(ctx):
            yield Violation({"detail": "enum values are not unique"}, path, severity=Severity.WARNING)


def _schema_violations(ctx: Any) -> Iterator[Violation]:
    """One violation per node the Swagger 2.0 schema rejects (the version field excepted)."""
    reported: set[tuple] = set()
    for error in swagger_validator().iter_errors(ctx.swagger):
        path = tuple(error.instance_path)
        if _about_version(error, path):  # SpecificationVersionIncorrect reports it, once
            continue
        if path not in reported:  # one finding per node; alternatives explain the same defect
            reported.add(path)
            if _no_responses(ctx.swagger, path):
                yield Violation({"detail": "responses lists no response"}, path, severity=Severity.WARNING)
            else:
                yield Violation({"detail": _describe(error)}, path)


def _no_responses(swagger: Any, path: tuple) -> bool:
    """Whether `path` is an operation's `responses` object holding no response (at most x- keys)."""
    if len(path) != 4 or path[0] != "paths" or path[3] != "responses":
        return False
    paths = swagger.get("paths") if isinstance(swagger, dict) else None
    item = paths.get(path[1]) if isinstance(paths, dict) else None
    op = item.get(path[2]) if isinstance(item, dict) else None
    responses = op.get("responses") if isinstance(op, dict) else None
    return isinstance(responses, dict) and all(isinstance(k, str) and k.startswith("x-") for k in responses)


def _about_version(error: Any, path: tuple) -> bool:
    """Whether a schema error is about the `swagger` version field (missing or not "2.0")."""
    if path == ("swagger",):
        return True
    return not path and type(error.kind).__name__ == "Required" and getattr(error.kind, "property", None) == "swagger"


def _duplicate_enums(ctx: Any) -> Iterator[tuple]:
    """Paths of `enum` arrays with repeated values in schemas, parameters and their items/headers."""
    if not _may_hold(ctx, "enum"):
        return
    holders: list[tuple[Any, tuple]] = [(s.schema, s.pointer) for s in ctx.schemas if "enum" in s.schema]
    for param in ctx.parameters:
        items, at = param.param, param.pointer
        while isinstance(items, dict):  # the parameter, then its nested `items`
            if "enum" in items:
                holders.append((items, at))
            items, at = items.get("items"), at + ("items",)
    for response in ctx.responses:
        headers = response.response.get("headers")
        if isinstance(headers, dict):
            holders.extend((h, response.pointer + ("headers", k)) for k, h in headers.items())
    seen: set[tuple] = set()
    for holder, pointer in holders:
        enum = holder.get("enum") if isinstance(holder, dict) else None
        if isinstance(enum, list) and len(enum) > 1 and pointer not in seen:
            seen.add(pointer)
            if _has_repeats(enum):
                yield pointer + ("enum",)


def _has_repeats(values: list) -> bool:
    """Whether two values of a list are equal as JSON."""
    kind = type(values[0])
    if kind in (str, int, bool) and all(type(v) is kind for v in values):
        return len(set(values)) != len(values)  # one JSON type: Python equality is JSON equality
    keys = [json.dumps(v, sort_keys=True) for v in values]
    return len(set(keys)) != len(keys)


def _may_hold(ctx: Any, key: str) -> bool:
    """False when no object of the swagger has `key` (the parser gathered every key)."""
    keys = ctx.index.document_keys
    return keys is None or key in keys


def _describe(error: Any) -> str:
    """A readable one-line message for a jsonschema-rs error (some messages dump whole schemas)."""
    kind = type(error.kind).__name__
    if kind == "Not":
        return "this value matches a schema it must not match (e.g. an object where a reference or a non-empty map is required)"
    message = error.message
    if message.startswith("{") and len(message) > 120:
        return f"not valid Swagger 2.0 here ({kind} check failed)"
    return _short(message)


def _short(message: str, limit: int = 200) -> str:
    """One line, at most `limit` characters."""
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 1] + "…"


_META: Any = None
_DRAFT4_KEYWORDS = frozenset((
    "type", "enum", "format", "items", "additionalItems", "properties", "additionalProperties",
    "patternProperties", "required", "allOf", "anyOf", "oneOf", "not", "maximum", "exclusiveMaximum",
    "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems", "minItems",
    "uniqueItems", "maxProperties", "minProperties", "multipleOf", "definitions", "dependencies",
))
_TYPES = frozenset(("array", "boolean", "integer", "null", "number", "object", "string"))


def draft4_meta_validator() -> Any:
    """A validator for JSON Schema draft-04 documents (the schema-object check)."""
    global _META
    if _META is None:
        import jsonschema_rs

        draft4 = "http://json-schema.org/draft-04/schema#"
        _META = jsonschema_rs.validator_for({"$schema": draft4, "$ref": draft4})
    return _META


_META_LIST: Any = None


def draft4_meta_list_validator() -> Any:
    """A validator for a JSON array of draft-04 schemas (valid exactly when each one is)."""
    global _META_LIST
    if _META_LIST is None:
        import jsonschema_rs

        draft4 = "http://json-schema.org/draft-04/schema#"
        _META_LIST = jsonschema_rs.validator_for({"$schema": draft4, "type": "array", "items": {"$ref": draft4}})
    return _META_LIST


def _top_schemas(ctx: Any) -> Iterator[tuple[dict, tuple]]:
    """The resolved schema of every body parameter and every response of every operation."""
    for param in ctx.parameters:
        if param.operation is not None and "schema" in param.param:
            target, ref = ctx.resolve(param.param["schema"])
            if isinstance(target, dict):
                yield target, ref or param.pointer + ("schema",)
    for response in ctx.responses:
        if "schema" in response.response:
            target, ref = ctx.resolve(response.response["schema"])
            if isinstance(target, dict):
                yield target, ref or response.pointer + ("schema",)


@register
class InvalidSchemaObject(Rule):
    """A parameter or response schema is not a valid JSON Schema (draft 4).

    What it does: checks each body parameter and response schema against the JSON Schema
    draft-04 meta-schema (unknown `type` such as "file" in a body, duplicate `enum` values...)
    and flags `required` names that no property (nor any allOf part) defines. A response schema
    whose root is `type: file` may hold only the keys the specification's file schema allows.

    Why it matters: openapi-spec-validator and Microsoft's validator reject such definitions.

    Fix: correct the schema keyword named by the message.

    Where the specification, openapi-spec-validator and Microsoft disagree: `type: file` at the
    root of a response schema. The Swagger 2.0 specification allows it (Response Object: "as an
    extension to the Schema Object, its root type value may also be file"), the Swagger 2.0 JSON
    schema (`fileSchema`) and Microsoft's own schema accept it, Microsoft's SchemaTypeFileNotValid
    allows it there, and Microsoft certified connectors that use it (ZanranScaffolder and ten
    more); openapi-spec-validator rejects it because it checks every schema against the draft-04
    meta-schema. This rule follows the specification and Microsoft: accepted at a response
    schema root (inline, or under `responses` of the document), an error anywhere else (body
    parameters, definitions, properties, items). formData parameters, the other place the
    specification allows `file`, are not schemas and are checked by SchemaViolation.
    """

    category = "Structure"
    origin = "pbxconn"
    severity = Severity.ERROR
    message = "{detail}"
    subject = "package"

    def check(self, node: Any, ctx: Any) -> Iterator[Violation]:
        if ctx.swagger is None:
            return
        meta = draft4_meta_validator()
        strict = strictly_valid(ctx)  # nearly always: then the Swagger schema checked most of them
        seen: set[tuple] = set()
        tops: list[tuple[dict, tuple]] = []
        for schema, pointer in _top_schemas(ctx):
            if strict and _checked_as_schema(pointer):  # a valid draft-04 schema or file schema
                continue
            key = tuple(map(str, pointer))
            if key not in seen:
                seen.add(key)
                if schema.get("type") == "file" and _response_root(pointer):
                    yield from _file_schema_keys(schema, pointer)
                    schema = {k: v for k, v in schema.items() if k != "type"}
                tops.append((schema, pointer))
        try:  # nearly always all valid: one call over all of them instead of one call each
            all_valid = not tops or draft4_meta_list_validator().is_valid([schema for schema, _ in tops])
        except Exception:  # let the per-schema loop meet (and report) whatever went wrong
            all_valid = False
        for schema, pointer in () if all_valid else tops:
            for error in meta.iter_errors(schema):
                yield Violation({"detail": _short(error.message)}, pointer + tuple(error.instance_path))
                break
        if not _may_hold(ctx, "allOf"):
            return
        for node in ctx.schemas:
            schema = node.schema
            if "allOf" in schema and isinstance(required := schema.get("required"), list):
                defined = _property_names(ctx, schema, set())
                missing = sorted(str(r) for r in required if isinstance(r, str) and r not in defined)
                if missing:
                    yield Violation({"detail": f"required lists undefined properties: {', '.join(missing)}"},
                                    node.pointer + ("required",))


# The keys of the Swagger 2.0 JSON schema's `fileSchema` (besides x- extensions).
_FILE_SCHEMA_KEYS = frozenset(("format", "title", "description", "default", "required", "type", "readOnly",
                               "externalDocs", "example"))


_METHODS = frozenset(HTTP_METHODS)


def _checked_as_schema(pointer: tuple) -> bool:
    """Whether the Swagger 2.0 schema checks the value at `pointer` as a schema object (or a file
    schema), which makes it a valid draft-04 schema in a document `strictly_valid` accepts: a
    definition, or the `schema` of a parameter or response under the root, a path or an
    operation. (Paths, methods and status codes starting with x- are unchecked extensions.)"""
    size = len(pointer)
    if size == 2:
        return pointer[0] == "definitions"
    if size < 3 or pointer[-1] != "schema":
        return False
    if size == 3:
        return pointer[0] == "parameters" or pointer[0] == "responses"
    if pointer[0] != "paths" or not (isinstance(pointer[1], str) and pointer[1].startswith("/")):
        return False
    if size == 5:
        return pointer[2] == "parameters"
    if size == 6 and pointer[2] in _METHODS:
        return pointer[3] == "parameters" or (pointer[3] == "responses" and isinstance(pointer[4], str)
                                              and not pointer[4].startswith("x-"))
    return False


def _response_root(pointer: tuple) -> bool:
    """Whether a schema is the `schema` of a Response Object, the one place `type: file` is a schema."""
    if pointer[-1:] != ("schema",):
        return False
    return (len(pointer) == 6 and pointer[0] == "paths" and pointer[3] == "responses") or \
        (len(pointer) == 3 and pointer[0] == "responses")


def _file_schema_keys(schema: dict, pointer: tuple) -> Iterator[Violation]:
    """A violation for the first key a `type: file` response schema may not hold."""
    for key in schema:
        if key not in _FILE_SCHEMA_KEYS and not (isinstance(key, str) and key.startswith("x-")):
            yield Violation({"detail": f"{key!r} is not allowed in a 'type: file' response schema (only "
                                       f"{', '.join(sorted(_FILE_SCHEMA_KEYS - {'type'}))} and x- extensions)"},
                            pointer + (key,))
            return


def _property_names(ctx: Any, schema: Any, seen: set[int]) -> set[str]:
    """Every property name defined by a schema and its allOf/anyOf/oneOf/items/not parts."""
    schema, _ = ctx.resolve(schema)
    if not isinstance(schema, dict) or id(schema) in seen:
        return set()
    seen.add(id(schema))
    names = set(schema["properties"]) if isinstance(schema.get("properties"), dict) else set()
    for key in ("allOf", "anyOf", "oneOf"):
        if isinstance(schema.get(key), list):
            for part in schema[key]:
                names |= _property_names(ctx, part, seen)
    for key in ("items", "not"):
        if isinstance(schema.get(key), dict):
            names |= _property_names(ctx, schema[key], seen)
    return names


@register
class InvalidDefault(Rule):
    """A `default` value does not match its own parameter or schema.

    What it does: checks each parameter default against the parameter's type, enum and limits,
    and each schema default (in parameter and response schemas) against its schema; null is
    only a valid default for a schema marked nullable.

    Why it matters: designers pre-fill the default; a default the API rejects breaks every
    flow that keeps it. openapi-spec-validator rejects such definitions. A warning, not an
    error: Microsoft accepted 8 of the 93 sample connectors with such defaults (strings for
    integers, nulls, values outside the enum), and most of them work.

    Fix: change the default or the type so they agree.
    """

    category = "Structure"
    origin = "pbxconn"
    severity = Severity.WARNING
    message = "default {value} is not valid: {detail}"
    subject = "package"

    def check(self, node: Any, ctx: Any) -> Iterator[Violation]:
        if ctx.swagger is None:
            return
        for param in ctx.parameters:
            if param.operation is not None and "default" in param.param and "schema" not in param.param:
                detail = _default_error(ctx, param.param, param.param["default"])
                if detail:
                    yield Violation({"value": _show(param.param["default"]), "detail": detail},
                                    param.pointer + ("default",))
        for schema_node in ctx.schemas:
            if "default" not in schema_node.schema:
                continue
            top = schema_node
            while top.parent is not None:
                top = top.parent
            if top.operation is None or top.role == "notification" or "default" not in schema_node.schema:
                continue
            value = schema_node.schema["default"]
            detail = _default_error(ctx, schema_node.schema, value)
            if detail:
                yield Violation({"value": _show(value), "detail": detail}, schema_node.pointer + ("default",))


def _show(value: Any) -> str:
    """A short JSON rendering of a value for a message."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:59] + "…"


def _clean(ctx: Any, schema: Any, depth: int = 0) -> Any:
    """A draft-04 schema equivalent to a Swagger schema/parameter for checking values: $refs
    inlined, non-draft-04 keywords dropped; {} where the schema cannot be expressed."""
    schema, _ = ctx.resolve(schema)
    if not isinstance(schema, dict) or depth > 30 or "$ref" in schema:
        return {}
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key not in _DRAFT4_KEYWORDS or key == "definitions":
            continue
        if key in ("properties", "patternProperties", "dependencies"):
            if isinstance(value, dict):
                out[key] = {k: _clean(ctx, v, depth + 1) for k, v in value.items()}
        elif key in ("allOf", "anyOf", "oneOf"):
            if isinstance(value, list):
                out[key] = [_clean(ctx, v, depth + 1) for v in value]
        elif key in ("items", "additionalProperties", "additionalItems", "not"):
            if isinstance(value, bool):
                out[key] = value
            elif isinstance(value, list):
                out[key] = [_clean(ctx, v, depth + 1) for v in value]
            else:
                out[key] = _clean(ctx, value, depth + 1)
        elif key == "required":
            if isinstance(value, list):
                out[key] = value
        elif key == "type":
            if value in _TYPES:
                out[key] = value
        elif key != "format":
            out[key] = value
    return out


# JSON type name -> the Python types that certainly are that type (bool is not an integer)
_PLAIN_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,), "boolean": (bool,), "integer": (int,), "number": (int, float),
    "array": (list,), "object": (dict,),
}


def _plainly_valid(cleaned: dict, value: Any) -> bool:
    """True when `value` certainly satisfies a cleaned schema that holds at most `type` and
    `enum` (most defaults), without compiling a validator; False means "ask the validator"."""
    if not cleaned.keys() <= {"type", "enum"}:
        return False
    kind = cleaned.get("type")
    if kind is not None:
        types = _PLAIN_TYPES.get(kind) if isinstance(kind, str) else None
        if types is None or type(value) not in types:
            return False
    if "enum" in cleaned:
        enum = cleaned["enum"]
        # a string equals (in JSON) only the same string
        return type(value) is str and isinstance(enum, list) and value in enum
    return True


def _default_error(ctx: Any, schema: dict, value: Any) -> str:
    """Why `value` does not satisfy `schema` (empty string when it does)."""
    if value is None:
        if "type" in schema and schema.get("nullable") is not True and schema.get("x-nullable") is not True:
            return "null for a schema that is not nullable"
        return ""
    cleaned = _clean(ctx, schema)
    if _plainly_valid(cleaned, value):
        return ""
    import jsonschema_rs

    try:
        validator = jsonschema_rs.Draft4Validator(cleaned)
        for error in validator.iter_errors(value):
            return _short(error.message, 120)
    except Exception:  # a schema the engine cannot compile is reported by InvalidSchemaObject
        return ""
    return ""
