"""Numbered mails left without a thread (rule 4 of kvmlist.grouping.series): they join the
latest earlier series of the same posting (sender, version, total, subject tags) dated near
them, if it has room."""

from __future__ import annotations

from datetime import timedelta

from kvmlist.grouping._group import Group, subject_tags
from kvmlist.grouping._threaded import answered_in
from kvmlist.models import Patch
from kvmlist.parse.addresses import identity_key

#: How far apart unthreaded mails of one small series may be dated. git send-email dates
#: the mails of one run a second apart however slowly its SMTP server takes them: a longer
#: gap is a second run (the rest after a failure, a forgotten cover letter).
FALLBACK_WINDOW = timedelta(minutes=30)
#: The window a larger series gets per patch (a second run is likelier for more mails, and
#: another series of the author's with as many patches, the same version and tags rarer)...
FALLBACK_PER_PATCH = timedelta(minutes=4)
#: ... up to this.
FALLBACK_WINDOW_MAX = timedelta(hours=4)
#: How many of the latest series holding mails of one sender, version, total and tags an
#: unthreaded mail tries to join (rule 4; more are older than any window).
FALLBACK_CANDIDATES = 64
#: A mail's sender (identity_key), version, total and subject tags: what rule 4 matches.
Work = tuple[str | None, int, int, frozenset[str]]


def covers_answered(patches: list[Patch], roots: list[str]) -> set[str]:
    """The Message-IDs of the cover letters that patches answer: where their chains end."""
    headed: set[str] = set()
    for patch, root in zip(patches, roots, strict=True):
        if not patch.is_cover:
            headed.add(answered_in(root) or root)
    return headed


def unthreaded(patch: Patch, root: str, by_id: dict[str, Patch], headed: set[str]) -> bool:
    """Whether a numbered mail has no series of its thread to join (rule 4): a patch whose
    chain ends at itself or at an absent mail, a cover letter answering no patch mail that
    no patch answers (``headed``): those are its series, arriving before or after it."""
    if not patch.numbered:
        return False
    if patch.is_cover:
        answers = any(i in by_id for i in (patch.in_reply_to, *patch.references) if i)
        return not answers and patch.message_id not in headed
    return root == patch.message_id or root not in by_id


def _fallback_window(total: int) -> timedelta:
    """Return how far from a series' dates an unthreaded mail of it may be dated: 30
    minutes, or 4 minutes per patch for a larger series, at most 4 hours."""
    return min(FALLBACK_WINDOW_MAX, max(FALLBACK_WINDOW, total * FALLBACK_PER_PATCH))


def fallback_group(
    patch: Patch, root: str, holding: list[Group], by_id: dict[str, Patch]
) -> Group | None:
    """Return the latest group of the same sender, version, total and tags dated near
    patch that has room for it (a cover letter: patches that answer no other mail, an
    absent one or another cover letter; a patch answering a mail of no series: none
    answering another such mail). ``holding`` lists the groups holding a mail of patch's
    work; the latest FALLBACK_CANDIDATES are tried."""
    window = _fallback_window(patch.total)
    answered = answered_in(root)
    tried = sorted(set(holding[-FALLBACK_CANDIDATES:]), key=lambda g: g.first_seen)
    for group in reversed(tried):
        first = group.cover or next(iter(group.members.values()), None)
        if first is None or not _same_work(first, patch):
            continue
        if patch.is_cover and (answered_in(group.key) is not None or by_id[group.key].is_cover):
            continue  # its patches answer another cover letter (one the archive lacks): theirs
        if answered is not None and answered_in(group.key) not in (None, answered):
            continue  # each answers another mail (absent, a review): two threads
        if _distance(patch, group) > window:
            continue
        if group.takes(patch):
            return group
    return None


def _distance(patch: Patch, group: Group) -> timedelta:
    """How far patch is dated from the span of group's dates (none: no distance)."""
    if patch.date is None or group.first_date is None or group.last_date is None:
        return timedelta(0)
    return max(group.first_date - patch.date, patch.date - group.last_date, timedelta(0))


def _same_work(a: Patch, b: Patch) -> bool:
    """Whether two mails may be of one posting: sender, version, total and subject tags."""
    return work_of(a) == work_of(b)


def work_of(patch: Patch) -> Work:
    """What mails of one posting share: who sent it (identity_key: a relay's people apart),
    version, total and subject tags. Its sender, not its author: a maintainer posts patches
    of several people (in-body From lines) in one run."""
    poster = patch.sender or patch.author
    who = identity_key(poster) if poster else None
    return (who, patch.version, patch.total, subject_tags(patch))
