"""Diffstats: the one a mail carries (its summary line) with the files of its diff."""

from __future__ import annotations

import re

from kvmlist.models import Diffstat, FileChange
from kvmlist.parse.diff_files import diff_files

# right of "|" in " arch/arm64/kvm/sys_regs.c  |  4 +-"   or   " pixel.bmp | Bin 0 -> 142 bytes"
RE_FILE_STATS = re.compile(
    r"[ \t]+(?:(\d{1,12})(?: ([+-]*))?|Bin(?: \d{1,12} -> \d{1,12} bytes)?)[ \t]*"
)
# " 3 files changed, 9 insertions(+), 6 deletions(-)"   or   " 1 file changed, 1 deletion(-)"
RE_SUMMARY = re.compile(
    r"[ \t]*(\d{1,12}) files? changed"
    r"(?:, (\d{1,12}) insertions?\(\+\))?(?:, (\d{1,12}) deletions?\(-\))?[ \t]*"
)


def is_summary_line(line: str) -> bool:
    """True for a diffstat summary line (`` 2 files changed, 3 insertions(+)``)."""
    return "changed" in line and RE_SUMMARY.fullmatch(line) is not None


def is_file_line(line: str) -> bool:
    """True for a per-file diffstat line (`` path | 12 ++--``)."""
    return _file_stats(line) is not None


def _file_stats(line: str) -> tuple[str, re.Match[str]] | None:
    if line[:1] != " " or "|" not in line:
        return None
    path, _, stats = line.rpartition("|")
    path = path.strip()
    match = RE_FILE_STATS.fullmatch(stats)
    return (path, match) if path and match else None


def parse_diffstat(text: str) -> Diffstat | None:
    """Return the last diffstat in text (per-file lines and their summary), or None."""
    found: Diffstat | None = None
    files: list[FileChange] = []
    for line in text.split("\n"):
        stats = _file_stats(line)
        if stats is not None:
            files.append(_file_change(*stats))
            continue
        match = RE_SUMMARY.fullmatch(line) if "changed" in line else None
        if match:
            found = Diffstat(
                files=tuple(files),
                files_changed=int(match.group(1)),
                insertions=int(match.group(2) or 0),
                deletions=int(match.group(3) or 0),
            )
        files = []
    return found


def _file_change(path: str, match: re.Match[str]) -> FileChange:
    """Return one file's change; a graph git scaled to fit is apportioned to the count."""
    if match.group(1) is None:
        return FileChange(path=path, binary=True)
    changed = int(match.group(1))
    graph = match.group(2) or ""
    plus = graph.count("+")
    if not graph or len(graph) == changed:
        return FileChange(path=path, insertions=plus, deletions=len(graph) - plus)
    insertions = round(changed * plus / len(graph))
    return FileChange(path=path, insertions=insertions, deletions=changed - insertions)


def diffstat_from_diff(diff: str) -> Diffstat:
    """Return the diffstat of a diff: its files (diff_files) and their sums."""
    files = diff_files(diff)
    return Diffstat(
        files=files,
        files_changed=len(files),
        insertions=sum(f.insertions for f in files),
        deletions=sum(f.deletions for f in files),
        computed=True,
    )


def mail_diffstat(stat_text: str, diff: str) -> Diffstat | None:
    """Return a mail's diffstat: the summary line as sent, with the files of the diff.

    The per-file lines a sender's git wrote are display text (a graph scaled to fit, paths
    shortened to ``.../x.c``, renames as ``a => b``, quoted names), so a mail with a diff
    takes its files from the diff itself; one without (a cover letter) keeps the lines as
    read by parse_diffstat. A mail without a diffstat gets one computed from its diff. A file
    the diff names with no line of it (``git format-patch -D`` leaves a deleted file's lines
    out) keeps the count its line of the sent diffstat gives (:func:`_counted_as_sent`).
    """
    sent = parse_diffstat(stat_text) if stat_text else None
    if not diff:
        return sent
    if sent is None:
        return diffstat_from_diff(diff)
    files = diff_files(diff)
    if any(not (f.binary or f.insertions or f.deletions) for f in files):
        files = _counted_as_sent(files, sent.files)
    return sent.model_copy(update={"files": files})


def _counted_as_sent(
    files: tuple[FileChange, ...], lines: tuple[FileChange, ...]
) -> tuple[FileChange, ...]:
    """Return the diff's files, each without a counted line taking the counts of the sent
    diffstat's line for its path (``.../name`` abbreviated as git shortens it): the number
    git prints is exact, only its graph is scaled, and a diff without lines is all one sign."""
    counted = []
    for change in files:
        if not (change.binary or change.insertions or change.deletions):
            line = next((line for line in lines if _names(line.path, change.path)), None)
            if line is not None and not line.binary:
                change = change.model_copy(
                    update={"insertions": line.insertions, "deletions": line.deletions}
                )
        counted.append(change)
    return tuple(counted)


def _names(shown: str, path: str) -> bool:
    """Whether a sent diffstat's path (maybe shortened to ``.../x.c``) names path."""
    return shown == path or (shown.startswith(".../") and path.endswith(shown[3:]))
