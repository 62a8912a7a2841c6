"""Decompress a file of gzip, xz or bzip2 streams one after the other, the padding between
them read as the format allows; an error of the decompressor is raised after every byte
decoded before it (and, for xz, salvaged: :mod:`kvmlist.sources._salvage`)."""

from __future__ import annotations

import bz2
import io
import lzma
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any, BinaryIO

from kvmlist.errors import SourceError
from kvmlist.sources._inflate import Inflate
from kvmlist.sources._salvage import read_again, salvaged

XZ_MAGIC = b"\xfd7zXZ\x00"
GZIP_MAGIC = b"\x1f\x8b"
#: What reading a damaged or truncated compressed file raises.
DECOMPRESS_ERRORS = (EOFError, OSError, lzma.LZMAError, zlib.error)
#: Decompressed bytes buffered at a time around a decompressor.
BUFFER = 1 << 16


#: Decompressed bytes read on, when a compressed file's start is not an mbox, to see whether
#: its check fails: a bzip2 block's end (900 kB before its run-length coding) and then some.
CHECK_READ = 4 << 20


def raise_if_damaged(stream: BinaryIO, name: str) -> None:
    """Called when a stream's start is not an mbox: a compressed one may be damaged, as what
    a decompressor gives before the check at the end of a block (bzip2) or a member (gzip)
    is unchecked, and garbled bytes come out first. Read on a little; a SourceError says the
    file cannot be read when the check fails there."""
    if not isinstance(stream, _Buffered):
        return
    read = 0  # counted here: a pipe's stream does not tell its position
    try:
        while read < CHECK_READ and (data := stream.read1(BUFFER)):
            read += len(data)
    except DECOMPRESS_ERRORS as error:
        raise SourceError(f"{name}: cannot read: {error}") from None


class _FailingLate(io.RawIOBase):
    """A decompressed stream whose read error ends a read short and is raised by the next
    one: a buffered reader around it hands out every byte decompressed before the damage
    (it drops what a read gathered when the read raises). A read that ends short with
    nothing looks like the end of the file: :class:`_Buffered` raises the error then."""

    def __init__(self) -> None:
        super().__init__()
        self._failure: Exception | None = None

    def readable(self) -> bool:
        return True

    def raise_failure(self) -> None:
        """Raise the error that ended the last read, if one did."""
        if self._failure is not None:
            raise self._failure

    def readinto(self, buffer: Any) -> int:
        self.raise_failure()
        try:  # BUFFER at most: a decompressor's output of a MiB takes fresh pages each time
            data = self._read(min(len(buffer), BUFFER))
        except DECOMPRESS_ERRORS as error:
            self._failure = self._described(error)
            return 0
        buffer[: len(data)] = data
        return len(data)

    def _read(self, size: int) -> bytes:
        raise NotImplementedError

    def _described(self, error: Exception) -> Exception:
        """The error as the reader is told it."""
        return error


class _Truncated(EOFError):
    """A compressed file that ends inside a stream."""


class _Buffered(io.BufferedReader):
    """A buffered decompressed stream: a read that gives nothing because the decompressor
    failed raises the error, instead of looking like the end of the file."""

    raw: _FailingLate

    def read(self, size: int | None = -1) -> bytes:
        return self._checked(super().read(size))

    def read1(self, size: int = -1) -> bytes:
        return self._checked(super().read1(size))

    def readline(self, size: int | None = -1) -> bytes:
        return self._checked(super().readline(size))

    def _checked(self, data: bytes) -> bytes:
        if not data:
            self.raw.raise_failure()
        return data


@dataclass(frozen=True, slots=True)
class StreamFormat:
    """A compressed format whose file is streams one after the other (gzip's members, xz,
    bzip2)."""

    name: str
    magic: bytes
    decompressor: Callable[[], Any]  # decompress(data, max_length), eof, needs_input, ...
    #: Null bytes allowed after a stream, in groups of this many (0: none).
    padding: int
    error: type[Exception]
    #: Whether what the decompressor gives before an error is worth decoding again for
    #: (:mod:`kvmlist.sources._salvage`): xz's, yes (the bytes before the damage come out
    #: right); bzip2's, no (a damaged block comes out garbled from its first byte).
    salvage: bool = False
    #: What may come out wrong before a damage is seen (a check comes at the end of what it
    #: checks): said with the error; empty for xz, whose error is said as it is.
    unchecked: str = ""


GZIP: StreamFormat = StreamFormat(
    "gzip",
    GZIP_MAGIC,
    Inflate,
    1,  # gzip(1) skips null bytes after a member, any number
    zlib.error,
    unchecked="a gzip member is checked at its end only: mails before may hold garbled bytes",
)
XZ: StreamFormat = StreamFormat(
    "xz", XZ_MAGIC, partial(lzma.LZMADecompressor, lzma.FORMAT_XZ), 4, lzma.LZMAError, True
)
BZIP2: StreamFormat = StreamFormat(
    "bzip2",
    b"BZh",
    bz2.BZ2Decompressor,
    0,
    OSError,
    unchecked="a bzip2 block is checked at its end only: mails up to 900 kB before may hold "
    "garbled bytes",
)


class StreamsReader(_FailingLate):
    """The decompressed bytes of a file of streams one after the other (gzip's members, xz,
    bzip2), with the stream padding the format allows between and after them (xz: null
    bytes, four at a time; gzip: any number).

    Python's ``lzma.LZMAFile`` takes padding for the end of the data and silently drops
    the streams after it, and it and ``bz2.BZ2File`` ignore any bytes after a stream; here
    they are read, and bytes after a stream that are neither padding nor another stream
    are an error (a SourceError for the reader), not silently left out.
    """

    #: Compressed bytes read at a time.
    READ = 1 << 16

    def __init__(self, raw: BinaryIO, form: StreamFormat) -> None:
        super().__init__()
        self._raw = raw
        self._form = form
        self._start = raw.tell() if raw.seekable() else 0
        self._restart()

    def _restart(self) -> None:
        self._decompressor = self._form.decompressor()
        self._ended = False
        self._failure = None
        self._position = 0  # decompressed bytes handed out
        # where the current stream starts (None: the file cannot be read again), the
        # decompressed bytes handed out before it, the compressed bytes given to its
        # decompressor and the last piece of them: what a salvage decodes again
        self._stream: int | None = self._start if self._raw.seekable() else None
        self._stream_position = 0
        self._fed = 0
        self._last = b""
        self._salvage: Iterator[bytes] | None = None
        self._held = b""  # salvaged bytes not handed out yet

    def seekable(self) -> bool:
        """Seeking works as LZMAFile's does: forward by reading, back by starting again."""
        return self._raw.seekable()

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_CUR:
            offset += self._position
        elif whence != io.SEEK_SET:
            raise io.UnsupportedOperation("a compressed stream seeks from its start or position")
        if offset < self._position:
            self._raw.seek(self._start)
            self._restart()
        while self._position < offset and self.read(min(offset - self._position, 1 << 20)):
            pass
        return self._position

    def readinto(self, buffer: Any) -> int:
        count = super().readinto(buffer)
        self._position += count
        return count

    def _read(self, size: int) -> bytes:
        if self._salvage is not None:
            return self._salvaged(size)
        while not self._ended:
            if self._decompressor.eof:
                self._next_stream()
                continue
            if self._decompressor.needs_input:
                compressed = self._raw.read(self.READ)
                if not compressed:
                    raise _Truncated(f"the file ends inside a stream ({self._form.name})")
                self._fed += len(compressed)
                self._last = compressed
            else:
                compressed = b""
            try:
                data: bytes = self._decompressor.decompress(compressed, size)
            except self._form.error as error:
                self._salvage = self._salvaging(error)
                return self._salvaged(size)
            if data:
                return data
        return b""

    def _described(self, error: Exception) -> Exception:
        """Where the file is truncated or damaged, counted in the mails' bytes handed out
        before (as the reader sees them), and what may be wrong before that point. xz's
        error is said as it is: its worker processes decode blocks of their own and say the
        same words."""
        form = self._form
        if not form.unchecked:
            return error
        where = f"byte {self._position:,} of the decompressed mbox"
        if isinstance(error, _Truncated):
            return _Truncated(f"the {form.name} file is truncated: it ends at {where}")
        said = str(error).rpartition(": ")[2]  # zlib's "Error -3 while decompressing data: "
        return OSError(
            f"the {form.name} file is damaged at about {where} ({said}); {form.unchecked}"
        )

    def _salvaging(self, error: Exception) -> Iterator[bytes]:
        """What the current stream gives after the bytes handed out, up to the error that
        stopped its decompressor (:mod:`kvmlist.sources._salvage`): decoded again from the
        stream's start. A file that cannot be read again (standard input, a pipe) gives
        only what was decoded: the output of the call that raised is lost (bzip2's too)."""
        if self._stream is None or not self._form.salvage:
            raise error
        good = self._fed - len(self._last)
        return salvaged(
            self._form.decompressor(),
            read_again(self._raw, self._stream, good, self.READ),
            self._last,
            skip=self._position - self._stream_position,
            size=BUFFER,
            error=error,
        )

    def _salvaged(self, size: int) -> bytes:
        if not self._held:
            assert self._salvage is not None
            self._held = next(self._salvage)  # it ends by raising the error
        data, self._held = self._held[:size], self._held[size:]
        return data

    def _next_stream(self) -> None:
        """Skip the padding after a stream; start the next stream, or end."""
        form = self._form
        rest, padding = self._decompressor.unused_data, 0
        while True:
            data = rest.lstrip(b"\x00") if form.padding else rest
            padding += len(rest) - len(data)
            if data:
                break
            rest = self._raw.read(self.READ)
            if not rest:
                break
        if form.padding and padding % form.padding:
            text = f"{padding} null bytes after a stream, not a multiple of {form.padding}"
            raise form.error(f"{text} ({form.name})")
        if not data:
            self._ended = True
            return
        while len(data) < len(form.magic) and (more := self._raw.read(self.READ)):
            data += more
        if not data.startswith(form.magic):
            raise form.error(f"bytes after a stream that start no other stream ({form.name})")
        self._decompressor = form.decompressor()
        if self._stream is not None:
            self._stream = self._raw.tell() - len(data)
        self._stream_position, self._fed, self._last = self._position, len(data), data
        self._decompressor.decompress(data, 0)  # kept as its input; the output comes next


#: The compressed formats read, each known by its magic bytes.
FORMATS = (GZIP, XZ, BZIP2)


def decompressing(stream: BinaryIO, form: StreamFormat) -> io.BufferedReader:
    """Return the buffered decompressed stream of a file of ``form``'s streams."""
    return _Buffered(StreamsReader(stream, form), BUFFER)
