"""Threads as connected components of In-Reply-To and References, as lore's t.mbox.gz has them.

Mails that reference the same absent mail (a patch 1/N sent to other lists only) share a
thread, as on lore.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from kvmlist.models import Message, Series


class ThreadForest:
    """Union-find over Message-IDs: which mails share a thread."""

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}

    def root(self, item: str) -> str:
        """Return the Message-ID that stands for item's thread."""
        parent = self._parent.setdefault(item, item)
        while parent != item:
            grandparent = self._parent[parent]
            self._parent[item] = grandparent
            item, parent = parent, grandparent
        return item

    def join(self, first: str, *others: str) -> None:
        """Put first and others in one thread."""
        root = self.root(first)
        for other in others:
            other_root = self.root(other)
            if other_root != root:
                self._parent[other_root] = root

    def link(self, message: Message) -> None:
        """Join a mail with every mail it answers or references, present or not."""
        self.join(message.message_id, *filter(None, (message.in_reply_to, *message.references)))


def threads_of(mails: Iterable[Message]) -> list[list[Message]]:
    """Return the mails grouped by thread, threads and their mails in order of first arrival."""
    mails = list(mails)
    forest = ThreadForest()
    for message in mails:
        forest.link(message)
    threads: dict[str, list[Message]] = {}
    for message in mails:
        threads.setdefault(forest.root(message.message_id), []).append(message)
    return list(threads.values())


def thread_senders(series: Sequence[Series], messages: Iterable[Message]) -> list[set[str]]:
    """Return, per series, the lower-cased sender addresses of the mails in its thread that
    are not its own: mails whose In-Reply-To or References name one of its mails."""
    owner = {m.message_id: at for at, one in enumerate(series) for m in one.messages}
    senders: list[set[str]] = [set() for _ in series]
    for mail in messages:
        if mail.sender is None:
            continue
        mine = owner.get(mail.message_id)
        for parent in {mail.in_reply_to, *mail.references}:
            at = owner.get(parent) if parent else None
            if at is not None and at != mine:
                senders[at].add(mail.sender.email.lower())
    return senders
