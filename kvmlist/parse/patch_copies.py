"""The text parts of a multipart mail read once each patch: a copy sent again is dropped.

An Outlook mail may paste git format-patch's file into its text part and attach the same
file: joined, the two copies would be one diff that changes every file twice. b4 takes
one part (the text part there, as it skips ``application/octet-stream``); git mailinfo
takes all of them, the HTML one too. A part whose diff changes the same files, in the same
order, as an earlier part's is that patch again: the first copy stays, which is the one a
reader sees and git applies first. Parts whose diffs change other files all stay (two
attached patches).
"""

from __future__ import annotations

from kvmlist.models import Defect
from kvmlist.parse.body import diff_start
from kvmlist.parse.diff_files import diff_files


def without_copies(texts: list[str], defects: list[Defect]) -> list[str]:
    """Return texts without a part whose diff changes the files an earlier part's does
    (recording a ``duplicate-patch`` defect)."""
    seen: set[tuple[str, ...]] = set()
    kept: list[str] = []
    for text in texts:
        at = diff_start(text)
        if at >= 0:
            paths = tuple(change.path for change in diff_files(text[at:]))
            if paths and paths in seen:
                defects.append(Defect(kind="duplicate-patch", detail="a later part: read once"))
                continue
            if paths:
                seen.add(paths)
        kept.append(text)
    return kept
