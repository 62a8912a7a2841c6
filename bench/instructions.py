"""Instructions a mail of kvmlist's parse, counted by cachegrind: the same from run to run.

    python bench/instructions.py [--corpus PATH] [--mails N] [--tree DIR]

Rates on a shared virtual machine move by up to 20 % from minute to minute; instruction
counts do not (valgrind's cachegrind counts every instruction of a process; with
``PYTHONHASHSEED=0`` two runs agree to a few in 400,000 a mail). The parse of the first N
mails of an mbox (``parse_raw``) is measured as one process minus the same process that
reads the mails and skips the parse. Compare two trees with ``--tree``: how the nineteenth
session found what the rules of the three sessions before it cost (docs/performance.md).
Needs valgrind (Debian: ``apt-get install valgrind``); about 10 s a tree on 2,000 mails.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "kvmarm.mboxrd.xz"
# ==123== I   refs:      1,234,567,890
RE_REFS = re.compile(r"I\s+refs:\s+([\d,]+)")

#: The measured process: read the first N mails, parse them unless told to skip it.
SCRIPT = """
import itertools, sys
sys.path.insert(0, sys.argv[1])
from kvmlist.sources.reader import parse_raw
from kvmlist.sources import mbox
raws = list(itertools.islice(mbox.iter_raw_messages(sys.argv[2]), int(sys.argv[3])))
list(parse_raw(raws[:2]))  # imports and one-time set-up, in both runs
if sys.argv[4] == "parse":
    for _ in parse_raw(raws):
        pass
"""


def instructions(tree: Path, corpus: Path, mails: int, what: str) -> int:
    """Instructions of one run of SCRIPT under cachegrind."""
    command = [
        "valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
        sys.executable, "-c", SCRIPT, str(tree), str(corpus), str(mails), what,
    ]  # fmt: skip
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    found = RE_REFS.search(done.stderr)
    if found is None:
        raise SystemExit(f"no instruction count in valgrind's output:\n{done.stderr[-500:]}")
    return int(found.group(1).replace(",", ""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--mails", type=int, default=2000)
    parser.add_argument("--tree", type=Path, action="append", help="a kvmlist checkout")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        print("valgrind is needed (Debian: apt-get install valgrind)", file=sys.stderr)
        return 2
    corpus = args.corpus
    if corpus.suffix == ".xz":  # the splitter reads plain mboxes fastest; decompress once
        plain = Path("/tmp") / corpus.with_suffix("").name
        if not plain.exists():
            subprocess.run(f"xz -dc '{corpus}' > '{plain}'", shell=True, check=True)
        corpus = plain
    for tree in args.tree or [ROOT]:
        parse = instructions(tree, corpus, args.mails, "parse")
        skip = instructions(tree, corpus, args.mails, "skip")
        print(f"{tree}: {(parse - skip) // args.mails:,} instructions a mail")
    return 0


if __name__ == "__main__":
    sys.exit(main())
