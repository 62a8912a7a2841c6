"""The body's fast paths give exactly what the general code gives (issue 18).

has_diff answers at the first confirmed diff start instead of looking for the earliest; a
multipart reply is searched for a base64 part from its start before its whole text is, and
before the look for diff markers. These tests hold each equal to the general definition on
bodies built from realistic and odd lines.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kvmlist.parse import body as body_module
from kvmlist.parse.body import has_diff
from kvmlist.parse.content import may_hold_diff
from kvmlist.parse.defects import DefectLog
from kvmlist.parse.headers import read_headers, split_raw
from kvmlist.sources.mbox import iter_raw_messages

from .conftest import FIXTURES

#: Lines of patch mails, replies and covers, and the look-alikes of diff starts.
BODY_LINES = [
    "KVM: arm64: Fix the vgic's LR handling",
    "Signed-off-by: Marc Zyngier <maz@kernel.org>",
    "---",
    "--",
    "-- ",
    " arch/arm64/kvm/vgic/vgic-v3.c | 4 ++--",
    " 1 file changed, 2 insertions(+), 2 deletions(-)",
    "diff --git a/arch/arm64/kvm/vgic/vgic-v3.c b/arch/arm64/kvm/vgic/vgic-v3.c",
    "diff --git ",
    "diff --git  a/x",
    "diff -urN a/x.c b/x.c",
    "diff -u",
    "diff - ",
    "difficult to say",
    "index 1234567..89abcde 100644",
    "--- a/arch/arm64/kvm/vgic/vgic-v3.c",
    "--- ",
    "---  two blanks",
    "+++ b/arch/arm64/kvm/vgic/vgic-v3.c",
    "+++ ",
    "@@ -1,3 +1,3 @@ static void vgic_v3_fold_lr(struct kvm_vcpu *vcpu)",
    "@@ ",
    "-\tu64 val;",
    "+\tu32 val;",
    " \treturn 0;",
    "Binary files a/logo.png and b/logo.png differ",
    "Index: arch/x86/kvm/x86.c",
    "Index: the table of contents",
    "=" * 67,
    "====",
    "GIT binary patch",
    "literal 3",
    "> diff --git a/x b/x",
    "> --- a/x",
    "> +++ b/x",
    "On Tue, 3 Mar 2026 10:00:00 +0000, Oliver Upton <oliver.upton@linux.dev> wrote:",
    "Reviewed-by: Oliver Upton <oliver.upton@linux.dev>",
    "",
    " ",
    "\t",
    "caf\xe9 \u2014 \U0001f600",
]


def _earliest_start(text: str) -> int:
    """The general code: the offset of the first diff start, as split_body finds it."""
    return body_module.diff_start(text)


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(BODY_LINES), max_size=14), st.sampled_from(["", "\n", "x"]))
@example(["Fix.", "--- a/x.c", "+++ b/x.c", "diff --git a/x.c b/x.c"], "")
@example(["--- a/x", "+++ b/x", "@@ -1 +1 @@"], "")
@example(["diff -u", "--- a/x", "+++ b/x"], "")
@example(["diff -u", "x", "y", "z", "--- a/x", "+++ b/x"], "")
@example(["Index: x", "====", "GIT binary patch"], "")
def test_has_diff_is_whether_a_diff_starts_anywhere(lines: list[str], end: str) -> None:
    text = "\n".join(lines) + end
    assert has_diff(text) == (_earliest_start(text) >= 0)


def test_has_diff_on_the_fixture_bodies() -> None:
    from kvmlist.parse.mime import decode_body

    seen = carrying = 0
    for path in sorted(FIXTURES.glob("*.mbox")):
        with path.open("rb") as stream:
            for raw in iter_raw_messages(stream):
                text = decode_body(raw).text
                seen += 1
                carrying += has_diff(text)
                assert has_diff(text) == (_earliest_start(text) >= 0), path.name
    assert seen > 50 and 0 < carrying < seen  # both answers are exercised


def _has_base64_part_whole(text: bytes) -> bool:
    """The general code: the whole mail lower-cased and searched."""
    from kvmlist.parse.content import RE_BASE64_PART

    return RE_BASE64_PART.search(text.lower()) is not None


@settings(max_examples=500, deadline=None)
@given(
    st.integers(min_value=0, max_value=40_000),
    st.sampled_from(
        [
            b"\nContent-Transfer-Encoding: base64\n",
            b'\ncontent-transfer-encoding:\t"BASE64"\n',
            b"\nContent-Transfer-Encoding: quoted-printable\n",
            b"\nContent-Transfer-Encoding:  8bit base64\n",
            b"\nX-Note: content-transfer-encoding: base64 in a value\n",
            b"",
        ]
    ),
    st.sampled_from([b"a", b"QUJD", b"Content-Type: text/plain\n"]),
)
@example(16_384 - 20, b"\nContent-Transfer-Encoding: base64\n", b"a")  # across the head
@example(16_384 - 10, b"\nContent-Transfer-Encoding: base64\n", b"a")
@example(16_384 - 35, b"\nContent-Transfer-Encoding: base64\n", b"a")
def test_a_base64_part_is_found_as_in_the_whole_mail(at: int, field: bytes, fill: bytes) -> None:
    from kvmlist.parse.content import has_base64_part

    padding = (fill * (at // len(fill) + 1))[:at]
    text = b"Content-Type: multipart/mixed; boundary=b\n\n" + padding + field + b"QUJD\n" * 100
    assert has_base64_part(text) == _has_base64_part_whole(text)


REPLY_BODIES = [
    b"> diff --git a/x b/x\n> --- a/x\nThanks.\n",
    b"ok\ndiff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n",
    b"--b\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\nZGlmZg==\n--b--\n",
    b"--b\nContent-Type: text/plain\n\nok\n--- a/x\n+++ b/x\n--b--\n",
    b"--b\nContent-Type: text/plain\n\nLooks good.\n--b--\n",
]


@pytest.mark.parametrize("ctype", ["text/plain", "multipart/mixed; boundary=b", ""])
@pytest.mark.parametrize("encoding", ["", "8bit", "base64"])
@pytest.mark.parametrize("body", REPLY_BODIES)
def test_a_reply_is_decoded_when_the_general_rule_says_so(
    ctype: str, encoding: str, body: bytes
) -> None:
    from kvmlist.parse import message
    from kvmlist.parse.subject import parse_subject

    fields = [b"Subject: Re: [PATCH] x", b"Message-ID: <1@x>"]
    fields += [b"Content-Type: " + ctype.encode()] if ctype else []
    fields += [b"Content-Transfer-Encoding: " + encoding.encode()] if encoding else []
    text = b"".join(field + b"\n" for field in fields) + b"\n" + body
    block, found = read_headers(text, DefectLog())
    info = parse_subject("Re: [PATCH] x")
    body_at = len(block) if found.plain else 0
    expected = (
        "base64" in encoding
        or may_hold_diff(text, body_at, index_field="index" in found)
        or ("multipart" in ctype and _has_base64_part_whole(text))
    )
    decoded = message._decoded_if_needed(text, found, info, len(block))
    assert (decoded is not None) == expected


# --- a multipart mail's container lines counted in the pieces its tree walk reads ---------

CONTAINER_LINES = [
    b"Content-Type: multipart/mixed; boundary=q\n",
    b"content-type:\n\tMESSAGE/rfc822\n",
    b"CONTENT-TYPE: Multipart/Alternative\n",
    b"Content-Type: text/plain\n",
    b"X-Content-Type: multipart/mixed\n",
    b"> Content-Type: multipart/mixed\n",
]
PAYLOADS = [
    b"Looks good to me.\n",
    b"TG9va3MgZ29vZC4K\nTG9va3MgZ29vZC4K\n",  # base64: no colon
    b"diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n",
    b"",
]


@st.composite
def _multipart(draw: st.DrawFn, depth: int = 0) -> bytes:
    """A multipart entity whose preamble, payloads and epilogue may hold container lines."""
    lines = st.lists(st.sampled_from(CONTAINER_LINES), max_size=3).map(b"".join)
    boundary = b"b%d" % depth
    text = draw(lines) * draw(st.sampled_from([1, 1, 20]))  # a preamble
    for _ in range(draw(st.integers(1, 3))):
        text += b"--" + boundary + b"\n"
        if depth < 2 and draw(st.integers(0, 3)) == 0:
            text += draw(_multipart(depth + 1))
            continue
        head = draw(st.sampled_from([b"", b"Content-Transfer-Encoding: base64\n"]))
        text += head + b"\n" + draw(lines) * draw(st.sampled_from([1, 1, 30]))
        text += draw(st.sampled_from(PAYLOADS))
    text += b"--" + boundary + b"--\n" + draw(lines) * draw(st.sampled_from([1, 1, 20]))
    kind = draw(st.sampled_from([b"mixed", b"alternative"]))
    return b"Content-Type: multipart/" + kind + b"; boundary=" + boundary + b"\n\n" + text


def _whole_count(raw: bytes) -> int:
    """The general code: the container lines of the whole mail, counted up to one too many."""
    from kvmlist.parse.multipart import MAX_MIME_CONTAINERS, RE_CONTAINER

    found = RE_CONTAINER.finditer(b"\n" + raw)
    return sum(1 for _ in itertools.islice(found, MAX_MIME_CONTAINERS + 1))


def _general_decode(raw: bytes) -> tuple[str, list[str]]:
    """decode_body's path for a MIME mail before the counted tree (count, then the tree)."""
    from kvmlist.parse import mime

    defects = DefectLog()
    block, body = split_raw(raw)
    if mime._too_many_containers(raw if b":" in body else block):
        defects.add("mime-too-deep", "read as plain text")
        text = mime._text_of(body, None, defects)
    else:
        text = mime._mime_text(raw, defects)
    return text, [str(defect) for defect in defects.frozen()]


@settings(max_examples=600, deadline=None)
@given(_multipart())
def test_container_lines_are_counted_in_the_pieces_as_in_the_whole_mail(entity: bytes) -> None:
    from kvmlist.parse import multipart
    from kvmlist.parse.mime import MAX_MIME_CONTAINERS, decode_body

    raw = b"From: A <a@x>\nSubject: Re: x\nMessage-Id: <1@x>\n" + entity
    whole = _whole_count(raw)
    containers = multipart._Containers()
    tree = multipart._tree(raw, containers)
    if multipart.message_tree(raw) is None:
        assert tree is None
    else:
        assert (tree is not None) == (whole <= MAX_MIME_CONTAINERS)
        assert containers.found == whole
    decoded = decode_body(raw)
    assert (decoded.text, [str(defect) for defect in decoded.defects]) == _general_decode(raw)


# --- a base64 part of a tree decoded from the bytes the walk kept -------------------------


@settings(max_examples=800, deadline=None)
@given(
    st.binary(max_size=200),
    st.sampled_from([76, 4, 60, 1000]),
    st.sampled_from([b"", b"=", b"==", b"!", b" ", b"\x0b", b"\xe9", b"QQ", b"QQ==QQ=="]),
    st.sampled_from([b"base64", b"BASE64", b"base64 ", b"quoted-printable"]),
)
@example(b"fix it\n", 76, b"", b"base64")
def test_a_kept_base64_payload_decodes_as_get_payload_decodes_it(
    data: bytes, width: int, tail: bytes, encoding: bytes
) -> None:
    import base64

    from kvmlist.parse import mime, multipart

    encoded = base64.b64encode(data)
    lines = b"\n".join(encoded[i : i + width] for i in range(0, len(encoded), width)) + tail
    raw = (
        b"From: A <a@x>\nContent-Type: multipart/mixed; boundary=b0\n\n--b0\n"
        b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: "
        + encoding
        + b"\n\n"
        + lines
        + b"\n--b0--\n"
    )
    fast_tree, general_tree = multipart.message_tree(raw), multipart.message_tree(raw)
    assert fast_tree is not None and general_tree is not None
    fast_part, general_part = fast_tree.get_payload()[0], general_tree.get_payload()[0]
    assert getattr(fast_part, "raw_payload", None) is not None  # the fast path is tried
    del general_part.raw_payload  # the stdlib's get_payload
    found: list[object] = []
    expected: list[object] = []
    fast = mime._payload(fast_part, found)  # type: ignore[arg-type]
    assert (fast, found) == (mime._payload(general_part, expected), expected)  # type: ignore[arg-type]
    kinds = [type(defect) for defect in fast_part.defects]
    assert kinds == [type(defect) for defect in general_part.defects]  # none is left out
