"""Microsoft's Swagger Validator rules, table "Security"."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from pbxconn.core.findings import Severity
from pbxconn.validate.rule import Violation, register
from pbxconn.validate.rules._helpers import MicrosoftRule, as_dict, as_list, doc, operations

E, W = Severity.ERROR, Severity.WARNING


def requirements(ctx: Any) -> Iterator[tuple[str, Any, tuple]]:
    """(scheme name, value, pointer) of every security requirement (document and operations)."""
    places = [(doc(ctx).get("security"), ("security",))]
    places += [(as_dict(op.op).get("security"), op.pointer + ("security",)) for op in operations(ctx)]
    for raw, at in places:
        for i, requirement in enumerate(as_list(raw)):
            if isinstance(requirement, dict):
                for name, value in requirement.items():
                    yield name, value, at + (i, name)


def scheme(ctx: Any, name: str) -> Mapping | None:
    """The securityDefinitions entry named `name`, or None."""
    value = as_dict(doc(ctx).get("securityDefinitions")).get(name)
    return value if isinstance(value, dict) else None


class _SecRule(MicrosoftRule):
    category = "Security"
    subject = "package"


@register
class OAuthSecurityRequirementValueMustBeScopeName(_SecRule):
    """An OAuth security requirement lists a scope its scheme does not declare.

    What it does: flags an OAuth security requirement listing a scope its securityDefinitions entry does not
    declare.

    Why it matters: the platform cannot request an unknown scope.

    Fix: declare the scope in the scheme's `scopes` or remove it from the requirement.
    """

    severity = W
    message = "scope {scope!r} is not declared by security scheme {name!r}"

    def check(self, node, ctx):
        for name, value, ptr in requirements(ctx):
            definition = scheme(ctx, name)
            if definition is None or definition.get("type") != "oauth2" or not isinstance(value, list):
                continue
            declared = as_dict(definition.get("scopes"))
            for i, scope in enumerate(value):
                if scope not in declared:
                    yield Violation({"scope": scope, "name": name}, ptr + (i,))


@register
class SecurityRequirementMustBeDefined(_SecRule):
    """A `security` requirement names a scheme securityDefinitions lacks.

    What it does: flags a `security` requirement naming a scheme that securityDefinitions lacks.

    Why it matters: the requirement is dangling; tools reading the swagger cannot tell how calls are
    authenticated. (A warning: the platform authenticates from apiProperties.json, and accepted
    connectors carry such requirements.)

    Fix: define the scheme or correct its name.
    """

    severity = W
    message = "security requirement names undefined scheme {name!r}"

    def check(self, node, ctx):
        for name, _, ptr in requirements(ctx):
            if scheme(ctx, name) is None:
                yield Violation({"name": name}, ptr)


@register
class SecurityRequirementMustHaveEmptyValue(_SecRule):
    """A basic or apiKey security requirement that lists scopes.

    What it does: flags a basic or apiKey security requirement that lists scopes.

    Why it matters: only OAuth schemes have scopes; Swagger requires `[]` for the others.

    Fix: write `[]`.
    """

    severity = W
    message = "security requirement {name!r} ({type}) must be an empty list"

    def check(self, node, ctx):
        for name, value, ptr in requirements(ctx):
            definition = scheme(ctx, name)
            if definition is not None and definition.get("type") in ("basic", "apiKey") and value:
                yield Violation({"name": name, "type": definition.get("type")}, ptr)


@register
class SecurityRequirementMustHaveValue(_SecRule):
    """A security requirement whose value is missing or null instead of a list.

    What it does: flags a security requirement whose value is missing or null instead of a list.

    Why it matters: Swagger requires a list of scopes (empty for non-OAuth schemes).

    Fix: write `[]` (or the OAuth scopes).
    """

    severity = W
    message = "security requirement {name!r} must be a list (use [])"

    def check(self, node, ctx):
        for name, value, ptr in requirements(ctx):
            if not isinstance(value, list):
                yield Violation({"name": name}, ptr)
