"""What the dashboard shows, computed once from an archive's mails (kvmlist.outputs.site)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from kvmlist.analysis.aggregate import count_by_author, plausible_period
from kvmlist.analysis.counted import credited_kind
from kvmlist.analysis.identities import Mailmap, OrganisationMap
from kvmlist.analysis.maintainers import Maintainers
from kvmlist.analysis.review_economy import ReviewEconomy, review_economy_shown
from kvmlist.analysis.review_stats import ReviewSummary, review_summary_shown, shown_people
from kvmlist.analysis.stalled import LORE, Landed, StalledReport, find_stalled, lore_link
from kvmlist.analysis.subsystems import SectionStats, subsystem_stats
from kvmlist.grouping.acceptance import acceptance_of
from kvmlist.grouping.pulls import PullRequest, find_pull_requests
from kvmlist.grouping.series import group_series
from kvmlist.models import Message, Person, Series

#: Series states, strongest evidence first: the first that holds is the series' status.
STATUSES = ("landed", "applied", "superseded", "reviewed", "new")


@dataclass(frozen=True)
class SeriesRow:
    """One series as the series table shows it."""

    series: Series
    status: str
    week: str
    reviews: int  # credited review tags on its patches (a cover letter's: once per patch)


@dataclass
class SiteModel:
    """Everything the pages need: series with status, weeks, rankings, stalled series, pull
    requests."""

    list_name: str
    messages: list[Message]
    rows: list[SeriesRow]
    weeks: dict[str, list[Message]]
    posters: list[tuple[Person, int]]
    economy: ReviewEconomy
    summary: ReviewSummary
    stalled: StalledReport
    lore_base: str = LORE
    statuses: Counter[str] = field(default_factory=Counter)
    subsystems: list[SectionStats] | None = None  # with a MAINTAINERS file
    pulls: list[PullRequest] = field(default_factory=list)

    def link(self, message_id: str | None) -> str:
        """Return the lore link of a Message-ID."""
        return lore_link(self.lore_base, message_id) if message_id else ""


def build_model(
    messages: Iterable[Message],
    *,
    list_name: str = "",
    mailmap: Mailmap | None = None,
    organisations: OrganisationMap | None = None,
    older: timedelta = timedelta(days=14),
    landed: Landed | None = None,
    lore_base: str = LORE,
    maintainers: Maintainers | None = None,
) -> SiteModel:
    """Return the dashboard's figures for the mails (read once; bodies decoded once)."""
    mails = list(messages)
    found = group_series(mails, revisions=True)
    applied = acceptance_of(found, mails)
    rows = [_row(one, applied, landed, mailmap) for one in found]
    shown = shown_people(mails, mailmap)  # one table of shown people for both review figures
    weeks: dict[str, list[Message]] = {}
    for mail in mails:
        week = plausible_period(mail, "W")  # a broken clock's mail is in no week
        if week is not None:
            weeks.setdefault(week, []).append(mail)
    return SiteModel(
        list_name=list_name,
        messages=mails,
        rows=rows,
        weeks=dict(sorted(weeks.items())),
        posters=count_by_author(mails, mailmap=mailmap).most_common(25),
        economy=review_economy_shown(
            mails,
            shown,
            by="organisation",
            mailmap=mailmap,
            organisations=organisations,
            series=found,
        ),
        summary=review_summary_shown(mails, shown, mailmap=mailmap),
        stalled=find_stalled(mails, older=older, landed=landed, lore_base=lore_base, series=found),
        lore_base=lore_base,
        statuses=Counter(row.status for row in rows),
        subsystems=subsystem_stats(mails, maintainers) if maintainers is not None else None,
        pulls=find_pull_requests(mails),
    )


def _row(
    one: Series, applied: Mapping[str, object], landed: Landed | None, mailmap: Mailmap | None
) -> SeriesRow:
    """Return a series' row: reviewed when one of its patches got a review credited as
    kvmlist.analysis.counted says (not a Reported-by, a Fixes or a relayed tag)."""
    reviews = sum(
        credited_kind(t, mailmap, author=p.author) is not None
        for p in one.patches
        for t in p.review_trailers
    )
    if landed is not None and any(landed.of(p.message_id) for p in one.patches):
        status = "landed"
    elif one.anchor_id in applied:
        status = "applied"
    elif one.next_id is not None:
        status = "superseded"
    elif reviews:
        status = "reviewed"
    else:
        status = "new"
    week = plausible_period(one, "W") or ""
    return SeriesRow(one, status, week, reviews)
