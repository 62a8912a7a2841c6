"""The lore client against a misbehaving server: every fault ends in a clear error, nothing
broken is cached, and size, time and waits stay bounded (tests/fault_server.py)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from kvmlist.errors import KvmlistError
from kvmlist.sources.lore import LoreClient, LoreTimeout, LoreUnreachable

from .fault_server import MAIL, MAIL_ID, FaultServer, mboxrd, serve

MIB = 1 << 20


@pytest.fixture(scope="module")
def faults() -> Iterator[FaultServer]:
    yield from serve()


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits the client asks for, recorded instead of slept."""
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    return slept


def client(faults: FaultServer, mode: str, cache: Path, **options: Any) -> LoreClient:
    return LoreClient(
        faults.url(mode), cache_dir=cache, **{"retries": 1, "backoff": 0.01, **options}
    )


def cached(cache: Path) -> list[Path]:
    """Every file in the cache, temporary ones included."""
    return sorted(path for path in cache.rglob("*") if path.is_file())


# --- the mail as sent ---------------------------------------------------------------------------


def test_raw_is_the_mail_as_sent_not_its_mboxrd_rendering(
    faults: FaultServer, tmp_path: Path
) -> None:
    with client(faults, "ok", tmp_path) as lore:
        assert lore.raw(MAIL_ID) == MAIL
        assert lore.raw(MAIL_ID) == MAIL  # and so from the cache


def test_message_from_raw_has_no_false_defect(faults: FaultServer, tmp_path: Path) -> None:
    with client(faults, "ok", tmp_path) as lore:
        message = lore.message(f"<{MAIL_ID}>")
    assert message.message_id == MAIL_ID
    assert message.defects == ()
    assert "From the spec" in message.body and ">From the trace" in message.body


def test_an_answer_with_content_encoding_gzip_is_decoded(
    faults: FaultServer, tmp_path: Path
) -> None:
    with client(faults, "gzip-encoded", tmp_path) as lore:
        assert lore.raw(MAIL_ID) == MAIL


# --- validate before caching ---------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["html", "junk", "other-mail", "encoding-junk", "bad-gzip"])
def test_a_raw_answer_that_is_not_the_mail_is_retried_reported_and_not_cached(
    faults: FaultServer, tmp_path: Path, mode: str
) -> None:
    before = faults.requests(mode)
    with client(faults, mode, tmp_path) as lore, pytest.raises(KvmlistError):
        lore.raw(MAIL_ID)
    assert faults.requests(mode) - before == 2  # asked again once (retries=1), then reported
    assert cached(tmp_path) == []


@pytest.mark.parametrize(
    "mode", ["html", "junk", "bad-gzip", "truncated-gzip", "encoding-junk", "other-thread"]
)
def test_a_thread_answer_that_is_not_the_thread_is_retried_reported_and_not_cached(
    faults: FaultServer, tmp_path: Path, mode: str
) -> None:
    before = faults.requests(mode)
    with client(faults, mode, tmp_path) as lore, pytest.raises(KvmlistError):
        lore.thread(MAIL_ID)
    assert faults.requests(mode) - before == 2
    assert cached(tmp_path) == []
    offline = LoreClient(faults.url(mode), cache_dir=tmp_path, offline=True)
    with offline, pytest.raises(LoreUnreachable, match="not in the cache"):
        offline.thread(MAIL_ID)


@pytest.mark.parametrize("mode", ["html", "junk", "bad-gzip", "truncated-gzip", "encoding-junk"])
def test_a_search_answer_that_is_not_an_mbox_is_reported_and_not_cached(
    faults: FaultServer, tmp_path: Path, mode: str
) -> None:
    with client(faults, mode, tmp_path) as lore, pytest.raises(KvmlistError):
        lore.search("s:timer")
    assert cached(tmp_path) == []


def test_a_good_search_answer_is_parsed_and_cached(faults: FaultServer, tmp_path: Path) -> None:
    with client(faults, "ok", tmp_path) as lore:
        assert [m.message_id for m in lore.search("s:timer")] == [
            MAIL_ID,
            "aaWq2LhM7sQyXc4N@google.com",
        ]
    assert len(cached(tmp_path)) == 1


@pytest.mark.parametrize("mode", ["html", "junk", "encoding-junk"])
def test_a_feed_that_is_not_atom_is_reported_and_not_cached(
    faults: FaultServer, tmp_path: Path, mode: str
) -> None:
    with client(faults, mode, tmp_path) as lore, pytest.raises(KvmlistError):
        lore.new()
    assert cached(tmp_path) == []


def test_a_broken_cache_entry_is_not_served(faults: FaultServer, tmp_path: Path) -> None:
    with client(faults, "ok", tmp_path) as lore:
        lore.raw(MAIL_ID)
        lore.thread(MAIL_ID)
    for path in cached(tmp_path):
        path.write_bytes(b"<html>cached by an older kvmlist</html>\n")
    offline = LoreClient(faults.url("ok"), cache_dir=tmp_path, offline=True)
    with offline, pytest.raises(KvmlistError):
        offline.thread(MAIL_ID)
    with client(faults, "ok", tmp_path) as lore:
        assert lore.raw(MAIL_ID) == MAIL  # asked again instead
        assert len(lore.thread(MAIL_ID)) == 2


# --- bounded -------------------------------------------------------------------------------------


def test_a_gzip_bomb_thread_stops_at_the_size_cap(faults: FaultServer, tmp_path: Path) -> None:
    # 2 MiB of gzip that inflates to 2 GiB
    lore = client(faults, "bomb=2048", tmp_path, max_bytes=MIB)
    with lore, pytest.raises(KvmlistError, match="larger than 1,048,576 bytes"):
        lore.thread(MAIL_ID)
    assert cached(tmp_path) == []


def test_a_content_encoding_bomb_stops_at_the_size_cap(faults: FaultServer, tmp_path: Path) -> None:
    lore = client(faults, "encoding-bomb=2048", tmp_path, max_bytes=MIB)
    with lore, pytest.raises(KvmlistError, match="larger than"):
        lore.raw(MAIL_ID)
    assert cached(tmp_path) == []


def test_a_huge_answer_stops_at_the_size_cap(faults: FaultServer, tmp_path: Path) -> None:
    before = faults.requests("huge=256")
    lore = client(faults, "huge=256", tmp_path, max_bytes=MIB)
    with lore, pytest.raises(KvmlistError, match="larger than"):
        lore.raw(MAIL_ID)
    assert faults.requests("huge=256") - before == 1  # the same answer again would not help
    assert cached(tmp_path) == []


def test_a_server_sending_one_byte_a_second_meets_the_deadline(
    faults: FaultServer, tmp_path: Path
) -> None:
    lore = client(faults, "slow", tmp_path, deadline=1.5)
    with lore, pytest.raises(KvmlistError, match=r"1\.5 s"):
        lore.raw(MAIL_ID)
    assert cached(tmp_path) == []


def test_a_server_trickling_its_headers_meets_the_deadline(
    faults: FaultServer, tmp_path: Path
) -> None:
    # each read gets a byte within its timeout: only the deadline of the call can end it
    started = time.monotonic()
    lore = client(faults, "slow-headers", tmp_path, deadline=1.5, timeout=1, retries=0)
    with lore, pytest.raises(LoreTimeout, match=r"1\.5 s deadline"):
        lore.raw(MAIL_ID)
    assert time.monotonic() - started < 4
    assert cached(tmp_path) == []


@pytest.mark.parametrize(
    ("mode", "low", "high"),
    [
        ("retry-after-negative", 0.0, 0.0),
        ("retry-after-nan", 0.01, 0.01),  # no number: the client's own backoff
        ("retry-after-past", 0.0, 0.0),
        ("retry-after-huge", 60.0, 60.0),  # clamped to max_retry_after
        ("retry-after-date", 25.0, 31.0),  # an HTTP-date 30 s ahead
        ("retry-after-overflow", 60.0, 60.0),  # a date past year 9999 in UTC: clamped
    ],
)
def test_retry_after_is_clamped_and_understood(
    faults: FaultServer, tmp_path: Path, sleeps: list[float], mode: str, low: float, high: float
) -> None:
    with client(faults, f"{mode}={tmp_path.name}", tmp_path) as lore:
        assert lore.raw(MAIL_ID) == MAIL
    [slept] = sleeps
    assert low <= slept <= high


def test_retry_after_beyond_the_deadline_gives_up_at_once(
    faults: FaultServer, tmp_path: Path, sleeps: list[float]
) -> None:
    lore = client(faults, f"retry-after-huge={tmp_path.name}", tmp_path, deadline=10)
    with lore, pytest.raises(LoreUnreachable, match="Retry-After"):
        lore.raw(MAIL_ID)
    assert sleeps == []


# --- redirects -----------------------------------------------------------------------------------


def test_a_redirect_loop_is_a_clear_error(faults: FaultServer, tmp_path: Path) -> None:
    with client(faults, "loop", tmp_path) as lore, pytest.raises(KvmlistError, match="loop"):
        lore.raw(MAIL_ID)


def test_a_redirect_to_another_host_is_not_followed(faults: FaultServer, tmp_path: Path) -> None:
    before = faults.requests("ok")
    lore = client(faults, "offhost", tmp_path)
    with lore, pytest.raises(KvmlistError, match="another origin: http://localhost:"):
        lore.raw(MAIL_ID)
    assert faults.requests("ok") == before
    assert cached(tmp_path) == []


def test_a_redirect_to_another_host_is_followed_when_allowed(
    faults: FaultServer, tmp_path: Path
) -> None:
    with client(faults, "offhost", tmp_path, follow_other_hosts=True) as lore:
        assert lore.raw(MAIL_ID) == MAIL


@pytest.fixture
def other_server() -> Iterator[FaultServer]:
    yield from serve()


def test_a_redirect_to_another_port_is_not_followed(
    faults: FaultServer, other_server: FaultServer, tmp_path: Path
) -> None:
    lore = client(faults, f"other-port={other_server.port}", tmp_path)
    with (
        lore,
        pytest.raises(KvmlistError, match=f"another origin: http://127.0.0.1:{other_server.port}"),
    ):
        lore.raw(MAIL_ID)
    assert other_server.seen == []
    assert cached(tmp_path) == []


def test_a_redirect_to_another_port_is_followed_when_allowed(
    faults: FaultServer, other_server: FaultServer, tmp_path: Path
) -> None:
    mode = f"other-port={other_server.port}"
    with client(faults, mode, tmp_path, follow_other_hosts=True) as lore:
        assert lore.raw(MAIL_ID) == MAIL


def _redirecting(seen: list[str], to: str) -> httpx.MockTransport:
    """A transport redirecting every first request to ``to`` + the path, and answering the
    mail there (no network: no loopback server speaks TLS)."""

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if len(seen) == 1:
            return httpx.Response(301, headers={"Location": to + request.url.raw_path.decode()})
        return httpx.Response(200, stream=httpx.ByteStream(mboxrd(MAIL)))

    return httpx.MockTransport(answer)


@pytest.mark.parametrize("allowed", [False, True])
def test_an_https_request_is_never_redirected_to_http(tmp_path: Path, allowed: bool) -> None:
    seen: list[str] = []
    transport = _redirecting(seen, "http://lore.kernel.org:8080")
    lore = LoreClient(
        cache_dir=tmp_path, retries=0, follow_other_hosts=allowed, transport=transport
    )
    with lore, pytest.raises(KvmlistError, match="from https to http"):
        lore.raw(MAIL_ID)
    assert len(seen) == 1 and cached(tmp_path) == []


def test_an_http_request_is_followed_to_https_on_the_same_host(tmp_path: Path) -> None:
    seen: list[str] = []
    transport = _redirecting(seen, "https://lore.kernel.org")
    lore = LoreClient("http://lore.kernel.org/all/", cache_dir=tmp_path, transport=transport)
    with lore:
        assert lore.raw(MAIL_ID) == MAIL
    assert seen[1].startswith("https://lore.kernel.org/all/")


def test_a_redirect_on_the_same_host_is_followed(faults: FaultServer, tmp_path: Path) -> None:
    with client(faults, "samehost", tmp_path) as lore:
        assert len(lore.thread(MAIL_ID)) == 2


# --- Message-IDs are not paths -------------------------------------------------------------------


@pytest.mark.parametrize("message_id", ["..", ".", "", "<>", " <..> ", "a\tb@c", "x@y\n/raw"])
def test_a_message_id_that_is_a_path_is_refused_before_any_request(
    faults: FaultServer, tmp_path: Path, message_id: str
) -> None:
    before = len(faults.seen)
    with client(faults, "ok", tmp_path) as lore:
        for fetch in (lore.raw, lore.thread):
            with pytest.raises(KvmlistError, match="not a Message-ID"):
                fetch(message_id)
    assert len(faults.seen) == before


def test_a_lore_url_with_percent_40_for_the_at_sign(faults: FaultServer, tmp_path: Path) -> None:
    url = f"{faults.url('ok')}{MAIL_ID.replace('@', '%40')}/T/#u"
    with client(faults, "ok", tmp_path) as lore:
        assert lore.message(url).message_id == MAIL_ID


# --- the cache -----------------------------------------------------------------------------------


def test_an_interrupted_cache_write_leaves_no_part_file(
    faults: FaultServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with client(faults, "ok", tmp_path) as lore, pytest.raises(KeyboardInterrupt):
        lore.raw(MAIL_ID)
    assert cached(tmp_path) == []


def test_part_files_of_dead_writers_are_removed(faults: FaultServer, tmp_path: Path) -> None:
    with client(faults, "ok", tmp_path) as lore:
        lore.raw(MAIL_ID)
    [entry] = cached(tmp_path)
    # a writer killed (SIGKILL, the OOM killer) before its rename: pid 4194309 cannot exist
    (entry.parent / ".part.4194309.k2j1x9").write_bytes(b"x" * 1000)
    with client(faults, "ok", tmp_path) as lore:
        lore.thread(MAIL_ID)
    assert [path.name for path in cached(tmp_path) if ".part" in path.name] == []
