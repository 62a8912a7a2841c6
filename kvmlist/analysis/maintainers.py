"""A kernel MAINTAINERS file: sections, their people and lists, and which files they cover.

>>> sections = Maintainers.from_file("MAINTAINERS")
>>> [s.name for s in sections.sections_of(patch)]
['KERNEL VIRTUAL MACHINE FOR ARM64 (KVM/arm64)']

Patterns follow the file's own preamble (and scripts/get_maintainer.pl):

* ``F:`` a path; ``dir/`` covers every file in and below it, ``dir/*`` the files in it only
  (``*`` and ``?`` do not cross ``/``); a pattern without a wildcard that names a directory
  covers what is below it too;
* ``X:`` the same syntax, files the section leaves out (checked before ``F:`` and ``N:``);
* ``N:`` a regular expression searched in the file path;
* ``K:`` a regular expression searched in the patch (its commit message and diff).

A path is checked only against the sections that can take it: those with an ``F:`` pattern
whose leading literal directories are the path's own (an index by that prefix; a pattern
starting with a wildcard is under the empty prefix, checked for every path) and, when one
of the file's ``N:`` regexes is in the path, those with one; the answer is kept per path.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from kvmlist.errors import UsageError
from kvmlist.models import Patch, Person
from kvmlist.parse.addresses import parse_address

# "M:\tMarc Zyngier <maz@kernel.org>"  -- a tag line: one capital letter, a colon, the value
RE_TAG = re.compile(r"([A-Z]):\s*(.*?)\s*$")
#: Tags whose value is a person; "L:" is a list (an address too, kept apart).
PEOPLE_TAGS = ("M", "R")
_Patterns = list[re.Pattern[str]]


@dataclass
class Section:
    """One MAINTAINERS entry: its name, people, lists and file patterns."""

    name: str
    maintainers: list[Person] = field(default_factory=list)  # M:
    reviewers: list[Person] = field(default_factory=list)  # R:
    lists: list[str] = field(default_factory=list)  # L:
    status: str = ""  # S:
    files: list[str] = field(default_factory=list)  # F:
    excluded: list[str] = field(default_factory=list)  # X:
    regexes: list[str] = field(default_factory=list)  # N:
    keywords: list[str] = field(default_factory=list)  # K:

    @cached_property
    def addresses(self) -> frozenset[str]:
        """The M: and R: people's addresses, lower-cased."""
        return frozenset(p.email.lower() for p in (*self.maintainers, *self.reviewers))

    @cached_property
    def _compiled(self) -> tuple[_Patterns, _Patterns, _Patterns, _Patterns]:
        return (
            [_glob(p) for p in self.files],
            [_glob(p) for p in self.excluded],
            [re.compile(p) for p in self.regexes],
            [re.compile(p) for p in self.keywords],
        )

    def covers(self, path: str) -> bool:
        """True when the section's F:/N: patterns take the path and no X: leaves it out."""
        files, excluded, regexes, _ = self._compiled
        if any(x.match(path) for x in excluded):
            return False
        return any(f.match(path) for f in files) or any(n.search(path) for n in regexes)

    def mentions(self, text: str) -> bool:
        """True when a K: keyword is found in the text."""
        return any(k.search(text) for k in self._compiled[3])


@dataclass
class _Directory:
    """A node of the F: index: the sections whose patterns' literal part ends here."""

    here: set[int] = field(default_factory=set)  # every path at or below may match
    stems: dict[str, set[int]] = field(default_factory=dict)  # "kvm" of "kvm*": by stem
    longest_stem: int = 0
    below: dict[str, _Directory] = field(default_factory=dict)


def _index(sections: list[Section]) -> _Directory:
    """Return the tree of F: patterns by their literal directories, each to its section's
    position; the component holding the first wildcard is filed by its literal stem."""
    root = _Directory()
    for number, section in enumerate(sections):
        for pattern in section.files:
            node = root
            for part in pattern.rstrip("/").split("/"):
                stem = re.split(r"[*?]", part, maxsplit=1)[0]
                if stem != part:  # a wildcard: the literal directories end here
                    (node.stems.setdefault(stem, set()) if stem else node.here).add(number)
                    node.longest_stem = max(node.longest_stem, len(stem))
                    break
                node = node.below.setdefault(part, _Directory())
            else:
                node.here.add(number)
    return root


def _candidates(root: _Directory, path: str) -> set[int]:
    """Return the positions of the sections with an F: pattern that may match the path."""
    found = set(root.here)
    node = root
    for part in path.split("/"):
        for end in range(1, min(len(part), node.longest_stem) + 1):
            found |= node.stems.get(part[:end], set())
        child = node.below.get(part)
        if child is None:
            break
        node = child
        found |= node.here
    return found


def _one_of(patterns: Iterable[str]) -> re.Pattern[str] | None:
    """Return a regex found where any of patterns is (to pass over a text none of them is
    in with one search), or None when they cannot be joined: a pattern with a group (its
    number, and a back-reference to it, would change) or a global flag."""
    unique = list(dict.fromkeys(patterns))
    if not unique or any(re.compile(p).groups for p in unique):
        return None
    try:
        return re.compile("|".join(f"(?:{p})" for p in unique))
    except re.error:  # "(?i)..." is a global flag only at the start of a pattern
        return None


def _glob(pattern: str) -> re.Pattern[str]:
    """Return the regex of an F:/X: pattern (see the module docstring)."""
    out = []
    for char in pattern.rstrip("/"):
        out.append("[^/]*" if char == "*" else "[^/]" if char == "?" else re.escape(char))
    below = "(?:/.*)?" if pattern.endswith("/") or not any(c in pattern for c in "*?") else ""
    return re.compile("".join(out) + below + r"\Z")


class Maintainers:
    """The sections of a MAINTAINERS file, and the sections a patch or a path belongs to."""

    def __init__(self, sections: Iterable[Section]) -> None:
        self.sections = list(sections)
        self._keyword_sections = [s for s in self.sections if s.keywords]
        self._files = _index(self.sections)
        self._regex_sections = [n for n, s in enumerate(self.sections) if s.regexes]
        self._any_regex = _one_of(p for s in self.sections for p in s.regexes)
        self._any_keyword = _one_of(p for s in self._keyword_sections for p in s.keywords)
        self._of_path: dict[str, tuple[Section, ...]] = {}

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Maintainers:
        """Return the sections of a MAINTAINERS file; an unreadable one, or one with no
        section (an empty file, another kind of file), is a UsageError."""
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                found = cls.parse(handle, source=os.fspath(path))
        except OSError as error:
            raise UsageError(
                f"{path}: cannot read the MAINTAINERS file: {error.strerror}"
            ) from None
        if not found.sections:
            raise UsageError(f"{path}: no sections found: not a MAINTAINERS file")
        return found

    @classmethod
    def parse(cls, lines: Iterable[str], *, source: str = "MAINTAINERS") -> Maintainers:
        """Return the sections of MAINTAINERS text: a name line, then tag lines, then a blank.

        Blocks that are not of that shape (the preamble) are skipped; a bad N:/K: regex is
        a UsageError naming the line.
        """
        sections: list[Section] = []
        current: Section | None = None
        previous = ""
        for number, line in enumerate(lines, start=1):
            text = line.rstrip("\n")
            tag = RE_TAG.match(text) if text[1:2] == ":" else None
            if tag is None:
                current = None
                previous = text.strip()
                continue
            if current is None:
                if not previous:
                    continue  # a tag line with no name above it: preamble
                current = Section(previous)
                sections.append(current)
            _add(current, tag.group(1), tag.group(2), f"{source} line {number}")
        return cls(s for s in sections if s.files or s.regexes or s.keywords)

    def sections_of_path(self, path: str) -> list[Section]:
        """Return the sections whose patterns cover a path, in the file's order."""
        found = self._of_path.get(path)
        if found is None:
            candidates = _candidates(self._files, path)
            if self._any_regex is None or self._any_regex.search(path):
                candidates.update(self._regex_sections)
            found = tuple(
                self.sections[n] for n in sorted(candidates) if self.sections[n].covers(path)
            )
            self._of_path[path] = found
        return list(found)

    def sections_of(self, patch: Patch) -> list[Section]:
        """Return the sections a patch belongs to: by the paths it touches, then by K:."""
        found: dict[str, Section] = {}
        for path in patch_paths(patch):
            for section in self.sections_of_path(path):
                found.setdefault(section.name, section)
        if self._keyword_sections and patch.has_diff:
            text = f"{patch.commit_message}\n{patch.diff}"
            if self._any_keyword is not None and not self._any_keyword.search(text):
                return list(found.values())
            for section in self._keyword_sections:
                if section.name not in found and section.mentions(text):
                    found[section.name] = section
        return list(found.values())


def _add(section: Section, tag: str, value: str, where: str) -> None:
    if tag in PEOPLE_TAGS:
        person = parse_address(value)
        if person is not None:
            (section.maintainers if tag == "M" else section.reviewers).append(person)
    elif tag == "L":
        section.lists.append(value.split()[0] if value else value)
    elif tag == "S":
        section.status = value
    elif tag in ("F", "X") and value:
        (section.files if tag == "F" else section.excluded).append(value)
    elif tag in ("N", "K") and value:
        try:
            re.compile(value)
        except re.error as error:
            raise UsageError(f"{where}: bad {tag}: pattern {value!r}: {error}") from None
        (section.regexes if tag == "N" else section.keywords).append(value)


def patch_paths(patch: Patch) -> list[str]:
    """Return the paths a patch touches: its diffstat's files, which are its diff's; for a mail
    without a diff (a cover letter) its diffstat's lines, none when git shortened one
    (``.../kvm/arm.c`` names no file)."""
    stat = patch.diffstat
    if stat is None or any(f.path.startswith("...") for f in stat.files):
        return []
    return [f.path for f in stat.files]
