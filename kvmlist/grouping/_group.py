"""One series while it is being grouped: its cover letter, its patches by index, and the
patches point revisions replaced (see kvmlist.grouping.series, rule 3)."""

from __future__ import annotations

from datetime import datetime

from kvmlist.models import Patch
from kvmlist.parse.subject import RE_POINT_VERSION


class Group:
    """The patches of one series as they are grouped: cover, members by index, replaced."""

    __slots__ = ("cover", "first_date", "first_seen", "key", "last_date", "members", "replaced")

    def __init__(self, first_seen: int, key: str) -> None:
        self.key = key
        self.cover: Patch | None = None
        self.members: dict[int, Patch] = {}
        self.replaced: list[Patch] = []
        self.first_seen = first_seen
        self.first_date: datetime | None = None
        self.last_date: datetime | None = None

    def add(self, patch: Patch) -> None:
        """Add patch; of two at one index, the higher point revision keeps it."""
        if patch.date and (self.last_date is None or patch.date > self.last_date):
            self.last_date = patch.date
        if patch.date and (self.first_date is None or patch.date < self.first_date):
            self.first_date = patch.date
        if patch.is_cover:
            self.cover = patch
        elif patch.index in self.members:
            held = self.members[patch.index]
            if _point(patch) > _point(held):
                self.members[patch.index], patch = patch, held
            self.replaced.append(patch)
        else:
            self.members[patch.index] = patch

    def takes(self, patch: Patch) -> bool:
        """True when patch has room here: a free index, or one a point revision shares."""
        if patch.is_cover:
            return self.cover is None
        held = self.members.get(patch.index)
        return held is None or (held.version == patch.version and _point(held) != _point(patch))


def _point(patch: Patch) -> int:
    """The point of a point revision (1 for ``[PATCH v4.1 4/4]``), 0 for a plain patch."""
    for prefix in patch.prefixes:
        point = RE_POINT_VERSION.fullmatch(prefix)
        if point is not None and int(point.group("version")) == patch.version:
            return int(prefix.rpartition(".")[2])
    return 0
