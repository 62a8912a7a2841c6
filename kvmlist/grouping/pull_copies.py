"""A pull request's copies of patches already posted: which patch mails the counts take once.

A maintainer who pulls a patch re-posts it under the pull request, naming the original
posting in a trailer: qemu's scripts write ``Message-id: <id>`` (``[PULL 01/12]``), b4 and
the kernel's ``git am`` hooks ``Link: https://lore.kernel.org/r/<id>`` (kvmarm's ``[GIT
PULL]`` threads), in-body From the author's. Such a patch mail is a *copy* when:

- it answers a pull request (:func:`kvmlist.grouping.pulls.is_pull_request`) of the archive,
  or the pull request is among its References (``--chain-reply-to``: it answers the copy
  before it);
- a ``Link:`` or ``Message-Id:`` trailer of it names a patch mail of the archive that the
  counts take (:func:`kvmlist.grouping.pulls.is_counted_patch_mail`) and that is no copy
  itself (a copy of a copy leads to the first posting; copies naming each other are none);
- that patch mail has the same author (:func:`kvmlist.parse.addresses.identity_key`).

A copy is not counted again. When the original is not in the archive, the copy is the
archive's only posting of the patch, and counts. Whoever sends such a mail cannot lower
anybody's count: the copy is the mail left out, never the original, and only for the
author it names (docs/review.md, "Pull requests and their merges").

:class:`PullCopies` is mergeable, as the counts are built per slice (workers, Dask).
"""

from __future__ import annotations

from collections.abc import Iterable

from kvmlist.grouping.pulls import is_counted_patch_mail, is_pull_request
from kvmlist.models import BODY_FORM, Message, Patch
from kvmlist.parse.addresses import identity_key
from kvmlist.parse.links import RE_MESSAGE_ID_VALUE, message_id_in_url

#: The trailer keys (lower case) that name the posting a patch was applied from.
NAMING_KEYS = frozenset({"link", "message-id"})
#: What one of those trailers starts with in the raw mail, above its diff: a mail without
#: any is no copy, and its trailers are not read (reading them costs as much as parsing the
#: archive)...
RAW_MARKS = (b"Link:", b"link:", b"Message-", b"message-", b"MESSAGE-")
#: ... unless its text is encoded so (mailman's lists re-encode bodies in base64).
RAW_ENCODED = (b"ase64", b"ASE64")
#: Where a patch's diff starts in the raw mail: its commit message, trailers and all, is
#: above (kvmlist.parse.body.diff_start stops at the first such line, if not before).
RAW_DIFF = b"\ndiff --git "
#: A claim: the Message-ID a patch mail answers and those its trailers name.
Claim = tuple[tuple[str, ...], tuple[str, ...]]


def named_postings(patch: Patch) -> tuple[str, ...]:
    """Return the Message-IDs a patch's ``Link:`` and ``Message-Id:`` trailers name, in
    order (a lore link's ``/r/<id>``, ``/all/<id>/``, ``/<list>/<id>/``; an id in ``<>``
    or not)."""
    named: list[str] = []
    for trailer in patch.trailers:
        if trailer.key.lower() not in NAMING_KEYS:
            continue
        value = trailer.value.strip()
        if "://" in value:
            found = message_id_in_url(value)
        else:
            match = RE_MESSAGE_ID_VALUE.fullmatch(value)
            found = match.group(1) if match else None
        if found and found != patch.message_id:
            named.append(found)
    return tuple(dict.fromkeys(named))


def claim_of(message: Message) -> Claim | None:
    """Return what a patch mail claims to copy: (the Message-IDs above it, its parent first,
    then its References newest first: a pull request sent with ``--chain-reply-to`` is named
    there only; the ids its trailers name); None for a mail that answers nothing or names no
    posting."""
    if not isinstance(message, Patch) or message.kind != "patch" or message.parent_id is None:
        return None
    if message.raw and not _may_name(message):
        return None
    named = named_postings(message)
    if not named:
        return None
    return (tuple(dict.fromkeys((message.parent_id, *reversed(message.references)))), named)


def _may_name(message: Message) -> bool:
    """Whether a raw mail may hold a naming trailer: RAW_MARKS between its header and its
    diff, or base64 above its diff (quoted-printable keeps the marks). The header fields the
    parse kept (models.BODY_FORM) say where the body starts and, for a single text part not
    in base64, that nothing is encoded: most mails are read from the body to the diff only."""
    raw = message.raw
    form = message.__dict__.get(BODY_FORM)
    if form is not None:
        start, ctype, encoding = form[0], (form[2] or "").lower(), (form[3] or "").lower()
        encoded = ctype.startswith("multipart") or "base64" in encoding
    else:
        start = raw.find(b"\n\n")
        start = raw.find(b"\n\r\n") if start < 0 else start
        encoded = True
    end = raw.find(RAW_DIFF, max(start, 0))
    end = len(raw) if end < 0 else end
    if start >= 0 and any(raw.find(mark, start, end) >= 0 for mark in RAW_MARKS):
        return True
    return encoded and any(raw.find(mark, 0, end) >= 0 for mark in RAW_ENCODED)


class PullCopies:
    """The pull requests, the counted patch mails' authors and their claims, gathered mail
    by mail (:meth:`add`) or row by row (workers), merged in archive order (:meth:`merge`);
    :meth:`copies` gives the copies among them."""

    __slots__ = ("_authors", "_claims", "_people", "_requests")

    def __init__(self) -> None:
        self._requests: set[str] = set()
        #: counted patch mail -> its author's identity (identity_key), None without one
        self._authors: dict[str, str | None] = {}
        self._claims: dict[str, Claim] = {}
        self._people: dict[str, str] = {}  # one string per identity, shared by its mails

    @classmethod
    def of(cls, messages: Iterable[Message]) -> PullCopies:
        """Return what messages hold."""
        found = cls()
        for message in messages:
            found.add(message)
        return found

    def add(self, message: Message) -> None:
        """Record one mail: a pull request, or a counted patch mail (first arrival wins)."""
        if is_pull_request(message):
            self.add_request(message.message_id)
        elif is_counted_patch_mail(message) and message.message_id not in self._authors:
            author = identity_key(message.author) if message.author else None
            self.add_patch(message.message_id, author, claim_of(message))

    def add_request(self, message_id: str) -> None:
        """Record a pull request."""
        self._requests.add(message_id)

    def add_patch(self, message_id: str, author: str | None, claim: Claim | None) -> None:
        """Record a counted patch mail: its author's identity and its claim, if any."""
        if message_id in self._authors:
            return
        self._authors[message_id] = author and self._people.setdefault(author, author)
        if claim is not None:
            self._claims[message_id] = claim

    def merge(self, later: PullCopies) -> PullCopies:
        """Return these records followed by a later slice's (first arrival wins)."""
        merged = PullCopies()
        merged._requests = self._requests | later._requests
        merged._authors = dict(self._authors)
        merged._claims = dict(self._claims)
        for message_id, author in later._authors.items():
            if message_id not in merged._authors:
                merged._authors[message_id] = author
                if message_id in later._claims:
                    merged._claims[message_id] = later._claims[message_id]
        return merged

    def copies(self) -> frozenset[str]:
        """Return the Message-IDs of the counted patch mails that are copies."""
        return frozenset(self.originals())

    def originals(self) -> dict[str, str]:
        """Return each copy's Message-ID with that of the first posting it copies."""
        found = {one: self._first_posting(one) for one in self._claims}
        return {copy: first for copy, first in found.items() if first is not None}

    def _first_posting(self, copy: str) -> str | None:
        """The first posting a copy leads to through the originals it names; None when it
        is no copy, or its originals lead back to it."""
        seen, at = {copy}, copy
        while (original := self._original(at)) is not None:
            if original in seen:
                return None
            seen.add(original)
            at = original
        return None if at == copy else at

    def _original(self, message_id: str) -> str | None:
        """The first posting a patch mail's claim names that is counted and by its author,
        when it answers a pull request (or names one in its References); else None."""
        claim = self._claims.get(message_id)
        if claim is None or not any(above in self._requests for above in claim[0]):
            return None
        author = self._authors[message_id]
        if author is None:
            return None
        same = (one for one in claim[1] if one in self._authors and self._authors[one] == author)
        return next(same, None)
