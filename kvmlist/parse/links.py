"""Links between revisions a cover letter or patch names (b4 change-ids and archive links),
and what it was based on (``base-commit:`` and ``prerequisite-*:`` lines)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import cast
from urllib.parse import unquote, urlsplit

from kvmlist.models import BaseLines, Prerequisite, PrerequisiteKind

# base-commit: 6db9491e57a016a19ea8e60a384e773fae3d5758   (git format-patch --base, b4)
# change-id: 20260210-dirty-ring-size-2c5d9a                (b4)
# prerequisite-patch-id: 2cda1340...  prerequisite-change-id: <change-id>:v3  (git, b4)
# Written lower case at the start of a line, below a patch's diff or a cover letter's
# diffstat; Gerrit's "Change-Id: I..." trailer is another thing.
RE_BASE_LINE = re.compile(
    r"^(base-commit|change-id|prerequisite-(?:patch|change|message)-id):[ \t]*+(\S*+)[ \t]*+$",
    re.MULTILINE,
)
# Based-on: <20251110000000.3000-1-phil@linaro.org>   Supersedes: <id> ("[PATCH 0/2] old title")
# (patchew's, in qemu-devel cover letters: the series it applies on top of, the one it replaces)
RE_PATCHEW_LINE = re.compile(r"^(based-on|supersedes):[ \t]*+(\S++)", re.IGNORECASE | re.MULTILINE)
# a commit: 7 to 40 hex digits (SHA-1, abbreviated or not), or 64 (a SHA-256 repository)
RE_COMMIT = re.compile(r"[0-9a-fA-F]{7,40}|[0-9a-fA-F]{64}")
# a b4 change-id (20250723-kasan-tsbrcu-e207bb990e24), with ":v3" as a prerequisite
RE_CHANGE_ID_VALUE = re.compile(r"[\w.+-]{1,200}(?::v\d{1,4})?")
# a Message-ID, in <> or not
RE_MESSAGE_ID_VALUE = re.compile(r"<?([^\s<>@]{1,500}@[^\s<>@]{1,500})>?")
# "v1: <link>" | "- Link to v1: ...\n<link>" | "[2] <link> (v2)" | "previous version: <link>"
RE_VERSION_HINT = re.compile(r"\b[vV]\d{1,3}\b|previous (?:version|revision|posting)", re.I)
# a line about other work: "based on", patchew's "Based-on: <link>", "depends on", "on top of",
# "rebased on Marc's v2", "requires", "needs", "tested with kvmtool v2", "the matching kvmtool
# v2 patches", "Will took it in his series" (its links name no version of this work)
RE_RELATED_WORK = re.compile(
    r"(?:\b|re)based on|\bbased-on:"
    r"|\b(?:depends on|dependency|dependencies|prerequisite|on top of|applies on"
    r"|requires?\b|required\b|needs?\b|tested with|took (?:it|them)\b"
    r"|matching (?:\S+ ){0,3}patch)",
    re.I,
)
# https://lore.kernel.org/r/<id>   (any http(s) link: the Message-ID is a path segment)
RE_URL = re.compile(r"https?://[^\s<>\"'`]+")
# a line that is only a link: "https://...", "  - <https://...>", "[2]: https://..."
RE_LINK_LINE = re.compile(r"\s*(?:[-*]\s*|\[\d{1,3}\]:?\s*)?<?https?://[^\s<>]+>?\s*")
# [2] https://lore.kernel.org/r/<id>   |   [2]: <https://...>   (a footnote's link)
RE_FOOTNOTE = re.compile(r"\s*\[(\d{1,3})\]:?\s*<?(https?://[^\s<>]+)")
# v1 -> v2: [2]   (a footnote named on a line)
RE_FOOTNOTE_REF = re.compile(r"\[(\d{1,3})\]")
# the characters a sentence puts after a link
URL_TRAILERS = ".,;:)]>'\"`"
#: How far above a link alone on its line the line naming its version may be.
COVERED_LINES = 30


def change_ids(text: str) -> list[str]:
    """Return the b4 ``change-id:`` values in text, in order."""
    if "change-id:" not in text:
        return []
    return [value for key, value in RE_BASE_LINE.findall(text) if key == "change-id" and value]


def base_lines(text: str) -> BaseLines:
    """Return what a patch's or cover letter's ``base-commit:``, ``change-id:`` and
    ``prerequisite-*:`` lines say (the last of each of the first two; a value that is no
    commit, change-id or Message-ID is left out: a branch name gives no base), patchew's
    ``Based-on:`` lines naming a mail after them as message-id prerequisites."""
    if "base-commit:" not in text and "-id:" not in text:
        based_on = patchew_ids(text, "based-on")
        return BaseLines(prerequisites=_message_ids(based_on)) if based_on else BaseLines()
    base = change = None
    prerequisites = []
    for key, value in RE_BASE_LINE.findall(text):
        if key == "base-commit":
            base = value.lower() if RE_COMMIT.fullmatch(value) else base
        elif key == "change-id":
            change = value if RE_CHANGE_ID_VALUE.fullmatch(value) and ":" not in value else change
        elif (one := _prerequisite(key.removeprefix("prerequisite-"), value)) is not None:
            prerequisites.append(one)
    prerequisites.extend(_message_ids(patchew_ids(text, "based-on")))
    return BaseLines(base_commit=base, change_id=change, prerequisites=tuple(prerequisites))


def patchew_ids(text: str, key: str) -> list[str]:
    """Return the Message-IDs patchew's ``Based-on:`` or ``Supersedes:`` lines (key, lower
    case) name, in order: ``<id>``, the id without its ``<>``, or an archive link to it
    (words after it, such as the title of that series, left aside); a line naming no mail
    (a tag, a branch) gives none."""
    if "ased-on:" not in text and "ased-On:" not in text and "upersedes:" not in text:
        return []  # every spelling seen: Based-on, based-on, Based-On, Supersedes
    found = []
    for name, value in RE_PATCHEW_LINE.findall(text):
        if name.lower() != key:
            continue
        one = message_id_in_url(value) if "://" in value else _message_id(value)
        if one is not None:
            found.append(one)
    return found


def _message_id(value: str) -> str | None:
    found = RE_MESSAGE_ID_VALUE.fullmatch(value.rstrip(URL_TRAILERS.replace(">", "")))
    return found.group(1) if found is not None else None


def _message_ids(ids: list[str]) -> tuple[Prerequisite, ...]:
    return tuple(Prerequisite(kind="message-id", value=one) for one in ids)


def _prerequisite(kind: str, value: str) -> Prerequisite | None:
    if kind == "patch-id":
        valid = RE_COMMIT.fullmatch(value) is not None and len(value) in (40, 64)
        value = value.lower()
    elif kind == "change-id":
        valid = RE_CHANGE_ID_VALUE.fullmatch(value) is not None
    else:
        found = RE_MESSAGE_ID_VALUE.fullmatch(value)
        valid, value = found is not None, found.group(1) if found else value
    return Prerequisite(kind=cast("PrerequisiteKind", kind), value=value) if valid else None


def message_id_in_url(url: str) -> str | None:
    """Return the Message-ID a mail archive's link names (the path segment with an @: lore's
    ``/r/<id>``, ``/<list>/<id>/T/#u``, ``patch.msgid.link/<id>``, percent-encoded or in
    ``<>``), or None when it names none."""
    for segment in urlsplit(url.rstrip(URL_TRAILERS)).path.split("/"):
        segment = unquote(segment)  # after the split: an id may hold a "/" as %2F
        if "@" in segment:
            return segment.strip().strip("<>").strip() or None
    return None


def version_links(text: str) -> list[str]:
    """Return the Message-IDs of the archive links a cover letter or patch gives for its
    earlier versions, in the order of its lines, read up to its diff: links on a line that
    names a version (``v1: <link>``), links alone on a line below such a line in its
    paragraph (``Link to v1:`` + the link; the items of a ``v2:`` changelog), and the
    footnote such a line names (``v1 -> v2: [2]`` ... ``[2] <link>``). Lines about work it is
    based on, depends on or applies on top of, and other lines, name related work and are
    left out. Only the lines near a link are read."""
    if "://" not in text:
        return []
    diff = text.find("\ndiff --git ")
    lines = (text if diff < 0 else text[:diff]).split("\n")
    found: list[tuple[int, list[str]]] = []  # (line, ids) to give in the order of the lines
    notes: dict[str, list[str]] = {}
    for at in [at for at, line in enumerate(lines) if "://" in line]:
        line = lines[at]
        ids = _linked_ids(line)
        if not ids or RE_RELATED_WORK.search(line):
            continue
        note = RE_FOOTNOTE.match(line) if line.lstrip().startswith("[") else None
        if note is not None:
            notes.setdefault(note.group(1), []).extend(ids)
        if _hinted(line, ids) or (RE_LINK_LINE.fullmatch(line) and _covered(lines, at)):
            found.append((at, ids))
    if notes:
        found.extend(_named_notes(lines, notes))
    return [one for _, ids in sorted(found, key=lambda item: item[0]) for one in ids]


def _hinted(line: str, ids: list[str]) -> bool:
    """Whether a line's words name a version (not a link's own id: "...-v1-0-6ffa2c@x")."""
    return RE_VERSION_HINT.search(RE_URL.sub(" ", line) if ids else line) is not None


def _covered(lines: list[str], at: int) -> bool:
    """Whether a line that is only a link sits below a line of its paragraph that names a
    version and gives no link (``Link to v1:``), within COVERED_LINES lines, or one blank
    line below such a line ending in ":" (``Changes in V1:``, a blank line, the link)."""
    if at >= 2 and not lines[at - 1].strip() and lines[at - 2].rstrip().endswith(":"):
        return _label(lines[at - 2])
    for above in range(at - 1, max(at - 1 - COVERED_LINES, -1), -1):
        line = lines[above]
        if not line.strip() or RE_RELATED_WORK.search(line):
            return False
        if _label(line):
            return True
    return False


def _label(line: str) -> bool:
    """Whether a line without a link names a version and no related work."""
    return "://" not in line and _hinted(line, []) and not RE_RELATED_WORK.search(line)


def _named_notes(lines: list[str], notes: dict[str, list[str]]) -> Iterator[tuple[int, list[str]]]:
    """(line, ids) for each line that names a version and one footnote, of that footnote."""
    for at, line in enumerate(lines):
        if "[" not in line or "://" in line:
            continue
        refs = RE_FOOTNOTE_REF.findall(line)  # one: a line naming several cites related work
        named = len(refs) == 1 and refs[0] in notes and not RE_RELATED_WORK.search(line)
        if named and _hinted(line, []):
            yield at, notes[refs[0]]


def _linked_ids(line: str) -> list[str]:
    ids = (message_id_in_url(url) for url in RE_URL.findall(line))
    return [one for one in ids if one]
