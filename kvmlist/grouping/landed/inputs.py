"""What the matcher needs, read once: the posted patches and the tree's commits, hashed."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from kvmlist.grouping.landed.fuzzy import author_keys
from kvmlist.grouping.landed.git import check_tree
from kvmlist.grouping.landed.gitlog import Commit, parse_log, read_log
from kvmlist.grouping.landed.links import linked_message_ids
from kvmlist.grouping.landed.model import Candidate, Posted
from kvmlist.grouping.landed.patchid import patch_ids
from kvmlist.models import Message, Patch, Person


class Resolver(Protocol):
    """What maps an identity to its canonical one, e.g. ``analysis.identities.Mailmap``."""

    def resolve(self, person: Person) -> Person: ...


class _Same:
    def resolve(self, person: Person) -> Person:
        return person


@dataclass(frozen=True)
class Inputs:
    """The posted patches and the commits of one tree, ready for any choice of tiers."""

    path: Path
    posted: list[Posted]
    candidates: list[Candidate]
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step


def read_inputs(
    messages: Iterable[Message],
    tree: str | os.PathLike[str],
    *,
    revs: Sequence[str] = (),
    mailmap: Resolver | None = None,
) -> Inputs:
    """Return the patch mails of messages and the commits of the tree (one git log pass,
    one git patch-id process); a missing or non-git tree is a GitTreeError."""
    path = check_tree(tree)
    clock = time.perf_counter()
    mails = [m for m in messages if isinstance(m, Patch) and m.has_diff and not m.is_cover]
    diffs = [m.diff for m in mails]
    timings = {"mail diffs": time.perf_counter() - clock}
    clock = time.perf_counter()
    log = read_log(path, tuple(revs))
    commits = parse_log(log)
    timings["git log"] = time.perf_counter() - clock
    clock = time.perf_counter()
    by_commit, by_mail = patch_ids(path, log, diffs)
    timings["git patch-id"] = time.perf_counter() - clock
    resolver: Resolver = mailmap or _Same()
    posted = [_posted(mail, pid, resolver) for mail, pid in zip(mails, by_mail, strict=True)]
    candidates = [_candidate(c, by_commit.get(c.sha, ""), resolver) for c in commits]
    return Inputs(path, posted, candidates, timings)


def _posted(mail: Patch, patch_id: str, mailmap: Resolver) -> Posted:
    author = mail.author or mail.sender
    resolved = mailmap.resolve(author) if author else None
    copy = any("PULL" in prefix.upper().split() for prefix in mail.prefixes)
    return Posted(
        mail.message_id,
        mail.title,
        author_keys(author, resolved),
        mail.date,
        patch_id,
        mail.diff,
        copy,
    )


def _candidate(commit: Commit, patch_id: str, mailmap: Resolver) -> Candidate:
    return Candidate(
        commit,
        author_keys(commit.author, commit.mapped_author, mailmap.resolve(commit.author)),
        patch_id,
        linked_message_ids(commit.message),
    )
