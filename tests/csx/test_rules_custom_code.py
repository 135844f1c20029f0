"""Static custom-code rules: one good and at least one bad script per rule, positions included."""

from __future__ import annotations

import json

import pytest

from pbxconn.validate.config import Config
from pbxconn.validate.engine import validate_package
from pbxconn.validate.package import Package
from tests.csx.conftest import render_script

SWAGGER = {
    "swagger": "2.0",
    "info": {"title": "Demo", "version": "1.0"},
    "host": "pbx.example.com",
    "paths": {
        "/webhooks/CallStarted": {"post": {"operationId": "CallStarted", "x-ms-trigger": "single",
                                           "responses": {"201": {"description": "created"}}}},
        "/webhooks/{webhook_id}": {"delete": {"operationId": "DeleteWebhookByID",
                                              "parameters": [{"name": "webhook_id", "in": "path",
                                                              "required": True, "type": "integer"}],
                                              "responses": {"200": {"description": "ok"}}}},
        "/contacts": {"get": {"operationId": "GetContacts", "responses": {"200": {"description": "ok"}}}},
    },
}
GOOD = render_script(["CallStarted"])


def findings(script: str | bytes, routed: list[str] | None = None) -> list:
    """CustomCode findings of a package made of SWAGGER, the script and scriptOperations."""
    props: dict = {"properties": {"iconBrandColor": "#31ab3d"}}
    if routed is not None:
        props["properties"]["scriptOperations"] = routed
    files = {"apiDefinition.swagger.json": json.dumps(SWAGGER).encode(),
             "apiProperties.json": json.dumps(props).encode(),
             "script.csx": script if isinstance(script, bytes) else script.encode()}
    pkg = Package.from_files(files, "demo")
    return [f for f in validate_package(pkg, Config(select=("CustomCode",))) if f.category == "CustomCode"]


def codes(script: str | bytes, routed: list[str] | None = None) -> list[str]:
    """Just the codes, sorted."""
    return sorted(f.code for f in findings(script, routed))


def test_rendered_script_is_clean() -> None:
    assert codes(GOOD, routed=["CallStarted"]) == []


def test_syntax_error_has_line_and_column() -> None:
    bad = "public class Script : ScriptBase\n{\n    public override Task<HttpResponseMessage> ExecuteAsync()\n" \
          "    {\n        var x = ;\n        return null;\n    }\n}\n"
    found = [f for f in findings(bad) if f.code == "ScriptSyntaxError"]
    assert found and (found[0].line, found[0].column) == (5, bad.splitlines()[4].index("=") + 1)
    assert found[0].file.endswith("script.csx")


def test_entry_class_rules() -> None:
    assert "ScriptClassMissing" in codes("public class Worker { }\n")
    lower = [f for f in findings(GOOD.replace("class Script :", "class script :")) if f.code == "ScriptClassMissing"]
    assert lower and lower[0].severity.label == "warning" and "'script'" in lower[0].message
    twice = GOOD + "\npublic class Other : ScriptBase\n{\n    public override Task<HttpResponseMessage> ExecuteAsync() { return null; }\n}\n"
    assert "ScriptClassNotUnique" in codes(twice)
    no_override = "public class Script : ScriptBase\n{\n    public Task<HttpResponseMessage> Run() { return null; }\n}\n"
    assert "ScriptExecuteAsyncMissing" in codes(no_override)


def test_unsupported_namespace_and_host_namespace() -> None:
    script = "using System.Runtime.Remoting.Contexts;\nusing Microsoft.PowerPlatform.Connectors.CustomCode.CSharp;\n" + GOOD
    found = [f for f in findings(script, ["CallStarted"]) if f.code == "ScriptNamespaceNotSupported"]
    assert [(f.line, f.column) for f in found] == [(1, 1)]
    assert "System.Runtime.Remoting.Contexts" in found[0].message


def test_new_http_client() -> None:
    script = GOOD.replace("private static string WebhookIdFrom",
                          "private static object Client = new System.Net.Http.HttpClient();\n"
                          "    private static string WebhookIdFrom")
    assert codes(script, ["CallStarted"]) == ["ScriptHttpClientCreated"]


def test_script_too_large() -> None:
    big = GOOD + "//" + "x" * (1024 * 1024) + "\n"
    assert "ScriptTooLarge" in codes(big, ["CallStarted"])


@pytest.mark.parametrize("form", [
    'if (Context.OperationId == "{op}") {{ }}',
    'if ("{op}" != this.Context.OperationId) {{ }}',
    'if (Context.OperationId.Equals("{op}")) {{ }}',
    'if (string.Equals(this.Context.OperationId, "{op}", StringComparison.Ordinal)) {{ }}',
    'var op = this.Context.OperationId; if (op == "{op}") {{ }}',
    'switch (Context.OperationId) {{ case "{op}": break; }}',
])
def test_operation_ids_unknown_or_not_routed(form: str) -> None:
    def script(op: str) -> str:
        return ("public class Script : ScriptBase\n{\n    public override async Task<HttpResponseMessage> ExecuteAsync()\n"
                "    {\n        " + form.format(op=op) + "\n        return await Context.SendAsync(Context.Request, CancellationToken);\n"
                "    }\n}\n")

    unknown = [f for f in findings(script("GetContact")) if f.code == "ScriptOperationIdUnknown"]
    assert unknown and unknown[0].line == 5 and "'GetContact'" in unknown[0].message
    assert codes(script("GetContacts"), routed=["CallStarted"]) == ["ScriptOperationNotRouted"]
    assert codes(script("GetContacts"), routed=["GetContacts"]) == []
    assert codes(script("GetContacts"), routed=[]) == []  # empty list routes every operation
    assert codes(script("GetContacts")) == []  # no scriptOperations


def test_bom_and_unicode_columns() -> None:
    script = "\ufeff// žąsis\npublic class Script : ScriptBase { void X() { var ž = ; } }\n"
    found = [f for f in findings(script.encode("utf-8")) if f.code == "ScriptSyntaxError"]
    assert found and found[0].line == 2
    line = script.lstrip("\ufeff").splitlines()[1]
    assert found[0].column == line.index("=") + 1  # characters, not UTF-8 bytes
