"""A trailer whose reply names the patches it is for ("For 1-3:", "to patch 1 and 2") goes to
those patches of the series, whichever mail of the series the reply answers."""

from __future__ import annotations

import pytest

import kvmlist
from kvmlist import Message, parse_message

from .conftest import mail

DIFF = "---\ndiff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1 +1 @@\n-a\n+b\n"
PETER = "Peter Z <peterz@infradead.org>"


def series_and_reply(answered: int, body: str, total: int = 5) -> list[Message]:
    """[PATCH 0/total] and its patches, and a reply from PETER to mail ``answered`` (0: the
    cover letter)."""
    thread = "In-Reply-To: <c@x>\nReferences: <c@x>\n"
    raws = [mail(f"[PATCH 0/{total}] KVM: arm64: Rework", "The cover.\n", message_id="<c@x>")]
    for i in range(1, total + 1):
        body_i = f"Part {i}.\n\nSigned-off-by: Jane Doe <jane@example.org>\n{DIFF}"
        subject = f"[PATCH {i}/{total}] KVM: arm64: Part {i}"
        raws.append(mail(subject, body_i, message_id=f"<p{i}@x>", extra=thread))
    parent = "c@x" if answered == 0 else f"p{answered}@x"
    refs = "<c@x>" if answered == 0 else f"<c@x> <{parent}>"
    raws.append(
        mail(
            f"Re: [PATCH {answered}/{total}] KVM: arm64: Part {answered}",
            body,
            sender=PETER,
            message_id="<r@x>",
            extra=f"In-Reply-To: <{parent}>\nReferences: {refs}\n",
        )
    )
    return [parse_message(raw) for raw in raws]


def reviewed(answered: int, body: str, total: int = 5) -> list[int]:
    """The indices of the patches that get the reply's trailers."""
    [one] = kvmlist.group_series(series_and_reply(answered, body, total))
    return [p.index for p in one.patches if p.review_trailers]


@pytest.mark.parametrize(
    ("answered", "said", "indices"),
    [
        # a maintainer answers 4/5 for the three before it, with an aside in parentheses
        (4, "For 1-3 (and I'll send a small niggle for 3 right after this):", [1, 2, 3]),
        # kvmarm <54e98237-263c-1154-6223-88bbee6bdad8@oracle.com>, on the cover letter
        (0, "You can add my Reviewed-by to patch 1 and 2:", [1, 2]),
        # kvmarm <CAAeT=FwuUsZSgV-tTBEf-V1vjjhvmFHSDzSMyVjWDQd+jdHf7A@mail.gmail.com>
        (5, "For patches 2~5 in the series,", [2, 3, 4, 5]),
        # kvmarm <CA+EHjTw4wOMKxz1sF7L5pDSidV=GrpO6XPnF1sAw0z6QiT7y0A@mail.gmail.com>
        (2, "I had a couple of minor nits, which I have already pointed out in the\n"
         "relevant patches. With that, patches 2~4:", [2, 3, 4]),
        (5, "Thanks for your patience:) For the whole series:", [1, 2, 3, 4, 5]),
        (3, "(for the whole series):", [1, 2, 3, 4, 5]),
    ],
)  # fmt: skip
def test_a_scope_right_above_the_trailer_names_the_patches(
    answered: int, said: str, indices: list[int]
) -> None:
    body = f"> Part.\n\n{said}\n\nAcked-by: {PETER}\n"
    assert reviewed(answered, body) == indices


def test_a_scope_counts_for_every_trailer_given_with_it() -> None:
    body = f"For 1-2:\nAcked-by: {PETER}\nTested-by: {PETER}\n"
    [one] = kvmlist.group_series(series_and_reply(4, body))
    assert [[t.key for t in p.review_trailers] for p in one.patches] == [
        ["Acked-by", "Tested-by"],
        ["Acked-by", "Tested-by"],
        [],
        [],
        [],
    ]


@pytest.mark.parametrize(
    "said",
    [
        # numbers in the middle of the text, not a scope of the trailer
        "I see that after all it'll be removed in patch 12, so it seems OK:",
        "This looks similar to patch 3.",
        "Tested on 6.1 and 6.2:",
        "Why not do the same for patch 2?",
        "I have also tested this entire series, and it boots fine.",
        # a scope naming no patch of the series
        "For patches 7-9:",
    ],
)
def test_numbers_that_are_no_scope_leave_the_trailer_on_the_patch_answered(said: str) -> None:
    assert reviewed(4, f"> Part.\n\n{said}\n\nReviewed-by: {PETER}\n") == [4]


def test_a_scope_above_quoted_text_is_not_the_trailers() -> None:
    body = f"For patches 1-2, see my other mail.\n> Part.\n\nReviewed-by: {PETER}\n"
    assert reviewed(4, body) == [4]


def test_each_trailer_takes_the_scope_nearest_above_it() -> None:
    body = f"For 1-2:\nAcked-by: {PETER}\n\nFor patch 5:\nReviewed-by: {PETER}\n"
    [one] = kvmlist.group_series(series_and_reply(0, body))
    assert [[t.key for t in p.review_trailers] for p in one.patches] == [
        ["Acked-by"],
        ["Acked-by"],
        [],
        [],
        ["Reviewed-by"],
    ]


@pytest.mark.parametrize(
    ("answered", "comment", "indices"),
    [
        (4, "# for 1-3", [1, 2, 3]),
        (0, "# patches 1-3", [1, 2, 3]),
        (5, "#for patch 2", [2]),
        (3, "\t# for patches 1 and 2", [1, 2]),
    ],
)
def test_a_scope_in_the_trailers_own_comment_names_the_patches(
    answered: int, comment: str, indices: list[int]
) -> None:
    assert reviewed(answered, f"> Part.\n\nAcked-by: {PETER} {comment}\n") == indices


@pytest.mark.parametrize(
    "comment",
    # what the corpora's comments say: a part of the tree, an architecture, a stable version
    ["# for the arm64 part", "# arm64", "#s390", "# for zfcp", "# 8xx and 83xx", "# v6.1+",
     "# for patches 7-9"],
)  # fmt: skip
def test_a_comment_naming_no_patch_leaves_the_trailer_on_the_patch_answered(comment: str) -> None:
    assert reviewed(4, f"> Part.\n\nReviewed-by: {PETER} {comment}\n") == [4]


def test_the_trailers_own_scope_goes_before_the_one_above_it_and_its_comment_stays() -> None:
    body = f"For the whole series:\nReviewed-by: {PETER} # for 1-2\n"
    [one] = kvmlist.group_series(series_and_reply(0, body))
    given = [[(t.value, t.person) for t in p.review_trailers] for p in one.patches]
    peter = kvmlist.Person(name="Peter Z", email="peterz@infradead.org")
    assert given == [[(f"{PETER} # for 1-2", peter)]] * 2 + [[]] * 3
