"""``kvmlist landed ARCHIVE --git TREE``: which posted patches reached the tree, and how."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Iterator
from datetime import timedelta
from typing import Any

from kvmlist.analysis.review_stats import median_duration
from kvmlist.cli.loading import Loaded
from kvmlist.cli.output import render_rows
from kvmlist.grouping.landed import LandedMap, find_landed
from kvmlist.grouping.landed.series import series_landings
from kvmlist.grouping.series import group_series
from kvmlist.models import Message, Patch
from kvmlist.sources.revrange import revision


def landed_in(args: argparse.Namespace, messages: list[Message]) -> LandedMap | None:
    """Return what of messages landed in --git TREE, None without --git."""
    if not getattr(args, "git", None):
        return None
    from kvmlist.analysis.identities import Mailmap

    mailmap = Mailmap.from_file(args.mailmap) if getattr(args, "mailmap", None) else None
    return find_landed(messages, args.git, mailmap=mailmap)


def median_time_to_land(messages: list[Message], landed: LandedMap) -> timedelta | None:
    """Return the median time from v1 to the last commit of the series that landed."""
    landings = series_landings(group_series(messages), landed)
    return median_duration(one.time_to_land for one in landings)


def run_landed(args: argparse.Namespace, loaded: Loaded) -> str:
    """Return the landed table (per patch, or per series with --series)."""
    from kvmlist.analysis.identities import Mailmap

    mailmap = Mailmap.from_file(args.mailmap) if args.mailmap else None
    revs = tuple(revision(rev, "--range") for rev in args.range.split()) if args.range else ()
    messages: list[Message] = []
    # the archive is read while git log runs: find_landed starts git before it reads mails
    landed = find_landed(_kept(loaded.messages, messages), args.git, revs=revs, mailmap=mailmap)
    columns = SERIES_COLUMNS if args.series else PATCH_COLUMNS
    if args.series:
        rows = [_series_row(one) for one in series_landings(group_series(messages), landed)]
    else:
        patches = [m for m in messages if isinstance(m, Patch) and m.has_diff and not m.is_cover]
        rows = [_patch_row(m, landed.of(m.message_id), landed.duplicate_of.get(m.message_id))
                for m in patches]  # fmt: skip
    if args.format == "json":
        return json.dumps(rows, indent=2) + "\n"
    return render_rows(rows, args.format, columns)


def _kept(messages: Iterable[Message], into: list[Message]) -> Iterator[Message]:
    """Yield the messages, keeping each in into."""
    for message in messages:
        into.append(message)
        yield message


PATCH_COLUMNS = (
    "message_id", "title", "commit", "committed", "release", "how", "score", "reverted_by",
)  # fmt: skip
SERIES_COLUMNS = (
    "anchor", "version", "title", "landed", "patches", "reverted", "of", "landed_at",
    "days_from_v1",
)  # fmt: skip


def _patch_row(mail: Patch, landing: Any, duplicate: str | None) -> dict[str, Any]:
    return {
        "message_id": mail.message_id,
        "title": mail.title,
        "commit": landing.commit[:12] if landing else "",
        "committed": landing.committed_at.isoformat() if landing else "",
        "release": (landing.release or "") if landing else "",
        "how": landing.how if landing else ("duplicate" if duplicate else ""),
        "score": landing.score if landing else None,
        "reverted_by": (landing.reverted_by or "")[:12] if landing else "",
    }


def _series_row(one: Any) -> dict[str, Any]:
    days = one.time_to_land.total_seconds() / 86400 if one.time_to_land else None
    return {
        "anchor": one.series.anchor_id,
        "version": one.series.version,
        "title": one.series.title,
        "landed": one.state,
        "patches": " ".join(map(str, one.landed_indices)),
        "reverted": " ".join(map(str, one.reverted_indices)),
        "of": len(one.series.patches),
        "landed_at": one.landed_at.isoformat() if one.landed_at else "",
        "days_from_v1": round(days, 1) if days is not None else None,
    }
