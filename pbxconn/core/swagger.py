"""Names every part of pbxconn agrees on about a connector package and its Swagger document."""

from __future__ import annotations

SWAGGER_NAME = "apiDefinition.swagger.json"
PROPERTIES_NAME = "apiProperties.json"
# The operation keys of a Swagger 2.0 path item, in the specification's order.
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")
