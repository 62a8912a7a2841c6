"""A mail body split the way git am reads it: in-body headers, message, ---, diffstat, diff.

The split works on offsets into the text: ``str.find``/``rfind`` locate the few lines that
matter (diff start, ``---``, diffstat summary, signature, list footer), so a body is never
walked line by line in Python. The last hunk's lines are counted (``str.count``), as far as
its header's line counts reach, to tell a ``-- `` signature from a removed line that reads
``-- `` and to end the diff with that hunk (what follows it, b4's ``base-commit:`` footer or
a note, is no diff).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from kvmlist.parse.diff_files import RE_HUNK, hunk_end
from kvmlist.parse.diffstat import is_file_line, is_summary_line
from kvmlist.parse.scissors import below_scissors, first_mark

# Subject: [PATCH] arm64: drop to EL1   (an in-body header line, git am semantics)
RE_IN_BODY_HEADER = re.compile(r"(from|date|subject):[ \t]*(.*)", re.IGNORECASE)
# ---
RE_SEPARATOR = re.compile(r"---[ \t\r\f\v]*")
# --            (typed for "---" above a diffstat; "-- " with a space is a signature)
RE_SHORT_SEPARATOR = re.compile(r"--")
# ---   |  --   |  "-- "   (below a hunk: b4's separator or a signature, not a removed line)
RE_DASHES = re.compile(r"-{2,3}[ \t]*")
# "\n  \n\n" at the start of a part: the blank lines before its text
RE_BLANK_LINES = re.compile(r"(?:[ \t\r\f\v]*\n)*")
# literal 300 / zcmV+{0n`522Wr|u0dmwU8f... / (blank)   (the data of a GIT binary patch: one or
# two blocks, each a literal/delta line, base85 lines and a blank line)
RE_BINARY_TAIL = re.compile(
    r"(?:(?:literal|delta) \d{1,20}\n"
    r"(?:[A-Za-z][0-9A-Za-z!#$%&()*+;<=>?@^_`{|}~-]{0,80}\n)*\n?){1,2}"
)
# _______________________________________________   (then "kvmarm mailing list")
RE_FOOTER = re.compile(r"_{10,}[ \t]*")
#: The line under a "-- " line that makes it Google Groups' footer, not the sender's signature.
GOOGLE_GROUPS_FOOTER = "You received this message because you are subscribed to the Google Groups"

#: Canonical spelling of the in-body header keys git am reads.
IN_BODY_KEYS = {"from": "From", "date": "Date", "subject": "Subject"}
#: First characters of a part that may start with blank lines.
WHITESPACE = frozenset(" \t\n\r\f\v")
#: A list footer is cut together with one right above it within this many lines.
FOOTER_LINES = 8


@dataclass(frozen=True, slots=True)
class BodyParts:
    """The parts of a patch or cover-letter body (see split_body)."""

    in_body_headers: tuple[tuple[str, str], ...]
    message: str
    basement: str
    diffstat: str
    diff: str
    signature: str
    preamble: str


def has_diff(text: str) -> bool:
    """Return True when text holds a diff (git, plain unified, CVS/SVN or binary)."""
    return a_diff_line(text) >= 0


def a_diff_line(text: str) -> int:
    """Return the offset of a line where a diff starts in text, or -1 when none does.

    ``diff_start(text) >= 0`` tells the same, but here the first confirmed start of any kind
    answers: a patch's ``diff --git`` line needs no search for the other kinds above it. So
    the line given may come after the diff's first line (which diff_start gives).
    """
    for prefix, confirm in DIFF_STARTS:
        at = _find_line(text, prefix, 0, len(text))
        while at >= 0:
            if confirm(text, at):
                return at
            at = _find_line(text, prefix, at + 1, len(text))
    return -1


def last_diff_line(text: str) -> int:
    """Return the offset of the last line where a diff of any kind starts in text, or -1.

    Each kind's check reads only forward, so a diff starts at or after a line start ``lo``
    exactly when ``last_diff_line(text) >= lo``: one search answers for every line.
    """
    last = -1
    for prefix, confirm in DIFF_STARTS:
        at = _rfind_line(text, prefix, 0, len(text))
        while at > last and not confirm(text, at):
            at = _rfind_line(text, prefix, 0, at + len(prefix) - 1)  # the lines above at
        last = max(last, at)
    return last


def split_body(text: str) -> BodyParts:
    """Return the parts of a body: in-body headers, message, basement, diffstat, diff, signature."""
    headers, lo = in_body_headers(text)
    diff_at = diff_start(text, lo)
    end, signature_at = _cut_signature(text, lo, diff_at)
    head_end = end if diff_at < 0 else diff_at
    stat_start, stat_end = _diffstat_span(text, lo, head_end)
    separator = _separator(text, lo, head_end) if diff_at >= 0 or stat_start >= 0 else -1
    if separator < 0 and stat_start >= 0:
        separator = _short_separator(text, lo, stat_start)
    message_end = head_end if separator < 0 else separator
    basement = "" if separator < 0 else _trim(text[_next_line(text, separator) : head_end])
    diff = _diff_text(text, diff_at, end) if diff_at >= 0 else ""
    preamble = _trim(text[lo:head_end])
    return BodyParts(
        in_body_headers=headers,
        message=preamble if message_end == head_end else _trim(text[lo:message_end]),
        basement=basement,
        diffstat=text[stat_start:stat_end] if stat_start >= 0 else "",
        diff=diff,
        signature=_trim(text[signature_at:]),
        preamble=preamble,
    )


def _trim(part: str) -> str:
    """Return part without its leading blank lines and trailing whitespace."""
    part = part.rstrip()
    return part[_skip_blank(part, 0) :] if part[:1] in WHITESPACE else part


def _skip_blank(text: str, pos: int) -> int:
    match = RE_BLANK_LINES.match(text, pos)
    return match.end() if match else pos


def _next_line(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end + 1


def _line_at(text: str, pos: int) -> str:
    end = text.find("\n", pos)
    return text[pos:] if end < 0 else text[pos:end]


def _find_line(text: str, prefix: str, lo: int, hi: int) -> int:
    """Return the offset of the first line in text[lo:hi] starting with prefix, or -1."""
    if lo == 0 and text.startswith(prefix):
        return 0
    at = text.find("\n" + prefix, max(lo - 1, 0), hi)
    return -1 if at < 0 else at + 1


def _rfind_line(text: str, prefix: str, lo: int, hi: int, whole: bool = False) -> int:
    """Return the offset of the last line in text[lo:hi] starting with (or, whole, equal to)
    prefix, or -1; lo must be a line start."""
    tail = hi - len(prefix)
    at_end = whole and hi == len(text) and tail >= lo and text.endswith(prefix)
    if at_end and (tail == lo or text[tail - 1] == "\n"):
        return tail
    needle = "\n" + prefix + "\n" if whole else "\n" + prefix
    at = text.rfind(needle, max(lo - 1, 0), hi)
    if at >= 0:
        return at + 1
    return lo if text.startswith(needle[1:], lo) and lo + len(needle) - 1 <= hi else -1


# From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001   (format-patch's
# mbox separator, also as an mbox quotes it)
RE_FORMAT_PATCH_FROM = re.compile(r">?From [0-9a-f]{40} Mon Sep 17 00:00:00 2001[ \t]*\n")
#: The fixed date of that line, looked for first (a plain search) below a note.
FORMAT_PATCH_DATE = " Mon Sep 17 00:00:00 2001"
# 6.6-stable review patch.  If anyone has any objections, please let me know.   (the banner
# of a stable review round's patch, then a blank line and "------------------"; Ben
# Hutchings' rounds say "3.16.85-rc1 review patch.")
RE_REVIEW_BANNER = re.compile(
    r"[\w.+-]{1,40} review patch\.[ \t]+If anyone has any objections, please let me know\."
    r"[ \t]*\n(?:[ \t]*\n)*-{4,80}[ \t]*\n"
)
#: A line shaped like a mail header ("Sent: Thursday"), which git am does not read in-body.
RE_HEADER_SHAPED = re.compile(r"[A-Za-z][A-Za-z-]{0,30}: ")


def in_body_headers(
    text: str, diff_at: int | None = None
) -> tuple[tuple[tuple[str, str], ...], int]:
    """Return the in-body header paragraph of a body, and where the rest starts.

    The paragraph the body starts with (_opening_headers); but in a patch whose text above
    the diff holds a scissors line (``-- >8 --``), the one right below the last such line,
    the rest starting there, as ``git am --scissors`` and b4 read it. ``diff_at``, when the
    caller knows it: a line at or below the diff's first (:func:`a_diff_line`), -1 for none.
    """
    headers, rest = _opening_headers(text)
    if diff_at is not None and diff_at < rest:  # no diff, or none below the headers
        return headers, rest
    cut = _scissors_cut(text, rest, diff_at)
    if cut < 0:
        return headers, rest
    below = _header_paragraph(text, _skip_blank(text, cut))
    return below if below[0] else ((), cut)


def scissors_cut(text: str) -> int:
    """Return where the text kvmlist reads a patch body from starts when that is below a
    scissors line (:func:`in_body_headers`), or -1 when it is not: plain ``git am`` would
    read the note above it as the commit message and its in-body headers as prose."""
    return _scissors_cut(text, _opening_headers(text)[1])


def _scissors_cut(text: str, lo: int, above: int | None = None) -> int:
    """Return where the text below the last scissors line between lo and a patch's ``---``
    or diff starts, or -1: no such line, nothing but blanks below it (a diff pasted between
    two scissors lines, under the note that is its only description: git would leave no
    commit message), or no diff (a cover letter is read whole). Marks are looked for above
    ``above`` (a line at or below the diff's first) when given: a diff's ``>>8`` is none."""
    mark = first_mark(text, lo, above)
    if mark < 0:  # the usual patch: four scans in C
        return -1
    diff_at = diff_start(text, lo)
    if diff_at < mark:
        return -1
    hi = diff_at if (separator := _separator(text, lo, diff_at)) < 0 else separator
    cut = below_scissors(text, lo, hi)
    return cut if cut >= 0 and text[cut:hi].strip() else -1


def _opening_headers(text: str) -> tuple[tuple[tuple[str, str], ...], int]:
    """Return the in-body header paragraph the body starts with, and where the rest starts.

    git am's rule, and two more for the stable maintainers' scripts, which write their own
    lines above the author's From: a stable review round's banner and dashed line
    (RE_REVIEW_BANNER) may come first; and a lone From followed by a paragraph opening with
    another From that names an address (the poster's, then the author's) is read with that
    paragraph, the later From last (git am would take the first, and keep the second in
    the commit message). A body that opens with a note and holds git format-patch output
    further down (an attached patch) is read from that output (_format_patch_below).
    """
    pos = _skip_blank(text, 0)
    banner = RE_REVIEW_BANNER.match(text, pos)
    if banner is not None:
        pos = _skip_blank(text, banner.end())
    separator = RE_FORMAT_PATCH_FROM.match(text, pos)
    if separator is not None:  # git format-patch output pasted whole: git am skips this line
        pos = separator.end()
    elif RE_IN_BODY_HEADER.fullmatch(_line_at(text, pos)) is None:
        pos = _format_patch_below(text, pos)
    headers, rest = _header_paragraph(text, pos)
    if len(headers) == 1 and headers[0][0] == "From" and text[rest : rest + 5].lower() == "from:":
        stacked = _header_paragraph(text, rest)
        if stacked[0] and stacked[0][0][0] == "From" and "@" in stacked[0][0][1]:
            return headers + stacked[0], stacked[1]
    return headers, rest


def _header_paragraph(text: str, pos: int) -> tuple[tuple[tuple[str, str], ...], int]:
    """Return the in-body header paragraph at pos and where the rest starts; ((), 0) when
    there is none."""
    if text[pos : pos + 1] not in ("F", "D", "S", "f", "d", "s"):
        return (), 0
    headers: list[tuple[str, list[str]]] = []
    while pos < len(text):
        line = _line_at(text, pos)
        if not line.strip():
            break
        if line[0] in " \t" and headers:
            headers[-1][1].append(line.strip())  # a folded Subject goes on
        else:
            match = RE_IN_BODY_HEADER.fullmatch(line)
            if match is None:
                if not headers or RE_HEADER_SHAPED.match(line):
                    return (), 0  # prose, or a mail client's quoted header block (Sent: To:)
                break  # git am ends the in-body headers at a prose line and keeps them
            headers.append((IN_BODY_KEYS[match.group(1).lower()], [match.group(2).strip()]))
        pos = _next_line(text, pos)
    joined = tuple((key, " ".join(part for part in parts if part)) for key, parts in headers)
    return joined, _skip_blank(text, pos)


def _format_patch_below(text: str, pos: int) -> int:
    """Return where the in-body headers of git format-patch output below a note start (right
    after its ``From <sha> Mon Sep 17 00:00:00 2001`` line), or pos when there is none.

    The note ("please find the patch attached", a changelog) holds no diff; the output is
    attached below it as a ``.patch`` part or pasted: its author, date, subject and message
    are the patch's, where git am would take the note for the message and the headers into it.
    """
    at = text.find(FORMAT_PATCH_DATE, pos)
    while at >= 0:
        line = text.rfind("\n", 0, at) + 1
        separator = RE_FORMAT_PATCH_FROM.match(text, line) if line > pos else None
        if separator is not None:
            diff_at = diff_start(text, pos)
            return separator.end() if diff_at < 0 or diff_at > line else pos
        at = text.find(FORMAT_PATCH_DATE, at + 1)
    return pos


def diff_start(text: str, lo: int = 0) -> int:
    """Return the offset of the diff's first line at or after lo, or -1."""
    best = len(text)
    for prefix, confirm in DIFF_STARTS:
        at = _find_line(text, prefix, lo, best)
        while at >= 0 and not confirm(text, at):
            at = _find_line(text, prefix, at + 1, best)
        if at >= 0:
            best = at
    return best if best < len(text) else -1


def _is_diff_command(text: str, at: int) -> bool:
    """True for "diff --git a/x b/x", or "diff -urN a b" confirmed by ---/+++ below it."""
    if text.startswith("diff --git ", at):
        return not text[at + 11 : at + 12].isspace() and at + 11 < len(text)
    if text[at + 6 : at + 7].isspace() or at + 6 >= len(text):
        return False
    line = _next_line(text, at)
    for _ in range(3):
        if text.startswith("Binary files ", line) or _is_unified_header(text, line):
            return True
        line = _next_line(text, line)
    return False


def _is_unified_header(text: str, at: int) -> bool:
    """True for "--- path" directly followed by "+++ path"."""
    if not text.startswith("--- ", at) or text[at + 4 : at + 5].isspace():
        return False
    return text.startswith("+++ ", _next_line(text, at))


def _is_unified_diff(text: str, at: int) -> bool:
    """True for "--- path", "+++ path", "@@ ..." (a diff without a "diff" line)."""
    return _is_unified_header(text, at) and text.startswith(
        "@@ ", _next_line(text, _next_line(text, at))
    )


def _is_index_header(text: str, at: int) -> bool:
    """True for a CVS/SVN "Index: path" followed by a "====" line."""
    return text.startswith("====", _next_line(text, at))


#: Line prefixes that may start a diff, each with the check that confirms it.
DIFF_STARTS: tuple[tuple[str, Callable[[str, int], bool]], ...] = (
    ("diff -", _is_diff_command),
    ("--- ", _is_unified_diff),
    ("Index: ", _is_index_header),
    ("GIT binary patch", lambda text, at: True),
)


def _cut_signature(text: str, lo: int, diff_at: int) -> tuple[int, int]:
    """Return where the content ends and where the signature text starts."""
    end = signature = len(text)
    footer = _footer_start(text, lo)
    if footer > diff_at:  # no hunk line starts with "_" or "You": no need to count
        end = signature = footer
    dashes = _rfind_line(text, "-- ", lo, end, whole=True)
    if dashes >= 0 and _below_diff(text, diff_at, dashes):
        below = _next_line(text, dashes)
        if diff_start(text[below:end]) < 0:  # a diff below it is applied by git am too
            end, signature = dashes, below
    return end, signature


def _footer_start(text: str, lo: int) -> int:
    """Return the offset of the list footers at the end of text, or -1.

    A footer is a "____" line followed by "... mailing list" (Mailman), or a "-- " line
    followed by Google Groups' "You received this message because ..."; mails that went
    through two lists carry two, one right above the other.
    """
    found = len(text)
    while (at := max(_last_footer(text, lo, found), _last_google_footer(text, lo, found))) >= 0:
        if found < len(text) and text.count("\n", at, found) > FOOTER_LINES:
            break
        found = at
    return found if found < len(text) else -1


def _last_footer(text: str, lo: int, hi: int) -> int:
    """Return the offset of the last Mailman footer ("____" line) in text[lo:hi], or -1."""
    at = _rfind_line(text, "_" * 10, lo, hi)
    while at >= 0:
        below = _next_line(text, at)
        if (
            RE_FOOTER.fullmatch(_line_at(text, at))
            and "mailing list" in _line_at(text, below).lower()
        ):
            return at
        at = _rfind_line(text, "_" * 10, lo, at)
    return -1


def _last_google_footer(text: str, lo: int, hi: int) -> int:
    """Return the offset of the last Google Groups footer ("-- " line) in text[lo:hi], or -1."""
    at = text.rfind("\n-- \n" + GOOGLE_GROUPS_FOOTER, max(lo - 1, 0), hi)
    if at >= 0:
        return at + 1
    return lo if text.startswith("-- \n" + GOOGLE_GROUPS_FOOTER, lo) and lo < hi else -1


def _below_diff(text: str, diff_at: int, at: int) -> bool:
    """True when the line at offset at lies after the diff's last hunk (or there is no diff)."""
    if diff_at < 0:
        return True
    if at <= diff_at:
        return False
    hunk = _rfind_line(text, "@@ -", diff_at, at)
    return hunk < 0 or RE_HUNK.match(text, hunk) is None or hunk_end(text, hunk, at) >= 0


def _diff_text(text: str, diff_at: int, end: int) -> str:
    """Return the diff starting at diff_at (see _diff_end), without the blank lines below it
    but those its last hunk's counts take (a blank context line whose space a mailer
    stripped) and the one that closes a ``GIT binary patch`` it ends with: git apply reads
    both (without the latter it says "corrupt binary patch" and skips the file)."""
    stop, after = _diff_end(text, diff_at, end)
    kept = len(text[diff_at:stop].rstrip("\n"))
    if after >= 0 and after - diff_at > kept:
        kept = after - diff_at
    diff = text[diff_at : diff_at + kept]
    if not diff:
        return ""
    if not diff.endswith("\n"):
        diff += "\n"
    binary = diff.rfind("\nGIT binary patch\n")
    if binary >= 0 and RE_BINARY_TAIL.fullmatch(diff, binary + len("\nGIT binary patch\n")):
        diff += "\n" if not diff.endswith("\n\n") else ""
    return diff


def _diff_end(text: str, diff_at: int, end: int) -> tuple[int, int]:
    """Return where the diff starting at diff_at ends, and where its last hunk ends (-1 when
    its counts run past end or there is none).

    The diff ends right after its last hunk, so that footers and notes below it (b4's
    ``base-commit:``, git's signature, a list's footer) are no diff; but at end (the
    signature's or list footer's start) when what follows the hunk holds another diff (a
    renamed file without hunks) or reads as more hunk lines (a hand-edited hunk that
    undercounts them), or when the hunk's counts run past end."""
    hunk = _rfind_line(text, "@@ -", diff_at, end)
    after = hunk_end(text, hunk, end) if hunk >= 0 else -1
    if after < 0:
        return end, after
    below = _skip_blank(text, after)
    if below >= end:
        return end, after
    line = _line_at(text, below)
    hunk_line = line[:1] in ("+", "-", " ") and not RE_DASHES.fullmatch(line)
    if hunk_line or 0 <= diff_start(text, after) < end:
        return end, after
    return after, after


def _diffstat_span(text: str, lo: int, hi: int) -> tuple[int, int]:
    """Return the span of the last diffstat (per-file lines and summary) in text[lo:hi]."""
    at = hi
    while (at := text.rfind(" changed", lo, at)) >= 0:
        newline = text.rfind("\n", lo, at)
        start = lo if newline < 0 else newline + 1
        line = _line_at(text, start)
        if is_summary_line(line):
            first = start
            while first > lo:
                newline = text.rfind("\n", lo, first - 1)
                previous = lo if newline < 0 else newline + 1
                if not is_file_line(text[previous : first - 1]):
                    break
                first = previous
            return first, start + len(line)
        at = start
    return -1, -1


def _short_separator(text: str, lo: int, stat_start: int) -> int:
    """Return the offset of a "--" line (typed for "---") right above the diffstat, or -1."""
    at = _rfind_line(text, "--", lo, stat_start)
    if at < 0 or not RE_SHORT_SEPARATOR.fullmatch(_line_at(text, at)):
        return -1
    between = text[_next_line(text, at) : stat_start]
    return at if not between.strip() else -1


def _separator(text: str, lo: int, hi: int) -> int:
    """Return the offset of the first "---" line in text[lo:hi], or -1."""
    at = _find_line(text, "---", lo, hi)
    while at >= 0 and not RE_SEPARATOR.fullmatch(_line_at(text, at)):
        at = _find_line(text, "---", at + 1, hi)
    return at
