"""Read a Maildir (``cur/`` and ``new/``) as raw mails, in file-name order.

Only regular files are mails: a FIFO would hang the read and a link to ``/dev/zero`` would
never end, so anything else is a SourceError, as is a file over the per-mail size limit.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator

from kvmlist.errors import MboxFormatError, SourceError
from kvmlist.sources.mbox import MAX_MAIL_BYTES


def iter_maildir(
    path: str | os.PathLike[str], *, max_mail_bytes: int = MAX_MAIL_BYTES
) -> Iterator[bytes]:
    """Yield the raw bytes of every mail in a Maildir, ``cur/`` then ``new/``, sorted by name.

    A file that is not a regular file, or is larger than ``max_mail_bytes``, stops the read
    with a SourceError naming it.
    """
    root = os.fspath(path)
    if not os.path.isdir(root):
        raise SourceError(f"{root}: not a directory")
    subdirs = [os.path.join(root, sub) for sub in ("cur", "new")]
    if not any(os.path.isdir(sub) for sub in subdirs):
        raise MboxFormatError(f"{root}: not a Maildir (no cur/ or new/ folder)")
    for sub in subdirs:
        if not os.path.isdir(sub):
            continue
        for name in sorted(os.listdir(sub)):
            if not name.startswith("."):
                yield read_mail_file(os.path.join(sub, name), max_mail_bytes)


def read_mail_file(path: str, max_mail_bytes: int = MAX_MAIL_BYTES) -> bytes:
    """Return the bytes of one mail file: a regular file no larger than ``max_mail_bytes``."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise SourceError(f"{path}: {error.strerror}") from None
    with os.fdopen(descriptor, "rb", buffering=0) as handle:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise SourceError(f"{path}: not a regular file (a device, FIFO or socket?)")
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
