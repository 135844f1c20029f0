"""Bad input stops the build with file:line:column, the key path and what was expected;
exit code 2; nothing written. Each case runs the real `pbxconn` command."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest


def run(project, *args):
    return subprocess.run([sys.executable, "-m", "pbxconn", "build", "--root", str(project), *args],
                          capture_output=True, text=True, timeout=120)


def snapshot(project):
    folder = project / "connectors"
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


CASES = [
    # (file, old, new, expected location prefix, expected words in the message)
    ("carriers/lmt.yaml", "host: zvanuparvaldnieks.lmt.lv", "host: mobili-stotele.tele2.lt",
     "carriers/tele2.yaml:9:", ["host", "already the host of carriers/lmt.yaml:9:1"]),
    ("carriers/lmt.yaml", "title: Zvanu Parvaldnieks", "title: Mobili Stotele",
     "carriers/tele2.yaml:5:", ["title", "already the title of carriers/lmt.yaml:5:1"]),
    ("carriers/lmt.yaml", "title: Zvanu Parvaldnieks", "title: Zvanu Parvaldnieks Latvijas Mobilais",
     "carriers/lmt.yaml:5:", ["title", "too long", "at most 30 characters"]),
    ("carriers/lmt.yaml", "title: Zvanu Parvaldnieks", "title: Zvanu Pārvaldnieks",
     "carriers/lmt.yaml:5:", ["title", "not plain English"]),
    ("carriers/tele2.yaml", "host: mobili-stotele.tele2.lt", "host: https://mobili-stotele.tele2.lt",
     "carriers/tele2.yaml:9:", ["host", "bare host name"]),
    ("carriers/tele2.yaml", 'brand_color: "#31ab3d"', 'brand_color: "green"',
     "carriers/tele2.yaml:19:", ["icon.brand_color", "#rrggbb"]),
    ("carriers/tele2.yaml", "email: integrations@tele2.lt", "email: integrations.tele2.lt",
     "carriers/tele2.yaml:13:", ["contact.email", "e-mail"]),
    ("carriers/tele2.yaml", "categories: [Communication, IT Operations]", "categories: [Communication, Telephony]",
     "carriers/tele2.yaml:16:", ["categories.1", "Telephony", "IT Operations"]),
    ("carriers/tele2.yaml", "service_name: Mobili Stotele ", "servce_name: Mobili Stotele ",
     "carriers/tele2.yaml:6:", ["servce_name", "unknown key"]),
    ("carriers/tele2.yaml", "publisher: Tele2 ", "# publisher: Tele2 ",
     "carriers/tele2.yaml:", ["publisher", "missing"]),
    ("carriers/lmt.yaml", "title: Zvanu Parvaldnieks", "title: [Zvanu",
     "carriers/lmt.yaml:", ["YAML syntax error"]),
    ("carriers/lmt.yaml", "title: Zvanu Parvaldnieks", "title: 42",
     "carriers/lmt.yaml:5:", ["title", "expected string"]),
    ("catalog/pbx/entities.yaml", "attempts: {type: integer, format: int32",
     "attempts: {type: integr, format: int32",
     "catalog/pbx/entities.yaml:", ["lost_call.fields.attempts.type", "integr"]),
    ("catalog/pbx/triggers.yaml", "payload: [sender, voicemailID]\n", "payload: [sender, voicemailId]\n",
     "catalog/pbx/triggers.yaml:", ["voicemailId", "voicemail"]),
    ("catalog/pbx/actions.yaml", "returns: {entity: voip_endpoint}", "returns: {entity: voip_endpoints}",
     "catalog/pbx/actions.yaml:", ["unknown entity", "voip_endpoints"]),
]


@pytest.mark.parametrize("file, old, new, location, words", CASES, ids=[c[2][:30] for c in CASES])
def test_bad_input_is_reported_with_its_location_and_nothing_is_written(project, edit, file, old, new, location, words):
    before = snapshot(project)
    edit(project / file, old, new)
    result = run(project)
    assert result.returncode == 2, result.stderr
    message = result.stderr
    assert message.startswith(f"pbxconn: error: {location}"), message
    for word in words:
        assert word in message, (word, message)
    assert "Traceback" not in message
    assert snapshot(project) == before


def test_a_template_error_names_the_template_file_and_line(project, edit):
    before = snapshot(project)
    edit(project / "templates/Readme.md.j2", "## Publisher: {{ carrier.publisher }}",
         "## Publisher: {{ carrier.publisher_name }}")
    result = run(project)
    assert result.returncode == 2
    assert "templates/Readme.md.j2:5" in result.stderr, result.stderr
    assert "the model has no value named 'publisher_name'" in result.stderr
    assert snapshot(project) == before


def test_a_template_syntax_error_names_the_template_file_and_line(project, edit):
    edit(project / "templates/apiProperties.json.j2", "  capabilities: []", "  capabilities: {{ [] }")
    result = run(project)
    assert result.returncode == 2
    assert "templates/apiProperties.json.j2:" in result.stderr, result.stderr


def test_an_icon_of_the_wrong_size_or_colour_is_refused(project):
    from PIL import Image

    Image.new("RGB", (200, 200), "#31ab3d").save(project / "carriers/icons/tele2.png")
    result = run(project)
    assert result.returncode == 2 and "200x200" in result.stderr and "230x230" in result.stderr
    Image.new("RGB", (230, 230), "#ffffff").save(project / "carriers/icons/tele2.png")
    result = run(project)
    assert result.returncode == 2 and "#ffffff" in result.stderr and "#31ab3d" in result.stderr


def test_an_unreadable_icon_is_named_without_python_internals(project):
    (project / "carriers/icons/tele2.png").write_bytes(b"not a png")
    result = run(project)
    assert result.returncode == 2
    assert "carriers/icons/tele2.png" in result.stderr and "not a readable PNG image" in result.stderr
    assert "BytesIO" not in result.stderr


def test_a_validation_error_writes_nothing(project, edit):
    before = snapshot(project)
    # a polling trigger whose cursor points at a field its response does not have
    edit(project / "catalog/pbx/entities.yaml", "  id_field: voicemailBoxID\n", "  id_field: boxName\n")
    edit(project / "catalog/pbx/entities.yaml",
         "    boxName: {type: string, title: Box name, description: Name of the voicemail box.}\n", "")
    result = run(project)
    assert result.returncode in (1, 2)
    assert snapshot(project) == before


def test_check_reports_drift_and_writes_nothing(project, edit):
    edit(project / "catalog/pbx/actions.yaml", "summary: Get lost calls", "summary: Get the lost calls")
    before = snapshot(project)
    result = run(project, "--check")
    assert result.returncode == 1
    assert "connectors/tele2/apiDefinition.swagger.json" in result.stdout
    assert "connectors/lmt/Readme.md" in result.stdout
    assert snapshot(project) == before


def test_unknown_carrier_is_a_usage_error(project):
    result = run(project, "--carrier", "orange")
    assert result.returncode == 2
    assert "unknown carrier orange" in result.stderr and "tele2" in result.stderr


def test_every_mistake_of_every_input_file_is_reported_in_one_run_in_file_order(project, edit):
    """Six mistakes used to take six builds; now one build lists them all, carriers/ before catalog/,
    each file top to bottom."""
    before = snapshot(project)
    edit(project / "carriers/lmt.yaml", 'brand_color: "#fd941b"', 'brand_color: "orange"')
    edit(project / "carriers/lmt.yaml", "publisher: Latvijas Mobilais Telefons", "publsher: Latvijas Mobilais Telefons")
    edit(project / "carriers/tele2.yaml", "host: mobili-stotele.tele2.lt", "host: https://mobili-stotele.tele2.lt")
    edit(project / "catalog/pbx/actions.yaml", "summary: Get lost calls", "summary: Get lost calls.")
    edit(project / "catalog/pbx/triggers.yaml", "    hint: Triggers when a new employee is created.\n", "")
    result = run(project)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("pbxconn: error: ")]
    files_and_lines = [line.split(": ")[2].rsplit(":", 1)[0] for line in lines]
    assert files_and_lines[:3] == ["carriers/lmt.yaml:8", "carriers/lmt.yaml:19", "carriers/tele2.yaml:9"]
    assert [f.split(":")[0] for f in files_and_lines[3:]] == ["catalog/pbx/actions.yaml", "catalog/pbx/triggers.yaml"]
    assert "publsher" in lines[0] and "orange" in lines[1] and "bare host name" in lines[2]
    assert "Get lost calls." in lines[3] and "without a full stop" in lines[3] and "'hint' is missing" in lines[4]
    assert snapshot(project) == before


def test_a_catalog_mistake_the_validator_finds_is_reported_at_the_catalog(project, edit):
    """The rendered swagger was never written: the line to fix is the catalog's."""
    before = snapshot(project)
    edit(project / "catalog/pbx/actions.yaml", "summary: Get lost calls", "summary: Get lost/missed calls")
    result = run(project)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if "RestrictedCharactersInSummary" in line]
    assert errors and all(line.startswith("catalog/pbx/actions.yaml:") for line in errors), result.stderr
    assert all("(rendered at " in line and "apiDefinition.swagger.json:" in line for line in errors)
    assert snapshot(project) == before


def test_the_readme_states_the_title_limit_the_tools_enforce():
    """The README's carrier instructions quote the limit that the schema and the validator share."""
    from pbxconn.core.limits import TITLE_MAX_LENGTH
    from pbxconn.generate.schemacheck import _schema

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert f"title (at most {TITLE_MAX_LENGTH} characters" in readme
    assert _schema("carrier")["properties"]["title"]["maxLength"] == TITLE_MAX_LENGTH
