"""What a tool needs to apply a series: its base commit, b4 change-id and prerequisites."""

from __future__ import annotations

import pytest

import kvmlist
from kvmlist import parse_message

from .conftest import mail

DIFF = (
    "KVM: arm64: Fix the thing\n\nSigned-off-by: Jane Doe <jane@example.org>\n---\n"
    " arch/arm64/kvm/a.c | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n\n"
    "diff --git a/arch/arm64/kvm/a.c b/arch/arm64/kvm/a.c\nindex 1111111..2222222 100644\n"
    "--- a/arch/arm64/kvm/a.c\n+++ b/arch/arm64/kvm/a.c\n@@ -1 +1 @@\n-a\n+b\n"
)
BASE = "6db9491e57a016a19ea8e60a384e773fae3d5758"
PATCH_ID = "2cda134043ccfc781dd595052cfc60a3e2ea48ea"


def patch(subject: str, body: str, msgid: str = "1@example.org") -> kvmlist.Patch:
    parsed = parse_message(mail(subject, body, message_id=f"<{msgid}>"))
    assert isinstance(parsed, kvmlist.Patch)
    return parsed


def test_git_format_patch_base_below_the_diff() -> None:
    # git format-patch --base: below the diff, above the "-- " signature
    one = patch(
        "[PATCH] KVM: arm64: Fix the thing",
        DIFF + f"\nbase-commit: {BASE}\nprerequisite-patch-id: {PATCH_ID}\n-- \n2.47.1\n",
    )
    assert one.base_commit == BASE
    assert one.change_id is None
    assert [(p.kind, p.value) for p in one.prerequisites] == [("patch-id", PATCH_ID)]


def test_b4_cover_letter_base_change_id_and_prerequisites() -> None:
    cover = patch(
        "[PATCH v2 0/2] KVM: arm64: Things",
        "Two things.\n\n---\nJane Doe (2):\n  a\n  b\n\n arch/arm64/kvm/a.c | 2 +-\n"
        f"---\nbase-commit: {BASE.upper()}\n"
        "change-id: 20250723-kvm-things-e207bb990e24\n"
        "prerequisite-change-id: 20250701-kvm-other-0123456789ab:v3\n"
        f"prerequisite-patch-id: {PATCH_ID}\n"
        "prerequisite-message-id: <20250701-kvm-other-v3-0-1@example.org>\n"
        "\nBest regards,\n-- \nJane Doe <jane@example.org>\n",
    )
    assert cover.is_cover
    assert cover.base_commit == BASE  # lower-cased: git reads either
    assert cover.change_id == "20250723-kvm-things-e207bb990e24"
    assert [(p.kind, p.value) for p in cover.prerequisites] == [
        ("change-id", "20250701-kvm-other-0123456789ab:v3"),
        ("patch-id", PATCH_ID),
        ("message-id", "20250701-kvm-other-v3-0-1@example.org"),
    ]
    series = kvmlist.Series(version=2, total=2, cover=cover)
    assert series.base_commit == BASE


def test_junk_and_look_alikes_are_not_read() -> None:
    one = patch(
        "[PATCH] KVM: arm64: Fix the thing",
        "KVM: arm64: Fix the thing\n\nChange-Id: I4a468b33251fa099ddfc05a7cefa520cb8817994\n"
        + DIFF.split("\n", 2)[2]
        + "\n> base-commit: 0df7d6c9705b283d5b71ee0ae86ead05bd3a55a9\n"
        "base-commit: next-20250101 plus my fixes\nprerequisite-patch-id: xyz\n",
    )
    assert one.base_commit is None  # a branch name, or words: nothing to check out
    assert one.change_id is None  # Gerrit's Change-Id trailer is another thing
    assert one.prerequisites == ()


def test_series_base_commit_falls_back_to_its_first_patch() -> None:
    first = patch("[PATCH 1/2] KVM: a", DIFF + f"\nbase-commit: {BASE[:12]}\n-- \n2.47.1\n")
    second = patch("[PATCH 2/2] KVM: b", DIFF, "2@example.org")
    series = kvmlist.Series(total=2, patches=(first, second))
    assert series.base_commit == BASE[:12]
    assert kvmlist.Series(total=2, patches=(second,)).base_commit is None
    assert kvmlist.Series().base_commit is None


QEMU_SERIES = "20251110000000.3000-1-phil@linaro.org"


@pytest.mark.parametrize(
    "line",
    [
        f"Based-on: <{QEMU_SERIES}>",  # patchew's form
        f"Based-on: {QEMU_SERIES}",  # its <> left out
        f'Based-on: <{QEMU_SERIES}> ("[PATCH v2 0/4] hw/arm: Remove the old boards")',
        f"based-on: <{QEMU_SERIES}>",
        f"Based-on: https://lore.kernel.org/qemu-devel/{QEMU_SERIES}/",
        f"Based-on: https://patchew.org/QEMU/{QEMU_SERIES}/",
    ],
)
def test_patchews_based_on_line_names_a_prerequisite_series(line: str) -> None:
    cover = patch(
        "[PATCH v2 0/2] target/arm: Implement FEAT_FOO",
        f"{line}\n\nImplement FOO.\n\nPhil Hacker (2):\n  a\n  b\n\n"
        " target/arm/f1.c | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n\n-- \n2.47.0\n",
    )
    assert [(p.kind, p.value) for p in cover.prerequisites] == [("message-id", QEMU_SERIES)]


def test_based_on_lines_naming_no_mail_are_not_read() -> None:
    cover = patch(
        "[PATCH 0/2] hw/arm: Things",
        "Based-on: v10.1.0-rc2\nBased-on: Peter's target-arm.next branch\n"
        f"> Based-on: <{QEMU_SERIES}>\n\nThings.\n",
    )
    assert cover.prerequisites == ()
