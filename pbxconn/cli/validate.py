"""`pbxconn validate`, `pbxconn rules` and `pbxconn rule`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable

import click

from pbxconn import __version__
from pbxconn.cli.output import emit, use_color
from pbxconn.core.exitcodes import ExitCode
from pbxconn.core.findings import Severity

from pbxconn.report import REPORTERS

FORMATS = tuple(REPORTERS)


def _progress_bar() -> tuple[Callable[[int, int], None], Callable[[], None]]:
    """A rich progress bar on stderr (created on the first update); (update, close)."""
    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if total < 2:
            return
        if "bar" not in state:
            from rich.console import Console
            from rich.progress import Progress

            bar = Progress(console=Console(stderr=True), transient=True)
            bar.start()
            state["bar"], state["task"] = bar, bar.add_task("validating", total=total)
        state["bar"].update(state["task"], completed=done)

    def close() -> None:
        if "bar" in state:
            state["bar"].stop()

    return update, close


class Jobs(click.ParamType):
    """`--jobs`: a number of processes, or `auto`."""

    name = "N|auto"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int | None:
        if value is None or value == "auto":
            return None
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = 0
        if number < 1:
            self.fail(f"{value!r} is neither a number of processes (1 or more) nor 'auto'", param, ctx)
        return number


def _rule_metadata(cache: Any = None) -> dict[str, dict[str, str]]:
    """code -> reporter metadata (SARIF's rule table, the fix hint) for every implemented code;
    read from the cache when an earlier run with the same rules kept it."""
    kept = cache.rule_metadata() if cache is not None else None
    if kept is not None:
        return kept
    metadata = _registry_metadata()
    if cache is not None:
        cache.store_rule_metadata(metadata)
    return metadata


def _registry_metadata() -> dict[str, dict[str, str]]:
    """The metadata of `_rule_metadata`, from the loaded rules."""
    from pbxconn.validate.registry import rule_infos

    return {
        info.code: {"summary": info.summary, "description": info.description, "fix": info.fix,
                    "severity": info.severity.label, "category": info.category}
        for info in rule_infos() if info.implemented
    }


def _crash_error(findings: list) -> None:
    """A rule or rule module that crashed fails the run (exit 2): never a silent pass."""
    from pbxconn.core.errors import PbxconnError
    from pbxconn.validate.registry import INTERNAL_CODE

    crashed = [f for f in findings if f.code == INTERNAL_CODE]
    if crashed:
        first = crashed[0]
        where = f"{first.file}:{first.line}:{first.column}" if first.line else first.file
        more = f" (and {len(crashed) - 1} more)" if len(crashed) > 1 else ""
        raise PbxconnError(f"{first.message}{more}", location=where,
                           hint="this is a bug in pbxconn; please report it with the file named here")


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Output format.")
@click.option("--select", multiple=True, metavar="CODES",
              help="Only these rule codes / categories (comma-separated, repeatable; ALL for all).")
@click.option("--ignore", multiple=True, metavar="CODES",
              help="Skip these rule codes / categories (comma-separated, repeatable).")
@click.option("--no-certification", is_flag=True, help="Skip the certification requirements.")
@click.option("--fail-on", type=click.Choice(("error", "warning")), default="error", show_default=True,
              help="The least severe finding that makes the exit code 1.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings are reported (usage errors and "
                                                "crashed rules still exit 2).")
@click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="FILE",
              help="Accept the findings recorded in FILE; only new ones are reported and count. "
                   "When FILE does not exist, today's findings are recorded in it.")
@click.option("--update-baseline", is_flag=True, help="Rewrite the --baseline FILE with today's findings.")
@click.option("--jobs", "-j", type=Jobs(), default="auto", show_default=True,
              help="Validate packages in N processes; auto: one process for fewer than 8 packages to "
                   "validate (the others come from the cache), one per CPU from 8 on.")
@click.option("--no-cache", is_flag=True, envvar="PBXCONN_NO_CACHE",
              help="Neither read nor write the result cache (env PBXCONN_NO_CACHE=1).")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None, metavar="DIR",
              envvar="PBXCONN_CACHE_DIR", help="Keep the result cache in DIR (default: .pbxconn_cache in the "
                                               "current folder; env PBXCONN_CACHE_DIR).")
@click.option("--verbose", "-v", is_flag=True,
              help="Say on stderr how many packages came from the cache and how many processes validated the rest.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report to FILE instead of stdout.")
def validate(paths: tuple[Path, ...], fmt: str, select: tuple[str, ...], ignore: tuple[str, ...],
             no_certification: bool, fail_on: str, exit_zero: bool, baseline: Path | None, update_baseline: bool,
             jobs: int | None, no_cache: bool, cache_dir: Path | None, verbose: bool, output: Path | None) -> int:
    """Validate connector packages offline.

    \b
    PATH is a connector folder, a folder of connector folders, or any file of a package
    (apiDefinition.swagger.json, apiProperties.json, script.csx, settings.json, readme,
    icon.png; a swagger under another name is recognised by its content). A file is validated
    with its siblings, each package once, so a pre-commit hook can pass changed files.

    \b
    Settings come from [tool.pbxconn.validate] in the nearest pyproject.toml at or above each
    package (select, ignore, severity, certification, per-file-ignores); options win.

    \b
    Results are cached per package in .pbxconn_cache (like ruff's): a package whose files,
    settings, pbxconn and rules are unchanged is not validated again.

    \b
    Exit status: 0 no finding at or above --fail-on (or --exit-zero); 1 at least one; 2 usage
    problem (an unknown code in options or settings, a missing path) or a rule that crashed.
    """
    from pbxconn.report import render
    from pbxconn.validate.config import load_config, split_codes
    from pbxconn.validate.engine import validate_paths
    from pbxconn.validate.registry import check_selectors

    if update_baseline and baseline is None:
        raise click.UsageError("--update-baseline needs --baseline FILE")
    selected, ignored = split_codes(select), split_codes(ignore)
    if selected:  # checking loads every rule module: not for nothing
        check_selectors(selected, "--select")
    if ignored:
        check_selectors(ignored, "--ignore")
    configs: dict[Path, Any] = {}

    def settings_at(folder: Path):
        """The settings for a resolved folder: from its own pyproject.toml, else its parent's
        (what load_config finds, looked up once per folder of the tree)."""
        if folder not in configs:
            if (folder / "pyproject.toml").is_file() or folder.parent == folder:
                configs[folder] = load_config(folder).merged(select=selected, ignore=ignored,
                                                             certification=False if no_certification else None)
            else:
                configs[folder] = settings_at(folder.parent)
        return configs[folder]

    def config_for(target: Path):
        return settings_at((target if target.is_dir() else target.parent).resolve())

    cache = None
    if not no_cache:
        from pbxconn.validate.cache import Cache, resolve_dir

        cache = Cache(resolve_dir(cache_dir))
    update, close = _progress_bar() if sys.stderr.isatty() else (None, lambda: None)
    try:
        result = validate_paths(paths, jobs=jobs, progress=update, config_for=config_for, cache=cache)
    finally:
        close()
    if verbose:
        _say_how(result, cache)
    _crash_error(result.findings)
    findings = _baselined(result.findings, baseline, update_baseline)
    wanted = fmt == "sarif" or (fmt in ("text", "junit") and bool(findings))
    rules = _rule_metadata(cache) if wanted else None
    color = use_color(fmt, output)
    report = render(findings, fmt, files=result.files_count, tool_version=__version__, rules=rules, color=color)
    emit(report, output)
    threshold = Severity.parse(fail_on)
    failed = any(f.severity >= threshold for f in findings)
    return int(ExitCode.FINDINGS if failed and not exit_zero else ExitCode.OK)


def _say_how(result: Any, cache: Any) -> None:
    """One stderr line: packages from the cache, packages validated and in how many processes."""
    validated = result.packages - result.cached
    where = f"from the cache in {cache.root}" if cache is not None else "from the cache (off)"
    how = f" in {result.workers} process{'es' if result.workers > 1 else ''}" if validated else ""
    click.echo(f"pbxconn: {result.packages} package(s): {result.cached} {where}, {validated} validated{how}",
               err=True)


def _baselined(findings: list, baseline: Path | None, update: bool) -> list:
    """Record the baseline (first run, or --update-baseline) or drop the findings it accepts."""
    if baseline is None:
        return findings
    from pbxconn.validate import baseline as baselines

    if update or not baseline.exists():
        count = baselines.record(baseline, findings, __version__)
        click.echo(f"pbxconn: recorded {count} finding(s) in {baseline}; later runs report only new ones",
                   err=True)
        return []
    kept = baselines.apply(baseline, findings)
    if kept.accepted:
        click.echo(f"pbxconn: {kept.accepted} finding(s) accepted by {baseline} not shown", err=True)
    return kept.new


@click.command()
@click.option("--format", "fmt", type=click.Choice(("text", "json", "markdown")), default="text",
              show_default=True, help="Output format (markdown is docs/rules.md).")
def rules(fmt: str) -> int:
    """List the validator's rules: code, category, severity, implemented or why not."""
    from pbxconn.validate import ruledoc
    from pbxconn.validate.registry import rule_infos

    infos = rule_infos()
    render = {"text": ruledoc.as_text, "json": ruledoc.as_json, "markdown": ruledoc.as_markdown}[fmt]
    click.echo(render(infos), nl=False)
    return int(ExitCode.OK)


@click.command()
@click.argument("code")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True,
              help="Output format.")
def rule(code: str, fmt: str) -> int:
    """Explain one rule: its documentation, category, origin, severity, fix hint and source file.

    Exit status: 0 shown; 2 no rule has that code (with a did-you-mean).
    """
    import json

    detail = _rule_detail(code)
    click.echo(json.dumps(detail, indent=2, ensure_ascii=False) + "\n" if fmt == "json" else _rule_text(detail),
               nl=False)
    return int(ExitCode.OK)


def _rule_detail(code: str) -> dict[str, Any]:
    """Everything `pbxconn rule` shows about one code; InputError with a did-you-mean when unknown."""
    from pbxconn.validate import engine
    from pbxconn.validate.registry import INTERNAL_CODE, load_rules, rule_infos

    infos = {info.code: info for info in rule_infos()}
    info = infos.get(code)
    if info is None:
        raise _unknown_rule(code, sorted(infos))
    cls = load_rules().get(code)
    if cls is not None:
        source = _source_of(cls, code)
    elif code == INTERNAL_CODE:
        source = _source_of(engine._internal, code)
    else:
        source = _literal_in(code, Path(engine.__file__).parent / "rules")
    return {"code": info.code, "category": info.category, "origin": info.origin, "severity": info.severity.label,
            "certification": info.certification, "implemented": info.implemented, "summary": info.summary,
            "documentation": info.description, "fix": info.fix, "reason": info.reason,
            "source": source}


def _unknown_rule(code: str, codes: list[str]) -> Exception:
    """The usage error for a code no rule has, with the nearest code."""
    from pbxconn.core.errors import InputError
    from pbxconn.core.suggest import closest
    from pbxconn.validate.rule import CATEGORIES

    close = closest(code, codes)
    if code in CATEGORIES:
        hint = f"{code} is a category; `pbxconn rules` lists its codes"
    elif close:
        hint = f"did you mean {close!r}?"
    else:
        hint = "`pbxconn rules` lists every code"
    return InputError(f"unknown rule code {code!r}", hint=hint)


def _package_relative(path: str | Path) -> str:
    """A source file's path from the folder that holds the pbxconn package (pbxconn/...)."""
    import os

    import pbxconn

    return Path(os.path.relpath(Path(path).resolve(), Path(pbxconn.__file__).resolve().parents[1])).as_posix()


def _source_of(obj: Any, code: str) -> dict[str, Any] | None:
    """File and line of a rule class (or function); a class made with type() is found by its code."""
    import inspect

    try:
        file = inspect.getsourcefile(obj)
    except TypeError:
        return None
    if file is None:
        return None
    try:
        lines, line = inspect.getsourcelines(obj)
    except (OSError, TypeError):
        return _literal_in(code, Path(file))
    decorators = next((i for i, text in enumerate(lines) if not text.lstrip().startswith("@")), 0)
    return {"file": _package_relative(file), "line": line + decorators}


def _literal_in(code: str, where: Path) -> dict[str, Any] | None:
    """The first line of a file (or of the .py files of a folder) that names the code in quotes."""
    files = sorted(where.glob("*.py")) if where.is_dir() else [where]
    needles = (f'"{code}"', f"'{code}'")
    for file in files:
        for number, text in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            if any(needle in text for needle in needles):
                return {"file": _package_relative(file), "line": number}
    return {"file": _package_relative(files[0]), "line": 0} if where.is_file() else None


def _rule_text(detail: dict[str, Any]) -> str:
    """`pbxconn rule` as text: a header of facts, then the documentation."""
    source = detail["source"]
    where = "unknown" if source is None else source["file"] + (f":{source['line']}" if source["line"] else "")
    implemented = "yes" if detail["implemented"] else f"no: {detail['reason']}"
    rows = [("category", detail["category"]), ("origin", detail["origin"]), ("severity", detail["severity"]),
            ("certification", "yes" if detail["certification"] else "no"), ("implemented", implemented),
            ("fix", detail["fix"] or "-"), ("source", where)]
    lines = [detail["code"], *(f"  {name:<14} {value}" for name, value in rows), "", detail["documentation"]]
    return "\n".join(lines).rstrip() + "\n"
