"""Series assembly: threads, broken threading, out-of-order arrival, duplicates, versions."""

from __future__ import annotations

import kvmlist
from kvmlist import Message, parse_message

from .conftest import mail

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
