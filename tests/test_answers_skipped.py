"""Counts of patch mails leave answers unparsed once their subject is read (issue 18).

Half of a list's mails answer another (``Re:``) and are never a Patch, so ``stats`` and
``plot`` need nothing else of them: :func:`parse_unless_answer` reads the subject of a plain
header block and parses the mail whole only when it does not answer or forward. These tests
hold it to ``parse_message`` on every fixture mail and on the shared corpora, and the
commands that count patch mails to the counts of a whole parse.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import pytest

import kvmlist
from kvmlist.cli.loading import load
from kvmlist.models import Patch
from kvmlist.parse.message import parse_message, parse_unless_answer
from kvmlist.parse.subject import parse_subject
from kvmlist.sources.mbox import iter_raw_messages
from kvmlist.sources.reader import parse_raw
from kvmlist.sources.spec import classify_source

from .conftest import FIXTURES, Corpus, mbox
from .inbox_builder import build_epoch

#: 2026-03-03 10:00 UTC: when the archive's first mail arrived.
T0 = 1772532000

PATCH = (
    b"From: Oliver Upton <oupton@kernel.org>\n"
    b"Subject: [PATCH v2 1/3] KVM: arm64: Drop the vgic lock in the fast path\n"
    b"Date: Tue, 3 Mar 2026 10:00:00 +0000\n"
    b"Message-ID: <20260303100000.1-1-oupton@kernel.org>\n"
    b"\n"
    b"The lock is not needed there.\n"
    b"\n"
    b"Signed-off-by: Oliver Upton <oupton@kernel.org>\n"
    b"---\n"
    b" arch/arm64/kvm/vgic/vgic.c | 1 -\n"
    b" 1 file changed, 1 deletion(-)\n"
    b"\n"
    b"diff --git a/arch/arm64/kvm/vgic/vgic.c b/arch/arm64/kvm/vgic/vgic.c\n"
    b"--- a/arch/arm64/kvm/vgic/vgic.c\n"
    b"+++ b/arch/arm64/kvm/vgic/vgic.c\n"
    b"@@ -1,2 +1,1 @@\n"
    b" a\n"
    b"-b\n"
)


def answer(subject: bytes, extra: bytes = b"") -> bytes:
    return (
        b"From: Marc Zyngier <maz@kernel.org>\n"
        b"Subject: " + subject + b"\n"
        b"Date: Tue, 3 Mar 2026 11:00:00 +0000\n"
        b"Message-ID: <86a5@kernel.org>\n"
        b"In-Reply-To: <20260303100000.1-1-oupton@kernel.org>\n" + extra + b"\n"
        b"> The lock is not needed there.\n"
        b"\n"
        b"It is, on the slow path.\n"
    )


@pytest.mark.parametrize(
    "subject",
    [
        b"Re: [PATCH v2 1/3] KVM: arm64: Drop the vgic lock in the fast path",
        b"RE: [PATCH v2 1/3] KVM: arm64: Drop the vgic lock",
        b"Fwd: [PATCH v2 1/3] KVM: arm64: Drop the vgic lock",
        b"AW: Re: vgic locking",
        b"[kvmarm] Re: [PATCH v2 1/3] KVM: arm64: Drop the vgic lock",
        b"=?utf-8?q?Re=3A_=5BPATCH_v2_1/3=5D_KVM=3A_arm64=3A_Drop_the_vgic_lock?=",
        b"Re:\n [PATCH v2 1/3] KVM: arm64: Drop the vgic lock, folded",
    ],
)
def test_an_answer_is_left_unparsed(subject: bytes) -> None:
    raw = answer(subject)
    parsed = parse_message(raw)
    assert parsed.kind in ("reply", "other") and not isinstance(parsed, Patch)
    assert parse_unless_answer(raw) is None


@pytest.mark.parametrize(
    "raw",
    [
        PATCH,
        answer(b"[PATCH v2 1/3] KVM: arm64: Drop the vgic lock"),  # no Re:, threaded
        answer(b"vgic locking, a question"),
        # an odd line before the subject: the mail is parsed whole, answer or not
        answer(b"Re: [PATCH v2 1/3] x").replace(b"Subject:", b"no colon\nSubject:"),
        b"Message-ID: <no-subject@example.org>\n\nA mail without a subject.\n",
    ],
)
def test_any_other_mail_is_parsed_as_parse_message_parses_it(raw: bytes) -> None:
    assert parse_unless_answer(raw) == parse_message(raw)


def test_an_odd_line_after_the_subject_leaves_an_answer_an_answer() -> None:
    raw = answer(b"Re: [PATCH v2 1/3] x", extra=b"no colon on this line\n")
    assert parse_message(raw).kind == "reply"
    assert parse_unless_answer(raw) is None


def test_an_answer_with_crlf_line_ends_is_left_unparsed_too() -> None:
    raw = answer(b"Re: [PATCH v2 1/3] x").replace(b"\n", b"\r\n")
    assert parse_message(raw).kind == "reply"
    assert parse_unless_answer(raw) is None


def test_a_subject_the_odd_lines_of_a_block_would_change_is_read_by_the_whole_parse() -> None:
    # the line scan keeps a fold after a malformed line; the quick look must not guess
    raw = answer(b"[PATCH v2 1/3] x", extra=b"Subject-less line\n Re: folded\n")
    assert parse_unless_answer(raw) == parse_message(raw)


def fixture_mails() -> list[bytes]:
    return [raw for path in sorted(FIXTURES.glob("*.mbox")) for raw in iter_raw_messages(path)]


def test_every_fixture_mail_is_skipped_only_when_its_parse_is_no_patch() -> None:
    skipped = 0
    for raw in fixture_mails():
        quick, whole = parse_unless_answer(raw), parse_message(raw)
        if quick is None:
            skipped += 1
            assert not isinstance(whole, Patch)
            assert parse_subject(whole.subject).is_reply or whole.kind == "other"
        else:
            assert quick == whole
    assert skipped > 30  # the fixtures are mostly threads


def test_parse_raw_without_answers_gives_the_same_patch_mails_and_counts() -> None:
    raws = fixture_mails()
    every = list(parse_raw(raws))
    postings = list(parse_raw(raws, answers=False))
    assert len(postings) < len(every)
    assert kvmlist.patch_mails(postings) == kvmlist.patch_mails(every)
    assert kvmlist.count_by_domain(postings) == kvmlist.count_by_domain(every)
    assert list(kvmlist.count_by_author(postings).items()) == list(
        kvmlist.count_by_author(every).items()
    )


def sources_of(raws: list[bytes], tmp_path: Path) -> list[Path]:
    """The same mails as an mbox, a Maildir (read by file name) and a v2 public-inbox."""
    mbox_path = tmp_path / "list.mbox"
    mbox_path.write_bytes(mbox(*raws))
    maildir = tmp_path / "md"
    for folder in ("cur", "new", "tmp"):
        (maildir / folder).mkdir(parents=True)
    for at, raw in enumerate(raws):
        (maildir / "cur" / f"{T0 + at}.{at:04d}.host:2,S").write_bytes(raw)
    inbox = tmp_path / "inbox"
    (inbox / "git").mkdir(parents=True)
    build_epoch(inbox / "git" / "0.git", [("m", raw, T0 + at) for at, raw in enumerate(raws)])
    return [mbox_path, maildir, inbox]


def test_read_without_answers_reads_every_kind_of_source(tmp_path: Path) -> None:
    raws = list(iter_raw_messages(FIXTURES / "review-lifecycle.mbox"))
    every = list(parse_raw(raws))
    sources = sources_of(raws, tmp_path)
    assert [classify_source(source).kind for source in sources] == ["mbox", "maildir", "inbox"]
    for source in sources:
        postings = list(kvmlist.read(source, answers=False))
        assert 0 < len(postings) < len(every), source
        assert not any(parse_subject(m.subject).is_reply for m in postings)
        assert kvmlist.patch_mails(postings) == kvmlist.patch_mails(every), source
        assert kvmlist.count_by_domain(postings) == kvmlist.count_by_domain(every)


def args_for(command: str, source: Path) -> argparse.Namespace:
    return argparse.Namespace(command=command, source=str(source), inbox=None, quiet=True)


@pytest.mark.parametrize("command", ["stats", "plot"])
def test_the_commands_that_count_patch_mails_leave_answers_unparsed(command: str) -> None:
    source = FIXTURES / "review-lifecycle.mbox"
    messages = list(load(args_for(command, source)).messages)
    assert messages and not any(parse_subject(m.subject).is_reply for m in messages)
    assert kvmlist.patch_mails(messages) == kvmlist.patch_mails(kvmlist.read(source))


def test_the_report_still_reads_every_answer() -> None:
    source = FIXTURES / "review-lifecycle.mbox"
    messages = list(load(args_for("report", source)).messages)
    assert len(messages) == len(list(iter_raw_messages(source)))


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["kvmarm", "intel-wired-lan-2025", "kasan-dev-2025"])
def test_on_a_corpus_only_mails_that_are_no_patch_are_skipped(
    corpus: Callable[[str], Corpus], name: str
) -> None:
    messages = corpus(name).messages
    skipped = 0
    for whole in messages:
        quick = parse_unless_answer(whole.raw)
        if quick is None:
            skipped += 1
            assert not isinstance(whole, Patch), whole.message_id
        else:
            assert quick == whole, whole.message_id
    assert skipped > len(messages) // 3  # half of a list answers
