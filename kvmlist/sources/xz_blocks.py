"""The blocks of an .xz file, found in its index and decompressed one at a time.

``xz -T`` (multi-threaded, as the shared corpora were made) writes a stream of independent
blocks of a few MiB each and an index at the end that says where each starts and how much
it holds. Worker processes can then each decompress blocks of their own instead of one
process decompressing the whole file for all of them.

Everything here is read from an untrusted file: the index is checked (magic bytes, CRC32s,
sizes adding up to the file), a block's bytes are handed to liblzma inside a stream of their
own (which checks them again), and no block may decompress to more than the index says.
A file that fails a check of its index is simply not read by blocks (:func:`read_blocks`
gives None): the serial decompressor reads it and says what is wrong.
"""

from __future__ import annotations

import itertools
import lzma
import struct
import zlib
from collections.abc import Iterator
from typing import BinaryIO, NamedTuple

from kvmlist.sources._salvage import salvaged
from kvmlist.sources._streams import XZ_MAGIC

FOOTER_MAGIC = b"YZ"
#: Bytes of a stream header and of a stream footer.
EDGE = 12
#: The largest index read (a 4 MB index lists ~500,000 blocks).
MAX_INDEX_BYTES = 4 << 20
#: The most stream padding looked through after a stream (more: the file is read serially).
MAX_PADDING = 1 << 20
#: The most a block may hold to be read by blocks: a worker keeps a block in memory.
MAX_BLOCK_BYTES = 64 << 20
#: Compressed bytes handed to the decompressor at a time.
READ_BYTES = 256 << 10
#: The most decompressed bytes given at a time (a reader that wants only a block's first
#: MiB does not pay for more).
PIECE_BYTES = 1 << 20


class XzBlock(NamedTuple):
    """One block of an .xz file, as its index lists it."""

    header: bytes  # the stream header of its stream (its flags name the check)
    offset: int  # where the block starts in the file
    unpadded: int  # its Unpadded Size: block header, compressed data and check
    size: int  # its uncompressed size
    position: int  # where its bytes start in the decompressed file


def file_blocks(path: str) -> list[XzBlock] | None:
    """The blocks of an .xz file that has two or more; None for any other file, one whose
    index fails a check, or one that cannot be opened (its serial read says why)."""
    try:
        with open(path, "rb") as handle:
            if handle.read(len(XZ_MAGIC)) != XZ_MAGIC:
                return None
            blocks = read_blocks(handle)
    except OSError:
        return None
    return blocks if blocks is not None and len(blocks) > 1 else None


def read_blocks(stream: BinaryIO) -> list[XzBlock] | None:
    """Return the blocks of a seekable .xz file in file order, or None when its index
    cannot be read or checked (or lists a block over MAX_BLOCK_BYTES)."""
    stream.seek(0, 2)
    end = stream.tell()
    streams: list[list[XzBlock]] = []
    while end > 0:  # streams, last to first
        end = _before_padding(stream, end)
        found = _stream_blocks(stream, end) if end >= 2 * EDGE else None  # -1 too
        if found is None:
            return None
        start, blocks = found
        streams.append(blocks)
        end = start
    position = 0
    placed = []
    for block in (block for blocks in reversed(streams) for block in blocks):
        placed.append(block._replace(position=position))
        position += block.size
    return placed


def _before_padding(stream: BinaryIO, end: int) -> int:
    """Where the stream padding (null bytes, four at a time) that ends at ``end`` starts;
    -1 when it is more than MAX_PADDING or no multiple of four (the serial read says so).
    Read backwards in growing pieces: a few reads for megabytes of nulls."""
    zeros, size = 0, 4096
    while True:
        start = max(0, end - zeros - size)
        stream.seek(start)
        piece = stream.read(end - zeros - start)
        kept = piece.rstrip(b"\x00")
        zeros += len(piece) - len(kept)
        if kept or start == 0 or zeros > MAX_PADDING:
            break
        size *= 2
    return -1 if zeros > MAX_PADDING or zeros % 4 else end - zeros


def _stream_blocks(stream: BinaryIO, end: int) -> tuple[int, list[XzBlock]] | None:
    """The start and the blocks of the stream that ends at ``end``, or None."""
    stream.seek(end - EDGE)
    footer = stream.read(EDGE)
    if footer[10:] != FOOTER_MAGIC or _crc(footer[4:10]) != footer[:4]:
        return None
    index_size = (struct.unpack("<I", footer[4:8])[0] + 1) * 4
    index_start = end - EDGE - index_size
    if index_size > MAX_INDEX_BYTES or index_start < EDGE:
        return None
    stream.seek(index_start)
    records = _index_records(stream.read(index_size))
    if records is None:
        return None
    blocks_size = sum(_padded(unpadded) for unpadded, _ in records)
    start = index_start - blocks_size - EDGE
    if start < 0:
        return None
    stream.seek(start)
    header = stream.read(EDGE)
    if header[:6] != XZ_MAGIC or header[6:8] != footer[8:10] or _crc(header[6:8]) != header[8:]:
        return None
    blocks = []
    offset = start + EDGE
    for unpadded, size in records:
        if size > MAX_BLOCK_BYTES:
            return None
        blocks.append(XzBlock(header, offset, unpadded, size, 0))
        offset += _padded(unpadded)
    return start, blocks


def _index_records(index: bytes) -> list[tuple[int, int]] | None:
    """The (Unpadded Size, uncompressed size) records of a stream's index, or None."""
    if len(index) < 8 or index[0] != 0 or _crc(index[:-4]) != index[-4:]:
        return None
    count, at = _vli(index, 1)
    records = []
    for _ in range(count if at > 0 and count <= len(index) // 2 else -1):
        unpadded, at = _vli(index, at)
        size, at = _vli(index, at) if at > 0 else (0, -1)
        if at < 0 or unpadded < 5:
            return None
        records.append((unpadded, size))
    if at < 0 or len(records) != count:
        return None
    padding = index[at:-4]
    if len(padding) != -at % 4 or padding.strip(b"\x00"):
        return None
    return records


def _vli(data: bytes, at: int) -> tuple[int, int]:
    """Read a variable-length integer (7 bits a byte, at most 9 bytes) at ``at``; return it
    and where the next field starts (-1 when data ends first or it is malformed)."""
    value = 0
    for shift in range(0, 63, 7):
        if at >= len(data) - 4:  # the CRC32 after the records is no part of them
            return 0, -1
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, (at if byte or not shift else -1)  # no trailing zero byte
    return 0, -1


def _padded(unpadded: int) -> int:
    return unpadded + (-unpadded % 4)


def _crc(data: bytes) -> bytes:
    return struct.pack("<I", zlib.crc32(data))


def decompress_block(stream: BinaryIO, block: XzBlock) -> Iterator[bytes]:
    """Yield the decompressed bytes of one block, a piece at a time.

    The block is handed to liblzma as a stream of its own (its stream header, the block,
    an index of one record, a footer), so its check and sizes are verified. Raises
    lzma.LZMAError when the block is damaged or holds more or less than the index says;
    a damaged block first gives every byte liblzma decodes before the damage
    (:mod:`kvmlist.sources._salvage`), as the sequential read of the file does.
    """
    left = block.size + 1  # one byte more than the index says is an error, found at once
    for piece in _decoded(stream, block, left):
        left -= len(piece)
        if left <= 0:
            raise lzma.LZMAError("a block holds more than its index says")
        yield piece
    if left != 1:
        raise lzma.LZMAError("a block holds less than its index says")


def _decoded(stream: BinaryIO, block: XzBlock, left: int) -> Iterator[bytes]:
    """liblzma's output for a block (at most a few pieces more than ``left`` bytes); when
    it raises, the input of the call that raised is decoded again a byte at a time."""
    decompressor = lzma.LZMADecompressor(format=lzma.FORMAT_XZ)
    fed, given = 0, 0  # pieces of input that decoded, bytes given
    for data in _block_input(stream, block):
        try:
            for piece in _output(decompressor, data, left - given):
                given += len(piece)
                yield piece
        except lzma.LZMAError as error:
            failure = error
            break
        fed += 1
    else:
        if not decompressor.eof:
            raise lzma.LZMAError("a block holds less than its index says")
        return
    good = itertools.islice(_block_input(stream, block), fed)  # the same pieces again
    again = lzma.LZMADecompressor(format=lzma.FORMAT_XZ)
    yield from salvaged(again, good, data, skip=given, size=PIECE_BYTES, error=failure)


def _block_input(stream: BinaryIO, block: XzBlock) -> Iterator[bytes]:
    """What liblzma is given for a block: a stream header, the block a READ_BYTES piece at
    a time, an index of one record and a footer."""
    yield block.header
    stream.seek(block.offset)
    remaining = _padded(block.unpadded)
    while remaining:
        data = stream.read(min(READ_BYTES, remaining))
        if not data:
            raise lzma.LZMAError("the file ends inside a block")
        remaining -= len(data)
        yield data
    yield _one_record_index(block)


def _output(decompressor: lzma.LZMADecompressor, data: bytes, left: int) -> Iterator[bytes]:
    """What the decompressor gives for data, in pieces of at most PIECE_BYTES and, all
    together, at most a few pieces more than ``left`` bytes."""
    size = max(1, min(left, PIECE_BYTES))
    piece = decompressor.decompress(data, max_length=size)
    while piece:
        yield piece
        if decompressor.needs_input or decompressor.eof:
            return
        piece = decompressor.decompress(b"", max_length=size)


def _one_record_index(block: XzBlock) -> bytes:
    """The index and footer of a stream that holds only ``block``."""
    records = b"\x00" + _vli_bytes(1) + _vli_bytes(block.unpadded) + _vli_bytes(block.size)
    records += b"\x00" * (-len(records) % 4)
    index = records + _crc(records)
    backward = struct.pack("<I", len(index) // 4 - 1) + block.header[6:8]
    return index + _crc(backward) + backward + FOOTER_MAGIC


def _vli_bytes(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)
