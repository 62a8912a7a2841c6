"""A client for lore.kernel.org and any other public-inbox HTTP server, which it does not trust.

>>> from kvmlist.sources.lore import LoreClient
>>> lore = LoreClient()                                   # https://lore.kernel.org/all/
>>> thread = lore.thread("20251204094806.3846619-1-maz@kernel.org")   # list[Message]
>>> hits = lore.search("s:FEAT_IDST d:2025-12-01..")
>>> entries = lore.new(since=datetime(2025, 12, 1, tzinfo=timezone.utc))

Every answer is checked before it is used or cached: a raw message must be the mail asked for
(returned as sent, public-inbox's mboxrd rendering undone), a thread a complete gzip holding it,
a feed Atom. Answers are bounded in size after decompression (``max_bytes``), every call in time
(``deadline``); redirects are followed on the same host only (``follow_other_hosts``), loops end.
Connection errors, 5xx, 429 and bad answers are retried with exponential backoff, honouring
Retry-After (seconds or an HTTP-date, clamped to ``max_retry_after``).

Answers are kept in an on-disk cache (``$XDG_CACHE_HOME/kvmlist/lore`` by default; atomic
writes, so two processes may share it). Single messages never change and are served from the
cache; threads, searches and feeds are fetched again online and served from the cache with
``offline=True``. Every failure is a :class:`~kvmlist.errors.LoreError`.
"""

from typing import TYPE_CHECKING

from kvmlist._lazy import lazy_names
from kvmlist.errors import (
    AnswerTooLarge,
    BadAnswer,
    InvalidMessageId,
    LoreError,
    LoreTimeout,
    LoreUnreachable,
    NoMatch,
    NoSuchMessage,
    RedirectRefused,
)
from kvmlist.sources.notices import FeedIncomplete

if TYPE_CHECKING:
    from kvmlist.sources.lore._answers import FeedEntry
    from kvmlist.sources.lore._cache import default_cache_dir
    from kvmlist.sources.lore._fetch import DEFAULT_LIMITS, Limits
    from kvmlist.sources.lore._ids import DEFAULT_BASE, normalise_message_id, split_lore_url
    from kvmlist.sources.lore.client import LoreClient

#: The client's names, imported on first use: the command line's options need the defaults,
#: not the HTTP machinery (docs/performance.md: start-up time).
_LAZY = {
    "FeedEntry": "kvmlist.sources.lore._answers",
    "default_cache_dir": "kvmlist.sources.lore._cache",
    "DEFAULT_LIMITS": "kvmlist.sources.lore._fetch",
    "Limits": "kvmlist.sources.lore._fetch",
    "DEFAULT_BASE": "kvmlist.sources.lore._ids",
    "normalise_message_id": "kvmlist.sources.lore._ids",
    "split_lore_url": "kvmlist.sources.lore._ids",
    "LoreClient": "kvmlist.sources.lore.client",
}


__getattr__, __dir__ = lazy_names(__name__, _LAZY, globals())


__all__ = [
    "DEFAULT_BASE",
    "DEFAULT_LIMITS",
    "AnswerTooLarge",
    "BadAnswer",
    "FeedEntry",
    "FeedIncomplete",
    "InvalidMessageId",
    "Limits",
    "LoreClient",
    "LoreError",
    "LoreTimeout",
    "LoreUnreachable",
    "NoMatch",
    "NoSuchMessage",
    "RedirectRefused",
    "default_cache_dir",
    "normalise_message_id",
    "split_lore_url",
]
