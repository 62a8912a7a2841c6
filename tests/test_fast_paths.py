"""The parser's fast paths give exactly what its general paths give (issue 18).

Each fast path reads the common form of an input with one pattern or a few ``find`` calls
and hands everything else to the general code; these tests hold the two equal on inputs
built from realistic and odd pieces, and hold the new patterns linear on hostile input.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kvmlist.models import Defect
from kvmlist.parse import headers
from kvmlist.parse.defects import DefectLog
from kvmlist.parse.headers import PARSED_FIELDS, scan_headers

from .scaling import LINEAR_BOUND, growth

HEADER_LINES = [
    b"From: Marc Zyngier <maz@kernel.org>",
    b"from: =?utf-8?q?Radim_Kr=C4=8Dm=C3=A1=C5=99?= <rkrcmar@redhat.com>",
    b"Subject: [PATCH v2 3/7] KVM: arm64: Fix the vgic",
    b"SUBJECT:no space after the colon",
    b"Date: Tue, 3 Mar 2026 10:00:00 +0000",
    b"Message-Id: <20260303100000.1-3-maz@kernel.org>",
    b"In-Reply-To: <20260303100000.1-1-maz@kernel.org>",
    b"References: <a@x>",
    b"Content-Type: text/plain; charset=UTF-8",
    b"Content-Transfer-Encoding: 8bit",
    b"X-Original-From: Oliver <oliver@linux.dev>",
    b"Reply-To: oliver@linux.dev",
    b"Cc: kvm@vger.kernel.org, Oliver <oliver@linux.dev>",
    b"content-typo: a name that shares its start with a wanted one",
    b"List-Id: <kvmarm.lists.linux.dev>",
    b"Received: from smtp.kernel.org (smtp.kernel.org [10.30.226.201])",
    b"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/simple; d=kernel.org;",
    b"X-Mailer: git-send-email 2.39.2",
    b"\tby smtp.subspace.kernel.org (Postfix) with ESMTP",
    b" <b@x> <c@x>",
    b"  ",
    b"Subject: caf\xe9 in cp1252",
    b"Subject: nul\x00 inside",
    b"Subject: a unit separator, no blank for bytes.strip()\x1f",
    b"Subject : space before the colon",
    b"\x0cSubject: form feed first",
    b"X Bad: a space in the name",
    b"no colon at all",
    b": no name",
    b"Sub\xc3\xa9ject: a non-ASCII name",
    b"Date:\r",
    b"From:",
    b"",
]

#: Wanted names that share first characters, one the start of another (one alternative each).
SHARED = frozenset({"cc", "content-type", "content-typ", "from", "x-original-from"})


def _both(block: bytes, wanted: frozenset[str] | None) -> None:
    general = DefectLog()
    expected = headers._scan_lines(block, general, wanted)
    found = DefectLog()
    result = scan_headers(block, found, wanted)
    assert result.as_lists() == expected.as_lists()
    assert result.plain == headers.is_plain(block)
    assert found.frozen() == general.frozen()


@settings(max_examples=600, deadline=None)
@given(
    st.lists(st.sampled_from(HEADER_LINES), max_size=14),
    st.booleans(),
    st.sampled_from([PARSED_FIELDS, None, frozenset({"cc"}), frozenset({"to", "cc"}), SHARED]),
)
def test_scanning_a_header_block_reads_what_the_line_loop_reads(
    lines: list[bytes], trailing_newline: bool, wanted: frozenset[str] | None
) -> None:
    block = b"\n".join(lines) + (b"\n" if trailing_newline else b"")
    _both(block, wanted)


@settings(max_examples=800, deadline=None)
@given(
    st.lists(st.sampled_from(HEADER_LINES), max_size=14),
    st.sampled_from([b"", b"\n", b"\n\n", b"\nbody\n", b"\n\nbody", b"\n From: a\n", b"\nX: y\n"]),
    st.sampled_from([PARSED_FIELDS, None, frozenset({"cc"}), SHARED]),
)
@example([HEADER_LINES[0]], b"\n", PARSED_FIELDS)
def test_reading_the_headers_of_a_mail_gives_what_split_and_scan_give(
    lines: list[bytes], rest: bytes, wanted: frozenset[str] | None
) -> None:
    raw = b"\n".join(lines) + rest
    general = DefectLog()
    block, _ = headers.split_raw(raw)
    expected = scan_headers(block, general, wanted)
    found = DefectLog()
    read_block, result = headers.read_headers(raw, found, wanted)
    assert read_block == block
    assert result.as_lists() == expected.as_lists()
    assert result.plain == expected.plain
    assert found.frozen() == general.frozen()


@settings(max_examples=1500, deadline=None)
@given(
    st.lists(st.sampled_from(HEADER_LINES), max_size=14),
    st.sampled_from([b"\n\nSubject: in the body\n", b"\n\n", b"\n", b""]),
    st.sampled_from(["subject", "from", "date"]),
)
@example([b"Subject: Re: x", b"X Bad: a space in the name", b" folded on"], b"\n", "subject")
@example([b"From: a", b"Subject : Re: x", b"Subject: y"], b"\n", "subject")
@example([b"Subject: x", b"Date: Tue", b"no colon at all", b" Re: folded on"], b"", "subject")
def test_a_value_read_from_the_lines_up_to_it_is_what_read_headers_gives(
    lines: list[bytes], rest: bytes, name: str
) -> None:
    raw = b"\n".join(lines) + rest
    found = headers.leading_value(raw, name, DefectLog())
    _, expected = headers.read_headers(raw, DefectLog(), frozenset({name}))
    if found is not None:
        value, checked = found
        assert value == expected.get(name)
        assert headers.plain_end(raw, checked) == headers.plain_end(raw)  # goes on from there
    elif headers.plain_end(raw) >= 0:
        assert expected.get(name) is None  # a plain block's field is always found


def test_a_value_is_not_read_when_a_line_around_it_is_odd() -> None:
    subject = b"Subject: Re: [PATCH] x\n"
    plain = b"From: a\n" + subject + b"\n"
    assert headers.leading_value(plain, "subject", []) == ("Re: [PATCH] x", len(plain) - 2)
    # the line scan would add " folded on" to the value after the malformed line
    odd_after = b"From: a\n" + subject + b"X Bad: y\n folded on\n\n"
    assert headers.leading_value(odd_after, "subject", []) is None
    # the line scan takes "Subject : y" (a blank before the colon) as the first Subject
    odd_before = b"Subject : y\n" + subject + b"\n"
    assert headers.leading_value(odd_before, "subject", []) is None
    # a Subject in the body is none of the header block's
    assert headers.leading_value(b"From: a\n\n" + subject, "subject", []) is None


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=60).map(lambda data: data.replace(b"\r", b"\n")))
def test_the_blank_line_search_cuts_where_find_cuts(raw: bytes) -> None:
    end = raw.find(b"\n\n")
    expected = (raw, b"") if end < 0 else (raw[: end + 1], raw[end + 2 :])
    assert headers.split_raw(raw) == ((b"", raw[1:]) if raw.startswith(b"\n") else expected)


def test_a_usual_mail_has_its_headers_read_in_one_pass() -> None:
    raw = b"\n".join(HEADER_LINES[:18]) + b"\n\n" + b"Subject: not a header\n"
    block, found = headers.read_headers(raw, DefectLog())
    assert found.plain
    assert block == raw[: raw.index(b"\n\n") + 1]
    assert headers.plain_end(raw) == len(block)
    assert headers.plain_end(b"no colon at all\n" + raw) < 0
    assert headers.plain_end(raw.replace(b"X-Mailer", b"X Mailer")) < 0


def test_a_usual_header_block_takes_the_fast_path() -> None:
    block = b"\n".join(HEADER_LINES[:18]) + b"\n"
    assert headers.is_plain(block)
    assert not headers.is_plain(block + b"no colon at all\n")
    assert not headers.is_plain(b" folded first\n" + block)


@pytest.mark.parametrize(
    "shape",
    [
        lambda n: b"Subject: x\n" + b" folded\n" * n,
        lambda n: b"From" * n + b"\n",
        lambda n: b"X-" + b"a" * (10 * n) + b"\n",
        lambda n: b"From: a\n" * n,
        lambda n: b"\nfrom" * n,
    ],
    ids=["folds", "names-without-colon", "long-name", "repeated-field", "empty-lines"],
)
def test_the_fast_header_scan_is_linear(shape: object) -> None:
    def work(n: int) -> None:
        block = shape(n)  # type: ignore[operator]
        scan_headers(block, [], PARSED_FIELDS)
        scan_headers(block, [], None)
        headers.read_headers(block, DefectLog())
        headers.read_headers(block + b"\n" + block, DefectLog())
        headers.leading_value(block, "subject", DefectLog())
        headers.leading_value(block + b"\n" + block, "from", DefectLog())

    assert growth(work, 5_000) < LINEAR_BOUND


CONTENT_TYPES = [
    None,
    b"text/plain",
    b'text/plain; charset="utf-8"',
    b"Text/Plain; charset=UTF-8",
    b'text/plain; charset="utf-8"; Format="flowed"',
    b"text/plain; charset=iso-8859-1; format=flowed",
    b'text/plain; charset="us-ascii"; format=Flowed',
    b"text/plain; charset=utf-8; format=flowed; delsp=yes",
    b'text/plain; charset="utf-8',
    b"text/plain ; charset=utf-8",
    b"text/plain;\n charset=utf-8",
    b"text/plain; charset*=utf-8''x",
    b"text/plain; charset=no-such-charset",
    b"text/x-patch; name=fix.patch",
    b"",
]
ENCODINGS = [
    b"base64",
    b"Base64",
    b"base64 ",
    b"\n base64",
    b"base64\n\t",
    b"quoted-printable",
    b"QUOTED-PRINTABLE",
    b"x-uuencode",
]
BODY_TEXTS = [
    "Fix the vgic.\n\nSigned-off-by: A <a@x>\n---\n arch/arm64/kvm/vgic.c | 2 +-\n",
    "caf\u00e9 na\u00efve \u201cquoted\u201d \n> soft broken \nline\n",
    "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n",
    "",
]


def _encode(text: str, encoding: bytes, charset: str, wrap: int) -> bytes:
    import base64
    import binascii

    data = text.encode(charset, "replace")
    if encoding.strip().lower() == b"quoted-printable":
        return binascii.b2a_qp(data)
    encoded = base64.b64encode(data)
    return b"\n".join(encoded[i : i + wrap] for i in range(0, len(encoded), wrap)) + b"\n"


@settings(max_examples=600, deadline=None)
@given(
    st.sampled_from(CONTENT_TYPES),
    st.sampled_from(ENCODINGS),
    st.sampled_from(BODY_TEXTS),
    st.sampled_from(["utf-8", "latin-1", "cp1252"]),
    st.sampled_from([76, 60, 5, 1000]),
    st.sampled_from([b"", b"=", b"==", b"!", b"Zm9v\n=", b"=41=\n", b"\xff"]),
    st.sampled_from([b"", b"Content-Transfer-Encoding: 8bit\n", b"X-Odd line\n", b"\x00X: y\n"]),
)
def test_a_single_text_part_decodes_as_the_stdlib_route_decodes_it(
    ctype: bytes | None,
    encoding: bytes,
    text: str,
    charset: str,
    wrap: int,
    tail: bytes,
    extra: bytes,
) -> None:
    from kvmlist.parse import mime

    head = b"From: A <a@x>\nSubject: [PATCH] x\nMessage-Id: <1@x>\n"
    if ctype is not None:
        head += b"Content-Type: " + ctype + b"\n"
    raw = head + b"Content-Transfer-Encoding: " + encoding + b"\n" + extra + b"\n"
    raw += _encode(text, encoding, charset, wrap) + tail
    block, body = headers.split_raw(raw)
    found = scan_headers(block, [])
    fast_defects: list[object] = []
    ctype_value = found.get("content-type") or "text/plain"
    fast = mime._single_part_text(block, body, ctype_value, fast_defects)  # type: ignore[arg-type]
    stdlib_defects: list[object] = []
    expected = mime._mime_text(raw, stdlib_defects)  # type: ignore[arg-type]
    if fast is not None:
        assert (fast, fast_defects) == (expected, stdlib_defects)


@pytest.mark.parametrize("encoding", ["base64", "quoted-printable"])
def test_a_usual_base64_or_quoted_printable_mail_skips_the_stdlib(encoding: str) -> None:
    from kvmlist.parse import mime

    ctype = 'text/plain; charset="utf-8"; Format="flowed"'
    raw = f"From: A <a@x>\nContent-Type: {ctype}\nContent-Transfer-Encoding: {encoding}\n\n"
    body = _encode("caf\u00e9 \nsoft\n", encoding.encode(), "utf-8", 76)
    block, _ = headers.split_raw(raw.encode() + body)
    assert mime._single_part_text(block, body, ctype, []) == "caf\u00e9 soft\n"


PART_HEADERS = [
    b"",
    b'Content-Type: text/plain; charset="utf-8"\n',
    b"Content-Type: text/plain; charset=iso-8859-1; format=flowed\n",
    b"Content-Type: text/html; charset=utf-8\n",
    b'Content-Type: text/x-patch; name="0001-fix.patch"\n',
    b'Content-Type: application/octet-stream; name="fix.diff"\n',
    b'Content-Type: application/pgp-signature; name="signature.asc"\n',
    b"Content-Type: image/png\nContent-Disposition: attachment; filename=a.png\n",
    b'Content-Disposition: attachment;\n\tfilename="0001-x.patch"\n',
    b"Content-Disposition: inline\nContent-Type: text/plain\n",
    b"Content-Transfer-Encoding: base64\n",
    b"Content-Transfer-Encoding: quoted-printable\n",
    b"Content-Transfer-Encoding: 7bit\n",
    b"Content-Transfer-Encoding: x-uuencode\n",
    b"Content-Transfer-Encoding: base64 \n",
    b"Content-Transfer-Encoding:\tQuoted-Printable\n \n",
    b"Content-Type: message/rfc822\n",
    b"Content-Type: text/plain\nContent-Type: text/html\n",
    b"Content-Type: TEXT/PLAIN; CHARSET=UTF-8\n",
    b"not a header line\n",
    b"Content-Type: text/plain; charset=caf\xc3\xa9\n",
]
PART_BODIES = [
    b"Looks good to me.\n",
    b"Zml4IGl0Cg==\n",
    b"caf=C3=A9 soft=\nbreak\n",
    b"\n\ntrailing blank lines\n\n",
    b"",
    b"Zm9v!\n",
    b"diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n",
    b"flowed \nline\n",
    b"8-bit caf\xe9\n",
    b"From: B <b@x>\nSubject: forwarded\n\nthe forwarded mail\n",
]
BOUNDARY_NOISE = [b"", b"--{b}x\n", b"--{b}  \n", b"--{b}\n", b"--{b}--\n", b"--{b} --\n", b"\n"]


@st.composite
def _entity(draw: st.DrawFn, depth: int = 0) -> bytes:
    if depth < 3 and draw(st.integers(0, 2)) == 0:
        boundary = draw(st.sampled_from([b"b0", b"==b1==", b"b0", b"x y", b"b.2(3)"]))
        kind = draw(st.sampled_from([b"mixed", b"alternative", b"signed", b"digest"]))
        quoted = draw(st.booleans())
        value = b'"' + boundary + b'"' if quoted else boundary
        head = b"Content-Type: multipart/" + kind + b"; boundary=" + value + b"\n"
        head += draw(st.sampled_from([b"", b"Content-Transfer-Encoding: quoted-printable\n"]))
        parts = draw(st.lists(_entity(depth + 1), min_size=0, max_size=3))
        noise = [n.replace(b"{b}", boundary) for n in BOUNDARY_NOISE]
        text = draw(st.sampled_from([b"", b"This is a multi-part message.\n"]))
        for part in parts:
            text += draw(st.sampled_from(noise)) + b"--" + boundary + b"\n" + part
        if draw(st.integers(0, 4)):
            text += b"--" + boundary + draw(st.sampled_from([b"--", b"-- ", b"--\t"])) + b"\n"
        text += draw(st.sampled_from([b"", b"epilogue\n"]))
        return head + b"\n" + text
    head = b"".join(draw(st.lists(st.sampled_from(PART_HEADERS), max_size=2)))
    return head + draw(st.sampled_from([b"\n", b""])) + draw(st.sampled_from(PART_BODIES))


@settings(max_examples=800, deadline=None)
@given(_entity())
@example(  # a digest's parts are mails by default
    b"Content-Type: multipart/digest; boundary=b0\n\n--b0\n\n"
    b"From: B <b@x>\nSubject: forwarded\n\nthe forwarded mail\n--b0--\n"
)
def test_a_mime_tree_is_read_as_the_stdlib_parser_reads_it(entity: bytes) -> None:
    from kvmlist.models import Defect
    from kvmlist.parse import mime, multipart

    raw = b"From: A <a@x>\nSubject: Re: x\nMessage-Id: <1@x>\nMIME-Version: 1.0\n" + entity
    tree = multipart.message_tree(raw)
    if tree is None:
        return  # left to the stdlib
    texts: list[str] = []
    defects: list[Defect] = []
    mime._collect(tree, texts, defects, depth=0)
    parsed = mime.parsed_message(raw)
    expected_defects = [Defect(kind="mime", detail=type(d).__name__) for d in parsed.defects]
    expected: list[str] = []
    mime._collect(parsed, expected, expected_defects, depth=0)
    assert (texts, defects) == (expected, expected_defects)


def test_a_signed_multipart_mail_is_read_without_the_stdlib_parser() -> None:
    from kvmlist.parse import mime, multipart

    raw = (
        b"From: A <a@x>\nContent-Type: multipart/signed; micalg=pgp-sha256;\n"
        b' protocol="application/pgp-signature"; boundary="s1"\n\n'
        b"--s1\nContent-Type: multipart/mixed; boundary=m2\n\n--m2\n"
        b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
        b"TG9va3MgZ29vZC4K\n--m2--\n\n--s1\n"
        b'Content-Type: application/pgp-signature; name="signature.asc"\n\n'
        b"-----BEGIN PGP SIGNATURE-----\n--s1--\n"
    )
    tree = multipart.message_tree(raw)
    assert tree is not None
    assert [part.get_content_type() for part in tree.walk()] == [
        "multipart/signed", "multipart/mixed", "text/plain", "application/pgp-signature"
    ]  # fmt: skip
    assert mime.decode_body(raw).text == "Looks good.\n"


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(["a", "b ", " c", "  d ", "-- ", " -- ", "--- ", " ", "", "x> "])))
def test_flowed_text_is_joined_as_the_line_loop_joins_it(lines: list[str]) -> None:
    # the two passes serve text without quoted lines (a quote depth ends a soft break)
    from kvmlist.parse import mime

    text = "\n".join(lines)
    assert mime._joined(text) == mime._unflow_lines(text, delsp=False)


@settings(max_examples=800, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                *HEADER_LINES,
                b"Index: a header field",
                b"Subject: Re: [PATCH] GIT binary patch support",
                b"Subject: a --- b\n diff -u folded",
                b"diff -u a b",
                b"--- a/x",
            ]
        ),
        max_size=8,
    ),
    st.sampled_from(
        [
            b"",
            b"diff --git a/x b/x\n",
            b"> --- a/x\n",
            b"ok\n--- a/x\n",
            b"Index: x\n",
            b"\n",
            b"literal 12\nGIT binary patch\n",
            b"ok\ndiff -u a b\n",
            b"> Index: x\n",
        ]
    ),
)
def test_the_look_for_a_diff_after_a_plain_header_block_finds_what_the_whole_mail_has(
    lines: list[bytes], body: bytes
) -> None:
    from kvmlist.parse.content import DIFF_MARKERS, may_hold_diff

    block = b"".join(line + b"\n" for line in lines)
    raw = block + b"\n" + body
    found = scan_headers(headers.split_raw(raw)[0], [])
    body_at = len(headers.split_raw(raw)[0]) if found.plain else 0
    markers = any(marker in raw for marker in DIFF_MARKERS)  # what may_hold_diff means
    assert may_hold_diff(raw, body_at) == may_hold_diff(raw) == markers
    assert may_hold_diff(raw, body_at, index_field="index" in found) == markers


@settings(max_examples=1500, deadline=None)
@given(
    st.sampled_from(["", "Re: ", "RE: ", "re: "]),
    st.sampled_from(["", "RFC "]),
    st.sampled_from(["", " v2", " v10", " v0"]),
    st.sampled_from(["", " 1/3", " 03/12", " 0/2", " 5/3", " 1/1"]),
    st.sampled_from(["KVM: arm64: Fix the vgic", "x (v3)", "x)", "(v2)", "a  b", "[x] y", ": z"]),
)
def test_a_subject_of_the_common_shape_reads_as_the_general_path_reads_it(
    reply: str, rfc: str, version: str, numbering: str, title: str
) -> None:
    from kvmlist.parse import subject

    text = " ".join(f"{reply}[{rfc}PATCH{version}{numbering}] {title}".split())
    general = subject._State()
    match = subject.RE_COMMON_PREFIX.match(text)
    if match is None:
        return  # the general path alone reads it
    found = subject._read_common_prefix(match, general)
    expected = subject._info(text, text[found:].strip(), general)
    if text.endswith(")"):  # a "(v2)" to strip: the fast path does not take it
        return
    assert subject._common_info(text, match) == expected
    assert subject.parse_subject(text) == expected


@settings(max_examples=1500, deadline=None)
@given(
    st.integers(0, 32),
    st.sampled_from(["Jan", "Feb", "Mar", "Dec"]),
    st.integers(1000, 9999),
    st.integers(0, 25),
    st.integers(0, 61),
    st.sampled_from(["+", "-"]),
    st.integers(0, 29),
    st.sampled_from([0, 30, 45, 59, 60, 99]),
)
@example(31, "Dec", 9999, 23, 0, "-", 2, 0)  # past year 9999 in UTC
@example(1, "Jan", 1000, 0, 0, "+", 1, 0)  # before year 1000 in UTC: still a datetime
def test_a_usual_date_reads_as_the_field_by_field_path_reads_it(
    day: int, month: str, year: int, hour: int, second: int, sign: str, zone: int, minutes: int
) -> None:
    from kvmlist.parse import dates

    text = f"Tue, {day} {month} {year} {hour:02d}:07:{second:02d} {sign}{zone:02d}{minutes:02d}"
    match = dates.RE_RFC2822.fullmatch(text)
    assert match is not None
    fields = match.groups()
    if zone >= 24 or minutes >= 60:  # no clock's zone: read as UTC (bad-date-zone)
        fields = (*fields[:6], "-", "00", "00")
    expected = dates._from_fields(fields)
    assert dates.parse_date(text, []) == expected
    assert repr(dates.parse_date(text, [])) == repr(expected)  # the same UTC tzinfo too


def test_a_reply_to_of_a_sender_not_munged_still_records_its_bad_encoded_words() -> None:
    from kvmlist.parse.message import parse_message

    raw = (
        b"From: Jane Doe <jane@example.org>\nReply-To: =?utf-8?b?!!!?= <x@example.org>\n"
        b"Subject: Re: x\nMessage-ID: <a@b>\nDate: Tue, 3 Mar 2026 10:00:00 +0000\n\nok\n"
    )
    message = parse_message(raw)
    assert message.sender is not None and message.sender.email == "jane@example.org"
    assert [defect.kind for defect in message.defects] == ["bad-encoded-word"]


@pytest.mark.parametrize(
    ("references", "expected"),
    [
        (["<a@x> <b@x>\t<a@x>"], ("a@x", "b@x")),
        (["<a@x>", "<b@x> <c@x>"], ("a@x", "b@x", "c@x")),
        (["a@x b@x"], ()),
        ([], ()),
    ],
)
def test_references_keep_each_id_once_in_order(
    references: list[str], expected: tuple[str, ...]
) -> None:
    from kvmlist.parse.message import parse_message

    fields = b"".join(b"References: " + value.encode() + b"\n" for value in references)
    message = parse_message(b"From: a@example.org\nMessage-ID: <m@x>\n" + fields + b"\nbody\n")
    assert message.references == expected


@pytest.mark.parametrize(
    "name", [b"From", b"FROM", b"fROM", b"from", b"mEsSaGe-iD", b"MESSAGE-ID", b"List-ID", b"cC"]
)
def test_a_wanted_field_is_found_in_any_case(name: bytes) -> None:
    block = b"Received: from x\n\tby y\n" + name + b": <v@x>\nX-From: no\n"
    _both(block, PARSED_FIELDS | {"cc"})
    assert scan_headers(block, [], PARSED_FIELDS | {"cc"}).as_lists() == {
        name.decode().lower(): ["<v@x>"]
    }


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [b"SGVsbG8s", b"IHdvcmxk", b"IQ==", b"", b"Zm9v\x0bYmFy", b"YQ", b"!!", b"\x1c"]
        ),
        max_size=6,
    ),
    st.sampled_from([b"\n", b"\x0c", b"\x85", b"\x1e"]),
)
def test_base64_lines_decode_as_their_splitlines_join_decodes(
    lines: list[bytes], end: bytes
) -> None:
    import base64
    import binascii

    from kvmlist.parse import mime

    body = end.join(lines)
    try:
        expected: bytes | None = base64.b64decode(b"".join(body.splitlines()), validate=True)
    except binascii.Error:
        expected = None
    assert mime._base64_lines(body) == expected


@pytest.mark.parametrize(
    ("in_block", "in_body"), [(51, 0), (50, 0), (30, 30), (0, 51), (50, 1)], ids=str
)
def test_too_many_multipart_fields_are_counted_in_the_block_and_the_body(
    in_block: int, in_body: int
) -> None:
    from kvmlist.parse import mime

    field = b"Content-Type: multipart/mixed\n"
    raw = (
        b"From: a@example.org\nSubject: x\nContent-Type: text/plain\n"
        + field * in_block
        + b"Content-Transfer-Encoding: base64\n\n"
        + field * in_body
        + b"SGVsbG8K\n"
    )
    kinds = [defect.kind for defect in mime.decode_body(raw).defects]
    assert ("mime-too-deep" in kinds) == (in_block + in_body > mime.MAX_MIME_CONTAINERS)


# --- senders read once per process ------------------------------------------------------


FROM_VALUES = [
    "Marc Zyngier <maz@kernel.org>",
    "=?UTF-8?q?J=C3=B6rg=20Brandst=C3=A4tter?= <joerg@suse.de>",
    "=?x-unknown?q?J=E9rg?= <jorg@example.org>",  # unknown charset, as in the Subject
    "=?utf-8?b?!!!?= <bad@example.org>",  # broken base64: a defect
    "Jane Doe <jane@localhost>",  # no dot in the domain: invalid-address
    "not an address at all",  # bad-from
]


@pytest.mark.parametrize("value", FROM_VALUES)
def test_a_remembered_sender_gives_the_defects_of_a_first_reading(value: str) -> None:
    """The second mail from a sender takes the Person from the cache and must record the
    very defects (kinds, details, counts, order) the first one did."""
    from kvmlist.parse import message

    raw = (
        f"From: {value}\nSubject: =?x-unknown?q?R=E9?= a\nMessage-ID: <1@x>\n"
        "Date: Thu, 4 Dec 2025 10:00:00 +0000\n\nbody\n"
    ).encode()
    message._cached_person.cache_clear()
    first = message.parse_message(raw)
    again = message.parse_message(raw)
    assert message._cached_person.cache_info().hits >= 1
    assert again.defects == first.defects and again.sender == first.sender
    assert first.defects[0].kind == "unknown-charset"  # the Subject's, then the From's
    assert first.defects[0].count == (2 if "x-unknown" in value else 1)
    assert again.sender is first.sender  # shared, immutable


def test_long_from_values_are_not_remembered() -> None:
    from kvmlist.parse import message

    message._cached_person.cache_clear()
    value = "A " * 400 + "<a@example.org>"
    person, _, _ = message.read_person(value)
    assert person is not None and person.email == "a@example.org"
    assert message._cached_person.cache_info().currsize == 0


@given(st.text(alphabet="aZ =?<>@.\"',()\\:;[]qQbBxX0-é\t", max_size=60))
@settings(max_examples=300, deadline=None)
def test_a_remembered_sender_equals_a_fresh_reading(value: str) -> None:
    from kvmlist.parse import message

    assert message.read_person(value) == message._person(value)
    assert message.read_person(value) == message._person(value)  # now from the cache


SUBJECTS = [
    "[PATCH v3 02/13] KVM: arm64: Fix the vgic",
    "Re: [PATCH v3 02/13] KVM: arm64: Fix the vgic",
    "Re: Re: [RFC PATCH 0/3] x (v2)",
    "PATCH v4 00/11] the bracket was lost",
    "[PATCH] x [PATCH] x",
]


@given(
    st.one_of(st.sampled_from(SUBJECTS), st.text(alphabet="[]PATCHRFCv0129/ :Re()x\t", max_size=60))
)
@settings(max_examples=300, deadline=None)
def test_a_remembered_subject_equals_a_fresh_reading(subject: str) -> None:
    """A thread's replies share their subject's reading; it must be the one a mail alone gets."""
    from kvmlist.parse import subject as module

    assert module.parse_subject(subject) == module._read_subject(subject)
    assert module.parse_subject(subject) == module._read_subject(subject)  # from the cache


def test_long_subjects_are_not_remembered() -> None:
    from kvmlist.parse import subject as module

    module._cached_subject.cache_clear()
    info = module.parse_subject("[PATCH 1/2] " + "long " * 200)
    assert info.index == 1 and info.total == 2
    assert module._cached_subject.cache_info().currsize == 0
    module.parse_subject(SUBJECTS[1])
    module.parse_subject(SUBJECTS[1])
    assert module._cached_subject.cache_info().hits == 1


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _fixture_mails() -> list[bytes]:
    from kvmlist.sources.mbox import iter_raw_messages

    return [raw for path in sorted(FIXTURES.glob("*.mbox")) for raw in iter_raw_messages(path)]


def test_a_parsed_mail_decodes_its_body_as_a_mail_read_afresh(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A parsed Message keeps how its body is decoded (models.BODY_FORM): its lazy .body
    must be what decoding the raw mail alone gives, without scanning the block again."""
    import pickle

    from kvmlist.models import BODY_FORM
    from kvmlist.parse import mime
    from kvmlist.parse.message import parse_message

    raws = [
        *_fixture_mails(),
        b"Subject: Re: x\nIn-Reply-To: <a@x>\nContent-Type: text/plain; charset=iso-8859-1\n"
        b"Content-Transfer-Encoding: quoted-printable\n\ncaf=E9 =\nsoft\n",
        b"Subject: Re: x\nIn-Reply-To: <a@x>\nContent-Transfer-Encoding: base64\n\naGk=\n",
        b"Subject: Re: x\nIn-Reply-To: <a@x>\nX Bad: odd line\n\nplain \x00 nul\n",
    ]
    expected = [mime.decode_body(raw) for raw in raws]
    messages = [parse_message(raw) for raw in raws]
    kept = [m for m in messages if BODY_FORM in m.__dict__]
    assert len(kept) > len(raws) // 3  # replies and other mails with LF line ends
    monkeypatch.setattr(mime, "scan_fields", None)  # the block is not scanned again
    for message, decoded in zip(messages, expected, strict=True):
        if BODY_FORM in message.__dict__:
            assert (message.body, message.body_defects) == (decoded.text, tuple(decoded.defects))
    again = pickle.loads(pickle.dumps(kept[0]))
    assert BODY_FORM not in again.__dict__ and again == kept[0]


def test_a_remembered_sender_is_munged_on_its_own_list_only() -> None:
    """Whether a From is a list's munged address depends on the list the mail came from:
    the answer is remembered per From value and List-Id, never per value alone."""
    from kvmlist.parse import message

    def reply(list_id: str) -> bytes:
        return (
            "From: Jane Doe via kvm <kvm@vger.kernel.org>\nSubject: Re: x\n"
            f"Message-ID: <{list_id}@x>\nList-Id: <{list_id}>\nReply-To: jane@example.org\n\nok\n"
        ).encode()

    def plain(list_id: str) -> bytes:
        return reply(list_id).replace(b"Jane Doe via kvm ", b"")

    for raw, munged in [
        (plain("kvm.vger.kernel.org"), True),
        (plain("linux-arm-kernel.lists.infradead.org"), False),
        (plain("kvm.vger.kernel.org"), True),
        (reply("linux-arm-kernel.lists.infradead.org"), False),  # another list's address
    ]:
        sender = message.parse_message(raw).sender
        assert sender is not None
        assert (sender.email == "jane@example.org") is munged, raw
        assert message._cached_munged(*_key(raw)) is munged


def _key(raw: bytes) -> tuple[str, str]:
    lines = dict(line.split(": ", 1) for line in raw.decode().split("\n") if ": " in line)
    return lines["From"], lines["List-Id"].strip("<>")


@given(
    st.one_of(
        st.sampled_from(["<20251204094806.3846619-1-maz@kernel.org>", "<a@b> (comment)", "<>"]),
        st.text(alphabet="<>@ a.\t\u3000\u00a0\x01\x85()", max_size=20),
        st.text(max_size=12).map(lambda text: "<" + text + ">"),
    )
)
@settings(max_examples=500, deadline=None)
def test_the_first_message_id_is_what_the_pattern_finds(value: str) -> None:
    from kvmlist.parse import message

    assert message._first_id(value) == (message._any_first_id(value) if value else None)


def test_a_long_list_id_is_not_remembered() -> None:
    """The munged check is remembered per From value and List-Id: a hostile List-Id of a
    megabyte must not be held by the cache (4,096 of them would be 4 GB)."""
    from kvmlist.parse import message

    message._cached_munged.cache_clear()
    raw = b"From: a <a@example.org>\nSubject: x\nList-Id: <" + b"l" * 100_000 + b">\n\nx\n"
    assert message.parse_message(raw).sender is not None
    assert message._cached_munged.cache_info().currsize == 0


def test_a_usual_date_that_does_not_exist_is_a_bad_date() -> None:
    from kvmlist.parse import dates

    for text in ("Tue, 32 Jan 2026 10:00:00 +0000", "Tue, 3 Mar 2026 25:00:00 +0000"):
        defects: list[Defect] = []
        assert dates.parse_date(text, defects) is None
        assert [defect.kind for defect in defects] == ["bad-date"]
