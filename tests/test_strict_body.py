"""strict=True raises on a body defect of any mail, a reply's as well as a patch's."""

from __future__ import annotations

import pytest

import kvmlist
from kvmlist.errors import MessageParseError

HEAD = (
    "From: Jane Doe <jane@arm.com>\nTo: kvmarm@lists.linux.dev\n"
    "Date: Mon, 2 Mar 2026 10:14:31 +0000\nMessage-ID: <86a5b6c7d8.wl-jane@arm.com>\n"
    "In-Reply-To: <20260302091431.1-joe@arm.com>\n"
)
BODIES = {
    "nul-in-body": b"Content-Type: text/plain\n\nLooks good\x00 to me.\n",
    "mislabelled-charset": b"Content-Type: text/plain; charset=us-ascii\n\nMerci, Ren\xc3\xa9.\n",
    "html-only": b"Content-Type: text/html\n\n<p>Looks good to me.</p>\n",
}


@pytest.mark.parametrize("kind", BODIES)
def test_strict_raises_on_a_body_defect_of_a_reply(kind: str) -> None:
    raw = f"{HEAD}Subject: Re: [PATCH] KVM: arm64: show one line\nMIME-Version: 1.0\n".encode()
    mail = raw + BODIES[kind]
    assert [d.kind for d in kvmlist.parse_message(mail).body_defects] == [kind]
    with pytest.raises(MessageParseError, match=kind):
        kvmlist.parse_message(mail, strict=True)


def test_strict_lets_a_reply_without_defects_pass() -> None:
    raw = f"{HEAD}Subject: Re: [PATCH] x\n\nLooks good to me.\n".encode()
    assert kvmlist.parse_message(raw, strict=True).body == "Looks good to me.\n"
