"""Patch stream -> Series: thread links first, then a same-author time-window fallback.

Rules (see docs/data-model.md):

1. Duplicates (same Message-ID) count once: the first arrival wins.
2. A patch joins the nearest message it answers (In-Reply-To, then References newest first)
   that is a compatible cover letter or patch: same total, and the same version — or the
   child carries no version and inherits the thread's (``[PATCH v3 0/4]`` over ``[PATCH 1/4]``).
   So v2 threaded under v1's cover still starts a series of its own.
3. A numbered patch whose index is already taken in that series starts a new series.
4. Numbered patches left without a thread join an earlier series of the same author,
   version and total that arrived within :data:`FALLBACK_WINDOW`, if their index is free.
5. Anything else (an unnumbered ``[PATCH]``) is a series of one.
Series come out in order of their first arrival.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta

from kvmlist.models import Message, Patch, Series

#: How far apart unthreaded patches of one series may arrive (git send-email is quick).
FALLBACK_WINDOW = timedelta(minutes=30)


def iter_patch_mails(messages: Iterable[Message]) -> Iterator[Patch]:
    """Yield the patches and cover letters among messages, each Message-ID once, in order."""
    seen: set[str] = set()
    for message in messages:
        if isinstance(message, Patch) and message.message_id not in seen:
            seen.add(message.message_id)
            yield message


def patch_mails(messages: Iterable[Message]) -> list[Patch]:
    """Return the patches and cover letters among messages, each Message-ID once, in order."""
    return list(iter_patch_mails(messages))


class _Group:
    __slots__ = ("cover", "first_seen", "last_date", "members")

    def __init__(self, first_seen: int) -> None:
        self.cover: Patch | None = None
        self.members: dict[int, Patch] = {}
        self.first_seen = first_seen
        self.last_date: datetime | None = None

    def add(self, patch: Patch) -> None:
        if patch.is_cover:
            self.cover = patch
        else:
            self.members[patch.index] = patch
        if patch.date and (self.last_date is None or patch.date > self.last_date):
            self.last_date = patch.date

    def takes(self, patch: Patch) -> bool:
        if patch.is_cover:
            return self.cover is None
        return patch.index not in self.members


def group_series(messages: Iterable[Message], *, reviews: bool = True) -> list[Series]:
    """Return the series the patches among messages form, in order of first arrival.

    With ``reviews`` (the default), trailers that replies among messages give are attached to
    the patches they review as ``Patch.review_trailers`` (see kvmlist.review).
    """
    mails = list(messages)
    groups = _groups(patch_mails(mails))
    if reviews:
        groups = _with_reviews(groups, mails)
    return [_to_series(g) for g in groups]


def _with_reviews(groups: list[_Group], mails: list[Message]) -> list[_Group]:
    from kvmlist.review import collect_reviews

    series_of: dict[str, tuple[Patch, ...]] = {}
    for group in groups:
        members = tuple(p for _, p in sorted(group.members.items()))
        for patch in ((group.cover,) if group.cover else ()) + members:
            series_of[patch.message_id] = members
    found = collect_reviews(mails, series_of)
    for group in groups:
        for index, patch in group.members.items():
            given = found.get(patch.message_id)
            if given:
                group.members[index] = patch.model_copy(update={"review_trailers": tuple(given)})
    return groups


def _groups(patches: list[Patch]) -> list[_Group]:
    """Return the groups patches form (rules 2-5 of the module docstring)."""
    by_id = {p.message_id: p for p in patches}
    groups: list[_Group] = []
    groups_of_root: dict[str, list[_Group]] = {}
    for position, patch in enumerate(patches):
        root = _root(patch, by_id)
        group = next((g for g in groups_of_root.get(root, ()) if g.takes(patch)), None)
        if group is None and root == patch.message_id and patch.numbered and not patch.is_cover:
            group = _fallback_group(patch, groups)
        if group is None:
            group = _Group(position)
            groups.append(group)
        group.add(patch)
        if group not in groups_of_root.setdefault(root, []):
            groups_of_root[root].append(group)
    return groups


def _root(patch: Patch, by_id: dict[str, Patch]) -> str:
    """Return the Message-ID at the top of patch's chain of compatible thread ancestors."""
    current, seen = patch, {patch.message_id}
    while not current.is_cover:
        anchor = _anchor(current, by_id)
        if anchor is None or anchor.message_id in seen:
            break
        seen.add(anchor.message_id)
        current = anchor
    return current.message_id


def _anchor(patch: Patch, by_id: dict[str, Patch]) -> Patch | None:
    """Return the nearest message patch answers that belongs to the same series, or None."""
    ids = [patch.in_reply_to] if patch.in_reply_to else []
    ids.extend(reversed(patch.references))
    for ancestor_id in ids:
        ancestor = by_id.get(ancestor_id)
        if ancestor is not None and ancestor is not patch and _compatible(patch, ancestor):
            return ancestor
    return None


def _compatible(child: Patch, ancestor: Patch) -> bool:
    if not child.numbered or ancestor.total != child.total:
        return False
    if not (ancestor.is_cover or ancestor.numbered):
        return False
    return ancestor.version == child.version or (child.version == 1 and ancestor.version > 1)


def _fallback_group(patch: Patch, groups: list[_Group]) -> _Group | None:
    """Return a recent group of the same author, version and total that has room for patch."""
    for group in reversed(groups):
        first = group.cover or next(iter(group.members.values()), None)
        if first is None or not _same_work(first, patch):
            continue
        if group.last_date and patch.date and abs(patch.date - group.last_date) > FALLBACK_WINDOW:
            continue
        if group.takes(patch):
            return group
    return None


def _same_work(a: Patch, b: Patch) -> bool:
    same_author = (a.author.email.lower() if a.author else None) == (
        b.author.email.lower() if b.author else None
    )
    return same_author and a.version == b.version and a.total == b.total


def _to_series(group: _Group) -> Series:
    cover = group.cover
    version = cover.version if cover else max(p.version for p in group.members.values())
    patches = tuple(
        p if p.version == version else p.model_copy(update={"version": version})
        for _, p in sorted(group.members.items())
    )
    total = max([p.total for p in patches] + ([cover.total] if cover else []) + [len(patches)])
    return Series(version=version, total=total, cover=cover, patches=patches)
