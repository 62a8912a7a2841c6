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
   patches of its version and by its people answer is their cover letter (see
   grouping._threaded and grouping._covers); so is a ``[PATCH]`` mail without a diff that
   at least two unnumbered ``[PATCH]`` patches from its sender answer within minutes
   (``git format-patch --no-numbered --cover-letter``): they are numbered as dated (see
   grouping._numbers).
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
   that patches answer heads them, arriving before or after them, and never joins another
   (see grouping._unthreaded). A mail no series takes joins the series of the patch mail
   right before it, at a free place only, when its Message-ID names the same posting (git
   send-email's, git format-patch's or b4's scheme), of the same version, total and tags,
   threaded nowhere else, where neither carries a List-Id or a Received stamp: ``b4 am`` and
   ``git format-patch`` files put each patch's author in From, not its sender; in a delivered
   mail a Message-ID is anybody's to copy (see grouping._postings).
5. Anything else (an unnumbered ``[PATCH]``) is a series of one.
6. A cover letter that a relay sent for one person (GitGitGadget: every mail From ``"Jane
   Doe via GitGitGadget" <gitgitgadget@gmail.com>``, the patches with an in-body From, the
   cover letter without) is credited to its patches' author when all of them name the
   person the cover's name does, at one address, and came from the cover's address (see
   grouping._covers).
Series come out in order of their first arrival.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator

from kvmlist._arguments import check_messages
from kvmlist.grouping._covers import (
    adopt_miscounting_covers,
    relayed_cover,
    with_pull_request_covers,
)
from kvmlist.grouping._group import Group
from kvmlist.grouping._numbers import renumbered
from kvmlist.grouping._postings import posting_group
from kvmlist.grouping._threaded import root_of
from kvmlist.grouping._unthreaded import Work, covers_answered, fallback_group, unthreaded, work_of
from kvmlist.grouping.review import Progress
from kvmlist.models import Message, Patch, ReviewTrailer, Series

#: How many series of one thread root a mail tries to join, the first ones (a root with
#: more is a flood of patches answering one mail: each starts a series of its own).
ROOT_CANDIDATES = 64


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
    the patches they review as ``Patch.review_trailers`` (see kvmlist.grouping.review), each
    patch and cover letter marked ``reviews_read`` (none found is then none given). With
    ``revisions``, each series' ``previous_id`` / ``next_id`` name the anchor Message-IDs of
    its earlier and later revisions (see kvmlist.grouping.revisions.with_revisions).
    ``progress`` (``tqdm`` for one) wraps the mails of the slow phase, the reading of
    replies for reviews, to show how far it is.
    """
    mails = list(check_messages(messages))
    groups = with_pull_request_covers(_groups(patch_mails(mails)), mails)
    if reviews:
        groups = _with_reviews(groups, mails, progress)
    found = [_to_series(g) for g in groups]
    if revisions:
        from kvmlist.grouping.revisions import with_revisions

        found = with_revisions(found)
    return found


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
        group.cover = _reviewed(group.cover, found) if group.cover else None
    return groups


def _reviewed(patch: Patch, found: dict[str, list[ReviewTrailer]]) -> Patch:
    """The patch as read for reviews: ``reviews_read``, with the trailers found for it."""
    given = tuple(found.get(patch.message_id, ()))
    return patch.model_copy(update={"review_trailers": given, "reviews_read": True})


def _groups(patches: list[Patch]) -> list[Group]:
    """Return the groups patches form (rules 2-5 of the module docstring)."""
    patches = renumbered(patches)
    by_id = {p.message_id: p for p in patches}
    groups: list[Group] = []
    of_root: dict[str, dict[int, Group]] = {}  # by id, in order of creation
    of_work: dict[Work, list[Group]] = {}  # the groups holding a mail of that work (work_of)
    roots = [root_of(patch, by_id) for patch in patches]
    headed = covers_answered(patches, roots)
    previous: tuple[Patch, Group] | None = None
    for position, (patch, root) in enumerate(zip(patches, roots, strict=True)):
        work = work_of(patch)
        tried = itertools.islice(of_root.get(root, {}).values(), ROOT_CANDIDATES)
        group = next((g for g in tried if g.takes(patch)), None)
        if group is None and unthreaded(patch, root, by_id, headed):
            group = fallback_group(patch, root, of_work.get(work, []), by_id)
        if group is None and previous is not None:
            group = posting_group(patch, root, *previous)
        if group is None:
            group = Group(position, root)
            groups.append(group)
        group.add(patch)
        previous = (patch, group)
        of_root.setdefault(root, {})[id(group)] = group
        holding = of_work.setdefault(work, [])
        if not holding or holding[-1] is not group:
            holding.append(group)
    groups_of_root = {root: list(keyed.values()) for root, keyed in of_root.items()}
    return adopt_miscounting_covers(groups, groups_of_root, by_id)


def _to_series(group: Group) -> Series:
    cover = group.cover
    version = _series_version(group)
    patches = tuple(_at_version(p, version) for _, p in sorted(group.members.items()))
    replaced = tuple(_at_version(p, version) for p in group.replaced)
    total = _total(cover, patches)
    if cover is not None:
        cover = relayed_cover(cover, patches + replaced)
    return Series(version=version, total=total, cover=cover, patches=patches, replaced=replaced)


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
