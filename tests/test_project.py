"""Project-level promises: the README's commands are what CI runs; the layering holds."""

from __future__ import annotations

import ast
import re
import subprocess
import sys

import pytest


def _quickstart_commands(readme: str) -> list[str]:
    block = re.search(r"## Quickstart.*?```\w*\n(.*?)```", readme, re.S)
    assert block, "README has no Quickstart code block"
    return [line.strip() for line in block.group(1).splitlines() if line.strip()]


def test_readme_quickstart_has_two_commands_and_ci_runs_the_test_one(repo):
    commands = _quickstart_commands((repo / "README.md").read_text())
    assert len(commands) == 2
    assert "pbxconn build" in commands[0]
    ci = (repo / ".ci" / "run").read_text()
    assert commands[1] in ci.splitlines(), "the README's test command must appear verbatim in .ci/run"


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


@pytest.mark.parametrize("package", ["validate", "report", "core", "diff", "sandbox"])
def test_layering(repo, package):
    """The validator works on any connector folder: it, the reporters and core never import the
    generator, the CLI, click or jinja2; the sandbox is independent of the catalog."""
    forbidden = ("pbxconn.generate", "pbxconn.cli", "click", "jinja2")
    for path in (repo / "pbxconn" / package).rglob("*.py"):
        for name in _imports(path):
            assert not name.startswith(forbidden), f"{path.relative_to(repo)} imports {name}"


def test_help_lists_every_command_without_importing_them():
    code = ("import sys; from pbxconn.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('jinja2', 'yaml', 'jsonschema', 'schemathesis', 'starlette', 'rich') if m in sys.modules]\n"
            "print('HEAVY', heavy)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    for command in ("build", "validate", "diff", "sandbox", "contract", "csx", "deploy"):
        assert command in result.stdout
    assert "HEAVY []" in result.stdout


def test_the_emulators_read_no_catalog_and_no_spec(repo):
    """Contract tests compare two independent descriptions of an API only if the emulators never
    load the generator's catalog or a connector definition."""
    for path in (repo / "pbxconn" / "sandbox").rglob("*.py"):
        text = path.read_text("utf-8")
        for marker in ("catalog/", '"catalog"', "apiDefinition", "swagger", "../shared"):
            assert marker not in text, f"{path.relative_to(repo)} mentions {marker}"


@pytest.mark.parametrize("debug", [False, True])
def test_debug_adds_the_traceback_and_keeps_the_exit_code(debug, repo):
    """--debug only adds a traceback: a usage error exits 2 with its one-line message either way."""
    import subprocess
    import sys

    args = [sys.executable, "-m", "pbxconn", *(["--debug"] if debug else []), "build", "--root", str(repo),
            "--carrier", "nope", "--check"]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1].startswith("pbxconn: error: unknown carrier nope")
    assert ("Traceback (most recent call last)" in proc.stderr) is debug


def test_commands_find_the_project_root_from_a_subfolder(repo):
    """build, contract and deploy work from any folder inside the project, as git does."""
    import subprocess
    import sys

    def run(*args):
        return subprocess.run([sys.executable, "-m", "pbxconn", *args], cwd=repo / "docs",
                              capture_output=True, text=True, timeout=120)

    built = run("build", "--check")
    assert built.returncode == 0, built.stderr
    # the spec is found (the run then stops at the unreachable API, not at "run pbxconn build first")
    contract = run("contract", "--carrier", "tele2", "--base-url", "http://127.0.0.1:9", "--api-key", "k")
    assert contract.returncode == 2 and "cannot connect to" in contract.stderr, contract.stderr


def test_every_python_folder_is_a_package(repo):
    """setuptools' package discovery skips folders without __init__.py: a `pip install .` (not
    editable) would leave their modules out."""
    for folder in (repo / "pbxconn").rglob("*"):
        if folder.is_dir() and folder.name != "__pycache__" and any(folder.glob("*.py")):
            assert (folder / "__init__.py").is_file(), f"{folder.relative_to(repo)} has no __init__.py"
