"""Applied notices: classic "Applied, thanks" replies and b4 thank-you listings."""

from __future__ import annotations

import kvmlist
from kvmlist import Person, parse_message

from .conftest import mail

PATCH = mail("[PATCH] KVM: x86: Fix the leak", message_id="<p@x>")


def reply(body: str, sender: str = "Sean Maintainer <sean@example.com>") -> kvmlist.Message:
    extra = "In-Reply-To: <p@x>\nReferences: <p@x>\n"
    return parse_message(
        mail(
            "Re: [PATCH] KVM: x86: Fix the leak",
            body,
            sender=sender,
            message_id="<r@x>",
            extra=extra,
        )
    )


def test_classic_applied_notice_names_tree_and_patch() -> None:
    notice = reply("On Tue, Jane wrote:\n> [...]\n\nQueued for kvm/master, thanks.\n\nPaolo\n")
    [found] = kvmlist.find_acceptances([parse_message(PATCH), notice])
    assert found.title == "KVM: x86: Fix the leak"
    assert found.tree == "kvm/master"
    assert found.applied_by == Person(name="Sean Maintainer", email="sean@example.com")


def test_b4_thank_you_lists_each_patch_with_its_commit() -> None:
    body = (
        "On Mon, 02 Mar 2026, Jane wrote:\n> cover text\n\nApplied to next, thanks!\n\n"
        "[1/2] KVM: arm64: First\n      commit: 0123456789ab\n"
        "[2/2] KVM: arm64: Second\n      commit: ba9876543210\n\nCheers,\n\n\tM.\n"
    )
    found = list(kvmlist.find_acceptances([reply(body)]))
    assert [(a.title, a.tree, a.commit) for a in found] == [
        ("KVM: arm64: First", "next", "0123456789ab"),
        ("KVM: arm64: Second", "next", "ba9876543210"),
    ]


def test_quoted_and_conditional_mentions_are_not_acceptances() -> None:
    bodies = [
        "> Applied to next, thanks!\n\nWhy was this applied?\n",
        "Applied on top of v6.18 and tested, thanks.\n",
        "I applied it locally, thanks, but it breaks the build.\n",
    ]
    assert list(kvmlist.find_acceptances([reply(b) for b in bodies])) == []


def test_report_lists_acceptances() -> None:
    notice = reply("Applied to kvm-x86 fixes, thanks!\n")
    text = kvmlist.render_report([parse_message(PATCH), notice])
    section = text.split("===== Patch list in this time period =====\n\n")[1].split("\n\n")[0]
    assert section == "KVM: x86: Fix the leak (applied by Sean Maintainer to kvm-x86)"


# Notices as the text gate of applied_notice must still find them: encoded, flowed with
# deleted spaces, with NULs the decoder drops, with letters re's case folding takes for
# ASCII ones (the gate looks for "thank" and a verb before the lines are read).
HIDDEN_NOTICES = [
    ("Applied to next, thanks!\n", ""),
    ("=41pplied to next, thanks!\n", "Content-Transfer-Encoding: quoted-printable\n"),
    ("App=\nlied to next, thanks!\n", "Content-Transfer-Encoding: quoted-printable\n"),
    ("QXBwbGllZCB0byBuZXh0LCB0aGFua3MhCg==\n", "Content-Transfer-Encoding: base64\n"),
    (
        "--b\nContent-Type: text/plain; format=flowed; delsp=yes\n\n"
        "App \nlied to next, thanks!\n--b--\n",
        'Content-Type: multipart/mixed; boundary="b"\n',
    ),
    (
        "--b\nContent-Type: text/plain; format=flowed\n\nPicked \nup for next, thanks!\n--b--\n",
        'Content-Type: multipart/mixed; boundary="b"\n',
    ),
    ("App\x00lied to next, thanks!\n", ""),
    ("P\u0130cked up for next, thanks!\n", "Content-Type: text/plain; charset=utf-8\n"),
    ("Pu\u017fhed to next, thanks!\n", "Content-Type: text/plain; charset=utf-8\n"),
    ("[1/1] KVM: x86: Fix the leak\n      commit: 0123456789ab\n", ""),
]


def _raw_reply(body: str, extra: str) -> bytes:
    head = "In-Reply-To: <p@x>\nReferences: <p@x>\nMIME-Version: 1.0\n" + extra
    return mail("Re: [PATCH] KVM: x86: Fix the leak", body, message_id="<r@x>", extra=head)


def test_a_notice_is_found_whatever_hides_it_in_the_bytes() -> None:
    from kvmlist.parse.reply import applied_notice

    for body, extra in HIDDEN_NOTICES:
        raw = _raw_reply(body, extra)
        assert applied_notice(parse_message(raw).body) is not None, body
        [found] = kvmlist.find_acceptances([parse_message(PATCH), parse_message(raw)])
        assert found.title == "KVM: x86: Fix the leak", body


def test_the_text_test_folds_case_as_the_notice_pattern_does() -> None:
    from kvmlist.parse.reply import applied_notice

    for body in ("P\u0130CKED UP for next, thanks!\n", "pu\u017fhed to next, thanks\n"):
        assert applied_notice(body) is not None, body
    assert applied_notice("Thanks for the review!\n") is None
    assert applied_notice("Why was this merged without a test?\n") is None
