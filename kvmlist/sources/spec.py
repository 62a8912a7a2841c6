"""What a SOURCE argument names, decided in one place for the reader, the CLI and the workers.

``-`` is standard input; an ``http(s)://`` URL is a lore (public-inbox HTTP) page; a directory
is a public-inbox archive (``git/N.git`` epochs, or a bare epoch/v1 repository; an extindex too,
to be refused by name), a Maildir (``cur/`` or ``new/``), an Apple Mail export (``X.mbox/``
holding the file ``mbox``: that mbox), a folder of mail files (``.patch``, ``.eml``, ``.mbox``:
kvmlist.sources.folder), or else a Maildir (whose reader says it is none); a string with ``@``
that is no file here is a Message-ID to fetch from lore; anything else is an mbox file (plain
or compressed; or one mail). A binary file object is a stream.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal

from kvmlist.sources._open import Source, apple_mbox
from kvmlist.sources.folder import holds_mail_files

SourceKind = Literal[
    "stdin", "stream", "mbox", "maildir", "files", "inbox", "lore-url", "message-id"
]


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """A classified source: its kind and where it is (a path, URL, Message-ID or ``-``)."""

    kind: SourceKind
    #: the path, URL or Message-ID as given (an Apple Mail export's: the mbox inside);
    #: ``"-"`` for standard input and for a stream
    location: str

    @property
    def is_remote(self) -> bool:
        """True for what the lore client fetches: a URL or a Message-ID."""
        return self.kind in ("lore-url", "message-id")

    @property
    def is_local_file(self) -> bool:
        """True for a path a worker process can open and read itself: an mbox that is a
        regular file. A FIFO, a device, ``/dev/stdin`` or ``<(cmd)`` can be read once only,
        as a stream, by one process."""
        return self.kind == "mbox" and os.path.isfile(self.location)


def classify_source(source: Source) -> SourceSpec:
    """Return what a source names (see the module docstring for the rules)."""
    if not isinstance(source, (str, os.PathLike)):
        return SourceSpec("stream", "-")
    location = os.fspath(source)
    if location == "-":
        return SourceSpec("stdin", location)
    if location.startswith(("http://", "https://")):
        return SourceSpec("lore-url", location)
    if os.path.isdir(location):
        return _folder(location)
    if "@" in location and not os.path.exists(location):
        return SourceSpec("message-id", location)
    return SourceSpec("mbox", location)


def _folder(location: str) -> SourceSpec:
    """What a directory is (see the module docstring for the order)."""
    if is_inbox(location):
        return SourceSpec("inbox", location)
    if any(os.path.isdir(os.path.join(location, sub)) for sub in ("cur", "new")):
        return SourceSpec("maildir", location)
    inner = apple_mbox(location)
    if inner is not None:
        return SourceSpec("mbox", inner)
    return SourceSpec("files" if holds_mail_files(location) else "maildir", location)


def is_inbox(path: str | os.PathLike[str]) -> bool:
    """True for a public-inbox archive: a v2 inbox (``git/N.git``) or a bare git repository
    (or an extindex: :func:`extindex_root`)."""
    root = os.fspath(path)
    if extindex_root(root) is not None:
        return True
    git_dir = os.path.join(root, "git")
    if os.path.isdir(git_dir) and any(
        name.endswith(".git") and name[:-4].isdigit() for name in os.listdir(git_dir)
    ):
        return True
    return os.path.isfile(os.path.join(root, "HEAD")) and os.path.isdir(
        os.path.join(root, "objects")
    )


def extindex_root(path: str | os.PathLike[str]) -> str | None:
    """The folder of a public-inbox extindex (``ALL.git`` beside ``ei15/``, its index) that
    a path is or whose ``ALL.git`` it is, else None. An extindex holds no mail of its own."""
    root = os.path.normpath(os.fspath(path))
    if os.path.basename(root) == "ALL.git":
        root = os.path.dirname(root)
    if not os.path.isdir(os.path.join(root, "ALL.git")):
        return None
    try:
        names = os.listdir(root)
    except OSError:  # the reader says why it cannot read the folder
        return None
    return root if any(n.startswith("ei") and n[2:].isdigit() for n in names) else None
