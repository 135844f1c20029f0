"""Run the rules over packages: dispatch nodes by subject, turn Violations into Findings."""

from __future__ import annotations

import os
from operator import attrgetter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from pbxconn.core.findings import Finding, Severity, sort_findings
from pbxconn.core.pointer import to_pointer
from pbxconn.validate.config import Config
from pbxconn.validate.package import Package, pause_gc, resume_gc
from pbxconn.validate.registry import INTERNAL_CATEGORY, INTERNAL_CODE, load_rules
from pbxconn.validate.rule import Rule, Violation
from pbxconn.validate.targets import discover

SUBJECTS = ("package", "operation", "parameter", "response", "schema", "policy", "script")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Result:
    """Findings of a run and how many files it read."""

    findings: list[Finding]
    files_count: int


_ACTIVE: dict[tuple, dict[str, list[Rule]]] = {}


def active_rules(config: Config) -> dict[str, list[Rule]]:
    """Instances of the enabled rules, grouped by subject, in code order. Rules are stateless,
    so the instances are made once per selection (workers validating package after package
    with `validate_package(pkg, config)` no longer rebuild them each time)."""
    key = (config.select, config.ignore, config.certification, tuple(load_rules().items()))
    grouped = _ACTIVE.get(key)
    if grouped is None:
        grouped = {subject: [] for subject in SUBJECTS}
        for code, cls in sorted(load_rules().items()):
            if config.enabled(code, cls.category, cls.origin, cls.certification):
                grouped.setdefault(cls.subject, []).append(cls())
        _ACTIVE[key] = grouped
    return {subject: list(rules) for subject, rules in grouped.items()}


def _nodes(pkg: Package, subject: str) -> Sequence[Any]:
    """The nodes of one subject kind in a package."""
    if subject == "package":
        return [pkg]
    if subject == "script":
        return [pkg] if pkg.script_text is not None else []
    if subject == "policy":
        return pkg.policies
    if pkg.swagger is None:
        return []
    return {"operation": pkg.operations, "parameter": pkg.parameters, "response": pkg.responses,
            "schema": pkg.schemas}.get(subject, [])


def _finding(rule: Rule, violation: Violation, pkg: Package, config: Config,
             where: tuple[int, int] | None = None) -> Finding:
    """Make the Finding for one Violation (message, severity, file, position). `where` is the
    position when it was already found (`_locate_all`)."""
    raw = violation.pointer
    pointer = raw if isinstance(raw, str) else to_pointer(raw)
    role = violation.file
    if violation.line:
        line, column = violation.line, violation.column or 1
    elif where is not None:
        line, column = where
    else:  # a path tuple is located as is (from_pointer(to_pointer(t)) is t with str parts)
        line, column = pkg.locate(role, raw)
    severity = config.severity_overrides.get(rule.code) or violation.severity or rule.severity
    return Finding(
        code=rule.code,
        severity=Severity(severity),
        message=rule.message.format(**violation.args),
        file=pkg.file_label(role),
        line=line,
        column=column,
        pointer=pointer,
        category=rule.category,
    )


def validate_package(pkg: Package, config: Config | None = None,
                     rules: dict[str, list[Rule]] | None = None) -> list[Finding]:
    """All findings for one package, sorted, duplicates removed. Never raises for rule bugs: a
    crashing rule becomes an InternalRuleError finding, which no selection hides."""
    pause_gc()
    try:
        return _validate_package(pkg, config, rules)
    finally:
        resume_gc()


def _validate_package(pkg: Package, config: Config | None,
                      rules: dict[str, list[Rule]] | None) -> list[Finding]:
    config = config or Config()
    rules = rules if rules is not None else active_rules(config)
    findings: list[Finding] = []
    found: list[tuple[Rule, Violation]] = []
    crashed: set[str] = set()
    for subject in SUBJECTS:
        subscribed = rules.get(subject)
        if not subscribed:
            continue
        try:
            nodes = _nodes(pkg, subject)
        except Exception as exc:  # an index that fails on a bizarre document
            findings.append(_internal(pkg, f"index of {subject}s", exc, ""))
            continue
        if not nodes:
            continue
        narrowed = _narrowed(subject, nodes, subscribed)
        # Rule by rule over all nodes (each rule's findings keep their node order, and the
        # findings are sorted at the end): a crashing rule stops at the node it failed on.
        for rule in subscribed:
            if rule.code in crashed:
                continue
            check = rule.check
            node = None
            try:
                for node in (narrowed[rule.needs] if rule.needs else nodes):
                    for violation in check(node, pkg):
                        found.append((rule, violation))
            except Exception as exc:
                crashed.add(rule.code)
                where = to_pointer(getattr(node, "pointer", ()) or ())
                findings.append(_internal(pkg, f"rule {rule.code}", exc, where))
    positions = _locate_all(pkg, found)
    findings.extend(_finding(rule, violation, pkg, config, positions.get(i))
                    for i, (rule, violation) in enumerate(found))
    from pbxconn.validate.rules import LOAD_ERRORS

    for module, error in sorted(LOAD_ERRORS.items()):
        findings.append(_internal(pkg, f"rule module {module}", error, ""))
    return sort_findings(findings)


_OBJECT_OF = {"operation": "op", "parameter": "param", "response": "response", "schema": "schema"}


def _narrowed(subject: str, nodes: Sequence[Any], rules: list[Rule]) -> dict[tuple[str, ...], list[Any]]:
    """For each `needs` of the rules: the nodes (in order) whose object holds one of those keys,
    or is not a dict at all (such nodes are always checked)."""
    wanted = {rule.needs for rule in rules if rule.needs}
    attribute = _OBJECT_OF.get(subject)
    if not wanted or attribute is None:
        return {needs: list(nodes) for needs in wanted}
    get = attrgetter(attribute)
    out: dict[tuple[str, ...], list[Any]] = {needs: [] for needs in wanted}
    lists = [(frozenset(needs), out[needs]) for needs in wanted]
    every = frozenset().union(*wanted)
    for node in nodes:
        obj = get(node)
        if type(obj) is not dict:
            for _, chosen in lists:
                chosen.append(node)
            continue
        keys = obj.keys()
        if keys.isdisjoint(every):  # the usual case: a C-level probe of the few wanted keys
            continue
        for needs, chosen in lists:
            if not keys.isdisjoint(needs):
                chosen.append(node)
    return out


def _locate_all(pkg: Package, found: list[tuple[Rule, Violation]]) -> dict[int, tuple[int, int]]:
    """Positions of the violations that need one, file by file in one batch each:
    {index in `found`: (line, column)}."""
    wanted: dict[str, tuple[list[int], list[tuple]]] = {}
    for i, (_, violation) in enumerate(found):
        if violation.line:
            continue
        entry = wanted.get(violation.file)
        if entry is None:
            entry = wanted[violation.file] = ([], [])
        entry[0].append(i)
        entry[1].append(pkg.path_of(violation.pointer))
    out: dict[int, tuple[int, int]] = {}
    for role, (indexes, paths) in wanted.items():
        out.update(zip(indexes, pkg.locate_many(role, paths)))
    return out


def _internal(pkg: Package, what: str, exc: Exception | str, pointer: str) -> Finding:
    """The warning that replaces a crash of one rule."""
    line, column = pkg.locate("swagger", pointer) if pointer else (0, 0)
    text = exc if isinstance(exc, str) else f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
    return Finding(INTERNAL_CODE, Severity.WARNING, f"{what} failed ({text}); other rules still ran",
                   pkg.file_label("swagger"), line, column, pointer, INTERNAL_CATEGORY)


def _validate_one(target: Path, config: Config) -> tuple[list[Finding], int]:
    """Load and validate one package; (findings, number of files read)."""
    pkg = Package.load(target)
    return apply_file_ignores(validate_package(pkg, config), config), len(pkg.files)


def apply_file_ignores(findings: list[Finding], config: Config) -> list[Finding]:
    """The findings that per-file-ignores do not drop (a crash is never dropped)."""
    if not config.per_file_ignores:
        return findings
    rules = load_rules()
    return [f for f in findings if f.code == INTERNAL_CODE
            or not config.ignored_in_file(f, getattr(rules.get(f.code), "origin", ""))]


def validate_paths(paths: Iterable[Path | str], config: Config | None = None, jobs: int = 1,
                   progress: Progress | None = None,
                   config_for: Callable[[Path], Config] | None = None) -> Result:
    """Validate every package named by `paths` (folders of folders, or files of packages),
    optionally in parallel; `config_for(target)` gives each package its own settings."""
    targets = discover(paths)
    configs = [config_for(t) if config_for else (config or Config()) for t in targets]
    findings: list[Finding] = []
    files = 0
    total = len(targets)
    if jobs > 1 and total > 1:
        from concurrent.futures import ProcessPoolExecutor

        workers = min(jobs, total, os.cpu_count() or 1)
        with ProcessPoolExecutor(max_workers=workers) as pool:
            chunk = max(1, total // (workers * 4))
            for done, (found, count) in enumerate(pool.map(_validate_one, targets, configs, chunksize=chunk), 1):
                findings.extend(found)
                files += count
                if progress:
                    progress(done, total)
    else:
        for done, (target, cfg) in enumerate(zip(targets, configs), 1):
            pkg = Package.load(target)
            findings.extend(apply_file_ignores(validate_package(pkg, cfg, active_rules(cfg)), cfg))
            files += len(pkg.files)
            if progress:
                progress(done, total)
    return Result(sort_findings(findings), files)
