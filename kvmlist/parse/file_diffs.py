"""Each file of a diff as ``Patch.file_diffs`` gives it: path and counts as diff_files reads
them, status, old path and modes as git's extended header lines (or a plain diff's
``/dev/null``) say, and the file's own diff text."""

from __future__ import annotations

import re

from kvmlist.models import FileDiff, FileStatus
from kvmlist.parse.diff_files import header_path, hunk_end, read_files

# similarity index 93%
RE_SIMILARITY = re.compile(r"similarity index (\d{1,3})%")
# index 3f1a2b4..8c9d0e1 100644   (the mode when the diff keeps it)
RE_INDEX = re.compile(r"index [0-9a-f]{1,64}\.\.[0-9a-f]{1,64} ([0-7]{1,6})")
# +++ b/x.c\t1970-01-01 00:00:00.000000000 +0000   (diff -N's stamp of a missing file: git
# apply reads the file as created (on ---) or deleted (on +++); 1969-12-31 west of UTC)
RE_EPOCH = re.compile(
    r"[ \t](1970-01-01|1969-12-31) (\d{2}):(\d{2}):00(?:\.0{1,12})? ([+-])(\d{2}):?(\d{2})$"
)

#: The header lines that end a file's extended header: its first hunk, or binary contents.
CONTENT_STARTS = ("@@ ", "GIT binary patch", "Binary files ")
#: Header lines giving a mode, and which of old_mode/new_mode each sets.
MODE_HEADERS = {
    "old mode ": "old_mode",
    "new mode ": "new_mode",
    "deleted file mode ": "old_mode",
    "new file mode ": "new_mode",
}
#: Header lines that give a file its status (a plain diff's /dev/null: _dev_null_status).
STATUS_HEADERS: dict[str, FileStatus] = {
    "rename from ": "renamed",
    "copy from ": "copied",
    "deleted file mode ": "deleted",
    "new file mode ": "added",
}


def file_diffs(diff: str) -> tuple[FileDiff, ...]:
    """Return the files of a diff, in its order (those of diff_files, with the same paths
    and counts), each with its status, old path, similarity, modes and diff text."""
    lines = diff.split("\n")
    files = read_files(lines)
    if not files:
        return ()
    stops = [f.start for f in files[1:]] + [len(lines)]
    found = []
    for file, stop in zip(files, stops, strict=True):
        header = _header(lines, file.start, stop)
        change = file.change()
        found.append(
            FileDiff(
                path=change.path,
                insertions=change.insertions,
                deletions=change.deletions,
                binary=change.binary,
                text=_text(lines, file.start, stop),
                **_described(header, git=file.git),
            )
        )
    return tuple(found)


def _header(lines: list[str], start: int, stop: int) -> list[str]:
    """Return a file's lines above its first hunk or binary contents, its first included."""
    header = []
    for line in lines[start:stop]:
        if line.startswith(CONTENT_STARTS):
            break
        header.append(line)
    return header


def _described(header: list[str], *, git: bool) -> dict[str, object]:
    """Return what a file's header lines say: status, old_path, similarity and modes."""
    said: dict[str, object] = {}
    for line in header:
        for prefix, status in STATUS_HEADERS.items():
            if line.startswith(prefix):
                said["status"] = status
        for prefix, mode in MODE_HEADERS.items():
            if line.startswith(prefix):
                said[mode] = line[len(prefix) :].strip()
        if line.startswith(("rename from ", "copy from ")):
            said["old_path"] = header_path(line)
        elif line.startswith("similarity index "):
            similarity = RE_SIMILARITY.match(line)
            if similarity:
                said["similarity"] = int(similarity.group(1))
        elif line.startswith("index "):
            index = RE_INDEX.match(line)
            if index:  # the mode of a file the diff changes but keeps: both sides
                said.setdefault("old_mode", index.group(1))
                said.setdefault("new_mode", index.group(1))
        elif line.startswith(("--- ", "+++ ")) and "status" not in said:
            missing = _dev_null_status(line, git=git)
            if missing is not None:
                said["status"] = missing
    return said


def _dev_null_status(line: str, *, git: bool) -> FileStatus | None:
    """Return added for a ``--- /dev/null`` line, deleted for ``+++ /dev/null``, and so for
    a plain diff's side stamped with the epoch (``diff -N``), as git apply reads them."""
    missing = header_path(line) == "/dev/null" or (not git and _epoch(line))
    if not missing:
        return None
    return "added" if line[0] == "-" else "deleted"


def _epoch(line: str) -> bool:
    """Whether a ---/+++ line's timestamp is the epoch (in the zone it gives)."""
    stamp = RE_EPOCH.search(line, max(len(line) - 48, 0))
    if stamp is None:
        return False
    day, hours, minutes, sign, zone_hours, zone_minutes = stamp.groups()
    zone = (int(zone_hours) * 60 + int(zone_minutes)) * (1 if sign == "+" else -1)
    local = int(hours) * 60 + int(minutes) - (24 * 60 if day == "1969-12-31" else 0)
    return local - zone == 0


def _text(lines: list[str], start: int, stop: int) -> str:
    """Return a file's diff text: its lines up to the next file's, cut after its last hunk
    (a quilt ``Index:`` line above the next file is not its)."""
    below = lines[start:stop]
    if stop == len(lines) and below[-1] == "":  # the diff's last newline, split off
        below.pop()
    text = "\n".join(below) + "\n"
    last_hunk = text.rfind("\n@@ -")
    end = hunk_end(text, last_hunk + 1, len(text)) if last_hunk >= 0 else -1
    return text[:end] if end > 0 else text
