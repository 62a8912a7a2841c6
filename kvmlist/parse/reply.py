"""What a reply says in its own words: the trailers it gives, and the patches it gives them to
when it names them in the trailer's comment ("# for 1-3") or right above ("For 1-3:").

Only the lines the sender wrote count: quoted (``>``) lines, the signature and an original
mail the mailer appended unquoted are left out. docs/review.md has the rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import cast

from kvmlist.models import Message, Person
from kvmlist.parse.addresses import parse_address
from kvmlist.parse.body import RE_SEPARATOR, last_diff_line
from kvmlist.parse.numbers import NUMBERS, named_numbers
from kvmlist.parse.trailers import parse_trailer_line, split_comment

#: A reply's trailer names a person when its key ends in "-by" (Reviewed-by, Acked-by,
#: Tested-by, Reviewed-and-tested-by, a typo'd Reviwed-by...) and its value holds an address.
#: Cc (like From/To/Date) is left out: top-posting mailers quote the original's header block
#: unmarked ("Cc: list@...").
RE_PERSON_KEY = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*-by", re.IGNORECASE)
#: Keys a reply can give that name no person.
UTILITY_KEYS = frozenset({"fixes", "link", "closes", "buglink"})
# Fixes: 0123456789ab ("subject")   -- at least 6 hex digits, or it is prose ("Fixes: ?")
RE_FIXES = re.compile(r"[0-9a-fA-F]{6,40}\b")
# "Fixes: 0123456789ab ("subject that the mailer wrapped" -- the parenthesis still open
RE_FIXES_OPEN = re.compile(r"Fixes:\s+[0-9a-fA-F]{6,40}\s+\([^)]*$", re.IGNORECASE)
# "Reviewed-by: Jane Doe" (the address wrapped onto the next line)
RE_NAME_ONLY = re.compile(r"[\w-]+-by:\s+[^<>@]+$", re.IGNORECASE)
# "   <jane@example.org>"
RE_ADDRESS_ONLY = re.compile(r"\s*<[^<>\s]+@[^<>\s]+>\s*$")
# -----Original Message-----  |  --- Original Message ---   (Outlook's line above the mail
# it answers, appended unquoted)
RE_ORIGINAL_LINE = re.compile(r"-{3,} ?Original Message ?-{3,}", re.IGNORECASE)
# ________________________________   (Outlook's other form: a rule of underscores, then the
# original's "From:" line)
RE_UNDERSCORE_RULE = re.compile(r"_{20,}")
# The opening of a scope: "With that, " | "FWIW, " | "You can add my Reviewed-by " (short)
_SCOPE_LEAD = r"(?:[^,]{0,40},\s*|.{0,60}?\badd\s+my\s+[\w-]+(?:\s+tags?)?\s+)?"
_SCOPE_END = r"\s*[:,.]?\s*$"
# For 1-3: | for patches 2~5 in the series, | to patch 1 and 2: | With that, patches 6~18:
# (the whole clause right above a trailer: those patches of the series get it)
RE_SCOPE_NUMBERS = re.compile(
    rf"^{_SCOPE_LEAD}(?:(?:for|to|on)\s+(?:the\s+)?(?:patch(?:es)?\s+)?|patch(?:es)?\s+)"
    rf"({NUMBERS})(?:\s+(?:of|in)\s+(?:the|this|your)\s+(?:series|set|patch\s?set))?{_SCOPE_END}",
    re.IGNORECASE,
)
# For the series: | for the whole series | For this patchset, | for all the patches:
RE_SCOPE_SERIES = re.compile(
    rf"^{_SCOPE_LEAD}(?:for|to)\s+(?:(?:the|this)\s+)?(?:(?:whole|entire)\s+)?"
    rf"(?:series|patch\s?set|set|all(?:\s+the)?\s+patches){_SCOPE_END}",
    re.IGNORECASE,
)
# (an aside in parentheses)   -- left out of the clause a scope is read in
RE_ASIDE = re.compile(r"\([^()]*\)")
# where a clause ends: "Thanks. For 1-3:" | "Paul:) For the series:"
RE_CLAUSE_BREAK = re.compile(r"(?<=[.!?;:)])\s+")
#: How many lines of the paragraph right above a trailer are read for its scope.
SCOPE_LINES = 4


@dataclass(frozen=True, slots=True)
class GivenTrailer:
    """A trailer a reply gives: a ``-by`` key naming ``person``, or a utility key (Fixes...)."""

    key: str
    value: str
    person: Person | None
    #: the patch numbers the reply names for it in its comment ("# for 1-3") or right above
    #: ("For 1-3:"); () for none
    patches: tuple[int, ...] = ()
    #: the reply says right above that it is for the whole series ("For the series:")
    whole_series: bool = False


def trailers_of(message: Message) -> tuple[GivenTrailer, ...]:
    """The trailers a mail's body gives (given_trailers), read once per mail and kept on it as
    its body is: a reply is asked by the reviews, the reviewer table and the people shown."""
    return cast("tuple[GivenTrailer, ...]", message._given_trailers)


def given_trailers(body: str) -> Iterator[GivenTrailer]:
    """Yield the trailers a reply's body gives in its own text (quotes and signature skipped)."""
    lines = list(_own_lines(body))
    # where a quote was (">", most lines of a reply) there is no trailer
    trailers = [None if line == ">" else _trailer(line) for line in lines]
    for at in _pasted_blocks(lines, trailers):
        trailers[at] = None
    for at in range(1, len(lines)):
        if trailers[at] is not None and _continues_prose(
            lines[at], lines[at - 1], trailers[at - 1]
        ):
            trailers[at] = None
    plain = -1  # the last line above that gives no trailer
    clauses: dict[int, tuple[str, ...] | None] = {}  # one read per block of trailers
    for at, trailer in enumerate(trailers):
        if trailer is None:
            plain = at
            continue
        if trailer.patches:
            clause = None
        else:
            if plain not in clauses:
                clauses[plain] = _clause_above(lines, plain)
            clause = clauses[plain]
        if clause is not None:
            numbers = _scope_numbers(clause)
            whole = not numbers and any(RE_SCOPE_SERIES.match(c) for c in clause)
            trailer = replace(trailer, patches=numbers, whole_series=whole)
        yield trailer


def _trailer(line: str) -> GivenTrailer | None:
    """The trailer a line of the reply's own text gives, or None."""
    parsed = parse_trailer_line(line)
    if parsed is None:
        return None
    key, value = parsed
    lowered = key.lower()
    if RE_PERSON_KEY.fullmatch(key):
        named, comment = split_comment(value)
        person = parse_address(named)
        if person is None:
            return None  # "Reviewed-by: me, once you fix the typo" is prose
        # "# for 1-3" names patches; "# arm64", "# for the arm64 part" stay a comment
        return GivenTrailer(key, value, person, _scope_numbers((comment,)) if comment else ())
    if lowered in UTILITY_KEYS and (lowered != "fixes" or RE_FIXES.match(value)):
        return GivenTrailer(key, value, None)
    return None


def _continues_prose(line: str, above: str, above_trailer: GivenTrailer | None) -> bool:
    """Whether an indented ``Key: value`` line carries on the prose line right above it, as
    git reads leading whitespace (a list item's ``1. kcov: ...`` + ``   Link: <url>``): the
    line above is the reply's own text, no trailer, and introduces nothing (no ":" at its
    end: "please add the following tag:" + an indented trailer gives it)."""
    if line[:1] not in (" ", "\t") or above_trailer is not None or above == ">":
        return False
    return bool(above.strip()) and not above.rstrip().endswith(":")


def _pasted_blocks(lines: list[str], trailers: list[GivenTrailer | None]) -> Iterator[int]:
    """The lines of the trailer blocks of patches pasted into the reply's own text: the
    paragraph right above a ``---`` line that a diff follows (git format-patch's
    separator), when it holds a trailer and own text (the patch's message or in-body
    headers) stands above it: "> ..." then "Reviewed-by:" then "---" is the replier's own
    answer to a quote. One pass over the lines, one search for diffs."""
    starts = [0]  # where each line starts in the joined text
    filled = [-1]  # per line + 1: the last non-blank line at or above it, -1 for none
    top: list[int] = []  # per line: the first line of its paragraph (no blank or quote above it)
    for at, line in enumerate(lines):
        starts.append(starts[-1] + len(line) + 1)
        filled.append(at if line.strip() else filled[-1])
        joined = at > 0 and lines[at - 1].strip() and lines[at - 1] != ">"
        top.append(top[-1] if joined else at)
    last_diff: int | None = None
    done = 0  # lines below this one are given already
    for at, line in enumerate(lines):
        if line[:3] != "---" or not RE_SEPARATOR.fullmatch(line):
            continue
        above = filled[at]  # filled is one line behind: the last non-blank line above at
        if above < 0 or trailers[above] is None:
            continue
        if last_diff is None:
            last_diff = last_diff_line("\n".join(lines))
        if last_diff < starts[at + 1]:
            continue  # no diff below this line
        start = top[above]
        prior = filled[start]  # the commit message or in-body headers: the reply's own text
        if prior >= 0 and lines[prior] != ">":
            yield from range(max(start, done), above + 1)
            done = max(done, above + 1)


def _clause_above(lines: list[str], above: int) -> tuple[str, ...] | None:
    """The last clause of the reply's own paragraph ending at or above line ``above`` (the
    last line above a block of trailers that gives none; blank lines skipped, not across
    quoted text), without its asides in parentheses and with them (as ways to read it);
    None when there is none."""
    while above >= 0 and not lines[above].strip():
        above -= 1
    paragraph: list[str] = []
    while above >= 0 and lines[above].strip() and len(paragraph) < SCOPE_LINES:
        if lines[above].startswith(">"):
            break
        paragraph.insert(0, lines[above].strip())
        above -= 1
    if not paragraph:
        return None
    text = " ".join(paragraph)[-300:]
    clauses = RE_CLAUSE_BREAK.split(RE_ASIDE.sub(" ", text))[-1], RE_CLAUSE_BREAK.split(text)[-1]
    return tuple(" ".join(c.replace("(", " ").replace(")", " ").split()) for c in clauses)


def _scope_numbers(clause: tuple[str, ...]) -> tuple[int, ...]:
    """The patch numbers a clause right above a trailer (or its comment) gives it to, () for
    none."""
    for way in clause:
        match = RE_SCOPE_NUMBERS.match(way)
        if match is not None:
            return tuple(sorted(named_numbers(match.group(1))))
    return ()


def _own_lines(body: str) -> Iterator[str]:
    """The reply's own lines (a quoted line as a bare ">"), a trailer wrapped by the mailer
    joined back onto one line."""
    lines = list(unquoted_lines(body, quote_marks=True))
    at = 0
    while at < len(lines):
        line = lines[at]
        following = lines[at + 1] if at + 1 < len(lines) else ""
        if line != ">" and following and _wrapped(line, following):
            line, at = f"{line} {following.strip()}", at + 1
        yield line
        at += 1


def unquoted_lines(body: str, *, quote_marks: bool = False) -> Iterator[str]:
    """The lines the reply's sender wrote: up to the signature, or to an original mail the
    mailer appended without quoting it (Outlook's "-----Original Message-----" or a rule of
    underscores over the original's "From:", or a whole mail after an mbox "From " line, as
    in the stable team's "added to the tree" notices). With ``quote_marks``, a quoted line
    is kept as a bare ">" (to know where quotes were)."""
    lines = body.split("\n")
    for at, line in enumerate(lines):
        if line[:1] == ">":  # most of a reply: none of the lines below starts so
            if quote_marks:
                yield ">"
            continue
        if line == "-- ":
            return
        if line.lstrip()[:3] == "---" and RE_ORIGINAL_LINE.fullmatch(line.strip()):
            return
        followed_by_from = at + 1 < len(lines) and lines[at + 1][:5] == "From:"
        if followed_by_from and (
            line.startswith("From ") or RE_UNDERSCORE_RULE.fullmatch(line.strip())
        ):
            return
        yield line


def _wrapped(line: str, following: str) -> bool:
    """``Fixes: 0123abcd ("long`` + ``subject")``, or ``Reviewed-by: Name`` + ``<address>``."""
    if RE_FIXES_OPEN.match(line):
        return following.rstrip().endswith(")") and ":" not in following.split(" ", 1)[0]
    return RE_NAME_ONLY.match(line) is not None and RE_ADDRESS_ONLY.match(following) is not None
