"""A patch's written diffstat against its diff: the files git am applies that it hides.

A reviewer reads the diffstat under ``---``; ``git am`` applies the diff. A sender may write
one file there and send two. Only the file sets are compared (and the files-changed count
of the summary line): git prints each line's count exactly, but a hand-edited patch (a
hunk dropped or tweaked after format-patch) changes the counts without hiding anything, and
its diff is what a reviewer reads anyway. git's own forms of a line are read as git writes
them: renames (``a => b``, ``dir/{a => b}/c``), paths shortened to ``.../c``, quoted names.

Read on first use (``Patch.diffstat_defects``), never at parse time: it reads the diff once.
"""

from __future__ import annotations

import bisect

from kvmlist.models import Defect, FileChange
from kvmlist.parse.body import split_body
from kvmlist.parse.diff_files import diff_files, unquote
from kvmlist.parse.diffstat import parse_diffstat

#: How many paths a defect's detail names on each side.
NAMED = 3


def diffstat_defects(body: str) -> tuple[Defect, ...]:
    """Return ``diffstat-mismatch`` when the diffstat a patch body carries names other files
    than its diff changes (or says another number of them), else ()."""
    parts = split_body(body)
    if not parts.diffstat or not parts.diff:
        return ()
    sent = parse_diffstat(parts.diffstat)
    if sent is None:
        return ()
    detail = mismatch(sent.files, sent.files_changed, diff_files(parts.diff))
    return () if detail is None else (Defect(kind="diffstat-mismatch", detail=detail),)


def mismatch(
    lines: tuple[FileChange, ...], files_changed: int, changes: tuple[FileChange, ...]
) -> str | None:
    """Return what differs between a diffstat (its lines, its summary's file count) and the
    files of a diff, None when they agree. Without lines (a summary alone) only the count
    is compared."""
    paths = list(dict.fromkeys(change.path for change in changes))
    problems = []
    if lines:
        shown = [new_path(line.path) for line in lines]
        named, absent = _match(shown, paths)
        hidden = [path for path, seen in zip(paths, named, strict=True) if not seen]
        if hidden:
            problems.append(f"the diff also changes {_listed(hidden)}")
        if absent:
            problems.append(f"the diff does not change {_listed([lines[i].path for i in absent])}")
    if files_changed != len(paths) and not problems:
        problems.append(f"{files_changed} files changed, the diff changes {len(paths)}")
    return "; ".join(problems) if problems else None


def _match(shown: list[str], paths: list[str]) -> tuple[list[bool], list[int]]:
    """Return which paths a line names, and the lines that name none (their indexes).

    A shortened ``...x.c`` names every path ending so: the paths are sorted reversed, and
    the ones it names are a run of them (bisect), so that a hostile diffstat of many such
    lines against a diff of many files costs n log n, not n times m."""
    exact = set(shown)
    named = [path in exact for path in paths]
    rest = sorted((path[::-1], at) for at, path in enumerate(paths) if not named[at])
    keys = [key for key, _ in rest]
    runs: list[tuple[int, int]] = []
    known = set(paths)
    absent = []
    for at, name in enumerate(shown):
        if name in known:
            continue
        tail = (name[3:] if name.startswith("...") else "/" + name)[::-1]
        lo = bisect.bisect_left(keys, tail)
        hi = bisect.bisect_left(keys, tail + "\U0010ffff", lo)
        if lo < hi:
            runs.append((lo, hi))
        else:
            absent.append(at)
    reach = 0
    for lo, hi in sorted(runs):
        for key_at in range(max(lo, reach), hi):
            named[rest[key_at][1]] = True
        reach = max(reach, hi)
    return named, absent


def new_path(shown: str) -> str:
    """Return the path a diffstat line names after the change: ``dir/{a => b}/c`` is
    ``dir/b/c``, ``a => b`` is ``b``, quotes undone; a shortened ``.../c`` keeps its dots."""
    dots = "..." if shown.startswith("...") else ""
    name = shown[len(dots) :]
    if " => " in name:
        brace, close = name.find("{"), name.rfind("}")
        arrow = name.find(" => ", brace + 1)
        if arrow < close and (brace >= 0 or dots):  # "{" may be shortened away
            inner = name[arrow + 4 : close]
            name = name[: max(brace, 0)] + inner + name[close + 1 :]
            name = name.replace("//", "/") if not inner else name
        else:
            name = name.rsplit(" => ", 1)[1]
    elif dots and "}" in name and "{" not in name:  # "{a => b}" shortened to its tail
        name = name.replace("}", "", 1)
    if len(name) > 1 and name[0] == name[-1] == '"':
        name = unquote(name[1:-1])
    return dots + name


def _listed(paths: list[str]) -> str:
    more = f" and {len(paths) - NAMED} more" if len(paths) > NAMED else ""
    return ", ".join(paths[:NAMED]) + more
