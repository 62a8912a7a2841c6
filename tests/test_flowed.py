"""format=flowed bodies (RFC 3676): read alike whatever carries them, as git's mailinfo
reads them, but a body that was never space-stuffed is taken as it was sent."""

from __future__ import annotations

import base64
import binascii
import shutil
import subprocess
from pathlib import Path

import pytest

from kvmlist.models import Patch
from kvmlist.parse.message import parse_message

# what the author wrote: a long line a flowed writer breaks softly, and context lines that
# start with a space, which a flowed writer must stuff with another (a blank context line,
# " ", would end in a space: flowed text cannot carry it, git's mailinfo joins it too)
COMMIT = (
    "The vgic keeps the pending state of a level-triggered interrupt in the line level, "
    "so a resample must not clear it.\n\nSigned-off-by: Ana Pires <ana@pires.example>\n"
)
DIFF = """\
diff --git a/arch/arm64/kvm/vgic/vgic.c b/arch/arm64/kvm/vgic/vgic.c
index 1f2e3d4c5b6a..a6b5c4d3e2f1 100644
--- a/arch/arm64/kvm/vgic/vgic.c
+++ b/arch/arm64/kvm/vgic/vgic.c
@@ -101,6 +101,6 @@ void vgic_resample(struct vgic_irq *irq)
 {
 \tbool level = irq->line_level;
 \tunsigned long flags;
-\tirq->pending_latch = false;
+\tirq->pending_latch = level;
 \tvgic_queue_irq_unlock(irq);
 }
"""
HEAD = """\
From: Ana Pires <ana@pires.example>
To: kvmarm@lists.linux.dev
Subject: [PATCH] KVM: arm64: vgic: Keep the line level on resample
Date: Thu, 4 Dec 2025 10:00:00 +0000
Message-ID: <flowed-1@pires.example>
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
"""


def _flowed(text: str) -> str:
    """The text as a flowed writer sends it: lines over 72 characters broken after a
    space (a soft break), and every line that starts with a space stuffed."""
    out = []
    for line in text.split("\n"):
        while len(line) > 72:
            cut = line.rfind(" ", 0, 72) + 1
            out.append(line[:cut])
            line = line[cut:]
        out.append(line)
    return "\n".join(" " + line if line.startswith(" ") else line for line in out)


SENT = _flowed(f"{COMMIT}---\n{DIFF}")
CTYPE = "Content-Type: text/plain; charset=UTF-8; format=flowed\n"


def _single(encoding: str, text: str = SENT, ctype: str = CTYPE) -> bytes:
    data = text.encode()
    if encoding == "quoted-printable":
        body = binascii.b2a_qp(data)
    elif encoding == "base64":
        body = base64.encodebytes(data)
    else:
        body = data
    head = f"{HEAD}{ctype}Content-Transfer-Encoding: {encoding}\n\n"
    return head.encode() + body


def _multipart(text: str = SENT) -> bytes:
    head = f'{HEAD}Content-Type: multipart/mixed; boundary="b1"\n\n'
    part = f"--b1\n{CTYPE}Content-Transfer-Encoding: 8bit\n\n{text}\n--b1--\n"
    return (head + part).encode()


MAILS = {
    "7bit": _single("7bit"),
    "8bit": _single("8bit"),
    "quoted-printable": _single("quoted-printable"),
    "base64": _single("base64"),
    "a multipart part": _multipart(),
}


@pytest.mark.parametrize("raw", MAILS.values(), ids=MAILS.keys())
def test_a_flowed_patch_reads_as_written_whatever_carries_it(raw: bytes) -> None:
    assert "\n  {" in SENT and " \nline level" in SENT  # stuffed, and broken softly
    patch = parse_message(raw)
    assert isinstance(patch, Patch)
    assert patch.diff == DIFF
    assert patch.commit_message == COMMIT.rstrip("\n")
    assert [str(t) for t in patch.trailers] == ["Signed-off-by: Ana Pires <ana@pires.example>"]


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git (its mailinfo is the oracle)")
def test_the_diff_of_a_flowed_patch_is_what_git_am_would_apply(tmp_path: Path) -> None:
    raw = MAILS["8bit"]
    subprocess.run(
        ["git", "mailinfo", str(tmp_path / "msg"), str(tmp_path / "patch")],
        input=raw, capture_output=True, check=True,
    )  # fmt: skip
    patch = parse_message(raw)
    assert isinstance(patch, Patch) and patch.diff
    assert (tmp_path / "patch").read_text().endswith(patch.diff)


def test_a_patch_labelled_flowed_but_never_stuffed_keeps_its_diff() -> None:
    # some mailers add format=flowed to a patch they send as it is: context lines then
    # start with a single space, which no flowed writer leaves; unstuffing them (as git's
    # mailinfo does) would strip the space that makes them context
    sent = f"{COMMIT}---\n{DIFF}"
    for raw in (_single("7bit", sent), _multipart(sent)):
        patch = parse_message(raw)
        assert isinstance(patch, Patch)
        assert patch.diff == DIFF
        assert patch.diffstat is not None and patch.diffstat.insertions == 1


def test_delsp_takes_the_space_of_each_soft_break_away() -> None:
    # delsp=yes: the space before a soft break was added by the writer, for languages
    # written without spaces between words
    ctype = "Content-Type: text/plain; charset=UTF-8; format=flowed; delsp=yes\n"
    text = "Thanks, applied to kvm-arm64/n \next.\n\n  > stuffed\n"
    message = parse_message(_single("8bit", text, ctype))
    assert message.body == "Thanks, applied to kvm-arm64/next.\n\n > stuffed\n"


# Thunderbird's reply of a tester: quoted lines, an empty one written "> " (its quote mark
# and a space, which is no soft break: the space is the quoted line's stuffing), then the
# tag; a long quoted line broken softly, and a long line of the reply's own
REPLY = (
    "On 1/28/2025 9:02 AM, Ana Pires wrote:\n"
    "> The vgic keeps the pending state of a level-triggered interrupt in the \n"
    "> line level, so a resample must not clear it.\n"
    ">> an older quote, broken \n"
    "> at another depth\n"
    "> \n"
    "Tested-by: Mor Tal <mor.tal@intel.example> (A Contingent Worker at \n"
    "Intel)\n"
)


def test_a_flowed_reply_joins_soft_breaks_at_one_quote_depth_only() -> None:
    raw = _single("8bit", REPLY).replace(b"[PATCH]", b"Re: [PATCH]")
    reply = parse_message(raw)
    assert reply.body.splitlines() == [
        "On 1/28/2025 9:02 AM, Ana Pires wrote:",
        "> The vgic keeps the pending state of a level-triggered interrupt in the line level,"
        " so a resample must not clear it.",
        ">> an older quote, broken ",
        "> at another depth",
        "> ",
        "Tested-by: Mor Tal <mor.tal@intel.example> (A Contingent Worker at Intel)",
    ]
