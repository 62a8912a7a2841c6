"""Revisions: link v1 -> v2 -> ... of the same work into a :class:`SeriesHistory`.

Evidence, strongest first (docs/review.md):

1. the same b4 ``change-id:`` line in both revisions;
2. an archive link from the newer cover letter or first patch to a mail of the older
   revision where it names a version (``v1: https://lore.kernel.org/r/<id>``, ``Link to v1:``
   and the link below it, a footnote: kvmlist.parse.links.version_links), or patchew's
   ``Supersedes: <id>`` of the same person;
3. the newer revision's first mail answers (In-Reply-To/References) a mail of the older one;
4. the same person (the author, or the sender) and the same title (case and whitespace
   folded, a trailing "(was: old title)" and trailing full stops left out), or the old title
   such a suffix names (kvmlist.parse.subject.renamed_title): the latest earlier posting
   that the newer one revises;
5. the same person, within :data:`RENAMED_WITHIN`, and at least half of the patch titles
   of the larger posting (two or more unless both are one patch): a series renamed between
   its versions. A part split out of a larger series shares too few. A cover letter whose
   patches never came is placed by the patch titles of the posting that sent it again.

Evidence 1-3 naming another person's posting (by address: a display name typed alike is
nobody's) is tried last: a version link (a takeover), or a change-id or thread under the
same title; under another title it links nothing.

A posting revises an earlier one of a lower version, or an RFC when it is none (an RFC chain
v1..v5 followed by the patches "v2"), or, when it is a RESEND, one of its own version, aimed
at the same tree: a backport to each stable tree (``Patch.stable_tree``) is work of its own,
apart from mainline. A version link also joins a "v1" to an unversioned posting of the same
person (the first posting called v0 in the changelog: :func:`_numbered_after`). A history
lists its postings in the order they were posted (their plausible dates; the anchor
Message-ID for equal dates; a posting dated before a lower version of its work by a sender's
clock after it: :func:`posted_in_order`), so a RESEND sits between its version and the
next, a restarted count never goes back, and the histories are the same whatever order the
mails came in (a lore search answers newest first).

:func:`with_revisions` writes the links into the series themselves (``Series.previous_id`` and
``Series.next_id``: anchor Message-IDs, so the models stay acyclic and JSON round-trips).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from kvmlist.models import Person, Series
from kvmlist.parse.addresses import same_mailbox
from kvmlist.parse.links import change_ids, patchew_ids, version_links
from kvmlist.parse.subject import parse_subject, renamed_title

# "RFC: x" / "rfc x" at the start of a (lower-cased) title: a tag written into the title
RE_RFC_WORD = re.compile(r"^\s*rfc\b:?")
#: How many of the latest postings of one person and title are tried as the one a new posting
#: revises (a sender who posts the same title thousands of times costs no more).
TITLE_CANDIDATES = 16
#: How far apart two postings sharing patch titles under other series titles may be.
RENAMED_WITHIN = timedelta(days=120)
#: How far before a lower version of its work (the same person and title, or b4 change-id)
#: a posting may be dated by a sender's clock and still follow it (posted_in_order): an
#: author may post v2, then hours later an unversioned posting of the title (intel-wired-lan,
#: 12 hours: a v2 before it, not a clock). A version link naming the other needs no bound.
CLOCK_SKEW_WITHIN = timedelta(hours=6)
#: How many postings of a line, from the one named on, a new posting is tried as following
#: (kvmarm's longest history has 18): a flood of postings that all name v1 costs no more.
LINE_CANDIDATES = 64


@dataclass(frozen=True, slots=True)
class SeriesHistory:
    """The revisions of one piece of work, in the order they arrived: one line, each a later
    version (or a RESEND) of the one before. When a posting's line went on without it (a v3
    split in two series: the second half, the first already v2's next), it starts a history
    of its own, and ``split_from`` is the revision it revises."""

    revisions: tuple[Series, ...]
    split_from: Series | None = None

    @property
    def latest(self) -> Series:
        return self.revisions[-1]

    @property
    def title(self) -> str:
        return self.latest.title

    @property
    def dates(self) -> tuple[datetime | None, ...]:
        return tuple(s.date for s in self.revisions)

    @property
    def patch_counts(self) -> tuple[int, ...]:
        """How many patches each revision had (its total), oldest first."""
        return tuple(s.total for s in self.revisions)

    def previous(self, series: Series) -> Series | None:
        """Return the revision before series in this history (``split_from`` before the first),
        or None."""
        index = self._position(series)
        return self.revisions[index - 1] if index > 0 else self.split_from

    def next(self, series: Series) -> Series | None:
        """Return the revision after series in this history, or None."""
        index = self._position(series)
        return self.revisions[index + 1] if index + 1 < len(self.revisions) else None

    def revision(self, anchor_id: str | None) -> Series | None:
        """Return the revision whose anchor (cover letter or first patch) has this Message-ID.

        Resolves ``Series.previous_id`` / ``Series.next_id``: ``history.revision(s.next_id)``.
        """
        if anchor_id is None:
            return None
        return next((s for s in self.revisions if s.anchor_id == anchor_id), None)

    def _position(self, series: Series) -> int:
        # by anchor, so a copy made by with_revisions is found in a history of the originals
        for index, one in enumerate(self.revisions):
            if one is series or (one.anchor_id is not None and one.anchor_id == series.anchor_id):
                return index
        raise ValueError(f"{series!r} is not a revision of this history")


def link_revisions(series: Iterable[Series]) -> list[SeriesHistory]:
    """Return the histories the series form, in order of their first revision's posting."""
    ordered = posted_in_order(series)
    owner: dict[str, int] = {}  # Message-ID -> position of its series
    for position, one in enumerate(ordered):
        for mail in one.messages:
            owner.setdefault(mail.message_id, position)
    before: dict[int, int] = {}  # the posting before, in its line
    after: dict[int, int] = {}  # the posting after, in its line
    split_from: dict[int, int] = {}  # the first of a line split off -> the posting it revises
    by_change_id: dict[str, int] = {}
    by_title: dict[tuple[str, str], list[int]] = {}
    by_patch_title: dict[tuple[str, str], list[int]] = {}
    for position, one in enumerate(ordered):
        text = "\n".join(m.body for m in one.messages[:2])  # the cover and first patch
        changes = change_ids(text)
        titles = _title_keys(one)
        patch_titles = _patch_title_keys(one, titles)
        named = [owner[i] for i in version_links(text) if owner.get(i, position) < position]
        superseded = _superseded(one, text, position, owner, ordered)
        named += superseded
        linked = list(_linked(one, changes, named, position, owner, by_change_id))
        own = [earlier for earlier in linked if _one_person(one, ordered[earlier])]
        others = _taken_over(one, linked, set(own), set(named), ordered)
        keys = (*titles, *_old_title_keys(one, titles))
        same_title = (p for key in keys for p in reversed(by_title.get(key, ())))
        renamed = _sharing_patch_titles(one, patch_titles, ordered, by_patch_title)
        for earlier in itertools.chain(own, same_title, renamed, others):  # strongest first
            older = ordered[earlier]
            # the person's own Supersedes is evidence enough, whatever the versions say
            numbered = _revises(one, older) or (earlier in named and _numbered_after(one, older))
            if numbered or earlier in superseded:
                revised = _latest_revised(one, earlier, ordered, after)
                taken = after.get(revised)
                if taken is not None and not _keeps_title(one, ordered[taken], ordered[revised]):
                    split_from[position] = revised  # its line went on without it
                    break
                if taken is not None:  # under another title: its line splits off
                    split_from[taken] = before.pop(taken)
                after[revised], before[position] = position, revised
                origin = _aborted_send_origin(one, revised, ordered, by_patch_title, before, after)
                if origin is not None:
                    after[origin], before[revised] = revised, origin
                break
        for change_id in changes:
            by_change_id.setdefault(change_id, position)
        for key in titles:
            _keep(by_title, key, position)
        for key in patch_titles:
            _keep(by_patch_title, key, position)
    histories = []
    for first in range(len(ordered)):  # each history in order of its first one's arrival
        if first in before:
            continue
        line, at = [ordered[first]], first
        while at in after:
            at = after[at]
            line.append(ordered[at])
        origin = split_from.get(first)
        histories.append(SeriesHistory(tuple(line), None if origin is None else ordered[origin]))
    return histories


def posted_in_order(series: Iterable[Series]) -> list[Series]:
    """Return the series in the order they were posted: by plausible date (the series given
    without one first), by anchor Message-ID where dates are equal (the same order whatever
    order they were given in); a posting dated before a lower version of its work (a
    sender's clock: :func:`_skewed_after`) comes right after it."""
    given = list(series)
    keys = [(one.plausible_date, one.anchor_id or "", at) for at, one in enumerate(given)]
    by_date = sorted(range(len(given)), key=lambda at: (keys[at][0] is not None, keys[at]))
    ordered = [given[at] for at in by_date]
    follows = _skewed_after(ordered)
    if not follows:
        return ordered
    followers: dict[int, list[int]] = {}
    for position, anchor in sorted(follows.items()):
        followers.setdefault(anchor, []).append(position)
    result: list[Series] = []
    for position in range(len(ordered)):
        if position in follows:
            continue
        stack = [position]
        while stack:  # each posting, then those that follow it, in date order
            at = stack.pop()
            result.append(ordered[at])
            stack.extend(reversed(followers.get(at, ())))
    return result


def _skewed_after(ordered: list[Series]) -> dict[int, int]:
    """Position -> the position it follows, for each posting dated before a lower version of
    its work (:func:`_skewed`): the same person and title, a b4 change-id, or a version link
    naming it. A v2 whose sender's clock ran behind its v1's was posted after it; it follows
    the latest such lower version."""
    owner: dict[str, int] = {}
    by_title: dict[tuple[str, str], list[int]] = {}
    by_change_id: dict[str, list[int]] = {}
    texts: list[str] = []
    for position, one in enumerate(ordered):
        for mail in one.messages:
            owner.setdefault(mail.message_id, position)
        for key in _title_keys(one):
            by_title.setdefault(key, []).append(position)
        texts.append("\n".join(m.body for m in one.messages[:2]))  # the cover and first patch
        for change_id in change_ids(texts[-1]):
            by_change_id.setdefault(change_id, []).append(position)
    follows: dict[int, int] = {}
    for position, one in enumerate(ordered):
        if one.version <= 1:
            continue
        indexed = [by_change_id.get(c, []) for c in change_ids(texts[position])]
        indexed += [by_title[key] for key in _title_keys(one)]
        linked = [owner[i] for i in version_links(texts[position]) if i in owner]
        named = []
        for positions in indexed:  # the next TITLE_CANDIDATES postings under each key
            start = bisect.bisect_right(positions, position)
            named += positions[start : start + TITLE_CANDIDATES]
        later = [at for at in linked if at > position and _skewed(one, ordered[at], linked=True)]
        later += [at for at in named if at > position and _skewed(one, ordered[at])]
        if later:
            follows[position] = max(later)
    return follows


def _skewed(newer: Series, older: Series, *, linked: bool = False) -> bool:
    """Whether a posting of a higher version dated before another of its work (same tree,
    same RFC tag) was posted after it all the same: always when its version link names the
    other (it was written after it), else when dated less than CLOCK_SKEW_WITHIN before."""
    if newer.version <= older.version or _is_rfc(newer) != _is_rfc(older):
        return False
    if _stable_tree(newer) != _stable_tree(older) or newer.date is None or older.date is None:
        return False
    return linked or older.date - newer.date <= CLOCK_SKEW_WITHIN


def _aborted_send_origin(
    one: Series,
    revised: int,
    ordered: list[Series],
    by_patch_title: dict[tuple[str, str], list[int]],
    before: dict[int, int],
    after: dict[int, int],
) -> int | None:
    """The posting a cover letter whose patches never came revises, found by the patch titles
    of the posting that sent it again with them (rule 5): the cover alone has none to share.
    None when revised is no such cover, already follows one, or none is found."""
    cover = ordered[revised]
    if cover.patches or revised in before:
        return None
    keys = _patch_title_keys(one, _title_keys(one))
    for earlier in _sharing_patch_titles(one, keys, ordered, by_patch_title):
        if earlier < revised and earlier not in after and _revises(cover, ordered[earlier]):
            return earlier
    return None


def _keeps_title(one: Series, taken: Series, revised: Series) -> bool:
    """Whether one keeps the title of the posting it revises where the posting that took its
    place as the next does not (a stray patch with a mistyped version came first)."""
    return _same_title(one, revised) and not _same_title(taken, revised)


def _latest_revised(one: Series, earlier: int, ordered: list[Series], after: dict[int, int]) -> int:
    """The latest posting of earlier's line from earlier on that one revises (earlier itself
    when none later does): a v3 linking v1 follows v2, a second v3 linking v2 does not
    follow the first. A RESEND of an earlier version follows a later one of its title (the
    v3 it re-sends with the version left out of its subject) and a second posting of a version
    follows the first: :func:`_reposts`. Only LINE_CANDIDATES postings from earlier on are
    tried."""
    found, at = earlier, earlier
    for _ in range(LINE_CANDIDATES):
        if at not in after:
            break
        at = after[at]
        later = ordered[at]
        if _revises(one, later) or _reposts(one, later):
            found = at
    return found


def _reposts(newer: Series, older: Series) -> bool:
    """Whether a posting sends an earlier one of its title again: a RESEND (of any version),
    or the same version again (the second of two v6 sent minutes apart)."""
    resent = _is_resend(newer) or newer.version == older.version
    return resent and _is_rfc(newer) == _is_rfc(older) and _same_title(newer, older)


def _same_title(one: Series, other: Series) -> bool:
    return _stable_tree(one) == _stable_tree(other) and bool(
        set(_title_keys(one)) & set(_title_keys(other))
    )


def _one_person(newer: Series, older: Series) -> bool:
    """Whether the author or sender of one posting is the author or sender of the other, by
    address (:func:`kvmlist.parse.addresses.same_mailbox`), as a place in a series goes: a
    stranger who types the author's name is not her. An author writing from another address
    keeps her line through the evidence tried as another person's: a version link, or her
    thread or change-id under the same title (docs/review.md)."""
    ours = _people(newer)
    return any(same_mailbox(theirs, person) for theirs in _people(older) for person in ours)


def _people(one: Series) -> list[Person]:
    first = one.first
    return [p for p in (one.author, first.sender if first is not None else None) if p is not None]


def with_revisions(series: Iterable[Series]) -> list[Series]:
    """Return the series in the same order, ``previous_id`` and ``next_id`` set from their
    histories (the anchor Message-ID of the neighbouring revision; None at either end; the
    first of a history split from another names its ``split_from`` as previous, whose next
    stays the revision its own line goes on with)."""
    ordered = list(series)
    links: dict[int, tuple[str | None, str | None]] = {}
    for history in link_revisions(ordered):
        revisions = history.revisions
        for at, one in enumerate(revisions):
            earlier = revisions[at - 1] if at > 0 else history.split_from
            before = earlier.anchor_id if earlier is not None else None
            after = revisions[at + 1].anchor_id if at + 1 < len(revisions) else None
            links[id(one)] = (before, after)
    result = []
    for one in ordered:
        before, after = links.get(id(one), (None, None))
        if (before, after) != (one.previous_id, one.next_id):
            one = one.model_copy(update={"previous_id": before, "next_id": after})
        result.append(one)
    return result


def _linked(
    one: Series,
    changes: list[str],
    named: list[int],
    position: int,
    owner: dict[str, int],
    by_change_id: dict[str, int],
) -> Iterator[int]:
    """Yield the positions of the earlier series that one's text names (its b4 change-ids,
    then ``named``: those its version links name) or that its first mail answers, strongest
    evidence first."""
    for change_id in changes:
        if change_id in by_change_id:
            yield by_change_id[change_id]
    yield from named
    first = one.first
    if first is not None:
        for ancestor in (first.in_reply_to, *first.references):
            if ancestor and owner.get(ancestor, position) < position:
                yield owner[ancestor]


def _superseded(
    one: Series, text: str, position: int, owner: dict[str, int], ordered: list[Series]
) -> list[int]:
    """The earlier postings of the same person that one's patchew ``Supersedes:`` lines name,
    which one revises whatever their versions (a renamed series may start again at v1): a
    stranger saying so takes no line (a version link may: a takeover names its version)."""
    named = (owner[i] for i in patchew_ids(text, "supersedes") if owner.get(i, position) < position)
    return [earlier for earlier in named if _one_person(one, ordered[earlier])]


def _taken_over(
    one: Series, linked: list[int], own: set[int], named: set[int], ordered: list[Series]
) -> Iterator[int]:
    """Yield the postings of other people that one's evidence names and may take over, tried
    last: those its version links name (a takeover says "v3:" of the work it picks up), and
    those a shared change-id or its thread name under its own title. A stranger answering a
    series, or copying its change-id, under another title supersedes nothing."""
    for earlier in linked:
        if earlier not in own and (earlier in named or _one_title(one, ordered[earlier])):
            yield earlier


def _one_title(one: Series, other: Series) -> bool:
    """Whether two postings, whoever sent them, share their folded title and tree."""
    same_tree = _stable_tree(one) == _stable_tree(other)
    return same_tree and _folded(one.title) == _folded(other.title)


def _revises(newer: Series, older: Series) -> bool:
    """Whether a posting can be a revision of an earlier one for the same tree (mainline, or
    one stable tree: each backport is work of its own): of a lower version, or of an RFC when
    it is none (the count may start again when the RFC tag goes), or a RESEND of its version
    (an untagged repost is not: on the lists it is as often a backport or other work under a
    common title), or a cover letter whose patches never came, posted again with them (an
    aborted send, or patches sent to other lists only)."""
    if _stable_tree(newer) != _stable_tree(older):
        return False
    if older.version < newer.version or (_is_rfc(older) and not _is_rfc(newer)):
        return True
    if older.version != newer.version:
        return False
    return _is_resend(newer) or (not older.patches and bool(newer.patches))


def _numbered_after(newer: Series, older: Series) -> bool:
    """Whether a posting whose version link names an earlier one revises it though both
    read as version 1: the newer says "v1" and the older names no version, by the same
    person, for the same tree. Some authors number their second posting v1 and call the
    first v0 in its changelog (``v0: https://lore.kernel.org/all/<id>/``); "v1" and the
    link together say it is a revision, where two unversioned postings or two v1s are as
    likely a repost of one version."""
    if newer.version != 1 or older.version != 1 or _stable_tree(newer) != _stable_tree(older):
        return False
    if not (_versioned(newer) and not _versioned(older)):
        return False
    ours = {address for address, _ in _title_keys(newer)}
    return any(address in ours for address, _ in _title_keys(older))


def _versioned(one: Series) -> bool:
    first = one.first
    return first is not None and parse_subject(first.subject).versioned


def _stable_tree(one: Series) -> str | None:
    first = one.first
    return None if first is None else first.stable_tree


def _is_rfc(one: Series) -> bool:
    first = one.first
    return first is not None and first.is_rfc


def _is_resend(one: Series) -> bool:
    first = one.first
    return first is not None and first.is_resend


def _keep(index: dict[tuple[str, str], list[int]], key: tuple[str, str], position: int) -> None:
    """Note a posting under a key, keeping the latest TITLE_CANDIDATES of it."""
    positions = index.setdefault(key, [])
    positions.append(position)
    del positions[:-TITLE_CANDIDATES]


def _sharing_patch_titles(
    one: Series,
    keys: set[tuple[str, str]],
    ordered: list[Series],
    by_patch_title: dict[tuple[str, str], list[int]],
) -> Iterator[int]:
    """Yield the earlier postings of the same person that share enough of one's patch titles
    (keys: :func:`_patch_title_keys`; see rule 5 above), the most shared first, then the
    latest."""
    shared: Counter[int] = Counter()
    for key in keys:
        shared.update(set(by_patch_title.get(key, ())))
    for earlier, count in sorted(shared.items(), key=lambda item: (-item[1], -item[0])):
        other = ordered[earlier]
        sizes = (len(one.patches), len(other.patches))
        enough = 2 * count >= max(sizes) and (count >= 2 or sizes == (1, 1))
        if enough and _close_in_time(other, one):
            yield earlier


def _patch_title_keys(one: Series, title_keys: tuple[tuple[str, str], ...]) -> set[tuple[str, str]]:
    """(address, folded title) of each patch, under the addresses of the series' title_keys
    (:func:`_title_keys`)."""
    titles = {_folded(p.title) for p in one.patches}
    return {(address, title) for address, _ in title_keys for title in titles if title}


def _close_in_time(earlier: Series, later: Series) -> bool:
    if earlier.date is None or later.date is None:
        return False
    return timedelta(0) <= later.date - earlier.date <= RENAMED_WITHIN


def _title_keys(one: Series) -> tuple[tuple[str, str], ...]:
    """(address, folded title) for the author and, when another, the sender of the first mail:
    a revision sent from another address of its author is found under either."""
    title = _folded(one.title)
    first = one.first
    people = (one.author, first.sender if first is not None else None)
    addresses = dict.fromkeys(p.email.lower() for p in people if p is not None) or {"": None}
    return tuple((address, title) for address in addresses)


def _old_title_keys(
    one: Series, title_keys: tuple[tuple[str, str], ...]
) -> tuple[tuple[str, str], ...]:
    """(address, folded old title) under the addresses of title_keys, when one's title names
    the title it had ("new title (was: old title)"); () otherwise."""
    old = renamed_title(one.title)[1]
    if old is None:
        return ()
    return tuple((address, _folded(old)) for address, _ in title_keys)


def _folded(title: str) -> str:
    """A title as revisions compare it: lower case, runs of whitespace one space, without an
    "RFC:" or "RFC" written at its start ("[PATCH 0/7] RFC: coverage deduplication for KCOV",
    then "[PATCH v2 00/11] Coverage deduplication for KCOV"), a "(was: old title)" at its
    end, or full stops at its end (reviewers ask to drop them: "arm64: get ipi num." then
    "arm64: get ipi num"); a "?" or ")" there is part of the title."""
    folded = " ".join(RE_RFC_WORD.sub("", renamed_title(title)[0].lower(), count=1).split())
    return folded.rstrip(" .") or folded
