"""Whom a mail was sent to: the people of its To and Cc headers (read on first use)."""

from __future__ import annotations

from kvmlist.models import Defect, Person
from kvmlist.parse.addresses import read_address_list
from kvmlist.parse.headers import scan_headers, split_raw
from kvmlist.parse.mime import normalise_newlines

RECIPIENT_FIELDS = frozenset({"to", "cc"})


def recipients_of(raw: bytes) -> tuple[Person, ...]:
    """Return the To then Cc people of a raw mail, each address once, in order."""
    block, _ = split_raw(normalise_newlines(raw))
    ignored: list[Defect] = []  # the mail's defects were recorded when it was parsed
    headers = scan_headers(block, ignored, RECIPIENT_FIELDS)
    people: dict[str, Person] = {}
    for name in ("to", "cc"):
        for value in headers.get_all(name):
            for person in read_address_list(value, ignored):
                people.setdefault(person.email.lower(), person)
    return tuple(people.values())
