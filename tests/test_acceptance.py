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
