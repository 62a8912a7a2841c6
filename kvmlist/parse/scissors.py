"""The scissors line of ``git mailinfo --scissors`` (what ``git am --scissors`` and b4 cut at).

A patch mail may open with a note (an answer to a review, "how about this instead?"), then a
line of scissors and perforation, ``-- >8 --``, then the commit message, which may itself
open with in-body From/Subject/Date lines. git's documented rule: the line "mainly consists
of" scissors (``>8``, ``8<``, ``>%``, ``%<``) and perforation (dashes); its check, as its
comment states it, wants the line at least 8 wide, the perforation (dashes, scissors and the
blanks between them) more than a third of it, and dashes and scissors more than half of the
perforation. Only lines above the patch count (parse.body).
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterator

# >8   8<   >%   %<   (a scissors mark; searched for before any line is read)
RE_SCISSORS_MARK = re.compile(r">8|8<|>%|%<")
MARKS = frozenset({">8", "8<", ">%", "%<"})
#: The character every mark holds beside its ">" or "<".
MARK_MIDDLES = ("8", "%")
#: The 8s (or %s) that are no mark's, one after the other, before substring scans take over.
PLAIN_LIMIT = 64
# "-- >8 -- "   |   "-----8<----- "   (a run of perforation: dashes and marks, the blanks
# between and after them, the line's end one of those)
RE_PERFORATION = re.compile(r"(?:-|>8|8<|>%|%<)(?:[ \t]*(?:-|>8|8<|>%|%<))*[ \t\n]*")
#: The narrowest scissors line (``-- >8 --``).
MIN_WIDTH = 8


def first_mark(text: str, lo: int, hi: int | None = None) -> int:
    """Return where the first scissors mark of text[lo:hi] starts, or -1: what
    :func:`mark_starts` yields first, without its generators (every patch asks once)."""
    end = len(text) if hi is None else hi
    first = -1
    for middle in MARK_MIDDLES:
        at = text.find(middle, lo, end)
        plain = 0
        while at >= 0:
            if at > lo and text[at - 1] == ">":  # ">8", ">%"
                start = at - 1
            elif at + 1 < end and text[at + 1] == "<":  # "8<", "%<"
                start = at
            elif plain < PLAIN_LIMIT:
                plain += 1
                at = text.find(middle, at + 1, end)
                continue
            else:
                start = next(_scanned(text, at + 1, end, (">" + middle, middle + "<")), -1)
            if start >= 0:
                first = start if first < 0 else min(first, start)
            break
    return first


def mark_starts(text: str, lo: int, hi: int | None = None) -> Iterator[int]:
    """Yield where each scissors mark of text[lo:hi] starts, in order (overlapping ones,
    ``>8<``, twice). Each mark holds an ``8`` or a ``%``, found by memchr (a one-character
    find) and judged by its neighbours: a patch's text above its diff has one or two, and
    four substring scans for the marks cost five times as much. Past PLAIN_LIMIT of them
    that are no mark's, the marks are looked for by substring scans from there on: the work
    stays linear in the text whatever it holds."""
    end = len(text) if hi is None else hi
    return heapq.merge(*(_starts(text, lo, end, middle) for middle in MARK_MIDDLES))


def _starts(text: str, lo: int, end: int, middle: str) -> Iterator[int]:
    """The starts of the marks holding ``middle`` (``>8``, ``8<``), in order."""
    plain = 0
    at = text.find(middle, lo, end)
    while at >= 0:
        if at > lo and text[at - 1] == ">":
            yield at - 1
        if at + 1 < end and text[at + 1] == "<":
            yield at
        elif at == lo or text[at - 1] != ">":
            plain += 1
            if plain > PLAIN_LIMIT:
                yield from _scanned(text, at + 1, end, (">" + middle, middle + "<"))
                return
        at = text.find(middle, at + 1, end)


def _scanned(text: str, lo: int, end: int, marks: tuple[str, str]) -> Iterator[int]:
    """The starts of two marks in text[lo:end], in order, each found by a substring scan
    that goes on from its last find (so each part of the text is scanned once per mark)."""
    found = [text.find(mark, lo, end) for mark in marks]
    while max(found) >= 0:
        which = 0 if found[1] < 0 or 0 <= found[0] <= found[1] else 1
        yield found[which]
        found[which] = text.find(marks[which], found[which] + 1, end)


def is_scissors_line(line: str) -> bool:
    """True when a line is a scissors line as git mailinfo --scissors reads one.

    As git measures it: the width runs from the first to the last non-blank character, a
    mark ending the line counting one (its first character); the blanks after a run of
    perforation (and the line's end) are perforation too.
    """
    text = line.lstrip() + "\n"
    visible = len(text.rstrip())
    if text[visible - 2 : visible] in MARKS:
        visible -= 1
    if visible < MIN_WIDTH or RE_SCISSORS_MARK.search(text) is None:
        return False
    perforation = gaps = 0
    for run in RE_PERFORATION.finditer(text):
        perforation += run.end() - run.start()
        gaps += sum(run.group().count(blank) for blank in " \t\n")
    return visible < 3 * perforation and 2 * gaps < perforation


def below_scissors(text: str, lo: int, hi: int) -> int:
    """Return where the text below the last scissors line of text[lo:hi] starts (lo a line
    start), or -1 when there is none."""
    below = -1
    end = lo
    for mark in mark_starts(text, lo, hi):
        if mark < end:  # on the line just judged
            continue
        start = text.rfind("\n", lo, mark) + 1 or lo
        end = text.find("\n", mark + 2, hi)
        end = hi if end < 0 else end
        if is_scissors_line(text[start:end]):
            below = min(end + 1, hi)
    return below
