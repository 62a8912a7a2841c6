"""The report's opt-in landed marks: a ``Landed:`` line under each posting that reached the tree.

    New:  arm: pmu: Fix overflow checks for PMUv3p5 long counters
    [kvm-unit-tests PATCH v2 1/4] arm: pmu: Fix overflow checks for PMUv3p5 long counters
    Author: Ricardo Koller <ricarkol@google.com>
    Landed: 39d1347a3551 in v2024-01-08 (fuzzy)

Under a cover letter the line counts the series' patches: ``Landed: 3 of 4 patches, last as
<commit> in <release> (patch-id fuzzy)``. Postings that did not land get no line.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from kvmlist.grouping.landed.model import HOW_ORDER, LandedMap, Landing
from kvmlist.models import Message, Patch
from kvmlist.outputs.figures import ReportFigures

#: Where the line goes in a posting block: after "New:", the subject and "Author:"
AFTER_AUTHOR = 3
ABBREV = 12


def mark_landed(
    figures: ReportFigures, messages: Sequence[Message], landed: LandedMap
) -> ReportFigures:
    """Return the figures with a Landed: line in the block of every posting that landed."""
    postings: list[Patch] = []
    seen: set[str] = set()
    children: dict[str, list[str]] = {}
    for message in messages:  # the same first-arrival rule as the report's blocks
        if not isinstance(message, Patch) or message.message_id in seen:
            continue
        seen.add(message.message_id)
        if message.index <= 1:
            postings.append(message)
        if message.index >= 1 and message.parent_id:
            children.setdefault(message.parent_id, []).append(message.message_id)
    if len(postings) != len(figures.blocks):
        return figures  # not the figures of these messages: leave them unmarked
    blocks = []
    for patch, block in zip(postings, figures.blocks, strict=True):
        line = landed_line(patch, children.get(patch.message_id, []), landed)
        blocks.append(
            block if line is None else [*block[:AFTER_AUTHOR], line, *block[AFTER_AUTHOR:]]
        )
    return dataclasses.replace(figures, blocks=blocks)


def landed_line(patch: Patch, children: list[str], landed: LandedMap) -> str | None:
    """Return the Landed: line of a posting (a cover counts its patches), None if none landed."""
    if not patch.is_cover:
        one = landed.of(patch.message_id)
        return f"Landed: {_where(one)} ({one.how})" if one else None
    hits = [one for key in children if (one := landed.of(key)) is not None]
    if not hits:
        return None
    last = max(hits, key=lambda one: one.committed_at)
    hows = " ".join(how for how in HOW_ORDER if how in {one.how for one in hits})
    return f"Landed: {len(hits)} of {patch.total} patches, last as {_where(last)} ({hows})"


def _where(one: Landing) -> str:
    where = f"{one.commit[:ABBREV]} in {one.release or 'no release yet'}"
    return f"{where}, reverted by {one.reverted_by[:ABBREV]}" if one.reverted_by else where
