"""How the designer turns a schema into fields and tokens: titles, keys, nesting and order.

This follows the schema processor of Microsoft's designer (Azure/LogicAppsUX,
`libs/logic-apps-shared/src/parsers/lib/common/schemaprocessor.ts`, which Power Automate's
designer shares): a field's title is its `title`, else its `x-ms-summary`, else its name, after the
titles (or summaries) of the objects around it; an array item is "Item"; properties come in the
order required, important, normal, advanced. docs/preview.md explains the choices.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from pbxconn.preview.resolve import Node, Resolver

ITEM_KEY = "*"
BODY_NAME = "key-body-output"
ITEM_NAME = "key-item-output"
SCALAR_TYPES = ("boolean", "integer", "null", "number", "string", None)
DYNAMIC_SCHEMA_KEYS = ("x-ms-dynamic-schema", "x-ms-dynamic-properties")
KNOWN_KEY_TITLES = {"$.body": "Body", "$.headers": "Headers", "$.queries": "Queries",
                    "$.pathparameters": "Path Parameters", "$.statuscode": "Status Code"}
KNOWN_NAME_TITLES = {BODY_NAME: "Body", ITEM_NAME: "Item"}


def text(value: Any) -> str | None:
    """A non-empty string value, else None (titles and summaries of other types are ignored)."""
    return value if isinstance(value, str) and value else None


def visibility_of(schema: Any) -> str:
    """`x-ms-visibility` in lower case ('' when absent or not a string)."""
    value = schema.get("x-ms-visibility") if isinstance(schema, dict) else None
    return value.strip().lower() if isinstance(value, str) else ""


def encode(key: str) -> str:
    """A property name as one segment of a dotted key ('.' and '*' escaped)."""
    return key.replace("~", "~0").replace(".", "~1").replace("*", "~2")


def decode(segment: str) -> str:
    """The property name of one segment of a dotted key."""
    return segment.replace("~2", "*").replace("~1", ".").replace("~0", "~")


def _concat(left: str | None, right: str | None) -> str | None:
    return f"{left} {right}" if left and right else right or left


def _read_only(schema: dict) -> bool:
    return schema.get("readOnly") is True or str(schema.get("x-ms-permission", "")).lower() == "read-only"


@dataclass
class Parent:
    """What a property inherits from the object or array around it."""

    visibility: str = ""
    array_name: str | None = None
    is_array: bool = False


@dataclass
class Options:
    """The processor's options, as the designer names them (outputs and inputs differ)."""

    is_input: bool = False
    expand_arrays: bool = False
    include_parent: bool = False
    exclude_internal: bool = True
    required: bool | None = False
    key_prefix: str | None = None
    prefix: str | None = None
    current_key: str | None = None
    title_prefix: str | None = None
    summary_prefix: str | None = None
    parent: Parent | None = None
    output_key: str | None = None


@dataclass
class Prop:
    """One field or token before it becomes a view-model Input or Token."""

    key: str
    name: str
    title: str
    visibility: str
    required: bool | None
    node: Node
    in_array: bool = False
    parent_array: str | None = None

    @property
    def schema(self) -> dict:
        """The (followed) schema of the field."""
        return self.node.value if isinstance(self.node.value, dict) else {}

    @property
    def type(self) -> str:
        """The schema's type as the designer shows it ('any' when absent)."""
        kind = self.schema.get("type")
        return kind if isinstance(kind, str) and kind else "any"


def sort_props(props: list[Prop]) -> list[Prop]:
    """Required (or conditionally required) first, then important, normal, advanced; stable."""
    def rank(prop: Prop) -> int:
        if prop.required or "x-ms-input-dependencies" in prop.schema:
            return 0
        if prop.visibility == "important":
            return 1
        return 3 if prop.visibility == "advanced" else 2

    return sorted(props, key=rank)


def known_title(name: str | None, description: Any) -> str:
    """The designer's fallback title from a field's name (its last segment)."""
    if name == BODY_NAME and text(description):
        return description
    if name in KNOWN_NAME_TITLES:
        return KNOWN_NAME_TITLES[name]
    return decode(name.rsplit(".", 1)[-1]) if name else ""


def known_key_title(key: str) -> str | None:
    """Fixed titles of a few top-level keys, and `x-ms-foo-bar` as 'Foo Bar'."""
    lowered = key.lower()
    if lowered in KNOWN_KEY_TITLES:
        return KNOWN_KEY_TITLES[lowered]
    if key.startswith("$.x-ms-"):
        return " ".join(word[:1].upper() + word[1:] for word in key[len("$.x-ms-"):].split("-"))
    return None


class Processor:
    """Turns one schema into the list of properties the designer shows."""

    def __init__(self, resolver: Resolver, options: Options) -> None:
        self.resolver = resolver
        self.o = options

    def properties(self, node: Node) -> list[Prop]:
        """Every property of `node`'s schema, in the designer's order."""
        schema = node.value if isinstance(node.value, dict) else {}
        kind = schema.get("type")
        if isinstance(kind, list):
            props = []
            for each in kind:
                props += self.properties(Node({**schema, "type": each}, node.logical, node.physical, node.refs))
        elif kind == "array":
            props = self._array(node)
        elif kind in SCALAR_TYPES or not isinstance(kind, str):
            props = self._scalar(node)
        elif kind == "object":
            props = self._object(node)
        else:
            props = []
        if self.o.exclude_internal:
            props = [p for p in props if p.visibility != "internal"]
        return sort_props(props)

    # --- kinds of schema ------------------------------------------------------------------------

    def _array(self, node: Node, skip_parent: bool = False) -> list[Prop]:
        schema = node.value
        items = self.resolver.child(node, "items")
        item_schema = items.value if isinstance(items.value, dict) else {}
        outputs = [] if skip_parent else self._scalar(node)
        read_only_input = self.o.is_input and _read_only(schema)
        if not self.o.expand_arrays or visibility_of(schema) == "internal" or read_only_input:
            return outputs
        if self.o.parent is not None:
            self.o.parent.array_name = self.o.prefix
            self.o.parent.is_array = True
            self.o.parent.visibility = self._visibility(schema)
        else:
            self.o.parent = Parent(self._visibility(schema), self._name(), True)
        if not self.o.is_input:
            self.o.prefix = None
        summary = text(schema.get("x-ms-summary"))
        if self.o.is_input:
            title = text(schema.get("title")) or ("Item" if self.o.current_key == ITEM_KEY else self.o.current_key)
        else:
            title = text(schema.get("title"))
        self.o.title_prefix = _concat(self.o.title_prefix, None if text(item_schema.get("title")) else title)
        self.o.summary_prefix = _concat(self.o.summary_prefix,
                                        None if text(item_schema.get("x-ms-summary")) else summary)
        self.o.current_key = ITEM_KEY
        item = self._details(items, array_item=True)
        if item is None:
            return outputs
        outputs.append(item)
        item_kind = item_schema.get("type")
        if item_kind == "object":
            if any(k in item_schema for k in DYNAMIC_SCHEMA_KEYS):
                return self._scalar(items) + outputs
            key_prefix = f"{self.o.key_prefix}.{ITEM_KEY}" if self.o.key_prefix else f"$.{ITEM_KEY}"
            inner = self._object_outputs(items, key_prefix, self.o.title_prefix, self.o.summary_prefix)
            if inner:
                return inner + outputs
        elif item_kind == "array":
            self.o.key_prefix, self.o.prefix = item.key, item.name
            nested = self._array(items, skip_parent=True)
            if nested:
                return nested + outputs
        return outputs

    def _object(self, node: Node) -> list[Prop]:
        outputs = self._object_outputs(node, self.o.key_prefix, self.o.title_prefix, self.o.summary_prefix)
        if any(k in node.value for k in DYNAMIC_SCHEMA_KEYS):
            return self._scalar(node)
        return outputs or self._scalar(node)

    def _object_outputs(self, node: Node, key_prefix: str | None, title_prefix: str | None,
                        summary_prefix: str | None) -> list[Prop]:
        schema = node.value
        properties = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
        required = schema.get("required") if isinstance(schema.get("required"), list) else []
        read_only_input = self.o.is_input and _read_only(schema)
        summary = text(schema.get("x-ms-summary"))
        title_prefix = _concat(title_prefix, text(schema.get("title")))
        summary_prefix = _concat(summary_prefix, summary)
        out: list[Prop] = []
        if properties and visibility_of(schema) != "internal" and not read_only_input:
            parent_key = key_prefix or self.o.key_prefix or "$"
            for key in properties:
                segment = encode(key)
                child = replace(
                    self.o,
                    current_key=key,
                    key_prefix=f"{parent_key}.{segment}",
                    prefix=f"{self.o.prefix}.{segment}" if self.o.prefix else segment,
                    required=(key in required) if self.o.required is None
                    else bool(self.o.required and key in required),
                    parent=replace(self.o.parent or Parent(), visibility=self._visibility(schema)),
                    title_prefix=title_prefix,
                    summary_prefix=summary_prefix,
                    output_key=None,
                )
                out += Processor(self.resolver, child).properties(self.resolver.child(node, "properties", key))
        if self.o.include_parent and not read_only_input:
            key = key_prefix or self.o.key_prefix or "$"
            name = self._name()
            title = self._title(text(schema.get("title")) or summary, self.o.current_key, key, name,
                                schema.get("description"))
            out.append(self._prop(key, name, title, node))
        return sort_props(out)

    def _scalar(self, node: Node) -> list[Prop]:
        prop = self._details(node)
        return [prop] if prop is not None else []

    def _details(self, node: Node, array_item: bool = False) -> Prop | None:
        schema = node.value if isinstance(node.value, dict) else {}
        key = self.o.key_prefix or "$"
        if array_item:
            key = f"{key}.{ITEM_KEY}"
        name = self._name()
        title = self._title(text(schema.get("title")) or text(schema.get("x-ms-summary")), self.o.current_key, key,
                            name, schema.get("description"))
        if self.o.is_input and _read_only(schema):
            return None
        if not title and self.o.is_input:
            title = "Body"
        return self._prop(key, name or title, title, node)

    # --- names and titles -----------------------------------------------------------------------

    def _prop(self, key: str, name: str | None, title: str, node: Node) -> Prop:
        parent = self.o.parent
        return Prop(key, name or "", title, self._visibility(node.value), self.o.required, node,
                    in_array=bool(parent and parent.is_array),
                    parent_array=parent.array_name if parent else None)

    def _name(self) -> str | None:
        parent = self.o.parent
        if not self.o.prefix and not self.o.is_input:
            if parent is not None and parent.is_array:
                if parent.array_name and parent.array_name != BODY_NAME:
                    return f"{parent.array_name}-{ITEM_NAME}"
                return ITEM_NAME
            return self.o.output_key or BODY_NAME
        if (self.o.is_input and parent is not None and parent.is_array and parent.array_name
                and self.o.current_key == ITEM_KEY):
            return f"{parent.array_name}.{ITEM_KEY}"
        return self.o.prefix or self.o.current_key

    def _title(self, title: str | None, key: str | None, key_prefix: str, name: str | None,
               description: Any) -> str:
        if title:
            shown = title
        elif key == ITEM_KEY:
            shown = "Item"
        else:
            known = known_key_title(key_prefix)
            shown = known if known is not None else known_title(name, description)
        prefix = self.o.title_prefix or self.o.summary_prefix
        return f"{prefix} {shown}" if prefix and shown else shown

    def _visibility(self, schema: Any) -> str:
        return visibility_of(schema) or (self.o.parent.visibility if self.o.parent is not None else "")
