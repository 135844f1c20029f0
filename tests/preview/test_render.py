"""The page: self-contained, escaped, and the same bytes for the same input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from preview_support import PACKAGES, build, references
from pbxconn.preview.cards import build_connector
from pbxconn.preview.render import render_preview

HOSTILE = '"><script>alert(1)</script><img src=x onerror=alert(2)>'


@pytest.mark.parametrize("folder", PACKAGES, ids=[p.name for p in PACKAGES])
def test_page_loads_nothing_and_links_only_to_the_connectors_own_pages(folder: Path) -> None:
    html = render_preview(build(folder, findings=True), folder.name)
    loaded, links = references(html)
    assert loaded == []
    assert links and all(link.startswith("https://") for link in links)
    swagger = json.loads((folder / "apiDefinition.swagger.json").read_text("utf-8"))
    declared = {e["propertyValue"] for e in swagger["x-ms-connector-metadata"]} | {swagger["info"]["contact"]["url"]}
    assert set(links) <= declared
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert 'src="data:image/png;base64,' in html


@pytest.mark.parametrize("folder", PACKAGES, ids=[p.name for p in PACKAGES])
def test_same_input_same_bytes(folder: Path) -> None:
    assert render_preview(build(folder, findings=True), "x") == render_preview(build(folder, findings=True), "x")


def test_connector_text_is_escaped_and_unsafe_values_are_dropped() -> None:
    swagger = {
        "swagger": "2.0",
        "info": {"title": HOSTILE, "description": HOSTILE, "version": "1", "contact": {"url": "javascript:alert(3)"}},
        "x-ms-connector-metadata": [{"propertyName": HOSTILE, "propertyValue": "javascript:alert(4)"},
                                    {"propertyName": "Website", "propertyValue": 'https://ok.example/"onclick="x'}],
        "paths": {"/x": {"get": {
            "operationId": HOSTILE, "summary": HOSTILE, "description": HOSTILE,
            "parameters": [{"name": HOSTILE, "in": "query", "type": "string", "x-ms-summary": HOSTILE,
                            "enum": [HOSTILE], "default": HOSTILE}],
            "responses": {"200": {"description": "ok", "schema": {"type": "object", "properties": {
                HOSTILE: {"type": "string", "x-ms-summary": HOSTILE}}}}}}}},
    }
    properties = {"properties": {"iconBrandColor": "red;background:url(https://evil.example/x)",
                                 "publisher": HOSTILE}}
    html = render_preview(build_connector(swagger, properties, b"not a png", "fallback"), HOSTILE)
    assert "<script>alert" not in html and "<img src=x" not in html and "javascript:" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "evil.example" not in html and "--brand: #007ee5" in html
    loaded, links = references(html)
    assert loaded == [] and links == []
