"""What a reply to a pull request says of its merge, in the reply's own words.

Three shapes: the kernel.org pr-tracker-bot's "The pull request you sent on ... has been
merged into torvalds/linux.git:" with a link to the commit, the kernel.org patchwork bot's
"This pull request was applied to netdev/net.git (main)" + "by NAME:" (netdev, bpf: the
same notice as for a series, kvmlist.parse.notice), and a maintainer's sentence
that opens with "Pulled" or "Merged" (``Pulled, thanks.``, ``Thanks, pulled.``, ``I've
pulled it``, ``Pulled into kvm/next``) or that is an "applied" notice as a patch gets one
(kvmlist.parse.notice: ``Applied, thanks.``, ``Applied to u-boot/master, thanks!``).
Quoted (``>``) lines never count; plans, questions and trouble reports ("will pull",
"Pulled?", "I pulled the tag and it does not build") are no notice. docs/review.md has the
rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from kvmlist.models import Person
from kvmlist.parse.addresses import parse_address
from kvmlist.parse.content import sent_by_bot
from kvmlist.parse.notice import RE_CLAUSE_END, applied_notice, bot_head, opening_sentences
from kvmlist.parse.reply import unquoted_lines
from kvmlist.parse.tree_name import tree_named

# The pull request you sent on Mon, 28 Jul 2025 15:44:03 +0200:   (the bot's first line)
RE_BOT_OPENING = re.compile(r"^The pull request you sent on .{1,80}:$")
# has been merged into torvalds/linux.git:
RE_BOT_MERGED = re.compile(r"^has been merged into (\S{1,200}?):?$")
# https://git.kernel.org/torvalds/c/7dff275c663178e9a12a0c0038e4b3be2f3edcba
RE_BOT_COMMIT = re.compile(r"^https?://\S+/c/([0-9a-f]{7,40})$")
# Pulled, thanks.  |  I've pulled it  |  Merged into kvm/next  |  Pulled now, thanks
RE_MERGE_SENTENCE = re.compile(
    r"(?P<first>(?:I|we)(?:'ve| have)?\s+(?:(?:now|just|also|already)\s+)*)?"
    r"(?:pulled|merged)\b(?P<rest>.*)",
    re.IGNORECASE,
)
# What was pulled: "it", "this", "both", "the tag"...
_OBJECTS = r"it|this|them|both|the (?:tag|branch|changes|pull(?: request)?|trees?)"
# What "I pulled" must go on with to be a notice: what, where, or the sentence's end
RE_MERGE_OBJECT = re.compile(
    rf"\s*(?:(?:{_OBJECTS})\b|now\b|(?:to|into)\b|[,.!;]|$)", re.IGNORECASE
)
# "this now " before the tree of "I've pulled this now into kvmarm/next"
RE_OBJECT_FIRST = re.compile(rf"(?:(?:{_OBJECTS}|now)\s+)+", re.IGNORECASE)
# Words that turn "pulled" into a plan, a doubt or a trouble report
RE_NOT_MERGED = re.compile(
    r"\?|\b(?:not|n't|yet|build|builds|building|fails?|failed|broken|breaks|error|warnings?"
    r"|tests?|tested|testing|locally|revert\w*|drop\w*|with\s+(?:conflicts?|a\s+conflict))\b",
    re.IGNORECASE,
)
# ", thanks (" before the tree of "Pulled, thanks (to kvm/queue only for now)"
RE_THANKS_FIRST = re.compile(r"^[\s,.!]*(?:thanks|thank you)[\s,.!]*\(?", re.IGNORECASE)
#: Lines of the reply's own text read for a notice sentence (a notice opens the reply).
NOTICE_LINES = 40


#: Who says a pull request was merged: a person's reply or one of kernel.org's bots.
MergeHow = Literal["reply", "pr-tracker-bot", "patchwork-bot"]


@dataclass(frozen=True, slots=True)
class MergeNotice:
    """A reply's word that a pull request was merged: the tree it names (None when none),
    the commit (the pr-tracker-bot links it), who said it, and who merged it when the
    notice names somebody other than its sender (the patchwork bot's "by" line)."""

    tree: str | None
    commit: str | None
    how: MergeHow
    merged_by: Person | None = None


def merge_notice(body: str, sender: Person | None = None) -> MergeNotice | None:
    """Return the merge notice a reply's body is, or None when it is none.

    A bot's template counts only from that bot (``sender``, content.sent_by_bot): from
    anybody else the body is read as any reply is. A reply that is no merge notice but an
    "applied" notice (notice.applied_notice: QEMU's "Applied, thanks.", U-Boot's "Applied to
    u-boot/master, thanks!") says the same of a pull request."""
    lowered = body.lower()
    if "pulled" in lowered or "merged" in lowered or "was applied to" in body:
        found = _merge_words(body, sender)
        if found is not None:
            return found
    applied = applied_notice(body, sender)
    if applied is None:
        return None
    how: MergeHow = "patchwork-bot" if sent_by_bot("patchwork", sender) else "reply"
    return MergeNotice(applied.tree, None, how, applied.applied_by)


def _merge_words(body: str, sender: Person | None) -> MergeNotice | None:
    """The notice of a body that says "pulled" or "merged" (or holds the patchwork bot's
    template), or None."""
    lines = list(unquoted_lines(body))
    if "has been merged into" in body and sent_by_bot("pr-tracker", sender):
        found = _bot_notice(lines)
        if found is not None:
            return found
    if "pull request was applied to" in body and sent_by_bot("patchwork", sender):
        head = bot_head(lines)
        if head is not None and head[1].group(1) == "pull request":
            by = parse_address(head[2].group(1))
            return MergeNotice(head[1].group(2), None, "patchwork-bot", by)
    return _sentence_notice(lines[:NOTICE_LINES])


def _bot_notice(lines: list[str]) -> MergeNotice | None:
    """The pr-tracker-bot's notice: its opening line, then "has been merged into TREE:" and
    the commit's link on the next line that is not blank."""
    opened = False
    for at, line in enumerate(lines):
        text = line.strip()
        if RE_BOT_OPENING.match(text):
            opened = True
            continue
        merged = RE_BOT_MERGED.match(text) if opened else None
        if merged is None:
            continue
        following = [one.strip() for one in lines[at + 1 : at + 3] if one.strip()]
        commit = RE_BOT_COMMIT.match(following[0]) if following else None
        return MergeNotice(merged.group(1), commit.group(1) if commit else None, "pr-tracker-bot")
    return None


def _sentence_notice(lines: list[str]) -> MergeNotice | None:
    """A sentence among the first three of a paragraph that opens with "pulled" or "merged"
    (after words like "Thanks," or "Great, thanks."), and tells no plan nor trouble."""
    for _, sentence, start in opening_sentences(lines):
        match = RE_MERGE_SENTENCE.match(sentence, start)
        if match is None:
            continue
        rest = match.group("rest")
        if match.group("first") and not RE_MERGE_OBJECT.match(rest):
            continue
        if RE_NOT_MERGED.search(sentence):
            continue
        return MergeNotice(_tree(rest), None, "reply")
    return None


def _tree(rest: str) -> str | None:
    """The tree a notice's words after the verb (and its object) name: "into kvm/next",
    "this into kvmarm/next", "(to kvm/queue)";
    not a later "to" ("Pulled, thanks (and sent the pull request to Linus)")."""
    text = RE_THANKS_FIRST.sub("", rest).lstrip()
    objects = RE_OBJECT_FIRST.match(text)
    if objects is not None:
        text = text[objects.end() :]
    return tree_named(RE_CLAUSE_END.split(text, maxsplit=1)[0], at_start=True) or None
