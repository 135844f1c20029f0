"""`pbxconn validate` as a CI or pre-commit user adopts it: file arguments, settings found from
the validated path, did-you-mean for unknown codes, per-file ignores, --exit-zero, --fail-on,
baselines, JUnit output, fix hints, and crashed rules that fail the run."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ENV = {**os.environ, "NO_COLOR": "1"}
REPO = Path(__file__).resolve().parents[2]


def run(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pbxconn", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=ENV, timeout=120)


def clean_package() -> Path:
    """A rendered package of this repository that validates without findings."""
    for folder in sorted((REPO / "connectors").iterdir()):
        if (folder / "apiDefinition.swagger.json").is_file():
            result = run("validate", folder, "--format", "json")
            if result.returncode == 0 and not json.loads(result.stdout)["findings"]:
                return folder
    pytest.skip("no package under connectors/ validates without findings")


@pytest.fixture(scope="module")
def pristine() -> Path:
    return clean_package()


@pytest.fixture
def pkg(tmp_path, pristine) -> Path:
    target = tmp_path / "repo" / "connectors" / "demo"
    shutil.copytree(pristine, target)
    return target


def edit(path: Path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def first_operation(swagger: dict) -> dict:
    return next(op for item in swagger["paths"].values() for key, op in item.items() if key != "parameters")


def add_warning(pkg: Path) -> None:
    """An operation without a description: a certification warning (OperationDescriptionMissing)."""
    edit(pkg / "apiDefinition.swagger.json", lambda s: first_operation(s).pop("description", None))


def add_error(pkg: Path) -> None:
    """An operation without an operationId: an error."""
    edit(pkg / "apiDefinition.swagger.json", lambda s: first_operation(s).pop("operationId"))


def findings(result) -> list[dict]:
    return json.loads(result.stdout)["findings"]


# --- files on the command line ------------------------------------------------------------------

@pytest.mark.parametrize("name", ["apiProperties.json", "script.csx", "settings.json", "apiDefinition.swagger.json"])
def test_any_file_of_a_package_validates_the_package_with_its_siblings(pkg, name):
    if not (pkg / name).is_file():
        pytest.skip(f"the package has no {name}")
    add_error(pkg)
    result = run("validate", pkg / name, "--format", "json")
    assert result.returncode == 1, result.stderr
    assert any(f["file"].endswith("apiDefinition.swagger.json") for f in findings(result))
    assert json.loads(result.stdout)["summary"]["files"] == len([p for p in pkg.iterdir() if p.is_file()])


def test_changed_files_of_two_packages_validate_each_package_once(pkg):
    other = pkg.parent / "other"
    shutil.copytree(pkg, other)
    add_error(pkg)
    add_error(other)
    files = [pkg / "apiDefinition.swagger.json", pkg / "apiProperties.json", other / "apiProperties.json",
             pkg / "apiProperties.json"]
    result = run("validate", *files, "--format", "json")
    assert result.returncode == 1
    errors = [f for f in findings(result) if f["code"] == "OperationIdRequired" or "operationId" in f["message"]]
    by_package = {Path(f["file"]).parent.name for f in errors}
    assert by_package == {"demo", "other"}
    assert len(errors) == len({(f["file"], f["code"], f["pointer"]) for f in errors})  # nothing twice


def test_a_swagger_under_another_name_is_recognised_by_its_content(tmp_path, pristine):
    lone = tmp_path / "MyConnector.json"
    shutil.copyfile(pristine / "apiDefinition.swagger.json", lone)
    result = run("validate", lone, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["summary"]["files"] == 1


def test_a_file_that_is_not_part_of_a_connector_is_a_usage_error_naming_it(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    result = run("validate", notes)
    assert result.returncode == 2
    assert f"{notes}: not a file of a connector package" in result.stderr
    assert "hint: in a pre-commit hook, limit `files:`" in result.stderr
    stray = tmp_path / "script.csx"
    stray.write_text("public class Script {}")
    result = run("validate", stray)
    assert result.returncode == 2 and "holds no apiDefinition.swagger.json" in result.stderr


# --- settings -----------------------------------------------------------------------------------

def test_settings_are_found_from_the_validated_path_upwards(pkg, tmp_path):
    add_warning(pkg)
    project = pkg.parent.parent
    (project / "pyproject.toml").write_text('[tool.pbxconn.validate]\nignore = ["OperationDescriptionMissing"]\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = run("validate", pkg, "--format", "json", cwd=elsewhere)
    assert [f["code"] for f in findings(result)] == []
    (project / "pyproject.toml").unlink()
    result = run("validate", pkg, "--format", "json", cwd=elsewhere)
    assert "OperationDescriptionMissing" in [f["code"] for f in findings(result)]


@pytest.mark.parametrize("table, key, suggestion", [
    ('ignore = ["OperationDescriptionMisssing"]', "ignore", "OperationDescriptionMissing"),
    ('select = ["ALL", "Certifcation"]', "select", "Certification"),
    ('severity = { OperationIdRequird = "warning" }', "severity.OperationIdRequird", "OperationIdRequired"),
    ('[tool.pbxconn.validate.per-file-ignores]\n"legacy/*" = ["InvalidJsn"]', "per-file-ignores.'legacy/*'",
     "InvalidJson"),
    ('per_file_ignores = {}', "per_file_ignores", "per-file-ignores"),
])
def test_an_unknown_code_or_setting_names_the_file_line_and_key(pkg, table, key, suggestion):
    project = pkg.parent.parent
    (project / "pyproject.toml").write_text(f'[project]\nname = "x"\n\n[tool.pbxconn.validate]\n{table}\n')
    result = run("validate", pkg)
    assert result.returncode == 2, result.stdout
    message = result.stderr.strip()
    line = 5 + table.count("\n")  # the line of the mistake
    assert message.startswith(f"pbxconn: error: {project / 'pyproject.toml'}:{line}:"), message
    assert f"[tool.pbxconn.validate] {key}" in message
    assert f"did you mean {suggestion!r}?" in message
    assert "Traceback" not in message


def test_an_unknown_code_on_the_command_line_suggests_the_right_one(pkg):
    result = run("validate", pkg, "--ignore", "HardcodedApiKy")
    assert result.returncode == 2
    assert "--ignore: unknown rule code or category 'HardcodedApiKy'" in result.stderr
    assert "did you mean 'HardcodedApiKey'?" in result.stderr


def test_per_file_ignores_apply_to_matching_files_only(pkg):
    legacy = pkg.parent / "legacy"
    shutil.copytree(pkg, legacy)
    add_warning(pkg)
    add_warning(legacy)
    project = pkg.parent.parent
    (project / "pyproject.toml").write_text(
        '[tool.pbxconn.validate.per-file-ignores]\n"connectors/legacy/*" = ["OperationDescriptionMissing"]\n')
    result = run("validate", project / "connectors", "--format", "json")
    flagged = {Path(f["file"]).parent.name for f in findings(result) if f["code"] == "OperationDescriptionMissing"}
    assert flagged == {"demo"}


def test_pbxconn_build_honours_the_settings(tmp_path):
    project = tmp_path / "project"
    for name in ("carriers", "catalog", "templates", "connectors"):
        shutil.copytree(REPO / name, project / name)
    result = run("validate", project / "connectors", "--format", "json")
    warned = sorted({f["code"] for f in findings(result) if f["severity"] == "warning"})
    if not warned:
        pytest.skip("no package of this tree has a warning to turn into an error")
    (project / "pyproject.toml").write_text(f'[tool.pbxconn.validate]\nseverity = {{ {warned[0]} = "error" }}\n')
    result = run("build", "--check", cwd=project)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"error {warned[0]}" in result.stdout + result.stderr


# --- exit codes -----------------------------------------------------------------------------------

def test_fail_on_and_exit_zero(pkg):
    add_warning(pkg)
    assert run("validate", pkg).returncode == 0
    assert run("validate", pkg, "--fail-on", "warning").returncode == 1
    add_error(pkg)
    result = run("validate", pkg, "--exit-zero")
    assert result.returncode == 0 and "error" in result.stdout
    assert run("validate", pkg).returncode == 1


# --- baseline ---------------------------------------------------------------------------------------

def test_a_baseline_records_today_and_then_only_new_findings_count(pkg, tmp_path):
    add_error(pkg)
    baseline = tmp_path / "repo" / "pbxconn-baseline.json"
    first = run("validate", pkg, "--baseline", baseline)
    assert first.returncode == 0 and baseline.is_file()
    assert "recorded 1 finding(s)" in first.stderr
    recorded = json.loads(baseline.read_text())
    assert [e["file"] for e in recorded["findings"]] == ["connectors/demo/apiDefinition.swagger.json"]

    again = run("validate", pkg, "--baseline", baseline, "--format", "json")
    assert again.returncode == 0 and findings(again) == []
    assert "1 finding(s) accepted" in again.stderr

    swagger = pkg / "apiDefinition.swagger.json"
    swagger.write_text("\n\n\n" + swagger.read_text())  # lines move; the identity does not
    assert run("validate", pkg, "--baseline", baseline).returncode == 0

    add_warning(pkg)
    edit(swagger, lambda s: s["info"].update(title="x" * 40))  # a new error
    new = run("validate", pkg, "--baseline", baseline, "--format", "json")
    assert new.returncode == 1
    assert {f["code"] for f in findings(new) if f["severity"] == "error"} == {"FieldLengthExceeded"}

    update = run("validate", pkg, "--baseline", baseline, "--update-baseline")
    assert update.returncode == 0 and run("validate", pkg, "--baseline", baseline).returncode == 0


def test_a_broken_baseline_or_update_without_one_is_a_usage_error(pkg, tmp_path):
    bad = tmp_path / "baseline.json"
    bad.write_text("{not json")
    result = run("validate", pkg, "--baseline", bad)
    assert result.returncode == 2 and f"{bad}: cannot read the baseline" in result.stderr
    assert run("validate", pkg, "--update-baseline").returncode == 2


# --- output -------------------------------------------------------------------------------------

def test_junit_lists_every_finding_as_a_failed_testcase(pkg):
    add_error(pkg)
    add_warning(pkg)
    as_json = findings(run("validate", pkg, "--format", "json"))
    result = run("validate", pkg, "--format", "junit")
    assert result.returncode == 1
    root = ET.fromstring(result.stdout)
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == len(as_json) == int(root.get("failures"))
    assert sorted(c.find("failure").get("type") for c in cases) == sorted(f["severity"] for f in as_json)
    assert all(c.get("name").split(" (")[0] in {f["code"] for f in as_json} for c in cases)


def test_junit_of_a_clean_run_is_one_passing_testcase(pkg):
    root = ET.fromstring(run("validate", pkg, "--format", "junit").stdout)
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == 1 and cases[0].find("failure") is None


def test_text_output_gives_the_fix_under_each_finding(pkg):
    add_error(pkg)
    lines = run("validate", pkg).stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if ": error " in line)
    assert lines[at + 1].startswith("  fix: ") and len(lines[at + 1]) > len("  fix: ") + 5


# --- crashes ----------------------------------------------------------------------------------------

def test_a_crashing_rule_fails_the_run_with_exit_2_naming_the_rule(pkg, monkeypatch, capsys):
    from pbxconn.cli import main
    from pbxconn.validate.registry import load_rules

    rule = load_rules()["OperationIdRequired"]

    def explode(self, node, ctx):
        raise KeyError("boom")
        yield  # pragma: no cover

    monkeypatch.setattr(rule, "check", explode)
    for extra in ((), ("--ignore", "InternalRuleError"), ("--exit-zero",)):
        with pytest.raises(SystemExit) as exited:
            main(["validate", str(pkg), *extra])
        err = capsys.readouterr().err
        assert exited.value.code == 2, (extra, err)
        assert "rule OperationIdRequired failed (KeyError: 'boom')" in err


# --- the pre-commit hook ------------------------------------------------------------------------

def test_the_pre_commit_hook_selects_package_files_and_its_entry_validates_them():
    import re

    import yaml

    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    pattern = re.compile(hook["files"])
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True).stdout.split()
    chosen = [name for name in tracked if pattern.search(name)]
    packages = {str(Path(name).parent) for name in chosen}
    assert packages >= {str(p.relative_to(REPO)) for p in (REPO / "connectors").iterdir() if p.is_dir()}
    # only files of connector folders (ours, and the clean bases of the rule fixtures)
    assert not [name for name in chosen if not (REPO / name).with_name("apiDefinition.swagger.json").is_file()]
    entry = hook["entry"].split()
    assert entry[:2] == ["pbxconn", "validate"]
    result = run(*entry[1:], *chosen, cwd=REPO)  # as pre-commit runs it: the entry, then the files
    assert result.returncode == 0, result.stdout + result.stderr
