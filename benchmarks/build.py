"""Wall time of `pbxconn build`: every package in the tree, and 18 synthetic extra carriers.

Run from the project root:  python benchmarks/build.py [--repeat 7]

Reports medians of several runs:
- the `pbxconn build` command (a fresh process, as a user runs it) for every carrier and
  provider in carriers/ (both API families), against the baseline of a fresh
  `python -c "import json, yaml, jinja2"` process;
- the in-process build of all of them, of each family's packages alone, and with 18 synthetic
  extra carriers, against the baseline of json.loads + json.dumps of the two published swaggers
  (the least work any tool writing these files must do).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))


def median_seconds(fn, repeat: int) -> float:
    """Median wall time of `fn()` over `repeat` runs (after one warm-up)."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def make_project(n_extra: int) -> Path:
    """A temp project with the real inputs plus `n_extra` synthetic carriers."""
    from PIL import Image

    tmp = Path(tempfile.mkdtemp(prefix="pbxconn-bench-"))
    for name in ("carriers", "catalog", "templates"):
        shutil.copytree(ROOT / name, tmp / name)
    base = (ROOT / "carriers" / "tele2.yaml").read_text()
    for i in range(n_extra):
        cid, colour = f"synthetic{i:02d}", f"#{(0x102030 + i * 0x010203):06x}"
        text = (base.replace("id: tele2", f"id: {cid}").replace("#31ab3d", colour)
                .replace("title: Mobili Stotele ", f"title: Synthetic Carrier {i:02d} ")
                .replace("icons/tele2.png", f"icons/{cid}.png")
                .replace("mobili-stotele.tele2.lt", f"pbx{i}.carrier.example"))
        (tmp / "carriers" / f"{cid}.yaml").write_text(text)
        Image.new("RGB", (230, 230), colour).save(tmp / "carriers" / "icons" / f"{cid}.png")
    return tmp


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    from pbxconn.generate.build import build

    two, twenty = make_project(0), make_project(18)
    import yaml

    families: dict[str, list[str]] = {}
    for path in sorted((two / "carriers").glob("*.yaml")):
        families.setdefault(yaml.safe_load(path.read_text())["family"], []).append(path.stem)
    count = sum(len(ids) for ids in families.values())
    try:
        cmd = [sys.executable, "-m", "pbxconn", "build", "--root", str(two)]
        command = median_seconds(lambda: subprocess.run(cmd, check=True, capture_output=True), args.repeat)
        startup = median_seconds(lambda: subprocess.run(
            [sys.executable, "-c", "import json, yaml, jinja2"], check=True), args.repeat)
        in_two = median_seconds(lambda: build(two), args.repeat)
        per_family = {f: median_seconds(lambda ids=ids: build(two, ids), args.repeat) for f, ids in families.items()}
        in_twenty = median_seconds(lambda: build(twenty), args.repeat)
        texts = [(SHARED / "upstream" / c / "apiDefinition.swagger.json").read_text() for c in ("tele2", "lmt")]
        baseline = median_seconds(lambda: [json.dumps(json.loads(t), indent=4) for t in texts], args.repeat * 3)
    finally:
        shutil.rmtree(two)
        shutil.rmtree(twenty)
    print(f"pbxconn build, {count} packages (command) median {command * 1000:7.1f} ms   "
          f"{command / startup:5.1f}x a bare python+imports start ({startup * 1000:.1f} ms)")
    print(f"build(), {count} packages (in process)   median {in_two * 1000:7.1f} ms   "
          f"{in_two / baseline:5.1f}x json round-trip of the 2 published swaggers ({baseline * 1000:.2f} ms)")
    for family, seconds in per_family.items():
        print(f"build(), family {family:<10} ({len(families[family])})  median {seconds * 1000:7.1f} ms   "
              f"{seconds / baseline:5.1f}x the json round-trip")
    print(f"build(), {count + 18} packages (in process)  median {in_twenty * 1000:7.1f} ms   "
          f"{(in_twenty - in_two) / 18 * 1000:.1f} ms per extra carrier")


if __name__ == "__main__":
    main()
