"""Every notice reader names a tree by the same words (kvmlist.parse.tree_name)."""

from __future__ import annotations

import pytest

from kvmlist.parse.notice import applied_notice

ON_WROTE = "On Tue, 21 Oct 2025 09:02:11 -0700 Jane Doe <jane@example.org> wrote:\n\n"

TREES = [
    ("mm-new", "mm-new"),
    ("kvmarm/next", "kvmarm/next"),
    ("the mm tree", "mm"),
    ("the mm-hotfixes branch", "mm-hotfixes"),
    ("mm.git's mm-unstable branch", "mm.git (mm-unstable)"),
    ("the testing branch of iio.git", "iio.git (testing)"),
    ("the for-next branch of kvmarm/kvmarm.git", "kvmarm/kvmarm.git (for-next)"),
    ("`mm-nonmm-unstable`", "mm-nonmm-unstable"),
]
NOTICES = [
    "Thanks, applied to {}.\n",  # a classic notice line
    "Applied to {}.\n",  # a notice sentence
    "Thanks, I added this series to {}.\n",  # an "added" notice
    "Thanks, I added this series to\n{}.\n",  # the tree on the next line
]


@pytest.mark.parametrize(("words", "tree"), TREES)
@pytest.mark.parametrize("notice", NOTICES)
def test_every_notice_reads_the_same_tree_from_the_same_words(
    notice: str, words: str, tree: str
) -> None:
    found = applied_notice(ON_WROTE + notice.format(words))
    assert found is not None
    assert found.tree == tree


@pytest.mark.parametrize(
    "body",
    [
        "Thanks, I added it to drivers/net/ as well.\n",  # a directory
        "Thanks, I added it to kvm_util.c.\n",  # a file
        "Thanks, I added it for arm64-only builds.\n",  # why, not where
        "Thanks, I added this in arm64-specific code.\n",  # where code went
    ],
)
def test_an_added_notice_names_no_tree_a_word_of_code_could_be(body: str) -> None:
    assert applied_notice(ON_WROTE + body) is None
