"""The ``kvmlist`` command: report, series, stats, review, check, plot and fetch.

Exit status: 0 done, 1 a problem found in the input (``check``: mails lost or cut), 2 a user's
mistake (a bad option, an unreadable input, an unwritable output): one line, no traceback.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

from kvmlist.cli.arguments import build_parser
from kvmlist.cli.checks import check_options
from kvmlist.cli.loading import Loaded, Noted, load, noting_skipped
from kvmlist.cli.output import (
    EXIT_FOUND,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    deliver,
    note,
    open_standard_streams,
    say,
)
from kvmlist.errors import KvmlistError

# Each command's module is imported when the command runs, so that the start-up of
# `kvmlist report` does not pay for plots, git, HTTP or worker processes (docs/performance.md).

__all__ = ["EXIT_FOUND", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    open_standard_streams()
    args = build_parser().parse_args(argv)
    with noting_skipped() as noted:
        return _run(args, noted)


def _run(args: argparse.Namespace, noted: Noted) -> int:
    try:
        check_options(args)
        if args.command == "fetch":
            from kvmlist.cli.raw import run_fetch

            return run_fetch(args)
        if args.command == "check":
            from kvmlist.cli.raw import run_check

            return run_check(args, noted)
        from kvmlist.cli.workers import as_held

        loaded = load(args)
        loaded.messages = as_held(args, loaded)
        output = COMMANDS[args.command](args, loaded)
        for line in [*loaded.tally.notes(), *noted.notes()]:
            note(args, line)
        if output is None:
            return EXIT_OK
        delivered = deliver(output, args.output)
        if delivered == "failed":
            return EXIT_USAGE
        if delivered == "written":  # --since-last advances only once the report is out
            for done in loaded.after_output:
                done()
    except KvmlistError as error:
        say(str(error))
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    return EXIT_OK


def _deferred(module: str, name: str) -> Callable[[argparse.Namespace, Loaded], str | None]:
    """Return a command that imports its module when it runs."""

    def run(args: argparse.Namespace, loaded: Loaded) -> str | None:
        import importlib

        command: Callable[[argparse.Namespace, Loaded], str | None]
        command = getattr(importlib.import_module(module), name)
        return command(args, loaded)

    return run


COMMANDS: dict[str, Callable[[argparse.Namespace, Loaded], str | None]] = {
    "landed": _deferred("kvmlist.cli.landed", "run_landed"),
    "pulls": _deferred("kvmlist.cli.pulls", "run_pulls"),
    "site": _deferred("kvmlist.cli.insight", "run_site"),
    "stalled": _deferred("kvmlist.cli.insight", "run_stalled"),
    "subsystems": _deferred("kvmlist.cli.insight", "run_subsystems"),
    "plot": _deferred("kvmlist.cli.counts", "run_plot"),
    "report": _deferred("kvmlist.cli.report", "run_report"),
    "review": _deferred("kvmlist.cli.review", "run_review"),
    "series": _deferred("kvmlist.cli.series", "run_series"),
    "stats": _deferred("kvmlist.cli.counts", "run_stats"),
}
