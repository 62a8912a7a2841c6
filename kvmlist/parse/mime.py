"""The text of a mail body: plain 7/8-bit bodies directly, anything MIME through the stdlib.

Most list mail (git send-email) is a single text/plain part in 8bit; we decode those bytes
ourselves, and a single text/plain part in base64 or quoted-printable of the usual form too.
Other encoded and multipart mails go through ``email`` with the compat32 policy, keeping
text/plain parts and patch attachments; HTML only when a mail has no text/plain part (then
its text, parse.html_text, with the defect ``html-only``).
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kvmlist.models import Defect
from kvmlist.parse.defects import DefectLog
from kvmlist.parse.headers import Headers, decode_text, header_length, is_plain, scan_fields
from kvmlist.parse.html_text import html_text
from kvmlist.parse.multipart import (
    MAX_MIME_CONTAINERS,
    bounded_message,
    container_lines,
    counted_tree,
    message_tree,
)
from kvmlist.parse.patch_copies import without_copies

if TYPE_CHECKING:
    import email.message

#: MIME nesting deeper than this is not descended into (a defect is recorded).
MAX_MIME_DEPTH = 20

# text/plain; charset="utf-8"; Format="flowed"   (a single part the stdlib need not parse)
RE_PLAIN_TEXT_TYPE = re.compile(
    r'(?i:text/plain)(?:;[ \t]*(?i:charset)=("?)(?P<charset>[A-Za-z0-9_.:+-]{1,80})\1)?'
    r'(?:;[ \t]*(?P<flowed>(?i:format)=("?)flowed\4))?'
)
# Content-Transfer-Encoding: base64      (the first such line of a header block, and its fold)
RE_FIRST_ENCODING = re.compile(rb"\n(?i:content-transfer-encoding):[ \t]*+([^\n]*+)(\n[ \t])?")
# text/plain; charset="utf-8"; format=flowed
RE_CHARSET = re.compile(r';\s*charset\s*=\s*"?([^";\s]+)', re.IGNORECASE)
# text/plain; format=flowed; delsp=yes       (RFC 3676's parameters, either case, quoted or not)
RE_FLOWED = re.compile(r';\s*format\s*=\s*"?flowed"?\s*(?:;|$)', re.IGNORECASE)
RE_DELSP = re.compile(r';\s*delsp\s*=\s*"?yes"?\s*(?:;|$)', re.IGNORECASE)
# " int x;"   (a line that starts with one space and more text: flowed text never has one,
# as its writer must stuff a leading space with another; but " From " and " >", stuffed).
# Searched in "\n" + text: re finds a pattern that opens with a character by a fast scan
# for it, where one that opens with "^" (MULTILINE) is tried at every character, ten times
# slower on a quoted reply (so do the line patterns below)
RE_UNSTUFFED = re.compile(r"\n (?![ \xa0\n]|$|From |>)", re.MULTILINE)
PATCH_TYPES = frozenset({"text/x-patch", "text/x-diff", "application/x-patch", "text/x-csrc"})
# "a soft \nbreak"   (a line ending in a space goes on in the next one, but the "-- " line;
# the look back comes last, so that a search tries only where " \n" is)
RE_SOFT_BREAK = re.compile(r" \n(?<!^-- \n)", re.MULTILINE)
SIMPLE_ENCODINGS = frozenset({"", "7bit", "8bit", "binary"})
#: The stdlib's defect for base64 it could not decode at all (it gives the base64 back).
UNDECODED = "InvalidBase64LengthDefect"
# what is no base64 character (line ends, stray bytes), left out of the groups decoded
RE_NOT_BASE64 = re.compile(rb"[^A-Za-z0-9+/]+")


#: The header fields that say how a body is decoded.
BODY_FIELDS = frozenset({"content-type", "content-transfer-encoding"})


@dataclass(slots=True)
class BodyText:
    """A decoded body and what was odd about it."""

    text: str
    defects: list[Defect] = field(default_factory=list)


def normalise_newlines(raw: bytes) -> bytes:
    """Return raw with CRLF (and lone CR) line endings turned into LF."""
    if b"\r" not in raw:
        return raw
    return raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def decode_body(
    raw: bytes, headers: Headers | None = None, block_length: int | None = None
) -> BodyText:
    """Return the text body of a raw mail (headers are scanned again when not given).

    ``block_length`` is the length of the header block of a raw mail that already has LF
    line endings (:func:`~kvmlist.parse.headers.read_headers` gives the block): the mail is
    then not split again. This never raises (but for MemoryError): a body that cannot be
    decoded is empty, with an ``undecodable-body`` defect, so that no lazy ``.body`` can
    crash a command.
    """
    defects = DefectLog()
    try:
        text = _decode(raw, headers, defects, block_length)
    except MemoryError:
        raise
    except Exception as error:  # whatever a hostile body finds in us or the stdlib
        defects.add("undecodable-body", f"{type(error).__name__}: {error}"[:200])
        text = ""
    return BodyText(text, list(defects.frozen()))


def _decode(
    raw: bytes, headers: Headers | None, defects: list[Defect], block_length: int | None
) -> str:
    if block_length is None:
        raw = normalise_newlines(raw)
        block_length = header_length(raw)
    body = raw[block_length + 1 :]
    if headers is None:  # a lazy .body: only the two fields that say how to decode it
        headers = scan_fields(raw[:block_length], BODY_FIELDS)
    ctype = headers.get("content-type") or "text/plain"
    encoding = (headers.get("content-transfer-encoding") or "").strip().lower()
    main = ctype.split(";", 1)[0].strip().lower()
    if main in ("text/plain", "") and encoding in SIMPLE_ENCODINGS:
        match = RE_CHARSET.search(ctype)
        charset = match.group(1) if match else None
        text = _text_of(body, charset, defects)
        if RE_FLOWED.search(ctype):  # as a flowed part of a multipart mail
            return _unflow(text, RE_DELSP.search(ctype) is not None)
        return text
    tree, tried = _multipart_tree(raw) if main.startswith("multipart/") else (None, False)
    if tree is not None:  # a multipart mail is no single text part
        return _mime_text(raw, defects, tree)
    block = raw[:block_length]
    # every container line holds a colon: a body without one (base64) adds none to the block's
    if _too_many_containers(raw if b":" in body else block):
        defects.append(Defect(kind="mime-too-deep", detail="read as plain text"))
        return _text_of(body, None, defects)
    single = _single_part_text(block, body, ctype, defects, headers.plain)
    return single if single is not None else _mime_text(raw, defects, tried=tried)


def _multipart_tree(raw: bytes) -> tuple[email.message.Message | None, bool]:
    """Return the tree of a well-formed multipart mail with at most MAX_MIME_CONTAINERS
    container lines (multipart.counted_tree: its pieces are searched, not the whole mail),
    and whether message_tree would give None too (False when the walk raised: the general
    path then raises the same, or records too many containers)."""
    try:
        tree = counted_tree(raw)
    except MemoryError:
        raise
    except Exception:  # whatever a hostile mail finds in the walk: left to the general path
        return None, False
    return tree, True


def _single_part_text(
    block: bytes, body: bytes, ctype: str, defects: list[Defect], plain: bool | None = None
) -> str | None:
    """Return the text of a base64 or quoted-printable text/plain mail in the usual form,
    exactly as the stdlib route reads it, or None for any other mail (left to that route).

    The usual form: a plain header block (the stdlib then reads the same fields), a
    Content-Type of text/plain with at most a charset and ``format=flowed``, and one
    Content-Transfer-Encoding line that is exactly ``base64`` or ``quoted-printable``.
    """
    form = RE_PLAIN_TEXT_TYPE.fullmatch(ctype)
    if form is None or b"\x00" in block or not (is_plain(block) if plain is None else plain):
        return None
    encoding = RE_FIRST_ENCODING.search(b"\n" + block)
    if encoding is None or encoding.group(2) is not None:
        return None
    name = encoding.group(1).lower()
    if name == b"base64":
        payload = _base64_lines(body)
        if payload is None or len(b"".join(body.split())) % 4:
            return None  # padding or stray characters: the stdlib's lenient decoding (a defect)
    elif name == b"quoted-printable":
        payload = binascii.a2b_qp(body)
    else:
        return None
    charset = form.group("charset")
    text = _text_of(payload, charset.lower() if charset else None, defects)
    return _unflow(text, False) if form.group("flowed") else text


def _base64_lines(body: bytes) -> bytes | None:
    """Return the bytes of base64 lines (bytes.splitlines() ends), or None unless every
    line holds only base64 characters with the padding at the end."""
    try:  # the usual body: LF-ended lines, whose join replace() makes without a list
        return base64.b64decode(body.replace(b"\n", b""), validate=True)
    except binascii.Error:
        pass  # or lines that end in another of splitlines()'s separators
    try:
        return base64.b64decode(b"".join(body.splitlines()), validate=True)
    except binascii.Error:
        return None


def _text_of(body: bytes, charset: str | None, defects: list[Defect]) -> str:
    if b"\x00" in body:
        defects.append(Defect(kind="nul-in-body", detail="NUL bytes removed"))
        body = body.replace(b"\x00", b"")
    text = decode_text(body, charset, defects)
    # base64 and quoted-printable payloads may carry CRLF inside; the parsers speak LF
    return text.replace("\r\n", "\n") if "\r" in text else text


def _too_many_containers(raw: bytes) -> bool:
    """True when a mail has more multipart and message parts than the stdlib may see."""
    return container_lines(raw, MAX_MIME_CONTAINERS + 1) > MAX_MIME_CONTAINERS


def _mime_text(
    raw: bytes,
    defects: list[Defect],
    tree: email.message.Message | None = None,
    *,
    tried: bool = False,
) -> str:
    """Return the texts of a MIME mail: of its tree when given or well-formed (not looked for
    again when ``tried``), else of the stdlib's parse."""
    message = tree or (None if tried else message_tree(raw)) or parsed_message(raw)
    for defect in message.defects:
        defects.append(Defect(kind="mime", detail=type(defect).__name__))
    texts: list[str] = []
    html: list[email.message.Message] = []
    _collect(message, texts, defects, depth=0, html=html)
    if not texts and html:  # no text/plain part: what a browser shows of the HTML
        defects.append(Defect(kind="html-only", detail="text/html read as text"))
        for part in html:
            payload = _payload(part, defects)
            texts.append(html_text(_text_of(payload, part.get_content_charset(), defects)))
    return "\n".join(without_copies(texts, defects) if len(texts) > 1 else texts)


def parsed_message(raw: bytes) -> email.message.Message:
    """Return the stdlib's parse of a mail (compat32, parameter values bounded)."""
    import email
    import email.policy

    return email.message_from_bytes(raw, _class=bounded_message(), policy=email.policy.compat32)


def _collect(
    part: email.message.Message,
    texts: list[str],
    defects: list[Defect],
    depth: int,
    html: list[email.message.Message] | None = None,
) -> None:
    """Add the texts of a part and its parts to texts (its HTML parts to html, if given)."""
    import email.message

    if depth > MAX_MIME_DEPTH:
        defects.append(Defect(kind="mime-too-deep", detail=f"parts below depth {MAX_MIME_DEPTH}"))
        return
    if part.is_multipart():
        for sub in part.get_payload():
            if isinstance(sub, email.message.Message):
                _collect(sub, texts, defects, depth + 1, html)
        return
    ctype = part.get_content_type()
    filename = part.get_filename() or ""
    is_patch_file = filename.endswith((".patch", ".diff"))
    if ctype == "text/html" and not is_patch_file:
        if html is not None:
            html.append(part)
        return
    if ctype != "text/plain" and ctype not in PATCH_TYPES and not is_patch_file:
        if not ctype.startswith(("application/pgp", "message/")):
            defects.append(Defect(kind="skipped-part", detail=ctype))
        return
    payload = _payload(part, defects)
    text = _text_of(payload, part.get_content_charset(), defects)
    if part.get_param("format") == "flowed":
        text = _unflow(text, part.get_param("delsp") == "yes")
    texts.append(text)


def _payload(part: email.message.Message, defects: list[Defect]) -> bytes:
    """Return the decoded payload of a text part, as ``get_payload(decode=True)`` gives it;
    base64 the stdlib cannot decode (it would give the base64 itself) as far as its whole
    groups of four go, as git mailinfo decodes it.

    Every defect the stdlib records while decoding (base64 with its padding lost or stray
    characters, which it decodes leniently, as git mailinfo does; base64 of a length no
    padding mends, a line cut short in transit) is the defect ``bad-transfer-encoding``;
    the last is decoded up to its last whole group (a patch's text kept). A line cut short in
    transit is decoded with its padding mended, noise below it: the defect says so.
    Quoted-printable decodes without a defect (``=ZZ`` is kept as written, as git does).

    A base64 payload whose bytes multipart.message_tree kept is decoded from them when its
    LF-ended lines hold only base64 characters, whole groups of four: the stdlib encodes
    the payload back to those bytes, joins its lines and decodes them the same way, and
    records no defect then.
    """
    kept = getattr(part, "raw_payload", None)
    if kept is not None and str(part.get("content-transfer-encoding", "")).lower() == "base64":
        joined = kept.replace(b"\n", b"")  # the lines joined (any other separator fails)
        if len(joined) % 4 == 0:  # else the stdlib pads it and records a defect
            try:
                return base64.b64decode(joined, validate=True)
            except binascii.Error:
                pass
    before = len(part.defects)
    payload = part.get_payload(decode=True)
    broken = [type(defect).__name__ for defect in part.defects[before:]]
    if broken:  # base64 the stdlib padded, cleaned or could not decode
        defects.append(Defect(kind="bad-transfer-encoding", detail=broken[0]))
        if UNDECODED in broken:  # the base64 back: decode its whole groups, as git does
            encoded = payload if isinstance(payload, bytes) else str(part.get_payload()).encode()
            groups = RE_NOT_BASE64.sub(b"", encoded)
            return binascii.a2b_base64(groups[: len(groups) - len(groups) % 4])
    if not isinstance(payload, bytes):
        payload = str(part.get_payload()).encode("utf-8", "surrogateescape")
    return payload


def _unflow(text: str, delsp: bool) -> str:
    """Return format=flowed text (RFC 3676) unstuffed, its soft line breaks joined, as
    git's mailinfo reads it; but text whose lines show it was never space-stuffed (a diff
    under a wrong label) is returned as it is."""
    if RE_UNSTUFFED.search("\n" + text):
        return text
    if delsp or text.startswith(">") or "\n>" in text:
        return _unflow_lines(text, delsp)
    return _joined(text)


def _joined(text: str) -> str:
    """Return flowed text without quoted lines or delsp unflowed as _unflow_lines does, in
    two passes."""
    # take off each line's first space (stuffing), then join soft breaks
    text = text.replace("\n ", "\n")
    return RE_SOFT_BREAK.sub(" ", text[1:] if text.startswith(" ") else text)


def _unflow_lines(text: str, delsp: bool) -> str:
    """Return format=flowed text with its soft line breaks joined, line by line.

    A line's quote marks (its leading ``>``) come first, then the space that stuffs it, then
    its text; a text ending in a space (not the ``-- `` signature line) goes on in the next
    line if that one is quoted as deeply, and a change of depth ends it. A line keeps its
    own quote marks and stuffing space, but for a line at depth 0 (stuffing taken off) and a
    line joined to the one before (both taken off)."""
    out: list[str] = []
    head, pending, depth = "", "", -1  # a flowed line waiting for the next: -1, none
    for line in text.split("\n"):
        marks = len(line) - len(line.lstrip(">"))
        body = line[marks:]
        stuffed = body.startswith(" ")
        if stuffed:
            body = body[1:]
        if depth >= 0 and marks != depth:  # the quote depth changed: the paragraph ends
            out.append(head + pending)
            depth = -1
        if depth < 0:
            head, pending = line[: marks + (stuffed and marks > 0)], ""
        pending += body
        if body.endswith(" ") and body != "-- ":
            pending, depth = (pending[:-1] if delsp else pending), marks
            continue
        out.append(head + pending)
        depth = -1
    if depth >= 0:
        out.append(head + pending)
    return "\n".join(out)
