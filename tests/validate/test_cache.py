"""The result cache of `pbxconn validate`: a warm run answers from the cache with the same report,
an edit re-validates only its package, settings and rule changes invalidate, a corrupt entry is a
miss, concurrent runs stay correct, --no-cache writes nothing, crashes are never kept."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pbxconn.validate.cache import Cache, rules_fingerprint, snapshot
from pbxconn.validate.config import Config
from pbxconn.validate.engine import AUTO_PARALLEL_PACKAGES, validate_paths, worker_count
from pbxconn.validate.package import Package

ENV = {k: v for k, v in os.environ.items() if k not in ("PBXCONN_NO_CACHE", "PBXCONN_CACHE_DIR")}
ENV["NO_COLOR"] = "1"


def run(*args, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pbxconn", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env or ENV, timeout=120)


def swagger(title: str, summary: str = "List the calls") -> bytes:
    return json.dumps({
        "swagger": "2.0", "info": {"title": title, "version": "1.0", "description": f"The {title} API."},
        "host": "pbx.example.com", "basePath": "/", "schemes": ["https"],
        "paths": {"/calls": {"get": {"operationId": "ListCalls", "summary": summary,
                                     "responses": {"200": {"description": "ok"}}}}},
    }, indent=2).encode()


def make_package(folder: Path, title: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "apiDefinition.swagger.json").write_bytes(swagger(title))
    (folder / "apiProperties.json").write_text('{"properties": {"iconBrandColor": "#31ab3d"}}')
    return folder


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A folder with three small packages (each with findings) under packages/."""
    for title in ("Alpha", "Beta", "Gamma"):
        make_package(tmp_path / "packages" / title.lower(), f"{title} PBX")
    return tmp_path


def entries(cache_dir: Path) -> dict[str, int]:
    """Entry file -> inode (a rewritten entry is a new file)."""
    return {p.name: p.stat().st_ino for p in cache_dir.rglob("*.json") if p.name != "rules.json"}


def stats(result: subprocess.CompletedProcess) -> str:
    line = [text for text in result.stderr.splitlines() if "package(s):" in text]
    assert line, result.stderr
    return line[-1]


def test_a_second_run_gives_the_same_report_from_the_cache(project: Path):
    cold = run("validate", "packages", "-v", cwd=project)
    warm = run("validate", "packages", "-v", cwd=project)
    fresh = run("validate", "packages", "--no-cache", cwd=project)
    assert cold.returncode == warm.returncode == fresh.returncode == 1
    assert "fix: " in fresh.stdout
    assert cold.stdout == warm.stdout == fresh.stdout
    assert "3 package(s): 0 from the cache" in stats(cold)
    assert "3 package(s): 3 from the cache in .pbxconn_cache, 0 validated" in stats(warm)
    for fmt in ("json", "sarif", "junit", "github"):
        first = run("validate", "packages", "--format", fmt, cwd=project)
        assert first.stdout == run("validate", "packages", "--format", fmt, "--no-cache", cwd=project).stdout, fmt


def test_a_warm_run_does_not_import_the_rules(project: Path):
    assert run("validate", "packages", cwd=project).returncode == 1
    script = ("import sys\nfrom pbxconn.cli import main\ntry:\n    main(['validate', 'packages'])\n"
              "except SystemExit:\n    pass\n"
              "print('RULES', 'pbxconn.validate.rules' in sys.modules, file=sys.stderr)\n")
    warm = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=project, env=ENV,
                          timeout=120)
    assert "RULES False" in warm.stderr
    assert "fix: " in warm.stdout  # the fix hints come from the metadata the cold run kept


def test_editing_one_file_revalidates_only_that_package(project: Path):
    cache = project / ".pbxconn_cache"
    run("validate", "packages", cwd=project)
    before = entries(cache)
    assert len(before) == 3
    (project / "packages" / "beta" / "apiDefinition.swagger.json").write_bytes(swagger("Beta PBX", "list calls"))
    edited = run("validate", "packages", "-v", cwd=project)
    assert "3 package(s): 2 from the cache" in stats(edited) and "1 validated" in stats(edited)
    after = entries(cache)
    assert sorted(after) == sorted(before)  # the package's own entry is replaced, no new one
    assert sum(after[name] != before[name] for name in before) == 1
    assert edited.stdout == run("validate", "packages", "--no-cache", cwd=project).stdout


def test_adding_or_removing_a_package_file_is_a_change(project: Path):
    run("validate", "packages", cwd=project)
    (project / "packages" / "alpha" / "Readme.md").write_text("# Alpha\n")
    added = run("validate", "packages", "-v", cwd=project)
    assert "2 from the cache" in stats(added)
    (project / "packages" / "alpha" / "notes.txt").write_text("not a package file")
    assert "3 from the cache" in stats(run("validate", "packages", "-v", cwd=project))


@pytest.mark.parametrize("change", [("--select", "Metadata"), ("--ignore", "Structure"), ("--no-certification",)])
def test_other_options_invalidate(project: Path, change: tuple[str, ...]):
    run("validate", "packages", cwd=project)
    changed = run("validate", "packages", "-v", *change, cwd=project)
    assert "0 from the cache" in stats(changed)
    assert changed.stdout == run("validate", "packages", "--no-cache", *change, cwd=project).stdout
    assert "3 from the cache" in stats(run("validate", "packages", "-v", *change, cwd=project))


def test_settings_in_pyproject_invalidate(project: Path):
    run("validate", "packages", cwd=project)
    (project / "pyproject.toml").write_text('[tool.pbxconn.validate]\nseverity = { HostNotProduction = "info" }\n')
    assert "0 from the cache" in stats(run("validate", "packages", "-v", cwd=project))
    (project / "pyproject.toml").write_text('[tool.pbxconn.validate]\nper-file-ignores = { "*.json" = ["Metadata"] }\n')
    changed = run("validate", "packages", "-v", cwd=project)
    assert "0 from the cache" in stats(changed)
    assert changed.stdout == run("validate", "packages", "--no-cache", cwd=project).stdout


def test_a_file_that_settings_json_names_is_part_of_the_key(project: Path):
    package = project / "packages" / "alpha"
    (package / "settings.json").write_text('{"icon": "brand/logo.png"}')
    first = run("validate", "packages/alpha", "--select", "SettingsFileMissing", cwd=project)
    assert "SettingsFileMissing" in first.stdout
    (package / "brand").mkdir()
    (package / "brand" / "logo.png").write_bytes(b"\x89PNG")
    second = run("validate", "packages/alpha", "--select", "SettingsFileMissing", "-v", cwd=project)
    assert "SettingsFileMissing" not in second.stdout and "0 from the cache" in stats(second)


def resealed(data: bytes, payload: bytes) -> bytes:
    """An entry whose header vouches for a new payload."""
    header = json.loads(data.split(b"\n")[0])
    header["checksum"] = hashlib.sha256(payload).hexdigest()
    return json.dumps(header).encode() + b"\n" + payload


DAMAGE = {
    "garbage": lambda data: b"\x00\xff not json",
    "truncated": lambda data: data[: len(data) // 2],
    "empty": lambda data: b"",
    "header only": lambda data: data.split(b"\n")[0],
    "content changed": lambda data: data[:-1] + b" ",  # still JSON, no longer what was written
    "another shape": lambda data: resealed(data, b'[[1, 2], {"x": 3}]'),  # checksum right, content wrong
    "wrong types": lambda data: resealed(data, b'[["Code", 3, "message", "file", "7", 1, "", ""]]'),
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_corrupt_entry_is_a_miss_and_the_report_is_right(project: Path, damage: str):
    cache = project / ".pbxconn_cache"
    expected = run("validate", "packages", "--no-cache", cwd=project)
    run("validate", "packages", cwd=project)
    for path in cache.rglob("*.json"):  # the entries and the rule metadata
        path.write_bytes(DAMAGE[damage](path.read_bytes()))
    again = run("validate", "packages", "-v", cwd=project)
    assert (again.returncode, again.stdout) == (expected.returncode, expected.stdout)
    assert "Traceback" not in again.stderr
    assert "0 from the cache" in stats(again)
    assert "3 from the cache" in stats(run("validate", "packages", "-v", cwd=project))  # rewritten whole


def test_concurrent_runs_on_one_cache_are_both_right(tmp_path: Path):
    for i in range(12):
        make_package(tmp_path / "packages" / f"p{i:02}", f"Pbx {i}")
    expected = run("validate", "packages", "--no-cache", cwd=tmp_path).stdout
    command = [sys.executable, "-m", "pbxconn", "validate", "packages", "-j", "1"]
    procs = [subprocess.Popen(command, cwd=tmp_path, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    outputs = [proc.communicate(timeout=120) for proc in procs]
    assert [out for out, _ in outputs] == [expected, expected], [err for _, err in outputs]
    assert len(entries(tmp_path / ".pbxconn_cache")) == 12
    assert not [p for p in (tmp_path / ".pbxconn_cache").rglob(".*") if p.name != ".gitignore"]  # no temp files left
    warm = run("validate", "packages", "-v", cwd=tmp_path)
    assert warm.stdout == expected and "12 from the cache" in stats(warm)


def test_no_cache_writes_nothing(project: Path):
    run("validate", "packages", "--no-cache", cwd=project)
    run("validate", "packages", cwd=project, env={**ENV, "PBXCONN_NO_CACHE": "1"})
    assert not (project / ".pbxconn_cache").exists()
    assert sorted(p.name for p in project.iterdir()) == ["packages"]


def test_the_cache_dir_is_chosen_by_option_then_environment_then_default(project: Path, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    run("validate", "packages", "--cache-dir", elsewhere / "by-option", cwd=project)
    run("validate", "packages", cwd=project, env={**ENV, "PBXCONN_CACHE_DIR": str(elsewhere / "by-env")})
    for folder in (elsewhere / "by-option", elsewhere / "by-env"):
        assert (folder / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
        assert (folder / ".gitignore").read_text().splitlines()[-1] == "*"
        assert len(entries(folder)) == 3
    assert not (project / ".pbxconn_cache").exists()
    run("validate", "packages", cwd=project)
    assert len(entries(project / ".pbxconn_cache")) == 3


def test_crashed_results_are_never_kept(project: Path, monkeypatch):
    from pbxconn.validate.registry import load_rules

    cache = Cache(project / "cache")
    target = project / "packages" / "alpha"

    def explode(self, node, ctx):
        raise KeyError("boom")
        yield  # pragma: no cover

    monkeypatch.setattr(load_rules()["OperationIdRequired"], "check", explode)
    crashed = validate_paths([target], Config(), cache=cache)
    assert "InternalRuleError" in {f.code for f in crashed.findings}
    assert entries(project / "cache") == {}
    monkeypatch.undo()
    fixed = validate_paths([target], Config(), cache=cache)
    assert fixed.cached == 0 and "InternalRuleError" not in {f.code for f in fixed.findings}
    again = validate_paths([target], Config(), cache=cache)
    assert again.cached == 1 and again.findings == fixed.findings


def test_the_cache_reads_exactly_what_the_loader_reads(tmp_path: Path):
    odd = make_package(tmp_path / "odd", "Odd PBX")
    (odd / "readme.md").write_text("# lower\n")
    (odd / "Readme.md").write_text("# upper\n")  # two readmes: the loader keeps the first by name
    (odd / "script.csx").mkdir()  # not a file
    (odd / "icon.png").write_bytes(b"\x89PNG\r\n")
    lone = tmp_path / "lone.json"
    lone.write_bytes(swagger("Lone"))
    repo = Path(__file__).resolve().parents[2]
    for target in (odd, lone, *sorted((repo / "connectors").iterdir())):
        if target.is_dir() and not (target / "apiDefinition.swagger.json").is_file():
            continue
        made, loaded = snapshot(target).package(), Package.load(target)
        assert (made.root, made.label, made.kind) == (loaded.root, loaded.label, loaded.kind)
        assert {r: (s.label, s.data) for r, s in made.files.items()} == \
               {r: (s.label, s.data) for r, s in loaded.files.items()}


def test_the_rule_fingerprint_follows_every_rule_source(tmp_path: Path):
    root = tmp_path / "pbxconn"
    for name in ("validate/rules/a.py", "validate/engine.py", "core/x.py", "csx/y.py", "cli/validate.py",
                 "preview/z.py"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x = 1\n")
    first = rules_fingerprint(root)
    assert rules_fingerprint(root) == first
    (root / "preview/z.py").write_text("x = 22\n")  # not a source of findings
    assert rules_fingerprint(root) == first
    (root / "validate/rules/a.py").write_text("x = 2\n")
    assert rules_fingerprint(root) != first
    second = rules_fingerprint(root)
    (root / "validate/rules/b.py").write_text("")
    assert rules_fingerprint(root) != second


def test_jobs_auto_uses_one_process_for_few_packages():
    assert worker_count(None, 1) == 1
    assert worker_count(None, AUTO_PARALLEL_PACKAGES - 1) == 1
    cpus = worker_count(None, 10_000)
    assert cpus >= 1 and worker_count(None, AUTO_PARALLEL_PACKAGES) == cpus
    assert worker_count(4, 2) == min(2, cpus)
    assert worker_count(1, 100) == 1


def test_jobs_option_takes_a_number_or_auto(project: Path):
    assert run("validate", "packages", "-j", "auto", "--no-cache", cwd=project).returncode == 1
    bad = run("validate", "packages", "-j", "0", cwd=project)
    assert bad.returncode == 2 and "nor 'auto'" in bad.stderr


def test_a_parallel_cold_run_fills_the_cache(tmp_path: Path):
    count = max(AUTO_PARALLEL_PACKAGES, 2)
    for i in range(count):
        make_package(tmp_path / "packages" / f"p{i:02}", f"Pbx {i}")
    cold = run("validate", "packages", "-j", "2", "-v", cwd=tmp_path)
    assert len(entries(tmp_path / ".pbxconn_cache")) == count
    warm = run("validate", "packages", "-v", cwd=tmp_path)
    assert cold.stdout == warm.stdout and f"{count} from the cache" in stats(warm)
