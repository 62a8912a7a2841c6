"""Series in the mbox files ``b4 am -o -`` and ``git format-patch`` write: each mail's header
From is its patch's author (what ``git am`` reads), not who sent the series, so a series of
several authors must still group as one by the Message-IDs of its one posting."""

from __future__ import annotations

import io

import kvmlist
from kvmlist import Message, parse_message

from .conftest import mail

JANE = "Jane Dev <jane@example.org>"
ZOE = "=?UTF-8?q?Zo=C3=AB_=C3=9Cnicode?= <zoe@other.org>"
ABBOTT = "Abbott Lu <abbott@huawei.example>"
MALLORY = "Mallory <mallory@evil.example>"
#: git send-email's Message-IDs of one run: <date.pid-N-sender>, N counting its cover as 1
SEND_EMAIL = "20260303100000.4242-{n}-jane@example.org"
FORMAT_PATCH = "{sha}.1796676744.git.jane@example.org"
B4_SEPARATOR = b"From git@z Thu Jan  1 00:00:00 1970"
DIFF = (
    "Change {i}.\n\nSigned-off-by: {who}\n---\n a.c | 1 +\n 1 file changed, 1 insertion(+)\n\n"
    "diff --git a/a.c b/a.c\n--- a/a.c\n+++ b/a.c\n@@ -1 +1,2 @@\n x\n+y{i}\n"
)


def am_mail(index: int, total: int, author: str, message_id: str, extra: str = "") -> bytes:
    """A patch as b4 am writes it: the author in From, the posting's Message-ID and Date."""
    return unlisted(list_mail(index, total, author, message_id, extra))


def list_mail(index: int, total: int, sender: str, message_id: str, extra: str = "") -> bytes:
    """The same patch as the list delivered it (with its List-Id)."""
    return mail(
        f"[PATCH v2 {index}/{total}] kvm: change {index}",
        DIFF.format(i=index, who=sender),
        sender=sender,
        message_id=f"<{message_id}>",
        date=f"Tue, 3 Mar 2026 10:00:{index:02d} +0000",
        extra=extra,
    )


def unlisted(raw: bytes) -> bytes:
    """A mail without the List-Id a list adds: b4 am and git format-patch write none."""
    return raw.replace(b"List-Id: <kvm.vger.kernel.org>\n", b"")


def mbox_file(mails: list[bytes], separator: bytes) -> list[Message]:
    """The mails read back from an mbox whose separator lines are ``separator``'s."""
    data = b"".join(separator + b"\n" + raw + b"\n" for raw in mails)
    return list(kvmlist.read_mbox(io.BytesIO(data)))


def b4_am(authors: list[str]) -> list[bytes]:
    """A series sent with a cover by git send-email, as b4 am gives it: no cover, no thread."""
    n = len(authors)
    return [
        am_mail(i, n, who, SEND_EMAIL.format(n=i + 1)) for i, who in enumerate(authors, start=1)
    ]


def format_patch(authors: list[str]) -> list[bytes]:
    """git format-patch --thread --cover-letter: each patch answers Jane's cover."""
    cover_id = FORMAT_PATCH.format(sha="cover")
    cover = unlisted(
        mail(
            f"[PATCH v2 0/{len(authors)}] kvm: changes",
            "A cover.\n",
            sender=JANE,
            message_id=f"<{cover_id}>",
            date="Tue, 3 Mar 2026 10:00:00 +0000",
        )
    )
    answer = f"In-Reply-To: <{cover_id}>\nReferences: <{cover_id}>\n"
    patches = [
        am_mail(i, len(authors), who, FORMAT_PATCH.format(sha=f"{i:040x}"), answer)
        for i, who in enumerate(authors, start=1)
    ]
    return [cover, *patches]


def shape(series: kvmlist.Series) -> tuple[tuple[int, ...], bool, tuple[int, ...]]:
    return tuple(p.index for p in series.patches), series.cover is not None, series.missing


def test_a_b4_am_file_of_three_authors_is_one_series() -> None:
    # Florian's "KASan for arm" v6: patches by Abbott, Andrey and Jane, in one run
    authors = [ABBOTT, JANE, JANE, ABBOTT, ZOE, JANE]
    [series] = kvmlist.group_series(mbox_file(b4_am(authors), B4_SEPARATOR))
    assert shape(series) == ((1, 2, 3, 4, 5, 6), False, ())
    assert [p.author.email for p in series.patches if p.author] == [
        "abbott@huawei.example", *["jane@example.org"] * 2, "abbott@huawei.example",
        "zoe@other.org", "jane@example.org",
    ]  # fmt: skip


def test_a_b4_am_file_of_a_b4_sent_series_is_one_series() -> None:
    ids = [f"20260303-kvm-changes-v2-{i}-0123456789ab@example.org" for i in (1, 2, 3)]
    raws = [am_mail(i, 3, who, ids[i - 1]) for i, who in ((1, JANE), (2, ZOE), (3, JANE))]
    [series] = kvmlist.group_series(mbox_file(raws, B4_SEPARATOR))
    assert shape(series) == ((1, 2, 3), False, ())


def test_a_threaded_format_patch_file_with_a_patch_by_another_author_is_one_series() -> None:
    separator = b"From 45f8be0dd748008cbab1bf61f317d303658fa659 Mon Sep 17 00:00:00 2001"
    mails = mbox_file(format_patch([JANE, JANE, JANE, ZOE]), separator)
    [series] = kvmlist.group_series(mails)
    assert shape(series) == ((1, 2, 3, 4), True, ())
    zoes = series.patches[3].author
    assert zoes is not None and zoes.email == "zoe@other.org"


def test_a_stranger_with_the_postings_stem_after_another_mail_fills_no_gap() -> None:
    # Jane's 2/3 never reached the list; Mallory's 2/3, forging the stem, arrives after
    # somebody else's patch: only the mail right after one of the posting may be of it
    raws = b4_am([JANE, JANE, JANE])
    other = mail("[PATCH] x: other", DIFF.format(i=9, who=ABBOTT), sender=ABBOTT,
                 message_id="<o@huawei.example>")  # fmt: skip
    forged = am_mail(2, 3, MALLORY, SEND_EMAIL.format(n=3))
    janes, *_ = kvmlist.group_series(parse_message(r) for r in [raws[0], raws[2], other, forged])
    assert [p.index for p in janes.patches] == [1, 3]


def test_a_stranger_with_another_stem_right_after_fills_no_gap() -> None:
    raws = b4_am([JANE, JANE, JANE])
    stranger = am_mail(2, 3, MALLORY, "20260303100000.4242-3-mallory@evil.example")
    janes, mallorys = kvmlist.group_series(parse_message(r) for r in [raws[0], stranger, raws[2]])
    assert [p.index for p in janes.patches] == [1, 3]
    assert [p.index for p in mallorys.patches] == [2]


def test_a_stranger_with_the_postings_stem_displaces_nothing() -> None:
    # a point revision or a second 2/3 right after Jane's, from another address, with a
    # Message-ID of her format-patch run (which numbers no mails): a series of its own
    raws = [am_mail(i, 3, JANE, FORMAT_PATCH.format(sha=f"{i:040x}")) for i in (1, 2, 3)]
    for subject in ("[PATCH v2.1 2/3] kvm: change 2", "[PATCH v2 2/3] kvm: change 2"):
        forged = mail(subject, DIFF.format(i=2, who=MALLORY), sender=MALLORY,
                      message_id=f"<{FORMAT_PATCH.format(sha='e' * 40)}>")  # fmt: skip
        found = kvmlist.group_series(parse_message(r) for r in [*raws[:2], forged, raws[2]])
        assert [p.author.email for p in found[0].patches if p.author] == ["jane@example.org"] * 3
        assert found[0].replaced == ()
        assert [p.author.email for p in found[1].patches if p.author] == ["mallory@evil.example"]


def test_a_strangers_patch_under_a_format_patch_cover_with_another_stem_stays_out() -> None:
    raws = format_patch([JANE, JANE, JANE])
    cover_id = FORMAT_PATCH.format(sha="cover")
    answer = f"In-Reply-To: <{cover_id}>\nReferences: <{cover_id}>\n"
    stranger = am_mail(3, 3, MALLORY, "abc@evil.example", answer)
    janes, _ = kvmlist.group_series(parse_message(r) for r in [*raws[:3], stranger])
    assert [p.index for p in janes.patches] == [1, 2]


def janes_run_on_the_list(total: int) -> list[bytes]:
    """Jane's v2 1/total and 2/total as the list delivered them, sent by git send-email
    without a cover letter (her run numbers its patches from 1)."""
    first = SEND_EMAIL.format(n=1)
    answer = f"In-Reply-To: <{first}>\nReferences: <{first}>\n"
    return [
        list_mail(1, total, JANE, first),
        list_mail(2, total, JANE, SEND_EMAIL.format(n=2), answer),
    ]


def test_on_a_list_a_strangers_cover_with_the_postings_message_id_heads_nothing() -> None:
    # Mallory sends an unthreaded "[PATCH v2 0/2]" whose Message-ID copies Jane's scheme: on
    # a list a Message-ID is the sender's choice, so it vouches for nobody
    forged = mail("[PATCH v2 0/2] kvm: changes", "Please apply.\n", sender=MALLORY,
                  message_id=f"<{SEND_EMAIL.format(n=0)}>",
                  date="Tue, 3 Mar 2026 10:05:00 +0000")  # fmt: skip
    found = kvmlist.group_series(parse_message(r) for r in [*janes_run_on_the_list(2), forged])
    assert found[0].cover is None
    assert [p.index for p in found[0].patches] == [1, 2]


def test_on_a_list_a_stranger_with_the_postings_message_id_fills_no_missing_patch() -> None:
    # Jane's 3/3 never reached the list; Mallory's 3/3 copies its Message-ID
    forged = list_mail(3, 3, MALLORY, SEND_EMAIL.format(n=3))
    janes, mallorys = kvmlist.group_series(
        parse_message(r) for r in [*janes_run_on_the_list(3), forged]
    )
    assert [p.index for p in janes.patches] == [1, 2]
    assert [p.index for p in mallorys.patches] == [3]


def test_a_strangers_unlisted_mail_fills_no_place_in_a_series_the_list_delivered() -> None:
    # a mail without List-Id appended to a list's archive: the series' mails came by a list
    forged = am_mail(3, 3, MALLORY, SEND_EMAIL.format(n=3))
    janes, _ = kvmlist.group_series(parse_message(r) for r in [*janes_run_on_the_list(3), forged])
    assert [p.index for p in janes.patches] == [1, 2]


def delivered(raw: bytes) -> bytes:
    """The mail as a maintainer's mailbox keeps the copy sent to her directly (To/Cc): no
    List-Id, but the Received stamp every delivered mail carries."""
    stamp = b"Received: from mail.example.org by mx.example.com; Tue, 3 Mar 2026 10:01:00 +0000\n"
    return stamp + unlisted(raw)


def test_in_a_maildir_of_direct_copies_a_stranger_with_the_postings_id_fills_no_place() -> None:
    # Jane's 1/3 and 3/3 reached the maintainer directly; Mallory's 2/3 copies her scheme
    first = SEND_EMAIL.format(n=1)
    answer = f"In-Reply-To: <{first}>\nReferences: <{first}>\n"
    raws = [
        delivered(list_mail(1, 3, JANE, first)),
        delivered(list_mail(2, 3, MALLORY, SEND_EMAIL.format(n=2), answer)),
        delivered(list_mail(3, 3, JANE, SEND_EMAIL.format(n=3), answer)),
    ]
    found = kvmlist.group_series(parse_message(r) for r in raws)
    assert [[p.index for p in s.patches] for s in found] == [[1, 3], [2]]
