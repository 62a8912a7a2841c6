"""Open a path, ``-`` or a file object as a binary stream, undoing gzip/xz/bzip2 transparently."""

from __future__ import annotations

import bz2
import contextlib
import gzip
import io
import lzma
import os
import sys
from collections.abc import Iterator
from typing import BinaryIO, Union

from kvmlist.errors import SourceError

Source = Union[str, "os.PathLike[str]", BinaryIO]

# magic bytes -> opener; checked on the stream itself, so a misnamed file still works
_MAGIC = (
    (b"\x1f\x8b", lambda stream: gzip.GzipFile(fileobj=stream)),
    (b"\xfd7zXZ\x00", lzma.LZMAFile),
    (b"BZh", bz2.BZ2File),
)


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
            with _decompressed(_peekable(sys.stdin.buffer)) as stream:
                yield stream
            return
        try:
            handle = open(path, "rb")  # noqa: SIM115 - closed by the with below
        except FileNotFoundError:
            raise SourceError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise SourceError(f"{path}: is a directory (use read_maildir for a Maildir)") from None
        except OSError as error:
            raise SourceError(f"{path}: {error.strerror or error}") from None
        with handle, _decompressed(handle) as stream:
            yield stream
        return
    if isinstance(source, io.TextIOBase):
        raise SourceError("a text-mode file was given: open the mbox in binary mode ('rb')")
    with _decompressed(_peekable(source)) as stream:
        yield stream


def _peekable(stream: BinaryIO) -> BinaryIO:
    if hasattr(stream, "peek"):
        return stream
    return io.BufferedReader(stream)  # type: ignore[type-var]


@contextlib.contextmanager
def _decompressed(stream: BinaryIO) -> Iterator[BinaryIO]:
    head = stream.peek(6)[:6] if hasattr(stream, "peek") else b""
    for magic, opener in _MAGIC:
        if head.startswith(magic):
            with opener(stream) as inner:
                yield inner  # type: ignore[misc]
            return
    yield stream
