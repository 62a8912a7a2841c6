"""A patch's diff ends with its last hunk: footers, signatures and notes below it are no diff."""

from __future__ import annotations

import pytest

from kvmlist import Patch, group_series, parse_message
from kvmlist.grouping.landed.fingerprint import diff_hash
from kvmlist.grouping.landed.revdiff import compare_history
from kvmlist.grouping.revisions import link_revisions

from .conftest import mail

MESSAGE = """\
KVM: arm64: Check the vCPU index before use

A guest can pass any index; check it before the lookup.

Signed-off-by: Jane Doe <jane@example.org>
---
 arch/arm64/kvm/vgic.c | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

"""
DIFF = """\
diff --git a/arch/arm64/kvm/vgic.c b/arch/arm64/kvm/vgic.c
index 1111111..2222222 100644
--- a/arch/arm64/kvm/vgic.c
+++ b/arch/arm64/kvm/vgic.c
@@ -10,5 +10,5 @@ static int vgic_lookup(struct kvm *kvm, int idx)
 {
 \tstruct kvm_vcpu *vcpu;
-\tvcpu = kvm_get_vcpu(kvm, idx);
+\tvcpu = kvm_get_vcpu_by_id(kvm, idx);
 \treturn vcpu ? 0 : -EINVAL;
 }
"""
BASE = "0123456789abcdef0123456789abcdef01234567"
#: What b4 writes below the diff of a patch it sends.
B4_FOOTER = (
    f"\n---\nbase-commit: {BASE}\nchange-id: 20260303-vgic-index-0123456789ab\n\n"
    "Best regards,\n-- \nJane Doe <jane@example.org>\n\n"
)
#: git format-patch --base, then git's signature.
BASE_FOOTER = f"\nbase-commit: {BASE}\n-- \n2.47.1\n"
#: A Google Groups list appends its own "-- " block below git's.
GROUPS_FOOTER = (
    "-- \n2.47.1\n\n-- \nYou received this message because you are subscribed to the Google "
    'Groups "kasan-dev" group.\nTo unsubscribe from this group and stop receiving emails from '
    "it, send an email to kasan-dev+unsubscribe@googlegroups.com.\n"
)
#: git's signature as some mailers send it, its trailing space stripped.
STRIPPED_SIGNATURE = "--\n2.25.1\n"
#: A note written below the diff.
NOTE = "\nThis was only tested on a Juno board.\n\nThanks,\nJane\n"


def patch(body: str) -> Patch:
    parsed = parse_message(mail("[PATCH] KVM: arm64: Check the vCPU index", body))
    assert isinstance(parsed, Patch)
    return parsed


@pytest.mark.parametrize(
    "footer",
    [B4_FOOTER, BASE_FOOTER, GROUPS_FOOTER, STRIPPED_SIGNATURE, NOTE],
    ids=["b4", "format-patch-base", "google-groups", "stripped-signature", "note"],
)
def test_the_diff_ends_with_its_last_hunk(footer: str) -> None:
    posted = patch(MESSAGE + DIFF + footer)
    assert posted.diff == DIFF
    assert diff_hash(posted.diff) == diff_hash(DIFF)
    assert posted.diffstat is not None and posted.diffstat.insertions == 1


def test_a_file_without_hunks_after_the_last_hunk_stays_in_the_diff() -> None:
    rename = (
        "diff --git a/arch/arm64/kvm/old.h b/arch/arm64/kvm/new.h\n"
        "similarity index 100%\n"
        "rename from arch/arm64/kvm/old.h\n"
        "rename to arch/arm64/kvm/new.h\n"
    )
    # (what follows such a file is left in the diff: telling where it ends takes git's
    # extended header lines, which the hunk counts do not give)
    assert patch(MESSAGE + DIFF + rename + B4_FOOTER).diff.startswith(DIFF + rename)


def test_lines_past_a_hunk_that_undercounts_them_stay_in_the_diff() -> None:
    # a hand-edited hunk: its header says 5 old and 5 new lines, two more were added below
    edited = DIFF + '+\tpr_debug("vcpu %d\\n", idx);\n+\tdump(vcpu);\n'
    assert patch(MESSAGE + edited + B4_FOOTER).diff.startswith(edited)


def test_a_hunk_that_overcounts_keeps_everything_below_it() -> None:
    # the header promises more lines than follow: nothing below it is cut
    edited = DIFF.replace("@@ -10,5 +10,5 @@", "@@ -10,50 +10,50 @@")
    assert patch(MESSAGE + edited + NOTE).diff == edited + NOTE


def test_revisions_differing_in_their_base_commit_only_differ_in_code() -> None:
    def revision(version: int, line: str, base: str) -> Patch:
        body = (
            MESSAGE + DIFF.replace("kvm_get_vcpu_by_id", line) + B4_FOOTER.replace(BASE, base * 5)
        )
        raw = mail(f"[PATCH v{version}] KVM: arm64: Check the vCPU index", body)
        raw = raw.replace(b"<1@example.org>", f"<v{version}@example.org>".encode())
        if version == 2:
            raw = raw.replace(b"Tue, 3 Mar", b"Tue, 10 Mar")
        parsed = parse_message(raw)
        assert isinstance(parsed, Patch)
        return parsed

    v1 = revision(1, "kvm_get_vcpu_by_id", "aaaaaaaa")
    v2 = revision(2, "kvm_lookup_vcpu", "cccccccc")
    (history,) = link_revisions(group_series([v1, v2]))
    (step,) = compare_history(history)
    (change,) = step.changes
    changed = [line for line in change.interdiff().splitlines() if line[:1] in "+-"]
    assert not any("base-commit" in line for line in changed)
    assert any("kvm_lookup_vcpu" in line for line in changed)
