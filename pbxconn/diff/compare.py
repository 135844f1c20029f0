"""Compare two versions of a connector and report every change as a Finding with a change code.

Both swagger documents are compared with their local `$ref`s inlined, so where a schema is
written (inline or in `definitions`) is not a change. Operations are matched by operationId,
then by method + path, which tells a renamed operationId from a moved operation. Pointers in
findings are logical (the path through the operation, as if every `$ref` were inlined); line and
column are those of the text the pointer leads to through the references.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterable

from pbxconn.core.findings import Finding, Severity, sort_findings
from pbxconn.core.pointer import to_pointer
from pbxconn.core.refs import RefError, follow, inline
from pbxconn.diff.changes import CHANGES
from pbxconn.validate.package import HTTP_METHODS, Package

Where = tuple  # a logical path: ("paths", "/x", "get", "parameters", 0)

VISIBILITY_RANK = {"internal": 0, "advanced": 1, "none": 2, "important": 3}
POLICY_OPERATIONS = "x-ms-apimTemplate-operationName"
PROPERTY_METADATA_KEYS = ("iconBrandColor", "publisher", "stackOwner", "displayName")


@dataclass(frozen=True, slots=True)
class Change:
    """One difference before it becomes a Finding: code, arguments, logical paths, file role."""

    code: str
    args: dict
    old: Where | None
    new: Where | None
    role: str = "swagger"


_VALUES = ("old", "new", "values")


@dataclass
class _Changes:
    """Collects changes in the order they are found."""

    items: list[Change] = field(default_factory=list)

    def add(self, code: str, old_path: Where | None, new_path: Where | None, role: str = "swagger", /,
            **args: Any) -> None:
        """Record one change; values (`old`, `new`, `values`) are shown as JSON, names verbatim."""
        if code not in CHANGES:
            raise KeyError(f"unknown change code {code}")
        shown = {k: show(v) if k in _VALUES or not isinstance(v, str) else v for k, v in args.items()}
        self.items.append(Change(code, shown, old_path, new_path, role))


def show(value: Any, limit: int = 80) -> str:
    """Short, deterministic text of a JSON value for messages ('(none)' when absent)."""
    if value is None:
        return "(none)"
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --- entry point ------------------------------------------------------------------------------

def compare(old: Package, new: Package) -> list[Finding]:
    """Every change from `old` to `new`, as sorted Findings (ERROR = breaking, INFO = not)."""
    changes = compare_documents(old.swagger or {}, new.swagger or {},
                                _properties(old), _properties(new))
    return sort_findings([_finding(change, old, new) for change in changes])


def _properties(package: Package) -> dict | None:
    """apiProperties data; {} for a folder without the file; None for a lone swagger file."""
    if package.kind == "file":
        return None
    value = package.properties
    return value if isinstance(value, dict) else {}


def compare_documents(old_swagger: dict, new_swagger: dict,
                      old_properties: dict | None = None, new_properties: dict | None = None) -> list[Change]:
    """Changes between two swagger documents and (when both are given) their apiProperties."""
    c = _Changes()
    old_doc, new_doc = inline(old_swagger), inline(new_swagger)
    _document(c, old_doc, new_doc)
    renames = _operations(c, old_doc, new_doc)
    if old_properties is not None and new_properties is not None:
        _api_properties(c, old_properties, new_properties, renames)
    return c.items


def _finding(change: Change, old: Package, new: Package) -> Finding:
    """Turn a Change into a Finding located in the new version (the old one for removals)."""
    kind = CHANGES[change.code]
    use_old = kind.side == "old" or change.new is None
    if change.old is None:
        use_old = False
    package, path = (old, change.old) if use_old else (new, change.new)
    raw = package.swagger if change.role == "swagger" else package.properties
    line, column = package.locate(change.role, physical_path(raw, path or ()))
    old_pointer = to_pointer(change.old) if change.old is not None else ""
    new_pointer = to_pointer(change.new) if change.new is not None else ""
    return Finding(
        code=change.code,
        severity=Severity.ERROR if kind.breaking else Severity.INFO,
        message=kind.message.format(**change.args),
        file=package.file_label(change.role),
        line=line,
        column=column,
        pointer=old_pointer if use_old else new_pointer,
        extra={"class": kind.cls, "old_pointer": old_pointer, "new_pointer": new_pointer},
    )


def physical_path(raw: Any, path: Iterable) -> tuple:
    """Where a logical path's text is in the raw document: the path through followed `$ref`s."""
    node, out = raw, []
    for part in path:
        if isinstance(node, dict) and "$ref" in node:
            try:
                node, target = follow(raw, node)
            except (RefError, TypeError, ValueError):
                break
            out = list(target or ())
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            break
        out.append(part)
    return tuple(out)


# --- document level -----------------------------------------------------------------------------

_DOCUMENT_HANDLED = {"paths", "definitions", "parameters", "responses", "host", "basePath", "schemes",
                     "securityDefinitions", "security", "info", "x-ms-connector-metadata", "tags"}


def _document(c: _Changes, old: dict, new: dict) -> None:
    """host, basePath, schemes, security, info and the remaining top-level keys."""
    for key, code in (("host", "HostChanged"), ("basePath", "BasePathChanged"), ("schemes", "SchemesChanged"),
                      ("securityDefinitions", "SecurityChanged"), ("security", "SecurityChanged")):
        if old.get(key) != new.get(key):
            c.add(code, (key,), (key,), what=key, old=old.get(key), new=new.get(key))
    old_info, new_info = _dict(old.get("info")), _dict(new.get("info"))
    for key in _keys(old_info, new_info):
        if old_info.get(key) != new_info.get(key):
            path = ("info", key)
            if key == "description":
                c.add("DescriptionChanged", path, path, subject="info", key=key)
            else:
                c.add("MetadataChanged", path, path, what=f"info.{key}", old=old_info.get(key),
                      new=new_info.get(key))
    for key in ("x-ms-connector-metadata", "tags"):
        if old.get(key) != new.get(key):
            c.add("MetadataChanged", (key,), (key,), what=key, old=old.get(key), new=new.get(key))
    _others(c, "document", old, new, (), (), _DOCUMENT_HANDLED)


# --- operations ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Op:
    path: str
    method: str
    op: dict
    item: dict

    @property
    def id(self) -> str | None:
        value = self.op.get("operationId")
        return value if isinstance(value, str) and value else None

    @property
    def name(self) -> str:
        return self.id or f"{self.method.upper()} {self.path}"

    @property
    def at(self) -> Where:
        return ("paths", self.path, self.method)


def _list_operations(doc: dict) -> list[_Op]:
    """Every operation of a document, in document order."""
    out = []
    for path, item in _dict(doc.get("paths")).items():
        if isinstance(item, dict):
            out.extend(_Op(path, m, item[m], item) for m in HTTP_METHODS if isinstance(item.get(m), dict))
    return out


def _unique_ids(ops: list[_Op]) -> dict[str, _Op]:
    """operationId -> operation, for ids used exactly once."""
    counts: dict[str, int] = {}
    for op in ops:
        if op.id:
            counts[op.id] = counts.get(op.id, 0) + 1
    return {op.id: op for op in ops if op.id and counts[op.id] == 1}


def _operations(c: _Changes, old_doc: dict, new_doc: dict) -> dict[str, str]:
    """Match and compare operations; return old operationId -> new operationId for matched pairs."""
    old_ops, new_ops = _list_operations(old_doc), _list_operations(new_doc)
    old_ids, new_ids = _unique_ids(old_ops), _unique_ids(new_ops)
    pairs: list[tuple[_Op, _Op, str]] = []
    used_old: set[int] = set()
    used_new: set[int] = set()
    for op in old_ops:
        if op.id in old_ids and op.id in new_ids:
            pairs.append((op, new_ids[op.id], "id"))
            used_old.add(id(op))
            used_new.add(id(new_ids[op.id]))
    new_by_place = {(op.path, op.method): op for op in new_ops if id(op) not in used_new}
    for op in old_ops:
        if id(op) in used_old:
            continue
        other = new_by_place.get((op.path, op.method))
        if other is not None and id(other) not in used_new:
            pairs.append((op, other, "place"))
            used_old.add(id(op))
            used_new.add(id(other))
    renames: dict[str, str] = {}
    path_map: dict[str, str] = {}
    for o, n, how in pairs:
        if o.id:
            renames[o.id] = n.id or ""
        path_map.setdefault(o.path, n.path)
        if how == "id":
            if o.path != n.path:
                c.add("OperationPathChanged", o.at, n.at, operation=o.name, old=o.path, new=n.path)
            if o.method != n.method:
                c.add("OperationMethodChanged", o.at, n.at, operation=o.name, old=o.method.upper(),
                      new=n.method.upper())
        elif o.id != n.id:
            c.add("OperationIdChanged", o.at + ("operationId",), n.at + ("operationId",), method=n.method.upper(),
                  path=n.path, old=o.id, new=n.id)
        _operation(c, o, n)
    for op in old_ops:
        if id(op) not in used_old:
            c.add("OperationRemoved", op.at, ("paths",) + ((op.path,) if op.path in _dict(new_doc.get("paths")) else ()),
                  operation=op.name, method=op.method.upper(), path=op.path)
    for op in new_ops:
        if id(op) not in used_new:
            c.add("OperationAdded", None, op.at, operation=op.name, method=op.method.upper(), path=op.path)
    _path_notifications(c, old_doc, new_doc, old_ops, new_ops, path_map)
    return renames


_OPERATION_HANDLED = {"operationId", "summary", "description", "x-ms-visibility", "x-ms-trigger",
                      "x-ms-trigger-metadata", "x-ms-trigger-hint", "parameters", "responses",
                      "x-ms-notification-content"}


def _operation(c: _Changes, o: _Op, n: _Op) -> None:
    """Compare one matched pair of operations."""
    name = n.name
    for key in ("summary", "description"):
        _text(c, name, o.op, n.op, o.at, n.at, key)
    _visibility(c, f"operation {name}", o.op.get("x-ms-visibility"), n.op.get("x-ms-visibility"),
                o.at + ("x-ms-visibility",), n.at + ("x-ms-visibility",), "OperationMadeInternal",
                operation=name)
    if o.op.get("x-ms-trigger") != n.op.get("x-ms-trigger"):
        c.add("TriggerKindChanged", o.at + ("x-ms-trigger",), n.at + ("x-ms-trigger",), operation=name,
              old=o.op.get("x-ms-trigger") or "action", new=n.op.get("x-ms-trigger") or "action")
    for key, code in (("x-ms-trigger-metadata", "TriggerMetadataChanged"), ("x-ms-trigger-hint", "TriggerHintChanged")):
        if o.op.get(key) != n.op.get(key):
            c.add(code, o.at + (key,), n.at + (key,), operation=name, old=o.op.get(key), new=n.op.get(key))
    _parameters(c, name, o, n)
    _responses(c, name, o, n)
    _notification(c, name, o.op.get("x-ms-notification-content"), n.op.get("x-ms-notification-content"),
                  o.at + ("x-ms-notification-content",), n.at + ("x-ms-notification-content",), n.at)
    _others(c, name, o.op, n.op, o.at, n.at, _OPERATION_HANDLED)


def _path_notifications(c: _Changes, old_doc: dict, new_doc: dict, old_ops: list[_Op], new_ops: list[_Op],
                        path_map: dict[str, str]) -> None:
    """`x-ms-notification-content` written on a path item (next to the webhook's operation)."""
    old_paths, new_paths = _dict(old_doc.get("paths")), _dict(new_doc.get("paths"))
    key = "x-ms-notification-content"
    seen_new: set[str] = set()
    for path, item in old_paths.items():
        if not isinstance(item, dict) or key not in item:
            continue
        target = path_map.get(path, path)
        seen_new.add(target)
        new_item = _dict(new_paths.get(target))
        if not any(op.path == path for op in old_ops) and target not in {op.path for op in new_ops}:
            if key not in new_item:
                c.add("UnusedNotificationRemoved", ("paths", path, key), ("paths",), path=path)
                continue
        name = next((op.name for op in new_ops if op.path == target), None) or \
            next((op.name for op in old_ops if op.path == path), path)
        _notification(c, name, item.get(key), new_item.get(key), ("paths", path, key), ("paths", target, key),
                      ("paths", target) if target in new_paths else ("paths",))
    for path, item in new_paths.items():
        if isinstance(item, dict) and key in item and path not in seen_new:
            name = next((op.name for op in new_ops if op.path == path), path)
            c.add("NotificationAdded", None, ("paths", path, key), operation=name)


def _notification(c: _Changes, name: str, old: Any, new: Any, op_: Where, np_: Where, parent: Where) -> None:
    """Compare two `x-ms-notification-content` objects (either may be absent)."""
    if old is None and new is None:
        return
    if new is None:
        c.add("NotificationRemoved", op_, parent, operation=name)
        return
    if old is None:
        c.add("NotificationAdded", None, np_, operation=name)
        return
    old, new = _dict(old), _dict(new)
    _text(c, f"{name}: notification", old, new, op_, np_, "description")
    _body_schema(c, name, "Notification", old.get("schema"), new.get("schema"), op_ + ("schema",), np_ + ("schema",),
                 op_, np_)
    _others(c, f"{name}: notification", old, new, op_, np_, {"description", "schema"})


# --- parameters ---------------------------------------------------------------------------------

def _effective_parameters(o: _Op) -> dict[tuple, tuple[dict, Where]]:
    """(name, in) -> (parameter, where it is listed); operation parameters override path ones."""
    out: dict[tuple, tuple[dict, Where]] = {}
    for base, params in ((("paths", o.path), o.item.get("parameters")), (o.at, o.op.get("parameters"))):
        if isinstance(params, list):
            for i, p in enumerate(params):
                if isinstance(p, dict):
                    key = (p.get("name"), p.get("in")) if "$ref" not in p else (p["$ref"], "$ref")
                    out[key] = (p, base + ("parameters", i))
    return out


def _signature(p: dict) -> Any:
    """What a renamed parameter keeps: location, type, format (the schema for a body)."""
    return (p.get("in"), p.get("type"), p.get("format"), json.dumps(p.get("schema"), sort_keys=True))


def _label(p: dict) -> Any:
    """The text users see for a parameter (what a rename keeps)."""
    return p.get("x-ms-summary") or p.get("description") or None


def _parameters(c: _Changes, name: str, o: _Op, n: _Op) -> None:
    """Match parameters by (name, in), then by name (moved), then by location and type (renamed)."""
    olds, news = _effective_parameters(o), _effective_parameters(n)
    pairs = [(k, k) for k in olds if k in news]
    rest_old = [k for k in olds if k not in news]
    rest_new = [k for k in news if k not in olds]
    for k in list(rest_old):
        same_name = [m for m in rest_new if m[0] == k[0]]
        if same_name:
            m = same_name[0]
            c.add("ParameterMoved", olds[k][1] + ("in",), news[m][1] + ("in",), operation=name, param=str(k[0]),
                  old=str(k[1]), new=str(m[1]))
            pairs.append((k, m))
            rest_old.remove(k)
            rest_new.remove(m)
    for k in list(rest_old):
        p = olds[k][0]
        candidates = [m for m in rest_new if _signature(news[m][0]) == _signature(p)]
        labelled = [m for m in candidates if _label(p) and _label(news[m][0]) == _label(p)]
        same_place_old = [x for x in rest_old if x[1] == k[1]]
        same_place_new = [x for x in rest_new if x[1] == k[1]]
        if labelled:
            m = labelled[0]
        elif len(candidates) == 1 and len(same_place_old) == 1 and len(same_place_new) == 1:
            m = candidates[0]
        else:
            continue
        c.add("ParameterRenamed", olds[k][1] + ("name",), news[m][1] + ("name",), operation=name,
              old=str(k[0]), new=str(m[0]))
        pairs.append((k, m))
        rest_old.remove(k)
        rest_new.remove(m)
    for k, m in pairs:
        (po, ao), (pn, an) = olds[k], news[m]
        _input(c, name, str(m[0]), po, pn, ao, an, bool(po.get("required")), bool(pn.get("required")),
               False, False)
    for k in rest_old:
        c.add("ParameterRemoved", olds[k][1], n.at + ("parameters",), operation=name, param=str(k[0]))
    for m in rest_new:
        p, at = news[m]
        _added_input(c, name, str(m[0]), p, at, bool(p.get("required")))


def _added_input(c: _Changes, name: str, label: str, node: dict, at: Where, required: bool) -> None:
    """A new parameter or body field: breaking when required, with or without a default."""
    if not required:
        c.add("ParameterAdded", None, at, operation=name, param=label)
    elif "default" in node:
        c.add("RequiredParameterWithDefaultAdded", None, at, operation=name, param=label, new=node["default"])
    else:
        c.add("RequiredParameterAdded", None, at, operation=name, param=label)


_INPUT_HANDLED = {"name", "in", "required", "type", "format", "items", "enum", "default", "x-ms-visibility",
                  "description", "x-ms-summary", "title", "schema", "properties"}


def _internal(node: dict) -> bool:
    """Marked `x-ms-visibility: internal` itself."""
    return visibility_rank(node.get("x-ms-visibility")) == VISIBILITY_RANK["internal"]


def _input(c: _Changes, name: str, label: str, old: dict, new: dict, op_: Where, np_: Where,
           old_required: bool, new_required: bool, old_hidden: bool, new_hidden: bool) -> None:
    """Compare one input slot: a parameter, a body schema, or a field of one (recursively)."""
    if old_required != new_required:
        c.add("ParameterMadeRequired" if new_required else "ParameterMadeOptional", op_, np_,
              operation=name, param=label)
    if old.get("type") != new.get("type"):
        c.add("ParameterTypeChanged", op_ + ("type",), np_ + ("type",), operation=name, param=label,
              aspect="type", old=old.get("type"), new=new.get("type"))
    if old.get("format") != new.get("format"):
        c.add("ParameterFormatChanged", op_ + ("format",), np_ + ("format",), operation=name, param=label,
              old=old.get("format"), new=new.get("format"))
    parent_hidden = old_hidden
    old_hidden = old_hidden or _internal(old)
    new_hidden = new_hidden or _internal(new)
    if ("items" in old or "items" in new) and old.get("type") == new.get("type"):
        oi, ni = old.get("items"), new.get("items")
        if isinstance(oi, dict) and isinstance(ni, dict):
            _input(c, name, label + "[]", oi, ni, op_ + ("items",), np_ + ("items",), False, False,
                   old_hidden, new_hidden)
        else:
            c.add("ParameterTypeChanged", op_ + ("items",), np_ + ("items",), operation=name, param=label,
                  aspect="items", old=oi, new=ni)
    _enum(c, INPUT_ENUM_CODES, old.get("enum"), new.get("enum"), op_, np_, operation=name, param=label)
    if old.get("default") != new.get("default"):
        code = "InternalDefaultChanged" if old_hidden or new_hidden else "DefaultChanged"
        c.add(code, op_ + ("default",), np_ + ("default",), operation=name, param=label,
              old=old.get("default"), new=new.get("default"))
    _visibility(c, f"{name}: input {label}", old.get("x-ms-visibility"), new.get("x-ms-visibility"),
                op_ + ("x-ms-visibility",), np_ + ("x-ms-visibility",),
                None if parent_hidden or not user_settable(old) else "ParameterMadeInternal",
                operation=name, param=label)
    for key in ("description", "x-ms-summary", "title"):
        _text(c, f"{name}: input {label}", old, new, op_, np_, key)
    if "schema" in old or "schema" in new:
        os_, ns_ = _dict(old.get("schema")), _dict(new.get("schema"))
        _input(c, name, label, os_, ns_, op_ + ("schema",), np_ + ("schema",), False, False, old_hidden, new_hidden)
    _properties_in(c, name, label, old, new, op_, np_, old_hidden, new_hidden)
    _others(c, f"{name}: input {label}", old, new, op_, np_, _INPUT_HANDLED)


def user_settable(node: Any) -> bool:
    """Whether an input holds anything users fill in: not internal, not the platform's
    `x-ms-notification-url`, and (for an object) at least one such field."""
    if not isinstance(node, dict) or node.get("x-ms-notification-url") is True:
        return False
    if _internal(node):
        return False
    if isinstance(node.get("schema"), dict):
        return user_settable(node["schema"])
    props = node.get("properties")
    if isinstance(props, dict) and props:
        return any(user_settable(child) for child in props.values())
    return True


def _properties_in(c: _Changes, name: str, label: str, old: dict, new: dict, op_: Where, np_: Where,
                   old_hidden: bool, new_hidden: bool) -> None:
    """Fields of an input object schema: removed, added, changed."""
    op_props, np_props = _dict(old.get("properties")), _dict(new.get("properties"))
    old_req = set(_list(old.get("required")))
    new_req = set(_list(new.get("required")))
    for key in _keys(op_props, np_props):
        field_label = f"{label}.{key}"
        at_old, at_new = op_ + ("properties", key), np_ + ("properties", key)
        if key not in np_props:
            c.add("ParameterRemoved", at_old, np_ + ("properties",) if "properties" in new else np_,
                  operation=name, param=field_label)
        elif key not in op_props:
            _added_input(c, name, field_label, _dict(np_props[key]), at_new, key in new_req)
        else:
            _input(c, name, field_label, _dict(op_props[key]), _dict(np_props[key]), at_old, at_new,
                   key in old_req, key in new_req, old_hidden, new_hidden)


ENUM_CHANGES = ("ListAdded", "ListRemoved", "ValueAdded", "ValueRemoved")
INPUT_ENUM_CODES = {change: f"Enum{change}" for change in ENUM_CHANGES}


def output_enum_codes(kind: str) -> dict[str, str]:
    """Enum change -> code for a response ("Response") or notification ("Notification") field."""
    return {change: f"{kind}FieldEnum{change}" for change in ENUM_CHANGES}


def _enum(c: _Changes, codes: dict[str, str], old: Any, new: Any, op_: Where, np_: Where, **args: Any) -> None:
    """An `enum` list gained, lost, or its values changed; order and repeats do not count."""
    at_old, at_new = op_ + ("enum",), np_ + ("enum",)
    if old is None and new is None:
        return
    if new is None:
        c.add(codes["ListRemoved"], at_old, np_, values=old, **args)
    elif old is None:
        c.add(codes["ListAdded"], op_, at_new, values=new, **args)
    else:
        removed, added = _missing(_list(old), _list(new)), _missing(_list(new), _list(old))
        if removed:
            c.add(codes["ValueRemoved"], at_old, at_new, values=removed, **args)
        if added:
            c.add(codes["ValueAdded"], at_old, at_new, values=added, **args)


def _missing(values: list, other: list) -> list:
    """Values of `values` that `other` lacks, once each, compared as JSON (so `true` is not `1`)."""
    present = {_canonical(v) for v in other}
    out: dict[str, Any] = {}
    for value in values:
        key = _canonical(value)
        if key not in present:
            out.setdefault(key, value)
    return list(out.values())


def _canonical(value: Any) -> str:
    """A JSON value as text that is equal exactly when the values are."""
    return json.dumps(value, sort_keys=True)


# --- responses ----------------------------------------------------------------------------------

def _success(status: str) -> bool:
    """2xx or default: the response flows read their outputs from."""
    return status == "default" or status.startswith("2")


def _responses(c: _Changes, name: str, o: _Op, n: _Op) -> None:
    """Compare responses by status code, and the schema of each."""
    old, new = _dict(o.op.get("responses")), _dict(n.op.get("responses"))
    base_old, base_new = o.at + ("responses",), n.at + ("responses",)
    for status in _keys(old, new):
        status_s = str(status)
        at_old, at_new = base_old + (status,), base_new + (status,)
        if status not in new:
            code = "ResponseRemoved" if _success(status_s) else "ErrorResponseRemoved"
            c.add(code, at_old, base_new if "responses" in n.op else n.at, operation=name, status=status_s)
            continue
        if status not in old:
            c.add("ResponseAdded", None, at_new, operation=name, status=status_s)
            continue
        ro, rn = _dict(old[status]), _dict(new[status])
        _text(c, f"{name}: response {status_s}", ro, rn, at_old, at_new, "description")
        _text(c, f"{name}: response {status_s}", ro, rn, at_old, at_new, "x-ms-summary")
        _body_schema(c, name, "Response", ro.get("schema"), rn.get("schema"), at_old + ("schema",),
                     at_new + ("schema",), at_old, at_new)
        _others(c, f"{name}: response {status_s}", ro, rn, at_old, at_new, {"description", "x-ms-summary", "schema"})


def _body_schema(c: _Changes, name: str, kind: str, old: Any, new: Any, op_: Where, np_: Where,
                 parent_old: Where, parent_new: Where) -> None:
    """An output body (response or notification); either may be absent."""
    if old is None and new is None:
        return
    if new is None:
        c.add(f"{kind}FieldRemoved", op_, parent_new, operation=name, field="(body)")
    elif old is None:
        c.add(f"{kind}FieldAdded", parent_old, np_, operation=name, field="(body)")
    else:
        _output(c, name, kind, "", _dict(old), _dict(new), op_, np_)


_OUTPUT_HANDLED = {"type", "format", "items", "enum", "properties", "description", "title", "x-ms-summary",
                   "x-ms-visibility"}


def _output(c: _Changes, name: str, kind: str, label: str, old: dict, new: dict, op_: Where, np_: Where) -> None:
    """Compare one output schema (recursively): fields removed, added, retyped."""
    shown = label or "(body)"
    if old.get("type") != new.get("type"):
        c.add(f"{kind}FieldTypeChanged", op_ + ("type",), np_ + ("type",), operation=name, field=shown,
              aspect="type", old=old.get("type"), new=new.get("type"))
    if old.get("format") != new.get("format"):
        if old.get("format") is None and old.get("type") == new.get("type"):
            c.add(f"{kind}FieldFormatAdded", op_, np_ + ("format",), operation=name, field=shown,
                  new=new.get("format"))
        else:
            c.add(f"{kind}FieldFormatChanged", op_ + ("format",), np_ + ("format",), operation=name, field=shown,
                  old=old.get("format"), new=new.get("format"))
    _enum(c, output_enum_codes(kind), old.get("enum"), new.get("enum"), op_, np_, operation=name, field=shown)
    if ("items" in old or "items" in new) and old.get("type") == new.get("type"):
        oi, ni = old.get("items"), new.get("items")
        if isinstance(oi, dict) and isinstance(ni, dict):
            _output(c, name, kind, f"{label}[]", oi, ni, op_ + ("items",), np_ + ("items",))
        else:
            c.add(f"{kind}FieldTypeChanged", op_ + ("items",), np_ + ("items",), operation=name, field=shown,
                  aspect="items", old=oi, new=ni)
    op_props, np_props = _dict(old.get("properties")), _dict(new.get("properties"))
    for key in _keys(op_props, np_props):
        field_label = f"{label}.{key}" if label else str(key)
        at_old, at_new = op_ + ("properties", key), np_ + ("properties", key)
        if key not in np_props:
            c.add(f"{kind}FieldRemoved", at_old, np_ + ("properties",) if "properties" in new else np_,
                  operation=name, field=field_label)
        elif key not in op_props:
            c.add(f"{kind}FieldAdded", None, at_new, operation=name, field=field_label)
        else:
            _output(c, name, kind, field_label, _dict(op_props[key]), _dict(np_props[key]), at_old, at_new)
    subject = f"{name}: {kind.lower()} field {shown}"
    for key in ("description", "title", "x-ms-summary"):
        _text(c, subject, old, new, op_, np_, key)
    _visibility(c, subject, old.get("x-ms-visibility"), new.get("x-ms-visibility"),
                op_ + ("x-ms-visibility",), np_ + ("x-ms-visibility",), None)
    _others(c, subject, old, new, op_, np_, _OUTPUT_HANDLED)


# --- apiProperties ------------------------------------------------------------------------------

def _api_properties(c: _Changes, old: dict, new: dict, renames: dict[str, str]) -> None:
    """Connection parameters, policy templates and publisher metadata of apiProperties.json."""
    po, pn = _dict(old.get("properties")), _dict(new.get("properties"))
    base = ("properties",)
    _connection_parameters(c, _dict(po.get("connectionParameters")), _dict(pn.get("connectionParameters")))
    _policies(c, _list(po.get("policyTemplateInstances")), _list(pn.get("policyTemplateInstances")), renames)
    for key in PROPERTY_METADATA_KEYS:
        if po.get(key) != pn.get(key):
            c.add("MetadataChanged", base + (key,), base + (key,), "properties", what=key, old=po.get(key),
                  new=pn.get(key))
    handled = {"connectionParameters", "policyTemplateInstances", *PROPERTY_METADATA_KEYS}
    _others(c, "apiProperties", po, pn, base, base, handled, role="properties")
    _others(c, "apiProperties", old, new, (), (), {"properties"}, role="properties")


def _connection_parameters(c: _Changes, old: dict, new: dict) -> None:
    """Connection parameters by name."""
    base = ("properties", "connectionParameters")
    for name in _keys(old, new):
        at_old, at_new = base + (name,), base + (name,)
        if name not in new:
            c.add("ConnectionParameterRemoved", at_old, base, "properties", name=str(name))
            continue
        po, pn = _dict(old.get(name)), _dict(new.get(name))
        if name not in old:
            constraints = _dict(_dict(pn.get("uiDefinition")).get("constraints"))
            required = str(constraints.get("required", "")).lower() == "true" or pn.get("type") == "oauthSetting"
            code = "RequiredConnectionParameterAdded" if required and "default" not in pn else "ConnectionParameterAdded"
            c.add(code, None, at_new, "properties", name=str(name))
            continue
        if po.get("type") != pn.get("type"):
            c.add("ConnectionParameterTypeChanged", at_old + ("type",), at_new + ("type",), "properties",
                  name=str(name), old=po.get("type"), new=pn.get("type"))
        if po.get("oAuthSettings") != pn.get("oAuthSettings"):
            c.add("SecurityChanged", at_old + ("oAuthSettings",), at_new + ("oAuthSettings",), "properties",
                  what=f"connection parameter {name} oAuthSettings", old=po.get("oAuthSettings"),
                  new=pn.get("oAuthSettings"))
        uo, un = _dict(po.get("uiDefinition")), _dict(pn.get("uiDefinition"))
        subject = f"connection parameter {name}"
        ui_old, ui_new = at_old + ("uiDefinition",), at_new + ("uiDefinition",)
        _text(c, subject, uo, un, ui_old, ui_new, "displayName", role="properties")
        for key in ("description", "tooltip"):
            _text(c, subject, uo, un, ui_old, ui_new, key, role="properties")
        _others(c, subject, uo, un, ui_old, ui_new, {"displayName", "description", "tooltip"}, role="properties")
        _others(c, subject, po, pn, at_old, at_new, {"type", "oAuthSettings", "uiDefinition"}, role="properties")


def _policy_entries(instances: list, renames: dict[str, str] | None) -> dict[tuple, tuple[dict, int]]:
    """(templateId, operation, n-th) -> (instance, index); operations renamed through `renames`."""
    out: dict[tuple, tuple[dict, int]] = {}
    for index, inst in enumerate(instances):
        if not isinstance(inst, dict):
            continue
        ops = _dict(inst.get("parameters")).get(POLICY_OPERATIONS)
        for op in ops if isinstance(ops, list) else [ops]:
            op_name = renames.get(op, op) if renames is not None and isinstance(op, str) else op
            nth = 0
            while (inst.get("templateId"), op_name, nth) in out:
                nth += 1
            out[(inst.get("templateId"), op_name, nth)] = (inst, index)
    return out


def _policies(c: _Changes, old: list, new: list, renames: dict[str, str]) -> None:
    """Policy template instances, per (template, operation)."""
    base = ("properties", "policyTemplateInstances")
    olds, news = _policy_entries(old, renames), _policy_entries(new, None)
    for key, (inst, index) in olds.items():
        template, operation = str(key[0]), show(key[1]).strip('"')
        at_old = base + (index,)
        if key not in news:
            c.add("PolicyTemplateRemoved", at_old, base, "properties", template=template, operation=operation)
            continue
        other, new_index = news[key]
        at_new = base + (new_index,)
        if inst.get("type") != other.get("type"):
            c.add("PolicyTriggerConfigChanged", at_old + ("type",), at_new + ("type",), "properties",
                  template=template, operation=operation, key="type", old=inst.get("type"), new=other.get("type"))
        if inst.get("title") != other.get("title"):
            c.add("MetadataChanged", at_old + ("title",), at_new + ("title",), "properties",
                  what=f"title of policy {template} for {operation}", old=inst.get("title"), new=other.get("title"))
        po, pn = _dict(inst.get("parameters")), _dict(other.get("parameters"))
        for name in _keys(po, pn):
            if name == POLICY_OPERATIONS or po.get(name) == pn.get(name):
                continue
            code = "PolicyTriggerConfigChanged" if "trigger" in str(name).lower() else "PolicyParametersChanged"
            c.add(code, at_old + ("parameters", name), at_new + ("parameters", name), "properties",
                  template=template, operation=operation, key=str(name), old=po.get(name), new=pn.get(name))
        _others(c, f"policy {template} for operation {operation}", inst, other, at_old, at_new,
                {"templateId", "title", "type", "parameters"}, role="properties")
    for key, (inst, index) in news.items():
        if key not in olds:
            c.add("PolicyTemplateAdded", None, base + (index,), "properties", template=str(key[0]),
                  operation=show(key[1]).strip('"'))


# --- small shared pieces ------------------------------------------------------------------------

def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _keys(old: dict, new: dict) -> list:
    """Keys of both, old order first, then the new ones in new order."""
    return list(old) + [k for k in new if k not in old]


def _text(c: _Changes, subject: str, old: dict, new: dict, op_: Where, np_: Where, key: str,
          role: str = "swagger") -> None:
    """Descriptions and display texts: non-breaking, but listed."""
    if old.get(key) == new.get(key):
        return
    if key in ("description", "tooltip"):
        c.add("DescriptionChanged", op_ + (key,), np_ + (key,), role, subject=subject, key=key)
    else:
        c.add("SummaryChanged", op_ + (key,), np_ + (key,), role, subject=subject, key=key,
              old=old.get(key), new=new.get(key))


def visibility_rank(value: Any) -> int:
    """Rank of an x-ms-visibility value: internal < advanced < none (also absent, "" or unknown) < important."""
    text = value.strip().lower() if isinstance(value, str) else ""
    return VISIBILITY_RANK.get(text, VISIBILITY_RANK["none"])


def _visibility(c: _Changes, subject: str, old: Any, new: Any, op_: Where, np_: Where,
                made_internal: str | None, **args: Any) -> None:
    """x-ms-visibility: hiding what users set breaks; every other change of rank is listed."""
    ro, rn = visibility_rank(old), visibility_rank(new)
    if rn == ro:
        return
    internal = VISIBILITY_RANK["internal"]
    if rn == internal and made_internal:
        c.add(made_internal, op_, np_, **args)
        return
    if ro == internal:
        code = "InternalMadeVisible"
    else:
        code = "VisibilityIncreased" if rn > ro else "VisibilityReduced"
    c.add(code, op_, np_, subject=subject, old=old or "none", new=new or "none")


def _unordered_enums(value: Any) -> Any:
    """A JSON value with every `enum` list made a set, so reordering an enum is no change."""
    if isinstance(value, list):
        return [_unordered_enums(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: _unordered_enums(v) for k, v in value.items()}
    if isinstance(value.get("enum"), list):
        out["enum"] = frozenset(_canonical(v) for v in value["enum"])
    return out


def _others(c: _Changes, subject: str, old: dict, new: dict, op_: Where, np_: Where, handled: set,
            role: str = "swagger") -> None:
    """Every other key that differs: OtherChange, listed for review."""
    for key in _keys(old, new):
        if key in handled or old.get(key) == new.get(key) or \
                _unordered_enums(old.get(key)) == _unordered_enums(new.get(key)):
            continue
        c.add("OtherChange", op_ + (key,), np_ + (key,), role, subject=subject, key=str(key),
              old=old.get(key), new=new.get(key))
