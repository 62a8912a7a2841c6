"""The weekly mailing-list report, in the format of the KVM list reports (docs/report-format.md)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from kvmlist.acceptance import Acceptance, find_acceptances
from kvmlist.aggregate import count_by_author, count_by_domain
from kvmlist.models import Message, Patch
from kvmlist.parse.body import split_body

# " create mode 100644 tools/testing/selftests/kvm/arm64/idreg-idst.c"
RE_GIT_SUMMARY = re.compile(r"^ (?:create|delete) mode \d+ |^ rename |^ copy |^ mode change ")
# " 8 files changed, 189 insertions(+), 15 deletions(-)"
RE_DIFFSTAT_SUMMARY = re.compile(r"^ \d+ files? changed")

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


def render_report(
    messages: Iterable[Message],
    *,
    range: ReportRange | None = None,
    list_name: str | None = None,
    top: int = TOP,
) -> str:
    """Return the report text for the messages of one period."""
    mails = list(messages)
    range = range or _date_range(mails)
    name = list_name or list_name_of(mails)
    out = [
        f"From {range.start} to {range.end}",
        f"{name} mailing list update from {range.start} to {range.end}",
        "",
        f"Top {top} contributor Email domains (Based on Email Body)",
        "",
    ]
    out += [f"{n:7d} {domain}" for domain, n in count_by_domain(mails).most_common(top)]
    out += ["", f"Top {top} contributors (Based on Email Body)", ""]
    out += [f"{n:7d}  {person}" for person, n in count_by_author(mails).most_common(top)]
    out += ["", "===== Patch list in this time period =====", ""]
    out += [_acceptance_line(a) for a in find_acceptances(mails)]
    out += ["", "===== Patch Commit Messages ====", ""]
    for patch in reversed(_new_postings(mails)):
        out += _block(patch)
    return "\n".join(out) + "\n"


def list_name_of(messages: Iterable[Message], default: str = "Mailing") -> str:
    """Return the report name of the list most mails carry in List-Id (kvm.vger... -> KVM)."""
    ids = [m.list_id for m in messages if m.list_id]
    if not ids:
        return default
    list_id = max(set(ids), key=ids.count).lower()
    return KNOWN_LISTS.get(list_id) or list_id.split(".", 1)[0].upper()


def _date_range(messages: list[Message]) -> ReportRange:
    dates = sorted(m.date for m in messages if m.date is not None)
    if not dates:
        return ReportRange("(no date)", "(no date)")
    return ReportRange(dates[0].strftime("%Y-%m-%d"), dates[-1].strftime("%Y-%m-%d"))


def _new_postings(messages: list[Message]) -> list[Patch]:
    """Return the cover letters and first patches (index 0 or 1) of the period, in arrival order."""
    seen: set[str] = set()
    postings = []
    for message in messages:
        if isinstance(message, Patch) and message.index <= 1 and message.message_id not in seen:
            seen.add(message.message_id)
            postings.append(message)
    return postings


def _block(patch: Patch) -> list[str]:
    text = _without_git_summary(split_body(patch.body).preamble)
    return [
        f"New:  {patch.title}",
        patch.subject,
        f"Author: {patch.author}",
        "",
        text,
        "",
        SEPARATOR,
        "",
    ]


def _without_git_summary(text: str) -> str:
    """Return text without the lines git's --summary adds after a diffstat (create mode ...)."""
    lines = text.split("\n")
    end = len(lines)
    while end > 0 and (not lines[end - 1].strip() or RE_GIT_SUMMARY.match(lines[end - 1])):
        end -= 1
    if end < len(lines) and end > 0 and RE_DIFFSTAT_SUMMARY.match(lines[end - 1]):
        return "\n".join(lines[:end])
    return text


def _acceptance_line(acceptance: Acceptance) -> str:
    who = (
        acceptance.applied_by.name or acceptance.applied_by.email if acceptance.applied_by else "?"
    )
    where = f" to {acceptance.tree}" if acceptance.tree else ""
    commit = f", commit {acceptance.commit}" if acceptance.commit else ""
    return f"{acceptance.title} (applied by {who}{where}{commit})"
