"""Helpers of the preview tests: our packages, view models, what a page loads, a changed tele2."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

from pbxconn.preview.model import Connector
from pbxconn.preview.page import connector_of, load_package, validate

REPO = Path(__file__).resolve().parents[2]
PACKAGES = sorted(p for p in (REPO / "connectors").iterdir() if (p / "apiDefinition.swagger.json").is_file())
ARTIFACTS = REPO / "test-artifacts" / "preview"


def build(folder: Path, findings: bool = False) -> Connector:
    """The view model of a folder, with the validator's findings when asked."""
    package = load_package(folder)
    return connector_of(package, validate(package) if findings else ())


LOADING_ATTRIBUTES = ("src", "href", "srcset", "action", "formaction", "poster", "data", "background")
EMBEDDING_TAGS = ("link", "iframe", "object", "embed", "frame", "base", "audio", "video", "source")


class _References(HTMLParser):
    """Collects what a page would load: attributes that fetch, embedding tags, CSS url()s."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.links: list[str] = []
        self._style = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in EMBEDDING_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name == "style" and value:
                self._css(value)
            if name not in LOADING_ATTRIBUTES or value is None:
                continue
            if tag == "a" and name == "href":
                self.links.append(value)
            elif not value.startswith("data:"):
                self.found.append(f"<{tag} {name}={value!r}>")
        self._style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._style = False

    def handle_data(self, data: str) -> None:
        if self._style:
            self._css(data)

    def _css(self, text: str) -> None:
        self.found += [f"css {m}" for m in re.findall(r"url\(\s*['\"]?(?!data:)[^)]*\)|@import", text)]


def references(html: str) -> tuple[list[str], list[str]]:
    """(what the page would load from outside itself, the <a href> links it shows)."""
    parser = _References()
    parser.feed(html)
    return parser.found, parser.links


def changed_tele2(target: Path) -> Path:
    """A copy of tele2 a maker would notice: an action removed, a trigger input renamed, an
    action's operationId renamed, a response field removed from the Contact definition."""
    shutil.copytree(REPO / "connectors" / "tele2", target)
    swagger_path = target / "apiDefinition.swagger.json"
    swagger = json.loads(swagger_path.read_text("utf-8"))
    del swagger["paths"]["/lost_calls"]
    for param in swagger["paths"]["/trigger/contacts"]["get"]["parameters"]:
        if param["name"] == "limit":
            param["name"] = "max_items"
    swagger["paths"]["/dial"]["post"]["operationId"] = "PlaceCall"
    del swagger["definitions"]["Contact"]["properties"]["avatar"]
    swagger_path.write_text(json.dumps(swagger, indent=4), encoding="utf-8")
    return target
