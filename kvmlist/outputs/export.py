"""DataFrames and Parquet (needs ``kvmlist[pandas]``: pandas and pyarrow).

>>> df = kvmlist.outputs.export.to_dataframe(patches)        # or series, or any messages
>>> kvmlist.outputs.export.to_parquet(df, "week.parquet")
>>> kvmlist.outputs.export.read_parquet("week.parquet")
>>> kvmlist.outputs.export.to_dataframe(series, messages=mails)  # + review and acceptance timings

Columns are typed: dates are ``datetime64[ns, UTC]``, waits are ``timedelta64[ns]``, domains,
kinds and trees are categoricals, counts are integers (nullable where a value may be absent).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from kvmlist.errors import MissingExtraError
from kvmlist.models import Message, Patch, Series

CATEGORICAL = ("kind", "author_domain", "sender_domain", "applied_tree")
COUNTS = (
    "version", "index", "total", "files_changed", "insertions", "deletions", "present",
    "trailers", "review_trailers", "reviewed_by", "acked_by", "tested_by", "applied",
)  # fmt: skip
#: Review trailer keys counted in columns of their own.
REVIEW_COLUMNS = {"reviewed-by": "reviewed_by", "acked-by": "acked_by", "tested-by": "tested_by"}
WAITS = ("first_reply", "first_review", "accepted")


def _pandas() -> Any:
    try:
        import pandas  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        raise MissingExtraError("DataFrames need pandas: pip install 'kvmlist[pandas]'") from None
    return pandas


def to_dataframe(
    items: Iterable[Message] | Iterable[Series], *, messages: Iterable[Message] | None = None
) -> Any:
    """Return a pandas DataFrame with one row per message (or per series).

    Series rows get the lifecycle columns from the mails of ``messages`` when given (usually
    the mails the series were grouped from): ``first_reply``, ``first_review`` and
    ``accepted`` (waits from posting, see kvmlist.analysis.review_stats), ``applied`` (patches
    applied),
    ``applied_tree`` and ``applied_commits`` (see kvmlist.grouping.acceptance.acceptance_of).
    """
    pandas = _pandas()
    things: list[Message | Series] = list(items)
    lifecycle = _lifecycle(things, messages) if messages is not None else None
    rows = [_series_row(i, lifecycle) if isinstance(i, Series) else _message_row(i) for i in things]
    frame = pandas.DataFrame(rows)
    if frame.empty:
        return frame
    for column in ("date", "first_date"):
        if column in frame:
            frame[column] = pandas.to_datetime(frame[column], utc=True).astype(
                "datetime64[ns, UTC]"
            )
    for column in WAITS:
        if column in frame:
            frame[column] = pandas.to_timedelta(frame[column]).astype("timedelta64[ns]")
    for column in CATEGORICAL:
        if column in frame:
            frame[column] = frame[column].astype("category")
    for column in COUNTS:
        if column in frame:
            frame[column] = frame[column].astype("Int64")
    return frame


def _lifecycle(
    items: list[Message | Series], messages: Iterable[Message]
) -> dict[str, dict[str, Any]]:
    """Return the lifecycle columns per series anchor Message-ID."""
    from kvmlist.analysis.review_stats import review_summary
    from kvmlist.grouping.acceptance import acceptance_of

    series = [i for i in items if isinstance(i, Series)]
    mails = list(messages)
    columns: dict[str, dict[str, Any]] = {}
    for timing in review_summary(mails).timings:
        if timing.series.anchor_id is not None:
            columns[timing.series.anchor_id] = {w: getattr(timing, w) for w in WAITS}
    accepted = acceptance_of(series, mails)
    for one in series:
        anchor = one.anchor_id or ""
        found = accepted.get(anchor)
        columns.setdefault(anchor, dict.fromkeys(WAITS))
        columns[anchor] |= {
            "applied": len(found.applied) if found else 0,
            "applied_tree": (" ".join(found.trees) or None) if found else None,
            "applied_commits": (" ".join(found.commits) or None) if found else None,
        }
    return columns


def _review_counts(patches: Iterable[Patch]) -> dict[str, int]:
    counts = dict.fromkeys(REVIEW_COLUMNS.values(), 0)
    for patch in patches:
        for trailer in patch.review_trailers:
            column = REVIEW_COLUMNS.get(trailer.key.lower())
            if column is not None:
                counts[column] += 1
    return counts


def _message_row(message: Message) -> dict[str, Any]:
    row: dict[str, Any] = {
        "message_id": message.message_id,
        "kind": message.kind,
        "subject": message.subject,
        "date": message.date,
        "sender_name": message.sender.name if message.sender else None,
        "sender_email": message.sender.email if message.sender else None,
        "sender_domain": message.sender.domain if message.sender else None,
        "in_reply_to": message.in_reply_to,
        "defects": ",".join(d.kind for d in message.defects),
    }
    if isinstance(message, Patch):
        stat = message.diffstat
        row |= {
            "title": message.title,
            "version": message.version,
            "index": message.index,
            "total": message.total,
            "prefixes": " ".join(message.prefixes),
            "author_name": message.author.name if message.author else None,
            "author_email": message.author.email if message.author else None,
            "author_domain": message.author.domain if message.author else None,
            "trailers": len(message.trailers),
            "review_trailers": len(message.review_trailers),
            **_review_counts([message]),
            "files_changed": stat.files_changed if stat else None,
            "insertions": stat.insertions if stat else None,
            "deletions": stat.deletions if stat else None,
        }
    return row


def _series_row(series: Series, lifecycle: dict[str, dict[str, Any]] | None) -> dict[str, Any]:
    row = {
        "title": series.title,
        "version": series.version,
        "total": series.total,
        "present": len(series.patches),
        "complete": series.complete,
        "missing": " ".join(map(str, series.missing)),
        "has_cover": series.cover is not None,
        "author_name": series.author.name if series.author else None,
        "author_email": series.author.email if series.author else None,
        "author_domain": series.author.domain if series.author else None,
        "first_date": series.date,
        "first_message_id": series.first.message_id if series.first else None,
        "previous_id": series.previous_id,
        "next_id": series.next_id,
        **_review_counts(series.patches),
    }
    if lifecycle is not None:
        row |= lifecycle.get(series.anchor_id or "", dict.fromkeys(WAITS))
    return row


def to_parquet(frame: Any, path: str | os.PathLike[str]) -> None:
    """Write a DataFrame from :func:`to_dataframe` to a Parquet file (pyarrow)."""
    _pandas()
    try:
        frame.to_parquet(path, engine="pyarrow", index=False)
    except ImportError:
        raise MissingExtraError("Parquet needs pyarrow: pip install 'kvmlist[pandas]'") from None


def read_parquet(path: str | os.PathLike[str]) -> Any:
    """Read a Parquet file written by :func:`to_parquet` back, with the same column types."""
    pandas = _pandas()
    try:
        return pandas.read_parquet(path, engine="pyarrow")
    except ImportError:
        raise MissingExtraError("Parquet needs pyarrow: pip install 'kvmlist[pandas]'") from None
