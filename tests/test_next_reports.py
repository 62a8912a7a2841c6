"""linux-next's reports to maintainers carry diffs but post no patch."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

import kvmlist
from kvmlist import Patch
from kvmlist.analysis.stalled import find_stalled

from .conftest import mail, mbox

SFR = "Stephen Rothwell <sfr@canb.auug.org.au>"
MERGE = """Hi all,

Today's linux-next merge of the kvm tree got a conflict in:

  arch/x86/kvm/x86.c

between commit:

  0123456789ab ("x86/fpu: Rework the state")

from the tip tree and commit:

  abcdef012345 ("KVM: x86: Rework the state")

from the kvm tree.

I fixed it up (see below) and can carry the fix as necessary.

--=20
Cheers,
Stephen Rothwell

diff --cc arch/x86/kvm/x86.c
index 1111111,2222222..0000000
--- a/arch/x86/kvm/x86.c
+++ b/arch/x86/kvm/x86.c
@@@ -1,3 -1,3 +1,3 @@@
  int a;
- int b;
 -int c;
++int d;
  int e;
"""
BUILD = """Hi all,

After merging the kvm-arm tree, today's linux-next build (arm64 defconfig)
failed like this:

arch/arm64/kvm/sys_regs.c:123:9: error: implicit declaration of function 'bar'

I have applied the following merge fix patch for today.

From: Stephen Rothwell <sfr@canb.auug.org.au>
Date: Mon, 3 Mar 2025 12:00:00 +1100
Subject: [PATCH] fix up for "KVM: arm64: Add bar"

Signed-off-by: Stephen Rothwell <sfr@canb.auug.org.au>
---
 arch/arm64/kvm/sys_regs.c | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/arch/arm64/kvm/sys_regs.c b/arch/arm64/kvm/sys_regs.c
index 1111111..2222222 100644
--- a/arch/arm64/kvm/sys_regs.c
+++ b/arch/arm64/kvm/sys_regs.c
@@ -1,3 +1,3 @@
 int a;
-int b;
+int c;
 int d;
--
Cheers,
Stephen Rothwell
"""
REPORTS = {
    "linux-next: manual merge of the kvm tree with the tip tree": MERGE,
    "linux-next: build failure after merge of the kvm-arm tree": BUILD,
    "[Intel-wired-lan] linux-next: manual merge of the net-next tree with the net tree": MERGE,
}


@pytest.mark.parametrize("subject", sorted(REPORTS))
def test_a_linux_next_report_with_a_diff_is_no_patch(subject: str) -> None:
    report = kvmlist.parse_message(mail(subject, REPORTS[subject], sender=SFR))
    assert report.kind == "other" and report.has_diff and not isinstance(report, Patch)


def test_a_linux_next_report_is_no_contribution_and_no_stalled_series() -> None:
    raw = mbox(*(mail(s, b, sender=SFR, message_id=f"<n{i}@canb>") for i, (s, b) in
                 enumerate(REPORTS.items())))  # fmt: skip
    messages = list(kvmlist.read_mbox(io.BytesIO(raw)))
    assert not kvmlist.count_by_author(messages) and not kvmlist.group_series(messages)
    assert not find_stalled(messages, older=timedelta(0)).series


@pytest.mark.parametrize(
    "subject", ["[PATCH linux-next] KVM: x86: Fix the build", "[PATCH] linux-next: fix the build"]
)
def test_a_tagged_posting_for_linux_next_is_still_a_patch(subject: str) -> None:
    assert isinstance(kvmlist.parse_message(mail(subject, BUILD, sender=SFR)), Patch)


RT = """Dear RT folks!

I'm pleased to announce the v6.13-rc2-rt1 patch set.

Changes since v6.13-rc1-rt0:

  - Update to v6.13-rc2

The delta patch against v6.13-rc1-rt0 is appended below.

Sebastian

diff --git a/localversion-rt b/localversion-rt
--- a/localversion-rt
+++ b/localversion-rt
@@ -1 +1 @@
--rt0
+-rt1
"""
ANNOUNCEMENTS = ["[ANNOUNCE] v6.13-rc2-rt1", "[ANN] kvm-unit-tests 2025-01", "ANNOUNCE: foo 1.2",
                 "[Intel-wired-lan] [ANN] netdev-ci 2.0", "[announce v2] kvmtool 1.0"]  # fmt: skip


@pytest.mark.parametrize("subject", ANNOUNCEMENTS)
def test_an_announcement_with_a_delta_diff_is_no_patch(subject: str) -> None:
    sebastian = "Sebastian Andrzej Siewior <bigeasy@linutronix.de>"
    found = kvmlist.parse_message(mail(subject, RT, sender=sebastian))
    assert found.kind == "other" and found.has_diff and not isinstance(found, Patch)


def test_an_announcement_is_no_contribution_and_no_stalled_series() -> None:
    raw = mbox(*(mail(s, RT, message_id=f"<a{i}@x>") for i, s in enumerate(ANNOUNCEMENTS)))
    messages = list(kvmlist.read_mbox(io.BytesIO(raw)))
    assert not kvmlist.count_by_author(messages) and not kvmlist.group_series(messages)
    assert not find_stalled(messages, older=timedelta(0)).series


@pytest.mark.parametrize("subject", ["[ANNOUNCE][PATCH] rt: x", "[PATCH] ANNOUNCE: x"])
def test_an_announcement_tagged_as_a_patch_is_still_a_patch(subject: str) -> None:
    assert isinstance(kvmlist.parse_message(mail(subject, RT)), Patch)
