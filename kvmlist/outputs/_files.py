"""Writing a file whole or not at all: a temporary file beside it, renamed over it once
complete. ``-o FILE`` and every page of ``site -o DIR`` are written so."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable


def replace_file(path: str, write: Callable[[str], object], *, follow_link: bool = True) -> None:
    """Write a file whole or not at all: the function writes a temporary file beside it (the
    same suffix, which names the format of an image), renamed over path once complete.

    A failure midway (a full disk) leaves the old file as it was, and no temporary file. The
    new file takes the old one's permissions (else the umask's); it is a new file, so another
    hard link to the old one keeps the old text.

    ``follow_link``: a link the user named (``-o FILE``) has its target replaced; what is no
    regular file (``/dev/null``, ``/dev/full``, a FIFO), and a file in a folder where no file
    can be added, is written in place. Without it (the pages of a folder we write), whatever
    stands at path is replaced, never written through: a link to an archive stays an archive.
    """
    target = os.path.realpath(path) if follow_link else path
    mode = _mode(target, follow_link)
    if not stat.S_ISREG(mode):
        if follow_link:
            write(path)
            return
        mode = _new_file_mode()  # a link or a FIFO at a page's name: a new file
    folder, name = os.path.split(target)
    try:
        handle, temporary = tempfile.mkstemp(
            dir=folder or ".", prefix=f".{name}.", suffix=os.path.splitext(name)[1]
        )
    except PermissionError:
        if not follow_link or not os.path.exists(target):
            raise
        write(path)  # a writable file in a folder we may not add to: in place, as asked
        return
    os.close(handle)
    try:
        write(temporary)
        os.chmod(temporary, stat.S_IMODE(mode))
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _mode(path: str, follow_link: bool) -> int:
    """The mode of the file at path (of a link itself, without follow_link); a new regular
    file's (by the umask) when there is none."""
    try:
        return (os.stat if follow_link else os.lstat)(path).st_mode
    except FileNotFoundError:
        return _new_file_mode()


def _new_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return stat.S_IFREG | (0o666 & ~umask)
