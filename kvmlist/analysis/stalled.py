"""Stalled series: posted, then nothing: no reply, no review, not applied, no newer revision.

>>> found = find_stalled(messages, older=timedelta(days=14))
>>> for one in found.stalled: print(one.series.date, one.link, one.series.title)
>>> found.resent                 # series somebody else posted again: taken over, or a RESEND

Age is measured to ``now``: by default the newest plausible mail's date (not one from a
broken clock: ``implausible-date``), so an old archive is judged as it stood when it ended; a
given ``now`` judges it as it stood then, the mails dated after it and the commits made after
it left out (docs/insight.md).
The stable team's AUTOSEL postings are left out (counted apart): they announce a backport and
expect no answer. A mail answers a series when
it is in the series' thread (In-Reply-To or References name a mail of the series) and
kvmlist.analysis.counted.answers it: an author's own "ping" and a robot's report are no answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from kvmlist._utc import as_utc
from kvmlist.analysis.counted import answerers, credited_kind
from kvmlist.grouping.acceptance import acceptance_of
from kvmlist.grouping.revisions import posted_in_order
from kvmlist.grouping.series import group_series
from kvmlist.models import Message, Person, Series
from kvmlist.sources.lore._ids import path_segment

LORE = "https://lore.kernel.org/r/"
#: Subject prefixes of postings no reply is expected to: the stable team's AUTOSEL picks.
AUTOMATED = ("AUTOSEL",)


class Landing(Protocol):
    """A patch found in the tree (kvmlist.grouping.landed.Landing): when it was committed."""

    @property
    def committed_at(self) -> datetime: ...


class Landed(Protocol):
    """What says whether a patch mail landed (kvmlist.grouping.landed.LandedMap)."""

    def of(self, message_id: str) -> Landing | None: ...


@dataclass(frozen=True)
class StalledSeries:
    """A series nobody answered, with its age and whom it was sent to."""

    series: Series
    age: timedelta
    recipients: tuple[Person, ...]
    lore_base: str = LORE

    @property
    def link(self) -> str:
        """The series' lore link (its cover letter, else its first patch)."""
        return lore_link(self.lore_base, self.series.anchor_id or "")


def lore_link(base: str, message_id: str) -> str:
    """Return a message's link under a lore base URL: its Message-ID quoted as lore quotes
    it (a "/", "?" or "#" in a sender's Message-ID must not lead elsewhere); "" (no link)
    for an id the lore client refuses too (``..``, ``.``, blank: lore's own pages)."""
    segment = path_segment(message_id)
    base = base if base.endswith("/") else base + "/"  # ".../kvm" names the inbox too
    return f"{base}{segment}/" if segment is not None else ""


@dataclass(frozen=True)
class Resend:
    """A series posted again, with the same title, by somebody else than its first sender."""

    original: Series
    again: Series
    by: Person | None


@dataclass
class StalledReport:
    """The stalled series (oldest first), the series re-sent by others, the series not
    judged for want of a plausible date (with the defect why), and the clock used."""

    now: datetime | None
    older: timedelta
    series: int = 0
    automated: int = 0  # series left out as postings no reply is expected to (AUTOSEL)
    stalled: list[StalledSeries] = field(default_factory=list)
    resent: list[Resend] = field(default_factory=list)
    undated: list[tuple[Series, str]] = field(default_factory=list)


def find_stalled(
    messages: Iterable[Message],
    *,
    older: timedelta = timedelta(days=14),
    now: datetime | None = None,
    landed: Landed | None = None,
    lore_base: str = LORE,
    series: Iterable[Series] | None = None,
) -> StalledReport:
    """Return the series posted at least ``older`` before ``now`` that got no answer (no mail
    from anybody but their own people and robots), no credited review trailer, no "applied"
    notice, have no newer revision (but one rerolling some of their patches in their thread)
    or repost, were not sent into the thread of a series a newer
    revision superseded, and (when ``landed`` is given, e.g. from
    kvmlist.grouping.landed.find_landed) did not land.
    A given ``now`` (naive: UTC) leaves out the mails dated after it, answers and postings
    alike, and the landings committed after it (by committer date); undated mails are kept.
    ``series`` saves the grouping: the series of these messages, with reviews and revisions
    (grouped again when ``now`` leaves mails out).
    """
    mails = list(messages)
    landed_by = None  # the commits that count: all, or those made by a given now
    if now is not None:  # the archive as it stood then: later mails did not exist yet
        now = landed_by = as_utc(now)
        kept = [m for m in mails if m.date is None or m.date <= now]
        series = series if len(kept) == len(mails) else None  # grouped with later mails
        mails = kept
    found = group_series(mails, revisions=True) if series is None else list(series)
    dates = [d for m in mails if (d := m.plausible_date) is not None]
    now = now or (max(dates) if dates else None)
    report = StalledReport(now, older, series=len(found))
    answered = answerers(found, mails)
    applied = acceptance_of(found, mails)
    reposted, report.resent = _reposts(found)
    moved_on = _in_superseded_threads(found)
    rerolled = _wholly_rerolled(found)
    for position, one in enumerate(found):
        posted = one.plausible_date  # a wait starts at no broken clock (implausible-date)
        if posted is None:
            report.undated.append((one, _undated_why(one)))
            continue
        if now is None or now - posted < older:
            continue
        if answered[position] or position in reposted or position in rerolled:
            continue
        if position in moved_on:
            continue
        if _reviewed(one) or one.anchor_id in applied:
            continue
        if landed is not None and _landed(one, landed, landed_by):
            continue
        if one.first is not None and any(p.upper() in AUTOMATED for p in one.first.prefixes):
            report.automated += 1
            continue
        first = one.first
        recipients = first.recipients if first is not None else ()
        report.stalled.append(StalledSeries(one, now - posted, recipients, lore_base))
    report.stalled.sort(key=lambda s: (s.series.date, s.series.title, s.series.anchor_id or ""))
    return report


def _undated_why(one: Series) -> str:
    """The defect that leaves a series without a plausible date: ``implausible-date`` when
    a mail of it has a date, else that of its first mail (``missing-date``, ``bad-date``)."""
    if any(m.date is not None for m in one.messages):
        return "implausible-date"
    kinds = [d.kind for m in one.messages for d in m.defects]
    return next((k for k in kinds if k in ("missing-date", "bad-date")), "missing-date")


def _wholly_rerolled(found: list[Series]) -> set[int]:
    """The positions of series a newer revision superseded: all of them, but those whose
    newer revision only rerolls some of their patches in their own thread (``[PATCH v2 3/3]``
    answering v1's 3/3, no cover letter): their other patches still wait."""
    by_anchor = {one.anchor_id: one for one in found if one.anchor_id}
    rerolled = set()
    for position, one in enumerate(found):
        if one.next_id is None:
            continue
        newer = by_anchor.get(one.next_id)
        if newer is None or not _partial_reroll(newer, one):
            rerolled.add(position)
    return rerolled


def _partial_reroll(newer: Series, older: Series) -> bool:
    """Whether newer, coverless, has fewer patches than older and answers one of its mails."""
    first = newer.first
    if newer.cover is not None or first is None or len(newer.patches) >= len(older.patches):
        return False
    return first.parent_id in {m.message_id for m in older.messages}


def _in_superseded_threads(found: list[Series]) -> set[int]:
    """The positions of patches sent without a cover letter into the thread of a series that a
    newer revision (not they) superseded: their first mail answers one of its mails (a patch
    of v3 sent apart with a mistyped "v30", a fix sent into the thread), so the work went on
    in that revision. A posting with a cover letter of its own is work of its own."""
    superseded = {m.message_id: one.next_id for one in found if one.next_id for m in one.messages}
    return {
        position
        for position, one in enumerate(found)
        if one.cover is None
        and one.first is not None
        and superseded.get(one.first.in_reply_to or "", one.anchor_id) != one.anchor_id
    }


def _landed(one: Series, landed: Landed, by: datetime | None) -> bool:
    """Whether a patch of the series landed: committed at any time, or on or before ``by``."""
    for patch in one.patches:
        landing = landed.of(patch.message_id)
        if landing is not None and (by is None or landing.committed_at <= by):
            return True
    return False


def _reviewed(one: Series) -> bool:
    return any(credited_kind(t, author=p.author) for p in one.patches for t in p.review_trailers)


def _reposts(found: list[Series]) -> tuple[set[int], list[Resend]]:
    """Return the series posted again later under the same title and patch count, and
    the reposts by somebody else than the first sender: later by plausible date (the series
    without one first), by anchor Message-ID where dates are equal, whatever the order given."""
    position = {id(one): at for at, one in enumerate(found)}
    by_anchor = sorted(found, key=lambda one: one.anchor_id or "")
    latest: dict[tuple[str, int], int] = {}
    reposted: set[int] = set()
    resent: list[Resend] = []
    for one in posted_in_order(by_anchor):
        at = position[id(one)]
        key = (" ".join(one.title.casefold().split()), one.total)
        if not key[0]:
            continue
        earlier = latest.get(key)
        if earlier is not None:
            reposted.add(earlier)
            before, sender = found[earlier], _sender(one)
            if sender is not None and sender.email.lower() not in _addresses(before):
                resent.append(Resend(before, one, sender))
        latest[key] = at
    return reposted, resent


def _addresses(one: Series) -> frozenset[str]:
    """The authors and senders of every mail of a series: a repost by none of them is a
    resend by somebody else."""
    people = [p for m in one.messages for p in (m.author, m.sender) if p is not None]
    return frozenset(p.email.lower() for p in people)


def _sender(one: Series) -> Person | None:
    first = one.first
    return first.sender if first is not None else None
