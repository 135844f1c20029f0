"""Fixtures for deploy tests: a throwaway project root per test, a HOME with a paconn token,
the RP emulator, and a runner for `pbxconn deploy` / `paconn` as real processes.

Network safety: every child process gets HTTP(S)_PROXY pointing at a closed local port and
NO_PROXY=127.0.0.1, so anything not addressed to the emulator fails at once instead of
reaching Microsoft; the token file expires in 2100, so paconn never tries to log in.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from deploy_support import TOKEN, Project
from rp_emulator import RPEmulator


@pytest.fixture
def make_project(tmp_path: Path, repo: Path):
    """make_project(carrier) -> Project: a temporary root holding copies of the carrier's
    rendered package (connectors/<id>/), its YAML, the catalog and templates it is rendered
    from (the drift gate renders it again) and pyproject.toml (validator config)."""

    def make(carrier: str) -> Project:
        package = repo / "connectors" / carrier
        if not (package / "settings.json").is_file():
            pytest.skip(f"no rendered package in {package}; run `pbxconn build`")
        root = tmp_path / f"project-{carrier}"
        shutil.copytree(package, root / "connectors" / carrier)
        (root / "carriers").mkdir()
        shutil.copyfile(repo / "carriers" / f"{carrier}.yaml", root / "carriers" / f"{carrier}.yaml")
        shutil.copyfile(repo / "pyproject.toml", root / "pyproject.toml")
        for folder in ("catalog", "templates", "carriers/icons"):
            shutil.copytree(repo / folder, root / folder)
        return Project(root, carrier)

    return make


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A HOME whose ~/.paconn/accessTokens.json holds a token valid until 2100."""
    path = tmp_path / "home"
    (path / ".paconn").mkdir(parents=True)
    (path / ".paconn" / "accessTokens.json").write_text(json.dumps(TOKEN), encoding="utf-8")
    return path


@pytest.fixture
def emulator(tmp_path: Path):
    """The Power Apps RP emulator, running."""
    workdir = tmp_path / "emulator"
    workdir.mkdir()
    with RPEmulator(workdir) as emu:
        yield emu


@pytest.fixture
def child_env(home: Path, emulator: RPEmulator) -> dict[str, str]:
    """Environment for child processes: temporary HOME, the emulator's CA, no way out."""
    env = {k: v for k, v in os.environ.items()
           if not k.upper().endswith("_PROXY")
           and k not in ("PBXCONN_PACONN", "PBXCONN_ENVIRONMENT", "PBXCONN_OAUTH_CLIENT_SECRET")}
    scratch = home.parent / "scratch"  # TMPDIR: the dry run's kept directory stays in the test's tmp_path
    scratch.mkdir(exist_ok=True)
    env.update(HOME=str(home), REQUESTS_CA_BUNDLE=str(emulator.ca_bundle), TMPDIR=str(scratch),
               HTTP_PROXY="http://127.0.0.1:9", HTTPS_PROXY="http://127.0.0.1:9",
               NO_PROXY="127.0.0.1,localhost", PYTHONDONTWRITEBYTECODE="1")
    return env


@pytest.fixture
def pbxconn(child_env: dict[str, str]):
    """pbxconn(*args, cwd=..., env=...) -> CompletedProcess of `python -m pbxconn ...`."""

    def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pbxconn", *args], cwd=cwd, env=env or child_env,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)

    return run


@pytest.fixture
def paconn(child_env: dict[str, str]):
    """paconn(*args, cwd=...) -> CompletedProcess of the real paconn CLI."""

    def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
        exe = Path(sys.executable).parent / "paconn"
        argv = [str(exe)] if exe.is_file() else [shutil.which("paconn") or "paconn"]
        return subprocess.run([*argv, *args], cwd=cwd, env=child_env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=60)

    return run
