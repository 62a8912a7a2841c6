"""Trailers given in replies: ``Reviewed-by:`` under a patch applies to it; under a cover
letter, to every patch of the series. See docs/review.md for the rules and their limits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from kvmlist.models import Message, Patch, Person, ReviewTrailer
from kvmlist.parse.addresses import parse_address
from kvmlist.parse.trailers import parse_trailer_line

#: A reply's trailer names a person when its key ends in "-by" (Reviewed-by, Acked-by,
#: Tested-by, Reviewed-and-tested-by, a typo'd Reviwed-by...) and its value holds an address.
#: Cc (like From/To/Date) is left out: top-posting mailers quote the original's header block
#: unmarked ("Cc: list@...").
RE_PERSON_KEY = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*-by", re.IGNORECASE)
#: Keys a reply can give that name no person.
UTILITY_KEYS = frozenset({"fixes", "link", "closes", "buglink"})
# Fixes: 0123456789ab ("subject")   -- at least 6 hex digits, or it is prose ("Fixes: ?")
RE_FIXES = re.compile(r"[0-9a-fA-F]{6,40}\b")
RE_NAME_WORD = re.compile(r"\w+")
# "Fixes: 0123456789ab ("subject that the mailer wrapped" -- the parenthesis still open
RE_FIXES_OPEN = re.compile(r"Fixes:\s+[0-9a-fA-F]{6,40}\s+\([^)]*$", re.IGNORECASE)
RE_NAME_ONLY = re.compile(r"[\w-]+-by:\s+[^<>@]+$", re.IGNORECASE)
RE_ADDRESS_ONLY = re.compile(r"\s*<[^<>\s]+@[^<>\s]+>\s*$")
#: How far up a thread a reply is followed to find the patch it reviews.
MAX_CLIMB = 50


def reply_trailers(reply: Message) -> Iterator[ReviewTrailer]:
    """Yield the trailers a reply gives in its own text (quoted lines and signature skipped)."""
    for line in _own_lines(reply.body):
        parsed = parse_trailer_line(line)
        if parsed is None:
            continue
        key, value = parsed
        lowered = key.lower()
        if RE_PERSON_KEY.fullmatch(key):
            person = parse_address(value)
            if person is None:
                continue  # "Reviewed-by: me, once you fix the typo" is prose
            mismatch = reply.sender is None or not _same_person(person, reply.sender)
            yield ReviewTrailer(
                key=key, value=value, person=person, given_in=reply.message_id,
                given_by=reply.sender, mismatch=mismatch,
            )  # fmt: skip
        elif lowered in UTILITY_KEYS and (lowered != "fixes" or RE_FIXES.match(value)):
            yield ReviewTrailer(
                key=key, value=value, given_in=reply.message_id, given_by=reply.sender
            )


def _same_person(named: Person, sender: Person) -> bool:
    """The trailer names the reply's sender: the same address, or the same name written from
    another address ("Marc Zyngier <maz@kernel.org>" sent from maz@misterjones.org; "Alexander
    Graf" from "Graf (AWS), Alexander"). Names of one word match only exactly."""
    if named.email.lower() == sender.email.lower():
        return True
    words, sender_words = _name_words(named.name), _name_words(sender.name)
    if len(words) < 2:
        return bool(words) and words == sender_words
    return words <= sender_words


def _name_words(name: str | None) -> frozenset[str]:
    return frozenset(RE_NAME_WORD.findall(name.casefold())) if name else frozenset()


def _own_lines(body: str) -> Iterator[str]:
    """The reply's own lines, a trailer wrapped by the mailer joined back onto one line."""
    lines = list(_unquoted(body))
    at = 0
    while at < len(lines):
        line = lines[at]
        following = lines[at + 1] if at + 1 < len(lines) else ""
        if following and _wrapped(line, following):
            line, at = f"{line} {following.strip()}", at + 1
        yield line
        at += 1


def _unquoted(body: str) -> Iterator[str]:
    """The lines the reply's sender wrote: up to the signature, or to an original mail the
    mailer appended without quoting it (Outlook's "-----Original Message-----", or a whole
    mail after an mbox "From " line, as in the stable team's "added to the tree" notices)."""
    lines = body.split("\n")
    for at, line in enumerate(lines):
        if line == "-- " or line.strip() == "-----Original Message-----":
            return
        if line.startswith("From ") and at + 1 < len(lines) and lines[at + 1][:5] == "From:":
            return
        if not line.startswith(">"):
            yield line


def _wrapped(line: str, following: str) -> bool:
    """``Fixes: 0123abcd ("long`` + ``subject")``, or ``Reviewed-by: Name`` + ``<address>``."""
    if RE_FIXES_OPEN.match(line):
        return following.rstrip().endswith(")") and ":" not in following.split(" ", 1)[0]
    return RE_NAME_ONLY.match(line) is not None and RE_ADDRESS_ONLY.match(following) is not None


def review_targets(
    reply: Message, by_id: dict[str, Message], series_of: dict[str, tuple[Patch, ...]]
) -> tuple[Patch, ...]:
    """Return the patches a reply's trailers apply to: the patch it answers (climbing through
    replies to replies), or every patch of the series when it answers the cover letter."""
    current: Message | None = reply
    for _ in range(MAX_CLIMB):
        parent_id = current.parent_id if current else None
        current = by_id.get(parent_id) if parent_id else None
        if current is None:
            return ()
        if isinstance(current, Patch):
            if current.is_cover:
                return series_of.get(current.message_id, ())
            return (current,)
    return ()


def collect_reviews(
    messages: Iterable[Message], series_of: dict[str, tuple[Patch, ...]]
) -> dict[str, list[ReviewTrailer]]:
    """Return review trailers per patch Message-ID, from every reply among messages."""
    mails = list(messages)
    by_id = {m.message_id: m for m in mails}
    reviews: dict[str, list[ReviewTrailer]] = {}
    for reply in mails:
        if reply.kind != "reply":
            continue
        targets = review_targets(reply, by_id, series_of)
        trailers = list(reply_trailers(reply)) if targets else []  # decode bodies only if needed
        for patch in targets if trailers else ():
            given = reviews.setdefault(patch.message_id, [])
            for trailer in trailers:
                if not any(_same(trailer, other) for other in given):
                    given.append(trailer)
    return reviews


def _same(a: ReviewTrailer, b: ReviewTrailer) -> bool:
    if a.key.lower() != b.key.lower():
        return False
    if a.person and b.person:
        return a.person.email.lower() == b.person.email.lower()
    return a.value == b.value
