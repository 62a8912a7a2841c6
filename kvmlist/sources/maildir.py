"""Read a Maildir (``cur/`` and ``new/``) as raw mails, in delivery order.

Mails come in the order of the delivery time their names encode (the Maildir convention,
cr.yp.to/proc/maildir.html, as Python's mailbox and Dovecot write it:
``<seconds>.M<microseconds>P<pid>Q<count>.<host>[:2,flags]``): by the seconds, then the
microseconds (``M``), then the rest of the name with its numbers compared as numbers, ``cur/``
and ``new/`` together. Sorted as text, ``M94177`` came after ``M191061`` and ``Q10`` before
``Q2``. Names of another shape come after those, in name order (stable, unlike file times).

An entry that is no mail file (a folder) or whose mail is gone (a link to nothing, a file
moved away since the folder was listed) is skipped with a :class:`SkippedEntry` warning that
names it and says why (the command line lists them). Only regular files are mails: a FIFO
would hang the read and a link to ``/dev/zero`` would never end, so anything else is a
SourceError, as is a file over the per-mail size limit.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import warnings
from collections.abc import Iterator

from kvmlist.errors import MboxFormatError, SourceError
from kvmlist.sources.mbox import MAX_MAIL_BYTES

# 1796648055.M94177P1234Q539.host:2,S -> seconds 1796648055, rest "M94177P1234Q539.host"
RE_DELIVERED = re.compile(r"(\d+)\.(.*?)(?:[:!]2,.*)?")
# M94177P1234Q539 -> the microseconds 94177
RE_MICROSECONDS = re.compile(r"M(\d+)")
# Q539.host -> "Q", "539", ".host": numbers compared as numbers
RE_NUMBER = re.compile(r"(\d+)")


class SkippedEntry(UserWarning):
    """A Maildir entry that is no mail file, or whose mail is gone, was skipped."""


def iter_maildir(
    path: str | os.PathLike[str], *, max_mail_bytes: int = MAX_MAIL_BYTES
) -> Iterator[bytes]:
    """Yield the raw bytes of every mail in a Maildir, ``cur/`` and ``new/``, in delivery order.

    A folder or a dangling link is skipped with a :class:`SkippedEntry` warning. A file that
    is not a regular file, or is larger than ``max_mail_bytes``, stops the read with a
    SourceError naming it.
    """
    root = os.fspath(path)
    if not os.path.isdir(root):
        raise SourceError(f"{root}: not a directory")
    subdirs = [os.path.join(root, sub) for sub in ("cur", "new")]
    if not any(os.path.isdir(sub) for sub in subdirs):
        raise MboxFormatError(
            f"{root}: not a Maildir (no cur/ or new/ folder), nor a folder of mail files "
            "(.patch, .eml, .mbox) or a public-inbox archive"
        )
    entries = [
        (sub, name)
        for sub in subdirs
        if os.path.isdir(sub)
        for name in _listed(sub)
        if not name.startswith(".")
    ]
    for sub, name in sorted(entries, key=lambda entry: delivery_key(entry[1])):
        mail = _read_entry(os.path.join(sub, name), max_mail_bytes)
        if mail is not None:
            yield mail


def _listed(folder: str) -> list[str]:
    """Return a folder's names; one that cannot be listed (mode 000) is a SourceError, as an
    unreadable mail file is: its mails would be lost without a word."""
    try:
        return os.listdir(folder)
    except OSError as error:
        raise SourceError(f"{folder}: cannot read: {error.strerror}") from None


def delivery_key(name: str) -> tuple[int, int, int, tuple[tuple[int, str], ...], str]:
    """Return a Maildir file name's place in delivery order (see the module docstring)."""
    delivered = RE_DELIVERED.fullmatch(name)
    if delivered is None:
        return (1, 0, 0, (), name)
    unique = delivered.group(2)
    micro = RE_MICROSECONDS.search(unique.split(".", 1)[0])
    pieces = RE_NUMBER.split(unique)  # text, number, text, number, ..., text
    parts = tuple(
        (int(piece), "") if index % 2 else (-1, piece) for index, piece in enumerate(pieces)
    )
    return (0, int(delivered.group(1)), int(micro.group(1)) if micro else 0, parts, name)


def _read_entry(path: str, max_mail_bytes: int) -> bytes | None:
    """Return one entry's mail, or None (with a SkippedEntry warning) when it has none."""
    try:
        return read_mail_file(path, max_mail_bytes)
    except _NoMail as gone:
        warnings.warn(f"{path}: {gone}", SkippedEntry, stacklevel=3)
        return None


def why_no_mail(path: str, mode: int | None) -> str | None:
    """Return why an entry of this mode (None: it is gone) is no mail file to read, or None
    for a regular file: the words the Maildir and the mail-file folder both say."""
    if mode is None:
        return "a link to nothing" if os.path.islink(path) else "gone since the listing"
    if stat.S_ISDIR(mode):
        return "a folder, not a mail"
    if not stat.S_ISREG(mode):
        return "not a regular file (a device, FIFO or socket?)"
    return None


def why_not_opened(path: str, error: OSError) -> str | None:
    """Return why an entry that could not be opened or stat'ed holds no mail (gone, a link to
    nothing, a link loop), or None for an error to stop at (no permission, an I/O error)."""
    if error.errno == errno.ENOENT:
        return why_no_mail(path, None)
    if error.errno == errno.ELOOP:
        return "a link that leads to itself (a loop)"
    return None


class _NoMail(Exception):
    """An entry holds no mail: a folder, a link to nothing, a file gone since the listing."""


def read_mail_file(path: str, max_mail_bytes: int = MAX_MAIL_BYTES) -> bytes:
    """Return the bytes of one mail file: a regular file no larger than ``max_mail_bytes``."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        why = why_not_opened(path, error)
        if why is not None:
            raise _NoMail(why) from None
        raise SourceError(f"{path}: {error.strerror}") from None
    mode = os.fstat(descriptor).st_mode
    if stat.S_ISDIR(mode):  # os.fdopen refuses a folder's descriptor
        os.close(descriptor)
        raise _NoMail(why_no_mail(path, mode))
    with os.fdopen(descriptor, "rb", buffering=0) as handle:
        info = os.fstat(descriptor)
        why = why_no_mail(path, info.st_mode)
        if why is not None:
            raise SourceError(f"{path}: {why}")
        if info.st_size > max_mail_bytes:
            raise SourceError(
                f"{path}: mail is larger than {max_mail_bytes:,} bytes "
                "(max_mail_bytes); corrupt or hostile input?"
            )
        chunks: list[bytes] = []
        left = max_mail_bytes + 1  # a file growing while it is read stays bounded too
        try:
            while left > 0 and (chunk := handle.read(min(left, 1 << 20))):
                chunks.append(chunk)
                left -= len(chunk)
        except OSError as error:
            raise SourceError(f"{path}: {error.strerror}") from None
    if left <= 0:
        raise SourceError(f"{path}: mail is larger than {max_mail_bytes:,} bytes (max_mail_bytes)")
    return b"".join(chunks)
