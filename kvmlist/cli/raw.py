"""``kvmlist check`` (is every mail of a SOURCE accounted for) and ``kvmlist fetch`` (a lore
thread as an mbox): the commands that read raw mails themselves, without loading them."""

from __future__ import annotations

import argparse
import json

from kvmlist.cli.loading import (
    Noted,
    fetch_thread,
    iter_raw_mails,
    progress_for,
    wants_progress,
    with_progress,
)
from kvmlist.cli.output import EXIT_FOUND, EXIT_OK, emit, emit_bytes
from kvmlist.cli.workers import worker_count, worker_source
from kvmlist.sources.reader import Counted, parse_raw


def run_check(args: argparse.Namespace, noted: Noted) -> int:
    """Print what became of every mail; return EXIT_FOUND when mails were lost or skipped, or
    some mail has no header at all (a mail cut in two)."""
    from kvmlist.analysis.check import check_messages

    workers = worker_count(args)
    if workers > 1:
        from kvmlist.scale.workers import check_in_workers

        # the workers split a file, or read an archive's mails from git, themselves
        source = worker_source(args)
        result = check_in_workers(source, workers, progress=progress_for(args, "reading"))
        result.mails_in = result.mails_out  # the mails they read, unparsable ones included
    else:
        raws = Counted(iter_raw_mails(args))  # streamed: mails are counted as they pass
        parsed = with_progress(parse_raw(raws), enabled=wants_progress(args))
        result = check_messages(0, parsed)
        result.mails_in = raws.count
    result.skipped, result.withdrawn = noted.skipped, noted.withdrawn
    if args.format == "json":
        repeats = [repeat._asdict() for repeat in result.repeats]
        summary = {**vars(result), "repeats": repeats, "lost": result.lost}
        text = json.dumps(summary, indent=2, default=dict) + "\n"
    else:
        text = result.render()
    status = emit(text, args.output)
    found = result.lost or result.skipped or result.headerless
    return status or (EXIT_FOUND if found else EXIT_OK)


def run_fetch(args: argparse.Namespace) -> int:
    """Write the thread of the SOURCE (a Message-ID or lore URL) as an mbox."""
    emit_bytes(fetch_thread(args, args.source), args.output)
    return EXIT_OK
