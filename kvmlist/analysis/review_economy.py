"""Review economy: who posts patches and who reviews them, per author, domain or organisation.

>>> economy = review_economy(messages, by="organisation", mailmap=mailmap)
>>> economy.cross_share            # review tags given to another organisation's patches
>>> economy.half_of_reviews        # how many people give half of all review tags
>>> economy.to_dataframe()         # one row per organisation (needs kvmlist[pandas])

A review is a Reviewed-by, Acked-by or Tested-by trailer given in a reply to a patch
(kvmlist.grouping.review) and credited to its reviewer (kvmlist.analysis.counted: not a
mismatch the mailmap leaves), not given by the patch's own author. Reviews are counted per
patch: a tag given under a cover letter counts once for each patch of the series.
Pairs where either side is "(Unknown)" (kernel.org and free-mail addresses, see
docs/identities.md), or by domain a domain that names no employer (gmail.com, kernel.org), are
left out of the cross-group figures: two unknowns are not known to be one employer, nor two;
such a group's own cross figures are None (not known), not 0.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kvmlist._frames import pandas_module, text_dtype
from kvmlist.analysis.counted import credited_kind
from kvmlist.analysis.identities import (
    UNKNOWN,
    Mailmap,
    OrganisationMap,
    ShownPeople,
    names_no_employer,
)
from kvmlist.analysis.review_stats import shown_people
from kvmlist.errors import UsageError
from kvmlist.grouping.series import group_series
from kvmlist.models import Message, Patch, Person, Series

GROUPINGS = ("author", "domain", "organisation")


@dataclass
class GroupEconomy:
    """What one author, domain or organisation posted and reviewed."""

    group: str
    patches: int = 0  # patches posted (cover letters not counted)
    reviewed: int = 0  # of those, patches with a review from somebody else
    reviewed_across: int = 0  # of those, patches with a review from another known group
    reviews_given: int = 0  # review tags its people gave, per patch (a cover's: once per patch)
    given_across: int = 0  # of those, to another known group's patches
    reviewers: set[str] = field(default_factory=set)  # addresses of its people who reviewed
    #: False for (Unknown), and by domain for one naming no employer: its pairs are left out
    #: of the cross figures, so its own are not known (None in its row), not 0
    known: bool = True

    @property
    def reviewed_across_share(self) -> float | None:
        """Share of its posted patches that somebody of another group reviewed (None when
        the group is not known)."""
        return self.reviewed_across / self.patches if self.patches and self.known else None

    def row(self) -> dict[str, Any]:
        """Return the group as a table row."""
        share = self.reviewed_across_share
        return {
            "group": self.group,
            "patches": self.patches,
            "reviewed": self.reviewed,
            "reviewed_across": self.reviewed_across if self.known else None,
            "reviewed_across_pct": round(100 * share, 1) if share is not None else None,
            "reviews_given": self.reviews_given,
            "given_across": self.given_across if self.known else None,
            "reviewers": len(self.reviewers),
        }


#: The columns of a group's row, in order.
ECONOMY_COLUMNS = tuple(GroupEconomy("").row())
#: The pandas type of each figure of a row: counts, and those not known for some groups
#: (None in the row, ``<NA>`` in a frame).
ECONOMY_TYPES = dict.fromkeys(ECONOMY_COLUMNS[1:], "int64") | {
    "reviewed_across": "Int64",
    "reviewed_across_pct": "Float64",
    "given_across": "Int64",
}


@dataclass
class ReviewEconomy:
    """Per-group posting and review figures, and how concentrated the review work is."""

    by: str
    groups: dict[str, GroupEconomy] = field(default_factory=dict)
    reviews_by_person: Counter[str] = field(default_factory=Counter)
    names: dict[str, Person] = field(default_factory=dict)  # each address's shown person
    across: int = 0  # review tags between two known, different groups
    within: int = 0  # review tags between two known, equal groups
    unknown_pairs: int = 0  # review tags with a group not known on either side

    @property
    def reviews(self) -> int:
        """All review tags counted."""
        return self.reviews_by_person.total()

    @property
    def cross_share(self) -> float | None:
        """Share of review tags (between known groups) given to another group's patches."""
        known = self.across + self.within
        return self.across / known if known else None

    @property
    def half_of_reviews(self) -> int:
        """How many people (the most active first) give half of all review tags."""
        running, people = 0, 0
        for _, n in self.reviews_by_person.most_common():
            if 2 * running >= self.reviews:
                break
            running += n
            people += 1
        return people

    def ranked(self) -> list[GroupEconomy]:
        """Return the groups, most patches posted first, then most reviews given."""
        return sorted(self.groups.values(), key=lambda g: (-g.patches, -g.reviews_given, g.group))

    def rows(self) -> list[dict[str, Any]]:
        """Return one table row per group, ranked."""
        return [g.row() | {"group": self._label(g.group)} for g in self.ranked()]

    def top_reviewers(self, top: int = 10) -> list[tuple[Person, int]]:
        """Return the people who gave the most review tags."""
        return [(self.names[a], n) for a, n in self.reviews_by_person.most_common(top)]

    def to_dataframe(self) -> Any:
        """Return the rows as a pandas DataFrame (needs ``kvmlist[pandas]``)."""
        frame = pandas_module().DataFrame(self.rows(), columns=list(ECONOMY_COLUMNS))
        return frame.astype(ECONOMY_TYPES | {"group": text_dtype()})  # typed alike when empty

    def _label(self, key: str) -> str:
        person = self.names.get(key) if self.by == "author" else None
        return str(person) if person is not None else key


def review_economy(
    messages: Iterable[Message],
    *,
    by: str = "organisation",
    mailmap: Mailmap | None = None,
    organisations: OrganisationMap | None = None,
    series: Iterable[Series] | None = None,
) -> ReviewEconomy:
    """Return who posted and who reviewed the patches among messages, grouped ``by`` author,
    domain or organisation (at the patch's date; the bundled map unless given).

    ``series`` saves the grouping when the caller has the series of these messages already
    (grouped with their reviews, as ``group_series`` does by default). By author, people are
    shown as every table shows them (:class:`~kvmlist.analysis.identities.ShownPeople`): one
    who posted patch mails as ``count_by_author`` does, anyone else as the reviewer table does
    (:func:`~kvmlist.analysis.review_stats.shown_people`).
    """
    mails = list(messages)
    shown = shown_people(mails, mailmap)  # as the reviewer table and stats show them
    return review_economy_shown(
        mails, shown, by=by, mailmap=mailmap, organisations=organisations, series=series
    )


def review_economy_shown(
    mails: list[Message],
    shown: ShownPeople,
    *,
    by: str = "organisation",
    mailmap: Mailmap | None = None,
    organisations: OrganisationMap | None = None,
    series: Iterable[Series] | None = None,
) -> ReviewEconomy:
    """Return :func:`review_economy` of mails, whose people as shown (``shown_people(mails,
    mailmap)``) a caller that shows the reviewer table too has found already."""
    if by not in GROUPINGS:
        raise UsageError(f"cannot group reviews by {by!r}; choose one of: {', '.join(GROUPINGS)}")
    if organisations is not None and by != "organisation":
        raise UsageError("an organisation map goes with by='organisation'")
    grouper = _Grouper(by, mailmap, organisations or OrganisationMap.default())
    economy = ReviewEconomy(by)
    for one in group_series(mails) if series is None else series:
        for patch in one.patches:
            _count_patch(economy, grouper, patch)
    economy.names = {
        key: shown.person(key) if key in shown else person for key, person in grouper.named.items()
    }
    return economy


class _Grouper:
    """The group key of a person at a time, and the person a mailmap makes them."""

    def __init__(self, by: str, mailmap: Mailmap | None, organisations: OrganisationMap) -> None:
        self.by, self.mailmap, self.organisations = by, mailmap, organisations
        self.named: dict[str, Person] = {}  # each address counted, as first written

    def person(self, person: Person) -> Person:
        return self.mailmap.resolve(person) if self.mailmap else person

    def key(self, person: Person, when: datetime | None) -> str:
        """Return the group of a person as a mail or tag named them: by author and domain
        after the mailmap; by organisation that of the address named first, as stats counts
        (an old company address keeps its company, docs/identities.md)."""
        if self.by == "organisation":
            return self.organisations.organisation(person, when, mailmap=self.mailmap)
        mapped = self.person(person)
        return mapped.email.lower() if self.by == "author" else mapped.domain or UNKNOWN

    def known(self, group: str) -> bool:
        """Whether a group is a known one for the cross figures: not (Unknown), and by domain
        not a domain that names no employer (gmail.com, kernel.org: docs/identities.md)."""
        if self.by == "author":
            return True
        return group != UNKNOWN and not (self.by == "domain" and names_no_employer(group))


def _count_patch(economy: ReviewEconomy, grouper: _Grouper, patch: Patch) -> None:
    if patch.author is None:
        return
    author = grouper.person(patch.author)
    group = _group(economy, grouper, grouper.key(patch.author, patch.date))
    group.patches += 1
    grouper.named.setdefault(author.email.lower(), author)
    reviewed = across = False
    seen: set[tuple[str, str]] = set()
    for trailer in patch.review_trailers:
        key = credited_kind(trailer, grouper.mailmap, author=patch.author)
        if key is None or trailer.person is None:
            continue
        reviewer = grouper.person(trailer.person)
        address = reviewer.email.lower()
        if (address, key) in seen:
            continue  # a tag a mailmap merged with one already counted
        seen.add((address, key))
        economy.reviews_by_person[address] += 1
        grouper.named.setdefault(address, reviewer)
        theirs = _group(economy, grouper, grouper.key(trailer.person, patch.date))
        theirs.reviews_given += 1
        theirs.reviewers.add(address)
        reviewed = True
        if not (theirs.known and group.known):
            economy.unknown_pairs += 1
        elif theirs.group != group.group:
            economy.across += 1
            theirs.given_across += 1
            across = True
        else:
            economy.within += 1
    group.reviewed += reviewed
    group.reviewed_across += across


def _group(economy: ReviewEconomy, grouper: _Grouper, key: str) -> GroupEconomy:
    if key not in economy.groups:
        economy.groups[key] = GroupEconomy(key, known=grouper.known(key))
    return economy.groups[key]
