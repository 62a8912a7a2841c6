"""The weekly mailing-list report, in the format of the KVM list reports (docs/report-format.md)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from kvmlist._arguments import check_count, check_messages, check_type
from kvmlist.analysis.identities import Mailmap, check_mailmap
from kvmlist.grouping.acceptance import Acceptance
from kvmlist.models import Message
from kvmlist.outputs.figures import ReportFigures, ReportTotals, fact_of, posting_block

if TYPE_CHECKING:  # the landed package is imported only by those who mark landed series
    from kvmlist.grouping.landed.model import LandedMap

TOP = 15

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


__all__ = [
    "ReportFigures",
    "ReportRange",
    "format_report",
    "posting_block",
    "render_report",
    "report_figures",
]


def render_report(
    messages: Iterable[Message],
    *,
    range: ReportRange | None = None,
    list_name: str | None = None,
    top: int = TOP,
    mailmap: Mailmap | None = None,
    landed: LandedMap | None = None,
) -> str:
    """Return the report text for the messages of one period (read once, in one pass).

    A git ``mailmap`` merges a person's aliases before authors and domains are counted.
    With ``landed`` (opt-in) each posting that reached the tree gets a ``Landed:`` line
    (kvmlist.outputs.landed_marks); the messages are then kept for that second look.
    """
    messages = check_messages(messages)
    check_type(
        range, (ReportRange, type(None)), "range", "a ReportRange", 'e.g. ReportRange("a", "b")'
    )
    check_count(top, "top")
    check_mailmap(mailmap)
    if landed is None:
        figures = report_figures(messages, mailmap=mailmap)
    else:
        from kvmlist.outputs.landed_marks import mark_landed

        kept = list(messages)
        figures = mark_landed(report_figures(kept, mailmap=mailmap), kept, landed)
    return format_report(figures, range=range, list_name=list_name, top=top)


def report_figures(messages: Iterable[Message], *, mailmap: Mailmap | None = None) -> ReportFigures:
    """Return what a report shows, gathered in one pass over a stream of messages.

    Per mail only its counts, its acceptance notices and, for a new posting, the lines of its
    commit-message block are kept (plus each patch's Message-ID and title): never the mail.
    """
    totals = ReportTotals(mailmap)
    for message in messages:
        totals.add(fact_of(message))
    return totals.figures()


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


def posting_starts(figures: ReportFigures) -> list[int]:
    """Return where format_report's text puts the posting blocks' "New:  title" lines, as
    indexes of ``text.split("\n")`` counted from its end: the report's own entry lines, never
    a line of a commit message that looks like one."""
    starts, at = [], -1  # -1: the empty string after the text's last newline
    for block in figures.blocks:  # written last first: the first block ends the text
        at -= sum(line.count("\n") + 1 for line in block)
        starts.append(at)
    return starts


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


def _acceptance_line(acceptance: Acceptance) -> str:
    who = (
        acceptance.applied_by.name or acceptance.applied_by.email if acceptance.applied_by else "?"
    )
    where = f" to {acceptance.tree}" if acceptance.tree else ""
    commit = f", commit {acceptance.commit}" if acceptance.commit else ""
    return f"{acceptance.title} (applied by {who}{where}{commit})"
