"""Landed: the whole kvmarm archive against the kvm-unit-tests tree, and where the time goes.

    python bench/landed.py [--repeat N]

Clones ../shared/trees/kvm-unit-tests.bundle into a temporary folder, reads
../shared/corpus/kvmarm.mboxrd.xz, runs find_landed, and prints each step's seconds (best of
N), its share of the total, and the load average (the machine may be shared).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "kvmarm.mboxrd.xz"
BUNDLE = ROOT.parent / "shared" / "trees" / "kvm-unit-tests.bundle"


def once(tree: Path) -> dict[str, float]:
    """Return the seconds of each step of one full run, reading the archive included."""
    from kvmlist.grouping.landed import find_landed
    from kvmlist.sources.reader import read_mbox

    started = time.perf_counter()
    messages = list(read_mbox(CORPUS))
    read = time.perf_counter() - started
    landed = find_landed(messages, tree)
    total = time.perf_counter() - started
    return {"read + parse the archive": read, **landed.timings, "total": total}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    if not CORPUS.exists() or not BUNDLE.exists():
        print(f"needs {CORPUS} and {BUNDLE}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        tree = Path(folder) / "kvm-unit-tests"
        subprocess.run(["git", "clone", "-q", str(BUNDLE), str(tree)], check=True)
        runs = [once(tree) for _ in range(args.repeat)]
    best = min(runs, key=lambda run: run["total"])
    print(f"load average before/after: {os.getloadavg()[0]:.2f} (1 min)")
    for step, seconds in best.items():
        print(f"{step:28} {seconds:7.2f} s  {seconds / best['total']:6.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
