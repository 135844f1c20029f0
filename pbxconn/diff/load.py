"""Read one version of a connector: a folder, a swagger file, or `git:REV:PATH` from a repository."""

from __future__ import annotations

import subprocess
from pathlib import Path, PurePosixPath

from pbxconn.core.errors import InputError
from pbxconn.validate.package import FILENAMES, Package, read_source, role_of

GIT_PREFIX = "git:"
# Files the diff reads; other files of a package (script, icon...) are not compared.
COMPARED_ROLES = ("swagger", "properties")


def load_version(spec: str, cwd: Path | None = None) -> Package:
    """Load OLD or NEW as given on the command line; raise InputError when it cannot be read."""
    cwd = Path(cwd) if cwd is not None else Path.cwd()
    if spec.startswith(GIT_PREFIX):
        package = _load_git(spec, cwd)
    else:
        path = Path(spec) if Path(spec).is_absolute() else cwd / spec
        if not path.exists():
            raise InputError("no such file or directory", location=spec)
        package = Package.load(path)
        package.label = spec
        for source in package.files.values():
            source.label = _display(spec, source.label, package.kind)
    _check(package, spec)
    return package


def _display(spec: str, label: str, kind: str) -> str:
    """File label relative to what the user typed (keeps reports short and stable)."""
    if kind == "file":
        return spec
    return str(PurePosixPath(spec) / PurePosixPath(Path(label).name))


def _check(package: Package, spec: str) -> None:
    """A version must have a readable swagger; the properties file must parse when present."""
    if "swagger" not in package.files:
        raise InputError(f"no {FILENAMES['swagger']} in this folder", location=spec)
    for role in COMPARED_ROLES:
        source = package.files.get(role)
        if source is None:
            continue
        if source.problems and source.value is None:
            problem = source.problems[0]
            raise InputError(problem.message, location=f"{source.label}:{problem.line}:{problem.column}")


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """Run git in `cwd`; bytes out, never raises on a git error."""
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise InputError("git is not installed; cannot read git: versions") from None


def _load_git(spec: str, cwd: Path) -> Package:
    """`git:REV:PATH`: PATH as `git show REV:PATH` reads it (root-relative; `./` for the cwd)."""
    rev, sep, path = spec[len(GIT_PREFIX):].rpartition(":")
    if not sep or not rev or not path:
        raise InputError("expected git:REV:PATH, e.g. git:origin/main:connectors/tele2", location=spec)
    if _git(cwd, "rev-parse", "--git-dir").returncode != 0:
        raise InputError(f"{cwd} is not inside a git repository", location=spec)
    if _git(cwd, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").returncode != 0:
        raise InputError(f"unknown git revision {rev!r}", location=spec)
    object_name = f"{rev}:{path}"
    kind = _git(cwd, "cat-file", "-t", object_name)
    if kind.returncode != 0:
        raise InputError(f"{path!r} does not exist in revision {rev}", location=spec)
    kind_name = kind.stdout.decode().strip()
    if kind_name == "blob":
        data = _git(cwd, "cat-file", "blob", object_name).stdout
        return Package(PurePosixPath(path).parent, spec, {"swagger": read_source("swagger", spec, data)}, "file")
    if kind_name != "tree":
        raise InputError(f"{path!r} in revision {rev} is a {kind_name}, not a folder or file", location=spec)
    # --full-tree: in a subfolder ls-tree would list only the entries under that subfolder's name
    listed = _git(cwd, "ls-tree", "--full-tree", "--name-only", object_name).stdout
    listing = listed.decode("utf-8", "replace").splitlines()
    files: dict[str, bytes] = {}
    for name in sorted(listing):
        if role_of(name) in COMPARED_ROLES:
            files[name] = _git(cwd, "cat-file", "blob", f"{object_name.rstrip('/')}/{name}").stdout
    package = Package.from_files(files, spec)
    for source in package.files.values():
        source.label = f"{spec.rstrip('/')}/{PurePosixPath(source.label).name}"
    package.label = spec
    return package
