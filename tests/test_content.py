"""Mails classified by what they carry, not only by their subject (fixtures/content-kinds.mbox)."""

from __future__ import annotations

import pytest

import kvmlist
from kvmlist import Message, Patch
from kvmlist.parse.subject import parse_subject

from .conftest import FIXTURES


@pytest.fixture(scope="module")
def cases() -> dict[str, Message]:
    messages = list(kvmlist.read_mbox(FIXTURES / "content-kinds.mbox"))
    return {_case(m): m for m in messages}


def _case(message: Message) -> str:
    for line in message.raw.split(b"\n\n", 1)[0].split(b"\n"):
        if line.startswith(b"X-Fixture-Case: "):
            return line.split(b": ", 1)[1].decode()
    raise AssertionError(f"no X-Fixture-Case in {message.message_id}")


@pytest.mark.parametrize(
    ("case", "version", "prefixes"),
    [
        ("version-only-tag", 5, ()),
        ("resend-only-tag", 1, ("RESEND",)),
        ("rfc-only-tag", 1, ("RFC",)),
        ("empty-subject", 1, ()),
        ("doubled-subject", 2, ()),
    ],
)
def test_a_new_posting_with_a_diff_is_a_patch_without_a_patch_tag(
    cases: dict[str, Message], case: str, version: int, prefixes: tuple[str, ...]
) -> None:
    patch = cases[case]
    assert isinstance(patch, Patch) and patch.kind == "patch" and patch.has_diff
    assert (patch.version, patch.prefixes) == (version, prefixes)
    assert not any(d.kind == "patch-without-diff" for d in patch.defects)


def test_a_doubled_subject_header_name_is_read_through() -> None:
    info = parse_subject("Subject: [v2 PATCH 1/1] net: fix a leak")
    assert (info.is_patch, info.version, info.index, info.total, info.title) == (
        True, 2, 1, 1, "net: fix a leak",
    )  # fmt: skip


@pytest.mark.parametrize(
    "case",
    [
        "reply-keeping-subject",
        "reply-keeping-cover-subject",
        "outlook-reply-keeping-subject",
        "unthreaded-outlook-reply-keeping-subject",  # no In-Reply-To: opens with the quote
    ],
)
def test_a_mail_keeping_the_patch_subject_without_a_diff_is_a_reply(
    cases: dict[str, Message], case: str
) -> None:
    reply = cases[case]
    assert reply.kind == "reply" and not isinstance(reply, Patch) and not reply.has_diff


def test_replies_keeping_the_subject_make_no_phantom_series_and_give_reviews(
    cases: dict[str, Message],
) -> None:
    series = [s for s in kvmlist.group_series(cases.values()) if s.version == 3]
    assert len(series) == 1
    [patch] = series[0].patches
    assert series[0].cover and series[0].cover.message_id == cases["series-cover"].message_id
    assert patch.message_id == cases["series-patch"].message_id
    given = {(t.key, t.person.email if t.person else "") for t in patch.review_trailers}
    assert given == {
        ("Reviewed-by", "tomasz.wielgosz@example.com"),  # under the patch
        ("Acked-by", "oren.baptiste@example.net"),  # under the cover: for every patch
        ("Tested-by", "ilse.varga@example.com"),  # Outlook, above the original message
    }


@pytest.mark.parametrize("case", ["build-robot", "syzbot-report"])
def test_robot_reports_have_a_kind_of_their_own(cases: dict[str, Message], case: str) -> None:
    report = cases[case]
    assert report.kind == "robot" and not isinstance(report, Patch)
    assert not any(report in s.messages for s in kvmlist.group_series(cases.values()))


def test_a_tree_branch_tag_with_a_patch_word_is_still_a_patch() -> None:
    raw = (FIXTURES / "content-kinds.mbox").read_bytes()
    mail = raw.split(b"From mboxrd@z")[1].split(b"\n", 1)[1]
    tagged = mail.replace(b"Subject: [v5]", b"Subject: [PATCH kvm-x86:next]")
    assert kvmlist.parse_message(tagged).kind == "patch"


@pytest.mark.parametrize(
    ("case", "url", "branch"),
    [
        (
            "pull-request-by-body",
            "https://git.example.org/pub/scm/virt/kvm/kvm-x86.git",
            "tags/kvm-x86-fixes-7.0-rc3",
        ),
        (
            "pull-request-plain-subject",
            "git://git.example.org/pub/scm/linux/kernel/git/kvmarm/kvmarm.git",
            None,
        ),
    ],
)
def test_a_pull_request_is_recognised_by_its_body_with_url_and_branch(
    cases: dict[str, Message], case: str, url: str, branch: str | None
) -> None:
    pull = cases[case]
    assert pull.kind == "pull" and pull.is_pull_request
    assert (pull.pull_url, pull.pull_branch) == (url, branch)


def test_a_quoted_request_pull_text_makes_no_pull_request(cases: dict[str, Message]) -> None:
    body = cases["pull-request-by-body"].raw.replace(b"\n", b"\n> ")
    head, _, _ = cases["series-patch"].raw.partition(b"\n\n")
    quoting = kvmlist.parse_message(
        head.replace(b"Subject: [PATCH", b"Subject: Re: [PATCH") + b"\n\n" + body
    )
    assert quoting.kind == "reply" and not quoting.is_pull_request


# a patch to a test that holds request-pull output: its context lines read like the text
PATCH_TO_PULL_TEST = b"""From: Ilse Varga <ilse.varga@example.org>
Subject: [PATCH 2/3] t5150: expect the tag after the URL
Date: Wed, 4 Mar 2026 10:00:00 +0000
Message-ID: <20260304100000.2-ilse@example.org>
In-Reply-To: <20260304100000.0-ilse@example.org>

Signed-off-by: Ilse Varga <ilse.varga@example.org>
---
 t/t5150-request-pull.sh | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/t/t5150-request-pull.sh b/t/t5150-request-pull.sh
index 0a1b2c3..4d5e6f7 100755
--- a/t/t5150-request-pull.sh
+++ b/t/t5150-request-pull.sh
@@ -40,7 +40,7 @@ test_expect_success 'pull request' '
\x20
 are available in the Git repository at:
\x20
   git://git.example.org/upstream.git main
-  for you to fetch
+  for you to fetch changes up to
 '
"""


def test_a_diff_context_line_that_reads_like_a_request_is_no_pull_request() -> None:
    patch = kvmlist.parse_message(PATCH_TO_PULL_TEST)
    assert isinstance(patch, Patch) and patch.kind == "patch" and patch.index == 2
    assert patch.pull_url is None and not patch.is_pull_request


def test_a_request_pull_text_above_its_patches_is_a_pull_request(
    cases: dict[str, Message],
) -> None:
    # git request-pull -p: the text, then the diff of the whole range
    head, _, body = cases["pull-request-by-body"].raw.partition(b"\n\n")
    diff = PATCH_TO_PULL_TEST.partition(b"\ndiff --git")[2]
    pull = kvmlist.parse_message(head + b"\n\n" + body + b"\ndiff --git" + diff)
    assert pull.kind == "pull" and pull.has_diff
    assert pull.pull_url == "https://git.example.org/pub/scm/virt/kvm/kvm-x86.git"


def test_a_format_patch_separator_above_the_in_body_from_is_skipped(
    cases: dict[str, Message],
) -> None:
    patch = cases["format-patch-separator"]
    assert isinstance(patch, Patch) and patch.author is not None
    assert patch.author.email == "nadia.fernsby@example.org"  # not the sender, Sean
    assert patch.commit_message.startswith("The comment above the index check")


def test_a_diff_in_a_text_x_patch_attachment_counts(cases: dict[str, Message]) -> None:
    patch = cases["attached-diff"]
    assert isinstance(patch, Patch) and patch.has_diff and patch.diffstat is not None
    assert patch.diffstat.deletions == 1


def test_every_message_says_whether_it_carries_a_diff(cases: dict[str, Message]) -> None:
    assert cases["reply-with-diff"].kind == "reply" and cases["reply-with-diff"].has_diff
    assert not cases["reply-keeping-subject"].has_diff
    assert not cases["series-cover"].has_diff


@pytest.mark.parametrize(
    "case", ["google-groups-x-original-from", "mailman-reply-to", "mailman-cc-only"]
)
def test_a_munged_sender_is_the_person_on_google_groups_and_mailman(case: str) -> None:
    mails = {_case(m): m for m in kvmlist.read_mbox(FIXTURES / "munged-senders.mbox")}
    patch = mails[case]
    assert isinstance(patch, Patch) and patch.sender is not None and patch.author is not None
    assert (patch.sender.name, patch.sender.email) == ("Dana Whitcombe", "dana@example.net")
    assert patch.author == patch.sender
    assert any(d.kind == "dmarc-unmunged" for d in patch.defects)


def _multipart_reply(encoding: str, payload: str) -> bytes:
    return (
        "From: Reviewer <rev@example.org>\nSubject: Re: [PATCH] arm64: fix it\n"
        "Message-ID: <mp-reply@example.org>\nIn-Reply-To: <patch@example.org>\n"
        "Date: Tue, 3 Mar 2026 10:00:00 +0000\nMIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="b1"\n\n'
        "--b1\nContent-Type: text/plain\n\nHow about this instead?\n\n"
        f"--b1\nContent-Type: text/x-patch\nCONTENT-TRANSFER-ENCODING: {encoding}\n\n"
        f"{payload}\n--b1--\n"
    ).encode()


DIFF = "diff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n@@ -1 +1 @@\n-a\n+b\n"


@pytest.mark.parametrize("encoding", ["base64", "BASE64", "7bit"])
def test_a_multipart_reply_with_a_diff_says_so_even_when_base64_hides_it(encoding: str) -> None:
    import base64

    payload = base64.b64encode(DIFF.encode()).decode() if encoding != "7bit" else DIFF
    reply = kvmlist.parse_message(_multipart_reply(encoding, payload))
    assert reply.kind == "reply" and reply.has_diff
    assert "+b" in reply.body


def test_a_multipart_reply_without_a_diff_has_none() -> None:
    raw = _multipart_reply("7bit", "Just some notes, no change.").replace(b"x-patch", b"plain")
    reply = kvmlist.parse_message(raw)
    assert reply.kind == "reply" and not reply.has_diff
    assert "How about this instead?" in reply.body and "no change" in reply.body
