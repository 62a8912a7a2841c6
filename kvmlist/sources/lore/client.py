"""LoreClient: threads, messages, searches and feeds from a public-inbox HTTP server."""

from __future__ import annotations

import io
import os
import warnings
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import quote

from kvmlist._utc import as_utc
from kvmlist._version import __version__
from kvmlist.errors import BadAnswer, LoreUnreachable
from kvmlist.models import Message
from kvmlist.sources.lore._answers import FeedEntry, the_feed, the_mail, the_search, the_thread
from kvmlist.sources.lore._cache import Cache, default_cache_dir
from kvmlist.sources.lore._fetch import DEFAULT_LIMITS, Connections, Limits, Request, fetch
from kvmlist.sources.lore._ids import DEFAULT_BASE, normalise_message_id, path_of
from kvmlist.sources.mbox import iter_raw_messages
from kvmlist.sources.notices import FeedIncomplete
from kvmlist.sources.reader import parse_raw

if TYPE_CHECKING:
    import httpx

T = TypeVar("T")

#: Entries in public-inbox's feed (``new.atom``): the newest, with no older page.
FEED_ENTRIES = 25

USER_AGENT = f"kvmlist/{__version__} (+https://pypi.org/project/kvmlist/)"


class LoreClient:
    """Fetch threads, messages, searches and feeds from a public-inbox HTTP server.

    ``timeout`` bounds each connect and read, ``deadline`` a whole call (every try, wait and
    read), ``max_bytes`` every answer after decompression; ``retries`` more tries follow
    connection errors, 5xx, 429 and answers that are not what was asked; ``on_wait`` is told
    of every wait of a second or more before the next try.
    """

    def __init__(
        self,
        base_url: str = DEFAULT_BASE,
        *,
        cache_dir: str | os.PathLike[str] | None = None,
        offline: bool = False,
        timeout: float = DEFAULT_LIMITS.timeout,
        deadline: float = DEFAULT_LIMITS.deadline,
        retries: int = DEFAULT_LIMITS.retries,
        backoff: float = DEFAULT_LIMITS.backoff,
        max_bytes: int = DEFAULT_LIMITS.max_bytes,
        max_retry_after: float = DEFAULT_LIMITS.max_retry_after,
        follow_other_hosts: bool = False,
        on_wait: Callable[[str], None] | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        import httpx  # costly import, paid only by users of the client

        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        self.offline = offline
        self.limits = Limits(
            timeout, deadline, retries, backoff, max_bytes, max_retry_after, follow_other_hosts
        )
        self.on_wait = on_wait
        self._cache = Cache(self.cache_dir)
        self._connections = Connections()  # cut at a call's deadline
        self._http = httpx.Client(
            timeout=timeout,
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip"},
            follow_redirects=False,  # each hop is checked (loops, other hosts)
            transport=transport,
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> LoreClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def raw(self, message_id: str) -> bytes:
        """Return one message as it was sent (not public-inbox's mboxrd rendering of it)."""
        wanted = normalise_message_id(message_id)
        url = f"{self.base_url}{path_of(wanted)}/raw"
        request = Request("GET", url, missing=f"no such message: {wanted}")
        return self._get(request, lambda body: the_mail(body, wanted, self.limits.max_bytes), True)

    def message(self, message_id: str) -> Message:
        """Return one message, parsed."""
        return next(parse_raw([self.raw(message_id)]))

    def thread_mbox(self, message_id: str) -> bytes:
        """Return the whole thread a message belongs to, as mboxrd bytes."""
        wanted = normalise_message_id(message_id)
        url = f"{self.base_url}{path_of(wanted)}/t.mbox.gz"
        request = Request("GET", url, missing=f"no such message: {wanted}")
        return self._get(request, lambda body: the_thread(body, wanted, self.limits.max_bytes))

    def thread(self, message_id: str) -> list[Message]:
        """Return every message of the thread a message belongs to, parsed."""
        return _parse_mbox(self.thread_mbox(message_id))

    def search_mbox(self, query: str) -> bytes:
        """Return the messages a public-inbox search query matches, as mboxrd bytes."""
        url = f"{self.base_url}?q={quote(query)}&x=m"
        request = Request("POST", url, missing=f"no match for {query!r}", no_match=True)
        return self._get(request, lambda body: the_search(body, self.limits.max_bytes))

    def search(self, query: str) -> list[Message]:
        """Return the messages a search matches (``s:FEAT_IDST d:2025-12-01..``), parsed."""
        return _parse_mbox(self.search_mbox(query))

    def new(self, since: datetime | None = None) -> list[FeedEntry]:
        """Return the entries of the inbox's Atom feed, newest first, optionally since a time
        (a naive one is UTC).

        The feed holds the newest FEED_ENTRIES and has no older page: when it is full and its
        oldest entry is newer than ``since``, mails between may be missing, a
        :class:`~kvmlist.sources.notices.FeedIncomplete` warning that names the search
        (``d:SINCE..``, :meth:`search`) that finds them all."""
        request = Request("GET", f"{self.base_url}new.atom", missing="this inbox has no feed")
        entries = self._get(request, the_feed)
        if since is None:
            return entries
        since = as_utc(since)
        dates = [e.updated for e in entries if e.updated is not None]
        if len(entries) >= FEED_ENTRIES and dates and min(dates) > since:
            warnings.warn(
                f"{self.base_url}new.atom holds the newest {len(entries)} entries, the oldest "
                f"of {min(dates):%Y-%m-%d %H:%M} UTC: mails since {since:%Y-%m-%d %H:%M} may "
                f"be missing; search 'd:{since:%Y-%m-%d}..' (LoreClient.search) for them all",
                FeedIncomplete,
                stacklevel=2,
            )
        return [e for e in entries if e.updated is None or e.updated >= since]

    def _get(
        self, request: Request, validate: Callable[[bytes], T], prefer_cache: bool = False
    ) -> T:
        """Return the validated answer: from the cache when offline (or for what never changes),
        else from the server; only an answer that validates is cached."""
        method, url = request.method, request.url
        if self.offline or prefer_cache:
            cached = self._cache.read(method, url)
            if cached is not None:
                try:
                    return validate(cached)
                except BadAnswer as error:
                    self._cache.discard(method, url)  # an older kvmlist's, or a broken write
                    if self.offline:
                        raise LoreUnreachable(
                            f"offline, and the cached {url} is unusable: {error}"
                        ) from None
            if self.offline:
                raise LoreUnreachable(f"offline, and not in the cache: {url}")
        body, answer = fetch(
            self._http, request, self.limits, validate, self.on_wait, self._connections
        )
        self._cache.write(method, url, body)
        return answer


def _parse_mbox(data: bytes) -> list[Message]:
    return list(parse_raw(iter_raw_messages(io.BytesIO(data))))
