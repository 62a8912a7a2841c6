"""Diffstats: read the one a mail carries, or compute one from the diff itself."""

from __future__ import annotations

import re

from kvmlist.models import Diffstat, FileChange

# right of "|" in " arch/arm64/kvm/sys_regs.c  |  4 +-"   or   " pixel.bmp | Bin 0 -> 142 bytes"
RE_FILE_STATS = re.compile(
    r"[ \t]+(?:(\d{1,12})(?: ([+-]*))?|Bin(?: \d{1,12} -> \d{1,12} bytes)?)[ \t]*"
)
# " 3 files changed, 9 insertions(+), 6 deletions(-)"   or   " 1 file changed, 1 deletion(-)"
RE_SUMMARY = re.compile(
    r"[ \t]*(\d{1,12}) files? changed"
    r"(?:, (\d{1,12}) insertions?\(\+\))?(?:, (\d{1,12}) deletions?\(-\))?[ \t]*"
)
# @@ -362,7 +362,8 @@ unsigned long thp_get_unmapped_area(...)
RE_HUNK = re.compile(r"@@ -\d{1,12}(?:,(\d{1,12}))? \+\d{1,12}(?:,(\d{1,12}))? @@")

#: Extended git header lines whose path names the file (the new name wins).
_PATH_HEADERS = ("rename to ", "copy to ", "+++ ")


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
    """Return the diffstat of a diff, counting + and - lines inside hunks only."""
    paths: list[str] = []
    counts: list[list[int]] = []  # per file: [insertions, deletions, binary, had a hunk]
    old_left = new_left = 0
    for line in diff.split("\n"):
        if old_left > 0 or new_left > 0:
            tag = line[:1]
            if tag == "+":
                counts[-1][0] += 1
                new_left -= 1
            elif tag == "-":
                counts[-1][1] += 1
                old_left -= 1
            elif tag != "\\":
                old_left -= 1
                new_left -= 1
        elif line.startswith("diff "):
            paths.append(_diff_line_path(line))
            counts.append([0, 0, 0, 0])
        elif line.startswith("--- ") and (not counts or counts[-1][3]):
            # a plain unified diff: "--- a/x" starts the next file when no "diff" line did
            paths.append(_strip_prefix(_header_path(line)))
            counts.append([0, 0, 0, 0])
        elif line.startswith("@@ ") and counts:
            match = RE_HUNK.match(line)
            if match:
                old_left = int(match.group(1) or 1)
                new_left = int(match.group(2) or 1)
                counts[-1][3] = 1
        elif counts and not counts[-1][3] and line.startswith(_PATH_HEADERS):
            path = _header_path(line)
            if path != "/dev/null":
                paths[-1] = _strip_prefix(path) if line[0] == "+" else path
        elif counts and line.startswith(("GIT binary patch", "Binary files ")):
            counts[-1][2] = 1
    files = tuple(
        FileChange(path=path, insertions=c[0], deletions=c[1], binary=bool(c[2]))
        for path, c in zip(paths, counts, strict=True)
    )
    return Diffstat(
        files=files,
        files_changed=len(files),
        insertions=sum(c[0] for c in counts),
        deletions=sum(c[1] for c in counts),
        computed=True,
    )


def _header_path(line: str) -> str:
    """Return the path of "+++ b/x.c\t2025-01-01 ..." or "rename to x.c"."""
    rest = line[4:] if line[:4] in ("+++ ", "--- ") else line.split(" to ", 1)[1]
    return rest.split("\t", 1)[0].rstrip()


def _diff_line_path(line: str) -> str:
    """Return the new path of "diff --git a/x b/x" (paths may hold spaces or lack a/ b/)."""
    if not line.startswith("diff --git "):
        return _strip_prefix(line.rsplit(" ", 1)[-1])  # diff -urN a/x b/x
    rest = line[len("diff --git ") :]
    if rest.startswith("a/"):
        # "a/<p> b/<p>": the split where both halves name the same path, else the last " b/"
        half = (len(rest) - 1) // 2
        if rest[half : half + 3] == " b/" and rest[2:half] == rest[half + 3 :]:
            return rest[half + 3 :]
        at = rest.rfind(" b/")
        if at > 0:
            return rest[at + 3 :]
    half = (len(rest) - 1) // 2
    if len(rest) % 2 == 1 and rest[half] == " " and rest[:half] == rest[half + 1 :]:
        return rest[:half]
    return rest.rsplit(" ", 1)[-1]


def _strip_prefix(path: str) -> str:
    return path[2:] if path[:2] in ("a/", "b/") else path
