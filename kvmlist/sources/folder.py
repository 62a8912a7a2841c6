"""A folder of mail files: what ``git format-patch -o out/`` writes (``0000-cover-letter.patch``,
``0001-...``), or mails saved one to a file (``.eml``), or several mboxes.

Every file whose name ends in ``.patch``, ``.eml`` or ``.mbox`` (compressed too: ``.mbox.xz``)
is read in name order (format-patch numbers its files), each as an mbox or as one mail
(kvmlist.sources.single). Nothing is left out without a word: any other entry, and a file of
those names that is no mail (a bare diff saved as ``.patch``), is skipped with a
:class:`~kvmlist.sources.maildir.SkippedEntry` warning that names it and says why. Names that
start with a dot (``.DS_Store``) are left out, as a Maildir's are.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator

from kvmlist.errors import MboxFormatError, SourceError
from kvmlist.sources.maildir import SkippedEntry, why_no_mail, why_not_opened
from kvmlist.sources.mbox import iter_raw_messages

#: The names of mail files, before a compression's suffix.
MAIL_SUFFIXES = (".patch", ".eml", ".mbox")
#: Compressions' suffixes a mail file's name may end with (the content decides, as ever).
COMPRESSED_SUFFIXES = ("", ".gz", ".xz", ".bz2")


def is_mail_file_name(name: str) -> bool:
    """True for a name that ends in .patch, .eml or .mbox, compressed or not."""
    return not name.startswith(".") and any(
        name.endswith(suffix + packed) for suffix in MAIL_SUFFIXES for packed in COMPRESSED_SUFFIXES
    )


def holds_mail_files(path: str | os.PathLike[str]) -> bool:
    """True for a folder that holds a regular file named as a mail file."""
    try:
        names = os.listdir(path)
    except OSError:
        return False
    return any(
        is_mail_file_name(name) and os.path.isfile(os.path.join(path, name)) for name in names
    )


def iter_mail_files(path: str | os.PathLike[str]) -> Iterator[bytes]:
    """Yield the raw mails of every mail file in a folder, in name order (see the module
    docstring); what holds no mail is skipped with a SkippedEntry warning."""
    root = os.fspath(path)
    try:
        names = sorted(name for name in os.listdir(root) if not name.startswith("."))
    except OSError as error:
        raise SourceError(f"{root}: cannot read: {error.strerror}") from None
    for name in names:
        file = os.path.join(root, name)
        why = _not_read(file, name)
        if why is not None:
            warnings.warn(f"{file}: {why}", SkippedEntry, stacklevel=2)
            continue
        try:
            yield from iter_raw_messages(file)
        except MboxFormatError:  # raised before the file's first mail: nothing of it was read
            warnings.warn(
                f"{file}: no mail (no header block, no 'From ' line)", SkippedEntry, stacklevel=2
            )


def _not_read(file: str, name: str) -> str | None:
    """Why an entry is not read as a mail file, or None when it is one."""
    try:
        mode = os.stat(file).st_mode
    except OSError as error:
        why = why_not_opened(file, error)
        if why is None:
            raise SourceError(f"{file}: {error.strerror}") from None
        return why
    why = why_no_mail(file, mode)
    if why is not None:
        return why
    if not is_mail_file_name(name):
        return f"not named as a mail file ({', '.join(MAIL_SUFFIXES)})"
    return None
