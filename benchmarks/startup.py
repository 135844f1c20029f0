"""Start-up cost of the CLI: `pbxconn --help` against a bare `python -c pass`, median of runs.

Run from the project root:  python benchmarks/startup.py [--repeat 11]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


def median_seconds(cmd: list[str], repeat: int) -> float:
    """Median wall time of running `cmd` (after one warm-up)."""
    subprocess.run(cmd, capture_output=True, check=True)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=11)
    args = parser.parse_args()
    bare = median_seconds([sys.executable, "-c", "pass"], args.repeat)
    help_ = median_seconds([sys.executable, "-m", "pbxconn", "--help"], args.repeat)
    print(f"pbxconn --help  median {help_ * 1000:6.1f} ms  ({help_ / bare:4.1f}x python -c pass, {bare * 1000:.1f} ms)")


if __name__ == "__main__":
    main()
