"""A maintainer who says he "added" the patches to his tree (Andrew Morton's wording for mm)."""

from __future__ import annotations

import pytest

from kvmlist import Person
from kvmlist.grouping.acceptance import acceptance_of
from kvmlist.grouping.series import group_series
from kvmlist.parse.notice import applied_notice

from .test_acceptance import series_and_notice

AKPM = "Andrew Morton <akpm@linux-foundation.org>"
ON_WROTE = "On Mon, 20 Oct 2025 13:11:17 +0100 Jane Doe <jane@example.org> wrote:\n\n\n"

ADDED = [
    (ON_WROTE + "Thanks, I (re-)added this series to mm.git.  I suppressed the usual\nemails.\n",
     "mm.git"),
    (ON_WROTE + "No probs.\n\nAll added to mm-new, thanks.  emails suppressed due to mercy.\n",
     "mm-new"),
    (ON_WROTE + "Thanks.  I added it and shall await review from the KASAN developers.\n\n"
     "I'm thinking we add\n\nFixes: c056a364e954 (\"kasan: print mapping info\")\n", None),
    (ON_WROTE + "Great, thanks, I added that.\n", None),
    ("OK, thanks. I've added this to irqchip-next[1], and rebased the v4.1 series on top.\n",
     "irqchip-next"),
    ("I added them to mm-nonmm-unstable.\n", "mm-nonmm-unstable"),
    ("I've added these to mm-hotfixes-unstable, thanks.\n", "mm-hotfixes-unstable"),
    ("Thanks, I re-added the series to mm.git's mm-unstable branch.\n", "mm.git (mm-unstable)"),
    ("Thanks, I have added this series to\nmm-new.\n", "mm-new"),
    ("We added it to the mm tree, thanks.\n", "mm"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "tree"), ADDED)
def test_a_maintainer_who_added_the_patches_gives_a_notice(body: str, tree: str | None) -> None:
    notice = applied_notice(body)
    assert notice is not None
    assert notice.tree == tree


NOT_ADDED = [
    # something else added to the patch, or to the thread
    "Thanks, I added cc:stable to this.\n",
    "I added cc:stable to [1/3], unless its omission was intentional?\n",
    "I added a Fixes: tag.\n",
    "Thanks, I added your Reviewed-by.\n",
    "I added some printks and the splat is gone.\n",
    "I've added Eric to Cc.\n",
    "Thanks, added to the list.\n",
    # an author's or reviewer's change to the code
    "Good point. I've now added it, but how the error is handled is unclear.\n",
    "I agree. I added this in arm_smmu_write_strtab_ent().\n",
    "I've added this:\n\n+\tif (!ptr)\n+\t\treturn -ENOMEM;\n",
    "Yes, nice catch. I have added this to kvm_reset_vcpu() to prevent the leak.\n",
    "Thanks, I added it to Documentation/dev-tools/kfence.rst.\n",
    "I added it to differentiate it from the message above.\n",
    "So, I've added all of them back.\n",
    # a question, a plan, a condition, a test, quoted words
    "I added it to mm-new, is that OK?\n",
    "Cool, I'll add this to mm-new but I'll suppress the usual emails.\n",
    "If that helps, I added it to mm-new.\n",
    "I added it to mm-new locally and it boots, thanks.\n",
    "> Thanks, I added this series to mm.git.\n\nWhy not mm-new?\n",
]


@pytest.mark.parametrize("body", NOT_ADDED)
def test_other_things_added_give_no_notice(body: str) -> None:
    assert applied_notice(body) is None


def test_added_to_mm_under_the_cover_letter_applies_the_whole_series() -> None:
    titles = ["mm: expand mmap_prepare", "mm: port cramfs to mmap_prepare"]
    body = ON_WROTE + "Thanks, I (re-)added this series to mm.git.\n"
    messages = series_and_notice("PATCH v5", "expand mmap_prepare", titles, body, AKPM)
    [accepted] = acceptance_of(group_series(messages), messages).values()
    assert accepted.complete
    assert accepted.trees == ("mm.git",)
    applied_by = {a.applied_by for a in accepted.applied.values()}
    assert applied_by == {Person(name="Andrew Morton", email="akpm@linux-foundation.org")}
