"""Counts over patch mails (cover letters and patches, not replies), by author, domain or any key.

Results are :class:`Counts` (a :class:`collections.Counter` that draws itself as a table in
Jupyter) whose keys are in order of first appearance
in the input, so ``most_common()`` — which sorts stably by count — breaks ties by who came
first. That is the documented tie order of the report (see docs/report-format.md).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from datetime import datetime, timedelta
from functools import partial
from typing import Any, TypeVar, overload

from kvmlist._arguments import check_messages, check_type
from kvmlist._utc import as_utc
from kvmlist.analysis.identities import UNKNOWN, Mailmap, OrganisationMap, check_mailmap
from kvmlist.errors import UsageError
from kvmlist.grouping.pull_copies import PullCopies
from kvmlist.grouping.pulls import is_counted_patch_mail
from kvmlist.models import Message, Patch, Person, Series
from kvmlist.parse.addresses import identity_key
from kvmlist.parse.dates import EARLIEST

K = TypeVar("K", bound=Hashable)
S = TypeVar("S", bound=Hashable)

#: Rows a Counts shows in Jupyter before "... and N more".
HTML_ROWS = 20


class Counts(Counter[K]):
    """A Counter of patch mails that Jupyter shows as a compact table: rank, key, count, share.

    Its arithmetic (``+ - | &``, as Counter's) gives a Counts, the table view kept."""

    def __add__(self, other: Counter[S]) -> Counts[K | S]:
        return Counts(super().__add__(other))

    def __sub__(self, other: Counter[K]) -> Counts[K]:
        return Counts(super().__sub__(other))

    def __or__(self, other: Counter[S]) -> Counts[K | S]:  # type: ignore[override]
        return Counts(super().__or__(other))

    def __and__(self, other: Counter[K]) -> Counts[K]:
        return Counts(super().__and__(other))

    def _repr_html_(self) -> str:
        from kvmlist._html import counts_html

        return counts_html(self.most_common(HTML_ROWS), self.total(), len(self))


@overload
def count_by(
    messages: Iterable[Message], key: Callable[[Patch], K | None], *, freq: None = None
) -> Counts[K]: ...
@overload
def count_by(
    messages: Iterable[Message], key: Callable[[Patch], K | None], *, freq: str
) -> Counts[tuple[str, K]]: ...
def count_by(
    messages: Iterable[Message], key: Callable[[Patch], K | None], *, freq: str | None = None
) -> Counts[K] | Counts[tuple[str, K]]:
    """Return how many patch mails share each value of ``key(patch)``; None is not counted.

    With ``freq`` ("D", "W", "M" or "Y") the keys are ``(period, value)`` pairs, the period
    named by its first day ("2026-03-02" for that ISO week), its month ("2026-03") or year;
    a patch mail without a plausible date (:func:`plausible_period`) is in no period.
    """
    return PatchKeys.of(check_messages(messages), by_period(key, freq)).counts()


def by_period(key: Callable[[Patch], Any], freq: str | None) -> Callable[[Patch], Any]:
    """Return ``key``, or with ``freq`` a :class:`PeriodKey` giving ``(period, key(patch))``."""
    return key if freq is None else PeriodKey(key, freq)


class PeriodKey:
    """A count_by key of ``(period, key(patch))``, None for a patch mail without a value or a
    plausible date; ``implausible`` counts those with a value left out for their date."""

    def __init__(self, key: Callable[[Patch], Any], freq: str) -> None:
        self.key = key
        self.freq = freq
        self.implausible = 0

    def __call__(self, patch: Patch) -> Any:
        value = self.key(patch)
        if value is None:
            return None
        period = plausible_period(patch, self.freq)
        if period is None:
            self.implausible += patch.date is not None
            return None
        return (period, value)


def plausible_period(dated: Message | Series, freq: str) -> str | None:
    """Return the label of the period a mail or series is counted in, by its plausible date;
    None without one: undated, or dated by a broken clock (defect ``implausible-date``)."""
    when = dated.plausible_date
    return None if when is None else period_of(when, freq)


def explain_no_period(count: int, period: str, what: str = "patch mail", also: str = "") -> str:
    """Return one line saying how many mails a count by ``period`` ("week") left out for
    their implausible date; ``also`` says what else leaves them out."""
    verb, plural = ("is", "") if count == 1 else ("are", "s")
    return (
        f"{count:,} {what}{plural} with an implausible date (before {EARLIEST.year}, or over a"
        f" day ahead of the clock) {verb} in no {period}{also}"
    )


#: What a period of each ``freq`` is called.
PERIOD_NAME = {"D": "day", "W": "week", "M": "month", "Y": "year"}


def period_of(when: datetime, freq: str) -> str:
    """Return the label of the day, ISO week (its Monday), month or year a time falls in."""
    day = when.date()
    if freq == "D":
        return day.isoformat()
    if freq == "W":
        return (day - timedelta(days=day.weekday())).isoformat()
    if freq == "M":
        return f"{day.year:04d}-{day.month:02d}"
    if freq == "Y":
        return f"{day.year:04d}"
    raise UsageError(f"freq {freq!r}: choose D, W, M or Y")


def count_by_author(
    messages: Iterable[Message], *, mailmap: Mailmap | None = None
) -> Counts[Person]:
    """Return patch mails per author (in-body From first), one Person per address.

    Addresses compare case-insensitively; a person who used several names or spellings of
    their address is shown as their latest patch mail (in archive order) wrote them, as the
    other tables show them too (docs/identities.md). A relay's sender kept as written
    ("Jane Doe via GitGitGadget") is one person per name at its address
    (:func:`identity_key`). A git ``mailmap`` merges a person's aliases first.
    """
    check_mailmap(mailmap)
    key = partial(author_of, mailmap=mailmap)
    return PatchKeys.of(check_messages(messages), key).author_counts()


def count_by_organisation(
    messages: Iterable[Message],
    *,
    organisations: OrganisationMap | None = None,
    mailmap: Mailmap | None = None,
) -> Counts[str]:
    """Return patch mails per organisation of their author at the mail's date.

    Uses the bundled starter map unless ``organisations`` is given; free-mail and unmapped
    addresses count as "(Unknown)".
    """
    check_mailmap(mailmap)
    check_type(organisations, (OrganisationMap, type(None)), "organisations", "an OrganisationMap")
    organisations = organisations or OrganisationMap.default()
    return count_by(
        messages, partial(organisation_of, organisations=organisations, mailmap=mailmap)
    )


def author_of(patch: Patch, mailmap: Mailmap | None = None) -> Person | None:
    """Return a patch's author (in-body From first), merged through a git mailmap if given."""
    return mailmap.resolve(patch.author) if mailmap and patch.author else patch.author


def organisation_of(
    patch: Patch, organisations: OrganisationMap, mailmap: Mailmap | None = None
) -> str:
    """Return the organisation of a patch's author (in-body From first) at the mail's date,
    by ``OrganisationMap.organisation``: the address the patch came from names it first."""
    return organisations.organisation(patch.author, patch.date, mailmap=mailmap)


class OrganisationKey:
    """``organisation_of`` as a count_by key that also tallies the author domains it could not
    map: why "(Unknown)" is as big as it is (kernel.org, free mail, unmapped domains)."""

    def __init__(self, organisations: OrganisationMap, mailmap: Mailmap | None = None) -> None:
        self.organisations = organisations
        self.mailmap = mailmap
        self.unknown: Counts[str] = Counts()

    def __call__(self, patch: Patch) -> str:
        organisation = organisation_of(patch, self.organisations, self.mailmap)
        if organisation == UNKNOWN:  # the domain it was sent from: the one to map
            author = patch.author
            self.unknown[author.domain if author and author.domain else "(no address)"] += 1
        return organisation


def explain_unknown(unknown: Counter[str], shown: int = 3) -> str:
    """Return one line saying which domains make up "(Unknown)" and how to map them."""
    if not unknown:
        return ""
    top = ", ".join(f"{domain} {n:,}" for domain, n in unknown.most_common(shown))
    more = ", …" if len(unknown) > shown else ""
    return (
        f"{UNKNOWN} is {unknown.total():,} patch mails from addresses no map entry covers "
        f"({top}{more}); kernel.org and free-mail addresses name no employer: map the "
        "addresses or domains in an --orgmap FILE (docs/identities.md)"
    )


def first_time_contributors(
    messages: Iterable[Message],
    since: datetime,
    until: datetime | None = None,
    *,
    mailmap: Mailmap | None = None,
) -> list[Person]:
    """Return the authors whose first patch mail among messages falls in [since, until)
    (naive times are UTC). A git ``mailmap`` merges a person's aliases first: who changed
    address is no newcomer. The patch mails are those the counts take (a pull request's
    copy of a posting is not one again: kvmlist.grouping.pull_copies)."""
    check_type(since, datetime, "since", "a datetime", "e.g. datetime(2025, 1, 1)")
    check_type(until, (datetime, type(None)), "until", "a datetime or None")
    check_mailmap(mailmap)
    since = as_utc(since)
    until = as_utc(until) if until is not None else None
    copies = PullCopies()  # a pull request's copy is no patch mail of its author's again
    dated: dict[str, tuple[datetime, Person] | None] = {}  # the first arrival of an id
    for message in check_messages(messages):
        copies.add(message)
        if is_counted_patch_mail(message) and message.message_id not in dated:
            author, date = author_of(message, mailmap), message.date
            dated[message.message_id] = (date, author) if author and date else None
    left_out = copies.copies()
    first: dict[str, tuple[datetime, Person]] = {}
    for message_id, found in dated.items():
        if found is None or message_id in left_out:
            continue
        date, author = found
        key = identity_key(author)
        if key not in first or date < first[key][0]:
            first[key] = (date, author)
    return [
        person
        for when, person in sorted(first.values(), key=lambda item: item[0])
        if when >= since and (until is None or when < until)
    ]


def count_by_domain(messages: Iterable[Message], *, mailmap: Mailmap | None = None) -> Counts[str]:
    """Return patch mails per author e-mail domain (lower case).

    A git ``mailmap`` merges a person's aliases first: a mail counts for the domain of the
    address it maps to, as in the report.
    """
    check_mailmap(mailmap)
    return count_by(messages, partial(domain_of, mailmap=mailmap))


def domain_of(patch: Patch, mailmap: Mailmap | None = None) -> str | None:
    """Return the author's e-mail domain (after a git mailmap if given), or None without one."""
    author = author_of(patch, mailmap)
    return author.domain if author and author.domain else None


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
        key = identity_key(author)
        self._counts[key] += 1
        self._latest[key] = author

    def counts(self) -> Counts[Person]:
        """Return the counts keyed by each author's latest Person (as that mail wrote it), in
        order of first appearance."""
        return Counts({self._latest[key]: n for key, n in self._counts.items()})


class PatchKeys:
    """The key of each patch mail, by Message-ID in arrival order: the mergeable value every
    count is made of, sequentially, in worker processes and on Dask.

    Built per partition (:meth:`of`), merged in archive order (:meth:`merge`: the first
    arrival of a Message-ID wins, as in one pass), then counted (:meth:`counts`,
    :meth:`author_counts`): a pull request's copy of a patch posted in the archive is not
    counted again (kvmlist.grouping.pull_copies).
    """

    __slots__ = ("_keys", "_values", "copies")

    def __init__(self) -> None:
        self._keys: dict[str, Any] = {}
        #: the pull requests and claims that say which patch mails are copies
        self.copies = PullCopies()
        #: One object per distinct key: an archive's patches share a few thousand authors,
        #: and a Person held per patch would cost ~0.5 kB each (docs/performance.md).
        self._values: dict[Any, Any] = {}

    @classmethod
    def of(cls, messages: Iterable[Message], key: Callable[[Patch], Any]) -> PatchKeys:
        """Return ``key(patch)`` of the patch mails among messages, each Message-ID once (not
        a cover letter carrying a pull request: kvmlist.grouping.pulls.is_counted_patch_mail)."""
        found = cls()
        for message in messages:
            found.copies.add(message)
            if is_counted_patch_mail(message) and message.message_id not in found._keys:
                found.add(message.message_id, key(message))
        return found

    def __contains__(self, message_id: object) -> bool:
        """Whether a patch mail of this Message-ID was recorded."""
        return message_id in self._keys

    def add(self, message_id: str, value: Any) -> None:
        """Record one patch mail's key, unless its Message-ID came earlier."""
        if message_id not in self._keys:
            self._keys[message_id] = self._values.setdefault(value, value)

    def merge(self, later: PatchKeys) -> PatchKeys:
        """Return these keys followed by those of a later partition (first arrival wins)."""
        merged = PatchKeys()
        merged._keys = dict(self._keys)
        for message_id, value in later._keys.items():
            merged._keys.setdefault(message_id, value)
        merged.copies = self.copies.merge(later.copies)
        return merged

    def _counted(self) -> Iterable[Any]:
        """The keys of the patch mails counted: each Message-ID once, copies left out."""
        copies = self.copies.copies()
        if not copies:
            return self._keys.values()
        return (value for message_id, value in self._keys.items() if message_id not in copies)

    def counts(self, of: Callable[[Any], Hashable | None] | None = None) -> Counts[Any]:
        """Return how many patch mails share each key (or ``of(key)``); None is not counted."""
        counts: Counts[Any] = Counts()
        for value in self._counted():
            if of is not None and value is not None:
                value = of(value)
            if value is not None:
                counts[value] += 1
        return counts

    def author_counts(self) -> Counts[Person]:
        """Return the counts of keys that are authors, one Person per identity (AuthorTally)."""
        tally = AuthorTally()
        for author in self._counted():
            if author is not None:
                tally.add_person(author)
        return tally.counts()


AGGREGATIONS: dict[str, Callable[..., Counter[str] | Counter[Person]]] = {
    "author": count_by_author,
    "domain": count_by_domain,
    "organisation": count_by_organisation,
}


def count_by_field(
    messages: Iterable[Message], field: str, *, mailmap: Mailmap | None = None
) -> Counter[str] | Counter[Person]:
    """Return the counts for a named field ("author", "domain" or "organisation"), aliases
    merged through a git ``mailmap`` if given."""
    try:
        return AGGREGATIONS[field](messages, mailmap=mailmap)
    except KeyError:
        known = ", ".join(sorted(AGGREGATIONS))
        raise UsageError(f"cannot count by {field!r}; choose one of: {known}") from None
