"""Differential testing against b4: the same mails through b4's LoreMailbox and through kvmlist.

b4 works on one thread at a time (what ``b4 am <msgid>`` fetches), so every thread of the
archive that holds a patch goes into a fresh ``b4.LoreMailbox``, offline and with the user's
git/b4 configuration hidden. kvmlist groups the whole archive at once, as a user would. Each
b4 series is then matched to the kvmlist series sharing most of its patch mails and the two
are compared field by field (see :data:`FIELDS`). Needs ``kvmlist[b4]``.

>>> result = compare_with_b4(kvmlist.read_mbox("kvmarm.mboxrd.xz"))
>>> result.agreement()["trailers"]
99.9...
"""

from __future__ import annotations

import contextlib
import email.header
import email.utils
import logging
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from kvmlist.compare.b4_mistakes import (
    Context,
    context_of,
    guessed_revision,
    misread_reviews,
    missed_for_blanks,
    moved_aside,
    overcounting_cover,
    passed_over_poster,
    read_below_note,
    split_by_thread,
    stated_total,
    was_munged,
)
from kvmlist.compare.result import Comparison
from kvmlist.compare.values import norm as _norm
from kvmlist.errors import MissingExtraError
from kvmlist.grouping.review import Progress
from kvmlist.grouping.series import group_series
from kvmlist.grouping.threads import threads_of
from kvmlist.models import Message, Patch, Series


def compare_with_b4(messages: Iterable[Message], *, progress: Progress | None = None) -> Comparison:
    """Compare kvmlist's series, authors and trailers with b4's on the same messages, both
    ways: b4 series kvmlist has no counterpart for (``b4_only``) and kvmlist series no b4
    series matched (``kvmlist_only``) are counted too.

    ``progress`` (``tqdm`` for one) wraps the threads as b4 goes through them, the long part.
    """
    b4 = _b4()
    mails = _first_of_each_id(messages)
    ours = group_series(mails)
    by_patch = {p.message_id: s for s in ours for p in s.messages}
    result = Comparison()
    matched: set[int] = set()
    threads = threads_of(mails)
    context = context_of(mails, threads)
    with _isolated(b4):
        for thread in progress(threads) if progress else threads:
            if not any(isinstance(m, Patch) or m.has_diff for m in thread):
                continue  # b4 makes series of mails with a diff (or covers of such)
            result.threads += 1
            for lser in _b4_series(b4, thread, result.b4_failed):
                _compare_series(b4, lser, by_patch, result, matched, context)
    result.kvmlist_only = [s.anchor_id or "?" for s in ours if s.patches and id(s) not in matched]
    return result


def _compare_series(
    b4: Any,
    lser: Any,
    by_patch: dict[str, Series],
    result: Comparison,
    matched: set[int],
    context: Context,
) -> None:
    own = _own_patches(lser)
    counterpart = Counter(id(by_patch[m.msgid]) for m in own if m.msgid in by_patch)
    if not counterpart:
        result.b4_only.append(own[0].msgid if own else "?")
        return
    best = counterpart.most_common(1)[0][0]
    matched.add(best)
    series = next(by_patch[m.msgid] for m in own if id(by_patch.get(m.msgid)) == best)
    anchor = (series.cover or series.patches[0]).message_id
    result.series += 1
    guessed = guessed_revision(lser, own)
    result.record("version", anchor, series.version, lser.revision, wrong=guessed)
    apart = split_by_thread(own, series, context)
    moved = apart or moved_aside(lser, own, series)
    total_moved = apart or (moved and series.total == stated_total(own))
    overcounted = overcounting_cover(lser, series)
    result.record("total", anchor, series.total, lser.expected, wrong=total_moved or overcounted)
    positions = [at for at, m in enumerate(lser.patches) if at and any(m is o for o in own)]
    result.record("indices", anchor, [p.index for p in series.patches], positions, wrong=moved)
    cover = lser.patches[0] if lser.has_cover else None
    result.record(
        "cover",
        anchor,
        series.cover.message_id if series.cover else None,
        cover.msgid if cover is not None else None,
        wrong=apart,
    )
    cover_reviews = _reviews(b4, cover) if cover is not None else set()
    mine = {p.message_id: p for p in series.patches + series.replaced}
    for lmsg in own:
        patch = mine.get(lmsg.msgid)
        if patch is None:
            continue
        name, address = _b4_author(lmsg)
        author = patch.author
        # b4 (git am) credits a munged sender, a stable poster, the sender of a pasted patch
        munged = was_munged(patch) or passed_over_poster(patch) or read_below_note(patch, lmsg.body)
        ours = author.email.lower() if author else ""
        result.record("author", lmsg.msgid, ours, address, wrong=munged)
        result.record("author_name", lmsg.msgid, author.name if author else "", name, wrong=munged)
        trailers, theirs = _trailer_set(patch.trailers), _b4_own_trailers(b4, lmsg)
        spaced = missed_for_blanks(trailers, theirs, lmsg.body)
        result.record("trailers", lmsg.msgid, trailers, theirs, wrong=spaced)
        kept = [t for t in patch.review_trailers if not t.mismatch]
        given = {(t.key.lower(), _norm(t.value)) for t in kept}
        theirs = _reviews(b4, lmsg) | cover_reviews
        reviewed = (lmsg.msgid, cover.msgid if cover is not None else "")
        wrong = misread_reviews(given, theirs, kept, context, reviewed)
        result.record("reviews", lmsg.msgid, given, theirs, wrong=wrong)


def _own_patches(lser: Any) -> list[Any]:
    """b4's patch mails of this revision, without those copied from an earlier one."""
    return [
        m
        for m in lser.patches[1:]
        if m is not None and m.reroll_from_revision in (None, lser.revision)
    ]


def _b4_series(b4: Any, thread: list[Message], rejected: list[str]) -> Iterator[Any]:
    """b4's series of a thread; the mails b4 refuses (it raises on them) go to ``rejected``."""
    mailbox = b4.LoreMailbox()
    for message in thread:
        try:
            mailbox.add_message(email.message_from_bytes(message.raw, policy=b4.emlpolicy))
        except Exception:  # b4 stops the whole thread here; we only leave this mail out
            rejected.append(message.message_id)
    for revision in sorted(mailbox.series):
        lser = mailbox.get_series(revision, codereview_trailers=False)
        if lser is not None:
            yield lser


def _b4_author(lmsg: Any) -> tuple[str, str]:
    """The author ``b4 am`` gives git: the header From, unless the body starts with a From line.

    b4 hands the body to ``git am``, whose mailinfo takes an in-body ``From:`` on the first
    line as the author; b4 itself reads only the header.
    """
    first = lmsg.body.lstrip("\n").split("\n", 1)[0]
    if first.lower().startswith("from:"):
        name, address = email.utils.parseaddr(_decoded(first[5:].strip()))
        if address:
            return name or address, address.lower()
    return lmsg.fromname, lmsg.fromemail.lower()


def _decoded(value: str) -> str:
    return str(email.header.make_header(email.header.decode_header(value)))


def _b4_own_trailers(b4: Any, lmsg: Any) -> set[tuple[str, str]]:
    trailers = b4.LoreMessage.get_body_parts(lmsg.body)[2]
    return {(t.lname, _norm(t.value)) for t in trailers}


def _reviews(b4: Any, lmsg: Any) -> set[tuple[str, str]]:
    return {(t.lname, _norm(t.value)) for t in lmsg.followup_trailers}


def _trailer_set(trailers: Iterable[Any]) -> set[tuple[str, str]]:
    return {(t.key.lower(), _norm(t.value)) for t in trailers}


def _first_of_each_id(messages: Iterable[Message]) -> list[Message]:
    seen: set[str] = set()
    kept = []
    for message in messages:
        if message.message_id not in seen:
            seen.add(message.message_id)
            kept.append(message)
    return kept


def _b4() -> Any:
    try:
        import b4
    except ImportError:
        raise MissingExtraError("compare_with_b4 needs b4: pip install 'kvmlist[b4]'") from None
    return b4


@contextlib.contextmanager
def _isolated(b4: Any) -> Iterator[None]:
    """b4 offline, quiet, and blind to the user's git and b4 configuration."""
    saved_env = {k: os.environ.get(k) for k in ("GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM")}
    saved_network, saved_config = b4.can_network, b4.MAIN_CONFIG
    logger = logging.getLogger("b4")
    saved_level = logger.level
    os.environ["GIT_CONFIG_GLOBAL"] = os.devnull
    os.environ["GIT_CONFIG_NOSYSTEM"] = "1"
    b4.can_network = False
    b4.MAIN_CONFIG = None
    logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        b4.can_network, b4.MAIN_CONFIG = saved_network, saved_config
        logger.setLevel(saved_level)
