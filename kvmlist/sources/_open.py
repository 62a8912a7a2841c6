"""Open a path, ``-`` or a file object as a binary stream, undoing gzip/xz/bzip2 transparently."""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterator
from typing import BinaryIO, Protocol, Union, cast

from kvmlist.errors import MboxFormatError, SourceError
from kvmlist.sources._streams import FORMATS, decompressing


class BinaryFile(Protocol):
    """What a file object given as a source needs: ``read`` giving bytes. ``open(p, "rb")``,
    ``io.BytesIO``, ``gzip.open(p)``, ``lzma.open(p)`` and ``bz2.open(p)`` all are."""

    def read(self, size: int = ..., /) -> bytes: ...


#: A path, ``-`` (standard input) or a binary file object.
Source = Union[str, "os.PathLike[str]", BinaryFile]

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
    return any(head.startswith(form.magic) for form in FORMATS)


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
    for form in FORMATS:  # known by the stream's magic bytes, so a misnamed file still works
        if head.startswith(form.magic):
            with decompressing(stream, form) as inner:
                yield inner
            return
    yield stream
