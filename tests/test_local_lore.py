"""The seed imported into a real public-inbox v2 inbox (Debian's public-inbox, as lore runs it)."""

from __future__ import annotations

import contextlib
import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
import warnings
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import ClassVar

import httpx
import pytest

import kvmlist
from kvmlist.sources.lore import (
    FeedIncomplete,
    LoreClient,
    LoreUnreachable,
    NoMatch,
    NoSuchMessage,
)

from .conftest import SEED_MBOX, SEED_REPORT, SHARED, need

LOCAL_LORE = SHARED / "local-lore.sh"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def local_lore(archive: Path, state: Path) -> Iterator[str]:
    """Serve an mbox from a real public-inbox-httpd on loopback (its inbox under state/test);
    yield its URL, and stop it on the way out."""
    env = {**os.environ, "LOCAL_LORE_DIR": str(state)}
    started = subprocess.run(
        ["bash", str(LOCAL_LORE), "start", str(archive), str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    try:
        yield started.stdout.strip().splitlines()[-1]
    finally:
        subprocess.run(["bash", str(LOCAL_LORE), "stop"], env=env, check=False)


@pytest.fixture(scope="session")
def seed_lore(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """Yield (URL, inbox path) of a public-inbox-httpd on loopback serving the seed."""
    need(LOCAL_LORE)
    need(SEED_MBOX)
    if shutil.which("public-inbox-httpd") is None:
        pytest.skip("needs Debian's public-inbox (make test installs it where apt-get is root)")
    state = tmp_path_factory.mktemp("local-lore")
    with local_lore(SEED_MBOX, state) as url:
        yield url, state / "test"


def run_report(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "kvmlist", "report", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def commits(inbox: Path) -> list[str]:
    listing = subprocess.run(
        ["git", f"--git-dir={inbox / 'git' / '0.git'}", "rev-list", "--reverse", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    )
    return listing.stdout.split()


def test_report_over_the_whole_range_matches_the_seed_from_line_3(
    seed_lore: tuple[str, Path],
) -> None:
    _, inbox = seed_lore
    ids = commits(inbox)
    assert len(ids) == 27
    text = run_report("--inbox", str(inbox), "--range", f"..{ids[-1][:12]}")
    expected = need(SEED_REPORT).read_text()
    assert text.splitlines(keepends=True)[2:] == expected.splitlines(keepends=True)[2:]
    assert text.splitlines()[:2] == [
        f"From {ids[0][:9]} to {ids[-1][:9]}",
        f"KVM mailing list update from {ids[0][:9]} to {ids[-1][:9]}",
    ]


def test_report_over_part_of_the_range_reports_just_that_part(seed_lore: tuple[str, Path]) -> None:
    _, inbox = seed_lore
    ids = commits(inbox)
    # the archive's first 10 mails are Marc Zyngier's v3 series (cover and 9 patches)
    text = run_report("--inbox", str(inbox), "--range", f"{ids[9][:9]}..{ids[-1][:9]}")
    assert text.startswith(f"From {ids[9][:9]} to {ids[-1][:9]}\n")
    assert "Marc Zyngier" not in text
    assert "     10  Joey Gouly <joey.gouly@arm.com>" in text
    assert "New:  arm64: EL2 support" in text


# --- the lore client against the real server -------------------------------------------------

MAZ_COVER = "20251204094806.3846619-1-maz@kernel.org"
PETER_2 = "20251204151003.171039-3-peterx@redhat.com"


@pytest.fixture
def lore(seed_lore: tuple[str, Path], tmp_path: Path) -> Iterator[LoreClient]:
    url, _ = seed_lore
    with LoreClient(url, cache_dir=tmp_path / "cache", retries=1, backoff=0.01) as client:
        yield client


def test_thread_by_message_id_with_or_without_brackets(lore: LoreClient) -> None:
    thread = lore.thread(f"<{MAZ_COVER}>")
    assert len(thread) == 10
    [series] = kvmlist.group_series(thread)
    assert series.complete and series.version == 3


def test_message_by_lore_url(lore: LoreClient) -> None:
    message = lore.message(f"{lore.base_url}{PETER_2}/T/#u")
    assert message.message_id == PETER_2
    assert isinstance(message, kvmlist.Patch) and message.index == 2


def test_search_and_no_match(lore: LoreClient) -> None:
    hits = lore.search("s:FEAT_IDST")
    assert hits and all("FEAT_IDST" in m.subject for m in hits)
    with pytest.raises(NoMatch):
        lore.search("s:nothing_is_called_this")


def test_no_such_message(lore: LoreClient) -> None:
    with pytest.raises(NoSuchMessage):
        lore.raw("no-such-message@example.org")


def test_feed_of_new_messages(lore: LoreClient) -> None:
    entries = lore.new()
    assert len(entries) == 25  # public-inbox's feed shows the newest 25
    assert PETER_2 in {e.message_id for e in entries}
    later = datetime(2025, 12, 4, 15, 0, tzinfo=timezone.utc)
    assert {e.author for e in lore.new(since=later)} == {"Peter Xu"}
    naive = later.replace(tzinfo=None)  # taken as UTC, as everywhere in the API
    assert lore.new(since=naive) == lore.new(since=later)


def test_a_feed_older_than_since_may_miss_mails_and_says_so(lore: LoreClient) -> None:
    # public-inbox's feed holds the newest 25 of the seed's 27 mails, and cannot be paged
    with pytest.warns(FeedIncomplete, match=r"search .d:2025-12-01\.\.") as caught:
        entries = lore.new(since=datetime(2025, 12, 1, tzinfo=timezone.utc))
    assert len(entries) == 25 and len(caught) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error", FeedIncomplete)
        lore.new()  # no bound: the newest 25, as asked
        lore.new(since=datetime(2025, 12, 4, 15, 0, tzinfo=timezone.utc))  # the feed covers it
    assert len(lore.search("d:2025-12-01..")) == 27  # what the warning advises: every mail


def test_offline_mode_serves_the_cache_without_network(lore: LoreClient) -> None:
    lore.thread(MAZ_COVER)
    offline = LoreClient("http://127.0.0.1:9/nowhere/", cache_dir=lore.cache_dir, offline=True)
    offline.base_url = lore.base_url  # same keys, but a dead transport proves no request is made
    offline._http = httpx.Client(transport=httpx.MockTransport(_no_network))
    assert len(offline.thread(MAZ_COVER)) == 10
    with pytest.raises(LoreUnreachable, match="not in the cache"):
        offline.thread("other@example.org")


def _no_network(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"offline client made a request: {request.url}")


def test_cli_reads_a_thread_from_a_lore_url(seed_lore: tuple[str, Path], tmp_path: Path) -> None:
    url, _ = seed_lore
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "kvmlist",
            "stats",
            f"{url}{PETER_2}/",
            "--by",
            "domain",
            "--cache-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["domain", "count", "redhat.com", "5"]


def test_cli_check_reads_a_thread_from_lore_as_the_other_commands_do(
    seed_lore: tuple[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kvmlist.cli.commands import main

    url, _ = seed_lore
    for source in (MAZ_COVER, f"{url}{MAZ_COVER}/"):
        argv = ["check", source, "--lore-base", url, "--cache-dir", str(tmp_path)]
        assert main(argv) == 0, capsys.readouterr().err
        out = capsys.readouterr().out
        assert "mails in:   10\nmails out:  10\npatches:    9\ncovers:     1" in out


def test_cli_fetch_writes_the_thread_mbox(seed_lore: tuple[str, Path], tmp_path: Path) -> None:
    url, _ = seed_lore
    out = tmp_path / "thread.mbox"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "kvmlist",
            "fetch",
            MAZ_COVER,
            "--lore-base",
            url,
            "-o",
            str(out),
            "--cache-dir",
            str(tmp_path / "c"),
        ],
        check=True,
    )
    assert len(list(kvmlist.read_mbox(out))) == 10


# --- retries against a loopback stub -----------------------------------------------------------


class _Flaky(http.server.BaseHTTPRequestHandler):
    answers: ClassVar[list[tuple[int, dict[str, str]]]] = []
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.seen.append(self.headers.get("User-Agent", ""))
        status, headers = self.answers.pop(0) if self.answers else (200, {})
        body = b"From: A <a@example.org>\nMessage-ID: <ok@x>\nSubject: hi\n\nbody\n"
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def flaky() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Flaky)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Flaky.seen.clear()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/inbox/"
    finally:
        server.shutdown()
        server.server_close()


def test_retries_after_503_and_429_honouring_retry_after(flaky: str, tmp_path: Path) -> None:
    _Flaky.answers = [(503, {}), (429, {"Retry-After": "0"}), (200, {})]
    with LoreClient(flaky, cache_dir=tmp_path, retries=3, backoff=0.01) as client:
        assert client.message("ok@x").message_id == "ok@x"
    assert len(_Flaky.seen) == 3
    assert all(agent.startswith("kvmlist/") for agent in _Flaky.seen)


def test_gives_up_with_a_clear_error(flaky: str, tmp_path: Path) -> None:
    _Flaky.answers = [(503, {})] * 3
    client = LoreClient(flaky, cache_dir=tmp_path, retries=2, backoff=0.01)
    with client, pytest.raises(LoreUnreachable, match="HTTP 503"):
        client.raw("ok@x")


def test_unreachable_server(tmp_path: Path) -> None:
    client = LoreClient("http://127.0.0.1:9/", cache_dir=tmp_path, retries=1, backoff=0.01)
    with client, pytest.raises(LoreUnreachable):
        client.raw("x@y")
