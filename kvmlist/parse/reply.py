"""What a reply says in its own words: the trailers it gives.

Only the lines the sender wrote count: quoted (``>``) lines, the signature and an original
mail the mailer appended unquoted are left out. docs/review.md has the rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from kvmlist.models import Person
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
# "Fixes: 0123456789ab ("subject that the mailer wrapped" -- the parenthesis still open
RE_FIXES_OPEN = re.compile(r"Fixes:\s+[0-9a-fA-F]{6,40}\s+\([^)]*$", re.IGNORECASE)
# "Reviewed-by: Jane Doe" (the address wrapped onto the next line)
RE_NAME_ONLY = re.compile(r"[\w-]+-by:\s+[^<>@]+$", re.IGNORECASE)
# "   <jane@example.org>"
RE_ADDRESS_ONLY = re.compile(r"\s*<[^<>\s]+@[^<>\s]+>\s*$")
# -----Original Message-----  |  --- Original Message ---   (Outlook's line above the mail
# it answers, appended unquoted)
RE_ORIGINAL_LINE = re.compile(r"-{3,} ?Original Message ?-{3,}", re.IGNORECASE)
# ________________________________   (Outlook's other form: a rule of underscores, then the
# original's "From:" line)
RE_UNDERSCORE_RULE = re.compile(r"_{20,}")


@dataclass(frozen=True, slots=True)
class GivenTrailer:
    """A trailer a reply gives: a ``-by`` key naming ``person``, or a utility key (Fixes...)."""

    key: str
    value: str
    person: Person | None


def given_trailers(body: str) -> Iterator[GivenTrailer]:
    """Yield the trailers a reply's body gives in its own text (quotes and signature skipped)."""
    for line in _own_lines(body):
        parsed = parse_trailer_line(line)
        if parsed is None:
            continue
        key, value = parsed
        lowered = key.lower()
        if RE_PERSON_KEY.fullmatch(key):
            person = parse_address(value)
            if person is not None:  # "Reviewed-by: me, once you fix the typo" is prose
                yield GivenTrailer(key, value, person)
        elif lowered in UTILITY_KEYS and (lowered != "fixes" or RE_FIXES.match(value)):
            yield GivenTrailer(key, value, None)


def _own_lines(body: str) -> Iterator[str]:
    """The reply's own lines, a trailer wrapped by the mailer joined back onto one line."""
    lines = list(unquoted_lines(body))
    at = 0
    while at < len(lines):
        line = lines[at]
        following = lines[at + 1] if at + 1 < len(lines) else ""
        if following and _wrapped(line, following):
            line, at = f"{line} {following.strip()}", at + 1
        yield line
        at += 1


def unquoted_lines(body: str) -> Iterator[str]:
    """The lines the reply's sender wrote: up to the signature, or to an original mail the
    mailer appended without quoting it (Outlook's "-----Original Message-----" or a rule of
    underscores over the original's "From:", or a whole mail after an mbox "From " line, as
    in the stable team's "added to the tree" notices)."""
    lines = body.split("\n")
    for at, line in enumerate(lines):
        if line == "-- " or RE_ORIGINAL_LINE.fullmatch(line.strip()):
            return
        following = lines[at + 1] if at + 1 < len(lines) else ""
        if following[:5] == "From:" and (
            line.startswith("From ") or RE_UNDERSCORE_RULE.fullmatch(line.strip())
        ):
            return
        if not line.startswith(">"):
            yield line


def _wrapped(line: str, following: str) -> bool:
    """``Fixes: 0123abcd ("long`` + ``subject")``, or ``Reviewed-by: Name`` + ``<address>``."""
    if RE_FIXES_OPEN.match(line):
        return following.rstrip().endswith(")") and ":" not in following.split(" ", 1)[0]
    return RE_NAME_ONLY.match(line) is not None and RE_ADDRESS_ONLY.match(following) is not None
