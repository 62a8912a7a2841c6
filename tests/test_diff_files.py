"""A patch's per-file changes are its diff's, as ``git apply --numstat`` counts them.

The mails are ``git format-patch`` output of changes made in a scratch repository
(fixtures/format-patch.mbox), so git itself is the oracle for every expected value.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from kvmlist import Patch, parse_message, read_mbox
from kvmlist.models import FileChange
from kvmlist.parse.diffstat import diffstat_from_diff

from .conftest import FIXTURES, mail

git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def fixture(case: str) -> Patch:
    for message in read_mbox(FIXTURES / "format-patch.mbox"):
        if f"X-Fixture-Case: {case}\n".encode() in message.raw:
            assert isinstance(message, Patch)
            return message
    raise LookupError(case)


def numstat(diff: str) -> list[tuple[str, str, str]]:
    """git apply --numstat -z of a diff: (path, insertions, deletions), "-" for binary."""
    done = subprocess.run(
        ["git", "apply", "--numstat", "-z", "-"], input=diff.encode(), capture_output=True
    )
    assert done.returncode == 0 and not done.stderr, done.stderr
    records = [record.split("\t") for record in done.stdout.decode().split("\0") if record]
    return [(path, added, deleted) for added, deleted, path in records]


def as_numstat(changes: tuple[FileChange, ...]) -> list[tuple[str, str, str]]:
    return [
        (f.path, "-", "-") if f.binary else (f.path, str(f.insertions), str(f.deletions))
        for f in changes
    ]


def test_per_file_counts_are_the_diffs_where_git_scaled_the_graph() -> None:
    stat = fixture("scaled-diffstat").diffstat
    assert stat is not None  # the mail says " a.txt |  5 +-" and " big.txt | 62 +++...-"
    assert [(f.insertions, f.deletions) for f in stat.files[:2]] == [(3, 2), (61, 1)]


def test_paths_are_the_new_paths_unquoted_and_unabbreviated() -> None:
    stat = fixture("scaled-diffstat").diffstat
    assert stat is not None
    assert [f.path for f in stat.files] == [
        "a.txt",
        "big.txt",
        "café.txt",
        "drivers/net/ethernet/intel/ixgbe/devlink/devlink.c",
        "new_name.txt",
        "pkgs/a-1.3.2.0.pkg",
    ]


def test_the_totals_stay_the_senders_summary_line() -> None:
    stat = fixture("scaled-diffstat").diffstat
    assert stat is not None and not stat.computed
    assert (stat.files_changed, stat.insertions, stat.deletions) == (6, 67, 5)
    assert sum(f.insertions for f in stat.files) == 67


def test_a_hand_edited_diffstat_loses_no_file() -> None:
    raw = fixture("scaled-diffstat").raw.replace(b" a.txt                   ", b"", 1)
    raw = raw.replace(b"  |  5 +-\n", b"", 1)
    stat = parse_message(raw).diffstat  # type: ignore[attr-defined]
    assert stat is not None and stat.files_changed == 6
    assert [f.path for f in stat.files][:2] == ["a.txt", "big.txt"]


def test_a_binary_file_is_binary_without_line_counts() -> None:
    stat = fixture("binary-patch-last").diffstat
    assert stat is not None
    assert stat.files == (
        FileChange(path="a.txt", insertions=1, deletions=1),
        FileChange(path="bin.dat", binary=True),
    )


@git
@pytest.mark.parametrize("case", ["scaled-diffstat", "binary-patch-last", "stripped-blank-context"])
def test_per_file_changes_are_what_git_apply_numstat_says(case: str) -> None:
    patch = fixture(case)
    assert patch.diffstat is not None
    assert as_numstat(patch.diffstat.files) == numstat(patch.diff)


@pytest.mark.parametrize(
    ("header", "path"),
    [
        ('"a/caf\\303\\251.txt" "b/caf\\303\\251.txt"', "café.txt"),
        ('"a/tab\\there" "b/tab\\there"', "tab\there"),
        ('a/x.c "b/quote\\"d.c"', 'quote"d.c'),
        ('"a/bad\\377.c" "b/bad\\377.c"', "bad\ufffd.c"),
    ],
)
def test_a_quoted_path_is_unquoted_as_git_quotes_it(header: str, path: str) -> None:
    diff = f"diff --git {header}\nindex 1..2 100644\n@@ -1 +1 @@\n-a\n+b\n"
    assert diffstat_from_diff(diff).files == (FileChange(path=path, insertions=1, deletions=1),)


def test_a_mail_without_diffstat_computes_one_with_unquoted_paths() -> None:
    body = (
        "Fix.\n\nSigned-off-by: Jane Doe <jane@example.org>\n---\n"
        'diff --git "a/caf\\303\\251.txt" "b/caf\\303\\251.txt"\nindex 1..2 100644\n'
        '--- "a/caf\\303\\251.txt"\n+++ "b/caf\\303\\251.txt"\n@@ -1 +1 @@\n-a\n+b\n'
    )
    stat = parse_message(mail(body=body)).diffstat  # type: ignore[attr-defined]
    assert stat is not None and stat.computed
    assert stat.files == (FileChange(path="café.txt", insertions=1, deletions=1),)


def test_a_cover_letter_keeps_the_files_its_diffstat_lists() -> None:
    body = (
        "Two fixes.\n\nJane Doe (2):\n  a\n  b\n\n"
        " .../ethernet/intel/ixgbe/devlink/devlink.c    |  2 +-\n"
        " 1 file changed, 1 insertion(+), 1 deletion(-)\n\n-- \n2.39.5\n"
    )
    stat = parse_message(mail("[PATCH 0/2] Two fixes", body)).diffstat  # type: ignore[attr-defined]
    assert stat is not None
    assert stat.files == (
        FileChange(path=".../ethernet/intel/ixgbe/devlink/devlink.c", insertions=1, deletions=1),
    )


@git
def test_a_binary_patch_at_the_end_keeps_its_closing_blank_line() -> None:
    diff = fixture("binary-patch-last").diff
    assert diff.endswith("\n\n") and not diff.endswith("\n\n\n")
    numstat(diff)  # git apply says "corrupt binary patch" without the blank line


@git
def test_a_stripped_blank_context_line_ends_the_last_hunk() -> None:
    diff = fixture("stripped-blank-context").diff
    assert diff.endswith("\n three\n\n")
    assert numstat(diff) == [("ctx.txt", "1", "1")]


@pytest.mark.parametrize(
    ("header", "path"),
    [
        (
            "--- linux-next.orig/mm/kasan/kasan.h\n+++ linux-next/mm/kasan/kasan.h\n",
            "mm/kasan/kasan.h",
        ),
        ("diff -urN a/mm/x.c b/mm/x.c\n--- a/mm/x.c\n+++ b/mm/x.c\n", "mm/x.c"),
        ("diff --git mm/x.c mm/x.c\n--- mm/x.c\n+++ mm/x.c\n", "mm/x.c"),
    ],
    ids=["quilt", "diff-urN", "git-no-prefix"],
)
def test_a_plain_diff_loses_its_first_path_component_as_git_apply_p1(
    header: str, path: str
) -> None:
    # a git diff made with --no-prefix keeps its real path (git apply -p1 would say x.c)
    diff = f"{header}@@ -1 +1 @@\n-a\n+b\n"
    assert [f.path for f in diffstat_from_diff(diff).files] == [path]


@pytest.mark.parametrize(
    ("header", "path"),
    [
        (  # git diff with diff.mnemonicPrefix, index against work tree (intel-wired-lan, 2025-07)
            "diff --git i/drivers/net/ethernet/intel/ice/ice_txrx.h "
            "w/drivers/net/ethernet/intel/ice/ice_txrx.h\nindex 1111111..2222222 100644\n"
            "--- i/drivers/net/ethernet/intel/ice/ice_txrx.h\n"
            "+++ w/drivers/net/ethernet/intel/ice/ice_txrx.h\n",
            "drivers/net/ethernet/intel/ice/ice_txrx.h",
        ),
        (  # git format-patch with diff.mnemonicPrefix: a commit against the work tree
            "diff --git c/lib/foo.c w/lib/foo.c\nindex 1111111..2222222 100644\n"
            "--- c/lib/foo.c\n+++ w/lib/foo.c\n",
            "lib/foo.c",
        ),
        (  # a new file
            "diff --git c/lib/new.c w/lib/new.c\nnew file mode 100644\n"
            "index 0000000..2222222\n--- /dev/null\n+++ w/lib/new.c\n",
            "lib/new.c",
        ),
        (  # a rename: the names differ, "rename to" says the path
            "diff --git c/lib/old.c w/lib/new.c\nsimilarity index 90%\n"
            "rename from lib/old.c\nrename to lib/new.c\n--- c/lib/old.c\n+++ w/lib/new.c\n",
            "lib/new.c",
        ),
        (  # --no-prefix, a top-level folder named like a prefix
            "diff --git a/x.c a/x.c\n--- a/x.c\n+++ a/x.c\n",
            "a/x.c",
        ),
    ],
    ids=["index-worktree", "commit-worktree", "new-file", "rename", "no-prefix-a-folder"],
)
def test_a_git_diff_loses_the_prefix_its_two_names_differ_in_as_git_apply_p1(
    header: str, path: str
) -> None:
    diff = f"{header}@@ -1 +1 @@\n-a\n+b\n"
    assert [f.path for f in diffstat_from_diff(diff).files] == [path]


def test_a_deletion_without_its_lines_keeps_the_count_its_diffstat_gives() -> None:
    # git format-patch -D: a deleted file's lines are left out of the diff, its count is not
    body = (
        "Drop the 32-bit host.\n\nSigned-off-by: Marc Zyngier <maz@kernel.org>\n---\n"
        " Documentation/virt/kvm/hyp-abi.rst |   5 +\n"
        " arch/arm/include/asm/kvm_arm.h     | 239 -------------\n"
        " .../include/asm/kvm_mmu_old.h      |  36 ---\n"
        " 3 files changed, 5 insertions(+), 275 deletions(-)\n"
        " delete mode 100644 arch/arm/include/asm/kvm_arm.h\n\n"
        "diff --git a/Documentation/virt/kvm/hyp-abi.rst b/Documentation/virt/kvm/hyp-abi.rst\n"
        "index 1111111..2222222 100644\n"
        "--- a/Documentation/virt/kvm/hyp-abi.rst\n+++ b/Documentation/virt/kvm/hyp-abi.rst\n"
        "@@ -1,2 +1,7 @@\n a\n+b\n+c\n+d\n+e\n+f\n b\n"
        "diff --git a/arch/arm/include/asm/kvm_arm.h b/arch/arm/include/asm/kvm_arm.h\n"
        "deleted file mode 100644\nindex 9c04bd810d07..000000000000\n"
        "diff --git a/arch/arm/include/asm/kvm_mmu_old.h b/arch/arm/include/asm/kvm_mmu_old.h\n"
        "deleted file mode 100644\nindex 3333333..000000000000\n"
    )
    patch = parse_message(mail("[PATCH 3/4] arm: Remove 32bit KVM host support", body))
    assert isinstance(patch, Patch) and patch.diffstat is not None
    assert [(f.path, f.insertions, f.deletions) for f in patch.diffstat.files] == [
        ("Documentation/virt/kvm/hyp-abi.rst", 5, 0),
        ("arch/arm/include/asm/kvm_arm.h", 0, 239),
        ("arch/arm/include/asm/kvm_mmu_old.h", 0, 36),
    ]
    assert sum(f.deletions for f in patch.diffstat.files) == patch.diffstat.deletions


@pytest.mark.parametrize(
    ("header", "path"),
    [
        (  # quilt's header, its timestamp after spaces (a mailer turned the tab into them)
            "--- linux.orig/mm/x.c  2025-01-01 10:00:00.000000000 +0100\n"
            "+++ linux/mm/x.c       2025-01-01 10:00:00.000000000 +0100\n",
            "mm/x.c",
        ),
        ("--- a/mm/x.c 2025-01-01 10:00:00 +0100\n+++ b/mm/x.c 2025-01-01 10:00:00\n", "mm/x.c"),
        ("--- a/mm/x.c  2025-01-01\n+++ b/mm/x.c  2025-01-01 10:00:00 +01:00\n", "mm/x.c"),
        # a path with spaces is read whole, with or without a timestamp (as git apply does)
        ("--- a/my file.c\n+++ b/my file.c\n", "my file.c"),
        ("--- a/my file.c  2025-01-01 10:00:00 +0100\n+++ b/my file.c  2025-01-01\n", "my file.c"),
        # only an ISO date is a timestamp for git: "Thu Jan  1 ..." after spaces stays
        (
            "--- a/x.c  Thu Jan  1 10:00:00 2025\n+++ b/x.c  Thu Jan  1 10:00:00 2025\n",
            "x.c  Thu Jan  1 10:00:00 2025",
        ),
    ],
)
def test_a_timestamp_after_spaces_is_no_part_of_the_path(header: str, path: str) -> None:
    diff = f"{header}@@ -1 +1 @@\n-a\n+b\n"
    assert [f.path for f in diffstat_from_diff(diff).files] == [path]
