"""Diffstats: read the one a mail carries, or compute one from the diff itself."""

from __future__ import annotations

import re

from kvmlist.models import Diffstat, FileChange

# the part right of "|" in " arch/arm64/kvm/sys_regs.c   | 4 +-"  |  " .../x.c  | 117 +++++"
RE_FILE_STATS = re.compile(r"\s+(\d+)(?: ([+-]*))?\s*$")
# the part right of "|" in " pixel.bmp | Bin 0 -> 142 bytes"
RE_BINARY_STATS = re.compile(r"\s+Bin\b")
# " 3 files changed, 9 insertions(+), 6 deletions(-)"   |   " 1 file changed, 1 deletion(-)"
RE_SUMMARY = re.compile(
    r"^\s*(\d+) files? changed(?:, (\d+) insertions?\(\+\))?(?:, (\d+) deletions?\(-\))?\s*$"
)
# diff --git a/arch/x86/kvm/x86.c b/arch/x86/kvm/x86.c
RE_DIFF_GIT = re.compile(r"^diff --git (\S+) (\S+)")
# @@ -362,7 +362,7 @@ unsigned long thp_get_unmapped_area(...)
RE_HUNK = re.compile(r"^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@")
# +++ b/arch/x86/kvm/x86.c
RE_PLUS_FILE = re.compile(r"^\+\+\+ (\S+)")


def parse_diffstat(text: str) -> Diffstat | None:
    """Return the diffstat the lines of text hold (per-file lines and summary), or None."""
    files: list[FileChange] = []
    summary: tuple[int, int, int] | None = None
    for line in text.split("\n"):
        if "|" in line and line.startswith(" ") and line[1:2].strip():
            change = _file_change(line)
            if change is not None:
                files.append(change)
                continue
        if "changed" in line:
            match = RE_SUMMARY.match(line)
            if match:
                summary = (int(match.group(1)), int(match.group(2) or 0), int(match.group(3) or 0))
    if summary is None:
        return None
    return Diffstat(
        files=tuple(files),
        files_changed=summary[0],
        insertions=summary[1],
        deletions=summary[2],
    )


def _file_change(line: str) -> FileChange | None:
    path, _, stats = line.rpartition("|")
    path = path.strip()
    if not path:
        return None
    match = RE_FILE_STATS.fullmatch(stats)
    if match:
        plus_minus = match.group(2) or ""
        return FileChange(
            path=path, insertions=plus_minus.count("+"), deletions=plus_minus.count("-")
        )
    if RE_BINARY_STATS.match(stats):
        return FileChange(path=path, binary=True)
    return None


def diffstat_from_diff(diff: str) -> Diffstat:
    """Return the diffstat of a diff, counting + and - lines inside hunks only."""
    files: list[list[object]] = []  # [path, insertions, deletions, binary]
    old_left = new_left = 0
    for line in diff.split("\n"):
        if old_left > 0 or new_left > 0:
            tag = line[:1]
            if tag == "+":
                files[-1][1] += 1  # type: ignore[operator]
                new_left -= 1
            elif tag == "-":
                files[-1][2] += 1  # type: ignore[operator]
                old_left -= 1
            elif tag == "\\":
                pass
            else:
                old_left -= 1
                new_left -= 1
            continue
        if line.startswith("diff "):
            match = RE_DIFF_GIT.match(line)
            files.append(
                [_strip_prefix(match.group(2)) if match else line[5:].split()[-1], 0, 0, False]
            )
        elif line.startswith("+++ ") and files:
            match = RE_PLUS_FILE.match(line)
            if match and match.group(1) != "/dev/null":
                files[-1][0] = _strip_prefix(match.group(1))
        elif line.startswith("+++ ") or (line.startswith("--- ") and not files):
            if line.startswith("--- "):
                files.append([line[4:].split("\t")[0], 0, 0, False])
        elif line.startswith("@@ ") and files:
            match = RE_HUNK.match(line)
            if match:
                old_left = int(match.group(1)) if match.group(1) is not None else 1
                new_left = int(match.group(2)) if match.group(2) is not None else 1
        elif (line.startswith("GIT binary patch") or line.startswith("Binary files")) and files:
            files[-1][3] = True
    changes = tuple(
        FileChange(path=str(p), insertions=int(i), deletions=int(d), binary=bool(b))  # type: ignore[call-overload]
        for p, i, d, b in files
    )
    return Diffstat(
        files=changes,
        files_changed=len(changes),
        insertions=sum(c.insertions for c in changes),
        deletions=sum(c.deletions for c in changes),
        computed=True,
    )


def _strip_prefix(path: str) -> str:
    return path[2:] if path[:2] in ("a/", "b/") else path
