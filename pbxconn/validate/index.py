"""The facts rules share about one package, each built once, in as few passes as possible.

`Package.index` owns one `Index`; every shared fact is a cached property of it, so a rule asks
`pkg.index.extensions` instead of walking the document itself. The facts about the document's
shape (keyword holders, keys present, dynamic calls, x-ms extension sites, `$ref` holders) are
built here, partly from what the parser gathered; facts whose meaning belongs to a group of
rules (secrets, notification marks, `$ref` sites, operation families, ...) are declared next to
those rules with `@Index.fact("name")`, so this module imports no rule module."""

from __future__ import annotations

import weakref
from functools import cached_property
from typing import TYPE_CHECKING, Any, Callable, Mapping, NamedTuple, TypeVar

from pbxconn.core.swagger import HTTP_METHODS

if TYPE_CHECKING:  # pragma: no cover
    from pbxconn.validate.package import Package
    from pbxconn.validate.rule import OperationNode


class ExtensionSite(NamedTuple):
    """One `x-ms*` key: the kind of object holding it, that object's pointer, key and value."""

    kind: str  # root, info, path, operation, parameter, schema, response, header
    at: tuple
    key: str
    value: Any


class Holder(NamedTuple):
    """An object that can carry schema keywords: a non-body parameter (or its `items`) or a schema."""

    obj: Mapping[str, Any]
    pointer: tuple


class DynamicCall(NamedTuple):
    """One dynamic extension object (x-ms-dynamic-values, -list, -schema, -properties, -tree)."""

    ext: str
    value: Mapping[str, Any]
    pointer: tuple
    caller: "OperationNode | None"


class RefHolder(NamedTuple):
    """An object of the swagger holding `$ref`, with its place as (parent link, key) links."""

    obj: Mapping[str, Any]
    link: Any


DYNAMIC_KEYS = ("x-ms-dynamic-values", "x-ms-dynamic-list", "x-ms-dynamic-schema",
                "x-ms-dynamic-properties", "x-ms-dynamic-tree")
_DYNAMIC_SET = frozenset(DYNAMIC_KEYS)
_SUB_SCHEMA_KEYS = frozenset(("properties", "items", "allOf", "anyOf", "oneOf", "additionalProperties"))
_X = "xX"
T = TypeVar("T")


class Index:
    """Shared facts of one package; each property is computed on first use and kept."""

    def __init__(self, pkg: "Package") -> None:
        # a proxy: the package owns its index, and a cycle would leave both to the cyclic collector
        self.pkg: "Package" = weakref.proxy(pkg)

    # --- from the parsed nodes (operations, parameters, schemas of the Package) ----------------

    @cached_property
    def holders(self) -> list[Holder]:
        """Every keyword holder, each place once: parameters (and their nested `items`), then schemas."""
        out: list[Holder] = []
        seen: set[tuple] = set()
        for p in self.pkg.parameters:
            param = p.param
            if not isinstance(param, dict) or param.get("in") == "body" or p.pointer in seen:
                continue
            seen.add(p.pointer)
            out.append(Holder(param, p.pointer))
            items, ptr, depth = param.get("items"), p.pointer + ("items",), 0
            while isinstance(items, dict) and depth < 20:
                out.append(Holder(items, ptr))
                items, ptr, depth = items.get("items"), ptr + ("items",), depth + 1
        out.extend([Holder(s.schema, s.pointer) for s in self.pkg.schemas if isinstance(s.schema, dict)])
        return out

    @cached_property
    def keys(self) -> frozenset[str]:
        """Every key of every parameter and schema, plus "format=<value>", "x-ms-visibility=<value>"
        and "x-ms-dynamic-*" when such keys occur (a cheap test before looking for a rare keyword)."""
        objects = [p.param for p in self.pkg.parameters] + [s.schema for s in self.pkg.schemas]
        objects = [obj for obj in objects if isinstance(obj, dict)]
        found: set[str] = set().union(*objects)  # every key, gathered in one C-level call
        for name in ("format", "x-ms-visibility"):
            if name in found:
                found.update(f"{name}={value}" for obj in objects if isinstance(value := obj.get(name), str))
        if any(isinstance(k, str) and k.startswith("x-ms-dynamic-") for k in found):
            found.add("x-ms-dynamic-*")
        return frozenset(found)

    @cached_property
    def dynamic_calls(self) -> list[DynamicCall]:
        """Every dynamic extension object on a parameter or schema, in pointer order."""
        out: list[DynamicCall] = []
        if "x-ms-dynamic-*" not in self.keys:
            return out
        seen: set[tuple] = set()

        def add(holder: Mapping, ptr: tuple, caller: Any) -> None:
            for key in DYNAMIC_KEYS:
                value = holder.get(key)
                if isinstance(value, dict) and ptr + (key,) not in seen:
                    seen.add(ptr + (key,))
                    out.append(DynamicCall(key, value, ptr + (key,), caller))

        lacking = _DYNAMIC_SET.isdisjoint  # most objects hold no dynamic extension at all
        for p in self.pkg.parameters:
            if isinstance(p.param, dict) and not lacking(p.param):
                add(p.param, p.pointer, p.operation)
        for s in self.pkg.schemas:
            if isinstance(s.schema, dict) and not lacking(s.schema):
                add(s.schema, s.pointer, s.operation)
        out.sort(key=lambda c: tuple(str(x) for x in c.pointer))
        return out

    # --- from the raw swagger (two walks: structural objects, and every object) ----------------

    @cached_property
    def document_keys(self) -> frozenset[str] | None:
        """Every object key of the swagger, gathered while parsing (None when it was not parsed here)."""
        source = self.pkg.files.get("swagger")
        return source.keys if source is not None else None

    @cached_property
    def extensions(self) -> list[ExtensionSite]:
        """Every `x-ms*` key of the structural objects, with the kind of object holding it."""
        known = self.document_keys
        if known is None:
            return extension_sites(self.pkg.swagger)
        names = frozenset(k for k in known if k[:1] in _X and k[:4].lower() == "x-ms")
        return extension_sites(self.pkg.swagger, names) if names else []

    @cached_property
    def ref_objects(self) -> list[Mapping[str, Any]]:
        """Every object of the swagger that holds `$ref` (gathered while parsing when it could be)."""
        source = self.pkg.files.get("swagger")
        if source is not None and source.ref_objects is not None:
            return source.ref_objects
        return [holder.obj for holder in self.ref_holders]

    @cached_property
    def ref_holders(self) -> list[RefHolder]:
        """Every object of the swagger that holds `$ref`, anywhere (examples included), with its place."""
        known = self.document_keys
        if known is not None and "$ref" not in known:
            return []
        return ref_holders(self.pkg.swagger)

    # --- facts declared next to the rules that define them (`Index.fact`) ----------------------

    @classmethod
    def fact(cls, name: str) -> Callable[[Callable[["Package"], T]], Callable[["Package"], T]]:
        """Declare a shared fact where the rules that define it live: `@Index.fact("invoked")` on
        `def build(pkg) -> ...` makes `pkg.index.invoked`, built once per package on first use.
        The index itself then imports no rule module."""
        def declare(build: Callable[["Package"], T]) -> Callable[["Package"], T]:
            where = f"{build.__module__}.{build.__qualname__}"
            known = cls.__dict__.get(name)
            if known is not None and getattr(known.func, "declared_by", None) != where:  # a reload may redeclare
                raise ValueError(f"index fact {name!r} is declared twice ({where})")

            def compute(self: "Index") -> T:
                return build(self.pkg)

            compute.__doc__ = build.__doc__
            compute.declared_by = where  # type: ignore[attr-defined]
            prop = cached_property(compute)
            prop.__set_name__(cls, name)
            setattr(cls, name, prop)
            return build
        return declare


def spelled(link: Any) -> tuple:
    """The pointer tuple of a (parent link, key) chain."""
    parts = []
    while link is not None:
        link, key = link
        parts.append(key)
    parts.reverse()
    return tuple(parts)


def ref_holders(root: Any) -> list[RefHolder]:
    """Every object holding `$ref` in a document, with its place as (parent link, key) links.
    One recursive pass that enters only containers (the deepest documents fall back to a stack)."""
    out: list[RefHolder] = []
    add = out.append

    def visit(node: dict, link: Any) -> None:
        if "$ref" in node:
            add(RefHolder(node, link))
        for key, value in node.items():
            kind = type(value)
            if kind is dict:
                visit(value, (link, key))
            elif kind is list:
                visit_list(value, (link, key))

    def visit_list(node: list, link: Any) -> None:
        for i, value in enumerate(node):
            kind = type(value)
            if kind is dict:
                visit(value, (link, i))
            elif kind is list:
                visit_list(value, (link, i))

    if type(root) is not dict:
        return out
    try:
        visit(root, None)
    except RecursionError:
        out.clear()
        stack: list[tuple[Any, Any]] = [(root, None)]
        while stack:
            node, link = stack.pop()
            if isinstance(node, dict):
                if "$ref" in node:
                    add(RefHolder(node, link))
                stack.extend((v, (link, k)) for k, v in node.items() if isinstance(v, (dict, list)))
            elif isinstance(node, list):
                stack.extend((v, (link, i)) for i, v in enumerate(node) if isinstance(v, (dict, list)))
    return out


def extension_sites(swagger: Any, names: frozenset[str] | None = None) -> list[ExtensionSite]:
    """Every `x-ms*` key of the structural objects: one recursive pass with a function per kind of
    object (root, info, path, operation, parameter, response, header, schema), so no per-node
    dispatch. Places are kept as (parent link, key) links and spelled out only for objects that
    hold an extension. `names`, when known, are all the x-ms* keys of the document: an object
    holding none of them is passed over with one C-level test."""
    out: list[ExtensionSite] = []
    if not isinstance(swagger, dict):
        return out
    add, leaf = out.append, _SUB_SCHEMA_KEYS.isdisjoint
    lacks = names.isdisjoint if names is not None else None

    def report(kind: str, node: dict, link: Any) -> None:
        if lacks is None or not lacks(node):
            _report(kind, node, link, add)

    def schema(node: Any, link: Any, kind: str = "schema") -> None:
        if type(node) is not dict:
            return
        report(kind, node, link)
        if leaf(node):  # most schemas: no sub-schema keys at all
            return
        props = node.get("properties")
        if type(props) is dict:
            here = (link, "properties")
            for name, child in props.items():
                schema(child, (here, name))
        items = node.get("items")
        if type(items) is list:
            here = (link, "items")
            for i, child in enumerate(items):
                schema(child, (here, i))
        elif items is not None:
            schema(items, (link, "items"))
        for key in ("allOf", "anyOf", "oneOf"):
            group = node.get(key)
            if type(group) is list:
                here = (link, key)
                for i, child in enumerate(group):
                    schema(child, (here, i))
        extra = node.get("additionalProperties")
        if type(extra) is dict:
            schema(extra, (link, "additionalProperties"))

    def parameter(node: Any, link: Any) -> None:
        if type(node) is not dict:
            return
        report("parameter", node, link)
        if "schema" in node:
            schema(node["schema"], (link, "schema"))
        if "items" in node:
            schema(node["items"], (link, "items"))

    def response(node: Any, link: Any) -> None:
        if type(node) is not dict:
            return
        report("response", node, link)
        if "schema" in node:
            schema(node["schema"], (link, "schema"))
        headers = node.get("headers")
        if type(headers) is dict:
            here = (link, "headers")
            for name, child in headers.items():
                schema(child, (here, name), "header")

    def parameters(value: Any, link: Any) -> None:
        if type(value) is list:
            for i, child in enumerate(value):
                parameter(child, (link, i))

    def operation(node: Any, link: Any) -> None:
        if type(node) is not dict:
            return
        report("operation", node, link)
        parameters(node.get("parameters"), (link, "parameters"))
        table = node.get("responses")
        if type(table) is dict:
            here = (link, "responses")
            for code, child in table.items():
                response(child, (here, code))

    def path(node: Any, link: Any) -> None:
        if type(node) is not dict:
            return
        report("path", node, link)
        for method in HTTP_METHODS:
            if method in node:
                operation(node[method], (link, method))
        parameters(node.get("parameters"), (link, "parameters"))

    def walk() -> None:
        report("root", swagger, None)
        info = swagger.get("info")
        if type(info) is dict:
            report("info", info, (None, "info"))
        for section, visit in (("paths", path), ("definitions", schema), ("parameters", parameter),
                               ("responses", response)):
            table = swagger.get(section)
            if type(table) is dict:
                here = (None, section)
                for name, child in table.items():
                    visit(child, (here, name))

    try:
        walk()
    except RecursionError:  # a schema nested deeper than the interpreter's stack: walk with a list
        out.clear()
        out.extend(_extension_sites_stack(swagger))
    return out


def _report(kind: str, node: dict, link: Any, add: Callable) -> None:
    """Add an ExtensionSite for each `x-ms*` key of one object; the owner's (parent link, key)
    links are spelled out only when it holds one."""
    at = None
    for key in node:
        if type(key) is str and key[:1] in _X and key[:4].lower() == "x-ms":
            if at is None:
                at = spelled(link)
            add(ExtensionSite(kind, at, key, node[key]))


def _extension_sites_stack(swagger: Any) -> list[ExtensionSite]:
    """`extension_sites` with an explicit stack, for documents nested deeper than recursion allows."""
    out: list[ExtensionSite] = []
    if not isinstance(swagger, dict):
        return out
    stack: list[tuple[str, Any, Any]] = [("root", swagger, None)]
    pop, push, leaf = stack.pop, stack.append, _SUB_SCHEMA_KEYS.isdisjoint
    seen = 0
    while stack:
        kind, node, link = pop()
        seen += 1
        if not isinstance(node, dict) or seen > 500_000:
            continue
        _report(kind, node, link, out.append)
        if kind == "schema" or kind == "header":
            if leaf(node):
                continue
            props = node.get("properties")
            if isinstance(props, dict) and props:
                here = (link, "properties")
                for name, child in props.items():
                    push(("schema", child, (here, name)))
            items = node.get("items")
            if isinstance(items, list):
                here = (link, "items")
                for i, child in enumerate(items):
                    push(("schema", child, (here, i)))
            elif items is not None:
                push(("schema", items, (link, "items")))
            for key in ("allOf", "anyOf", "oneOf"):
                group = node.get(key)
                if isinstance(group, list):
                    here = (link, key)
                    for i, child in enumerate(group):
                        push(("schema", child, (here, i)))
            extra = node.get("additionalProperties")
            if isinstance(extra, dict):
                push(("schema", extra, (link, "additionalProperties")))
        elif kind == "parameter":
            if "schema" in node:
                push(("schema", node["schema"], (link, "schema")))
            if "items" in node:
                push(("schema", node["items"], (link, "items")))
        elif kind == "response":
            if "schema" in node:
                push(("schema", node["schema"], (link, "schema")))
            _push_map(push, "header", node.get("headers"), (link, "headers"))
        elif kind == "operation":
            _push_list(push, "parameter", node.get("parameters"), (link, "parameters"))
            _push_map(push, "response", node.get("responses"), (link, "responses"))
        elif kind == "path":
            for method in HTTP_METHODS:
                if method in node:
                    push(("operation", node[method], (link, method)))
            _push_list(push, "parameter", node.get("parameters"), (link, "parameters"))
        elif kind == "root":
            push(("info", node.get("info"), (link, "info")))
            _push_map(push, "path", node.get("paths"), (link, "paths"))
            _push_map(push, "schema", node.get("definitions"), (link, "definitions"))
            _push_map(push, "parameter", node.get("parameters"), (link, "parameters"))
            _push_map(push, "response", node.get("responses"), (link, "responses"))
    return out


def _push_map(push: Callable, kind: str, value: Any, link: Any) -> None:
    if isinstance(value, dict) and value:
        for name, child in value.items():
            push((kind, child, (link, name)))


def _push_list(push: Callable, kind: str, value: Any, link: Any) -> None:
    if isinstance(value, list):
        for i, child in enumerate(value):
            push((kind, child, (link, i)))
