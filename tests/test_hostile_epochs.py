"""Epochs git cannot read: an error naming the epoch and git's words, never an empty epoch
nor a hang."""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

import kvmlist
from kvmlist.cli.commands import main
from kvmlist.sources._git import LAST_WORDS, last_words

from .conftest import mail
from .inbox_builder import build_epoch, unpack_objects

T = TypeVar("T")

T0 = 1772528400  # 2026-03-03 09:00 UTC


def _two_epochs(root: Path) -> Path:
    """An inbox of two epochs, two mails in each."""
    (root / "git").mkdir(parents=True)
    for epoch in (0, 1):
        raws = [mail(message_id=f"<{epoch}.{n}@x>") for n in range(2)]
        build_epoch(
            root / "git" / f"{epoch}.git", [("m", raw, T0 + n) for n, raw in enumerate(raws)]
        )
    return root


def _configure(git_dir: Path, *settings: tuple[str, str]) -> None:
    for key, value in settings:
        subprocess.run(["git", "config", "--file", str(git_dir / "config"), key, value], check=True)


#: Configs a git cannot open a repository with: a newer git's ref storage, an include of a
#: device that is no config. Each with the words git says.
UNREADABLE = {
    "reftable": (
        [("core.repositoryformatversion", "1"), ("extensions.refStorage", "reftable")],
        "unknown repository extension",
    ),
    "include of /dev/zero": ([("include.path", "/dev/zero")], "bad config line 1"),
    # git log and rev-parse read an empty stdin; git cat-file reads our commands as config
    # and dies once it has started: "git cat-file ended early" must say why
    "include of /dev/stdin": (
        [("include.path", "/dev/stdin")],
        "git cat-file ended early: fatal: bad config line 1 in file /dev/stdin",
    ),
}


@pytest.mark.parametrize("case", list(UNREADABLE))
def test_an_epoch_git_cannot_open_is_an_error_not_an_empty_epoch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    settings, words = UNREADABLE[case]
    inbox = _two_epochs(tmp_path / "inbox")
    _configure(inbox / "git" / "1.git", *settings)
    with pytest.raises(kvmlist.SourceError, match=words):
        list(kvmlist.read_inbox(inbox))
    assert main(["check", "--inbox", str(inbox)]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "1.git" in err and words in err


def test_a_report_on_an_unreadable_only_epoch_is_an_error_not_an_empty_week(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "inbox" / "git").mkdir(parents=True)
    epoch = tmp_path / "inbox" / "git" / "0.git"
    build_epoch(epoch, [("m", mail(), T0)])
    _configure(epoch, *UNREADABLE["reftable"][0])
    assert main(["report", "--inbox", str(tmp_path / "inbox")]) == 2
    captured = capsys.readouterr()
    assert "no mail arrived" not in captured.err and "0.git" in captured.err
    assert captured.out == ""


def test_a_freshly_initialised_epoch_is_read_as_empty(tmp_path: Path) -> None:
    # as public-inbox-init leaves one (git init --bare: HEAD names a branch not yet made)
    inbox = _two_epochs(tmp_path / "inbox")
    subprocess.run(["git", "init", "-q", "--bare", str(inbox / "git" / "2.git")], check=True)
    ids = [m.message_id for m in kvmlist.read_inbox(inbox)]
    assert ids == ["0.0@x", "0.1@x", "1.0@x", "1.1@x"]
    assert main(["check", "--inbox", str(inbox)]) == 0


def test_an_epoch_whose_head_names_no_branch_it_has_is_an_error(tmp_path: Path) -> None:
    # git init with init.defaultBranch=main, then the mails fetched into master
    inbox = _two_epochs(tmp_path / "inbox")
    epoch = inbox / "git" / "1.git"
    subprocess.run(
        ["git", f"--git-dir={epoch}", "symbolic-ref", "HEAD", "refs/heads/main"], check=True
    )
    with pytest.raises(
        kvmlist.SourceError, match=r"1\.git: .*HEAD names no commit.*refs/heads/master"
    ):
        list(kvmlist.read_inbox(inbox))


def test_an_epoch_with_a_broken_ref_is_an_error(tmp_path: Path) -> None:
    inbox = _two_epochs(tmp_path / "inbox")
    subprocess.run(
        ["git", f"--git-dir={inbox / 'git' / '1.git'}", "pack-refs", "--all"], check=True
    )
    (inbox / "git" / "1.git" / "refs" / "heads" / "master").write_text("not a commit id\n")
    with pytest.raises(kvmlist.SourceError, match=r"1\.git: .*broken ref refs/heads/master"):
        list(kvmlist.read_inbox(inbox))


# --- an epoch that would keep git waiting for ever --------------------------------------------


@pytest.fixture
def patience(monkeypatch: pytest.MonkeyPatch) -> float:
    """How long git may keep kvmlist waiting for a byte, cut to a second for these tests."""
    import kvmlist.sources._git as git

    monkeypatch.setattr(git, "PATIENCE", 1.0)
    return 1.0


def _within(seconds: float, call: Callable[[], T]) -> T:
    """Return what call returns, or fail if it takes longer than seconds (a hang)."""
    done: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            done.append(call())
        except BaseException as error:  # handed to the test's thread
            errors.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still waiting after {seconds} s"
    if errors:
        raise errors[0]
    return done[0]


@contextlib.contextmanager
def _fifo(path: Path) -> Iterator[Path]:
    """A FIFO nobody writes; afterwards, any git still opening it reads an empty file."""
    os.mkfifo(path)
    try:
        yield path
    finally:
        with contextlib.suppress(OSError):  # ENXIO: no reader left, as it should be
            os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))


def test_a_fifo_the_config_includes_is_an_error_not_a_hang(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], patience: float
) -> None:
    inbox = _two_epochs(tmp_path / "inbox")
    with _fifo(tmp_path / "fifo-cfg") as fifo:
        _configure(inbox / "git" / "0.git", ("include.path", str(fifo)))
        started = time.monotonic()
        assert _within(20, lambda: main(["check", "--inbox", str(inbox)])) == 2
    assert time.monotonic() - started < 10 * patience
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "0.git" in err and "no answer in 1 s" in err


def test_a_fifo_for_a_mail_is_an_error_after_the_mails_before_it(
    tmp_path: Path, patience: float
) -> None:
    # git opens a loose object when asked for it: the hang would come mid-way
    inbox = _two_epochs(tmp_path / "inbox")
    epoch = inbox / "git" / "1.git"
    blob = subprocess.run(
        ["git", f"--git-dir={epoch}", "rev-parse", "HEAD:m"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    unpack_objects(epoch)
    loose = epoch / "objects" / blob[:2] / blob[2:]
    loose.unlink()
    kept: list[str] = []
    with _fifo(loose), pytest.raises(kvmlist.SourceError, match=r"1\.git: .*no answer in 1 s"):
        _within(20, lambda: kept.extend(m.message_id for m in kvmlist.read_inbox(inbox)))
    assert kept == ["0.0@x", "0.1@x", "1.0@x"]


def test_a_reader_slower_than_the_patience_loses_nothing(tmp_path: Path, patience: float) -> None:
    # the patience bounds git's answers, not the time a caller takes between mails
    inbox = _two_epochs(tmp_path / "inbox")
    ids = []
    for message in kvmlist.read_inbox(inbox):
        ids.append(message.message_id)
        if message.message_id.endswith(".0@x"):  # within a run of mails, and between epochs
            time.sleep(1.5 * patience)
    assert ids == ["0.0@x", "0.1@x", "1.0@x", "1.1@x"]


def test_what_git_said_is_quoted_as_its_last_words_on_one_bounded_line() -> None:
    said = b"".join(b"warning: line %d\n" % n for n in range(10_000)) + b"fatal: the reason\n"
    with tempfile.TemporaryFile() as errors:
        errors.write(said)
        words = last_words(errors)
    assert words.endswith("warning: line 9999 fatal: the reason")
    assert "\n" not in words and len(words) <= LAST_WORDS
