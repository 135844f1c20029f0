"""The parameters each policy template takes besides its required ones, and their allowed values.

From Microsoft's paconn apiProperties schema (one definition per template) and the Learn policy
template pages; `x-ms-apimTemplate-policySection` is accepted on every template because deployed
connectors carry it on dynamichosturl and setqueryparameter too. The required parameters are
rules/policies.py's TEMPLATES. Templates seen only in deployed connectors (moveproperties,
dynamicsubdomain) have no published list and are left out.
"""

from __future__ import annotations

OPERATION_NAME = "x-ms-apimTemplate-operationName"
POLICY_SECTION = "x-ms-apimTemplate-policySection"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD")
SECTIONS = ("Request", "Response")

# templateId (case-folded) -> {parameter name without "x-ms-apimTemplateParameter.": allowed values
# or () for any value}. Every template also takes OPERATION_NAME and POLICY_SECTION.
OPTIONAL: dict[str, dict[str, tuple[str, ...]]] = {
    "setheader": {"existsAction": ("override", "skip", "append")},
    "setqueryparameter": {"existsAction": ("override", "skip", "append")},
    "dynamichosturl": {},
    "routerequesttoendpoint": {"httpMethod": METHODS + ("@Request.OriginalHTTPMethod",)},
    "setproperty": {},
    "setvaluefromurl": {"httpMethod": ("GET", "POST", "PUT")},
    "updatenextlink": {"nextLinkParentPropertyPath": ()},
    "convertarraytoobject": {"propertySubPath": (), "retainKey": ("true", "false")},
    "convertobjecttoarray": {"propertySubPath": (), "keyName": (), "valueName": ()},
    "stringtoarray": {"propertySubPath": ()},
    "stringreplace": {"propertySubPath": ()},
    "encodepropertyvalue": {"propertySubPath": ()},
    "pollingtrigger": {},
    "setconnectionstatustounauthenticated": {},
}

# templateId (case-folded) -> the sections its policy may run in (setheader may also run on Failure).
SECTIONS_OF: dict[str, tuple[str, ...]] = {"setheader": SECTIONS + ("Failure",)}
