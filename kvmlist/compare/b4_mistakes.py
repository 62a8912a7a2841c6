"""Where b4 is known to misread a thread: the rules by which the b4 comparison counts a
difference apart (``oracle_wrong``) rather than against kvmlist.

Each rule is a b4 behaviour seen on real lists and checked narrowly, so that a kvmlist mistake
mixed into the same difference still counts against kvmlist (docs/fidelity.md gives an example
Message-ID of each):

* a DMARC-munged sender ("X via list"): b4 reads the list's address as the author, and drops
  the reviews of replies whose From it cannot match to their trailers;
* a reply whose In-Reply-To names a mail missing from the thread: b4 skips it ("Can't find
  the message we're replying to"), kvmlist follows its References;
* a ``format=flowed`` reply whose mailer soft-broke a trailer's line (``Closes: `` then the
  URL): b4 reads the text as sent, so the trailer is none for it;
* "Assuming new revision": b4 numbers an unversioned resend by the same author as v2, v3...;
* "duplicate messages found at index N ... assume additional patch": b4 moves one of two mails
  that claim one index (a stray ``[PATCH]``, a ``[PATCH v4.1 4/4]``, a stable-team notice) to
  a position no subject gives;
* a cover letter that overcounts its patches ("0/6" over 1..5/5, all there): b4 takes the
  cover's count and calls a patch missing that was never sent;
* b4 is fed one thread at a time (as ``b4 am`` fetches it): a series kvmlist joins across
  threads (patches not threaded to their cover) is only a part for b4;
* b4 credits a review the trailers of a fix posted as a reply in the patch's sub-thread (its
  Signed-off-by, Fixes, Closes), and the trailers given in answer to that fix;
* b4 reads no scope: a trailer after "For 1-3:" or "For the whole series:" goes, for b4, to
  the mail the reply answers (every patch, under a cover letter);
* a stable script's poster's From stacked over the author's ("From: Greg", a blank line,
  "From: Andrew Scull"): b4 (git am) credits the poster, whom the stable tree does not;
* git format-patch output pasted below a note (a v3 changelog): b4 (git am) reads only the
  top of the body, credits the sender and takes the note and the pasted header lines for
  the commit message;
* a trailer with the blanks git allows around its colon (``Reviewed-by : x``,
  ``Fixes:0123abcd``, ``Closes:https://...``): b4 wants ``Key: value`` and reads none, in a
  patch or in a reply;
* an indented ``Key: value`` line right under a line of a reply's prose (a numbered list's
  ``1. kcov: ...`` + ``   Link: <url>``): b4 reads it as a trailer given to the patch.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kvmlist.compare.values import norm
from kvmlist.grouping.answered import MAX_CLIMB
from kvmlist.models import Message, Patch, ReviewTrailer, Series
from kvmlist.parse.reply import RE_FIXES_OPEN, RE_PERSON_KEY, UTILITY_KEYS, trailers_of
from kvmlist.parse.trailers import parse_trailer_line

# Changes in v3: ...\nFrom 0123abcd... Mon Sep 17 00:00:00 2001\nFrom: Jane <jane@example.org>
# (git format-patch output below a note: the separator line, then the author's From)
RE_PASTED_FROM = re.compile(
    r"\n>?From [0-9a-f]{40} Mon Sep 17 00:00:00 2001[ \t]*\nFrom: ?([^\n]*)"
)
# A trailer line as b4 0.16 reads it (LoreMessage.find_trailers): a blank after the colon,
# none before, any indent
RE_B4_TRAILER = re.compile(r"^\s*(\w\S+):\s+(\S.*)")
# A line git may read as a trailer that RE_B4_TRAILER refuses (a cheap look before parsing)
RE_BLANK_COLON = re.compile(r"^[\w-]+(?:[ \t]+:|:(?=\S))", re.M)
# An indented line b4 reads as a trailer (a cheap look before the line above is checked)
RE_INDENTED_KEY = re.compile(r"^[ \t]+\w\S*:[ \t]+\S", re.M)

#: A trailer as compared: lower-cased key, value as both tools mean it (see values.norm).
Pair = tuple[str, str]


@dataclass(frozen=True)
class Context:
    """What the b4 comparison knows about the archive to recognise b4's known mistakes."""

    #: Replies whose sender was DMARC-munged (b4 matches their trailers against the list).
    munged: frozenset[str] = frozenset()
    #: Replies whose In-Reply-To names a mail not in the archive (b4 skips their trailers).
    orphans: frozenset[str] = frozenset()
    #: Per mail, the trailers of the fixes posted as replies below it and of the replies
    #: answering those fixes (what b4 credits to it, and kvmlist, rightly, does not).
    fix_trailers: dict[str, set[Pair]] = field(default_factory=dict)
    #: The thread (as the harness cut the archive for b4) each Message-ID is in.
    thread_of: dict[str, int] = field(default_factory=dict)
    #: Replies that name the patches a trailer is for ("For 1-3:"; b4 reads no such scope).
    scoped: frozenset[str] = frozenset()
    #: Per patch mail, the scoped trailers of the replies answering it (b4 credits them there).
    scoped_under: dict[str, set[Pair]] = field(default_factory=dict)
    #: (reply, key, value) of the trailers a flowed reply soft-broke (b4 reads no such line).
    soft_broken: frozenset[tuple[str, str, str]] = frozenset()
    #: (reply, key, value as compared) of the trailers written with the blanks git allows
    #: around the colon, which b4 does not (``Reviewed-by : x``).
    blank_colon: frozenset[tuple[str, str, str]] = frozenset()
    #: Per patch mail, the indented ``Key: value`` lines under prose in the replies answering
    #: it: b4 reads them as trailers given to it, kvmlist as the prose they carry on.
    under_prose: dict[str, set[Pair]] = field(default_factory=dict)


def context_of(mails: Sequence[Message], threads: Sequence[Sequence[Message]]) -> Context:
    """Return the Context of an archive's mails, cut into ``threads`` as b4 is given them."""
    scoped, scoped_under = _scopes(mails)
    return Context(
        munged=frozenset(m.message_id for m in mails if m.kind == "reply" and was_munged(m)),
        orphans=_orphans(mails),
        fix_trailers=_fix_trailers(mails),
        thread_of={m.message_id: at for at, thread in enumerate(threads) for m in thread},
        scoped=frozenset(scoped),
        scoped_under=scoped_under,
        soft_broken=_soft_broken(mails),
        blank_colon=_blank_colon_reviews(mails),
        under_prose=_under_prose(mails),
    )


def was_munged(message: Message) -> bool:
    """True when kvmlist un-munged the mail's sender (the header From is "X via list")."""
    return any(defect.kind == "dmarc-unmunged" for defect in message.defects)


def passed_over_poster(message: Message) -> bool:
    """True when kvmlist took the author's in-body From stacked under the poster's, which git
    am (and so b4) takes (the defect stacked-in-body-from)."""
    return any(defect.kind == "stacked-in-body-from" for defect in message.defects)


def read_below_note(patch: Patch, text: str) -> bool:
    """True when ``text`` (a body, or the commit message git made of it) holds git
    format-patch output below a note and kvmlist's author is that output's From: git am reads
    only the top of the body, so it credits the sender and keeps the note and the pasted
    header lines in the commit message, where kvmlist reads the patch from them."""
    found = RE_PASTED_FROM.search(text.replace("\r\n", "\n").lstrip())  # git keeps CRLF
    if found is None or patch.author is None:
        return False
    return email.utils.parseaddr(found[1])[1].lower() == patch.author.email.lower()


def missed_for_blanks(ours: set[Pair], theirs: set[Pair], body: str) -> bool:
    """True when b4's trailers of a patch are kvmlist's but for some that ``body`` writes with
    the blanks git allows around the colon, which b4 reads no trailer from."""
    extra = ours - theirs
    return bool(extra) and theirs <= ours and extra <= _blank_colon_trailers(body)


def _blank_colon_trailers(body: str) -> set[Pair]:
    """The trailers of ``body``'s lines that git reads and b4 does not."""
    found = set()
    for line in body.splitlines():
        if line.startswith(">") or RE_B4_TRAILER.match(line):
            continue
        parsed = parse_trailer_line(line)
        if parsed is not None:
            found.add((parsed[0].lower(), norm(parsed[1])))
    return found


def guessed_revision(lser: Any, own: Sequence[Any]) -> bool:
    """b4's "Assuming new revision": a version above 1 that no subject of the series states."""
    unversioned = bool(own) and all(getattr(m, "revision_inferred", False) for m in own)
    return lser.revision > 1 and not lser.has_cover and unversioned


def moved_aside(lser: Any, own: Sequence[Any], series: Series) -> bool:
    """True when b4 filed a mail at a position its subject does not give (two mails claimed
    one index) and, by their subjects, b4's mails claim exactly kvmlist's indices."""
    moved = any(m is not None and m.counter != at for at, m in enumerate(lser.patches) if at)
    claimed = {m.counter for m in own}
    return moved and claimed == {p.index for p in series.patches}


def stated_total(own: Sequence[Any]) -> int:
    """The largest count the subjects of b4's mails give (b4 raises it per mail moved aside)."""
    return max((m.expected for m in own), default=0)


def overcounting_cover(lser: Any, series: Series) -> bool:
    """True when b4's total is the count of a cover letter that overcounts its patches:
    they all give kvmlist's total, and all of them are there."""
    cover = series.cover
    stated = {p.total for p in series.patches} == {series.total}
    return (
        cover is not None
        and lser.expected == cover.total > series.total
        and stated
        and series.complete
    )


def split_by_thread(own: Sequence[Any], series: Series, context: Context) -> bool:
    """True when kvmlist's series spans threads and b4, given one, saw only its part of it."""
    ours = {m.message_id for m in series.messages}
    threads = {context.thread_of.get(mid) for mid in ours}
    return len(threads) > 1 and all(m.msgid in ours for m in own)


def misread_reviews(
    given: set[Pair],
    theirs: set[Pair],
    kept: Iterable[ReviewTrailer],
    context: Context,
    reviewed: Iterable[str],
) -> bool:
    """True when b4's reviews differ from kvmlist's only by b4's known mistakes: trailers it
    dropped (see _b4_drops), and trailers it credited that kvmlist rightly does not: of fixes
    posted in the sub-thread of the ``reviewed`` mails (the patch and its cover letter), or
    scoped by their reply to other patches."""
    dropped = [t for t in kept if (t.key.lower(), norm(t.value)) not in theirs]
    credited: set[Pair] = set()
    for message_id in reviewed:
        credited |= context.fix_trailers.get(message_id, set())
        credited |= context.scoped_under.get(message_id, set())
        credited |= context.under_prose.get(message_id, set())
    added = theirs - given
    if not dropped and not added:
        return False
    return added <= credited and all(_b4_drops(t, context) for t in dropped)


def _b4_drops(trailer: ReviewTrailer, context: Context) -> bool:
    """True when b4 drops a reply's trailer kvmlist keeps: the reply's sender was munged, its
    In-Reply-To is not in the archive, its flowed text broke the trailer's line, its line has
    the blanks git allows around the colon, or the trailer names the sender by another
    address and b4, which then wants the very same name, finds it written otherwise ("Huang
    Shijie" sent by "Shijie Huang"; a sender whose name is its address), where kvmlist
    accepts every word of the name."""
    if trailer.given_in in (context.munged | context.orphans | context.scoped):
        return True
    if (trailer.given_in, trailer.key, trailer.value) in context.soft_broken:
        return True
    if (trailer.given_in, trailer.key.lower(), norm(trailer.value)) in context.blank_colon:
        return True
    person, sender = trailer.person, trailer.given_by
    if person is None or sender is None:
        return False
    other_address = person.email.lower() != sender.email.lower()
    return other_address and (person.name or "").lower() != (sender.name or "").lower()


def _soft_broken(mails: Sequence[Message]) -> frozenset[tuple[str, str, str]]:
    """The trailers of replies labelled ``format=flowed`` whose line, as sent, ends in the
    space of a soft break before the value is complete (kvmlist joins the lines, RFC 3676;
    b4 reads the text as sent)."""
    found = set()
    for reply in mails:
        if reply.kind != "reply" or b"flowed" not in reply.raw:
            continue
        parts = email.message_from_bytes(reply.raw, policy=email.policy.default).walk()
        broken = [
            line
            for part in parts
            if part.get_content_type() == "text/plain" and part.get_param("format") == "flowed"
            for line in part.get_content().splitlines()
            if line.endswith(" ") and not line.startswith(">")
        ]
        for trailer in trailers_of(reply) if broken else ():
            whole = f"{trailer.key}: {trailer.value}"
            if any(whole.startswith(line) and whole != line.rstrip() for line in broken):
                found.add((reply.message_id, trailer.key, trailer.value))
    return frozenset(found)


def _blank_colon_reviews(mails: Sequence[Message]) -> frozenset[tuple[str, str, str]]:
    """(reply, key, value as compared) of the review trailers written with the blanks git
    allows around the colon (``Reviewed-by : x``), which b4 reads no trailer from."""
    found = set()
    for reply in mails:
        if reply.kind != "reply" or RE_BLANK_COLON.search(reply.body) is None:
            continue
        missed = _blank_colon_trailers(reply.body)
        for trailer in trailers_of(reply) if missed else ():
            pair = (trailer.key.lower(), norm(trailer.value))
            if pair in missed:
                found.add((reply.message_id, *pair))
    return frozenset(found)


def _under_prose(mails: Sequence[Message]) -> dict[str, set[Pair]]:
    """Per patch mail, what b4 reads as trailers in the indented ``Key: value`` lines right
    under a line of prose (no trailer, not quoted, introducing nothing with a ":") of the
    replies answering it, where kvmlist gives no trailer."""
    by_id = {m.message_id: m for m in mails}
    under: dict[str, set[Pair]] = {}
    for reply in mails:
        if reply.kind != "reply" or RE_INDENTED_KEY.search(reply.body) is None:
            continue
        lines = reply.body.splitlines()
        pairs = set()
        for above, line in itertools.pairwise(lines):
            read = RE_B4_TRAILER.match(line) if line[:1] in (" ", "\t") else None
            prose = bool(above.strip()) and above[:1] != ">" and not above.rstrip().endswith(":")
            if read is not None and prose and RE_B4_TRAILER.match(above) is None:
                pairs.add((read[1].lower(), norm(read[2])))
        pairs -= {(t.key.lower(), norm(t.value)) for t in trailers_of(reply)}
        patch = _patch_answered(reply, by_id) if pairs else None
        if patch is not None:
            under.setdefault(patch.message_id, set()).update(pairs)
    return under


def _patch_answered(reply: Message, by_id: dict[str, Message]) -> Message | None:
    """The patch mail (patch or cover letter) a reply answers, climbing through replies."""
    current: Message | None = reply
    for _ in range(MAX_CLIMB):
        current = by_id.get(current.parent_id) if current and current.parent_id else None
        if current is None or isinstance(current, Patch):
            break
    return current


def _orphans(mails: Sequence[Message]) -> frozenset[str]:
    """The replies whose In-Reply-To names a mail not among mails."""
    ids = {m.message_id for m in mails}
    return frozenset(
        m.message_id
        for m in mails
        if m.kind == "reply" and m.in_reply_to and m.in_reply_to not in ids
    )


def _scopes(mails: Sequence[Message]) -> tuple[set[str], dict[str, set[Pair]]]:
    """The replies whose trailers name their patches ("For 1-3:"), and their trailers per
    patch mail (patch or cover letter) b4 gives them to."""
    by_id = {m.message_id: m for m in mails}
    scoped: set[str] = set()
    under: dict[str, set[Pair]] = {}
    for reply in mails:
        if reply.kind != "reply" or "-by:" not in reply.body.lower():
            continue
        pairs = {
            (t.key.lower(), norm(t.value))
            for t in trailers_of(reply)
            if t.patches or t.whole_series
        }
        if not pairs:
            continue
        scoped.add(reply.message_id)
        current = _patch_answered(reply, by_id)
        if current is not None:
            under.setdefault(current.message_id, set()).update(pairs)
    return scoped, under


def _fix_trailers(mails: Sequence[Message]) -> dict[str, set[Pair]]:
    """Per mail, the trailers given at or below the fixes posted as replies under it."""
    by_id = {m.message_id: m for m in mails}
    found: dict[str, set[Pair]] = {}
    for reply in mails:
        if reply.kind != "reply":
            continue
        below_fix, current, trailers = reply.has_diff, reply, None
        for _ in range(MAX_CLIMB):
            parent = by_id.get(current.parent_id) if current.parent_id else None
            if parent is None:
                break
            if below_fix:
                if trailers is None:
                    trailers = _trailers_b4_reads(reply)
                found.setdefault(parent.message_id, set()).update(trailers)
            below_fix = below_fix or (parent.kind == "reply" and parent.has_diff)
            current = parent
    return found


def _trailers_b4_reads(reply: Message) -> set[Pair]:
    """The trailers of a reply as b4 reads them: for a fix, every unquoted trailer line,
    those of a complete patch the mail carries below its text included."""
    if not reply.has_diff:
        return {(t.key.lower(), norm(t.value)) for t in trailers_of(reply)}
    found = set()
    lines = reply.body.splitlines()
    for at, line in enumerate(lines):
        if RE_FIXES_OPEN.match(line) and at + 1 < len(lines):  # wrapped by the mailer
            line = f"{line} {lines[at + 1].strip()}"
        parsed = None if line.startswith(">") else parse_trailer_line(line)
        if parsed is not None:
            key, value = parsed
            if RE_PERSON_KEY.fullmatch(key) or key.lower() in UTILITY_KEYS:
                found.add((key.lower(), norm(value)))
    return found
