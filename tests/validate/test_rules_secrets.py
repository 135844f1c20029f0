"""Credentials in package files beyond fire / near miss: every file kind the scan reads, with
error severity; placeholders; positions and pointers; policy and script literals; the detector's
helpers and property tests. Each rule's bad fixture and near miss live in rule_fixtures/ and run
in test_rule_fixtures.py."""

from __future__ import annotations

import base64
import json
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pbxconn.validate.config import Config
from pbxconn.validate.engine import validate_package
from pbxconn.validate.package import Package
from pbxconn.validate.rules.secrets import find_secrets, looks_like_key

# Made-up credentials in real formats (none of them is a live key).
RANDOM_32 = "q7Rk2vX9mT4pL8wN3zB6yH1cF5dJ0sGa"
JWT = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
       "eyJzdWIiOiJwYnhjb25uLXRlc3QiLCJpYXQiOjE3MDAwMDAwMDB9."
       "k3Jd9QbT2vXcW8mZp1LrY6sHf4Ga0NuEoIy7tBq5RwA")
PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA1c7+9z5Pad7OejecsQ0bu3aumPpZ4gVr0QnC9X2\n-----END RSA PRIVATE KEY-----"
AWS = "AKIAQ3EGTRZ7K4HN2WXP"
GITHUB = "ghp_" + "Z3kP9qW2rT7yU1iO5pA8sD4fG6hJ0kL3zX9c"


def _swagger(param: dict | None = None, description: str = "Lists calls.") -> dict:
    params = [param] if param else []
    return {"swagger": "2.0", "info": {"title": "Demo", "version": "1", "description": description},
            "host": "pbx.example.com",
            "paths": {"/calls": {"get": {"operationId": "ListCalls", "parameters": params,
                                         "responses": {"200": {"description": "ok"}}}}}}


def _package(swagger: dict | None = None, properties: dict | None = None, readme: str = "# Demo\n",
             script: str | None = None, settings_: dict | None = None) -> Package:
    files = {"apiDefinition.swagger.json": json.dumps(swagger or _swagger(), indent=4).encode(),
             "apiProperties.json": json.dumps(properties or {"properties": {"iconBrandColor": "#31ab3d"}}).encode(),
             "readme.md": readme.encode()}
    if script is not None:
        files["script.csx"] = script.encode()
    if settings_ is not None:
        files["settings.json"] = json.dumps(settings_).encode()
    return Package.from_files(files, "/nonexistent/demo")


def codes(pkg: Package, code: str) -> list:
    """Findings of one code."""
    return [f for f in validate_package(pkg, Config(select=(code,))) if f.code == code]


def _oauth(secret: str) -> dict:
    return {"properties": {"iconBrandColor": "#31ab3d", "connectionParameters": {"token": {
        "type": "oauthSetting", "oAuthSettings": {"identityProvider": "oauth2", "clientId": "abc",
                                                  "clientSecret": secret}}}}}


# One credential per file kind the scan reads: readme text, script, settings.json, swagger, apiProperties.
BAD = {
    "HardcodedBearerToken": lambda: _package(readme=f"# Demo\n\nUse\n\n    Authorization: Bearer {RANDOM_32}\n"),
    "HardcodedPrivateKey": lambda: _package(script=f'var key = @"{PEM}";\n'),
    "HardcodedAccessKey": lambda: _package(settings_={"note": f"aws {AWS}"}),
    "HardcodedApiKey": lambda: _package(_swagger({"name": "X-Api-Key", "in": "header", "type": "string",
                                                  "default": RANDOM_32})),
    "HardcodedClientSecret": lambda: _package(properties=_oauth("Zx8~Qp3.Lm7_Rt5-Wv9Kd2Hs")),
}


@pytest.mark.parametrize("code", sorted(BAD))
def test_secrets_in_every_file_kind_are_errors(code: str) -> None:
    found = codes(BAD[code](), code)
    assert found and all(f.severity.label == "error" for f in found)


def test_placeholder_values_are_not_secrets() -> None:
    readme = "Use `Authorization: Bearer YOUR_API_KEY`.\nBearer <token>\nBearer {accessToken}\n"
    assert codes(_package(readme=readme), "HardcodedBearerToken") == []
    header = {"name": "X-Api-Key", "in": "header", "type": "string", "default": "YOUR_API_KEY_HERE",
              "x-example": "xxxxxxxxxxxxxxxxxxxx"}
    assert codes(_package(_swagger(header)), "HardcodedApiKey") == []


def test_text_file_position() -> None:
    [finding] = codes(BAD["HardcodedBearerToken"](), "HardcodedBearerToken")
    assert finding.file.endswith("readme.md")
    assert (finding.line, finding.column) == (5, 20)


def test_json_file_pointer_and_line() -> None:
    [finding] = codes(_package(_swagger(description=f"token {JWT}")), "HardcodedBearerToken")
    assert finding.pointer == "/info/description"
    assert finding.line == 6


def test_unparseable_json_is_scanned_as_text() -> None:
    pkg = Package.from_files({"apiDefinition.swagger.json": f'{{"x": "{GITHUB}",}}'.encode()}, "/nonexistent/d")
    [finding] = codes(pkg, "HardcodedAccessKey")
    assert (finding.line, finding.column) == (1, 8)


def test_policy_header_literal_and_expression() -> None:
    def props(value: str) -> dict:
        return {"properties": {"iconBrandColor": "#31ab3d", "policyTemplateInstances": [{
            "templateId": "setheader", "parameters": {"x-ms-apimTemplateParameter.name": "X-Api-Key",
                                                      "x-ms-apimTemplateParameter.value": value}}]}}
    assert codes(_package(properties=props(RANDOM_32)), "HardcodedApiKey")
    assert codes(_package(properties=props("@connectionParameters('api_key')")), "HardcodedApiKey") == []


def test_script_literal_assigned_to_key_name() -> None:
    assert codes(_package(script=f'private const string ApiKey = "{RANDOM_32}";\n'), "HardcodedApiKey")
    assert codes(_package(script='var apiKey = this.Context.Request.Headers.GetValues("X-Api-Key");\n'
                                 'var url = "https://example.com/api/v1/items";\n'), "HardcodedApiKey") == []


def test_looks_like_key() -> None:
    assert looks_like_key(RANDOM_32)
    assert looks_like_key("Bearer " + RANDOM_32)
    for value in ("application/json", "https://example.com/a1b2c3d4e5f6", "@parameters('x')",
                  "your-api-key-1234567", "0123456789", "short1", "Generated API key here 1",
                  "00000000-0000-0000-0000-000000000000"):
        assert not looks_like_key(value), value


# --------------------------------------------------------------------------- properties

_prose = st.text(alphabet=string.ascii_letters + string.digits + " .,:;()'-\n", max_size=300)
_word = st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=12)
_url = st.builds(lambda host, parts: f"https://{host}.example.com/" + "/".join(parts),
                 _word, st.lists(_word, max_size=5))
_non_secret = st.lists(st.one_of(_prose, _url), max_size=8).map(" ".join)

_b64url = string.ascii_letters + string.digits + "-_"


def _random(alphabet: str, lo: int, hi: int) -> st.SearchStrategy[str]:
    """Random-looking text (at least 8 distinct characters, as generated keys are)."""
    return st.text(alphabet=alphabet, min_size=lo, max_size=hi).filter(lambda s: len(set(s)) >= 8)


_tokens = st.one_of(
    st.builds(lambda a, b, c: "eyJ" + a + ".eyJ" + b + "." + c,
              _random(_b64url, 10, 40), _random(_b64url, 10, 80), _random(_b64url, 20, 60)),
    st.builds(lambda s: "AKIA" + s, _random(string.ascii_uppercase + string.digits, 16, 16)),
    st.builds(lambda s: "ghp_" + s, _random(string.ascii_letters + string.digits, 36, 40)),
    st.builds(lambda s: "-----BEGIN PRIVATE KEY-----\n" + base64.b64encode(s).decode() + "\n-----END PRIVATE KEY-----",
              st.binary(min_size=40, max_size=200)),
)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(_non_secret)
def test_ordinary_text_has_no_secrets(text: str) -> None:
    assert find_secrets(text) == []


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(_non_secret, _tokens, _non_secret)
def test_embedded_tokens_are_found(before: str, token: str, after: str) -> None:
    if any(p in token.lower() for p in ("your", "example", "sample", "xxxx", "dummy", "abcdef", "insert",
                                        "replace", "redacted", "placeholder", "changeme", "1234567890", "_here")):
        return  # the generator produced a placeholder-looking token; not a secret by design
    text = f"{before} {token} {after}"
    found = find_secrets(text)
    assert any(m.start <= text.index(token) < m.end for m in found), (token, found)


@pytest.mark.parametrize("indent", [None, 4])
def test_placeholder_token_elsewhere_does_not_hide_a_real_one(indent) -> None:
    # The pre-scan passes over strings holding only placeholders ('Bearer <API_KEY>'); a real
    # token in another string of the same document must still be found, at its own pointer.
    swagger = _swagger({"name": "api-version", "in": "query", "type": "string", "x-example": f"Bearer {JWT}"},
                       description="Send it as 'Authorization: Bearer <API_KEY>'.")
    swagger["info"]["x-note"] = {"Bearer YOUR_API_KEY": "key holding a placeholder"}
    files = {"apiDefinition.swagger.json": json.dumps(swagger, indent=indent).encode()}
    found = codes(Package.from_files(files, "/nonexistent/demo"), "HardcodedBearerToken")
    assert [f.pointer for f in found] == ["/paths/~1calls/get/parameters/0/x-example"]


def test_placeholder_tokens_alone_report_nothing() -> None:
    swagger = _swagger(description="Send it as 'Authorization: Bearer <API_KEY>' or 'sk-...'.")
    files = {"apiDefinition.swagger.json": json.dumps(swagger, indent=4).encode()}
    assert codes(Package.from_files(files, "/nonexistent/demo"), "HardcodedBearerToken") == []
