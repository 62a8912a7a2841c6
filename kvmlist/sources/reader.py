"""Read mail sources into parsed Messages and Patches, losing none."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Generic, TypeVar

from kvmlist._arguments import check_type, refuse
from kvmlist.errors import UsageError
from kvmlist.models import Message
from kvmlist.parse.message import parse_message, parse_unless_answer, unparsable_message
from kvmlist.sources._open import Source
from kvmlist.sources.folder import iter_mail_files
from kvmlist.sources.maildir import iter_maildir
from kvmlist.sources.mbox import MBOX_FORMATS, MboxFormat, iter_raw_messages
from kvmlist.sources.spec import classify_source

T = TypeVar("T")


def read_mbox(
    source: Source,
    *,
    format: MboxFormat = "mboxrd",
    strict: bool = False,
    answers: bool = True,
) -> Iterator[Message]:
    """Yield every mail of an mbox (path, ``-`` or binary file; .gz/.xz/.bz2 too) as a Message.

    Patches and cover letters come out as :class:`~kvmlist.Patch`. A mail that cannot be
    parsed comes out as a Message with an ``unparsable`` defect, so the count out always
    equals the count in; ``strict=True`` raises instead. ``answers=False``: see parse_raw.
    A ``format`` other than "mboxrd" or "mboxo" is a UsageError.
    """
    check_source(source)
    if format not in MBOX_FORMATS:
        raise UsageError(f"format: expected one of {', '.join(MBOX_FORMATS)}, got {format!r}")
    return parse_raw(iter_raw_messages(source, format=format), strict=strict, answers=answers)


def read_maildir(
    path: str | os.PathLike[str], *, strict: bool = False, answers: bool = True
) -> Iterator[Message]:
    """Yield every mail of a Maildir as a Message, ``cur/`` and ``new/`` in delivery order
    (kvmlist.sources.maildir: a folder or a dangling link is skipped with a warning)."""
    check_type(path, (str, os.PathLike), "path", "a path")
    return parse_raw(iter_maildir(path), strict=strict, answers=answers)


def read(source: Source, *, strict: bool = False, answers: bool = True) -> Iterator[Message]:
    """Yield the mails of an mbox file (or one mail), a Maildir, a folder of mail files
    (``git format-patch -o``'s), a public-inbox archive or ``-``, whichever it is
    (``kvmlist.sources.spec.classify_source`` decides). ``answers=False``: see parse_raw."""
    check_source(source)
    spec = classify_source(source)
    if spec.kind == "maildir":
        return read_maildir(spec.location, strict=strict, answers=answers)
    if spec.kind == "files":
        return parse_raw(iter_mail_files(spec.location), strict=strict, answers=answers)
    if spec.kind == "inbox":
        return read_inbox(spec.location, strict=strict, answers=answers)
    return read_mbox(source, strict=strict, answers=answers)


def check_source(source: object) -> None:
    """Raise a TypeError unless a source is a path, ``-`` or a binary file object."""
    if isinstance(source, (str, os.PathLike)) or hasattr(source, "read"):
        return
    hint = "wrap bytes in io.BytesIO(data)" if isinstance(source, (bytes, bytearray)) else ""
    raise refuse("source", source, 'a path, "-" or a binary file object', hint)


def parse_raw(
    raws: Iterable[bytes], *, strict: bool = False, answers: bool = True
) -> Iterator[Message]:
    """Yield a Message for every raw mail, in order.

    A mail the parser cannot read comes out as an ``unparsable`` Message (``strict=True``
    raises MessageParseError instead); running out of memory is no defect of the mail.

    With ``answers=False``, a mail whose subject answers or forwards another (``Re:``,
    ``Fwd:``) is left out once its subject is read (:func:`parse_unless_answer`): it is never
    a Patch, so every count of patch mails comes out the same, in about two thirds of the
    time on a list of threads. Some answers may still come out (those whose header block is
    not plain).
    """
    parse = parse_message if answers else parse_unless_answer
    for raw in raws:
        if strict:
            message = parse(raw, strict=True)
        else:
            try:
                message = parse(raw)
            except MemoryError:
                raise
            except Exception as error:  # a parser bug must cost one mail, never the whole run
                message = unparsable_message(raw, error)
        if message is not None:
            yield message


def read_inbox(
    inbox: str | os.PathLike[str],
    commit_range: str | None = None,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    strict: bool = False,
    answers: bool = True,
) -> Iterator[Message]:
    """Yield the mails of a local public-inbox archive (v2 inbox, epoch or v1 repository).

    ``commit_range`` has git semantics across epochs (``A..B``: after A up to and including
    B; abbreviated ids work); ``since``/``until`` bound the arrival (commit) time, ``until``
    excluded (a naive time is UTC). A mail a later commit removed (as of B, else HEAD) is
    left out with a ``WithdrawnMail`` warning (kvmlist.sources.notices). A repository whose
    newest commits change other files than mails (a clone of source code) is a SourceError.
    ``answers=False``: see parse_raw.
    """
    check_type(inbox, (str, os.PathLike), "inbox", "a path")
    check_type(commit_range, (str, type(None)), "commit_range", 'a str like "A..B" or None')
    for name, when in (("since", since), ("until", until)):
        check_type(when, (datetime, type(None)), name, "a datetime or None")
    raws = inbox_raws(inbox, commit_range, since=since, until=until)
    return parse_raw(raws, strict=strict, answers=answers)


def inbox_raws(
    inbox: str | os.PathLike[str],
    commit_range: str | None = None,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Iterator[bytes]:
    """Yield the raw mails of a local public-inbox archive, as :func:`read_inbox` reads them."""
    from kvmlist.sources.public_inbox import iter_archive  # git: loaded for an archive only

    mails = iter_archive(inbox, commit_range, since=since, until=until)
    return (mail.raw for mail in mails)


class Counted(Generic[T]):
    """An iterable that counts what passes through it (mails read, messages parsed)."""

    def __init__(self, items: Iterable[T]) -> None:
        self._items = items
        self.count = 0

    def __iter__(self) -> Iterator[T]:
        for item in self._items:
            self.count += 1
            yield item
