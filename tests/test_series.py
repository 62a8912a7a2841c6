"""Series assembly: threads, broken threading, out-of-order arrival, duplicates, versions."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import kvmlist
from kvmlist import Message, parse_message

from .conftest import FIXTURES, mail

DIFF = (
    "Fix it.\n\nSigned-off-by: Jane Doe <jane@example.org>\n---\n"
    " a.c | 1 +\n 1 file changed, 1 insertion(+)\n\n"
    "diff --git a/a.c b/a.c\n--- a/a.c\n+++ b/a.c\n@@ -1 +1,2 @@\n x\n+y\n"
)


def post(
    subject: str,
    msgid: str,
    reply_to: str | None = None,
    *,
    minute: int = 0,
    sender: str = "Jane Doe <jane@example.org>",
) -> Message:
    extra = f"In-Reply-To: <{reply_to}>\nReferences: <{reply_to}>\n" if reply_to else ""
    date = f"Tue, 3 Mar 2026 10:{minute:02d}:00 +0000"
    body = "Cover text.\n" if " 0/" in subject else DIFF
    return parse_message(
        mail(subject, body, sender=sender, message_id=f"<{msgid}>", date=date, extra=extra)
    )


def shape(series: kvmlist.Series) -> tuple[int, int, tuple[int, ...], bool]:
    return (
        series.version,
        series.total,
        tuple(p.index for p in series.patches),
        series.cover is not None,
    )


def test_threaded_series_with_cover() -> None:
    mails = [
        post("[PATCH v2 0/2] t", "c"),
        post("[PATCH v2 1/2] a", "p1", "c"),
        post("[PATCH v2 2/2] b", "p2", "c"),
    ]
    [series] = kvmlist.group_series(mails)
    assert shape(series) == (2, 2, (1, 2), True)
    assert series.complete and series.missing == ()
    assert series.title == "t"


def test_cover_arriving_after_its_patches() -> None:
    mails = [
        post("[PATCH 2/2] b", "p2", "c"),
        post("[PATCH 1/2] a", "p1", "c"),
        post("[PATCH 0/2] t", "c"),
    ]
    [series] = kvmlist.group_series(mails)
    assert shape(series) == (1, 2, (1, 2), True)


def test_deep_threading_follows_the_chain() -> None:
    mails = [
        post("[PATCH 1/3] a", "p1"),
        post("[PATCH 2/3] b", "p2", "p1"),
        post("[PATCH 3/3] c", "p3", "p2"),
    ]
    [series] = kvmlist.group_series(mails)
    assert shape(series) == (1, 3, (1, 2, 3), False)


def test_broken_threading_falls_back_to_author_version_total_and_time() -> None:
    mails = [post("[PATCH 1/2] a", "p1", minute=0), post("[PATCH 2/2] b", "p2", minute=1)]
    [series] = kvmlist.group_series(mails)
    assert shape(series) == (1, 2, (1, 2), False)


def test_fallback_does_not_join_other_authors_or_distant_times() -> None:
    mails = [
        post("[PATCH 1/2] a", "p1", minute=0),
        post("[PATCH 2/2] b", "p2", minute=1, sender="Other <o@example.org>"),
        post("[PATCH 2/2] b", "p3", minute=59),
    ]
    assert len(kvmlist.group_series(mails)) == 3


def test_unthreaded_cover_arriving_after_its_patches_heads_them() -> None:
    mails = [  # git send-email --no-thread; the cover letter sent last, a minute later
        post("[PATCH v2 1/2] a", "p1", minute=0),
        post("[PATCH v2 2/2] b", "p2", minute=0),
        post("[PATCH v2 0/2] t", "c", minute=1),
    ]
    [series] = kvmlist.group_series(mails)
    assert shape(series) == (2, 2, (1, 2), True)
    assert series.title == "t"


def test_unthreaded_large_series_sent_in_two_runs_is_one() -> None:
    # the SMTP server gave up after patch 6; the rest went out 45 minutes later
    mails = [post(f"[PATCH 0{i}/12] p{i}", f"p{i}", minute=0) for i in range(1, 7)]
    mails += [post(f"[PATCH {i:02d}/12] p{i}", f"p{i}", minute=45) for i in range(7, 13)]
    [series] = kvmlist.group_series(mails)
    assert series.complete


def test_unthreaded_patches_with_other_subject_tags_stay_apart() -> None:
    mails = [
        post("[PATCH net 1/2] a", "p1", minute=0),
        post("[PATCH net-next 2/2] b", "p2", minute=1),
    ]
    assert [shape(s) for s in kvmlist.group_series(mails)] == [
        (1, 2, (1,), False),
        (1, 2, (2,), False),
    ]


def test_patches_answering_different_absent_mails_stay_apart() -> None:
    # each answers a cover letter this list never got: two threads, two series
    mails = [
        post("[PATCH 1/3] a", "a1", "cover-a", minute=0),
        post("[PATCH 3/3] c", "a3", "cover-a", minute=0),
        post("[PATCH 2/3] e", "b2", "cover-b", minute=5),
    ]
    found = kvmlist.group_series(mails)
    assert [[p.title for p in s.patches] for s in found] == [["a", "c"], ["e"]]


def test_an_unthreaded_patch_joins_patches_answering_an_absent_mail() -> None:
    mails = [
        post("[PATCH 1/2] a", "a1", "cover-a", minute=0),
        post("[PATCH 2/2] b", "a2", minute=0),  # sent on its own, without threading
    ]
    [series] = kvmlist.group_series(mails)
    assert [p.title for p in series.patches] == ["a", "b"]


def test_two_unthreaded_pairs_of_one_author_stay_apart() -> None:
    mails = [
        post("[PATCH 1/2] a", "a1", minute=0),
        post("[PATCH 2/2] b", "a2", minute=0),
        post("[PATCH 1/2] c", "b1", minute=5),
        post("[PATCH 2/2] d", "b2", minute=5),
    ]
    found = kvmlist.group_series(mails)
    assert [[p.title for p in s.patches] for s in found] == [["a", "b"], ["c", "d"]]


def test_duplicate_message_ids_count_once() -> None:
    mails = [
        post("[PATCH 0/1] t", "c"),
        post("[PATCH 1/1] a", "p1", "c"),
        post("[PATCH 1/1] a", "p1", "c"),
    ]
    [series] = kvmlist.group_series(mails)
    assert len(series.patches) == 1
    assert kvmlist.count_by_domain(mails)["example.org"] == 2


def test_partial_series_reports_missing_indices() -> None:
    mails = [
        post("[RFC PATCH v3 1/4] a", "p1"),
        post("[RFC PATCH v3 2/4] b", "p2", "p1"),
        post("[RFC PATCH v3 4/4] d", "p4", "p1"),
    ]
    [series] = kvmlist.group_series(mails)
    assert series.missing == (3,)
    assert not series.complete


def test_v2_threaded_under_v1_cover_is_a_series_of_its_own() -> None:
    mails = [
        post("[PATCH 0/1] t", "c1"),
        post("[PATCH 1/1] a", "p1", "c1"),
        post("[PATCH v2 0/1] t", "c2", "c1"),
        post("[PATCH v2 1/1] a", "q1", "c2"),
    ]
    assert [shape(s) for s in kvmlist.group_series(mails)] == [
        (1, 1, (1,), True),
        (2, 1, (1,), True),
    ]


def test_patches_without_version_inherit_the_cover_version() -> None:
    mails = [
        post("[PATCH net-next v3 0/2] t", "c"),
        post("[PATCH 1/2] a", "p1", "c"),
        post("[PATCH 2/2] b", "p2", "c"),
    ]
    [series] = kvmlist.group_series(mails)
    assert series.version == 3
    assert {p.version for p in series.patches} == {3}


def test_index_taken_twice_starts_a_new_series() -> None:
    mails = [
        post("[PATCH 1/2] a", "p1"),
        post("[PATCH 2/2] b", "p2", "p1"),
        post("[PATCH 2/2] b'", "p2b", "p1"),
    ]
    assert [shape(s) for s in kvmlist.group_series(mails)] == [
        (1, 2, (1, 2), False),
        (1, 2, (2,), False),
    ]


def test_standalone_patch_is_a_series_of_one() -> None:
    [series] = kvmlist.group_series([post("[PATCH] fix", "s")])
    assert shape(series) == (1, 1, (1,), False)
    assert series.complete


def test_replies_are_not_series_members() -> None:
    mails = [post("[PATCH 1/1] a", "p1"), post("Re: [PATCH 1/1] a", "r1", "p1")]
    [series] = kvmlist.group_series(mails)
    assert len(series.patches) == 1
    assert mails[1].kind == "reply"


MARC = "Marc Zyngier <maz@kernel.org>"


def test_patches_answering_a_pull_request_form_one_series_whoever_wrote_them() -> None:
    # kvmarm <20190503124427.190206-1-marc.zyngier@arm.com>: "[GIT PULL] KVM/arm updates"
    # followed by 56 patches of many authors (in-body From), all answering the pull mail.
    # Marc sent them all: the patches name their authors in an in-body From.
    pull = parse_message(
        mail(
            "[GIT PULL] KVM/arm updates for 5.2", "Please pull.\n", message_id="<pull>", sender=MARC
        )
    )
    extra = "In-Reply-To: <pull>\nReferences: <pull>\n"
    patches = [
        parse_message(
            mail(
                f"[PATCH {i}/3] KVM: arm64: change {i}",
                f"From: {who}\n\n{DIFF}",
                sender=MARC,
                message_id=f"<p{i}>",
                date=f"Tue, 3 Mar 2026 10:0{i}:00 +0000",
                extra=extra,
            )
        )
        for i, who in enumerate(["A One <a@x.org>", "B Two <b@y.org>", "C Three <c@z.org>"], 1)
    ]
    assert pull.kind == "pull"
    [series] = kvmlist.group_series([pull, *patches])
    assert shape(series) == (1, 3, (1, 2, 3), True)
    assert series.cover is not None and series.cover.message_id == "pull"
    assert (series.cover.index, series.cover.total, series.cover.is_cover) == (0, 3, True)
    assert series.cover.title == "KVM/arm updates for 5.2"


def test_a_pull_request_on_its_own_is_no_series() -> None:
    pull = parse_message(mail("[GIT PULL] KVM/arm fixes", "Please pull.\n", message_id="<pl>"))
    assert kvmlist.group_series([pull]) == []


def test_a_numbered_pull_request_is_a_cover_letter() -> None:
    # kvmarm <20200121131745.7199-1-drjones@redhat.com>: [PULL kvm-unit-tests 0/3]
    cover = post("[PULL kvm-unit-tests 0/3] arm/arm64: Add prefetch abort test", "c")
    patches = [post(f"[PATCH kvm-unit-tests {i}/3] t{i}", f"p{i}", "c") for i in (1, 2, 3)]
    assert cover.kind == "cover"
    [series] = kvmlist.group_series([cover, *patches])
    assert shape(series) == (1, 3, (1, 2, 3), True)


def test_a_cover_letter_that_miscounts_its_patches_still_heads_them() -> None:
    # kvmarm <20191125104506.36850-1-jianyong.wu@arm.com>: "[RFC PATCH v8 0/7]" over 8 patches,
    # two of them with an in-body From of another author.
    cover = post("[RFC PATCH v8 0/7] Enable ptp_kvm for arm64", "c")
    patches = [post(f"[RFC PATCH v8 {i}/8] p{i}", f"p{i}", "c") for i in range(1, 7)]
    patches += [
        parse_message(
            mail(
                f"[RFC PATCH v8 {i}/8] p{i}",
                f"From: Dev {i} <d{i}@x.org>\n\n{DIFF}",
                message_id=f"<p{i}>",
                extra="In-Reply-To: <c>\nReferences: <c>\n",
            )
        )
        for i in (7, 8)
    ]
    [series] = kvmlist.group_series([cover, *patches])
    assert shape(series) == (8, 8, tuple(range(1, 9)), True)


def test_a_cover_letter_that_overcounts_makes_no_patch_missing() -> None:
    # "00/13" over twelve patches that all say "/12": no 13th patch was lost
    cover = post("[PATCH RFC net-next v2 00/13] dpll: core improvements", "c")
    patches = [post(f"[PATCH RFC net-next v2 {i:02d}/12] p{i}", f"p{i}", "c") for i in range(1, 13)]
    [series] = kvmlist.group_series([cover, *patches])
    assert shape(series) == (2, 12, tuple(range(1, 13)), True)
    assert series.complete
    # but a lost last patch leaves its siblings saying "/13"
    lost = [post(f"[PATCH v2 {i:02d}/13] p{i}", f"q{i}", "d") for i in range(1, 13)]
    [partial] = kvmlist.group_series([post("[PATCH v2 00/13] t", "d"), *lost])
    assert partial.missing == (13,)


def test_a_cover_letter_keeps_its_own_patches_over_miscounted_ones() -> None:
    mails = [
        post("[PATCH 0/2] kernel side", "c"),
        post("[PATCH 1/2] k1", "k1", "c"),
        post("[PATCH 2/2] k2", "k2", "c"),
        post("[kvmtool PATCH 1/5] t1", "t1", "c"),
        post("[kvmtool PATCH 2/5] t2", "t2", "c"),
    ]
    kernel, tool = kvmlist.group_series(mails)
    assert shape(kernel) == (1, 2, (1, 2), True)
    assert shape(tool) == (1, 5, (1, 2), False)


def test_a_subject_that_lost_its_opening_bracket_is_still_a_patch() -> None:
    # kvmarm <20211120102810.8858-1-dwmw2@infradead.org>: "PATCH v4 00/11] KVM: x86/xen: ..."
    cover = post("PATCH v4 00/2] KVM: x86/xen: Add event channel delivery", "c")
    assert cover.kind == "cover" and cover.subject.startswith("PATCH v4 00/2]")
    assert (cover.version, cover.index, cover.total, cover.title) == (
        4,
        0,
        2,
        "KVM: x86/xen: Add event channel delivery",
    )


def test_a_patch_added_after_the_series_joins_it() -> None:
    # kvmarm <20211120102810.8858-1-dwmw2@infradead.org>: "[PATCH v4 12/11]" a day later
    mails = [
        post("[PATCH v4 0/2] t", "c"),
        post("[PATCH v4 1/2] a", "p1", "c"),
        post("[PATCH v4 2/2] b", "p2", "c"),
        post("[PATCH v4 3/2] c, found missing", "p3", "c", minute=30),
    ]
    [series] = kvmlist.group_series(mails)
    assert shape(series) == (4, 3, (1, 2, 3), True)


MALLORY = "Mallory Reviewer <mallory@example.com>"


def test_a_patch_another_author_adds_to_a_series_stays_out_of_it() -> None:
    # a reviewer proposes a fix on top of Jane's series as "[PATCH 3/2]" in its thread
    mails = [
        post("[PATCH 0/2] t", "c"),
        post("[PATCH 1/2] a", "p1", "c"),
        post("[PATCH 2/2] b", "p2", "c"),
        post("[PATCH 3/2] b: free the buffer on error", "m3", "p2", minute=40, sender=MALLORY),
    ]
    janes, mallorys = kvmlist.group_series(mails)
    assert shape(janes) == (1, 2, (1, 2), True) and janes.complete
    assert b"free the buffer" not in kvmlist.to_mbox(janes)
    assert [p.message_id for p in mallorys.patches] == ["m3"]
    assert mallorys.author is not None and mallorys.author.email == "mallory@example.com"


def test_a_patch_the_author_adds_with_an_in_body_from_of_another_address_joins() -> None:
    # kvmarm <20211120102810.8858-1-dwmw2@infradead.org>: 12/11 sent by dwmw2@infradead.org,
    # who sent the series, with an in-body From: dwmw@amazon.co.uk
    in_body = parse_message(
        mail(
            "[PATCH 3/2] c",
            "From: Jane Doe <jane@work.example.com>\n\n" + DIFF,
            message_id="<p3>",
            date="Tue, 3 Mar 2026 11:00:00 +0000",
            extra="In-Reply-To: <c>\nReferences: <c>\n",
        )
    )
    mails = [post("[PATCH 0/2] t", "c"), post("[PATCH 1/2] a", "p1", "c"), in_body]
    [series] = kvmlist.group_series(mails)
    assert len(series.patches) == 2


def test_a_patch_sent_under_the_authors_name_from_another_address_stays_out() -> None:
    # anybody may call themselves "Jane Doe": only the addresses the series came from count
    added = post("[PATCH 3/2] d", "p3", "c", sender="Jane Doe <jd@home.example>")
    filling = post("[PATCH 2/2] b", "p2", "c", sender="Jane Doe <jd@home.example>")
    for other in (added, filling):
        mails = [post("[PATCH 0/2] t", "c"), post("[PATCH 1/2] a", "p1", "c"), other]
        janes, _ = kvmlist.group_series(mails)
        assert [p.message_id for p in janes.patches] == ["p1"]


def test_progress_hook_sees_every_mail_and_changes_nothing() -> None:
    messages = list(kvmlist.read_mbox(FIXTURES / "kvm-sample.mbox"))
    seen: list[kvmlist.Message] = []

    def progress(items: Iterable[Any]) -> Iterator[Any]:
        for item in items:
            seen.append(item)
            yield item

    assert kvmlist.group_series(messages, progress=progress) == kvmlist.group_series(messages)
    assert seen == messages


def test_a_stranger_fills_no_slot_of_somebody_elses_series() -> None:
    # Jane's 2/3 never reached the list; Mallory's "[PATCH 2/3]" answering her cover days
    # later is a patch of its own: Jane's series stays hers, and incomplete
    mails = [post("[PATCH 0/3] t", "c"), post("[PATCH 1/3] a", "p1", "c")]
    mails += [post("[PATCH 3/3] c", "p3", "c"), post("[PATCH 2/3] b", "m2", "c", sender=MALLORY)]
    janes, mallorys = kvmlist.group_series(mails)
    assert shape(janes) == (1, 3, (1, 3), True) and not janes.complete
    assert b"mallory" not in kvmlist.to_mbox(janes)
    assert [p.message_id for p in mallorys.patches] == ["m2"]


def test_the_maintainer_who_posted_the_series_fills_its_slot_with_the_authors_patch() -> None:
    # a co-maintainer posts Jane's series for her (in-body From: Jane) and sends 2/2 later
    def marcs(subject: str, msgid: str, reply_to: str | None) -> Message:
        extra = f"In-Reply-To: <{reply_to}>\nReferences: <{reply_to}>\n" if reply_to else ""
        body = "Cover.\n" if " 0/" in subject else f"From: Jane Doe <jane@example.org>\n\n{DIFF}"
        return parse_message(mail(subject, body, sender=MARC, message_id=f"<{msgid}>", extra=extra))

    mails = [marcs("[PATCH 0/2] t", "c", None), marcs("[PATCH 1/2] a", "p1", "c")]
    [series] = kvmlist.group_series([*mails, marcs("[PATCH 2/2] b", "p2", "c")])
    assert shape(series) == (1, 2, (1, 2), True)


def test_an_in_body_from_naming_the_author_takes_no_slot_of_her_series() -> None:
    # the sender writes the in-body From: Mallory naming Jane fills nothing of Jane's
    in_body = parse_message(
        mail("[PATCH 2/2] b", f"From: Jane Doe <jane@example.org>\n\n{DIFF}", sender=MALLORY,
             message_id="<p2>", extra="In-Reply-To: <c>\nReferences: <c>\n")
    )  # fmt: skip
    janes, _ = kvmlist.group_series(
        [post("[PATCH 0/2] t", "c"), post("[PATCH 1/2] a", "p1", "c"), in_body]
    )
    assert [p.message_id for p in janes.patches] == ["p1"]


def _answering_an_absent_cover() -> list[Message]:
    """Jane's three patches answering a cover letter the archive lacks (<gone>)."""
    return [post(f"[PATCH {i}/3] p{i}", f"p{i}", "gone", minute=i) for i in (1, 2, 3)]


def test_a_later_mail_with_the_absent_covers_id_is_no_cover_of_somebody_elses_series() -> None:
    later = "Tue, 6 Mar 2026 10:00:00 +0000"
    cover = parse_message(
        mail("[PATCH 0/3] hijacked", "Mine now.\n", sender=MALLORY, message_id="<gone>", date=later)
    )
    pull = parse_message(
        mail(
            "[GIT PULL] evil tree",
            "Please pull.\n",
            sender=MALLORY,
            message_id="<gone>",
            date=later,
        )
    )
    miscounting = parse_message(
        mail("[PATCH 0/4] hijacked", "Mine.\n", sender=MALLORY, message_id="<gone>", date=later)
    )
    for hijack in (cover, pull, miscounting):
        found = kvmlist.group_series([*_answering_an_absent_cover(), hijack])
        [janes] = [s for s in found if s.patches]
        assert janes.cover is None or janes.cover.message_id != "gone"
        assert janes.author is not None and janes.author.email == "jane@example.org"


def test_the_authors_own_late_cover_letter_still_heads_her_patches() -> None:
    cover = post("[PATCH 0/3] t", "gone", minute=30)
    [series] = kvmlist.group_series([*_answering_an_absent_cover(), cover])
    assert series.cover is not None and series.cover.message_id == "gone"


def test_a_pull_request_arriving_after_the_patches_answering_it_heads_nothing() -> None:
    pull = parse_message(mail("[GIT PULL] tree", "Please pull.\n", message_id="<gone>"))
    [series] = kvmlist.group_series([*_answering_an_absent_cover(), pull])
    assert series.cover is None
