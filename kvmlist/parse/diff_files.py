"""The files a diff changes, as ``git apply --numstat`` reads them: path, +/- lines, binary.

Both read a hunk as far as its header's line counts reach, as git apply does: diff_files
line by line, hunk_end (where the diff's last hunk ends: parse.body) with ``str.count``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kvmlist.models import FileChange

# @@ -362,7 +362,8 @@ unsigned long thp_get_unmapped_area(...)
RE_HUNK = re.compile(r"@@ -\d{1,12}(?:,(\d{1,12}))? \+\d{1,12}(?:,(\d{1,12}))? @@")
# "b/caf\303\251.txt"   (a path git quotes C-style: non-ASCII bytes, tab, quote, backslash)
RE_QUOTED = re.compile(r'"((?:[^"\\\n]|\\.){0,4096})"')
# 2025-01-01 10:00:00.000000000 +0100   (a diff -u/quilt timestamp ending a ---/+++ line: the
# ISO date git apply recognises, the time and zone optional; looked for in the line's tail)
RE_TIMESTAMP = re.compile(
    r"[ \t]\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}:\d{2}(?:\.\d{1,12})?)?(?: [+-]\d{2}:?\d{2})?$"
)
# \303   \t   \"   (one escape inside a quoted path)
RE_ESCAPE = re.compile(r"\\([0-7]{1,3}|.)")

#: git's C-style escapes other than octal (quote.c: unquote_c_style).
ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
#: Extended git header lines whose path names the new file (git apply keeps the last).
NEW_PATH_HEADERS = ("rename to ", "copy to ", "+++ ")
#: How far from a header line's end its timestamp may start (RE_TIMESTAMP's longest match).
TIMESTAMP_TAIL = 48


def hunk_end(text: str, hunk: int, hi: int) -> int:
    """Return where the hunk whose header line is at offset hunk ends, by the header's line
    counts (with a ``\\ No newline`` line below its last), or -1 when text[:hi] ends first
    (or the line at hunk is no hunk header)."""
    match = RE_HUNK.match(text, hunk)
    if match is None:
        return -1
    old, new = int(match.group(1) or 1), int(match.group(2) or 1)
    pos = text.find("\n", hunk) + 1 or len(text)
    # A line uses up at most one old and one new line: the hunk goes on for at least as many
    # lines as the larger count still wants. Skip those, count what they used up, go on.
    while (lines := max(old, new)) > 0:
        start = pos
        skipped = text[start:hi].split("\n", lines)  # in C: no loop over the lines here
        if len(skipped) <= lines:
            return -1
        pos = hi - len(skipped[-1])
        plus = text.count("\n+", start - 1, pos - 1)
        minus = text.count("\n-", start - 1, pos - 1)
        context = lines - plus - minus - text.count("\n\\", start - 1, pos - 1)
        old, new = old - context - minus, new - context - plus
    while pos < hi and text.startswith("\\", pos):
        pos = text.find("\n", pos) + 1 or hi
    return pos


def diff_files(diff: str) -> tuple[FileChange, ...]:
    """Return the files a diff changes, in its order, as ``git apply --numstat`` gives them:
    the new path (the old one for a deleted file), unquoted; + and - lines of its hunks, as
    far as each header's line counts reach; ``binary`` for a ``GIT binary patch`` or
    ``Binary files ... differ`` (no line counts)."""
    return tuple(f.change() for f in read_files(diff.split("\n")))


def read_files(lines: list[str]) -> list[_File]:
    """Return the files of a diff's lines, in order, each with its path, counts and the
    index of the line that starts it (diff_files; kvmlist.parse.file_diffs reads the rest)."""
    # One Python step per line: measured faster than skipping hunks with str.count (hunk_end)
    # on the corpora's diffs, whose hunks are a few lines each.
    files: list[_File] = []
    old_left = new_left = 0
    for at, line in enumerate(lines):
        if old_left > 0 or new_left > 0:
            tag = line[:1]
            if tag == "+":
                files[-1].insertions += 1
                new_left -= 1
            elif tag == "-":
                files[-1].deletions += 1
                old_left -= 1
            elif tag != "\\":
                old_left -= 1
                new_left -= 1
        elif line.startswith("@@ ") and files:
            match = RE_HUNK.match(line)
            if match:
                old_left = int(match.group(1) or 1)
                new_left = int(match.group(2) or 1)
                files[-1].hunks += 1
        elif line.startswith("diff "):
            git = line.startswith("diff --git ")
            path = _diff_line_path(line) if git else _p1(line.rsplit(" ", 1)[-1])
            files.append(_File(path, at, git))
        elif line.startswith("--- ") and (not files or files[-1].hunks):
            # a plain unified diff: "--- a/x" starts the next file when no "diff" line did
            files.append(_File(_p1(header_path(line)), at))
        elif files and not files[-1].hunks and line.startswith(NEW_PATH_HEADERS):
            path = header_path(line)
            if path != "/dev/null":
                files[-1].path = path if line[0] != "+" else files[-1].strip(path)
        elif files and line.startswith(("GIT binary patch", "Binary files ")):
            files[-1].binary = True
    return files


@dataclass(slots=True)
class _File:
    """One file of a diff while it is read."""

    path: str
    start: int  # the index of its first line ("diff ..." or "--- ...")
    git: bool = False  # named by a "diff --git" line
    insertions: int = 0
    deletions: int = 0
    binary: bool = False
    hunks: int = 0

    def strip(self, path: str) -> str:
        """Return a ``+++`` path without its first component: in a git diff the prefix that
        its "diff --git" line's path lacks (none of a ``--no-prefix`` diff), else a/ b/;
        any in a plain one (``linux.orig/``)."""
        if not self.git:
            return _p1(path)
        if path == self.path or path.partition("/")[2] == self.path:
            return self.path
        return _strip_prefix(path)

    def change(self) -> FileChange:
        if self.binary:  # git apply --numstat prints "-  -": no line counts
            return FileChange(path=self.path, binary=True)
        return FileChange(path=self.path, insertions=self.insertions, deletions=self.deletions)


def header_path(line: str) -> str:
    """Return the path of "+++ b/x.c\t2025-01-01 ...", "rename to x.c" or "copy from x.c"
    (unquoted); a ---/+++ line's ISO timestamp after spaces is cut too, as git apply cuts it
    (a path with spaces and no timestamp is read whole)."""
    if line[:4] in ("+++ ", "--- "):
        rest = line[4:]
    else:  # the first " to "/" from " is the keyword's: "rename to a to b" names "a to b"
        keyword = " to " if line.startswith(NEW_PATH_HEADERS) else " from "
        rest = line.partition(keyword)[2]
    if rest[:1] == '"':
        quoted = RE_QUOTED.match(rest)
        if quoted is not None:
            return unquote(quoted.group(1))
    path = rest.split("\t", 1)[0].rstrip()
    if line[0] in "+-":  # a timestamp after spaces (a tab a mailer or an editor turned into them)
        stamp = RE_TIMESTAMP.search(path, max(len(path) - TIMESTAMP_TAIL, 0))
        if stamp is not None:
            return path[: stamp.start()].rstrip()
    return path


def _diff_line_path(line: str) -> str:
    """Return the new path of "diff --git a/x b/x" (paths may hold spaces, be quoted or
    lack a/ b/)."""
    rest = line[len("diff --git ") :]
    if rest.endswith('"'):  # git quoted the new name (and maybe the old one)
        at = rest.find(' "')
        while at >= 0:
            quoted = RE_QUOTED.fullmatch(rest, at + 1)
            if quoted is not None:
                return _strip_prefix(unquote(quoted.group(1)))
            at = rest.find(' "', at + 1)
    prefixes = git_prefixes(rest)
    if prefixes is not None:
        return rest[len(rest) // 2 + 1 + len(prefixes[1]) :]
    if rest.startswith("a/"):  # a rename: the names differ, the new one after the last " b/"
        at = rest.rfind(" b/")
        if at > 0:
            return rest[at + 3 :]
    return rest.rsplit(" ", 1)[-1]


def git_prefixes(rest: str) -> tuple[str, str] | None:
    """Return the prefixes of a "diff --git" line's two names (rest: after "diff --git ")
    when both name one path: ``("a/", "b/")``, ``("c/", "w/")`` of diff.mnemonicPrefix (one
    component each, as ``git apply -p1`` strips), ``("", "")`` of ``--no-prefix`` (equal
    names); None for a rename or copy, quoted names or another shape."""
    half = len(rest) // 2
    if len(rest) % 2 == 0 or rest[half] != " " or rest[:1] == '"':
        return None
    old, new = rest[:half], rest[half + 1 :]
    if old == new:
        return "", ""
    cut = old.find("/") + 1
    if cut and new.find("/") + 1 == cut and old[cut:] == new[cut:]:
        return old[:cut], new[:cut]
    return None


def _strip_prefix(path: str) -> str:
    return path[2:] if path[:2] in ("a/", "b/") else path


def _p1(path: str) -> str:
    """Return a plain diff's path without its first component, as ``git apply -p1`` reads it
    (``linux-next.orig/mm/x.c`` of quilt or ``diff -urN`` is ``mm/x.c``)."""
    return path.split("/", 1)[1] if "/" in path.rstrip("/") else path


def unquote(quoted: str) -> str:
    """Return a path git quoted C-style (the text between the quotes), its octal escapes read
    as UTF-8 bytes (an invalid byte becomes U+FFFD)."""
    if "\\" not in quoted:
        return quoted
    raw = RE_ESCAPE.sub(_escaped_char, quoted).encode("utf-8", "surrogateescape")
    return raw.decode("utf-8", "replace")


def _escaped_char(match: re.Match[str]) -> str:
    code = match.group(1)
    if code[0] in "01234567":
        return chr(0xDC00 + int(code, 8)) if int(code, 8) > 0x7F else chr(int(code, 8))
    return ESCAPES.get(code, code)
