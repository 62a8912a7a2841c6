"""Hostile input: huge lines, a million headers, gzip bombs, deep MIME, NULs, mixed line ends."""

from __future__ import annotations

import gzip
import io
import tracemalloc

import pytest

import kvmlist
import kvmlist.sources.mbox
from kvmlist.parse.message import parse_message

from .conftest import mail, mbox


def test_hundred_megabyte_single_line_body() -> None:
    raw = mail(body="x" * 100_000_000 + "\n")
    message = parse_message(raw)
    assert isinstance(message, kvmlist.Patch)
    assert len(message.commit_message) == 100_000_000


def test_a_million_headers() -> None:
    headers = b"".join(b"X-Noise-%d: value\n" % i for i in range(1_000_000))
    message = parse_message(headers + mail())
    assert message.message_id == "1@example.org"
    assert message.subject == "[PATCH] KVM: x86: Fix a thing"


def test_gzip_bomb_stops_with_a_clear_error_in_bounded_memory(tmp_path: object) -> None:
    bomb = gzip.compress(mbox(mail(body="\n")) + b"\0" * 200_000_000, compresslevel=9)
    assert len(bomb) < 1_000_000
    tracemalloc.start()
    try:
        with pytest.raises(kvmlist.SourceError, match="larger than 20,000,000 bytes"):
            for _ in kvmlist.sources.mbox.iter_raw_messages(
                io.BytesIO(bomb), max_mail_bytes=20_000_000
            ):
                pass
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 80_000_000  # the limit plus a few read blocks, not the 200 MB it inflates to


def test_default_limit_admits_the_hundred_megabyte_mail() -> None:
    data = mbox(mail(body="x" * 100_000_000 + "\n"), mail(message_id="<2@x>"))
    assert len(list(kvmlist.sources.mbox.iter_raw_messages(io.BytesIO(data)))) == 2


def test_deeply_nested_mime_is_cut_with_a_defect() -> None:
    depth = 60
    parts = [f'Content-Type: multipart/mixed; boundary="b{i}"\n\n--b{i}\n' for i in range(depth)]
    inner = "Content-Type: text/plain\n\nhello\n"
    closing = "".join(f"\n--b{i}--\n" for i in reversed(range(depth)))
    raw = mail(subject="Re: deep", body="", extra="MIME-Version: 1.0\n" + parts[0]).rstrip(b"\n")
    raw = (
        raw.split(b"\n\n")[0]
        + b"\n\n--b0\n"
        + "".join(parts[1:]).encode()
        + inner.encode()
        + closing.encode()
    )
    message = parse_message(raw)
    from kvmlist.parse.mime import decode_body

    assert "mime-too-deep" in {d.kind for d in decode_body(message.raw).defects}


def test_nul_bytes_and_invalid_utf8_in_headers() -> None:
    raw = mail().replace(b"Fix a thing", b"Fix \x00a \xff\xfe thing")
    message = parse_message(raw)
    kinds = {d.kind for d in message.defects}
    assert {"nul-in-header", "8bit-header"} <= kinds
    assert "\x00" not in message.subject


def test_mixed_crlf_and_lf_line_ends() -> None:
    raw = mail().replace(b"\n", b"\r\n", 3)
    message = parse_message(raw)
    assert message.subject == "[PATCH] KVM: x86: Fix a thing"
    assert message.message_id == "1@example.org"


def test_crlf_inside_a_base64_body_becomes_lf() -> None:
    import base64

    payload = base64.b64encode(
        b"Fix.\r\n\r\nSigned-off-by: A <a@x.org>\r\n-- \r\n2.50.1\r\n"
    ).decode()
    raw = mail(extra="MIME-Version: 1.0\nContent-Transfer-Encoding: base64\n", body=payload + "\n")
    message = parse_message(raw)
    assert "\r" not in message.body
    assert isinstance(message, kvmlist.Patch) and message.trailers[0].key == "Signed-off-by"
