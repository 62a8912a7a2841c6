"""The exception tree. Every error kvmlist raises on purpose derives from KvmlistError::

    KvmlistError
    ├── SourceError (OSError)          a path or stream cannot be read
    │   └── MboxFormatError (ValueError)   the input is not an mbox / Maildir
    ├── MessageParseError (ValueError) a mail is malformed (strict mode only)
    ├── UsageError (ValueError)        an argument is wrong (bad range, unknown field)
    │   └── CommitRangeError           a commit range is malformed, ambiguous or reversed
    └── MissingExtraError (ImportError) an optional dependency is missing (names the extra)

Subclasses also derive from the matching builtin, so ``except ValueError`` keeps working.
"""

from __future__ import annotations


class KvmlistError(Exception):
    """The root of every error kvmlist raises on purpose."""


class SourceError(KvmlistError, OSError):
    """A path or stream cannot be opened or read."""


class MboxFormatError(SourceError, ValueError):
    """The input is not an mbox (or Maildir) kvmlist can read."""


class MessageParseError(KvmlistError, ValueError):
    """A mail is malformed; raised only with ``strict=True``."""


class UsageError(KvmlistError, ValueError):
    """An argument is not valid: an unknown field, a malformed range."""


class CommitRangeError(UsageError):
    """A commit range is malformed (``A...B``), names no commit or an ambiguous prefix, or
    runs backwards."""


class MissingExtraError(KvmlistError, ImportError):
    """An optional dependency is not installed; the message names the extra to install."""
