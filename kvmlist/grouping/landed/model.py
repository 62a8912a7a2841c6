"""What the landed mapping speaks: a posted patch, a commit's view of itself, a landing."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from kvmlist.grouping.landed.diffs import DiffShape, diff_files, diff_shape
from kvmlist.grouping.landed.gitlog import Commit

#: How a mail was found in the tree, strongest first; "squashed" is a mail whose changes sit
#: inside a commit that a fuzzy match gave to another mail of the same author.
How = Literal["link", "patch-id", "fuzzy", "squashed"]
HOW_ORDER: tuple[How, ...] = ("link", "patch-id", "fuzzy", "squashed")


@dataclass(frozen=True)
class Posted:
    """A mailed patch as the matcher sees it; the diff's shape is worked out on first use."""

    message_id: str
    title: str
    author_keys: frozenset[str]  # addresses and folded names, mailmap applied
    date: datetime | None
    patch_id: str
    diff: str = field(repr=False)
    copy: bool = False  # a maintainer's [PULL] copy of a commit: never the posting that landed

    @functools.cached_property
    def files(self) -> frozenset[str]:
        return diff_files(self.diff)

    @functools.cached_property
    def shape(self) -> DiffShape:
        return diff_shape(self.diff)


@dataclass(frozen=True)
class Candidate:
    """A commit as the matcher sees it."""

    commit: Commit
    author_keys: frozenset[str]
    patch_id: str
    links: tuple[str, ...]
    reverts: tuple[str, ...] = ()  # the shas (maybe abbreviated) its message says it reverts

    @functools.cached_property
    def files(self) -> frozenset[str]:
        return diff_files(self.commit.diff)

    @functools.cached_property
    def shape(self) -> DiffShape:
        return diff_shape(self.commit.diff)


@dataclass(frozen=True, slots=True)
class Landing:
    """One posted patch found in the tree."""

    message_id: str
    commit: str
    committed_at: datetime
    how: How
    score: float = 1.0  # 1.0 for link and patch-id; the fuzzy score otherwise
    release: str | None = None  # the first tag that contains the commit, None if none yet
    superseded: tuple[str, ...] = ()  # earlier postings of the same patch this one won over
    #: the commit that reverts it (on its history, not itself reverted); None if none does
    reverted_by: str | None = None
    copies: tuple[str, ...] = ()  # other commits of the same patch: cherry-picks to branches


@dataclass(frozen=True, slots=True)
class LandedMap:
    """Which posted patches landed in a tree, as which commit, and how that was found."""

    landings: dict[str, Landing] = field(default_factory=dict)
    #: mail -> the landed posting it repeats: an older revision, a resend, a pull-request copy
    duplicate_of: dict[str, str] = field(default_factory=dict)
    commits_read: int = 0
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step

    def of(self, message_id: str) -> Landing | None:
        """Return the landing of one mail, or None when it did not land (as itself)."""
        return self.landings.get(message_id)

    def count_by_how(self) -> dict[str, int]:
        """Return how many landings each tier found, strongest tier first."""
        counts: dict[str, int] = {how: 0 for how in HOW_ORDER}
        for landing in self.landings.values():
            counts[landing.how] += 1
        return counts
