"""A cover letter's interdiff or range-diff (git format-patch --interdiff / --range-diff) is
git's note to reviewers: the cover's diffstat stays the series' one, as written."""

from __future__ import annotations

import pytest

from kvmlist import Patch, parse_message
from kvmlist.parse.body import has_diff

from .conftest import mail

COVER = """\
Small test fix.

Kim Lee (2):
  t1235: check stderr is empty
  t1236: check stdout too

 t/t1235-bar.sh | 3 ++-
 t/t1236-baz.sh | 4 +++-
 2 files changed, 5 insertions(+), 2 deletions(-)

"""
#: git format-patch --cover-letter --interdiff=v1 -v2: unindented, below the diffstat
INTERDIFF = """\
Interdiff against v1:
diff --git a/t/t1235-bar.sh b/t/t1235-bar.sh
index 7777777..6666666 100755
--- a/t/t1235-bar.sh
+++ b/t/t1235-bar.sh
@@ -21,4 +21,4 @@ test_expect_success 'bar works' '
 \tgit bar &&
 \ttest_cmp expect actual &&
-\ttest_line_count = 0 err
+\ttest_must_be_empty err
 '
"""
#: git format-patch --cover-letter --range-diff=v1 -v2: its inner lines indented 4 spaces
RANGE_DIFF = """\
Range-diff against v1:
1:  abcdef0 ! 1:  0fedcba t1235: check stderr is empty
    @@ t/t1235-bar.sh: test_expect_success 'bar works' '
     \tgit bar &&
     -\ttest_cmp expect actual
     +\ttest_cmp expect actual &&
    -+\ttest_line_count = 0 err
    ++\ttest_must_be_empty err
      '
2:  1234567 = 2:  7654321 t1236: check stdout too
"""
SIGNATURE = "-- \n2.47.0\n"


def cover(appendix: str) -> Patch:
    parsed = parse_message(mail("[PATCH v2 0/2] t1235: check stderr", COVER + appendix + SIGNATURE))
    assert isinstance(parsed, Patch) and parsed.is_cover
    return parsed


@pytest.mark.parametrize("appendix", [INTERDIFF, INTERDIFF.replace(" against v1", ""), RANGE_DIFF])
def test_a_covers_diffstat_is_the_one_written_not_its_interdiffs(appendix: str) -> None:
    stat = cover(appendix).diffstat
    assert stat is not None and not stat.computed
    assert (stat.files_changed, stat.insertions, stat.deletions) == (2, 5, 2)
    assert [(f.path, f.insertions, f.deletions) for f in stat.files] == [
        ("t/t1235-bar.sh", 2, 1),
        ("t/t1236-baz.sh", 3, 1),
    ]


def test_a_covers_interdiff_is_no_diff_of_its_own() -> None:
    one = cover(INTERDIFF)
    assert not one.has_diff and one.diff == ""
    assert not has_diff(COVER + INTERDIFF)


def test_a_covers_description_keeps_its_interdiff_whole() -> None:
    # shown as a patch's notes show an indented one: no label left dangling
    description = cover(INTERDIFF).description
    assert description.endswith("+\ttest_must_be_empty err\n '")
    assert "Interdiff against v1:\ndiff --git a/t/t1235-bar.sh" in description


def test_a_patch_below_an_interdiff_of_its_notes_keeps_its_diff() -> None:
    # a single patch: git indents its interdiff by two, and its diff follows
    notes = "".join(f"  {line}\n" if line else "\n" for line in INTERDIFF.split("\n")[1:-1])
    body = (
        "Check stderr.\n\nSigned-off-by: Kim Lee <kim@example.net>\n---\n"
        f"Interdiff against v1:\n{notes}\n"
        " t/t1235-bar.sh | 3 ++-\n 1 file changed, 2 insertions(+), 1 deletion(-)\n\n"
        + INTERDIFF.split("\n", 1)[1].replace("test_line_count = 0 err", "test_cmp expect actual")
    )
    one = parse_message(mail("[PATCH v2] t1235: check stderr is empty", body + SIGNATURE))
    assert isinstance(one, Patch) and one.has_diff
    assert one.diff.startswith("diff --git a/t/t1235-bar.sh")
