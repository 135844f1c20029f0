"""`pbxconn diff` end to end: real published pairs, git references, exit codes, formats, docs."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from diff_samples import PROPERTIES, SWAGGER, fresh
from pbxconn.cli import main
from pbxconn.diff.changes import CHANGES, docs_markdown

CARRIERS = ("tele2", "lmt")


def run(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    """Run the CLI in-process; (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as exc:
        main(["diff", *args])
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err


def findings_of(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, list[dict]]:
    code, out, _ = run(capsys, *args, "--format", "json")
    return code, json.loads(out)["findings"]


# --- real pairs ---------------------------------------------------------------------------------

def test_first_lmt_version_to_published_adds_an_operation(shared: Path, capsys) -> None:
    up = shared / "upstream"
    code, found = findings_of(capsys, str(up / "history" / "lmt-2022-06-14"), str(up / "lmt"))
    assert code == 0
    assert [(f["code"], f["class"]) for f in found] == [("OperationAdded", "non-breaking")]
    assert found[0]["new_pointer"] == "/paths/~1webhooks~1{webhook_id}/delete"
    assert found[0]["file"].endswith("lmt/apiDefinition.swagger.json") and found[0]["line"] > 1


def test_removing_that_operation_again_is_breaking(shared: Path, capsys) -> None:
    up = shared / "upstream"
    code, found = findings_of(capsys, str(up / "lmt"), str(up / "history" / "lmt-2022-06-14"))
    assert code == 1
    assert [f["code"] for f in found] == ["OperationRemoved"]
    assert "lmt/apiDefinition.swagger.json" in found[0]["file"] and "history" not in found[0]["file"]


def test_tele2_to_lmt_changes_the_host(shared: Path, capsys) -> None:
    up = shared / "upstream"
    code, found = findings_of(capsys, str(up / "tele2"), str(up / "lmt"))
    assert code == 1
    breaking = [f for f in found if f["class"] == "breaking"]
    assert [f["code"] for f in breaking] == ["HostChanged"]
    assert {"TriggerHintChanged", "MetadataChanged"} <= {f["code"] for f in found}
    code, out, _ = run(capsys, str(up / "tele2"), str(up / "lmt"), "--breaking-only")
    assert code == 1 and "HostChanged" in out and "MetadataChanged" not in out


@pytest.mark.parametrize("carrier", CARRIERS)
def test_published_version_compared_with_itself_is_unchanged(shared: Path, capsys, carrier: str) -> None:
    path = str(shared / "upstream" / carrier)
    assert findings_of(capsys, path, path) == (0, [])


@pytest.mark.parametrize("carrier", CARRIERS)
def test_generated_package_breaks_nothing_published(shared: Path, repo: Path, capsys, carrier: str) -> None:
    ours = repo / "connectors" / carrier
    if not (ours / "apiDefinition.swagger.json").is_file():
        pytest.skip(f"connectors/{carrier} has not been generated yet (run `pbxconn build`)")
    code, found = findings_of(capsys, str(shared / "upstream" / carrier), str(ours))
    assert [f["message"] for f in found if f["class"] == "breaking"] == []
    assert code == 0


# --- sources and exit codes ---------------------------------------------------------------------

def write_package(folder: Path, swagger: dict, properties: dict | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "apiDefinition.swagger.json").write_text(json.dumps(swagger, indent=4) + "\n", encoding="utf-8")
    (folder / "apiProperties.json").write_text(json.dumps(properties or PROPERTIES, indent=4) + "\n",
                                               encoding="utf-8")
    return folder


def test_swagger_files_can_be_compared_directly(tmp_path: Path, capsys) -> None:
    old = write_package(tmp_path / "old", SWAGGER) / "apiDefinition.swagger.json"
    changed, _ = fresh()
    changed["basePath"] = "/api/v3/"
    new = write_package(tmp_path / "new", changed) / "apiDefinition.swagger.json"
    code, out, _ = run(capsys, str(old), str(new))
    assert code == 1
    assert f"{new}:" in out and "BasePathChanged" in out and "1 error" in out


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_every_report_format(tmp_path: Path, capsys, fmt: str) -> None:
    old = write_package(tmp_path / "old", SWAGGER)
    changed, _ = fresh()
    del changed["paths"]["/dial"]
    new = write_package(tmp_path / "new", changed)
    code, out, _ = run(capsys, str(old), str(new), "--format", fmt)
    assert code == 1 and "OperationRemoved" in out
    if fmt == "sarif":
        rules = json.loads(out)["runs"][0]["tool"]["driver"]["rules"]
        assert {r["id"] for r in rules} >= {"OperationRemoved"}


@pytest.mark.parametrize("args, message", [
    (("missing-old", "missing-new"), "missing-old: no such file or directory"),
    (("git:no-such-rev:pkg", "pkg"), "unknown git revision 'no-such-rev'"),
    (("git:HEAD", "pkg"), "expected git:REV:PATH"),
])
def test_unreadable_inputs_exit_2_with_one_message(tmp_path: Path, monkeypatch, capsys, args, message) -> None:
    git_repo(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1


def test_invalid_json_exits_2_with_its_position(tmp_path: Path, capsys) -> None:
    old = write_package(tmp_path / "old", SWAGGER)
    new = write_package(tmp_path / "new", SWAGGER)
    (new / "apiDefinition.swagger.json").write_text('{\n  "swagger": "2.0",,\n}\n', encoding="utf-8")
    code, _, err = run(capsys, str(old), str(new))
    assert code == 2 and "apiDefinition.swagger.json:2:" in err


# --- git references -----------------------------------------------------------------------------

def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", *args],
                   cwd=cwd, check=True, capture_output=True)


def git_repo(root: Path) -> Path:
    """A repository with two commits of `pkg/`: the second removes the Dial operation."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    git(root, "init", "-q")
    write_package(root / "pkg", SWAGGER)
    git(root, "add", "pkg")
    git(root, "commit", "-q", "-m", "first")
    changed, _ = fresh()
    del changed["paths"]["/dial"]
    write_package(root / "pkg", changed)
    git(root, "commit", "-q", "-am", "second")
    return root


def test_git_reference_to_the_previous_commit(tmp_path: Path, monkeypatch, capsys) -> None:
    git_repo(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, found = findings_of(capsys, "git:HEAD~1:pkg", "pkg")
    assert code == 1
    (removed,) = found
    assert removed["code"] == "OperationRemoved"
    assert removed["file"] == "git:HEAD~1:pkg/apiDefinition.swagger.json" and removed["line"] > 1
    assert findings_of(capsys, "git:HEAD:pkg", "pkg") == (0, [])
    assert findings_of(capsys, "git:HEAD:pkg/apiDefinition.swagger.json", "pkg/apiDefinition.swagger.json") == (0, [])


def test_git_paths_mean_the_same_from_a_subfolder(tmp_path: Path, monkeypatch, capsys) -> None:
    """PATH is relative to the repository root wherever diff runs; `./` makes it relative to the cwd."""
    git_repo(tmp_path)
    (tmp_path / "docs").mkdir()
    monkeypatch.chdir(tmp_path / "docs")
    code, found = findings_of(capsys, "git:HEAD~1:pkg", "../pkg")
    assert code == 1 and [f["code"] for f in found] == ["OperationRemoved"]
    assert findings_of(capsys, "git:HEAD:./../pkg", "../pkg") == (0, [])


def test_git_path_missing_in_that_revision(tmp_path: Path, monkeypatch, capsys) -> None:
    git_repo(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "git:HEAD~1:connectors/tele2", "pkg")
    assert code == 2 and "'connectors/tele2' does not exist in revision HEAD~1" in err


# --- docs ---------------------------------------------------------------------------------------

def test_docs_page_lists_every_change_code(repo: Path) -> None:
    page = (repo / "docs" / "diff.md").read_text(encoding="utf-8")
    assert page == docs_markdown(), "docs/diff.md is stale: python -m pbxconn.diff.changes > docs/diff.md"
    assert all(f"`{code}`" in page for code in CHANGES)


def test_change_codes_are_pascal_case_and_messages_format() -> None:
    for code, kind in CHANGES.items():
        assert code[0].isupper() and code.isalnum() and kind.code == code
        assert kind.cls in ("breaking", "non-breaking")
        assert kind.side == "old" or "Removed" not in code or code.endswith("EnumValueRemoved")


@pytest.mark.parametrize("index", ["²", "٣", "0x0"])
def test_a_ref_index_that_only_looks_numeric_is_a_missing_target_not_a_crash(capsys, tmp_path, index):
    """'²' is a digit to str.isdigit() but not a JSON Pointer index; int('²') used to crash diff."""
    def version(ref_index: str) -> Path:
        doc = {"swagger": "2.0", "info": {"title": "t", "version": "1"}, "host": "x.example.com", "paths": {
            "/v1/x": {"get": {"operationId": "A", "responses": {"200": {"description": "ok"}},
                              "parameters": [{"name": "a", "in": "query", "type": "string"}]}},
            "/v1/y": {"get": {"operationId": "B", "responses": {"200": {"description": "ok"}},
                              "parameters": [{"$ref": f"#/paths/~1v1~1x/get/parameters/{ref_index}"}]}}}}
        path = tmp_path / f"{ref_index}.json"
        path.write_text(json.dumps(doc), "utf-8")
        return path

    code, out, err = run(capsys, str(version(index)), str(version("0")))
    assert "internal error" not in out + err
    assert code in (0, 1, 2)
