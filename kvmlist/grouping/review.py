"""Trailers given in replies: ``Reviewed-by:`` under a patch applies to it; under a cover
letter, to every patch of the series; after "For 1-3:", to those patches of the series. See
docs/review.md for the rules and their limits.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

from kvmlist.grouping.answered import MAX_CLIMB, parent_in
from kvmlist.models import Message, Patch, Person, ReviewTrailer
from kvmlist.parse.addresses import same_mailbox
from kvmlist.parse.reply import GivenTrailer, trailers_of

RE_NAME_WORD = re.compile(r"\w+")
# (Intel)   |   (A Contingent worker at Intel)   (what a name says beside the person's name)
RE_PARENTHESISED = re.compile(r"\([^()]*\)")
#: The distinct trailers a reply gives (the first ones): under a cover letter each goes to
#: every patch. The three corpora's replies give at most 5.
MAX_REPLY_TRAILERS = 100
#: Trailers that say who wrote a change, not who reviewed it.
AUTHORSHIP_KEYS = frozenset({"signed-off-by", "co-developed-by", "from"})
#: Wraps the items a long phase goes through to show how far it is; ``tqdm`` is one.
Progress = Callable[[Iterable[Any]], Iterable[Any]]
M = TypeVar("M", bound=Message)
#: What makes two trailers one (see _identity).
Identity = tuple[str, str, str]


def reply_trailers(reply: Message) -> Iterator[ReviewTrailer]:
    """Yield the trailers a reply gives in its own text (quoted lines and signature skipped),
    each key for each person (or value, for utility keys) once, however often it is written.

    A reply that carries a diff posts a fix of its own: its sign-offs and utility trailers
    (Fixes, Link) belong to that fix, not to the patch it answers."""
    return (trailer for _, trailer in _given(reply))


def _given(reply: Message) -> Iterator[tuple[tuple[GivenTrailer, ...], ReviewTrailer]]:
    """The trailers of reply_trailers, each with every way the reply wrote it (and so its
    scopes: "For 1:" and "For 2:" above the same tag give it to both). A copy naming its
    sender replaces one that does not (the same address under another name). The first
    MAX_REPLY_TRAILERS distinct trailers only."""
    kept: dict[Identity, ReviewTrailer] = {}
    ways: dict[Identity, dict[object, GivenTrailer]] = {}
    for given, trailer in _written(reply):
        identity = _identity(trailer)
        if identity not in kept and len(kept) == MAX_REPLY_TRAILERS:
            continue  # a list of reviewers no real reply writes: P patches x T trailers
        _keep(kept, trailer)
        ways.setdefault(identity, {}).setdefault((given.patches, given.whole_series), given)
    for identity, trailer in kept.items():
        yield tuple(ways[identity].values()), trailer


def _written(reply: Message) -> Iterator[tuple[GivenTrailer, ReviewTrailer]]:
    """Each trailer line of the reply's own text, with what it wrote (and its scope)."""
    for given in trailers_of(reply):
        if reply.has_diff and (given.person is None or given.key.lower() in AUTHORSHIP_KEYS):
            continue
        if given.person is None:
            yield given, ReviewTrailer(
                key=given.key, value=given.value, given_in=reply.message_id,
                given_by=reply.sender,
            )  # fmt: skip
            continue
        mismatch = reply.sender is None or not same_person(given.person, reply.sender)
        yield given, ReviewTrailer(
            key=given.key, value=given.value, person=given.person, given_in=reply.message_id,
            given_by=reply.sender, mismatch=mismatch,
        )  # fmt: skip


def _identity(trailer: ReviewTrailer) -> Identity:
    """What makes two trailers one: the key (any case) and the person's address (any case),
    or the value for a utility key (Fixes, Link) that names nobody."""
    if trailer.person is not None:
        return trailer.key.lower(), "person", trailer.person.email.lower()
    return trailer.key.lower(), "value", trailer.value


def _scoped(
    given: GivenTrailer, targets: tuple[Patch, ...], series: tuple[Patch, ...]
) -> tuple[Patch, ...]:
    """Return the patches a trailer goes to: those of the series its reply names right above
    it ("For 1-3:", "For the whole series:") when they are all in the series, else the
    patches the reply answers (``targets``)."""
    if given.whole_series:
        return series
    total = max((p.total for p in series), default=0)
    if given.patches and all(1 <= number <= total for number in given.patches):
        return tuple(p for p in series if p.index in given.patches)
    return targets


def same_person(named: Person, sender: Person) -> bool:
    """The trailer names the reply's sender: the same address (a "+tag" aside), or the same
    name written from another address ("Marc Zyngier <maz@kernel.org>" sent from
    maz@misterjones.org; "Alexander Graf" from "Graf (AWS), Alexander"; "Huang Shijie" from
    "Shijie Huang"). The same name, not one holding its words: "Marc Zyngier Fan Club" is
    somebody else.

    Only trailers take a name as the person: on the three corpora 101 credits rest on it, a
    third from addresses sharing neither local part nor domain (gmail and the employer's), so
    no address rule keeps them (docs/review.md). Revisions and retractions go by address."""
    if same_mailbox(named, sender):
        return True
    words = _name_words(named.name)
    return bool(words) and words == _name_words(sender.name)


def _name_words(name: str | None) -> frozenset[str]:
    """The words of a name in any order, case and accents aside, without what parentheses
    add ("Peter Zijlstra (Intel)", "Jane Doe (A Contingent worker at Intel)"); a name that
    is an address (some mailers write one) counts by its local part."""
    if not name:
        return frozenset()
    name = RE_PARENTHESISED.sub(" ", name.partition("@")[0]).casefold()
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return frozenset(RE_NAME_WORD.findall(plain))


def by_message_id(mails: Iterable[M]) -> dict[str, M]:
    """Return the mails by Message-ID, each id's first one: a later mail with an id seen
    before (a re-delivery, a mailer reusing ids) is left out, as grouping rule 1 says."""
    found: dict[str, M] = {}
    for mail in mails:
        found.setdefault(mail.message_id, mail)
    return found


def review_targets(
    reply: Message, by_id: Mapping[str, Message], series_of: Mapping[str, tuple[Patch, ...]]
) -> tuple[Patch, ...]:
    """Return the patches a reply's trailers apply to: the patch it answers (climbing through
    replies to replies, through :func:`parent_in`), or every patch of the series when it
    answers the cover letter.

    The climb stops at a reply that carries a diff: a fix posted in a sub-thread (often weeks
    later) is what the replies under it review, not the original patch."""
    current: Message | None = reply
    for _ in range(MAX_CLIMB):
        parent_id = parent_in(current, by_id) if current else None
        current = by_id.get(parent_id) if parent_id else None
        if current is None or (current.has_diff and not isinstance(current, Patch)):
            return ()
        if isinstance(current, Patch):
            if current.is_cover:
                return series_of.get(current.message_id, ())
            return (current,)
    return ()


def collect_reviews(
    messages: Iterable[Message],
    series_of: dict[str, tuple[Patch, ...]],
    *,
    progress: Progress | None = None,
) -> dict[str, list[ReviewTrailer]]:
    """Return review trailers per patch Message-ID, from every reply among messages.

    ``progress`` (``tqdm`` for one) wraps the list of mails as they are read.
    """
    mails = list(messages)
    by_id = by_message_id(mails)
    reviews: dict[str, dict[Identity, ReviewTrailer]] = {}
    for reply in progress(mails) if progress else mails:
        if reply.kind != "reply" or by_id[reply.message_id] is not reply:
            continue  # a later copy of an id: its first mail gives the trailers
        targets = review_targets(reply, by_id, series_of)
        if not targets:  # decode bodies only if needed
            continue
        series = series_of.get(targets[0].message_id, targets)
        for ways, trailer in _given(reply):
            patches = {p.message_id: p for way in ways for p in _scoped(way, targets, series)}
            for message_id in patches:
                _keep(reviews.setdefault(message_id, {}), trailer)
    return {message_id: list(kept.values()) for message_id, kept in reviews.items()}


def _keep(given: dict[Identity, ReviewTrailer], trailer: ReviewTrailer) -> None:
    """Add trailer to a patch's ``given`` (by _identity) unless it is there already; the
    reviewer's own trailer replaces a copy someone else forwarded ("Reviewed-by: X" relayed
    by a maintainer, then X's own)."""
    other = given.setdefault(_identity(trailer), trailer)
    if other.mismatch and not trailer.mismatch:
        given[_identity(trailer)] = trailer
