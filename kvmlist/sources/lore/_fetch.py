"""One bounded HTTP request with retries: a deadline for the whole call, a size cap that holds
after decompression, redirects checked hop by hop, Retry-After clamped."""

from __future__ import annotations

import contextlib
import math
import socket
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, TypeVar

from kvmlist._utc import as_utc
from kvmlist.errors import (
    AnswerTooLarge,
    BadAnswer,
    LoreTimeout,
    LoreUnreachable,
    NoMatch,
    NoSuchMessage,
    RedirectRefused,
)
from kvmlist.sources.lore._bounded import Gunzip, too_large

if TYPE_CHECKING:
    import httpx

T = TypeVar("T")

RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
MAX_REDIRECTS = 10


@dataclass(frozen=True, slots=True)
class Limits:
    """How long, how often and how much: the bounds of every call."""

    timeout: float = 30.0  # each connect, read or write
    deadline: float = 120.0  # the whole call: every try, wait and read
    retries: int = 4
    backoff: float = 0.5
    max_bytes: int = 128 << 20
    max_retry_after: float = 60.0
    follow_other_hosts: bool = False


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True, slots=True)
class Request:
    """What to ask and what a 404 means."""

    method: str
    url: str
    missing: str
    no_match: bool = False


class _Busy(LoreUnreachable):
    """A failure worth another try (connection, 5xx, 429), with the server's wait if any."""

    def __init__(self, message: str, wait: float | None = None) -> None:
        super().__init__(message)
        self.wait = wait


class Connections:
    """The sockets a client's requests opened, so that a call's deadline can cut them.

    httpx bounds each read (``timeout``), not a whole answer: a server sending its status line
    and then a header byte a second was waited for without end, as each read got a byte in
    time. httpx has no way to stop a request from outside, so every request names
    :meth:`trace` as its trace extension, which hears of each socket httpcore opens (plain and
    TLS), and at the deadline :meth:`cut` shuts them down: the read waiting on one returns at
    once, a transport error that the deadline turns into LoreTimeout. Every open socket of the
    client is cut, idle ones too: a client serves one call at a time (httpcore reconnects).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: weakref.WeakSet[socket.socket] = weakref.WeakSet()

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """Note the socket of a connection httpcore opened (``connection.connect_tcp``,
        ``connection.start_tls``, and a proxy's)."""
        stream = info.get("return_value") if event.endswith(".complete") else None
        sock = getattr(stream, "get_extra_info", lambda _: None)("socket")
        if isinstance(sock, socket.socket):
            with self._lock:
                self._open.add(sock)

    def cut(self) -> None:
        """Shut down every socket still open: the reads waiting on them end."""
        with self._lock:
            open_now = list(self._open)
        for sock in open_now:
            with contextlib.suppress(OSError):  # closed, or detached by the TLS wrapping it
                # the socket's own shutdown: an SSLSocket's would also drop its TLS state
                # under the thread reading through it
                socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _Clock:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        return self.end - time.monotonic()

    def check(self, url: str) -> None:
        if self.left() <= 0:
            raise LoreTimeout(f"{url}: no complete answer within the {self.seconds:g} s deadline")


def fetch(
    http: httpx.Client,
    request: Request,
    limits: Limits,
    validate: Callable[[bytes], T],
    on_wait: Callable[[str], None] | None = None,
    connections: Connections | None = None,
) -> tuple[bytes, T]:
    """Return an answer's body and what validate makes of it, trying again on transient
    failures and bad answers; the last failure is raised. ``on_wait`` hears of every wait of
    a second or more (the command line says it on stderr). At the deadline the sockets of
    ``connections`` (those of ``http``) are cut, whatever the call waits for."""
    connections = connections or Connections()
    clock = _Clock(limits.deadline)
    watchdog = threading.Timer(limits.deadline, connections.cut)
    watchdog.daemon = True
    watchdog.start()
    try:
        return _tries(http, request, limits, validate, on_wait, clock, connections)
    finally:
        watchdog.cancel()


def _tries(
    http: httpx.Client,
    request: Request,
    limits: Limits,
    validate: Callable[[bytes], T],
    on_wait: Callable[[str], None] | None,
    clock: _Clock,
    connections: Connections,
) -> tuple[bytes, T]:
    for attempt in range(limits.retries + 1):
        try:
            body = _answer(http, request, limits, clock, connections)
            return body, validate(body)
        except AnswerTooLarge as error:
            raise type(error)(f"{request.url}: {error}") from None
        except (BadAnswer, _Busy) as error:
            if attempt == limits.retries:
                raise _final(error, request.url, attempt + 1) from None
            server_wait = error.wait if isinstance(error, _Busy) else None
            wait = limits.backoff * 2**attempt if server_wait is None else server_wait
            if wait >= clock.left():
                asked = "Retry-After" if server_wait is not None else "the next try"
                raise LoreTimeout(
                    f"{request.url}: {error}; {asked} is {wait:g} s away, "
                    f"past the {limits.deadline:g} s deadline"
                ) from None
            if on_wait is not None and wait >= 1:
                on_wait(f"{error}; try {attempt + 2} of {limits.retries + 1} in {wait:.0f} s")
            time.sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover


def _final(error: LoreUnreachable | BadAnswer, url: str, tries: int) -> Exception:
    where = str(error) if str(error).startswith(url) else f"{url}: {error}"
    kind = LoreUnreachable if isinstance(error, _Busy) else type(error)
    return kind(f"{where} (tried {'once' if tries == 1 else f'{tries} times'})")


def _answer(
    http: httpx.Client, request: Request, limits: Limits, clock: _Clock, connections: Connections
) -> bytes:
    import httpx

    method, url, visited = request.method, request.url, [request.url]
    for _ in range(MAX_REDIRECTS + 1):
        clock.check(request.url)
        timeout = httpx.Timeout(max(0.001, min(limits.timeout, clock.left())))
        try:
            traced = {"trace": connections.trace}
            with http.stream(method, url, timeout=timeout, extensions=traced) as response:
                if not response.is_redirect:
                    _check_status(response, request, limits)
                    return _read(response, url, limits, clock)
                target = _location(response, request.url)
        except httpx.TransportError as error:
            clock.check(request.url)
            raise _Busy(f"{url}: {error or type(error).__name__}") from None
        _check_redirect(request.url, visited, target, limits)
        visited.append(target)
        method = method if response.status_code in (307, 308) else "GET"
        url = target
    raise RedirectRefused(f"{request.url}: more than {MAX_REDIRECTS} redirects")


def _location(response: httpx.Response, origin: str) -> str:
    import httpx

    location = response.headers["Location"]
    try:
        return str(response.url.join(location))
    except (httpx.InvalidURL, ValueError):
        raise RedirectRefused(f"{origin}: redirected to a malformed URL {location!r}") from None


def _check_redirect(origin: str, visited: list[str], target: str, limits: Limits) -> None:
    """Refuse a loop, https to http (even to other origins allowed: the answer is cached for
    good), and another origin (scheme, host, port) unless follow_other_hosts; http to https
    on the same host, which servers ask of every plain request, is followed."""
    if target in visited:
        hops = len(visited) - visited.index(target)
        raise RedirectRefused(f"{origin}: redirect loop: back to {target} after {hops} redirects")
    here, there = _origin_of(visited[-1]), _origin_of(target)
    if here[0] == "https" and there[0] != "https":
        raise RedirectRefused(f"{origin}: redirected from https to {there[0]}: {target}; refused")
    upgrade = here == ("http", there[1], 80) and there == ("https", here[1], 443)
    if there != here and not upgrade and not limits.follow_other_hosts:
        scheme, host, port = there
        raise RedirectRefused(
            f"{origin}: redirected to another origin: {scheme}://{host}:{port} ({target}); "
            "allow it with follow_other_hosts (--follow-other-hosts)"
        )


def _origin_of(url: str) -> tuple[str, str, int | None]:
    """Return a URL's scheme, host and port (the scheme's own when not given)."""
    import httpx

    parsed = httpx.URL(url)
    port = parsed.port or {"http": 80, "https": 443}.get(parsed.scheme)
    return parsed.scheme, parsed.host, port


def _check_status(response: httpx.Response, request: Request, limits: Limits) -> None:
    status = response.status_code
    if status == 404:
        raise (NoMatch if request.no_match else NoSuchMessage)(request.missing)
    if status in RETRY_STATUS:
        wait = retry_after(response.headers.get("Retry-After"), limits.max_retry_after)
        raise _Busy(f"{request.url}: HTTP {status}", wait)
    if not 200 <= status < 300:
        raise LoreUnreachable(f"{request.url}: HTTP {status}")


def _read(response: httpx.Response, url: str, limits: Limits, clock: _Clock) -> bytes:
    """Return the body with Content-Encoding undone, streamed under the cap and the deadline."""
    cap = limits.max_bytes
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding in ("gzip", "x-gzip"):
        inflater: Gunzip | None = Gunzip(cap, "the answer (Content-Encoding gzip)")
    elif encoding in ("identity", ""):
        inflater = None
        length = response.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > cap:
            raise too_large("the answer", cap)
    else:
        raise BadAnswer(f"{url}: unsupported Content-Encoding {encoding!r}")
    body = bytearray()
    for chunk in response.iter_raw():  # as the bytes arrive: a chunk size would wait for them
        body += inflater.feed(chunk) if inflater else chunk
        if len(body) > cap:
            raise too_large("the answer", cap)
        clock.check(url)
    if inflater:
        inflater.finish()
    return bytes(body)


def retry_after(value: str | None, cap: float, now: datetime | None = None) -> float | None:
    """Return the seconds a Retry-After header asks to wait, within [0, cap]; None if it says
    nothing usable. Both forms count: delta-seconds and an HTTP-date."""
    if not value or not value.strip():
        return None
    try:
        seconds = float(value)
    except ValueError:
        import email.utils  # an HTTP date is rare: not loaded with the command line

        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        try:
            seconds = (as_utc(when) - as_utc(now or datetime.now(timezone.utc))).total_seconds()
        except ValueError:  # past year 9999 or before year 1 in UTC: as far as dates go
            seconds = math.inf if when.year > 1 else 0.0
    if math.isnan(seconds):
        return None
    return min(max(seconds, 0.0), cap)
