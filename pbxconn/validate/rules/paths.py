"""Microsoft's Swagger Validator rules, table "Operations", about the `paths` object: path keys, path
templates against the operations' path parameters, and the parameter lists of path items."""

from __future__ import annotations

from pbxconn.core.findings import Severity
from pbxconn.validate.rule import Violation, register
from pbxconn.validate.rules._helpers import (
    MicrosoftRule, _OpRule, _VAR, _list_duplicates, as_dict, as_list, doc, op_label, operations, path_variables,
    resolve,
)

E, W = Severity.ERROR, Severity.WARNING


@register
class DuplicateOperationPath(MicrosoftRule):
    """Two paths differ only in the names of their template variables.

    What it does: flags path keys that differ only in the names of their template variables.

    Why it matters: the two templates match exactly the same URLs; requests cannot be routed.

    Fix: merge the path items or make a static segment differ.
    """

    category = "Operations"
    subject = "package"
    severity = E
    message = "path {path!r} is the same template as {other!r}"

    def check(self, node, ctx):
        seen: dict[str, str] = {}
        for path in as_dict(doc(ctx).get("paths")):
            if not isinstance(path, str) or path.startswith("x-"):
                continue
            shape = _VAR.sub("{}", path)
            if shape in seen:
                yield Violation({"path": path, "other": seen[shape]}, ("paths", path))
            else:
                seen[shape] = path


@register
class OperationMissingPathParameter(_OpRule):
    """A `{name}` in the path template has no path parameter of that name.

    What it does: flags a `{name}` in the path template with no `in: path` parameter of that name.

    Why it matters: the URL cannot be built; every call fails.

    Fix: declare the path parameter (required, x-ms-url-encoding single).
    """

    severity = E
    message = "operation {operation}: path variable {{{name}}} has no path parameter"

    def check(self, node, ctx):
        declared = {as_dict(p.param).get("name") for p in node.parameters if as_dict(p.param).get("in") == "path"}
        for name in path_variables(node.path):
            if name not in declared:
                yield Violation({"operation": op_label(node), "name": name}, node.pointer)


class _PathKeyRule(MicrosoftRule):
    category = "Operations"
    subject = "package"
    severity = E

    def test(self, path: str) -> bool:
        raise NotImplementedError

    def check(self, node, ctx):
        for path in as_dict(doc(ctx).get("paths")):
            if isinstance(path, str) and not path.startswith("x-") and self.test(path):
                yield Violation({"path": path}, ("paths", path))


@register
class OperationPathContainsUnsupportedCharacters(_PathKeyRule):
    """A path contains the wildcard `*`.

    What it does: flags a path key containing the wildcard `*`.

    Why it matters: the platform does not route wildcard paths.

    Fix: use a path parameter instead.
    """

    message = "path {path!r} contains '*'"

    def test(self, path):
        return "*" in path


@register
class OperationPathMayNotContainQueryOrFragment(_PathKeyRule):
    """A path contains an unencoded `?` or `#`.

    What it does: flags a path key containing an unencoded `?` or `#`.

    Why it matters: query strings and fragments belong in parameters, not the path key.

    Fix: move the query to `in: query` parameters (a constant one can be internal with a default).
    """

    message = "path {path!r} contains a query or fragment"

    def test(self, path):
        return "?" in path or "#" in path


@register
class OperationPathMustStartWithSlash(_PathKeyRule):
    """A path does not start with `/`.

    What it does: flags a path key that does not begin with `/`.

    Why it matters: Swagger path keys are relative to basePath and must start with a slash.

    Fix: add the leading `/`.
    """

    message = "path {path!r} does not start with '/'"

    def test(self, path):
        return not path.startswith("/")


def _template_broken(path: str) -> bool:
    depth = 0
    for ch in path:
        if ch == "{":
            depth += 1
            if depth > 1:
                return True
        elif ch == "}":
            depth -= 1
            if depth < 0:
                return True
        elif ch == "/" and depth:
            return True
    return depth != 0 or "{}" in path


@register
class OperationPathTemplateNotValid(_PathKeyRule):
    """A path template with unbalanced braces, an empty `{}` or a variable spanning segments.

    What it does: flags a path key with unbalanced braces, an empty `{}` or a variable spanning segments.

    Why it matters: the URL template cannot be parsed.

    Fix: write each variable as `{name}` inside one segment.
    """

    message = "path template {path!r} is not valid"

    def test(self, path):
        return _template_broken(path)


@register
class OperationPathVariablesContainDefaults(_PathKeyRule):
    """A path template variable written with a default (`{name=value}`).

    What it does: flags a path variable written with a default (`{name=value}`).

    Why it matters: Swagger templates have no defaults; the variable never matches its parameter.

    Fix: use `{name}` and put the default on the parameter.
    """

    message = "path {path!r} gives a template variable a default"

    def test(self, path):
        return any("=" in v for v in path_variables(path))


def _segments(path: str) -> list[str]:
    return [s for s in path.strip("/").split("/")]


@register
class PartialDuplicateOperationPath(MicrosoftRule):
    """Two operations with the same method have paths that can match the same URL.

    What it does: flags two operations with the same method whose paths can match the same URL because a
    variable segment of one matches a static segment of the other.

    Why it matters: a request for the static path may be routed to the templated operation.

    Fix: make the paths distinguishable by a static segment.
    """

    category = "Operations"
    subject = "package"
    severity = W
    message = "{method} {path!r} can shadow {method} {other!r}"

    def check(self, node, ctx):
        buckets: dict[tuple, list[tuple[str, tuple, str]]] = {}
        fullmatch = _VAR.fullmatch
        for op in operations(ctx):
            path = op.path
            if "{" in path:
                segs = tuple([None if "{" in x and fullmatch(x) else x for x in _segments(path)])
                shape = _VAR.sub("{}", path)
            else:  # no variable at all (the regular expressions would find none)
                segs, shape = tuple(_segments(path)), path
            buckets.setdefault((op.method, len(segs)), []).append((path, segs, shape))
        for (method, length), items in sorted(buckets.items()):
            # Bit j of a mask stands for items[j]. Per segment position: the items with a variable
            # there, and the items with each static value; two paths can match the same URL when
            # at every position one is variable or both are the same static segment.
            variable = [0] * length
            static: list[dict[str, int]] = [{} for _ in range(length)]
            for j, (_, segs, _) in enumerate(items):
                for i, seg in enumerate(segs):
                    if seg is None:
                        variable[i] |= 1 << j
                    else:
                        static[i][seg] = static[i].get(seg, 0) | 1 << j
            every = (1 << len(items)) - 1
            for j, (a, sa, shape_a) in enumerate(items):
                later = every & (-1 << (j + 1))  # only the items after this one, as the pairs go
                for i, seg in enumerate(sa):
                    if seg is not None:
                        later &= variable[i] | static[i][seg]
                        if not later:
                            break
                while later:
                    lowest = later & -later
                    later ^= lowest
                    b, _, shape_b = items[lowest.bit_length() - 1]
                    if shape_a != shape_b:
                        yield Violation({"method": method.upper(), "path": b, "other": a}, ("paths", b))


@register
class PathParameterMustBeRequired(MicrosoftRule):
    """A path parameter without `required: true`.

    What it does: flags an `in: path` parameter without `required: true`.

    Why it matters: a URL cannot be built without its path segment; Swagger requires it.

    Fix: add `"required": true`.
    """

    category = "Operations"
    subject = "parameter"
    severity = E
    message = "path parameter {name!r} must be required"

    def check(self, node, ctx):
        param = node.param
        if isinstance(param, dict) and param.get("in") == "path" and param.get("required") is not True:
            yield Violation({"name": param.get("name")}, node.pointer)


@register
class PathParameterNotDefinedInTemplate(_OpRule):
    """A path parameter whose `{name}` is not in the operation's path.

    What it does: flags an `in: path` parameter whose `{name}` is not in the operation's path.

    Why it matters: the value has nowhere to go; the user must fill a field that is never sent.

    Fix: add the variable to the path or remove the parameter.
    """

    severity = E
    message = "operation {operation}: path parameter {name!r} is not in path {path!r}"

    def check(self, node, ctx):
        variables = set(path_variables(node.path))
        for p in node.parameters:
            param = as_dict(p.param)
            if param.get("in") == "path" and param.get("name") not in variables:
                yield Violation({"operation": op_label(node), "name": param.get("name"), "path": node.path}, p.used_at)


class _PathItemParams(MicrosoftRule):
    category = "Operations"
    subject = "package"
    severity = E

    def items(self, ctx):
        for path, item in as_dict(doc(ctx).get("paths")).items():
            if isinstance(item, dict):
                yield path, as_list(item.get("parameters"))


@register
class PathParametersContainDuplicateParameter(_PathItemParams):
    """Two path-item parameters share a name and location.

    What it does: flags path-item `parameters` with the same name and location twice.

    Why it matters: Swagger forbids it; every operation of the path inherits the clash.

    Fix: remove one.
    """

    message = "path {path!r} has two {location} parameters named {name!r}"

    def check(self, node, ctx):
        for path, items in self.items(ctx):
            for i, kind, key in _list_duplicates(items, lambda x: resolve(ctx, x)[0]):
                if kind == "name-in":
                    yield Violation({"path": path, "name": key[0], "location": key[1]}, ("paths", path, "parameters", i))
                elif kind == "same":
                    param = as_dict(resolve(ctx, items[i])[0])
                    yield Violation({"path": path, "name": param.get("name"), "location": param.get("in")},
                                    ("paths", path, "parameters", i))


@register
class PathParametersContainMultipleBodyParameters(_PathItemParams):
    """A path item with more than one body parameter.

    What it does: flags path-item `parameters` with more than one body parameter.

    Why it matters: a request has one body.

    Fix: keep one body parameter.
    """

    message = "path {path!r} has {count} body parameters"

    def check(self, node, ctx):
        for path, items in self.items(ctx):
            count = sum(1 for x in items if as_dict(resolve(ctx, x)[0]).get("in") == "body")
            if count > 1:
                yield Violation({"path": path, "count": count}, ("paths", path, "parameters"))


@register
class PathRedefined(MicrosoftRule):
    """Two paths differ only in letter case.

    What it does: flags path keys that differ only in letter case.

    Why it matters: the platform matches paths case-insensitively; one hides the other.

    Fix: merge the path items.
    """

    category = "Operations"
    subject = "package"
    severity = E
    message = "path {path!r} differs from {other!r} only in letter case"

    def check(self, node, ctx):
        seen: dict[str, str] = {}
        for path in as_dict(doc(ctx).get("paths")):
            if not isinstance(path, str) or path.startswith("x-"):
                continue
            key = path.lower()
            if key in seen:
                yield Violation({"path": path, "other": seen[key]}, ("paths", path))
            else:
                seen[key] = path
