"""The report's applied lines for a notice that names patch numbers ("Applied patches 1-3")."""

from __future__ import annotations

import itertools
from datetime import datetime, timezone

import pytest

import kvmlist
from kvmlist import parse_message
from kvmlist.outputs.figures import MailFacts, ReportTotals

from .conftest import mail

COVER_ID = "cover.1757423202.git.leonro@nvidia.com"
TITLES = [
    "dma-debug: refactor to use physical addresses for page mapping",
    "dma-mapping: rename trace_dma_*map_page to trace_dma_*map_phys",
    "iommu/dma: rename iommu_dma_*map_page to iommu_dma_*map_phys",
    "dma-mapping: convert dma_direct_*map_page to be phys_addr_t based",
]
LEON = "Leon Romanovsky <leon@kernel.org>"
MAREK = "Marek Szyprowski <m.szyprowski@samsung.com>"


def cover() -> bytes:
    return mail(
        "[PATCH v6 0/4] dma-mapping: migrate to physical address-based API",
        "This series refactors the DMA mapping to use physical addresses.\n",
        sender=LEON,
        message_id=f"<{COVER_ID}>",
        date="Tue, 9 Sep 2025 16:27:28 +0300",
    )


def patch(index: int, *, chained: bool = False) -> bytes:
    # chained: sent --chain-reply-to, each patch answering the one before it
    above = [COVER_ID, *(f"{i}.{COVER_ID}" for i in range(1, index))] if chained else [COVER_ID]
    return mail(
        f"[PATCH v6 {index}/4] {TITLES[index - 1]}",
        f"Change {index}.\n\nSigned-off-by: {LEON}\n---\n",
        sender=LEON,
        message_id=f"<{index}.{COVER_ID}>",
        date=f"Tue, 9 Sep 2025 16:27:{28 + index} +0300",
        extra=f"In-Reply-To: <{above[-1]}>\nReferences: "
        + " ".join(f"<{one}>" for one in above)
        + "\n",
    )


def strangers_patch(index: int, sender: str = "Mallory Hacker <mallory@evil.example>") -> bytes:
    """A patch numbered as the series is, answering its cover, from somebody else."""
    return mail(
        f"[PATCH v6 {index}/4] net: add remote debug shell {index}",
        f"Add a shell.\n\nSigned-off-by: {sender}\n---\n",
        sender=sender,
        message_id=f"<evil-{index}@evil.example>",
        date="Wed, 10 Sep 2025 09:00:00 +0300",
        extra=f"In-Reply-To: <{COVER_ID}>\nReferences: <{COVER_ID}>\n",
    )


def notice(text: str, *, answers: tuple[str, ...] = (COVER_ID,)) -> bytes:
    return mail(
        "Re: [PATCH v6 0/4] dma-mapping: migrate to physical address-based API",
        f"On 09.09.2025 15:27, Leon Romanovsky wrote:\n> [...]\n\n{text}\n\nBest regards\n",
        sender=MAREK,
        message_id="<0db9bce5-40df-4cf5-85ab-f032c67d5c71@samsung.com>",
        date="Thu, 11 Sep 2025 10:00:00 +0200",
        extra=f"In-Reply-To: <{answers[-1]}>\nReferences: "
        + " ".join(f"<{one}>" for one in answers)
        + "\n",
    )


def applied_lines(raws: list[bytes]) -> list[str]:
    text = kvmlist.render_report(parse_message(raw) for raw in raws)
    return [line for line in text.splitlines() if "(applied by " in line]


def by_marek(titles: list[str], tree: str = "dma-mapping-for-next") -> list[str]:
    return [f"{title} (applied by Marek Szyprowski to {tree})" for title in titles]


SERIES = [cover(), *(patch(i) for i in range(1, 5))]
NUMBERED = notice("Applied patches 1-3 into dma-mapping-for-next branch. Thanks!")
#: Leon's series sent --chain-reply-to, a stranger's 2/4 and 3/4 answering its cover first
CHAINED_WITH_STRANGER = [
    cover(),
    patch(1, chained=True),
    strangers_patch(2),
    strangers_patch(3),
    *(patch(i, chained=True) for i in range(2, 5)),
]


@pytest.mark.parametrize("at", range(len(SERIES) + 1))
def test_a_notice_naming_numbers_under_a_cover_lists_those_patches_wherever_it_arrives(
    at: int,
) -> None:
    raws = [*SERIES[:at], NUMBERED, *SERIES[at:]]
    assert applied_lines(raws) == by_marek(TITLES[:3])


def test_the_lines_follow_the_patch_numbers_whatever_order_the_patches_came_in() -> None:
    for order in itertools.permutations(range(1, 5)):
        raws = [cover(), *(patch(i) for i in order), NUMBERED]
        assert applied_lines(raws) == by_marek(TITLES[:3])


def test_a_notice_leaving_a_patch_out_lists_the_others() -> None:
    left_out = notice("I queued this series for dma-mapping-for-next, apart from patch 2.")
    assert applied_lines([*SERIES, left_out]) == by_marek([TITLES[0], *TITLES[2:]])


def test_a_notice_under_a_reply_to_a_patch_names_patches_of_the_cover_above() -> None:
    # Paolo's "I have applied patches 1-11." under a reply to patch 12 of 14
    answers = (COVER_ID, f"4.{COVER_ID}", "reply@x.org")
    text = "Applied patches 1-2 into dma-mapping-for-next branch, thanks."
    assert applied_lines([*SERIES, notice(text, answers=answers)]) == by_marek(TITLES[:2])


def test_a_notice_without_numbers_under_a_cover_keeps_the_series_line() -> None:
    whole = notice("Applied to dma-mapping-for-next, thanks!")
    assert applied_lines([*SERIES, whole]) == by_marek(
        ["dma-mapping: migrate to physical address-based API"]
    )


def test_named_patches_the_report_lacks_give_the_covers_line() -> None:
    # the patches came before the period: the cover's line, as for a notice without numbers
    assert applied_lines([cover(), NUMBERED]) == by_marek(
        ["dma-mapping: migrate to physical address-based API"]
    )


def test_of_the_named_patches_only_those_the_report_has_are_listed() -> None:
    raws = [cover(), patch(1), patch(3), patch(4), NUMBERED]
    assert applied_lines(raws) == by_marek([TITLES[0], TITLES[2]])


def test_a_chained_series_gives_its_own_patches_not_a_strangers_answering_the_cover() -> None:
    # Leon sends --chain-reply-to; Mallory's 2/4 and 3/4 answer the cover before his arrive
    assert applied_lines([*CHAINED_WITH_STRANGER, NUMBERED]) == by_marek(TITLES[:3])


def test_a_strangers_patch_filling_a_gap_is_not_listed() -> None:
    # Leon's 3/4 never reached the list; Mallory's 3/4 answers the cover
    raws = [cover(), patch(1), patch(2), strangers_patch(3), patch(4), NUMBERED]
    assert applied_lines(raws) == by_marek(TITLES[:2])


def test_a_stranger_under_the_cover_senders_name_is_still_a_stranger() -> None:
    raws = [cover(), strangers_patch(1, "Leon Romanovsky <leon@evil.example>"), *SERIES[1:]]
    assert applied_lines([*raws, NUMBERED]) == by_marek(TITLES[:3])


def test_the_cover_senders_address_in_another_case_is_theirs() -> None:
    raws = [cover(), strangers_patch(1, "Leon <LEON@Kernel.ORG>"), *SERIES[1:]]
    assert applied_lines([*raws, NUMBERED])[0].startswith("net: add remote debug shell 1")


def test_notices_are_gathered_in_place_the_first_delivery_kept() -> None:
    # Copying the gathered notices for each mail made a report quadratic in mails x notices.
    totals = ReportTotals()
    gathered = totals.mails.noticed
    for number in range(500):
        mails = MailFacts()
        mails.noticed[f"notice-{number}@example.org"] = None
        totals.add(mails)
    again = MailFacts()
    again.noticed["notice-0@example.org"] = datetime(2025, 9, 9, tzinfo=timezone.utc)
    totals.add(again)
    assert totals.mails.noticed is gathered and len(gathered) == 500
    assert gathered["notice-0@example.org"] is None
