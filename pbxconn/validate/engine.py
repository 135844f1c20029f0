"""Run the rules over packages: dispatch nodes by subject, turn Violations into Findings."""

from __future__ import annotations

import os
from operator import attrgetter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence

from pbxconn.core.findings import Finding, Severity, sort_findings
from pbxconn.core.pointer import to_pointer
from pbxconn.validate.config import Config
from pbxconn.validate.package import Package, pause_gc, resume_gc
from pbxconn.validate.registry import INTERNAL_CATEGORY, INTERNAL_CODE, load_rules
from pbxconn.validate.rule import Rule, Violation
from pbxconn.validate.targets import discover

if TYPE_CHECKING:  # pragma: no cover
    from pbxconn.validate.cache import Cache, Lookup

SUBJECTS = ("package", "operation", "parameter", "response", "schema", "holder", "extension", "policy", "script")

Progress = Callable[[int, int], None]

# `--jobs auto`: below this many packages to validate, worker processes cost more than they
# save on 2 CPUs (benchmarks/validate_command.py measures -j 1 against -j 2 by package count).
AUTO_PARALLEL_PACKAGES = 8


@dataclass(frozen=True)
class Result:
    """Findings of a run and how many files it read."""

    findings: list[Finding]
    files_count: int
    # how the run went (not part of its result): packages, those the cache answered, processes
    packages: int = field(default=0, compare=False)
    cached: int = field(default=0, compare=False)
    workers: int = field(default=1, compare=False)


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
    if subject == "holder":
        return pkg.index.holders
    if subject == "extension":
        return pkg.index.extensions
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


# What `needs` is tested against, per subject: the node's object (its keys), or for an extension
# site the extension's name.
_OBJECT_OF = {"operation": "op", "parameter": "param", "response": "response", "schema": "schema", "holder": "obj",
              "extension": "key"}


def _narrowed(subject: str, nodes: Sequence[Any], rules: list[Rule]) -> dict[tuple[str, ...], list[Any]]:
    """For each `needs` of the rules: the nodes (in order) whose object holds one of those keys
    (or, for an extension site, whose name is one of them), and those whose object is not a
    dict at all (always checked)."""
    wanted = {rule.needs for rule in rules if rule.needs}
    attribute = _OBJECT_OF.get(subject)
    if not wanted or attribute is None:
        return {needs: list(nodes) for needs in wanted}
    get = attrgetter(attribute)
    every = frozenset().union(*wanted)
    common = every.intersection  # the wanted keys of one object, found at C speed
    # One pass: node positions by wanted key (most objects hold none or one or two of them).
    by_key: dict[str, list[int]] = {key: [] for key in every}
    always: list[int] = []
    for i, node in enumerate(nodes):
        obj = get(node)
        kind = type(obj)
        if kind is dict:
            for key in common(obj):
                by_key[key].append(i)
        elif kind is str:  # an extension site's name
            if obj in every:
                by_key[obj].append(i)
        else:
            always.append(i)
    out: dict[tuple[str, ...], list[Any]] = {}
    for needs in wanted:
        groups = [by_key[key] for key in needs if by_key[key]]
        if always:
            groups.append(always)
        if len(groups) == 1:
            positions: Iterable[int] = groups[0]
        else:
            positions = sorted(set().union(*groups))
        out[needs] = [nodes[i] for i in positions]
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


def validate_target(target: Path, config: Config) -> tuple[list[Finding], int]:
    """Load and validate one package folder or swagger file; (findings, number of files read)."""
    return _validate_loaded(lambda: Package.load(target), config)


def _validate_loaded(load: Callable[[], Package], config: Config) -> tuple[list[Finding], int]:
    """Findings (per-file-ignores applied) and file count of the package `load` makes."""
    # One pause of the collector around load, checks and the package's end: resumed while the
    # package is alive, the collector would traverse all of its objects once more.
    pause_gc()
    try:
        pkg = load()
        findings = apply_file_ignores(validate_package(pkg, config), config)
        count = len(pkg.files)
        del pkg
        return findings, count
    finally:
        resume_gc()


def _validate_one(target: Path, config: Config, cache: "Cache | None" = None) -> tuple[list[Finding], int]:
    """Load and validate one package; (findings, number of files read). With a cache, the
    package is read once for both its key and its validation, and its findings are kept."""
    if cache is None:
        return validate_target(target, config)
    return _validate_cached(cache.lookup(target, config, read=False), config, cache)


def _validate_cached(lookup: "Lookup", config: Config, cache: "Cache") -> tuple[list[Finding], int]:
    """Validate the bytes a lookup read and keep the findings under its entry."""
    findings, count = _validate_loaded(lookup.snapshot.package, config)
    cache.store(lookup, findings, count)
    return findings, count


def validate_with_settings(pkg: Package, start: Path) -> list[Finding]:
    """A package's findings under the [tool.pbxconn.validate] settings found from `start`
    upwards, per-file-ignores applied: what `pbxconn validate` reports for it."""
    from pbxconn.validate.config import load_config

    config = load_config(start)
    return apply_file_ignores(validate_package(pkg, config), config)


def apply_file_ignores(findings: list[Finding], config: Config) -> list[Finding]:
    """The findings that per-file-ignores do not drop (a crash is never dropped)."""
    if not config.per_file_ignores:
        return findings
    rules = load_rules()
    return [f for f in findings if f.code == INTERNAL_CODE
            or not config.ignored_in_file(f, getattr(rules.get(f.code), "origin", ""))]


def cpu_count() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worker_count(jobs: int | None, packages: int) -> int:
    """Processes to validate `packages` packages with: `jobs`, or for None as many as pay off."""
    cpus = cpu_count()
    if jobs is None:
        jobs = cpus if packages >= AUTO_PARALLEL_PACKAGES else 1
    return max(1, min(jobs, packages, cpus))


def validate_paths(paths: Iterable[Path | str], config: Config | None = None, jobs: int | None = 1,
                   progress: Progress | None = None,
                   config_for: Callable[[Path], Config] | None = None, cache: "Cache | None" = None) -> Result:
    """Validate every package named by `paths` (folders of folders, or files of packages),
    optionally in parallel (`jobs` None: as many processes as pay off); `config_for(target)`
    gives each package its own settings; `cache` answers the packages it holds and keeps the rest."""
    targets = discover(paths)
    configs = [config_for(t) if config_for else (config or Config()) for t in targets]
    findings: list[Finding] = []
    files = 0
    total = len(targets)
    done = 0
    todo: list[tuple[Path, Config, Lookup | None]] = []
    for target, cfg in zip(targets, configs):
        lookup = cache.lookup(target, cfg) if cache is not None else None
        if lookup is None or lookup.hit is None:
            todo.append((target, cfg, lookup))
            continue
        findings.extend(lookup.hit.findings)
        files += lookup.hit.files
        done += 1
        if progress:
            progress(done, total)
    validated = len(todo)
    workers = worker_count(jobs, validated)
    results = _in_processes(todo, workers, cache) if workers > 1 else _in_process(todo, cache)
    for found, count in results:
        findings.extend(found)
        files += count
        done += 1
        if progress:
            progress(done, total)
    return Result(sort_findings(findings), files, total, total - validated, workers if validated else 0)


def _in_process(todo: list[tuple[Path, Config, "Lookup | None"]],
                cache: "Cache | None") -> Iterator[tuple[list[Finding], int]]:
    """Validate the packages one after the other, each from the bytes its lookup read."""
    todo.reverse()
    while todo:
        target, cfg, lookup = todo.pop()  # the bytes go once validated
        if lookup is not None and cache is not None:
            yield _validate_cached(lookup, cfg, cache)
        else:
            yield _validate_one(target, cfg)


def _in_processes(todo: list[tuple[Path, Config, "Lookup | None"]], workers: int,
                  cache: "Cache | None") -> Iterator[tuple[list[Finding], int]]:
    """Validate the packages in `workers` processes (which read the files again themselves)."""
    from concurrent.futures import ProcessPoolExecutor

    targets, configs = [t for t, _, _ in todo], [c for _, c, _ in todo]
    todo.clear()
    for cfg in {(c.select, c.ignore, c.certification): c for c in configs}.values():
        active_rules(cfg)  # the rules are imported once, here, and forked workers inherit them
    chunk = max(1, len(targets) // (workers * 4))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(_validate_one, targets, configs, [cache] * len(targets), chunksize=chunk)
