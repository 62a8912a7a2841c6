"""A client for lore.kernel.org and any other public-inbox HTTP server.

>>> from kvmlist.sources.lore import LoreClient
>>> lore = LoreClient()                                   # https://lore.kernel.org/all/
>>> thread = lore.thread("20251204094806.3846619-1-maz@kernel.org")   # list[Message]
>>> hits = lore.search("s:FEAT_IDST d:2025-12-01..")
>>> entries = lore.new(since=datetime(2025, 12, 1, tzinfo=timezone.utc))

Responses are kept in an on-disk cache (``$XDG_CACHE_HOME/kvmlist/sources/lore`` by default; atomic
writes, so two processes may share it). Single messages never change and are served from the
cache; threads, searches and feeds are fetched again online and served from the cache with
``offline=True``. Connection errors, 5xx and 429 answers are retried with exponential backoff,
honouring Retry-After.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote, urlsplit

from kvmlist._version import __version__
from kvmlist.errors import KvmlistError, SourceError
from kvmlist.models import Message
from kvmlist.sources.mbox import iter_raw_messages
from kvmlist.sources.reader import parse_raw

if TYPE_CHECKING:
    import httpx

DEFAULT_BASE = "https://lore.kernel.org/all/"
USER_AGENT = f"kvmlist/{__version__} (+https://pypi.org/project/kvmlist/)"
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
ATOM = "{http://www.w3.org/2005/Atom}"
# https://lore.kernel.org/kvm/20251204094806.3846619-1-maz@kernel.org/T/#u -> the id part
RE_URL_ID = re.compile(r"/([^/]+@[^/]+)(?:/|$)")


class LoreError(KvmlistError):
    """A lore request failed."""


class NoSuchMessage(LoreError, LookupError):
    """The server has no message with that Message-ID."""


class NoMatch(LoreError, LookupError):
    """A search matched nothing."""


class LoreUnreachable(LoreError, SourceError):
    """The server could not be reached (or, offline, the answer is not cached)."""


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One entry of an inbox's Atom feed of new messages."""

    message_id: str
    subject: str
    author: str
    email: str
    updated: datetime | None
    url: str


def normalise_message_id(text: str) -> str:
    """Return a bare Message-ID from ``<id>``, ``id`` or a lore URL naming it."""
    text = text.strip()
    if text.startswith(("http://", "https://")):
        match = RE_URL_ID.search(urlsplit(text).path)
        if not match:
            raise LoreError(f"{text}: no Message-ID in this URL")
        return unquote(match.group(1))
    return text.strip("<>")


def default_cache_dir() -> Path:
    """Return ``$XDG_CACHE_HOME/kvmlist/sources/lore`` (``~/.cache`` by default)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(base) / "kvmlist" / "lore"


class LoreClient:
    """Fetch threads, messages, searches and feeds from a public-inbox HTTP server."""

    def __init__(
        self,
        base_url: str = DEFAULT_BASE,
        *,
        cache_dir: str | os.PathLike[str] | None = None,
        offline: bool = False,
        timeout: float = 30.0,
        retries: int = 4,
        backoff: float = 0.5,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        import httpx  # costly import, paid only by users of the client

        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        self.offline = offline
        self.retries = retries
        self.backoff = backoff
        self._http = httpx.Client(
            timeout=timeout,
            headers={"User-Agent": USER_AGENT},
            follow_redirects=True,
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
        """Return the raw bytes of one message."""
        url = f"{self.base_url}{_path_id(message_id)}/raw"
        return self._get(url, prefer_cache=True, missing=f"no such message: {message_id}")

    def message(self, message_id: str) -> Message:
        """Return one message, parsed."""
        return next(parse_raw([self.raw(message_id)]))

    def thread_mbox(self, message_id: str) -> bytes:
        """Return the whole thread a message belongs to, as mboxrd bytes."""
        url = f"{self.base_url}{_path_id(message_id)}/t.mbox.gz"
        return _gunzip(self._get(url, missing=f"no such message: {message_id}"))

    def thread(self, message_id: str) -> list[Message]:
        """Return every message of the thread a message belongs to, parsed."""
        return _parse_mbox(self.thread_mbox(message_id))

    def search_mbox(self, query: str) -> bytes:
        """Return the messages a public-inbox search query matches, as mboxrd bytes."""
        url = f"{self.base_url}?q={quote(query)}&x=m"
        return _gunzip(
            self._get(url, method="POST", missing=f"no match for {query!r}", no_match=True)
        )

    def search(self, query: str) -> list[Message]:
        """Return the messages a search matches (``s:FEAT_IDST d:2025-12-01..``), parsed."""
        return _parse_mbox(self.search_mbox(query))

    def new(self, since: datetime | None = None) -> list[FeedEntry]:
        """Return the entries of the inbox's Atom feed, newest first, optionally since a time."""
        feed = self._get(f"{self.base_url}new.atom", missing="this inbox has no feed")
        entries = _parse_feed(feed)
        if since is not None:
            entries = [e for e in entries if e.updated is None or e.updated >= since]
        return entries

    def _get(
        self,
        url: str,
        *,
        method: str = "GET",
        prefer_cache: bool = False,
        missing: str,
        no_match: bool = False,
    ) -> bytes:
        cached = self._cache_path(method, url)
        if self.offline or prefer_cache:
            try:
                return cached.read_bytes()
            except FileNotFoundError:
                if self.offline:
                    raise LoreUnreachable(f"offline, and not in the cache: {url}") from None
        body = self._fetch(method, url, missing, no_match)
        _write_atomic(cached, body)
        return body

    def _fetch(self, method: str, url: str, missing: str, no_match: bool) -> bytes:
        import httpx

        for attempt in range(self.retries + 1):
            try:
                response = self._http.request(method, url)
            except httpx.TransportError as error:
                if attempt == self.retries:
                    raise LoreUnreachable(f"{url}: {error or type(error).__name__}") from None
                time.sleep(self.backoff * 2**attempt)
                continue
            if response.status_code in RETRY_STATUS and attempt < self.retries:
                time.sleep(_retry_after(response) or self.backoff * 2**attempt)
                continue
            if response.status_code == 404:
                raise (NoMatch if no_match else NoSuchMessage)(missing)
            if response.status_code >= 400:
                raise LoreUnreachable(f"{url}: HTTP {response.status_code}")
            return response.content
        raise LoreUnreachable(f"{url}: gave up after {self.retries} retries")  # pragma: no cover

    def _cache_path(self, method: str, url: str) -> Path:
        digest = hashlib.sha256(f"{method} {url}".encode()).hexdigest()
        return self.cache_dir / digest[:2] / digest


def _path_id(message_id: str) -> str:
    return quote(normalise_message_id(message_id), safe="@+=-._~!$&'()*,;:")


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return min(float(value), 300.0)
    except ValueError:
        return None


def _gunzip(data: bytes) -> bytes:
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def _parse_mbox(data: bytes) -> list[Message]:
    import io

    return list(parse_raw(iter_raw_messages(io.BytesIO(data))))


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".part.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def _parse_feed(data: bytes) -> list[FeedEntry]:
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise LoreError(f"unreadable Atom feed: {error}") from None
    entries = []
    for entry in root.iter(f"{ATOM}entry"):
        link = entry.find(f"{ATOM}link")
        url = link.get("href", "") if link is not None else ""
        match = RE_URL_ID.search(urlsplit(url).path)
        updated = entry.findtext(f"{ATOM}updated") or ""
        entries.append(
            FeedEntry(
                message_id=unquote(match.group(1)) if match else "",
                subject=entry.findtext(f"{ATOM}title") or "",
                author=entry.findtext(f"{ATOM}author/{ATOM}name") or "",
                email=entry.findtext(f"{ATOM}author/{ATOM}email") or "",
                updated=datetime.fromisoformat(updated.replace("Z", "+00:00")) if updated else None,
                url=url,
            )
        )
    return entries
