"""Cover letters that grouping by thread leaves apart from their patches (rules 2 and 6 of
kvmlist.grouping.series): one that miscounts them, a pull request or a "naked" cover that a
coverless series answers, and a cover a relay sent, credited to its patches' author."""

from __future__ import annotations

from kvmlist.grouping._group import Group, address_of, by_one_of
from kvmlist.grouping._threaded import answered_in
from kvmlist.models import Message, Patch
from kvmlist.parse.addresses import folded_name, relayed_name
from kvmlist.parse.message import as_cover


def with_pull_request_covers(groups: list[Group], mails: list[Message]) -> list[Group]:
    """A mail that a coverless series' patches all answer becomes its cover letter when it is
    a pull request, or a "naked" cover: a new posting without a diff by the patches' sender
    (a ``(no subject)`` cover whose subject the sender forgot)."""
    answering: dict[str, list[Group]] = {}
    for group in groups:
        answered = answered_in(group.key)
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
        return before and by_one_of(message, group.addresses)
    if message.kind != "other" or message.has_diff or message.parent_id is not None:
        return False
    sender = message.sender.email.lower() if message.sender else None
    return sender is not None and all(
        p.sender is not None and p.sender.email.lower() == sender for p in group.members.values()
    )


def adopt_miscounting_covers(
    groups: list[Group], groups_of_root: dict[str, list[Group]], by_id: dict[str, Patch]
) -> list[Group]:
    """Give a cover letter left without patches to the one coverless group that answers it
    and is its people's: patches of another total ("[PATCH v8 0/7]" over eight) or of another
    version ("[PATCH v8 0/9]" over "[PATCH v7 i/9]"). A cover that has patches of its own
    keeps only those."""
    replaced: dict[int, Group] = {}
    for key, keyed in groups_of_root.items():
        answered = answered_in(key)
        cover = by_id.get(answered) if answered is not None else None
        if cover is None or not cover.is_cover:
            continue
        own = groups_of_root.get(cover.message_id, [])
        # of the same version; or of another ("v8 0/9" over "v7 i/9") when the cover has none
        candidates = [g for g in keyed if g.cover is None]
        lone = [g for g in own if g.cover is cover and not g.members]
        alone = len(lone) == 1 and not any(g.members for g in own)
        mine = len(candidates) == 1 and by_one_of(cover, candidates[0].addresses)
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


def relayed_cover(cover: Patch, patches: tuple[Patch, ...]) -> Patch:
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
