"""Mails that repeat a Message-ID seen earlier: the first copy counts, the later ones are listed.

Series, counts and the report take one mail per Message-ID, the first to arrive (grouping
rule 1). A list that delivers a mail again (intel-wired-lan 2025: 13 mails, a day later
through other relays, some re-encoded or with one more blank line at the end) or a mailer
that reuses an id would otherwise leave a copy out unsaid. :class:`Repeats` finds them in
archive order, fed a mail at a time or a worker's slice at a time, and tells how each later
copy compares with the first (:data:`RepeatKind`).
"""

from __future__ import annotations

import zlib
from typing import Literal, NamedTuple

from kvmlist.models import Message

#: How a later copy compares with the first: ``identical`` byte for byte; ``same-text``: the
#: same subject, sender and decoded body, other headers (Received, Date) or the transfer
#: encoding differ (a re-delivery); ``trailing-whitespace``: so, but the body ends in other
#: whitespace; ``different``: another subject, sender or body under the same Message-ID.
RepeatKind = Literal["identical", "same-text", "trailing-whitespace", "different"]

#: A print's parts: the raw bytes' length and CRC-32, the CRC-32 of the subject, sender and
#: body without its trailing whitespace, and that of the whitespace. A CRC only tells the
#: copies of one Message-ID apart, so 32 bits are plenty; blake2b cost check twice as much.
RAW, TEXT, TAIL = slice(0, 8), slice(8, 12), slice(12, 16)


class MailPrint(NamedTuple):
    """What tells two copies of a Message-ID apart, small enough to hand back from a worker
    and to hold for every mail of an archive (16 bytes: see RAW, TEXT, TAIL)."""

    message_id: str
    digest: bytes


class RepeatedId(NamedTuple):
    """A mail that repeats the Message-ID of an earlier one; mails are numbered from 1."""

    message_id: str
    first: int  # the mail that counts
    position: int  # this later copy
    how: RepeatKind


def mail_print(message: Message) -> MailPrint:
    """Return the MailPrint of a parsed mail (its raw bytes must still be there)."""
    raw, body = message.raw, message.body
    text = body.rstrip()
    sender = message.sender.email if message.sender else ""
    digest = zlib.crc32(f"{message.subject}\0{sender}\0".encode("utf-8", "surrogatepass"))
    digest = zlib.crc32(text.encode("utf-8", "surrogatepass"), digest)
    tail = zlib.crc32(body[len(text) :].encode("utf-8", "surrogatepass"))
    parts = (len(raw) & 0xFFFFFFFF, zlib.crc32(raw), digest, tail)
    return MailPrint(message.message_id, b"".join(part.to_bytes(4, "little") for part in parts))


def how_repeated(first: bytes, later: bytes) -> RepeatKind:
    """Return how a later copy of a Message-ID compares with the first, by their digests."""
    if first[RAW] == later[RAW]:
        return "identical"
    if first[TEXT] != later[TEXT]:
        return "different"
    return "same-text" if first[TAIL] == later[TAIL] else "trailing-whitespace"


class Repeats:
    """The later copies of Message-IDs among mails added in archive order.

    Holds each Message-ID's first mail until the end, as one small object: its number, and
    its digest when it was added with a print (measured: 100 bytes a mail besides the id's
    string, 66 without prints).
    """

    def __init__(self) -> None:
        self._first: dict[str, int | bytes] = {}
        #: Mails whose Message-ID came before.
        self.count = 0
        #: Those of them added with a print, each with how it compares with the first copy.
        self.found: list[RepeatedId] = []

    def add(self, position: int, message_id: str, mail: MailPrint | None = None) -> bool:
        """Note the mail numbered ``position``; True when its Message-ID came before. Without
        a print (of this mail or the first), a repeat is counted but not listed."""
        first = self._first.get(message_id)
        if first is None:
            kept = position if mail is None else position.to_bytes(8, "little") + mail.digest
            self._first[message_id] = kept
            return False
        self.count += 1
        if mail is not None and isinstance(first, bytes):
            how = how_repeated(first[8:], mail.digest)
            number = int.from_bytes(first[:8], "little")
            self.found.append(RepeatedId(message_id, number, position, how))
        return True
