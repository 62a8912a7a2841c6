"""Maintainers' "applied" notices: who applied which patch, to which tree, as which commit.

Two shapes are recognised in the unquoted text of a reply:

* a classic notice: a line that starts with "Applied", "Queued", "Pushed", "Merged" or
  "Picked up" (optionally after "Thanks,") and thanks the author on the same line —
  ``Applied to kvmarm/next, thanks!``, ``Queued for kvm/master, thanks.``, ``Thanks, applied.``;
* a b4 thank-you listing: ``[1/9] title`` followed by an indented ``commit: <sha>`` line.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from kvmlist.models import Message, Patch, Person
from kvmlist.parse.subject import parse_subject

# Applied to kvmarm/next, thanks!   |   Thanks, applied.   |   Queued for kvm/master, thanks.
RE_NOTICE = re.compile(
    r"^(?:thanks,?\s+)?(?:applied|queued|pushed|merged|picked up)\b([^\n]{0,200})$",
    re.IGNORECASE,
)
# ... to kvmarm/next   |   ... for kvm/master   |   ... into next
RE_TREE = re.compile(r"\b(?:to|into|for|on|in)\s+([\w.\-/:]+[\w])", re.IGNORECASE)
# [1/9] KVM: arm64: Add trap routing for GMID_EL1
RE_LISTED = re.compile(r"^\[(\d{1,4})/(\d{1,4})\]\s+(\S.*)$")
# "      commit: 0123456789ab"
RE_COMMIT = re.compile(r"^\s+commit:\s+([0-9a-f]{7,40})\b")
# words that turn "applied" into a test report rather than an acceptance
RE_NOT_ACCEPTANCE = re.compile(r"\b(?:test|tested|top of|locally|cleanly)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Acceptance:
    """One patch acknowledged as applied."""

    title: str
    applied_by: Person | None
    tree: str | None
    commit: str | None
    message_id: str  # of the notice


def find_acceptances(messages: Iterable[Message]) -> Iterator[Acceptance]:
    """Yield an Acceptance per patch that a reply among messages says was applied."""
    titles: dict[str, str] = {}
    for message in messages:
        if isinstance(message, Patch):
            titles[message.message_id] = message.title
        if message.kind == "reply":
            yield from acceptances_in(message, titles)


def acceptances_in(message: Message, titles: dict[str, str]) -> Iterator[Acceptance]:
    """Yield what one reply says was applied; titles maps Message-IDs of patches to titles."""
    lines = [line for line in message.body.split("\n") if not line.startswith(">")]
    tree = _notice_tree(lines)
    listed = list(_listed(lines))
    if tree is None and not listed:
        return
    tree = tree or None
    if listed:
        for title, commit in listed:
            yield Acceptance(title, message.sender, tree, commit, message.message_id)
        return
    parent = message.parent_id
    title = titles.get(parent, "") if parent else ""
    yield Acceptance(
        title or parse_subject(message.subject).title,
        message.sender,
        tree,
        None,
        message.message_id,
    )


def _notice_tree(lines: list[str]) -> str | None:
    """Return the tree a notice names ("" when it names none), or None without a notice."""
    for line in lines:
        match = RE_NOTICE.match(line.strip())
        if not match or "thank" not in line.lower() or RE_NOT_ACCEPTANCE.search(line):
            continue
        tree = RE_TREE.search(match.group(1))
        return tree.group(1) if tree else ""
    return None


def _listed(lines: list[str]) -> Iterator[tuple[str, str]]:
    for line, following in itertools.pairwise(lines):
        entry = RE_LISTED.match(line)
        commit = RE_COMMIT.match(following)
        if entry and commit:
            yield entry.group(3).strip(), commit.group(1)
