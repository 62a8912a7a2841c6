"""parse_diffstat (the diffstat a mail carries) and diffstat_from_diff (counted from hunks)."""

from __future__ import annotations

import email
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kvmlist.models import FileChange
from kvmlist.parse.body import split_body
from kvmlist.parse.diffstat import diffstat_from_diff, parse_diffstat

SEED = Path(__file__).parents[2] / "shared" / "seed" / "kvm-2025-12-04.mbox"


def totals(text: str) -> tuple[int, int, int] | None:
    stat = parse_diffstat(text)
    return None if stat is None else (stat.files_changed, stat.insertions, stat.deletions)


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        (" 8 files changed, 189 insertions(+), 15 deletions(-)", (8, 189, 15)),
        (" 1 file changed, 1 insertion(+), 1 deletion(-)", (1, 1, 1)),
        (" 1 file changed, 8 insertions(+)", (1, 8, 0)),
        (" 1 file changed, 2 deletions(-)", (1, 0, 2)),
        (" 1 file changed, 0 insertions(+), 0 deletions(-)", (1, 0, 0)),
        ("3 files changed, 9 insertions(+), 6 deletions(-)  ", (3, 9, 6)),
    ],
)
def test_summary_line_forms(summary: str, expected: tuple[int, int, int]) -> None:
    assert totals(summary) == expected


@pytest.mark.parametrize(
    ("line", "change"),
    [
        (
            " arch/arm64/kvm/emulate-nested.c | 8 ++++++++",
            FileChange(path="arch/arm64/kvm/emulate-nested.c", insertions=8),
        ),
        (
            " arch/arm64/kvm/hyp/nvhe/sys_regs.c            |  39 ++++--",
            FileChange(path="arch/arm64/kvm/hyp/nvhe/sys_regs.c", insertions=26, deletions=13),
        ),
        (
            " arm/micro-bench.c | 3 ++-",
            FileChange(path="arm/micro-bench.c", insertions=2, deletions=1),
        ),
        (
            " .../testing/selftests/kvm/arm64/idreg-idst.c  | 117 ++++++++++++++++++",
            FileChange(path=".../testing/selftests/kvm/arm64/idreg-idst.c", insertions=117),
        ),
        (" pixel.bmp | Bin 0 -> 142 bytes", FileChange(path="pixel.bmp", binary=True)),
        (" logo.png  | Bin", FileChange(path="logo.png", binary=True)),
        (
            " arch/{arm => arm64}/kvm/f.c | 2 +-",
            FileChange(path="arch/{arm => arm64}/kvm/f.c", insertions=1, deletions=1),
        ),
        (" old.c => new.c | 0", FileChange(path="old.c => new.c")),
    ],
)
def test_per_file_line_forms(line: str, change: FileChange) -> None:
    stat = parse_diffstat(f"{line}\n 1 file changed, 1 insertion(+)\n")
    assert stat is not None and stat.files == (change,) and not stat.computed


def test_cover_letter_diffstat_after_the_shortlog() -> None:
    cover = (
        "Peter Xu (4):\n  mm/thp: Allow alignment\n  vfio: Add a hook\n\n"
        " include/linux/fs.h                |  1 +\n"
        " mm/mmap.c                         | 58 +++++++++++++++++++++++++++----\n"
        " 2 files changed, 53 insertions(+), 6 deletions(-)\n\n-- \n2.50.1\n"
    )
    stat = parse_diffstat(split_body(cover).diffstat)
    assert stat is not None and (stat.files_changed, stat.insertions, stat.deletions) == (2, 53, 6)
    assert [f.path for f in stat.files] == ["include/linux/fs.h", "mm/mmap.c"]


def test_the_last_diffstat_of_the_text_wins() -> None:
    text = " a.c | 1 +\n 1 file changed, 1 insertion(+)\n\nthen v2:\n b.c | 2 --\n c.c | 1 -\n"
    text += " 2 files changed, 3 deletions(-)\n create mode 100644 c.c\n"
    stat = parse_diffstat(text)
    assert stat is not None and [f.path for f in stat.files] == ["b.c", "c.c"]


@pytest.mark.parametrize(
    "text",
    ["", "Nothing changed here.\n", " table | 12 \n", "files changed, a lot\n", " x | 1 +\n"],
)
def test_no_diffstat(text: str) -> None:
    assert parse_diffstat(text) is None


def test_diffstat_from_a_git_diff() -> None:
    diff = (
        "diff --git a/arch/arm64/kvm/sys_regs.c b/arch/arm64/kvm/sys_regs.c\n"
        "index ec3fbe0b8d525..ae1e72df1ed45 100644\n"
        "--- a/arch/arm64/kvm/sys_regs.c\n+++ b/arch/arm64/kvm/sys_regs.c\n"
        "@@ -3399,5 +3399,3 @@ static const struct sys_reg_desc sys_reg_descs[] = {\n"
        " \t{ SYS_DESC(SYS_CCSIDR_EL1), access_ccsidr },\n"
        "-\t{ SYS_DESC(SYS_CCSIDR2_EL1), undef_access },\n"
        "-\t{ SYS_DESC(SYS_SMIDR_EL1), undef_access },\n"
        "\n"  # a blank context line whose space the mailer dropped
        " \tIMPLEMENTATION_ID(AIDR_EL1, GENMASK_ULL(63, 0)),\n"
        "-- \n2.47.3\n"
    )
    stat = diffstat_from_diff(diff)
    assert stat.computed and (stat.files_changed, stat.insertions, stat.deletions) == (1, 0, 2)
    assert stat.files == (FileChange(path="arch/arm64/kvm/sys_regs.c", deletions=2),)


def test_dash_lines_inside_a_hunk_are_deletions() -> None:
    diff = (
        "diff --git a/Documentation/x.rst b/Documentation/x.rst\n"
        "--- a/Documentation/x.rst\n+++ b/Documentation/x.rst\n"
        "@@ -1,4 +1,2 @@\n Title\n--- foo\n-- \n+---\n-- bar\n\\ No newline at end of file\n"
        "+++ appended\n"  # beyond the hunk: neither counted nor a new file
    )
    stat = diffstat_from_diff(diff)
    assert stat.files == (FileChange(path="Documentation/x.rst", insertions=1, deletions=3),)


def test_renames_modes_binaries_and_deletions() -> None:
    diff = (
        "diff --git a/old.c b/new.c\nsimilarity index 90%\nrename from old.c\nrename to new.c\n"
        "--- a/old.c\n+++ b/new.c\n@@ -1,2 +1,2 @@\n-a\n+b\n c\n"
        "diff --git a/lib/a b/lib/b\nsimilarity index 100%\nrename from lib/a\nrename to lib/b\n"
        "diff --git a/run b/run\nold mode 100644\nnew mode 100755\n"
        "diff --git a/p.bmp b/p.bmp\nnew file mode 100644\nindex 0000000..1111111\n"
        "GIT binary patch\nliteral 3\nKcmZQz\n\nliteral 0\nHcmV?d00001\n\n"
        "diff --git a/logo.png b/logo.png\nindex 1..2 100644\nBinary files a/logo.png and "
        "b/logo.png differ\n"
        "diff --git a/gone.c b/gone.c\ndeleted file mode 100644\n--- a/gone.c\n+++ /dev/null\n"
        "@@ -1,2 +0,0 @@\n-x\n-y\n"
    )
    stat = diffstat_from_diff(diff)
    assert [(f.path, f.insertions, f.deletions, f.binary) for f in stat.files] == [
        ("new.c", 1, 1, False),
        ("lib/b", 0, 0, False),
        ("run", 0, 0, False),
        ("p.bmp", 0, 0, True),
        ("logo.png", 0, 0, True),
        ("gone.c", 0, 2, False),
    ]
    assert (stat.files_changed, stat.insertions, stat.deletions) == (6, 1, 3)


@pytest.mark.parametrize(
    ("header", "path"),
    [
        ("diff --git pixel.bmp pixel.bmp", "pixel.bmp"),
        ("diff --git a/my file.txt b/my file.txt", "my file.txt"),
        ("diff --git a/a/b.c b/a/b.c", "a/b.c"),
        ("diff -urN linux.orig/mm/mmap.c linux/mm/mmap.c", "mm/mmap.c"),  # git apply -p1
    ],
)
def test_path_from_the_diff_line(header: str, path: str) -> None:
    stat = diffstat_from_diff(f"{header}\nold mode 100644\nnew mode 100755\n")
    assert [f.path for f in stat.files] == [path]


def test_plain_unified_diffs_without_diff_lines() -> None:
    diff = (
        "--- a/x.c\t2025-12-04 10:00:00\n+++ b/x.c\t2025-12-04 11:00:00\n@@ -1 +1,2 @@\n a\n+b\n"
        "--- /dev/null\n+++ b/y.c\n@@ -0,0 +1 @@\n+new\n"
        "Index: z.c\n" + "=" * 67 + "\n--- z.c\t(revision 1)\n+++ z.c\t(working copy)\n"
        "@@ -1 +0,0 @@\n-old\n"
    )
    stat = diffstat_from_diff(diff)
    assert [(f.path, f.insertions, f.deletions) for f in stat.files] == [
        ("x.c", 1, 0),
        ("y.c", 1, 0),
        ("z.c", 0, 1),
    ]


def test_empty_diff() -> None:
    stat = diffstat_from_diff("")
    assert stat.computed and stat.files == () and stat.files_changed == 0


def seed_patch_bodies() -> list[tuple[str, str]]:
    if not SEED.exists():
        pytest.skip("needs ../shared")
    chunks = re.split(rb"^From mboxrd@z[^\n]*\n", SEED.read_bytes(), flags=re.MULTILINE)[1:]
    bodies = []
    for chunk in chunks:
        message = email.message_from_bytes(re.sub(rb"^>(>*From )", rb"\1", chunk, flags=re.M))
        subject = str(message["Subject"])
        payload = message.get_payload(decode=True)
        if subject.startswith(("[PATCH", "[kvm-unit-tests PATCH")) and isinstance(payload, bytes):
            bodies.append((subject, payload.decode()))
    return bodies


def test_seed_diffstats_match_the_diffs() -> None:
    bodies = seed_patch_bodies()
    assert len(bodies) == 27
    compared = 0
    for subject, body in bodies:
        parts = split_body(body)
        stat = parse_diffstat(parts.basement if parts.diff else parts.diffstat)
        assert stat is not None, subject
        assert len(stat.files) == stat.files_changed, subject
        if parts.diff:
            counted = diffstat_from_diff(parts.diff)
            assert (counted.files_changed, counted.insertions, counted.deletions) == (
                stat.files_changed,
                stat.insertions,
                stat.deletions,
            ), subject
            compared += 1
    assert compared == 24  # three cover letters carry a diffstat but no diff


@given(st.text())
def test_diffstat_parsers_never_raise(text: str) -> None:
    parse_diffstat(text)
    stat = diffstat_from_diff(text)
    assert stat.files_changed == len(stat.files)


DIFF_LINES = [
    "diff --git a/x b/x", "--- a/x", "+++ b/x", "@@ -1,2 +1 @@", "@@ -1 +1,3 @@", "+a", "-b",
    " c", "", "-- ", "\\ No newline", "GIT binary patch", "rename to y", " x | 2 +-",
    " 1 file changed, 1 insertion(+)",
]  # fmt: skip


@given(st.lists(st.sampled_from(DIFF_LINES)))
def test_diffstat_parsers_on_shuffled_diff_lines(lines: list[str]) -> None:
    text = "\n".join(lines)
    parse_diffstat(text)
    stat = diffstat_from_diff(text)
    assert stat.insertions <= text.count("\n+") + 1 and stat.deletions <= text.count("\n-") + 1


@pytest.mark.parametrize(
    "text",
    [
        "a" * 10**6,
        " x | " + "+" * 10**6,
        " x | " + "+" * 10**6 + "\n 1 file changed, 1 insertion(+)",
        " x" + " " * 10**6 + "| 1 +",
        " " + "1" * 10**6 + " files changed",
        " 1 file changed, " + "1" * 10**6 + " insertions(+)",
        "@@ -1," + "9" * 10**6 + " +1 @@\n-a",
        "diff --git " + "a/" * 500_000,
        "diff --git a/x b/x\n@@ -1 +1 @@\n" + "-" * 10**6,
        "+++ " + "\t" * 10**6,
    ],
)
def test_megabyte_pathological_lines_return(text: str) -> None:
    parse_diffstat(text)
    diffstat_from_diff(text)
