"""A part whose base64 is broken: the defect ``bad-transfer-encoding``, and no base64 as text."""

from __future__ import annotations

import base64

import pytest

import kvmlist
from kvmlist.errors import MessageParseError

PATCH = (
    "From: Jane Doe <jane@arm.com>\nSubject: [PATCH] KVM: arm64: show one line\n\n"
    "Show it.\n\nSigned-off-by: Jane Doe <jane@arm.com>\n---\n"
    " foo.c | 1 +\n 1 file changed, 1 insertion(+)\n\n"
    "diff --git a/foo.c b/foo.c\nindex 7898192..4d16b5e 100644\n--- a/foo.c\n+++ b/foo.c\n"
    "@@ -1 +1,2 @@\n a\n+SHOWN\n"
)
HEAD = (
    "From: Jane Doe <jane@arm.com>\nTo: kvmarm@lists.linux.dev\n"
    "Subject: [PATCH] KVM: arm64: show one line\nDate: Mon, 2 Mar 2026 10:14:31 +0000\n"
    "Message-ID: <20260302101431.1-jane@arm.com>\nMIME-Version: 1.0\n"
)


def _attached(encoded: str) -> bytes:
    return (
        f'{HEAD}Content-Type: multipart/mixed; boundary="BB"\n\n'
        "--BB\nContent-Type: text/plain; charset=utf-8\n\nThe patch is attached.\n"
        '--BB\nContent-Type: text/x-patch; name="0001-show.patch"\n'
        f"Content-Transfer-Encoding: base64\n\n{encoded}--BB--\n"
    ).encode()


def _lines() -> list[str]:
    return base64.encodebytes(PATCH.encode()).decode().splitlines()


def test_a_truncated_base64_attachment_has_the_defect() -> None:
    lines = _lines()
    lines[2] = lines[2][:-3]  # three characters lost in transit
    message = kvmlist.parse_message(_attached("\n".join(lines) + "\n"))
    assert "bad-transfer-encoding" in [d.kind for d in message.body_defects]
    assert "bad-transfer-encoding" in [d.kind for d in message.defects]


def test_base64_cut_inside_a_group_is_decoded_as_far_as_whole_groups_go() -> None:
    # git mailinfo decodes the whole groups of four and drops the rest: the commit message,
    # trailers and diff of a patch whose last line lost characters are still there
    whole = PATCH.encode() + b"\n" * (-len(PATCH.encode()) % 3)  # base64 without padding
    encoded = base64.encodebytes(whole).decode()[:-4] + "\n"  # one character over a group
    message = kvmlist.parse_message(_attached(encoded))
    assert "Show it." in message.body and "Signed-off-by: Jane Doe" in message.body
    assert "+SHOW" in message.body
    assert encoded.splitlines()[0] not in message.body  # never the base64 itself
    assert [(d.kind, d.detail) for d in message.body_defects] == [
        ("bad-transfer-encoding", "InvalidBase64LengthDefect")
    ]


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        (lambda text: text.rstrip("=\n") + "\n", "InvalidBase64PaddingDefect"),
        (lambda text: text.replace("\n", "!\n", 1), "InvalidBase64CharactersDefect"),
    ],
    ids=["padding lost", "a stray character"],
)
def test_base64_the_stdlib_repairs_is_read_with_the_defect(change: object, detail: str) -> None:
    encoded = "\n".join(_lines()) + "\n"
    assert callable(change)
    message = kvmlist.parse_message(_attached(change(encoded)))
    assert "+SHOWN" in message.body
    assert [(d.kind, d.detail) for d in message.body_defects] == [("bad-transfer-encoding", detail)]


def test_a_single_part_mail_with_broken_base64_has_the_defect() -> None:
    encoded = base64.encodebytes(b"Show it!\n\n").decode().rstrip("=\n")
    raw = f"{HEAD}Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n{encoded}\n"
    message = kvmlist.parse_message(raw.encode())
    assert message.body == "Show it!\n\n"
    assert [d.kind for d in message.body_defects] == ["bad-transfer-encoding"]


def test_strict_raises_on_a_truncated_base64_patch() -> None:
    lines = _lines()
    lines[2] = lines[2][:-3]
    with pytest.raises(MessageParseError, match="bad-transfer-encoding"):
        kvmlist.parse_message(_attached("\n".join(lines) + "\n"), strict=True)
