"""Microsoft's limits: one table (pbxconn/core/limits.py), the rules that check them, and docs/rules.md."""

from __future__ import annotations

import json

import pytest

from pbxconn.core import limits
from pbxconn.core.findings import Severity
from pbxconn.validate.config import Config
from pbxconn.validate.engine import validate_package
from pbxconn.validate.package import Package
from pbxconn.validate.registry import rule_infos
from pbxconn.validate.rule import NOT_IMPLEMENTED
from pbxconn.validate.ruledoc import as_markdown


def test_every_limit_names_implemented_rules_or_says_why_not() -> None:
    implemented = {i.code for i in rule_infos() if i.implemented}
    for limit in limits.LIMITS:
        assert limit.source, limit
        for code in limit.codes:
            assert code in implemented, f"{limit.subject}: {code} is not an implemented rule"
        if not limit.codes:
            assert limit.note, f"{limit.subject}: say why it is not checked"
    named = " ".join(limit.note for limit in limits.LIMITS)
    for code in ("BodySchemaCountExceedsMaxAllowed", "OperationSchemaCountExceedsMaxAllowed",
                 "TotalSchemaCountExceedsMaxAllowed", "OperationIdTooLong", "SchemaTooDeep"):
        assert code in NOT_IMPLEMENTED and code in named


def test_rules_use_the_values_of_the_table() -> None:
    from pbxconn.csx.contract import MAX_SCRIPT_BYTES
    from pbxconn.validate.rules import certification, operations

    assert certification.SUMMARY_MAX == limits.CERTIFICATION_SUMMARY_MAX_LENGTH
    assert certification.SWAGGER_MAX_BYTES == limits.SWAGGER_MAX_BYTES
    assert operations.OperationSummaryTooLong.limit == limits.SUMMARY_MAX_LENGTH
    assert operations.TotalOperationsCountExceedsMaxAllowed.limit == limits.MAX_OPERATIONS
    assert MAX_SCRIPT_BYTES == limits.SCRIPT_MAX_BYTES


def test_rules_md_has_the_limits_section() -> None:
    text = as_markdown(rule_infos())
    section = text[text.index("## Limits"):]
    for limit in limits.LIMITS:
        assert limit.subject in section


def _swagger(summary: str, property_summary: str) -> bytes:
    return json.dumps({
        "swagger": "2.0", "info": {"title": "Demo", "version": "1.0"},
        "paths": {"/calls": {"post": {
            "operationId": "PlaceCall", "summary": summary, "description": "Places a call.",
            "parameters": [{"name": "body", "in": "body", "schema": {"type": "object", "properties": {
                "number": {"type": "string", "x-ms-summary": property_summary}}}}],
            "responses": {"200": {"description": "ok"}}}}},
    }).encode()


@pytest.mark.parametrize("code", ["OperationSummaryTooLongForCertification", "PropertySummaryTooLong"])
@pytest.mark.parametrize("length, fires", [(80, False), (81, True), (130, True)])
def test_summaries_over_80_characters_in_certification_mode(code: str, length: int, fires: bool) -> None:
    pkg = Package.from_files({"apiDefinition.swagger.json": _swagger("S" * length, "P" * length)}, "/nonexistent/d")
    found = [f for f in validate_package(pkg, Config(select=(code,))) if f.code == code]
    assert len(found) == (1 if fires else 0)
    if fires:
        assert found[0].severity == Severity.WARNING and f"{length} characters" in found[0].message
    off = [f for f in validate_package(pkg, Config(select=(code,), certification=False)) if f.code == code]
    assert off == []


def test_a_summary_of_120_characters_gets_both_summary_rules() -> None:
    pkg = Package.from_files({"apiDefinition.swagger.json": _swagger("S" * 120, "p")}, "/nonexistent/d")
    codes = {f.code for f in validate_package(pkg)}
    assert {"OperationSummaryTooLong", "OperationSummaryTooLongForCertification"} <= codes
