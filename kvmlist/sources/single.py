"""A file that is one mail, not an mbox: a header block first and no ``From `` line.

Mail clients save a mail so (``.eml``), and so does lore's "raw" link. ``git am`` applies
such a file as one mail (``git mailsplit -b``: a file whose first line is no separator is one
mail, bare). kvmlist reads it as one mail when it starts with a header block: its first line
is a header field (an RFC 5322 field-name, then a colon) and every line up to the first blank
one (within the bytes first buffered) is a field or a field's continuation. Notes, a diff or
any other text start otherwise and are still "not an mbox".
"""

from __future__ import annotations

import re
from typing import BinaryIO

from kvmlist.errors import SourceError
from kvmlist.sources._streams import DECOMPRESS_ERRORS

# Message-Id: <...>   (a header field: an RFC 5322 field-name, printable but ":", then ":")
RE_FIELD = re.compile(rb"[!-9;-~]+:")


def starts_with_header(stream: BinaryIO) -> bool:
    """True when a peekable stream starts with a header block (see the module docstring)."""
    return is_header_block(stream.peek(1 << 16) if hasattr(stream, "peek") else b"")


def is_header_block(head: bytes) -> bool:
    """True when a file's first bytes start with a header block; a last line the bytes do
    not finish is not judged."""
    if not RE_FIELD.match(head):
        return False
    for line in head.split(b"\n")[1:-1]:
        if line in (b"", b"\r"):
            return True
        if line[:1] not in (b" ", b"\t") and not RE_FIELD.match(line):
            return False
    return True


def read_single(stream: BinaryIO, name: str, max_mail_bytes: int) -> bytes:
    """Return a stream's bytes, the one mail it holds; one over ``max_mail_bytes`` is a
    SourceError, as an mbox's mail is."""
    try:
        data = stream.read(max_mail_bytes + 1)
    except DECOMPRESS_ERRORS as error:
        raise SourceError(f"{name}: cannot read: {error}") from None
    if len(data) > max_mail_bytes:
        raise SourceError(
            f"{name}: mail 1 is larger than {max_mail_bytes:,} bytes "
            "(max_mail_bytes); corrupt or hostile input?"
        )
    return data
