"""Policy template parameters that the template does not take, or values it does not accept.

Completes rules/policies.py (unknown template: PolicyTemplateUnknown; missing required parameter:
PolicyParameterMissing) with the parameter names and values of each template.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from pbxconn.core.findings import Severity
from pbxconn.validate.rule import PolicyNode, Rule, Violation, register
from pbxconn.validate.rules._policy_parameters import OPERATION_NAME, OPTIONAL, POLICY_SECTION, SECTIONS, SECTIONS_OF
from pbxconn.validate.rules._shape import suggest
from pbxconn.validate.rules.policies import PARAM, TEMPLATES, policy_parameters, template_id

if TYPE_CHECKING:  # pragma: no cover
    from pbxconn.validate.package import Package


def known_parameters(template: str) -> dict[str, tuple[str, ...]] | None:
    """Full parameter name -> allowed values (() for any) of a template; None when not published."""
    if template not in OPTIONAL:
        return None
    known: dict[str, tuple[str, ...]] = {PARAM + name: () for name in TEMPLATES.get(template, ())}
    known.update((PARAM + name, values) for name, values in OPTIONAL[template].items())
    known[OPERATION_NAME] = ()
    known[POLICY_SECTION] = SECTIONS_OF.get(template, SECTIONS)
    return known


def _label(node: PolicyNode) -> str:
    title = node.policy.get("title")
    return repr(title) if isinstance(title, str) and title else f"#{node.index + 1}"


@register
class PolicyParameterUnknown(Rule):
    """A policy template instance has a parameter its template does not take.

    What it does: compares the names under `parameters` with the template's parameters (the
    required and optional ones of Microsoft's schema for that template, plus the operation list
    and policy section) and names the parameter most likely meant. Templates without a published
    parameter list are skipped.

    Why it matters: the gateway ignores parameters it does not know, so a misspelled optional
    one (`existAction`, `httpmethod`) silently falls back to the default; a misspelled required
    one also shows up as PolicyParameterMissing.

    Fix: correct the name, or remove the parameter.
    """

    category = "Policies"
    origin = "pbxconn"
    severity = Severity.WARNING
    message = "policy {policy} ({template}) has the parameter {parameter!r}, which the template does not take{hint}"
    subject = "policy"

    def check(self, node: PolicyNode, ctx: "Package") -> Iterator[Violation]:
        """Yield one violation per unknown parameter name."""
        known = known_parameters(template_id(node.policy))
        if known is None:
            return
        for name in policy_parameters(node.policy):
            if name not in known:
                hint = suggest(name, known)
                yield Violation({"policy": _label(node), "template": node.policy.get("templateId"),
                                 "parameter": name, "hint": f" (did you mean {hint!r}?)" if hint else ""},
                                node.pointer + ("parameters", name), file="properties")


@register
class PolicyParameterValueNotAllowed(Rule):
    """A policy template parameter has a value its template does not accept.

    What it does: checks the parameters with a fixed set of values: `existsAction` (override,
    skip, append), `httpMethod` of routerequesttoendpoint and setvaluefromurl, `retainKey`
    (true, false) and `x-ms-apimTemplate-policySection` (Request, Response; Failure only for
    setheader).

    Why it matters: the gateway cannot apply the policy with a value it does not know: the
    header is not set, the request is not rerouted, or the policy runs at the wrong stage.

    Fix: use one of the listed values, spelled exactly.
    """

    category = "Policies"
    origin = "pbxconn"
    severity = Severity.WARNING
    message = "policy {policy} ({template}): {parameter} {value!r} is not one of {allowed}{hint}"
    subject = "policy"

    def check(self, node: PolicyNode, ctx: "Package") -> Iterator[Violation]:
        """Yield one violation per parameter value outside its set."""
        known = known_parameters(template_id(node.policy)) or {}
        for name, value in policy_parameters(node.policy).items():
            allowed = known.get(name)
            if not allowed or not isinstance(value, str) or value in allowed:
                continue
            hint = suggest(value, allowed)
            yield Violation({"policy": _label(node), "template": node.policy.get("templateId"), "parameter": name,
                             "value": value, "allowed": ", ".join(allowed),
                             "hint": f" (did you mean {hint!r}?)" if hint else ""},
                            node.pointer + ("parameters", name), file="properties")
