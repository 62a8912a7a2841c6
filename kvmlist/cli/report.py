"""``kvmlist report``: the weekly report of a SOURCE or of an archive's range, as text."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from kvmlist.analysis.identities import Mailmap
from kvmlist.cli.loading import Loaded, progress_for
from kvmlist.cli.output import note
from kvmlist.cli.state import record_reported
from kvmlist.cli.workers import parsed_messages, worker_count, worker_source
from kvmlist.outputs.report import (
    ReportFigures,
    ReportRange,
    format_report,
    render_report,
    report_figures,
)
from kvmlist.sources.revrange import CommitRange

if TYPE_CHECKING:
    from kvmlist.grouping.landed import LandedMap


def run_report(args: argparse.Namespace, loaded: Loaded) -> str:
    """Return the report; for an archive, its header names the commits the mails span."""
    mailmap = Mailmap.from_file(args.mailmap) if args.mailmap else None
    landed: LandedMap | None = None
    workers = worker_count(args)
    if args.git:  # the mails are kept for find_landed and the marks: no streaming
        from kvmlist.cli.landed import landed_in
        from kvmlist.outputs.landed_marks import mark_landed

        kept = list(parsed_messages(args, loaded, workers))
        loaded.messages = kept
        landed = landed_in(args, kept)
    if loaded.inbox is not None:
        if workers > 1 and not args.git and loaded.selection is not None:  # workers read
            from kvmlist.scale.workers import report_figures_in_workers

            progress = progress_for(args, "reading the archive")
            figures = report_figures_in_workers(
                loaded.selection,
                workers,
                mailmap=mailmap,
                progress=progress,
                repeats=loaded.tally.repeats,
                unparsable=loaded.tally.add_unparsable,
            )
        else:
            figures = report_figures(loaded.messages, mailmap=mailmap)  # streams the archive
        if args.git and landed is not None:
            figures = mark_landed(figures, kept, landed)
        span = loaded.commit_span
        if span is None:
            note(args, "no mail arrived in that range")
            return ""
        name = args.list_name or _inbox_name(loaded.inbox, figures)
        text = format_report(figures, range=span, list_name=name, top=args.top)
        if args.since_last and loaded.last_commit:
            inbox, last, state = loaded.inbox, loaded.last_commit, _state_path(args)
            loaded.after_output.append(lambda: record_reported(inbox, last, state))
        return text
    if workers > 1 and not args.git:
        from kvmlist.scale.workers import render_report_in_workers

        return render_report_in_workers(
            worker_source(args),
            workers,
            range=_parse_range(args.range),
            list_name=args.list_name,
            top=args.top,
            mailmap=mailmap,
            progress=progress_for(args, "reading"),
            repeats=loaded.tally.repeats,
            unparsable=loaded.tally.add_unparsable,
        )
    return render_report(
        loaded.messages,
        range=_parse_range(args.range),
        list_name=args.list_name,
        top=args.top,
        mailmap=mailmap,
        landed=landed if args.git else None,
    )


def _inbox_name(inbox: str, figures: ReportFigures) -> str | None:
    if figures.list_ids:
        return None  # the List-Id of the mails names it best
    return Path(inbox).resolve().name.upper() or None


def _state_path(args: argparse.Namespace) -> Path | None:
    return Path(args.state) if getattr(args, "state", None) else None


def _parse_range(text: str | None) -> ReportRange | None:
    if text is None:
        return None
    given = CommitRange.parse(text, both_ends=True)
    assert given.start is not None and given.end is not None
    return ReportRange(given.start, given.end)
