"""Check input YAML against the generator's input schemas; report the first error precisely."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from pbxconn.core.errors import InputError, raise_all
from pbxconn.core.suggest import closest
from pbxconn.core.limits import TITLE_MAX_LENGTH
from pbxconn.generate.yamlsource import YamlSource

SCHEMAS = Path(__file__).parent / "schemas"


@lru_cache(maxsize=None)
def _schema(name: str) -> dict[str, Any]:
    doc = yaml.load((SCHEMAS / f"{name}.yaml").read_text(encoding="utf-8"),
                    Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if name == "carrier":
        title = doc["properties"]["title"]
        title["maxLength"] = TITLE_MAX_LENGTH
        title["description"] = title["description"].format(title_max=TITLE_MAX_LENGTH)
    return doc


@lru_cache(maxsize=None)
def _schema_of(name: str, part: str | None) -> dict[str, Any]:
    doc = _schema(name)
    return dict(doc["files"][part], **{"$defs": doc["$defs"]}) if part else doc


@lru_cache(maxsize=None)
def _validator(name: str, part: str | None):
    from jsonschema import Draft202012Validator

    return Draft202012Validator(_schema_of(name, part))


@lru_cache(maxsize=None)
def _fast(name: str, part: str | None):
    """A compiled jsonschema-rs validator of the same schema (None when it cannot compile it)."""
    import jsonschema_rs

    try:
        return jsonschema_rs.validator_for(_schema_of(name, part))
    except Exception:  # a construct jsonschema-rs does not support: use jsonschema alone
        return None


def check(source: YamlSource, schema: str, part: str | None = None) -> None:
    """Raise every way `source` does not match the schema, each at its key, in line order."""
    raise_all(problems(source, schema, part))


def problems(source: YamlSource, schema: str, part: str | None = None) -> list[InputError]:
    """Each mismatch of `source` with the schema as an InputError at the offending key, in line order."""
    fast = _fast(schema, part)
    if fast is not None and fast.is_valid(source.data):
        return []  # the common case, ~100x faster; jsonschema explains the rare invalid input
    validator = _validator(schema, part)
    errors = [_most_specific(e) for e in validator.iter_errors(source.data)]
    # A misspelt key also makes its right spelling "missing": the unknown key explains both.
    unknown_at = {tuple(e.absolute_path) for e in errors if e.validator == "additionalProperties"}
    found: dict[str, tuple[tuple[int, int], InputError]] = {}
    for error in errors:
        path = list(error.absolute_path)
        if error.validator == "required" and tuple(path) in unknown_at:
            continue
        if error.validator == "additionalProperties":
            extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
            path += extra[:1]
        problem = source.error(path, _explain(error), hint=_hint(error))
        found.setdefault(str(problem), (source.position(path), problem))
    return [problem for _, problem in sorted(found.values(), key=lambda item: item[0])]


def _most_specific(error):
    """Descend into oneOf/anyOf to the sub-error that got furthest into the instance."""
    while error.context:
        error = max(error.context, key=lambda e: (len(e.absolute_path), -len(e.message)))
    return error


def _explain(error) -> str:
    validator = error.validator
    if validator == "additionalProperties":
        known = list(error.schema.get("properties", {}))
        extra = sorted(set(error.instance) - set(known))
        close = closest(str(extra[0]), known) if extra else None
        if close:
            return f"unknown key {extra[0]!r}; did you mean {close!r}?"
        return f"unknown key {', '.join(map(repr, extra))} (allowed: {', '.join(known) or 'none'})"
    if validator == "required":
        return error.message.replace("is a required property", "is missing (required)")
    if validator == "type":
        return f"expected {error.validator_value}, got {type(error.instance).__name__} {error.instance!r}"
    if validator == "enum":
        options = ", ".join(map(str, error.validator_value))
        return f"{error.instance!r} is not allowed; expected one of: {options}"
    description = error.schema.get("description")
    if validator in ("maxLength", "minLength") and isinstance(error.instance, str):
        size = "too long" if validator == "maxLength" else "too short"
        return (f"{error.instance!r} is {size} ({len(error.instance)} characters); "
                f"expected {description or f'{validator} {error.validator_value}'}")
    if description:
        return f"{error.instance!r} is not valid; expected {description}"
    return error.message


def _hint(error) -> str:
    if error.validator == "additionalProperties":
        return "remove the key or fix its spelling"
    return ""
