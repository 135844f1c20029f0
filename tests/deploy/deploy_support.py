"""What deploy tests share: constants, and the throwaway project a deploy runs from."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

# The release gates that take seconds (Mono, the emulator): tests of paconn's side skip them by
# flag, as a publisher would; tests/deploy/test_deploy_gates.py runs them.
REPO = Path(__file__).resolve().parents[2]


def api_key_packages() -> list[str]:
    """The rendered packages (connectors/<id>/) whose connection takes an API key, not OAuth2."""
    found = []
    for path in sorted((REPO / "connectors").glob("*/apiProperties.json")):
        params = json.loads(path.read_text("utf-8"))["properties"].get("connectionParameters", {})
        if not any(p.get("type") == "oauthSetting" for p in params.values()):
            found.append(path.parent.name)
    return found


SLOW_GATES = ("--skip", "csx", "--skip", "contract")
# Tests that edit the rendered package on purpose skip the gate that refuses hand edits too.
EDITED = ("--skip", "drift", *SLOW_GATES)
ENVIRONMENT = "0f6c2c1e-3b7a-4d2e-9a51-6c1d2e3f4a5b"
TOKEN = {"token_type": "Bearer", "access_token": "emulated-token", "expires_on": 4102444800,
         "oid": "11111111-2222-3333-4444-555555555555"}


@dataclass
class Project:
    """A copy of the project root with one carrier's rendered package and YAML, safe to deploy from."""

    root: Path
    carrier: str

    @property
    def package(self) -> Path:
        """connectors/<carrier>/."""
        return self.root / "connectors" / self.carrier

    @property
    def carrier_file(self) -> Path:
        """carriers/<carrier>.yaml."""
        return self.root / "carriers" / f"{self.carrier}.yaml"

    def json(self, name: str):
        """A package file parsed as JSON."""
        return json.loads((self.package / name).read_text(encoding="utf-8"))


OAUTH_CLIENT_ID = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
OAUTH_SETTINGS = {
    "identityProvider": "oauth2",
    "clientId": OAUTH_CLIENT_ID,
    "scopes": ["calls.read", "calls.write"],
    "redirectMode": "GlobalPerConnector",
    "redirectUrl": "https://global.consent.azure-apim.net/redirect",
    "properties": {"IsFirstParty": "False"},
    "customParameters": {
        "authorizationUrl": {"value": "https://login.pbx.example/oauth2/authorize"},
        "tokenUrl": {"value": "https://login.pbx.example/oauth2/token"},
        "refreshUrl": {"value": "https://login.pbx.example/oauth2/token"},
    },
}


def make_oauth(project: Project) -> Project:
    """Turn the project's copied package into an OAuth2 connector: a `token` oauthSetting
    connection parameter in apiProperties.json and an oauth2 accessCode security definition."""
    properties = project.json("apiProperties.json")
    properties["properties"]["connectionParameters"] = {
        "token": {"type": "oauthSetting", "oAuthSettings": OAUTH_SETTINGS}}
    swagger = project.json("apiDefinition.swagger.json")
    swagger["securityDefinitions"] = {"oauth2_auth": {
        "type": "oauth2", "flow": "accessCode",
        "authorizationUrl": "https://login.pbx.example/oauth2/authorize",
        "tokenUrl": "https://login.pbx.example/oauth2/token",
        "scopes": {"calls.read": "Read calls", "calls.write": "Place and manage calls"}}}
    swagger["security"] = [{"oauth2_auth": ["calls.read", "calls.write"]}]
    for name, data in (("apiProperties.json", properties), ("apiDefinition.swagger.json", swagger)):
        (project.package / name).write_text(json.dumps(data, indent=4) + "\n", encoding="utf-8")
    return project
