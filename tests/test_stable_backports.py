"""Stable backports: the tree a subject names, its version, and revisions kept per tree."""

from __future__ import annotations

import pytest

import kvmlist
from kvmlist import Patch, parse_message
from kvmlist.grouping.revisions import link_revisions

from .conftest import mail

# subject -> (version, stable tree); None: no backport
SUBJECTS = [
    # kvmarm <20200709195034.15185-1-f.fainelli@gmail.com>: "v4.9" names the branch
    ("[PATCH stable v4.9 v2] arm64: entry: Place an SB sequence", (2, "4.9")),
    ("[PATCH stable v4.9 v2 1/3] arm64: entry: Place an SB sequence", (2, "4.9")),
    ("[PATCH stable v4.14] arm64: entry: Place an SB sequence", (1, "4.14")),
    ("[PATCH AUTOSEL v6.12 05/20] KVM: x86: fix", (1, "6.12")),
    ("[PATCH stable 4.9 v3 0/2] arm64: entry: Place an SB sequence", (3, "4.9")),
    ("[PATCH stable 4.19.y] arm64: entry: Place an SB sequence", (1, "4.19")),
    ("[PATCH v5.10.y] KVM: arm64: backport", (1, "5.10")),
    ("[PATCH AUTOSEL 6.12 05/20] KVM: x86: fix", (1, "6.12")),
    ("[Intel-wired-lan] [PATCH AUTOSEL 6.17-5.4] net: fm10k: fix", (1, "6.17-5.4")),
    ("[PATCH 5.10 289/290] KVM: arm64: Fix nVHE hyp panic", (1, "5.10")),
    ("[PATCH stable] arm64: a backport naming no tree", (1, "")),
    # kvmarm: Marc Zyngier's and Eric Auger's backports name the tree in one tag
    ("[PATCH for-stable-5.10 2/2] KVM: arm64: Fix KVM_VGIC_V3_ADDR_TYPE_REDIST", (1, "5.10")),
    ("[PATCH for-stable-5.4] KVM: arm64: Fix KVM_VGIC_V3_ADDR_TYPE_REDIST read", (1, "5.4")),
    ("[PATCH][stable-4.19] KVM: arm64: Fix nVHE hyp panic", (1, "4.19")),
    ("[stable-5.10.y][PATCH] KVM: arm64: Fix nVHE hyp panic", (1, "5.10")),
    ("[PATCH stable-4.{4,9}] arm64: backport to two trees", (1, "")),
    ("[PATCH mm-stable] mm: not a stable tree", (1, None)),
    # a point revision, even where its number is a kernel release's (kvmarm, Nov 2021:
    # "[PATCH v5.5 00/30] KVM: Scalable memslots implementation", a whole v5 posted again)
    ("[PATCH v5.5 00/30] KVM: Scalable memslots implementation", (5, None)),
    ("[PATCH v4.1 4/4] locking/lockdep: Add kasan_check_byte()", (4, None)),
    ("[PATCH v6.1] KVM: arm64: one patch, point revision of v6", (6, None)),
    ("[PATCH v4 1/2] KVM: arm64: mainline", (4, None)),
]


@pytest.mark.parametrize(("subject", "expected"), SUBJECTS, ids=[s for s, _ in SUBJECTS])
def test_a_subject_names_its_stable_tree_apart_from_its_version(
    subject: str, expected: tuple[int, str | None]
) -> None:
    patch = parse_message(mail(subject, "Fix.\n---\n a.c | 1 +\n"))
    assert isinstance(patch, Patch)
    assert (patch.version, patch.stable_tree) == expected
    assert patch.is_backport == (expected[1] is not None)


def backport(subject: str, msgid: str, day: int) -> kvmlist.Message:
    return parse_message(
        mail(
            subject,
            "commit 679db70801da upstream\n\nFix.\n---\n a.S | 1 +\n",
            sender="Florian Dev <florian@example.com>",
            message_id=f"<{msgid}@x>",
            date=f"Mon, {day} Aug 2020 18:35:00 +0000",
        )
    )


def test_revisions_link_only_within_one_stable_tree() -> None:
    # kvmarm, June to August 2020: one fix backported to three stable trees, each revised
    title = "arm64: entry: Place an SB sequence following an ERET instruction"
    mails = [
        backport(f"[PATCH stable 4.9] {title}", "49v1", 1),
        backport(f"[PATCH stable v4.9 v2] {title}", "49v2", 2),
        backport(f"[PATCH stable 4.19.y] {title}", "419v1", 3),
        backport(f"[PATCH stable 4.14.y] {title}", "414v1", 4),
        backport(f"[PATCH stable 4.19 v2] {title}", "419v2", 5),
        backport(f"[PATCH stable 4.14 v2] {title}", "414v2", 6),
        backport(f"[PATCH stable 4.9 v3] {title}", "49v3", 7),
    ]
    histories = link_revisions(kvmlist.group_series(mails))
    chains = {tuple(s.anchor_id for s in h.revisions) for h in histories}
    assert chains == {
        ("49v1@x", "49v2@x", "49v3@x"),
        ("419v1@x", "419v2@x"),
        ("414v1@x", "414v2@x"),
    }


def test_a_backport_is_no_revision_of_the_mainline_patch() -> None:
    title = "KVM: arm64: Fix a leak"
    mails = [
        backport(f"[PATCH] {title}", "main", 1),
        backport(f"[PATCH 5.10 v2] {title}", "510v2", 2),
    ]
    series = kvmlist.group_series(mails, revisions=True)
    assert [(s.previous_id, s.next_id) for s in series] == [(None, None), (None, None)]
