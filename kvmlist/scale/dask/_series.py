"""Series on a Dask cluster: threads found by the client, grouped into series by the workers."""

from __future__ import annotations

from collections.abc import Iterable
from operator import itemgetter
from typing import Any

from kvmlist.errors import SourceError
from kvmlist.grouping.revisions import with_revisions
from kvmlist.grouping.series import group_series as group_series_locally
from kvmlist.grouping.threads import ThreadForest
from kvmlist.models import Message, Patch, Series
from kvmlist.scale.dask._partitions import BagOrSources, bag_of, dask, dask_bag

#: Patch fields grouping does not read, left out of the patches the client groups.
HEAVY = frozenset({"raw", "commit_message", "diffstat", "trailers", "review_trailers", "defects"})


def group_series(
    messages: BagOrSources, *, reviews: bool = True, revisions: bool = False
) -> list[Series]:
    """Return :func:`kvmlist.group_series` of the messages, threads straddling partitions.

    Workers send back each mail's thread links; the client finds the threads (and which of
    them the series rules join, replaying the grouping on bodiless patches); workers then
    regroup the mails by thread, group each thread into series and send the series back.
    """
    bag = bag_of(messages)
    plan = _SeriesPlan(bag.map_partitions(_thread_links).compute(), reviews=reviews)
    keyed = dask_bag.from_delayed(
        [
            dask.delayed(_keyed_by_thread)(part, number, plan.threads[number])
            for number, part in enumerate(bag.to_delayed())
        ]
    )
    grouped = keyed.groupby(itemgetter(0), shuffle="tasks")
    found = sorted(grouped.map(_thread_series, reviews=reviews).flatten().compute(), key=plan.rank)
    return with_revisions(found) if revisions else found


def _thread_links(messages: Iterable[Message]) -> list[list[tuple[Any, ...]]]:
    """Return, as one element, what threading needs of each mail of a partition."""
    return [[(m.message_id, m.in_reply_to, m.references, _light(m)) for m in messages]]


def _light(message: Message) -> dict[str, Any] | None:
    """Return a patch's fields but its bodies, diffstat and trailers; None for other mails."""
    if not isinstance(message, Patch):
        return None
    return {name: getattr(message, name) for name in Patch.model_fields if name not in HEAVY}


class _SeriesPlan:
    """The threads that hold series (a number per mail) and the order of the series."""

    def __init__(self, links: list[list[tuple[Any, ...]]], *, reviews: bool) -> None:
        forest = ThreadForest()
        patches: list[Patch] = []
        for message_id, in_reply_to, references, light in (row for rows in links for row in rows):
            if light is not None:
                patches.append(Patch.model_construct(**light))
            if reviews or light is not None:
                forest.join(message_id, *filter(None, (in_reply_to, *references)))
        # the rules join patches across threads (time-window fallback, adopted covers): replay
        self._order: dict[str, int] = {}
        for number, series in enumerate(group_series_locally(patches, reviews=False)):
            forest.join(*(patch.message_id for patch in series.messages))
            self._order |= dict.fromkeys((p.message_id for p in series.messages), number)
        numbers: dict[str, int] = {}
        for patch in patches:
            numbers.setdefault(forest.root(patch.message_id), len(numbers))
        #: per partition, the thread number of each mail; None for mails no series needs
        self.threads = [[numbers.get(forest.root(row[0])) for row in rows] for rows in links]

    def rank(self, series: Series) -> int:
        """Return where a series comes in the single-process order."""
        anchor = series.patches[0] if series.patches else series.cover
        if anchor is None:
            raise ValueError("a series without mails")  # group_series makes none
        return self._order[anchor.message_id]


def _keyed_by_thread(
    messages: list[Message], partition: int, threads: list[int | None]
) -> list[tuple[int, tuple[int, int], Message]]:
    """Return (thread, position, message) for the mails of a partition some series needs."""
    if len(messages) != len(threads):
        raise SourceError(f"partition {partition} changed while it was read")
    return [
        (thread, (partition, index), message)
        for index, (thread, message) in enumerate(zip(threads, messages, strict=True))
        if thread is not None
    ]


def _thread_series(
    group: tuple[int, list[tuple[int, tuple[int, int], Message]]], reviews: bool
) -> list[Series]:
    """Return the series of one thread's mails, put back in archive order."""
    items = sorted(group[1], key=itemgetter(1))
    return group_series_locally([message for _, _, message in items], reviews=reviews)
