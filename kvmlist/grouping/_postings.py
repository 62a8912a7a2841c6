"""Mails of one posting whose header From differs (rule 4 of kvmlist.grouping.series): in the
mbox files ``b4 am`` and ``git format-patch`` write, each patch's author is in From (what
``git am`` reads), not who sent the series; the Message-IDs still name the one posting.

Only in such files: they carry no List-Id and no Received stamp, while every mail a list
delivered carries the list's List-Id (lore keeps it; vger, Mailman and Google Groups add it)
and every mail a server delivered a Received (a maintainer's copy sent to her directly has no
List-Id). In a delivered mail the sender chose the Message-ID, so a copied one would make a
stranger the author of a victim's cover letter or missing patch."""

from __future__ import annotations

import re

from kvmlist.grouping._group import Group, subject_tags
from kvmlist.models import Patch
from kvmlist.parse.headers import split_raw
from kvmlist.parse.mime import normalise_newlines

#: git send-email: ``<20190617221134.9930-2-f.fainelli@gmail.com>``, its run's date and
#: process, the mail's number in the run (a cover letter is 1), the sender's address.
RE_SEND_EMAIL = re.compile(r"(\d{14}\.\d+)-(\d+)-(.+)")
#: git format-patch: ``<cover.1796676744.git.jane@example.org>``, ``<sha.1796676744.git...>``.
RE_FORMAT_PATCH = re.compile(r"(?:cover|[0-9a-f]{40})\.(\d+\.git\..+)")
#: b4 send: ``<20250210-igb_irq-v1-2-bde078cdb9df@linutronix.de>`` (the cover letter is 0).
RE_B4_SEND = re.compile(r"(\d{8}-[^@]+-v\d+)-(\d+)-([0-9a-f]{12}@.+)")


def posting_of(message_id: str) -> tuple[str, int | None] | None:
    """Return the posting a tool's Message-ID names and the mail's number in it (None where
    the tool numbers none), or None for a Message-ID of no such tool."""
    for pattern in (RE_SEND_EMAIL, RE_B4_SEND):
        found = pattern.fullmatch(message_id)
        if found is not None:
            return f"{found.group(1)}\0{found.group(3)}", int(found.group(2))
    found = RE_FORMAT_PATCH.fullmatch(message_id)
    return (found.group(1), None) if found is not None else None


def posting_group(patch: Patch, root: str, previous: Patch, group: Group) -> Group | None:
    """Return group, holding previous, the patch mail right before patch, when patch is the
    next mail of its posting and takes a free place there, whoever its header From names: its
    Message-ID names previous' posting (numbered as far on as its index is, where the tool
    numbers mails), with previous' version, total and subject tags, no thread putting it
    elsewhere, and neither patch nor a mail of group was delivered (a List-Id or a Received
    stamp). It
    displaces nobody: a patch, point revision, RESEND or cover held stays."""
    if root not in (group.key, patch.message_id) or not _one_run(patch, previous):
        return None
    if _delivered(patch) or any(_delivered(m) for m in group.mails()):
        return None  # a list or a mail server delivered one: its Message-ID is anybody's
    if _work(patch) != _work(previous):
        return None
    free = group.cover is None if patch.is_cover else patch.index not in group.members
    return group if free else None


def _delivered(patch: Patch) -> bool:
    """Whether a mail was delivered: it has a List-Id or a ``Received:`` stamp (any case), as
    every mail a list or a mail server passed on has, and no b4 am or format-patch file."""
    if patch.list_id is not None:
        return True
    block = split_raw(normalise_newlines(patch.raw))[0]
    return b"\nreceived:" in b"\n" + block.lower()


def _one_run(patch: Patch, previous: Patch) -> bool:
    """Whether two Message-IDs name one posting, numbered as the two mails' indexes are."""
    mine, theirs = posting_of(patch.message_id), posting_of(previous.message_id)
    if mine is None or theirs is None or mine[0] != theirs[0]:
        return False
    if mine[1] is None or theirs[1] is None:
        return True
    return mine[1] - patch.index == theirs[1] - previous.index


def _work(patch: Patch) -> tuple[int, int, frozenset[str]]:
    return patch.version, patch.total, subject_tags(patch)
