"""Hostile archives: oversized mails, devices and FIFOs in a Maildir, inboxes that run programs."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import threading
import tracemalloc
from pathlib import Path

import pytest

import kvmlist
from kvmlist.cli.commands import main
from kvmlist.sources.maildir import iter_maildir
from kvmlist.sources.public_inbox import iter_archive

from .conftest import mail
from .inbox_builder import build_epoch, unpack_objects

T0 = 1772528400  # 2026-03-03 09:00 UTC


def _maildir(root: Path, *mails: bytes) -> Path:
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True)
    for number, raw in enumerate(mails):
        (root / "cur" / f"{number:04d}.host:2,S").write_bytes(raw)
    return root


# --- Maildir --------------------------------------------------------------------------------


def test_a_maildir_file_over_the_limit_is_a_clear_error(tmp_path: Path) -> None:
    root = _maildir(tmp_path / "md", mail(), mail(body="x" * 5_000 + "\n"))
    with pytest.raises(kvmlist.SourceError, match="larger than 4,096 bytes"):
        list(iter_maildir(root, max_mail_bytes=4_096))


def test_a_maildir_symlink_to_a_device_is_refused_not_read(tmp_path: Path) -> None:
    root = _maildir(tmp_path / "md", mail())
    (root / "cur" / "0001.host:2,S").symlink_to("/dev/zero")
    with pytest.raises(kvmlist.SourceError, match="not a regular file"):
        list(iter_maildir(root))


def test_a_fifo_in_a_maildir_does_not_hang(tmp_path: Path) -> None:
    root = _maildir(tmp_path / "md", mail())
    fifo = root / "new" / "0001.host"
    os.mkfifo(fifo)
    outcome: list[object] = []

    def read() -> None:
        try:
            outcome.append(list(iter_maildir(root)))
        except kvmlist.SourceError as error:
            outcome.append(error)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=20)
    if reader.is_alive():  # unblock the reader so the test run can end
        with open(fifo, "wb"):
            pass
        pytest.fail("reading a Maildir with a FIFO in it hangs")
    assert isinstance(outcome[0], kvmlist.SourceError)
    assert "not a regular file" in str(outcome[0])


def test_a_maildir_with_a_device_gives_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _maildir(tmp_path / "md", mail())
    (root / "new" / "0002.host").symlink_to("/dev/zero")
    assert main(["stats", str(root)]) == 2
    assert "not a regular file" in capsys.readouterr().err


# --- public-inbox blobs ---------------------------------------------------------------------


def _inbox(root: Path, *mails: bytes) -> Path:
    (root / "git").mkdir(parents=True)
    build_epoch(root / "git" / "0.git", [("m", raw, T0 + n) for n, raw in enumerate(mails)])
    return root


def test_a_blob_over_the_limit_is_a_clear_error_before_it_is_read(tmp_path: Path) -> None:
    inbox = _inbox(tmp_path / "inbox", mail(), mail(body="x" * 50_000 + "\n"))
    mails = iter_archive(inbox, max_mail_bytes=10_000)
    assert next(mails).raw.startswith(b"From: ")
    with pytest.raises(kvmlist.SourceError, match=r"larger than 10,000 bytes"):
        next(mails)


def test_an_epoch_that_is_a_plain_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "inbox" / "git").mkdir(parents=True)
    (tmp_path / "inbox" / "git" / "0.git").write_text("not a repository\n")
    assert main(["stats", "--inbox", str(tmp_path / "inbox")]) == 2
    err = capsys.readouterr().err
    assert "0.git" in err and "not a git repository" in err and len(err.splitlines()) == 1


# --- an inbox cannot run programs ----------------------------------------------------------


def _sign_head(git_dir: Path) -> None:
    """Give the newest commit a (bogus) PGP signature, which log.showSignature would check."""

    def git(*args: str, data: bytes | None = None) -> bytes:
        done = subprocess.run(
            ["git", f"--git-dir={git_dir}", *args], input=data, capture_output=True, check=True
        )
        return done.stdout

    commit = git("cat-file", "commit", "HEAD")
    head, _, message = commit.partition(b"\n\n")
    signature = (
        b"gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----"
    )
    signed = head + b"\n" + signature + b"\n\n" + message
    sha = git("hash-object", "-t", "commit", "-w", "--stdin", data=signed).decode().strip()
    git("update-ref", "refs/heads/master", sha)


@pytest.fixture
def booby_trapped(tmp_path: Path) -> tuple[Path, Path]:
    """An inbox whose git config would run a script (making a marker file) in several ways."""
    inbox = _inbox(tmp_path / "inbox", mail(), mail(message_id="<2@x>"))
    epoch = inbox / "git" / "0.git"
    _sign_head(epoch)
    marker = tmp_path / "ran"
    script = tmp_path / "trap.sh"
    script.write_text(f"#!/bin/sh\ntouch {marker}\ncat >/dev/null\nexit 0\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    for key, value in [
        ("log.showSignature", "true"),
        ("gpg.program", str(script)),
        ("core.fsmonitor", str(script)),
        ("core.pager", str(script)),
        ("diff.external", str(script)),
        ("pager.log", str(script)),
    ]:
        subprocess.run(["git", f"--git-dir={epoch}", "config", key, value], check=True)
    return inbox, marker


def test_the_trap_springs_for_plain_git(booby_trapped: tuple[Path, Path]) -> None:
    inbox, marker = booby_trapped
    subprocess.run(
        ["git", f"--git-dir={inbox / 'git' / '0.git'}", "log", "-1"],
        capture_output=True,
        check=False,
    )
    assert marker.exists()  # so the next test proves something


def test_reading_an_inbox_runs_none_of_its_programs(
    booby_trapped: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    inbox, marker = booby_trapped
    assert [m.message_id for m in kvmlist.read_inbox(inbox)] == ["1@example.org", "2@x"]
    assert main(["stats", "--inbox", str(inbox)]) == 0
    assert main(["report", "--inbox", str(inbox), "--range", "HEAD~1..HEAD"]) == 0
    assert not marker.exists()


def test_an_inbox_config_cannot_hide_its_first_mail(tmp_path: Path) -> None:
    # log.showRoot=false would list no file for each epoch's first commit: its mail gone
    inbox = _inbox(tmp_path / "inbox", mail(), mail(message_id="<2@x>"))
    epoch = inbox / "git" / "0.git"
    subprocess.run(["git", f"--git-dir={epoch}", "config", "log.showRoot", "false"], check=True)
    assert [m.message_id for m in kvmlist.read_inbox(inbox)] == ["1@example.org", "2@x"]
    assert [m.message_id for m in kvmlist.read_inbox(inbox, "HEAD~1..")] == ["2@x"]


def _lose_blob(git_dir: Path, path: str = "m") -> None:
    """Unpack the epoch's objects and delete the blob of ``path`` at HEAD: a mail lost, as in
    a partial clone, which git would fetch from a promisor remote on demand."""
    blob = subprocess.run(
        ["git", f"--git-dir={git_dir}", "rev-parse", f"HEAD:{path}"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    unpack_objects(git_dir)
    (git_dir / "objects" / blob[:2] / blob[2:]).unlink()


#: Remotes a hostile epoch names for git to fetch a missing mail from, each of which runs
#: the trap: a local path with its own upload-pack, ssh with its own ssh command, ext.
PROMISORS = {
    "upload-pack": {"url": "{source}", "uploadpack": "{script}"},
    "ssh command": {"url": "ssh://lore.example/epoch", "sshcommand": "{script}"},
    "ext": {"url": "ext::{script} %S"},
}


@pytest.fixture(params=list(PROMISORS))
def promisor_trapped(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, Path]:
    """An inbox whose newest mail's blob is missing and whose config names a promisor
    remote that would run a script (making a marker file) to fetch it."""
    inbox = _inbox(tmp_path / "inbox", mail(), mail(message_id="<2@x>"))
    epoch = inbox / "git" / "0.git"
    source = tmp_path / "source.git"
    shutil.copytree(epoch, source)
    _lose_blob(epoch)
    marker = tmp_path / "ran"
    script = tmp_path / "trap.sh"
    script.write_text(f"#!/bin/sh\ntouch {marker}\nexit 1\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    settings = {"promisor": "true", **PROMISORS[request.param]}
    config = [(f"remote.evil.{key}", value) for key, value in settings.items()]
    if request.param == "ssh command":
        config = [(key, value) for key, value in config if not key.endswith("sshcommand")]
        config.append(("core.sshCommand", "{script}"))
    config += [("protocol.allow", "always"), ("protocol.ext.allow", "always")]
    for key, value in config:
        value = value.format(source=source, script=script)
        subprocess.run(["git", f"--git-dir={epoch}", "config", key, value], check=True)
    return inbox, marker


def test_the_promisor_trap_springs_for_plain_git(promisor_trapped: tuple[Path, Path]) -> None:
    inbox, marker = promisor_trapped
    epoch = inbox / "git" / "0.git"
    subprocess.run(
        ["git", f"--git-dir={epoch}", "cat-file", "-p", "HEAD:m"], capture_output=True, check=False
    )
    assert marker.exists()  # so the next test proves something


def test_a_missing_mail_is_not_fetched_by_any_program_the_inbox_names(
    promisor_trapped: tuple[Path, Path],
) -> None:
    # the mail stays missing, and says so after the mails before it
    inbox, marker = promisor_trapped
    kept: list[str] = []
    with pytest.raises(kvmlist.SourceError, match=r"is not in the repository \(a partial clone"):
        kept.extend(m.message_id for m in kvmlist.read_inbox(inbox))
    assert not marker.exists()
    assert kept == ["1@example.org"]


def test_stopping_early_leaves_no_noise_and_no_process(tmp_path: Path) -> None:
    inbox = _inbox(tmp_path / "inbox", *(mail(message_id=f"<{n}@x>") for n in range(600)))
    script = (
        "import sys, kvmlist\n"
        "mails = kvmlist.read_inbox(sys.argv[1])\n"
        "print(next(mails).message_id)\n"
        "del mails\n"
        "import subprocess\n"
        "print(subprocess.run(['pgrep', '-P', str(__import__('os').getpid())],"
        " capture_output=True).stdout.decode().split())\n"
    )
    done = subprocess.run(
        [sys.executable, "-W", "default", "-c", script, str(inbox)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(Path(kvmlist.__file__).parents[1])},
    )
    assert done.stdout.splitlines() == ["0@x", "[]"]
    assert done.stderr == ""


def test_mails_read_newest_first_in_runs_come_out_in_arrival_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """git is asked for each run of mails newest first (its delta chains point from older to
    newer mails); the mails still come out oldest first, every one, whatever the runs."""
    import kvmlist.sources.public_inbox as public_inbox

    sizes = [200, 9_000, 50, 3_000, 3_000, 12_000, 80, 700] * 12
    raws = [mail(body=f"mail {n}\n" + "x" * size + "\n") for n, size in enumerate(sizes)]
    inbox = _inbox(tmp_path / "inbox", *raws)
    for group in (1, 4_000, 10_000, 1 << 20):
        monkeypatch.setattr(public_inbox, "GROUP_BYTES", group)
        assert [m.raw for m in iter_archive(inbox)] == raws


def test_a_blob_over_the_limit_ends_the_mails_after_the_run_before_it(tmp_path: Path) -> None:
    small = [mail(body=f"small {n}\n") for n in range(6)]
    inbox = _inbox(tmp_path / "inbox", *small, mail(body="x" * 50_000 + "\n"), mail())
    got: list[bytes] = []
    with pytest.raises(kvmlist.SourceError, match=r"larger than 10,000 bytes"):
        got.extend(m.raw for m in iter_archive(inbox, max_mail_bytes=10_000))
    assert got == small


def test_a_run_holds_at_most_its_bytes_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Runs are read whole: their size is bounded, not the round trip of hundreds of mails."""
    import kvmlist.sources.public_inbox as public_inbox

    raws = [mail(body=f"mail {n}\n" + "y" * 20_000 + "\n") for n in range(64)]
    inbox = _inbox(tmp_path / "inbox", *raws)
    monkeypatch.setattr(public_inbox, "GROUP_BYTES", 50_000)
    tracemalloc.start()
    try:
        for _ in iter_archive(inbox):
            pass
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 300_000  # 64 mails of 20 kB would be 1.3 MB; a run is 2 mails


#: git, except that what ``git cat-file`` is asked is also written to $KVMLIST_TEST_ASKED.
ASKED_GIT = """#!/bin/sh
for arg; do
    if [ "$arg" = cat-file ]; then
        tee "$KVMLIST_TEST_ASKED" | "$KVMLIST_TEST_GIT" "$@"
        exit $?
    fi
done
exec "$KVMLIST_TEST_GIT" "$@"
"""


def _asking_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Put ASKED_GIT first on PATH; return the file it writes what cat-file is asked to."""
    shim = tmp_path / "bin" / "git"
    shim.parent.mkdir()
    shim.write_text(ASKED_GIT)
    shim.chmod(0o755)
    asked = tmp_path / "asked"
    monkeypatch.setenv("KVMLIST_TEST_GIT", str(shutil.which("git")))
    monkeypatch.setenv("KVMLIST_TEST_ASKED", str(asked))
    monkeypatch.setenv("PATH", f"{shim.parent}{os.pathsep}{os.environ['PATH']}")
    return asked


def test_git_is_asked_for_each_run_newest_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raws = [mail(body=f"mail {n}\n") for n in range(40)]
    inbox = _inbox(tmp_path / "inbox", *raws)
    asked = _asking_git(tmp_path, monkeypatch)
    assert [m.raw for m in iter_archive(inbox)] == raws
    rounds = asked.read_text().split("flush\n")
    infos = [r.split() for r in rounds[0::2] if r]  # each chunk: sizes, oldest first
    contents = [r.split() for r in rounds[1::2] if r]  # then its contents
    assert [len(c) // 2 for c in infos] == [1, 2, 4, 8, 16, 9]
    for info, content in zip(infos, contents, strict=True):
        assert content[1::2] == info[1::2][::-1]  # newest first within the (one) run


def test_round_trips_to_git_are_cut_to_what_its_pipe_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each round trip's commands must fit in the pipe to git (else writing them could wait
    on git, which waits on us to read its answers); the mails still come out, in order."""
    import kvmlist.sources.public_inbox as public_inbox

    raws = [mail(body=f"mail {n}\n") for n in range(40)]
    inbox = _inbox(tmp_path / "inbox", *raws)
    asked = _asking_git(tmp_path, monkeypatch)
    monkeypatch.setattr(public_inbox, "_mails_per_trip", lambda cat: 5)
    assert [m.raw for m in iter_archive(inbox)] == raws
    rounds = [r.split() for r in asked.read_text().split("flush\n") if r]
    assert max(len(r) // 2 for r in rounds) == 5
    assert sum(len(r) // 2 for r in rounds[0::2]) == 40  # sizes asked of every mail once


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pipe sizes are Linux's")
def test_git_may_write_a_quarter_mebibyte_run_ahead_of_us(tmp_path: Path) -> None:
    """git inflates the next run of mails while we parse the last: its pipe holds a run."""
    import fcntl

    import kvmlist.sources.public_inbox as public_inbox

    cap = int(Path("/proc/sys/fs/pipe-max-size").read_text())
    if cap < public_inbox.PIPE_BYTES:
        pytest.skip(f"this system caps pipes at {cap:,} bytes (fs.pipe-max-size)")
    inbox = _inbox(tmp_path / "inbox", mail())
    with public_inbox._cat_file(public_inbox.find_epochs(inbox)[0]) as cat:
        assert cat.stdout is not None
        held = fcntl.fcntl(cat.stdout.fileno(), fcntl.F_GETPIPE_SZ)
    assert held >= public_inbox.PIPE_BYTES >= 4 * public_inbox.GROUP_BYTES
