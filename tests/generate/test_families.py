"""API families: a new family is YAML and templates only; its mistakes are reported at file:line:col.

A tiny made-up family ("kiosk": API key in a custom header, no envelope, no webhooks, no custom
code) is written into a temp project next to the real templates and built with the real CLI.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

FAMILY = """\
name: Kiosk REST API
base_path: /v1/
schemes: [https]
version: "2.0"
files: [apiDefinition.swagger.json, apiProperties.json, settings.json, Readme.md, docs/reference.md]
templates:
  _wording.j2: kiosk/_wording.j2
wording:
  support_page: https_url
security:
  type: api_key
  name: Kiosk key
  header: X-Kiosk-Key
connection_parameters:
  api_key:
    type: securestring
    display_name: Kiosk key
    description: The key of your kiosk account.
    tooltip: Find the key on your account page.
success: {get: "200", post: "201", delete: "204"}
errors:
  "401": Unauthorized - the key is missing or wrong.
  "404": Not Found - no such screen.
common_errors: ["401"]
"""
ENTITIES = """\
screen:
  title: Screen
  description: One kiosk screen.
  fields:
    id: {type: integer, title: Screen ID, description: ID of the screen.}
    label: {type: string, title: Label, description: Text shown on the screen.}
    mode: {type: string, enum: [idle, busy], title: Mode, description: What the screen is doing.}
"""
PARAMETERS = """\
screen_id: {type: integer, summary: Screen ID, description: ID of the screen.}
"""
ACTIONS = """\
ListScreens:
  summary: List screens
  description: Lists every screen of the kiosk.
  method: get
  path: /screens/
  query:
  - mode: {type: string, enum: [idle, busy], summary: Mode, description: Only screens in this mode.}
  returns: {list: screen, description: The screens.}
CreateScreen:
  summary: Add a screen
  description: Adds a screen with a label.
  method: post
  path: /screens/
  body:
    summary: Screen
    description: The new screen.
    required: [label]
    properties:
      label: {same_as: screen.label}
  returns: {entity: screen}
DeleteScreen:
  summary: Delete a screen
  description: Removes one screen for good.
  method: delete
  path: /screens/{screen_id}
  returns: {none: true}
  errors: ["404"]
"""
WORDING = """\
{% macro description(carrier) -%}
{{ carrier.service_name }} runs kiosk screens; support at {{ carrier.wording.support_page }}.
{%- endmacro %}
{% macro prerequisites(carrier) -%}
* A kiosk account
{%- endmacro %}
{% macro credentials(carrier) -%}
Copy the key from your account page.
{%- endmacro %}
{% macro getting_started() -%}
* Create a connection with your key.
{%- endmacro %}
{% macro known_issues(carrier, family) -%}
* None known.
{%- endmacro %}
{% macro faq(carrier) -%}
## Frequently Asked Questions
### Is it free?
Ask {{ carrier.carrier_name }}.
{%- endmacro %}
"""
CARRIER = """\
id: kiosk-co
family: kiosk
title: Kiosk Screens
service_name: Kiosk Screens
carrier_name: Kiosk Co
publisher: Kiosk Co
host: api.kiosk.example.com
contact: {name: Kiosk Co, url: 'https://kiosk.example.com', email: help@kiosk.example.com}
website: https://kiosk.example.com
privacy_policy: https://kiosk.example.com/privacy
categories: [Productivity]
icon: {file: icons/kiosk-co.png, brand_color: "#224466"}
wording:
  support_page: https://kiosk.example.com/support
"""


def run(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pbxconn", *args, "--root", str(root)],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def kiosk(repo, tmp_path) -> Path:
    """A project with the real templates and only the made-up kiosk family and its one carrier."""
    shutil.copytree(repo / "templates", tmp_path / "templates")
    (tmp_path / "templates" / "kiosk").mkdir()
    (tmp_path / "templates" / "kiosk" / "_wording.j2").write_text(WORDING)
    catalog = tmp_path / "catalog" / "kiosk"
    catalog.mkdir(parents=True)
    for name, text in (("family", FAMILY), ("entities", ENTITIES), ("parameters", PARAMETERS),
                       ("actions", ACTIONS), ("triggers", "{}\n")):
        (catalog / f"{name}.yaml").write_text(text)
    (tmp_path / "carriers" / "icons").mkdir(parents=True)
    (tmp_path / "carriers" / "kiosk-co.yaml").write_text(CARRIER)
    Image.new("RGB", (230, 230), "#224466").save(tmp_path / "carriers" / "icons" / "kiosk-co.png")
    (tmp_path / "connectors").mkdir()
    return tmp_path


def files_under(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_new_family_needs_only_yaml_and_templates(kiosk):
    result = run(kiosk, "build")
    assert result.returncode == 0, result.stderr
    out = kiosk / "connectors" / "kiosk-co"
    assert set(files_under(out)) == {"apiDefinition.swagger.json", "apiProperties.json", "settings.json",
                                     "Readme.md", "docs/reference.md", "icon.png"}
    swagger = json.loads((out / "apiDefinition.swagger.json").read_text())
    assert swagger["basePath"] == "/v1/" and swagger["host"] == "api.kiosk.example.com"
    assert swagger["securityDefinitions"] == {"Kiosk key": {"type": "apiKey", "in": "header", "name": "X-Kiosk-Key"}}
    screens = swagger["paths"]["/screens/"]
    assert screens["get"]["responses"]["200"]["schema"]["items"] == {"$ref": "#/definitions/Screen"}
    assert screens["post"]["responses"]["201"]["schema"] == {"$ref": "#/definitions/Screen"}
    assert "schema" not in swagger["paths"]["/screens/{screen_id}"]["delete"]["responses"]["204"]
    assert screens["get"]["parameters"][0]["enum"] == ["idle", "busy"]
    props = json.loads((out / "apiProperties.json").read_text())["properties"]
    assert "scriptOperations" not in props and props["policyTemplateInstances"] == []
    assert "script" not in json.loads((out / "settings.json").read_text())
    assert "runs kiosk screens; support at https://kiosk.example.com/support" in (out / "Readme.md").read_text()
    from openapi_spec_validator import validate

    validate(swagger)


def test_the_new_family_package_passes_the_validator(kiosk):
    assert run(kiosk, "build").returncode == 0
    result = subprocess.run([sys.executable, "-m", "pbxconn", "validate", str(kiosk / "connectors" / "kiosk-co")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


BAD = [
    # (file under the temp project, old, new, location prefix, words in the message)
    ("catalog/kiosk/family.yaml", "schemes: [https]", "schemes: [https]\nenvelop: {}",
     "catalog/kiosk/family.yaml:4:", ["unknown key", "envelop", "envelope"]),
    ("carriers/kiosk-co.yaml", "family: kiosk", "family: kiosque",
     "carriers/kiosk-co.yaml:2:", ["no catalog family 'kiosque'", "kiosk"]),
    ("catalog/kiosk/family.yaml", "  _wording.j2: kiosk/_wording.j2", "  _wordings.j2: kiosk/_wording.j2",
     "catalog/kiosk/family.yaml:7:", ["_wordings.j2", "no such shared template"]),
    ("catalog/kiosk/family.yaml", "  _wording.j2: kiosk/_wording.j2", "  _wording.j2: kiosk/_words.j2",
     "catalog/kiosk/family.yaml:7:", ["templates/kiosk/_words.j2", "does not exist"]),
    ("catalog/kiosk/family.yaml", "  type: api_key", "  type: oauth",
     "catalog/kiosk/family.yaml:", ["security"]),
    ("carriers/kiosk-co.yaml", "  support_page: https://kiosk.example.com/support", "  support: https://kiosk.example.com/support",
     "carriers/kiosk-co.yaml:", ["support", "kiosk"]),
    ("carriers/kiosk-co.yaml", "categories: [Productivity]", "categories: [Productivity]\noauth: {client_id: abc}",
     "carriers/kiosk-co.yaml:", ["oauth", "API key"]),
    ("catalog/kiosk/actions.yaml", "  returns: {none: true}", "  returns: {nothing: true}",
     "catalog/kiosk/actions.yaml:", ["DeleteScreen.returns"]),
]


@pytest.mark.parametrize("file, old, new, location, words", BAD, ids=[c[2][:28] for c in BAD])
def test_family_mistakes_name_file_line_and_column_and_write_nothing(kiosk, file, old, new, location, words):
    path = kiosk / file
    text = path.read_text()
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new))
    result = run(kiosk, "build")
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith(f"pbxconn: error: {location}"), result.stderr
    for word in words:
        assert word in result.stderr, (word, result.stderr)
    assert "Traceback" not in result.stderr
    assert files_under(kiosk / "connectors") == {}


def test_a_missing_family_file_is_named(kiosk):
    (kiosk / "catalog" / "kiosk" / "family.yaml").unlink()
    result = run(kiosk, "build")
    assert result.returncode == 2
    assert "catalog/kiosk/family.yaml" in result.stderr and "Traceback" not in result.stderr


def test_an_oauth_family_requires_the_providers_client_id(repo, tmp_path):
    for name in ("carriers", "catalog", "templates"):
        shutil.copytree(repo / name, tmp_path / name)
    (tmp_path / "connectors").mkdir()
    yaml_path = tmp_path / "carriers" / "example-pbx.yaml"
    text = yaml_path.read_text()
    start = text.index("oauth:")
    end = text.index("wording:")
    yaml_path.write_text(text[:start] + text[end:])
    result = run(tmp_path, "build", "--carrier", "example-pbx")
    assert result.returncode == 2
    assert result.stderr.startswith("pbxconn: error: carriers/example-pbx.yaml:"), result.stderr
    assert "oauth" in result.stderr and "client_id" in result.stderr
