"""Landed: which posted patches reached a git tree, as which commit, and when.

>>> from kvmlist.grouping.landed import find_landed
>>> landed = find_landed(messages, "~/src/kvm-unit-tests")
>>> landed.of("20220120150124.1234-2-alex@example.org")
Landing(message_id=..., commit='0f3c...', how='patch-id', release='v2022-03-08', ...)

One ``git log -p`` pass reads the commits, one ``git patch-id --stable`` process hashes every
commit and every mailed diff, one ``git name-rev`` names the releases (:mod:`.history`:
cherry-picks and reverts). docs/landed.md tells how the tiers (:mod:`.match`) were measured.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Sequence

from kvmlist.grouping.landed.git import GitTreeError
from kvmlist.grouping.landed.gitlog import Commit
from kvmlist.grouping.landed.history import settle
from kvmlist.grouping.landed.inputs import Inputs, Resolver, read_inputs
from kvmlist.grouping.landed.match import Matcher
from kvmlist.grouping.landed.model import HOW_ORDER, How, LandedMap, Landing
from kvmlist.models import Message

__all__ = [
    "ALL_TIERS",
    "HOW_ORDER",
    "Commit",
    "GitTreeError",
    "How",
    "Inputs",
    "LandedMap",
    "Landing",
    "Resolver",
    "find_landed",
    "match_inputs",
    "read_inputs",
]


#: The tiers :func:`find_landed` uses unless told otherwise, strongest first
ALL_TIERS: tuple[How, ...] = ("link", "patch-id", "fuzzy")


def find_landed(
    messages: Iterable[Message],
    tree: str | os.PathLike[str],
    *,
    revs: Sequence[str] = (),
    mailmap: Resolver | None = None,
    tiers: Sequence[How] = ALL_TIERS,
) -> LandedMap:
    """Return which patch mails of messages landed in the git tree (all refs, or revs).

    ``tiers`` leaves out evidence, e.g. ``("patch-id", "fuzzy")`` to measure those tiers
    against the links they would otherwise not need. ``LandedMap.timings`` says where the
    time went.
    """
    inputs = read_inputs(messages, tree, revs=revs, mailmap=mailmap)
    return match_inputs(inputs, tiers)


def match_inputs(inputs: Inputs, tiers: Sequence[How] = ALL_TIERS) -> LandedMap:
    """Return the landed map of inputs already read, using the given tiers, with releases."""
    started = time.perf_counter()
    matcher = Matcher(inputs.posted, inputs.candidates)
    if "link" in tiers:
        matcher.by_links()
    if "patch-id" in tiers:
        matcher.by_patch_id()
    if "fuzzy" in tiers:
        matcher.by_fuzzy()
    if "patch-id" in tiers:
        matcher.by_copies()
    matcher.other_postings()
    matched = time.perf_counter()
    landings = settle(inputs.path, matcher.landings, matcher.copies(), inputs.candidates)
    timings = {
        **inputs.timings,
        "match": matched - started,
        "git name-rev": time.perf_counter() - matched,
    }
    return LandedMap(landings, dict(matcher.duplicate_of), len(inputs.candidates), timings)
