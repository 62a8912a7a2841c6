"""Tier 3: a reworked patch found by author, subject, files, changed lines and time.

A pair (mail, commit) is a candidate when the commit has the mail's author (addresses and
names after the mailmap), came at most :data:`WINDOW` after the mail, touches at least half of
the mail's files, and one of these holds:

* the same normalised subject, and similar lines (Dice >= 0.2) or the very same files;
* a close subject (difflib ratio >= 0.8) and similar lines (Dice >= 0.5);
* a changed subject but nearly the same lines (Dice >= 0.8) on the same files.

Its score, 0..1: 0.4 subject + 0.3 lines + 0.2 files + 0.1 closeness in time.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import timedelta

from kvmlist.grouping.landed.diffs import (
    file_overlap,
    line_containment,
    line_similarity,
)
from kvmlist.grouping.landed.model import Candidate, Posted
from kvmlist.models import Person

#: How long after its posting a reworked patch may still land
WINDOW = timedelta(days=730)
#: Commits landing within this of the mail score full marks for time
PROMPT = timedelta(days=30)
#: A mail squashed into another's commit: this much of its changed lines, at least this many
SQUASHED_SHARE = 0.9
SQUASHED_LINES = 3
SQUASHED_SPAN = timedelta(days=14)

# "[PATCH v2] arm: " leftovers and trailing dots: what subjects differ by without meaning to
RE_BRACKETS = re.compile(r"^(?:\[[^\]]{0,80}\]\s*)+")


def normalise_subject(subject: str) -> str:
    """Return a subject folded for comparison: no leading [tags], case, spacing, final dot."""
    text = RE_BRACKETS.sub("", subject.strip())
    return " ".join(text.casefold().split()).rstrip(".")


def author_keys(*people: Person | None) -> frozenset[str]:
    """Return the addresses and folded full names that identify an author."""
    keys = set()
    for person in people:
        if person is None:
            continue
        if "@" in person.email:
            keys.add(person.email.lower())
        name = " ".join(person.name.casefold().split())
        if " " in name:  # single words ("root", "admin") identify nobody
            keys.add(name)
    return frozenset(keys)


def patch_key(mail: Posted) -> tuple[str, frozenset[str]]:
    """Return what revisions of one patch share: the normalised subject and the author."""
    return normalise_subject(mail.title), mail.author_keys


def fuzzy_pairs(
    mails: Sequence[Posted], commits: Sequence[Candidate]
) -> Iterator[tuple[float, Posted, Candidate]]:
    """Yield (score, mail, commit) for every candidate pair: same author, a file in common."""
    by_author_file: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
    for one in commits:
        for key in one.author_keys:
            for path in one.files:
                by_author_file[key, path].append(one)
    authors = {key for key, _ in by_author_file}
    for mail in mails:
        if mail.date is None or not (mail.author_keys & authors):
            continue
        seen: set[str] = set()
        for key in mail.author_keys:
            for path in mail.files:
                for one in by_author_file.get((key, path), ()):
                    if one.commit.sha in seen:
                        continue
                    seen.add(one.commit.sha)
                    score = pair_score(mail, one)
                    if score is not None:
                        yield score, mail, one


def pair_score(mail: Posted, one: Candidate) -> float | None:
    """Return the fuzzy score of a mail and a commit of its author, None when no candidate."""
    assert mail.date is not None
    delay = one.commit.committed_at - mail.date
    if delay < -timedelta(days=1) or delay > WINDOW:
        return None
    shared = mail.files & one.files
    if len(shared) * 2 < len(mail.files):
        return None
    files = file_overlap(mail.shape, one.shape)
    subject = subject_ratio(mail.title, one.commit.subject)
    lines = line_similarity(mail.shape, one.shape)
    if not (
        (subject == 1.0 and (lines >= 0.2 or files == 1.0))
        or (subject >= 0.8 and lines >= 0.5)
        or (lines >= 0.8 and files == 1.0)
    ):
        return None
    late = max(delay - PROMPT, timedelta(0)) / (WINDOW - PROMPT)
    return 0.4 * subject + 0.3 * lines + 0.2 * files + 0.1 * (1 - late)


def squashed_into(winner: Posted, one: Candidate, others: Iterable[Posted]) -> list[list[Posted]]:
    """Return the other patches of the winner's author whose changes all sit inside the commit.

    Each patch comes as the group of its postings (revisions share a :func:`patch_key`).
    """
    groups: dict[tuple[str, frozenset[str]], list[Posted]] = defaultdict(list)
    for mail in others:
        if mail is winner or not (mail.author_keys & winner.author_keys):
            continue
        if mail.date is None or winner.date is None or abs(mail.date - winner.date) > SQUASHED_SPAN:
            continue
        if patch_key(mail) == patch_key(winner) or not mail.files <= one.files:
            continue
        if (
            mail.shape.size >= SQUASHED_LINES
            and line_containment(mail.shape, one.shape) >= SQUASHED_SHARE
        ):
            groups[patch_key(mail)].append(mail)
    return list(groups.values())


def subject_ratio(title: str, subject: str) -> float:
    """Return how alike two subjects are once normalised: 1.0 equal, difflib's ratio else."""
    one, other = normalise_subject(title), normalise_subject(subject)
    if one == other:
        return 1.0
    return difflib.SequenceMatcher(None, one, other, autojunk=False).ratio()
