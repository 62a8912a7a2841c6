"""Trailers: the ``Key: value`` lines that end a commit message (Signed-off-by, Fixes, ...)."""

from __future__ import annotations

import re

from kvmlist.models import Trailer
from kvmlist.parse.addresses import parse_address

# Signed-off-by: Marc Zyngier <maz@kernel.org>   |   Fixes: 0123456789ab ("KVM: x86: ...")
RE_TRAILER = re.compile(r"^[ \t]{0,4}([A-Za-z0-9][A-Za-z0-9-]{0,40}):[ \t]+(\S.*)$")
#: Keys that look like trailers but are not (addresses in prose, URLs).
NOT_TRAILERS = frozenset({"phone", "mail", "email", "e-mail", "http", "https", "note", "notes"})
#: Keys git and the kernel's tools know: one of them makes a mixed paragraph a trailer block.
KNOWN_KEYS = frozenset(
    {"cc", "fixes", "link", "closes", "buglink", "message-id", "change-id", "bug", "base-commit"}
)
#: A paragraph with a known key is a trailer block when at least this share of lines are trailers.
MIN_TRAILER_SHARE = 0.25


def parse_trailer_line(line: str) -> tuple[str, str] | None:
    """Return (key, value) of a trailer line, or None when the line is not one."""
    if ":" not in line or line.startswith(">"):
        return None
    match = RE_TRAILER.match(line)
    if not match or match.group(1).lower() in NOT_TRAILERS:
        return None
    return match.group(1), match.group(2).rstrip()


def parse_trailers(message: str) -> tuple[Trailer, ...]:
    """Return the trailers of a commit message's last paragraph, continuations joined."""
    paragraph = _last_paragraph(message)
    entries: list[list[str]] = []
    trailer_lines = 0
    for line in paragraph:
        parsed = parse_trailer_line(line)
        if parsed is not None and not (entries and _open(entries[-1][1]) and line[:1] in " \t"):
            entries.append([parsed[0], parsed[1]])
            trailer_lines += 1
        elif entries and _continues(line, entries[-1][1]):
            entries[-1][1] = f"{entries[-1][1]} {line.strip()}"
    if not entries or not _is_trailer_block(paragraph, entries, trailer_lines):
        return ()
    return tuple(
        Trailer(key=key, value=value, person=parse_address(value) if "@" in value else None)
        for key, value in entries
    )


def _last_paragraph(message: str) -> list[str]:
    lines = message.rstrip().split("\n")
    start = len(lines)
    while start > 0 and lines[start - 1].strip():
        start -= 1
    return lines[start:]


def _continues(line: str, value: str) -> bool:
    """True when line carries on the previous trailer's value."""
    if line[:1] in (" ", "\t") and line.strip():
        return True
    stripped = line.strip()
    return bool(stripped) and ((stripped.startswith("<") and "@" in stripped) or _open(value))


def _open(value: str) -> bool:
    return value.count("(") > value.count(")") or value.count('"') % 2 == 1


def _is_trailer_block(paragraph: list[str], entries: list[list[str]], trailer_lines: int) -> bool:
    content = [line for line in paragraph if line.strip()]
    others = [
        line
        for line in content
        if parse_trailer_line(line) is None and line[:1] not in " \t" and not line.startswith("[")
    ]
    if not others:
        return True
    known = any(k.lower().endswith("-by") or k.lower() in KNOWN_KEYS for k, _ in entries)
    return known and trailer_lines / len(content) >= MIN_TRAILER_SHARE
