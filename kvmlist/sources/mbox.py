"""Split an mbox (mboxrd or mboxo, optionally compressed) into the raw bytes of each mail.

Python's ``mailbox.mbox`` leaves mboxrd's ``>From `` quoting in place, so a body line that
read "From the spec" comes back as ">From the spec". We undo the quoting: mboxrd removes one
``>`` from every ``>+From `` line; mboxo (ambiguous by design) turns ``>From `` back into
``From ``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Generator, Iterable, Iterator
from typing import BinaryIO, Literal

from kvmlist.errors import MboxFormatError, SourceError
from kvmlist.sources._open import Source, open_binary
from kvmlist.sources._streams import DECOMPRESS_ERRORS, raise_if_damaged
from kvmlist.sources.single import RE_FIELD, read_single, starts_with_header

MboxFormat = Literal["mboxrd", "mboxo"]
#: The formats read_mbox reads (MboxFormat's values).
MBOX_FORMATS: tuple[MboxFormat, ...] = ("mboxrd", "mboxo")

# From mboxrd@z Thu Jan  1 00:00:00 1970   |   From - Mon Dec 07 10:11:12 +0000 2026
# (a sender, then a date that ends the line: weekday, month, day, h?h:mm:ss, year, a zone
# before or after the year; "From v1:" or "From the spec ... 10:30" in a body is no separator)
RE_SEPARATOR = re.compile(
    rb"From (?:[^\n]*[ \t])?(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[ \t]+"
    rb"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[ \t]+\d\d?[ \t]+\d\d?:\d\d:\d\d"
    rb"(?:[ \t]+(?:[A-Z]{1,5}|[+-]\d{4}))?[ \t]+\d{4}(?:[ \t]+(?:[A-Z]{1,5}|[+-]\d{4}))?[ \t\r]*$"
)
# From   (anywhere: a separator line's start, a quoted line's after its ">")
RE_FROM_WORD = re.compile(rb"From ")
# >From ...  |  >>From ...   (mboxrd-quoted body lines, in b"\n" + raw: see _finish)
RE_MBOXRD_QUOTED = re.compile(rb"\n>(>*From )")
# >From ...  (mboxo-quoted body lines)
RE_MBOXO_QUOTED = re.compile(rb"\n>(From )")
#: Bytes read at a time by the mboxrd splitter.
BLOCK = 1 << 20
#: The largest mail read by default (a 100 MB one-line body still fits).
MAX_MAIL_BYTES = 256 * 1024 * 1024
READ_ERRORS = DECOMPRESS_ERRORS


def iter_raw_messages(
    source: Source, *, format: MboxFormat = "mboxrd", max_mail_bytes: int = MAX_MAIL_BYTES
) -> Iterator[bytes]:
    """Yield the raw bytes of every mail in an mbox, in file order, quoting undone.

    Memory stays bounded whatever the input (a gzip bomb included): a mail larger than
    ``max_mail_bytes`` stops the read with a SourceError naming the limit. A file that
    starts with a header block instead of a ``From `` line is one mail (kvmlist.sources.single).
    """
    name = _name(source)
    with open_binary(source) as stream:
        if starts_with_header(stream):
            yield read_single(stream, name, max_mail_bytes)
            return
        try:
            if format == "mboxrd":
                blocks = iter(lambda: stream.read(BLOCK), b"")
                yield from _split_blocks(blocks, _Budget(name, max_mail_bytes))
                return
            for lines in _split(stream, _Budget(name, max_mail_bytes), confirm=True):
                yield _finish(lines, RE_MBOXO_QUOTED)
        except MboxFormatError:
            raise_if_damaged(stream, name)  # a damaged archive's garbled start
            raise


def split_mboxrd(
    data: bytes | Iterable[bytes], *, name: str = "<bytes>", max_mail_bytes: int = MAX_MAIL_BYTES
) -> Iterator[bytes]:
    """Yield the raw bytes of every mail in data, a slice of an mboxrd starting at a mail
    (bytes, or its consecutive pieces), as :func:`iter_raw_messages` gives them (each line
    is judged on its own, wherever a piece ends: worker processes split their share of an
    archive with this)."""
    blocks = [data] if isinstance(data, bytes) else data
    yield from _split_blocks(blocks, _Budget(name, max_mail_bytes))


def split_mboxrd_range(
    stream: BinaryIO,
    start: int,
    end: int | None = None,
    *,
    name: str = "<stream>",
    max_mail_bytes: int = MAX_MAIL_BYTES,
) -> Iterator[bytes]:
    """Yield the mails of bytes [start, end) of a seekable mboxrd (end None: to its end),
    as :func:`split_mboxrd` gives them for those bytes; start must be at a mail.

    The range is read a block at a time rather than whole: a process that reads many
    ranges then reuses its memory instead of asking the system for fresh pages (a page
    fault per 4 kB) for every range.
    """
    stream.seek(start)
    left = -1 if end is None else end - start

    def blocks() -> Iterator[bytes]:
        nonlocal left
        while left:
            block = stream.read(BLOCK if left < 0 else min(BLOCK, left))
            if not block:
                return
            left = left - len(block) if left > 0 else left
            yield block

    yield from _split_blocks(blocks(), _Budget(name, max_mail_bytes))


def all_but_last(
    mails: Iterator[bytes], keep_last: Callable[[], bool] | None = None
) -> Iterator[bytes]:
    """The mails but the last: a slice cut by :func:`find_mail_start` ends with the line
    that starts the next slice's first mail. When splitting fails, the mail before the
    failure is still given (it is whole: the splitter failed on the one after it).
    ``keep_last``, asked once the mails have run out, may say the last one is whole too
    (the slice turned out to end with the mbox)."""
    previous: bytes | None = None
    try:
        for mail in mails:
            if previous is not None:
                yield previous
            previous = mail
    except Exception:
        if previous is not None:
            yield previous
        raise
    if previous is not None and keep_last is not None and keep_last():
        yield previous


def find_mail_start(block: bytes, *, at_line_start: bool) -> tuple[int, int] | None:
    """Return where the first line of block that starts a mail begins and ends, or None.

    ``block`` is one read of an mboxrd; ``at_line_start`` says whether the byte
    before it ends a line. A separator line (dated, as every one is) starts a mail whatever
    the lines around it, so the mbox can be cut there into slices for
    :func:`split_mboxrd` that give exactly the mails of :func:`iter_raw_messages`.
    """
    # a line the block does not finish is judged with the next block
    whole = block.rfind(b"\n") + 1
    return next(dated_separators(block, whole, at_line_start=at_line_start), None)


def no_cut_error(name: str, start: int) -> SourceError:
    """The error of a slice for worker processes that holds no dated separator line within
    a mail's largest size after byte ``start``: there is nowhere to cut it."""
    return SourceError(
        f"{name}: no dated 'From ' line within {MAX_MAIL_BYTES:,} bytes after byte "
        f"{start:,}; cannot cut it for worker processes (use one process)"
    )


def dated_separators(data: bytes, end: int, *, at_line_start: bool) -> Iterator[tuple[int, int]]:
    """Yield where each dated separator line among the whole lines of data[:end] begins and
    ends (after its newline); ``at_line_start`` says whether the byte before data ends a line."""
    for start in _line_starts_with_from(data, end):
        if start == 0 and not at_line_start:
            continue
        line_end = data.find(b"\n", start, end) + 1
        if line_end and RE_SEPARATOR.match(data, start, line_end):
            yield start, line_end


def _split_blocks(blocks: Iterable[bytes], budget: _Budget) -> Iterator[bytes]:
    """Yield each mail of an mboxrd, separator line dropped, quoting undone.

    Reads large blocks and searches them for ``From `` (:func:`_from_words`), several times
    faster than iterating over lines in Python: one search finds both the lines that may
    separate mails and the ``>From `` of quoted lines, so only mails that hold one are
    searched again. A block is searched in place up to its last line end: only the line it
    cuts is joined with the next block's start (copying whole blocks cost a page fault per
    4 kB of fresh memory, a third of the time to split). A block without a line end (a
    hostile or huge line) is set aside whole, so long lines cost linear time.
    """
    name = budget.name
    current: list[bytes] | None = None
    quoted = False  # whether the current mail may hold a quoted "From " line
    unfinished: list[bytes] = []  # the start of a line that has not ended yet
    try:
        for block in blocks:
            begin = 0
            if unfinished:  # the cut line, whole
                begin = block.find(b"\n") + 1
                if not begin:
                    unfinished.append(block)
                    budget.check(sum(map(len, unfinished)))
                    continue
                line = b"".join([*unfinished, block[:begin]])
                current, quoted = yield from _mails_in(line, 0, len(line), current, quoted, budget)
            cut = block.rfind(b"\n") + 1
            if not cut:
                unfinished = [block]
                budget.check(len(block))
                continue
            if cut > begin:
                current, quoted = yield from _mails_in(block, begin, cut, current, quoted, budget)
            unfinished = [block[cut:]] if cut < len(block) else []
    except SourceError:
        raise
    except READ_ERRORS as error:
        raise SourceError(f"{name}: cannot read: {error}") from None
    rest = b"".join(unfinished)
    if current is None:
        if rest.strip():
            raise MboxFormatError(f"{name}: does not start with a 'From ' line: not an mbox")
        return
    current.append(rest)
    yield _finish(current, RE_MBOXRD_QUOTED, quoted or b">From " in rest)


def _mails_in(
    data: bytes, begin: int, end: int, current: list[bytes] | None, quoted: bool, budget: _Budget
) -> Generator[bytes, None, tuple[list[bytes] | None, bool]]:
    """Yield the mails that end in data[begin:end] (whole lines, a line starting at begin);
    return the one still open and whether it may hold a quoted ``From `` line (``quoted``:
    the one open before)."""
    position = begin
    for start, line_start in _from_words(data, end, begin):
        if not line_start:
            quoted = quoted or data[start - 1] == 0x3E  # ">From ", anywhere (as _finish's)
            continue
        line_end = data.find(b"\n", start, end) + 1 or end
        if not RE_SEPARATOR.match(data, start, line_end):  # the line alone, wherever blocks end
            continue
        if current is None:
            if data[position:start].strip():
                raise MboxFormatError(
                    f"{budget.name}: does not start with a 'From ' line: not an mbox"
                )
        else:
            current.append(data[position:start])
            yield _finish(current, RE_MBOXRD_QUOTED, quoted)
        current, quoted = [], False
        budget.start()
        position = line_end
    if current is None:
        if data[begin:end].strip():
            raise MboxFormatError(f"{budget.name}: does not start with a 'From ' line: not an mbox")
    else:
        current.append(data[position:end])
        budget.spend(end - position)
    return current, quoted


def _split(stream: BinaryIO, budget: _Budget, *, confirm: bool) -> Iterator[list[bytes]]:
    """Yield each mail as a list of lines (separator line dropped).

    In mboxrd every unquoted ``From `` line is a separator. mboxo writers are known to leave
    body lines unquoted, so with ``confirm`` a ``From `` line only separates mails when the
    line after it is a header line or blank.
    """
    name = budget.name
    current: list[bytes] | None = None
    pending: bytes | None = None  # a "From " line waiting for the next line to confirm it
    at_line_start = True
    try:
        # readline with a size: a hostile gigabyte-long line arrives in bounded pieces
        for line in iter(lambda: stream.readline(BLOCK), b""):
            line_start, at_line_start = at_line_start, line.endswith(b"\n")
            if not line_start:
                if current is not None:
                    current.append(line)
                    budget.spend(len(line))
                continue
            if pending is not None:
                if RE_FIELD.match(line) or line in (b"\n", b"\r\n"):
                    if current is not None:
                        yield current
                    current = []
                    budget.start()
                else:
                    _require_started(current, name)
                    current.append(pending)  # type: ignore[union-attr]
                pending = None
            if line.startswith(b"From ") and RE_SEPARATOR.match(line):
                if confirm:
                    pending = line
                    continue
                if current is not None:
                    yield current
                current = []
                budget.start()
                continue
            if current is None:
                if line.strip():
                    raise MboxFormatError(
                        f"{name}: does not start with a 'From ' line: not an mbox"
                    )
                continue
            current.append(line)
            budget.spend(len(line))
    except SourceError:
        raise
    except READ_ERRORS as error:
        raise SourceError(f"{name}: cannot read: {error}") from None
    if pending is not None:
        if current is not None:
            yield current
        current = []  # a final separator with nothing after it: an empty mail, still counted
    if current is not None:
        yield current


def _require_started(current: list[bytes] | None, name: str) -> None:
    if current is None:
        raise MboxFormatError(f"{name}: does not start with a 'From ' line: not an mbox")


class _Budget:
    """The size limit of one mail, checked as its pieces arrive so memory stays bounded."""

    __slots__ = ("limit", "name", "number", "used")

    def __init__(self, name: str, limit: int) -> None:
        self.name, self.limit, self.number, self.used = name, limit, 0, 0

    def start(self) -> None:
        self.number += 1
        self.used = 0

    def spend(self, size: int) -> None:
        self.used += size
        self.check(0)

    def check(self, pending: int) -> None:
        """Raise when the mail, with pending bytes not yet added, exceeds the limit."""
        if self.used + pending > self.limit:
            raise SourceError(
                f"{self.name}: mail {self.number} is larger than {self.limit:,} bytes "
                "(max_mail_bytes); corrupt or hostile input?"
            )


def _line_starts_with_from(data: bytes, end: int | None = None) -> Iterator[int]:
    """Yield the offsets of the lines of data[:end] that start with "From "."""
    return (start for start, line_start in _from_words(data, end) if line_start)


def _from_words(data: bytes, end: int | None = None, begin: int = 0) -> Iterator[tuple[int, bool]]:
    """Yield the offset of every "From " in data[begin:end], and whether a line starts
    there (begin is at a line start).

    In a mail archive "From " is nearly always at a line start (or quoted, after ">"), and
    a pattern finds it twice as fast as ``bytes.find`` does: it skips to each "F".
    """
    for found in RE_FROM_WORD.finditer(data, begin, len(data) if end is None else end):
        position = found.start()
        yield position, position == begin or data[position - 1] == 0x0A


def _finish(pieces: list[bytes], quoted: re.Pattern[bytes], maybe_quoted: bool = True) -> bytes:
    """Join a mail's pieces, drop the writer's blank line after it and undo the quoting;
    ``maybe_quoted`` False: the splitter saw no ``>From `` in them."""
    raw = b"".join(pieces)
    # the writer's blank line between mails is not part of the mail
    if raw.endswith(b"\n\n"):
        raw = raw[:-1]
    elif raw.endswith(b"\r\n\r\n") or raw == b"\r\n":
        raw = raw[:-2]
    elif raw == b"\n":
        raw = b""
    if maybe_quoted and b">From " in raw:
        # the patterns open with b"\n", which re finds by a fast scan ("^" is tried everywhere)
        raw = quoted.sub(rb"\n\1", b"\n" + raw)[1:]
    return raw


def _name(source: Source) -> str:
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)
    return str(getattr(source, "name", None) or "<stream>")
