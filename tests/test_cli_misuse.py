"""The command line's answer to a value no user means: a revision git would read as an
option, an absurd number of workers, a date past the calendar, a closed standard stream, a
reversed date range. One line and exit status 2; the library raises a ValueError."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import kvmlist
from kvmlist.cli.commands import main
from kvmlist.errors import UsageError
from kvmlist.grouping.landed import find_landed
from kvmlist.scale.workers import check_in_workers, max_workers, parse_in_workers

from .conftest import ROOT, mail, mbox, one_line_exit_2
from .inbox_builder import small_inbox

ARCHIVE = mbox(mail("[PATCH] KVM: x86: Fix a thing", message_id="<1@x>"))


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "kvm.mbox"
    path.write_bytes(ARCHIVE)
    return path


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    path = tmp_path / "linux"
    git = ["git", "-C", str(path), "-c", "user.name=A", "-c", "user.email=a@example.org"]
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    (path / "x.c").write_text("int x;\n")
    subprocess.run([*git, "add", "x.c"], check=True)
    subprocess.run([*git, "commit", "-qm", "KVM: x86: Fix a thing"], check=True)
    return path


# --- a revision that git would read as an option --------------------------------------------


@pytest.mark.parametrize("revisions", ["--output={out}", "HEAD --output={out}", "-p"])
def test_a_landed_range_git_would_read_as_an_option_is_refused(
    revisions: str,
    archive: Path,
    tree: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "written-by-git"
    argv = ["landed", str(archive), "-q", "--git", str(tree)]
    one_line_exit_2(capsys, [*argv, f"--range={revisions.format(out=out)}"], "revision")
    assert archive.read_bytes() == ARCHIVE
    assert not out.exists()


def test_find_landed_refuses_a_revision_git_would_read_as_an_option(
    archive: Path, tree: Path, tmp_path: Path
) -> None:
    out = tmp_path / "written-by-git"
    with pytest.raises(UsageError, match="revision"):
        find_landed(kvmlist.read_mbox(archive), tree, revs=[f"--output={out}"])
    assert not out.exists()


def test_landed_range_of_revisions_still_reads_them(
    archive: Path, tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["landed", str(archive), "-q", "--git", str(tree), "--format=json", "--range"]
    assert main([*argv, "HEAD~0 HEAD"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    one_line_exit_2(capsys, [*argv, "no-such-branch"], "no-such-branch")


def test_a_state_whose_commit_git_would_read_as_an_option_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox = small_inbox(tmp_path, 3)
    state = tmp_path / "state.json"
    state.write_text(json.dumps({str(inbox.resolve()): f"--output={tmp_path / 'x'}"}))
    argv = ["report", "--inbox", str(inbox), "--since-last", "--state", str(state)]
    one_line_exit_2(capsys, argv, str(state))
    assert not (tmp_path / "x").exists()


# --- workers: no more than the machine can run ----------------------------------------------


@pytest.mark.parametrize("command", ["stats", "check", "report", "series", "review"])
@pytest.mark.parametrize("count", ["99999999999999999999999", "{over}"])
def test_more_workers_than_the_machine_can_run_is_refused(
    command: str, count: str, archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    over = str(max_workers() + 1)
    argv = [command, str(archive), "--workers", count.format(over=over)]
    one_line_exit_2(capsys, argv, "--workers")


def test_the_most_workers_the_machine_can_run_are_taken(
    archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["stats", str(archive), "--workers", str(max_workers())]) == 0


def test_a_library_call_with_absurd_workers_is_a_value_error(archive: Path) -> None:
    with pytest.raises(ValueError, match="workers"):
        list(parse_in_workers(archive, 10**23))
    with pytest.raises(ValueError, match="workers"):
        check_in_workers(archive, max_workers() + 1)


# --- dates past the calendar, in UTC --------------------------------------------------------

FAR_DATES = ["0001-01-01T00:00+05:00", "9999-12-31T23:59:59-12:00"]


@pytest.mark.parametrize("when", FAR_DATES)
def test_stalled_now_past_the_calendar_is_refused(
    when: str, archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one_line_exit_2(capsys, ["stalled", str(archive), "--now", when], "--now")


@pytest.mark.parametrize("when", FAR_DATES)
@pytest.mark.parametrize("option", ["--since", "--until"])
def test_an_inbox_bound_past_the_calendar_is_refused(
    option: str, when: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox = small_inbox(tmp_path, 2)
    one_line_exit_2(capsys, ["stats", "--inbox", str(inbox), option, when], option)


def test_read_inbox_bound_past_the_calendar_is_a_value_error(tmp_path: Path) -> None:
    from datetime import datetime, timedelta, timezone

    inbox = small_inbox(tmp_path, 2)
    early = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5)))
    with pytest.raises(ValueError, match="0001-01-01"):
        list(kvmlist.read_inbox(inbox, since=early))


@pytest.mark.parametrize("timeout", ["1e10", "86401", "inf"])
def test_a_timeout_past_a_day_is_refused(timeout: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["fetch", "abc@def", "--lore-base", "http://127.0.0.1:9/", "--timeout", timeout]
    one_line_exit_2(capsys, argv, "--timeout")


# --- a reversed date range ------------------------------------------------------------------


@pytest.mark.parametrize("command", ["stats", "report", "check", "series"])
def test_since_after_until_is_refused(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox = small_inbox(tmp_path, 2)
    argv = [command, "--inbox", str(inbox), "--since", "2025-12-10", "--until", "2025-12-01"]
    one_line_exit_2(capsys, argv, "is after until")


def test_read_inbox_since_after_until_is_a_value_error(tmp_path: Path) -> None:
    from datetime import datetime

    inbox = small_inbox(tmp_path, 2)
    with pytest.raises(ValueError, match="after"):
        list(kvmlist.read_inbox(inbox, since=datetime(2025, 12, 10), until=datetime(2025, 12, 1)))


# --- a Maildir folder that cannot be listed -------------------------------------------------


def test_a_maildir_folder_that_cannot_be_listed_is_a_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import kvmlist.sources.maildir as maildir

    folder = tmp_path / "md"
    for sub in ("cur", "new", "tmp"):
        (folder / sub).mkdir(parents=True)
    (folder / "cur" / "1.host:2,S").write_bytes(mail())
    listdir = os.listdir

    def unreadable(path: str) -> list[str]:  # as cur/ of mode 000 is for a user not root
        if path.endswith("cur"):
            raise PermissionError(13, "Permission denied", path)
        return listdir(path)

    monkeypatch.setattr(maildir.os, "listdir", unreadable)
    one_line_exit_2(capsys, ["stats", str(folder)], "cur: cannot read")


# --- a standard stream closed when the command starts ---------------------------------------


def _run_closed(redirect: str, *argv: str) -> subprocess.CompletedProcess[str]:
    """Run kvmlist with a shell redirection closing a standard stream (``>&-``)."""
    command = f'exec "$@" {redirect}'
    return subprocess.run(
        ["sh", "-c", command, "sh", sys.executable, "-m", "kvmlist", *argv],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )


def test_a_closed_stdout_is_a_one_line_error(archive: Path) -> None:
    done = _run_closed(">&-", "stats", str(archive))
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "kvmlist: standard output is closed: write the result with -o FILE"
    ]


def test_a_closed_stdin_is_a_one_line_error() -> None:
    done = _run_closed("<&-", "stats", "-")
    assert done.returncode == 2
    assert done.stderr.splitlines() == ["kvmlist: standard input is closed: nothing to read"]


def test_a_closed_stderr_still_writes_the_output(tmp_path: Path) -> None:
    archive = tmp_path / "twice.mbox"  # a note for stderr: a repeated Message-ID
    archive.write_bytes(mbox(mail(message_id="<1@x>"), mail(message_id="<1@x>")))
    out = tmp_path / "out.txt"
    done = _run_closed("2>&-", "stats", str(archive), "-o", str(out))
    assert done.returncode == 0
    assert "Jane Doe" in out.read_text()


def test_a_closed_stdout_still_writes_the_output_file(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    done = _run_closed(">&-", "stats", str(archive), "-o", str(out))
    assert done.returncode == 0
    assert "Jane Doe" in out.read_text()
