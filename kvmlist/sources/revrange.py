"""A commit range (``A..B``), parsed once at the edge: the command line and read_inbox."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kvmlist.errors import CommitRangeError, UsageError

# e5d776dd9 | v6.18 | master   (a commit id or a git name; no spaces, no leading "-")
RE_REVISION = re.compile(r"[\w./@{}^~+-]{1,255}")


@dataclass(frozen=True, slots=True)
class CommitRange:
    """The two ends of ``A..B`` as given (abbreviated ids kept); None for an open end.

    git semantics: the mails that arrived after ``start`` up to and including ``end``.
    """

    start: str | None = None
    end: str | None = None

    @classmethod
    def parse(cls, text: str, *, both_ends: bool = False) -> CommitRange:
        """Return the range ``text`` names; CommitRangeError says what is wrong with it.
        ``both_ends``: neither end may be left out (the range that names an mbox's period;
        an inbox's selects mails, and an open end selects from the start or to the end)."""
        if "..." in text:
            raise CommitRangeError(
                f"range {text!r}: symmetric ranges are not supported (A...B); use A..B"
            )
        start, sep, end = text.partition("..")
        if both_ends and not (sep and start and end and ".." not in end):
            raise CommitRangeError(
                f"range {text!r}: expected A..B with both ends, e.g. e5d776dd9..793f3e63a "
                "(only an inbox's range may leave one out)"
            )
        if not sep or ".." in end:
            raise CommitRangeError(f"range {text!r}: expected A..B (either end may be left out)")
        for given in (start, end):
            if given and (given.startswith("-") or not RE_REVISION.fullmatch(given)):
                raise CommitRangeError(f"range {text!r}: {given!r} is not a commit")
        return cls(start or None, end or None)

    def __str__(self) -> str:
        return f"{self.start or ''}..{self.end or ''}"


def revision(text: str, what: str) -> str:
    """Return text, a revision a user or an archive gave (``--range``, a state file's
    commit); a UsageError naming ``what`` when git would read it as an option (``-``
    first: ``--output=FILE`` makes git log write over a file)."""
    if text.startswith("-"):
        raise UsageError(f"{what} {text!r}: a revision does not start with '-'")
    return text
