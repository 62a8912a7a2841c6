"""What the statistics count, defined once: a review credited to a reviewer, and a mail that
answers a series (docs/review.md, "What counts").

>>> credited_kind(trailer, mailmap)   # "reviewed", "acked", "tested" or None
>>> answers(reply, own_people(series))
>>> is_review_work(reply, by_id, posting_ids(mails))

review_stats, review_economy, stalled, subsystems, the dashboard and the DataFrames ask here.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Container, Iterable, Mapping, Sequence

from kvmlist.analysis.identities import Mailmap
from kvmlist.grouping.answered import answered_among
from kvmlist.grouping.threads import thread_senders
from kvmlist.models import Message, Person, ReviewTrailer, Series
from kvmlist.parse.subject import parse_subject

#: The kinds of mail a reply answers as review work: a posting (docs/review.md, "What counts").
POSTING_KINDS = frozenset({"patch", "cover", "pull"})
#: What b4's "thank you" notice puts before the subject of the series it applied part of.
B4_SUBSET = "(subset) "

#: The review kind each part of a key before "-by" (split at "-and-") names.
KIND_OF_WORD = {
    "reviewed": "reviewed",
    "reviwed": "reviewed",  # misspelt on kvmarm (5 tags): the parser takes any "-by" key
    "acked": "acked",
    "tested": "tested",
    "regression-tested": "tested",
}
#: The review kinds, strongest first: a compound key counts as the first it names.
REVIEW_KINDS = ("reviewed", "acked", "tested")
#: A robot's name or address local part: kernel test robot (also sent from its people's
#: addresses, oliver.sang@intel.com), kbuild test robot <lkp@>, syzbot, syzbot ci,
#: patchwork-bot+netdevbpf, pr-tracker-bot, bugzilla-daemon, no-reply@patchew.org.
#: Matches "robot", "lkp-robot", "tip-bot2"; not "Talbot", "Abbott" or "robotics".
RE_ROBOT = re.compile(
    r"(?<![a-z0-9])(?:(?:ro|syz|bug)?bot\d*|lkp|daemon|no-?reply)(?![a-z])"
)  # fmt: skip
#: A word of an address local part that CI systems sign with (address only: "Ci" is a
#: surname, "Jenkins" too): patchwork@emeril.freedesktop.org (intel-gfx CI), ci_notify@linaro.org,
#: cki-project@redhat.com, iwl-ci@, linux-ci@, buildbot@, jenkins@, kernelci@, lkft@linaro.org.
#: A dot does not delimit one ("ci.zhang", "rob.jenkins" are people's); "cisco" holds none.
RE_CI_WORD = re.compile(
    r"(?<![a-z0-9.])(?:ci|cki|kernelci|lkft|patchwork|buildbot|jenkins)(?![a-z0-9.])"
)  # fmt: skip
# Ci | Jenkins | Smith   (a word of a sender's name)
RE_NAME_WORD = re.compile(r"[^\W\d_]+")


def review_kind(key: str) -> str | None:
    """Return the review kind a trailer key names ("reviewed", "acked", "tested"), or None.

    Case does not matter; a compound ("Reviewed-and-tested-by") counts once, as the strongest
    kind it names; a known misspelling ("Reviwed-by") as the key it means."""
    key = key.lower()
    if not key.endswith("-by"):
        return None
    kinds = {KIND_OF_WORD.get(word) for word in key[: -len("-by")].split("-and-")}
    return next((kind for kind in REVIEW_KINDS if kind in kinds), None)


def credited_kind(
    trailer: ReviewTrailer, mailmap: Mailmap | None = None, *, author: Person | None = None
) -> str | None:
    """Return the review kind a reply's trailer is credited as, or None: a review key naming
    a person who is the reply's sender (not a ``mismatch``, or one the mailmap makes the
    same person: robrev@gmail.com sending "Reviewed-by: Rob Rev <rob@arm.com>"), no robot
    (syzbot ci's "Tested-by: syzbot@" is a test result, not somebody's review), and not the
    ``author`` of the patch it was given on (nobody reviews their own patch)."""
    kind = review_kind(trailer.key)
    if kind is None or trailer.person is None or is_robot(trailer.person):
        return None
    if trailer.given_by is not None and is_robot(trailer.given_by):
        return None
    if trailer.mismatch and not (
        trailer.given_by is not None
        and mailmap is not None
        and same_address(trailer.person, trailer.given_by, mailmap)
    ):
        return None
    if author is not None and same_address(trailer.person, author, mailmap):
        return None
    return kind


def same_address(one: Person, other: Person, mailmap: Mailmap | None = None) -> bool:
    """True when two people are one by address (case folded), after the mailmap if given: a
    review tag's person and its sender or the patch's author (docs/identities.md, "Three
    rules for the same person")."""
    if mailmap is not None:
        one, other = mailmap.resolve(one), mailmap.resolve(other)
    return one.email.lower() == other.email.lower()


def is_robot(person: Person) -> bool:
    """True when a name or address is a robot's (RE_ROBOT), or the address a CI system's
    (RE_CI_WORD) and that word no part of a person's name ("Ci Zhang <zhang_ci@...>")."""
    local = person.email.lower().partition("@")[0]
    if RE_ROBOT.search(local) or RE_ROBOT.search(person.name.lower()):
        return True
    word = RE_CI_WORD.search(local)
    return word is not None and not _names_a_person(person.name, word.group())


def _names_a_person(name: str, word: str) -> bool:
    """True when a name holds word as a person's name part, capitalised ("Ci", "Jenkins"),
    beside a word that is no CI word ("Ci Zhang"; not "Jenkins CI", "Jenkins", "Linaro CI")."""
    words, capitalised = RE_NAME_WORD.findall(name), word.capitalize()
    if capitalised not in words:
        return False
    others = (other for other in words if other != capitalised)
    return any(RE_CI_WORD.fullmatch(other.lower()) is None for other in others)


def own_people(one: Series) -> frozenset[str]:
    """Return the lower-cased addresses of a series' own people: its author (the first mail's
    in-body From; a relayed cover letter's, its patches' author) and the sender of each of
    its mails. A co-author of one patch is not one:
    their review of the others is an answer."""
    people = [one.author, *(m.sender for m in one.messages)]
    return frozenset(p.email.lower() for p in people if p is not None)


def from_robot(mail: Message) -> bool:
    """True for a robot's mail: a robot report (kind "robot") or a robot sender (RE_ROBOT)."""
    return mail.kind == "robot" or (mail.sender is not None and is_robot(mail.sender))


def answers(mail: Message, own: Collection[str]) -> bool:
    """True when a mail in a series' thread answers it: sent by none of its own people and by
    no robot (an author's "ping" and a build robot's report are no answer)."""
    if mail.sender is None or from_robot(mail):
        return False
    return mail.sender.email.lower() not in own


def posting_ids(mails: Iterable[Message]) -> frozenset[str]:
    """Return the Message-IDs of the postings among mails: patches, cover letters, pulls."""
    return frozenset(m.message_id for m in mails if m.kind in POSTING_KINDS)


def is_review_work(reply: Message, by_id: Mapping[str, Message], postings: Container[str]) -> bool:
    """True when a reply is review work (docs/review.md, "Units"), as b4 and patchwork read
    only a patch's thread: its subject names a patch or a pull request (``Re: [PATCH ...]``,
    ``Re: [iwl-net v2] ...``, b4's ``Re: (subset) [PATCH ...]``), even when the posting is not
    in the archive (a week's window cuts threads); or it answers one of ``postings``: its
    In-Reply-To or References name one, or its thread climbs to one
    (kvmlist.grouping.answered.answered_among). Spam answering spam, talk under a bug report
    are not."""
    info = parse_subject(reply.subject.replace(B4_SUBSET, "", 1))
    if info.is_patch or info.versioned or info.is_pull_request:
        return True
    if reply.in_reply_to in postings or any(ref in postings for ref in reply.references):
        return True
    return answered_among(reply, by_id, postings) is not None


def answerers(found: Sequence[Series], mails: Iterable[Message]) -> list[set[str]]:
    """Return, per series, the addresses of the people who answered it in its thread (a mail
    whose In-Reply-To or References name one of its mails)."""
    senders = thread_senders(found, [m for m in mails if not from_robot(m)])
    return [addresses - own_people(one) for one, addresses in zip(found, senders, strict=True)]
