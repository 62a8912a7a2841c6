"""A maintainer taking applied patches back: "OK, I dropped this series from mm-new"."""

from __future__ import annotations

import pytest

import kvmlist
from kvmlist import parse_message
from kvmlist.analysis.review_stats import review_summary
from kvmlist.grouping.acceptance import acceptance_of
from kvmlist.grouping.series import group_series
from kvmlist.parse.retraction import Retraction, retraction_in

from .conftest import mail

JANE = "Jane Doe <jane@example.com>"
AKPM = "Andrew Morton <akpm@linux-foundation.org>"
DAVID = "David Hildenbrand <david@redhat.com>"
COVER = "<cover@example.com>"


def series() -> list[bytes]:
    """Jane's two-patch series, threaded under its cover letter."""
    thread = f"In-Reply-To: {COVER}\nReferences: {COVER}\n"
    raws = [
        mail("[PATCH v3 0/2] mm: foo", "Cover.\n", sender=JANE, message_id=COVER,
             date="Mon, 6 Jan 2025 10:00:00 +0000"),
    ]  # fmt: skip
    for i in (1, 2):
        raws.append(
            mail(f"[PATCH v3 {i}/2] mm: foo part {i}", f"Part {i}.\n", sender=JANE,
                 message_id=f"<p{i}@example.com>", date=f"Mon, 6 Jan 2025 10:00:0{i} +0000",
                 extra=thread)
        )  # fmt: skip
    return raws


def answer(body: str, sender: str, message_id: str, date: str, above: str = COVER) -> bytes:
    """A reply to ``above`` (a mail answering the cover letter, or the cover letter)."""
    refs = COVER if above == COVER else f"{COVER} {above}"
    extra = f"In-Reply-To: {above}\nReferences: {refs}\n"
    return mail("Re: [PATCH v3 0/2] mm: foo", body, sender=sender, message_id=message_id,
                date=date, extra=extra)  # fmt: skip


ADDED = answer("On Mon, Jane wrote:\n> Cover.\n\nThanks, I added this series to mm-new.\n",
               AKPM, "<added@lf.org>", "Mon, 6 Jan 2025 18:00:00 -0800")  # fmt: skip
NAK = answer("On 06.01.25, Jane wrote:\n> Cover.\n\nNAK, this breaks hugetlb.\n",
             DAVID, "<nak@redhat.com>", "Tue, 7 Jan 2025 09:00:00 +0100")  # fmt: skip
DROPPED = answer(
    "On Tue, David wrote:\n> NAK, this breaks hugetlb.\n\nOK, I dropped this series from mm-new.\n",
    AKPM, "<dropped@lf.org>", "Tue, 7 Jan 2025 18:00:00 -0800", "<nak@redhat.com>",
)  # fmt: skip


def messages(*raws: bytes) -> list[kvmlist.Message]:
    return [parse_message(raw) for raw in [*series(), *raws]]


def accepted(*raws: bytes) -> dict[str, tuple[str, ...]]:
    """Per series anchor, the notice Message-ID of each applied patch."""
    mails = messages(*raws)
    found = acceptance_of(group_series(mails), mails)
    return {
        f"<{a}>": tuple(f"<{x.message_id}>" for x in s.applied.values()) for a, s in found.items()
    }


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("OK, I dropped this series from mm-new.", Retraction("mm-new", (), True)),
        ("Indeed. Given that, this seems odd.\nI've now dropped this series from my tree until"
         " Mark has a chance to\nclarify this.", Retraction("my tree", (), True)),
        ("Both patches now dropped from my queue, thanks.", Retraction("my queue", (), True)),
        ("I have reverted it from kvm/queue.", Retraction("kvm/queue", ())),
        ("I dropped patch 3 from kvm/queue.", Retraction("kvm/queue", (3,))),
        ("Yeah. I've dropped this patch and sprinkled a bunch of ifdefs instead.",
         Retraction(None, ())),
    ],
)  # fmt: skip
def test_a_maintainer_says_the_patches_left_a_tree(text: str, said: Retraction) -> None:
    assert retraction_in(text) == said


@pytest.mark.parametrize(
    "text",
    [
        "I've dropped this cast and removed the comment about it from the commit message.",
        "I removed it because it is unused.",
        "I dropped it.",
        "Should I drop it from my tree?",
        "I dropped it from my tree if that's OK with you.",
        "I'll drop it from mm-new.",
        "I dropped this patch from the series.",
        "I dropped this patch in v3.",
        "I removed it from arch/arm64/kvm/Makefile.",
        "Note that I have dropped the revert for now, as the original patch lives elsewhere.",
        "Sorry Alex! I've been juggling too many balls lately and completely\n"
        "dropped this one. I'll rebase arm/queue now.",
        "> OK, I dropped this series from mm-new.\n\nWhy?",
    ],
)
def test_words_about_code_plans_and_quotes_take_nothing_back(text: str) -> None:
    assert retraction_in(text) is None


def test_a_later_retraction_by_the_same_maintainer_cancels_the_acceptance() -> None:
    assert accepted(ADDED, NAK) == {COVER: ("<added@lf.org>",) * 2}
    assert accepted(ADDED, NAK, DROPPED) == {}


def test_a_new_notice_after_the_retraction_applies_the_patches_again() -> None:
    again = answer("Thanks, I re-added this series to mm-new.\n", AKPM, "<again@lf.org>",
                   "Fri, 10 Jan 2025 18:00:00 -0800")  # fmt: skip
    assert accepted(ADDED, NAK, DROPPED, again) == {COVER: ("<again@lf.org>",) * 2}


def test_a_retraction_by_somebody_else_or_before_the_notice_changes_nothing() -> None:
    by_david = DROPPED.replace(AKPM.encode(), DAVID.encode())
    early = DROPPED.replace(b"Tue, 7 Jan 2025 18:00:00", b"Sun, 5 Jan 2025 18:00:00")
    assert accepted(ADDED, NAK, by_david) == {COVER: ("<added@lf.org>",) * 2}
    assert accepted(ADDED, NAK, early) == {COVER: ("<added@lf.org>",) * 2}
    assert accepted(NAK, DROPPED) == {}


def test_a_retraction_naming_a_patch_cancels_that_patch_only() -> None:
    one = DROPPED.replace(b"this series", b"patch 2")
    assert accepted(ADDED, NAK, one) == {COVER: ("<added@lf.org>",)}


def _applied_lines(*raws: bytes) -> list[str]:
    text = kvmlist.render_report(messages(*raws))
    section = text.split("===== Patch list in this time period =====\n\n")[1]
    return [line for line in section.split("\n") if "(applied by" in line]


def test_the_report_leaves_out_an_applied_line_taken_back() -> None:
    assert len(_applied_lines(ADDED, NAK)) == 1
    assert _applied_lines(ADDED, NAK, DROPPED) == []


def test_review_timings_see_the_series_as_not_accepted() -> None:
    timing = review_summary(messages(ADDED, NAK, DROPPED)).timing_of(COVER.strip("<>"))
    assert timing is not None and timing.accepted is None


def test_a_retraction_by_a_stranger_typing_the_maintainers_name_changes_nothing() -> None:
    # a reply is the maintainer's by address: "Andrew Morton" at another address is not him
    posing = DROPPED.replace(AKPM.encode(), b"Andrew Morton <mallory@evil.example>")
    assert accepted(ADDED, NAK, posing) == {COVER: ("<added@lf.org>",) * 2}


# kvmarm's shape (86zhfbgnzf.wl-maz@kernel.org): the maintainer answers a reviewer's reply
# under patch 1, and his mailer, or the reviewer's, names only that reply in References
MARK = "Mark Rutland <mark.rutland@arm.com>"
MAZ = "Marc Zyngier <maz@kernel.org>"
ALEX = "Alexandru Elisei <alexandru.elisei@arm.com>"
PSTATE = "<20191220150549.31948-1-mark.rutland@arm.com>"
PSTATE_1 = "<20191220150549.31948-2-mark.rutland@arm.com>"
REVIEW = "<bace4197-a723-5312-3990-84232aab30d9@arm.com>"


def pstate_series() -> list[bytes]:
    """Mark's three-patch series, threaded under its cover letter."""
    raws = [
        mail("[PATCH 0/3] KVM: arm64: exception entry fixes", "Fixes.\n", sender=MARK,
             message_id=PSTATE, date="Fri, 20 Dec 2019 15:05:46 +0000"),
    ]  # fmt: skip
    for i, title in enumerate(("correct PSTATE on exception entry",
                               "correct AArch32 SPSR on exception entry",
                               "correct AArch32 PSTATE on exception entry"), 1):  # fmt: skip
        raws.append(
            mail(f"[PATCH {i}/3] KVM: arm64: {title}", f"Change {i}.\n", sender=MARK,
                 message_id=f"<20191220150549.31948-{i + 1}-mark.rutland@arm.com>",
                 date=f"Fri, 20 Dec 2019 15:05:4{6 + i} +0000",
                 extra=f"In-Reply-To: {PSTATE}\nReferences: {PSTATE}\n")
        )  # fmt: skip
    return raws


def on_patch_1(body: str, sender: str, message_id: str, date: str, above: str,
               references: str) -> bytes:  # fmt: skip
    return mail("Re: [PATCH 1/3] KVM: arm64: correct PSTATE on exception entry", body,
                sender=sender, message_id=message_id, date=date,
                extra=f"In-Reply-To: {above}\nReferences: {references}\n")  # fmt: skip


PSTATE_APPLIED = on_patch_1(
    "On Fri, Mark wrote:\n> Change 1.\n\nApplied to kvmarm/next, thanks.\n",
    MAZ, "<86applied.wl-maz@kernel.org>", "Mon, 23 Dec 2019 10:00:00 +0000", PSTATE_1,
    f"{PSTATE} {PSTATE_1}",
)  # fmt: skip
PSTATE_REVIEW = on_patch_1(
    "On 12/20/19 3:05 PM, Mark Rutland wrote:\n> Change 1.\n\n"
    "This breaks the guest's SSBS handling.\n",
    ALEX, REVIEW, "Fri, 27 Dec 2019 11:00:00 +0000", PSTATE_1, f"{PSTATE} {PSTATE_1}",
)  # fmt: skip
PSTATE_DROPPED = on_patch_1(
    "On Fri, 27 Dec 2019, Alexandru Elisei wrote:\n> This breaks the guest's SSBS handling."
    "\n\nIndeed. I've now dropped this series from kvmarm/next until it is fixed.\n",
    MAZ, "<86zhfbgnzf.wl-maz@kernel.org>", "Sun, 29 Dec 2019 15:17:40 +0000", REVIEW, REVIEW,
)  # fmt: skip


def pstate_lines(*raws: bytes) -> list[str]:
    mails = [parse_message(raw) for raw in [*pstate_series(), *raws]]
    text = kvmlist.render_report(mails)
    section = text.split("===== Patch list in this time period =====\n\n")[1]
    return [line for line in section.split("\n") if "(applied by" in line]


def pstate_accepted(*raws: bytes) -> dict[str, int]:
    mails = [parse_message(raw) for raw in [*pstate_series(), *raws]]
    found = acceptance_of(group_series(mails), mails)
    return {f"<{anchor}>": len(one.applied) for anchor, one in found.items()}


def test_a_retraction_answering_a_reply_whose_references_name_only_it_cancels_the_series() -> None:
    assert pstate_accepted(PSTATE_APPLIED, PSTATE_REVIEW) == {PSTATE: 1}
    assert pstate_accepted(PSTATE_APPLIED, PSTATE_REVIEW, PSTATE_DROPPED) == {}


def test_the_report_leaves_out_a_line_taken_back_under_a_reply_with_trimmed_references() -> None:
    assert pstate_lines(PSTATE_APPLIED, PSTATE_REVIEW) == [
        "KVM: arm64: correct PSTATE on exception entry (applied by Marc Zyngier to kvmarm/next)"
    ]
    assert pstate_lines(PSTATE_APPLIED, PSTATE_REVIEW, PSTATE_DROPPED) == []


# the same thread the other way round: the notice answers the reviewer's reply, References
# trimmed to it, and the retraction answers the patch with the whole thread in References
TRIMMED_APPLIED = on_patch_1(
    "On Fri, 27 Dec 2019, Alexandru Elisei wrote:\n> Looks good to me.\n\n"
    "Applied to kvmarm/next, thanks.\n",
    MAZ, "<86applied.wl-maz@kernel.org>", "Mon, 30 Dec 2019 10:00:00 +0000", REVIEW, REVIEW,
)  # fmt: skip
LATER_DROPPED = on_patch_1(
    "On Fri, Mark wrote:\n> Change 1.\n\nI've now dropped this series from kvmarm/next.\n",
    MAZ, "<86dropped.wl-maz@kernel.org>", "Tue, 31 Dec 2019 10:00:00 +0000", PSTATE_1,
    f"{PSTATE} {PSTATE_1}",
)  # fmt: skip


def test_an_acceptance_answering_a_reply_whose_references_name_only_it_is_taken_back() -> None:
    assert pstate_accepted(PSTATE_REVIEW, TRIMMED_APPLIED) == {PSTATE: 1}
    assert pstate_accepted(PSTATE_REVIEW, TRIMMED_APPLIED, LATER_DROPPED) == {}


def test_the_report_names_and_takes_back_a_notice_with_trimmed_references() -> None:
    assert pstate_lines(PSTATE_REVIEW, TRIMMED_APPLIED) == [
        "KVM: arm64: correct PSTATE on exception entry (applied by Marc Zyngier to kvmarm/next)"
    ]
    assert pstate_lines(PSTATE_REVIEW, TRIMMED_APPLIED, LATER_DROPPED) == []
