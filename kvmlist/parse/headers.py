"""A byte-level header scan: split a raw mail, unfold its headers, decode only what is asked for.

The stdlib parser builds a full object tree for every mail; for archives of millions of mails
we only need a dozen header values, so we scan the header block ourselves and leave the body
as bytes until somebody asks for it.
"""

from __future__ import annotations

import binascii
import codecs
import email.errors
import re
from email.header import decode_header

from kvmlist.models import Defect

# bytes 0x80-0x9f: C1 controls in ISO-8859-1, curly quotes and dashes in cp1252
RE_C1_BYTES = re.compile(rb"[\x80-\x9f]")
#: Charsets tried, in order, for 8-bit bytes that carry no (usable) label.
FALLBACK_CHARSETS = ("utf-8", "cp1252")


def split_raw(raw: bytes) -> tuple[bytes, bytes]:
    """Return (header block, body) of a mail with LF line endings."""
    if raw.startswith(b"\n"):
        return b"", raw[1:]
    end = raw.find(b"\n\n")
    if end < 0:
        return raw, b""
    return raw[: end + 1], raw[end + 2 :]


class Headers:
    """The header fields of one mail: case-insensitive names, unfolded values, in order."""

    __slots__ = ("_fields",)

    def __init__(self, fields: dict[str, list[str]]) -> None:
        self._fields = fields

    def get(self, name: str) -> str | None:
        """Return the first value of a field (name in lower case), or None."""
        values = self._fields.get(name)
        return values[0] if values else None

    def get_all(self, name: str) -> list[str]:
        """Return every value of a field (name in lower case), in order."""
        return self._fields.get(name, [])

    def __contains__(self, name: object) -> bool:
        return name in self._fields


#: The fields kvmlist reads; the others (Received, DKIM, ...) are scanned past, not decoded.
PARSED_FIELDS = frozenset(
    {
        "from", "subject", "date", "message-id", "in-reply-to", "references", "list-id",
        "content-type", "content-transfer-encoding", "x-original-from", "reply-to",
    }
)  # fmt: skip


def scan_headers(
    block: bytes, defects: list[Defect], wanted: frozenset[str] | None = PARSED_FIELDS
) -> Headers:
    """Return the fields of a header block; odd lines become defects, never errors.

    Only the ``wanted`` fields are decoded and kept (all of them with ``wanted=None``).
    """
    fields: dict[str, list[str]] = {}
    name = ""
    value: list[bytes] = []
    for line in block.split(b"\n"):
        if not line:
            continue
        if line[0] in (0x20, 0x09):  # a folded continuation line
            if name:
                value.append(line)
            else:
                defects.append(Defect(kind="header-continuation-first", detail=_show(line)))
            continue
        colon = line.find(b":")
        if colon <= 0 or b" " in line[:colon].strip():
            defects.append(Defect(kind="malformed-header-line", detail=_show(line)))
            continue
        if name and (wanted is None or name in wanted):
            _store(fields, name, value, defects)
        name = line[:colon].strip().decode("ascii", "replace").lower()
        value = [line[colon + 1 :]]
    if name and (wanted is None or name in wanted):
        _store(fields, name, value, defects)
    return Headers(fields)


def _store(
    fields: dict[str, list[str]], name: str, parts: list[bytes], defects: list[Defect]
) -> None:
    data = b" ".join(p.strip() for p in parts) if len(parts) > 1 else parts[0].strip()
    if b"\x00" in data:
        defects.append(Defect(kind="nul-in-header", detail=name))
        data = data.replace(b"\x00", b"")
    fields.setdefault(name, []).append(_bytes_to_text(data, name, defects))


def _bytes_to_text(data: bytes, name: str, defects: list[Defect]) -> str:
    if data.isascii():
        return data.decode("ascii")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        defects.append(Defect(kind="8bit-header", detail=f"{name}: not UTF-8, read as cp1252"))
        return data.decode("cp1252", "replace")


def decode_words(value: str, defects: list[Defect]) -> str:
    """Return a header value with its RFC 2047 encoded-words decoded and whitespace collapsed."""
    if "=?" not in value:
        return " ".join(value.split()) if "  " in value or "\t" in value else value
    try:
        parts = decode_header(value)
    except (email.errors.HeaderParseError, binascii.Error, ValueError) as error:
        defects.append(Defect(kind="bad-encoded-word", detail=str(error)))
        return " ".join(value.split())
    text = []
    for data, charset in parts:
        if isinstance(data, str):
            text.append(data)
        elif charset is None:
            text.append(data.decode("raw-unicode-escape", "replace"))
        else:
            text.append(decode_text(data, charset, defects))
    return " ".join("".join(text).split())


def decode_text(data: bytes, charset: str | None, defects: list[Defect]) -> str:
    """Return bytes decoded with their declared charset, falling back (with a defect) if needed."""
    label = (charset or "us-ascii").strip().strip('"').lower()
    if data.isascii():
        return data.decode("ascii")
    try:
        codec = codecs.lookup(label).name
    except LookupError:
        defects.append(Defect(kind="unknown-charset", detail=label))
        codec = ""
    if codec in ("latin-1", "iso8859-1"):
        codec = "cp1252"  # what "iso-8859-1" mail really is (as browsers assume too)
        if RE_C1_BYTES.search(data):
            defects.append(Defect(kind="mislabelled-charset", detail=f"{label} holding cp1252"))
    if codec and codec != "ascii":
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            if codec != "cp1252":
                defects.append(Defect(kind="mislabelled-charset", detail=label))
    elif codec == "ascii":
        defects.append(Defect(kind="mislabelled-charset", detail=f"{label} with 8-bit bytes"))
    for fallback in FALLBACK_CHARSETS:
        try:
            return data.decode(fallback)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _show(line: bytes) -> str:
    return line[:80].decode("utf-8", "replace")
