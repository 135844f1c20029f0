"""Certification requirements of Microsoft's connector submission process that no published
swagger-validator code covers: package files, icon, apiProperties metadata, wording rules.

The requirements that do have a published code (title length, restricted words, description
length, contact, x-ms-connector-metadata, summary length and characters...) are rules under
Microsoft's code in the Microsoft-table modules.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any, Iterator, Mapping

from pbxconn.core.findings import Severity
from pbxconn.validate.rule import OperationNode, ParameterNode, Rule, Violation, register

if TYPE_CHECKING:  # pragma: no cover
    from pbxconn.validate.package import Package

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
# Colours the certification checklist forbids for a certified connector's icon background.
FORBIDDEN_COLOURS = {"#007ee5": "the default custom-connector blue", "#ffffff": "white"}
SUMMARY_MAX = 80
SWAGGER_MAX_BYTES = 1024 * 1024
PASCAL_CASE = re.compile(r"^[A-Z][A-Za-z0-9]*$")
ICON_SIDE = (100, 1024)  # accepted square side, pixels (guideline: 230; deployed icons up to 471)
_NON_PRODUCTION = re.compile(
    r"^(?:dev|develop|development|test|testing|staging|stage|stg|qa|uat|sandbox|preprod|pre-prod)"
    r"(?:\d+)?$|(?:^|-)(?:dev|test|staging|stage|qa|uat|sandbox|preprod)(?:\d+)?$"
)


def _props(ctx: "Package") -> Mapping[str, Any] | None:
    props = ctx.properties.get("properties") if isinstance(ctx.properties, dict) else None
    return props if isinstance(props, dict) else None


@register
class IconBrandColorMissing(Rule):
    """apiProperties.json has no `iconBrandColor`.

    What it does: checks that `properties.iconBrandColor` is present in apiProperties.json.

    Why it matters: Microsoft's apiProperties schema requires it and paconn rejects the file
    without it; the designer paints the connector's tiles and cards in this colour.

    Fix: add `"iconBrandColor": "#rrggbb"` with the background colour of the icon.
    """

    category = "Certification"
    origin = "pbxconn"
    severity = Severity.ERROR
    message = "apiProperties.json has no properties.iconBrandColor"
    subject = "package"

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield a violation when iconBrandColor is absent."""
        props = _props(ctx)
        if props is not None and "iconBrandColor" not in props:
            yield Violation(pointer=("properties",), file="properties")


@register
class IconBrandColorNotHex(Rule):
    """`iconBrandColor` is not a six-digit hex colour `#rrggbb`.

    What it does: checks the format of `properties.iconBrandColor`.

    Why it matters: the value is used as a CSS colour by the designer; every certified
    connector uses `#rrggbb`, and names, short forms or missing `#` render unpredictably.

    Fix: write the colour as `#` followed by six hex digits, e.g. `#31ab3d`.
    """

    category = "Certification"
    origin = "pbxconn"
    severity = Severity.WARNING
    message = "iconBrandColor {value!r} is not a #rrggbb colour"
    subject = "package"

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield a violation when iconBrandColor is not #rrggbb."""
        props = _props(ctx)
        if props is None or "iconBrandColor" not in props:
            return
        value = props["iconBrandColor"]
        if not isinstance(value, str) or not HEX_COLOUR.match(value):
            yield Violation(args={"value": value}, pointer=("properties", "iconBrandColor"), file="properties")


@register
class IconBrandColorDefault(Rule):
    """A certified connector's `iconBrandColor` is a colour the checklist forbids.

    What it does: flags `#007ee5` (the custom-connector default) and `#ffffff` (white).

    Why it matters: Microsoft's submission checklist requires a non-white brand colour other
    than the default, so that the connector is recognisable among the others.

    Fix: use the brand's own colour, the same as the icon background.
    """

    category = "Certification"
    origin = "pbxconn"
    severity = Severity.WARNING
    certification = True
    message = "iconBrandColor {value} is {why}; certified connectors must use their own colour"
    subject = "package"

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield a violation when iconBrandColor is a forbidden default."""
        props = _props(ctx)
        value = props.get("iconBrandColor") if props is not None else None
        if isinstance(value, str) and value.lower() in FORBIDDEN_COLOURS:
            yield Violation(args={"value": value, "why": FORBIDDEN_COLOURS[value.lower()]},
                            pointer=("properties", "iconBrandColor"), file="properties")


@register
class PublisherMissing(Rule):
    """apiProperties.json has no `publisher`.

    What it does: checks `properties.publisher` is present and non-empty.

    Why it matters: certification lists the publisher (the company, or the person for an
    independent publisher) on the connector's reference page and in the catalog.

    Fix: add `"publisher": "<company name>"` inside `properties`.
    """

    category = "Certification"
    origin = "pbxconn"
    severity = Severity.WARNING
    certification = True
    message = "apiProperties.json has no properties.publisher{hint}"
    subject = "package"
    field = "publisher"

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield a violation when the field is absent or empty."""
        props = _props(ctx)
        if props is None:
            return
        value = props.get(self.field)
        if isinstance(value, str) and value.strip():
            return
        typo = next((k for k in props if k.lower() == self.field.lower() and k != self.field), None)
        hint = f" (found {typo!r}; the name is case-sensitive)" if typo else ""
        pointer = ("properties", self.field) if self.field in props else ("properties",)
        yield Violation(args={"hint": hint}, pointer=pointer, file="properties")


@register
class StackOwnerMissing(PublisherMissing):
    """apiProperties.json has no `stackOwner`.

    What it does: checks `properties.stackOwner` is present and non-empty.

    Why it matters: certification records who owns the service behind the connector
    (usually the publisher). Note that `paconn update` refuses a file with stackOwner, so
    keep it in the submitted package and leave it out only for paconn updates.

    Fix: add `"stackOwner": "<owner of the service>"` inside `properties`.
    """

    message = "apiProperties.json has no properties.stackOwner{hint}"
    field = "stackOwner"


@register
class ReadmeMissing(Rule):
    """The connector folder has no readme.md.

    What it does: checks that a connector folder has a readme (`readme.md` in any letter case).

    Why it matters: the readme is a required certification artifact: it documents the
    publisher, prerequisites, how to get credentials and the supported operations.

    Fix: add `readme.md` following Microsoft's template (Publisher, Prerequisites, Supported
    Operations, Obtaining Credentials, Getting Started, Known Issues and Limitations).
    """

    category = "Certification"
    origin = "pbxconn"
    severity = Severity.WARNING
    certification = True
    message = "the connector folder has no readme.md"
    subject = "package"

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield a violation for a folder without a readme."""
        if getattr(ctx, "kind", "file") == "file" or "readme" in ctx.files:
            return
        yield Violation(file="readme")


@register
class IconImageInvalid(Rule):
    """icon.png is not a square PNG of a usable size.

    What it does: opens icon.png (when the package has one) and checks that it is a PNG image,
    square, between 100 and 1024 pixels a side (Microsoft's guideline is 230 x 230).

    Why it matters: the icon is shown in the designer and the catalog; a non-PNG file is
    refused, and a small or stretched image looks broken next to the other connectors.

    Fix: export the logo as a 230 x 230 PNG on the brand colour background.
    """

    category = "Certification"
    origin = "pbxconn"
    severity = Severity.WARNING
    certification = True
    message = "icon.png {problem}"
    subject = "package"

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield a violation describing what is wrong with icon.png."""
        source = ctx.files.get("icon")
        if source is None:
            return
        problem = icon_problem(source.data)
        if problem:
            yield Violation(args={"problem": problem}, file="icon")


# Chunks a plain PNG header may carry before its image data, with the smallest length Pillow
# accepts for each; colour types of bit depth 8 that need no palette (grey, RGB, grey+alpha, RGBA).
_PLAIN_CHUNKS = {b"sRGB": 1, b"gAMA": 4, b"pHYs": 9}
_PLAIN_MODES = {(8, 0), (8, 2), (8, 4), (8, 6)}
_PILLOW_MAX_PIXELS = 89478485  # Image.MAX_IMAGE_PIXELS; above it Image.open warns or refuses


def _plain_png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG whose header Pillow's PNG reader certainly accepts: IHDR first,
    then only sRGB / gAMA / pHYs chunks, every checksum right, up to the first IDAT. None for
    anything else (Pillow then decides), so the verdict is Pillow's while the common case
    spares importing it (about 20 ms of a single-connector command)."""
    import zlib

    pos, size, end = 8, None, len(data)
    while pos + 8 <= end:
        length = int.from_bytes(data[pos:pos + 4], "big")
        cid = data[pos + 4:pos + 8]
        if cid == b"IDAT":
            return size
        body_end = pos + 8 + length
        if body_end + 4 > end:
            return None
        body = data[pos + 8:body_end]
        if zlib.crc32(body, zlib.crc32(cid)) != int.from_bytes(data[body_end:body_end + 4], "big"):
            return None
        if cid == b"IHDR":
            if pos != 8 or length < 13 or body[11] or (body[8], body[9]) not in _PLAIN_MODES:
                return None
            width, height = int.from_bytes(body[0:4], "big"), int.from_bytes(body[4:8], "big")
            if not width or not height or width * height > _PILLOW_MAX_PIXELS:
                return None
            size = (width, height)
        else:
            least = _PLAIN_CHUNKS.get(cid)
            if size is None or least is None or length < least:
                return None
        pos = body_end + 4
    return None


def icon_problem(data: bytes) -> str:
    """What is wrong with an icon image ('' when it is a square PNG of a usable size)."""
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "is not a PNG image"
    size = _plain_png_size(data)
    if size is not None:
        return _icon_size_problem(*size)
    try:
        # Imported only when a package has an icon. The signature is PNG's, so the PNG reader
        # is the one Image.open would pick; calling it directly spares loading every other
        # format plugin (about 10 ms of a single-connector run).
        from PIL import Image, PngImagePlugin

        with PngImagePlugin.PngImageFile(io.BytesIO(data)) as image:
            width, height = image.size
            if Image.MAX_IMAGE_PIXELS and width * height > 2 * Image.MAX_IMAGE_PIXELS:
                return "cannot be decoded as an image"  # Image.open refuses these as well
    except Exception:
        return "cannot be decoded as an image"
    return _icon_size_problem(width, height)


def _icon_size_problem(width: int, height: int) -> str:
    """What is wrong with an icon of this size ('' when nothing)."""
    if width != height:
        return f"is {width} x {height} pixels; it must be square (230 x 230 recommended)"
    if not ICON_SIDE[0] <= width <= ICON_SIDE[1]:
        return f"is {width} x {height} pixels; use 230 x 230"
    return ""


@register
class SwaggerFileTooLarge(Rule):
    """apiDefinition.swagger.json is 1 MB or larger.

    What it does: measures the swagger file.

    Why it matters: Microsoft's documented limit for an OpenAPI definition is under 1 MB; a
    larger file cannot be imported or deployed.

    Fix: split the connector, or move repeated schemas into `definitions` and reference them.
    """

    category = "Certification"
    origin = "pbxconn"
    severity = Severity.ERROR
    message = "the swagger file is {size} bytes; the limit is under 1 MB ({limit} bytes)"
    subject = "package"

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield a violation when the swagger file reaches 1 MB."""
        source = ctx.files.get("swagger")
        if source is not None and len(source.data) >= SWAGGER_MAX_BYTES:
            yield Violation(args={"size": len(source.data), "limit": SWAGGER_MAX_BYTES})


@register
class HostNotProduction(Rule):
    """The swagger's `host` looks like a development, test or staging host.

    What it does: looks for labels such as `dev`, `test`, `staging`, `qa`, `uat`, `sandbox`
    (alone or as a `-suffix`) in the host name.

    Why it matters: certified connectors must call the production service; a test host left
    in the file ships every customer to it.

    Fix: set `host` to the production host name.
    """

    category = "Certification"
    origin = "pbxconn"
    severity = Severity.WARNING
    certification = True
    message = "host {host!r} looks like a non-production host ({label!r})"
    subject = "package"

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield a violation when a host label names a non-production stage."""
        host = ctx.swagger.get("host") if isinstance(ctx.swagger, dict) else None
        if not isinstance(host, str):
            return
        for label in host.split(":")[0].lower().split(".")[:-1]:  # not the TLD (swapi.dev)
            if _NON_PRODUCTION.search(label):
                yield Violation(args={"host": host, "label": label}, pointer=("host",))
                return


@register
class SummaryEqualsDescription(Rule):
    """An operation's description repeats its summary.

    What it does: compares each operation's `summary` and `description` (ignoring case,
    surrounding space and a final full stop).

    Why it matters: Microsoft's coding standards ask the description to add information; the
    designer shows both, and a repeated line tells users nothing.

    Fix: write a description sentence that says what the operation returns or changes.
    """

    category = "Certification"
    origin = "pbxconn"
    severity = Severity.WARNING
    certification = True
    message = "operation {operation_id!r} has the same summary and description"
    subject = "operation"

    def check(self, node: OperationNode, ctx: "Package") -> Iterator[Violation]:
        """Yield a violation when summary and description are the same text."""
        summary, description = node.op.get("summary"), node.op.get("description")
        if isinstance(summary, str) and isinstance(description, str) and summary.strip():
            if _plain(summary) == _plain(description):
                yield Violation(args={"operation_id": node.op.get("operationId")},
                                pointer=node.pointer + ("description",))


def _plain(text: str) -> str:
    return text.strip().rstrip(".").strip().lower()


@register
class ParameterSummaryTooLong(Rule):
    """A parameter's `x-ms-summary` is longer than 80 characters.

    What it does: measures the `x-ms-summary` of every parameter.

    Why it matters: the certification guidance limits summaries (the field labels in the
    designer) to 80 characters; longer ones are cut off in the UI.

    Fix: shorten the label and move detail into `description`.
    """

    category = "Certification"
    origin = "pbxconn"
    severity = Severity.WARNING
    certification = True
    message = "x-ms-summary of parameter {name!r} has {length} characters; the limit is 80"
    subject = "parameter"

    needs = ("x-ms-summary",)

    def check(self, node: ParameterNode, ctx: "Package") -> Iterator[Violation]:
        """Yield a violation when the parameter's x-ms-summary exceeds 80 characters."""
        summary = node.param.get("x-ms-summary")
        if isinstance(summary, str) and len(summary) > SUMMARY_MAX:
            yield Violation(args={"name": node.param.get("name"), "length": len(summary)},
                            pointer=node.pointer + ("x-ms-summary",))


@register
class OperationIdNotPascalCase(Rule):
    """An operationId that is not PascalCase.

    What it does: checks operationIds against `^[A-Z][A-Za-z0-9]*$`.

    Why it matters: Microsoft's coding standards ask for PascalCase operationIds without `-`
    or `_` (`GetMessages`, not `getMessages` or `Get_Messages`). A quarter of certified
    operations do not follow it, so this is advice (info), not a blocker.

    Fix: rename the operation in PascalCase (a rename is a breaking change for published
    connectors: only do it for new operations).
    """

    category = "Certification"
    origin = "pbxconn"
    severity = Severity.INFO
    certification = True
    message = "operationId {operation_id!r} is not PascalCase"
    subject = "operation"

    def check(self, node: OperationNode, ctx: "Package") -> Iterator[Violation]:
        """Yield a violation for a non-PascalCase operationId."""
        op_id = node.op.get("operationId")
        if isinstance(op_id, str) and op_id and not PASCAL_CASE.match(op_id):
            # the _V2 revision suffix is Microsoft's own convention
            if not PASCAL_CASE.match(re.sub(r"_V\d+$", "", op_id)):
                yield Violation(args={"operation_id": op_id}, pointer=node.pointer + ("operationId",))


@register
class OperationSummaryMissing(Rule):
    """An operation without a `summary`.

    What it does: reports operations with no (or an empty) `summary`.

    Why it matters: the summary is the operation's name in the designer; without one users see
    the operationId. The certification checklist requires a summary on every operation.

    Fix: add a short sentence-case summary (at most 80 characters, no `/\\<>*%&?`).
    """

    category = "Certification"
    origin = "pbxconn"
    severity = Severity.WARNING
    certification = True
    message = "operation {operation_id!r} has no {field}"
    subject = "operation"
    field = "summary"

    def check(self, node: OperationNode, ctx: "Package") -> Iterator[Violation]:
        """Yield a violation when the field is absent or blank."""
        value = node.op.get(self.field)
        if not (isinstance(value, str) and value.strip()):
            where = node.pointer + ((self.field,) if self.field in node.op else ())
            yield Violation(args={"operation_id": node.op.get("operationId") or f"{node.method.upper()} {node.path}",
                                  "field": self.field}, pointer=where)


@register
class OperationDescriptionMissing(OperationSummaryMissing):
    """An operation without a `description`.

    What it does: reports operations with no (or an empty) `description`.

    Why it matters: the description is the help text of the operation in the designer and on
    the connector's reference page; the certification checklist requires one on every operation.

    Fix: add one or two full sentences saying what the operation does and returns.
    """

    field = "description"


@register
class ContactIncomplete(Rule):
    """`info.contact` lacks its name, url or email.

    What it does: checks that an `info.contact` object has `name`, `url` and `email`.

    Why it matters: Microsoft's certification metadata asks for all three; they are how
    customers and Microsoft reach the publisher, and appear on the connector's reference page.

    Fix: add the missing field(s) to `info.contact`.
    """

    category = "Certification"
    origin = "pbxconn"
    severity = Severity.WARNING
    certification = True
    message = "info.contact has no {field}"
    subject = "package"

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield one violation per missing contact field (when a contact exists)."""
        info = ctx.swagger.get("info") if isinstance(ctx.swagger, dict) else None
        contact = info.get("contact") if isinstance(info, dict) else None
        if not isinstance(contact, dict):
            return  # a missing contact is RequiredPropertyMissing
        for field in ("name", "url", "email"):
            value = contact.get(field)
            if not (isinstance(value, str) and value.strip()):
                yield Violation(args={"field": field}, pointer=("info", "contact"))
