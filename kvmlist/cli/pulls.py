"""``kvmlist pulls``: the pull requests of an archive and what says they were merged."""

from __future__ import annotations

import argparse
import json
from typing import Any

from kvmlist.cli.loading import Loaded
from kvmlist.cli.output import render_rows
from kvmlist.grouping.pulls import PullMerge, PullRequest, find_pull_requests

#: Hex digits of a merge commit shown in a table (CSV and JSON give all of them).
SHORT_COMMIT = 12
#: A row's columns; CSV and JSON have FULL_COLUMNS after them.
COLUMNS = ("posted", "from", "subject", "merged", "by", "tree", "commit")
FULL_COLUMNS = ("message_id", "url", "branch", "notices")


def run_pulls(args: argparse.Namespace, loaded: Loaded) -> str:
    """Return the pull requests, oldest first as the archive holds them, as a table, CSV or
    JSON; a table opens with how many were merged."""
    found = find_pull_requests(loaded.messages)
    full = args.format != "table"
    rows = [_row(one, full=full) for one in found]
    if args.format == "json":
        summary = {"requests": len(found), "merged": sum(one.merged for one in found)}
        return json.dumps({"summary": summary, "pulls": rows}, indent=2, ensure_ascii=False) + "\n"
    if args.format == "csv":
        return render_rows(rows, "csv", COLUMNS + FULL_COLUMNS)
    head = f"{len(found):,} pull requests, {sum(one.merged for one in found):,} merged"
    return head + ("\n\n" + render_rows(rows, "table", COLUMNS) if rows else "\n")


def _row(one: PullRequest, *, full: bool) -> dict[str, Any]:
    request = one.request
    sender = request.sender
    merge = one.merges[0] if one.merges else None
    row: dict[str, Any] = {
        "posted": request.date.date().isoformat() if request.date else None,
        "from": str(sender or "") if full else (sender.name or sender.email if sender else ""),
        "subject": request.subject,
        "merged": _merged_on(merge),
        "by": merge.by if merge else None,
        "tree": merge.tree if merge else None,
        "commit": _commit(merge, full=full),
    }
    if full:
        row |= {"message_id": request.message_id, "url": one.url, "branch": one.branch}
        row["notices"] = len(one.merges) if merge else 0
    return row


def _commit(merge: PullMerge | None, *, full: bool) -> str | None:
    if merge is None or merge.commit is None:
        return None
    return merge.commit if full else merge.commit[:SHORT_COMMIT]


def _merged_on(merge: PullMerge | None) -> str | None:
    if merge is None:
        return None
    return merge.date.date().isoformat() if merge.date else "yes"
