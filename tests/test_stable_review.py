"""Stable review patches: credited to their author, not to the stable maintainer posting them."""

from __future__ import annotations

import pytest

import kvmlist
from kvmlist import Patch, Person, parse_message
from kvmlist.parse.body import split_body

from .conftest import mail

GREG = "Greg Kroah-Hartman <gregkh@linuxfoundation.org>"
MARC = Person(name="Marc Zyngier", email="maz@kernel.org")

REVIEW = """{banner}  If anyone has any objections, please let me know.

------------------

From: Marc Zyngier <maz@kernel.org>

[ Upstream commit 0c3b2f9a1e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b ]

The vgic-its translation cache is freed under the ITS lock, with
interrupts on: erase the LPI with them off.

Fixes: 8201d1028caa ("KVM: arm64: vgic-its: Maintain a translation cache per ITS")
Signed-off-by: Marc Zyngier <maz@kernel.org>
Signed-off-by: Sasha Levin <sashal@kernel.org>
---
 arch/arm64/kvm/vgic/vgic-its.c |    2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

--- a/arch/arm64/kvm/vgic/vgic-its.c
+++ b/arch/arm64/kvm/vgic/vgic-its.c
@@ -610,7 +610,7 @@ static int vgic_its_cache_translation(struct kvm *kvm)
         if (!vgic_lpi_cache_enabled(kvm))
                 return 0;
-        xa_erase(&dist->lpi_xa, intid);
+        xa_erase_irq(&dist->lpi_xa, intid);
         return 0;
 }
"""


def review(banner: str) -> str:
    """A stable review patch's body under the banner (its diff holds braces: no format)."""
    return REVIEW.replace("{banner}", banner)


SUBJECT = "[PATCH 6.6 042/123] KVM: arm64: vgic-its: Erase the LPI with interrupts off"


@pytest.mark.parametrize(
    "banner",
    [
        "6.6-stable review patch.",  # Greg KH's and Sasha Levin's review rounds
        "5.10-stable review patch.",
        "3.16.85-rc1 review patch.",  # Ben Hutchings' 3.16 rounds
    ],
)
def test_a_stable_review_patch_is_credited_to_the_in_body_from_under_its_banner(
    banner: str,
) -> None:
    patch = parse_message(mail(SUBJECT, review(banner), sender=GREG))
    assert isinstance(patch, Patch) and patch.author == MARC
    assert patch.commit_message.startswith("[ Upstream commit 0c3b2f9a")
    assert kvmlist.count_by_author([patch]) == {MARC: 1}


def test_the_body_split_reads_the_same_in_body_from_and_starts_the_message_after_it() -> None:
    parts = split_body(review("6.6-stable review patch."))
    assert parts.in_body_headers == (("From", "Marc Zyngier <maz@kernel.org>"),)
    assert parts.message.startswith("[ Upstream commit")


def test_a_review_patch_of_the_maintainers_own_keeps_the_sender() -> None:
    body = review("6.6-stable review patch.").replace("From: Marc Zyngier <maz@kernel.org>\n\n", "")
    patch = parse_message(mail(SUBJECT, body, sender=GREG))
    assert isinstance(patch, Patch) and patch.author is not None
    assert patch.author.email == "gregkh@linuxfoundation.org"


@pytest.mark.parametrize(
    "opening",
    [
        "Please consider this for 6.6.\n\n------------------\n\n",  # not the banner
        "6.6-stable review patch.  If anyone has any objections, please let me know.\n\n",
    ],
)
def test_a_from_line_below_other_text_is_no_in_body_header(opening: str) -> None:
    # git am reads in-body headers at the top only; the banner goes with its dashed line
    body = opening + "From: Marc Zyngier <maz@kernel.org>\n\nFix it.\n"
    assert split_body(body).in_body_headers == ()


# kvmarm <20210315135551.812754429@linuxfoundation.org>: the 2021 rounds had no banner; the
# script wrote the poster's own From above the author's
STACKED = """From: Greg Kroah-Hartman <gregkh@linuxfoundation.org>

From: Marc Zyngier <maz@kernel.org>

commit 0c3b2f9a1e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b upstream.

The vgic-its translation cache is freed under the ITS lock, with
interrupts on: erase the LPI with them off.

Cc: stable@vger.kernel.org # 5.10.y only
Signed-off-by: Marc Zyngier <maz@kernel.org>
Signed-off-by: Greg Kroah-Hartman <gregkh@linuxfoundation.org>
---
 arch/arm64/kvm/vgic/vgic-its.c |    2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

--- a/arch/arm64/kvm/vgic/vgic-its.c
+++ b/arch/arm64/kvm/vgic/vgic-its.c
@@ -610,7 +610,7 @@ static int vgic_its_cache_translation(struct kvm *kvm)
-        xa_erase(&dist->lpi_xa, intid);
+        xa_erase_irq(&dist->lpi_xa, intid);
"""


def test_a_from_stacked_under_the_posters_own_from_is_the_author() -> None:
    patch = parse_message(mail(SUBJECT.replace("6.6", "5.10"), STACKED, sender=GREG))
    assert isinstance(patch, Patch) and patch.author == MARC
    assert patch.commit_message.startswith("commit 0c3b2f9a")
    # git am would credit the poster: the defect says which From was passed over
    [stacked] = [d for d in patch.defects if d.kind == "stacked-in-body-from"]
    assert stacked.detail == f"{GREG} -> {MARC}"


@pytest.mark.parametrize(
    "second",
    [
        "From the spec: the cache is freed under the ITS lock.",  # prose, not a header
        "Subject: KVM: arm64: vgic-its: Erase the LPI with interrupts off",  # not a From
        "From: the ARM ARM, section D5.2",  # a From naming nobody
    ],
)
def test_only_a_from_paragraph_under_a_lone_from_is_read_in_its_place(second: str) -> None:
    body = STACKED.replace("From: Marc Zyngier <maz@kernel.org>", second)
    patch = parse_message(mail(SUBJECT, body, sender="Marc Zyngier <maz@kernel.org>"))
    assert isinstance(patch, Patch) and patch.author == Person(
        name="Greg Kroah-Hartman", email="gregkh@linuxfoundation.org"
    )
    assert patch.commit_message.startswith(second)
