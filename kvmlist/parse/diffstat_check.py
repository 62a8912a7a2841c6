"""A patch's written diffstat against its diff: the files git am applies that it hides.

A reviewer reads the diffstat under ``---``; ``git am`` applies the diff. A sender may write
one file there and send two. Only the file sets are compared (and the files-changed count
of the summary line): git prints each line's count exactly, but a hand-edited patch (a
hunk dropped or tweaked after format-patch) changes the counts without hiding anything, and
its diff is what a reviewer reads anyway. The diffstat compared is the first under ``---``
(not a later summary in notes). A line names one file, as git writes its name: a rename or
copy by both paths (``a => b``, ``dir/{a => b}/c``), a path shortened onto a ``/``
(``.../c``), a quoted name.

Read on first use (``Patch.diffstat_defects``), never at parse time: it reads the diff once.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Collection, Sequence

from kvmlist.models import Defect, FileChange
from kvmlist.parse.body import split_body
from kvmlist.parse.diff_files import unquote
from kvmlist.parse.diffstat import is_file_line, is_summary_line, parse_diffstat
from kvmlist.parse.file_diffs import file_diffs

#: How many paths a defect's detail names on each side.
NAMED = 3


def diffstat_defects(body: str) -> tuple[Defect, ...]:
    """Return ``diffstat-mismatch`` when the diffstat a patch body carries names other files
    than its diff changes (or says another number of them), else ()."""
    parts = split_body(body)
    if not parts.diffstat or not parts.diff:
        return ()
    written = _under_separator(parts.basement) or (parts.diffstat, frozenset())
    sent = parse_diffstat(written[0])
    if sent is None:
        return ()
    detail = mismatch(sent.files, sent.files_changed, file_diffs(parts.diff), written[1])
    return () if detail is None else (Defect(kind="diffstat-mismatch", detail=detail),)


def _under_separator(basement: str) -> tuple[str, frozenset[int]] | None:
    """Return the diffstat a reviewer reads under ``---`` (its file lines and the first
    summary line there), with the indexes of the lines git cannot have written, or None.

    The lines are those above the summary up to a blank line; a line of another shape among
    them names no file (a later summary, in notes, never replaces this one)."""
    run: list[str] = []
    for line in basement.split("\n"):
        if is_summary_line(line):
            files = [above for above in run if is_file_line(above)]
            return "\n".join([*files, line]), frozenset(
                at for at, file in enumerate(files) if not _git_cut(file)
            )
        if line.strip():
            run.append(line)
        else:
            run.clear()
    return None


def _git_cut(line: str) -> bool:
    """Whether a diffstat line's name is one git writes: unshortened, shortened onto a
    ``/`` (``.../x.c``), or cut without one only where no ``/`` is left, filling the name
    column (a ``...h`` padded to it, or ``...`` alone, is no cut of git's)."""
    shown = line.rpartition("|")[0]
    name = shown.strip()
    if not name.startswith("...") or name.startswith(".../"):
        return True
    return len(name) > 3 and shown == f" {name} "


def mismatch(
    lines: tuple[FileChange, ...],
    files_changed: int,
    changes: Sequence[FileChange],
    unwritten: Collection[int] = (),
) -> str | None:
    """Return what differs between a diffstat (its lines, its summary's file count) and the
    files of a diff, None when they agree. Without lines (a summary alone) only the count
    is compared. A line names one file, a rename or copy (a FileDiff with ``old_path``) by
    both its paths as git writes them (:func:`shown_name`); the lines at ``unwritten`` none."""
    files = list(dict.fromkeys(shown_name(change) for change in changes))
    problems = []
    if lines:
        named, absent = _match([_unquoted(line.path) for line in lines], files, unwritten)
        hidden = [file for file, seen in zip(files, named, strict=True) if not seen]
        if hidden:
            problems.append(f"the diff also changes {_listed(hidden)}")
        if absent:
            problems.append(f"the diff does not change {_listed([lines[i].path for i in absent])}")
    if files_changed != len(files) and not problems:
        problems.append(f"{files_changed} files changed, the diff changes {len(files)}")
    return "; ".join(problems) if problems else None


def shown_name(change: FileChange) -> str:
    """Return a file's name as git's diffstat shows it: its path, or for a rename or copy
    both paths around `` => ``, their common head and tail outside braces (git's
    pprint_rename: ``arch/{x.c => y.c}``, ``drivers/{net => }/dpll.c``)."""
    old, new = getattr(change, "old_path", None), change.path
    if not isinstance(old, str) or old == new:
        return new
    head = 0  # the common head: up to a "/" in both
    for at, (a, b) in enumerate(zip(old, new, strict=False)):
        if a != b:
            break
        if a == "/":
            head = at + 1
    tail = 0  # the common tail: from a "/" in both, never into the head but for its "/"
    stop = head - 1 if head else 0
    at_old, at_new = len(old), len(new)
    while stop <= at_old and stop <= at_new and _char(old, at_old) == _char(new, at_new):
        if _char(old, at_old) == "/":
            tail = len(old) - at_old
        at_old, at_new = at_old - 1, at_new - 1
    old_mid = old[head : max(len(old) - tail, head)]
    new_mid = new[head : max(len(new) - tail, head)]
    if not head + tail:
        return f"{old_mid} => {new_mid}"
    return f"{old[:head]}{{{old_mid} => {new_mid}}}{old[len(old) - tail :]}"


def _char(text: str, at: int) -> str:
    """Return text[at], the end of text (C's NUL, where git's loop starts) as ""."""
    return text[at] if at < len(text) else ""


def _match(
    shown: list[str], files: list[str], unwritten: Collection[int]
) -> tuple[list[bool], list[int]]:
    """Return which files a line names, and the lines that name none (their indexes).

    One line names one file. A whole name names its file; a shortened ``.../x.c`` (or a
    bare ``x.c`` of diffstat(1)) any one file ending so: the files left are sorted by their
    reversed names, a line's candidates are a run of them (bisect), and each file in turn
    goes to the open line whose run ends first (a heap): a maximal matching in n log n, so
    a hostile diffstat of many such lines against a diff of many files costs no n times m."""
    named = [False] * len(files)
    exact: dict[str, list[int]] = {}
    for at, name in enumerate(files):
        exact.setdefault(name, []).append(at)
    absent, loose = [], []
    for at, name in enumerate(shown):
        if at in unwritten:
            absent.append(at)
        elif name in exact:
            if exact[name]:
                named[exact[name].pop()] = True
            else:
                absent.append(at)
        else:
            loose.append(at)
    rest = sorted((files[at][::-1], at) for at in range(len(files)) if not named[at])
    keys = [key for key, _ in rest]
    runs = []
    for at in loose:
        tail = (shown[at][3:] if shown[at].startswith("...") else "/" + shown[at])[::-1]
        lo = bisect.bisect_left(keys, tail) if tail else len(keys)
        runs.append((lo, bisect.bisect_left(keys, tail + "\U0010ffff", lo), at))
    runs.sort()
    open_runs: list[tuple[int, int]] = []
    taken = 0
    for point, (_, file_at) in enumerate(rest):
        while taken < len(runs) and runs[taken][0] <= point:
            heapq.heappush(open_runs, runs[taken][1:])
            taken += 1
        while open_runs and open_runs[0][0] <= point:
            absent.append(heapq.heappop(open_runs)[1])
        if open_runs:
            heapq.heappop(open_runs)
            named[file_at] = True
    absent += [at for _, at in open_runs] + [at for _, _, at in runs[taken:]]
    return named, sorted(absent)


def _unquoted(name: str) -> str:
    if len(name) > 1 and name[0] == name[-1] == '"':
        return unquote(name[1:-1])
    return name


def _listed(paths: list[str]) -> str:
    more = f" and {len(paths) - NAMED} more" if len(paths) > NAMED else ""
    return ", ".join(paths[:NAMED]) + more
