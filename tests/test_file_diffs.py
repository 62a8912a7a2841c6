"""Patch.file_diffs: each file of a diff with its status, old path, modes and own diff text.

The diffs are real tools' output: ``git format-patch`` of a scratch repository's change
(fixtures/format-patch.mbox, case ``file-kinds``), ``git diff --no-prefix``, ``diff -urN``
and ``diff -u``; ``git apply --numstat --summary`` is the oracle, on the three lists too.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable

import pytest

from kvmlist import FileChange, FileDiff, Patch, parse_message, read_mbox
from kvmlist.parse.diff_files import unquote
from kvmlist.parse.diffstat import diffstat_from_diff
from kvmlist.parse.file_diffs import file_diffs

from .conftest import FIXTURES, Corpus, mail

git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

# git diff --no-prefix of a rename, a new file and a mode change
NO_PREFIX = """\
diff --git keep.c "t\\303\\251st file.c"
similarity index 87%
rename from keep.c
rename to "t\\303\\251st file.c"
index f62562a..09c7324 100644
--- keep.c
+++ "t\\303\\251st file.c"
@@ -8 +8 @@ line7
-line8
+LINE8
diff --git added.c added.c
new file mode 100644
index 0000000..3e75765
--- /dev/null
+++ added.c
@@ -0,0 +1 @@
+new
diff --git run.sh run.sh
old mode 100644
new mode 100755
"""

# diff -urN a b: a file only in b, one only in a (stamped with the epoch), one changed
DIFF_URN = """\
diff -urN a/new.c b/new.c
--- a/new.c\t1970-01-01 00:00:00.000000000 +0000
+++ b/new.c\t2026-12-08 02:44:38.184486045 +0000
@@ -0,0 +1 @@
+fresh
diff -urN a/old.c b/old.c
--- a/old.c\t2026-12-08 02:44:38.184486045 +0000
+++ b/old.c\t1970-01-01 00:00:00.000000000 +0000
@@ -1 +0,0 @@
-gone
diff -urN a/x.c b/x.c
--- a/x.c\t2026-12-08 02:44:38.184486045 +0000
+++ b/x.c\t2026-12-08 02:44:38.184486045 +0000
@@ -1,2 +1,2 @@
 one
-two
+TWO
"""

# quilt: "Index:" and a rule above each file, /dev/null for a new one
QUILT = """\
Index: linux/mm/a.c
===================================================================
--- linux.orig/mm/a.c
+++ linux/mm/a.c
@@ -1 +1 @@
-a
+b
Index: linux/mm/b.c
===================================================================
--- /dev/null
+++ linux/mm/b.c
@@ -0,0 +1 @@
+b
"""


def file_kinds() -> Patch:
    for message in read_mbox(FIXTURES / "format-patch.mbox"):
        if b"X-Fixture-Case: file-kinds\n" in message.raw:
            assert isinstance(message, Patch)
            return message
    raise LookupError("file-kinds")


def described(files: tuple[FileDiff, ...]) -> list[tuple[object, ...]]:
    return [(f.path, f.status, f.old_path, f.similarity, f.old_mode, f.new_mode) for f in files]


def git_summary(diff: str, *options: str) -> list[str]:
    """git apply --numstat --summary of a diff: its output lines (no tree needed)."""
    done = subprocess.run(
        ["git", "apply", "--whitespace=nowarn", *options, "--numstat", "--summary", "-"],
        input=diff.encode(),
        capture_output=True,
    )
    assert done.returncode == 0 and not done.stderr, done.stderr
    lines = done.stdout.decode().splitlines()
    # numstat quotes a path as C does (the summary does not): read it as the diff's
    return [re.sub(r'"(.*)"$', lambda q: unquote(q.group(1)), line) for line in lines]


def summary_of(files: tuple[FileDiff, ...]) -> list[str]:
    """What git apply --numstat --summary prints of the files (paths without quotes)."""
    lines = [("-\t-\t" if f.binary else f"{f.insertions}\t{f.deletions}\t") + f.path for f in files]
    for f in files:
        if f.status in ("added", "deleted"):
            mode = f" mode {f.new_mode or f.old_mode}" if f.new_mode or f.old_mode else ""
            lines.append(f" {'create' if f.status == 'added' else 'delete'}{mode} {f.path}")
        elif f.status in ("renamed", "copied"):
            word = "rename" if f.status == "renamed" else "copy"
            lines.append(f" {word} {_renamed(f.old_path or '', f.path)} ({f.similarity}%)")
        if f.mode_changed:
            where = "" if f.old_path else f" {f.path}"
            lines.append(f" mode change {f.old_mode} => {f.new_mode}{where}")
    return lines


def _renamed(old: str, new: str) -> str:
    """``old => new`` with their common leading directories in front, as git apply writes."""
    common = 0
    while (slash := old.find("/", common)) >= 0 and old[: slash + 1] == new[: slash + 1]:
        common = slash + 1
    if not common:
        return f"{old} => {new}"
    return f"{old[:common]}{{{old[common:]} => {new[common:]}}}"


def test_each_file_says_what_git_format_patch_did_to_it() -> None:
    assert described(file_kinds().file_diffs) == [
        ("added.c", "added", None, None, None, "100644"),
        ("blob.bin", "modified", None, None, "100644", "100644"),
        ("gone.c", "deleted", None, None, "100644", None),
        ("kept.c", "copied", "keep.c", 100, None, None),
        ("run.sh", "modified", None, None, "100644", "100755"),
        ("tést file.c", "renamed", "keep.c", 87, "100644", "100644"),
    ]


def test_a_mode_change_alone_is_a_modified_file_whose_mode_changed() -> None:
    run_sh = file_kinds().file_diff("run.sh")
    assert run_sh is not None and run_sh.status == "modified" and run_sh.mode_changed
    assert run_sh.text == "diff --git a/run.sh b/run.sh\nold mode 100644\nnew mode 100755\n"


@git
def test_statuses_and_counts_are_what_git_apply_summary_says() -> None:
    patch = file_kinds()
    assert sorted(summary_of(patch.file_diffs)) == sorted(git_summary(patch.diff))


@git
def test_each_files_text_is_a_diff_of_that_file_alone() -> None:
    for file in file_kinds().file_diffs:
        assert git_summary(file.text) == summary_of((file,)), file.path


def test_the_texts_of_a_git_diffs_files_make_up_the_diff() -> None:
    patch = file_kinds()
    assert "".join(f.text for f in patch.file_diffs) == patch.diff


def test_a_binary_patchs_text_keeps_the_blank_line_that_closes_it() -> None:
    blob = file_kinds().file_diff("blob.bin")
    assert blob is not None and blob.binary
    assert blob.text.startswith("diff --git a/blob.bin b/blob.bin\nindex ")
    assert blob.text.endswith("\nliteral 5\nMcmZQzOv=my00M6TI{*Lx\n\n")


def test_paths_and_counts_are_those_of_the_diffstat() -> None:
    patch = file_kinds()
    assert patch.diffstat is not None
    as_changes = [
        FileChange(**f.model_dump(include=set(FileChange.model_fields))) for f in patch.file_diffs
    ]
    assert tuple(as_changes) == patch.diffstat.files == diffstat_from_diff(patch.diff).files
    assert all(isinstance(f, FileChange) for f in patch.file_diffs)


@pytest.mark.parametrize(
    ("path", "found"),
    [
        ("tést file.c", "tést file.c"),  # the new path
        ("gone.c", "gone.c"),  # a deleted file's old path
        ("keep.c", "kept.c"),  # a copy's source: the first file that names it as its old path
        ("orig.c", None),  # a file the diff leaves alone
    ],
)
def test_file_diff_finds_a_file_by_its_path_then_by_its_old_path(
    path: str, found: str | None
) -> None:
    file = file_kinds().file_diff(path)
    assert (file.path if file else None) == found


@git
def test_a_no_prefix_diff_keeps_its_real_paths() -> None:
    files = file_diffs(NO_PREFIX)
    assert described(files) == [
        ("tést file.c", "renamed", "keep.c", 87, "100644", "100644"),
        ("added.c", "added", None, None, None, "100644"),
        ("run.sh", "modified", None, None, "100644", "100755"),
    ]
    assert sorted(summary_of(files)) == sorted(git_summary(NO_PREFIX, "-p0"))


@git
def test_a_plain_diffs_epoch_stamped_side_is_a_missing_file_as_git_apply_reads_it() -> None:
    files = file_diffs(DIFF_URN)
    assert [(f.path, f.status, f.old_mode, f.new_mode) for f in files] == [
        ("new.c", "added", None, None),
        ("old.c", "deleted", None, None),
        ("x.c", "modified", None, None),
    ]
    assert sorted(summary_of(files)) == sorted(git_summary(DIFF_URN))


@pytest.mark.parametrize(
    ("stamp", "missing"),
    [
        ("1970-01-01 00:00:00.000000000 +0000", True),
        ("1970-01-01 01:00:00 +0100", True),  # the epoch east of UTC
        ("1969-12-31 19:00:00.000000000 -0500", True),  # and west of it
        ("1970-01-01 01:00:00 +0000", False),
        ("2026-12-08 02:44:38.184486045 +0000", False),
    ],
)
def test_only_the_epoch_in_its_own_zone_marks_a_missing_file(stamp: str, missing: bool) -> None:
    diff = f"--- a/x.c\t{stamp}\n+++ b/x.c\t2026-12-08 02:44:38 +0000\n@@ -0,0 +1 @@\n+x\n"
    assert file_diffs(diff)[0].status == ("added" if missing else "modified")


def test_a_quilt_index_line_belongs_to_no_files_text() -> None:
    first, second = file_diffs(QUILT)
    assert first.text == "--- linux.orig/mm/a.c\n+++ linux/mm/a.c\n@@ -1 +1 @@\n-a\n+b\n"
    assert (second.path, second.status) == ("mm/b.c", "added")


def test_a_cover_letter_has_no_file_diffs_but_its_diffstats_lines() -> None:
    stat = " a.c | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n"
    body = "Two fixes.\n\nJane Doe (1):\n  x\n\n" + stat
    cover = parse_message(mail("[PATCH 0/1] two fixes", body))
    assert isinstance(cover, Patch) and cover.is_cover
    assert cover.file_diffs == () and cover.file_diff("a.c") is None
    assert cover.diffstat is not None
    assert cover.diffstat.files == (FileChange(path="a.c", insertions=1, deletions=1),)


def test_file_diffs_are_read_on_first_use_and_no_field() -> None:
    patch = parse_message(file_kinds().raw)
    assert isinstance(patch, Patch) and "file_diffs" not in patch.__dict__
    assert "file_diffs" not in patch.model_dump()
    assert len(patch.file_diffs) == 6 and "file_diffs" in patch.__dict__
    assert "file_diffs" not in patch.model_copy(update={"raw": patch.raw}).__dict__


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["kvmarm", "intel-wired-lan-2025", "kasan-dev-2025"])
@git
def test_the_lists_file_diffs_are_what_git_apply_summary_says(
    corpus: Callable[[str], Corpus], name: str
) -> None:
    header_lines = ("\nrename from ", "\nnew file mode ", "\ndeleted file mode ", "\nold mode ")
    checked = 0
    for message in corpus(name).messages:
        if not isinstance(message, Patch) or not any(h in message.diff for h in header_lines):
            continue
        assert sorted(summary_of(message.file_diffs)) == sorted(git_summary(message.diff))
        checked += 1
    assert checked or not corpus(name).whole
