"""A misbehaving public-inbox server on loopback: one mode per fault, named by the URL.

The inbox URL ``http://127.0.0.1:PORT/<mode>/`` answers every request the way ``<mode>`` says;
``ok`` answers like public-inbox-httpd (``/raw`` in its mboxrd rendering, ``t.mbox.gz``,
search, ``new.atom``). Modes that fail once and then answer well (``retry-after-*``) count
requests per mode in :attr:`FaultServer.seen`.
"""

from __future__ import annotations

import contextlib
import gzip
import http.server
import threading
import time
from collections.abc import Callable, Iterator
from email.utils import formatdate

MAIL_ID = "20260302130507.3351296-1-rohan.mehta@intel.com"
MAIL = (
    b"From: Rohan Mehta <rohan.mehta@intel.com>\n"
    b"To: kvm@vger.kernel.org\n"
    b"Subject: KVM: x86: is an expired hv timer delivered before switching?\n"
    b"Date: Mon, 2 Mar 2026 13:05:07 +0000\n"
    b"Message-ID: <" + MAIL_ID.encode() + b">\n"
    b"\n"
    b"From the spec, the timer counts down and causes a VM exit.\n"
    b">From the trace the deadline is in the past.\n"
    b"\n"
    b"Signed-off-by: Rohan Mehta <rohan.mehta@intel.com>\n"
)
REPLY = (
    b"From: Priya Raghunathan <priyar@google.com>\n"
    b"Subject: Re: KVM: x86: is an expired hv timer delivered before switching?\n"
    b"Date: Mon, 2 Mar 2026 22:02:19 +0000\n"
    b"Message-ID: <aaWq2LhM7sQyXc4N@google.com>\n"
    b"In-Reply-To: <" + MAIL_ID.encode() + b">\n"
    b"\n"
    b"Reviewed-by: Priya Raghunathan <priyar@google.com>\n"
)
OTHER = MAIL.replace(MAIL_ID.encode(), b"someone-else@example.org")
#: The mail with a title and a body a terminal would act on: retitle the window, clear it.
ESCAPES = MAIL.replace(b"switching?\n", b"switching?\x1b]0;owned\x07\n").replace(
    b"VM exit.", b"VM exit.\x1b[2J"
)
HTML = b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>oops</body></html>\n"
JUNK = bytes(range(256)) * 16
FEED = (
    b'<?xml version="1.0" encoding="us-ascii"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
    b"<title>test</title><entry><author><name>Rohan Mehta</name>"
    b"<email>rohan.mehta@intel.com</email></author><title>[PATCH] KVM: x86: timer</title>"
    b"<updated>2026-03-02T13:05:07Z</updated>"
    b'<link href="http://127.0.0.1/ok/' + MAIL_ID.encode() + b'/"/></entry></feed>\n'
)


def mboxrd(*mails: bytes) -> bytes:
    """Return mails as public-inbox renders them: separator, ``>From`` quoting, a newline."""
    out = b""
    for mail in mails:
        quoted = b"\n".join(
            b">" + line if line.lstrip(b">").startswith(b"From ") else line
            for line in mail.split(b"\n")
        )
        out += b"From mboxrd@z Thu Jan  1 00:00:00 1970\n" + quoted + b"\n"
    return out


def gzip_bomb(megabytes: int) -> bytes:
    """Return a multi-member gzip of megabytes MiB of zeros (about 1 KiB per MiB)."""
    return gzip.compress(bytes(1 << 20), compresslevel=9) * megabytes


class _Handler(http.server.BaseHTTPRequestHandler):
    server: FaultServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._answer()

    def log_message(self, *args: object) -> None:
        pass

    def handle(self) -> None:
        with contextlib.suppress(ConnectionResetError, BrokenPipeError):  # a client hung up
            super().handle()

    def _answer(self) -> None:
        mode, _, rest = self.path.lstrip("/").partition("/")
        self.server.seen.append((mode, self.command, rest))
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up
            MODES.get(mode.partition("=")[0], _not_found)(self, mode, rest)

    def send(self, status: int, body: bytes, **headers: str) -> None:
        self.send_response(status)
        headers.setdefault("Content_Type", "text/plain; charset=utf-8")
        headers.setdefault("Content_Length", str(len(body)))
        for key, value in headers.items():
            self.send_header(key.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)


def _good(handler: _Handler, rest: str) -> None:
    """Answer as public-inbox-httpd would."""
    if rest.endswith("/raw"):
        handler.send(200, mboxrd(MAIL))
    elif rest.endswith("/t.mbox.gz") or rest.startswith("?q="):
        handler.send(200, gzip.compress(mboxrd(MAIL, REPLY)), Content_Type="application/gzip")
    elif rest == "new.atom":
        handler.send(200, FEED, Content_Type="application/atom+xml")
    else:
        handler.send(404, b"Not Found")


def _ok(handler: _Handler, mode: str, rest: str) -> None:
    _good(handler, rest)


def _not_found(handler: _Handler, mode: str, rest: str) -> None:
    handler.send(404, b"Not Found")


def _redirect(handler: _Handler, location: str) -> None:
    handler.send(302, b"", Location=location)


def _loop(handler: _Handler, mode: str, rest: str) -> None:
    _redirect(handler, f"/{'loop-b' if mode == 'loop' else 'loop'}/{rest}")


def _offhost(handler: _Handler, mode: str, rest: str) -> None:
    # the same server under another name: followed, it would answer well
    _redirect(handler, f"http://localhost:{handler.server.port}/ok/{rest}")


def _samehost(handler: _Handler, mode: str, rest: str) -> None:
    _redirect(handler, f"http://127.0.0.1:{handler.server.port}/ok/{rest}")


def _other_port(handler: _Handler, mode: str, rest: str) -> None:
    """``other-port=PORT``: to the same host on another port (another server)."""
    _redirect(handler, f"http://127.0.0.1:{mode.partition('=')[2]}/ok/{rest}")


def _payload(mode: str) -> Callable[[_Handler, str, str], None]:
    """A mode answering 200 with a fixed body, whatever was asked."""

    def answer(handler: _Handler, _mode: str, rest: str) -> None:
        body, headers = PAYLOADS[mode]()
        handler.send(200, body, **headers)

    return answer


PAYLOADS: dict[str, Callable[[], tuple[bytes, dict[str, str]]]] = {
    "html": lambda: (HTML, {"Content_Type": "text/html"}),
    "junk": lambda: (JUNK, {}),
    "bad-gzip": lambda: (b"\x1f\x8b\x08\x00" + JUNK, {"Content_Type": "application/gzip"}),
    "truncated-gzip": lambda: (gzip.compress(mboxrd(MAIL, REPLY) * 50)[:400], {}),
    "encoding-junk": lambda: (JUNK, {"Content_Encoding": "gzip"}),
    "other-mail": lambda: (mboxrd(OTHER), {}),
    "other-thread": lambda: (gzip.compress(mboxrd(OTHER, REPLY)), {}),
    "escapes": lambda: (gzip.compress(mboxrd(ESCAPES, REPLY)), {}),
}


def _bomb(handler: _Handler, mode: str, rest: str) -> None:
    """``bomb=N``: N MiB of zeros in N KiB of gzip, as the body."""
    handler.send(200, gzip_bomb(int(mode.partition("=")[2] or 64)))


def _encoding_bomb(handler: _Handler, mode: str, rest: str) -> None:
    """``encoding-bomb=N``: the same, as ``Content-Encoding: gzip`` of a good answer's URL."""
    body = gzip_bomb(int(mode.partition("=")[2] or 64))
    handler.send(200, body, Content_Encoding="gzip")


def _huge(handler: _Handler, mode: str, rest: str) -> None:
    """``huge=N``: an N MiB body, announced (Content-Length) and streamed."""
    size = int(mode.partition("=")[2] or 64) << 20
    handler.send_response(200)
    handler.send_header("Content-Length", str(size))
    handler.end_headers()
    line = b"x" * 1023 + b"\n"
    for _ in range(size // len(line)):
        handler.wfile.write(line)


def _slow(handler: _Handler, mode: str, rest: str) -> None:
    """One byte per second (``slow=SECONDS`` another pace) of a good raw answer."""
    pace = float(mode.partition("=")[2] or 1.0)
    body = mboxrd(MAIL)
    handler.send_response(200)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    for byte in body:
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()
        if handler.server.stopping.wait(pace):
            return


def _slow_headers(handler: _Handler, mode: str, rest: str) -> None:
    """The status line, then a header a byte at a time, ``slow-headers=SECONDS`` apart (0.25
    by default): every read gets a byte before its timeout. It ends after 20 s."""
    pace = float(mode.partition("=")[2] or 0.25)
    handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
    end = time.monotonic() + 20
    while time.monotonic() < end:
        handler.wfile.write(b"X")
        handler.wfile.flush()
        if handler.server.stopping.wait(pace):
            return
    handler.close_connection = True


def _retry_after(value: Callable[[], str]) -> Callable[[_Handler, str, str], None]:
    """503 with that Retry-After on the first request of the mode, then a good answer
    (``retry-after-huge=TAG`` is a mode of its own: a test's first request is its first)."""

    def answer(handler: _Handler, mode: str, rest: str) -> None:
        if sum(seen[0] == mode for seen in handler.server.seen) == 1:
            handler.send(503, b"busy", Retry_After=value())
        else:
            _good(handler, rest)

    return answer


def _gzip_encoded(handler: _Handler, mode: str, rest: str) -> None:
    """A good answer sent with ``Content-Encoding: gzip`` (as nginx in front of lore does)."""
    handler.send_response(200)
    body = gzip.compress(mboxrd(MAIL))
    handler.send_header("Content-Encoding", "gzip")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


MODES: dict[str, Callable[[_Handler, str, str], None]] = {
    "ok": _ok,
    "loop": _loop,
    "loop-b": _loop,
    "offhost": _offhost,
    "samehost": _samehost,
    "other-port": _other_port,
    "bomb": _bomb,
    "encoding-bomb": _encoding_bomb,
    "huge": _huge,
    "slow": _slow,
    "slow-headers": _slow_headers,
    "gzip-encoded": _gzip_encoded,
    "retry-after-negative": _retry_after(lambda: "-5"),
    "retry-after-nan": _retry_after(lambda: "nan"),
    "retry-after-huge": _retry_after(lambda: "99999"),
    "retry-after-date": _retry_after(lambda: formatdate(time.time() + 30, usegmt=True)),
    "retry-after-past": _retry_after(lambda: formatdate(time.time() - 3600, usegmt=True)),
    # a date UTC puts past year 9999
    "retry-after-overflow": _retry_after(lambda: "Fri, 31 Dec 9999 23:59:59 -1200"),
    **{name: _payload(name) for name in PAYLOADS},
}


class FaultServer(http.server.ThreadingHTTPServer):
    """The server; ``url(mode)`` is the inbox URL answering that way."""

    daemon_threads = True
    block_on_close = False
    seen: list[tuple[str, str, str]]

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.seen = []
        self.stopping = threading.Event()
        self.port = int(self.server_address[1])

    def url(self, mode: str) -> str:
        return f"http://127.0.0.1:{self.port}/{mode}/"

    def requests(self, mode: str) -> int:
        return sum(seen[0] == mode for seen in self.seen)


def serve() -> Iterator[FaultServer]:
    """Run a FaultServer in a thread until the generator is closed (a pytest fixture body)."""
    server = FaultServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
