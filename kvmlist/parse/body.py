"""A mail body split the way git am reads it: in-body headers, message, ---, diffstat, diff."""

from __future__ import annotations

import re
from dataclasses import dataclass

# From: Alexandru Elisei <alexandru.elisei@arm.com>   (in-body header, git am semantics)
RE_IN_BODY_HEADER = re.compile(r"^(From|Date|Subject|Author|Message-I[Dd]|Reply-To):\s*(.*)$", re.I)
# ---
RE_SEPARATOR = re.compile(r"^---\s*$")
# diff --git a/x b/x   |   diff -urN a b
RE_DIFF_START = re.compile(r"^diff (?:--git |-)\S")
# @@ -1,3 +1,4 @@
RE_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@")
# " 3 files changed, 9 insertions(+), 6 deletions(-)"
RE_DIFFSTAT_SUMMARY = re.compile(r"^\s*\d+ files? changed(?:,|\s*$)")
# the part right of "|" in " path/to/file.c | 12 ++--"  |  " pixel.bmp | Bin 0 -> 142 bytes"
RE_DIFFSTAT_STATS = re.compile(r"\s+(?:\d+(?: [+-]*)?|Bin\b.*)\s*")
# ________________________________   (a list footer)
RE_FOOTER = re.compile(r"^_{10,}\s*$")


@dataclass(frozen=True, slots=True)
class BodyParts:
    """The parts of a patch or cover-letter body."""

    in_body_headers: tuple[tuple[str, str], ...]
    message: str
    basement: str
    diffstat: str
    diff: str
    signature: str
    preamble: str


def has_diff(text: str) -> bool:
    """Return True when text holds a diff (cheap check)."""
    return _diff_start(text.split("\n")) is not None


def split_body(text: str) -> BodyParts:
    """Return the parts of a body: in-body headers, message, basement, diffstat, diff."""
    lines = text.split("\n")
    headers, lines = _in_body_headers(lines)
    lines, signature = _cut_signature(lines)
    start = _diff_start(lines)
    head = lines if start is None else lines[:start]
    diff = "" if start is None else "\n".join(lines[start:]).rstrip("\n")
    diffstat_lines = [line for line in head if _is_diffstat_line(line)]
    separator = None
    if start is not None or diffstat_lines:
        separator = next((i for i, line in enumerate(head) if RE_SEPARATOR.match(line)), None)
    if separator is None:
        message, basement = head, []
    else:
        message, basement = head[:separator], head[separator + 1 :]
    return BodyParts(
        in_body_headers=headers,
        message=_text(message),
        basement=_text(basement),
        diffstat="\n".join(diffstat_lines),
        diff=diff,
        signature="\n".join(signature).strip("\n"),
        preamble=_text(head),
    )


def _text(lines: list[str]) -> str:
    return "\n".join(lines).rstrip()


def _in_body_headers(lines: list[str]) -> tuple[tuple[tuple[str, str], ...], list[str]]:
    """Return the in-body header paragraph (if the body starts with one) and the rest."""
    position = 0
    while position < len(lines) and not lines[position].strip():
        position += 1
    headers: list[tuple[str, str]] = []
    while position < len(lines) and lines[position].strip():
        line = lines[position]
        if line[:1] in (" ", "\t") and headers:
            key, value = headers[-1]
            headers[-1] = (key, f"{value} {line.strip()}")
        else:
            match = RE_IN_BODY_HEADER.match(line)
            if not match:
                return (), lines
            headers.append((match.group(1).title(), match.group(2).strip()))
        position += 1
    if not headers:
        return (), lines
    while position < len(lines) and not lines[position].strip():
        position += 1
    return tuple(headers), lines[position:]


def _cut_signature(lines: list[str]) -> tuple[list[str], list[str]]:
    """Return lines without the trailing "-- " signature (or list footer), and the signature."""
    end = _diff_end(lines)
    for index in range(len(lines) - 1, end - 1, -1):
        if lines[index] == "-- " or (
            RE_FOOTER.match(lines[index])
            and "mailing list" in " ".join(lines[index + 1 : index + 3])
        ):
            return lines[:index], lines[index + 1 :]
    return lines, []


def _diff_end(lines: list[str]) -> int:
    """Return the index after the last hunk line, so a signature is only looked for below it."""
    start = _diff_start(lines)
    if start is None:
        return 0
    end = start
    old_left = new_left = 0
    for index in range(start, len(lines)):
        line = lines[index]
        if old_left > 0 or new_left > 0:
            tag = line[:1]
            if tag == "+":
                new_left -= 1
            elif tag == "-":
                old_left -= 1
            elif tag != "\\":
                old_left -= 1
                new_left -= 1
            end = index + 1
        elif line.startswith("@@ "):
            match = RE_HUNK.match(line)
            if match:
                old_left, new_left = _hunk_sizes(line)
                end = index + 1
        elif line.startswith("\\"):
            end = index + 1
    return end


def _hunk_sizes(line: str) -> tuple[int, int]:
    old, new = line.split("@@")[1].split()
    return _size(old), _size(new)


def _size(spec: str) -> int:
    return int(spec.split(",")[1]) if "," in spec else 1


def _diff_start(lines: list[str]) -> int | None:
    """Return the index of the first line of the diff, or None."""
    for index, line in enumerate(lines):
        first = line[:1]
        if first == "d" and RE_DIFF_START.match(line):
            return index
        if first == "-" and line.startswith("--- ") and _unified_header(lines, index):
            return index
        if first == "I" and line.startswith("Index: ") and _index_header(lines, index):
            return index
        if first == "G" and line.startswith("GIT binary patch"):
            return index
    return None


def _unified_header(lines: list[str], index: int) -> bool:
    """True when "+++ path" and "@@ ... @@" lines confirm the "--- path" line at index."""
    return (
        index + 2 < len(lines)
        and lines[index + 1].startswith("+++ ")
        and lines[index + 2].startswith("@@ ")
    )


def _index_header(lines: list[str], index: int) -> bool:
    """True when a "====" line confirms the CVS/SVN "Index: path" line at index."""
    return index + 1 < len(lines) and lines[index + 1].startswith("====")


def _is_diffstat_line(line: str) -> bool:
    if line.startswith(" ") and "|" in line and line[1:2].strip():
        path, _, stats = line.rpartition("|")
        return bool(path.strip()) and RE_DIFFSTAT_STATS.fullmatch(stats) is not None
    return "changed" in line and RE_DIFFSTAT_SUMMARY.match(line) is not None
