"""Revisions of the same work linked into histories: links, change-id, threading, titles."""

from __future__ import annotations

from datetime import timedelta

import pytest

import kvmlist
from kvmlist import parse_message
from kvmlist.grouping.revisions import link_revisions, posted_in_order

from .conftest import FIXTURES, mail

DIFF = "Fix.\n---\ndiff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1 +1 @@\n-a\n+b\n"


def test_v2_cover_linking_to_v1_joins_the_history() -> None:
    series = kvmlist.group_series(kvmlist.read_mbox(FIXTURES / "kvm-sample.mbox"))
    histories = link_revisions(series)
    [ratelimit] = [h for h in histories if len(h.revisions) > 1]
    assert [s.version for s in ratelimit.revisions] == [1, 2]
    assert ratelimit.patch_counts == (3, 3)
    v1, v2 = ratelimit.revisions
    assert ratelimit.previous(v2) is v1 and ratelimit.next(v1) is v2
    assert ratelimit.next(v2) is None
    assert len(histories) == len(series) - 1


def post(
    subject: str, msgid: str, body: str = DIFF, extra: str = "", minute: int = 0
) -> kvmlist.Message:
    return parse_message(
        mail(
            subject,
            body,
            message_id=f"<{msgid}>",
            extra=extra,
            date=f"Tue, 3 Mar 2026 10:{minute:02d}:00 +0000",
        )
    )


def test_change_id_links_revisions_without_any_other_evidence() -> None:
    body = DIFF + "\n---\nbase-commit: abc\nchange-id: 20260301-thing-1a2b3c\n"
    mails = [
        post("[PATCH] KVM: one thing", "a", body),
        post("[PATCH v2] KVM: renamed thing", "b", body, minute=5),
    ]
    [history] = link_revisions(kvmlist.group_series(mails))
    assert [s.version for s in history.revisions] == [1, 2]


def test_in_reply_to_the_previous_version_links() -> None:
    mails = [
        post("[PATCH] KVM: x", "a"),
        post("[PATCH v2] KVM: y", "b", extra="In-Reply-To: <a>\n"),
    ]
    [history] = link_revisions(kvmlist.group_series(mails))
    assert history.latest.version == 2


def test_same_author_and_title_links_a_higher_version_only() -> None:
    mails = [
        post("[PATCH] KVM: same title", "a"),
        post("[PATCH v3] KVM: Same  Title", "b"),
        post("[PATCH] KVM: other", "c"),
    ]
    histories = link_revisions(kvmlist.group_series(mails))
    assert [[s.version for s in h.revisions] for h in histories] == [[1, 3], [1]]


def test_a_history_is_in_order_of_posting_when_versions_restart() -> None:
    # an RFC chain v1..v3, then the non-RFC posting that starts again at v2
    mails = [
        post("[RFC PATCH] net: histogram", "r1"),
        post("[RFC PATCH v2] net: histogram", "r2", minute=1),
        post("[RFC PATCH v3] net: histogram", "r3", minute=2),
        post("[PATCH net-next v2] net: histogram", "p2", minute=5),
        post("[PATCH net-next v3] net: histogram", "p3", minute=6),
    ]
    [history] = link_revisions(kvmlist.group_series(mails))
    assert [s.anchor_id for s in history.revisions] == ["r1", "r2", "r3", "p2", "p3"]


def test_a_resend_keeps_the_history_whole() -> None:
    mails = [
        post("[PATCH] KVM: same title", "a"),
        post("[PATCH v2] KVM: same title", "b", minute=5),
        post("[PATCH RESEND v2] KVM: same title", "c", minute=6),
        post("[PATCH v3] KVM: same title", "d", minute=10),
    ]
    [history] = link_revisions(kvmlist.group_series(mails))
    assert [s.anchor_id for s in history.revisions] == ["a", "b", "c", "d"]


@pytest.mark.parametrize(
    "resend",
    [
        "[PATCH RESEND net-next] net: x: add the thing",
        "[RESEND PATCH net-next] net: x: add the thing",
        "[PATCH net-next RESEND] net: x: add the thing",
    ],
)
def test_a_resend_of_the_first_posting_follows_it(resend: str) -> None:
    # the patch, the same version sent again two weeks on, then v2: orig -> resend -> v2
    mails = [
        post("[PATCH net-next] net: x: add the thing", "orig"),
        post(resend, "resend", minute=14),
        post("[PATCH net-next v2] net: x: add the thing", "v2", minute=20),
    ]
    orig, again, v2 = kvmlist.group_series(mails, revisions=True)
    assert (orig.previous_id, orig.next_id) == (None, "resend")
    assert (again.previous_id, again.next_id) == ("orig", "v2")
    assert (v2.previous_id, v2.next_id) == ("resend", None)


def test_resends_in_a_row_each_follow_the_one_before() -> None:
    mails = [
        post("[PATCH v2] KVM: arm64: tidy", "v2"),
        post("[PATCH RESEND v2] KVM: arm64: tidy", "r1", minute=10),
        post("[RESEND PATCH v2] KVM: arm64: tidy", "r2", minute=20),
        post("[PATCH v3] KVM: arm64: tidy", "v3", minute=30),
    ]
    series = kvmlist.group_series(mails, revisions=True)
    assert [(s.previous_id, s.next_id) for s in series] == [
        (None, "r1"),
        ("v2", "r2"),
        ("r1", "v3"),
        ("r2", None),
    ]


def test_a_maintainers_resend_of_a_patch_follows_it() -> None:
    # the maintainer sends the author's patch again; its in-body From names the author
    resent = "From: Jane Doe <jane@example.org>\n\n" + DIFF
    mails = [
        post("[PATCH] KVM: arm64: fix the walk", "orig"),
        parse_message(
            mail(
                "[PATCH RESEND] KVM: arm64: fix the walk",
                resent,
                sender="Marc Zyngier <maz@kernel.org>",
                message_id="<again>",
                date="Tue, 17 Mar 2026 10:00:00 +0000",
            )
        ),
    ]
    orig, again = kvmlist.group_series(mails, revisions=True)
    assert (orig.next_id, again.previous_id) == ("again", "orig")


def test_a_resend_of_a_version_not_in_the_archive_follows_the_version_before() -> None:
    mails = [
        post("[PATCH v2] KVM: arm64: fix the walk", "v2"),
        post("[PATCH RESEND v3] KVM: arm64: fix the walk", "v3", minute=10),
    ]
    assert kvmlist.group_series(mails, revisions=True)[1].previous_id == "v2"


TITLE = "mm/memblock: Account the pages KMSAN takes"


def test_an_untagged_repost_of_a_version_is_a_history_of_its_own() -> None:
    mails = [post(f"[PATCH v2] {TITLE}", "a"), post(f"[PATCH v2] {TITLE}", "b", minute=7)]
    histories = link_revisions(kvmlist.group_series(mails))
    assert [len(h.revisions) for h in histories] == [1, 1]


def test_untagged_reposts_that_both_revise_v1_share_its_history() -> None:
    mails = [
        post(f"[PATCH] {TITLE}", "v1"),
        post(f"[PATCH v2] {TITLE}", "a", minute=30),
        post(f"[PATCH v2] {TITLE}", "b", minute=37),  # sent again seven minutes later
    ]
    [history] = link_revisions(kvmlist.group_series(mails))
    v1, first, again = history.revisions
    assert [s.anchor_id for s in history.revisions] == ["v1", "a", "b"]
    assert history.previous(again) is first and history.previous(first) is v1


def test_a_resend_for_another_stable_tree_stays_apart() -> None:
    mails = [
        post("[PATCH 6.6] KVM: arm64: fix the walk", "a"),
        post("[PATCH RESEND 6.12] KVM: arm64: fix the walk", "b", minute=10),
    ]
    assert [s.next_id for s in kvmlist.group_series(mails, revisions=True)] == [None, None]


def test_a_revision_sent_from_another_address_of_its_author_links() -> None:
    # v2 sent from a private address with the work address in-body; v3 from the private one
    v2_body = "From: Jane Doe <jane.doe@work.example>\n\n" + DIFF
    mails = [
        parse_message(
            mail("[PATCH v2] KVM: fuzz the thing", v2_body, sender="Jane <jane@home.example>")
        ),
        parse_message(
            mail(
                "[PATCH v3] KVM: fuzz the thing",
                DIFF,
                sender="Jane <jane@home.example>",
                message_id="<2@example.org>",
                date="Wed, 4 Mar 2026 10:00:00 +0000",
            )
        ),
    ]
    [history] = link_revisions(kvmlist.group_series(mails))
    assert [s.version for s in history.revisions] == [2, 3]


def _v1_and_v2(v2_cover_text: str) -> list[kvmlist.Message]:
    """A v1 and a renamed v2 (one patch each, of other titles) whose cover says v2_cover_text."""
    v2_body = f"{v2_cover_text}\n\nJane Doe (1):\n  KVM: x\n\n x.c | 2 +-\n"
    return [
        post("[PATCH 0/1] KVM: first name", V1_COVER, body="Work.\n"),
        post("[PATCH 1/1] KVM: x", "20260303.2-jane@x", extra=f"In-Reply-To: <{V1_COVER}>\n"),
        post("[PATCH v2 0/1] KVM: new name", V2_COVER, body=v2_body, minute=9),
        post("[PATCH v2 1/1] KVM: y", "20260303.4-jane@x", extra=f"In-Reply-To: <{V2_COVER}>\n"),
    ]


V1_COVER, V2_COVER = "20260303.1-jane@x", "20260303.3-jane@x"
PREVIOUS_VERSION_TEXTS = [
    # the link on the line after the one that names the version
    "Link to v1 of this patch series:\nhttps://lore.kernel.org/all/{id}/",
    "This is V2. Find previous versions here:\n  https://lore.kernel.org/r/{id}",
    # a footnote
    "Changes since v1 [1]:\n- renamed the helper\n\n[1] https://lore.kernel.org/kvm/{id}/T/#u",
    "v1 -> v2: [2]\n\n[1] https://example.org/spec.pdf\n[2]: <https://lore.kernel.org/r/{id}>",
    # the last item of a changelog block; other archive hosts
    "v2:\n - dropped the second patch\n - https://lkml.kernel.org/r/{id}",
    "v1: https://patch.msgid.link/{id}",
    # one blank line between a label ending in ":" and the link (kvmarm, kasan-dev)
    "Hi all,\n\nThis is v2 of the series previously posted here:\n\n  https://lore.kernel.org/kvmarm/{id}/",
    "Changes in V2:\n\n- Split out the KVM part\n\nChanges in V1:\n\nhttps://lore.kernel.org/all/{id}/",
]


@pytest.mark.parametrize("text", PREVIOUS_VERSION_TEXTS)
def test_a_cover_letter_names_its_previous_version_in_many_forms(text: str) -> None:
    mails = _v1_and_v2(text.format(id=V1_COVER))
    [history] = link_revisions(kvmlist.group_series(mails))
    assert [s.version for s in history.revisions] == [1, 2]


RELATED_WORK_TEXTS = [
    "This v2 is based on:\nhttps://lore.kernel.org/r/{id}",
    "Changes since v1:\n - rebased on Marc's v2 refactoring of the first vcpu run:\n"
    "   https://lore.kernel.org/kvmarm/{id}",
    "This series requires Marc's v2 [1].\n\n[1] https://lore.kernel.org/all/{id}/",
    "Tested with kvmtool v2: https://lore.kernel.org/all/{id}/",
    "The matching kvmtool v2 patches are here:\nhttps://lore.kernel.org/all/{id}/",
    "Changes in v2:\n- Dropped patch 3, Will took it in his fixes series:\n"
    "  https://lore.kernel.org/all/{id}/",
    # a blank line, then a link below a changelog item: no label names it
    "Changes in v2:\n- renamed the helper\n\nhttps://lore.kernel.org/all/{id}/",
    # patchew's prerequisite (qemu-devel), with the title of the series it names
    "Based-on: https://lore.kernel.org/qemu-devel/{id}/ ([PATCH v2 0/3] hw/arm: boards)",
    "Based-on: <{id}> ([PATCH v2 0/3] hw/arm: boards)",
]


@pytest.mark.parametrize("text", RELATED_WORK_TEXTS)
def test_a_link_to_work_it_depends_on_is_no_previous_version(text: str) -> None:
    mails = _v1_and_v2(text.format(id=V1_COVER))
    assert len(link_revisions(kvmlist.group_series(mails))) == 2


def _posting(version: int, title: str, patch_titles: list[str], day: int) -> list[kvmlist.Message]:
    tag = "PATCH" if version == 1 else f"PATCH v{version}"
    total, cover = len(patch_titles), f"{version}-{day}-cover@x"
    date = f"{day} Mar 2026 10:00:00 +0000"
    mails = [mail(f"[{tag} 0/{total}] {title}", "Work.\n", message_id=f"<{cover}>", date=date)]
    for i, patch_title in enumerate(patch_titles, 1):
        thread = f"In-Reply-To: <{cover}>\n"
        mails.append(
            mail(
                f"[{tag} {i}/{total}] {patch_title}",
                DIFF,
                message_id=f"<{version}-{day}-{i}@x>",
                date=date,
                extra=thread,
            )
        )
    return [parse_message(raw) for raw in mails]


def test_a_renamed_series_whose_patches_mostly_kept_their_titles_links() -> None:
    v1 = _posting(
        1, "kasan: x86: arm64: risc-v: tag-based mode", ["kasan: a", "x86: b", "riscv: c"], 3
    )
    v2 = _posting(2, "kasan: x86: arm64: tag-based mode", ["kasan: a", "x86: b", "arm64: d"], 9)
    [history] = link_revisions(kvmlist.group_series(v1 + v2))
    assert [s.version for s in history.revisions] == [1, 2]
    # one shared patch of three is a shared preparatory patch, not a revision
    other = _posting(2, "mm: another work", ["kasan: a", "mm: e", "mm: f"], 9)
    assert len(link_revisions(kvmlist.group_series(v1 + other))) == 2


def test_a_cover_whose_patches_never_came_links_to_its_posting_again() -> None:
    # kvmarm: "[PATCH 0/3] ..." alone (git send-email stopped), the whole series a minute
    # later: the cover-only posting is no series of its own to wait on
    mails = [post("[PATCH 0/3] KVM: arm64: rework", "c1", "Three steps.\n")]
    mails += [post("[PATCH 0/3] KVM: arm64: rework", "c2", "Three steps.\n", minute=1)]
    mails += [
        post(f"[PATCH {i}/3] KVM: arm64: step {i}", f"p{i}", extra="In-Reply-To: <c2>\n", minute=1)
        for i in (1, 2, 3)
    ]
    first, second = kvmlist.group_series(mails, revisions=True)
    assert (first.patches, first.next_id) == ((), "c2")
    assert second.previous_id == "c1" and len(second.patches) == 3
    # two whole postings of one version stay apart, as before (no RESEND, no newer version)
    again = [post("[PATCH] KVM: same title", "a"), post("[PATCH] KVM: same title", "b", minute=1)]
    assert [s.next_id for s in kvmlist.group_series(again, revisions=True)] == [None, None]


def _unversioned_then_v1(
    v1_subject: str, v1_text: str, v1_sender: str | None = None
) -> list[kvmlist.Message]:
    """An unversioned cover letter, then a cover letter with v1_subject that says
    v1_text ("{id}": the first cover's Message-ID), sent by v1_sender (default: the same)."""
    first, second = "cover.1750854543.git.jane@x", "cover.1754292567.git.jane@x"
    cover = f"{v1_text.format(id=first)}\n\nJane Doe (2):\n  dma: a\n  dma: b\n"
    sender = {} if v1_sender is None else {"sender": v1_sender}
    later = mail(v1_subject, cover, message_id=f"<{second}>", date=AUGUST, **sender)
    first_cover = mail("[PATCH 0/2] dma: move to phys", "Work.\n", message_id=f"<{first}>")
    return [parse_message(first_cover), parse_message(later)]


AUGUST = "Tue, 4 Aug 2026 10:00:00 +0000"


def test_a_v1_whose_changelog_links_the_unversioned_posting_as_v0_follows_it() -> None:
    text = "Changelog:\nv1:\n * Added an attribute\nv0: https://lore.kernel.org/all/{id}/"
    mails = _unversioned_then_v1("[PATCH v1 0/2] dma: move to phys", text)
    first, second = kvmlist.group_series(mails, revisions=True)
    assert (first.next_id, second.previous_id) == (second.anchor_id, first.anchor_id)


@pytest.mark.parametrize(
    ("subject", "sender"),
    [
        # neither says it is a later version: two postings of version 1
        ("[PATCH 0/2] dma: move to phys", None),
        # somebody else's v1 that links Jane's posting
        ("[PATCH v1 0/2] dma: move to phys", "John Roe <john@example.org>"),
    ],
)
def test_a_link_between_two_postings_of_version_1_links_only_an_explicit_v1_of_its_author(
    subject: str, sender: str | None
) -> None:
    text = "v0: https://lore.kernel.org/all/{id}/"
    mails = _unversioned_then_v1(subject, text, sender)
    assert [s.next_id for s in kvmlist.group_series(mails, revisions=True)] == [None, None]


JANE, MARC = "Jane Doe <jane@example.org>", "Marc Zyngier <maz@kernel.org>"


def _series(subject: str, msgid: str, text: str, sender: str, day: int) -> list[kvmlist.Message]:
    """A cover letter saying text and its one patch, sent by sender on day (of March)."""
    date = f"Tue, {day} Mar 2026 10:00:00 +0000"
    tag, _, title = subject.partition("] ")
    patch = mail(
        f"{tag.replace('0/1', '1/1')}] {title}: the patch",
        DIFF,
        sender=sender,
        message_id=f"<{msgid}.1@x>",
        date=date,
        extra=f"In-Reply-To: <{msgid}@x>\n",
    )
    cover = mail(subject, f"{text}\n", sender=sender, message_id=f"<{msgid}@x>", date=date)
    return [parse_message(cover), parse_message(patch)]


@pytest.mark.parametrize(
    "text",
    [
        # kvmarm's wording: the link names the other series' version, not this one's
        "Changes since v2:\n - rebased on Marc's v2 refactoring of the first vcpu run:\n"
        "   https://lore.kernel.org/kvmarm/marc2@x",
        "Needs Marc's v2: https://lore.kernel.org/all/marc2@x/",
        # a changelog item whose wording no filter knows
        "Changes since v2:\n - use the hook from Marc's series:\n   https://lore.kernel.org/r/marc2@x",
    ],
)
def test_the_same_author_and_title_beat_a_version_link_to_another_authors_series(
    text: str,
) -> None:
    mails = _series("[PATCH v2 0/1] KVM: arm64: unshare", "jane2", "Unshare.", JANE, 2)
    mails += _series("[PATCH v2 0/1] KVM: arm64: first run", "marc2", "First run.", MARC, 3)
    mails += _series("[PATCH v3 0/1] KVM: arm64: unshare", "jane3", f"Unshare.\n\n{text}", JANE, 5)
    jane2, marc2, jane3 = kvmlist.group_series(mails, revisions=True)
    assert (jane2.next_id, jane3.previous_id, marc2.next_id) == ("jane3@x", "jane2@x", None)


def test_a_series_taken_over_by_another_author_follows_the_first_authors_version() -> None:
    mails = _series("[PATCH v3 0/1] KVM: arm64: PTP", "jane3", "PTP.", JANE, 2)
    text = "Jane's series, which I picked up.\n\nv3: https://lore.kernel.org/r/jane3@x"
    mails += _series("[PATCH v4 0/1] KVM: arm64: PTP support", "marc4", text, MARC, 9)
    jane3, marc4 = kvmlist.group_series(mails, revisions=True)
    assert (jane3.next_id, marc4.previous_id) == ("marc4@x", "jane3@x")


def test_a_series_split_in_two_gives_two_lines_from_the_version_before() -> None:
    # v3 split "A B C D" into "A and B" and "C and D", both linking v2; then v4 of "A and B"
    v2_link = "Changes in v3:\n- split the series in two\n\nv2: https://lore.kernel.org/all/e2@x/"
    mails = _series("[PATCH 0/1] KVM: arm64: A B C D", "e1", "All four.", JANE, 1)
    mails += _series("[PATCH v2 0/1] KVM: arm64: A B C D", "e2", "All four.", JANE, 2)
    mails += _series("[PATCH v3 0/1] KVM: arm64: A and B", "e3a", v2_link, JANE, 3)
    mails += _series("[PATCH v3 0/1] KVM: arm64: C and D", "e3b", v2_link, JANE, 4)
    mails += _series("[PATCH v4 0/1] KVM: arm64: A and B", "e4a", "Changes in v4.", JANE, 5)
    series = kvmlist.group_series(mails, revisions=True)
    assert [(s.anchor_id, s.previous_id, s.next_id) for s in series] == [
        ("e1@x", None, "e2@x"),
        ("e2@x", "e1@x", "e3a@x"),  # its next: the half that arrived first
        ("e3a@x", "e2@x", "e4a@x"),
        ("e3b@x", "e2@x", None),  # the other half, not superseded by the first half's v4
        ("e4a@x", "e3a@x", None),
    ]
    lines = link_revisions(kvmlist.group_series(mails))
    assert [[s.anchor_id for s in h.revisions] for h in lines] == [
        ["e1@x", "e2@x", "e3a@x", "e4a@x"],
        ["e3b@x"],
    ]
    assert lines[1].previous(lines[1].latest) is lines[0].revisions[1]


def test_rfc_written_in_the_title_is_no_part_of_it() -> None:
    # kasan-dev: "[PATCH 0/7] RFC: coverage deduplication for KCOV", then its v2 without it
    mails = _series("[PATCH 0/1] RFC: kcov: deduplicate", "g1", "Idea.", JANE, 1)
    mails += _series("[PATCH v2 0/1] kcov: Deduplicate", "g2", "Changes in v2.", JANE, 9)
    first, second = kvmlist.group_series(mails, revisions=True)
    assert (first.next_id, second.previous_id) == ("g2@x", "g1@x")


ROB = "Rob Reviewer <rob@example.net>"


def test_a_strangers_version_answering_a_series_under_another_title_revises_nothing() -> None:
    # Rob answers Jane's patch with an unrelated fix of his, "[PATCH v2] ...": Jane's series
    # is not superseded by it
    mails = _series("[PATCH 0/1] KVM: arm64: victim work", "jane1", "Work.", JANE, 2)
    subject, answer = "[PATCH v2] selftests: unrelated typo fix", "In-Reply-To: <jane1.1@x>\n"
    fix = mail(subject, DIFF, sender=ROB, message_id="<rob2@x>", extra=answer)
    found = kvmlist.group_series([*mails, parse_message(fix)], revisions=True)
    assert [s.next_id for s in found] == [None, None]


def test_a_strangers_posting_reusing_a_change_id_under_another_title_revises_nothing() -> None:
    text = "Work.\n\n---\nbase-commit: abc\nchange-id: 20260301-victim-1a2b3c"
    mails = _series("[PATCH 0/1] KVM: arm64: victim work", "jane1", text, JANE, 2)
    mails += _series("[PATCH v2 0/1] something else", "rob2", text, ROB, 9)
    found = kvmlist.group_series(mails, revisions=True)
    assert [s.next_id for s in found] == [None, None]


def test_another_persons_version_threaded_under_a_series_of_its_title_takes_it_over() -> None:
    # without a link, only the title and the thread say so: a takeover as the rules know it
    mails = _series("[PATCH 0/1] KVM: arm64: PTP", "jane1", "PTP.", JANE, 2)
    answer, date = "In-Reply-To: <jane1@x>\n", "Tue, 9 Mar 2026 10:00:00 +0000"
    marc = mail("[PATCH v2 0/1] KVM: arm64: PTP", "PTP.\n", sender=MARC, message_id="<marc2@x>",
                date=date, extra=answer)  # fmt: skip
    jane1, marc2 = kvmlist.group_series([*mails, parse_message(marc)], revisions=True)
    assert (jane1.next_id, marc2.previous_id) == ("marc2@x", "jane1@x")


def test_the_histories_are_the_same_whatever_order_the_mails_came_in() -> None:
    # a lore search answers newest first; a Maildir's names need not sort by arrival
    mails = [
        post("[PATCH] KVM: arm64: Fix the vgic", "a", minute=0),
        post("[PATCH v2] KVM: arm64: Fix the vgic", "b", minute=10),
        post("[PATCH v2] KVM: arm64: Fix the vgic", "c", minute=20),
        post("[PATCH v3] KVM: arm64: Fix the vgic", "d", minute=30),
    ]
    forward = kvmlist.group_series(mails, revisions=True)
    backward = kvmlist.group_series(mails[::-1], revisions=True)
    links = {s.anchor_id: (s.previous_id, s.next_id) for s in forward}
    assert links == {s.anchor_id: (s.previous_id, s.next_id) for s in backward}
    assert links["d"] == ("c", None) and links["a"] == (None, "b")


@pytest.mark.parametrize(
    "renamed",
    [
        "[PATCH v2] mm: baz: remove the unused helper (was: mm: baz: drop dead code)",
        "[PATCH v2] mm: baz: remove the unused helper [was: mm: baz: drop dead code]",
        "[PATCH v2] mm: baz: remove the unused helper (was mm: baz: drop dead code)",
        "[PATCH v2] mm: baz: remove the unused helper (Was: [PATCH] mm: baz: drop dead code)",
    ],
)
def test_a_title_that_says_what_it_was_links_both_the_old_and_the_new_title(renamed: str) -> None:
    mails = [
        post("[PATCH] mm: baz: drop dead code", "a"),
        post(renamed, "b", minute=5),
        post("[PATCH v3] mm: baz: remove the unused helper", "c", minute=9),
    ]
    [history] = link_revisions(kvmlist.group_series(mails))
    assert [s.version for s in history.revisions] == [1, 2, 3]
    assert history.revisions[1].title == renamed.partition("] ")[2]  # kept as sent


def test_a_stranger_typing_the_authors_name_takes_no_version_of_hers() -> None:
    # Mallory, named "Jane Doe", answers Jane's v1 with a "v2" of other work: only Jane's
    # address makes a posting hers, as it takes a place in a series
    mails = _series("[PATCH 0/1] KVM: arm64: victim work", "jane1", "Work.", JANE, 2)
    subject, answer = "[PATCH v2] KVM: arm64: other work", "In-Reply-To: <jane1.1@x>\n"
    posing = "Jane Doe <mallory@evil.example>"
    fix = mail(subject, DIFF, sender=posing, message_id="<mallory2@x>", extra=answer)
    found = kvmlist.group_series([*mails, parse_message(fix)], revisions=True)
    assert [s.next_id for s in found] == [None, None]


def test_patch_titles_that_only_drop_a_trailing_full_stop_link() -> None:
    # v1's patch titles end in "." (a reviewer asks to drop it), v2's cover letter is renamed
    titles = ["arm64: get ipi num.", "arm64: its: handle wrapping.", "arm64: add LPI test."]
    mails = [post("[PATCH 0/3] arm64: add latency", "v1-0")]
    mails += [
        post(f"[PATCH {i}/3] {t}", f"v1-{i}", extra="In-Reply-To: <v1-0>\n")
        for i, t in enumerate(titles, 1)
    ]
    mails.append(post("[PATCH v2 0/3] arm/arm64: Add latency tests", "v2-0", "Cover\n", minute=9))
    mails += [
        post(f"[PATCH v2 {i}/3] {t[:-1]}", f"v2-{i}", extra="In-Reply-To: <v2-0>\n", minute=9)
        for i, t in enumerate(titles, 1)
    ]
    [history] = link_revisions(kvmlist.group_series(mails))
    assert [s.version for s in history.revisions] == [1, 2]


def test_a_trailing_question_mark_or_bracket_still_tells_titles_apart() -> None:
    mails = [
        post("[PATCH] KVM: x86: why not trap CR4?", "a"),
        post("[PATCH v2] KVM: x86: why not trap CR4", "b", minute=5),
        post("[PATCH] KVM: arm64: Fix vgic (again)", "c", minute=6),
        post("[PATCH v2] KVM: arm64: Fix vgic (again", "d", minute=7),
    ]
    assert len(link_revisions(kvmlist.group_series(mails))) == 4


def test_a_cover_sent_alone_then_again_with_its_patches_follows_their_v1() -> None:
    # v2's cover went out alone (an aborted send), minutes later again with its patches,
    # under a new title: the patch titles, shared with v1, say what the cover revises
    titles = ["arm64: get ipi num", "arm64: its: handle wrapping", "arm64: add LPI test"]
    mails = [post("[PATCH 0/3] arm64: add latency", "v1-0")]
    mails += [
        post(f"[PATCH {i}/3] {t}", f"v1-{i}", extra="In-Reply-To: <v1-0>\n")
        for i, t in enumerate(titles, 1)
    ]
    mails.append(post("[PATCH v2 0/3] arm/arm64: Add latency tests", "v2a-0", "Cover\n", minute=8))
    mails.append(post("[PATCH v2 0/3] arm/arm64: Add latency tests", "v2-0", "Cover\n", minute=9))
    mails += [
        post(f"[PATCH v2 {i}/3] {t}", f"v2-{i}", extra="In-Reply-To: <v2-0>\n", minute=9)
        for i, t in enumerate(titles, 1)
    ]
    [history] = link_revisions(kvmlist.group_series(mails))
    assert [s.anchor_id for s in history.revisions] == ["v1-0", "v2a-0", "v2-0"]


@pytest.mark.parametrize(
    "line",
    [
        "Supersedes: <{id}>",  # patchew's form (qemu-devel): this series replaces that one
        "Supersedes: {id}",
        "Supersedes: https://lore.kernel.org/qemu-devel/{id}/",
    ],
)
def test_a_renamed_series_saying_supersedes_follows_the_posting_it_names(line: str) -> None:
    mails = _v1_and_v2(f"{line.format(id=V1_COVER)}\n\nReworked after review.")
    [history] = link_revisions(kvmlist.group_series(mails))
    assert [s.anchor_id for s in history.revisions] == [V1_COVER, V2_COVER]


@pytest.mark.parametrize(("old", "new"), [("", ""), ("v3 ", ""), ("v2 ", "RFC ")])
def test_a_renamed_series_restarting_its_count_follows_what_it_supersedes(
    old: str, new: str
) -> None:
    # patchew's Supersedes from the same person is evidence enough: a renamed series may
    # start again at v1 (or as an RFC) whatever the version of the one it replaces
    mails = _series(f"[PATCH {old}0/1] hw/arm: virt: add foo", "foo", "Work.", JANE, 2)
    text = "Supersedes: <foo@x>\n\nRenamed."
    mails += _series(f"[PATCH {new}0/1] hw/arm: virt: rename to bar", "bar", text, JANE, 9)
    [history] = link_revisions(kvmlist.group_series(mails))
    assert [s.anchor_id for s in history.revisions] == ["foo@x", "bar@x"]


def test_a_strangers_supersedes_takes_no_line_of_another_person() -> None:
    # Mallory's v3 under another title says it supersedes Jane's v2: Jane's v3 follows v2
    mails = _series("[PATCH 0/1] KVM: arm64: victim work", "jane1", "Work.", JANE, 2)
    mails += _series("[PATCH v2 0/1] KVM: arm64: victim work", "jane2", "Work.", JANE, 3)
    text = "Supersedes: <jane2@x>\n\nBetter."
    mails += _series("[PATCH v3 0/1] KVM: arm64: other work", "mallory3", text, MARC, 4)
    mails += _series("[PATCH v3 0/1] KVM: arm64: victim work", "jane3", "Work.", JANE, 5)
    _, jane2, mallory3, jane3 = kvmlist.group_series(mails, revisions=True)
    assert (jane2.next_id, jane3.previous_id) == ("jane3@x", "jane2@x")
    assert (mallory3.previous_id, mallory3.next_id) == (None, None)


def test_a_v2_dated_before_its_v1_by_a_senders_clock_still_follows_it() -> None:
    # the v1's sender clock ran an hour ahead: by Date the v2 came first
    mails = [
        post("[PATCH] KVM: arm64: Fix the vgic", "a", minute=50),
        post("[PATCH v2] KVM: arm64: Fix the vgic", "b", minute=5),
        post("[PATCH v3] KVM: arm64: Fix the vgic", "c", minute=55),
    ]
    for given in (mails, mails[::-1]):
        [history] = link_revisions(kvmlist.group_series(given))
        assert [s.anchor_id for s in history.revisions] == ["a", "b", "c"]


def test_a_version_link_to_a_later_dated_v1_links_it() -> None:
    v2_body = f"Changes since v1:\n- renamed\n\nv1: https://lore.kernel.org/r/{V1_COVER}\n"
    mails = _v1_and_v2(v2_body)
    late = mails[2].date + timedelta(hours=1)  # the v1's sender clock ran ahead
    v1 = [one.model_copy(update={"date": late}) for one in mails[:2]]
    [history] = link_revisions(kvmlist.group_series([*v1, *mails[2:]]))
    assert [s.anchor_id for s in history.revisions] == [V1_COVER, V2_COVER]


def test_postings_of_one_date_are_ordered_the_same_whatever_order_they_came_in() -> None:
    mails = [
        post("[PATCH] KVM: arm64: Fix the vgic", "a"),
        post("[PATCH v2] KVM: arm64: Fix the vgic", "b", minute=10),
        post("[PATCH v2] KVM: arm64: Fix the vgic", "c", minute=10),
    ]
    forward = kvmlist.group_series(mails, revisions=True)
    backward = kvmlist.group_series(mails[::-1], revisions=True)
    links = {s.anchor_id: (s.previous_id, s.next_id) for s in forward}
    assert links == {s.anchor_id: (s.previous_id, s.next_id) for s in backward}
    assert [s.anchor_id for s in posted_in_order(kvmlist.group_series(mails[::-1]))] == [
        "a",
        "b",
        "c",
    ]


def test_an_unversioned_posting_hours_after_a_v2_is_no_earlier_version() -> None:
    # intel-wired-lan: a v2 in the morning, the title again without a version at night
    mails = [
        post("[PATCH v2] e1000e: fix heap overflow", "a", minute=0),
        post("[PATCH] e1000e: fix heap overflow", "b"),
    ]
    late = mails[0].date + timedelta(hours=12, minutes=17)
    mails[1] = mails[1].model_copy(update={"date": late})
    histories = link_revisions(kvmlist.group_series(mails))
    assert [[s.anchor_id for s in h.revisions] for h in histories] == [["a"], ["b"]]
