"""One malformed mail never stops a stream: every mail that goes in comes out."""

from __future__ import annotations

import io

import pytest

import kvmlist
from kvmlist.parse.message import parse_message

from .conftest import mail, mbox

BROKEN = [
    mail(message_id=None),
    mail(date="yesterday", message_id="<d@x>"),
    mail(sender="not an address", message_id="<f@x>"),
    b"Subject: only a subject\n\n",
    b"From: Truncated <t@x.org>\nSubject: [PATCH] cut mid-hea",
    b"",
    mail(message_id="<nul@x>", body="a\x00b\n"),
    mail(
        message_id="<cs@x>",
        extra='Content-Type: text/plain; charset="x-unknown-42"\n',
        body="caf\u00e9\n",
    ),
    b"\xff\xfe\x00garbage\x00\n\n\x00\x01\x02",
    mail(message_id="<dup@x>"),
    mail(subject="[PATCH] different content", message_id="<dup@x>"),
]


def test_count_in_equals_count_out_with_broken_mails() -> None:
    good = [mail(message_id=f"<g{i}@x>") for i in range(3)]
    messages = list(kvmlist.read_mbox(io.BytesIO(mbox(*good, *BROKEN, *good))))
    assert len(messages) == len(good) * 2 + len(BROKEN)
    # an mbox cannot hold a mail that does not end in a newline: the writer added one
    assert [m.raw.rstrip(b"\n") for m in messages] == [
        raw.rstrip(b"\n") for raw in [*good, *BROKEN, *good]
    ]


@pytest.mark.parametrize("raw", BROKEN)
def test_every_broken_mail_parses_without_exception(raw: bytes) -> None:
    assert isinstance(parse_message(raw), kvmlist.Message)


def test_defects_say_what_was_wrong() -> None:
    kinds = [{d.kind for d in parse_message(raw).defects} for raw in BROKEN[:3]]
    assert "missing-message-id" in kinds[0]
    assert "bad-date" in kinds[1]
    assert "bad-from" in kinds[2]


def test_strict_mode_raises_instead() -> None:
    with pytest.raises(kvmlist.MessageParseError, match="bad-date"):
        list(kvmlist.read_mbox(io.BytesIO(mbox(BROKEN[1])), strict=True))


def test_strict_mode_accepts_clean_mail() -> None:
    assert len(list(kvmlist.read_mbox(io.BytesIO(mbox(mail())), strict=True))) == 1


def test_a_parser_crash_becomes_an_unparsable_message(monkeypatch: pytest.MonkeyPatch) -> None:
    import kvmlist.sources.reader

    def explode(raw: bytes, *, strict: bool = False) -> kvmlist.Message:
        raise RuntimeError("boom")

    monkeypatch.setattr(kvmlist.sources.reader, "parse_message", explode)
    [message] = kvmlist.read_mbox(io.BytesIO(mbox(mail())))
    assert message.defects[0].kind == "unparsable" and "boom" in message.defects[0].detail
    assert message.raw == mail()


def test_duplicate_message_ids_are_both_kept_as_messages() -> None:
    messages = list(kvmlist.read_mbox(io.BytesIO(mbox(BROKEN[-2], BROKEN[-1]))))
    assert [m.message_id for m in messages] == ["dup@x", "dup@x"]
    assert len(kvmlist.patch_mails(messages)) == 1
