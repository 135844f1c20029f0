"""A connector package loaded once: its files, parsed data, and lazily built indexes for rules."""

from __future__ import annotations

import gc
import json
import re
import threading
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePath
from typing import Any, Mapping

from pbxconn.core.errors import InputError
from pbxconn.core.findings import Severity
from pbxconn.core.pointer import from_pointer
from pbxconn.core.refs import RefError, follow
from pbxconn.core.sourcemap import SourceMap, byte_position, duplicate_keys
from pbxconn.core.swagger import HTTP_METHODS  # also imported from here by the rules
from pbxconn.validate import jsonerrors
from pbxconn.validate.index import Index
from pbxconn.validate.rule import (
    FileRole,
    OperationNode,
    ParameterNode,
    PolicyNode,
    ResponseNode,
    SchemaNode,
)

# The file name each role has in a connector folder (the readme matches in any case).
FILENAMES: dict[str, str] = {
    "swagger": "apiDefinition.swagger.json",
    "properties": "apiProperties.json",
    "script": "script.csx",
    "settings": "settings.json",
    "readme": "Readme.md",
    "icon": "icon.png",
}
JSON_ROLES = ("swagger", "properties", "settings")
BOM = b"\xef\xbb\xbf"
_UNRESOLVED = object()
_BARE_CONSTANT = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)')


_GC_STATE = [0, False]  # [nesting depth, whether the collector was on at the outermost pause]
_GC_LOCK = threading.RLock()  # pauses in several threads share the depth


def pause_gc() -> None:
    """Suspend the cyclic garbage collector while a package is parsed or checked; pair every
    call with `resume_gc()` in a `finally`.

    Parsing and checking allocate many containers that live exactly as long as the package;
    the collector would otherwise traverse all live objects again and again while they are
    built (a third of the run time on the corpus). Reference counting still frees everything;
    cycles are collected as usual once the collector is back on.

    Plain function calls rather than a `with` block: the collector runs at the first allocation
    of a tracked object once it is back on, and a context manager makes such objects (its bound
    `__exit__`, a generator's StopIteration) right around the pause, while the package is alive;
    that collection would traverse the whole package instead of what is left once it is dropped.
    Nested and concurrent uses count their depth; the outermost resume restores the state."""
    state = _GC_STATE
    _GC_LOCK.acquire()  # explicit calls: a `with` block would allocate
    try:
        if state[0] == 0:
            state[1] = gc.isenabled()
            gc.disable()
        state[0] += 1
    finally:
        _GC_LOCK.release()


def resume_gc() -> None:
    """End one `pause_gc()`; the outermost one turns the collector back on if it was on."""
    state = _GC_STATE
    _GC_LOCK.acquire()
    try:
        state[0] -= 1
        if state[0] == 0 and state[1]:
            gc.enable()
    finally:
        _GC_LOCK.release()


class _BareConstant(ValueError):
    """json.loads met NaN / Infinity, which JSON does not allow."""


def _reject_constant(name: str) -> Any:
    raise _BareConstant(name)


@dataclass(frozen=True, slots=True)
class ParseProblem:
    """Why a file could not be read cleanly, with its 1-based position."""

    code: str
    message: str
    line: int
    column: int
    severity: Severity = Severity.ERROR
    pointer: tuple = ()  # where in the document, when the problem is about one of its values


@dataclass(eq=False)
class SourceFile:
    """One file of a package: raw bytes, decoded text (no BOM), parsed value, parse problems."""

    role: str
    label: str
    data: bytes
    text: str | None = None
    value: Any = None
    problems: list[ParseProblem] = field(default_factory=list)
    # Gathered while parsing (None when the value did not come from `read_source`): every object
    # key of the document, and the objects that hold `$ref`, so the index can skip whole walks.
    keys: frozenset[str] | None = None
    ref_objects: list[dict] | None = None
    _map: SourceMap | None = None

    @property
    def sourcemap(self) -> SourceMap:
        """Pointer -> position map over this file's text (built on first use)."""
        if self._map is None:
            self._map = SourceMap(self.text or "", valid=self.value is not None)
        return self._map


def _decode(data: bytes, problems: list[ParseProblem], severity: Severity, bom_is_error: bool) -> str:
    """UTF-8 text of `data` without a BOM; records encoding problems."""
    if data.startswith(BOM):
        if bom_is_error:
            problems.append(ParseProblem(
                "BomPresent", "file starts with a UTF-8 byte order mark; paconn cannot read it", 1, 1))
        data = data[len(BOM):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = byte_position(data, exc.start)
        problems.append(ParseProblem(
            "InvalidEncoding", f"not valid UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}",
            line, column, severity))
        return data.decode("utf-8", errors="replace")


def _parse_json(text: str, problems: list[ParseProblem], source: "SourceFile | None" = None) -> Any:
    """Parse strict JSON; a syntax problem becomes a ParseProblem and the result None. With a
    `source`, also record its `keys` and `ref_objects` (see SourceFile)."""
    if not text.strip():
        problems.append(ParseProblem("InvalidJson", "file is empty", 1, 1))
        return None
    repeated: list[bool] = []
    keys: set[str] = set()
    refs: list[dict] = []

    def pairs_to_dict(pairs: list, _dict: type = dict, _len: Any = len, _keys: Any = keys.update,
                      _ref: Any = refs.append) -> dict:
        # the C parser hands each object's members here; a shorter dict means a repeated key
        made = _dict(pairs)
        if _len(made) != _len(pairs):
            repeated.append(True)
        _keys(made)  # C-level: the object's keys into the document's key set
        if "$ref" in made:
            _ref(made)
        return made

    try:
        value = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=pairs_to_dict)
    except json.JSONDecodeError as exc:
        message, offset = jsonerrors.describe(text, exc)
        line, column = SourceMap(text).position(offset)
        problems.append(ParseProblem("InvalidJson", f"invalid JSON: {message}", line, column))
        return None
    except _BareConstant as exc:
        offset = next((m.start(1) for m in _BARE_CONSTANT.finditer(text) if m.group(1)), 0)
        line, column = SourceMap(text).position(offset)
        problems.append(ParseProblem("InvalidJson", f"invalid JSON: {exc} is not a JSON value", line, column))
        return None
    except RecursionError:
        problems.append(ParseProblem("InvalidJson", "invalid JSON: nested too deeply to read", 1, 1))
        return None
    except ValueError as exc:  # e.g. an integer literal longer than Python's digit limit
        problems.append(ParseProblem("InvalidJson", f"invalid JSON: {exc}", 1, 1))
        return None
    if repeated:
        problems.extend(_duplicate_key_problems(text))
    if source is not None:
        source.keys, source.ref_objects = frozenset(keys), refs
    if not isinstance(value, dict):
        kind = type(value).__name__ if value is not None else "null"
        problems.append(ParseProblem(
            "DocumentNotObject", f"the top-level JSON value must be an object, not {kind}", 1, 1))
        return None
    return value


def _duplicate_key_problems(text: str) -> list[ParseProblem]:
    """A DuplicateKey problem at each repeated key: an error when the two values differ (one of
    them is lost), a warning when they are the same."""
    found = duplicate_keys(text)
    places = SourceMap(text).positions([d.first for d in found] + [d.second for d in found])
    out = []
    for i, dup in enumerate(found):
        (line, column), (at_line, at_column) = places[i], places[len(found) + i]
        if dup.same:
            message = (f"key {dup.key!r} is repeated with the same value (first at line {line}:{column}); "
                       "remove one of them")
        else:
            message = (f"key {dup.key!r} is repeated with a different value (first at line {line}:{column}); "
                       "only one of the two values is kept")
        out.append(ParseProblem("DuplicateKey", message, at_line, at_column,
                                Severity.WARNING if dup.same else Severity.ERROR, dup.path + (dup.key,)))
    return out


def _unsupported_version(value: Any, text: str) -> ParseProblem | None:
    """The problem with a definition that declares OpenAPI 3 (`openapi`) instead of `swagger`."""
    if not isinstance(value, dict) or "swagger" in value or "openapi" not in value:
        return None
    version = value["openapi"]
    shown = f"OpenAPI {version}" if isinstance(version, str) and version else "OpenAPI 3"
    line, column = SourceMap(text, valid=True).locate(("openapi",))
    return ParseProblem("OpenApi3NotSupported",
                        f"{shown} is not supported by Power Platform; convert the definition to Swagger 2.0",
                        line, column, pointer=("openapi",))


def read_source(role: str, label: str, data: bytes) -> SourceFile:
    """Decode and (for JSON roles) parse one file; never raises on bad content."""
    source = SourceFile(role, label, data)
    if role in JSON_ROLES:
        source.text = _decode(data, source.problems, Severity.ERROR, bom_is_error=True)
        source.value = _parse_json(source.text, source.problems, source)
        if role == "swagger":
            problem = _unsupported_version(source.value, source.text)
            if problem is not None:  # one finding, not every Swagger 2.0 rule failing on OpenAPI 3
                source.problems.append(problem)
                source.value = None
    elif role == "script":
        source.text = _decode(data, source.problems, Severity.ERROR, bom_is_error=False)
    elif role == "readme":
        source.text = _decode(data, source.problems, Severity.WARNING, bom_is_error=False)
    return source


def role_of(name: str) -> str | None:
    """The role of a file name inside a connector folder, or None."""
    if name.lower() == "readme.md":
        return "readme"
    for role, filename in FILENAMES.items():
        if role != "readme" and name == filename:
            return role
    return None


class Package:
    """One connector package. Build with `Package.load(path)` or `Package.from_files(...)`."""

    def __init__(self, root: PurePath, label: str, files: dict[str, SourceFile], kind: str) -> None:
        self.root = root
        self.label = label
        self.files: dict[str, SourceFile] = files
        self.kind = kind  # "folder", "file" (a lone swagger) or "memory"
        self._refs: dict[str, Any] = {}  # $ref string -> (target, path) or _UNRESOLVED

    # --- construction -------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path) -> "Package":
        """Load a connector folder or a single swagger file."""
        pause_gc()
        try:
            return cls._load(Path(path))
        finally:
            resume_gc()

    @classmethod
    def _load(cls, path: Path) -> "Package":
        if path.is_file():
            data = _read_bytes(path)
            return cls(path.parent, str(path), {"swagger": read_source("swagger", str(path), data)}, "file")
        if not path.is_dir():
            raise InputError("no such file or directory", location=str(path))
        files: dict[str, SourceFile] = {}
        for child in sorted(path.iterdir(), key=lambda p: p.name):
            role = role_of(child.name)
            if role is None or role in files or not child.is_file():
                continue
            label = str(path / child.name)
            files[role] = read_source(role, label, _read_bytes(child))
        return cls(path, str(path), files, "folder")

    def __del__(self) -> None:
        """Break the one reference cycle of the indexes (an operation lists its parameters and
        each parameter names its operation) when the package goes, so that reference counting
        frees the operations, parameters and the objects they hold at once instead of leaving
        them to the cyclic collector (which then traverses them all). Operations kept beyond
        their package list no parameters afterwards."""
        operations = self.__dict__.get("operations")
        if operations:
            pause_gc()  # the loop's iterator must not set off a collection of the whole package
            try:
                for node in operations:
                    node.parameters = ()
            finally:
                resume_gc()

    @classmethod
    def from_files(cls, files: Mapping[str, bytes], root: Path | str) -> "Package":
        """Build a package from in-memory file contents keyed by file name."""
        root_path = PurePath(root)
        sources: dict[str, SourceFile] = {}
        for name in sorted(files):
            role = role_of(PurePath(name).name)
            if role is None or role in sources:
                continue
            sources[role] = read_source(role, str(root_path / PurePath(name).name), bytes(files[name]))
        return cls(root_path, str(root_path), sources, "memory")

    # --- parsed content -------------------------------------------------------------------

    def _value(self, role: str) -> dict | None:
        source = self.files.get(role)
        return source.value if source is not None else None

    @property
    def swagger(self) -> dict | None:
        """apiDefinition.swagger.json as data; None when missing or unreadable."""
        return self._value("swagger")

    @property
    def properties(self) -> dict | None:
        """apiProperties.json as data; None when missing or unreadable."""
        return self._value("properties")

    @property
    def settings(self) -> dict | None:
        """settings.json as data; None when missing or unreadable."""
        return self._value("settings")

    @property
    def script_text(self) -> str | None:
        """script.csx text; None when missing."""
        source = self.files.get("script")
        return source.text if source is not None else None

    @property
    def readme_text(self) -> str | None:
        """Readme text; None when missing."""
        source = self.files.get("readme")
        return source.text if source is not None else None

    def file_label(self, role: str) -> str:
        """Display path of a role's file, also when the file does not exist."""
        source = self.files.get(role)
        if source is not None:
            return source.label
        return str(PurePath(self.label) / FILENAMES[role]) if self.kind != "file" else self.label

    # --- references and positions ---------------------------------------------------------

    def resolve(self, node: Any) -> tuple[Any, tuple | None]:
        """Follow a `$ref` chain in the swagger; (target, its path) or (node, None). Never raises.
        The outcome depends only on the `$ref` string, so it is remembered per string."""
        if not (isinstance(node, dict) and "$ref" in node):
            return node, None
        ref = node["$ref"]
        if isinstance(ref, str):
            hit = self._refs.get(ref)
            if hit is None:
                try:
                    hit = follow(self.swagger, node)
                except (RefError, TypeError, ValueError, AttributeError):
                    hit = _UNRESOLVED
                self._refs[ref] = hit
            return (node, None) if hit is _UNRESOLVED else hit
        try:
            return follow(self.swagger, node)
        except (RefError, TypeError, ValueError, AttributeError):
            return node, None

    def locate(self, role: FileRole | str, pointer: str | tuple) -> tuple[int, int]:
        """1-based (line, column) of the value at `pointer` in the original text of `role`'s file."""
        source = self.files.get(role)
        if source is None or source.text is None:
            return (0, 0)
        if isinstance(pointer, str):
            try:
                pointer = from_pointer(pointer)
            except ValueError:
                pointer = ()
        return source.sourcemap.locate(pointer)

    @staticmethod
    def path_of(pointer: str | tuple) -> tuple:
        """A path tuple for a pointer or path (a malformed pointer names the document root)."""
        if isinstance(pointer, str):
            try:
                return from_pointer(pointer)
            except ValueError:
                return ()
        return pointer

    def locate_many(self, role: FileRole | str, paths: list[tuple]) -> list[tuple[int, int]]:
        """`locate` of many path tuples in one file, in one pass over its text."""
        source = self.files.get(role)
        if source is None or source.text is None:
            return [(0, 0)] * len(paths)
        return source.sourcemap.locate_many(paths)

    # --- indexes (built on first use) -------------------------------------------------------

    @cached_property
    def index(self) -> Index:
        """The facts rules share about this package (built fact by fact on first use)."""
        return Index(self)

    @cached_property
    def operations(self) -> list[OperationNode]:
        """Every `paths[path][method]` operation, with its effective parameters resolved."""
        paths = self.swagger.get("paths") if self.swagger else None
        if not isinstance(paths, dict):
            return []
        out = []
        for path, item in paths.items():
            if not isinstance(item, dict):
                continue
            shared = self._parameter_list(item.get("parameters"), ("paths", path, "parameters"))
            for method in HTTP_METHODS:
                op = item.get(method)
                if not isinstance(op, dict):
                    continue
                node = OperationNode(path, method, op, item, (), ("paths", path, method))
                own = self._parameter_list(op.get("parameters"), ("paths", path, method, "parameters"))
                merged: dict[tuple, tuple] = {}  # an operation parameter overrides a path one
                for i, (param, pointer, used_at) in enumerate(shared + own):
                    name, where = param.get("name"), param.get("in")
                    key = (name, where) if isinstance(name, str) and isinstance(where, str) else ("#", i)
                    merged[key] = (param, pointer, used_at)
                params = tuple(ParameterNode(p, node, ptr, used) for p, ptr, used in merged.values())
                object.__setattr__(node, "parameters", params)
                out.append(node)
        return out

    def _parameter_list(self, raw: Any, at: tuple) -> list[tuple[dict, tuple, tuple]]:
        """(resolved parameter, where its text is, where it is listed) for a parameters array."""
        if not isinstance(raw, list):
            return []
        out = []
        for i, item in enumerate(raw):
            target, ref_path = self.resolve(item)
            if isinstance(target, dict):
                out.append((target, ref_path if ref_path is not None else at + (i,), at + (i,)))
        return out

    @cached_property
    def operations_by_id(self) -> dict[str, OperationNode]:
        """operationId -> first operation that declares it."""
        out: dict[str, OperationNode] = {}
        for node in self.operations:
            op_id = node.op.get("operationId")
            if isinstance(op_id, str) and op_id not in out:
                out[op_id] = node
        return out

    @cached_property
    def parameters(self) -> list[ParameterNode]:
        """Every operation's effective parameters, then the top-level `parameters` definitions."""
        out = [p for op in self.operations for p in op.parameters]
        defined = self.swagger.get("parameters") if self.swagger else None
        if isinstance(defined, dict):
            for name, raw in defined.items():
                target, ref_path = self.resolve(raw)
                if isinstance(target, dict):
                    pointer = ref_path if ref_path is not None else ("parameters", name)
                    out.append(ParameterNode(target, None, pointer, ("parameters", name)))
        return out

    @cached_property
    def responses(self) -> list[ResponseNode]:
        """Every response of every operation, `$ref` resolved."""
        out = []
        for op in self.operations:
            responses = op.op.get("responses")
            if not isinstance(responses, dict):
                continue
            for status, raw in responses.items():
                if str(status).startswith("x-"):
                    continue
                target, ref_path = self.resolve(raw)
                if isinstance(target, dict):
                    pointer = ref_path if ref_path is not None else op.pointer + ("responses", status)
                    out.append(ResponseNode(str(status), target, op, pointer))
        return out

    @cached_property
    def schemas(self) -> list[SchemaNode]:
        """Every schema object reachable from operations and definitions, each place once."""
        seen: set[tuple] = set()
        out: list[SchemaNode] = []
        roots: list[tuple[Any, tuple, str, OperationNode | None]] = []
        for param in self.parameters:
            if param.param.get("in") == "body" and "schema" in param.param:
                roots.append((param.param["schema"], param.pointer + ("schema",), "parameter", param.operation))
        for response in self.responses:
            if "schema" in response.response:
                roots.append((response.response["schema"], response.pointer + ("schema",), "response",
                              response.operation))
        for op in self.operations:
            # Notification content may sit on the operation or, as most connectors write it,
            # on the path item beside the registration operation.
            for holder, at in ((op.op, op.pointer), (op.path_item, op.pointer[:2])):
                content = holder.get("x-ms-notification-content")
                if isinstance(content, dict) and "schema" in content:
                    roots.append((content["schema"], at + ("x-ms-notification-content", "schema"),
                                  "notification", op))
        swagger = self.swagger or {}
        for section, role in (("definitions", "definition"), ("responses", "response")):
            table = swagger.get(section)
            if isinstance(table, dict):
                for name, raw in table.items():
                    if section == "responses":
                        if isinstance(raw, dict) and "schema" in raw:
                            roots.append((raw["schema"], (section, name, "schema"), role, None))
                    else:
                        roots.append((raw, (section, name), role, None))
        for raw, pointer, role, op in roots:
            self._walk_schema(raw, pointer, role, "", None, op, seen, out)
        return out

    def _walk_schema(self, raw: Any, pointer: tuple, role: str, name: str, parent: SchemaNode | None,
                     op: OperationNode | None, seen: set[tuple], out: list[SchemaNode]) -> None:
        """Depth-first, iterative walk of one schema tree (cycle-safe, each pointer once).
        Schema pointers hold only strings (array indexes too) so they compare by value."""
        stack = [(raw, pointer, role, name, parent)]
        pop, resolve, add, disjoint = stack.pop, self.resolve, seen.add, _CHILD_KEYS.isdisjoint
        while stack:
            raw, pointer, role, name, parent = pop()
            if type(raw) is not dict:
                if not isinstance(raw, dict):
                    continue
            if "$ref" in raw:
                raw, ref_path = resolve(raw)
                if ref_path is not None:
                    pointer = ref_path
                if not isinstance(raw, dict) or "$ref" in raw:
                    continue
            if pointer in seen:
                continue
            add(pointer)
            node = SchemaNode(raw, pointer, role, name, parent, op)  # type: ignore[arg-type]
            out.append(node)
            if not disjoint(raw):  # most schemas are leaves: one C-level test skips them
                children = _children(raw, pointer, node)
                if children:
                    children.reverse()
                    stack.extend(children)

    @cached_property
    def policies(self) -> list[PolicyNode]:
        """apiProperties `properties.policyTemplateInstances[i]` objects."""
        props = self.properties.get("properties") if self.properties else None
        items = props.get("policyTemplateInstances") if isinstance(props, dict) else None
        if not isinstance(items, list):
            return []
        return [PolicyNode(item, i, ("properties", "policyTemplateInstances", i))
                for i, item in enumerate(items) if isinstance(item, dict)]


_CHILD_KEYS = frozenset(("properties", "items", "allOf", "anyOf", "oneOf", "additionalProperties"))


def _children(schema: dict, pointer: tuple, node: SchemaNode) -> list[tuple]:
    """Sub-schemas of one schema: properties, items, allOf/anyOf/oneOf, additionalProperties."""
    out: list[tuple] = []
    props = schema.get("properties")
    if isinstance(props, dict) and props:
        at = pointer + ("properties",)
        out.extend([(value, at + (key,), "property", key, node) for key, value in props.items()])
    items = schema.get("items")
    if items is not None:
        if isinstance(items, dict):
            out.append((items, pointer + ("items",), "items", "", node))
        elif isinstance(items, list):
            at = pointer + ("items",)
            out.extend([(value, at + (str(i),), "items", "", node) for i, value in enumerate(items)])
    for key in ("allOf", "anyOf", "oneOf"):
        group = schema.get(key)
        if group is not None and isinstance(group, list):
            at = pointer + (key,)
            out.extend([(value, at + (str(i),), "other", "", node) for i, value in enumerate(group)])
    extra = schema.get("additionalProperties")
    if extra is not None and isinstance(extra, dict):
        out.append((extra, pointer + ("additionalProperties",), "other", "", node))
    return out


def _read_bytes(path: Path) -> bytes:
    """Read a file or raise a one-line InputError."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", location=str(path)) from None
