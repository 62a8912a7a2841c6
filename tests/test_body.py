"""split_body: in-body headers, commit message, ---, basement, diffstat, diff and signature."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kvmlist.parse.body import has_diff, split_body

from .seed_texts import SEED_PATCH

# the shape of git format-patch --cover-letter: shortlog and diffstat end the message, no ---
COVER = """\
FEAT_IDST appeared in ARMv8.4, and allows ID registers to be trapped
if they are not implemented.

Marc Zyngier (2):
  arm64: Repaint ID_AA64MMFR2_EL1.IDS description
  KVM: arm64: selftests: Add a test for FEAT_IDST

 arch/arm64/tools/sysreg                       |   4 +-
 .../testing/selftests/kvm/arm64/idreg-idst.c  | 117 ++++++++++++++++++
 2 files changed, 119 insertions(+), 2 deletions(-)
 create mode 100644 tools/testing/selftests/kvm/arm64/idreg-idst.c

--\x20
2.47.3
"""

MAILMAN_FOOTER = """\
_______________________________________________
kvmarm mailing list
kvmarm@lists.cs.columbia.edu
https://lists.cs.columbia.edu/mailman/listinfo/kvmarm
"""


def test_patch_splits_into_its_parts() -> None:
    parts = split_body(SEED_PATCH)
    assert parts.in_body_headers == (("From", "Alexandru Elisei <alexandru.elisei@arm.com>"),)
    assert parts.message.startswith("At EL2, hvc would target")
    assert parts.message.endswith("Reviewed-by: Eric Auger <eric.auger@redhat.com>")
    assert parts.basement.startswith("v4: use smc only at EL2\n\n arm/micro-bench.c | 3 ++-")
    assert parts.diffstat == (
        " arm/micro-bench.c | 3 ++-\n 1 file changed, 2 insertions(+), 1 deletion(-)"
    )
    assert parts.diff.startswith("diff --git a/arm/micro-bench.c b/arm/micro-bench.c\n")
    assert parts.diff.endswith("+-- \n \n")  # the hunk's own "-- " line is no signature
    assert parts.signature == "2.25.1"


def test_preamble_of_a_patch_is_message_separator_and_basement() -> None:
    parts = split_body(SEED_PATCH)
    assert parts.preamble == f"{parts.message}\n---\n{parts.basement}"


def test_cover_letter_keeps_shortlog_and_diffstat_in_the_message() -> None:
    parts = split_body(COVER)
    assert parts.diff == "" and parts.basement == ""
    assert parts.message.startswith("FEAT_IDST appeared") and "Marc Zyngier (2):" in parts.message
    assert parts.diffstat.splitlines() == [
        " arch/arm64/tools/sysreg                       |   4 +-",
        " .../testing/selftests/kvm/arm64/idreg-idst.c  | 117 ++++++++++++++++++",
        " 2 files changed, 119 insertions(+), 2 deletions(-)",
    ]
    assert parts.preamble == parts.message and parts.signature == "2.47.3"


def test_b4_cover_letter_with_dashes_splits_at_the_first() -> None:
    text = (
        "This series adds a thing.\n\n---\nChanges in v2:\n- Reworded\n\n---\n"
        "Jane Doe (1):\n      x: add a thing\n\n x.c | 2 +-\n"
        " 1 file changed, 1 insertion(+), 1 deletion(-)\n---\nbase-commit: 0123abcd\n"
        "change-id: 20251204-thing-0123\n\nBest regards,\n-- \nJane Doe <jane@example.org>\n"
    )
    parts = split_body(text)
    assert parts.message == "This series adds a thing."
    assert parts.basement.startswith("Changes in v2:")
    assert parts.basement.endswith("change-id: 20251204-thing-0123\n\nBest regards,")
    assert parts.diffstat.endswith("1 file changed, 1 insertion(+), 1 deletion(-)")
    assert parts.signature == "Jane Doe <jane@example.org>"


def test_reply_using_dashes_as_a_visual_separator_is_not_split() -> None:
    text = "Looks good to me.\n\n---\nUnrelated: the CI is red on arm64 today.\n"
    parts = split_body(text)
    assert parts.message == text.rstrip() and parts.basement == "" and parts.diff == ""


@pytest.mark.parametrize(
    "head",
    [
        "From: Jane Doe <jane@example.org>\nDate: Thu, 4 Dec 2025 09:47:57 +0000\n"
        "Subject: [PATCH] KVM: x86: Fix the thing\n",
        "\nfrom: Jane Doe <jane@example.org>\nDATE: Thu, 4 Dec 2025 09:47:57 +0000\n"
        "subject: [PATCH] KVM: x86: Fix the\n thing\n",
    ],
)
def test_in_body_header_paragraph_is_read_and_removed(head: str) -> None:
    parts = split_body(head + "\nFix the thing.\n\nSigned-off-by: Jane Doe <jane@example.org>\n")
    assert parts.in_body_headers == (
        ("From", "Jane Doe <jane@example.org>"),
        ("Date", "Thu, 4 Dec 2025 09:47:57 +0000"),
        ("Subject", "[PATCH] KVM: x86: Fix the thing"),
    )
    assert parts.message.startswith("Fix the thing.") and parts.preamble.startswith("Fix")


@pytest.mark.parametrize(
    "text",
    [
        "Some text first.\n\nFrom: Someone <s@example.org>\n",
        "From: Someone <s@example.org>\nSent: Thursday\nTo: kvm@vger.kernel.org\n",
    ],
)
def test_from_lines_that_are_not_an_in_body_header_paragraph(text: str) -> None:
    parts = split_body(text)
    assert parts.in_body_headers == () and parts.message == text.strip()


def test_in_body_from_straight_followed_by_the_message_is_read_as_git_am_does() -> None:
    # kvmarm <20191024110209.21328-5-jianyong.wu@arm.com>: no blank line after the From
    # line; git am (and so b4) credits Thomas Gleixner, and so do we.
    text = "From: Thomas Gleixner <tglx@linutronix.de>\nIn some scenario like ptp_kvm,\n"
    parts = split_body(text)
    assert parts.in_body_headers == (("From", "Thomas Gleixner <tglx@linutronix.de>"),)
    assert parts.message == "In some scenario like ptp_kvm,"


def test_signature_is_cut_at_the_last_dash_dash_space_line() -> None:
    text = "Thanks for the fix.\n-- \nnot the last one\n\nmore\n-- \nJane\nKernel hacker\n"
    parts = split_body(text)
    assert parts.signature == "Jane\nKernel hacker"
    assert parts.message.endswith("more")


def test_removed_line_dash_space_inside_the_last_hunk_is_not_a_signature() -> None:
    # the hunk removes the Markdown list item "- " (which reads "-- "), no signature follows
    text = (
        "Drop the empty item.\n---\n"
        "diff --git a/README.md b/README.md\n--- a/README.md\n+++ b/README.md\n"
        "@@ -1,3 +1,2 @@\n # Title\n-- \n text\n"
    )
    parts = split_body(text)
    assert parts.signature == "" and parts.diff.endswith("-- \n text\n")


def test_signature_after_a_hunk_ending_in_a_removed_dash_space_line() -> None:
    text = (
        "Drop the empty item.\n---\n"
        "diff --git a/README.md b/README.md\n--- a/README.md\n+++ b/README.md\n"
        "@@ -1,2 +1,1 @@\n # Title\n-- \n-- \n2.47.3\n"
    )
    parts = split_body(text)
    assert parts.signature == "2.47.3" and parts.diff.endswith(" # Title\n-- \n")


def test_dash_dash_space_above_the_diff_is_not_a_signature() -> None:
    text = (
        "Here is the fix.\n-- \nJane\ndiff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n"
    )
    parts = split_body(text)
    assert parts.signature == "" and parts.message.endswith("-- \nJane")


@pytest.mark.parametrize("signature", ["", "-- \nJazz is not dead. It just smells funny...\n"])
def test_mailing_list_footer_is_cut(signature: str) -> None:
    text = "Applied, thanks.\n\n        M.\n" + signature + MAILMAN_FOOTER
    parts = split_body(text)
    assert parts.message == "Applied, thanks.\n\n        M."
    assert parts.signature.endswith("https://lists.cs.columbia.edu/mailman/listinfo/kvmarm")


def test_two_stacked_list_footers_are_both_cut() -> None:
    kbuild = "_" * 47 + "\nkbuild mailing list -- kbuild@lists.01.org\n"
    parts = split_body("Report.\n\n" + kbuild + "\n" + MAILMAN_FOOTER)
    assert parts.message == "Report." and parts.signature.startswith("____")


GOOGLE_GROUPS_FOOTER = """\
-- \nYou received this message because you are subscribed to the Google Groups "kasan-dev" group.
To unsubscribe from this group and stop receiving emails from it, send an email to \
kasan-dev+unsubscribe@googlegroups.com.
To view this discussion visit \
https://groups.google.com/d/msgid/kasan-dev/20251201.1%40example.org.
"""


def test_google_groups_footer_is_a_list_footer_below_the_signature() -> None:
    cover = (
        "Two fixes for the report path.\n\nJane Roe (2):\n  kasan: fix a\n  kasan: fix b\n\n"
        " mm/kasan/report.c | 4 ++--\n 1 file changed, 2 insertions(+), 2 deletions(-)\n"
        "\n-- \n2.50.1\n\n" + GOOGLE_GROUPS_FOOTER
    )
    parts = split_body(cover)
    assert parts.message.endswith(" 1 file changed, 2 insertions(+), 2 deletions(-)")
    assert parts.signature.startswith("2.50.1\n")


def test_google_groups_footer_without_a_signature_is_cut() -> None:
    parts = split_body("Applied, thanks.\n\n" + GOOGLE_GROUPS_FOOTER)
    assert parts.message == "Applied, thanks." and "kasan-dev+unsubscribe" in parts.signature


def test_a_signature_that_talks_of_google_groups_is_kept() -> None:
    text = "Thanks.\n-- \nYou received this message because I said so.\n"
    assert split_body(text).signature == "You received this message because I said so."


def test_footer_after_a_diff_is_cut_from_the_diff() -> None:
    text = "Fix.\n---\ndiff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n" + MAILMAN_FOOTER
    assert split_body(text).diff.endswith("+b\n")


def test_outlook_underscore_separator_is_not_a_footer() -> None:
    text = "Thanks.\n\n" + "_" * 32 + "\nFrom: Jane Doe <jane@example.org>\nSent: today\n"
    assert split_body(text).signature == ""


@pytest.mark.parametrize(
    ("text", "first_line"),
    [
        ("Fix.\n---\ndiff --git a/x.c b/x.c\nindex 1..2 100644\n", "diff --git a/x.c b/x.c"),
        ("Fix.\n\ndiff -urN a/x.c b/x.c\n--- a/x.c\t2025-12-04\n+++ b/x.c\n", "diff -urN a/x.c"),
        ("Fix.\n---\n--- a/x.c\n+++ b/x.c\n@@ -1 +1 @@\n-a\n+b\n", "--- a/x.c"),
        ("Fix.\n\nIndex: x.c\n" + "=" * 67 + "\n--- x.c\t(revision 1)\n", "Index: x.c"),
        ("Binary.\n\nGIT binary patch\nliteral 3\nKcmZQz\n", "GIT binary patch"),
        ("diff --git pixel.bmp pixel.bmp\nnew file mode 100644\n", "diff --git pixel.bmp"),
    ],
)
def test_diff_start_forms(text: str, first_line: str) -> None:
    parts = split_body(text)
    assert has_diff(text) and parts.diff.startswith(first_line)


@pytest.mark.parametrize(
    "text",
    [
        "It is difficult to say.\ndiffer here\ndiff is what I ran\n",
        "> diff --git a/x b/x\n> --- a/x\n> +++ b/x\n> @@ -1 +1 @@\n",
        "--- a/x.c\nis what the old code looked like\n",
        "Index: the table of contents\nis missing\n",
    ],
)
def test_text_that_is_not_a_diff(text: str) -> None:
    assert not has_diff(text) and split_body(text).diff == ""


def test_separator_must_come_before_the_diff() -> None:
    text = "Fix.\n\ndiff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n---\n-a\n+b\n"
    parts = split_body(text)
    assert parts.message == "Fix." and parts.basement == ""


def test_empty_and_blank_bodies() -> None:
    for text in ("", "\n\n", "-- \n", " \n\t\n"):
        parts = split_body(text)
        assert (parts.message, parts.diff, parts.in_body_headers) == ("", "", ())


@given(st.text())
def test_split_body_never_raises_and_agrees_with_has_diff(text: str) -> None:
    parts = split_body(text)
    assert bool(parts.diff) == has_diff(text)


@given(st.lists(st.sampled_from(SEED_PATCH.splitlines() + COVER.splitlines() + ["-- ", "---", ""])))
def test_parts_of_shuffled_patch_lines_come_from_the_text(lines: list[str]) -> None:
    text = "\n".join(lines)
    parts = split_body(text)
    assert parts.preamble.startswith(parts.message)
    for part in (parts.basement, parts.diffstat, parts.diff.rstrip("\n"), parts.signature):
        assert part in text


@pytest.mark.parametrize(
    "text",
    [
        "a" * 10**6,
        "From: " + "a" * 10**6,
        "-" * 10**6,
        "diff -" + " " * 10**6,
        "_" * 10**6 + "\nx mailing list\n",
        " x | " + "+" * 10**6 + "\n 1 file changed, 1 insertion(+)\n",
        " " + "1" * 10**6 + " files changed",
        "diff --git a/x b/x\n@@ -1 +1 @@\n" + "-" * 10**6 + "\n-- \n",
        "--- a\n" * 10**5,
        "\n" * 10**6,
    ],
)
def test_megabyte_pathological_lines_return(text: str) -> None:
    split_body(text)
    has_diff(text)
