"""The MIME tree of a well-formed mail, built without the stdlib's feed parser, to the same tree.

The stdlib's parser reads a mail line by line in Python and checks every line against the
boundary of each open multipart: about a millisecond for a signed or a multipart/alternative
mail, most of a parse. Most multipart mail is well formed: plain header blocks, every part
between two boundary lines, a closing boundary at every level. For those,
:func:`message_tree` finds the boundary lines with one pattern per multipart and builds the
tree of stdlib messages the parser would build, as far as kvmlist.parse.mime reads it: the
Content-Type, Content-Transfer-Encoding and Content-Disposition fields (valued as the
parser values them) and the payloads. Any other mail gives None and is left to the
stdlib (tests/test_fast_paths.py holds the two trees' texts and defects equal).
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from kvmlist.parse.headers import is_plain, split_raw

if TYPE_CHECKING:
    import email.message

#: Parts nested deeper than this are left to the stdlib (kvmlist.parse.mime bounds its walk).
MAX_TREE_DEPTH = 8
#: Characters of a Content-Type or Content-Disposition value the stdlib gets to parse; its
#: parameter splitter is quadratic in the number of ";".
MAX_PARAM_HEADER = 2_000
# \nContent-Type: multipart/mixed;\n\tboundary="b0"   (in a lower-cased plain block: the
# fields the MIME walk reads, with their continuation lines)
RE_MIME_FIELD = re.compile(
    rb"\n(content-type|content-transfer-encoding|content-disposition):"
    rb"([^\n]*+(?:\n[ \t][^\n]*+)*+)"
)
#: Transfer encodings the stdlib accepts on a multipart without recording a defect.
MULTIPART_ENCODINGS = ("7bit", "8bit", "binary")


@functools.cache
def bounded_message() -> type[email.message.Message]:
    """The stdlib message class, imported on the first MIME mail (not at ``import kvmlist``)."""
    import email.message

    class _BoundedMessage(email.message.Message):
        """A stdlib message that hands its parameter parser no more than MAX_PARAM_HEADER."""

        def get(self, name: str, failobj: object = None) -> object:  # type: ignore[override]
            value = super().get(name, failobj)
            long = isinstance(value, str) and len(value) > MAX_PARAM_HEADER
            if long and name.lower() in ("content-type", "content-disposition"):
                return value[:MAX_PARAM_HEADER]  # type: ignore[index]
            return value

    return _BoundedMessage


def message_tree(raw: bytes) -> email.message.Message | None:
    """Return the stdlib message tree of a well-formed mail (LF line ends), or None."""
    block, body = split_raw(raw)
    top = _entity(block, body, depth=0, in_multipart=False)
    if top is None or not top.is_multipart():
        return top
    encoding = str(top.get("content-transfer-encoding", "8bit")).lower()
    return top if encoding in MULTIPART_ENCODINGS else None  # else the parser records a defect


def _entity(
    block: bytes, body: bytes, depth: int, in_multipart: bool
) -> email.message.Message | None:
    """Return one part (or the mail) with its fields and payload, or None when unusual."""
    if depth > MAX_TREE_DEPTH or not is_plain(block):
        return None
    message = bounded_message()()
    _set_fields(message, block)
    maintype = message.get_content_maintype()
    if maintype == "message":
        return None  # the parser reads a whole mail inside
    if maintype != "multipart":
        if in_multipart and body.endswith(b"\n"):
            body = body[:-1]  # the newline before a boundary line belongs to the boundary
        message.set_payload(body.decode("ascii", "surrogateescape"))
        return message
    boundary = message.get_boundary()
    if boundary is None or message.get_content_type() == "multipart/digest":
        return None
    chunks = _parts(body, boundary)
    if chunks is None:
        return None
    for chunk in chunks:
        part = _entity(*split_raw(chunk), depth=depth + 1, in_multipart=True)
        if part is None:
            return None
        message.attach(part)
    return message


def _set_fields(message: email.message.Message, block: bytes) -> None:
    """Give message the MIME fields of a plain block, valued as the stdlib's parser values
    them (leading blanks off, continuation lines kept, no final newline)."""
    for match in RE_MIME_FIELD.finditer((b"\n" + block).lower()):
        start, end = match.span(2)
        value = (block[start - 1 : end - 1] + b"\n").lstrip(b" \t").rstrip(b"\r\n")
        original = block[match.start(1) - 1 : match.end(1) - 1]
        message.set_raw(original.decode("ascii"), value.decode("ascii", "surrogateescape"))


def _parts(body: bytes, boundary: str) -> list[bytes] | None:
    """Return the parts of a multipart body between its boundary lines, or None unless it has
    a first boundary, a closing one and no two boundary lines in a row."""
    try:
        separator = b"\n--" + boundary.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        return None
    lined = b"\n" + body
    chunks: list[bytes] = []
    start = -1
    at = lined.find(separator)
    while at >= 0:
        end = lined.find(b"\n", at + 1)
        end = len(lined) if end < 0 else end
        closing = _boundary_line(lined[at + len(separator) : end])
        if closing is None:
            at = lined.find(separator, at + 1)
            continue
        if start >= 0:
            if start == at + 1:
                return None  # the parser skips repeated boundary lines, and a close after one
            chunks.append(lined[start : at + 1])
        if closing:
            return chunks if start >= 0 else None
        start = end + 1
        at = lined.find(separator, end)
    return None  # no closing boundary: the parser records a defect


def _boundary_line(rest: bytes) -> bool | None:
    """Whether a line starting with a boundary is its closing line (``--``, then blanks),
    another boundary line (blanks only), or no boundary line at all (None), as the stdlib's
    parser reads it."""
    if not rest.strip(b" \t"):
        return False
    if rest[:2] == b"--" and not rest[2:].strip(b" \t"):
        return True
    return None
