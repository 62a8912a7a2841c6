"""Revisions: link v1 -> v2 -> ... of the same work into a :class:`SeriesHistory`.

Evidence, strongest first (docs/review.md):

1. the same b4 ``change-id:`` line in both revisions;
2. a lore link from the newer cover letter or first patch to a mail of the older revision, on
   a line that names a version (``v1: https://lore.kernel.org/r/<id>``, ``Link to v1: ...``);
3. the newer revision's first mail answers (In-Reply-To/References) a mail of the older one;
4. the same author and the same title (case and whitespace folded), a lower version earlier.

:func:`with_revisions` writes the links into the series themselves (``Series.previous_id`` and
``Series.next_id``: anchor Message-IDs, so the models stay acyclic and JSON round-trips).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from kvmlist.models import Series
from kvmlist.parse.links import change_ids, version_links


@dataclass(frozen=True, slots=True)
class SeriesHistory:
    """Every revision of one piece of work, oldest first."""

    revisions: tuple[Series, ...]

    @property
    def latest(self) -> Series:
        return self.revisions[-1]

    @property
    def title(self) -> str:
        return self.latest.title

    @property
    def dates(self) -> tuple[datetime | None, ...]:
        return tuple(s.date for s in self.revisions)

    @property
    def patch_counts(self) -> tuple[int, ...]:
        """How many patches each revision had (its total), oldest first."""
        return tuple(s.total for s in self.revisions)

    def previous(self, series: Series) -> Series | None:
        """Return the revision before series in this history, or None."""
        index = self._position(series)
        return self.revisions[index - 1] if index > 0 else None

    def next(self, series: Series) -> Series | None:
        """Return the revision after series in this history, or None."""
        index = self._position(series)
        return self.revisions[index + 1] if index + 1 < len(self.revisions) else None

    def revision(self, anchor_id: str | None) -> Series | None:
        """Return the revision whose anchor (cover letter or first patch) has this Message-ID.

        Resolves ``Series.previous_id`` / ``Series.next_id``: ``history.revision(s.next_id)``.
        """
        if anchor_id is None:
            return None
        return next((s for s in self.revisions if s.anchor_id == anchor_id), None)

    def _position(self, series: Series) -> int:
        # by anchor, so a copy made by with_revisions is found in a history of the originals
        for index, one in enumerate(self.revisions):
            if one is series or (one.anchor_id is not None and one.anchor_id == series.anchor_id):
                return index
        raise ValueError(f"{series!r} is not a revision of this history")


def link_revisions(series: Iterable[Series]) -> list[SeriesHistory]:
    """Return the histories the series form, in order of their first revision's arrival."""
    ordered = list(series)
    owner: dict[str, int] = {}  # Message-ID -> position of its series
    for position, one in enumerate(ordered):
        for mail in one.messages:
            owner.setdefault(mail.message_id, position)
    parent: list[int] = list(range(len(ordered)))
    by_change_id: dict[str, int] = {}
    by_title: dict[tuple[str, str], int] = {}
    for position, one in enumerate(ordered):
        earlier = _linked_earlier(one, position, owner, by_change_id, by_title)
        if earlier is not None and ordered[earlier].version < one.version:
            parent[position] = _find(parent, earlier)
        _remember(one, position, by_change_id, by_title)
    histories: dict[int, list[Series]] = {}
    for position, one in enumerate(ordered):
        histories.setdefault(_find(parent, position), []).append(one)
    return [
        SeriesHistory(tuple(sorted(group, key=lambda s: s.version))) for group in histories.values()
    ]


def with_revisions(series: Iterable[Series]) -> list[Series]:
    """Return the series in the same order, ``previous_id`` and ``next_id`` set from their
    histories (the anchor Message-ID of the neighbouring revision; None at either end)."""
    ordered = list(series)
    links: dict[int, tuple[str | None, str | None]] = {}
    for history in link_revisions(ordered):
        revisions = history.revisions
        for at, one in enumerate(revisions):
            before = revisions[at - 1].anchor_id if at > 0 else None
            after = revisions[at + 1].anchor_id if at + 1 < len(revisions) else None
            links[id(one)] = (before, after)
    result = []
    for one in ordered:
        before, after = links.get(id(one), (None, None))
        if (before, after) != (one.previous_id, one.next_id):
            one = one.model_copy(update={"previous_id": before, "next_id": after})
        result.append(one)
    return result


def _linked_earlier(
    one: Series,
    position: int,
    owner: dict[str, int],
    by_change_id: dict[str, int],
    by_title: dict[tuple[str, str], int],
) -> int | None:
    text = "\n".join(m.body for m in one.messages[:2])
    for change_id in change_ids(text):
        if change_id in by_change_id:
            return by_change_id[change_id]
    for linked in version_links(text):
        if owner.get(linked, position) < position:
            return owner[linked]
    first = one.first
    if first is not None:
        for ancestor in (first.in_reply_to, *first.references):
            if ancestor and owner.get(ancestor, position) < position:
                return owner[ancestor]
    return by_title.get(_title_key(one))


def _remember(
    one: Series, position: int, by_change_id: dict[str, int], by_title: dict[tuple[str, str], int]
) -> None:
    text = "\n".join(m.body for m in one.messages[:2])
    for change_id in change_ids(text):
        by_change_id.setdefault(change_id, position)
    by_title[_title_key(one)] = position


def _title_key(one: Series) -> tuple[str, str]:
    author = one.author.email.lower() if one.author else ""
    return author, " ".join(one.title.lower().split())


def _find(parent: list[int], position: int) -> int:
    while parent[position] != position:
        parent[position] = parent[parent[position]]
        position = parent[position]
    return position
