"""A maintainer taking applied patches back out of a tree: "OK, I dropped this series from mm-new".

Read in a reply's own (unquoted) sentences; docs/review.md has the rules. Most "dropped" and
"removed" in replies are about code ("I've dropped this cast", "I removed it because ..."),
so the grammar is tight: the writer in the first person, a past verb, the patches as its
object and, for a bare "it" or "this", the tree they left.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from kvmlist.parse.notice import RE_OPENING_WORDS, RE_SENTENCE_END
from kvmlist.parse.numbers import NUMBERS, named_numbers
from kvmlist.parse.reply import unquoted_lines
from kvmlist.parse.tree_name import tree_named

#: The verbs, lower-cased: a reply holding none of them takes nothing back.
VERBS = ("dropped", "reverted", "removed", "unapplied")
# the patches a retraction names: "this series" | "both patches" | "patch 3" | "this one"
_PATCHES = (
    rf"(?P<series>(?:this|the)\s+(?:whole\s+)?(?:series|patch\s?set)|these\s+patches|the\s+patches"
    rf"|both(?:\s+patches)?|all\s+of\s+them)"
    rf"|(?:this|the)\s+(?:patch|one)|patch(?:es)?\s+(?P<numbers>{NUMBERS})"
)
# I've now dropped this series from my tree | OK, I dropped this series from mm-new |
# I have reverted it from kvm/queue
RE_RETRACTION = re.compile(
    r"(?:I|we)(?:'ve|\s+have)?\s+(?:(?:now|just|also|already)\s+)?"
    rf"(?:dropped|reverted|removed|unapplied)\s+(?:{_PATCHES}|(?P<pronoun>it|this|them|these))"
    r"(?P<rest>\s.*|[.,;:!]?)$",
    re.IGNORECASE,
)
# Both patches now dropped from my queue | The series has been reverted from kvm/next
RE_PASSIVE_RETRACTION = re.compile(
    rf"(?:{_PATCHES})\s+(?:(?:is|are|was|were|has\s+been|have\s+been)\s+)?(?:now\s+)?"
    r"(?P<passive>dropped|reverted|removed)(?P<rest>\s.*|[.,;:!]?)$",
    re.IGNORECASE,
)
# from my tree | off the mm tree | out of my queue | from my fixes branch   (a tree by place)
RE_OWN_TREE = re.compile(
    r"\s+(?:from|off|out\s+of)\s+(?P<tree>(?:my|our|the)\s+(?:[\w.\-/]+\s+)?"
    r"(?:tree|queue|branch))\b",
    re.IGNORECASE,
)
# from mm-new | from kvm/queue   (a tree by name; tree_named reads it after a "to")
RE_FROM = re.compile(r"\s+(?:from|off|out\s+of)\s+", re.IGNORECASE)
# what may follow the patches when no tree does: the sentence ends or goes on with why or
# until when ("I've dropped this patch until Mark has a chance to clarify"); not a noun of
# code ("this patch's hunk" is no object here) nor a place that is no tree ("from the series")
RE_GOES_ON = re.compile(
    r"[.,;:!]|\s+(?:for\s+now|again|until|since|because|as|and|now|while)\b", re.IGNORECASE
)
# a question or a condition ("Should I drop it?", "I dropped it from my tree if that's OK")
RE_NOT_RETRACTION = re.compile(r"\?|\b(?:if|unless|whether)\b", re.IGNORECASE)
# arch/arm64/kvm | drivers/net/...   (a source path: where code was removed, not a tree)
RE_SOURCE_PATH = re.compile(r"(?:arch|drivers|include|tools|kernel|lib|virt|scripts)/")


@dataclass(frozen=True, slots=True)
class Retraction:
    """Patches a maintainer says they took back: the tree named (None when none), the patch
    numbers named (empty: the patches the reply answers), and whether it names the series."""

    tree: str | None
    numbers: tuple[int, ...] = ()
    series: bool = False


def retraction_in(body: str) -> Retraction | None:
    """Return what a reply's own text says was taken back out of a tree, or None when it
    says nothing of the kind (the first such sentence counts)."""
    lowered = body.lower()
    if not any(verb in lowered for verb in VERBS):
        return None
    for sentence in _own_sentences(body):
        opening = RE_OPENING_WORDS.match(sentence)
        start = opening.end() if opening else 0
        found = RE_RETRACTION.match(sentence, start) or RE_PASSIVE_RETRACTION.match(sentence, start)
        if found is None or RE_NOT_RETRACTION.search(sentence):
            continue
        rest = found.group("rest")
        tree = _tree_left(rest)
        bare = found.re is RE_PASSIVE_RETRACTION or found.groupdict().get("pronoun")
        if tree is None and bare:
            continue  # "I dropped it" alone is as often about code
        if tree is None and rest.strip() and not RE_GOES_ON.match(rest):
            continue
        numbers = named_numbers(found.group("numbers") or "")
        return Retraction(tree, tuple(sorted(numbers)), found.group("series") is not None)
    return None


def _tree_left(rest: str) -> str | None:
    """The tree the words after the patches say they left ("from my tree"), or None."""
    own = RE_OWN_TREE.match(rest)
    if own is not None:
        return " ".join(own.group("tree").split())
    place = RE_FROM.match(rest)
    if place is None or RE_SOURCE_PATH.match(rest, place.end()):
        return None
    return tree_named(f"to {rest[place.end() :]}", at_start=True, shaped=True) or None


def _own_sentences(body: str) -> Iterator[str]:
    """The sentences of the reply's own paragraphs, a wrapped line joined to the one above."""
    paragraph: list[str] = []
    for line in [*unquoted_lines(body), ""]:
        if line.strip():
            paragraph.append(line.strip())
            continue
        if paragraph:
            yield from RE_SENTENCE_END.split(" ".join(paragraph))
        paragraph = []
