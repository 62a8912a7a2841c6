"""Counts over patch mails (cover letters and patches, not replies), by author, domain or any key.

Results are :class:`collections.Counter` objects whose keys are in order of first appearance
in the input, so ``most_common()`` — which sorts stably by count — breaks ties by who came
first. That is the documented tie order of the report (see docs/report-format.md).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

from kvmlist.errors import UsageError
from kvmlist.models import Message, Patch, Person
from kvmlist.series import iter_patch_mails

K = TypeVar("K", bound=Hashable)


def count_by(messages: Iterable[Message], key: Callable[[Patch], K | None]) -> Counter[K]:
    """Return how many patch mails share each value of ``key(patch)``; None is not counted."""
    counts: Counter[K] = Counter()
    for patch in iter_patch_mails(messages):
        value = key(patch)
        if value is not None:
            counts[value] += 1
    return counts


def count_by_author(messages: Iterable[Message]) -> Counter[Person]:
    """Return patch mails per author (in-body From first), one Person per address.

    Addresses compare case-insensitively; a person who used several names is shown with
    the latest one.
    """
    tally = AuthorTally()
    for patch in iter_patch_mails(messages):
        tally.add(patch)
    return tally.counts()


def count_by_domain(messages: Iterable[Message]) -> Counter[str]:
    """Return patch mails per author e-mail domain (lower case)."""
    return count_by(messages, domain_of)


def domain_of(patch: Patch) -> str | None:
    """Return the author's e-mail domain, or None without one."""
    return patch.author.domain if patch.author and patch.author.domain else None


class AuthorTally:
    """Patch mails per author, fed one patch at a time (for single-pass consumers)."""

    __slots__ = ("_counts", "_latest")

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()
        self._latest: dict[str, Person] = {}

    def add(self, patch: Patch) -> None:
        """Count one patch mail for its author."""
        if patch.author is not None:
            self.add_person(patch.author)

    def add_person(self, author: Person) -> None:
        """Count one patch mail for this author."""
        address = author.email.lower()
        self._counts[address] += 1
        self._latest[address] = author

    def counts(self) -> Counter[Person]:
        """Return the counts keyed by each author's latest Person, in order of first appearance."""
        return Counter({self._latest[address]: n for address, n in self._counts.items()})


AGGREGATIONS: dict[str, Callable[[Iterable[Message]], Counter[str] | Counter[Person]]] = {
    "author": count_by_author,
    "domain": count_by_domain,
}


def count_by_field(messages: Iterable[Message], field: str) -> Counter[str] | Counter[Person]:
    """Return the counts for a named field ("author" or "domain")."""
    try:
        return AGGREGATIONS[field](messages)
    except KeyError:
        known = ", ".join(sorted(AGGREGATIONS))
        raise UsageError(f"cannot count by {field!r}; choose one of: {known}") from None
