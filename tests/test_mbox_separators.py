"""Which ``From `` lines start a mail: the separators real tools write, not body lines that open
with "From " in files nobody quoted (git format-patch --stdout, b4 am -o -, kvmlist's to_mbox)."""

from __future__ import annotations

import io

import pytest

import kvmlist
from kvmlist.outputs.interop import to_mbox
from kvmlist.sources.mbox import MBOX_FORMATS, iter_raw_messages

from .conftest import mail

COVER = b"""\
From 1d5c0b6f2e4a9d7c3b8e1f0a2c4d6e8f0a1b3c5d Mon Sep 17 00:00:00 2001
Message-Id: <cover.1796676736.git.jane@example.org>
From: Jane Doe <jane@example.org>
Date: Mon, 7 Dec 2026 10:11:12 +0000
Subject: [PATCH v2 0/2] KVM: arm64: Trap the debug registers

This series traps the debug registers.

Changes
From v1:
 - split patch 2

Jane Doe (2):
  KVM: arm64: Trap MDSCR_EL1
  KVM: arm64: Trap OSLAR_EL1

 sys_regs.c | 2 ++
 1 file changed, 2 insertions(+)

--\x20
2.39.5

"""
PATCH = """\
From {commit} Mon Sep 17 00:00:00 2001
Message-Id: <{index}.1796676736.git.jane@example.org>
In-Reply-To: <cover.1796676736.git.jane@example.org>
References: <cover.1796676736.git.jane@example.org>
From: Jane Doe <jane@example.org>
Date: Mon, 7 Dec 2026 10:11:1{index} +0000
Subject: [PATCH v2 {index}/2] KVM: arm64: Trap {name}

From the datasheet, section 3.1: the register at 10:30 offset is RES0.
From v1 on, the trap is taken at EL2.

Signed-off-by: Jane Doe <jane@example.org>
---
From v1:
 - reworded

 sys_regs.c | 1 +
 1 file changed, 1 insertion(+)

diff --git a/sys_regs.c b/sys_regs.c
index 4e610c0..477941c 100644
--- a/sys_regs.c
+++ b/sys_regs.c
@@ -1 +1,2 @@
 int a;
+int trap_{name};
--\x20
2.39.5

"""
#: ``git format-patch --cover-letter --stdout``: nothing quoted, as git am expects.
FORMAT_PATCH = COVER + b"".join(
    PATCH.format(commit=f"{index:040x}", index=index, name=name).encode()
    for index, name in ((1, "MDSCR_EL1"), (2, "OSLAR_EL1"))
)


@pytest.mark.parametrize("format", MBOX_FORMATS)
def test_format_patch_output_with_body_from_lines_is_one_mail_per_patch(format: str) -> None:
    [series] = kvmlist.group_series(kvmlist.read_mbox(io.BytesIO(FORMAT_PATCH), format=format))
    assert series.cover is not None and b"\nFrom v1:\n" in series.cover.raw
    assert [p.index for p in series.patches] == [1, 2]
    for patch in series.patches:
        assert "+int trap_" in patch.diff
        assert not patch.defects
        assert "From the datasheet, section 3.1" in patch.commit_message


def test_to_mbox_of_such_a_series_reads_back_as_the_same_mails() -> None:
    [series] = kvmlist.group_series(kvmlist.read_mbox(io.BytesIO(FORMAT_PATCH)))
    written = to_mbox(series, include_cover=True)
    again = list(kvmlist.read_mbox(io.BytesIO(written)))
    assert [m.raw for m in again] == [series.cover.raw, *(p.raw for p in series.patches)]  # type: ignore[union-attr]


#: Separator lines as real tools write them.
SEPARATORS = [
    b"From mboxrd@z Thu Jan  1 00:00:00 1970",  # lore, public-inbox
    b"From git@z Thu Jan  1 00:00:00 1970",  # b4
    b"From 1d5c0b6f2e4a9d7c3b8e1f0a2c4d6e8f0a1b3c5d Mon Sep 17 00:00:00 2001",  # format-patch
    b"From - Mon Dec  7 10:11:12 2026",  # Thunderbird
    b"From jane@example.org Mon Dec  7 10:11:12 2026",  # mutt, Python's mailbox
    b"From 1234567890123456789@xxx Mon Dec 07 10:11:12 +0000 2026",  # Gmail Takeout
    b"From jane@example.org Mon Dec  7 10:11:12 2026 +0100",  # asctime, then a zone
    b"From jane@example.org Mon Dec  7 10:11:12 CET 2026",  # date(1)'s order
    b"From jane at example.org  Mon Dec  7 10:11:12 2026",  # Mailman's pipermail
    b"From jane@example.org Mon Dec  7 10:11:12 2026\r",  # written with CRLF
]
#: Body lines that open with "From " (the first three from kernel lists).
BODY_LINES = [
    b"From v1:",
    b"From v1[0]:",
    b"From arm_tr_init_disas_context():",
    b"From the datasheet, section 3.1: the register at 10:30 offset.",
    b"From 5.10 on, at 12:34 every day",
    b"From jane",
    b"From foo@baz Mon Mar 15 12:28:42 PM CET 2021",  # git mailsplit does not split here
]


@pytest.mark.parametrize("format", MBOX_FORMATS)
@pytest.mark.parametrize("separator", SEPARATORS)
def test_the_separators_of_real_tools_start_a_mail(separator: bytes, format: str) -> None:
    data = b"".join(separator + b"\n" + mail(message_id=f"<{n}@example.org>") for n in (1, 2))
    assert len(list(iter_raw_messages(io.BytesIO(data), format=format))) == 2  # type: ignore[arg-type]


@pytest.mark.parametrize("format", MBOX_FORMATS)
@pytest.mark.parametrize("line", BODY_LINES)
def test_a_body_line_opening_with_from_is_no_separator(line: bytes, format: str) -> None:
    # before a blank line, as a paragraph's last line: mboxo's header check lets it through
    body = f"Hello,\n\n{line.decode()}\n\nSigned-off-by: Jane Doe <jane@example.org>\n"
    data = SEPARATORS[0] + b"\n" + mail(body=body)
    [raw] = iter_raw_messages(io.BytesIO(data), format=format)  # type: ignore[arg-type]
    assert b"\n" + line + b"\n\n" in raw
