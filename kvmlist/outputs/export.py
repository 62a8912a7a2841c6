"""DataFrames and Parquet (needs ``kvmlist[pandas]``: pandas and pyarrow).

>>> df = kvmlist.outputs.export.to_dataframe(patches)        # or series, or any messages
>>> kvmlist.outputs.export.to_parquet(df, "week.parquet")
>>> kvmlist.outputs.export.read_parquet("week.parquet")
>>> kvmlist.outputs.export.to_dataframe(series, messages=mails)  # + review and acceptance timings
>>> kvmlist.outputs.export.to_dataframe(patches, landed=find_landed(mails, "tree"))  # + landed_*

Columns are typed: dates are ``datetime64[ns, UTC]``, waits are ``timedelta64[ns]``, the
closed sets (``kind``, ``landed``, ``landed_how``) are categoricals with every value they can
take as categories, counts are integers (nullable where a value may be absent), and text
(domains, trees and releases included: open sets) is what pandas makes of strings. A frame
has the same columns and types whatever its rows, none included: a frame of mails has the
patch columns too (missing on other mails), so that weekly frames concatenate (``pd.concat``)
with these types, an empty week still says what it would hold, and :func:`read_parquet`
gives back what :func:`to_parquet` wrote, a column missing on every row included.
A mail's ``kind`` is the one the counts give it (kvmlist.grouping.pulls.counted_kind): ``pull``
for a cover letter carrying a pull request, and ``copy`` for a pull request's copy of a patch
posted among the mails (kvmlist.grouping.pull_copies), its ``copy_of`` the Message-ID of that
posting; so the ``patch`` and ``cover`` rows, each Message-ID once, are the patch mails
``kvmlist stats`` counts.
A patch row's review columns count what ``group_series`` attached (``Patch.reviews_read``), a
series row's over its patches; where the replies were never read for it (mails never grouped,
or grouped with ``reviews=False``) they are missing (NA), not 0, whatever the other rows. A
cover letter's row has them missing too: the trailers given in answer to it are its patches'.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import datetime, timezone
from itertools import combinations
from typing import Any, Literal, get_args

from kvmlist import _frames
from kvmlist._arguments import check_messages
from kvmlist._frames import pandas_module as _pandas
from kvmlist.errors import MissingExtraError
from kvmlist.grouping.landed.model import HOW_ORDER, LandedMap, Landing
from kvmlist.grouping.landed.series import State
from kvmlist.grouping.pull_copies import PullCopies, claim_of
from kvmlist.grouping.pulls import counted_kind
from kvmlist.models import Message, MessageKind, Patch, Person, Series
from kvmlist.parse.addresses import identity_key

#: The closed sets: categoricals whose categories are every value the column can take, the
#: same in every frame (an open set, a domain, a tree or a release, is text: categories that
#: changed with the rows would make frames concatenate as ``object``).
CATEGORIES: dict[str, tuple[str, ...]] = {
    "kind": (*get_args(MessageKind), "copy"),  # copy: a pull request's copy of a posting
    "landed": get_args(State),
    "landed_how": tuple(
        " ".join(hows) for n in range(1, len(HOW_ORDER) + 1) for hows in combinations(HOW_ORDER, n)
    ),
}
CATEGORICAL = tuple(CATEGORIES)
COUNTS = (
    "version", "index", "total", "files_changed", "insertions", "deletions", "present",
    "trailers", "review_trailers", "reviewed_by", "acked_by", "tested_by", "applied",
)  # fmt: skip
#: The column of each review kind (kvmlist.analysis.counted.credited_kind).
REVIEW_COLUMNS = {"reviewed": "reviewed_by", "acked": "acked_by", "tested": "tested_by"}
#: A patch row's columns that only grouping fills.
REVIEWS = ("review_trailers", *REVIEW_COLUMNS.values())
WAITS = ("first_reply", "first_review", "accepted")
TIMEDELTAS = (*WAITS, "time_to_land")
#: The columns a LandedMap adds (docs/landed.md)
LANDED_COLUMNS = ("landed_commit", "landed_at", "landed_release", "landed_how")
DATES = ("date", "first_date", "landed_at")
BOOLEANS = ("complete", "has_cover")
#: Every mail's columns (:func:`message_row`), then a patch's: a frame of mails has both.
MAIL_COLUMNS = (
    "message_id", "kind", "subject", "date", "sender_name", "sender_email", "sender_domain",
    "in_reply_to", "defects",
    "title", "version", "index", "total", "prefixes", "author_name", "author_email",
    "author_domain", "trailers", *REVIEWS, "files_changed", "insertions", "deletions", "copy_of",
)  # fmt: skip
#: A patch row's claim to copy a posting (claim_of), read by mark_copies, in no frame.
CLAIM = "_claim"
SERIES_COLUMNS = (
    "title", "version", "total", "present", "complete", "missing", "has_cover", "author_name",
    "author_email", "author_domain", "first_date", "first_message_id", "previous_id", "next_id",
    *REVIEW_COLUMNS.values(),
)  # fmt: skip
#: What ``messages=`` adds to series rows.
LIFECYCLE_COLUMNS = (*WAITS, "applied", "applied_tree", "applied_commits")
#: What ``landed=`` adds to series rows.
SERIES_LANDED_COLUMNS = (*LANDED_COLUMNS, "landed", "time_to_land")


def to_dataframe(
    items: Iterable[Message] | Iterable[Series],
    *,
    messages: Iterable[Message] | None = None,
    landed: LandedMap | None = None,
    of: Literal["messages", "series"] | None = None,
) -> Any:
    """Return a pandas DataFrame with one row per message (or per series).

    Its columns and their types do not depend on the rows (:data:`MAIL_COLUMNS` or
    :data:`SERIES_COLUMNS`, and what the options add), so that an empty frame has them
    too: ``of`` (``"messages"`` or ``"series"``) says which an empty ``items`` stands for (by
    default series when an item is a Series, or ``messages=`` is given, else messages).

    Series rows get the lifecycle columns from the mails of ``messages`` when given (usually
    the mails the series were grouped from): ``first_reply``, ``first_review`` and
    ``accepted`` (waits from posting, see kvmlist.analysis.review_stats), ``applied`` (patches
    applied),
    ``applied_tree`` and ``applied_commits`` (see kvmlist.grouping.acceptance.acceptance_of).

    With ``landed`` (from :func:`kvmlist.grouping.landed.find_landed`), patch rows get
    ``landed_commit``, ``landed_at``, ``landed_release`` and ``landed_how``; series rows get the
    same (commits and hows space-joined, the last commit's date and release) plus ``landed``
    (fully / partly / not) and ``time_to_land`` (from v1 to the last commit).
    """
    _pandas()  # before any work: a missing extra is said at once
    if of not in (None, "messages", "series"):
        raise ValueError(f"of: expected 'messages' or 'series', got {of!r}")
    things: list[Message | Series] = list(check_messages(items, "items", series=True))
    lifecycle = _lifecycle(things, messages) if messages is not None else None
    rows = [_series_row(i, lifecycle) if isinstance(i, Series) else message_row(i) for i in things]
    mark_copies(rows)
    if landed is not None:
        _add_landed(things, rows, landed)
    return rows_dataframe(rows, _columns(things, of, lifecycle is not None, landed is not None))


def _columns(
    things: list[Message | Series], of: str | None, lifecycle: bool, landed: bool
) -> list[str]:
    """The columns of to_dataframe's frame: a mail's, a series', or both for a mixed list."""
    if of is None and not things:
        of = "series" if lifecycle else "messages"  # messages= is for series
    series = of == "series" or any(isinstance(t, Series) for t in things)
    mails = of == "messages" or not all(isinstance(t, Series) for t in things)
    columns: list[str] = []
    if mails:
        columns += [*MAIL_COLUMNS, *(LANDED_COLUMNS if landed else ())]
    if series:
        columns += [*SERIES_COLUMNS, *(LIFECYCLE_COLUMNS if lifecycle else ())]
        columns += SERIES_LANDED_COLUMNS if landed else ()
    return list(dict.fromkeys(columns))


#: The dates a ``datetime64[ns]`` column holds (pandas.Timestamp.min/max, to the day inside).
PANDAS_EARLIEST = datetime(1677, 9, 22, tzinfo=timezone.utc)
PANDAS_LATEST = datetime(2262, 4, 11, tzinfo=timezone.utc)


def _in_pandas_range(value: Any) -> Any:
    """A date as a frame holds it: None (NaT) for one pandas cannot (a mail dated 2300 or
    1601 has the defect ``implausible-date``; the model keeps the date as written)."""
    if isinstance(value, datetime) and not PANDAS_EARLIEST <= value <= PANDAS_LATEST:
        return None
    return value


def rows_dataframe(rows: Iterable[dict[str, Any]], columns: Iterable[str] = MAIL_COLUMNS) -> Any:
    """Return the DataFrame of rows :func:`to_dataframe` makes (:func:`message_row`'s, say),
    with these columns (a row's others are left out), typed as to_dataframe types them."""
    pandas = _pandas()
    frame = pandas.DataFrame(list(rows), columns=list(columns))
    for column in DATES:
        if column in frame:
            held = frame[column].map(_in_pandas_range)
            frame[column] = pandas.to_datetime(held, utc=True).astype("datetime64[ns, UTC]")
    for column in TIMEDELTAS:
        if column in frame:
            frame[column] = pandas.to_timedelta(frame[column]).astype("timedelta64[ns]")
    for column in CATEGORICAL:
        if column in frame:
            frame[column] = frame[column].astype(_category(column))
    for column in COUNTS:
        if column in frame:
            frame[column] = frame[column].astype("Int64")
    for column in BOOLEANS:
        if column in frame:
            frame[column] = frame[column].astype("bool")
    typed = {*DATES, *TIMEDELTAS, *CATEGORICAL, *COUNTS, *BOOLEANS}
    text = {column: text_dtype() for column in frame if column not in typed}
    return frame.astype(text) if text else frame


def _category(column: str) -> Any:
    """The dtype of a categorical column: its closed set, categories typed as text."""
    pandas = _pandas()
    categories = pandas.Index(CATEGORIES[column], dtype=text_dtype())
    return pandas.CategoricalDtype(categories)


def text_dtype() -> Any:
    """Return the dtype pandas gives a column of strings (missing ones included): ``object``
    in pandas 2, ``str`` in pandas 3. Text columns are given it even when every value is
    missing, or there are no rows, so that such a frame has the types of any other."""
    return _frames.text_dtype()


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


def _add_landed(
    things: list[Message | Series], rows: list[dict[str, Any]], landed: LandedMap
) -> None:
    """Add the landed columns to the rows of things, in place."""
    from kvmlist.grouping.landed.series import series_landings

    series = [t for t in things if isinstance(t, Series)]
    by_anchor = {id(one.series): one for one in series_landings(series, landed)}
    for thing, row in zip(things, rows, strict=True):
        if isinstance(thing, Series):
            found = by_anchor.get(id(thing))
            hits = [one for one in (found.landings if found else ()) if one is not None]
            row |= _landed_columns(hits)
            row["landed"] = found.state if found else "not"
            row["time_to_land"] = found.time_to_land if found else None
        elif isinstance(thing, Patch):
            one = landed.of(thing.message_id)
            row |= _landed_columns([one] if one else [])


def _landed_columns(hits: list[Landing]) -> dict[str, Any]:
    if not hits:
        return dict.fromkeys(LANDED_COLUMNS)
    last = max(hits, key=lambda one: one.committed_at)
    hows = {one.how for one in hits}
    return {
        "landed_commit": " ".join(dict.fromkeys(one.commit for one in hits)),
        "landed_at": last.committed_at,
        "landed_release": last.release,
        "landed_how": " ".join(how for how in HOW_ORDER if how in hows),
    }


def _reviews(patches: Iterable[Patch], read: Iterable[Patch]) -> dict[str, int | None]:
    """The reply trailers on the patches, and the credited review tags per kind (a relayed
    tag, a Reported-by: none); all None unless group_series read the replies for each mail
    of ``read`` (the patches, and a series' cover letter)."""
    from kvmlist.analysis.counted import credited_kind

    if not all(mail.reviews_read for mail in read):
        return dict.fromkeys(REVIEWS)
    counts = dict.fromkeys(REVIEWS, 0)
    for patch in patches:
        counts["review_trailers"] += len(patch.review_trailers)
        for trailer in patch.review_trailers:
            kind = credited_kind(trailer, author=patch.author)
            if kind is not None:
                counts[REVIEW_COLUMNS[kind]] += 1
    return dict(counts)


def message_row(message: Message) -> dict[str, Any]:
    """Return a message's row of :func:`to_dataframe` (before its columns are typed)."""
    row: dict[str, Any] = {
        "message_id": message.message_id,
        "kind": counted_kind(message),  # a cover letter carrying a pull request: "pull"
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
            CLAIM: claim_of(message),
            "trailers": len(message.trailers),
            # a cover letter is not reviewed: its answers' trailers are its patches' (NA)
            **(dict.fromkeys(REVIEWS) if message.is_cover else _reviews([message], [message])),
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
        **_reviews(series.patches, series.messages),
    }
    if lifecycle is not None:
        row |= lifecycle.get(series.anchor_id or "", dict.fromkeys(WAITS))
    return row


def mark_copies(rows: list[dict[str, Any]], originals: dict[str, str] | None = None) -> None:
    """Give the rows of a pull request's copies of a posting (``originals``: copy -> posting,
    by default those among the rows, kvmlist.grouping.pull_copies) kind ``copy`` and
    ``copy_of`` the posting; each row's claim is dropped."""
    if originals is None:
        originals = _row_copies(rows).originals()
    for row in rows:
        row.pop(CLAIM, None)
        posting = originals.get(row.get("message_id", ""))
        if posting is not None and row.get("kind") == "patch":
            row["kind"], row["copy_of"] = "copy", posting


def _row_copies(rows: Iterable[dict[str, Any]]) -> PullCopies:
    """Return the pull requests and counted patch mails of :func:`message_row`'s rows."""
    copies = PullCopies()
    for row in rows:
        if row.get("kind") == "pull":
            copies.add_request(row["message_id"])
        elif row.get("kind") in ("patch", "cover"):
            email, name = row["author_email"], row["author_name"] or ""
            author = None if email is None else Person.model_construct(name=name, email=email)
            who = None if author is None else identity_key(author)
            copies.add_patch(row["message_id"], who, row.get(CLAIM))
    return copies


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
        frame = pandas.read_parquet(path, engine="pyarrow")
    except ImportError:
        raise MissingExtraError("Parquet needs pyarrow: pip install 'kvmlist[pandas]'") from None
    # a column missing on every row comes back untyped (pyarrow keeps no type for nothing)
    for column in frame:
        if column in CATEGORIES:
            frame[column] = frame[column].astype(_category(column))
        elif frame[column].isna().all() and frame[column].dtype == object:
            frame[column] = frame[column].astype(text_dtype())
    return frame
