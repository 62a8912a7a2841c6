"""The weekly mailing-list report, in the format of the KVM list reports (docs/report-format.md)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from kvmlist.analysis.aggregate import AuthorTally, author_of
from kvmlist.analysis.identities import Mailmap
from kvmlist.grouping.acceptance import Acceptance, acceptances_in
from kvmlist.models import Message, Patch, Person

TOP = 15
SEPARATOR = "-" * 70

#: List-Id -> report name for lists whose name is not simply the upper-cased local part.
KNOWN_LISTS = {
    "kvm.vger.kernel.org": "KVM",
    "kvmarm.lists.cs.columbia.edu": "kvmarm",
    "kvmarm.lists.linux.dev": "kvmarm",
    "linux-kernel.vger.kernel.org": "LKML",
}


@dataclass(frozen=True, slots=True)
class ReportRange:
    """The two ends a report covers, as printed in its header (abbreviated commits or dates)."""

    start: str
    end: str


@dataclass
class _Period:
    """What the report needs from a period's mails, gathered in one pass (nothing else kept)."""

    domains: Counter[str] = field(default_factory=Counter)
    authors: AuthorTally = field(default_factory=AuthorTally)
    acceptances: list[Acceptance] = field(default_factory=list)
    #: The commit-message blocks of new postings: text, not the Patch and its raw bytes.
    blocks: list[list[str]] = field(default_factory=list)
    list_ids: Counter[str] = field(default_factory=Counter)
    first: datetime | None = None
    last: datetime | None = None

    def add(self, message: Message, titles: dict[str, str]) -> None:
        if message.list_id:
            self.list_ids[message.list_id.lower()] += 1
        if message.date is not None:
            self.first = min(self.first or message.date, message.date)
            self.last = max(self.last or message.date, message.date)
        if message.kind == "reply":
            self.acceptances.extend(acceptances_in(message, titles))

    def add_patch(self, patch: Patch, mailmap: Mailmap | None = None) -> None:
        author = author_of(patch, mailmap)
        if author is not None:
            if author.domain:
                self.domains[author.domain] += 1
            self.authors.add_person(author)
        if patch.index <= 1:
            self.blocks.append(posting_block(patch))


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


def render_report(
    messages: Iterable[Message],
    *,
    range: ReportRange | None = None,
    list_name: str | None = None,
    top: int = TOP,
    mailmap: Mailmap | None = None,
) -> str:
    """Return the report text for the messages of one period (read once, in one pass).

    A git ``mailmap`` merges a person's aliases before authors and domains are counted.
    """
    figures = report_figures(messages, mailmap=mailmap)
    return format_report(figures, range=range, list_name=list_name, top=top)


def report_figures(messages: Iterable[Message], *, mailmap: Mailmap | None = None) -> ReportFigures:
    """Return what a report shows, gathered in one pass over a stream of messages.

    Per mail only its counts, its acceptance notices and, for a new posting, the lines of its
    commit-message block are kept (plus each patch's Message-ID and title): never the mail.
    """
    period = _Period()
    titles: dict[str, str] = {}
    for message in messages:
        if isinstance(message, Patch):
            if message.message_id in titles:
                continue  # the same Message-ID counts once
            titles[message.message_id] = message.title
            period.add_patch(message, mailmap)
        period.add(message, titles)
    return ReportFigures(
        domains=period.domains,
        authors=period.authors.counts(),
        acceptances=period.acceptances,
        blocks=period.blocks,
        list_ids=period.list_ids,
        first=period.first,
        last=period.last,
    )


def format_report(
    figures: ReportFigures,
    *,
    range: ReportRange | None = None,
    list_name: str | None = None,
    top: int = TOP,
) -> str:
    """Return the report text for gathered figures (docs/report-format.md)."""
    range = range or _date_range(figures.first, figures.last)
    name = list_name or _name_of_list(figures.list_ids)
    out = [
        f"From {range.start} to {range.end}",
        f"{name} mailing list update from {range.start} to {range.end}"
        if name
        else f"Mailing list update from {range.start} to {range.end}",
        "",
        f"Top {top} contributor Email domains (Based on Email Body)",
        "",
    ]
    out += [f"{n:7d} {domain}" for domain, n in figures.domains.most_common(top)]
    out += ["", f"Top {top} contributors (Based on Email Body)", ""]
    out += [f"{n:7d}  {person}" for person, n in figures.authors.most_common(top)]
    out += ["", "===== Patch list in this time period =====", ""]
    out += [_acceptance_line(a) for a in figures.acceptances]
    out += ["", "===== Patch Commit Messages ====", ""]
    for block in reversed(figures.blocks):
        out += block
    return "\n".join(out) + "\n"


def list_name_of(messages: Iterable[Message], default: str = "") -> str:
    """Return the report name of the list most mails carry in List-Id (kvm.vger... -> KVM);
    ``default`` when no mail has one (the header then reads "Mailing list update")."""
    return _name_of_list(Counter(m.list_id.lower() for m in messages if m.list_id), default)


def _name_of_list(list_ids: Counter[str], default: str = "") -> str:
    if not list_ids:
        return default
    list_id = list_ids.most_common(1)[0][0]
    return KNOWN_LISTS.get(list_id) or list_id.split(".", 1)[0].upper()


def _date_range(first: datetime | None, last: datetime | None) -> ReportRange:
    if first is None or last is None:
        return ReportRange("(no date)", "(no date)")
    return ReportRange(first.strftime("%Y-%m-%d"), last.strftime("%Y-%m-%d"))


def posting_block(patch: Patch) -> list[str]:
    """Return the report's block for a new posting: title, subject, author, commit message."""
    return [
        f"New:  {patch.title}",
        patch.subject,
        f"Author: {patch.author}",
        "",
        patch.description,
        "",
        SEPARATOR,
        "",
    ]


def _acceptance_line(acceptance: Acceptance) -> str:
    who = (
        acceptance.applied_by.name or acceptance.applied_by.email if acceptance.applied_by else "?"
    )
    where = f" to {acceptance.tree}" if acceptance.tree else ""
    commit = f", commit {acceptance.commit}" if acceptance.commit else ""
    return f"{acceptance.title} (applied by {who}{where}{commit})"
