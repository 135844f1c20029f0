"""`$ref` sites of the swagger and the rule about keys beside a `$ref`."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from pbxconn.core.findings import Severity
from pbxconn.validate.index import Index, spelled
from pbxconn.validate.rule import Violation, register
from pbxconn.validate.rules._helpers import HTTP_METHODS, _PropRule, as_dict, as_list, doc, operations

W = Severity.WARNING


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
