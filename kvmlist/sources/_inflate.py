"""A gzip member's decoder that loses nothing decoded before a damage (zlib drops it)."""

from __future__ import annotations

import zlib
from typing import Any


class Inflate:
    """zlib's decoder of a gzip member, with the interface of lzma's and bz2's decompressors
    (``needs_input``, ``eof``, ``unused_data``, ``decompress(data, max_length)``).

    When zlib raises, it drops what that call decoded. So each call is made on a copy of the
    decoder: after an error, the copy decodes the call's input again a byte at a time, and
    everything decoded before the damage comes out; the error comes with the next call.
    Nothing is read again, so a pipe (standard input) gives every byte too."""

    def __init__(self) -> None:
        self._zlib = zlib.decompressobj(wbits=31)  # 31: a gzip header and trailer
        self._input = b""  # given and not decoded yet
        self._held = b""  # decoded and not handed out yet
        self._full = False  # the last call stopped at max_length: more may be pending
        self._failure: zlib.error | None = None

    @property
    def eof(self) -> bool:
        return self._zlib.eof and not self._held

    @property
    def needs_input(self) -> bool:
        return not (self._held or self._full or self._input or self._failure)

    @property
    def unused_data(self) -> bytes:
        return self._zlib.unused_data

    def decompress(self, data: bytes, max_length: int = -1) -> bytes:
        self._input += data
        if max_length == 0:
            return b""
        if not self._held and self._failure is None:
            data, self._input, limit = self._input, b"", max(max_length, 0)
            spare = self._zlib.copy()
            try:
                self._held = self._zlib.decompress(data, limit)
                self._input, self._full = self._zlib.unconsumed_tail, len(self._held) == limit
            except zlib.error as error:
                self._held, self._failure = _before_error(spare, data), error
        if not self._held and self._failure is not None:
            raise self._failure
        size = len(self._held) if max_length < 0 else max_length
        out, self._held = self._held[:size], self._held[size:]
        return out


def _before_error(decoder: Any, data: bytes) -> bytes:
    """What decoder gives for data fed a byte at a time, up to the byte it raises on."""
    out = []
    for at in range(len(data)):
        try:
            out.append(decoder.decompress(data[at : at + 1]))
        except zlib.error:
            break
    return b"".join(out)
