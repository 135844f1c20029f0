"""`pbxconn preview` and `pbxconn diff --format html` end to end."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from preview_support import PACKAGES, REPO, build, changed_tele2, references
from pbxconn.cli import main


def pbxconn(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pbxconn", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize("folder", PACKAGES, ids=[p.name for p in PACKAGES])
def test_preview_writes_one_self_contained_page(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.html"
    done = pbxconn("preview", f"connectors/{folder.name}", "-o", str(out))
    assert done.returncode == 0, done.stderr
    connector = build(folder)
    assert done.stdout.startswith(f"wrote {out}: {len(connector.group('trigger'))} triggers")
    html = out.read_text("utf-8")
    loaded, links = references(html)
    assert loaded == [] and all(link.startswith("https://") for link in links)
    assert html.count('<details class="card') == len(connector.cards)


@pytest.mark.parametrize("args, message", [
    (["docs"], "docs: not a connector folder: no apiDefinition.swagger.json in it"),
    (["no/such/folder"], "no/such/folder: no such file or directory"),
    (["README.md"], "README.md: not a connector folder or a swagger file"),
])
def test_not_a_connector_is_one_line_and_exit_2(args: list[str], message: str, capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["preview", *args])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"pbxconn: error: {message}") and len(err.strip().splitlines()) == 1


def test_unreadable_swagger_names_file_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "apiDefinition.swagger.json").write_text('{"swagger": "2.0",}', encoding="utf-8")
    done = pbxconn("preview", str(tmp_path), "-o", str(tmp_path / "x.html"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"{tmp_path / 'apiDefinition.swagger.json'}:1:" in done.stderr and "invalid JSON" in done.stderr


def test_openapi_3_is_refused(tmp_path: Path, capsys) -> None:
    (tmp_path / "apiDefinition.swagger.json").write_text('{"openapi": "3.0.1", "paths": {}}', encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["preview", str(tmp_path)])
    assert exc.value.code == 2 and "OpenAPI 3.0.1 is not supported" in capsys.readouterr().err


def test_default_output_name_and_open(tmp_path: Path, monkeypatch, capsys) -> None:
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", opened.append)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exc:
        main(["preview", str(REPO / "connectors" / "tele2"), "--open", "--no-validate"])
    assert exc.value.code == 0
    page = tmp_path / "tele2-preview.html"
    assert page.is_file() and opened == [page.resolve().as_uri()]
    assert "findings" not in capsys.readouterr().out


def test_diff_html_marks_what_a_maker_notices(tmp_path: Path) -> None:
    new = changed_tele2(tmp_path / "new")
    out = tmp_path / "diff.html"
    done = pbxconn("diff", "connectors/tele2", str(new), "--format", "html", "-o", str(out))
    assert done.returncode == 1, done.stderr  # breaking changes
    html = out.read_text("utf-8")
    assert references(html)[0] == []
    assert '<details class="card group-action is-removed" id="op-GetLostCalls"' in html
    assert 'class="input is-renamed" data-key="query.$.max_items"' in html
    assert html.count('class="token is-removed"') == 2  # Items Avatar and Avatar
    assert 'id="op-PlaceCall"' in html and "is-renamed" in html


def test_diff_without_changes_has_no_changed_cards(tmp_path: Path) -> None:
    out = tmp_path / "diff.html"
    done = pbxconn("diff", "connectors/tele2", "connectors/tele2", "--format", "html", "-o", str(out))
    assert done.returncode == 0, done.stderr
    html = out.read_text("utf-8")
    assert 'class="card group-' in html
    assert html.count('<details class="card group-') == html.count(' unchanged"') == 29
