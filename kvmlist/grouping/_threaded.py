"""Which series a patch's thread puts it in (rule 2 of kvmlist.grouping.series): the key of
the nearest compatible cover letter or patch it answers, or of the mail its chain answers."""

from __future__ import annotations

import re

from kvmlist.grouping._group import addresses_of, by_one_of
from kvmlist.models import Patch

#: Joins the parts of a series key that is no Message-ID (Message-IDs hold no NUL).
KEY_SEPARATOR = "\0"


def root_of(patch: Patch, by_id: dict[str, Patch]) -> str:
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


def answered_in(key: str) -> str | None:
    """Return the mail a series key of rule 2 names (see root_of), None for a Message-ID key."""
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
    return said is not None and by_one_of(child, addresses_of(ancestor))
