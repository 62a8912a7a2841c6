"""Replies whose parent mail never reached the list: References still name the patch."""

from __future__ import annotations

from datetime import timedelta

import kvmlist
from kvmlist import Message, parse_message
from kvmlist.analysis.review_stats import review_summary
from kvmlist.grouping.acceptance import acceptance_of

from .conftest import mail

DIFF = "---\ndiff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1 +1 @@\n-a\n+b\n"
#: an Intel validation engineer answers a mail of an internal Outlook thread (intel-wired-lan
#: <BYAPR11MB354217E7BCD145FEB4A66F4EF99CA@...>): its In-Reply-To never reached the list
TESTER = "Rinitha S <sx.rinitha@intel.com>"
INTERNAL = "<PH0PR11MB5013AB12@PH0PR11MB5013.namprd11.prod.outlook.com>"


def series() -> list[Message]:
    """[PATCH iwl-net 0/2] with two patches, threaded under the cover letter."""
    thread = "In-Reply-To: <c@x>\nReferences: <c@x>\n"
    raws = [mail("[PATCH iwl-net 0/2] ice: Tx scheduler fixes", "The cover.\n", message_id="<c@x>")]
    for i in (1, 2):
        body = f"Fix {i}.\n\nSigned-off-by: Michal Kubiak <michal.kubiak@intel.com>\n{DIFF}"
        subject = f"[PATCH iwl-net {i}/2] ice: fix Tx scheduler {i}"
        raws.append(mail(subject, body, message_id=f"<p{i}@x>", extra=thread))
    return [parse_message(raw) for raw in raws]


def answer(
    body: str,
    references: str,
    *,
    sender: str = TESTER,
    message_id: str = "<t@x>",
    date: str = "Wed, 4 Mar 2026 10:00:00 +0000",
    subject: str = "RE: [PATCH iwl-net 2/2] ice: fix Tx scheduler 2",
) -> Message:
    """A reply to the internal mail, with References (oldest first) as given."""
    extra = f"In-Reply-To: {INTERNAL}\n"
    extra += f"References: {references}\n" if references else ""
    raw = mail(
        subject,
        body,
        sender=sender,
        message_id=message_id,
        date=date,
        extra=extra,
    )
    return parse_message(raw)


TESTED = "Tested-by: Rinitha S <sx.rinitha@intel.com> (A Contingent worker at Intel)\n"


def given(messages: list[Message]) -> dict[str, list[str]]:
    [one] = kvmlist.group_series(messages)
    return {p.message_id: [t.key for t in p.review_trailers] for p in one.patches}


def test_a_reply_to_a_mail_not_in_the_archive_reviews_the_patch_its_references_name() -> None:
    reply = answer(TESTED, f"<c@x> <p2@x> {INTERNAL}")
    assert given([*series(), reply]) == {"p1@x": [], "p2@x": ["Tested-by"]}


def test_the_newest_referenced_mail_in_the_archive_is_the_one_answered() -> None:
    # the tester answers a question the author asked under the cover letter; two mails of
    # the internal thread sit between them
    question = parse_message(
        mail(
            "Re: [PATCH iwl-net 0/2] ice: Tx scheduler fixes",
            "Could you test this on E810?\n",
            message_id="<q@x>",
            extra="In-Reply-To: <c@x>\nReferences: <c@x>\n",
        )
    )
    reply = answer(TESTED, f"<c@x> <q@x> <missing@x> {INTERNAL}")
    assert given([*series(), question, reply]) == {"p1@x": ["Tested-by"], "p2@x": ["Tested-by"]}


def test_a_reply_with_nothing_of_its_thread_in_the_archive_reviews_nothing() -> None:
    alone = answer(TESTED, "")
    outside = answer(TESTED, f"<other@x> {INTERNAL}", message_id="<t2@x>")
    assert given([*series(), alone, outside]) == {"p1@x": [], "p2@x": []}


def test_the_climb_through_references_still_stops_at_a_fix_posted_in_the_thread() -> None:
    # a fix posted in patch 2's thread is in the archive; the reply answers a mail under it
    fix = parse_message(
        mail(
            "Re: [PATCH iwl-net 2/2] ice: fix Tx scheduler 2",
            f"Something like this instead?\n\nSigned-off-by: Jane Doe <jane@example.org>\n{DIFF}",
            message_id="<fix@x>",
            extra="In-Reply-To: <p2@x>\nReferences: <c@x> <p2@x>\n",
        )
    )
    reply = answer(TESTED, f"<c@x> <p2@x> <fix@x> {INTERNAL}")
    assert given([*series(), fix, reply]) == {"p1@x": [], "p2@x": []}


def test_the_review_times_count_a_reply_found_through_references() -> None:
    reply = answer(TESTED, f"<c@x> <p2@x> {INTERNAL}")
    [timing] = review_summary([*series(), reply]).timings
    assert timing.first_reply == timedelta(days=1)
    assert timing.first_review == timedelta(days=1)


def test_a_notice_answering_a_mail_not_in_the_archive_applies_to_the_series_referenced() -> None:
    # found through References, the notice's patch numbers count (matched by the subject's
    # title instead, it would name the whole series)
    notice = answer(
        "Applied patch 2 to net-queue, thanks!\n",
        f"<c@x> {INTERNAL}",
        sender="Tony Nguyen <anthony.l.nguyen@intel.com>",
        subject="RE: [PATCH iwl-net 0/2] ice: Tx scheduler fixes",
    )
    messages = [*series(), notice]
    [accepted] = acceptance_of(kvmlist.group_series(messages), messages).values()
    assert list(accepted.applied) == ["p2@x"]
    assert accepted.applied["p2@x"].tree == "net-queue"
