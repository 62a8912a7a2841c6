"""Who reviews, and how long patches wait: per-reviewer counts and per-series timings."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from kvmlist.analysis.aggregate import count_by_author, plausible_period
from kvmlist.analysis.counted import (
    answers,
    credited_kind,
    from_robot,
    is_review_work,
    own_people,
    posting_ids,
)
from kvmlist.analysis.identities import Mailmap, ShownPeople
from kvmlist.grouping.acceptance import acceptances_in, withdrawn_notices
from kvmlist.grouping.review import by_message_id, reply_trailers, review_targets
from kvmlist.grouping.series import group_series
from kvmlist.models import Message, Patch, Person, Series

#: The timings of a series, as attribute names of SeriesTiming.
TIMINGS = ("first_reply", "first_review", "accepted")


@dataclass
class ReviewerStats:
    """What one person gave in replies: review trailers by kind, and replies written."""

    person: Person
    reviewed: int = 0
    acked: int = 0
    tested: int = 0
    replies: int = 0

    @property
    def trailers(self) -> int:
        return self.reviewed + self.acked + self.tested


@dataclass
class SeriesTiming:
    """How long one series waited for its first answer, first credited review trailer and
    acceptance (kvmlist.analysis.counted: an answer comes from somebody else than the series'
    own people, and from no robot)."""

    series: Series
    first_reply: timedelta | None = None
    first_review: timedelta | None = None
    accepted: timedelta | None = None


@dataclass(frozen=True)
class PeriodMedians:
    """Median timings of the series posted in one period (a week's Monday, or YYYY-MM)."""

    period: str
    series: int
    first_reply: timedelta | None = None
    first_review: timedelta | None = None
    accepted: timedelta | None = None


@dataclass
class ReviewSummary:
    """Reviewer statistics and series timings of a set of mails."""

    reviewers: list[ReviewerStats] = field(default_factory=list)
    timings: list[SeriesTiming] = field(default_factory=list)

    def median(self, attribute: str) -> timedelta | None:
        """Return the median of a timing ("first_reply", "first_review", "accepted")."""
        return _median(self.timings, attribute)

    def per_period(self, freq: str = "W") -> list[PeriodMedians]:
        """Return the median timings of the series posted in each period, oldest first.

        ``freq`` is "W" (weeks, named by their Monday), "M" (YYYY-MM), "D" or "Y", as in
        kvmlist.analysis.aggregate.period_of; a series belongs to the period of its posting,
        the earliest plausible date of its mails (``Series.plausible_date``): a series that has
        none, its mails undated or from a broken clock, is in no period.
        """
        periods: dict[str, list[SeriesTiming]] = {}
        for timing in self.timings:
            period = plausible_period(timing.series, freq)
            if period is not None:
                periods.setdefault(period, []).append(timing)
        return [
            PeriodMedians(period, len(timings), *(_median(timings, name) for name in TIMINGS))
            for period, timings in sorted(periods.items())
        ]

    def timing_of(self, anchor_id: str | None) -> SeriesTiming | None:
        """Return the timing of the series with this anchor Message-ID, or None."""
        return next((t for t in self.timings if t.series.anchor_id == anchor_id), None)


def _median(timings: Iterable[SeriesTiming], attribute: str) -> timedelta | None:
    return median_duration(getattr(t, attribute) for t in timings)


def median_duration(values: Iterable[timedelta | None]) -> timedelta | None:
    """The median of the durations that are known (None ones left out); None for none."""
    seconds = [value.total_seconds() for value in values if value is not None]
    return timedelta(seconds=statistics.median(seconds)) if seconds else None


def review_summary(messages: Iterable[Message], *, mailmap: Mailmap | None = None) -> ReviewSummary:
    """Return per-reviewer counts (most active first) and per-series timings.

    Reviewers are people by address (merged through a git ``mailmap`` first), shown as every
    table shows them (:class:`~kvmlist.analysis.identities.ShownPeople`): one who posted patch
    mails as ``count_by_author`` does, anyone else with the name and address spelling they
    write most often ("Eric Auger" over the occasional "Auger Eric"); robots
    (kvmlist.analysis.counted.from_robot) are none, whatever they reply. A reviewer's
    counts are trailers as a reply gives them: each key for each person once per reply
    (kvmlist.grouping.review.reply_trailers), however many lines repeat it and even when
    the reply answers a cover letter and so reviews every patch of the series. A reply whose
    Message-ID came before (a re-delivery) is not counted again. Waits run from a series'
    plausible date to a reply's: a mail dated by a broken clock (``implausible-date``) times
    none.
    """
    mails = list(messages)
    return review_summary_shown(mails, shown_people(mails, mailmap), mailmap=mailmap)


def review_summary_shown(
    mails: list[Message], shown: ShownPeople, *, mailmap: Mailmap | None = None
) -> ReviewSummary:
    """Return :func:`review_summary` of mails, whose people as shown (``shown_people(mails,
    mailmap)``) a caller that shows the review economy too has found already."""
    found = group_series(mails, reviews=False)
    by_id = by_message_id(mails)
    series_of: dict[str, tuple[Patch, ...]] = {}
    position_of: dict[str, int] = {}
    for position, one in enumerate(found):
        for mail in one.messages:
            series_of[mail.message_id] = one.patches
            position_of[mail.message_id] = position
    timings = [SeriesTiming(one) for one in found]
    own = [own_people(one) for one in found]
    reviewers = _Reviewers(mailmap)
    withdrawn = withdrawn_notices(found, mails)  # taken back by a later "I dropped this"
    postings = posting_ids(mails)
    for reply in by_id.values():  # a reply delivered twice counts once, as a patch does
        if reply.kind != "reply":
            continue
        targets = review_targets(reply, by_id, series_of)
        author = sole_author(targets)
        reviewers.count(reply, author, replied=is_review_work(reply, by_id, postings))
        if not targets or reply.plausible_date is None:  # a broken clock times no wait
            continue
        position = position_of[targets[0].message_id]
        answered = answers(reply, own[position])
        gave_review = answered and any(
            credited_kind(t, mailmap, author=author) for t in reply_trailers(reply)
        )
        accepted = reply.message_id not in withdrawn and any(acceptances_in(reply))
        _record(timings[position], reply.plausible_date, answered, gave_review, accepted)
    ranked = sorted(reviewers.stats(shown), key=lambda r: (-r.trailers, -r.replies))
    return ReviewSummary(reviewers=ranked, timings=timings)


def shown_people(messages: Iterable[Message], mailmap: Mailmap | None = None) -> ShownPeople:
    """Return the person each table shows per address: one who posted patch mails as
    ``count_by_author`` does; anyone else by the name and spelling of the address written most
    often in the From lines and review tags of the replies (each Message-ID once, robots'
    left out; merged through a git ``mailmap`` first), as the reviewer table counts them."""
    mails = list(messages)
    shown = ShownPeople()
    for reply in by_message_id(mails).values():
        if reply.kind != "reply" or from_robot(reply):
            continue
        written = [reply.sender] + [t.person for t in reply_trailers(reply)]
        for person in filter(None, written):
            shown.add(mailmap.resolve(person) if mailmap else person)
    shown.posters(count_by_author(mails, mailmap=mailmap))
    return shown


def sole_author(patches: Iterable[Patch]) -> Person | None:
    """Return the author the patches share (by address), None when they have several or
    none: a reply under a cover letter reviews every patch, its tag its own author's no
    review only when every patch is theirs."""
    authors = {p.author.email.lower(): p.author for p in patches if p.author is not None}
    return next(iter(authors.values())) if len(authors) == 1 else None


class _Reviewers:
    """ReviewerStats per address."""

    def __init__(self, mailmap: Mailmap | None) -> None:
        self._mailmap = mailmap
        self._stats: dict[str, ReviewerStats] = {}

    def count(self, reply: Message, author: Person | None = None, *, replied: bool = True) -> None:
        """Count a reply for its sender when it is review work (``replied``:
        kvmlist.analysis.counted.is_review_work) and each review trailer for the person it
        names but the ``author`` of the patches it reviews; a robot's reply
        (kvmlist.analysis.counted.from_robot) is nobody's review: not counted."""
        if from_robot(reply):
            return
        if replied and reply.sender is not None:
            self._for(reply.sender).replies += 1
        for trailer in reply_trailers(reply):
            column = credited_kind(trailer, self._mailmap, author=author)
            if column and trailer.person is not None:
                stats = self._for(trailer.person)
                setattr(stats, column, getattr(stats, column) + 1)

    def stats(self, shown: ShownPeople) -> list[ReviewerStats]:
        """Return the stats, each person as ``shown`` shows them."""
        for key, stats in self._stats.items():
            stats.person = shown.person(key)
        return list(self._stats.values())

    def _for(self, person: Person) -> ReviewerStats:
        if self._mailmap is not None:
            person = self._mailmap.resolve(person)
        key = person.email.lower()
        if key not in self._stats:
            self._stats[key] = ReviewerStats(person)
        return self._stats[key]


def _record(
    timing: SeriesTiming, when: datetime, answered: bool, gave_review: bool, accepted: bool
) -> None:
    posted = timing.series.plausible_date
    if posted is None or when < posted:
        return
    waited = when - posted
    if answered:
        timing.first_reply = _earliest(timing.first_reply, waited)
    if gave_review:
        timing.first_review = _earliest(timing.first_review, waited)
    if accepted:
        timing.accepted = _earliest(timing.accepted, waited)


def _earliest(known: timedelta | None, new: timedelta) -> timedelta:
    return new if known is None else min(known, new)
