"""Everything a decompressor gives before the error that stops it, whatever the read sizes.

When liblzma (or libbz2) raises, Python drops what that one ``decompress`` call had
produced. So how much of a damaged file comes out before its error depended on how much
input and output each call was given: the sequential reader (64 KiB in, 64 KiB out) and the
block decoder of worker processes and Dask (256 KiB in, 1 MiB out) lost different amounts,
and gave different mails before the same error.

The one rule, for every path: after an error, decode again with a fresh decompressor from
a point known to decode (the block's start; the stream's start), the input that decoded
before all at once and the input of the call that raised a byte at a time. The call that
raises then holds a single byte of input, and everything decoded before it is handed out,
the same bytes on every path. Only a damaged file pays: the undamaged path is untouched.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO


def salvaged(
    decompressor: Any,
    good: Iterable[bytes],
    suspect: bytes,
    *,
    skip: int,
    size: int,
    error: Exception,
) -> Iterator[bytes]:
    """Yield what a fresh ``decompressor`` gives for ``good`` (input that decoded before)
    and then ``suspect`` (the input of the call that raised), fed a byte at a time, past
    its first ``skip`` bytes (handed out already), in pieces of at most ``size`` bytes; then
    raise what it raises (``error`` should it not raise again)."""
    steps = (suspect[at : at + 1] for at in range(len(suspect)))
    for data in itertools.chain(good, steps):
        for piece in _output(decompressor, data, size):
            if skip >= len(piece):
                skip -= len(piece)
                continue
            yield piece[skip:]
            skip = 0
        if decompressor.eof:
            break
    raise error


def _output(decompressor: Any, data: bytes, size: int) -> Iterator[bytes]:
    """All the decompressor gives for data, in pieces of at most ``size`` bytes."""
    piece = decompressor.decompress(data, size)
    while True:
        if piece:
            yield piece
        if decompressor.needs_input or decompressor.eof:
            return
        piece = decompressor.decompress(b"", size)


def read_again(raw: BinaryIO, start: int, size: int, read: int) -> Iterator[bytes]:
    """Bytes [start, start + size) of a seekable file, ``read`` bytes at a time."""
    raw.seek(start)
    while size > 0 and (data := raw.read(min(read, size))):
        size -= len(data)
        yield data
