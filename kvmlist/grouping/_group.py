"""One series while it is being grouped: its cover letter, its patches by index, the
patches point revisions replaced and RESENDs of one of its patches (see
kvmlist.grouping.series, rule 3), and its people."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from kvmlist.models import Message, Patch, Person
from kvmlist.parse.addresses import identity_key
from kvmlist.parse.subject import RE_POINT_VERSION


class Group:
    """The patches of one series as they are grouped: cover, members by index, replaced, and
    ``addresses``: the senders of its mails (addresses_of)."""

    __slots__ = (
        "addresses", "cover", "first_date", "first_seen", "key", "last_date", "members", "replaced",
    )  # fmt: skip

    def __init__(self, first_seen: int, key: str) -> None:
        self.key = key
        self.cover: Patch | None = None
        self.members: dict[int, Patch] = {}
        self.replaced: list[Patch] = []
        self.first_seen = first_seen
        self.first_date: datetime | None = None
        self.last_date: datetime | None = None
        self.addresses: set[str] = set()

    def add(self, patch: Patch) -> None:
        """Add patch; of two at one index, the higher point revision keeps it."""
        self.addresses.update(addresses_of(patch))
        if patch.date and (self.last_date is None or patch.date > self.last_date):
            self.last_date = patch.date
        if patch.date and (self.first_date is None or patch.date < self.first_date):
            self.first_date = patch.date
        if patch.is_cover:
            self.cover = patch
        elif patch.index in self.members:
            held = self.members[patch.index]
            if _point(patch) > _point(held):
                self.members[patch.index], patch = patch, held
            self.replaced.append(patch)
        else:
            self.members[patch.index] = patch

    def mails(self) -> list[Patch]:
        """Every mail the group holds: cover letter, patches, replaced ones."""
        return ([self.cover] if self.cover else []) + [*self.members.values(), *self.replaced]

    def takes(self, patch: Patch) -> bool:
        """True when patch has room here (a free index, or one a point revision shares, or a
        RESEND answering the patch it sends again) and was sent from one of its addresses
        (by_one_of): a stranger's patch, point revision or cover letter takes no place in
        somebody else's series, so the series and its ``to_mbox`` stay theirs."""
        if patch.is_cover:
            room = self.cover is None
        else:
            held = self.members.get(patch.index)
            room = held is None or (held.version == patch.version and _beside(patch, held))
        return room and by_one_of(patch, self.addresses)


def address_of(person: Person | None) -> str | None:
    """A person's address as addresses compare (in any case), None for nobody."""
    return person.email.lower() if person is not None else None


def addresses_of(mail: Message) -> tuple[str, ...]:
    """The address a mail counts among its series' people's: its sender's (identity_key: a
    relay's sender with the name it relays for). Not its in-body From, which the sender
    writes: a series a stranger's mail started, naming Jane there, is not Jane's."""
    return (identity_key(mail.sender),) if mail.sender is not None else ()


def by_one_of(mail: Message, addresses: Collection[str]) -> bool:
    """Whether mail was sent from one of addresses (see addresses_of), case aside: the
    sender's address, as the parser un-munges it. Neither its display name nor its in-body
    From counts: anybody may write "Jane Doe" or "From: Jane Doe <jane@arm.com>", so only
    who sent it may take a place in a series (a slot, a point revision, a RESEND, its cover)."""
    return mail.sender is not None and identity_key(mail.sender) in addresses


def subject_tags(patch: Patch) -> frozenset[str]:
    """A mail's subject tags (RFC, RESEND, ``net-next``), but a point version (rule 3)."""
    return frozenset(t.casefold() for t in patch.prefixes if not RE_POINT_VERSION.fullmatch(t))


def _beside(patch: Patch, held: Patch) -> bool:
    """Whether patch may share held's index: one of them is a point revision, or patch is a
    RESEND of held, in answer to it (``[PATCH v3 RESEND 4/7]`` answering v3's 4/7), which
    held keeps."""
    resent = patch.is_resend and patch.parent_id == held.message_id
    return resent or _point(held) != _point(patch)


def _point(patch: Patch) -> int:
    """The point of a point revision (1 for ``[PATCH v4.1 4/4]``), 0 for a plain patch."""
    for prefix in patch.prefixes:
        point = RE_POINT_VERSION.fullmatch(prefix)
        if point is not None and int(point.group("version")) == patch.version:
            return int(prefix.rpartition(".")[2])
    return 0
