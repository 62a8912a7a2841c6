"""Trailers a reply writes against trailers it only carries: a patch pasted below its note
keeps its own trailer block, and a link indented under a list item is no trailer."""

from __future__ import annotations

import kvmlist
from kvmlist import Message, parse_message

from .conftest import mail

DIFF = "diff --git a/a.c b/a.c\n--- a/a.c\n+++ b/a.c\n@@ -1 +1 @@\n-a\n+b\n"
PATCH = (
    "Mark the helper __init.\n\nSigned-off-by: Kees Roe <kees@example.org>\n---\n"
    " a.c | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n\n" + DIFF
)
#: a patch the replier made with git format-patch, pasted under their note
PASTED = (
    "Message-Id: <59d64dc0.1748084756.git.rita@example.org>\n"
    'From: "Rita Hart (IBM)" <rita@example.org>\n'
    "Subject: [RFC] powerpc/mm: move a few kfence calls to __init\n\n"
    "Move the kfence helpers to __init: only htab_initialize() calls them.\n\n"
    "Reported-by: kernel test robot <lkp@intel.com>\n"
    "Closes: https://lore.kernel.org/oe-kbuild-all/202504190552.mnFGs5sj-lkp@intel.com/\n"
    "Signed-off-by: Rita Hart (IBM) <rita@example.org>\n---\n"
    " arch/powerpc/mm/hash_utils.c | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n\n"
    + DIFF
)


def thread(reply_body: str, reply_sender: str = "Rita Hart <rita@example.org>") -> list[Message]:
    """Kees's patch, and a reply to it with reply_body."""
    patch = mail("[PATCH v2 8/14] powerpc: handle __init", PATCH, message_id="<p8@x>")
    reply = mail(
        "Re: [PATCH v2 8/14] powerpc: handle __init",
        reply_body,
        sender=reply_sender,
        message_id="<r@x>",
        date="Wed, 4 Mar 2026 10:00:00 +0000",
        extra="In-Reply-To: <p8@x>\nReferences: <p8@x>\n",
    )
    return [parse_message(patch), parse_message(reply)]


def given(messages: list[Message]) -> list[tuple[str, str]]:
    [series] = kvmlist.group_series(messages)
    return [(t.key, t.value) for p in series.patches for t in p.review_trailers]


NOTE = "Kees Roe <kees@example.org> writes:\n\n> +static inline void x(void)\n\n"


def test_the_trailers_of_a_patch_pasted_into_a_reply_are_that_patchs() -> None:
    body = NOTE + "Here is the patch I had in mind.\n\n-rita\n\n\n" + PASTED
    assert given(thread(body)) == []


def test_a_review_written_above_a_pasted_patch_still_counts() -> None:
    body = (
        NOTE + "This one is fine as it is:\n\nReviewed-by: Rita Hart <rita@example.org>\n\n"
        "and here is a follow-up I had in mind.\n\n" + PASTED
    )
    assert given(thread(body)) == [("Reviewed-by", "Rita Hart <rita@example.org>")]


def test_a_review_answering_a_quote_right_above_a_diff_still_counts() -> None:
    # no commit message above the trailer: the replier answers the quote, then shows a diff
    body = NOTE + "Reviewed-by: Rita Hart <rita@example.org>\n---\n" + DIFF
    assert given(thread(body)) == [("Reviewed-by", "Rita Hart <rita@example.org>")]


def test_a_link_indented_under_a_list_item_is_no_trailer() -> None:
    body = (
        NOTE + "These two patches conflict on PREEMPT_RT:\n\n"
        "1. kcov: replace local_irq_save() with a local_lock_t\n"
        "   Link: https://github.com/torvalds/linux/commit/d5d2c51f1e5f\n"
        "2. kcov, usb: disable interrupts in kcov_remote_start_usb_softirq\n"
        "   Link: https://github.com/torvalds/linux/commit/f85d39dd7ed8\n"
    )
    assert given(thread(body)) == []


def test_an_indented_trailer_on_a_line_of_its_own_still_counts() -> None:
    acked = "Acked-by: Rita Hart <rita@example.org>"
    body = NOTE + f"You can add my:\n\n  {acked}\n\nand, as you asked for the tag:\n\t{acked}\n"
    assert given(thread(body)) == [("Acked-by", "Rita Hart <rita@example.org>")]
