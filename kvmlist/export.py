"""DataFrames and Parquet (needs ``kvmlist[pandas]``: pandas and pyarrow).

>>> df = kvmlist.export.to_dataframe(patches)        # or series, or any messages
>>> kvmlist.export.to_parquet(df, "week.parquet"); kvmlist.export.read_parquet("week.parquet")

Columns are typed: dates are ``datetime64[ns, UTC]``, domains and kinds are categoricals,
counts are integers (nullable where a value may be absent).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from kvmlist.errors import MissingExtraError
from kvmlist.models import Message, Patch, Series

CATEGORICAL = ("kind", "author_domain", "sender_domain")


def _pandas() -> Any:
    try:
        import pandas  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        raise MissingExtraError("DataFrames need pandas: pip install 'kvmlist[pandas]'") from None
    return pandas


def to_dataframe(items: Iterable[Message] | Iterable[Series]) -> Any:
    """Return a pandas DataFrame with one row per message (or per series)."""
    pandas = _pandas()
    rows = [_series_row(i) if isinstance(i, Series) else _message_row(i) for i in items]
    frame = pandas.DataFrame(rows)
    if frame.empty:
        return frame
    for column in ("date", "first_date"):
        if column in frame:
            frame[column] = pandas.to_datetime(frame[column], utc=True).astype(
                "datetime64[ns, UTC]"
            )
    for column in CATEGORICAL:
        if column in frame:
            frame[column] = frame[column].astype("category")
    for column in ("version", "index", "total", "files_changed", "insertions", "deletions",
                   "present", "trailers", "review_trailers"):  # fmt: skip
        if column in frame:
            frame[column] = frame[column].astype("Int64")
    return frame


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
            "files_changed": stat.files_changed if stat else None,
            "insertions": stat.insertions if stat else None,
            "deletions": stat.deletions if stat else None,
        }
    return row


def _series_row(series: Series) -> dict[str, Any]:
    return {
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
    }


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
