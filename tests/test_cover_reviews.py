"""A cover letter holds no review trailers: those given in answer to it are its patches'."""

from __future__ import annotations

import io

import pytest

import kvmlist
from kvmlist.outputs.export import to_dataframe

from .conftest import mail, mbox

pandas = pytest.importorskip("pandas")

JANE = "Jane Doe <jane@acme.com>"
DIFF = """---
 virt/kvm/a.c | 1 +
 1 file changed, 1 insertion(+)

diff --git a/virt/kvm/a.c b/virt/kvm/a.c
index 1111111..2222222 100644
--- a/virt/kvm/a.c
+++ b/virt/kvm/a.c
@@ -1,1 +1,2 @@
 x
+y
"""


def _series() -> list[kvmlist.Message]:
    mails = [mail("[PATCH 0/2] KVM: arm64: Two things", "Two things.\n", sender=JANE,
                  message_id="<c0@acme.com>")]  # fmt: skip
    for index in (1, 2):
        mails.append(
            mail(f"[PATCH {index}/2] KVM: arm64: Thing {index}",
                 f"Thing {index}.\n\nSigned-off-by: {JANE}\n{DIFF}", sender=JANE,
                 message_id=f"<p{index}@acme.com>", extra="In-Reply-To: <c0@acme.com>\n")
        )  # fmt: skip
    mails.append(
        mail("Re: [PATCH 0/2] KVM: arm64: Two things",
             "> Two things.\n\nTested-by: Fay Tan <fay@f.example>\n",
             sender="Fay Tan <fay@f.example>", message_id="<r1@f.example>",
             extra="In-Reply-To: <c0@acme.com>\nReferences: <c0@acme.com>\n")
    )  # fmt: skip
    return list(kvmlist.read_mbox(io.BytesIO(mbox(*mails))))


def test_a_trailer_given_to_the_cover_letter_goes_to_each_patch_not_to_the_cover() -> None:
    [series] = kvmlist.group_series(_series())
    assert series.cover is not None and series.cover.review_trailers == ()
    for patch in series.patches:
        [tested] = patch.review_trailers
        assert (tested.key, tested.given_in) == ("Tested-by", "r1@f.example")


def test_a_cover_letters_row_has_no_review_counts_its_series_row_has() -> None:
    # the cover is not reviewed: 0 would say nobody tested the series, a count would count
    # Fay's Tested-by twice in a sum over the rows; its patches' rows and the series' count it
    mails = _series()
    grouped = [m for s in kvmlist.group_series(mails) for m in s.messages]
    rows = to_dataframe(grouped).set_index("message_id")
    columns = ["reviewed_by", "acked_by", "tested_by", "review_trailers"]
    assert rows.loc["c0@acme.com", columns].isna().all()
    assert rows.loc[["p1@acme.com", "p2@acme.com"], "tested_by"].tolist() == [1, 1]
    assert rows["tested_by"].sum() == 2
    [series_row] = to_dataframe(kvmlist.group_series(mails))[["tested_by"]].to_dict("records")
    assert series_row == {"tested_by": 2}
