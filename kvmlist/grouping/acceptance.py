"""Maintainers' "applied" notices: who applied which patch, to which tree, as which commit.

kvmlist.parse.notice reads the notices in the unquoted text of a reply (docs/review.md
has the rules): a classic notice or sentence (``Applied to kvmarm/next, thanks!``), a
listing of titles and commits (b4's thank-you mail, the patchwork and tip bots), or the
stable trees' note.

:func:`acceptance_of` maps these notices onto series: which patches of each series were applied.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache, partial
from itertools import pairwise
from typing import TYPE_CHECKING

from kvmlist._arguments import check_messages
from kvmlist.grouping.answered import ThreadLink, answered_among
from kvmlist.grouping.retraction import Withdrawal, withdrawal_of, withdrawals, withdrawn
from kvmlist.grouping.review import by_message_id
from kvmlist.models import Message, Patch, Person, Series
from kvmlist.parse.addresses import same_mailbox
from kvmlist.parse.content import bot_notice_of, sent_by_bot
from kvmlist.parse.notice import applied_notice, noticed_patch

if TYPE_CHECKING:  # the landed package runs git; acceptance only reads its results
    from kvmlist.grouping.landed.model import LandedMap


#: The entries of one listing that count: a real one lists tens; those past it are ignored
#: (each is matched against the archive's titles).
MAX_LISTED = 1000


@dataclass(frozen=True, slots=True)
class Acceptance:
    """One patch acknowledged as applied."""

    title: str
    applied_by: Person | None
    tree: str | None
    commit: str | None
    message_id: str  # of the notice; for a landed patch, the patch's own
    how: str = "notice"  # or how kvmlist.grouping.landed found the commit: link, patch-id...
    #: the patch numbers the notice names ("Queued patches 1-5"), and those it leaves out
    #: ("apart from patch 12"): which patches of the series it answers it applies to
    #: (kept sorted, each once)
    numbers: tuple[int, ...] = ()
    left_out: tuple[int, ...] = ()
    #: the ``[index/total]`` a b4 listing gave the patch (as posted; its title may differ)
    listed_as: tuple[int, int] | None = None
    #: whether the notice opens with thanks for what ("Thanks for the patch, applied.")
    thanked_for: bool = False
    #: whether the notice's line thanks at all ("Applied, thanks.")
    thanks: bool = False
    #: whether it says only some patches were applied, not which (Notice.partial): it
    #: names the patch it answers, never the whole series
    partial: bool = False

    def __post_init__(self) -> None:
        for name in ("numbers", "left_out"):  # sorted, each once: names() bisects them
            given = getattr(self, name)
            if any(a >= b for a, b in pairwise(given)):
                object.__setattr__(self, name, tuple(sorted(set(given))))

    def names(self, index: int, total: int = 0) -> bool:
        """Whether the notice applies to the patch at index of the series of ``total`` it
        answers (all patches but those it leaves out, or only those it names; a negative
        number counts from the end: -1 is the last)."""
        from_end = index - total - 1 if total else 0
        if self.numbers and not (_among(index, self.numbers) or _among(from_end, self.numbers)):
            return False
        return not (_among(index, self.left_out) or _among(from_end, self.left_out))


def _among(index: int, numbers: tuple[int, ...]) -> bool:
    """Whether index is one of sorted numbers: a bisection, as "Applied patches 1001-9999"
    names thousands, asked once per patch of the series."""
    at = bisect_left(numbers, index)
    return at < len(numbers) and numbers[at] == index


@dataclass(frozen=True, slots=True)
class SeriesAcceptance:
    """Which patches of one series were applied: patch Message-ID -> the Acceptance naming it."""

    anchor_id: str
    patch_ids: tuple[str, ...]  # every patch of the series, in index order
    applied: dict[str, Acceptance] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """True when every patch of the series was applied."""
        return all(patch_id in self.applied for patch_id in self.patch_ids)

    @property
    def trees(self) -> tuple[str, ...]:
        """The trees named, in patch order, each once."""
        trees = (self.applied[p].tree for p in self.patch_ids if p in self.applied)
        return tuple(dict.fromkeys(t for t in trees if t))

    @property
    def commits(self) -> tuple[str, ...]:
        """The commits named (b4 thank-you mails name them), in patch order."""
        commits = (self.applied[p].commit for p in self.patch_ids if p in self.applied)
        return tuple(c for c in commits if c)

    def of(self, patch: Patch) -> Acceptance | None:
        """Return the Acceptance of one patch of the series, or None when it was not applied."""
        return self.applied.get(patch.message_id)


def find_acceptances(messages: Iterable[Message]) -> Iterator[Acceptance]:
    """Yield an Acceptance per patch that a reply among messages says was applied."""
    titles: dict[str, str] = {}
    links: dict[str, ThreadLink] = {}  # the mails so far, for the climb to the patch answered
    for message in check_messages(messages):
        link = links.setdefault(message.message_id, ThreadLink.of(message))
        if isinstance(message, Patch):
            titles[message.message_id] = message.title
        if message.kind == "reply":
            answered = answered_among(link, links, titles)
            title = titles.get(answered or "", "")
            yield from acceptances_in(message, title, answers_patch=bool(title))


def acceptances_in(
    message: Message, title: str = "", *, answers_patch: bool = False
) -> Iterator[Acceptance]:
    """Yield what one reply says was applied; ``title`` is that of the patch it answers
    (kvmlist.grouping.answered.answered_among), which a classic notice names (else the
    title of the reply's subject). A commit the notice names ("Applied as 0123456789ab")
    is that patch's, as a listing's entry: only when it answers one (``answers_patch``)."""
    notice = applied_notice(message.body, message.sender, message.subject)
    if notice is None:
        return
    applied_by = notice.applied_by or message.sender
    if notice.listed:
        for entry in notice.listed[:MAX_LISTED]:
            numbered = (entry.number, entry.total) if entry.number and entry.total else None
            yield Acceptance(
                entry.title, applied_by, notice.tree, entry.commit, message.message_id,
                listed_as=numbered,
            )  # fmt: skip
        return
    named = notice.commit if answers_patch and not (notice.numbers or notice.left_out) else None
    yield Acceptance(
        title or message.subject_title,
        applied_by,
        notice.tree,
        named,
        message.message_id,
        numbers=notice.numbers,
        left_out=notice.left_out,
        thanked_for=notice.thanked_for,
        thanks=notice.thanks,
        partial=notice.partial,
    )


def acceptance_of(
    series: Iterable[Series], messages: Iterable[Message], *, landed: LandedMap | None = None
) -> dict[str, SeriesAcceptance]:
    """Return, per series anchor Message-ID, which of its patches replies say were applied.

    With ``landed`` (:func:`kvmlist.grouping.landed.find_landed` on the tree), a patch found
    in the tree is applied as its commit says (``how`` tells the tier, ``commit`` the sha,
    ``applied_by`` is None); notices still count for the patches the tree does not have.

    A notice applies to the series it answers (climbing through replies): a b4 listing to the
    patches of that series with the titles it lists (none having one: the patch it answers
    itself), a classic notice to the patch it answers or, under a cover letter, to every
    patch. A notice outside any series' thread is matched
    by title to the latest series that has such a patch. The first notice of a patch wins,
    unless its sender took the patch back in a later reply ("I dropped this series from
    mm-new": kvmlist.grouping.retraction); series without an applied patch are left out.
    """
    ordered = [s for s in series if s.anchor_id is not None]
    by_id = by_message_id(messages)
    applied: list[dict[str, Acceptance]] = [{} for _ in ordered]
    if landed is not None:
        for at, one in enumerate(ordered):
            applied[at] |= _landed(one, landed)
    noticed, taken_back = _noticed(ordered, by_id)
    for at, patches in enumerate(noticed):
        for patch_id, acceptances in patches.items():
            kept = _kept(acceptances, taken_back.get(patch_id, ()), by_id)
            if kept is not None:
                applied[at].setdefault(patch_id, kept)
    return {
        str(one.anchor_id): SeriesAcceptance(
            str(one.anchor_id), tuple(p.message_id for p in one.patches), applied[at]
        )
        for at, one in enumerate(ordered)
        if applied[at]
    }


def withdrawn_notices(series: Iterable[Series], messages: Iterable[Message]) -> set[str]:
    """Return the Message-IDs of the notices whose every acceptance its sender took back
    (as :func:`acceptance_of` cancels them): no longer acceptances."""
    by_id = by_message_id(messages)
    if not any(withdrawal_of(reply) for reply in by_id.values()):
        return set()  # most archives: no notice to map again
    ordered = [s for s in series if s.anchor_id is not None]
    noticed, taken_back = _noticed(ordered, by_id)
    kept: set[str] = set()
    cancelled: set[str] = set()
    for patches in noticed:
        for patch_id, acceptances in patches.items():
            for acceptance in acceptances:
                gone = _kept([acceptance], taken_back.get(patch_id, ()), by_id) is None
                (cancelled if gone else kept).add(acceptance.message_id)
    return cancelled - kept


def _noticed(
    ordered: list[Series], by_id: dict[str, Message]
) -> tuple[list[dict[str, list[Acceptance]]], dict[str, list[Withdrawal]]]:
    """Per series, each patch's acceptances in archive order; per patch, its withdrawals."""
    owner = {m.message_id: at for at, one in enumerate(ordered) for m in one.messages}
    titles = {m.message_id: m.title for one in ordered for m in one.messages}
    patch_ids = {p.message_id for one in ordered for p in one.patches}
    noticed: list[dict[str, list[Acceptance]]] = [{} for _ in ordered]
    titled = cache(partial(_titles_of, ordered))  # built once, if a notice is off-thread
    for reply in by_id.values():  # a notice delivered twice is one
        if reply.kind == "robot":
            bot = bot_notice_of(reply.subject, reply.body)
            if bot in (None, "ci") or not sent_by_bot(bot, reply.sender):
                continue  # a robot's report or verdict, or a script's note in another's name
            for at, patch, acceptance in _noticed_postings(reply, ordered):
                noticed[at].setdefault(patch.message_id, []).append(acceptance)
            continue
        if reply.kind != "reply":
            continue
        answered = answered_among(reply, by_id, owner)
        title, answers_patch = titles.get(answered or "", ""), answered in patch_ids
        for acceptance in acceptances_in(reply, title, answers_patch=answers_patch):
            found = _applied_patches(acceptance, answered, ordered, owner, reply.parent_id, titled)
            for at, patch in found:
                if not _own_without_tree(acceptance, reply, ordered[at]):
                    noticed[at].setdefault(patch.message_id, []).append(acceptance)
    return noticed, withdrawals(by_id.values(), by_id, ordered, owner)


def _own_without_tree(acceptance: Acceptance, reply: Message, one: Series) -> bool:
    """Whether a notice that thanks is the series' own author's and names neither tree nor
    commit: "Applied, thanks." or "Thanks for the fix, applied." is as often the author
    taking a reviewer's fix into their branch or next version as applying it; an author
    applying their own series so names the tree (or says it without thanks: "I finally
    merged this.")."""
    if not (acceptance.thanks or acceptance.thanked_for) or acceptance.tree or acceptance.commit:
        return False
    if reply.sender is None:
        return False
    posted_by = (one.author, one.first.sender if one.first is not None else None)
    return any(p is not None and same_mailbox(reply.sender, p) for p in posted_by)


def _kept(
    acceptances: list[Acceptance], taken_back: Iterable[Withdrawal], by_id: dict[str, Message]
) -> Acceptance | None:
    """The first of a patch's acceptances that no later withdrawal by its sender cancels."""
    for acceptance in acceptances:
        notice = by_id.get(acceptance.message_id)
        date = notice.plausible_date if notice is not None else None
        if not withdrawn(acceptance.applied_by, date, taken_back):
            return acceptance
    return None


def _noticed_postings(
    notice: Message, ordered: list[Series]
) -> Iterator[tuple[int, Patch, Acceptance]]:
    """The posting a script's notice threaded to nothing applies (a hook's, from a trusted
    pusher: content.sent_by_bot): the latest patch of the title its quoted patch (or
    commit) has, by the author that one names, dated before the notice."""
    head = noticed_patch(notice.subject, notice.body)
    if head is None or notice.date is None:
        return
    title, author = head
    for acceptance in acceptances_in(notice):
        for at in range(len(ordered) - 1, -1, -1):
            for patch in ordered[at].patches:
                if (
                    _fold(patch.title) == _fold(title)
                    and patch.author is not None
                    and patch.author.email.lower() == author.email.lower()
                    and patch.date is not None
                    and patch.date < notice.date
                ):
                    yield at, patch, replace(acceptance, title=patch.title)
                    return


def _landed(one: Series, landed: LandedMap) -> dict[str, Acceptance]:
    """Return the acceptances of the series' patches that landed in the tree."""
    found = {}
    for patch in one.patches:
        landing = landed.of(patch.message_id)
        if landing is not None:
            found[patch.message_id] = Acceptance(
                patch.title, None, None, landing.commit, patch.message_id, landing.how
            )
    return found


def _applied_patches(
    acceptance: Acceptance,
    answered: str | None,
    ordered: list[Series],
    owner: dict[str, int],
    parent: str | None = None,
    titled: Callable[[], _Titles] | None = None,
) -> Iterator[tuple[int, Patch]]:
    """The patches an acceptance names: ``answered`` is the mail of a series the notice
    answers (through replies), ``parent`` the mail it answers itself."""
    if answered is not None:
        at = owner[answered]
        one = ordered[at]
        if acceptance.commit is None and (acceptance.numbers or acceptance.left_out):
            chosen = [p for p in one.patches if acceptance.names(p.index, one.total)]
        elif acceptance.commit is None:  # a classic notice: the patch answered, or the series
            chosen = [p for p in one.patches if p.message_id == answered]
            chosen = chosen or ([] if acceptance.partial else list(one.patches))
        else:  # a listing: its patches by title, else (a title reworded) by the number it
            # was posted as, in a series of that many, else the patch it answers itself (a
            # notice under a patch posted in a patch's thread names that one)
            chosen = [p for p in one.patches if _fold(p.title) == _fold(acceptance.title)]
            numbered = acceptance.listed_as
            if not chosen and numbered is not None and numbered[1] == one.total:
                chosen = [p for p in one.patches if p.index == numbered[0]]
            chosen = chosen or [p for p in one.patches if p.message_id == parent]
        yield from ((at, p) for p in chosen)
        return
    index = titled() if titled is not None else _titles_of(ordered)
    title = _fold(acceptance.title)
    whole = index.series.get(title, -1) if acceptance.commit is None else -1
    at, patch = index.patches.get(title, (-1, None))
    if whole >= 0 and whole >= at:  # the latest series so titled, before one with the patch
        yield from ((whole, p) for p in ordered[whole].patches)
    elif patch is not None:
        yield at, patch


@dataclass(frozen=True, slots=True)
class _Titles:
    """The series by folded title, and by the folded title of a patch of theirs: the latest."""

    series: dict[str, int]
    patches: dict[str, tuple[int, Patch]]


def _titles_of(ordered: list[Series]) -> _Titles:
    series: dict[str, int] = {}
    patches: dict[str, tuple[int, Patch]] = {}
    for at, one in enumerate(ordered):
        series[_fold(one.title)] = at
        for patch in reversed(one.patches):  # the series' first patch so titled
            patches[_fold(patch.title)] = (at, patch)
    return _Titles(series, patches)


def _fold(title: str) -> str:
    return " ".join(title.casefold().split())
