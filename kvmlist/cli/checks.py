"""What the command line refuses before it reads anything (archives can be large): an output
it cannot write, an output over one of its inputs, an input file that is no regular file or
is too large (a FIFO, /dev/zero), and an option it would ignore.

Each is one line on stderr and exit status 2. An option that does nothing in the company it
was given is refused rather than dropped without a word: the user meant something by it.
"""

from __future__ import annotations

import argparse
import os
import shlex
import stat
import sys
from collections.abc import Collection, Iterator
from pathlib import Path

from kvmlist.cli.lore_options import lore_options_given
from kvmlist.cli.output import FILE_ONLY_FORMATS, is_stdout
from kvmlist.errors import UsageError
from kvmlist.sources.spec import classify_source

#: Options that name a file the command reads.
INPUT_FILES = ("mailmap", "orgmap", "maintainers", "state")
#: The largest file INPUT_FILES may name (a MAINTAINERS file is under 1 MiB).
MAX_INPUT_FILE = 64 << 20


def check_options(args: argparse.Namespace) -> None:
    """Raise a UsageError for what the command line refuses (see the module docstring)."""
    _check_output(args)
    _check_fetched(args)
    _check_standard_streams(args)
    _check_input_files(args)
    _refuse_output_over_inputs(args)
    _refuse_ignored(args)


def _check_output(args: argparse.Namespace) -> None:
    fmt = getattr(args, "format", None)
    if args.command == "site" and is_stdout(args.output):
        raise UsageError("site writes a directory of pages, not standard output: add -o DIR")
    if fmt in FILE_ONLY_FORMATS:
        if is_stdout(args.output):
            raise UsageError(f"--format {fmt} writes a file: add -o FILE.{fmt}")
        _check_suffix(args.output, (f".{fmt}",), f"a {fmt} file")
    if args.command == "plot":
        from kvmlist.outputs import plot

        if is_stdout(args.output):
            raise UsageError("plot writes an image: add -o FILE.png (or FILE.svg)")
        _check_suffix(args.output, plot.FORMATS, "the image")


def _check_suffix(output: str, suffixes: Collection[str], what: str) -> None:
    """A file whose format the command chooses must be named so: a Parquet file named
    .csv, or an image named .pdf, would be opened as what it is not."""
    if Path(output).suffix.lower() not in suffixes:
        names = " or ".join(suffixes)
        raise UsageError(f"-o {output}: name {what} {names}")


def _check_fetched(args: argparse.Namespace) -> None:
    """``fetch`` takes a Message-ID or a lore URL: a local file or folder, or a word with no
    ``@``, is refused before anything is sent (lore would be asked for ``/tmp/x.mbox``)."""
    if args.command != "fetch":
        return
    source, spec = args.source, classify_source(args.source)
    if spec.is_remote:
        return
    if os.path.lexists(source) or source == "-":
        what = {"stdin": "standard input", "mbox": "a local file"}.get(spec.kind, "a local folder")
        raise UsageError(
            f"{source} is {what}, not a Message-ID: fetch takes one (or a lore URL); "
            f"read the {'input' if spec.kind == 'stdin' else what[2:]} with "
            f"`kvmlist check {shlex.quote(source)}`"
        )
    raise UsageError(
        f"{source!r} is not a Message-ID (no @) nor a lore URL: fetch takes one, "
        "e.g. 20251204094806.3846619-1-maz@kernel.org"
    )


def _check_standard_streams(args: argparse.Namespace) -> None:
    """Standard input or output closed when the command started (``<&-``, ``>&-``:
    kvmlist.cli.output.open_standard_streams) cannot be read from or written to."""
    if sys.stdout is None and is_stdout(args.output):
        raise UsageError("standard output is closed: write the result with -o FILE")
    if sys.stdin is None and getattr(args, "source", None) == "-":
        raise UsageError("standard input is closed: nothing to read")


def _check_input_files(args: argparse.Namespace) -> None:
    """A map or state file must be a regular file (a FIFO would wait for a writer forever,
    /dev/zero never end) of at most MAX_INPUT_FILE bytes. A missing one is left to its
    reader: a state file is created, a missing map is the reader's one line."""
    for option, path in _named_input_files(args):
        try:
            found = os.stat(path)
        except OSError:
            continue
        if not stat.S_ISREG(found.st_mode):
            raise UsageError(f"--{option} {path}: not a regular file")
        if found.st_size > MAX_INPUT_FILE:
            raise UsageError(f"--{option} {path}: larger than {MAX_INPUT_FILE >> 20} MiB")


def _refuse_output_over_inputs(args: argparse.Namespace) -> None:
    """-o must name neither an input file (by any name: a link, a hard link, standard input)
    nor a place inside an input folder (a Maildir, a public-inbox archive): the output is
    written after the input is read, and would replace it."""
    output = args.output
    if is_stdout(output):
        return
    where = os.path.realpath(output)
    for path in _input_files(args):
        if where == os.path.realpath(path) or _same_file(output, path):
            raise UsageError(f"-o {output} is the input {path}: name another output")
    if getattr(args, "source", None) == "-" and _is_stdin(output):
        raise UsageError(f"-o {output} is the input (standard input): name another output")
    for folder in _input_folders(args):
        inside = os.path.realpath(folder)
        if where == inside or where.startswith(inside.rstrip(os.sep) + os.sep):
            raise UsageError(f"-o {output} is inside the input {folder}: name another output")
    if args.command == "site":
        _refuse_pages_over_inputs(args)


def _refuse_pages_over_inputs(args: argparse.Namespace) -> None:
    """``site -o DIR`` replaces DIR's and DIR/weeks' ``.html`` files: none may be an input
    (an input beside them, or a link to one among them, is fine: a link is replaced, not
    written through)."""
    root = os.path.realpath(args.output)
    folders = {root, os.path.join(root, "weeks")}
    for path in _input_files(args):
        folder, name = os.path.split(os.path.realpath(path))
        if folder in folders and name.endswith(".html"):
            where = f"-o {args.output} would replace the input {path}"
            raise UsageError(f"{where}: name another output")


def _input_files(args: argparse.Namespace) -> Iterator[str]:
    source = getattr(args, "source", None)
    spec = classify_source(source) if args.command != "fetch" and source else None
    if spec is not None and spec.kind == "mbox":
        yield spec.location  # an Apple Mail export's: the mbox inside
    for _, path in _named_input_files(args):
        yield path


def _named_input_files(args: argparse.Namespace) -> Iterator[tuple[str, str]]:
    """The files INPUT_FILES name (with the option), and the default state file of
    --since-last."""
    for option in INPUT_FILES:
        if getattr(args, option, None):
            yield option, getattr(args, option)
    if getattr(args, "since_last", False) and not getattr(args, "state", None):
        from kvmlist.cli.state import default_state_file

        yield "state", str(default_state_file())


def _input_folders(args: argparse.Namespace) -> Iterator[str]:
    source = getattr(args, "source", None)
    if (
        args.command != "fetch"
        and source
        and classify_source(source).kind in ("maildir", "files", "inbox")
    ):
        yield source
    if getattr(args, "inbox", None):
        yield args.inbox


def _same_file(one: str, other: str) -> bool:
    """True when both paths exist and are one file (a link, a hard link, another name)."""
    try:
        return os.path.samefile(one, other)
    except OSError:
        return False


def _is_stdin(output: str) -> bool:
    """True when the output file is the regular file standard input reads."""
    try:
        given, written = os.fstat(0), os.stat(output)
    except OSError:
        return False
    same = (given.st_dev, given.st_ino) == (written.st_dev, written.st_ino)
    return stat.S_ISREG(given.st_mode) and same


def _refuse_ignored(args: argparse.Namespace) -> None:
    """Refuse an option that the others it came with leave without effect."""
    if getattr(args, "orgmap", None) and getattr(args, "by", "organisation") != "organisation":
        raise UsageError("--orgmap goes with --by organisation")
    if args.command == "plot" and args.freq and args.kind != "per-period":
        raise UsageError("--freq goes with --kind per-period")
    fmt = getattr(args, "format", None)
    if args.command == "review" and args.top and args.freq and fmt in ("csv", "parquet"):
        raise UsageError(f"--top: review --freq --format {fmt} writes only the periods' rows")
    if args.command == "review" and args.by:
        for option in ("freq", "git"):
            if getattr(args, option):
                raise UsageError(f"--{option} goes without --by (the review economy has none)")
    if args.command == "stalled" and args.mailmap and not args.git:
        raise UsageError("--mailmap goes with --git")
    if args.command == "report":
        if getattr(args, "inbox", None) and args.commits and args.range:
            raise UsageError("--range and --commits both name the commits to report: give one")
        if args.state and not args.since_last:
            raise UsageError("--state goes with --since-last")
    _refuse_lore_options(args)


def _refuse_lore_options(args: argparse.Namespace) -> None:
    """The lore options (and --workers) do nothing unless SOURCE is fetched from lore."""
    source: str | None = getattr(args, "source", None)
    remote = args.command == "fetch" or (
        source is not None
        and not getattr(args, "inbox", None)
        and classify_source(source).is_remote
    )
    given = lore_options_given(args)
    if given and not remote:
        raise UsageError(f"{given[0]} goes with a Message-ID or lore URL as SOURCE")
    if remote and getattr(args, "workers", None):
        raise UsageError("--workers: a lore thread is read in one process")
