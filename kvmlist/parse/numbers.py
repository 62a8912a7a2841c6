"""Patch numbers as replies write them: ``1-5``, ``2~5``, ``3+5``, ``1, 2 and 4``, ``#17``.

Read by a maintainer's notice ("Queued patches 1-5", kvmlist.parse.notice) and by the scope
of a reviewer's trailer ("For 1-3:", kvmlist.parse.reply).
"""

from __future__ import annotations

import re

# 1-5 | 2~5 | 3+5 | 1, 2 and 4 | #17   (patch numbers; "-", "~" or "to" spans a range)
NUMBER = r"#?\d{1,4}(?:\s*(?:-|~|to)\s*\d{1,4})?"
#: A pattern for a list of patch numbers and ranges.
NUMBERS = rf"{NUMBER}(?:\s*(?:,|\+|&|and)\s*{NUMBER})*"
# the "," | "+" | "&" | "and" between patch numbers
RE_NUMBER_SEPARATOR = re.compile(r"(?<!\s)\s*(?:,|\+|&|and)\s*")
# the "-" | "~" | "to" of a range of patch numbers
RE_RANGE_DASH = re.compile(r"(?<!\s)\s*(?:-|~|to)\s*")
#: The widest range of patch numbers a reply is taken to name ("1-9999" names none).
MAX_NAMED_RANGE = 1000
#: How many numbers or ranges of a list are read (the rest of a hostile list is not).
MAX_NAMED_PARTS = 100


def named_numbers(text: str) -> set[int]:
    """The numbers "1-3, 5 and #7" names (a range wider than MAX_NAMED_RANGE names none)."""
    numbers: set[int] = set()
    for part in RE_NUMBER_SEPARATOR.split(text, maxsplit=MAX_NAMED_PARTS)[:MAX_NAMED_PARTS]:
        low, _, high = RE_RANGE_DASH.sub("-", part.strip().lstrip("#")).partition("-")
        if not low.isdigit():
            continue
        end = int(high) if high.isdigit() else int(low)
        if int(low) <= end <= int(low) + MAX_NAMED_RANGE:
            numbers.update(range(int(low), end + 1))
    return numbers
