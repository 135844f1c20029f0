"""Certification requirements without a Microsoft code, beyond fire / near miss: the rules are
off with certification off, message texts, production and non-production hosts, the icon checker,
and documented exemptions. Each rule's bad fixture and near miss live in rule_fixtures/ and run
in test_rule_fixtures.py."""

from __future__ import annotations

import io
import json
from typing import Callable

import pytest
from PIL import Image

from pbxconn.validate.config import Config
from pbxconn.validate.engine import validate_package
from pbxconn.validate.package import Package
from pbxconn.validate.rules.certification import icon_problem


def _png(width: int, height: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (49, 171, 61)).save(buf, format="PNG")
    return buf.getvalue()


def _swagger() -> dict:
    return {
        "swagger": "2.0",
        "info": {"title": "Demo PBX", "version": "1.0",
                 "contact": {"name": "Demo", "url": "https://pbx.example.com", "email": "support@example.com"}},
        "host": "pbx.example.com",
        "paths": {"/calls": {"get": {
            "operationId": "ListCalls", "summary": "List calls",
            "description": "Lists the calls of the last 24 hours.",
            "parameters": [{"name": "limit", "in": "query", "type": "integer", "x-ms-summary": "Limit"}],
            "responses": {"200": {"description": "ok"}},
        }}},
    }


def _properties() -> dict:
    return {"properties": {"iconBrandColor": "#31ab3d", "publisher": "Demo", "stackOwner": "Demo"}}


def _files(swagger: dict | None = None, properties: dict | None = None, readme: bool = True) -> Package:
    files = {
        "apiDefinition.swagger.json": json.dumps(swagger or _swagger()).encode(),
        "apiProperties.json": json.dumps(properties or _properties()).encode(),
    }
    if readme:
        files["readme.md"] = b"# Demo PBX\n"
    return Package.from_files(files, "/nonexistent/demo")


def codes(pkg: Package, code: str, certification: bool = True) -> list:
    """Findings of one code."""
    return [f for f in validate_package(pkg, Config(select=(code,), certification=certification))
            if f.code == code]


def _sw(fn: Callable[[dict], None]) -> Package:
    sw = _swagger()
    fn(sw)
    return _files(swagger=sw)


def _pr(fn: Callable[[dict], None]) -> Package:
    pr = _properties()
    fn(pr)
    return _files(properties=pr)


def _op(sw: dict) -> dict:
    return sw["paths"]["/calls"]["get"]


# bad packages that the certification-off and message tests below look into
BAD: dict[str, Callable[[], Package]] = {
    "IconBrandColorMissing": lambda: _pr(lambda p: p["properties"].pop("iconBrandColor")),
    "IconBrandColorDefault": lambda: _pr(lambda p: p["properties"].__setitem__("iconBrandColor", "#007EE5")),
    "StackOwnerMissing": lambda: _pr(lambda p: p["properties"].__setitem__(
        "stackowner", p["properties"].pop("stackOwner"))),
    "ReadmeMissing": lambda: _files(readme=False),
}


def test_certification_rules_are_off_with_no_certification() -> None:
    for code in ("IconBrandColorDefault", "ReadmeMissing"):
        assert codes(BAD[code](), code)  # fires with certification on, so the next line means something
        assert codes(BAD[code](), code, certification=False) == []
    # iconBrandColor is required by the apiProperties schema for every connector
    assert codes(BAD["IconBrandColorMissing"](), "IconBrandColorMissing", certification=False)


def test_stack_owner_case_typo_is_named() -> None:
    [finding] = codes(BAD["StackOwnerMissing"](), "StackOwnerMissing")
    assert "'stackowner'" in finding.message


@pytest.mark.parametrize("host", ["swapi.dev", "api.testrail.io", "contest.example.com", "developer.example.com"])
def test_production_hosts_are_not_flagged(host: str) -> None:
    assert codes(_sw(lambda s: s.__setitem__("host", host)), "HostNotProduction") == []


@pytest.mark.parametrize("host", ["dev.example.com", "api-test.example.com", "uat2.example.com:8443"])
def test_non_production_hosts_are_flagged(host: str) -> None:
    assert codes(_sw(lambda s: s.__setitem__("host", host)), "HostNotProduction")


def test_icon_problem() -> None:
    assert icon_problem(_png(230, 230)) == ""
    assert icon_problem(_png(471, 471)) == ""
    assert "PNG" in icon_problem(b"GIF89a....")
    assert "square" in icon_problem(_png(300, 200))
    assert "230" in icon_problem(_png(32, 32))
    assert "decoded" in icon_problem(b"\x89PNG\r\n\x1a\n" + b"\0" * 20)


def test_revision_suffix_is_pascal_case() -> None:
    assert codes(_sw(lambda s: _op(s).__setitem__("operationId", "ListCalls_V2")), "OperationIdNotPascalCase") == []


def test_lone_swagger_file_needs_no_readme(tmp_path) -> None:
    path = tmp_path / "apiDefinition.swagger.json"
    path.write_text(json.dumps(_swagger()))
    assert codes(Package.load(path), "ReadmeMissing") == []


def test_missing_contact_is_left_to_required_property_missing() -> None:
    assert codes(_sw(lambda s: s["info"].pop("contact")), "ContactIncomplete") == []
