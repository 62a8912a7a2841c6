"""Unthreaded postings (``git send-email --no-thread``): one run of one sender is one series."""

from __future__ import annotations

import kvmlist
from kvmlist import Message, parse_message

from .conftest import mail

MAINTAINER = "Maint Ainer <maint@kernel.org>"
RELAY = "gitgitgadget@gmail.com"


def patch(subject: str, msgid: str, second: int, *, sender: str, author: str | None) -> Message:
    head = f"From: {author}\n\n" if author else ""
    body = (
        f"{head}Make foo return the right value.\n\nSigned-off-by: {author or sender}\n"
        f"Signed-off-by: {sender}\n---\n a.c | 1 +\n 1 file changed, 1 insertion(+)\n\n"
        "diff --git a/a.c b/a.c\n--- a/a.c\n+++ b/a.c\n@@ -1 +1,2 @@\n x\n+y\n"
    )
    if " 0/" in subject:
        body = "Fixes for 6.14.\n\n a.c | 4 ++++\n 1 file changed, 4 insertions(+)\n"
    date = f"Tue, 4 Mar 2025 10:00:{second:02d} +0000"
    return parse_message(mail(subject, body, sender=sender, message_id=f"<{msgid}>", date=date))


AUTHORS = [
    "Jane Doe <jane@example.com>",
    "Bob Smith <bob@other.org>",
    "Carol Lee <carol@third.net>",
]


def test_a_maintainers_unthreaded_series_of_several_authors_is_one() -> None:
    authors = [AUTHORS[0], AUTHORS[1], AUTHORS[2], AUTHORS[0]]
    mails = [patch("[PATCH 0/4] KVM: fixes for 6.14", "m0", 0, sender=MAINTAINER, author=None)]
    for i, author in enumerate(authors, 1):
        mails.append(
            patch(f"[PATCH {i}/4] kvm: part {i}", f"m{i}", i, sender=MAINTAINER, author=author)
        )
    [series] = kvmlist.group_series(mails)
    assert series.cover is not None and series.complete
    assert [p.author.email for p in series.patches if p.author] == [
        "jane@example.com", "bob@other.org", "carol@third.net", "jane@example.com",
    ]  # fmt: skip


def test_a_maintainers_unthreaded_coverless_series_of_several_authors_is_one() -> None:
    authors = [None, AUTHORS[0], AUTHORS[1]]  # the maintainer's own patch first
    mails = [
        patch(f"[PATCH {i}/3] kvm: part {i}", f"m{i}", i, sender=MAINTAINER, author=author)
        for i, author in enumerate(authors, 1)
    ]
    [series] = kvmlist.group_series(mails)
    assert series.complete and series.author is not None
    assert series.author.email == "maint@kernel.org"


def test_two_peoples_unthreaded_series_through_one_relay_stay_apart() -> None:
    # GitGitGadget sends for everybody from one address, under "Name via GitGitGadget"
    mails = []
    for n, author in enumerate(AUTHORS[:2]):
        name = author.split(" <")[0]
        sender = f'"{name} via GitGitGadget" <{RELAY}>'
        for i in (1, 2):
            msgid = f"pull.{n}.{i}.{RELAY}"
            mails.append(
                patch(f"[PATCH {i}/2] x: step {i}", msgid, 10 * n + i, sender=sender, author=author)
            )
    found = kvmlist.group_series(mails)
    assert [[p.author.email for p in s.patches if p.author] for s in found] == [
        ["jane@example.com", "jane@example.com"],
        ["bob@other.org", "bob@other.org"],
    ]
