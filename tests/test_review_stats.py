"""Reviewer statistics and time to first reply, first review trailer and acceptance."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import timedelta

import pytest

import kvmlist
from kvmlist.analysis.identities import Mailmap
from kvmlist.analysis.review_stats import ReviewSummary, review_summary
from kvmlist.outputs.export import to_dataframe

from .conftest import FIXTURES, mail, mbox


def test_reviewers_ranked_by_trailers_given() -> None:
    result = review_summary(kvmlist.read_mbox(FIXTURES / "kvm-sample.mbox"))
    top = [(str(r.person), r.reviewed, r.acked, r.tested) for r in result.reviewers[:3]]
    assert top == [
        ("Andrea Conti <aconti@redhat.com>", 1, 0, 1),
        ("Priya Raghunathan <priyar@google.com>", 1, 0, 0),
        ("Catriona Fyfe <cfyfe@kernel.org>", 0, 1, 0),
    ]


def test_series_timings() -> None:
    result = review_summary(kvmlist.read_mbox(FIXTURES / "kvm-sample.mbox"))
    by_title = {(t.series.title, t.series.version): t for t in result.timings}
    v1 = by_title[("KVM: arm64: Ratelimit reports of unhandled sysreg accesses", 1)]
    # posted Mon 10:14:31, Priya's Reviewed-by on 2/3 came at 22:02:19
    assert v1.first_review == timedelta(hours=11, minutes=47, seconds=48)
    v2 = by_title[("KVM: arm64: Ratelimit reports of unhandled sysreg accesses", 2)]
    assert v2.accepted == timedelta(days=1, hours=23, minutes=9, seconds=49)
    fix = by_title[("KVM: x86: Deliver an expired hv timer before switching to the sw timer", 1)]
    assert fix.accepted is not None and fix.first_review is None
    assert result.median("accepted") is not None


def test_review_command_json() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "kvmlist",
            "review",
            str(FIXTURES / "kvm-sample.mbox"),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(done.stdout)
    assert data["reviewers"][0]["reviewer"] == "Andrea Conti <aconti@redhat.com>"
    # the fixture holds a pull request nobody answered: its line is there, without a time
    assert set(data["median_hours"]) == {
        "first_reply", "first_review", "accepted", "merge (pull requests)"
    }  # fmt: skip
    assert data["median_hours"]["merge (pull requests)"] is None


# --- what counts: an answer, a credited review (kvmlist.analysis.counted) ---------------------

ALICE = "Alice Dev <alice@example.com>"
POSTED = "Mon, 1 Dec 2025 00:00:00 +0000"


def _patch(mid: str, title: str = "KVM: arm64: Fix the walk", sender: str = ALICE) -> bytes:
    return mail(f"[PATCH] {title}", "Fix it.\n\nSigned-off-by: Alice Dev <alice@example.com>\n",
                sender=sender, message_id=f"<{mid}@x>", date=POSTED)  # fmt: skip


def _answer(mid: str, parent: str, sender: str, hours: int, text: str) -> bytes:
    day, hour = divmod(hours, 24)
    return mail("Re: [PATCH] x", f"> quoted\n\n{text}\n", sender=sender, message_id=f"<{mid}@x>",
                date=f"{['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][day % 7]}, {1 + day} Dec"
                f" 2025 {hour:02}:00:00 +0000",
                extra=f"In-Reply-To: <{parent}@x>\nReferences: <{parent}@x>\n")  # fmt: skip


ROBOT_REPORT = """Hi Alice,

kernel test robot noticed the following build errors:

If you fix the issue in a separate patch/commit (i.e. not just a new version of
the same patch/commit), kindly add following tags
| Reported-by: kernel test robot <lkp@intel.com>
| Closes: https://lore.kernel.org/oe-kbuild-all/202512010200.abc-lkp@intel.com/
"""


def _summary(*mails: bytes, mailmap: Mailmap | None = None) -> ReviewSummary:
    return review_summary(kvmlist.read_mbox(io.BytesIO(mbox(*mails))), mailmap=mailmap)


def test_first_reply_is_the_first_answer_from_somebody_else_than_the_author_or_a_robot() -> None:
    result = _summary(
        _patch("t1"),
        _answer("a1", "t1", ALICE, 1, "Forgot to Cc Marc."),
        _answer("a2", "t1", "kernel test robot <lkp@intel.com>", 2, ROBOT_REPORT),
        _answer("a3", "t1", "Marc Z <maz@kernel.org>", 240, "Reviewed-by: Marc Z <maz@kernel.org>"),
    )
    (timing,) = result.timings
    assert timing.first_reply == timing.first_review == timedelta(days=10)


def test_a_series_only_robots_answered_has_no_first_reply_and_no_reviewer() -> None:
    report = ("Hi,\n\nsyzbot ci has tested the following series\n\n"
              "Tested-by: syzbot@syzkaller.appspotmail.com\n")  # fmt: skip
    result = _summary(
        _patch("t2"), _answer("a4", "t2", "syzbot ci <syzbot+ci0b43@syzkaller.appspotmail.com>", 3,
                             report)
    )  # fmt: skip
    assert result.timings[0].first_reply is None
    assert result.reviewers == []  # a robot's test result is no review, nor its reply


PATCHWORK_BOT = """Hello:

This patch was applied to netdev/net-next.git (main)
by Jakub Kicinski <kuba@kernel.org>:

Here is the summary with links:
  - KVM: arm64: Fix the walk
    https://git.kernel.org/netdev/net-next/c/0123456789ab

You are awesome, thank you!
"""


def test_robots_replies_make_no_reviewer_row() -> None:
    result = _summary(
        _patch("t6"),
        _answer("a9", "t6", "kernel test robot <lkp@intel.com>", 2, ROBOT_REPORT),
        _answer("a10", "t6", "patchwork-bot+netdevbpf@kernel.org", 3, PATCHWORK_BOT),
        _answer("a11", "t6", "Marc Z <maz@kernel.org>", 4, "Reviewed-by: Marc Z <maz@kernel.org>"),
    )
    rows = [(str(r.person), r.trailers, r.replies) for r in result.reviewers]
    assert rows == [("Marc Z <maz@kernel.org>", 1, 1)]


SPAM = "Pills delivered discreetly, call now: +00 000 000 000\n"


def test_only_replies_to_postings_count_as_review_work() -> None:
    # a Google-Groups spammer answers other spam ("Re:" with or without In-Reply-To);
    # Bob discusses a bug report; Carol answers last week's patch, which the window cut
    result = _summary(
        _patch("t7"),
        _answer("a12", "t7", "Marc Z <maz@kernel.org>", 1, "Looks fine."),
        _answer("a13", "a12", "Marc Z <maz@kernel.org>", 2, "Also this."),
        mail("Cheap pills", SPAM, sender="Spam Er <spam@example.net>", message_id="<s1@x>",
             date=POSTED),
        mail("Re: Cheap pills", SPAM, sender="Spam Er <spam@example.net>",
             message_id="<s2@x>", date=POSTED, extra="In-Reply-To: <s1@x>\n"),
        mail("Re: Cheap pills", SPAM, sender="Spam Er <spam@example.net>",
             message_id="<s3@x>", date=POSTED),
        mail("KASAN: use-after-free in foo", "BUG: KASAN\n", sender="Rep Orter <rep@example.org>",
             message_id="<b1@x>", date=POSTED),
        mail("Re: KASAN: use-after-free in foo", "> BUG\n\nSeen it too.\n",
             sender="Bob Dev <bob@example.org>", message_id="<b2@x>", date=POSTED,
             extra="In-Reply-To: <b1@x>\n"),
        mail("Re: [PATCH v3 2/4] mm: Fix the walk", "> +x\n\nWhy not a lock here?\n",
             sender="Carol <carol@example.org>", message_id="<c1@x>", date=POSTED,
             extra="In-Reply-To: <gone@x>\nReferences: <gone0@x> <gone@x>\n"),
        mail("Re: [Intel-wired-lan] [iwl-net v2] iavf: Fix the walk", "> +x\n\nWhy?\n",
             sender="Carol <carol@example.org>", message_id="<c2@x>", date=POSTED,
             extra="In-Reply-To: <gone2@x>\n"),
        mail("Re: (subset) [PATCH 00/14] mm: Fix walks", "Applied to mm, thanks!\n",
             sender="Marc Z <maz@kernel.org>", message_id="<c3@x>", date=POSTED,
             extra="In-Reply-To: <gone3@x>\n"),
    )  # fmt: skip
    rows = {str(r.person): r.replies for r in result.reviewers}
    assert rows == {"Marc Z <maz@kernel.org>": 3, "Carol <carol@example.org>": 2}


def test_a_reply_naming_a_patch_in_its_references_counts_when_its_parent_has_no_thread() -> None:
    # Dave answers Marc's reply, which lost its In-Reply-To; Dave's References name the patch
    result = _summary(
        _patch("t8"),
        mail("Re: Fix the walk", "> x\n\nFine.\n", sender="Marc Z <maz@kernel.org>",
             message_id="<a14@x>", date=POSTED),
        mail("Re: Fix the walk", "> Fine.\n\nThanks.\n", sender="Dave <dave@example.org>",
             message_id="<a15@x>", date=POSTED,
             extra="In-Reply-To: <a14@x>\nReferences: <t8@x> <a14@x>\n"),
    )  # fmt: skip
    rows = {str(r.person): r.replies for r in result.reviewers}
    assert rows == {"Dave <dave@example.org>": 1}


def test_a_relayed_review_tag_is_no_first_review() -> None:
    # the maintainer relays a tag given off-list: flagged a mismatch, it is nobody's review yet
    relayed = "Reviewed-by: Rob Rev <rob@arm.com> (off-list)\nThanks."
    result = _summary(_patch("t3"), _answer("a5", "t3", "Marc Z <maz@kernel.org>", 5, relayed))
    (timing,) = result.timings
    assert timing.first_reply == timedelta(hours=5) and timing.first_review is None


def test_a_misspelt_review_key_is_credited_as_the_key_it_means() -> None:
    result = _summary(
        _patch("t4"),
        _answer("a6", "t4", "Rob Rev <rob@arm.com>", 5, "Reviwed-by: Rob Rev <rob@arm.com>"),
        _answer("a7", "t4", "Eve Lim <eve@google.com>", 6,
                "Reviewed-and-tested-by: Eve Lim <eve@google.com>"),
    )  # fmt: skip
    counts = {r.person.email: (r.reviewed, r.acked, r.tested) for r in result.reviewers}
    assert counts["rob@arm.com"] == (1, 0, 0) and counts["eve@google.com"] == (1, 0, 0)
    assert result.timings[0].first_review == timedelta(hours=5)


def test_a_mailmap_joining_sender_and_named_reviewer_clears_the_mismatch() -> None:
    mailmap = Mailmap.parse(["Rob Rev <rob@arm.com> <robrev@gmail.com>"])
    mails = (_patch("t5"), _answer("a8", "t5", "robrev@gmail.com", 1,
                                   "Reviewed-by: Rob Rev <rob@arm.com>"))  # fmt: skip
    assert [r.reviewed for r in _summary(*mails).reviewers] == [0]
    (rob,) = _summary(*mails, mailmap=mailmap).reviewers
    assert (str(rob.person), rob.reviewed, rob.replies) == ("Rob Rev <rob@arm.com>", 1, 1)
    assert _summary(*mails, mailmap=mailmap).timings[0].first_review == timedelta(hours=1)


def _relayed_patch(mid: str) -> bytes:
    # Marc posts Oliver's patch in his series: the in-body From makes Oliver its author
    body = ("From: Oliver Upton <oliver.upton@linux.dev>\n\nUse ARRAY_SIZE().\n\n"
            "Signed-off-by: Oliver Upton <oliver.upton@linux.dev>\n"
            "Signed-off-by: Marc Z <maz@kernel.org>\n")  # fmt: skip
    return mail("[PATCH 6/6] KVM: arm64: Don't open code ARRAY_SIZE()", body,
                sender="Marc Z <maz@kernel.org>", message_id=f"<{mid}@x>", date=POSTED)  # fmt: skip


@pytest.mark.parametrize(
    ("posted", "reviewer", "tag"),
    [
        (_patch("s1"), ALICE, "Reviewed-by: Alice Dev <alice@example.com>"),
        (_relayed_patch("s1"), "Oliver Upton <oliver.upton@linux.dev>",
         "Acked-by: Oliver Upton <Oliver.Upton@linux.dev>"),
    ],
    ids=["own-posting", "posted-by-another"],
)  # fmt: skip
def test_a_review_tag_on_ones_own_patch_is_no_review(
    posted: bytes, reviewer: str, tag: str
) -> None:
    mails = [posted, _answer("s2", "s1", reviewer, 3, tag)]
    result = _summary(*mails)
    assert [(r.trailers, r.replies) for r in result.reviewers] == [(0, 1)]
    assert result.timings[0].first_review is None
    (series,) = kvmlist.group_series(_messages(*mails))
    assert [t.key for t in series.patches[0].review_trailers] == [tag.split(":")[0]]  # kept
    frame = to_dataframe(list(series.patches))
    assert len(frame) == 1
    assert frame[["reviewed_by", "acked_by", "tested_by"]].to_numpy().sum() == 0


def _messages(*mails: bytes) -> list[kvmlist.Message]:
    return list(kvmlist.read_mbox(io.BytesIO(mbox(*mails))))
