"""The ``kvmlist`` command: report, series, stats, review, check, plot and fetch.

Exit status: 0 done, 1 a problem found in the input (``check``: mails were lost), 2 a user's
mistake (a bad option, an unreadable input, an unwritable output): one line, no traceback.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable, Iterable, Sequence
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kvmlist._html import index_ranges
from kvmlist.analysis.aggregate import (
    PERIOD_NAME,
    OrganisationKey,
    PatchKeys,
    count_by_field,
    explain_unknown,
)
from kvmlist.analysis.identities import UNKNOWN, Mailmap, OrganisationMap
from kvmlist.cli.arguments import build_parser
from kvmlist.cli.checks import check_options
from kvmlist.cli.loading import (
    Loaded,
    Noted,
    fetch_thread,
    inbox_selection,
    is_remote,
    iter_raw_mails,
    load,
    noting_skipped,
    progress_for,
    wants_progress,
    with_progress,
)
from kvmlist.cli.output import (
    EXIT_FOUND,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    cell_text,
    deliver,
    emit,
    emit_bytes,
    open_standard_streams,
    render_rows,
    rows_frame,
    say,
    write_file,
    write_parquet,
)
from kvmlist.cli.state import record_reported
from kvmlist.errors import KvmlistError, UsageError
from kvmlist.grouping.series import group_series
from kvmlist.models import Message, Patch, Series
from kvmlist.outputs.report import (
    ReportFigures,
    ReportRange,
    format_report,
    render_report,
    report_figures,
)
from kvmlist.sources.reader import Counted, parse_raw
from kvmlist.sources.revrange import CommitRange

if TYPE_CHECKING:
    from kvmlist.grouping.landed import LandedMap
    from kvmlist.sources.public_inbox import InboxSelection

# Modules only some commands need are imported in those commands, so that the start-up of
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
            return _fetch(args)
        if args.command == "check":
            return _check(args, noted)
        loaded = load(args)
        loaded.messages = _as_held(args, loaded)
        output = COMMANDS[args.command](args, loaded)
        for line in [*loaded.tally.notes(), *noted.notes()]:
            _note(args, line)
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


#: Commands that hold the whole archive, each mail as kvmlist.cli.holding keeps it.
HOLDING_COMMANDS = ("series", "review", "stalled", "pulls")


def _as_held(args: argparse.Namespace, loaded: Loaded) -> Iterable[Message]:
    """series, review, stalled and pulls hold the whole archive: each mail without the raw
    bytes they do not read (kvmlist.cli.holding); stalled reads patches' bodies (revisions,
    To/Cc), and so does review with --git (diffs). With workers, they parse the mails and
    make them so, and hand back only what is held (``loaded.messages`` is left unread)."""
    if args.command not in HOLDING_COMMANDS:
        return loaded.messages
    from kvmlist.cli.holding import held, held_one

    patch_bodies = args.command == "stalled" or bool(getattr(args, "git", None))
    workers = _workers(args)
    if workers <= 1:
        return held(loaded.messages, patch_bodies=patch_bodies)
    from kvmlist.scale.workers import map_in_workers

    keep = partial(held_one, patch_bodies=patch_bodies)
    kept = map_in_workers(_worker_source(args, loaded), workers, keep)
    progress = progress_for(args, "reading")
    return loaded.tally.counted(progress(kept) if progress else kept)


def _note(args: argparse.Namespace, text: str) -> None:
    """Tell the user something on stderr, unless --quiet."""
    if not getattr(args, "quiet", False):
        say(text)


def _check(args: argparse.Namespace, noted: Noted) -> int:
    from kvmlist.analysis.check import check_messages

    workers = _workers(args)
    if workers > 1:
        from kvmlist.scale.workers import check_in_workers

        # the workers split a file, or read an archive's mails from git, themselves
        source = _worker_source(args)
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
    return status or (EXIT_FOUND if result.lost or result.skipped else EXIT_OK)


def _fetch(args: argparse.Namespace) -> int:
    emit_bytes(fetch_thread(args, args.source), args.output)
    return EXIT_OK


def _report(args: argparse.Namespace, loaded: Loaded) -> str:
    mailmap = Mailmap.from_file(args.mailmap) if args.mailmap else None
    landed: LandedMap | None = None
    workers = _workers(args)
    if args.git:  # the mails are kept for find_landed and the marks: no streaming
        from kvmlist.cli.landed import landed_in
        from kvmlist.outputs.landed_marks import mark_landed

        kept = list(_parsed(args, loaded, workers))
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
            _note(args, "no mail arrived in that range")
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
            _worker_source(args),
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


def _parsed(args: argparse.Namespace, loaded: Loaded, workers: int) -> Iterable[Message]:
    """The command's messages, parsed in worker processes when there are several: the same
    messages in the same order as ``loaded.messages`` (which is left unread then)."""
    if workers <= 1:
        return loaded.messages
    from kvmlist.scale.workers import parse_in_workers

    parsed = parse_in_workers(_worker_source(args, loaded), workers)
    progress = progress_for(args, "reading")
    return loaded.tally.counted(progress(parsed) if progress else parsed)


def _workers(args: argparse.Namespace) -> int:
    """Processes to parse in: --workers, else one per core for a large file and for a
    public-inbox archive, given as --inbox or as the SOURCE (stats, check, report and the
    commands that hold the archive)."""
    archive_jobs = args.command in ("stats", "check", "report", *HOLDING_COMMANDS)
    if getattr(args, "inbox", None):
        if not archive_jobs:
            return 1
        return int(args.workers) if args.workers is not None else os.cpu_count() or 1
    if not args.source or is_remote(args.source):
        return 1
    if args.workers is not None:
        return int(args.workers)
    from kvmlist.scale.workers import worth_workers
    from kvmlist.sources.spec import classify_source

    if archive_jobs and classify_source(args.source).kind == "inbox":
        return os.cpu_count() or 1  # the workers read the archive's mails themselves
    return (os.cpu_count() or 1) if worth_workers(args.source) else 1


def _worker_source(args: argparse.Namespace, loaded: Loaded | None = None) -> str | InboxSelection:
    """What the workers read and parse: the file, the archive's selected mails (they read
    them from git), or standard input (``-``, named so in errors as one process names it)."""
    if getattr(args, "inbox", None):
        return loaded.selection if loaded and loaded.selection else inbox_selection(args)
    return str(args.source)


def _inbox_name(inbox: str, figures: ReportFigures) -> str | None:
    if figures.list_ids:
        return None  # the List-Id of the mails names it best
    return Path(inbox).resolve().name.upper() or None


def _state_path(args: argparse.Namespace) -> Path | None:
    return Path(args.state) if getattr(args, "state", None) else None


def _parse_range(text: str | None) -> ReportRange | None:
    if text is None:
        return None
    given = CommitRange.parse(text)
    if given.start is None or given.end is None:
        raise UsageError(f"--range {text!r}: expected A..B, e.g. e5d776dd9..793f3e63a")
    return ReportRange(given.start, given.end)


def _series(args: argparse.Namespace, loaded: Loaded) -> str | None:
    found = group_series(loaded.messages, progress=progress_for(args, "grouping"))
    if args.format == "parquet":
        from kvmlist.outputs.export import to_dataframe

        write_parquet(to_dataframe(found, of="series"), args.output)
        return None
    if args.format == "json":
        return (
            json.dumps([s.model_dump(mode="json", exclude=_NO_RAW) for s in found], indent=2) + "\n"
        )
    return render_rows([_series_row(s) for s in found], args.format, SERIES_COLUMNS)


_NO_RAW: Any = {
    "cover": {"raw"},
    "patches": {"__all__": {"raw"}},
    "replaced": {"__all__": {"raw"}},
}


SERIES_COLUMNS = ("version", "present", "total", "cover", "missing", "date", "author", "title")


def _series_row(series: Series) -> dict[str, Any]:
    return {
        "version": series.version,
        "present": len(series.patches),
        "total": series.total,
        "cover": "yes" if series.cover else "no",
        "missing": index_ranges(series.missing),
        "date": series.date.isoformat() if series.date else "",
        "author": str(series.author or ""),
        "title": series.title,
    }


def _stats(args: argparse.Namespace, loaded: Loaded) -> str | None:
    mailmap, organisations = _identities(args)
    counts: Sequence[tuple[object, int]]
    workers = _workers(args)
    if args.by == "organisation" and organisations is not None:
        key = OrganisationKey(organisations, mailmap)
        counts = _patch_keys(args, loaded, workers, key).counts().most_common(args.top)
        if key.unknown:
            _note(args, explain_unknown(key.unknown))
    elif workers > 1:
        from kvmlist.scale.workers import count_by_field_in_workers

        # the workers split the file, or parse the raw mails this process reads from an
        # archive; the bar counts the mails they hand back
        counts = count_by_field_in_workers(
            _worker_source(args, loaded),
            args.by,
            workers,
            mailmap=mailmap,
            progress=progress_for(args, "counting"),
            repeats=loaded.tally.repeats,
            unparsable=loaded.tally.add_unparsable,
        ).most_common(args.top)
    else:
        counts = count_by_field(loaded.messages, args.by, mailmap=mailmap).most_common(args.top)
    rows = [{args.by: str(key), "count": n} for key, n in counts]
    if args.format == "parquet":
        write_parquet(rows_frame(rows, text=[args.by], integers=["count"]), args.output)
        return None
    return render_rows(rows, args.format, [args.by, "count"])


def _patch_keys(
    args: argparse.Namespace, loaded: Loaded, workers: int, key: Callable[[Patch], Any]
) -> PatchKeys:
    """Return each patch mail's key, parsed in workers when there are several."""
    if workers <= 1:
        return PatchKeys.of(loaded.messages, key)
    from kvmlist.scale.workers import patch_keys_in_workers

    source = _worker_source(args, loaded)
    progress = progress_for(args, "counting")
    tally = loaded.tally
    return patch_keys_in_workers(
        source,
        workers,
        key,
        progress=progress,
        repeats=tally.repeats,
        unparsable=tally.add_unparsable,
    )


def _identities(args: argparse.Namespace) -> tuple[Mailmap | None, OrganisationMap | None]:
    """Return the --mailmap and, with --by organisation, the bundled map plus --orgmap."""
    mailmap = Mailmap.from_file(args.mailmap) if args.mailmap else None
    if args.by != "organisation":
        return mailmap, None
    organisations = OrganisationMap.default()
    if args.orgmap:
        organisations.extend_from_file(args.orgmap)
    return mailmap, organisations


def _plot(args: argparse.Namespace, loaded: Loaded) -> None:
    from kvmlist.outputs import plot

    mailmap, organisations = _identities(args)
    if args.kind == "top":
        figure = plot.top_contributors(
            loaded.messages,
            by=args.by,
            top=args.top or 15,
            orgmap=organisations,
            mailmap=mailmap,
        )
    else:
        freq = args.freq or "W"
        figure = plot.patches_per_period(
            loaded.messages,
            freq=freq,
            by=args.by,
            top=args.top or 8,
            orgmap=organisations,
            mailmap=mailmap,
        )
        left_out = loaded.tally.outside_periods(PERIOD_NAME[freq], patches=True)
        if left_out:
            _note(args, left_out)
    write_file(args.output, lambda name: plot.save(figure, name))


#: Reviewers (or groups, with --by) ``review`` shows without --top.
REVIEW_TOP = 15
REVIEWER_COLUMNS = ("reviewer", "reviewed", "acked", "tested", "replies")


def _review(args: argparse.Namespace, loaded: Loaded) -> str:
    if args.by:
        return _review_economy(args, loaded)
    from kvmlist.analysis.review_stats import TIMINGS, median_duration, review_summary
    from kvmlist.cli.landed import landed_in, median_time_to_land
    from kvmlist.grouping.pulls import find_pull_requests

    mailmap = Mailmap.from_file(args.mailmap) if args.mailmap else None
    messages = list(loaded.messages)
    summary = review_summary(messages, mailmap=mailmap)
    rows = [
        {"reviewer": str(r.person), "reviewed": r.reviewed, "acked": r.acked,
         "tested": r.tested, "replies": r.replies}
        for r in summary.reviewers[: args.top or REVIEW_TOP]
    ]  # fmt: skip
    medians = {name: _hours(summary.median(name)) for name in TIMINGS}
    pulls = find_pull_requests(messages)
    if pulls:  # lists that get pull requests: how long they wait to be pulled
        waits = median_duration(one.time_to_merge for one in pulls)
        medians["merge (pull requests)"] = _hours(waits)
    landed = landed_in(args, messages)
    if landed is not None:
        medians["land (from v1)"] = _hours(median_time_to_land(messages, landed))
    if args.freq:
        period = PERIOD_NAME[args.freq]
        left_out = loaded.tally.outside_periods(period, patches=False, also=" and time no wait")
        if left_out:
            _note(args, left_out)
    period_columns = ["period", "series", *(f"{name}_hours" for name in TIMINGS)]
    periods = [
        {"period": p.period, "series": p.series}
        | {f"{name}_hours": _hours(getattr(p, name)) for name in TIMINGS}
        for p in (summary.per_period(args.freq) if args.freq else ())
    ]
    if args.format == "json":
        data: dict[str, Any] = {"reviewers": rows, "median_hours": medians}
        if args.freq:
            data["periods"] = periods
        return json.dumps(data, indent=2) + "\n"
    if args.format == "csv":
        if args.freq:
            return render_rows(periods, "csv", period_columns)
        return render_rows(rows, "csv", REVIEWER_COLUMNS)
    table = render_rows(rows, args.format, REVIEWER_COLUMNS)
    lines = [
        f"median hours to {name.replace('_', ' ')}: {cell_text(value)}"
        for name, value in medians.items()
    ]
    text = table + "\n" + "\n".join(lines) + "\n"
    return text + "\n" + render_rows(periods, "table", period_columns) if periods else text


def _review_economy(args: argparse.Namespace, loaded: Loaded) -> str:
    from kvmlist.analysis.review_economy import ECONOMY_COLUMNS, review_economy

    mailmap, organisations = _identities(args)
    economy = review_economy(
        loaded.messages, by=args.by, mailmap=mailmap, organisations=organisations
    )
    rows = [{args.by: r.pop("group")} | r for r in economy.rows()[: args.top or REVIEW_TOP]]
    columns = [args.by if c == "group" else c for c in ECONOMY_COLUMNS]
    share = economy.cross_share
    summary = {
        "reviews": economy.reviews,
        "reviewers": len(economy.reviews_by_person),
        "half_of_reviews_by": economy.half_of_reviews,
        "cross_share_pct": round(100 * share, 1) if share is not None else None,
        "pairs_with_unknown": economy.unknown_pairs,
    }
    if args.format == "json":
        return json.dumps({"groups": rows, "summary": summary}, indent=2) + "\n"
    if args.format == "csv":
        return render_rows(rows, "csv", columns)
    lines = [
        f"{economy.reviews:,} review tags on patches (a cover letter's counts once per patch) "
        f"from {summary['reviewers']:,} people; "
        f"half of them from {_people(economy.half_of_reviews)}",
        f"given to another {args.by}'s patches: {cell_text(summary['cross_share_pct'])} %"
        f" (of the tags where both sides are known; {economy.unknown_pairs:,} involve {UNKNOWN})",
    ]
    return render_rows(rows, "table", columns) + "\n" + "\n".join(lines) + "\n"


def _people(count: int) -> str:
    return "1 person" if count == 1 else f"{count:,} people"


def _hours(value: timedelta | None) -> float | None:
    return round(value.total_seconds() / 3600, 1) if value is not None else None


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
    "plot": _plot,
    "report": _report,
    "review": _review,
    "series": _series,
    "stats": _stats,
}
