"""A hostile reply cannot cost more than its size, nor credit its sender more than once: a
reply repeating ``Reviewed-by:`` and ``---`` lines, a forged list of reviewers under a big
series' cover letter, the same tag written a thousand times."""

from __future__ import annotations

import kvmlist
from kvmlist import Message, parse_message
from kvmlist.analysis.review_stats import review_summary
from kvmlist.grouping.review import MAX_REPLY_TRAILERS
from kvmlist.parse.reply import given_trailers

from .conftest import mail
from .scaling import LINEAR_BOUND, growth

BOB = "Bob Reviewer <bob@x.org>"
DIFF = "diff --git a/a.c b/a.c\n--- a/a.c\n+++ b/a.c\n@@ -1 +1 @@\n-a\n+b\n"


def series(total: int) -> list[Message]:
    """Alice's series of ``total`` patches under a cover letter ``<c@x>``."""
    cover = mail(f"[PATCH 0/{total}] kvm: work", "cover\n", message_id="<c@x>")
    patches = [
        mail(
            f"[PATCH {i}/{total}] kvm: work part {i}",
            "x\n\nSigned-off-by: Alice <al@x.org>\n---\n" + DIFF,
            message_id=f"<p{i}@x>",
            extra="In-Reply-To: <c@x>\nReferences: <c@x>\n",
        )
        for i in range(1, total + 1)
    ]
    return [parse_message(raw) for raw in (cover, *patches)]


def reply(to: str, body: str, sender: str = BOB, message_id: str = "<r@x>") -> Message:
    return parse_message(
        mail(
            "Re: [PATCH] kvm: work",
            body,
            sender=sender,
            message_id=message_id,
            date="Wed, 4 Mar 2026 10:00:00 +0000",
            extra=f"In-Reply-To: {to}\nReferences: <c@x> {to}\n",
        )
    )


# --- cost ---------------------------------------------------------------------------------


def test_a_reply_of_repeated_trailers_and_separators_costs_linear_time() -> None:
    def work(n: int) -> int:
        return sum(1 for _ in given_trailers("text\n" + f"Reviewed-by: {BOB}\n---\n" * n))

    assert work(3) == 3  # no diff below any "---": each is the replier's own
    assert growth(work, 1_000) < LINEAR_BOUND


def test_repeated_separators_above_a_pasted_diff_cost_linear_time() -> None:
    def work(n: int) -> int:
        body = "Here it is.\n\nA fix.\n" + f"Reported-by: {BOB}\n---\n" * n + DIFF
        return sum(1 for _ in given_trailers(body))

    assert work(3) == 0  # the pasted patch's own trailer block, all of it
    assert growth(work, 500) < LINEAR_BOUND


def test_a_block_of_many_trailers_under_one_scope_costs_linear_time() -> None:
    def work(n: int) -> int:
        return sum(1 for _ in given_trailers("For patch 1:\n" + f"Reviewed-by: {BOB}\n" * n))

    assert {t.patches for t in given_trailers("For patch 1:\n" + f"Reviewed-by: {BOB}\n" * 3)} == {
        (1,)
    }
    assert growth(work, 2_000) < LINEAR_BOUND


def test_many_distinct_forged_trailers_under_a_big_cover_cost_linear_time() -> None:
    mails = series(30)

    def work(n: int) -> int:
        forged = (f"Reviewed-by: Person {i} <p{i}@kernel.org>\n" for i in range(n))
        body = "LGTM\n\n" + "".join(forged)
        [found] = kvmlist.group_series([*mails, reply("<c@x>", body)])
        return len(found.patches[0].review_trailers)

    assert work(5) == 5
    assert growth(work, 150) < LINEAR_BOUND


def test_a_reply_gives_at_most_max_reply_trailers_however_many_it_writes() -> None:
    # Under a cover letter each trailer goes to every patch: P patches x T trailers, for
    # every later step that judges them (series, stalled, site). Real replies give a few.
    forged = "".join(f"Reviewed-by: Person {i} <p{i}@kernel.org>\n" for i in range(1_000))
    [found] = kvmlist.group_series([*series(4), reply("<c@x>", "LGTM\n\n" + forged)])
    for patch in found.patches:
        given = [t.person.email for t in patch.review_trailers if t.person]
        assert given == [f"p{i}@kernel.org" for i in range(MAX_REPLY_TRAILERS)]


# --- credit -------------------------------------------------------------------------------


def test_a_tag_repeated_in_one_reply_credits_its_reviewer_once() -> None:
    mails = [*series(3), reply("<p1@x>", "Looks good.\n\n" + f"Reviewed-by: {BOB}\n" * 1000)]
    [bob] = review_summary(mails).reviewers
    assert (bob.reviewed, bob.replies) == (1, 1)
    [found] = kvmlist.group_series(mails)
    assert [len(p.review_trailers) for p in found.patches] == [1, 0, 0]


def test_a_reviewer_gives_a_reply_one_credit_per_key_whatever_the_scopes() -> None:
    body = f"For patch 1:\nReviewed-by: {BOB}\n\nFor patch 2:\nReviewed-by: {BOB}\n"
    mails = [*series(3), reply("<c@x>", body)]
    [bob] = review_summary(mails).reviewers
    assert bob.reviewed == 1
    [found] = kvmlist.group_series(mails)
    assert [len(p.review_trailers) for p in found.patches] == [1, 1, 0]


def test_two_replies_with_the_same_tag_each_count() -> None:
    mails = [
        *series(3),
        reply("<p1@x>", f"Reviewed-by: {BOB}\n"),
        reply("<p2@x>", f"Reviewed-by: {BOB}\n", message_id="<r2@x>"),
    ]
    [bob] = review_summary(mails).reviewers
    assert (bob.reviewed, bob.replies) == (2, 2)
