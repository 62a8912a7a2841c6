"""A relay that sends for many people is not one person.

GitGitGadget sends every mail of git@vger.kernel.org's series From ``"Jane Doe via
GitGitGadget" <gitgitgadget@gmail.com>``: its patches carry an in-body From naming their
author, its cover letters none. kvmlist un-munges only the list's own address and the b4
relay's (docs/data-model.md), so such a From is kept as written.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

import kvmlist
from kvmlist import Person
from kvmlist.analysis.aggregate import count_by_author, first_time_contributors
from kvmlist.analysis.counted import answerers, own_people
from kvmlist.scale.workers import count_by_field_in_workers, render_report_in_workers
from kvmlist.sources.reader import parse_raw

from .conftest import mail

RELAY = "gitgitgadget@gmail.com"
JANE = Person(name="Jane Doe", email="jane@example.org")
BOB = Person(name="Bob Roe", email="bob@example.com")
CARL = Person(name="Carl Coe", email="carl@example.net")


def relayed(name: str) -> str:
    return f'"{name} via GitGitGadget" <{RELAY}>'


def series_mails(
    tag: str,
    authors: tuple[Person, ...],
    *,
    cover_from: str | None = None,
    patch_from: str | None = None,
    hour: int = 10,
) -> list[bytes]:
    """A GitGitGadget series: a cover letter, then one patch per author, each with an
    in-body From; every mail From the relay in the first author's name (or as given)."""
    cover_from = cover_from or relayed(authors[0].name)
    cover_id = f"<pull.{tag}.git.1741000000.{RELAY}>"
    date = f"Tue, 3 Mar 2026 {hour:02d}:00:00 +0000"
    total = len(authors)
    mails = [
        mail(
            f"[PATCH 0/{total}] {tag}: tidy things",
            f"This series tidies {tag}.\n\nPull-Request: https://github.com/git/git/pull/{tag}\n",
            sender=cover_from,
            message_id=cover_id,
            date=date,
        )
    ]
    for index, author in enumerate(authors, 1):
        body = (
            f"From: {author}\n\n{tag}: tidy part {index}\n\nSigned-off-by: {author}\n---\n"
            f" {tag}.c | 2 +-\n\ndiff --git a/{tag}.c b/{tag}.c\n--- a/{tag}.c\n+++ b/{tag}.c\n"
            "@@ -1 +1 @@\n-a\n+b\n"
        )
        mails.append(
            mail(
                f"[PATCH {index}/{total}] {tag}: tidy part {index}",
                body,
                sender=patch_from or cover_from,
                message_id=f"<{index}.{tag}.git.1741000000.{RELAY}>",
                date=date,
                extra=f"In-Reply-To: {cover_id}\nReferences: {cover_id}\n",
            )
        )
    return mails


def one_series(raws: list[bytes]) -> kvmlist.Series:
    (found,) = kvmlist.group_series(list(parse_raw(raws)))
    return found


THREE_PEOPLE = [
    *series_mails("t0", (JANE, JANE)),
    *series_mails("t1", (BOB, BOB), hour=11),
    *series_mails("t2", (CARL, CARL), hour=12),
]


def test_a_relayed_cover_letter_heads_a_series_of_its_patches_author() -> None:
    found = one_series(series_mails("t0", (JANE, JANE)))
    assert found.author == JANE
    assert "jane@example.org" in own_people(found)


def test_the_relayed_authors_own_ping_is_no_answer_to_her_series() -> None:
    raws = series_mails("t0", (JANE, JANE))
    ping = mail(
        "Re: [PATCH 0/2] t0: tidy things",
        "Ping? Any comments on this series?\n",
        sender=str(JANE),
        message_id="<ping@example.org>",
        date="Fri, 6 Mar 2026 10:00:00 +0000",
        extra=f"In-Reply-To: <pull.t0.git.1741000000.{RELAY}>\n",
    )
    review = mail(
        "Re: [PATCH 1/2] t0: tidy part 1",
        "Looks good.\n",
        sender="Rita Reviewer <rita@example.com>",
        message_id="<rita@example.com>",
        date="Fri, 6 Mar 2026 11:00:00 +0000",
        extra=f"In-Reply-To: <1.t0.git.1741000000.{RELAY}>\n",
    )
    messages = list(parse_raw([*raws, ping, review]))
    assert answerers(kvmlist.group_series(messages), messages) == [{"rita@example.com"}]


@pytest.mark.parametrize(
    ("raws", "why"),
    [
        (series_mails("t0", (JANE, JANE), cover_from=relayed("Bob Roe")), "names someone else"),
        (series_mails("t0", (JANE, BOB)), "patches by two people"),
        (
            series_mails("t0", (JANE, JANE), patch_from='"Jane Doe via Other" <other@example.net>'),
            "patches from another address",
        ),
        (
            series_mails("t0", (JANE, JANE), cover_from='"Jane Doe" <jane.doe@example.com>'),
            "no relay: the cover's sender is a person",
        ),
    ],
)
def test_a_cover_letter_keeps_its_sender_unless_its_patches_name_the_same_person(
    raws: list[bytes], why: str
) -> None:
    # patches from another address than the cover's are not its series' (grouping rule 2)
    [found] = [s for s in kvmlist.group_series(list(parse_raw(raws))) if s.cover is not None]
    assert found.cover is not None
    assert found.author == found.cover.sender, why


def test_relayed_cover_letters_count_apart_per_name_not_as_one_contributor() -> None:
    counts = count_by_author(parse_raw([*THREE_PEOPLE, *series_mails("t3", (JANE,), hour=13)]))
    relay = {person.name: n for person, n in counts.items() if person.email == RELAY}
    assert relay == {
        "Jane Doe via GitGitGadget": 2,
        "Bob Roe via GitGitGadget": 1,
        "Carl Coe via GitGitGadget": 1,
    }
    assert counts[JANE] == 3 and counts[BOB] == 2 and counts[CARL] == 2


def test_a_via_name_from_a_persons_own_address_is_never_the_person_it_names() -> None:
    """Counted apart from its sender's other mails, and never as the person named."""
    mallory = '"Marc Zyngier via kvm" <mallory@example.com>'
    raws = [
        mail(sender=mallory, extra="X-Original-From: Marc Zyngier <maz@kernel.org>\n"),
        mail(sender="Mallory <mallory@example.com>", message_id="<2@example.org>"),
    ]
    counts = count_by_author(parse_raw(raws))
    assert sorted(str(person) for person in counts) == [
        "Mallory <mallory@example.com>",
        "Marc Zyngier via kvm <mallory@example.com>",
    ]


def test_newcomers_at_a_relay_are_told_apart_by_name() -> None:
    since = datetime(2026, 3, 3, 10, 30, tzinfo=timezone.utc)
    found = first_time_contributors(parse_raw(THREE_PEOPLE), since)
    assert Person(name="Bob Roe via GitGitGadget", email=RELAY) in found


def test_report_ranks_relayed_senders_apart_in_every_path() -> None:
    text = kvmlist.render_report(parse_raw(THREE_PEOPLE))
    assert "1  Carl Coe via GitGitGadget <gitgitgadget@gmail.com>" in text
    assert "1  Jane Doe via GitGitGadget <gitgitgadget@gmail.com>" in text
    assert render_report_in_workers(THREE_PEOPLE, 2) == text
    sequential = count_by_author(parse_raw(THREE_PEOPLE))
    parallel = count_by_field_in_workers(THREE_PEOPLE, "author", 2)
    assert list(parallel.items()) == list(sequential.items())


def test_the_b4_relay_is_still_un_munged_to_the_one_person_its_address_names() -> None:
    kim = Person(name="Kim Lee", email="kim.lee@example.com")
    b4 = "Kim Lee via B4 Relay <devnull+kim.lee.example.com@kernel.org>"
    raws = series_mails("t0", (kim, kim), cover_from=b4)
    raws = [
        raw.replace(b"\nList-Id:", b"\nReply-To: kim.lee@example.com\nList-Id:") for raw in raws
    ]
    found = one_series(raws)
    assert found.author == kim
    assert count_by_author(parse_raw(raws)) == {kim: 3}
