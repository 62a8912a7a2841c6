"""What became of a landed commit: its copies on other branches, a revert, its release.

* A patch cherry-picked to another branch (the same patch-id) has several commits; the landing
  names the one on the main history (reachable from the branch HEAD names), else the first
  committed, and lists the others as ``copies``.
* A commit that a later commit reverts (``This reverts commit <sha>.``, see :mod:`.reverts`) is
  ``reverted_by`` that commit; a release that also contains the revert never shipped it.
* The release is the earliest tag (by date) among the first tags of the patch's commits, each
  left out when its revert is already in that tag.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from kvmlist.grouping.landed.model import Candidate, Landing
from kvmlist.grouping.landed.release import on_main, releases, tag_dates
from kvmlist.grouping.landed.reverts import standing_reverts

#: A tag git gives no date sorts last
NO_DATE = datetime.max.replace(tzinfo=timezone.utc)


def settle(
    tree: Path,
    landings: Mapping[str, Landing],
    copies: Mapping[str, tuple[str, ...]],
    commits: Sequence[Candidate],
) -> dict[str, Landing]:
    """Return the landings on their main commit, with copies, revert and release filled in."""
    undone = standing_reverts(commits)
    groups = {one.commit: (one.commit, *copies.get(one.commit, ())) for one in landings.values()}
    shas = {sha for group in groups.values() for sha in group}
    named = releases(tree, shas | {undone[sha] for sha in shas if sha in undone})
    several = {sha for group in groups.values() if len(group) > 1 for sha in group}
    main = on_main(tree, several) if several else set()
    committed = {one.commit.sha: one.commit.committed_at for one in commits}
    shipped = {sha: _shipped(sha, named, undone) for sha in shas}
    dates = tag_dates(tree) if any(_two_releases(g, shipped) for g in groups.values()) else {}
    settled = {}
    for key, one in landings.items():
        group = groups[one.commit]
        chosen = min(group, key=lambda sha: (sha not in main, committed[sha]))
        found = {tag for sha in group if (tag := shipped[sha]) is not None}
        settled[key] = replace(
            one,
            commit=chosen,
            committed_at=committed[chosen],
            release=min(found, key=lambda tag: (dates.get(tag, NO_DATE), tag)) if found else None,
            reverted_by=undone.get(chosen),
            copies=tuple(sha for sha in group if sha != chosen),
        )
    return settled


def _shipped(sha: str, named: Mapping[str, str], undone: Mapping[str, str]) -> str | None:
    """Return the first tag that has the commit, None when none or when it has the revert."""
    release = named.get(sha)
    revert = undone.get(sha)
    if release is not None and revert is not None and named.get(revert) == release:
        return None
    return release


def _two_releases(group: tuple[str, ...], shipped: Mapping[str, str | None]) -> bool:
    return len({shipped[sha] for sha in group} - {None}) > 1
