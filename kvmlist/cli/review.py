"""``kvmlist review``: who reviews, and how long patches wait (per reviewer, or per group
with --by: the review economy)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from kvmlist.analysis.aggregate import PERIOD_NAME
from kvmlist.analysis.identities import UNKNOWN, Mailmap
from kvmlist.cli.identities import identities
from kvmlist.cli.loading import Loaded
from kvmlist.cli.output import cell_text, note, render_rows, rows_frame, write_parquet

#: Reviewers (or groups, with --by) ``review``'s table shows without --top (an export: all).
REVIEW_TOP = 15
REVIEWER_COLUMNS = ("reviewer", "reviewed", "acked", "tested", "replies")
#: The pandas type of each figure of an export (Parquet): counts, hours that may be missing.
REVIEW_TYPES = dict.fromkeys(("reviewed", "acked", "tested", "replies", "series"), "int64")


def run_review(args: argparse.Namespace, loaded: Loaded) -> str | None:
    """Return the reviewers and the median waits, as a table, CSV or JSON (None once
    --format parquet has written the CSV's rows)."""
    if args.by:
        return _review_economy(args, loaded)
    from kvmlist.analysis.review_stats import TIMINGS, median_duration, review_summary
    from kvmlist.cli.landed import landed_in, median_time_to_land
    from kvmlist.grouping.pulls import find_pull_requests

    mailmap = Mailmap.from_file(args.mailmap) if args.mailmap else None
    messages = list(loaded.messages)
    summary = review_summary(messages, mailmap=mailmap)
    every = [
        {"reviewer": str(r.person), "reviewed": r.reviewed, "acked": r.acked,
         "tested": r.tested, "replies": r.replies}
        for r in summary.reviewers
    ]  # fmt: skip
    rows, cut = _top(args, every)
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
            note(args, left_out)
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
    if args.format in ("csv", "parquet"):
        if args.freq:
            hours = dict.fromkeys(period_columns[2:], "Float64")
            return _export(args, periods, period_columns, REVIEW_TYPES | hours)
        return _export(args, rows, REVIEWER_COLUMNS, REVIEW_TYPES)
    table = render_rows(rows, args.format, REVIEWER_COLUMNS) + cut
    lines = [
        f"median hours to {name.replace('_', ' ')}: {cell_text(value)}"
        for name, value in medians.items()
    ]
    text = table + "\n" + "\n".join(lines) + "\n"
    return text + "\n" + render_rows(periods, "table", period_columns) if periods else text


def _review_economy(args: argparse.Namespace, loaded: Loaded) -> str | None:
    from kvmlist.analysis.review_economy import ECONOMY_COLUMNS, ECONOMY_TYPES, review_economy

    mailmap, organisations = identities(args)
    economy = review_economy(
        loaded.messages, by=args.by, mailmap=mailmap, organisations=organisations
    )
    rows, cut = _top(args, [{args.by: r.pop("group")} | r for r in economy.rows()])
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
    if args.format in ("csv", "parquet"):
        return _export(args, rows, columns, ECONOMY_TYPES)
    unknown = UNKNOWN + (" or a domain naming no employer" if args.by == "domain" else "")
    lines = [
        f"{economy.reviews:,} review tags on patches (a cover letter's counts once per patch) "
        f"from {summary['reviewers']:,} people; "
        f"half of them from {_people(economy.half_of_reviews)}",
        f"given to another {args.by}'s patches: {cell_text(summary['cross_share_pct'])} %"
        f" (of the tags where both sides are known; {economy.unknown_pairs:,} involve {unknown})",
    ]
    return render_rows(rows, "table", columns) + cut + "\n" + "\n".join(lines) + "\n"


def _export(
    args: argparse.Namespace,
    rows: list[dict[str, Any]],
    columns: Sequence[str],
    types: dict[str, str],
) -> str | None:
    """Return rows as CSV, or write them to the --output Parquet file typed (None)."""
    if args.format == "parquet":
        write_parquet(rows_frame(rows, columns, types), args.output)
        return None
    return render_rows(rows, "csv", columns)


def _top(args: argparse.Namespace, rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str]:
    """Return the rows to write and a line saying the table cut them: --top N of them, or
    for a table REVIEW_TOP; an export (csv, json) carries every row unless --top is given."""
    top = args.top or (REVIEW_TOP if args.format == "table" else None)
    if top is None or len(rows) <= top:
        return rows, ""
    cut = (
        ""
        if args.top
        else f"the {top} first of {len(rows):,} (--top N for more, --format csv for all)\n"
    )
    return rows[:top], cut


def _people(count: int) -> str:
    return "1 person" if count == 1 else f"{count:,} people"


def _hours(value: timedelta | None) -> float | None:
    return round(value.total_seconds() / 3600, 1) if value is not None else None
