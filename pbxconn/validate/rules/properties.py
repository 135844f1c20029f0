"""Microsoft's Swagger Validator rules, table "Properties"."""

from __future__ import annotations

import re
from typing import Any, Iterator, Mapping

from pbxconn.core.findings import Severity
from pbxconn.validate.index import Index, spelled
from pbxconn.validate.rule import Violation, not_implemented, register
from pbxconn.validate.rules._helpers import (
    HTTP_METHODS, MicrosoftRule, _HolderRule, as_dict, as_list, doc, dynamic_calls, fits_type, has_key,
    op_label, operations, walk_schema,
)

E, W = Severity.ERROR, Severity.WARNING


def refs_clean(ctx: Any) -> bool:
    """Whether no `$ref` rule can fire: every `$ref` is alone in its object and names an existing
    definition, parameter or response, and parameter and response references sit only where
    such objects are expected."""
    root = doc(ctx)
    tables = {section: as_dict(root.get(section)) for section in ("definitions", "parameters", "responses")}
    uses = {"definitions": 0, "parameters": 0, "responses": 0}
    for holder in ctx.index.ref_objects:
        raw = holder["$ref"]
        if len(holder) != 1 or type(raw) is not str or not raw.startswith("#/"):
            return False
        section, _, name = raw[2:].partition("/")
        table = tables.get(section)
        if table is None or not name or "/" in name or "~" in name or "\\" in name or name not in table:
            return False
        uses[section] += 1
    if not uses["parameters"] and not uses["responses"]:
        return True
    expected_params = sum(1 for _ in parameter_list_refs(ctx))
    expected_responses = sum(1 for op in operations(ctx) for r in as_dict(as_dict(op.op).get("responses")).values()
                             if isinstance(r, dict) and "$ref" in r)
    return uses["parameters"] == expected_params and uses["responses"] == expected_responses


def parameter_list_refs(ctx: Any) -> Iterator[tuple[Any, tuple]]:
    """Every `$ref` written in a parameters list of a path item or operation: (ref value, pointer)."""
    for path, item in as_dict(doc(ctx).get("paths")).items():
        if not isinstance(item, dict):
            continue
        places = [(item.get("parameters"), ("paths", path, "parameters"))]
        for method, op in item.items():
            if isinstance(op, dict) and method in HTTP_METHODS:
                places.append((op.get("parameters"), ("paths", path, method, "parameters")))
        for raw, at in places:
            for i, entry in enumerate(as_list(raw)):
                if isinstance(entry, dict) and "$ref" in entry:
                    yield entry["$ref"], at + (i, "$ref")


def ref_sites(ctx: Any) -> list[tuple[Any, tuple, Mapping]]:
    """Every `$ref` in the swagger: (ref value, pointer of the object holding it, that object),
    in pointer order. Empty when `refs_clean` shows no `$ref` rule can fire."""
    return ctx.index.ref_sites


@Index.fact("ref_sites")
def build_ref_sites(ctx: Any) -> list[tuple[Any, tuple, Mapping]]:
    """The sites of `ref_sites`, found once per package for `Index.ref_sites`."""
    if refs_clean(ctx):  # the usual case: no walk of the document for the places of its $refs
        return []
    out = []
    for holder, link in ctx.index.ref_holders:
        ref, ptr = holder["$ref"], spelled(link)
        if ptr and ptr[-1] == "properties" and isinstance(ref, dict):
            continue  # a `properties` map with a property named "$ref": a property, not a reference
        out.append((ref, ptr, holder))
    out.sort(key=lambda s: tuple(str(x) for x in s[1]))
    return out


def in_extension(ptr: tuple) -> bool:
    """Whether a pointer lies inside an x- extension value (free-form content)."""
    return any(isinstance(p, str) and p.startswith("x-") for p in ptr)


class _PropRule(MicrosoftRule):
    category = "Properties"
    subject = "package"


@register
class AdditionalPropertyNotAllowedAdjacentToRef(_PropRule):
    """An object holds `$ref` together with other keys, which are ignored.

    What it does: flags an object holding `$ref` together with other keys.

    Why it matters: in Swagger 2.0 a `$ref` replaces the whole object; the sibling keys are ignored.

    Fix: move the keys into the referenced definition, or drop the `$ref`.
    """

    severity = W
    message = "keys {keys} next to $ref are ignored"

    def check(self, node, ctx):
        for ref, ptr, holder in ref_sites(ctx):
            extra = sorted(k for k in holder if k != "$ref")
            if extra and not in_extension(ptr):
                yield Violation({"keys": ", ".join(extra)}, ptr)


@register
class BasePathNotValid(_PropRule):
    """A `basePath` that does not start with `/`.

    What it does: flags a `basePath` that does not start with `/`.

    Why it matters: request URLs are host + basePath + path; without the slash they are malformed.

    Fix: start basePath with `/`.
    """

    severity = E
    message = "basePath {value!r} must start with '/'"

    def check(self, node, ctx):
        root = doc(ctx)
        if "basePath" in root:
            value = root["basePath"]
            if not isinstance(value, str) or not value.startswith("/"):
                yield Violation({"value": value}, ("basePath",))


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


REQUIRED_METADATA = ("Website", "Privacy policy", "Categories")


def connector_metadata(ctx: Any) -> list[tuple[int, str, Any]]:
    """(index, propertyName, propertyValue) of x-ms-connector-metadata entries."""
    out = []
    for i, entry in enumerate(as_list(doc(ctx).get("x-ms-connector-metadata"))):
        if isinstance(entry, dict) and isinstance(entry.get("propertyName"), str):
            out.append((i, entry["propertyName"], entry.get("propertyValue")))
    return out


@register
class ConnectorMetadataPropertiesMissing(_PropRule):
    """x-ms-connector-metadata lacks Website, Privacy policy or Categories.

    What it does: flags x-ms-connector-metadata without one of the entries Website, Privacy policy,
    Categories.

    Why it matters: certification requires all three; they fill the connector's public page.

    Fix: add the missing `{"propertyName": ..., "propertyValue": ...}` entry.
    """

    severity = W
    certification = True
    message = "x-ms-connector-metadata has no {name!r} entry"

    def check(self, node, ctx):
        if not isinstance(doc(ctx).get("x-ms-connector-metadata"), list):
            return
        names = {name.strip().lower() for _, name, _ in connector_metadata(ctx)}
        for name in REQUIRED_METADATA:
            if name.lower() not in names:
                yield Violation({"name": name}, ("x-ms-connector-metadata",))


EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")


@register
class ContactEmailNotValid(_PropRule):
    """`info.contact.email` is not a plain ASCII e-mail address.

    What it does: flags `info.contact.email` that is not a plain ASCII e-mail address.

    Why it matters: Microsoft and users contact the publisher there.

    Fix: write an address like `support@example.com`.
    """

    severity = W
    message = "contact email {value!r} is not a valid e-mail address"

    def check(self, node, ctx):
        contact = as_dict(as_dict(doc(ctx).get("info")).get("contact"))
        if "email" in contact:
            value = contact["email"]
            if not isinstance(value, str) or not EMAIL.match(value.strip()):
                yield Violation({"value": value}, ("info", "contact", "email"))


@register
class DefaultValueMustMatchType(_HolderRule):
    """A `default` whose JSON type differs from the declared `type`.

    What it does: flags a `default` whose JSON type differs from the declared `type`.

    Why it matters: the platform sends or shows a value the service does not accept.

    Fix: write the default with the declared type.
    """

    needs = ("default",)
    category = "Properties"
    severity = W
    message = "default {value!r} is not of type {type}"

    def test(self, obj, ctx):
        typ = obj.get("type")
        if "default" in obj and isinstance(typ, str) and obj["default"] is not None and not fits_type(obj["default"], typ):
            yield {"value": obj["default"], "type": typ}, ("default",)


@register
class EnumMustContainAtLeastOneElement(_HolderRule):
    """An empty `enum: []`.

    What it does: flags `enum: []`.

    Why it matters: no value can ever be valid.

    Fix: list the allowed values or remove `enum`.
    """

    needs = ("enum",)
    category = "Properties"
    severity = W
    message = "enum is empty"

    def test(self, obj, ctx):
        if obj.get("enum") == []:
            yield {}, ("enum",)


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


HOST = re.compile(r"^[^{}/ :\\]+(?::\d+)?$")


@register
class HostNameNotValid(_PropRule):
    """A `host` that is not a bare host name[:port].

    What it does: flags a `host` with a scheme, a path, spaces or other characters a bare host[:port] cannot
    have.

    Why it matters: Microsoft's validator rejects it (seen as an error in its CI logs); request URLs cannot be
    built.

    Fix: write only the host name (and port); put the path in basePath and the scheme in schemes.
    """

    severity = E
    message = "host {value!r} is not a bare host name[:port]"

    def check(self, node, ctx):
        root = doc(ctx)
        if "host" in root:
            value = root["host"]
            if not isinstance(value, str) or not HOST.match(value):
                yield Violation({"value": value}, ("host",))


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


CATEGORIES = ("AI", "Business Management", "Business Intelligence", "Collaboration", "Commerce", "Communication",
              "Content and Files", "Finance", "Data", "Human Resources", "Internet of Things", "IT Operations",
              "Lifestyle and Entertainment", "Marketing", "Productivity", "Sales and CRM", "Security",
              "Social Media", "Website")


def categories(ctx: Any) -> tuple[int, list[str]] | None:
    """(entry index, category names) of the Categories metadata entry, or None."""
    for i, name, value in connector_metadata(ctx):
        if name.strip().lower() == "categories" and isinstance(value, str):
            return i, [c.strip() for c in value.split(";") if c.strip()]
    return None


@register
class InvalidConnectorCategory(_PropRule):
    """A connector category that is not one of Microsoft's categories.

    What it does: flags a Categories value outside Microsoft's list of 19 categories.

    Why it matters: the connector cannot be listed under an unknown category.

    Fix: use names from the list (e.g. Communication; Productivity).
    """

    severity = W
    certification = True
    message = "connector category {value!r} is not one of Microsoft's categories"

    def check(self, node, ctx):
        found = categories(ctx)
        if found:
            index, names = found
            for name in names:
                if name not in CATEGORIES:
                    yield Violation({"value": name}, ("x-ms-connector-metadata", index, "propertyValue"))


@register
class TooManyConnectorCategories(_PropRule):
    """More than two connector categories.

    What it does: flags more than two connector Categories.

    Why it matters: certification allows at most two.

    Fix: keep the two that fit best.
    """

    severity = W
    certification = True
    message = "{count} connector categories given (at most 2)"

    def check(self, node, ctx):
        found = categories(ctx)
        if found and len(found[1]) > 2:
            yield Violation({"count": len(found[1])}, ("x-ms-connector-metadata", found[0], "propertyValue"))


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
class MissingEnumValuesDisplayName(_HolderRule):
    """An x-ms-enum-values item without `displayName`.

    What it does: flags an x-ms-enum-values item without `displayName`.

    Why it matters: the dropdown has nothing to show for the value.

    Fix: add a displayName.
    """

    needs = ("x-ms-enum-values",)
    category = "Properties"
    severity = W
    message = "x-ms-enum-values item {index} has no displayName"

    def test(self, obj, ctx):
        for i, item in enumerate(as_list(obj.get("x-ms-enum-values"))):
            if isinstance(item, dict) and not item.get("displayName"):
                yield {"index": i}, ("x-ms-enum-values", i)


@register
class MultipleOfMustBeGreaterThanZero(_HolderRule):
    """A `multipleOf` that is zero or negative.

    What it does: flags `multipleOf` that is zero or negative.

    Why it matters: no number satisfies it, so every input fails validation.

    Fix: use a positive number.
    """

    needs = ("multipleOf",)
    category = "Properties"
    severity = W
    message = "multipleOf {value!r} must be greater than 0"

    def test(self, obj, ctx):
        value = obj.get("multipleOf")
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value <= 0:
            yield {"value": value}, ("multipleOf",)


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


def schemes(ctx: Any) -> Iterator[tuple[Any, tuple]]:
    """Every scheme value (root and operations) with its pointer."""
    for i, value in enumerate(as_list(doc(ctx).get("schemes"))):
        yield value, ("schemes", i)
    for op in operations(ctx):
        for i, value in enumerate(as_list(as_dict(op.op).get("schemes"))):
            yield value, op.pointer + ("schemes", i)


@register
class SchemeNotValid(_PropRule):
    """A `schemes` entry other than http or https.

    What it does: flags a `schemes` entry other than http or https (ws/wss are reported by
    SchemeNotSupported).

    Why it matters: the platform calls services over HTTP(S) only.

    Fix: use `https`.
    """

    severity = E
    message = "scheme {value!r} is not valid; use https"

    def check(self, node, ctx):
        for value, ptr in schemes(ctx):
            if value not in ("http", "https", "ws", "wss"):
                yield Violation({"value": value}, ptr)


SECURITY_KEYS = {
    "basic": ({"type", "description"}, ()),
    "apiKey": ({"type", "description", "name", "in"}, ("name", "in")),
    "oauth2": ({"type", "description", "flow", "authorizationUrl", "tokenUrl", "scopes"}, ("flow", "scopes")),
}
OAUTH_URLS = {"implicit": ("authorizationUrl",), "password": ("tokenUrl",), "application": ("tokenUrl",),
              "accessCode": ("authorizationUrl", "tokenUrl")}


def security_schemes(ctx: Any) -> Iterator[tuple[str, Mapping]]:
    """(name, scheme) of securityDefinitions with a known type."""
    for name, scheme in as_dict(doc(ctx).get("securityDefinitions")).items():
        if isinstance(scheme, dict) and scheme.get("type") in SECURITY_KEYS:
            yield name, scheme


@register
class SecuritySchemePropertyNotValid(_PropRule):
    """A securityDefinitions entry has a key its type does not take.

    What it does: flags a securityDefinitions entry with a key its type does not have (e.g. `flow` on apiKey).

    Why it matters: the key is ignored, which usually means the scheme is not what the author intended.

    Fix: remove the key or fix the `type`.
    """

    severity = W
    message = "security scheme {name!r} ({type}) does not take {key!r}"

    def check(self, node, ctx):
        for name, scheme in security_schemes(ctx):
            allowed = SECURITY_KEYS[scheme["type"]][0]
            for key in scheme:
                if isinstance(key, str) and not key.startswith("x-") and key not in allowed:
                    yield Violation({"name": name, "type": scheme["type"], "key": key},
                                    ("securityDefinitions", name, key))


@register
class SecuritySchemePropertyRequired(_PropRule):
    """A securityDefinitions entry lacks a key its type needs.

    What it does: flags a securityDefinitions entry missing a key its type needs (apiKey: name, in; oauth2:
    flow, scopes and the URLs of its flow).

    Why it matters: without an apiKey's name or location the platform cannot authenticate calls (error). For
    oauth2 the platform takes its settings from apiProperties.json and accepted connectors lack `scopes`,
    so those are warnings.

    Fix: add the missing key.
    """

    severity = E
    message = "security scheme {name!r} ({type}) needs {key!r}"

    def check(self, node, ctx):
        for name, scheme in security_schemes(ctx):
            needed = list(SECURITY_KEYS[scheme["type"]][1])
            if scheme["type"] == "oauth2" and isinstance(scheme.get("flow"), str):
                needed += OAUTH_URLS.get(scheme["flow"], ())
            for key in needed:
                if key not in scheme:
                    yield Violation({"name": name, "type": scheme["type"], "key": key}, ("securityDefinitions", name),
                                    severity=None if scheme["type"] == "apiKey" else W)


@register
class SpecificationVersionIncorrect(_PropRule):
    """The `swagger` field is missing or not "2.0".

    What it does: flags a `swagger` field that is missing or not the string "2.0" (the one finding about it;
    an OpenAPI 3 document is OpenApi3NotSupported).

    Why it matters: the platform reads Swagger 2.0 only.

    Fix: write `"swagger": "2.0"` (OpenAPI 3 documents must be converted).
    """

    severity = E
    message = "{problem}"

    def check(self, node, ctx):
        root = doc(ctx)
        if root and root.get("swagger") != "2.0":
            if "swagger" in root:
                yield Violation({"problem": f"swagger version {root['swagger']!r} is not \"2.0\""}, ("swagger",))
            else:
                yield Violation({"problem": "the definition has no \"swagger\": \"2.0\" key"}, ())


@register
class TagRedefined(_PropRule):
    """A tag defined twice in the root `tags` list.

    What it does: flags a tag name defined twice in the root `tags` list.

    Why it matters: Swagger requires unique tag names; one description is lost.

    Fix: merge the two entries.
    """

    severity = W
    message = "tag {name!r} is defined more than once"

    def check(self, node, ctx):
        seen: set = set()
        for i, tag in enumerate(as_list(doc(ctx).get("tags"))):
            name = as_dict(tag).get("name")
            if isinstance(name, str):
                if name in seen:
                    yield Violation({"name": name}, ("tags", i))
                seen.add(name)


URL = re.compile(r"^https?://[^\s/?#]+\.[^\s/?#]+(?::\d+)?(?:[/?#]\S*)?$", re.IGNORECASE)


@register
class UrlNotValid(_PropRule):
    """A URL field (contact, license, terms, metadata) is not an absolute http(s) URL.

    What it does: flags a URL field (contact, license, termsOfService, externalDocs, Website and Privacy
    policy metadata) that is not an absolute http(s) URL.

    Why it matters: the links on the connector's page do not work.

    Fix: write the full URL, starting with https://.
    """

    severity = W
    message = "{field} {value!r} is not an absolute URL"

    def check(self, node, ctx):
        root = doc(ctx)
        info = as_dict(root.get("info"))
        places = [
            (as_dict(info.get("contact")), "url", ("info", "contact", "url"), "info.contact.url"),
            (as_dict(info.get("license")), "url", ("info", "license", "url"), "info.license.url"),
            (info, "termsOfService", ("info", "termsOfService"), "info.termsOfService"),
            (as_dict(root.get("externalDocs")), "url", ("externalDocs", "url"), "externalDocs.url"),
        ]
        for holder, key, ptr, label in places:
            if key in holder and (not isinstance(holder[key], str) or not URL.match(holder[key].strip())):
                yield Violation({"field": label, "value": holder[key]}, ptr)
        for i, name, value in connector_metadata(ctx):
            if name.strip().lower() in ("website", "privacy policy"):
                if not isinstance(value, str) or not URL.match(value.strip()):
                    yield Violation({"field": name, "value": value}, ("x-ms-connector-metadata", i, "propertyValue"))


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
