"""A definition written in OpenAPI 3, which Power Platform does not read: one finding, not a cascade."""

from __future__ import annotations

from pbxconn.validate.rule import register
from pbxconn.validate.rules._problems import LoaderProblemRule


@register
class OpenApi3NotSupported(LoaderProblemRule):
    """apiDefinition.swagger.json is an OpenAPI 3 document (`openapi: 3.x`) instead of Swagger 2.0.

    What it does: reports a definition that has an `openapi` key and no `swagger` key once, at the
    `openapi` key; the Swagger 2.0 rules then leave the document alone (each of them would fail on
    `servers`, `components` and `requestBody`, burying the one thing to do).

    Why it matters: custom connectors accept OpenAPI 2.0 (Swagger) only; Microsoft's "Create a
    custom connector from an OpenAPI definition" page says OpenAPI 3.0 definitions are not supported.

    Fix: convert the definition to Swagger 2.0 (for example with an OpenAPI 3 to 2 converter),
    then validate again.
    """
