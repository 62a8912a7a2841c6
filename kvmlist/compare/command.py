"""The command line of the comparison: ``python -m kvmlist.compare ARCHIVE... [options]``."""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterable, Sized
from typing import TypeVar

from kvmlist._shown import shown
from kvmlist.errors import KvmlistError
from kvmlist.grouping.threads import threads_of
from kvmlist.models import Message

T = TypeVar("T")

#: The seed of ``--sample``: the same threads every run, so figures can be compared.
SAMPLE_SEED = 13


def parser() -> argparse.ArgumentParser:
    """Return the argument parser (``--help`` shows it)."""
    ask = argparse.ArgumentParser(
        prog="python -m kvmlist.compare",
        description="Compare kvmlist with b4 (series, authors, trailers, reviews) and with "
        "git mailinfo (author, title, commit message, diff of each patch mail) on archives; "
        "print one Markdown table per archive and oracle.",
    )
    ask.add_argument("archives", nargs="+", metavar="ARCHIVE", help="mbox(.xz/.gz), Maildir...")
    ask.add_argument(
        "--oracle",
        choices=("b4", "git", "both"),
        default="both",
        help="which oracle to run (default: both)",
    )
    ask.add_argument(
        "--sample",
        type=int,
        metavar="N",
        help=f"compare N threads drawn with a fixed seed ({SAMPLE_SEED}) instead of all",
    )
    ask.add_argument(
        "--examples", type=int, default=3, metavar="K", help="disagreements shown per field"
    )
    return ask


def main(argv: list[str] | None = None) -> int:
    """Run the comparison; a user's mistake is one line on stderr and exit status 2."""
    ask = parser()
    args = ask.parse_args(sys.argv[1:] if argv is None else argv)
    if args.sample is not None and args.sample < 1:
        ask.error("--sample needs a positive number of threads")
    try:
        for archive in args.archives:
            # the examples quote senders' subjects and names: shown, as the command line shows them
            print(shown(_report(archive, args.oracle, args.sample, args.examples)), end="")
    except KvmlistError as error:  # no such file, not an mbox, b4 or git missing: one line
        print(f"kvmlist.compare: {shown(str(error))}", file=sys.stderr)
        return 2
    return 0


def _report(archive: str, oracle: str, sample: int | None, examples: int) -> str:
    from kvmlist.compare.b4 import compare_with_b4
    from kvmlist.compare.git import compare_with_git
    from kvmlist.sources.reader import read

    messages = list(_bar(read(archive), "reading"))
    if sample is not None:
        messages = sampled(messages, sample)
    lines = [f"## {archive}" + (f" (sample of {sample} threads)" if sample else ""), ""]
    if oracle in ("b4", "both"):
        result = compare_with_b4(messages, progress=lambda items: _bar(items, "b4", "threads"))
        lines += ["### b4", "", result.to_markdown(examples)]
    if oracle in ("git", "both"):
        result = compare_with_git(messages, progress=lambda items: _bar(items, "git", "patches"))
        lines += ["### git mailinfo", "", result.to_markdown(examples)]
    return "\n".join(lines)


def sampled(messages: list[Message], count: int) -> list[Message]:
    """Return the mails of ``count`` threads drawn with :data:`SAMPLE_SEED`, in archive order."""
    threads = threads_of(messages)
    if count >= len(threads):
        return messages
    chosen = random.Random(SAMPLE_SEED).sample(range(len(threads)), count)
    keep = {id(m) for at in chosen for m in threads[at]}
    return [m for m in messages if id(m) in keep]


def _bar(items: Iterable[T], what: str, unit: str = "mails") -> Iterable[T]:
    """The items, counted on a bar on stderr when it is a terminal (a run takes minutes)."""
    if not sys.stderr.isatty():
        return items
    from tqdm import tqdm  # type: ignore[import-untyped, unused-ignore]

    total = len(items) if isinstance(items, Sized) else None
    bar: Iterable[T] = tqdm(
        items, total=total, desc=what, unit=f" {unit}", leave=False, file=sys.stderr
    )
    return bar
