"""Notices that scripts and bots mail with a patch quoted: not postings of their sender."""

from __future__ import annotations

import pytest

import kvmlist
from kvmlist import Patch, parse_message

from .conftest import mail

DIFF = """---
 arch/arm64/kvm/vgic/vgic-its.c | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/arch/arm64/kvm/vgic/vgic-its.c b/arch/arm64/kvm/vgic/vgic-its.c
index 1d2c3b4..5e6f7a8 100644
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

COMMIT = """KVM: arm64: vgic-its: Erase the LPI with interrupts off

The LPI translation cache is freed under the ITS lock, with interrupts on.

Signed-off-by: Oliver Nazarov <oliver.nazarov@example.org>
Signed-off-by: Marc Zyngier <maz@kernel.org>
"""

TITLE = "KVM: arm64: vgic-its: Erase the LPI with interrupts off"

STABLE_ADDED = f"""
This is a note to let you know that I've just added the patch titled

    {TITLE}

to the 6.6-stable tree which can be found at:
    http://www.kernel.org/git/?p=linux/kernel/git/stable/stable-queue.git;a=summary

The filename of the patch is:
     kvm-arm64-vgic-its-erase-the-lpi-with-interrupts-off.patch
and it can be found in the queue-6.6 subdirectory.

If you, or anyone else, feels it should not be added to the stable tree,
please let <stable@vger.kernel.org> know about it.


From 5e6f7a80123456789abcdef0123456789abcdef0 Mon Sep 17 00:00:00 2001
From: Oliver Nazarov <oliver.nazarov@example.org>
Date: Mon, 2 Mar 2026 09:12:44 +0000
Subject: {COMMIT}{DIFF}"""

STABLE_FAILED = f"""
The patch below does not apply to the 5.15-stable tree.
If someone wants it applied there, or to any other stable or longterm
tree, then please email the backport, including the original git commit
id to <stable@vger.kernel.org>.

thanks,

greg k-h

------------------ original commit in Linus's tree ------------------

From 5e6f7a80123456789abcdef0123456789abcdef0 Mon Sep 17 00:00:00 2001
From: Oliver Nazarov <oliver.nazarov@example.org>
Date: Mon, 2 Mar 2026 09:12:44 +0000
Subject: [PATCH] {COMMIT}{DIFF}"""

TIP_MERGED = f"""The following commit has been merged into the irq/urgent branch of tip:

Commit-ID:     5e6f7a80123456789abcdef0123456789abcdef0
Gitweb:        https://git.kernel.org/tip/5e6f7a80123456789abcdef0123456789abcdef0
Author:        Oliver Nazarov <oliver.nazarov@example.org>
AuthorDate:    Mon, 02 Mar 2026 09:12:44 +01:00
Committer:     Thomas Gleixner <tglx@linutronix.de>
CommitterDate: Tue, 03 Mar 2026 11:00:00 +01:00

{COMMIT}{DIFF}"""

MM_ADDED = f"""
The patch titled
     Subject: {TITLE}
has been added to the -mm mm-hotfixes-unstable branch.  Its filename is
     kvm-arm64-vgic-its-erase-the-lpi-with-interrupts-off.patch

This patch will shortly appear at
     https://git.kernel.org/pub/scm/linux/kernel/git/akpm/25-new.git/tree/patches/x.patch

------------------------------------------------------
From: Oliver Nazarov <oliver.nazarov@example.org>
Subject: {COMMIT}{DIFF}"""

MM_REMOVED = f"""
The quilt patch titled
     Subject: {TITLE}
has been removed from the -mm tree.  Its filename was
     kvm-arm64-vgic-its-erase-the-lpi-with-interrupts-off.patch

This patch was dropped because it was merged into the mm-stable branch
of git://git.kernel.org/pub/scm/linux/kernel/git/akpm/mm

------------------------------------------------------
From: Oliver Nazarov <oliver.nazarov@example.org>
Subject: {COMMIT}{DIFF}"""

USB_ADDED = f"""
This is a note to let you know that I've just added the patch titled

    usb: dwc3: Keep the PHY powered across suspend

to my usb git tree which can be found at
    git://git.kernel.org/pub/scm/linux/kernel/git/gregkh/usb.git
in the usb-linus branch.

{COMMIT}{DIFF}"""

GREG = "gregkh@linuxfoundation.org"
AKPM = "Andrew Morton <akpm@linux-foundation.org>"
NOTICES = {
    "stable-added": (
        f'Patch "{TITLE}" has been added to the 6.6-stable tree',
        STABLE_ADDED,
        f"<{GREG}>",
    ),
    "subsystem-tree-added": (
        'patch "usb: dwc3: Keep the PHY powered across suspend" added to usb-linus',
        USB_ADDED,
        f"<{GREG}>",
    ),
    "stable-failed": (
        f'FAILED: patch "[PATCH] {TITLE}" failed to apply to 5.15-stable tree',
        STABLE_FAILED,
        f"<{GREG}>",
    ),
    "tip-merged": (
        f"[tip: irq/urgent] {TITLE}",
        TIP_MERGED,
        "tip-bot2 for Oliver Nazarov <tip-bot2@linutronix.de>",
    ),
    "mm-added": (
        "+ kvm-arm64-vgic-its-erase-the-lpi-with-interrupts-off.patch added to"
        " mm-hotfixes-unstable branch",
        MM_ADDED,
        AKPM,
    ),
    "mm-removed": (
        "[merged mm-stable] kvm-arm64-vgic-its-erase-the-lpi-with-interrupts-off.patch"
        " removed from -mm tree",
        MM_REMOVED,
        AKPM,
    ),
}
THREADED = "In-Reply-To: <p@x>\nReferences: <p@x>\n"


def notice(case: str, *, extra: str = "") -> kvmlist.Message:
    subject, body, sender = NOTICES[case]
    return parse_message(mail(subject, body, sender=sender, message_id="<n@x>", extra=extra))


@pytest.mark.parametrize("case", sorted(NOTICES))
def test_an_unthreaded_notice_of_a_bot_or_script_is_a_robot_mail(case: str) -> None:
    found = notice(case)
    assert found.kind == "robot" and not isinstance(found, Patch) and found.has_diff
    assert not kvmlist.count_by_author([found]) and not kvmlist.group_series([found])


def test_a_notice_behind_the_tag_a_list_puts_on_every_subject_is_a_robot_mail() -> None:
    for subject, body, sender in NOTICES.values():
        tagged = parse_message(mail(f"[Intel-wired-lan] {subject}", body, sender=sender))
        assert tagged.kind == "robot", subject


@pytest.mark.parametrize("case", sorted(NOTICES))
def test_a_notice_threaded_under_the_patch_stays_a_reply(case: str) -> None:
    # kvmlist.grouping.acceptance reads the replies' notices: who applied what, where
    assert notice(case, extra=THREADED).kind == "reply"


@pytest.mark.parametrize("case", sorted(NOTICES))
def test_a_notice_subject_over_a_patch_of_its_own_is_still_a_patch(case: str) -> None:
    subject, _, sender = NOTICES[case]
    patch = parse_message(mail(subject, COMMIT + DIFF, sender=sender))
    assert isinstance(patch, Patch) and patch.kind == "patch"


@pytest.mark.parametrize("case", sorted(NOTICES))
def test_a_notice_text_under_a_posting_subject_is_still_a_patch(case: str) -> None:
    _, body, sender = NOTICES[case]
    patch = parse_message(mail(f"[PATCH] {TITLE}", body, sender=sender))
    assert isinstance(patch, Patch) and patch.kind == "patch"


def test_the_senders_own_patches_stay_patches() -> None:
    for sender in (f"Greg Kroah-Hartman <{GREG}>", AKPM):
        patch = parse_message(mail(TITLE, COMMIT + DIFF, sender=sender))  # no tag, a diff
        assert isinstance(patch, Patch) and patch.kind == "patch"
