"""Wall time of `pbxconn validate CORPUS/*/* -o /dev/null` as a command: without the cache (the
behaviour before it existed), with an empty cache (cold) and with the cache the previous run
filled (warm), each with --jobs 1, 2 and auto; then --jobs 1 against 2 without the cache on the
first N packages, which is what `--jobs auto` decides on. Median of --runs runs; the variants
take turns, so that a busy moment of the machine falls on all of them alike.

Run from the project root:  python benchmarks/validate_command.py [--runs 5] [--corpus PATH]
                                                                  [--sizes 2,4,8,16]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus-sample"


def timed(args: list[str]) -> float:
    """Seconds one `pbxconn validate ARGS` takes (exit 0 or 1 expected)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PBXCONN_NO_CACHE", "PBXCONN_CACHE_DIR")}
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pbxconn", "validate", *args, "-o", os.devnull],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"pbxconn validate failed ({proc.returncode}): {proc.stderr.strip()}")
    return elapsed


def corpus_variants(paths: list[str], scratch: Path) -> dict[str, Callable[[], float]]:
    """name -> a function timing one run of that variant."""
    warm = scratch / "warm"
    for jobs in ("1", "2", "auto"):  # fill the warm caches once, one per --jobs (they are alike)
        timed([*paths, "--cache-dir", str(warm / jobs), "-j", jobs])

    def cold(jobs: str) -> float:
        folder = scratch / "cold"
        shutil.rmtree(folder, ignore_errors=True)
        return timed([*paths, "--cache-dir", str(folder), "-j", jobs])

    return {
        "no cache -j 1 (before)": lambda: timed([*paths, "--no-cache", "-j", "1"]),
        "no cache -j 2": lambda: timed([*paths, "--no-cache", "-j", "2"]),
        "cold -j 1": lambda: cold("1"),
        "cold -j 2": lambda: cold("2"),
        "cold -j auto (default)": lambda: cold("auto"),
        "warm -j 1": lambda: timed([*paths, "--cache-dir", str(warm / "1"), "-j", "1"]),
        "warm -j 2": lambda: timed([*paths, "--cache-dir", str(warm / "2"), "-j", "2"]),
        "warm -j auto (default)": lambda: timed([*paths, "--cache-dir", str(warm / "auto"), "-j", "auto"]),
    }


def size_variants(paths: list[str], sizes: list[int]) -> dict[str, Callable[[], float]]:
    """--jobs 1 and 2 without the cache on the first N packages, for each N."""
    def run(n: int, jobs: str) -> Callable[[], float]:
        return lambda: timed([*paths[:n], "--no-cache", "-j", jobs])

    return {f"{n:>3} packages, no cache -j {jobs}": run(n, jobs) for n in sizes for jobs in ("1", "2")}


def measure(variants: dict[str, Callable[[], float]], runs: int) -> dict[str, list[float]]:
    """Every variant `runs` times, in turns."""
    times: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(runs):
        for name, run in variants.items():
            times[name].append(run())
    return times


def report(times: dict[str, list[float]]) -> dict[str, float]:
    """Print median, min and max per variant; return the medians."""
    medians = {name: statistics.median(values) for name, values in times.items()}
    width = max(map(len, times))
    for name, values in times.items():
        print(f"  {name:<{width}}  median {medians[name]:.3f} s  (min {min(values):.3f}, max {max(values):.3f})")
    return medians


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--sizes", default="2,4,8,16", help="package counts for the -j 1 / -j 2 comparison ('' skips)")
    args = parser.parse_args()
    paths = sorted(str(p) for p in args.corpus.glob("*/*") if p.is_dir())
    if not paths:
        parser.error(f"no connector folders in {args.corpus}/*/*")
    print(f"pbxconn validate {args.corpus}/*/* -o /dev/null: {len(paths)} folders, {os.cpu_count()} CPUs, "
          f"median of {args.runs}")
    with tempfile.TemporaryDirectory(prefix="pbxconn-bench-") as scratch:
        m = report(measure(corpus_variants(paths, Path(scratch)), args.runs))
    before = m["no cache -j 1 (before)"]
    for jobs in ("1", "2", "auto (default)"):
        cold, warm = m[f"cold -j {jobs}"], m[f"warm -j {jobs}"]
        print(f"  -j {jobs}: cold/before {cold / before:.2f}, warm/cold {warm / cold:.3f}, "
              f"warm/before {warm / before:.3f}")
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if sizes:
        print("--jobs 1 against 2, no cache, first N packages:")
        m = report(measure(size_variants(paths, sizes), args.runs))
        for n in sizes:
            one, two = m[f"{n:>3} packages, no cache -j 1"], m[f"{n:>3} packages, no cache -j 2"]
            print(f"  {n:>3} packages: -j 2 / -j 1 = {two / one:.2f}")


if __name__ == "__main__":
    main()
