"""The text parts of a multipart mail read once each patch: a copy sent again is dropped.

An Outlook mail may paste git format-patch's file into its text part and attach the same
file: joined, the two copies would be one diff that changes every file twice. b4 takes
one part (the text part there, as it skips ``application/octet-stream``); git mailinfo
takes all of them, the HTML one too. A part whose diff changes the same files with the
same hunks (where, and the lines added and removed) as an earlier part's (blanks aside: a
mailer turns tabs into spaces) is that patch again: the first copy stays, which is the one a
reader sees and git applies first. Any other part stays, so a diff never hides a change
git am would apply (two attached patches, or an attachment that changes one line more).
"""

from __future__ import annotations

from kvmlist.models import Defect
from kvmlist.parse.body import diff_start
from kvmlist.parse.diff_files import diff_files

#: What a part's diff changes, as copies compare: its files, then its @@/+/- lines unblanked.
_Changes = tuple[tuple[str, ...], tuple[str, ...]]


def without_copies(texts: list[str], defects: list[Defect]) -> list[str]:
    """Return texts without a part whose diff makes the changes an earlier part's does
    (recording a ``duplicate-patch`` defect)."""
    seen: set[_Changes] = set()
    kept: list[str] = []
    for text in texts:
        at = diff_start(text)
        changes = _changes(text[at:]) if at >= 0 else None
        if changes is not None and changes in seen:
            defects.append(Defect(kind="duplicate-patch", detail="a later part: read once"))
            continue
        if changes is not None:
            seen.add(changes)
        kept.append(text)
    return kept


def _changes(diff: str) -> _Changes | None:
    """The files a diff changes, its hunk heads (where) and its added and removed lines,
    without their blanks; None for a diff that names no file."""
    paths = tuple(change.path for change in diff_files(diff))
    if not paths:
        return None
    lines = tuple(
        "".join(line.split())
        for line in diff.splitlines()
        if line[:1] in ("+", "-", "@") and not line.startswith(("+++ ", "--- "))
    )
    return paths, lines
