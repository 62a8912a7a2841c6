"""The weekly report's figures, from small facts: one implementation for every path.

A mail becomes :class:`MailFacts` (lists, dates, acceptance notices) or, for a patch,
:class:`PatchFacts`; both pickle in a fraction of the time a parsed model does. Folded in
input order by :class:`ReportTotals` they give the :class:`ReportFigures` that
``format_report`` prints: :func:`kvmlist.render_report` folds them in one pass, worker
processes and Dask gather them per mail or partition and the parent folds them. Notices are
listed when the figures are taken, as the patches they answer: each mail's place in its
thread (a :class:`~kvmlist.grouping.answered.ThreadLink`) is kept for the climb that
acceptance_of makes (kvmlist.grouping.answered), and a notice naming patch numbers lists
the patches it names of the cover letter above it (docs/report-format.md): any of these
may come after it. So is a pull request's copy of a posting (kvmlist.grouping.pull_copies)
left out of the rankings and the "New:" blocks: the posting may come after it, or in
another slice.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from kvmlist.analysis.aggregate import AuthorTally
from kvmlist.analysis.identities import Mailmap
from kvmlist.analysis.repeats import Repeats
from kvmlist.grouping.acceptance import Acceptance, acceptances_in
from kvmlist.grouping.answered import ThreadLink, answered_among, thread_of
from kvmlist.grouping.pull_copies import Claim, PullCopies, claim_of
from kvmlist.grouping.pulls import is_counted_patch_mail, is_pull_request
from kvmlist.grouping.retraction import Withdrawal, withdrawal_of, withdrawn
from kvmlist.models import Message, Patch, Person
from kvmlist.parse.addresses import identity_key

#: The line under each posting's block.
SEPARATOR = "-" * 70


@dataclass
class ReportFigures:
    """What a report shows, gathered from a period's mails (by render_report, or merged from
    partitions by kvmlist.scale.dask): ``format_report`` turns it into the text."""

    domains: Counter[str] = field(default_factory=Counter)
    authors: Counter[Person] = field(default_factory=Counter)
    acceptances: list[Acceptance] = field(default_factory=list)
    #: The commit-message blocks of the new postings (index 0 or 1), in arrival order.
    blocks: list[list[str]] = field(default_factory=list)
    list_ids: Counter[str] = field(default_factory=Counter)
    first: datetime | None = None
    last: datetime | None = None


def posting_block(patch: Patch) -> list[str]:
    """Return the report's block for a new posting: title, subject, author, commit message."""
    return [
        f"New:  {patch.title}",
        patch.subject,
        f"Author: {patch.author}",
        "",
        unforgeable(patch.description),
        "",
        SEPARATOR,
        "",
    ]


#: How the report's own lines start: a commit message's line starting so is indented.
REPORT_LINE_STARTS = ("New:", "Landed:", "===== Patch ")
#: A row of at least this many dashes reads as the separator (70) to the eye.
DASH_ROW = 60
#: Letters and colons that look like those of REPORT_LINE_STARTS (Greek, Cyrillic, ...).
LOOKALIKES = str.maketrans(
    {"Ν": "N", "Ε": "E", "Λ": "L", "Α": "A", "е": "e", "а": "a", "ԁ": "d", "ո": "n",
     "ԝ": "w", "ѡ": "w", "ɑ": "a", "꞉": ":", "∶": ":", "ː": ":", "˸": ":"}
)  # fmt: skip


def unforgeable(text: str) -> str:
    """Return a commit message with the lines a reader would take for the report's own (a
    "New:" or "Landed:" line, a "===== Patch" heading, a row of 60 or more dashes; also
    written with look-alike letters, dashes or colons, or after invisible characters)
    indented by one space, so that no sender's text can open a forged entry; other lines
    as sent."""
    ascii_text = text.isascii()
    if ascii_text and not any(mark in text for mark in (*REPORT_LINE_STARTS, "-" * DASH_ROW)):
        return text  # nearly every mail: one scan per marker, no split
    lines = text.split("\n")
    for at, line in enumerate(lines):
        shown = line if ascii_text else _skeleton(line)
        if shown.startswith(REPORT_LINE_STARTS) or _is_dash_row(shown):
            lines[at] = " " + line
    return "\n".join(lines)


def _skeleton(line: str) -> str:
    """Return a line as it looks: compatibility forms folded (NFKC: a fullwidth colon is
    ":"), look-alike letters made Latin, invisible characters and spaces other than the
    plain one left out (a zero-width space before "New:", a hair space before its colon)."""
    seen = "".join(c for c in line if c == " " or unicodedata.category(c) not in ("Cf", "Zs"))
    return unicodedata.normalize("NFKC", seen).translate(LOOKALIKES)


def _is_dash_row(line: str) -> bool:
    """True for a row of DASH_ROW or more dashes of any kind (hyphens, box drawing)."""
    row = line.rstrip()
    return len(row) >= DASH_ROW and all(
        c == "-" or unicodedata.category(c) == "Pd" or "\u2500" <= c <= "\u257f" for c in row
    )


@dataclasses.dataclass
class MailFacts:
    """What the report needs of consecutive mails: lists, dates, acceptance notices, and
    where each mail is in its thread."""

    list_ids: Counter[str] = dataclasses.field(default_factory=Counter)
    first: datetime | None = None
    last: datetime | None = None
    acceptances: list[Acceptance] = dataclasses.field(default_factory=list)
    #: the Message-IDs of the notices above: a notice delivered twice counts once
    notice_ids: set[str] = dataclasses.field(default_factory=set)
    #: per notice above, its plausible date
    noticed: dict[str, datetime | None] = dataclasses.field(default_factory=dict)
    #: the replies that take patches back ("I dropped this series"), by Message-ID
    withdrawals: list[tuple[str, Withdrawal]] = dataclasses.field(default_factory=list)
    #: each mail's place in its thread, by Message-ID (the first delivery's)
    links: dict[str, ThreadLink] = dataclasses.field(default_factory=dict)
    #: the pull requests among them (their patches may be copies: kvmlist.grouping.pull_copies)
    pull_requests: list[str] = dataclasses.field(default_factory=list)

    def add(self, message: Message) -> None:
        if is_pull_request(message):
            self.pull_requests.append(message.message_id)
        if message.list_id:
            self.list_ids[message.list_id.lower()] += 1
        date = message.plausible_date  # a broken clock's 1970 or 2300 bounds no period
        if date is not None:
            self.first = min(self.first or date, date)
            self.last = max(self.last or date, date)
        self.links.setdefault(message.message_id, ThreadLink.of(message))
        if message.kind == "reply" and message.message_id not in self.notice_ids:
            for found in acceptances_in(message):
                self.notice_ids.add(message.message_id)
                self.acceptances.append(found)
                self.noticed[message.message_id] = message.plausible_date
            said = withdrawal_of(message)
            if said is not None:
                self.withdrawals.append((message.message_id, said[0]))


@dataclasses.dataclass
class PatchFacts:
    """What the report needs of a patch mail's first arrival."""

    message_id: str
    title: str
    index: int
    total: int
    parent_id: str | None
    author: Person | None
    block: list[str] | None  # the commit message block, for new postings (index <= 1)
    mail: MailFacts
    #: the mails above it (its parent, then References), for a numbered patch: whether it is
    #: in a cover letter's thread
    above: tuple[str, ...] = ()
    #: the addresses it is by, case-folded: a numbered patch's sender; a cover letter's
    #: sender and in-body author (the people whose patches a numbered notice names)
    addresses: tuple[str, ...] = ()
    #: a cover letter carrying a pull request: no one's patch mail in the rankings
    pull: bool = False
    #: what it claims to copy, if anything (kvmlist.grouping.pull_copies.claim_of)
    claim: Claim | None = None


Facts = PatchFacts | MailFacts


def fact_of(message: Message) -> Facts:
    """Return the report facts of one mail."""
    mail = MailFacts()
    mail.add(message)
    if not isinstance(message, Patch):
        return mail
    block = posting_block(message) if message.index <= 1 else None
    by = (message.sender, message.author) if message.index == 0 else (message.sender,)
    addresses = tuple(dict.fromkeys(p.email.casefold() for p in by if p is not None))
    above = () if message.index == 0 else (message.parent_id, *message.references)
    return PatchFacts(
        message.message_id,
        message.title,
        message.index,
        message.total,
        message.parent_id,
        message.author,
        block,
        mail,
        tuple(dict.fromkeys(one for one in above if one)),
        addresses,
        not is_counted_patch_mail(message),
        claim_of(message),
    )


def facts_of(messages: Iterable[Message]) -> list[Facts]:
    """Return consecutive mails as report facts, in order (mails merged; a patch that repeats
    an id is kept, for ReportTotals to count once and its ``repeats`` to count as left out)."""
    facts: list[Facts] = []
    for message in messages:
        if not isinstance(message, Patch):
            if not facts or not isinstance(facts[-1], MailFacts):
                facts.append(MailFacts())
            facts[-1].add(message)  # type: ignore[union-attr]
            continue
        facts.append(fact_of(message))
    return facts


class ReportTotals:
    """The report's figures, gathered from facts in input order; a mailmap merges authors;
    ``repeats``, when given, counts the patch mails left out for repeating a Message-ID."""

    def __init__(self, mailmap: Mailmap | None = None, repeats: Repeats | None = None) -> None:
        self.mailmap = mailmap
        self.repeats = repeats
        self.mails = MailFacts()
        self.titles: dict[str, str] = {}
        #: cover letter Message-ID -> its total and its people's addresses; Message-ID ->
        #: (index, total, Message-ID, sender's address) of the numbered patches whose thread
        #: reaches it, in arrival order: the patches a numbered notice may name
        self.covers: dict[str, tuple[int, tuple[str, ...]]] = {}
        self.below: dict[str, list[tuple[int, int, str, str | None]]] = {}
        #: the notices in input order (listed by figures(): the patches may come after them)
        self.acceptances: list[Acceptance] = []
        #: per patch mail counted, its Message-ID and author (mailmap applied), and the new
        #: postings' blocks: a pull request's copies are left out when the figures are taken
        self.counted: list[tuple[str, Person]] = []
        self.postings: list[tuple[str, list[str]]] = []
        self.copies = PullCopies()

    def add(self, facts: Facts) -> None:
        if isinstance(facts, MailFacts):
            self._add_mails(facts)
            return
        if self.repeats is not None:
            self.repeats.add(0, facts.message_id)  # counted, not listed: no mail numbers here
        if facts.message_id in self.titles:
            return  # the same Message-ID counts once
        self.titles[facts.message_id] = facts.title
        if facts.index == 0:
            self.covers[facts.message_id] = (facts.total, facts.addresses)
        else:
            sender = facts.addresses[0] if facts.addresses else None
            place = (facts.index, facts.total, facts.message_id, sender)
            for above in facts.above:
                self.below.setdefault(above, []).append(place)
        author = None if facts.pull else facts.author  # a pull request: nobody's patch mail
        if not facts.pull:
            who = identity_key(facts.author) if facts.author else None
            self.copies.add_patch(facts.message_id, who, facts.claim)
        if author is not None and self.mailmap is not None:
            author = self.mailmap.resolve(author)
        if author is not None:
            self.counted.append((facts.message_id, author))
        if facts.block is not None:
            self.postings.append((facts.message_id, facts.block))
        self._add_mails(facts.mail)

    def figures(self) -> ReportFigures:
        """The figures gathered so far, for ``kvmlist.outputs.report.format_report``."""
        copies = self.copies.copies()
        domains: Counter[str] = Counter()
        authors = AuthorTally()
        for message_id, author in self.counted:
            if message_id not in copies:
                if author.domain:
                    domains[author.domain] += 1
                authors.add_person(author)
        return ReportFigures(
            domains=domains,
            authors=authors.counts(),
            acceptances=self._listed(),
            blocks=[block for message_id, block in self.postings if message_id not in copies],
            list_ids=self.mails.list_ids,
            first=self.mails.first,
            last=self.mails.last,
        )

    def _add_mails(self, mails: MailFacts) -> None:
        self.mails.list_ids.update(mails.list_ids)
        for request in mails.pull_requests:
            self.copies.add_request(request)
        for when in (mails.first, mails.last):
            if when is not None:
                self.mails.first = min(self.mails.first or when, when)
                self.mails.last = max(self.mails.last or when, when)
        self.acceptances += (
            acceptance  # a notice counts once per Message-ID, as a patch does
            for acceptance in mails.acceptances
            if acceptance.message_id not in self.mails.notice_ids
        )
        self.mails.notice_ids |= mails.notice_ids
        for notice_id, date in mails.noticed.items():  # in place: a copy per mail was quadratic
            self.mails.noticed.setdefault(notice_id, date)  # the first delivery's
        self.mails.withdrawals += mails.withdrawals
        for message_id, link in mails.links.items():
            self.mails.links.setdefault(message_id, link)

    def _listed(self) -> list[Acceptance]:
        """The report's applied lines, in input order; a line identical to one above it (the
        same commit acknowledged under two revisions) is left out."""
        listed: list[Acceptance] = []
        lines: set[tuple[str, Person | None, str | None, str | None]] = set()
        taken_back: dict[str, list[Withdrawal]] = {}
        for message_id, withdrawal in self.mails.withdrawals:
            taken_back.setdefault(self._thread(message_id), []).append(withdrawal)
        for acceptance in self.acceptances:
            thread = self._thread(acceptance.message_id)
            date = self.mails.noticed.get(acceptance.message_id)
            if withdrawn(acceptance.applied_by, date, taken_back.get(thread, ())):
                continue
            for one in self._lines(acceptance):
                line = (one.title, one.applied_by, one.tree, one.commit)
                if line not in lines:
                    lines.add(line)
                    listed.append(one)
        return listed

    def _thread(self, message_id: str) -> str:
        """The thread a mail is in (kvmlist.grouping.answered.thread_of): the report knows
        no series, so a retraction takes back all its sender applied in its thread."""
        link = self.mails.links.get(message_id)
        return thread_of(link, self.mails.links) if link is not None else message_id

    def _lines(self, acceptance: Acceptance) -> list[Acceptance]:
        """Return a notice's lines: a listing's entries name their titles; a notice naming
        patch numbers, the patches it names of the nearest cover letter above it; else the
        one line with the title of the patch it answers, climbing through replies as
        acceptance_of does (kvmlist.grouping.answered.answered_among)."""
        link = self.mails.links.get(acceptance.message_id)
        if acceptance.commit is not None or link is None:
            return [acceptance]
        if acceptance.numbers or acceptance.left_out:
            cover = answered_among(link, self.mails.links, self.covers)
            numbered = self._numbered(acceptance, cover)
            if numbered:
                return numbered
        title = self.titles.get(answered_among(link, self.mails.links, self.titles) or "", "")
        return [dataclasses.replace(acceptance, title=title) if title else acceptance]

    def _numbered(self, acceptance: Acceptance, cover: str | None) -> list[Acceptance]:
        """Return a numbered notice's lines: the patches it names of the cover letter, in
        number order (none: no line). The cover's patches are those in its thread (answering
        it, or a patch of it: ``--chain-reply-to``) of its total, sent from the address of one
        of its people (its sender or in-body author; a name alone never counts): the first to
        arrive per number. A stranger's patch answering the cover is none of them."""
        patches: dict[int, str] = {}
        total, people = self.covers[cover] if cover is not None else (0, ())
        for index, of, patch_id, sender in self.below.get(cover, []) if cover else []:
            if of == total and sender in people and acceptance.names(index, total):
                patches.setdefault(index, patch_id)
        titles = (self.titles[patches[index]] for index in sorted(patches))
        return [dataclasses.replace(acceptance, title=title) for title in titles]
