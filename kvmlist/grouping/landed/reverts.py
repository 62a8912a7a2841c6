"""Which commits a later commit of the tree reverts, as ``git revert`` writes it::

    Revert "arm: fix delta"

    This reverts commit 4949913796a9e64086a939367ac962bfa35d1fdb.

A revert that is itself reverted (``Revert "Revert ..."``) puts the change back: it counts for
nothing. Hand-written reverts that shorten the sha (12 digits, as the kernel cites commits)
are resolved when the prefix names one commit of the tree.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from kvmlist.grouping.landed.model import Candidate

# This reverts commit 4949913796a9e64086a939367ac962bfa35d1fdb.
RE_REVERTS = re.compile(r"^This reverts commit ([0-9a-f]{7,40})(?![0-9a-zA-Z])", re.MULTILINE)
#: A commit message naming more commits than this is no revert git or a maintainer wrote
MAX_REVERTED = 8


def reverted_shas(message: str) -> tuple[str, ...]:
    """Return the (full or abbreviated) shas a commit message says it reverts."""
    found = []
    for match in RE_REVERTS.finditer(message):
        found.append(match.group(1))
        if len(found) > MAX_REVERTED:
            return ()
    return tuple(dict.fromkeys(found))


def standing_reverts(commits: Sequence[Candidate]) -> dict[str, str]:
    """Return sha -> the commit that reverts it, for the reverts that stand (not reverted).

    ``commits`` come newest first, as git log gives them; a revert counts only for a commit
    listed after it (older), so a hostile message naming a newer commit, or itself, is ignored.
    """
    shas = sorted(one.commit.sha for one in commits)
    rank = {one.commit.sha: at for at, one in enumerate(commits)}
    reverters: dict[str, list[str]] = {}
    for one in commits:
        for named in one.reverts:
            target = _resolve(named, shas)
            if target is not None and rank[target] > rank[one.commit.sha]:
                reverters.setdefault(target, []).append(one.commit.sha)
    undone: dict[str, str] = {}
    for one in commits:  # newest first: every reverter of a commit is decided before it
        standing = [sha for sha in reverters.get(one.commit.sha, ()) if sha not in undone]
        if standing:
            undone[one.commit.sha] = max(standing, key=rank.__getitem__)  # the first revert
    return undone


def _resolve(named: str, shas: Sequence[str]) -> str | None:
    """Return the one sha of the tree that starts with named, None when none or several."""
    at = bisect.bisect_left(shas, named)
    if at == len(shas) or not shas[at].startswith(named):
        return None
    if at + 1 < len(shas) and shas[at + 1].startswith(named):
        return None
    return shas[at]
