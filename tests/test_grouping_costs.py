"""Grouping costs grow with the input, not its square: counted in calls, never in time."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

import kvmlist
from kvmlist import Message, parse_message
from kvmlist.grouping import _unthreaded
from kvmlist.grouping._group import Group

from .conftest import mail

DIFF = "Fix.\n---\n a.c | 1 +\n\ndiff --git a/a.c b/a.c\n--- a/a.c\n+++ b/a.c\n@@ -1 +1 @@\n"

START = datetime(2026, 3, 3, tzinfo=timezone.utc)


def _counting_takes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls = [0]
    takes = Group.takes

    def counted(self: Group, patch: kvmlist.Patch) -> bool:
        calls[0] += 1
        return takes(self, patch)

    monkeypatch.setattr(Group, "takes", counted)
    return calls


def _patch(subject: str, number: int, hours: int, extra: str = "") -> Message:
    date = format_datetime(START + timedelta(hours=hours, seconds=number))
    return parse_message(mail(subject, DIFF, message_id=f"<{number}@x>", date=date, extra=extra))


def test_many_patches_answering_one_cover_try_a_bounded_number_of_series(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = _counting_takes(monkeypatch)
    cover = parse_message(mail("[PATCH 0/1] x", "Cover.\n", message_id="<c@x>"))
    answer = "In-Reply-To: <c@x>\nReferences: <c@x>\n"
    mails = [cover] + [_patch("[PATCH 1/1] x", n, 0, answer) for n in range(600)]
    found = kvmlist.group_series(mails, reviews=False)
    assert len(found) == 600  # the first patch joins the cover, each other one stands alone
    assert calls[0] < 600 * 70


def test_many_unthreaded_postings_of_one_shape_try_a_bounded_number_of_series(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = [0]
    distance = _unthreaded._distance

    def counted(patch: kvmlist.Patch, group: Group) -> timedelta:
        calls[0] += 1
        return distance(patch, group)

    monkeypatch.setattr(_unthreaded, "_distance", counted)
    mails = [_patch("[PATCH 1/2] x", n, 2 * n) for n in range(600)]  # two hours apart
    assert len(kvmlist.group_series(mails, reviews=False)) == 600
    assert calls[0] < 600 * 70


def test_postings_that_all_name_the_first_try_a_bounded_part_of_its_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kvmlist.grouping import revisions

    calls = [0]
    revises = revisions._revises

    def counted(newer: kvmlist.Series, older: kvmlist.Series) -> bool:
        calls[0] += 1
        return revises(newer, older)

    monkeypatch.setattr(revisions, "_revises", counted)
    link = "v1: https://lore.kernel.org/r/0@x/\n\n"  # each version names the first
    mails = [_patch("[PATCH] KVM: x", 0, 0)]
    for n in range(1, 400):
        date = format_datetime(START + timedelta(hours=n))
        text = mail(f"[PATCH v{n + 1}] KVM: x", link + DIFF, message_id=f"<{n}@x>", date=date)
        mails.append(parse_message(text))
    histories = revisions.link_revisions(kvmlist.group_series(mails, reviews=False))
    assert max(len(h.revisions) for h in histories) > 1
    assert calls[0] < 400 * 70


def test_patches_of_many_totals_under_one_cover_compare_each_sender_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 300 strangers' "[PATCH 1/9999]" and 300 "[PATCH 2/k]" of as many totals answer one
    # cover: whether each may take the cover's total is one look-up, not one per sibling
    from kvmlist.grouping import _group, _numbers, review

    same_person = review.same_person

    calls = [0]
    by_one_of = _numbers.by_one_of

    def counted(mail: kvmlist.Message, addresses: Collection[str]) -> bool:
        calls[0] += 1
        return by_one_of(mail, addresses)

    def compared(named: kvmlist.Person, sender: kvmlist.Person) -> bool:
        calls[0] += 1  # a comparison of two people, as grouping once made one per sibling
        return same_person(named, sender)

    monkeypatch.setattr(_numbers, "by_one_of", counted)
    monkeypatch.setattr(review, "same_person", compared)
    monkeypatch.setattr(_group, "same_person", compared, raising=False)
    answer = "In-Reply-To: <c@x>\nReferences: <c@x>\n"
    mails = [parse_message(mail("[PATCH 0/9999] x", "Cover.\n", message_id="<c@x>"))]
    for i in range(300):
        for subject, who in (("[PATCH 1/9999] x", "s"), (f"[PATCH 2/{i + 3}] x", "t")):
            sender = f"Dev {who}{i} <{who}{i}@example.org>"
            raw = mail(subject, DIFF, sender=sender, message_id=f"<{who}{i}@x>", extra=answer)
            mails.append(parse_message(raw))
    kvmlist.group_series(mails, reviews=False)
    assert calls[0] <= 300
