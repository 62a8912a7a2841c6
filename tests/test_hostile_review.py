"""A hostile reply cannot cost more than its size, nor credit its sender more than once: a
reply repeating ``Reviewed-by:`` and ``---`` lines, a forged list of reviewers under a big
series' cover letter, the same tag written a thousand times."""

from __future__ import annotations

from kvmlist import Message, parse_message
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
