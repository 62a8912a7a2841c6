"""``kvmlist stalled`` (series nobody answered), ``kvmlist subsystems`` (per MAINTAINERS
section) and ``kvmlist site`` (the static dashboard), docs/insight.md."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from kvmlist.analysis.identities import Mailmap
from kvmlist.analysis.maintainers import Maintainers
from kvmlist.analysis.stalled import StalledReport, StalledSeries, find_stalled
from kvmlist.analysis.subsystems import SECTION_COLUMNS, subsystem_stats
from kvmlist.cli.loading import Loaded
from kvmlist.cli.output import render_rows, say, write_folder
from kvmlist.grouping.landed import LandedMap, find_landed
from kvmlist.models import Message

#: Recipients shown in a table cell before "+N".
SHOWN_RECIPIENTS = 3


def run_subsystems(args: argparse.Namespace, loaded: Loaded) -> str:
    """Return the per-section table."""
    maintainers = Maintainers.from_file(args.maintainers)
    rows = [one.row() for one in subsystem_stats(loaded.messages, maintainers)][: args.top]
    if args.format == "json":
        return json.dumps(rows, indent=2) + "\n"
    return render_rows(rows, args.format, SECTION_COLUMNS)


def _landed(args: argparse.Namespace, mails: list[Message]) -> LandedMap | None:
    if not args.git:
        return None
    mailmap = Mailmap.from_file(args.mailmap) if getattr(args, "mailmap", None) else None
    return find_landed(mails, args.git, mailmap=mailmap)


def run_site(args: argparse.Namespace, loaded: Loaded) -> None:
    """Write the dashboard; say on stderr how many pages and where."""
    from kvmlist.analysis.identities import OrganisationMap
    from kvmlist.outputs.report import list_name_of
    from kvmlist.outputs.site import build_model, write_site

    mails = list(loaded.messages)
    maintainers = Maintainers.from_file(args.maintainers) if args.maintainers else None
    organisations = OrganisationMap.default()
    if args.orgmap:
        organisations.extend_from_file(args.orgmap)
    model = build_model(
        mails,
        list_name=args.list_name or list_name_of(mails),
        mailmap=Mailmap.from_file(args.mailmap) if args.mailmap else None,
        organisations=organisations,
        older=args.older,
        lore_base=args.lore_link,
        landed=_landed(args, mails),
        maintainers=maintainers,
    )
    written: list[Path] = []
    write_folder(args.output, lambda: written.extend(write_site(model, args.output)))
    if not getattr(args, "quiet", False):
        left_out = loaded.tally.outside_periods("week", patches=False)
        if left_out:
            say(left_out)
        print(f"kvmlist: {len(written)} pages in {args.output}/index.html", file=sys.stderr)


def run_stalled(args: argparse.Namespace, loaded: Loaded) -> str:
    """Return the stalled series and the re-sent ones as a table, CSV or JSON."""
    mails = list(loaded.messages)
    report = find_stalled(
        mails, older=args.older, now=args.now, lore_base=args.lore_link, landed=_landed(args, mails)
    )
    rows = [_row(one, full=args.format != "table") for one in report.stalled]
    if args.format == "json":
        return json.dumps({"summary": _summary(report), "stalled": rows,
                           "resent": _resent_rows(report),
                           "undated": _undated_rows(report)}, indent=2) + "\n"  # fmt: skip
    if args.format == "csv":
        return render_rows(rows, "csv", STALLED_COLUMNS)
    summary = _summary(report)
    head = (
        f"{summary['stalled']:,} of {summary['series']:,} series stalled "
        f"(older than {summary['older_days']:g} days"
        + (f" on {summary['now']})" if summary["now"] else "; no dated mail)")
    )
    text = head + "\n\n" + render_rows(rows, "table", STALLED_COLUMNS)
    resent = _resent_rows(report)
    if resent:
        again = render_rows(resent, "table", RESENT_COLUMNS)
        text += f"\nRe-sent by somebody else ({len(resent)}):\n\n" + again
    undated = _undated_rows(report)
    if undated:
        unjudged = render_rows(undated, "table", UNDATED_COLUMNS)
        text += f"\nNot judged: no plausible date ({len(undated)}):\n\n" + unjudged
    return text


def _summary(report: StalledReport) -> dict[str, Any]:
    return {
        "series": report.series,
        "stalled": len(report.stalled),
        "resent": len(report.resent),
        "autosel": report.automated,
        "undated": len(report.undated),
        "older_days": report.older.total_seconds() / 86400,
        "now": report.now.date().isoformat() if report.now else None,
    }


STALLED_COLUMNS = ("posted", "days", "version", "patches", "author", "title", "link", "to")
RESENT_COLUMNS = ("posted", "again", "by", "first_author", "title")
UNDATED_COLUMNS = ("why", "author", "title", "message_id")


def _row(one: StalledSeries, *, full: bool) -> dict[str, Any]:
    people = [str(p) if full else (p.name or p.email) for p in one.recipients]
    if not full and len(people) > SHOWN_RECIPIENTS:
        people = [*people[:SHOWN_RECIPIENTS], f"+{len(people) - SHOWN_RECIPIENTS}"]
    series = one.series
    return {
        "posted": series.date.date().isoformat() if series.date else None,
        "days": one.age.days,
        "version": series.version,
        "patches": series.total,
        "author": str(series.author) if full else (series.author.name if series.author else ""),
        "title": series.title,
        "link": one.link or None,  # no link for an id lore would not name: "-"
        "to": ("; " if full else ", ").join(people),
    }


def _resent_rows(report: StalledReport) -> list[dict[str, Any]]:
    return [
        {
            "posted": one.original.date.date().isoformat() if one.original.date else None,
            "again": one.again.date.date().isoformat() if one.again.date else None,
            "by": str(one.by or ""),
            "first_author": str(one.original.author or ""),
            "title": one.again.title,
        }
        for one in report.resent
    ]


def _undated_rows(report: StalledReport) -> list[dict[str, Any]]:
    return [
        {"why": why, "author": str(one.author or ""), "title": one.title,
         "message_id": one.anchor_id}
        for one, why in report.undated
    ]  # fmt: skip
