"""Validate every corpus-sample connector in process (all rules, structure included) and, in the
same process, run openapi-spec-validator's validate() alone on the same swagger files.

Each connector is timed on its own (median of the repetitions); prints, for both, the mean
over the corpus (total time / connectors) and the median connector, and their ratios.
With --command DIR it also times `pbxconn validate DIR` as a command (median wall time of
--runs runs) next to `python -c pass`, the interpreter's own start-up.
Run: python benchmarks/validate.py [--repeat N] [--corpus PATH] [--select Structure] [--phases]
                                   [--command connectors/tele2 [--runs 10]]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from pbxconn.validate.config import Config
from pbxconn.validate.engine import active_rules, validate_target
from pbxconn.validate.package import Package

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus-sample"


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--select", default="ALL", help="comma-separated codes/categories (default ALL)")
    parser.add_argument("--command", type=Path, help="also time `pbxconn validate COMMAND` as a command")
    parser.add_argument("--runs", type=int, default=10, help="runs of the command (default 10)")
    parser.add_argument("--phases", action="store_true",
                        help="also print where the time goes (load, indexes, rules by subject, positions)")
    args = parser.parse_args()
    if args.command is not None:
        command_times(args.command, args.runs)
    folders = sorted(p.parent for p in args.corpus.rglob("apiDefinition.swagger.json"))
    if not folders:
        parser.error(f"no apiDefinition.swagger.json under {args.corpus} (give the corpus with --corpus)")
    config = Config(select=tuple(args.select.split(",")))
    rules = active_rules(config)
    from openapi_spec_validator import validate as osv_validate

    # Each connector is timed on its own: ours reads, parses and runs every rule, like the CLI;
    # openapi-spec-validator gets the parsed document, so its time is validation only.
    docs = [Package.load(folder / "apiDefinition.swagger.json").swagger for folder in folders]
    ours: list[list[float]] = [[] for _ in folders]
    theirs: list[list[float]] = [[] for _ in folders]
    clock = time.perf_counter
    for _ in range(args.repeat):
        for i, folder in enumerate(folders):
            start = clock()
            validate_target(folder, config)  # what the CLI does per package, without the cache
            ours[i].append(clock() - start)
        for i, doc in enumerate(docs):
            if doc is None:
                continue
            start = clock()
            try:
                osv_validate(doc)
            except Exception:
                pass
            theirs[i].append(clock() - start)
    ours_each = [statistics.median(times) for times in ours]
    theirs_each = [statistics.median(times) for times in theirs if times]
    # the mean over connectors: total time divided by the number of connectors (what a run over
    # a whole repository costs); the median over connectors: the typical single connector
    mean_a, mean_b = statistics.fmean(ours_each), sum(theirs_each) / len(folders)
    med_a, med_b = statistics.median(ours_each), statistics.median(theirs_each)
    print(f"connectors: {len(folders)}  rules: {sum(map(len, rules.values()))}  repetitions: {args.repeat}")
    print(f"pbxconn validate (load+parse+all rules): {mean_a * 1000:.2f} ms per connector (mean), "
          f"{med_a * 1000:.2f} ms (median connector)")
    print(f"openapi-spec-validator validate() alone: {mean_b * 1000:.2f} ms per connector (mean), "
          f"{med_b * 1000:.2f} ms (median connector)")
    print(f"ratio: {mean_b / mean_a:.1f}x faster over the corpus (mean), {med_b / med_a:.1f}x on the median connector")
    if args.phases:
        phases(folders, config, rules, args.repeat)


def phases(folders: list[Path], config: Config, rules: dict, repeat: int) -> None:
    """Print the mean time per connector of each step of `validate_package`, done step by step."""
    from pbxconn.validate.engine import SUBJECTS, _finding, _locate_all, _narrowed, _nodes
    from pbxconn.validate.package import pause_gc, resume_gc

    spent: dict[str, list[float]] = {}
    clock = time.perf_counter

    def note(name: str, since: float) -> float:
        now = clock()
        spent.setdefault(name, []).append(now - since)
        return now

    for _ in range(repeat):
        for folder in folders:
            pause_gc()
            try:
                at = clock()
                pkg = Package.load(folder)
                at = note("load: read, decode, parse", at)
                if pkg.swagger is not None:
                    for index in ("operations", "parameters", "responses", "schemas"):
                        getattr(pkg, index)
                at = note("indexes: operations, parameters, responses, schemas", at)
                found = []
                for subject in SUBJECTS:
                    subscribed, nodes = rules.get(subject), _nodes(pkg, subject)
                    if not subscribed or not nodes:
                        continue
                    narrowed = _narrowed(subject, nodes, subscribed)
                    for rule in subscribed:
                        try:
                            for node in (narrowed[rule.needs] if rule.needs else nodes):
                                found.extend((rule, violation) for violation in rule.check(node, pkg))
                        except Exception:
                            pass
                    at = note(f"rules on {subject} (shared facts built on first use)", at)
                places = _locate_all(pkg, found)
                at = note("positions: pointer -> line, column", at)
                [_finding(rule, violation, pkg, config, places.get(i)) for i, (rule, violation) in enumerate(found)]
                note("findings: messages, severities", at)
            finally:
                resume_gc()
    print("where the time goes (mean per connector):")
    for name, times in spent.items():
        print(f"  {sum(times) / repeat / len(folders) * 1000:6.3f} ms  {name}")


def _wall(argv: list[str], runs: int) -> float:
    """Median wall time of running `argv` `runs` times (output discarded)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def command_times(target: Path, runs: int) -> None:
    """Print the median wall time of `pbxconn validate target` and of `python -c pass`."""
    ours = _wall([sys.executable, "-m", "pbxconn", "validate", str(target)], runs)
    bare = _wall([sys.executable, "-c", "pass"], runs)
    print(f"pbxconn validate {target}: {ours * 1000:.0f} ms wall (median of {runs}); "
          f"python -c pass: {bare * 1000:.0f} ms")


if __name__ == "__main__":
    main()
