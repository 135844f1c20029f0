"""Microsoft's Swagger Validator rules, table "Properties"."""

from __future__ import annotations

import re
from typing import Any, Iterator, Mapping

from pbxconn.core.findings import Severity
from pbxconn.validate.index import Index
from pbxconn.validate.rule import Violation, not_implemented, register
from pbxconn.validate.rules._helpers import (
    HTTP_METHODS, MicrosoftRule, _PropRule, as_dict, as_list, doc, dynamic_calls, has_key, op_label, operations,
    walk_schema,
)

E, W = Severity.ERROR, Severity.WARNING


_NON_BODY_KEYS = ("type", "format", "items", "collectionFormat", "default", "enum", "allowEmptyValue",
                  "maximum", "minimum", "maxLength", "minLength", "pattern", "maxItems", "minItems")


@register
class BodyParameterPropertyNotValid(MicrosoftRule):
    """A body parameter uses non-body keys such as `type` or `items` instead of its schema.

    What it does: flags a body parameter using non-body keys such as `type` or `items` beside (or instead of)
    `schema`.

    Why it matters: a body parameter is described only by its `schema`; the other keys are ignored.

    Fix: move the keys into `schema`.
    """

    category = "Properties"
    subject = "parameter"
    severity = W
    message = "body parameter {name!r} uses {keys}; describe the body in its schema"

    def check(self, node, ctx):
        param = node.param
        if isinstance(param, dict) and param.get("in") == "body":
            keys = [k for k in _NON_BODY_KEYS if k in param]
            if keys:
                yield Violation({"name": param.get("name"), "keys": ", ".join(keys)}, node.pointer + (keys[0],))


_KEYS = {
    "root": {"swagger", "info", "host", "basePath", "schemes", "consumes", "produces", "paths", "definitions",
             "parameters", "responses", "securityDefinitions", "security", "tags", "externalDocs"},
    "info": {"title", "description", "termsOfService", "contact", "license", "version"},
    "path": {"$ref", "parameters"} | set(HTTP_METHODS),
    "operation": {"tags", "summary", "description", "externalDocs", "operationId", "consumes", "produces",
                  "parameters", "responses", "schemes", "deprecated", "security"},
    "parameter": {"name", "in", "description", "required", "schema", "type", "format", "allowEmptyValue", "items",
                  "collectionFormat", "default", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum",
                  "maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "enum", "multipleOf",
                  "$ref"},
    "response": {"description", "schema", "headers", "examples", "$ref"},
}


@register
class ExtensionNameNotValid(_PropRule):
    """An unknown key that does not start with `x-`.

    What it does: flags an unknown key that does not start with `x-` on the document, info, path items,
    operations, parameters and responses.

    Why it matters: Swagger allows only its own keys and `x-` extensions; the platform rejects or ignores
    others.

    Fix: remove the key, correct its spelling, or prefix it with `x-`.
    """

    severity = W
    message = "{key!r} is not a Swagger key of {kind}; extensions must start with 'x-'"

    def check(self, node, ctx):
        def unknown(obj: Any, kind: str) -> list[str]:
            if not isinstance(obj, dict):
                return []
            # the set difference leaves the few keys worth a look (usually only x- extensions)
            extra = obj.keys() - _KEYS[kind]
            if not extra:
                return []
            return sorted(k for k in extra if isinstance(k, str) and not k.startswith("x-"))

        root = doc(ctx)
        for key in unknown(root, "root"):
            yield Violation({"key": key, "kind": "the document"}, (key,))
        for key in unknown(root.get("info"), "info"):
            yield Violation({"key": key, "kind": "info"}, ("info", key))
        for path, item in as_dict(root.get("paths")).items():
            for key in unknown(item, "path"):
                yield Violation({"key": key, "kind": "a path item"}, ("paths", path, key))
        for op in operations(ctx):
            for key in unknown(op.op, "operation"):
                yield Violation({"key": key, "kind": "an operation"}, op.pointer + (key,))
            for code, resp in as_dict(as_dict(op.op).get("responses")).items():
                for key in unknown(resp, "response"):
                    yield Violation({"key": key, "kind": "a response"}, op.pointer + ("responses", code, key))
        seen: set = set()
        for p in getattr(ctx, "parameters", None) or ():
            if p.pointer in seen:
                continue
            seen.add(p.pointer)
            for key in unknown(p.param, "parameter"):
                yield Violation({"key": key, "kind": "a parameter"}, p.pointer + (key,))


def filter_functions(ctx: Any) -> Iterator[tuple[Any, tuple, bool]]:
    """(filterFunctions value, pointer, is in an input schema) for each schema that has one."""
    if not (has_key(ctx, "filterFunctions") or has_key(ctx, "x-ms-capabilities")):
        return
    for s in getattr(ctx, "schemas", None) or ():
        caps = as_dict(s.schema).get("x-ms-capabilities")
        for holder, sub in ((s.schema, ()), (caps, ("x-ms-capabilities",))):
            if isinstance(holder, dict) and "filterFunctions" in holder:
                root = s
                while root.parent is not None:
                    root = root.parent
                yield holder["filterFunctions"], s.pointer + sub + ("filterFunctions",), root.role == "parameter"


@register
class FilterFunctionsPropertyEmpty(_PropRule):
    """An empty `filterFunctions` list.

    What it does: flags an empty `filterFunctions` list.

    Why it matters: it declares filtering support with no usable function.

    Fix: list the supported functions or remove the key.
    """

    severity = W
    message = "filterFunctions is empty"

    def check(self, node, ctx):
        for value, ptr, _ in filter_functions(ctx):
            if value == [] or value == "":
                yield Violation({}, ptr)


@register
class FilterFunctionsPropertyHasDuplicates(_PropRule):
    """A `filterFunctions` list names a function twice.

    What it does: flags a `filterFunctions` list naming a function twice.

    Why it matters: duplicates suggest a copy mistake and are rejected by the service.

    Fix: list each function once.
    """

    severity = W
    message = "filterFunctions lists {value!r} more than once"

    def check(self, node, ctx):
        for value, ptr, _ in filter_functions(ctx):
            seen: set = set()
            for v in as_list(value):
                if isinstance(v, str) and v in seen:
                    yield Violation({"value": v}, ptr)
                seen.add(v) if isinstance(v, str) else None


@register
class FilterFunctionsPropertyInInputSchema(_PropRule):
    """`filterFunctions` in a request body schema.

    What it does: flags `filterFunctions` in a request body schema.

    Why it matters: filter capabilities describe returned data; on inputs they mean nothing.

    Fix: move it to the response schema.
    """

    severity = W
    message = "filterFunctions is only allowed in response schemas"

    def check(self, node, ctx):
        for _, ptr, is_input in filter_functions(ctx):
            if is_input:
                yield Violation({}, ptr)


@register
class InternalPropertyWithDefaultOptional(MicrosoftRule):
    """An internal parameter with a default that is not required.

    What it does: flags an internal parameter with a default that is not required.

    Why it matters: optional internal parameters may be left out, so the default is never sent.

    Fix: add `"required": true`.
    """

    category = "Properties"
    subject = "parameter"
    severity = W
    message = "internal parameter {name!r} has a default but is not required"

    needs = ("x-ms-visibility",)

    def check(self, node, ctx):
        param = node.param
        if (isinstance(param, dict) and param.get("x-ms-visibility") == "internal" and "default" in param
                and param.get("required") is not True):
            yield Violation({"name": param.get("name")}, node.pointer)


def input_schemas(ctx: Any) -> Iterator[tuple[Any, Mapping, tuple, tuple]]:
    """(operation, schema, pointer, chain) for every schema in each operation's body parameter."""
    return iter(ctx.index.input_schemas)


@Index.fact("input_schemas")
def build_input_schemas(ctx: Any) -> list[tuple[Any, Mapping, tuple, tuple]]:
    """Every body-parameter schema with its operation and chain, for `Index.input_schemas`."""
    out = []
    for op in operations(ctx):
        for p in op.parameters:
            param = as_dict(p.param)
            if param.get("in") == "body" and isinstance(param.get("schema"), dict):
                for sub, ptr, chain in walk_schema(ctx, param["schema"], p.pointer + ("schema",)):
                    out.append((op, sub, ptr, chain))
    return out


@register
class InvalidStringBinaryProperty(_PropRule):
    """A binary string schema nested below the top of a request body.

    What it does: flags a string/binary schema nested below the top of a request body.

    Why it matters: binary content can only be the whole body (or a form file), not a JSON property.

    Fix: send the file as the whole body, as a formData file, or as a base64 `format: byte` string.
    """

    severity = W
    message = "{operation}: binary string is nested in the body"

    def check(self, node, ctx):
        if not has_key(ctx, "format=binary"):
            return
        seen: set = set()
        for op, sub, ptr, chain in input_schemas(ctx):
            if chain and sub.get("type") == "string" and sub.get("format") == "binary" and ptr not in seen:
                seen.add(ptr)
                yield Violation({"operation": op_label(op)}, ptr)


MIME = re.compile(r"^[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+*-]+(\s*;\s*[A-Za-z0-9_.-]+=\S+)*\s*$")


@register
class MimeTypeNotValid(_PropRule):
    """A malformed MIME type in `consumes` or `produces`.

    What it does: flags a malformed MIME type in consumes or produces.

    Why it matters: the platform cannot pick a content type from it.

    Fix: write `type/subtype`, e.g. application/json.
    """

    severity = W
    message = "{value!r} in {key} is not a valid MIME type"

    def check(self, node, ctx):
        places = [((), doc(ctx))] + [(op.pointer, as_dict(op.op)) for op in operations(ctx)]
        for ptr, holder in places:
            for key in ("consumes", "produces"):
                for i, value in enumerate(as_list(holder.get(key))):
                    if not isinstance(value, str) or not MIME.match(value):
                        yield Violation({"value": value, "key": key}, ptr + (key, i))


@register
class OneOfPropertiesRequired(_PropRule):
    """x-ms-dynamic-values without `operationId`, `builtInOperation` or `capability`.

    What it does: flags x-ms-dynamic-values with none of `operationId`, `builtInOperation`, `capability`.

    Why it matters: the platform has nothing to call for the dropdown values.

    Fix: add `operationId` (or builtInOperation / capability).
    """

    severity = W
    message = "x-ms-dynamic-values needs one of operationId, builtInOperation, capability"

    def check(self, node, ctx):
        for ext, value, ptr, _ in dynamic_calls(ctx):
            if ext == "x-ms-dynamic-values" and not any(k in value for k in ("operationId", "builtInOperation",
                                                                              "capability")):
                yield Violation({}, ptr)


@register
class PropertyMustBeRequired(_PropRule):
    """An internal request body property with a default that is not required.

    What it does: flags an internal request body property with a default that its parent does not list as
    required.

    Why it matters: optional internal fields are dropped, so the default is never sent.

    Fix: add the property to the parent's `required`.
    """

    severity = W
    message = "{operation}: internal property {name!r} has a default but is not required"

    def check(self, node, ctx):
        if not has_key(ctx, "x-ms-visibility=internal"):
            return
        seen: set = set()
        for op, sub, ptr, chain in input_schemas(ctx):
            if not chain or sub.get("x-ms-visibility") != "internal" or "default" not in sub or ptr in seen:
                continue
            parent, name = chain[-1]
            if name is not None and name not in as_list(parent.get("required")):
                seen.add(ptr)
                yield Violation({"operation": op_label(op), "name": name}, ptr)


@register
class RequiredPropertyDefinitionMissing(MicrosoftRule):
    """A name in a schema's `required` that is not among its `properties`.

    What it does: flags a name in a schema's `required` that is not among its `properties`.

    Why it matters: the requirement can never be met or shown in the designer.

    Fix: add the property or remove the name from `required`.
    """

    category = "Properties"
    subject = "schema"
    severity = W
    message = "required property {name!r} is not defined in the schema"

    needs = ("required",)

    def check(self, node, ctx):
        schema = node.schema
        props = schema.get("properties")
        if not isinstance(props, dict) or "allOf" in schema or schema.get("additionalProperties") not in (None, False):
            return
        for name in as_list(schema.get("required")):
            if isinstance(name, str) and name not in props:
                yield Violation({"name": name}, node.pointer + ("required",))


@register
class RequiredPropertyMissing(_PropRule):
    """A property certification requires is missing (info.description, contact, metadata, parameter text).

    What it does: flags missing certification properties: info.description, info.contact,
    x-ms-connector-metadata, and `x-ms-summary` / `description` on visible operation parameters.

    Why it matters: Microsoft's validator rejects a certification submission without them (errors in its CI
    logs). The parameter checks are warnings: the service applies them to new submissions only, and most
    accepted connectors still lack some parameter summaries.

    Fix: add the missing property.
    """

    severity = E
    certification = True
    message = "the {name!r} property is required{of}"

    def check(self, node, ctx):
        root = doc(ctx)
        if not root:
            return
        info = root.get("info")
        if isinstance(info, dict):
            for key in ("description", "contact"):
                if key not in info:
                    yield Violation({"name": key, "of": ""}, ("info",))
        if "x-ms-connector-metadata" not in root:
            yield Violation({"name": "x-ms-connector-metadata", "of": ""}, ())
        seen: set = set()
        for op in operations(ctx):
            for p in op.parameters:
                param = as_dict(p.param)
                if p.pointer in seen or param.get("x-ms-visibility") == "internal":
                    continue
                seen.add(p.pointer)
                for key in ("x-ms-summary", "description"):
                    if key not in param:  # the parameter's name: which one, not where it is
                        yield Violation({"name": key, "of": f" on parameter {param.get('name')!r}"}, p.pointer,
                                        severity=W)


@register
class RequiredPropertyNotOnObject(MicrosoftRule):
    """A `required` list on a schema whose type is not object.

    What it does: flags a `required` list on a schema whose type is not object.

    Why it matters: only objects have properties to require; the list is ignored.

    Fix: remove `required`, or make the schema an object.
    """

    category = "Properties"
    subject = "schema"
    severity = W
    message = "required is only allowed on object schemas (type is {type})"

    needs = ("required",)

    def check(self, node, ctx):
        typ = node.schema.get("type")
        if isinstance(node.schema.get("required"), list) and isinstance(typ, str) and typ != "object":
            yield Violation({"type": typ}, node.pointer + ("required",))


@register
class RequiredReadOnlyPropertyNotAllowedAsInput(_PropRule):
    """A request body property that is both readOnly and required.

    What it does: flags a request body property that is both readOnly and required.

    Why it matters: users cannot fill a read-only field, yet the request needs it.

    Fix: drop `readOnly` or remove it from `required`.
    """

    severity = W
    message = "{operation}: input property {name!r} is both readOnly and required"

    def check(self, node, ctx):
        if not has_key(ctx, "readOnly"):
            return
        seen: set = set()
        for op, sub, ptr, chain in input_schemas(ctx):
            if not chain or sub.get("readOnly") is not True or ptr in seen:
                continue
            parent, name = chain[-1]
            if name is not None and name in as_list(parent.get("required")):
                seen.add(ptr)
                yield Violation({"operation": op_label(op), "name": name}, ptr)


_COVERED = "Reported by the Swagger 2.0 structural check (SchemaViolation), which applies Microsoft's repository schema"
not_implemented(
    "AdditionalPropertyNotAllowed", "Properties", W,
    "A property not allowed at this place in the document.",
    _COVERED + "; a second code for the same finding would only duplicate it.")
not_implemented(
    "JsonTypeIncorrect", "Properties", W,
    "A keyword's value has the wrong JSON type.",
    _COVERED + "; a second code for the same finding would only duplicate it.")
not_implemented(
    "JsonValueNotInEnum", "Properties", W,
    "A keyword's value is not one of its allowed values.",
    _COVERED + " and ExtensionValueNotAllowed (x-ms-* values); a second code would only duplicate them.")
not_implemented(
    "FilterFunctionsPropertyInvalidValue", "Properties", W,
    "filterFunctions holds a value outside the supported set.",
    "The supported set is only given inside the service's message; Microsoft does not publish it.")
not_implemented(
    "ProductionStatusOnBetaService", "Properties", W,
    "Connector status Production while the backend service is marked beta.",
    "Whether the backend is beta is service-side metadata, not part of the package files.")
