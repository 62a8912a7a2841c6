"""Review trailers in awkward places (fixtures/review-shapes.mbox, one X-Fixture-Case each)."""

from __future__ import annotations

import pytest

import kvmlist
from kvmlist import Patch, ReviewTrailer

from .conftest import FIXTURES


@pytest.fixture(scope="module")
def patches() -> dict[str, Patch]:
    series = kvmlist.group_series(kvmlist.read_mbox(FIXTURES / "review-shapes.mbox"))
    return {p.message_id: p for s in series for p in s.patches}


def _reviews(patch: Patch) -> dict[str, ReviewTrailer]:
    return {t.person.email: t for t in patch.review_trailers if t.person}


def test_a_no_break_space_after_the_colon_still_gives_a_review(
    patches: dict[str, Patch],
) -> None:
    given = _reviews(patches["20260302083000.9001-1-greta.lindqvist@example.se"])
    assert given["hugo.marchetti@example.it"].key == "Reviewed-by"


def test_the_reviewers_own_trailer_wins_over_a_forwarded_copy(patches: dict[str, Patch]) -> None:
    ines = _reviews(patches["20260302083000.9001-1-greta.lindqvist@example.se"])[
        "ines.okafor@example.ng"
    ]
    assert not ines.mismatch and ines.given_in == "ccc333@ines.example.ng"


def test_a_fix_posted_later_in_the_thread_keeps_its_sign_off_and_its_reviews(
    patches: dict[str, Patch],
) -> None:
    given = patches["20260302083000.9001-1-greta.lindqvist@example.se"].review_trailers
    keys = {(t.key, t.person.email if t.person else "") for t in given}
    # the fix's own Signed-off-by, and the Acked-by under the fix, are not the patch's
    assert ("Signed-off-by", "greta.lindqvist@example.se") not in keys
    assert ("Acked-by", "hugo.marchetti@example.it") not in keys
    assert keys == {
        ("Reviewed-by", "hugo.marchetti@example.it"),
        ("Reviewed-by", "ines.okafor@example.ng"),
    }


def test_two_dashes_typed_for_three_still_end_the_commit_message(
    patches: dict[str, Patch],
) -> None:
    patch = patches["20260302083500.9002-1-greta.lindqvist@example.se"]
    assert patch.commit_message.endswith(
        "Signed-off-by: Greta Lindqvist <greta.lindqvist@example.se>"
    )
    assert [t.key for t in patch.trailers] == ["Signed-off-by"]
    assert patch.diffstat is not None and not patch.diffstat.computed


def test_a_trailer_naming_the_senders_address_without_its_plus_tag_is_no_mismatch() -> None:
    # kasan-dev: "syzbot ci <syzbot+ci0b43493baa45553d@...>" sends "Tested-by: syzbot@..."
    from kvmlist import parse_message
    from kvmlist.grouping.review import reply_trailers

    from .conftest import mail

    reply = parse_message(
        mail(
            "[syzbot ci] Re: [PATCH 0/2] mm: two fixes",
            "syzbot ci has tested the series.\n\nTested-by: syzbot@syzkaller.example.com\n",
            sender="syzbot ci <syzbot+ci0b43493baa45553d@syzkaller.example.com>",
            extra="In-Reply-To: <cover@x>\n",
        )
    )
    [trailer] = reply_trailers(reply)
    assert trailer.key == "Tested-by" and not trailer.mismatch
