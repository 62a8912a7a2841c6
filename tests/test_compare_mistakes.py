"""The b4 comparison counts b4's known mistakes apart, each on a small hand-written thread,
and still counts a kvmlist mistake mixed into the same field against kvmlist."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

import kvmlist
from kvmlist import parse_message
from kvmlist.compare import Comparison, compare_with_b4
from kvmlist.compare.values import norm

from .conftest import mail

pytest.importorskip("b4")

DIFF = (
    "---\n a.c | 1 +\n 1 file changed, 1 insertion(+)\n\n"
    "diff --git a/a.c b/a.c\n--- a/a.c\n+++ b/a.c\n@@ -1 +1,2 @@\n x\n+y\n"
)
JANE = "Jane Doe <jane@example.org>"
SOB = f"Signed-off-by: {JANE}\n"


def post(
    subject: str,
    msgid: str,
    body: str = f"Change.\n\n{SOB}{DIFF}",
    parents: tuple[str, ...] = (),
    sender: str = JANE,
    minute: int = 0,
) -> kvmlist.Message:
    extra = ""
    if parents:
        refs = " ".join(f"<{p}>" for p in parents)
        extra = f"In-Reply-To: <{parents[-1]}>\nReferences: {refs}\n"
    date = f"Tue, 3 Mar 2026 10:{minute:02d}:00 +0000"
    raw = mail(subject, body, message_id=f"<{msgid}>", extra=extra, sender=sender, date=date)
    return parse_message(raw)


def wrong_only(result: Comparison, name: str) -> bool:
    """The field disagrees, and every disagreement is counted as b4's mistake."""
    found = result.disagreements.get(name, [])
    return bool(found) and all(d.oracle_wrong for d in found)


def series_of_two(*extra: kvmlist.Message) -> list[kvmlist.Message]:
    return [
        post(
            "[PATCH v4 0/2] x",
            "c",
            "Two changes.\n\n a.c | 2 ++\n 1 file changed, 2 insertions(+)\n",
        ),
        post("[PATCH v4 1/2] a", "p1", parents=("c",)),
        post("[PATCH v4 2/2] b", "p2", parents=("c",)),
        *extra,
    ]


def test_a_point_revision_b4_files_as_an_extra_patch_is_b4s_mistake() -> None:
    # kasan-dev <20250214195242.2480920-1-longman@redhat.com>: b4 makes "[PATCH v4.1 4/4]" 5 of 4
    result = compare_with_b4(series_of_two(post("[PATCH v4.1 2/2] b", "p21", parents=("c",))))
    assert wrong_only(result, "indices") and not result.disagreements.get("total")
    assert result.series == 1 and not result.kvmlist_only  # the v4.1 is in kvmlist's series


def test_a_stray_unnumbered_patch_b4_moves_into_a_series_is_b4s_mistake() -> None:
    # kvmarm <20210806113109.2475-1-will@kernel.org>: a [PATCH] sent in the same run
    stray = post("[PATCH] of: an unrelated fix", "s", parents=("c",))
    result = compare_with_b4(series_of_two(stray))
    assert wrong_only(result, "indices")


def test_a_patch_kvmlist_misses_still_counts_against_it_when_b4_moved_another() -> None:
    from kvmlist.compare.b4_mistakes import moved_aside

    def lmsg(counter: int) -> SimpleNamespace:
        return SimpleNamespace(counter=counter, expected=2, msgid=f"{counter}@x")

    # b4: 1/2, 2/2, a 2/2 resend moved to 3; kvmlist: 1/2 and 2/2, or only 1/2
    filed = [None, lmsg(1), lmsg(2), lmsg(2)]
    lser = SimpleNamespace(patches=filed)
    both, first = series_of_two()[1:], series_of_two()[1:2]
    assert moved_aside(lser, filed[1:], kvmlist.Series(version=4, total=2, patches=both))
    assert not moved_aside(lser, filed[1:], kvmlist.Series(version=4, total=2, patches=first))


def test_a_series_kvmlist_joins_across_threads_is_only_part_of_one_for_b4() -> None:
    # kvmarm <20190726112705.19000-1-anders.roxell@linaro.org>: 1/2 and 2/2 not threaded
    mails = [post("[PATCH 1/2] a", "p1"), post("[PATCH 2/2] b", "p2", minute=1)]
    result = compare_with_b4(mails)
    assert result.series == 2 and wrong_only(result, "indices")


def test_the_trailers_of_a_fix_in_the_sub_thread_b4_credits_are_its_mistake() -> None:
    # kvmarm <20200822024444.28132-1-gshan@redhat.com>: a maintainer posts a fix in reply,
    # a tester answers it; b4 credits both to the patch
    bob = "Bob Li <bob@example.net>"
    fix = f"> Change.\n\nTry this instead:\n\nSigned-off-by: {bob}\n{DIFF}"
    tested = "> Try this instead:\n\nTested-by: Cat Ng <cat@example.org>\n"
    mails = [
        post("[PATCH] a", "p"),
        post("Re: [PATCH] a", "q", "> Change.\n\nWhy?\n", ("p",), "Al Kim <al@example.org>"),
        post("Re: [PATCH] a", "f", fix, ("p", "q"), bob),
        post("Re: [PATCH] a", "t", tested, ("p", "q", "f"), "Cat Ng <cat@example.org>"),
    ]
    result = compare_with_b4(mails)
    assert wrong_only(result, "reviews")
    assert not kvmlist.group_series(mails)[0].patches[0].review_trailers


def test_a_review_b4_has_beside_a_fixs_trailers_still_counts_against_kvmlist() -> None:
    from kvmlist.compare.b4_mistakes import Context, misread_reviews

    context = Context(fix_trailers={"p": {("signed-off-by", "bob@example.net")}})
    fix_only = {("signed-off-by", "bob@example.net")}
    mixed = fix_only | {("acked-by", "cat@example.org")}
    assert misread_reviews(set(), fix_only, [], context, ("p",))
    assert not misread_reviews(set(), mixed, [], context, ("p",))  # kvmlist missed the ack
    assert not misread_reviews(set(), fix_only, [], context, ("other",))


def test_a_trailer_naming_the_sender_in_another_word_order_b4_drops_is_its_mistake() -> None:
    # kvmarm <20220527080253.1562538-1-gshan@redhat.com>: "Shijie Huang" sends "Tested-by:
    # Huang Shijie" from another address; b4 wants the very same name
    tested = "> Change.\n\nTested-by: Huang Shijie <shijie@corp.example.com>\n"
    mails = [
        post("[PATCH] a", "p"),
        post("Re: [PATCH] a", "t", tested, ("p",), "Shijie Huang <shijie@mail.example.com>"),
    ]
    result = compare_with_b4(mails)
    assert wrong_only(result, "reviews")


def test_a_reply_to_a_mail_missing_from_the_thread_b4_drops_is_its_mistake() -> None:
    # intel-wired-lan <BYAPR11MB354217E7BCD145FEB4A66F4EF99CA@...>: a tester answers a mail
    # of an internal thread; b4 finds no In-Reply-To in the thread and skips the reply
    tested = "Tested-by: Cat Ng <cat@example.org>\n"
    mails = [
        post("[PATCH] a", "p"),
        post("RE: [PATCH] a", "t", tested, ("p", "internal"), "Cat Ng <cat@example.org>"),
    ]
    result = compare_with_b4(mails)
    assert wrong_only(result, "reviews")
    assert kvmlist.group_series(mails)[0].patches[0].review_trailers


@pytest.mark.parametrize(
    ("answered", "said"),
    [
        # kvmarm <54e98237-263c-1154-6223-88bbee6bdad8@oracle.com>: b4 gives it to 2/2 too
        ("c", "You can add my Reviewed-by to patch 1:"),
        # kvmarm <20210713161544.GL22278@shell.armlinux.org.uk>: b4 gives it to 2/2 only
        ("p2", "For the whole series:"),
    ],
)
def test_a_trailer_the_reply_scopes_to_some_patches_b4_gives_to_the_mail_answered(
    answered: str, said: str
) -> None:
    cat = "Cat Ng <cat@example.org>"
    body = f"> Change.\n\n{said}\nReviewed-by: {cat}\n"
    parents = ("c",) if answered == "c" else ("c", answered)
    result = compare_with_b4(series_of_two(post("Re: [PATCH v4] x", "r", body, parents, cat)))
    assert wrong_only(result, "reviews")


def test_two_scoped_trailers_b4_misplaces_on_one_patch_are_both_its_mistake() -> None:
    # kvmarm <20210713135900.1473057-4-maz@kernel.org>: 3/3 has the ack given "for the whole
    # series" under 1/3 (b4 misses it) and lacks a review given "to patch 1 and 2" (b4 adds it)
    from kvmlist import Person, ReviewTrailer
    from kvmlist.compare.b4_mistakes import Context, misread_reviews

    rmk = Person(name="Russell King", email="rmk@example.org")
    ack = ReviewTrailer(key="Acked-by", value=str(rmk), person=rmk, given_in="r1", given_by=rmk)
    review = ("reviewed-by", "alex@example.org")
    context = Context(scoped=frozenset({"r1", "r2"}), scoped_under={"c": {review}})
    given = {("acked-by", "rmk@example.org")}
    assert misread_reviews(given, {review}, [ack], context, ("p3", "c"))
    assert not misread_reviews(given, {review}, [ack], context, ("p3", "other"))


def test_a_trailer_a_flowed_reply_soft_broke_b4_drops_is_its_mistake() -> None:
    # intel-wired-lan <dfece958-166e-4e3d-936e-5f2d11b81865@intel.com>: "Closes: " ends with
    # a space, the URL follows (RFC 3676 soft break); b4 reads the text as sent, no trailer
    url = "https://lore.kernel.org/all/2c7d6c31@example.org/"
    flowed = "Content-Type: text/plain; charset=UTF-8; format=flowed\n"
    for broken, b4_wrong in ((f"Closes: \n{url}\n", True), (f"Closes: {url}\n", False)):
        extra = f"In-Reply-To: <p>\nReferences: <p>\n{flowed}"
        body = f"> Change.\n\nApplied, adding the Closes:\n\n{broken}\nThanks,\nTony\n"
        raw = mail("Re: [PATCH] a", body, message_id="<r>", extra=extra, sender=JANE)
        mails = [post("[PATCH] a", "p"), parse_message(raw)]
        [patch] = kvmlist.group_series(mails)[0].patches
        assert [(t.key, t.value) for t in patch.review_trailers] == [("Closes", url)]
        result = compare_with_b4(mails)
        assert wrong_only(result, "reviews") is b4_wrong
        assert result.agreement()["reviews"] == (0.0 if b4_wrong else 100.0)


@pytest.mark.parametrize(
    ("line", "pair"),
    [
        # kvmarm <20200615132719.1932408-3-maz@kernel.org>: a blank before the colon
        ("Reviewed-by : Cat Ng <cat@example.org>", ("reviewed-by", "cat@example.org")),
        # kvmarm <20210514085640.3917886-2-qperret@google.com>: none after it
        ('Fixes:0123456789ab ("a: b")', ("fixes", '0123456789ab ("a: b")')),
        # intel-wired-lan <20250703113022.1451223-2-jedrzej.jagielski@intel.com>
        ("Closes:https://lore.example.org/r/1", ("closes", "https://lore.example.org/r/1")),
    ],
)
def test_a_trailer_with_the_blanks_git_allows_around_its_colon_b4_misses_is_its_mistake(
    line: str, pair: tuple[str, str]
) -> None:
    # git interpret-trailers reads these; b4 wants "Key: value" (a blank after, none before)
    mails = [post("[PATCH] a", "p", f"Change.\n\n{line}\n{SOB}{DIFF}")]
    [patch] = kvmlist.group_series(mails)[0].patches
    assert pair in {(t.key.lower(), norm(t.value)) for t in patch.trailers}
    result = compare_with_b4(mails)
    assert wrong_only(result, "trailers")


def test_a_trailer_b4_reads_beside_one_it_misses_still_counts_against_kvmlist() -> None:
    from kvmlist.compare.b4_mistakes import missed_for_blanks

    body = "Change.\n\nReviewed-by : Cat Ng <cat@example.org>\nSigned-off-by: Jane <j@x.org>\n"
    ours = {("reviewed-by", "cat@example.org"), ("signed-off-by", "j@x.org")}
    assert missed_for_blanks(ours, {("signed-off-by", "j@x.org")}, body)
    assert not missed_for_blanks(ours, {("signed-off-by", "al@x.org")}, body)
    assert not missed_for_blanks(ours | {("acked-by", "al@x.org")}, set(), body)
    spaced = body.replace("Reviewed-by :", "Reviewed-by:")  # b4 would read that one
    assert not missed_for_blanks(ours, {("signed-off-by", "j@x.org")}, spaced)


def test_a_review_with_a_blank_before_its_colon_b4_drops_is_its_mistake() -> None:
    # kvmarm <d6032191-ba0e-82a4-4dde-11beef369a11@arm.com>: "Reviewed-by : Suzuki K Polose"
    cat = "Cat Ng <cat@example.org>"
    body = f"> Change.\n\nReviewed-by : {cat}\n"
    mails = [post("[PATCH] a", "p"), post("Re: [PATCH] a", "r", body, ("p",), cat)]
    assert kvmlist.group_series(mails)[0].patches[0].review_trailers
    result = compare_with_b4(mails)
    assert wrong_only(result, "reviews")


def test_an_indented_key_value_under_a_list_item_b4_credits_is_its_mistake() -> None:
    # kasan-dev <4834c0cf-b0e8-49c8-a13b-27c80921a03d@kzalloc.com>: "1. kcov: ..." then
    # "   Link: <url>"; b4 reads the Link as a trailer given to the patch
    body = (
        "> Change.\n\nThese two conflict:\n\n"
        "1. kcov: replace local_irq_save() with a local_lock_t\n"
        "   Link: https://git.example.org/commit/d5d2c51f1e5f\n"
    )
    mails = [post("[PATCH] a", "p"), post("Re: [PATCH] a", "r", body, ("p",), JANE)]
    assert not kvmlist.group_series(mails)[0].patches[0].review_trailers
    result = compare_with_b4(mails)
    assert wrong_only(result, "reviews")
