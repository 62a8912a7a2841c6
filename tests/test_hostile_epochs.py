"""Epochs git cannot read: an error naming the epoch and git's words, never an empty epoch."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import kvmlist
from kvmlist.cli.commands import main

from .conftest import mail
from .inbox_builder import build_epoch

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
