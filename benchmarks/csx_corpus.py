"""How many real connector scripts compile against pbxconn's ScriptBase stub with Mono, and why not.

    python benchmarks/csx_corpus.py [CORPUS_DIR]   (default: ../shared/corpus-sample)

Each *.csx under the corpus is compiled as a library (stub + script, no host, no cache) and
sorted into: compiled; not checkable locally (newer C# than mcs, or an assembly this Mono lacks);
error (grouped by the first error's compiler code). Prints a table and the per-file outcome.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pbxconn.csx.compile import compile_script, find_toolchain  # noqa: E402


def main(argv: list[str]) -> int:
    """Compile every script of the corpus and print the figures."""
    corpus = Path(argv[0]) if argv else REPO.parent / "shared" / "corpus-sample"
    scripts = sorted(p for p in corpus.rglob("*.csx") if p.is_file())
    if not scripts:
        print(f"no .csx files under {corpus}", file=sys.stderr)
        return 2
    toolchain = find_toolchain()
    outcomes: Counter[str] = Counter()
    started = time.monotonic()
    rows = []
    for path in scripts:
        text = path.read_bytes().decode("utf-8-sig", errors="replace")
        result = compile_script(text, host=False, toolchain=toolchain, cache=False)
        if result.status == "compiled":
            bucket, detail = "compiled", ""
        elif result.status == "not-checkable":
            bucket, detail = "not checkable locally", result.reason
        else:
            first = result.errors[0] if result.errors else None
            bucket = f"error {first.code}" if first else "error"
            detail = str(first) if first else result.reason
        outcomes[bucket.split(":")[0]] += 1
        rows.append((path.relative_to(corpus), bucket, detail))
    elapsed = time.monotonic() - started
    print(f"{len(scripts)} scripts in {corpus} ({elapsed:.1f}s, {elapsed / len(scripts):.2f}s each)")
    for bucket, count in outcomes.most_common():
        print(f"  {count:4d}  {bucket}")
    print()
    for rel, bucket, detail in rows:
        print(f"{bucket:<24} {rel}" + (f"\n{'':24} {detail}" if detail else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
