"""The result cache of `pbxconn validate`, as ruff keeps one: each package's findings, kept under
`.pbxconn_cache/` and reused while the package's bytes, the settings, pbxconn and its rules
are the same.

Layout: `DIR/CACHEDIR.TAG`, `DIR/.gitignore` (`*`), and `DIR/<version>/<rules fingerprint>/`
holding `rules.json` (the reporters' rule metadata) and one `<entry>.json` per package label and
settings. An entry holds the digest of the bytes it was made from, so an edited package
overwrites its own entry. Every write is a temp file in the same folder renamed into place; any
entry that cannot be read or does not match is a miss.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from pbxconn import __version__
from pbxconn.core.atomic import write_file
from pbxconn.core.findings import Finding, Severity
from pbxconn.validate.config import Config
from pbxconn.validate.package import Package, _read_bytes, pause_gc, read_source, resume_gc, role_of
from pbxconn.validate.registry import INTERNAL_CODE

FORMAT = 1
DEFAULT_DIR = ".pbxconn_cache"
TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
       "# This file is a cache directory tag created by pbxconn.\n"
       "# For information about cache directory tags see https://bford.info/cachedir/\n")
PACKAGE_ROOT = Path(__file__).resolve().parents[1]
# The sources whose code decides the findings (rules, engine, parsers, the C# checks) and the
# rule metadata kept for reporters.
RULE_SOURCES = ("validate", "core", "csx")
# Third-party modules the rules call; a reinstall changes their files.
RULE_DEPENDENCIES = ("jsonschema_rs", "tree_sitter", "tree_sitter_c_sharp")
# Messages of results that depend on the moment (Mono's parser could not be run this time).
VOLATILE = ("mcs could not be run", "mcs --parse failed")


@dataclass(frozen=True)
class Snapshot:
    """A package's files as `Package.load` reads them, read once: (role, label, bytes) in order."""

    target: Path
    kind: str
    files: tuple[tuple[str, str, bytes], ...]

    def package(self) -> Package:
        """The package these bytes make, as `Package.load(target)` makes it."""
        pause_gc()
        try:
            sources = {role: read_source(role, label, data) for role, label, data in self.files}
            root = self.target.parent if self.kind == "file" else self.target
            return Package(root, str(self.target), sources, self.kind)
        finally:
            resume_gc()

    def digest(self) -> str:
        """Hash of every file's role, name and bytes, and of the files settings.json points at."""
        h = hashlib.sha256()
        for role, label, data in self.files:
            h.update(f"{role}\0{label}\0{len(data)}\0".encode("utf-8", "surrogatepass"))
            h.update(data)
        h.update(json.dumps(self._pointed_files()).encode("utf-8", "surrogatepass"))
        return h.hexdigest()

    def _pointed_files(self) -> list[tuple[str, bool]]:
        """Whether each string of settings.json names an existing file (SettingsFileMissing asks)."""
        data = next((d for role, _, d in self.files if role == "settings"), None)
        if data is None or self.kind != "folder":
            return []
        try:
            settings = json.loads(data.decode("utf-8-sig"))
        except (ValueError, RecursionError):
            return []
        if not isinstance(settings, dict):
            return []
        out = []
        for value in settings.values():
            if isinstance(value, str) and value.strip():
                try:
                    exists = (self.target / value).is_file()
                except (OSError, ValueError):
                    exists = False
                out.append((value, exists))
        return out


def snapshot(target: Path) -> Snapshot:
    """Read the files of the package at `target` exactly as `Package.load` chooses them."""
    target = Path(target)
    if target.is_file():
        return Snapshot(target, "file", (("swagger", str(target), _read_bytes(target)),))
    if not target.is_dir():
        from pbxconn.core.errors import InputError

        raise InputError("no such file or directory", location=str(target))
    files: list[tuple[str, str, bytes]] = []
    seen: set[str] = set()
    with os.scandir(target) as entries:
        children = sorted(entries, key=lambda entry: entry.name)
    for child in children:
        role = role_of(child.name)
        if role is None or role in seen or not child.is_file():
            continue
        seen.add(role)
        path = target / child.name
        files.append((role, str(path), _read_bytes(path)))
    return Snapshot(target, "folder", tuple(files))


@dataclass(frozen=True)
class Cached:
    """What a cache entry holds: the package's findings and how many files it read."""

    findings: list[Finding]
    files: int


@dataclass(frozen=True)
class Lookup:
    """One package looked up: its bytes, where its entry lives, and the entry when it matched."""

    snapshot: Snapshot
    entry: Path
    digest: str
    hit: Cached | None


def resolve_dir(option: Path | str | None = None) -> Path:
    """The cache folder: --cache-dir, else $PBXCONN_CACHE_DIR, else .pbxconn_cache here."""
    return Path(option or os.environ.get("PBXCONN_CACHE_DIR") or DEFAULT_DIR)


def rules_fingerprint(root: Path = PACKAGE_ROOT) -> str:
    """Hash of the name, size and mtime of every source file the findings depend on, of the
    third-party modules the rules call, and of the interpreter's version."""
    rows: list[str] = [sys.version]
    for top in RULE_SOURCES:
        if top.endswith(".py"):
            rows.append(_stat_row(str(root / top), root))
            continue
        for folder, dirs, names in os.walk(root / top):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(names):
                if name.endswith(".py"):
                    rows.append(_stat_row(os.path.join(folder, name), root))
    for module in RULE_DEPENDENCIES:
        rows.append(module + "\0" + _module_stat(module))
    return hashlib.sha256("\n".join(rows).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _stat_row(path: str, root: Path) -> str:
    """A file's path (from `root`), size and mtime."""
    stat = os.stat(path)
    return f"{os.path.relpath(path, root)}\0{stat.st_size}\0{stat.st_mtime_ns}"


def _module_stat(name: str) -> str:
    """Where a top-level module is installed, with its file's size and mtime ('' when absent)."""
    from importlib.util import find_spec

    try:
        spec = find_spec(name)
    except (ImportError, ValueError):
        return ""
    origin = spec.origin if spec is not None else None
    if not origin or not os.path.isfile(origin):
        return ""
    return _stat_row(origin, Path("/"))


def mcs_identity() -> str:
    """Mono's mcs on PATH (a rule runs it): its real path, size and mtime, or '' when absent."""
    found = shutil.which("mcs")
    if found is None:
        return ""
    try:
        return _stat_row(os.path.realpath(found), Path("/"))
    except OSError:
        return "unreadable"


def config_words(config: Config) -> list[Any]:
    """The settings that decide a package's findings, as JSON-able data."""
    return [list(config.select), list(config.ignore),
            sorted((code, int(level)) for code, level in config.severity_overrides.items()),
            config.certification, [[glob, list(codes)] for glob, codes in config.per_file_ignores],
            str(config.base) if config.base is not None else None]


def cacheable(findings: Iterable[Finding]) -> bool:
    """False when a rule crashed or a result depends on the moment (such results are re-made)."""
    for f in findings:
        if f.code == INTERNAL_CODE or any(marker in f.message for marker in VOLATILE):
            return False
    return True


class Cache:
    """The cache folder of one run; picklable, so worker processes store what they validate."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.fingerprint = rules_fingerprint()
        self.folder = self.root / __version__ / self.fingerprint
        self.mcs = mcs_identity()
        self._ready = False

    def lookup(self, target: Path, config: Config, *, read: bool = True) -> Lookup:
        """Read the package and, with `read`, the entry that matches its bytes and settings."""
        snap = snapshot(target)
        name = self._entry_name(snap, config)
        entry = self.folder / f"{name}.json"
        digest = snap.digest()
        return Lookup(snap, entry, digest, self._hit(entry, name, digest) if read else None)

    def store(self, lookup: Lookup, findings: list[Finding], files: int) -> bool:
        """Keep a package's findings (not when a rule crashed); False when nothing was written."""
        if not cacheable(findings):
            return False
        header = {"key": lookup.entry.stem, "digest": lookup.digest, "files": files}
        return self._write(lookup.entry, header, [_row(f) for f in findings])

    def rule_metadata(self) -> dict[str, dict[str, str]] | None:
        """The reporters' rule metadata kept by an earlier run with these rules, or None."""
        found = self._read(self.folder / "rules.json")
        if found is None:
            return None
        rules = found[1]
        if not isinstance(rules, dict) or not all(
                isinstance(meta, dict) and all(type(text) is str for text in meta.values()) for meta in rules.values()):
            return None
        return rules

    def store_rule_metadata(self, rules: Mapping[str, Mapping[str, str]]) -> None:
        """Keep the reporters' rule metadata for warm runs (which then never load the rules)."""
        self._write(self.folder / "rules.json", {}, rules)

    def _entry_name(self, snap: Snapshot, config: Config) -> str:
        """Hash of what, besides the bytes, decides the findings: label, kind, settings, mcs, and the
        current folder when per-file-ignores match paths relative to it."""
        words = [FORMAT, str(snap.target), snap.kind, config_words(config), self.mcs,
                 os.getcwd() if config.per_file_ignores else None]
        text = json.dumps(words, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]

    def _hit(self, entry: Path, name: str, digest: str) -> Cached | None:
        """The entry's findings when it is whole and made from these bytes; None otherwise."""
        found = self._read(entry)
        if found is None:
            return None
        header, rows = found
        try:
            if header.get("key") != name or header.get("digest") != digest or type(header.get("files")) is not int:
                return None
            return Cached([_finding(*row) for row in rows], header["files"])
        except Exception:  # rows of another shape: validate again
            return None

    def _write(self, path: Path, header: dict[str, Any], content: Any) -> bool:
        """Write a header line (with the format and a checksum of the rest) and the content as JSON."""
        try:
            payload = json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")
            head = {"format": FORMAT, **header, "checksum": hashlib.sha256(payload).hexdigest()}
            self._prepare()
            write_file(path, json.dumps(head).encode("ascii") + b"\n" + payload)
        except (OSError, TypeError, ValueError):
            return False
        return True

    @staticmethod
    def _read(path: Path) -> tuple[dict[str, Any], Any] | None:
        """(header, content) of a file `_write` wrote whole; None when missing, unreadable, cut
        short or changed since."""
        try:
            head, _, payload = path.read_bytes().partition(b"\n")
            header = json.loads(head)
            if header["format"] != FORMAT or header["checksum"] != hashlib.sha256(payload).hexdigest():
                return None
            return header, json.loads(payload)
        except Exception:
            return None

    def _prepare(self) -> None:
        """Create the cache folder with its CACHEDIR.TAG and a .gitignore that ignores it all."""
        if self._ready:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        for name, text in (("CACHEDIR.TAG", TAG), (".gitignore", "# Automatically created by pbxconn.\n*\n")):
            path = self.root / name
            if not path.is_file():
                write_file(path, text.encode("utf-8"))
        self._ready = True


def _row(f: Finding) -> list[Any]:
    """A finding as a compact JSON array."""
    row: list[Any] = [f.code, int(f.severity), f.message, f.file, f.line, f.column, f.pointer, f.category]
    if f.extra:
        row.append(dict(f.extra))
    return row


_SEVERITIES = {int(level): level for level in Severity}
_ROW_TYPES = (str, int, str, str, int, int, str, str)


def _finding(*row: Any) -> Finding:
    """The finding a row holds; raises on a row of another shape."""
    if tuple(map(type, row[:8])) != _ROW_TYPES or len(row) > 9 or (len(row) == 9 and type(row[8]) is not dict):
        raise ValueError("not a finding")
    code, severity, message, file, line, column, pointer, category = row[:8]
    return Finding(code, _SEVERITIES[severity], message, file, line, column, pointer, category,
                   row[8] if len(row) == 9 else {})
