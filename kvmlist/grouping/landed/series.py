"""Per series: landed fully, partly or not, which patches, and how long it took from v1."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from kvmlist.grouping.landed.model import LandedMap, Landing
from kvmlist.grouping.revisions import link_revisions
from kvmlist.models import Series

State = Literal["fully", "partly", "not"]


@dataclass(frozen=True, slots=True)
class SeriesLanding:
    """What of one series (one revision) reached the tree."""

    series: Series
    landings: tuple[Landing | None, ...]  # per patch, in index order
    first_posted: datetime | None  # of v1 (the oldest revision linked to this one)

    @property
    def state(self) -> State:
        """``fully`` when every patch landed, ``partly`` when some did, ``not`` otherwise."""
        found = sum(one is not None for one in self.landings)
        if found and found == len(self.landings):
            return "fully"
        return "partly" if found else "not"

    @property
    def landed_indices(self) -> tuple[int, ...]:
        """The indices (i of i/N) of the patches that landed."""
        return tuple(
            p.index for p, one in zip(self.series.patches, self.landings, strict=True) if one
        )

    @property
    def reverted_indices(self) -> tuple[int, ...]:
        """The indices of the landed patches that a later commit reverted."""
        return tuple(
            p.index
            for p, one in zip(self.series.patches, self.landings, strict=True)
            if one and one.reverted_by
        )

    @property
    def landed_at(self) -> datetime | None:
        """When the last of its landed patches was committed."""
        dates = [one.committed_at for one in self.landings if one is not None]
        return max(dates) if dates else None

    @property
    def time_to_land(self) -> timedelta | None:
        """From the first posting (v1) to the last commit, None when nothing landed."""
        if self.landed_at is None or self.first_posted is None:
            return None
        return self.landed_at - self.first_posted


def series_landings(series: Iterable[Series], landed: LandedMap) -> Iterator[SeriesLanding]:
    """Yield a SeriesLanding per series with patches, in the order given."""
    ordered = [one for one in series if one.patches]
    first_posted: dict[int, datetime | None] = {}
    for history in link_revisions(ordered):
        dates = [d for d in history.dates if d is not None]
        for revision in history.revisions:
            first_posted[id(revision)] = min(dates) if dates else None
    for one in ordered:
        yield SeriesLanding(
            one,
            tuple(landed.of(p.message_id) for p in one.patches),
            first_posted.get(id(one), one.date),
        )
