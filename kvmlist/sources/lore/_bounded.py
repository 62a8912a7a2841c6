"""Inflating what a server sends, without trusting it: capped output, complete streams only."""

from __future__ import annotations

import zlib

from kvmlist.errors import AnswerTooLarge, BadAnswer

GZIP_MAGIC = b"\x1f\x8b"


class Gunzip:
    """Incremental gunzip of one or more gzip members whose output may not pass ``limit``.

    Feed it the compressed bytes as they arrive; ``finish()`` says whether the stream was
    complete. A bomb stops at ``limit + 1`` bytes of output, whatever its ratio.
    """

    def __init__(self, limit: int, what: str = "the answer") -> None:
        self.limit, self.what, self.size = limit, what, 0
        self._inflate = zlib.decompressobj(wbits=31)
        self._started = False
        self._pending = b""

    def feed(self, data: bytes) -> bytes:
        """Return the bytes data inflates to (raising at the cap or on a broken stream)."""
        data = self._pending + data
        self._pending = b""
        out = []
        while data:
            if self._inflate.eof:
                data = data.lstrip(b"\0")  # gzip(1) accepts zero padding after a member
                if len(data) < len(GZIP_MAGIC) and GZIP_MAGIC.startswith(data):
                    self._pending = data
                    break
                if not data.startswith(GZIP_MAGIC):
                    raise BadAnswer(f"{self.what} has junk after its gzip data")
                self._inflate = zlib.decompressobj(wbits=31)
            self._started = True
            try:
                chunk = self._inflate.decompress(data, self.limit - self.size + 1)
            except zlib.error as error:
                raise BadAnswer(f"{self.what} is not a valid gzip stream ({error})") from None
            self.size += len(chunk)
            if self.size > self.limit:
                raise too_large(self.what, self.limit)
            out.append(chunk)
            data = self._inflate.unused_data if self._inflate.eof else self._inflate.unconsumed_tail
        return b"".join(out)

    def finish(self) -> None:
        """Raise BadAnswer unless every member fed was complete (its end and CRC seen)."""
        if not self._started:
            raise BadAnswer(f"{self.what} is empty, not a gzip file")
        if not self._inflate.eof or self._pending:
            raise BadAnswer(f"{self.what} is a truncated gzip stream")


def gunzip(data: bytes, limit: int, what: str) -> bytes:
    """Return data inflated (complete, at most limit bytes); BadAnswer for anything else."""
    if not data.startswith(GZIP_MAGIC):
        raise BadAnswer(f"{what} is not a gzip file ({describe(data)})")
    inflater = Gunzip(limit, what)
    out = inflater.feed(data)
    inflater.finish()
    return out


def too_large(what: str, limit: int) -> AnswerTooLarge:
    """Return the error for an answer past the cap, naming the option that raises it."""
    return AnswerTooLarge(f"{what} is larger than {limit:,} bytes (max_bytes, --max-bytes)")


def describe(data: bytes) -> str:
    """Return a few words saying what data looks like, for error messages."""
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        return "an HTML page"
    if not data:
        return "nothing"
    if head.startswith(b"<?xml"):
        return "an XML document"
    text = sum(32 <= byte < 127 or byte in b"\t\r\n" for byte in data[:512])
    kind = "text" if text > 0.95 * min(len(data), 512) else "binary data"
    return f"{len(data):,} bytes of {kind}"
