"""git format-patch output below a note (attached, or pasted) gives the patch's author and text."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from kvmlist import FileChange, Patch, Person, parse_message

from .conftest import mail

SENDER = "Sam Sender <sam@example.net>"
AUTHOR = Person(name="Rita Author", email="rita@example.com")
#: What `git format-patch -1` writes to its 0001-*.patch file.
FORMAT_PATCH = """\
From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001
From: Rita Author <rita@example.com>
Date: Tue, 2 Dec 2025 09:00:00 +0100
Subject: [PATCH] net: igc: Fix a NULL dereference in probe

The ring is not allocated yet when probe fails early.

Signed-off-by: Rita Author <rita@example.com>
---
 drivers/net/ethernet/intel/igc/igc_main.c | 1 +
 1 file changed, 1 insertion(+)

diff --git a/drivers/net/ethernet/intel/igc/igc_main.c b/drivers/net/ethernet/intel/igc/igc_main.c
index 1111111..2222222 100644
--- a/drivers/net/ethernet/intel/igc/igc_main.c
+++ b/drivers/net/ethernet/intel/igc/igc_main.c
@@ -10,3 +10,4 @@ static int igc_probe(struct pci_dev *pdev)
 \tint err;
+\tadapter->ring = NULL;
 \terr = pci_enable_device(pdev);
 \tif (err)
"""
SIGNATURE = "-- \n2.43.0\n"


def attached(note: str) -> Patch:
    """A mail whose text part is note and whose second part is the format-patch file."""
    body = (
        "This is a multi-part message in MIME format.\n"
        "--b1\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 7bit\n\n"
        f"{note}\n"
        "--b1\nContent-Type: text/x-patch; charset=UTF-8;"
        ' name="0001-net-igc-Fix-a-NULL-dereference-in-probe.patch"\n'
        "Content-Disposition: attachment;"
        ' filename="0001-net-igc-Fix-a-NULL-dereference-in-probe.patch"\n'
        "Content-Transfer-Encoding: 7bit\n\n"
        f"{FORMAT_PATCH}{SIGNATURE}\n--b1--\n"
    )
    extra = 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b1"\n'
    parsed = parse_message(mail("[PATCH] igc probe crash", body, sender=SENDER, extra=extra))
    assert isinstance(parsed, Patch)
    return parsed


@pytest.mark.parametrize(
    "note",
    [
        "Hi,\n\nplease find attached a fix for the crash we saw.\n\nThanks,\nSam\n",
        "Dear maintainers,\n\nthe attached patch fixes the probe crash.\n",
        "",
    ],
    ids=["hi", "dear", "empty"],
)
def test_an_attached_format_patch_gives_author_date_title_and_message(note: str) -> None:
    posted = attached(note)
    assert posted.author == AUTHOR
    assert posted.date == datetime(2025, 12, 2, 8, 0, tzinfo=UTC)
    assert posted.title == "net: igc: Fix a NULL dereference in probe"
    assert posted.commit_message == (
        "The ring is not allocated yet when probe fails early.\n\n"
        "Signed-off-by: Rita Author <rita@example.com>"
    )
    assert [t.person for t in posted.trailers] == [AUTHOR]
    assert posted.diff.endswith(" \tif (err)\n")


def test_format_patch_pasted_below_a_changelog_gives_its_author_and_message() -> None:
    body = "Changes in v3:\n- Added the Fixes: tag.\n\n" + FORMAT_PATCH + SIGNATURE
    posted = parse_message(mail("[PATCH v3 iwl-net] igc: Fix it", body, sender=SENDER))
    assert isinstance(posted, Patch)
    assert posted.author == AUTHOR
    assert posted.commit_message.startswith("The ring is not allocated")
    assert "Changes in v3" in posted.body  # the note stays in the body


def test_format_patch_below_the_mails_own_diff_does_not_change_its_author() -> None:
    own_diff = FORMAT_PATCH.split("\n---\n", 1)[1]
    body = "Fix the probe crash.\n\nSigned-off-by: Sam Sender <sam@example.net>\n---\n"
    posted = parse_message(
        mail("[PATCH] igc: Fix it", body + own_diff + FORMAT_PATCH, sender=SENDER)
    )
    assert isinstance(posted, Patch)
    assert posted.author == Person(name="Sam Sender", email="sam@example.net")
    assert posted.commit_message.startswith("Fix the probe crash.")


def inline_and_attached(attachment: str) -> Patch:
    """An Outlook mail (intel-wired-lan, 2025-12): the format-patch file pasted into the text
    part, its tabs turned into spaces and the signature's space dropped, then attached."""
    pasted = FORMAT_PATCH.replace(" \t", "          ").replace("+\t", "+          ")
    encoded = base64.encodebytes(attachment.encode()).decode()
    body = (
        "--b1\nContent-Type: text/plain; charset=us-ascii\nContent-Transfer-Encoding: 7bit\n\n"
        f"{pasted}--\n2.34.1\n\n"
        '--b1\nContent-Type: application/octet-stream; name="0001-net-igc-Fix.patch"\n'
        'Content-Disposition: attachment; filename="0001-net-igc-Fix.patch"\n'
        f"Content-Transfer-Encoding: base64\n\n{encoded}\n--b1--\n"
    )
    extra = 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b1"\n'
    parsed = parse_message(mail("[PATCH] igc probe crash", body, sender=SENDER, extra=extra))
    assert isinstance(parsed, Patch)
    return parsed


def test_a_patch_both_inline_and_attached_is_read_once() -> None:
    posted = inline_and_attached(FORMAT_PATCH + SIGNATURE)
    path = "drivers/net/ethernet/intel/igc/igc_main.c"
    assert posted.diffstat is not None
    assert posted.diffstat.files == (FileChange(path=path, insertions=1),)
    assert (posted.diffstat.files_changed, posted.diffstat.insertions) == (1, 1)
    assert posted.diff.count("diff --git") == 1
    assert "          adapter->ring = NULL;" in posted.diff  # the first copy, as b4 reads it
    assert posted.author == AUTHOR
    assert "duplicate-patch" in [d.kind for d in posted.defects]


def test_a_second_attached_patch_of_other_files_is_kept() -> None:
    other = FORMAT_PATCH.replace("igc/igc_main.c", "igb/igb_main.c")
    posted = inline_and_attached(other + SIGNATURE)
    assert posted.diffstat is not None
    assert [f.path for f in posted.diffstat.files] == [
        "drivers/net/ethernet/intel/igc/igc_main.c",
        "drivers/net/ethernet/intel/igb/igb_main.c",
    ]
    assert "duplicate-patch" not in [d.kind for d in posted.defects]


def test_an_attached_patch_of_the_same_file_with_other_changes_is_kept() -> None:
    # the attachment changes the same file, and one more line: it is no copy of the pasted
    # patch (git am applies both parts), so Patch.diff must show that line too
    hidden = FORMAT_PATCH.replace(
        "@@ -10,3 +10,4 @@ static int igc_probe(struct pci_dev *pdev)\n",
        "@@ -10,3 +10,5 @@ static int igc_probe(struct pci_dev *pdev)\n",
    ).replace("+\tadapter->ring = NULL;\n", "+\tadapter->ring = NULL;\n+\tadapter->debug = 1;\n")
    posted = inline_and_attached(hidden + SIGNATURE)
    assert "adapter->debug = 1;" in posted.diff
    assert "duplicate-patch" not in [d.kind for d in posted.defects]


def test_an_attached_patch_making_the_same_change_elsewhere_is_kept() -> None:
    elsewhere = FORMAT_PATCH.replace("@@ -10,3 +10,4 @@", "@@ -90,3 +90,4 @@")
    posted = inline_and_attached(elsewhere + SIGNATURE)
    assert posted.diff.count("diff --git") == 2
    assert "duplicate-patch" not in [d.kind for d in posted.defects]
