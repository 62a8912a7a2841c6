"""Counts of patch mails and a DataFrame of them, computed on a Dask cluster."""

from __future__ import annotations

import functools
import importlib
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from functools import partial
from typing import Any

from kvmlist.analysis.aggregate import (
    PatchKeys,
    author_of,
    by_period,
    domain_of,
    organisation_of,
)
from kvmlist.analysis.identities import Mailmap, OrganisationMap
from kvmlist.errors import MissingExtraError
from kvmlist.grouping.pull_copies import PullCopies
from kvmlist.grouping.pulls import is_counted_patch_mail
from kvmlist.models import Message, Patch, Person
from kvmlist.outputs.export import mark_copies, message_row, rows_dataframe, to_dataframe
from kvmlist.scale.dask._partitions import BagOrSources, bag_of, dask


def count_by(
    messages: BagOrSources, key: Callable[[Patch], Hashable | None], *, freq: str | None = None
) -> Counter[Any]:
    """Return :func:`kvmlist.count_by` of the messages; ``key`` runs in the workers."""
    return _merged(messages, by_period(key, freq)).counts()


def count_by_author(messages: BagOrSources, *, mailmap: Mailmap | None = None) -> Counter[Person]:
    """Return :func:`kvmlist.count_by_author` of the messages."""
    return _merged(messages, partial(author_of, mailmap=mailmap)).author_counts()


def count_by_domain(messages: BagOrSources, *, mailmap: Mailmap | None = None) -> Counter[str]:
    """Return :func:`kvmlist.count_by_domain` of the messages."""
    return count_by(messages, partial(domain_of, mailmap=mailmap))


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


def _merged(messages: BagOrSources, key: Callable[[Patch], Any]) -> PatchKeys:
    """Return the PatchKeys of every partition (computed in the workers), merged in order."""
    bag = bag_of(messages, answers=False)  # from sources: answers are left unparsed
    parts = bag.map_partitions(_partition_keys, key).compute()
    return functools.reduce(PatchKeys.merge, parts, PatchKeys())


def _partition_keys(messages: Iterable[Message], key: Callable[[Patch], Any]) -> list[PatchKeys]:
    return [PatchKeys.of(messages, key)]


# --- DataFrame --------------------------------------------------------------------------------


def patches_frame(messages: BagOrSources) -> Any:
    """Return a dask DataFrame of the patch mails, as ``export.to_dataframe`` makes it.

    One row per patch or cover letter as archived (duplicates kept, like to_dataframe), those
    that the counts take (not a cover letter carrying a pull request:
    kvmlist.grouping.pulls.is_counted_patch_mail); a pull request's copy of a posting of
    any partition is of kind ``copy``, as in to_dataframe (kvmlist.grouping.pull_copies); the
    index restarts in every partition; categoricals have unknown categories.
    """
    try:
        dataframe: Any = importlib.import_module("dask.dataframe")
        utils: Any = importlib.import_module("dask.dataframe.utils")
    except ImportError:
        raise MissingExtraError("DataFrames on Dask need pip install 'kvmlist[dask]'") from None
    empty = _empty_frame()
    bag = bag_of(messages, answers=False)
    # the copies need every partition's pull requests and postings: one small value each
    found = bag.map_partitions(_partition_copies).to_delayed()
    originals = dask.delayed(_originals)(found)
    parts = [dask.delayed(_patch_frame)(part, empty, originals) for part in bag.to_delayed()]
    meta = utils.clear_known_categories(empty)
    return dataframe.from_delayed(parts, meta=meta, verify_meta=False)


def _empty_frame() -> Any:
    """Return to_dataframe's frame of patches with no rows (it has every column, typed)."""
    return to_dataframe([])


def _partition_copies(messages: Iterable[Message]) -> list[PullCopies]:
    return [PullCopies.of(messages)]


def _originals(parts: list[list[PullCopies]]) -> dict[str, str]:
    """Each copy's posting (PullCopies.originals), of the partitions merged in order."""
    merged = functools.reduce(PullCopies.merge, (p for part in parts for p in part), PullCopies())
    return merged.originals()


def _patch_frame(messages: Iterable[Message], empty: Any, originals: dict[str, str]) -> Any:
    rows = [message_row(m) for m in messages if is_counted_patch_mail(m)]
    if not rows:
        return empty
    mark_copies(rows, originals)
    return rows_dataframe(rows)
