"""Trailers: the ``Key: value`` lines that end a commit message (Signed-off-by, Fixes, ...).

The block is the message's last paragraph, decided as ``git interpret-trailers`` does: it
counts when every line is a trailer (or a continuation), or when one line has a well-known
key and at least a quarter of the lines are trailers. Other lines in the block (``[maz: ...]``
notes) are skipped and stay in the message text.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from kvmlist.models import Person, Trailer
from kvmlist.parse.addresses import parse_address

# Signed-off-by: Marc Zyngier <maz@kernel.org>   or   Fixes: 0123456789ab ("KVM: x86: ...")
# and, as git reads them, Reviewed-by : Jane <j@x>   or   Closes:https://...   (parse_trailer_line
# takes those blanks for a known key only; a no-break space after the colon counts as a space)
RE_TRAILER = re.compile(
    r"[ \t]*(?P<key>[A-Za-z0-9][A-Za-z0-9-]*)(?P<before>[ \t]*)"
    r":(?P<after>[ \t\xa0]*)(?P<value>\S.*)"
)
# Acked-by: Jane Doe <jane@example.org> # for 1-3   |   Cc: stable@vger.kernel.org\t# v6.1+
# (the whitespace and "#" that open a comment after the value)
RE_COMMENT = re.compile(r"\s#")
# "\n  \n": a line of only whitespace, which ends a paragraph like an empty one
RE_WHITESPACE_LINE = re.compile(r"\n[ \t\r\f\v]+\n")

#: Keys with the trailer shape that are not trailers (addresses in a signature, URLs).
NOT_TRAILER_KEYS = frozenset({"phone", "mail", "email", "e-mail", "http", "https", "ftp"})
#: Keys besides ``*-by`` that make a mixed last paragraph a trailer block.
KNOWN_KEYS = frozenset({"cc", "fixes", "link", "closes"})
#: Keys whose value names no person even when it holds an "@" (Message-IDs, lore links).
UTILITY_KEYS = frozenset(
    {"fixes", "link", "closes", "buglink", "message-id", "change-id", "base-commit", "patch-id"}
)
#: A mixed paragraph is a trailer block when trailers * TRAILER_RATIO >= other lines (25 %).
TRAILER_RATIO = 3
#: Distinct (key, value) pairs whose Trailer is kept for reuse (Trailer is frozen).
TRAILER_CACHE = 8192


def parse_trailer_line(line: str) -> tuple[str, str] | None:
    """Return (key, value) of a ``Key: value`` trailer line, or None when it is not one.

    git takes any blanks around the colon (``Reviewed-by : x``, ``Closes:https://...``); so
    do we for a known key (_has_known_key), while another key needs exactly ``Key: value``,
    so that prose (``Note:something``, ``12:30``) stays prose.
    """
    if ":" not in line:
        return None
    match = RE_TRAILER.match(line)
    if match is None:
        return None
    key = match["key"]
    if key.lower() in NOT_TRAILER_KEYS:
        return None
    if (match["before"] or not match["after"]) and not _has_known_key((key,)):
        return None
    return key, match["value"].rstrip()


def split_comment(value: str) -> tuple[str, str]:
    """Return a trailer value's text before its ``# comment``, and the comment ("" for none)."""
    match = RE_COMMENT.search(value)
    if match is None:
        return value, ""
    return value[: match.start()].rstrip(), value[match.end() :].strip()


@dataclass(slots=True)
class _Entry:
    """A trailer being read: its key, value lines, and how many "(" and '"' are still open."""

    key: str
    parts: list[str]
    parens: int = 0
    quotes: int = 0

    def add(self, part: str) -> None:
        self.parts.append(part)
        self.parens += part.count("(") - part.count(")")
        self.quotes += part.count('"')

    @property
    def unbalanced(self) -> bool:
        return self.parens > 0 or self.quotes % 2 == 1


def parse_trailers(message: str) -> tuple[Trailer, ...]:
    """Return the trailers of a commit message's last paragraph, continuations joined."""
    entries: list[_Entry] = []
    others = 0
    in_trailer = False  # the line above belongs to a trailer
    for line in _last_paragraph(message):
        if in_trailer and _continues(line, entries[-1]):
            entries[-1].add(line.strip())
            continue
        parsed = parse_trailer_line(line)
        in_trailer = parsed is not None
        if parsed is not None:
            entries.append(_Entry(parsed[0], []))
            entries[-1].add(parsed[1])
        elif not line.lstrip().startswith("["):
            others += 1
    if not entries or len(entries) * TRAILER_RATIO < others:
        return ()
    if others and not _has_known_key(tuple(entry.key for entry in entries)):
        return ()
    return tuple(_trailer(entry.key, " ".join(entry.parts)) for entry in entries)


def _last_paragraph(message: str) -> list[str]:
    """Return the lines of the message's last paragraph (after its last blank line)."""
    text = message.rstrip()
    cut = text.rfind("\n\n")
    paragraph = text[cut + 2 :] if cut >= 0 else text
    if ":" not in paragraph:
        return []  # no trailer without a colon: skip the split
    lines = paragraph.split("\n")
    if RE_WHITESPACE_LINE.search(f"\n{paragraph}\n"):
        # a line of only spaces ends a paragraph too (rare: take the slow path)
        for index in range(len(lines) - 1, -1, -1):
            if not lines[index].strip():
                return lines[index + 1 :]
    return lines


def _continues(line: str, entry: _Entry) -> bool:
    """True when line carries on the trailer value above it."""
    if line[:1] in (" ", "\t"):
        return True
    stripped = line.strip()
    if stripped.startswith("<") and stripped.endswith(">") and "@" in stripped:
        return len(entry.parts) == 1 and "<" not in entry.parts[0]  # "Long Name" + "<a@b>"
    if entry.unbalanced:
        # 'Fixes: abcd ("KVM: x86:' + 'Fix foo")'; a trailer with a known key starts anew
        parsed = parse_trailer_line(line)
        return parsed is None or not _has_known_key((parsed[0],))
    return False


def _has_known_key(keys: tuple[str, ...]) -> bool:
    return any(key.lower().endswith("-by") or key.lower() in KNOWN_KEYS for key in keys)


@functools.lru_cache(maxsize=TRAILER_CACHE)
def _trailer(key: str, value: str) -> Trailer:
    """Return the trailer; cached, since the same sign-offs recur in thousands of mails."""
    return Trailer(key=key, value=value, person=_person(key, value))


def _person(key: str, value: str) -> Person | None:
    """Return the person a trailer value names ("Name <a@b>", "a@b # comment"), or None."""
    if "@" not in value or "://" in value or key.lower() in UTILITY_KEYS:
        return None
    return parse_address(split_comment(value)[0])
