"""Open a path, ``-`` or a file object as a binary stream, undoing gzip/xz/bzip2 transparently."""

from __future__ import annotations

import bz2
import contextlib
import io
import lzma
import os
import sys
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any, BinaryIO, Protocol, Union, cast

from kvmlist.errors import MboxFormatError, SourceError
from kvmlist.sources._inflate import Inflate
from kvmlist.sources._salvage import read_again, salvaged


class BinaryFile(Protocol):
    """What a file object given as a source needs: ``read`` giving bytes. ``open(p, "rb")``,
    ``io.BytesIO``, ``gzip.open(p)``, ``lzma.open(p)`` and ``bz2.open(p)`` all are."""

    def read(self, size: int = ..., /) -> bytes: ...


#: A path, ``-`` (standard input) or a binary file object.
Source = Union[str, "os.PathLike[str]", BinaryFile]

XZ_MAGIC = b"\xfd7zXZ\x00"
#: What reading a damaged or truncated compressed file raises.
DECOMPRESS_ERRORS = (EOFError, OSError, lzma.LZMAError, zlib.error)
#: Decompressed bytes buffered at a time around a decompressor.
BUFFER = 1 << 16
GZIP_MAGIC = b"\x1f\x8b"
#: Compressions kvmlist does not read, by their magic bytes: named in the error.
UNREAD_MAGIC = ((b"\x28\xb5\x2f\xfd", "zstd", "zstd -d"), (b"\x04\x22\x4d\x18", "lz4", "lz4 -d"))


def apple_mbox(path: str | os.PathLike[str]) -> str | None:
    """The mbox inside an Apple Mail export (a folder ``X.mbox`` holding the file ``mbox``;
    its ``Info.plist`` is not needed), else None."""
    inner = os.path.join(path, "mbox")
    return inner if os.path.isdir(path) and os.path.isfile(inner) else None


def is_compressed(path: str | os.PathLike[str]) -> bool:
    """True when a file starts with the magic bytes of gzip, xz or bzip2."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
    except OSError:
        return False
    return any(head.startswith(magic) for magic, _ in _MAGIC)


@contextlib.contextmanager
def open_binary(source: Source) -> Iterator[BinaryIO]:
    """Yield a decompressed binary stream for a path, ``-`` (stdin) or a binary file object."""
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        if path == "-":
            with _decompressed(_peekable(sys.stdin.buffer), "standard input") as stream:
                yield stream
            return
        try:  # an Apple Mail export is a folder: its mbox is the file "mbox" inside
            handle = open(apple_mbox(path) or path, "rb")  # noqa: SIM115 - closed by the with below
        except FileNotFoundError:
            raise SourceError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise SourceError(
                f"{path}: is a directory (kvmlist.read reads a Maildir, a folder of mail "
                "files or a public-inbox archive)"
            ) from None
        except OSError as error:
            raise SourceError(f"{path}: {error.strerror or error}") from None
        with handle, _decompressed(handle, path) as stream:
            yield stream
        return
    if isinstance(source, io.TextIOBase):
        raise SourceError("a text-mode file was given: open the mbox in binary mode ('rb')")
    stream_in = cast(BinaryIO, source)  # typed as what users pass; read as before
    with _decompressed(_peekable(stream_in), getattr(source, "name", "the stream")) as stream:
        yield stream


def _peekable(stream: BinaryIO) -> BinaryIO:
    if hasattr(stream, "peek"):
        return stream
    return io.BufferedReader(stream)  # type: ignore[type-var]


@contextlib.contextmanager
def _decompressed(stream: BinaryIO, name: object) -> Iterator[BinaryIO]:
    head = stream.peek(6)[:6] if hasattr(stream, "peek") else b""
    for magic, compression, command in UNREAD_MAGIC:
        if head.startswith(magic):
            raise MboxFormatError(
                f"{name}: compressed with {compression}, which kvmlist does not read: "
                f"decompress it first ({command}); gzip, xz and bzip2 are read as they are"
            )
    for magic, opener in _MAGIC:
        if head.startswith(magic):
            with opener(stream) as inner:
                yield inner
            return
    yield stream


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


#: Magic bytes and the opener of each compressed format; checked on the stream itself, so a
#: misnamed file still works.
_MAGIC: tuple[tuple[bytes, Callable[[BinaryIO], io.BufferedReader]], ...] = (
    (GZIP.magic, lambda stream: _Buffered(StreamsReader(stream, GZIP), BUFFER)),
    (XZ.magic, lambda stream: _Buffered(StreamsReader(stream, XZ), BUFFER)),
    (BZIP2.magic, lambda stream: _Buffered(StreamsReader(stream, BZIP2), BUFFER)),
)
