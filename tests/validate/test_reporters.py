"""Reporters: JSON shape, SARIF 2.1.0 essentials, GitHub escaping, text layout and colour."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from pbxconn.core.findings import Finding, Severity
from pbxconn.report import render
from pbxconn.report.github import annotation, escape_data, escape_property

FINDINGS = [
    Finding("InvalidJson", Severity.ERROR, "invalid JSON: Expecting ','", "a b/apiDefinition.swagger.json", 3, 7, "",
            "Structure"),
    Finding("OperationSummaryMissing", Severity.WARNING, "no summary", "a b/apiDefinition.swagger.json", 10, 5,
            "/paths/~1x/get", "Operations"),
    Finding("OperationRemoved", Severity.ERROR, "operation GetX removed", "new/apiDefinition.swagger.json", 0, 0,
            "/paths/~1x/get", extra={"class": "breaking", "old_pointer": "/paths/~1x/get", "new_pointer": ""}),
    Finding("Hint", Severity.INFO, "fyi", "z.json", 1, 1),
]


def _render(fmt, findings=FINDINGS, **kw):
    return render(findings, fmt, files=4, tool_version="9.9", **kw)


def test_json_shape():
    doc = json.loads(_render("json"))
    assert doc["version"] == "9.9"
    assert doc["summary"] == {"files": 4, "errors": 2, "warnings": 1, "infos": 1}
    first = doc["findings"][0]
    assert {k: first[k] for k in ("code", "severity", "message", "file", "line", "column", "pointer")} == {
        "code": "InvalidJson", "severity": "error", "message": "invalid JSON: Expecting ','",
        "file": "a b/apiDefinition.swagger.json", "line": 3, "column": 7, "pointer": ""}
    assert doc["findings"][2]["class"] == "breaking" and doc["findings"][2]["old_pointer"] == "/paths/~1x/get"


def test_sarif_essentials():
    rules = {"InvalidJson": {"summary": "Bad JSON", "description": "Long text", "severity": "error"},
             "NeverSeen": {"summary": "s", "description": "d", "severity": "warning"}}
    log = json.loads(_render("sarif", rules=rules))
    assert log["version"] == "2.1.0" and "sarif" in log["$schema"]
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    ids = [r["id"] for r in driver["rules"]]
    assert ids == sorted(ids) and {"InvalidJson", "NeverSeen", "OperationRemoved", "Hint"} <= set(ids)
    bad = next(r for r in driver["rules"] if r["id"] == "InvalidJson")
    assert bad["shortDescription"]["text"] == "Bad JSON" and bad["fullDescription"]["text"] == "Long text"
    assert bad["defaultConfiguration"]["level"] == "error"
    levels = [r["level"] for r in run["results"]]
    assert levels == ["error", "warning", "error", "note"]
    first = run["results"][0]
    assert driver["rules"][first["ruleIndex"]]["id"] == first["ruleId"] == "InvalidJson"
    loc = first["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "a%20b/apiDefinition.swagger.json"
    assert loc["region"] == {"startLine": 3, "startColumn": 7}
    assert "region" not in run["results"][2]["locations"][0]["physicalLocation"]
    prints = [r["partialFingerprints"]["pbxconnFinding/v1"] for r in run["results"]]
    assert len(set(prints)) == len(prints)
    moved = Finding(**{**{s: getattr(FINDINGS[1], s) for s in Finding.__slots__}, "line": 99})
    again = json.loads(render([moved], "sarif", files=1, tool_version="x"))
    assert again["runs"][0]["results"][0]["partialFingerprints"] == run["results"][1]["partialFingerprints"]


def _unescape_data(text):
    return text.replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")


def _unescape_property(text):
    return _unescape_data(text.replace("%2C", ",").replace("%3A", ":"))


@settings(max_examples=300)
@given(st.text())
def test_github_escaping_round_trips_and_leaves_no_separators(text):
    data, prop = escape_data(text), escape_property(text)
    assert "\n" not in data and "\r" not in data and _unescape_data(data) == text
    assert not set(",:\n\r") & set(prop) and _unescape_property(prop) == text


def test_github_annotation_line():
    line = annotation(Finding("Code", Severity.WARNING, "50% done\nnext", "dir,x/a:b.json", 4, 2, "/p"))
    assert line == "::warning file=dir%2Cx/a%3Ab.json,line=4,col=2,title=Code::50%25 done%0Anext (/p)"
    assert _render("github").splitlines()[3].startswith("::notice file=z.json,line=1,col=1,title=Hint::")


def test_text_layout_and_summary():
    out = _render("text")
    lines = out.splitlines()
    assert lines[0] == "a b/apiDefinition.swagger.json:3:7: error InvalidJson invalid JSON: Expecting ','"
    assert lines[2] == ""  # a blank line between files
    assert "[class=breaking, old_pointer=/paths/~1x/get]" in out
    assert lines[-1] == "4 files, 2 errors, 1 warning, 1 info"
    assert "\x1b[" not in out
    assert "\x1b[31m" in _render("text", color=True)
    assert render([], "text", files=1, tool_version="x") == "1 file, 0 errors, 0 warnings\n"


def test_every_reporter_is_deterministic():
    # In separate processes with different string hash seeds: set or dict order that depends on
    # hashing would show here (within one process it cannot).
    script = ("import sys; sys.path.insert(0, sys.argv[1]); import test_reporters as t; "
              "from pbxconn.report import REPORTERS; print('\\x00'.join(t._render(fmt) for fmt in sorted(REPORTERS)))")
    outputs = [subprocess.run([sys.executable, "-c", script, str(Path(__file__).parent)], check=True,
                              capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
               for seed in ("1", "2")]
    assert outputs[0] and outputs[0] == outputs[1]
