"""Peak RSS of the ``--inbox`` commands on an epoch, and on one four times as large.

``make bench`` runs it. The 1x inbox is built from the three shared corpora with
``../shared/local-lore.sh build`` (a real public-inbox v2 inbox); the 4x one is written by
``git fast-import`` from the 1x epoch's mails, four times over, each copy with its own
Message-IDs and later commit times. Both are cached in ``$KVMLIST_BENCH_DIR`` (default
``/tmp/kvmlist-bench``) and built once. Each command runs as its own process; its peak RSS
comes from ``os.wait4``. Streaming commands should stay flat from 1x to 4x and below the
target (docs/performance.md). The commands that hold the archive for series grouping
(series, review, stalled; plot counts as it streams) are measured on the 1x inbox.

    python bench/bench_inbox.py [--commands stats report check] [--holding series ...] [--no-4x]
"""

from __future__ import annotations

import argparse
import lzma
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPORA = sorted((SHARED / "corpus").glob("*.mboxrd.xz"))
BENCH_DIR = Path(os.environ.get("KVMLIST_BENCH_DIR", "/tmp/kvmlist-bench"))
#: The peak RSS stats, report and check must stay below whatever the inbox size.
TARGET_MIB = 250
#: Commands that hold the archive (docs/performance.md says what per mail): 1x inbox only.
HOLDING = ["series", "review", "stalled", "plot"]
# Message-ID: <x@y>   In-Reply-To: <x@y>   References: <a@b> <c@d> (with folded lines)
RE_ID_FIELDS = re.compile(rb"(?mi)^(?:message-id|in-reply-to|references):[^\n]*(?:\n[ \t][^\n]*)*")


def build_1x() -> Path:
    """Return the 1x inbox, building it from the three corpora with local-lore.sh once."""
    inbox = BENCH_DIR / "inbox-1x"
    if (inbox / "git" / "0.git" / "refs" / "heads" / "master").exists():
        return inbox  # fast-import writes the branch last: the epoch is complete
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    mbox = BENCH_DIR / "three.mbox"
    if not mbox.exists():
        with open(mbox, "wb") as out:
            for corpus in CORPORA:
                with lzma.open(corpus) as stream:
                    while block := stream.read(1 << 20):
                        out.write(block)
    subprocess.run([str(SHARED / "local-lore.sh"), "build", str(mbox), str(inbox)], check=True)
    return inbox


def build_4x(one: Path) -> Path:
    """Return the 4x inbox: the 1x epoch's mails four times, each copy with its own ids."""
    inbox = BENCH_DIR / "inbox-4x"
    epoch = inbox / "git" / "0.git"
    if (epoch / "refs" / "heads" / "master").exists():
        return inbox
    sys.path.insert(0, str(ROOT))
    from kvmlist.sources.public_inbox import iter_archive

    subprocess.run(["git", "init", "-q", "--bare", str(epoch)], check=True)
    importer = subprocess.Popen(
        ["git", f"--git-dir={epoch}", "fast-import", "--quiet"], stdin=subprocess.PIPE
    )
    assert importer.stdin is not None
    mark, lowest, highest = 0, None, 0
    for copy in range(4):  # copy k arrives after copy k-1: its times shift by k spans
        shift = copy * (highest - (lowest or 0) + 1)
        for mail in iter_archive(one):
            mark += 1
            stamp = int(mail.committed.timestamp())
            if copy == 0:
                lowest, highest = min(lowest or stamp, stamp), max(highest, stamp)
            importer.stdin.write(_commit(mark, _renamed(mail.raw, copy), stamp + shift))
    importer.stdin.close()
    if importer.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(
        ["git", f"--git-dir={epoch}", "symbolic-ref", "HEAD", "refs/heads/master"], check=True
    )
    return inbox


def _renamed(raw: bytes, copy: int) -> bytes:
    """Return a mail whose Message-ID and references are those of copy ``copy``."""
    if copy == 0:
        return raw
    head, sep, body = raw.partition(b"\n\n")
    prefix = b"<c%d." % copy
    head = RE_ID_FIELDS.sub(lambda m: m.group(0).replace(b"<", prefix), head)
    return head + sep + body


def _commit(mark: int, raw: bytes, stamp: int) -> bytes:
    parent = b"from :%d\n" % (mark - 1) if mark > 1 else b""
    return (
        b"commit refs/heads/master\nmark :%d\n" % mark
        + b"committer bench <bench@kvmlist.invalid> %d +0000\n" % stamp
        + b"data 5\nmail\n"
        + parent
        + b"deleteall\nM 100644 inline m\ndata %d\n" % len(raw)
        + raw
        + b"\n"
    )


def mails_in(inbox: Path) -> int:
    done = subprocess.run(
        ["git", f"--git-dir={inbox / 'git' / '0.git'}", "rev-list", "--count", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout)


#: Runs a command and reports its own peak RSS (VmHWM): the rusage of a child also counts the
#: pages it shared with this (large) process before exec, which would hide what it used.
WRAPPER = """
import sys
from kvmlist.cli.commands import main
status = main(sys.argv[1:])
peak = [line for line in open("/proc/self/status") if line.startswith("VmHWM")][0]
print("VmHWM", peak.split()[1], file=sys.stderr)
import resource
print("children", resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
sys.exit(status)
"""


def measure(command: str, inbox: Path) -> tuple[float, float, float, int]:
    """Return (peak RSS in MiB, the largest child's peak RSS in MiB (a worker, or git), wall
    seconds, exit status) of one command ("stats", "stats --workers 1"...) on an inbox."""
    name, *options = command.split()
    argv = [sys.executable, "-c", WRAPPER, name, *options, "--inbox", str(inbox), "-q"]
    argv += ["-o", str(BENCH_DIR / "plot.png") if name == "plot" else os.devnull]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    found = {line.split()[0]: int(line.split()[1]) / 1024 for line in done.stderr.splitlines()
             if line.startswith(("VmHWM", "children"))}  # fmt: skip
    nan = float("nan")
    return found.get("VmHWM", nan), found.get("children", nan), wall, done.returncode


def reading_ratio(inbox: Path) -> tuple[float, float]:
    """Return seconds to read every mail with iter_archive, and with a bare
    ``git cat-file --batch`` over the same blobs (their list made beforehand, not timed)."""
    sys.path.insert(0, str(ROOT))
    from kvmlist.sources.public_inbox import iter_archive

    epoch = inbox / "git" / "0.git"
    listing = subprocess.run(
        ["git", f"--git-dir={epoch}", "log", "--reverse", "--raw", "--no-abbrev", "--format="],
        capture_output=True,
        check=True,
    ).stdout
    blobs = b"".join(
        line.split()[3] + b"\n" for line in listing.splitlines() if line.endswith(b"\tm")
    )

    def bare() -> None:
        subprocess.run(
            ["git", f"--git-dir={epoch}", "cat-file", "--batch"],
            input=blobs,
            stdout=subprocess.DEVNULL,
            check=True,
        )

    def ours() -> None:
        for _ in iter_archive(inbox):
            pass

    return _best(ours), _best(bare)


def _best(run: Callable[[], None], repeat: int = 2) -> float:
    """Return the best wall time of a few runs (the first one also warms the page cache)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def rows(
    commands: list[str], inboxes: list[tuple[str, Path]], *, header: bool = True
) -> Iterator[str]:
    if header:
        yield (
            f"{'command':20} {'inbox':6} {'mails':>8} {'peak RSS':>10} {'largest child':>13}"
            f" {'wall':>8}  status"
        )
    for command in commands:
        peaks = []
        for name, inbox in inboxes:
            peak, child, wall, status = measure(command, inbox)
            peaks.append(peak)
            streams = command.split()[0] not in HOLDING
            flag = "" if peak < TARGET_MIB or not streams else f"  over {TARGET_MIB} MiB"
            yield (
                f"{command:20} {name:6} {mails_in(inbox):>8,} {peak:>7.0f} MiB {child:>9.0f} MiB"
                f" {wall:>7.1f}s  {status}{flag}"
            )
        if len(peaks) > 1:
            yield f"{command:20} 4x/1x peak RSS: {peaks[-1] / peaks[0]:.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--commands",
        nargs="+",
        default=["stats", "stats --workers 1", "report", "check", "check --workers 1"],
        help="commands with their options, quoted (stats and check default to a worker "
        "per core: their --workers 1 rows are the one-process figures)",
    )
    parser.add_argument("--holding", nargs="*", default=HOLDING, help="measured on 1x only")
    parser.add_argument("--no-4x", action="store_true", help="measure the 1x inbox only")
    args = parser.parse_args()
    if len(CORPORA) < 3:
        print(f"bench_inbox: needs the three corpora in {SHARED / 'corpus'}; skipped")
        return 0
    one = build_1x()
    inboxes = [("1x", one)] if args.no_4x else [("1x", one), ("4x", build_4x(one))]
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")
    ours, bare = reading_ratio(one)
    print(
        f"reading the 1x epoch: iter_archive {ours:.1f}s, git cat-file --batch {bare:.1f}s "
        f"over the same blobs: {ours / bare:.2f}x (target <= 1.5x)"
    )
    for line in rows(args.commands, inboxes):
        print(line, flush=True)
    for line in rows(args.holding, [("1x", one)], header=False):
        print(line, flush=True)
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
