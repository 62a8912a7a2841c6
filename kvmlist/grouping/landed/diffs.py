"""What a diff touches and changes, in the same shape for a mail and a commit."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

# diff --git a/arm/pl031.c b/arm/pl031.c
RE_DIFF_GIT = re.compile(r"^diff --git a/(\S+) b/(\S+)$", re.MULTILINE)
# +++ b/lib/arm/io.c   |   --- a/lib/arm/io.c
RE_FILE_HEADER = re.compile(r"^(?:\+\+\+|---) [ab]/(\S+)", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class DiffShape:
    """The files a diff touches and its changed lines (whitespace folded), counted."""

    files: frozenset[str]
    changed: Counter[str]

    @property
    def size(self) -> int:
        return sum(self.changed.values())


def diff_files(diff: str) -> frozenset[str]:
    """Return the paths a unified diff touches (both sides of a rename)."""
    files = {path for pair in RE_DIFF_GIT.findall(diff) for path in pair}
    return frozenset(files or RE_FILE_HEADER.findall(diff))


def diff_shape(diff: str) -> DiffShape:
    """Return the files and changed lines of a unified diff."""
    changed: Counter[str] = Counter()
    for line in diff.split("\n"):
        if line[:1] in "+-" and not line.startswith(("+++ ", "--- ")) and line != "-- ":
            folded = " ".join(line[1:].split())
            if folded:
                changed[line[0] + folded] += 1
    return DiffShape(diff_files(diff), changed)


def file_overlap(one: DiffShape, other: DiffShape) -> float:
    """Return the Jaccard index of the two diffs' file sets (0 when either has none)."""
    union = one.files | other.files
    return len(one.files & other.files) / len(union) if union else 0.0


def line_similarity(one: DiffShape, other: DiffShape) -> float:
    """Return the Dice coefficient of the changed lines (multisets)."""
    total = one.size + other.size
    return 2 * sum((one.changed & other.changed).values()) / total if total else 0.0


def line_containment(part: DiffShape, whole: DiffShape) -> float:
    """Return the share of part's changed lines that whole also changes."""
    return sum((part.changed & whole.changed).values()) / part.size if part.size else 0.0
