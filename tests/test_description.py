"""Patch.description: the text above the diff as the report shows it, parsed once by parse/."""

from __future__ import annotations

from kvmlist import Patch, parse_message

HEAD = b"""From: Jane Roe <jane@example.org>
Subject: [PATCH 1/2] KVM: selftests: Add an idreg test
Message-ID: <20251201.1@example.org>
Date: Mon, 1 Dec 2025 10:00:00 +0000

Test that ID_AA64MMFR2_EL1.IDS reads as written.

Signed-off-by: Jane Roe <jane@example.org>
---
 tools/testing/selftests/kvm/Makefile          |  1 +
 tools/testing/selftests/kvm/arm64/idreg-ids.c | 40 ++++++++++++++++++++
 2 files changed, 41 insertions(+)
"""
DIFF = b"""
diff --git a/tools/testing/selftests/kvm/Makefile b/tools/testing/selftests/kvm/Makefile
--- a/tools/testing/selftests/kvm/Makefile
+++ b/tools/testing/selftests/kvm/Makefile
@@ -1,1 +1,2 @@
 TEST_GEN_PROGS += arm64/vgic
+TEST_GEN_PROGS += arm64/idreg-ids
"""


def patch_of(raw: bytes) -> Patch:
    patch = parse_message(raw)
    assert isinstance(patch, Patch)
    return patch


def test_description_ends_at_the_diffstat_without_git_summary_lines() -> None:
    raw = HEAD + b" create mode 100644 tools/testing/selftests/kvm/arm64/idreg-ids.c\n" + DIFF
    description = patch_of(raw).description
    assert description.startswith("Test that ID_AA64MMFR2_EL1.IDS reads as written.")
    assert description.endswith(" 2 files changed, 41 insertions(+)")


def test_description_without_git_summary_lines_is_the_whole_preamble() -> None:
    assert patch_of(HEAD + DIFF).description.endswith(" 2 files changed, 41 insertions(+)")


def test_cover_through_google_groups_ends_at_its_diffstat() -> None:
    cover = (
        HEAD.replace(b"[PATCH 1/2]", b"[PATCH 0/2]")
        + b" create mode 100644 tools/testing/selftests/kvm/arm64/idreg-ids.c\n\n-- \n2.50.1\n\n"
        + b"-- \nYou received this message because you are subscribed to the Google Groups"
        + b' "kasan-dev" group.\nTo unsubscribe from this group and stop receiving emails from it,'
        + b" send an email to kasan-dev+unsubscribe@googlegroups.com.\n"
    )
    assert patch_of(cover).description.endswith(" 2 files changed, 41 insertions(+)")
