"""Cut an .xz mbox of several blocks into parts that worker processes decompress themselves.

Decompressing takes a single process about as long as parsing (kvmarm: 1.8 s of 3.1 s for
counts), and a compressed stream cannot be cut without decompressing it. But an .xz file
written by ``xz -T`` holds independent blocks, listed in its index
(:mod:`kvmlist.sources.xz_blocks`). So each part is a run of whole blocks: its worker
decompresses them, and finds the mail that starts the part and the one that starts the next
part by one rule (the first dated ``From`` line after the part's first byte, lines looked
at a BLOCK at a time, as the parent cuts a plain file). Both workers that share a
border apply the rule to the same bytes, so they agree on the cut, and every mail comes out
once, exactly as the sequential read gives it.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from typing import BinaryIO, NamedTuple

from kvmlist.errors import SourceError
from kvmlist.sources import mbox
from kvmlist.sources.xz_blocks import XzBlock, decompress_block, file_blocks


class XzPart(NamedTuple):
    """Blocks [0, own) of ``blocks`` are a part's; those after them, as far as a cut may be
    looked for, are there to find the mail that starts the next part."""

    path: str
    blocks: tuple[XzBlock, ...]
    own: int
    first: bool  # the part starts the file: no cut to look for at its start
    to_end: bool  # blocks reach the end of the file
    name: str


def parts_of(path: str, chunk: int, name: str) -> list[XzPart] | None:
    """The parts of an .xz file of at least ``chunk`` decompressed bytes each, or None when
    its blocks are not worth reading apart: fewer than two, or one but the last holding
    less than a BLOCK (``xz -T`` writes blocks of 1 MiB and more). So a part looks ahead
    over a bounded number of blocks however many an index lists."""
    blocks = file_blocks(path)
    if blocks is None or any(block.size < mbox.BLOCK for block in blocks[:-1]):
        return None
    return list(_grouped(path, blocks, chunk, name))


def _grouped(path: str, blocks: list[XzBlock], chunk: int, name: str) -> Iterator[XzPart]:
    """Group the blocks of a file into parts of at least ``chunk`` decompressed bytes."""
    start = 0
    while start < len(blocks):
        own, size = start, 0
        while own < len(blocks) and size < chunk:
            size += blocks[own].size
            own += 1
        end, ahead = own, 0
        while end < len(blocks) and ahead < REACH + mbox.BLOCK:
            ahead += blocks[end].size
            end += 1
        part = tuple(blocks[start:end])
        yield XzPart(path, part, own - start, start == 0, end == len(blocks), name)
        start = own


def part_mails(part: XzPart) -> Iterator[bytes]:
    """The mails of a part, decompressed here, as the sequential read gives them; then the
    error that ended them early, if any.

    The part is decompressed as it is split, a piece at a time, and each piece is let go once
    split: from the mail that starts the part (its first cut) to the next part's first block,
    then on to the mail that starts the next part (the other cut), whose separator line ends
    the part. A worker so holds a few pieces, not its whole part (24-48 MiB on kvmarm).
    """
    with open(part.path, "rb") as handle:
        data = _Decompressed(handle, part.blocks)
        start = 0 if part.first else _cut(data, part.blocks[0].position)
        if start is None:  # no mail starts in the part, or damage or a giant mail first
            failure = _failure(data, part, part.blocks[0].position)
            if failure is not None:
                raise failure
            return
        last = part.own == len(part.blocks)  # the last part: its mails run to the end
        border = None if last else part.blocks[part.own].position
        outcome: list[tuple[bool, SourceError | None]] = []
        mails = mbox.split_mboxrd(_part_pieces(data, part, start, border, outcome), name=part.name)
        # the last mail is the next part's separator line, unless the part ran to the end
        yield from mbox.all_but_last(mails, keep_last=lambda: outcome[0][0])
        error = outcome[0][1]
        if error is not None:
            raise error


def _part_pieces(
    data: _Decompressed,
    part: XzPart,
    start: int,
    border: int | None,
    outcome: list[tuple[bool, SourceError | None]],
) -> Iterator[bytes]:
    """The bytes of a part's mails from ``start``, a piece at a time; then ``outcome`` holds
    whether they end with its last mail (else with the line that starts the next part's, or
    cut short) and the error that ended them early."""
    if border is not None:
        yield from data.stream(start, border)
        end = _cut(data, border, line_end=True)
        start = max(start, border)  # the part's first mail may start after its own blocks
        if end is not None:
            yield from data.stream(start, end)
            outcome.append((False, None))
            return
    yield from data.stream(start, None)  # to the end, or as far as a failure let it
    failure = _failure(data, part, border)
    outcome.append((failure is None, failure))


def _failure(data: _Decompressed, part: XzPart, after: int | None) -> SourceError | None:
    """Why the bytes after ``after`` (None: the last part's) hold no cut: damage, or a mail
    larger than a cut may be looked for; None when the mails simply run to the file's end."""
    if data.error is not None:
        return SourceError(f"{part.name}: cannot read: {data.error}")
    if after is None or (part.to_end and data.reached_end):
        return None
    return mbox.no_cut_error(part.name, after)


class _Decompressed:
    """The decompressed bytes of a run of blocks, decompressed as far as they are asked for
    and kept as the pieces the decompressor gave. A damaged block ends them: ``error``
    keeps what was wrong."""

    def __init__(self, handle: BinaryIO, blocks: tuple[XzBlock, ...]) -> None:
        self.end = blocks[0].position  # where the bytes decompressed so far end
        self.error: Exception | None = None
        self.reached_end = False  # every block of the run was decompressed
        self._pieces: list[bytes] = []
        self._starts: list[int] = []  # where each piece starts
        self._source = (piece for block in blocks for piece in decompress_block(handle, block))

    def extend_to(self, position: int) -> bool:
        """Decompress up to ``position`` (or as far as there are bytes); True if reached."""
        while self.end < position and not self.reached_end and self.error is None:
            try:
                piece = next(self._source)
            except StopIteration:
                self.reached_end = True
                break
            except mbox.READ_ERRORS as error:
                self.error = error
                break
            self._pieces.append(piece)
            self._starts.append(self.end)
            self.end += len(piece)
        return self.end >= position

    def read(self, start: int, end: int) -> bytes:
        """Bytes [start, end) of the decompressed whole (fewer when there are fewer)."""
        self.extend_to(end)
        end = min(end, self.end)
        first = bisect.bisect_right(self._starts, start) - 1
        last = bisect.bisect_left(self._starts, end)
        pieces = self._pieces[first:last]
        if not pieces:
            return b""
        skip, keep = start - self._starts[first], end - self._starts[last - 1]
        if len(pieces) == 1:
            return pieces[0][skip:keep]
        return b"".join([pieces[0][skip:], *pieces[1:-1], pieces[-1][:keep]])

    def stream(self, start: int, stop: int | None) -> Iterator[bytes]:
        """Bytes [start, stop) of the decompressed whole (stop None: all there are), a piece
        at a time, decompressed as they are asked for; a piece given whole is let go (no
        later read may start before its end)."""
        position = start
        while stop is None or position < stop:
            if not self.extend_to(position + 1):
                return
            at = bisect.bisect_right(self._starts, position) - 1
            piece, begin = self._pieces[at], self._starts[at]
            end = len(piece) if stop is None else min(len(piece), stop - begin)
            if position == begin and end == len(piece):
                self._pieces[at] = b""  # let go: given whole
                yield piece
            else:
                yield piece[position - begin : end]
            position = begin + end


#: How far past a part's first byte its cut is looked for (as for a plain file's slices).
REACH = mbox.MAX_MAIL_BYTES + 2 * mbox.BLOCK


def _cut(data: _Decompressed, after: int, *, line_end: bool = False) -> int | None:
    """Where the first dated separator line after byte ``after`` starts (or ends, with
    ``line_end``); None when the bytes run out first, or past REACH.

    Lines are looked at in the BLOCK-aligned reads the sequential splitter makes (the first
    one from ``after`` on), a line only within the read that finishes it, and a line at
    ``after`` itself is left out (the byte before it may be another worker's). So a search
    from a later byte sees the same lines after it: both workers that share a border find
    the same line, and no part ends before it starts.
    """
    block = mbox.BLOCK
    window, at_line_start = after, False
    while window - after <= REACH:
        following = (window // block + 1) * block
        if not data.extend_to(following) and data.end <= window:
            return None
        read = data.read(window, following)
        found = mbox.find_mail_start(read, at_line_start=at_line_start)
        if found is not None:
            return window + found[1 if line_end else 0]
        window, at_line_start = following, read.endswith(b"\n")
    return None
