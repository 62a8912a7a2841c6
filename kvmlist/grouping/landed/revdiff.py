"""Revisions patch by patch: between v(n) and v(n+1), which patches are unchanged, reworked,
new or dropped; the interdiff of a reworked patch; review trailers carried forward.

Pairing, in order: the same change (:class:`Fingerprint`: patch-id or normalised diff hash),
then the same normalised title. A trailer given in a reply to a patch carries to its
*unchanged* successor only, unless that successor already has it (docs/landed.md says where
this differs from b4).
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from kvmlist.grouping.landed.fingerprint import Fingerprint, fingerprints
from kvmlist.grouping.landed.fuzzy import normalise_subject
from kvmlist.grouping.revisions import SeriesHistory
from kvmlist.models import Patch, ReviewTrailer, Series

Change = Literal["unchanged", "reworked", "new", "dropped"]


@dataclass(frozen=True, slots=True)
class PatchChange:
    """One patch's fate between two revisions."""

    change: Change
    old: Patch | None  # None for a new patch
    new: Patch | None  # None for a dropped one
    carried: tuple[ReviewTrailer, ...] = ()  # the old patch's review trailers, carried

    @property
    def title(self) -> str:
        one = self.new or self.old
        return one.title if one else ""

    def interdiff(self) -> str:
        """Return a unified diff from the old patch's diff to the new one's ("" if either
        is missing or they are equal)."""
        if self.old is None or self.new is None:
            return ""
        lines = difflib.unified_diff(
            _without_index(self.old.diff),
            _without_index(self.new.diff),
            fromfile=f"v{self.old.version}/{self.old.index}",
            tofile=f"v{self.new.version}/{self.new.index}",
        )
        return "".join(lines)


@dataclass(frozen=True, slots=True)
class RevisionDiff:
    """What changed from one revision of a series to the next, patch by patch."""

    old: Series
    new: Series
    changes: tuple[PatchChange, ...] = field(default=())

    def of(self, change: Change) -> tuple[PatchChange, ...]:
        """Return the patch changes of one kind, in the new revision's order."""
        return tuple(one for one in self.changes if one.change == change)


def compare_history(history: SeriesHistory) -> list[RevisionDiff]:
    """Return the changes between each revision of a history and the next, oldest first."""
    revisions = history.revisions
    prints = fingerprints(p for one in revisions for p in one.patches)
    return [compare_revisions(old, new, prints) for old, new in itertools.pairwise(revisions)]


def compare_revisions(old: Series, new: Series, prints: Mapping[str, Fingerprint]) -> RevisionDiff:
    """Return the patch-by-patch changes from old to new (prints from :func:`fingerprints`)."""
    left = list(old.patches)
    pairs: dict[str, tuple[Patch, Change]] = {}  # new Message-ID -> old patch, how paired
    for patch in new.patches:
        mine = prints.get(patch.message_id)
        same = [o for o in left if mine and (theirs := prints.get(o.message_id))
                and mine.same_change(theirs)]  # fmt: skip
        if same:
            pairs[patch.message_id] = (same[0], "unchanged")
            left.remove(same[0])
    for patch in new.patches:
        if patch.message_id in pairs:
            continue
        titled = [o for o in left if normalise_subject(o.title) == normalise_subject(patch.title)]
        if titled:
            pairs[patch.message_id] = (titled[0], "reworked")
            left.remove(titled[0])
    changes = []
    for patch in new.patches:
        if patch.message_id not in pairs:
            changes.append(PatchChange("new", None, patch))
            continue
        before, how = pairs[patch.message_id]
        carried = _carried(before, patch) if how == "unchanged" else ()
        changes.append(PatchChange(how, before, patch, carried))
    changes.extend(PatchChange("dropped", o, None) for o in left)
    return RevisionDiff(old, new, tuple(changes))


def _carried(old: Patch, new: Patch) -> tuple[ReviewTrailer, ...]:
    """Return the old patch's reply trailers that the new one has neither given nor kept."""
    present = {(t.key.lower(), _who(t.value)) for t in (*new.trailers, *new.review_trailers)}
    return tuple(t for t in old.review_trailers if (t.key.lower(), _who(t.value)) not in present)


def _without_index(diff: str) -> list[str]:
    """Return the diff's lines without ``index`` lines (blob ids change with every rebase)."""
    return [line for line in diff.splitlines(keepends=True) if not line.startswith("index ")]


def _who(value: str) -> str:
    """Return the address in a trailer value, else the folded value."""
    start, end = value.rfind("<"), value.rfind(">")
    return (value[start + 1 : end] if 0 <= start < end else value).strip().lower()
