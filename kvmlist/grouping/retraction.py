"""Acceptances taken back: a maintainer's later "I dropped this series from mm-new".

kvmlist.parse.retraction reads the words; this module says which patches they concern (those
of the series the reply answers, climbing through replies) and whose acceptance they cancel:
only the writer's own, given before it (:func:`withdrawn`). docs/review.md has the rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from kvmlist.grouping.answered import answered_among
from kvmlist.models import Message, Person, Series
from kvmlist.parse.addresses import same_mailbox
from kvmlist.parse.retraction import retraction_in


@dataclass(frozen=True, slots=True)
class Withdrawal:
    """A reply by ``by``, dated ``at``, that takes patches back out of a tree."""

    by: Person
    at: datetime


def withdrawal_of(reply: Message) -> tuple[Withdrawal, bool, tuple[int, ...]] | None:
    """Return a reply's withdrawal, whether it names the whole series and the patch numbers
    it names; None when the reply takes nothing back (or has no sender or plausible date)."""
    if reply.kind != "reply" or reply.sender is None or reply.plausible_date is None:
        return None
    said = retraction_in(reply.body)
    if said is None:
        return None
    return Withdrawal(reply.sender, reply.plausible_date), said.series, said.numbers


def withdrawals(
    replies: Iterable[Message],
    by_id: Mapping[str, Message],
    ordered: list[Series],
    owner: Mapping[str, int],
) -> dict[str, list[Withdrawal]]:
    """Return, per patch Message-ID, the replies that take it back: the patches a reply
    names by number of the series it answers, else the whole series when it names the
    series or answers the cover letter, else the patch it answers."""
    found: dict[str, list[Withdrawal]] = {}
    for reply in replies:
        said = withdrawal_of(reply)
        answered = answered_among(reply, by_id, owner) if said else None
        if said is None or answered is None:
            continue
        withdrawal, whole, numbers = said
        patches = ordered[owner[answered]].patches
        if numbers:
            chosen = [p for p in patches if p.index in numbers]
        else:
            chosen = [] if whole else [p for p in patches if p.message_id == answered]
            chosen = chosen or list(patches)
        for patch in chosen:
            found.setdefault(patch.message_id, []).append(withdrawal)
    return found


def withdrawn(
    applied_by: Person | None, noticed: datetime | None, taken_back: Iterable[Withdrawal]
) -> bool:
    """Whether an acceptance by ``applied_by`` in a notice dated ``noticed`` was taken back:
    a withdrawal from the same address (kvmlist.parse.addresses.same_mailbox), dated after
    it: a stranger who types the maintainer's name cancels nothing. An undated notice, or one
    by nobody (a landed commit), is never taken back."""
    if applied_by is None or noticed is None:
        return False
    return any(w.at > noticed and same_mailbox(applied_by, w.by) for w in taken_back)
