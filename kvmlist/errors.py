"""The exception tree. Every error kvmlist raises on purpose derives from KvmlistError::

    KvmlistError
    ├── SourceError (OSError)          a path or stream cannot be read
    │   └── MboxFormatError (ValueError)   the input is not an mbox / Maildir
    ├── MessageParseError (ValueError) a mail is malformed (strict mode only)
    ├── UsageError (ValueError)        an argument is wrong (bad range, unknown field)
    │   └── CommitRangeError           a commit range is malformed, ambiguous or reversed
    ├── MissingExtraError (ImportError) an optional dependency is missing (names the extra)
    └── LoreError                      a request to a public-inbox server (lore) failed
        ├── NoSuchMessage (LookupError)    the server has no such message (404)
        ├── NoMatch (LookupError)          a search matched nothing
        ├── InvalidMessageId (UsageError)  "..", "", "<>": not a Message-ID; nothing was sent
        ├── BadAnswer (ValueError)         not what was asked: HTML, junk, bad gzip, another mail
        │   └── AnswerTooLarge             larger than the size cap, after decompression
        ├── RedirectRefused                a redirect loop, too many, https to http, another origin
        └── LoreUnreachable (SourceError)  no answer: connection, HTTP error, offline cache miss
            └── LoreTimeout (TimeoutError) the call's deadline passed, or Retry-After is after it

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


class LoreError(KvmlistError):
    """A request to a public-inbox server (lore.kernel.org or another) failed."""


class NoSuchMessage(LoreError, LookupError):
    """The server has no message with that Message-ID."""


class NoMatch(LoreError, LookupError):
    """A search matched nothing."""


class InvalidMessageId(LoreError, UsageError):
    """The text is no Message-ID (``..``, ``.``, empty, ``<>``, blanks); nothing was sent."""


class BadAnswer(LoreError, ValueError):
    """The server answered, but not with what was asked; never cached."""


class AnswerTooLarge(BadAnswer):
    """The answer is larger than the client's ``max_bytes``, after decompression."""


class RedirectRefused(LoreError):
    """A redirect loop, too many redirects, from https to http, or to another origin
    (scheme, host or port; not allowed unless ``follow_other_hosts``)."""


class LoreUnreachable(LoreError, SourceError):
    """No usable answer: connection failures, HTTP errors, or offline and not in the cache."""


class LoreTimeout(LoreUnreachable, TimeoutError):
    """The call's deadline passed, or the server asks to retry after it."""
