"""A maintainer's "added" notice: ``Thanks, I (re-)added this series to mm.git``.

Andrew Morton says so of the patches he takes into the mm trees (mm-new, mm-unstable,
mm-hotfixes-unstable...), where others say "applied". The sentence is one notice.py picks
out (the opening of a paragraph of the reply's own words); docs/review.md has the rules.
"""

from __future__ import annotations

import re

# I (re-)added this series | I've added these | We added it | All added   (the notice's
# subject and verb, and its object: the patches, never "cc:stable", "a Fixes: tag"...)
RE_ADDED = re.compile(
    r"(?:(?:I|we)(?:'ve| have)?\s+(?:(?:now|just|also|already)\s+)*(?:\(re-?\)|re-?)?added\s+"
    r"(?:(?:the|this|these|your)\s+(?:series|patch(?:es)?|patch\s?set|set)"
    r"|it|this|that|these|them|all|both)"
    r"|(?P<subject>all|both|(?:the|this)\s+series)\s+(?:now\s+)?(?:re-?)?added)\b"
    r"(?P<rest>.*)",
    re.IGNORECASE,
)
# to mm-new | into mm.git's mm-unstable branch | to the mm tree | to irqchip-next[1]
# (a tree ends where a word, a path or a file name would go on: not "to drivers/net/")
RE_ADDED_TREE = re.compile(
    r"\s+(?:to|into)\s+(?:(?:the|my|our)\s+)?"
    r"(?:(?P<named>\w[\w.-]{0,40})\s+(?:tree|branch)\b"
    r"|(?P<tree>\w(?:[\w./-]{0,80}\w)?)"
    r"(?:'s\s+(?P<branch>\w(?:[\w.-]{0,40}\w)?)\s+branch\b|(?![\w/-]|\.\w)))",
    re.IGNORECASE,
)
# mm-new | kvmarm/next | mm.git   (a token that can name a tree: "to kvm_util.c" or "to
# differentiate" is where code went or why)
RE_TREE_SHAPE = re.compile(r"[\w.]*[-/][\w./-]*|[\w-]+\.git")
# kfence.rst | arm-smmu-v3.c   (a file, not a tree)
RE_FILE_NAME = re.compile(r"\.(?!git$)[A-Za-z]{1,4}$")
# What may follow the object of a notice without a tree: "I added it." | "I added it and
# shall await review" (not "I added it in foo()", "I added this:", "I added all of them")
RE_ADDED_END = re.compile(r"\s*(?:[.,;!]|$)|\s+(?:and|but)\b", re.IGNORECASE)


def added_notice(text: str, *, thanked: bool) -> tuple[str, str] | None:
    """Return the tree ("" for none) and the words of an "added" notice at the start of
    text (a sentence after its opening words), or None when it is none. A notice that names
    no tree needs a first-person object (``I added it``) and ``thanked``: thanks open it."""
    match = RE_ADDED.match(text)
    if match is None:
        return None
    rest = match.group("rest")
    into = RE_ADDED_TREE.match(rest)
    if into is not None:
        tree = into.group("named") or into.group("tree")
        if into.group("named") or (RE_TREE_SHAPE.fullmatch(tree) and not RE_FILE_NAME.search(tree)):
            branch = into.group("branch")
            return (f"{tree} ({branch})" if branch else tree), text
    if match.group("subject") or not thanked or not RE_ADDED_END.match(rest):
        return None
    return "", text
