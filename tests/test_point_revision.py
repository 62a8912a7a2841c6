"""A point revision (``[PATCH v3.1 2/2]``) replaces one patch inside its series
(fixtures/point-revision.mbox; each mail names its case in X-Fixture-Case)."""

from __future__ import annotations

import kvmlist
from kvmlist import Series, parse_message

from .conftest import FIXTURES, mail


def grouped() -> list[Series]:
    return kvmlist.group_series(kvmlist.read_mbox(FIXTURES / "point-revision.mbox"))


def test_a_point_revision_replaces_its_patch_in_the_series() -> None:
    [series] = grouped()  # not a series of one, not a third patch of two
    assert (series.version, series.total, series.complete) == (3, 2, True)
    assert [p.index for p in series.patches] == [1, 2]
    assert "v3.1" in series.patches[1].prefixes
    [replaced] = series.replaced
    assert replaced.message_id == "20260303091500.4410-2-ilse.vermeulen@example.nl"


def test_the_replaced_patch_stays_a_mail_of_the_series_with_its_own_reviews() -> None:
    [series] = grouped()
    assert len(series.messages) == 4  # cover, two patches, the patch replaced: nothing lost
    [replaced] = series.replaced
    assert [t.key for t in replaced.review_trailers] == ["Acked-by"]
    assert [t.key for t in series.patches[1].review_trailers] == ["Reviewed-by"]


def post(subject: str, number: int, parent: str | None = "0@x") -> kvmlist.Message:
    extra = f"In-Reply-To: <{parent}>\nReferences: <{parent}>\n" if parent else ""
    body = "Fix.\n\nSigned-off-by: Jane Doe <jane@example.org>\n---\n a.c | 1 +\n"
    return parse_message(mail(subject, body, message_id=f"<{number}@x>", extra=extra))


def test_a_point_revision_answering_the_cover_replaces_the_patch_of_its_index() -> None:
    # kasan-dev <20250214195242.2480920-1-longman@redhat.com>: "[PATCH v4.1 4/4]" a day
    # after v4, answering v4's cover letter
    mails = [post("[PATCH v4 0/2] x", 0, None), post("[PATCH v4 1/2] a", 1)]
    mails += [post("[PATCH v4 2/2] b", 2), post("[PATCH v4.1 2/2] b", 3)]
    [series] = kvmlist.group_series(mails)
    assert [p.message_id for p in series.patches] == ["1@x", "3@x"]
    assert [p.message_id for p in series.replaced] == ["2@x"]


def test_a_later_point_revision_replaces_an_earlier_one_and_not_the_reverse() -> None:
    mails = [post("[PATCH v4 0/2] x", 0, None), post("[PATCH v4 1/2] a", 1)]
    mails += [post("[PATCH v4.2 2/2] b", 2), post("[PATCH v4.1 2/2] b", 3)]
    [series] = kvmlist.group_series(mails)
    assert [p.message_id for p in series.patches] == ["1@x", "2@x"]
    assert [p.message_id for p in series.replaced] == ["3@x"]


def test_a_second_patch_of_one_index_without_a_point_version_still_starts_a_series() -> None:
    mails = [post("[PATCH v4 0/2] x", 0, None), post("[PATCH v4 1/2] a", 1)]
    mails += [post("[PATCH v4 2/2] b", 2), post("[PATCH v4 2/2] b again", 3)]
    found = kvmlist.group_series(mails)
    assert [len(s.patches) for s in found] == [2, 1] and not found[0].replaced


def test_a_point_revision_by_somebody_else_replaces_nothing() -> None:
    # a stranger's "[PATCH v4.1 2/2]" answering Jane's 2/2: Jane's series and its to_mbox
    # stay hers; the stranger's patch is one of its own, in reply
    mallory = "Mallory <mallory@evil.example>"
    mails = [post("[PATCH v4 0/2] x", 0, None), post("[PATCH v4 1/2] a", 1)]
    mails += [post("[PATCH v4 2/2] b", 2)]
    extra = "In-Reply-To: <2@x>\nReferences: <0@x> <2@x>\n"
    evil = "Evil.\n---\n a.c | 1 +\n"
    stranger = mail("[PATCH v4.1 2/2] b", evil, sender=mallory, message_id="<3@x>", extra=extra)
    janes, mallorys = kvmlist.group_series([*mails, parse_message(stranger)])
    assert [p.message_id for p in janes.patches] == ["1@x", "2@x"] and not janes.replaced
    assert b"Evil." not in kvmlist.to_mbox(janes)
    assert [p.message_id for p in mallorys.patches] == ["3@x"]


def _impostors(subject: str) -> list[kvmlist.Message]:
    """Mails answering Jane's 2/2 that claim to be hers: her display name from another
    address, and a stranger's with an in-body From of hers (a sender writes both)."""
    extra = "In-Reply-To: <2@x>\nReferences: <0@x> <2@x>\n"
    evil = "Evil.\n---\n a.c | 1 +\n"
    inbody = "From: Jane Doe <jane@example.org>\n\n" + evil
    return [
        parse_message(mail(subject, evil, sender="Jane Doe <jane.doe@gmail.example>",
                           message_id="<3@x>", extra=extra)),
        parse_message(mail(subject, inbody, sender="Mallory <mallory@evil.example>",
                           message_id="<3@x>", extra=extra)),
    ]  # fmt: skip


def test_a_point_revision_claiming_the_authors_name_replaces_nothing() -> None:
    for impostor in _impostors("[PATCH v4.1 2/2] b"):
        mails = [post("[PATCH v4 0/2] x", 0, None), post("[PATCH v4 1/2] a", 1)]
        mails += [post("[PATCH v4 2/2] b", 2), impostor]
        janes = next(s for s in kvmlist.group_series(mails) if s.cover is not None)
        assert [p.message_id for p in janes.patches] == ["1@x", "2@x"] and not janes.replaced
        assert b"Evil." not in kvmlist.to_mbox(janes)


def test_a_resend_claiming_the_authors_name_read_newest_first_replaces_nothing() -> None:
    # an archive read newest first: the impostor's RESEND comes before Jane's own 2/2
    for impostor in _impostors("[PATCH v4 RESEND 2/2] b"):
        mails = [impostor, post("[PATCH v4 2/2] b", 2), post("[PATCH v4 1/2] a", 1)]
        mails += [post("[PATCH v4 0/2] x", 0, None)]
        janes = next(s for s in kvmlist.group_series(mails) if s.cover is not None)
        assert [p.message_id for p in janes.patches] == ["1@x", "2@x"]
        assert b"Evil." not in kvmlist.to_mbox(janes)


def test_a_resend_of_one_patch_in_its_own_thread_is_that_patch_again() -> None:
    # "[PATCH v3 RESEND 4/7]" In-Reply-To v3's 4/7 a week later: a ping, not a new series
    mails = [post("[PATCH v3 0/7] baz: cleanup", 0, None)]
    mails += [post(f"[PATCH v3 {i}/7] baz: step {i}", i) for i in range(1, 8)]
    mails += [post("[PATCH v3 RESEND 4/7] baz: step 4", 8, "4@x")]
    [series] = kvmlist.group_series(mails)
    assert series.complete and series.patches[3].message_id == "4@x"
    assert [p.message_id for p in series.replaced] == ["8@x"]  # kept, one of its messages
