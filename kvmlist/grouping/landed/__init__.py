"""Landed: which posted patches reached a git tree, as which commit, and when.

>>> from kvmlist.grouping.landed import find_landed
>>> landed = find_landed(messages, "~/src/kvm-unit-tests")
>>> landed.of("20220120150124.1234-2-alex@example.org")
Landing(message_id=..., commit='0f3c...', how='patch-id', release='v2022-03-08', ...)

One ``git log -p`` pass reads the commits, one ``git patch-id --stable`` process hashes every
commit and every mailed diff, one ``git name-rev`` names the releases. docs/landed.md tells how
the tiers (:mod:`.match`) were measured.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Protocol

from kvmlist.grouping.landed.fuzzy import author_keys
from kvmlist.grouping.landed.git import GitTreeError, check_tree
from kvmlist.grouping.landed.gitlog import Commit, parse_log, read_log
from kvmlist.grouping.landed.links import linked_message_ids
from kvmlist.grouping.landed.match import Matcher
from kvmlist.grouping.landed.model import HOW_ORDER, Candidate, How, LandedMap, Landing, Posted
from kvmlist.grouping.landed.patchid import patch_ids
from kvmlist.grouping.landed.release import releases
from kvmlist.models import Message, Patch, Person

__all__ = [
    "HOW_ORDER",
    "Commit",
    "GitTreeError",
    "How",
    "LandedMap",
    "Landing",
    "Resolver",
    "find_landed",
]


class Resolver(Protocol):
    """What maps an identity to the canonical one: e.g. ``kvmlist.analysis.identities.Mailmap``."""

    def resolve(self, person: Person) -> Person: ...


class _Same:
    def resolve(self, person: Person) -> Person:
        return person


def find_landed(
    messages: Iterable[Message],
    tree: str | os.PathLike[str],
    *,
    revs: Sequence[str] = (),
    mailmap: Resolver | None = None,
    tiers: Sequence[How] = ("link", "patch-id", "fuzzy"),
) -> LandedMap:
    """Return which patch mails of messages landed in the git tree (all refs, or revs).

    ``tiers`` leaves out evidence, e.g. ``("patch-id", "fuzzy")`` to measure those tiers
    against the links they would otherwise not need.
    """
    path = check_tree(tree)
    mails = [m for m in messages if isinstance(m, Patch) and m.has_diff and not m.is_cover]
    log = read_log(path, tuple(revs))
    commits = parse_log(log)
    by_commit, by_mail = patch_ids(path, log, [m.diff for m in mails])
    mapmail: Resolver = mailmap or _Same()
    posted = [_posted(mail, pid, mapmail) for mail, pid in zip(mails, by_mail, strict=True)]
    candidates = [_candidate(c, by_commit.get(c.sha, ""), mapmail) for c in commits]
    matcher = Matcher(posted, candidates)
    if "link" in tiers:
        matcher.by_links()
    if "patch-id" in tiers:
        matcher.by_patch_id()
    if "fuzzy" in tiers:
        matcher.by_fuzzy()
    matcher.other_postings()
    named = releases(path, {one.commit for one in matcher.landings.values()})
    landings = {
        key: replace(one, release=named.get(one.commit)) for key, one in matcher.landings.items()
    }
    return LandedMap(landings, dict(matcher.duplicate_of), len(commits))


def _posted(mail: Patch, patch_id: str, mailmap: Resolver) -> Posted:
    author = mail.author or mail.sender
    resolved = mailmap.resolve(author) if author else None
    return Posted(
        mail.message_id,
        mail.title,
        author_keys(author, resolved),
        mail.date,
        patch_id,
        mail.diff,
    )


def _candidate(commit: Commit, patch_id: str, mailmap: Resolver) -> Candidate:
    return Candidate(
        commit,
        author_keys(commit.author, commit.mapped_author, mailmap.resolve(commit.author)),
        patch_id,
        linked_message_ids(commit.message),
    )
