"""The safety net for refactoring the validator: every finding `pbxconn validate` reports on the
corpus sample, this repository's connectors, the published upstream connectors and the test
fixtures (the rule fixtures' bad and near-miss packages and the BAD/GOOD tables left in
tests/validate, written out as folders), with certification
on and off, recorded in a snapshot and compared with a later run.

A finding is compared by code, severity, file, line, column and pointer; messages are recorded
(whitespace collapsed) and compared only with --messages. Paths are relative to the folder each
group is validated from, and everything is sorted, so a snapshot is the same on any machine.
The validator runs as a command with --no-cache (or --cache-dir DIR, to check the cache's answers).

Run from the project root:
  python benchmarks/compare_findings.py --record findings.json     # before the change
  python benchmarks/compare_findings.py --compare findings.json    # after: exit 1 on any difference
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path, PurePath
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FORMAT = 1
FIELDS = ("code", "severity", "file", "line", "column", "pointer")


def groups(scratch: Path) -> dict[str, tuple[Path, list[str]]]:
    """name -> (folder the packages are validated from, package paths relative to it)."""
    out: dict[str, tuple[Path, list[str]]] = {}
    corpus = sorted(p.relative_to(SHARED).as_posix() for p in SHARED.glob("corpus-sample/*/*") if p.is_dir())
    upstream = [p for p in sorted(SHARED.glob("upstream/*")) if p.is_dir()]
    upstream_packages = sorted(q.relative_to(SHARED).as_posix() for p in upstream
                               for q in ([p] if (p / "apiDefinition.swagger.json").is_file() else sorted(p.iterdir()))
                               if q.is_dir())
    connectors = sorted(p.relative_to(ROOT).as_posix() for p in ROOT.glob("connectors/*")
                        if (p / "apiDefinition.swagger.json").is_file())
    for name, base, packages in (("corpus", SHARED, corpus), ("connectors", ROOT, connectors),
                                 ("upstream", SHARED, upstream_packages),
                                 ("fixtures", scratch, write_fixtures(scratch))):
        if packages:
            out[name] = (base, packages)
    return out


def write_fixtures(scratch: Path) -> list[str]:
    """Write every fixture package of tests/validate as a folder under `scratch`; their paths."""
    written = []
    for module_name, module in _test_modules():
        for label, pkg in _fixture_packages(module):
            folder = scratch / "fixtures" / module_name / label
            folder.mkdir(parents=True)
            for source in pkg.files.values():
                (folder / PurePath(source.label).name).write_bytes(source.data)
            written.append(folder.relative_to(scratch).as_posix())
        for label, files in _rule_fixture_packages(module):
            folder = scratch / "fixtures" / "rule_fixtures" / label
            folder.mkdir(parents=True)
            for name, data in files.items():
                (folder / name).write_bytes(data)
            written.append(folder.relative_to(scratch).as_posix())
    return sorted(written)


def _rule_fixture_packages(module: Any) -> Iterator[tuple[str, dict[str, bytes]]]:
    """(label, files) of the bad and near-miss package of every rule (tests/validate/rule_fixtures)."""
    fixtures = getattr(module, "FIXTURES", None)
    if not isinstance(fixtures, dict):
        return
    for code, (_, entry) in sorted(fixtures.items()):
        for variant in ("bad", "near_miss"):
            yield f"{code}-{variant}", module._apply(module._base_files(entry.get("base", "sample")), entry[variant])


def _test_modules() -> Iterator[tuple[str, Any]]:
    """The modules of tests/validate, imported by path."""
    sys.path.insert(0, str(ROOT))
    for path in sorted((ROOT / "tests" / "validate").glob("test_*.py")):
        spec = importlib.util.spec_from_file_location(f"_fixtures_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield path.stem, module


def _fixture_packages(module: Any) -> Iterator[tuple[str, Any]]:
    """(label, Package) for each entry of the module's BAD/GOOD tables, and its good() document."""
    from pbxconn.validate.package import Package

    def swagger_package(doc: dict) -> Package:
        return Package.from_files({"apiDefinition.swagger.json": json.dumps(doc, indent=4).encode()}, "/pkg")

    good = getattr(module, "good", None)
    if callable(good):
        yield "good", swagger_package(good())
    for table in ("BAD", "GOOD"):
        entries = getattr(module, table, None)
        if not isinstance(entries, dict):
            continue
        for code, value in sorted(entries.items()):
            make = value[0] if isinstance(value, tuple) else value
            if len(inspect.signature(make).parameters) == 0:
                made = make()
            elif callable(good):  # a mutation of the module's good swagger
                made = good()
                make(made)
            else:
                continue
            pkg = made if isinstance(made, Package) else swagger_package(made) if isinstance(made, dict) else None
            if pkg is not None:
                yield f"{table.lower()}-{code}", pkg


def run_validate(base: Path, packages: list[str], certification: bool, cache_dir: Path | None) -> dict[str, Any]:
    """Findings (sorted rows) of one `pbxconn validate` over the packages; a crash is recorded per package."""
    options = ["--format", "json", "--exit-zero", *(["--cache-dir", str(cache_dir)] if cache_dir else [])]
    if not certification:
        options.append("--no-certification")
    env = {k: v for k, v in os.environ.items() if k not in ("PBXCONN_NO_CACHE", "PBXCONN_CACHE_DIR")}
    env["NO_COLOR"] = "1"
    if cache_dir is None:
        env["PBXCONN_NO_CACHE"] = "1"  # an environment variable, so that versions before the cache run too
    proc = subprocess.run([sys.executable, "-m", "pbxconn", "validate", *options, *packages], cwd=base, env=env,
                          capture_output=True, text=True)
    if proc.returncode == 0:
        document = json.loads(proc.stdout)
        return {"findings": sorted(_row(f) for f in document["findings"]), "files": document["summary"]["files"],
                "errors": []}
    if len(packages) == 1:
        return {"findings": [], "files": 0, "errors": [[packages[0], " ".join(proc.stderr.split())]]}
    out: dict[str, Any] = {"findings": [], "files": 0, "errors": []}
    for package in packages:  # isolate the package whose rule crashed (exit 2 prints no report)
        one = run_validate(base, [package], certification, cache_dir)
        out["findings"].extend(one["findings"])
        out["files"] += one["files"]
        out["errors"].extend(one["errors"])
    out["findings"].sort()
    return out


def _row(finding: dict[str, Any]) -> list[Any]:
    """A finding as [code, severity, file, line, column, pointer, message]."""
    return [*(finding[k] for k in FIELDS), " ".join(str(finding["message"]).split())]


def record(cache_dir: Path | None) -> dict[str, Any]:
    """Every group with certification on and off."""
    runs: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="pbxconn-findings-") as scratch:
        for name, (base, packages) in groups(Path(scratch)).items():
            for certification in (True, False):
                key = f"{name} certification={'on' if certification else 'off'}"
                runs[key] = {"packages": len(packages), **run_validate(base, packages, certification, cache_dir)}
                found = len(runs[key]["findings"])
                print(f"{key}: {runs[key]['packages']} packages, {found} findings", file=sys.stderr)
    return {"format": FORMAT, "fields": [*FIELDS, "message"], "runs": runs}


def differences(old: dict[str, Any], new: dict[str, Any], messages: bool) -> list[str]:
    """Human lines for every difference between two snapshots."""
    out = []
    width = len(FIELDS) + (1 if messages else 0)
    for key in sorted(set(old["runs"]) | set(new["runs"])):
        a, b = old["runs"].get(key), new["runs"].get(key)
        if a is None or b is None:
            out.append(f"{key}: only in the {'new' if a is None else 'recorded'} run")
            continue
        for what in ("packages", "files"):
            if a[what] != b[what]:
                out.append(f"{key}: {what} {a[what]} -> {b[what]}")
        before = Counter(tuple(row[:width]) for row in a["findings"])
        after = Counter(tuple(row[:width]) for row in b["findings"])
        for row in sorted((before - after).elements()):
            out.append(f"{key}: - {_shown(row)}")
        for row in sorted((after - before).elements()):
            out.append(f"{key}: + {_shown(row)}")
        for error in sorted(set(map(tuple, a["errors"])) ^ set(map(tuple, b["errors"]))):
            sign = "-" if list(error) in a["errors"] else "+"
            out.append(f"{key}: {sign} crash {error[0]}: {error[1]}")
    return out


def _shown(row: tuple) -> str:
    code, severity, file, line, column, pointer, *message = row
    return f"{file}:{line}:{column}: {severity} {code} {pointer}" + (f" {message[0]}" if message else "")


def main() -> None:
    """Record or compare."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--record", type=Path, metavar="FILE", help="write the snapshot to FILE")
    action.add_argument("--compare", type=Path, metavar="FILE",
                        help="compare with the snapshot in FILE; exit 1 on a difference")
    parser.add_argument("--messages", action="store_true", help="compare messages too")
    parser.add_argument("--cache-dir", type=Path, help="validate with the result cache in DIR instead of --no-cache")
    args = parser.parse_args()
    cache_dir = args.cache_dir.resolve() if args.cache_dir else None
    snapshot = record(cache_dir)
    if args.record:
        args.record.write_text(json.dumps(snapshot, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        total = sum(len(run["findings"]) for run in snapshot["runs"].values())
        print(f"recorded {total} findings of {len(snapshot['runs'])} runs in {args.record}")
        return
    old = json.loads(args.compare.read_text(encoding="utf-8"))
    if old.get("format") != FORMAT:
        raise SystemExit(f"{args.compare}: not a snapshot of this script (format {old.get('format')!r})")
    found = differences(old, snapshot, args.messages)
    for line in found:
        print(line)
    print(f"{len(found)} difference(s) against {args.compare}" if found else f"no difference against {args.compare}")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
