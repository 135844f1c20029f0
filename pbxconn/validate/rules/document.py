"""Microsoft's rules about the document root: host, basePath, schemes, info, contact, metadata, security schemes, tags."""

from __future__ import annotations

import re
from typing import Any, Iterator, Mapping

from pbxconn.core.findings import Severity
from pbxconn.validate.rule import Violation, register
from pbxconn.validate.rules._helpers import _PropRule, as_dict, as_list, doc, operations

E, W = Severity.ERROR, Severity.WARNING


@register
class BasePathNotValid(_PropRule):
    """A `basePath` that does not start with `/`.

    What it does: flags a `basePath` that does not start with `/`.

    Why it matters: request URLs are host + basePath + path; without the slash they are malformed.

    Fix: start basePath with `/`.
    """

    severity = E
    message = "basePath {value!r} must start with '/'"

    def check(self, node, ctx):
        root = doc(ctx)
        if "basePath" in root:
            value = root["basePath"]
            if not isinstance(value, str) or not value.startswith("/"):
                yield Violation({"value": value}, ("basePath",))


REQUIRED_METADATA = ("Website", "Privacy policy", "Categories")


def connector_metadata(ctx: Any) -> list[tuple[int, str, Any]]:
    """(index, propertyName, propertyValue) of x-ms-connector-metadata entries."""
    out = []
    for i, entry in enumerate(as_list(doc(ctx).get("x-ms-connector-metadata"))):
        if isinstance(entry, dict) and isinstance(entry.get("propertyName"), str):
            out.append((i, entry["propertyName"], entry.get("propertyValue")))
    return out


@register
class ConnectorMetadataPropertiesMissing(_PropRule):
    """x-ms-connector-metadata lacks Website, Privacy policy or Categories.

    What it does: flags x-ms-connector-metadata without one of the entries Website, Privacy policy,
    Categories.

    Why it matters: certification requires all three; they fill the connector's public page.

    Fix: add the missing `{"propertyName": ..., "propertyValue": ...}` entry.
    """

    severity = W
    certification = True
    message = "x-ms-connector-metadata has no {name!r} entry"

    def check(self, node, ctx):
        if not isinstance(doc(ctx).get("x-ms-connector-metadata"), list):
            return
        names = {name.strip().lower() for _, name, _ in connector_metadata(ctx)}
        for name in REQUIRED_METADATA:
            if name.lower() not in names:
                yield Violation({"name": name}, ("x-ms-connector-metadata",))


EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")


@register
class ContactEmailNotValid(_PropRule):
    """`info.contact.email` is not a plain ASCII e-mail address.

    What it does: flags `info.contact.email` that is not a plain ASCII e-mail address.

    Why it matters: Microsoft and users contact the publisher there.

    Fix: write an address like `support@example.com`.
    """

    severity = W
    message = "contact email {value!r} is not a valid e-mail address"

    def check(self, node, ctx):
        contact = as_dict(as_dict(doc(ctx).get("info")).get("contact"))
        if "email" in contact:
            value = contact["email"]
            if not isinstance(value, str) or not EMAIL.match(value.strip()):
                yield Violation({"value": value}, ("info", "contact", "email"))


HOST = re.compile(r"^[^{}/ :\\]+(?::\d+)?$")


@register
class HostNameNotValid(_PropRule):
    """A `host` that is not a bare host name[:port].

    What it does: flags a `host` with a scheme, a path, spaces or other characters a bare host[:port] cannot
    have.

    Why it matters: Microsoft's validator rejects it (seen as an error in its CI logs); request URLs cannot be
    built.

    Fix: write only the host name (and port); put the path in basePath and the scheme in schemes.
    """

    severity = E
    message = "host {value!r} is not a bare host name[:port]"

    def check(self, node, ctx):
        root = doc(ctx)
        if "host" in root:
            value = root["host"]
            if not isinstance(value, str) or not HOST.match(value):
                yield Violation({"value": value}, ("host",))


CATEGORIES = ("AI", "Business Management", "Business Intelligence", "Collaboration", "Commerce", "Communication",
              "Content and Files", "Finance", "Data", "Human Resources", "Internet of Things", "IT Operations",
              "Lifestyle and Entertainment", "Marketing", "Productivity", "Sales and CRM", "Security",
              "Social Media", "Website")


def categories(ctx: Any) -> tuple[int, list[str]] | None:
    """(entry index, category names) of the Categories metadata entry, or None."""
    for i, name, value in connector_metadata(ctx):
        if name.strip().lower() == "categories" and isinstance(value, str):
            return i, [c.strip() for c in value.split(";") if c.strip()]
    return None


@register
class InvalidConnectorCategory(_PropRule):
    """A connector category that is not one of Microsoft's categories.

    What it does: flags a Categories value outside Microsoft's list of 19 categories.

    Why it matters: the connector cannot be listed under an unknown category.

    Fix: use names from the list (e.g. Communication; Productivity).
    """

    severity = W
    certification = True
    message = "connector category {value!r} is not one of Microsoft's categories"

    def check(self, node, ctx):
        found = categories(ctx)
        if found:
            index, names = found
            for name in names:
                if name not in CATEGORIES:
                    yield Violation({"value": name}, ("x-ms-connector-metadata", index, "propertyValue"))


@register
class TooManyConnectorCategories(_PropRule):
    """More than two connector categories.

    What it does: flags more than two connector Categories.

    Why it matters: certification allows at most two.

    Fix: keep the two that fit best.
    """

    severity = W
    certification = True
    message = "{count} connector categories given (at most 2)"

    def check(self, node, ctx):
        found = categories(ctx)
        if found and len(found[1]) > 2:
            yield Violation({"count": len(found[1])}, ("x-ms-connector-metadata", found[0], "propertyValue"))


def schemes(ctx: Any) -> Iterator[tuple[Any, tuple]]:
    """Every scheme value (root and operations) with its pointer."""
    for i, value in enumerate(as_list(doc(ctx).get("schemes"))):
        yield value, ("schemes", i)
    for op in operations(ctx):
        for i, value in enumerate(as_list(as_dict(op.op).get("schemes"))):
            yield value, op.pointer + ("schemes", i)


@register
class SchemeNotValid(_PropRule):
    """A `schemes` entry other than http or https.

    What it does: flags a `schemes` entry other than http or https (ws/wss are reported by
    SchemeNotSupported).

    Why it matters: the platform calls services over HTTP(S) only.

    Fix: use `https`.
    """

    severity = E
    message = "scheme {value!r} is not valid; use https"

    def check(self, node, ctx):
        for value, ptr in schemes(ctx):
            if value not in ("http", "https", "ws", "wss"):
                yield Violation({"value": value}, ptr)


SECURITY_KEYS = {
    "basic": ({"type", "description"}, ()),
    "apiKey": ({"type", "description", "name", "in"}, ("name", "in")),
    "oauth2": ({"type", "description", "flow", "authorizationUrl", "tokenUrl", "scopes"}, ("flow", "scopes")),
}
OAUTH_URLS = {"implicit": ("authorizationUrl",), "password": ("tokenUrl",), "application": ("tokenUrl",),
              "accessCode": ("authorizationUrl", "tokenUrl")}


def security_schemes(ctx: Any) -> Iterator[tuple[str, Mapping]]:
    """(name, scheme) of securityDefinitions with a known type."""
    for name, scheme in as_dict(doc(ctx).get("securityDefinitions")).items():
        if isinstance(scheme, dict) and scheme.get("type") in SECURITY_KEYS:
            yield name, scheme


@register
class SecuritySchemePropertyNotValid(_PropRule):
    """A securityDefinitions entry has a key its type does not take.

    What it does: flags a securityDefinitions entry with a key its type does not have (e.g. `flow` on apiKey).

    Why it matters: the key is ignored, which usually means the scheme is not what the author intended.

    Fix: remove the key or fix the `type`.
    """

    severity = W
    message = "security scheme {name!r} ({type}) does not take {key!r}"

    def check(self, node, ctx):
        for name, scheme in security_schemes(ctx):
            allowed = SECURITY_KEYS[scheme["type"]][0]
            for key in scheme:
                if isinstance(key, str) and not key.startswith("x-") and key not in allowed:
                    yield Violation({"name": name, "type": scheme["type"], "key": key},
                                    ("securityDefinitions", name, key))


@register
class SecuritySchemePropertyRequired(_PropRule):
    """A securityDefinitions entry lacks a key its type needs.

    What it does: flags a securityDefinitions entry missing a key its type needs (apiKey: name, in; oauth2:
    flow, scopes and the URLs of its flow).

    Why it matters: without an apiKey's name or location the platform cannot authenticate calls (error). For
    oauth2 the platform takes its settings from apiProperties.json and accepted connectors lack `scopes`,
    so those are warnings.

    Fix: add the missing key.
    """

    severity = E
    message = "security scheme {name!r} ({type}) needs {key!r}"

    def check(self, node, ctx):
        for name, scheme in security_schemes(ctx):
            needed = list(SECURITY_KEYS[scheme["type"]][1])
            if scheme["type"] == "oauth2" and isinstance(scheme.get("flow"), str):
                needed += OAUTH_URLS.get(scheme["flow"], ())
            for key in needed:
                if key not in scheme:
                    yield Violation({"name": name, "type": scheme["type"], "key": key}, ("securityDefinitions", name),
                                    severity=None if scheme["type"] == "apiKey" else W)


@register
class SpecificationVersionIncorrect(_PropRule):
    """The `swagger` field is missing or not "2.0".

    What it does: flags a `swagger` field that is missing or not the string "2.0" (the one finding about it;
    an OpenAPI 3 document is OpenApi3NotSupported).

    Why it matters: the platform reads Swagger 2.0 only.

    Fix: write `"swagger": "2.0"` (OpenAPI 3 documents must be converted).
    """

    severity = E
    message = "{problem}"

    def check(self, node, ctx):
        root = doc(ctx)
        if root and root.get("swagger") != "2.0":
            if "swagger" in root:
                yield Violation({"problem": f"swagger version {root['swagger']!r} is not \"2.0\""}, ("swagger",))
            else:
                yield Violation({"problem": "the definition has no \"swagger\": \"2.0\" key"}, ())


@register
class TagRedefined(_PropRule):
    """A tag defined twice in the root `tags` list.

    What it does: flags a tag name defined twice in the root `tags` list.

    Why it matters: Swagger requires unique tag names; one description is lost.

    Fix: merge the two entries.
    """

    severity = W
    message = "tag {name!r} is defined more than once"

    def check(self, node, ctx):
        seen: set = set()
        for i, tag in enumerate(as_list(doc(ctx).get("tags"))):
            name = as_dict(tag).get("name")
            if isinstance(name, str):
                if name in seen:
                    yield Violation({"name": name}, ("tags", i))
                seen.add(name)


URL = re.compile(r"^https?://[^\s/?#]+\.[^\s/?#]+(?::\d+)?(?:[/?#]\S*)?$", re.IGNORECASE)


@register
class UrlNotValid(_PropRule):
    """A URL field (contact, license, terms, metadata) is not an absolute http(s) URL.

    What it does: flags a URL field (contact, license, termsOfService, externalDocs, Website and Privacy
    policy metadata) that is not an absolute http(s) URL.

    Why it matters: the links on the connector's page do not work.

    Fix: write the full URL, starting with https://.
    """

    severity = W
    message = "{field} {value!r} is not an absolute URL"

    def check(self, node, ctx):
        root = doc(ctx)
        info = as_dict(root.get("info"))
        places = [
            (as_dict(info.get("contact")), "url", ("info", "contact", "url"), "info.contact.url"),
            (as_dict(info.get("license")), "url", ("info", "license", "url"), "info.license.url"),
            (info, "termsOfService", ("info", "termsOfService"), "info.termsOfService"),
            (as_dict(root.get("externalDocs")), "url", ("externalDocs", "url"), "externalDocs.url"),
        ]
        for holder, key, ptr, label in places:
            if key in holder and (not isinstance(holder[key], str) or not URL.match(holder[key].strip())):
                yield Violation({"field": label, "value": holder[key]}, ptr)
        for i, name, value in connector_metadata(ctx):
            if name.strip().lower() in ("website", "privacy policy"):
                if not isinstance(value, str) or not URL.match(value.strip()):
                    yield Violation({"field": name, "value": value}, ("x-ms-connector-metadata", i, "propertyValue"))
