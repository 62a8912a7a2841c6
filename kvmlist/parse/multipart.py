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
import itertools
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
#: A mail with more multipart or message/* parts than this is not handed to the stdlib,
#: whose parser recurses once per level and checks every line against every open boundary.
MAX_MIME_CONTAINERS = 50
# Content-Type: multipart/mixed; boundary="b0"   (the value may be folded onto the next line)
RE_CONTAINER = re.compile(rb"\n(?i:content-type):[ \t]*(?:\n[ \t]+)?(?i:multipart|message)/")


class _Containers:
    """The count of RE_CONTAINER lines in the pieces of a mail (each starting a line)."""

    __slots__ = ("found",)

    def __init__(self) -> None:
        self.found = 0

    def add(self, piece: bytes) -> bool:
        """Count the lines of piece; False once there are more than MAX_MIME_CONTAINERS."""
        self.found += container_lines(piece, MAX_MIME_CONTAINERS + 1 - self.found)
        return self.found <= MAX_MIME_CONTAINERS


def container_lines(data: bytes, at_most: int) -> int:
    """The RE_CONTAINER lines of data (which starts a line), counted up to at_most."""
    if b":" not in data:  # every such line holds one: a base64 payload holds none
        return 0
    return sum(1 for _ in itertools.islice(RE_CONTAINER.finditer(b"\n" + data), at_most))


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
    return _tree(raw, None)


def counted_tree(raw: bytes) -> email.message.Message | None:
    """Return :func:`message_tree` of a mail with at most MAX_MIME_CONTAINERS multipart and
    message Content-Type lines (RE_CONTAINER in the whole mail), else None.

    The lines are counted in the pieces the walk reads: header blocks, preambles, epilogues
    and payloads. The rest (blank lines after blocks, boundary lines) starts no such line,
    and a match ends on its line or a fold, so the pieces hold all the mail's lines; a
    payload without a colon (base64) is not searched.
    """
    return _tree(raw, _Containers())


def _tree(raw: bytes, containers: _Containers | None) -> email.message.Message | None:
    block, body = split_raw(raw)
    top = _entity(block, body, 0, False, containers)
    if top is None or not top.is_multipart():
        return top
    encoding = str(top.get("content-transfer-encoding", "8bit")).lower()
    return top if encoding in MULTIPART_ENCODINGS else None  # else the parser records a defect


def _entity(
    block: bytes, body: bytes, depth: int, in_multipart: bool, containers: _Containers | None
) -> email.message.Message | None:
    """Return one part (or the mail) with its fields and payload, or None when unusual (or,
    counting containers, when there are too many)."""
    if depth > MAX_TREE_DEPTH or not is_plain(block):
        return None
    if containers is not None and not containers.add(block):
        return None
    message = bounded_message()()
    _set_fields(message, block)
    maintype = message.get_content_maintype()
    if maintype == "message":
        return None  # the parser reads a whole mail inside
    if maintype != "multipart":
        if containers is not None and not containers.add(body):
            return None
        if in_multipart and body.endswith(b"\n"):
            body = body[:-1]  # the newline before a boundary line belongs to the boundary
        message.set_payload(body.decode("ascii", "surrogateescape"))
        message.raw_payload = body  # type: ignore[attr-defined]  # what get_payload encodes back
        return message
    boundary = message.get_boundary()
    if boundary is None or message.get_content_type() == "multipart/digest":
        return None
    found = _parts(body, boundary)
    if found is None:
        return None
    chunks, outside = found
    if containers is not None and not all(containers.add(piece) for piece in outside):
        return None
    for chunk in chunks:
        part = _entity(*split_raw(chunk), depth + 1, True, containers)
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


def _parts(body: bytes, boundary: str) -> tuple[list[bytes], tuple[bytes, bytes]] | None:
    """Return the parts of a multipart body between its boundary lines, and the preamble and
    epilogue, or None unless it has a first boundary, a closing one and no two boundary
    lines in a row."""
    try:
        separator = b"\n--" + boundary.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        return None
    lined = b"\n" + body
    chunks: list[bytes] = []
    start = first = -1
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
            if start < 0:
                return None
            return chunks, (lined[1 : first + 1], lined[end + 1 :])
        if start < 0:
            first = at
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
