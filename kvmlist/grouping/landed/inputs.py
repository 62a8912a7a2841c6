"""What the matcher needs, read once: the posted patches and the tree's commits, hashed."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from kvmlist.grouping.landed.diffs import diff_files
from kvmlist.grouping.landed.fuzzy import author_keys
from kvmlist.grouping.landed.git import check_tree
from kvmlist.grouping.landed.gitlog import Commit, parse_log, start_log
from kvmlist.grouping.landed.links import linked_message_ids
from kvmlist.grouping.landed.model import Candidate, Posted
from kvmlist.grouping.landed.patchid import patch_ids
from kvmlist.grouping.landed.prefixes import default_prefixes
from kvmlist.grouping.landed.reverts import reverted_shas
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
    one git patch-id process); a missing or non-git tree is a GitTreeError.

    Only the diffs of mails that :func:`might_touch` the tree are decoded; the others keep
    an empty diff (the link tier still finds them).
    """
    path = check_tree(tree)
    clock = time.perf_counter()
    running = start_log(path, tuple(revs))
    mails = [m for m in messages if isinstance(m, Patch) and m.has_diff and not m.is_cover]
    log = running.result()
    commits = parse_log(log)
    timings = {"git log + parse": time.perf_counter() - clock}
    clock = time.perf_counter()
    touched = frozenset().union(*(diff_files(c.diff) for c in commits))
    diffs = [default_prefixes(m.diff) if might_touch(m, touched) else "" for m in mails]
    timings["mail diffs"] = time.perf_counter() - clock
    clock = time.perf_counter()
    by_commit, by_mail = patch_ids(path, log, diffs)
    timings["git patch-id"] = time.perf_counter() - clock
    resolver: Resolver = mailmap or _Same()
    posted = [
        _posted(mail, diff, pid, resolver)
        for mail, diff, pid in zip(mails, diffs, by_mail, strict=True)
    ]
    candidates = [_candidate(c, by_commit.get(c.sha, ""), resolver) for c in commits]
    return Inputs(path, posted, candidates, timings)


def might_touch(mail: Patch, touched: frozenset[str]) -> bool:
    """False when the mail's diffstat names only files no commit of the tree touches: such a
    patch can neither have a commit's patch-id nor share its files, so its diff is not decoded.
    Shortened (``.../x.c``) or renamed (``a => b``) paths, or no diffstat, keep it."""
    if mail.diffstat is None or not mail.diffstat.files:
        return True
    for change in mail.diffstat.files:
        path = change.path
        if path in touched or path.startswith("...") or "=>" in path:
            return True
    return False


def _posted(mail: Patch, diff: str, patch_id: str, mailmap: Resolver) -> Posted:
    author = mail.author or mail.sender
    resolved = mailmap.resolve(author) if author else None
    copy = any("PULL" in prefix.upper().split() for prefix in mail.prefixes)
    return Posted(
        mail.message_id,
        mail.title,
        author_keys(author, resolved),
        mail.date,
        patch_id,
        diff,
        copy,
    )


def _candidate(commit: Commit, patch_id: str, mailmap: Resolver) -> Candidate:
    return Candidate(
        commit,
        author_keys(commit.author, commit.mapped_author, mailmap.resolve(commit.author)),
        patch_id,
        linked_message_ids(commit.message),
        reverted_shas(commit.message),
    )
