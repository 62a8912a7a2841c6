"""Patches whose numbers their thread contradicts, read as the thread says before grouping
(see kvmlist.grouping.series, rule 2): a cover letter sent without "0/N", a series sent
without numbers under such a cover (``git format-patch --no-numbered --cover-letter``), a
patch sent as "0/N" under its cover letter, and one that mistypes its total under a cover
whose other patches give the cover's. The subject stays as sent."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta

from kvmlist.grouping._group import address_of, addresses_of, by_one_of, subject_tags
from kvmlist.models import Patch

#: How long after its cover letter an unnumbered patch may come to be one of its series
#: (git send-email dates a run's mails a second apart).
UNNUMBERED_WINDOW = timedelta(minutes=10)
#: How many unnumbered patches a cover letter sent without "0/N" heads at least.
UNNUMBERED_LEAST = 2


def renumbered(patches: list[Patch]) -> list[Patch]:
    """Return patches with the numbers their cover letters imply (module docstring)."""
    fixed = _unnumbered_covers(patches)
    fixed.update(_unnumbered_series([p for p in patches if p.message_id not in fixed]))
    patches = [fixed.get(p.message_id, p) for p in patches] if fixed else patches
    covers = {p.message_id: p for p in patches if p.is_cover}
    if not covers:
        return patches
    answering: dict[str, list[Patch]] = defaultdict(list)
    for patch in patches:
        if not patch.is_cover and patch.parent_id in covers:
            answering[str(patch.parent_id)].append(patch)
    fixed = _renumbered_zeros(patches, covers, answering)
    fixed.update(_retotalled(covers, answering))
    return [fixed.get(p.message_id, p) for p in patches] if fixed else patches


def _unnumbered_covers(patches: list[Patch]) -> dict[str, Patch]:
    """A cover letter sent without "0/N" ("[PATCH v2] foo: series": no diff) that numbered
    patches of its version and by its people answer, as their cover: of the largest total
    they give. A patch with its diff that a fix on top answers stays a patch."""
    candidates = {p.message_id: p for p in patches if _unnumbered_without_diff(p)}
    totals: dict[str, int] = {}
    for patch in patches:
        cover = candidates.get(str(patch.parent_id)) if patch.numbered else None
        if cover is None or patch.is_cover or patch.version != cover.version:
            continue
        if by_one_of(patch, addresses_of(cover)):
            totals[cover.message_id] = max(totals.get(cover.message_id, 0), patch.total)
    return {
        cover_id: candidates[cover_id].model_copy(
            update={"kind": "cover", "index": 0, "total": total}
        )
        for cover_id, total in totals.items()
    }


def _unnumbered_series(patches: list[Patch]) -> dict[str, Patch]:
    """A series sent without numbers (``git format-patch --no-numbered --cover-letter``):
    a "[PATCH] foo" without a diff that at least UNNUMBERED_LEAST unnumbered patches with
    their diff answer, of its version, from its sender and within UNNUMBERED_WINDOW after
    it, is their cover letter; they are numbered in the order they were dated (then came).
    Unnumbered fixes on top of a patch (it has a diff), a stranger's patches, or patches
    sent later in answer to a diffless mail stay patches of their own."""
    candidates = {p.message_id: p for p in patches if _unnumbered_without_diff(p)}
    answering: dict[str, list[tuple[int, Patch]]] = defaultdict(list)
    for position, patch in enumerate(patches):
        cover = candidates.get(str(patch.parent_id))
        if cover is not None and _unnumbered_of(patch, cover):
            answering[cover.message_id].append((position, patch))
    fixed: dict[str, Patch] = {}
    for cover_id, found in answering.items():
        if len(found) < UNNUMBERED_LEAST:
            continue
        found.sort(key=lambda item: (item[1].date, item[0]))
        total = len(found)
        update = {"kind": "cover", "index": 0, "total": total}
        fixed[cover_id] = candidates[cover_id].model_copy(update=update)
        for index, (_, patch) in enumerate(found, 1):
            update = {"index": index, "total": total, "numbered": True}
            fixed[patch.message_id] = patch.model_copy(update=update)
    return fixed


def _unnumbered_of(patch: Patch, cover: Patch) -> bool:
    """Whether an unnumbered patch answering cover is one of the series it heads."""
    if patch.kind != "patch" or patch.numbered or not patch.has_diff:
        return False
    if patch.version != cover.version or patch.date is None or cover.date is None:
        return False
    soon = timedelta(0) <= patch.date - cover.date <= UNNUMBERED_WINDOW
    return soon and by_one_of(patch, addresses_of(cover))


def _unnumbered_without_diff(patch: Patch) -> bool:
    return patch.kind == "patch" and not patch.numbered and not patch.has_diff


def _renumbered_zeros(
    patches: list[Patch], covers: dict[str, Patch], answering: dict[str, list[Patch]]
) -> dict[str, Patch]:
    """Patches sent as "0/N" under their cover letter, as the patches they are: a "0/N"
    with a diff that answers a cover of the same author, version and total takes the one
    number that no patch answering that cover has; when two such answer one cover, or more
    than one number is free, which is whose is unknown and they stay as sent."""
    strays = [p for p in patches if _stray_of(p, covers)]
    counted = Counter(str(p.parent_id) for p in strays)
    fixed: dict[str, Patch] = {}
    for stray in strays:
        cover = covers[str(stray.parent_id)]
        taken = {p.index for p in answering.get(cover.message_id, ())}
        free = set(range(1, cover.total + 1)) - taken
        if counted[cover.message_id] == 1 and len(free) == 1:
            update = {"kind": "patch", "index": free.pop(), "numbered": True}
            fixed[stray.message_id] = stray.model_copy(update=update)
    return fixed


def _stray_of(patch: Patch, covers: dict[str, Patch]) -> bool:
    """Whether a "0/N" mail with a diff answers a cover letter of its own posting."""
    parent = patch.parent_id
    cover = covers.get(parent) if parent and patch.is_cover and patch.has_diff else None
    return cover is not None and (cover.version, cover.total, address_of(cover.author)) == (
        patch.version,
        patch.total,
        address_of(patch.author),
    )


def _retotalled(covers: dict[str, Patch], answering: dict[str, list[Patch]]) -> dict[str, Patch]:
    """A patch that answers a cover letter with another total than the cover and its
    siblings give ("[PATCH v2 3/4]" under "[PATCH v2 0/3]" with 1/3 and 2/3), the only one
    of that total there, of the cover's version and its siblings' tags, numbered within its
    total at a free place, and by one of the series' people, takes the cover's total: b4
    keeps it too. A cover whose patches all give another total (it miscounts them), or
    heads a kernel series and a tool's ("[kvmtool PATCH 3/5]"), is left to grouping."""
    fixed: dict[str, Patch] = {}
    for cover_id, patches in answering.items():
        cover = covers[cover_id]
        patches = [p for p in patches if p.numbered]
        siblings = [p for p in patches if (p.version, p.total) == (cover.version, cover.total)]
        tags = {subject_tags(p) for p in siblings}
        if len(tags) != 1:
            continue
        totals = Counter(p.total for p in patches)
        taken = {p.index for p in siblings}
        strays = [
            p
            for p in patches
            if p.total != cover.total
            and totals[p.total] == 1
            and p.version == cover.version
            and 1 <= p.index <= cover.total
            and p.index not in taken
            and subject_tags(p) in tags
        ]
        if not strays:
            continue
        addresses = {a for mail in (cover, *siblings) for a in addresses_of(mail)}
        for patch in strays:
            if by_one_of(patch, addresses):
                fixed[patch.message_id] = patch.model_copy(update={"total": cover.total})
    return fixed
