"""Which mail a reply answers: the one climb up a thread that reviews, "applied" notices,
retractions and merge notices share (docs/review.md).

A step goes to the mail's parent (In-Reply-To, else the last reference) when the archive
has it, else to the newest mail its References name that it has (References list the
thread oldest first; a mailer that trims them to the parent names just that). The climb
reads only a mail's Message-ID, parent and References, so the report's facts
(:class:`ThreadLink`) climb as the parsed mails do.
"""

from __future__ import annotations

import sys
from collections.abc import Container, Mapping
from dataclasses import dataclass
from typing import Protocol, TypeVar

#: How far up a thread a reply is followed to find the mail it answers.
MAX_CLIMB = 50


class Threaded(Protocol):
    """What the climb reads of a mail (a Message, or its ThreadLink)."""

    @property
    def message_id(self) -> str: ...

    @property
    def parent_id(self) -> str | None: ...

    @property
    def references(self) -> tuple[str, ...]: ...


T = TypeVar("T", bound=Threaded)


@dataclass(frozen=True, slots=True)
class ThreadLink:
    """A mail's place in its thread, without the mail: what the climb reads of it."""

    message_id: str
    parent_id: str | None
    references: tuple[str, ...]

    @classmethod
    def of(cls, mail: Threaded) -> ThreadLink:
        """Return the link of a mail, its ids interned: the same id in many mails' References
        is one string held and pickled once (the report's facts keep every mail's link)."""
        parent = sys.intern(mail.parent_id) if mail.parent_id is not None else None
        references = tuple(sys.intern(one) for one in mail.references)
        return cls(sys.intern(mail.message_id), parent, references)


def parent_in(message: Threaded, by_id: Mapping[str, Threaded]) -> str | None:
    """Return the Message-ID of the mail among by_id that message answers: its parent
    (In-Reply-To, else the last reference) or, when that mail is not in the archive, the
    newest one its References name that is (References list the thread oldest first; an
    Outlook user answering a mail that never reached the list still names the patch).
    None when nothing of its thread is in the archive."""
    parent_id = message.parent_id
    if parent_id is None or parent_id in by_id:
        return parent_id
    for referenced in reversed(message.references):
        if referenced in by_id and referenced != message.message_id:
            return referenced
    return None


def answered_among(reply: T, by_id: Mapping[str, T], wanted: Container[str]) -> str | None:
    """Return the Message-ID among ``wanted`` that a reply answers, climbing through the
    replies in between (at most MAX_CLIMB mails up, through :func:`parent_in`), or None
    when its thread holds none."""
    current = reply
    for _ in range(MAX_CLIMB):
        if current.parent_id is not None and current.parent_id in wanted:
            return current.parent_id  # wanted may name a mail missing from by_id
        parent_id = parent_in(current, by_id)
        if parent_id is None or parent_id in wanted:
            return parent_id
        current = by_id[parent_id]
    return None


def thread_of(mail: T, by_id: Mapping[str, T]) -> str:
    """Return the Message-ID of the thread a mail is in, as far as by_id knows it: climbing
    as :func:`answered_among` does to the highest mail by_id has, the first mail that one's
    References name, else its parent, else itself. A reply whose References name only its
    parent is in the thread of that parent."""
    current = mail
    for _ in range(MAX_CLIMB):
        parent_id = parent_in(current, by_id)
        if parent_id is None or parent_id == current.message_id:
            break
        current = by_id[parent_id]
    return next(iter(current.references), None) or current.parent_id or current.message_id
