"""Blocks of an .xz archive, read from its index and decompressed by worker processes.

The index is untrusted: every lie it can tell (sizes, counts, offsets, checksums) must end
in the serial read or a SourceError, never in lost or invented mails or unbounded memory.
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import io
import itertools
import lzma
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest

import kvmlist
import kvmlist.scale.workers
from kvmlist.scale.workers import parse_in_workers
from kvmlist.scale.xz_parts import XzPart
from kvmlist.sources import mbox as mbox_source
from kvmlist.sources._open import open_binary
from kvmlist.sources.mbox import iter_raw_messages
from kvmlist.sources.xz_blocks import PIECE_BYTES, decompress_block, read_blocks

from .conftest import KVMARM, Pipe, mail, mbox, need
from .test_parallel import generated_mails, xz_streams


@pytest.fixture(autouse=True)
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mbox_source, "BLOCK", 4096)
    monkeypatch.setattr(kvmlist.scale.workers, "CHUNK_BYTES", 8192)


@pytest.fixture(scope="module")
def data() -> bytes:
    return mbox(*generated_mails(120))


def _pieces(data: bytes, count: int) -> list[int]:
    return list(range(0, len(data), -(-len(data) // count)))


def test_the_blocks_of_streams_one_after_the_other(data: bytes, tmp_path: Path) -> None:
    starts = _pieces(data, 5)
    path = tmp_path / "m.mbox.xz"
    path.write_bytes(xz_streams(data, starts))
    with open(path, "rb") as handle:
        blocks = read_blocks(handle)
        assert blocks is not None
        assert [block.position for block in blocks] == starts
        pieces = [b"".join(decompress_block(handle, block)) for block in blocks]
    assert [len(piece) for piece in pieces] == [block.size for block in blocks]
    assert b"".join(pieces) == data


def test_workers_decompress_the_blocks_and_give_the_sequential_mails(
    data: bytes, tmp_path: Path
) -> None:
    path = tmp_path / "m.mbox.xz"
    path.write_bytes(xz_streams(data, _pieces(data, 7)))
    jobs = list(kvmlist.scale.workers._jobs(path))
    assert len(jobs) >= 5 and all(isinstance(job, XzPart) for job in jobs)
    assert list(parse_in_workers(path, 2)) == list(kvmlist.read_mbox(path))
    single = tmp_path / "one.mbox.xz"  # one block: decompressed by the parent, as before
    single.write_bytes(lzma.compress(data))
    assert not any(isinstance(job, XzPart) for job in kvmlist.scale.workers._jobs(single))


def test_a_block_that_starts_inside_a_line_that_looks_like_a_separator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the second block starts at the "From" of "xxFrom jane@... 10:00:00 2026": no mail
    # starts there, whatever both parts that share the border see of it
    monkeypatch.setattr(kvmlist.scale.workers, "CHUNK_BYTES", 1)  # a part per block
    body = "x" * 5000 + "xxFrom jane@example.org Tue Mar  3 10:00:00 2026\n" + "y" * 9000
    data = mbox(*(mail(f"[PATCH] n{n}", body, message_id=f"<{n}@x>") for n in range(4)))
    border = data.index(b"From jane")
    path = tmp_path / "m.mbox.xz"
    path.write_bytes(xz_streams(data, [border, border + 8000]))
    sequential = list(iter_raw_messages(path))
    assert len(sequential) == 4
    assert list(parse_in_workers(path, 2)) == list(kvmlist.read_mbox(path))
    jobs = list(kvmlist.scale.workers._jobs(path))
    assert len(jobs) == 3 and all(isinstance(job, XzPart) for job in jobs)
    assert [raw for job in jobs for raw in _mails(job)] == sequential


def test_blocks_smaller_than_a_read_are_left_to_the_serial_read(
    data: bytes, tmp_path: Path
) -> None:
    # an index may list half a million tiny blocks: a part would have to look ahead over
    # all of them (and carry them to its worker), so such files are read serially
    path = tmp_path / "m.mbox.xz"
    small = [start for start in range(0, len(data), 4000)]  # blocks under BLOCK (4096)
    path.write_bytes(xz_streams(data, small))
    with open(path, "rb") as handle:
        assert len(read_blocks(handle) or ()) == len(small)
    assert not any(isinstance(job, XzPart) for job in kvmlist.scale.workers._jobs(path))
    assert list(parse_in_workers(path, 2)) == list(kvmlist.read_mbox(path))


def _mails(job: object) -> list[bytes]:
    return list(kvmlist.scale.workers._job_mails(job))  # type: ignore[arg-type]


# --- an index that lies ------------------------------------------------------------------------


def _vli(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    return bytes(out + bytes([value]))


def _relisted(stream: bytes, records: list[tuple[int, int]]) -> bytes:
    """One xz stream with its index replaced by ``records`` (Unpadded Size, uncompressed
    size), every checksum made right again: only the sizes lie."""
    backward = (struct.unpack("<I", stream[-8:-4])[0] + 1) * 4
    body = stream[: -12 - backward]
    index = b"\x00" + _vli(len(records)) + b"".join(_vli(u) + _vli(s) for u, s in records)
    index += b"\x00" * (-len(index) % 4)
    index += struct.pack("<I", zlib.crc32(index))
    field = struct.pack("<I", len(index) // 4 - 1) + stream[-4:-2]
    return body + index + struct.pack("<I", zlib.crc32(field)) + field + b"YZ"


def _record(stream: bytes) -> tuple[int, int]:
    """The (Unpadded Size, uncompressed size) of a one-block stream."""
    with_index = _index_of(stream)
    unpadded, at = _read_vli(with_index, 2)
    size, _ = _read_vli(with_index, at)
    return unpadded, size


def _index_of(stream: bytes) -> bytes:
    backward = (struct.unpack("<I", stream[-8:-4])[0] + 1) * 4
    return stream[-12 - backward : -12]


def _read_vli(data: bytes, at: int) -> tuple[int, int]:
    value = 0
    for shift in itertools.count(0, 7):
        value |= (data[at] & 0x7F) << shift
        at += 1
        if data[at - 1] < 0x80:
            return value, at
    raise AssertionError


def _two_streams(data: bytes) -> tuple[bytes, bytes, int]:
    half = len(data) // 2
    return lzma.compress(data[:half]), lzma.compress(data[half:]), half


@pytest.mark.parametrize("change", [+1, -1, +100_000])
def test_a_block_that_holds_other_than_its_index_says_is_a_source_error(
    data: bytes, tmp_path: Path, change: int
) -> None:
    first, second, half = _two_streams(data)
    unpadded, size = _record(second)
    path = tmp_path / "m.mbox.xz"
    path.write_bytes(first + _relisted(second, [(unpadded, size + change)]))
    with open(path, "rb") as handle:
        blocks = read_blocks(handle)
        assert blocks is not None and blocks[1].size == size + change  # checksums are right
        with pytest.raises(lzma.LZMAError):
            b"".join(decompress_block(handle, blocks[1]))
    parallel: list[kvmlist.Message] = []
    with pytest.raises(kvmlist.SourceError, match=r"m\.mbox\.xz: cannot read"):
        parallel.extend(parse_in_workers(path, 2))
    good = list(kvmlist.read_mbox(_plain(data, tmp_path)))
    assert parallel == good[: len(parallel)]  # the mails before the damage, none invented
    assert len(parallel) >= data[:half].count(b"\nFrom mboxrd@z ") > 0  # those of the first


def _plain(data: bytes, tmp_path: Path) -> Path:
    path = tmp_path / "plain.mbox"
    path.write_bytes(data)
    return path


def test_a_block_far_larger_than_its_index_says_is_stopped_early(tmp_path: Path) -> None:
    huge = lzma.compress(b"\n" * (64 << 20))  # 64 MiB of newlines in 10 kB
    unpadded, _ = _record(huge)
    path = tmp_path / "bomb.xz"
    path.write_bytes(lzma.compress(b"From a 1:00\n\n") + _relisted(huge, [(unpadded, 100)]))
    given = 0
    with open(path, "rb") as handle, pytest.raises(lzma.LZMAError, match="more than"):
        blocks = read_blocks(handle)
        assert blocks is not None
        for piece in decompress_block(handle, blocks[1]):
            given += len(piece)
    assert given <= 100 + PIECE_BYTES  # memory stays bounded by what the index says


def _rewritten(stream: bytes, at: int, value: bytes) -> bytes:
    return stream[:at] + value + stream[at + len(value) :]


@pytest.mark.parametrize(
    "lie",
    [
        "index checksum",
        "footer checksum",
        "count",
        "backward size",
        "block too large",
        "unpadded too small",
        "stream header",
        "truncated",
        "trailing bytes",
        "odd padding",
    ],
)
def test_an_index_that_cannot_be_checked_leaves_the_file_to_the_serial_read(
    data: bytes, tmp_path: Path, lie: str
) -> None:
    first, second, _ = _two_streams(data)
    unpadded, size = _record(second)
    index_at = len(second) - 12 - len(_index_of(second))
    damaged = {
        "index checksum": lambda: _rewritten(second, len(second) - 13, b"\x00"),
        "footer checksum": lambda: _rewritten(second, len(second) - 12, b"\xff\xff"),
        "count": lambda: _relisted(second, [(unpadded, size)] * 3),  # three, one block there
        "backward size": lambda: _rewritten(second, len(second) - 8, b"\xff\xff\xff\x0f"),
        "block too large": lambda: _relisted(second, [(unpadded, 1 << 40)]),
        "unpadded too small": lambda: _relisted(second, [(3, size)]),
        "stream header": lambda: _rewritten(second, 7, b"\x0a"),
        "truncated": lambda: second[: index_at + 3],
        "trailing bytes": lambda: second + b"garbage!",
        "odd padding": lambda: second + b"\x00" * 6,  # padding comes four bytes at a time
    }[lie]()
    path = tmp_path / "m.mbox.xz"
    path.write_bytes(first + damaged)
    with open(path, "rb") as handle:
        assert read_blocks(handle) is None
    assert not any(isinstance(job, XzPart) for job in _jobs_or_error(path))
    assert _outcome(parse_in_workers(path, 2)) == _outcome(kvmlist.read_mbox(path))


def _jobs_or_error(path: Path) -> list[object]:
    try:
        return list(kvmlist.scale.workers._jobs(path))
    except kvmlist.SourceError:
        return []


def _outcome(messages: object) -> tuple[list[kvmlist.Message], str]:
    read: list[kvmlist.Message] = []
    try:
        read.extend(messages)  # type: ignore[call-overload]
    except kvmlist.SourceError as error:
        return read, str(error)
    return read, ""


# --- stream padding, and what else may follow a stream ------------------------------------------


def test_streams_after_stream_padding_are_read_in_every_way(data: bytes, tmp_path: Path) -> None:
    # null bytes, four at a time, may follow a stream; lzma.LZMAFile stops there and drops
    # the streams after them
    half = len(data) // 2
    path = tmp_path / "m.mbox.xz"
    path.write_bytes(
        lzma.compress(data[:half]) + b"\x00" * 8 + lzma.compress(data[half:]) + b"\x00" * 4
    )
    mails = list(iter_raw_messages(path))
    assert mails == list(iter_raw_messages(_plain(data, tmp_path)))
    with open(path, "rb") as handle:
        blocks = read_blocks(handle)
    assert blocks is not None and [block.position for block in blocks] == [0, half]
    assert list(parse_in_workers(path, 2)) == list(kvmlist.read_mbox(path))


class _CountedReads(io.BufferedReader):
    reads = 0

    def read(self, size: int | None = -1) -> bytes:
        type(self).reads += 1
        return super().read(size)


@pytest.mark.parametrize("padding", [8 << 20, (8 << 20) + 2])
def test_megabytes_of_padding_are_measured_in_a_few_reads(
    data: bytes, tmp_path: Path, padding: int
) -> None:
    # null bytes after the last stream: the index reader looked at them four at a time,
    # two million reads for 8 MiB; too much padding, or padding that is no multiple of
    # four, leaves the file to the serial reader
    path = tmp_path / "m.mbox.xz"
    path.write_bytes(xz_streams(data, [len(data) // 2]) + b"\x00" * padding)
    _CountedReads.reads = 0
    with open(path, "rb", buffering=0) as raw:
        counted = _CountedReads(raw)
        assert read_blocks(counted) is None
    assert _CountedReads.reads < 1000
    if padding % 4 == 0:  # valid padding: the serial read gives every mail
        assert list(iter_raw_messages(path)) == list(iter_raw_messages(_plain(data, tmp_path)))


@pytest.mark.parametrize(
    ("compress", "after", "error"),
    [
        (lzma.compress, b"garbage!", "start no other stream"),
        (lzma.compress, b"\x00" * 5, "5 null bytes"),
        (lzma.compress, b"\xfd7zXZ", "start no other stream"),  # a magic's start, and the end
        (bz2.compress, b"garbage!", "start no other stream"),  # BZ2File ignored it
        (bz2.compress, b"\x00" * 4, "start no other stream"),  # bzip2 has no padding
    ],
)
def test_bytes_after_a_stream_that_are_no_stream_are_an_error_not_dropped(
    data: bytes, tmp_path: Path, compress: Any, after: bytes, error: str
) -> None:
    path = tmp_path / "m.mbox.packed"
    path.write_bytes(compress(data) + after)
    read: list[bytes] = []
    with pytest.raises(kvmlist.SourceError, match=rf"m\.mbox\.packed: cannot read: .*{error}"):
        read.extend(iter_raw_messages(path))
    assert read == list(iter_raw_messages(_plain(data, tmp_path)))[:-1]  # the last may be cut


def test_bzip2_streams_one_after_the_other_are_all_read(data: bytes, tmp_path: Path) -> None:
    # pbzip2 writes one stream per block; a stream after bytes that are none was dropped
    half = len(data) // 2
    path = tmp_path / "m.mbox.bz2"
    path.write_bytes(bz2.compress(data[:half]) + bz2.compress(data[half:]))
    assert list(iter_raw_messages(path)) == list(iter_raw_messages(_plain(data, tmp_path)))
    path.write_bytes(bz2.compress(data[:half]) + b"junk" + bz2.compress(data[half:]))
    with pytest.raises(kvmlist.SourceError, match="start no other stream"):
        list(iter_raw_messages(path))


def test_the_decompressed_stream_seeks_like_lzmafile(data: bytes, tmp_path: Path) -> None:
    # Dask partitions of a one-block .xz seek to their start in the decompressed bytes
    path = tmp_path / "m.mbox.xz"
    path.write_bytes(xz_streams(data, [len(data) // 3]))
    with open_binary(path) as stream:
        assert stream.seekable()
        for start, size in [(5000, 300), (100, 50), (len(data) - 10, 100), (0, 7)]:
            assert stream.seek(start) == start and stream.tell() == start
            assert stream.read(size) == data[start : start + size]
        assert stream.seek(10, io.SEEK_CUR) == 17 and stream.read(3) == data[17:20]


@pytest.mark.parametrize(
    ("compress", "decompressor"),
    [
        (gzip.compress, lambda: zlib.decompressobj(wbits=31)),
        (bz2.compress, bz2.BZ2Decompressor),
        (lzma.compress, lzma.LZMADecompressor),
    ],
)
def test_a_truncated_archive_gives_every_whole_mail_before_the_cut(
    data: bytes, tmp_path: Path, compress: Any, decompressor: Any
) -> None:
    # a buffered reader drops what one read gathered when the read raises: the mails of
    # up to a read's worth of bytes before the damage were lost with it
    data = data * 40  # bzip2 gives nothing of a 900 kB block until it has all of it
    packed = compress(data)
    path = tmp_path / "m.mbox.packed"
    path.write_bytes(packed[: len(packed) * 2 // 3])
    recoverable = decompressor().decompress(packed[: len(packed) * 2 // 3])
    whole = list(iter_raw_messages(io.BytesIO(recoverable)))[:-1]  # the last is cut short
    read: list[bytes] = []
    with pytest.raises(kvmlist.SourceError, match="cannot read"):
        read.extend(iter_raw_messages(path))
    assert read == whole and len(whole) > 10


@pytest.mark.parametrize("compress", [gzip.compress, lzma.compress])
def test_damage_found_where_a_read_starts_is_an_error_not_the_end(
    data: bytes, tmp_path: Path, compress: Any
) -> None:
    # the mails end exactly where a read of the splitter ends (4096-byte reads here): the
    # next read gets no byte before the error, which must not read as the end of the file
    whole = data + b"\n" * (-len(data) % 4096)
    path = tmp_path / "m.mbox.packed"
    path.write_bytes(compress(whole) + b"garbage!")
    read: list[bytes] = []
    with pytest.raises(kvmlist.SourceError, match="cannot read"):
        read.extend(iter_raw_messages(path))
    assert read == list(iter_raw_messages(io.BytesIO(whole)))[:-1]


def test_a_damaged_block_gives_the_mails_before_it_then_the_error(
    data: bytes, tmp_path: Path
) -> None:
    starts = _pieces(data, 6)
    packed = bytearray(xz_streams(data, starts))
    path = tmp_path / "m.mbox.xz"
    with open(_write(path, bytes(packed)), "rb") as handle:
        blocks = read_blocks(handle)
    assert blocks is not None
    fourth = blocks[3]
    packed[fourth.offset + fourth.unpadded // 2] ^= 0x55  # inside its compressed data
    path.write_bytes(bytes(packed))
    parallel: list[kvmlist.Message] = []
    with pytest.raises(kvmlist.SourceError, match=r"m\.mbox\.xz: cannot read"):
        parallel.extend(parse_in_workers(path, 2))
    good = list(kvmlist.read_mbox(_plain(data, tmp_path)))
    assert parallel == good[: len(parallel)]
    before = data[: fourth.position].count(b"\nFrom mboxrd@z ")  # mails ended before it
    assert len(parallel) >= before - 1 > 0


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.corpus
def test_the_blocks_of_a_real_archive_decompress_to_the_archive() -> None:
    path = need(KVMARM)
    whole, blocks_hash = hashlib.sha256(), hashlib.sha256()
    with lzma.open(path) as stream:
        for piece in iter(lambda: stream.read(1 << 20), b""):
            whole.update(piece)
    with open(path, "rb") as handle:
        blocks = read_blocks(handle)
        assert blocks is not None and len(blocks) > 1  # written by xz -T
        for block in blocks:
            for piece in decompress_block(handle, block):
                blocks_hash.update(piece)
    assert blocks_hash.digest() == whole.digest()


def test_a_worker_lets_go_of_each_piece_of_its_part_once_split(
    data: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a part is tens of MiB on a real archive: it is split as it is decompressed
    from kvmlist.scale import xz_parts

    monkeypatch.setattr(kvmlist.sources.xz_blocks, "PIECE_BYTES", 1024)
    path = tmp_path / "m.mbox.xz"
    path.write_bytes(xz_streams(data, _pieces(data, 2)))
    with open(path, "rb") as handle:
        blocks = read_blocks(handle)
        assert blocks is not None
        whole = xz_parts._Decompressed(handle, tuple(blocks))
        held = []
        for piece in whole.stream(0, None):
            assert piece
            held.append(sum(len(kept) for kept in whole._pieces))
    assert max(held) <= 2 * 1024  # the piece being split and the one after it at most
    assert whole.end == len(data)


# --- damage: the same mails before the error on every path ------------------------------------


def _noisy(count: int) -> bytes:
    """An mbox that compresses about 2:1, as real lists do: a damaged block's mails then
    span many compressed reads."""
    noise = (hashlib.sha256(str(n).encode()).hexdigest() * 20 for n in itertools.count())
    mails = (
        raw.replace(b"Change ", next(noise).encode() + b"\n", 1) for raw in generated_mails(count)
    )
    return mbox(*mails)


def _one_stream_of_blocks(data: bytes, starts: list[int]) -> bytes:
    """data as one .xz stream of several blocks (as ``xz -T`` writes), cut at ``starts``."""
    cuts = sorted({0, *starts, len(data)})
    streams = [lzma.compress(data[a:b]) for a, b in itertools.pairwise(cuts)]
    records = [_record(stream) for stream in streams]
    blocks = b"".join(
        stream[12 : 12 + unpadded + -unpadded % 4]
        for stream, (unpadded, _) in zip(streams, records, strict=True)
    )
    index = b"\x00" + _vli(len(records)) + b"".join(_vli(u) + _vli(s) for u, s in records)
    index += b"\x00" * (-len(index) % 4)
    index += struct.pack("<I", zlib.crc32(index))
    field = struct.pack("<I", len(index) // 4 - 1) + streams[0][6:8]
    footer = struct.pack("<I", zlib.crc32(field)) + field + b"YZ"
    return streams[0][:12] + blocks + index + footer


def _before_error(packed: bytes, damaged: int) -> bytes:
    """Everything liblzma gives for a damaged file (of streams one after the other) before
    it raises: the bytes before the damage at once, the rest a byte at a time (the output
    of the call that raises is lost)."""
    out = []
    decompressor = lzma.LZMADecompressor()

    def feed(data: bytes) -> None:
        nonlocal decompressor
        out.append(decompressor.decompress(data))
        while decompressor.eof:
            data, decompressor = decompressor.unused_data, lzma.LZMADecompressor()
            out.append(decompressor.decompress(data))

    feed(packed[:damaged])
    with pytest.raises(lzma.LZMAError):
        for at in range(damaged, len(packed)):
            feed(packed[at : at + 1])
    return b"".join(out)


def _until_error(mails: Any) -> tuple[list[bytes], str]:
    got = []
    with pytest.raises(kvmlist.SourceError, match="cannot read") as error:
        for item in mails:
            got.append(item if isinstance(item, bytes) else item.raw)
    return got, str(error.value)


@pytest.mark.parametrize("where", ["first block", "mid-archive", "block header", "index", "footer"])
@pytest.mark.parametrize("layout", ["one stream", "streams"])
def test_a_damaged_xz_gives_the_same_mails_before_its_error_on_every_path(
    tmp_path: Path, where: str, layout: str
) -> None:
    # liblzma drops what a call decompressed when it raises: each path decodes the input of
    # that call again in small steps, so none depends on its read sizes
    data = _noisy(300)
    starts = _pieces(data, 6)
    packed = bytearray(
        _one_stream_of_blocks(data, starts) if layout == "one stream" else xz_streams(data, starts)
    )
    path = _write(tmp_path / "m.mbox.xz", bytes(packed))
    with open(path, "rb") as handle:
        blocks = read_blocks(handle)
    assert blocks is not None and len(blocks) == 6
    damaged = {
        "first block": blocks[0].offset + blocks[0].unpadded // 2,
        "mid-archive": blocks[3].offset + blocks[3].unpadded * 2 // 3,
        "block header": blocks[2].offset + 2,
        "index": len(packed) - 12 - 6,
        "footer": len(packed) - 7,
    }[where]
    packed[damaged] ^= 0x55
    path.write_bytes(bytes(packed))
    expected = list(iter_raw_messages(io.BytesIO(_before_error(bytes(packed), damaged))))[:-1]
    sequential, error = _until_error(iter_raw_messages(path))
    assert sequential == expected and len(expected) < 300
    with open(path, "rb") as handle:
        assert _until_error(iter_raw_messages(handle)) == (sequential, error)
    assert _until_error(parse_in_workers(path, 2)) == (sequential, error)
    assert _until_error(kvmlist.read_mbox(path)) == (sequential, error)
    first_job = next(kvmlist.scale.workers._jobs(path))  # a damaged index: read serially
    assert isinstance(first_job, XzPart) == (where not in ("index", "footer"))
    pytest.importorskip("dask", reason="Dask partitions need dask")
    from kvmlist.scale.dask import _partitions

    if where in ("index", "footer"):  # planned by reading the file: planning fails
        with pytest.raises(kvmlist.SourceError) as planning:
            _partitions._plan_partitions(path, chunk_messages=5)
        assert str(planning.value) == error
        return
    parts = _partitions._plan_partitions(path, chunk_messages=5)
    assert len(parts) > 2 and all(isinstance(part, XzPart) for part in parts)
    partitions = (raw for part in parts for raw in kvmlist.scale.xz_parts.part_mails(part))
    assert _until_error(partitions) == (sequential, error)


def test_a_damaged_xz_that_cannot_be_read_again_gives_what_was_decoded(tmp_path: Path) -> None:
    # standard input cannot be decoded again: the output of the call that raised is lost,
    # so a pipe gives the file's mails before the damage but maybe the last few, and the error
    data = _noisy(300)
    packed = bytearray(_one_stream_of_blocks(data, _pieces(data, 6)))
    packed[len(packed) // 2] ^= 0x55
    path = _write(tmp_path / "m.mbox.xz", bytes(packed))
    from_file, error = _until_error(iter_raw_messages(path))
    piped, pipe_error = _until_error(iter_raw_messages(io.BufferedReader(Pipe(bytes(packed)))))
    assert piped == from_file[: len(piped)] and len(piped) > len(from_file) // 2
    assert pipe_error.endswith("cannot read: Corrupt input data") and error.endswith(
        "cannot read: Corrupt input data"
    )


def test_a_damaged_xz_stream_of_one_block_is_decoded_again_to_its_error(tmp_path: Path) -> None:
    # one stream, one block: decoded again from the stream's start, a byte at a time at the
    # end. What liblzma decodes between the damage and the point it sees it is unchecked (a
    # block's check comes at its end): a mail there may come out garbled, on every path.
    data = _noisy(300)
    packed = bytearray(lzma.compress(data))
    damaged = len(packed) * 3 // 4
    packed[damaged] ^= 0x55
    path = _write(tmp_path / "m.mbox.xz", bytes(packed))
    expected = list(iter_raw_messages(io.BytesIO(_before_error(bytes(packed), damaged))))[:-1]
    assert _until_error(iter_raw_messages(path))[0] == expected and len(expected) > 100
