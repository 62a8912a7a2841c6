"""A maintainer's "added" notice: ``Thanks, I (re-)added this series to mm.git``.

Andrew Morton says so of the patches he takes into the mm trees (mm-new, mm-unstable,
mm-hotfixes-unstable...), where others say "applied". The sentence is one notice.py picks
out (the opening of a paragraph of the reply's own words); docs/review.md has the rules.
"""

from __future__ import annotations

import re

from kvmlist.parse.tree_name import tree_named

# I (re-)added this series | I've added these | We added it | All added | Added to for-next
# (the notice's subject and verb, and its object: the patches, never "cc:stable", "a Fixes:
# tag"...; no subject only right before the tree)
RE_ADDED = re.compile(
    r"(?:(?:I|we)(?:'ve| have)?\s+(?:(?:now|just|also|already)\s+)*(?:\(re-?\)|re-?)?added\s+"
    r"(?:(?:the|this|these|your)\s+(?:series|patch(?:es)?|patch\s?set|set)"
    r"|it|this|that|these|them|all|both)"
    r"|(?P<subject>all|both|(?:the|this)\s+series)\s+(?:now\s+)?(?:re-?)?added"
    r"|(?P<bare>added)(?=\s+(?:to|into)\s))\b"
    r"(?P<rest>.*)",
    re.IGNORECASE,
)
# to mm-new | into mm.git   (where "added" says the patches went; "I added it in foo()" or
# "for arm64-only builds" tells where code went or why: tree_named reads the tree)
RE_ADDED_TO = re.compile(r"\s+(?=(?:to|into)\s)", re.IGNORECASE)
# What may follow the object of a notice without a tree: "I added it." | "I added it and
# shall await review" (not "I added it in foo()", "I added this:", "I added all of them")
RE_ADDED_END = re.compile(r"\s*(?:[.,;!]|$)|\s+(?:and|but)\b", re.IGNORECASE)


def added_notice(text: str, *, thanked: bool) -> tuple[str, str] | None:
    """Return the tree ("" for none) and the words of an "added" notice at the start of
    text (a sentence after its opening words), or None when it is none. A notice that names
    no tree needs a first-person object (``I added it``) and ``thanked``: thanks open it; one
    without a subject (``Added to for-next``) needs a tree and thanks, there or after it."""
    match = RE_ADDED.match(text)
    if match is None:
        return None
    rest = match.group("rest")
    into = RE_ADDED_TO.match(rest)
    tree = tree_named(rest[into.end() :], at_start=True, shaped=True) if into else ""
    if match.group("bare") and not (thanked or "thank" in rest.lower()):
        return None  # "Added to for-next, thanks." (David Sterba's), not "Added to cc-list"
    if tree:
        return tree, text
    if match.group("subject") or not thanked or not RE_ADDED_END.match(rest):
        return None
    return "", text
