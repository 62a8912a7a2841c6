"""Counts of patch mails and a DataFrame of them, computed on a Dask cluster."""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator
from datetime import datetime, timezone
from functools import partial
from typing import Any

from kvmlist.analysis.aggregate import AuthorTally, author_of, domain_of, organisation_of, period_of
from kvmlist.analysis.identities import Mailmap, OrganisationMap
from kvmlist.errors import MissingExtraError
from kvmlist.grouping.series import iter_patch_mails
from kvmlist.models import Diffstat, Message, Patch, Person
from kvmlist.outputs.export import to_dataframe
from kvmlist.scale.dask._partitions import BagOrSources, bag_of, dask


def count_by(
    messages: BagOrSources, key: Callable[[Patch], Hashable | None], *, freq: str | None = None
) -> Counter[Any]:
    """Return :func:`kvmlist.count_by` of the messages; ``key`` runs in the workers."""
    counts: Counter[Any] = Counter()
    for value in _first_arrivals(messages, partial(_keyed, key=key, freq=freq)):
        if value is not None:
            counts[value] += 1
    return counts


def count_by_author(messages: BagOrSources, *, mailmap: Mailmap | None = None) -> Counter[Person]:
    """Return :func:`kvmlist.count_by_author` of the messages."""
    tally = AuthorTally()
    for author in _first_arrivals(messages, partial(author_of, mailmap=mailmap)):
        if author is not None:
            tally.add_person(author)
    return tally.counts()


def count_by_domain(messages: BagOrSources) -> Counter[str]:
    """Return :func:`kvmlist.count_by_domain` of the messages."""
    return count_by(messages, domain_of)


def count_by_organisation(
    messages: BagOrSources,
    *,
    organisations: OrganisationMap | None = None,
    mailmap: Mailmap | None = None,
) -> Counter[str]:
    """Return :func:`kvmlist.count_by_organisation` of the messages."""
    organisations = organisations or OrganisationMap.default()
    return count_by(
        messages, partial(organisation_of, organisations=organisations, mailmap=mailmap)
    )


def _first_arrivals(messages: BagOrSources, project: Callable[[Patch], Any]) -> Iterator[Any]:
    """Yield project(patch) for each patch mail, each Message-ID once (the first arrival wins)."""
    rows = bag_of(messages).map_partitions(_patch_rows, project).compute()
    seen: set[str] = set()
    for message_id, value in rows:
        if message_id not in seen:
            seen.add(message_id)
            yield value


def _patch_rows(messages: Iterable[Message], project: Callable[[Patch], Any]) -> list[Any]:
    """Return (Message-ID, project(patch)) for the patch mails of a partition, ids once."""
    return [(patch.message_id, project(patch)) for patch in iter_patch_mails(messages)]


def _keyed(patch: Patch, key: Callable[[Patch], Hashable | None], freq: str | None) -> Any:
    value = key(patch)
    if value is None or freq is None:
        return value
    return None if patch.date is None else (period_of(patch.date, freq), value)


# --- DataFrame --------------------------------------------------------------------------------


def patches_frame(messages: BagOrSources) -> Any:
    """Return a dask DataFrame of the patch mails, as ``export.to_dataframe`` makes it.

    One row per patch or cover letter as archived (duplicates kept, like to_dataframe); the
    index restarts in every partition; categoricals have unknown categories.
    """
    try:
        dataframe: Any = importlib.import_module("dask.dataframe")
        utils: Any = importlib.import_module("dask.dataframe.utils")
    except ImportError:
        raise MissingExtraError("DataFrames on Dask need pip install 'kvmlist[dask]'") from None
    empty = _empty_frame()
    parts = [dask.delayed(_patch_frame)(part, empty) for part in bag_of(messages).to_delayed()]
    meta = utils.clear_known_categories(empty)
    return dataframe.from_delayed(parts, meta=meta, verify_meta=False)


def _empty_frame() -> Any:
    """Return to_dataframe's frame of patches with no rows (and no categories)."""
    when = datetime(2000, 1, 1, tzinfo=timezone.utc)
    person = Person(name="n", email="n@example.org")
    sample = Patch(
        message_id="<meta@kvmlist>", sender=person, author=person, date=when,
        in_reply_to="<parent@kvmlist>", diffstat=Diffstat(),
    )  # fmt: skip
    frame = to_dataframe([sample]).iloc[:0]
    for column in frame.select_dtypes("category"):
        frame[column] = frame[column].cat.remove_unused_categories()
    return frame


def _patch_frame(messages: Iterable[Message], empty: Any) -> Any:
    patches = [m for m in messages if isinstance(m, Patch)]
    if not patches:
        return empty
    frame = to_dataframe(patches)
    # a column that is None throughout this partition would come out as object
    plain = {c: t for c, t in empty.dtypes.items() if t != "category" and frame[c].dtype != t}
    return frame.astype(plain) if plain else frame
