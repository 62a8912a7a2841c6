"""The command line of the comparison: ``python -m kvmlist.compare ARCHIVE... [options]``."""

from __future__ import annotations

import argparse
import random
import sys
import warnings
from collections.abc import Iterable, Sized
from typing import Any, TextIO, TypeVar

from kvmlist._shown import shown
from kvmlist.errors import KvmlistError
from kvmlist.grouping.threads import threads_of
from kvmlist.models import Message

T = TypeVar("T")

#: The seed of ``--sample``: the same threads every run, so figures can be compared.
SAMPLE_SEED = 13


PROG = "python -m kvmlist.compare"


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr and exit status 2, as the
    kvmlist command's."""

    def error(self, message: str) -> Any:  # argparse's signature says NoReturn
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _count(least: int) -> Any:
    """Return an argparse type: a whole number of at least ``least``."""

    def count(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = least - 1
        if value < least:
            raise argparse.ArgumentTypeError(f"{text!r}: give {least} or more")
        return value

    return count


def parser() -> argparse.ArgumentParser:
    """Return the argument parser (``--help`` shows it)."""
    ask = _Parser(
        prog=PROG,
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
        type=_count(1),
        metavar="N",
        help=f"compare N threads drawn with a fixed seed ({SAMPLE_SEED}) instead of all",
    )
    ask.add_argument(
        "--examples", type=_count(0), default=3, metavar="K", help="disagreements shown per field"
    )
    return ask


def main(argv: list[str] | None = None) -> int:
    """Run the comparison; a user's mistake is one line on stderr and exit status 2."""
    ask = parser()
    args = ask.parse_args(sys.argv[1:] if argv is None else argv)
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _say_warning
            for archive in args.archives:
                # the examples quote senders' subjects and names: shown, as the command line
                # shows them
                print(shown(_report(archive, args.oracle, args.sample, args.examples)), end="")
    except KvmlistError as error:  # no such file, not an mbox, b4 or git missing: one line
        print(f"kvmlist.compare: {shown(str(error))}", file=sys.stderr)
        return 2
    return 0


def _say_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    """Print a warning (a Maildir's folder skipped) as one line, as the kvmlist command
    does, not as Python's ``reader.py:70: SkippedEntry: ...``."""
    print(f"kvmlist.compare: {shown(str(message))}", file=sys.stderr)


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
