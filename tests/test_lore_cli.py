"""The command line against a misbehaving lore server: one line on stderr, exit 2, no file."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kvmlist.cli.commands import main
from kvmlist.cli.lore_options import base_of

from .fault_server import MAIL_ID, FaultServer, serve


@pytest.fixture(scope="module")
def faults() -> Iterator[FaultServer]:
    yield from serve()


def fetch(faults: FaultServer, mode: str, tmp_path: Path, *options: str) -> int:
    return main(
        [
            "fetch",
            MAIL_ID,
            "--lore-base",
            faults.url(mode),
            "--cache-dir",
            str(tmp_path / "cache"),
            "-o",
            str(tmp_path / "thread.mbox"),
            *options,
        ]
    )


def one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("kvmlist"), err
    return err


@pytest.mark.parametrize(
    ("mode", "says"),
    [
        ("html", "not a gzip"),
        ("truncated-gzip", "truncated"),
        ("other-thread", f"does not hold {MAIL_ID}"),
        ("loop", "redirect loop"),
        ("offhost", "another origin"),
        ("retry-after-nan", ""),
    ],
)
def test_fetch_of_a_broken_answer_is_one_line_exit_2_and_no_file(
    faults: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str], mode: str, says: str
) -> None:
    if mode == "retry-after-nan":  # the wait is not the fault: the answer after it is good
        assert fetch(faults, mode, tmp_path, "--retries", "1") == 0
        return
    assert fetch(faults, mode, tmp_path, "--retries", "1") == 2
    assert says in one_line(capsys)
    assert not (tmp_path / "thread.mbox").exists()


def test_fetch_with_a_size_cap(
    faults: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert fetch(faults, "bomb=512", tmp_path, "--max-bytes", "1M") == 2
    assert "larger than 1,048,576 bytes" in one_line(capsys)
    assert not (tmp_path / "thread.mbox").exists()


def test_fetch_with_a_timeout(
    faults: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert fetch(faults, "slow=0.5", tmp_path, "--timeout", "1") == 2
    assert "1 s" in one_line(capsys)


def test_fetch_with_a_timeout_holds_while_headers_trickle(
    faults: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    assert fetch(faults, "slow-headers", tmp_path, "--timeout", "1") == 2
    assert time.monotonic() - started < 3
    assert "1 s deadline" in one_line(capsys)
    assert not (tmp_path / "thread.mbox").exists()


def test_a_wait_for_retry_after_is_said_on_stderr_unless_quiet(
    faults: FaultServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    assert fetch(faults, f"retry-after-huge={tmp_path.name}", tmp_path) == 0
    assert "HTTP 503; try 2 of 5 in 60 s" in one_line(capsys)
    assert fetch(faults, f"retry-after-huge={tmp_path.name}-q", tmp_path / "q", "--quiet") == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("option", "value"), [("--max-bytes", "lots"), ("--timeout", "-1"), ("--retries", "-1")]
)
def test_bad_lore_option_values_are_refused(
    faults: FaultServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    option: str,
    value: str,
) -> None:
    with pytest.raises(SystemExit) as stop:
        fetch(faults, "ok", tmp_path, option, value)
    assert stop.value.code == 2
    assert option in one_line(capsys)


@pytest.mark.parametrize("message_id", ["..", ".", "<>"])
def test_fetch_of_a_message_id_that_is_a_path_is_refused(
    faults: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str], message_id: str
) -> None:
    before = len(faults.seen)
    code = main(
        ["fetch", message_id, "--lore-base", faults.url("ok"), "--cache-dir", str(tmp_path)]
    )
    assert code == 2
    assert "not a Message-ID" in one_line(capsys)
    assert len(faults.seen) == before


def test_the_inbox_of_a_lore_url_with_percent_40() -> None:
    url = "https://lore.kernel.org/kvm/20251204094806.3846619-1-maz%40kernel.org/T/#u"
    assert base_of(url) == "https://lore.kernel.org/kvm/"


class _Terminal:
    """A stdout that says it is a terminal, keeping what is written to it or its buffer."""

    def __init__(self) -> None:
        import io

        self.buffer = io.BytesIO()
        self.text = io.StringIO()

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> int:
        return self.text.write(text)

    def flush(self) -> None:
        pass


def test_fetch_shows_a_terminal_no_control_character_but_writes_a_file_as_served(
    faults: FaultServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    assert fetch(faults, "escapes", tmp_path) == 0
    assert b"\x1b]0;owned\x07" in (tmp_path / "thread.mbox").read_bytes()  # -o: every byte
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    cache = ["--cache-dir", str(tmp_path / "cache")]
    assert main(["fetch", MAIL_ID, "--lore-base", faults.url("escapes"), *cache]) == 0
    shown = terminal.text.getvalue() + terminal.buffer.getvalue().decode()
    assert "\x1b" not in shown and "\x07" not in shown
    assert "switching?\\x1b]0;owned\\x07\n" in shown and "VM exit.\\x1b[2J" in shown


@pytest.mark.parametrize("given", ["local.mbox", "folder", "-", "not-an-id"])
def test_fetch_of_a_local_path_or_a_word_without_at_is_refused_before_any_request(
    faults: FaultServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    given: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "local.mbox").write_bytes(b"From x\n\n")
    (tmp_path / "folder").mkdir()
    before = len(faults.seen)
    code = main(["fetch", given, "--lore-base", faults.url("ok"), "--retries", "0"])
    assert code == 2
    said = one_line(capsys)
    assert "not a Message-ID" in said
    if given != "not-an-id":
        assert f"`kvmlist check {given}`" in said
    assert len(faults.seen) == before
