"""The command line never destroys its input, never ends in a traceback and never ignores
an option it was given: -o over an input, an unusable state directory, options that go
nowhere."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

import kvmlist
from kvmlist.cli.commands import main

from .conftest import mail, mbox, one_line_exit_2
from .inbox_builder import small_inbox

PROJECT = str(Path(kvmlist.__file__).parents[1])
ARCHIVE = mbox(
    mail("[PATCH 1/2] KVM: x86: Fix a thing", message_id="<1@x>"),
    mail("[PATCH 2/2] KVM: x86: Fix another", message_id="<2@x>"),
    mail("Re: [PATCH 1/2] KVM: x86: Fix a thing", "Reviewed-by: R <r@example.com>\n",
         sender="R <r@example.com>", message_id="<3@x>", extra="In-Reply-To: <1@x>\n"),
)  # fmt: skip


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "kvm.mbox"
    path.write_bytes(ARCHIVE)
    return path


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    return small_inbox(tmp_path, 4)


# --- -o never writes over an input ----------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["check"],
        ["stats"],
        ["stats", "--workers", "2"],
        ["report"],
        ["series", "--workers", "2"],
        ["review"],
    ],
)
def test_output_over_the_input_file_is_refused_and_the_archive_kept(
    argv: list[str], archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one_line_exit_2(capsys, [*argv, str(archive), "-o", str(archive)], "is the input")
    assert archive.read_bytes() == ARCHIVE


def test_output_through_a_link_or_another_name_of_the_input_is_refused(
    archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "link.mbox").symlink_to(archive)
    os.link(archive, tmp_path / "hard.mbox")
    one_line_exit_2(capsys, ["check", str(archive), "-o", str(tmp_path / "link.mbox")], "input")
    one_line_exit_2(capsys, ["check", str(archive), "-o", str(tmp_path / "hard.mbox")], "input")
    one_line_exit_2(capsys, ["check", str(tmp_path / "link.mbox"), "-o", str(archive)], "input")
    assert archive.read_bytes() == ARCHIVE


def test_output_over_a_mailmap_or_the_state_file_is_refused(
    archive: Path, inbox: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mailmap = tmp_path / "mailmap"
    mailmap.write_text("Jane Doe <jane@example.org> <jd@example.org>\n")
    one_line_exit_2(
        capsys, ["stats", str(archive), "--mailmap", str(mailmap), "-o", str(mailmap)], "input"
    )
    assert mailmap.read_text().startswith("Jane Doe")
    state = tmp_path / "state.json"
    argv = ["report", "--inbox", str(inbox), "--since-last", "--state", str(state)]
    one_line_exit_2(capsys, [*argv, "-o", str(state)], "input")


def test_output_inside_a_maildir_or_an_inbox_is_refused(
    inbox: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    maildir = tmp_path / "md"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    (maildir / "cur" / "1.host:2,S").write_bytes(mail())
    one_line_exit_2(
        capsys, ["check", str(maildir), "-o", str(maildir / "cur" / "1.host:2,S")], "inside"
    )
    one_line_exit_2(capsys, ["stats", str(maildir), "-o", str(maildir / "new" / "x")], "inside")
    assert (maildir / "cur" / "1.host:2,S").read_bytes() == mail()
    assert not (maildir / "new" / "x").exists()
    one_line_exit_2(
        capsys, ["check", "--inbox", str(inbox), "-o", str(inbox / "git" / "x")], "inside"
    )


def test_output_from_standard_input_over_the_same_file_is_refused(archive: Path) -> None:
    with open(archive, "rb") as stdin:
        done = subprocess.run(
            [sys.executable, "-m", "kvmlist", "check", "-", "-o", str(archive)],
            stdin=stdin,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": PROJECT},
            check=False,
        )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert archive.read_bytes() == ARCHIVE


def test_output_beside_the_input_is_written(
    archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "check.txt"
    assert main(["check", str(archive), "-o", str(out)]) == 0
    assert out.read_text().startswith("mails in:   3")


def test_an_output_that_fails_midway_keeps_the_old_file(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "series.json"
    out.write_text("last week's series\n")

    def small_files() -> None:  # a file over 64 bytes fails to write (EFBIG): a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (64, 64))

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "kvmlist",
            "series",
            str(archive),
            "--format",
            "json",
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": PROJECT},
        preexec_fn=small_files,
        check=False,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert out.read_text() == "last week's series\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kvm.mbox", "series.json"]


def test_an_output_keeps_the_permissions_of_the_file_it_replaces(
    archive: Path, tmp_path: Path
) -> None:
    out = tmp_path / "check.txt"
    out.write_text("old\n")
    out.chmod(0o640)
    assert main(["check", str(archive), "-o", str(out)]) == 0
    assert out.read_text().startswith("mails in:")
    assert out.stat().st_mode & 0o777 == 0o640


# --- --since-last: a state directory that cannot be made -----------------------------------


def test_an_unusable_state_directory_is_one_line_before_any_report(inbox: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kvmlist", "report", "--inbox", str(inbox), "--since-last"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": PROJECT, "XDG_STATE_HOME": "/proc/x"},
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1
    assert "/proc/x" in done.stderr


def test_a_state_file_under_a_plain_file_is_one_line_before_any_report(
    inbox: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "plain").write_text("")
    state = tmp_path / "plain" / "state.json"
    argv = ["report", "--inbox", str(inbox), "--since-last", "--state", str(state)]
    one_line_exit_2(capsys, argv, "state")
    assert capsys.readouterr().out == ""


# --- options that would be ignored are refused ----------------------------------------------


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["report", "--commits", "{a}..{b}", "--range", "{a}..{b}"], "--range"),
        (["report", "--state", "{tmp}/s.json"], "--state goes with --since-last"),
        (["check", "--since", ""], "--since"),
        (["stats", "--until", ""], "--until"),
        (["stats", "--commits", ""], "--commits"),
        (["report", "--range", ""], "--range"),
    ],
)
def test_an_inbox_option_that_would_be_ignored_is_refused(
    argv: list[str], says: str, inbox: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    commits = subprocess.run(
        ["git", f"--git-dir={inbox}/git/0.git", "rev-list", "--reverse", "HEAD"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    argv = [a.format(a=commits[0], b=commits[-1], tmp=tmp_path) for a in argv]
    one_line_exit_2(capsys, [argv[0], "--inbox", str(inbox), *argv[1:]], says)


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["review", "--freq", "W", "--by", "organisation"], "--freq"),
        (["stats", "--mailmap", ""], "--mailmap"),
        (["stats", "-o", ""], "-o"),
        (["stats", "--offline"], "--offline"),
        (["series", "--lore-base", "https://lore.example.org/all/"], "--lore-base"),
        (["check", "--since", ""], "--since"),
        (["review", "--top", "2", "--format", "csv", "--freq", "W"], "--top"),
        (
            ["review", "--top", "2", "--format", "parquet", "-o", "r.parquet", "--freq", "W"],
            "writes only the periods' rows",
        ),
        (["stalled", "--lore-link", ""], "--lore-link"),
        (["stalled", "--lore-link", "foo"], "not an http(s) URL"),
        (["site", "--lore-link", "lore.kernel.org/r/", "-o", "site"], "not an http(s) URL"),
        (["stalled", "--lore-link", "http://[::1"], "not an http(s) URL"),
        (["stats", "--format", "parquet", "-o", "out.csv"], "name a parquet file .parquet"),
        (["site", "-o", "-"], "site writes a directory of pages, not standard output"),
        (["site"], "site writes a directory of pages"),
    ],
)
def test_an_option_that_would_be_ignored_is_refused(
    argv: list[str],
    says: str,
    archive: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.chdir(tmp_path)
    one_line_exit_2(capsys, [argv[0], str(archive), *argv[1:]], says)
    assert sorted(tmp_path.iterdir()) == [archive]  # nothing written: no "-", "site", "out.csv"


def test_review_by_with_a_git_tree_is_refused(
    archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tree = tmp_path / "linux"
    subprocess.run(["git", "init", "-q", str(tree)], check=True)
    argv = ["review", str(archive), "--by", "domain", "--git", str(tree)]
    one_line_exit_2(capsys, argv, "--git")


def test_site_takes_an_orgmap_without_by(
    archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    orgmap = tmp_path / "orgs.txt"
    orgmap.write_text("example.org Example\n")
    assert (
        main(["site", "-q", str(archive), "--orgmap", str(orgmap), "-o", str(tmp_path / "site")])
        == 0
    )
    assert (tmp_path / "site" / "index.html").exists()
