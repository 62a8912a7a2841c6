"""Patch stream -> Series: thread links first, then a same-author time-window fallback.

Rules (see docs/data-model.md):

1. Duplicates (same Message-ID) count once: the first arrival wins.
2. A patch joins the nearest message it answers (In-Reply-To, then References newest first)
   that is a compatible cover letter or patch: same total, and the same version — or the
   child carries no version and inherits the thread's (``[PATCH v3 0/4]`` over ``[PATCH 1/4]``).
   So v2 threaded under v1's cover still starts a series of its own. A patch numbered above
   the total (``[PATCH v4 12/11]``) joins the series it answers when its author or sender
   is the series' (the series grew); by anybody else (a reviewer's fix on top) it is a
   patch of its own, in reply, so the series and its ``to_mbox`` stay its author's.
   Numbered patches whose chain ends answering a mail that is no patch (a ``[GIT PULL]``,
   a review comment) share that mail as their anchor, whatever their (in-body) authors; a
   cover letter that miscounts its patches ("0/7" over eight) still heads the one series
   answering it, and a ``[GIT PULL]`` that a series' patches answer becomes its cover letter
   when it came before them from one of their people (their sender). A mail joins a series
   only when it is by one of the series' people (the author, in-body From, or sender of one
   of its mails): a stranger's patch fills no free slot of somebody's series, and a later
   mail reusing the Message-ID of a cover letter the archive lacks heads nobody's patches.
   A "0/N" mail that carries a diff and answers a cover letter of the same author, version
   and total is that series' patch with a mistyped number: it takes the one number from 1
   to N that no patch answering the cover has (``[PATCH v2 0/1]`` twice: the second is 1/1).
   A patch that mistypes its total under a cover its siblings agree with (``[PATCH v2 3/4]``
   answering ``[PATCH v2 0/3]``, with 1/3 and 2/3) takes the cover's total when it alone
   gives its total there, has the cover's version and siblings' tags, its index is within
   the total and free, and it is by one of the series' people (see grouping._numbers).
   A mail without a diff and without "0/N" (``[PATCH v2] foo: series``) that numbered
   patches of its version and by its people answer is their cover letter.
3. A numbered patch whose index is already taken in that series starts a new series, unless
   one of the two is a point revision of the series' version (``[PATCH v4.1 4/4]`` sent to
   replace v4's 4/4) by one of its people: the higher point keeps the index, the other is
   kept as replaced; or the new one is a RESEND answering the patch it sends again
   (``[PATCH v3 RESEND 4/7]`` answering v3's 4/7), kept as replaced beside it.
4. Numbered mails left without a thread (``git send-email --no-thread``, a cover letter
   sent after its patches) join the latest earlier series of the same sender, version,
   total and subject tags dated within :data:`FALLBACK_WINDOW` of it (a larger series:
   :data:`FALLBACK_PER_PATCH` a patch, up to :data:`FALLBACK_WINDOW_MAX`), if their index
   is free (a cover letter: if it has none, and its patches answer no other mail), and
   unless both answer mails of no series, each another one: two threads. A cover letter
   that patches answer heads them, arriving before or after them, and never joins another.
5. Anything else (an unnumbered ``[PATCH]``) is a series of one.
6. A cover letter that a relay sent for one person (GitGitGadget: every mail From ``"Jane
   Doe via GitGitGadget" <gitgitgadget@gmail.com>``, the patches with an in-body From, the
   cover letter without) is credited to its patches' author when all of them name the
   person the cover's name does, at one address, and came from the cover's address.
Series come out in order of their first arrival.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from datetime import timedelta

from kvmlist._arguments import check_messages
from kvmlist.grouping._group import Group, address_of, by_one_of, people_of, subject_tags
from kvmlist.grouping._numbers import renumbered
from kvmlist.grouping.review import Progress
from kvmlist.models import Message, Patch, ReviewTrailer, Series
from kvmlist.parse.addresses import folded_name, identity_key, relayed_name
from kvmlist.parse.message import as_cover

#: How far apart unthreaded mails of one small series may be dated. git send-email dates
#: the mails of one run a second apart however slowly its SMTP server takes them: a longer
#: gap is a second run (the rest after a failure, a forgotten cover letter).
FALLBACK_WINDOW = timedelta(minutes=30)
#: The window a larger series gets per patch (a second run is likelier for more mails, and
#: another series of the author's with as many patches, the same version and tags rarer)...
FALLBACK_PER_PATCH = timedelta(minutes=4)
#: ... up to this.
FALLBACK_WINDOW_MAX = timedelta(hours=4)
#: Joins the parts of a series key that is no Message-ID (Message-IDs hold no NUL).
KEY_SEPARATOR = "\0"
#: How many series of one thread root a mail tries to join, the first ones (a root with
#: more is a flood of patches answering one mail: each starts a series of its own).
ROOT_CANDIDATES = 64
#: How many of the latest series holding mails of one sender, version, total and tags an
#: unthreaded mail tries to join (rule 4; more are older than any window).
FALLBACK_CANDIDATES = 64
#: A mail's sender (identity_key), version, total and subject tags: what rule 4 matches.
Work = tuple[str | None, int, int, frozenset[str]]


def iter_patch_mails(messages: Iterable[Message]) -> Iterator[Patch]:
    """Yield the patches and cover letters among messages, each Message-ID once, in order."""
    seen: set[str] = set()
    for message in messages:
        if isinstance(message, Patch) and message.message_id not in seen:
            seen.add(message.message_id)
            yield message


def patch_mails(messages: Iterable[Message]) -> list[Patch]:
    """Return the patches and cover letters among messages, each Message-ID once, in order."""
    return list(iter_patch_mails(check_messages(messages)))


def group_series(
    messages: Iterable[Message],
    *,
    reviews: bool = True,
    revisions: bool = False,
    progress: Progress | None = None,
) -> list[Series]:
    """Return the series the patches among messages form, in order of first arrival.

    With ``reviews`` (the default), trailers that replies among messages give are attached to
    the patches they review as ``Patch.review_trailers`` (see kvmlist.grouping.review). With
    ``revisions``, each series' ``previous_id`` / ``next_id`` name the anchor Message-IDs of
    its earlier and later revisions (see kvmlist.grouping.revisions.with_revisions).
    ``progress`` (``tqdm`` for one) wraps the mails of the slow phase, the reading of
    replies for reviews, to show how far it is.
    """
    mails = list(check_messages(messages))
    groups = _with_pull_request_covers(_groups(patch_mails(mails)), mails)
    if reviews:
        groups = _with_reviews(groups, mails, progress)
    found = [_to_series(g) for g in groups]
    if revisions:
        from kvmlist.grouping.revisions import with_revisions

        found = with_revisions(found)
    return found


def _with_pull_request_covers(groups: list[Group], mails: list[Message]) -> list[Group]:
    """A mail that a coverless series' patches all answer becomes its cover letter when it is
    a pull request, or a "naked" cover: a new posting without a diff by the patches' sender
    (a ``(no subject)`` cover whose subject the sender forgot)."""
    answering: dict[str, list[Group]] = {}
    for group in groups:
        answered = _answered_in(group.key)
        if group.cover is None and answered is not None:
            answering.setdefault(answered, []).append(group)
    if not answering:
        return groups
    arrived: set[str] = set()
    for message in mails:
        candidates = answering.pop(message.message_id, [])
        if len(candidates) == 1 and _heads(message, candidates[0], arrived):
            group = candidates[0]
            total = max(p.total for p in group.members.values())
            group.cover = as_cover(message, version=_version(group), total=total)
        arrived.add(message.message_id)
    return groups


def _heads(message: Message, group: Group, arrived: set[str]) -> bool:
    """True when message, which every patch of group answers, is the group's cover letter:
    a pull request that arrived before them (Message-IDs in ``arrived``), by one of their
    people (the sender, whose patches name their authors in an in-body From), or a naked
    cover. A later mail reusing the Message-ID of a cover letter the archive lacks is not."""
    if message.kind == "pull":
        before = not any(p.message_id in arrived for p in group.members.values())
        return before and by_one_of(message, group.people)
    if message.kind != "other" or message.has_diff or message.parent_id is not None:
        return False
    sender = message.sender.email.lower() if message.sender else None
    return sender is not None and all(
        p.sender is not None and p.sender.email.lower() == sender for p in group.members.values()
    )


def _with_reviews(
    groups: list[Group], mails: list[Message], progress: Progress | None
) -> list[Group]:
    from kvmlist.grouping.review import collect_reviews

    series_of: dict[str, tuple[Patch, ...]] = {}
    for group in groups:
        members = tuple(p for _, p in sorted(group.members.items()))
        for patch in ((group.cover,) if group.cover else ()) + members:
            series_of[patch.message_id] = members
    found = collect_reviews(mails, series_of, progress=progress)
    for group in groups:
        for index, patch in group.members.items():
            group.members[index] = _reviewed(patch, found)
        group.replaced = [_reviewed(patch, found) for patch in group.replaced]
    return groups


def _reviewed(patch: Patch, found: dict[str, list[ReviewTrailer]]) -> Patch:
    given = found.get(patch.message_id)
    return patch.model_copy(update={"review_trailers": tuple(given)}) if given else patch


def _groups(patches: list[Patch]) -> list[Group]:
    """Return the groups patches form (rules 2-5 of the module docstring)."""
    patches = renumbered(patches)
    by_id = {p.message_id: p for p in patches}
    groups: list[Group] = []
    of_root: dict[str, dict[int, Group]] = {}  # by id, in order of creation
    of_work: dict[Work, list[Group]] = {}  # the groups holding a mail of that work (_work)
    roots = [_root(patch, by_id) for patch in patches]
    headed = _headed(patches, roots)
    for position, (patch, root) in enumerate(zip(patches, roots, strict=True)):
        work = _work(patch)
        tried = itertools.islice(of_root.get(root, {}).values(), ROOT_CANDIDATES)
        group = next((g for g in tried if g.takes(patch)), None)
        if group is None and _unthreaded(patch, root, by_id, headed):
            group = _fallback_group(patch, root, of_work.get(work, []), by_id)
        if group is None:
            group = Group(position, root)
            groups.append(group)
        group.add(patch)
        of_root.setdefault(root, {})[id(group)] = group
        holding = of_work.setdefault(work, [])
        if not holding or holding[-1] is not group:
            holding.append(group)
    groups_of_root = {root: list(keyed.values()) for root, keyed in of_root.items()}
    return _adopt_miscounting_covers(groups, groups_of_root, by_id)


def _adopt_miscounting_covers(
    groups: list[Group], groups_of_root: dict[str, list[Group]], by_id: dict[str, Patch]
) -> list[Group]:
    """Give a cover letter left without patches to the one coverless group that answers it
    and is its people's: patches of another total ("[PATCH v8 0/7]" over eight) or of another
    version ("[PATCH v8 0/9]" over "[PATCH v7 i/9]"). A cover that has patches of its own
    keeps only those."""
    replaced: dict[int, Group] = {}
    for key, keyed in groups_of_root.items():
        answered = _answered_in(key)
        cover = by_id.get(answered) if answered is not None else None
        if cover is None or not cover.is_cover:
            continue
        own = groups_of_root.get(cover.message_id, [])
        # of the same version; or of another ("v8 0/9" over "v7 i/9") when the cover has none
        candidates = [g for g in keyed if g.cover is None]
        lone = [g for g in own if g.cover is cover and not g.members]
        alone = len(lone) == 1 and not any(g.members for g in own)
        mine = len(candidates) == 1 and by_one_of(cover, candidates[0].people)
        if mine and alone and id(lone[0]) not in replaced:
            candidates[0].cover = cover
            replaced[id(lone[0])] = candidates[0]
    if not replaced:
        return groups
    moved = {id(g) for g in replaced.values()}
    result = []
    for group in groups:
        if id(group) in replaced:
            result.append(replaced[id(group)])
        elif id(group) not in moved:
            result.append(group)
    return result


def _version(group: Group) -> int:
    return max(p.version for p in group.members.values())


def _root(patch: Patch, by_id: dict[str, Patch]) -> str:
    """Return the key of patch's series: the top of its chain of compatible thread ancestors.

    A chain that ends at a numbered patch answering a mail that is not of its series (a
    ``[GIT PULL]``, a review comment, a cover letter that miscounts its patches) is keyed by
    that mail, version and total, so the patches sent in answer to one mail form one series
    whoever their authors are.
    """
    current, seen = patch, {patch.message_id}
    while not current.is_cover:
        anchor = _anchor(current, by_id)
        if anchor is None or anchor.message_id in seen:
            break
        seen.add(anchor.message_id)
        current = anchor
    answered = current.parent_id
    if current.is_cover or not current.numbered or answered is None:
        return current.message_id
    return f"{answered}{KEY_SEPARATOR}{current.version}{KEY_SEPARATOR}{current.total}"


def _answered_in(key: str) -> str | None:
    """Return the mail a series key of rule 2 names (see _root), None for a Message-ID key."""
    answered, separator, _ = key.partition(KEY_SEPARATOR)
    return answered if separator else None


def _anchor(patch: Patch, by_id: dict[str, Patch]) -> Patch | None:
    """Return the nearest message patch answers that belongs to the same series, or None."""
    ids = [patch.in_reply_to] if patch.in_reply_to else []
    ids.extend(reversed(patch.references))
    for ancestor_id in ids:
        ancestor = by_id.get(ancestor_id)
        if ancestor is not None and ancestor is not patch and _compatible(patch, ancestor):
            return ancestor
    return None


def _compatible(child: Patch, ancestor: Patch) -> bool:
    answers_cover = ancestor.is_cover and child.parent_id == ancestor.message_id
    if not child.numbered:
        return answers_cover and ancestor.total == 1  # "[RFC 0/1] x" over "[PATCH] x"
    if ancestor.total != child.total and not _added_later(child, ancestor):
        return False
    if not (ancestor.is_cover or ancestor.numbered):
        return False
    return ancestor.version == child.version or (child.version == 1 and ancestor.version > 1)


def _added_later(child: Patch, ancestor: Patch) -> bool:
    """``[PATCH v4 12/11]`` sent after an eleven-patch series by its author belongs to it,
    as he (and b4) mean it; the subject parser has raised its total to 12. One that
    somebody else adds (a reviewer's fix on top) is a patch of its own, in reply."""
    if not child.index == child.total > ancestor.total:
        return False
    said = re.search(rf"\b0*{child.index}\s*/\s*0*{ancestor.total}\b", child.subject)
    return said is not None and by_one_of(child, people_of(ancestor))


def _headed(patches: list[Patch], roots: list[str]) -> set[str]:
    """The Message-IDs of the cover letters that patches answer: where their chains end."""
    headed: set[str] = set()
    for patch, root in zip(patches, roots, strict=True):
        if not patch.is_cover:
            headed.add(_answered_in(root) or root)
    return headed


def _unthreaded(patch: Patch, root: str, by_id: dict[str, Patch], headed: set[str]) -> bool:
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


def _fallback_group(
    patch: Patch, root: str, holding: list[Group], by_id: dict[str, Patch]
) -> Group | None:
    """Return the latest group of the same sender, version, total and tags dated near
    patch that has room for it (a cover letter: patches that answer no other mail, an
    absent one or another cover letter; a patch answering a mail of no series: none
    answering another such mail). ``holding`` lists the groups holding a mail of patch's
    work; the latest FALLBACK_CANDIDATES are tried."""
    window = _fallback_window(patch.total)
    answered = _answered_in(root)
    tried = sorted(set(holding[-FALLBACK_CANDIDATES:]), key=lambda g: g.first_seen)
    for group in reversed(tried):
        first = group.cover or next(iter(group.members.values()), None)
        if first is None or not _same_work(first, patch):
            continue
        if patch.is_cover and (_answered_in(group.key) is not None or by_id[group.key].is_cover):
            continue  # its patches answer another cover letter (one the archive lacks): theirs
        if answered is not None and _answered_in(group.key) not in (None, answered):
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
    return _work(a) == _work(b)


def _work(patch: Patch) -> Work:
    """What mails of one posting share: who sent it (identity_key: a relay's people apart),
    version, total and subject tags. Its sender, not its author: a maintainer posts patches
    of several people (in-body From lines) in one run."""
    poster = patch.sender or patch.author
    who = identity_key(poster) if poster else None
    return (who, patch.version, patch.total, subject_tags(patch))


def _to_series(group: Group) -> Series:
    cover = group.cover
    version = _series_version(group)
    patches = tuple(_at_version(p, version) for _, p in sorted(group.members.items()))
    replaced = tuple(_at_version(p, version) for p in group.replaced)
    total = _total(cover, patches)
    if cover is not None:
        cover = _relayed_cover(cover, patches + replaced)
    return Series(version=version, total=total, cover=cover, patches=patches, replaced=replaced)


def _relayed_cover(cover: Patch, patches: tuple[Patch, ...]) -> Patch:
    """A cover letter a relay sent for its patches' one author, credited to that author
    (rule 6): without an in-body From, from the address all its patches came from, under a
    "Jane Doe via GitGitGadget" name whose "Jane Doe" every patch's in-body From names, at
    one address. The patches already credit her: this claims nothing they do not."""
    sender = cover.sender
    name = relayed_name(sender) if sender is not None and cover.author == sender else None
    if sender is None or name is None or not patches:
        return cover
    authors = {address_of(p.author) for p in patches}
    if len(authors) != 1 or None in authors:
        return cover
    for patch in patches:
        named = folded_name(patch.author.name) if patch.author is not None else None
        if address_of(patch.sender) != address_of(sender) or named != folded_name(name):
            return cover
    return cover.model_copy(update={"author": patches[0].author})


def _series_version(group: Group) -> int:
    """The cover letter's version; but a cover that gives none (v1) over patches that all
    give one ("[PATCH 0/2]" over "[PATCH v6 i/2]") forgot it: theirs."""
    versions = {p.version for p in group.members.values()}
    if group.cover is None:
        return max(versions)
    if group.cover.version == 1 and len(versions) == 1:
        return versions.pop()
    return group.cover.version


def _at_version(patch: Patch, version: int) -> Patch:
    return patch if patch.version == version else patch.model_copy(update={"version": version})


def _total(cover: Patch | None, patches: tuple[Patch, ...]) -> int:
    """Return a series' total: the largest count any of its mails gives, so that a cover
    that undercounts its patches ("0/2" over three) makes no patch missing or extra; but the
    patches' own count when they all give one and are all there, so that a cover that
    overcounts them ("00/13" over twelve saying "/12") makes none missing either."""
    counts = {p.total for p in patches}
    if cover is not None and len(counts) == 1:
        stated = counts.pop()
        if stated < cover.total and {p.index for p in patches} >= set(range(1, stated + 1)):
            return stated
    return max([p.total for p in patches] + ([cover.total] if cover else []) + [len(patches)])
