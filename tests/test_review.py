"""Trailers given in replies: on the patch answered, on every patch for a cover letter."""

from __future__ import annotations

import pytest

import kvmlist
from kvmlist import Message, Patch, Person, parse_message

from .conftest import FIXTURES, mail


@pytest.fixture(scope="module")
def series() -> list[kvmlist.Series]:
    return kvmlist.group_series(kvmlist.read_mbox(FIXTURES / "kvm-sample.mbox"))


def reviews(patch: Patch) -> list[tuple[str, str, bool]]:
    return [(t.key, str(t.person), t.mismatch) for t in patch.review_trailers]


def test_reviewed_by_in_a_reply_applies_to_that_patch(series: list[kvmlist.Series]) -> None:
    v1 = series[0]
    assert reviews(v1.patches[1]) == [
        ("Reviewed-by", "Priya Raghunathan <priyar@google.com>", False)
    ]
    assert v1.patches[1].review_trailers[0].given_in == "aaWq2LhM7sQyXc4N@google.com"
    assert v1.patches[0].review_trailers == () and v1.patches[2].review_trailers == ()


def test_quoted_trailers_do_not_count(series: list[kvmlist.Series]) -> None:
    # the reply quotes "> Signed-off-by: Hannah Whitlock": only its own Reviewed-by counts
    assert [t.key for t in series[0].patches[1].review_trailers] == ["Reviewed-by"]


def test_two_trailers_in_one_reply(series: list[kvmlist.Series]) -> None:
    unit_tests = series[3]
    assert [t.key for t in unit_tests.patches[1].review_trailers] == ["Tested-by", "Reviewed-by"]


def test_acked_by_on_the_cover_letter_applies_to_every_patch(series: list[kvmlist.Series]) -> None:
    v2 = series[5]
    assert v2.version == 2
    for patch in v2.patches:
        assert ("Acked-by", "Catriona Fyfe <cfyfe@kernel.org>", False) in reviews(patch)


def thread() -> list[Message]:
    patch = mail(
        "[PATCH 1/1] KVM: x",
        message_id="<p@x>",
        body=(
            "Fix.\n\nSigned-off-by: Jane Doe <jane@example.org>\n---\n"
            "diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1 +1 @@\n-a\n+b\n"
        ),
    )
    first = mail(
        "Re: [PATCH 1/1] KVM: x",
        message_id="<r1@x>",
        sender="Bo <bo@example.org>",
        extra="In-Reply-To: <p@x>\n",
        body="Question?\n",
    )
    deeper = mail(
        "Re: [PATCH 1/1] KVM: x",
        message_id="<r2@x>",
        sender="Al <al@example.org>",
        extra="In-Reply-To: <r1@x>\n",
        body="> Question?\nFine by me.\n\nReviewed-by: Al <al@example.org>\n"
        "Tested-by: Someone Else <else@example.org>\n"
        "Reviewed-by: me, once the typo is fixed\n"
        "Fixes: ?\n\n-- \nReviewed-by: Sig <sig@example.org>\n",
    )
    return [parse_message(m) for m in (patch, first, deeper)]


def test_reply_to_a_reply_climbs_to_the_patch_and_flags_mismatches() -> None:
    [one] = kvmlist.group_series(thread())
    given = one.patches[0].review_trailers
    assert [(t.key, t.person, t.mismatch) for t in given] == [
        ("Reviewed-by", Person(name="Al", email="al@example.org"), False),
        ("Tested-by", Person(name="Someone Else", email="else@example.org"), True),
    ]
    assert given[1].given_by == Person(name="Al", email="al@example.org")


def test_reviews_can_be_left_out() -> None:
    [one] = kvmlist.group_series(thread(), reviews=False)
    assert one.patches[0].review_trailers == ()


def review_of(sender: str, body: str) -> list[tuple[str, str, bool]]:
    """Trailers a reply from sender with body gives to the patch of thread()."""
    patch = thread()[0]
    reply = parse_message(
        mail(
            "Re: [PATCH 1/1] KVM: x",
            message_id="<rev@x>",
            sender=sender,
            extra="In-Reply-To: <p@x>\n",
            body=body,
        )
    )
    [one] = kvmlist.group_series([patch, reply])
    return [(t.key, t.value, t.mismatch) for t in one.patches[0].review_trailers]


@pytest.mark.parametrize(
    ("sender", "trailer", "mismatch"),
    [
        # kvmarm <20190730215759.5b54e45d@why>: Marc acks from a mistyped address
        ("Marc Zyngier <maz@kermel.org>", "Marc Zyngier <maz@kernel.org>", False),
        # kvmarm <94CC1391-FCAF-4889-A234-911C66D6D334@amazon.de>: an Outlook-style name
        ("Graf (AWS), Alexander <graf@amazon.de>", "Alexander Graf <graf@amazon.com>", False),
        ("Huacai Chen <chenhuacai@gmail.com>", "Huacai Chen <chenhc@lemote.com>", False),
        ("Marc <marc@example.org>", "Marc Zyngier <maz@kernel.org>", True),
        ("Jane Roe <jane@example.org>", "Jane Doe <jane.doe@example.org>", True),
        ("Bo <bo@example.org>", "Bo <bo@work.example>", False),
        # a name holding the reviewer's words is not the reviewer's
        ("Marc Zyngier Fan Club <mallory@example.com>", "Marc Zyngier <maz@kernel.org>", True),
        ('"Marc Zyngier via x" <mallory@example.com>', "Marc Zyngier <maz@kernel.org>", True),
        # kvmarm <c57e0686-bdaf-2646-43d9-f0ac54e7eb22@amperemail.onmicrosoft.com>: names reversed
        ("Shijie Huang <shijie@example.com>", "Huang Shijie <huangsj@example.org>", False),
        # kasan-dev <20250818191203.GK3289052@noisy.programming.kicks-ass.net>: a mistyped address
        (
            "Peter Zijlstra <peterz@infradead.org>",
            "Peter Zijlstra (Intel) <peterz@infraded.org>",
            False,
        ),
        (
            "Jane Doe <jane@example.org>",
            "Jane Doe (A Contingent worker at Intel) <jd@intel.example>",
            False,
        ),
        ("Loktionov, Aleksandr <al@intel.example>", "Aleksandr Loktionov <al@example.org>", False),
        ("Jörg Rödel <joro@example.org>", "Jorg Rodel <jroedel@example.com>", False),
        # kvmarm <e555a639-9f49-e067-5da2-7d4f2be710d0@foxmail.com>: the address as the name
        (
            "zhang.fei@example.com <zhang.fei@example.com>",
            "Zhang Fei <zhang.fei@example.org>",
            False,
        ),
    ],
)
def test_a_trailer_sent_from_another_address_of_the_same_name_is_no_mismatch(
    sender: str, trailer: str, mismatch: bool
) -> None:
    assert review_of(sender, f"Looks good.\n\nAcked-by: {trailer}\n") == [
        ("Acked-by", trailer, mismatch)
    ]


def test_a_review_tag_without_angle_brackets_names_its_sender() -> None:
    patch = thread()[0]
    reply = parse_message(
        mail("Re: [PATCH 1/1] KVM: x", message_id="<rev@x>", sender="Jane Doe <jane@example.org>",
             extra="In-Reply-To: <p@x>\n", body="LGTM.\n\nReviewed-by: Jane Doe jane@example.org\n")
    )  # fmt: skip
    [one] = kvmlist.group_series([patch, reply])
    [given] = one.patches[0].review_trailers
    assert given.person == Person(name="Jane Doe", email="jane@example.org")
    assert not given.mismatch


def test_a_fixes_tag_wrapped_by_the_mailer_is_joined() -> None:
    # kvmarm <20190429191305.21000-1-andrew.murray@arm.com>: the reply wraps the subject
    body = (
        "You want a Fixes tag:\n\n"
        "Fixes: 39e3406a090a (\"arm64: KVM: Avoid isb's by using direct pmxevtyper\n"
        'sysreg")\nReviewed-by: Al\n<al@example.org>\n'
    )
    assert review_of("Al <al@example.org>", body) == [
        (
            "Fixes",
            '39e3406a090a ("arm64: KVM: Avoid isb\'s by using direct pmxevtyper sysreg")',
            False,
        ),
        ("Reviewed-by", "Al <al@example.org>", False),
    ]


def test_a_review_tag_with_no_blank_after_its_colon_counts() -> None:
    body = (
        "Looks good.\n\n"
        "Reviewed-by:Carol <carol@example.org>\nAcked-by : Carol <carol@example.org>\n"
    )
    assert review_of("Carol <carol@example.org>", body) == [
        ("Reviewed-by", "Carol <carol@example.org>", False),
        ("Acked-by", "Carol <carol@example.org>", False),
    ]


def test_compound_and_misspelt_review_keys_count() -> None:
    # kvmarm <20220616134828.129006-2-alexandru.elisei@arm.com>, <20211201120436.389756-4-...>
    body = (
        "Thanks!\n\nReviewed-and-tested-by: Al <al@example.org>\nReviwed-by: Al <al@example.org>\n"
    )
    assert [key for key, _, _ in review_of("Al <al@example.org>", body)] == [
        "Reviewed-and-tested-by",
        "Reviwed-by",
    ]


def test_a_maintainer_crediting_a_reporter_is_flagged_as_naming_someone_else() -> None:
    # kvmarm <8735uxvajh.wl-maz@kernel.org>: Marc adds the reporter when applying; mismatch
    # says the trailer names somebody else than its sender, as b4 does
    body = "Applied, with\n\nReported-by: Shaokun Zhang <zhangshaokun@hisilicon.com>\n"
    assert review_of("Marc Zyngier <maz@kernel.org>", body) == [
        ("Reported-by", "Shaokun Zhang <zhangshaokun@hisilicon.com>", True)
    ]


def test_an_appended_original_mail_gives_no_trailers() -> None:
    # kvmarm <161580788522249@kroah.com>: the stable team's notice carries the patch unquoted
    body = (
        "This is a note to let you know that I've just added the patch titled\n\n"
        "    KVM: arm64: x\n\nto the 5.4-stable tree.\n\n\n"
        "From foo@baz Mon Mar 15 12:27:54 PM CET 2021\nFrom: Jane Doe <jane@example.org>\n"
        "Subject: KVM: arm64: x\n\nFix.\n\nSigned-off-by: Jane Doe <jane@example.org>\n"
        "Signed-off-by: Greg KH <gregkh@example.org>\n"
    )
    assert review_of("Greg KH <gregkh@example.org>", body) == []
    outlook = "Tested fine.\n\nTested-by: Al <al@example.org>\n\n-----Original Message-----\n"
    outlook += "From: Jane\nSent: Monday\n\nReviewed-by: Jane Doe <jane@example.org>\n"
    assert review_of("Al <al@example.org>", outlook) == [
        ("Tested-by", "Al <al@example.org>", False)
    ]
    # Outlook's other forms: the same block in other dashes, and a rule of underscores above
    # the original's From/Sent/To (kvmarm <DB6PR0801MB2071AF38...@...outlook.com>)
    for divider in ("--- Original Message ---", "________________________________\nFrom: Jane"):
        appended = f"Tested fine.\n\nTested-by: Al <al@example.org>\n\n{divider}\n"
        appended += "Sent: Monday\nTo: Al\n\nReviewed-by: Jane Doe <jane@example.org>\n"
        assert review_of("Al <al@example.org>", appended) == [
            ("Tested-by", "Al <al@example.org>", False)
        ]
    # a rule of underscores the sender drew is no original
    drawn = "Tested fine.\n________________________________\n\nTested-by: Al <al@example.org>\n"
    assert review_of("Al <al@example.org>", drawn) == [("Tested-by", "Al <al@example.org>", False)]
