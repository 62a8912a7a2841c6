"""The ``kvmlist`` command: report, series and stats over an mbox, a Maildir or ``-``."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from kvmlist._loading import Loaded, is_remote, load, lore_client
from kvmlist._version import __version__
from kvmlist.aggregate import count_by_author, count_by_field, count_by_organisation
from kvmlist.check import check_messages
from kvmlist.errors import KvmlistError, UsageError
from kvmlist.identities import Mailmap, OrganisationMap
from kvmlist.lore import DEFAULT_BASE
from kvmlist.models import Series
from kvmlist.parallel import count_by_field_in_workers
from kvmlist.reader import parse_raw
from kvmlist.report import ReportRange, render_report
from kvmlist.review_stats import review_summary
from kvmlist.series import group_series
from kvmlist.sources.maildir import iter_maildir
from kvmlist.sources.mbox import iter_raw_messages
from kvmlist.state import record_reported

EXIT_USAGE = 2

DESCRIPTION = """\
Typed patches, series and contributor counts from Linux-kernel-style mailing-list archives.
SOURCE is an mbox file (mboxrd or mboxo; .gz, .xz and .bz2 are read transparently),
a Maildir directory, or - for standard input."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr and exit status 2."""

    def error(self, message: str) -> Any:  # argparse's signature says NoReturn
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the kvmlist command."""
    parser = _Parser(prog="kvmlist", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"kvmlist {__version__}")
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )

    report = commands.add_parser(
        "report", help="the weekly list report", description="Render the weekly list report."
    )
    _add_source(report)
    report.add_argument(
        "--range",
        metavar="A..B",
        help="for an mbox: name the period in the header (e.g. e5d776dd9..793f3e63a); "
        "with --inbox: the commit range to report (as --commits)",
    )
    report.add_argument(
        "--since-last",
        action="store_true",
        help="with --inbox: report what arrived since the last report, and remember this one",
    )
    report.add_argument("--state", metavar="FILE", help="where --since-last keeps its state")
    report.add_argument("--list-name", help="the list's name in the header (default: from List-Id)")
    report.add_argument("--top", type=int, default=15, help="rows per ranking (default 15)")

    series = commands.add_parser(
        "series", help="patch series found", description="List the patch series of an archive."
    )
    _add_source(series)
    _add_format(series)

    fetch = commands.add_parser(
        "fetch",
        help="download a thread from lore",
        description="Download the thread of a Message-ID or lore URL as an mbox.",
    )
    fetch.add_argument("source", metavar="MSGID-OR-URL")
    fetch.add_argument(
        "-o", "--output", metavar="FILE", help="write the mbox here (default: stdout)"
    )
    _add_lore_options(fetch)

    review = commands.add_parser(
        "review",
        help="who reviews, and how long series wait",
        description="Per-reviewer review trailers and replies, and median times from a "
        "series' posting to its first reply, first review trailer and acceptance.",
    )
    _add_source(review)
    review.add_argument("--top", type=int, default=15, help="reviewers to show (default 15)")
    _add_format(review)

    check = commands.add_parser(
        "check",
        help="count mails in and out, kinds, series and defects",
        description="Read an archive and say what is in it and what was odd; "
        "exit status 1 when mails were lost.",
    )
    _add_source(check)
    check.add_argument("--format", choices=["table", "json"], default="table")

    stats = commands.add_parser(
        "stats", help="patch mails per author or domain", description="Count patch mails."
    )
    _add_source(stats)
    stats.add_argument("--by", choices=["author", "domain", "organisation"], default="author")
    stats.add_argument("--mailmap", metavar="FILE", help="a git .mailmap that merges aliases")
    stats.add_argument(
        "--orgmap", metavar="FILE", help="organisation map extending the bundled one"
    )
    stats.add_argument("--top", type=int, default=None, help="show only the N largest counts")
    stats.add_argument(
        "--workers", type=int, default=1, metavar="N", help="parse in N processes (mbox, Maildir)"
    )
    _add_format(stats)
    return parser


def _add_source(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "source", metavar="SOURCE", nargs="?", help="mbox file, Maildir directory, or -"
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write the result to FILE instead of stdout"
    )
    _add_lore_options(parser)
    archive = parser.add_argument_group("public-inbox archives (instead of SOURCE)")
    archive.add_argument("--inbox", metavar="PATH", help="a local public-inbox archive (v2 or v1)")
    archive.add_argument(
        "--commits",
        metavar="A..B",
        help="with --inbox: mails after commit A up to B (git range semantics, ids abbreviated)",
    )
    archive.add_argument("--since", metavar="DATE", help="with --inbox: arrived on or after DATE")
    archive.add_argument("--until", metavar="DATE", help="with --inbox: arrived before DATE")


def _add_lore_options(parser: argparse.ArgumentParser) -> None:
    lore = parser.add_argument_group("lore (when SOURCE is a Message-ID or a lore URL)")
    lore.add_argument(
        "--lore-base", metavar="URL", help=f"public-inbox server (default {DEFAULT_BASE})"
    )
    lore.add_argument("--offline", action="store_true", help="answer only from the cache")
    lore.add_argument("--cache-dir", metavar="DIR", help="where lore answers are cached")


def _add_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=["table", "json", "csv"], default="table")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "fetch":
            return _fetch(args)
        if args.command == "check":
            return _check(args)
        loaded = load(args)
        output = COMMANDS[args.command](args, loaded)
    except KvmlistError as error:
        print(f"kvmlist: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    return _emit(output, getattr(args, "output", None))


def _emit(output: str, path: str | None) -> int:
    if path:
        try:
            Path(path).write_text(output, encoding="utf-8")
        except OSError as error:
            print(f"kvmlist: {path}: {error.strerror}", file=sys.stderr)
            return EXIT_USAGE
        return 0
    try:
        sys.stdout.write(output)
        sys.stdout.flush()
    except BrokenPipeError:  # `kvmlist ... | head` is fine
        sys.stderr.close()
    return 0


def _check(args: argparse.Namespace) -> int:
    if args.source is None or args.inbox:
        raise UsageError("check takes a SOURCE: an mbox file, a Maildir or -")
    if args.source == "-":
        data = sys.stdin.buffer.read()
        raws = list(iter_raw_messages(io.BytesIO(data)))
    else:
        raws = list(
            iter_maildir(args.source)
            if Path(args.source).is_dir()
            else iter_raw_messages(args.source)
        )
    result = check_messages(len(raws), parse_raw(raws))
    if args.format == "json":
        summary = {**vars(result), "lost": result.lost}
        text = json.dumps(summary, indent=2, default=dict) + "\n"
    else:
        text = result.render()
    status = _emit(text, args.output)
    return status or (1 if result.lost else 0)


def _fetch(args: argparse.Namespace) -> int:
    with lore_client(args, args.source) as client:
        data = client.thread_mbox(args.source)
    if args.output:
        Path(args.output).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
    return 0


def _report(args: argparse.Namespace, loaded: Loaded) -> str:
    if loaded.inbox is not None:
        span = loaded.commit_span
        if span is None:
            print("kvmlist: no mail arrived in that range", file=sys.stderr)
            return ""
        name = args.list_name or _inbox_name(loaded)
        text = render_report(loaded.messages, range=span, list_name=name, top=args.top)
        if args.since_last and loaded.last_commit:
            record_reported(loaded.inbox, loaded.last_commit, _state_path(args))
        return text
    return render_report(
        loaded.messages, range=_parse_range(args.range), list_name=args.list_name, top=args.top
    )


def _inbox_name(loaded: Loaded) -> str | None:
    if any(m.list_id for m in list(loaded.messages)):
        return None  # the List-Id of the mails names it best
    return Path(loaded.inbox or ".").resolve().name.upper() or None


def _state_path(args: argparse.Namespace) -> Path | None:
    return Path(args.state) if getattr(args, "state", None) else None


def _parse_range(text: str | None) -> ReportRange | None:
    if text is None:
        return None
    start, sep, end = text.partition("..")
    if not sep or not start or not end or ".." in end:
        raise UsageError(f"--range {text!r}: expected A..B, e.g. e5d776dd9..793f3e63a")
    return ReportRange(start, end)


def _series(args: argparse.Namespace, loaded: Loaded) -> str:
    found = group_series(loaded.messages)
    rows = [_series_row(s) for s in found]
    if args.format == "json":
        return (
            json.dumps([s.model_dump(mode="json", exclude=_NO_RAW) for s in found], indent=2) + "\n"
        )
    return _tabulate(rows, args.format)


_NO_RAW: Any = {
    "cover": {"raw"},
    "patches": {"__all__": {"raw"}},
}


def _series_row(series: Series) -> dict[str, Any]:
    return {
        "version": series.version,
        "present": len(series.patches),
        "total": series.total,
        "cover": "yes" if series.cover else "no",
        "missing": " ".join(map(str, series.missing)),
        "date": series.date.isoformat() if series.date else "",
        "author": str(series.author or ""),
        "title": series.title,
    }


def _stats(args: argparse.Namespace, loaded: Loaded) -> str:
    mailmap = Mailmap.from_file(args.mailmap) if args.mailmap else None
    if args.orgmap and args.by != "organisation":
        raise UsageError("--orgmap goes with --by organisation")
    counts: list[tuple[object, int]]
    if args.by == "organisation":
        organisations = OrganisationMap.default()
        if args.orgmap:
            organisations.extend_from_file(args.orgmap)
        counts = list(
            count_by_organisation(
                loaded.messages, organisations=organisations, mailmap=mailmap
            ).most_common(args.top)
        )
    elif args.by == "author" and mailmap is not None:
        counts = list(count_by_author(loaded.messages, mailmap=mailmap).most_common(args.top))
    elif args.workers > 1 and args.source and not is_remote(args.source):
        raws = (
            iter_maildir(args.source)
            if Path(args.source).is_dir()
            else iter_raw_messages(args.source)
        )
        counts = list(count_by_field_in_workers(raws, args.by, args.workers).most_common(args.top))
    else:
        counts = list(count_by_field(loaded.messages, args.by).most_common(args.top))
    rows = [{args.by: str(key), "count": n} for key, n in counts]
    if args.format == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    return _tabulate(rows, args.format)


def _tabulate(rows: list[dict[str, Any]], fmt: str) -> str:
    if not rows:
        return ""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return buffer.getvalue()
    columns = list(rows[0])
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in columns}
    lines = ["  ".join(c.ljust(widths[c]) for c in columns).rstrip()]
    for row in rows:
        lines.append("  ".join(str(row[c]).ljust(widths[c]) for c in columns).rstrip())
    return "\n".join(lines) + "\n"


def _review(args: argparse.Namespace, loaded: Loaded) -> str:
    summary = review_summary(loaded.messages)
    rows = [
        {"reviewer": str(r.person), "reviewed": r.reviewed, "acked": r.acked,
         "tested": r.tested, "replies": r.replies}
        for r in summary.reviewers[: args.top]
    ]  # fmt: skip
    medians = {
        name: _hours(summary.median(name)) for name in ("first_reply", "first_review", "accepted")
    }
    if args.format == "json":
        return json.dumps({"reviewers": rows, "median_hours": medians}, indent=2) + "\n"
    table = _tabulate(rows, args.format)
    if args.format == "csv":
        return table
    lines = [
        f"median hours to {name.replace('_', ' ')}: {value}" for name, value in medians.items()
    ]
    return table + "\n" + "\n".join(lines) + "\n"


def _hours(value: timedelta | None) -> float | None:
    return round(value.total_seconds() / 3600, 1) if value is not None else None


COMMANDS = {"report": _report, "series": _series, "stats": _stats, "review": _review}
