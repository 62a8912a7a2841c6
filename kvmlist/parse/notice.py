"""Maintainers' "applied" notices in a reply's own words: who applied what, to which tree.

Three shapes: a classic notice line (``Applied to kvmarm/next, thanks!``), a b4 thank-you
listing (``[1/9] title`` + ``commit: <sha>``) and a kernel.org patchwork bot's summary.
Quoted (``>``) lines never count. docs/review.md has the rules.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from kvmlist.models import Person
from kvmlist.parse.addresses import parse_address

# Applied to kvmarm/next, thanks!   |   Thanks, applied.   |   Queued for kvm/master, thanks.
RE_NOTICE = re.compile(
    r"^(?:thanks,?\s+)?(?:applied|queued|pushed|merged|picked up)\b([^\n]{0,200})$",
    re.IGNORECASE,
)
# ... to kvmarm/next   |   ... for kvm/master   |   ... into next
RE_TREE = re.compile(r"\b(?:to|into|for|on|in)\s+([\w.\-/:]+[\w])", re.IGNORECASE)
# [1/9] KVM: arm64: Add trap routing for GMID_EL1
RE_LISTED = re.compile(r"^\[(\d{1,4})/(\d{1,4})\]\s+(\S.*)$")
# "      commit: 0123456789ab", or a link to it (b4's thanks-commit-url-mask), with or
# without the key: "      https://git.kernel.org/arm64/c/0123456789ab" (or ".../commit/?id=...")
RE_COMMIT = re.compile(
    r"^\s+(?:commit:\s+(?:https?://\S*[/=])?|https?://\S*[/=])([0-9a-f]{7,40})\b"
)
#: A verb every notice line holds (RE_NOTICE's; "picked" for "picked up").
NOTICE_VERBS = ("applied", "queued", "pushed", "merged", "picked")
#: Letters re's case folding takes for ASCII ones (İ, ı, ſ, the Kelvin sign) and lower()
#: does not turn into them: a text holding one is searched as RE_NOTICE would match it.
FOLDED_TO_ASCII = ("\u0130", "\u0131", "\u017f", "\u212a")
# applied|queued|...   (the verbs as RE_NOTICE matches them, for a text holding such a letter)
RE_NOTICE_VERB = re.compile("|".join(NOTICE_VERBS), re.IGNORECASE)
# This series was applied to netdev/net-next.git (main)   (a kernel.org patchwork bot's notice;
# "This patch was applied to ..." for one patch)
RE_BOT_HEAD = re.compile(r"^This (?:series|patch) was applied to (\S+(?: \([^()]{1,100}\))?)$")
# by Jakub Kicinski <kuba@kernel.org>:   (the line after the bot's head: who applied it)
RE_BOT_BY = re.compile(r"^by (\S.{0,300}):$")
#   - [net-next,v2,1/2] ice: Remove unused ice_blink_led   (an entry of the bot's summary;
# patchwork's prefixes in brackets, none for a lone patch without any)
RE_BOT_LISTED = re.compile(r"^  - (?:\[[^\[\]]*\] )?(\S.*)$")
#     https://git.kernel.org/netdev/net-next/c/59ec698d01eb   (the entry's commit; an entry
# left out says "(no matching commit)")
RE_BOT_COMMIT = re.compile(r"^    https?://\S+/c/([0-9a-f]{7,40})$")
# words that turn "applied" into a test report rather than an acceptance
# (and "for v3": an author taking a reviewer's fix into the next version of the series)
RE_NOT_ACCEPTANCE = re.compile(
    r"\b(?:test|tested|top of|locally|cleanly|for v\d+\b(?!\.\d))\b", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class Notice:
    """An "applied" notice: the tree it names (None when none), and a b4 listing's entries."""

    tree: str | None
    #: (title, commit) per ``[i/N] title`` + ``commit: sha`` pair of a b4 thank-you mail,
    #: or per patch a patchwork bot's summary links to a commit
    listed: tuple[tuple[str, str], ...]
    #: who applied the patches, when the notice names somebody other than its sender (the
    #: patchwork bot's "by" line)
    applied_by: Person | None = None


def applied_notice(body: str) -> Notice | None:
    """Return the "applied" notice a reply's body is, or None when it is none."""
    # a notice thanks with a verb (RE_NOTICE's line) or lists commits (RE_COMMIT, whose
    # links end ".../c/<sha>" or "...?id=<sha>"): most replies do neither
    if not _lists_commits(body) and not _thanks_with_a_verb(body):
        return None
    lines = [line for line in body.split("\n") if not line.startswith(">")]
    bot_notice = _bot_notice(lines)
    if bot_notice is not None:
        return bot_notice
    tree = _notice_tree(lines)
    listed = tuple(_listed(lines))
    if tree is None and not listed:
        return None
    return Notice(tree or None, listed)


def _lists_commits(text: str) -> bool:
    """True when text may hold a line RE_COMMIT matches."""
    return "commit:" in text or "/c/" in text or "?id=" in text


def _thanks_with_a_verb(text: str) -> bool:
    """True when text holds "thank" (as lower() finds it) and a notice verb (as RE_NOTICE
    finds it): one search for each word in the lower-cased text, which is where re's case
    folding finds them unless the text holds a letter of FOLDED_TO_ASCII."""
    lowered = text.lower()
    if "thank" not in lowered:
        return False
    if not text.isascii() and any(letter in text for letter in FOLDED_TO_ASCII):
        return RE_NOTICE_VERB.search(text) is not None
    return any(verb in lowered for verb in NOTICE_VERBS)


def _notice_tree(lines: list[str]) -> str | None:
    """Return the tree a notice names ("" when it names none), or None without a notice."""
    for line in lines:
        match = RE_NOTICE.match(line.strip())
        if not match or "thank" not in line.lower() or RE_NOT_ACCEPTANCE.search(line):
            continue
        tree = RE_TREE.search(match.group(1))
        return tree.group(1) if tree else ""
    return None


def _bot_notice(lines: list[str]) -> Notice | None:
    """Return the notice of a kernel.org patchwork bot's "This series was applied to ...",
    "by ...:" and its summary's entries that link to a commit; None for any other text."""
    for at, (line, following) in enumerate(itertools.pairwise(lines)):
        head = RE_BOT_HEAD.match(line)
        by = RE_BOT_BY.match(following) if head else None
        if head and by:
            listed = []
            for entry_line, link in itertools.pairwise(lines[at + 2 :]):
                entry, commit = RE_BOT_LISTED.match(entry_line), RE_BOT_COMMIT.match(link)
                if entry and commit:
                    listed.append((entry.group(1).strip(), commit.group(1)))
            return Notice(head.group(1), tuple(listed), parse_address(by.group(1)))
    return None


def _listed(lines: list[str]) -> Iterator[tuple[str, str]]:
    for line, following in itertools.pairwise(lines):
        entry = RE_LISTED.match(line)
        commit = RE_COMMIT.match(following)
        if entry and commit:
            yield entry.group(3).strip(), commit.group(1)
