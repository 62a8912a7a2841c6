"""The three tiers that map posted patches onto commits, and the claims between them.

1. ``link``: the commit names the mail in a ``Link:`` / ``Message-Id:`` trailer, and carries
   it: the same author, the same patch-id, or similar changed lines (a ``Link:`` may name a
   report or someone else's patch that the committer redid);
2. ``patch-id``: ``git patch-id --stable`` of the mail's diff equals the commit's (a posting
   after the commit only by its author, when no posting before it claims it);
3. ``fuzzy``: same author, a close subject, the same files and similar changed lines, a
   commit not long after the mail (see :mod:`.fuzzy` for the score).

A commit is claimed once; the unclaimed commits with its patch-id are its copies
(cherry-picks). Among several postings of the same patch (v1, v2, a resend) the one whose date
git kept as the commit's author date wins, else the latest posted before the commit; the
others are recorded as superseded, never silently dropped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, timezone

from kvmlist.grouping.landed.diffs import line_similarity
from kvmlist.grouping.landed.fuzzy import fuzzy_pairs, patch_key, squashed_into, subject_ratio
from kvmlist.grouping.landed.model import Candidate, How, Landing, Posted

#: A mail may carry a date a little after the commit made of it (clocks, time zones)
SLACK = timedelta(days=1)
#: What an undated mail sorts as: before every dated one
#: Fuzzy scores this close count as equal; the posting date decides
TIE = 0.02
#: Subjects this close, same author, files in common: an older revision of a landed patch
REVISION_SUBJECT = 0.85
#: A linked mail by another author carries a commit whose changed lines are this alike (Dice)
LINK_LINES = 0.5
UNDATED = datetime(1970, 1, 1, tzinfo=timezone.utc)


class Matcher:
    """Accumulates landings tier by tier; each commit and each mail is claimed at most once."""

    def __init__(self, posted: Sequence[Posted], commits: Sequence[Candidate]) -> None:
        self.posted = {p.message_id: p for p in posted}
        self.commits = sorted(commits, key=lambda c: c.commit.committed_at)
        self.landings: dict[str, Landing] = {}
        self.duplicate_of: dict[str, str] = {}
        self.claimed: set[str] = set()  # commit shas
        self._landed_as: dict[str, str] = {}  # commit sha -> the mail that landed as it

    def free(self, mail: Posted) -> bool:
        """True for a mail that is no copy and neither landed nor was found to repeat one."""
        if mail.copy:
            return False
        return mail.message_id not in self.landings and mail.message_id not in self.duplicate_of

    def by_links(self) -> None:
        """Tier 1: commits whose trailers name a mail of the archive that they carry."""
        for one in self.commits:
            named = [self.posted[i] for i in one.links if i in self.posted]
            named = [mail for mail in named if self.free(mail) and _carries(one, mail)]
            if named:
                self._claim(one, max(named, key=_date_key), "link", 1.0, named)

    def by_patch_id(self) -> None:
        """Tier 2: equal patch-ids, the posting git kept the date of (else the latest) wins.

        A commit no posting before it claims takes its author's first posting after it: a
        patch committed, then posted (a maintainer's own branch, pushed unrebased).
        """
        by_id: dict[str, list[Posted]] = defaultdict(list)
        for mail in self.posted.values():
            if mail.patch_id:
                by_id[mail.patch_id].append(mail)
        for one in self.commits:
            if one.commit.sha in self.claimed or not one.patch_id:
                continue
            group = [m for m in by_id.get(one.patch_id, ()) if self.free(m) and _before(m, one)]
            if group:
                self._claim(one, _winner(group, one), "patch-id", 1.0, group)
        for one in self.commits:  # after every commit had the postings before it
            if one.commit.sha in self.claimed or not one.patch_id:
                continue
            group = [
                m
                for m in by_id.get(one.patch_id, ())
                if self.free(m) and m.author_keys & one.author_keys
            ]
            if group:  # the later postings repeat it: other_postings records them
                self._claim(one, min(group, key=_date_key), "patch-id", 1.0, ())

    def by_fuzzy(self) -> None:
        """Tier 3: the best-scoring free postings of commits no stronger tier claimed."""
        free_commits = [c for c in self.commits if c.commit.sha not in self.claimed]
        free_mails = [m for m in self.posted.values() if self.free(m)]
        by_author: dict[str, list[Posted]] = defaultdict(list)
        for mail in free_mails:
            for key in mail.author_keys:
                by_author[key].append(mail)
        pairs = fuzzy_pairs(free_mails, free_commits)
        by_commit: dict[str, list[tuple[float, Posted]]] = defaultdict(list)
        for score, mail, one in pairs:
            by_commit[one.commit.sha].append((score, mail))
        lookup = {c.commit.sha: c for c in free_commits}
        order = sorted(by_commit, key=lambda sha: -max(s for s, _ in by_commit[sha]))
        for sha in order:
            scored = [(s, m) for s, m in by_commit[sha] if self.free(m)]
            if not scored:
                continue
            one = lookup[sha]
            best_score, best = max(scored, key=lambda pair: (pair[0], _date_key(pair[1])))
            group = [m for _, m in scored if patch_key(m) == patch_key(best)]
            ties = [m for s, m in scored if s >= best_score - TIE and m in group]
            winner = _winner(ties, one)
            self._claim(one, winner, "fuzzy", best_score, group)
            pool = {m.message_id: m for k in winner.author_keys for m in by_author.get(k, ())}
            free = [m for m in pool.values() if self.free(m)]
            for squashed in squashed_into(winner, one, free):
                self._claim(one, _winner(squashed, one), "squashed", best_score, squashed)

    def other_postings(self) -> None:
        """Record mails that repeat a landed patch: resends, older revisions (same author and
        subject) and [PULL] copies (same patch-id as the commit, or as the landed mail)."""
        landed = [self.posted[key] for key in self.landings]
        by_patch_id = {m.patch_id: m.message_id for m in landed if m.patch_id}
        for one in self.commits:  # a copy of a commit repeats whichever mail landed as it
            winner = self._landed_as.get(one.commit.sha)
            if winner is not None and one.patch_id:
                by_patch_id.setdefault(one.patch_id, winner)
        by_key = {patch_key(m): m for m in landed}
        by_author: dict[str, list[Posted]] = defaultdict(list)
        for mail in landed:
            for key in mail.author_keys:
                by_author[key].append(mail)
        for mail in self.posted.values():
            if mail.message_id in self.landings or mail.message_id in self.duplicate_of:
                continue
            same = by_patch_id.get(mail.patch_id) if mail.patch_id else None
            if same is None:
                same = _earlier_revision_of(mail, by_key, by_author)
            if same is not None:
                self.duplicate_of[mail.message_id] = same

    def by_copies(self) -> None:
        """[PULL] copies of commits no posting claimed: the copy is all the list saw of them."""
        by_id: dict[str, list[Posted]] = defaultdict(list)
        for mail in self.posted.values():
            if mail.copy and mail.patch_id:
                by_id[mail.patch_id].append(mail)
        claimed_ids = {c.patch_id for c in self.commits if c.commit.sha in self.claimed}
        for one in self.commits:  # a cherry-pick of a claimed commit is that commit's copy
            if one.commit.sha in self.claimed or one.patch_id in claimed_ids or not one.patch_id:
                continue
            copies = [m for m in by_id.get(one.patch_id, ()) if m.message_id not in self.landings]
            if copies:
                self._claim(one, min(copies, key=_date_key), "patch-id", 1.0, ())

    def copies(self) -> dict[str, tuple[str, ...]]:
        """Return claimed commit -> the unclaimed commits with its patch-id (cherry-picks)."""
        free: dict[str, list[str]] = defaultdict(list)
        for one in self.commits:
            if one.patch_id and one.commit.sha not in self.claimed:
                free[one.patch_id].append(one.commit.sha)
        return {
            one.commit.sha: tuple(free[one.patch_id])
            for one in self.commits
            if one.commit.sha in self.claimed and one.patch_id in free
        }

    def _claim(
        self, one: Candidate, winner: Posted, how: How, score: float, group: Iterable[Posted]
    ) -> None:
        losers = tuple(m.message_id for m in group if m is not winner and self.free(m))
        for loser in losers:
            self.duplicate_of[loser] = winner.message_id
        self.claimed.add(one.commit.sha)
        self._land(winner, one, how, round(score, 3), losers)

    def _land(
        self, mail: Posted, one: Candidate, how: How, score: float, losers: tuple[str, ...]
    ) -> None:
        self._landed_as.setdefault(one.commit.sha, mail.message_id)
        self.landings[mail.message_id] = Landing(
            mail.message_id, one.commit.sha, one.commit.committed_at, how, score, None, losers
        )


def _earlier_revision_of(
    mail: Posted,
    by_key: dict[tuple[str, frozenset[str]], Posted],
    by_author: dict[str, list[Posted]],
) -> str | None:
    """Return the landed posting a mail is an older revision of: same author, files in
    common, the same subject or one differing a little (``pmu:`` -> ``arm: pmu:``)."""
    other = by_key.get(patch_key(mail))
    if other is not None and other.files & mail.files:
        return other.message_id
    for key in mail.author_keys:
        for other in by_author.get(key, ()):
            if not (other.files & mail.files) or _date_key(other) < _date_key(mail):
                continue
            if subject_ratio(mail.title, other.title) >= REVISION_SUBJECT:
                return other.message_id
    return None


def _carries(one: Candidate, mail: Posted) -> bool:
    """True when a commit has something of the mail it links besides the link."""
    if one.author_keys & mail.author_keys:
        return True
    if mail.patch_id and mail.patch_id == one.patch_id:
        return True
    return line_similarity(mail.shape, one.shape) >= LINK_LINES


def _before(mail: Posted, one: Candidate) -> bool:
    return mail.date is None or mail.date <= one.commit.committed_at + SLACK


def _winner(group: Sequence[Posted], one: Candidate) -> Posted:
    """Return the posting git kept the date of, else the latest posted before the commit."""
    kept = [m for m in group if m.date == one.commit.authored_at]
    if kept:
        return max(kept, key=_date_key)
    before = [m for m in group if m.date is None or m.date <= one.commit.committed_at]
    return max(before or group, key=_date_key)


def _date_key(mail: Posted) -> datetime:
    return mail.date or UNDATED
