"""Contract run time per carrier: `pbxconn contract` at schemathesis' defaults and at --max-examples 20.

Each run starts its own sandbox subprocess (as the CLI does) and tests connectors/<id>/ (or --spec).
Reports the median wall time of several runs and the number of cases. The baseline, in the same
process, is the same run at --max-examples 1: the fixed cost (sandbox start, schema loading, the
coverage phase, the webhook check) that no example count removes.

    python benchmarks/contract.py [--runs 3] [--carrier ID ...] [--spec PATH] [--no-defaults]

Without --carrier, every carrier and provider under carriers/ is measured.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from pbxconn.contract.run import resolve_spec, run_contract

ROOT = Path(__file__).resolve().parents[1]


def measure(spec: Path, max_examples: int | None, runs: int) -> tuple[float, int, bool]:
    """Median seconds, median cases, and whether every run passed."""
    times, cases, ok = [], [], True
    for _ in range(runs):
        started = time.perf_counter()
        report = run_contract(spec, max_examples=max_examples)
        times.append(time.perf_counter() - started)
        cases.append(sum(r.cases for r in report.operations.values()))
        ok = ok and report.ok
    return statistics.median(times), int(statistics.median(cases)), ok


def main() -> None:
    """Measure and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--carrier", action="append", default=None)
    parser.add_argument("--spec", type=Path, default=None, help="Use this spec for every carrier.")
    parser.add_argument("--no-defaults", action="store_true", help="Measure only --max-examples 20.")
    args = parser.parse_args()
    settings = (("--max-examples 20", 20),) if args.no_defaults else (("--max-examples 20", 20), ("defaults", None))
    for carrier in args.carrier or sorted(p.stem for p in (ROOT / "carriers").glob("*.yaml")):
        spec = resolve_spec(carrier, args.spec, ROOT)
        base, base_cases, _ = measure(spec, 1, args.runs)
        for label, n in settings:
            seconds, cases, ok = measure(spec, n, args.runs)
            print(f"{carrier} {label}: {seconds:.1f} s median of {args.runs}, {cases} cases, "
                  f"{'pass' if ok else 'FAIL'}; {seconds / base:.1f}x the --max-examples 1 baseline ({base:.1f} s, {base_cases} cases)")


if __name__ == "__main__":
    main()
