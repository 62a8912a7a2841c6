"""Read a Maildir (``cur/`` and ``new/``) as raw mails, in file-name order."""

from __future__ import annotations

import os
from collections.abc import Iterator

from kvmlist.errors import MboxFormatError, SourceError


def iter_maildir(path: str | os.PathLike[str]) -> Iterator[bytes]:
    """Yield the raw bytes of every mail in a Maildir, ``cur/`` then ``new/``, sorted by name."""
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
            if name.startswith("."):
                continue
            try:
                with open(os.path.join(sub, name), "rb") as handle:
                    yield handle.read()
            except OSError as error:
                raise SourceError(f"{os.path.join(sub, name)}: {error.strerror}") from None
