"""The weekly report on a Dask cluster: workers gather small facts, the client renders them."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from kvmlist.analysis.aggregate import AuthorTally
from kvmlist.grouping.acceptance import Acceptance, acceptances_in
from kvmlist.models import Message, Patch, Person
from kvmlist.outputs.report import TOP, ReportFigures, ReportRange, format_report, posting_block
from kvmlist.scale.dask._partitions import BagOrSources, bag_of


@dataclasses.dataclass
class _Mails:
    """What the report needs of consecutive mails: lists, dates, acceptance notices."""

    list_ids: Counter[str] = dataclasses.field(default_factory=Counter)
    first: datetime | None = None
    last: datetime | None = None
    # (acceptance, the Message-ID whose title it takes when that patch arrived before)
    acceptances: list[tuple[Acceptance, str | None]] = dataclasses.field(default_factory=list)

    def add(self, message: Message) -> None:
        if message.list_id:
            self.list_ids[message.list_id.lower()] += 1
        if message.date is not None:
            self.first = min(self.first or message.date, message.date)
            self.last = max(self.last or message.date, message.date)
        if message.kind == "reply":
            for found in acceptances_in(message, {}):
                self.acceptances.append(
                    (found, message.parent_id if found.commit is None else None)
                )


@dataclasses.dataclass
class _PatchFacts:
    """What the report needs of a patch mail's first arrival in a partition."""

    message_id: str
    title: str
    author: Person | None
    block: list[str] | None  # the commit message block, for new postings (index <= 1)
    mail: _Mails


def render_report(
    messages: BagOrSources,
    *,
    range: ReportRange | None = None,
    list_name: str | None = None,
    top: int = TOP,
) -> str:
    """Return :func:`kvmlist.render_report` of the messages."""
    totals = _ReportTotals()
    for facts in bag_of(messages).map_partitions(_report_facts).compute():
        totals.add(facts)
    figures = ReportFigures(
        domains=totals.domains,
        authors=totals.authors.counts(),
        acceptances=totals.acceptances,
        blocks=totals.postings,
        list_ids=totals.mails.list_ids,
        first=totals.mails.first,
        last=totals.mails.last,
    )
    return format_report(figures, range=range, list_name=list_name, top=top)


def _report_facts(messages: Iterable[Message]) -> list[_PatchFacts | _Mails]:
    """Return a partition's mails as report facts, in order (a patch id once)."""
    facts: list[_PatchFacts | _Mails] = []
    seen: set[str] = set()
    for message in messages:
        if not isinstance(message, Patch):
            if not facts or not isinstance(facts[-1], _Mails):
                facts.append(_Mails())
            facts[-1].add(message)  # type: ignore[union-attr]
            continue
        if message.message_id in seen:
            continue
        seen.add(message.message_id)
        mail = _Mails()
        mail.add(message)
        block = posting_block(message) if message.index <= 1 else None
        facts.append(_PatchFacts(message.message_id, message.title, message.author, block, mail))
    return facts


class _ReportTotals:
    """The report's figures, gathered from the facts of every partition in order."""

    def __init__(self) -> None:
        self.mails = _Mails()
        self.domains: Counter[str] = Counter()
        self.authors = AuthorTally()
        self.titles: dict[str, str] = {}
        self.acceptances: list[Acceptance] = []
        self.postings: list[list[str]] = []

    def add(self, facts: _PatchFacts | _Mails) -> None:
        if isinstance(facts, _Mails):
            self._add_mails(facts)
            return
        if facts.message_id in self.titles:
            return  # the same Message-ID counts once
        self.titles[facts.message_id] = facts.title
        author = facts.author
        if author is not None:
            if author.domain:
                self.domains[author.domain] += 1
            self.authors.add_person(author)
        if facts.block is not None:
            self.postings.append(facts.block)
        self._add_mails(facts.mail)

    def _add_mails(self, mails: _Mails) -> None:
        self.mails.list_ids.update(mails.list_ids)
        for when in (mails.first, mails.last):
            if when is not None:
                self.mails.first = min(self.mails.first or when, when)
                self.mails.last = max(self.mails.last or when, when)
        for acceptance, parent in mails.acceptances:
            title = self.titles.get(parent, "") if parent else ""
            self.acceptances.append(
                dataclasses.replace(acceptance, title=title) if title else acceptance
            )
