"""What the command line writes and reads is what the user named: the pages of ``site -o DIR``
replace what stands at their names (a link is replaced, never written through), and a
state, mailmap, orgmap or MAINTAINERS file must be a regular file of sane size (a FIFO or
/dev/zero is one line and exit 2, before anything is read)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kvmlist.cli import checks
from kvmlist.cli.commands import main

from .conftest import mail, mbox
from .inbox_builder import small_inbox
from .test_cli_safety import one_line_exit_2

ARCHIVE = mbox(
    mail("[PATCH 1/2] KVM: x86: Fix a thing", message_id="<1@x>"),
    mail("[PATCH 2/2] KVM: x86: Fix another", message_id="<2@x>"),
)


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "kvm.mbox"
    path.write_bytes(ARCHIVE)
    return path


# --- site -o DIR --------------------------------------------------------------------------


def test_a_link_among_the_pages_is_replaced_not_written_through(
    archive: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "series.html").symlink_to(archive)
    assert main(["site", str(archive), "-o", str(site), "-q"]) == 0
    assert archive.read_bytes() == ARCHIVE
    assert not (site / "series.html").is_symlink()
    assert "<html" in (site / "series.html").read_text()


def test_a_linked_weeks_folder_is_replaced_not_written_into(archive: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    site = tmp_path / "site"
    site.mkdir()
    (site / "weeks").symlink_to(elsewhere)
    assert main(["site", str(archive), "-o", str(site), "-q"]) == 0
    assert list(elsewhere.iterdir()) == []
    assert not (site / "weeks").is_symlink()
    assert list((site / "weeks").glob("*.html"))


def test_a_fifo_among_the_pages_is_replaced_not_written_into(archive: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    os.mkfifo(site / "index.html")
    assert main(["site", str(archive), "-o", str(site), "-q"]) == 0
    assert (site / "index.html").is_file()


def test_a_site_over_its_own_input_page_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "series.html").write_bytes(ARCHIVE)  # the archive itself, at a page's name
    argv = ["site", str(site / "series.html"), "-o", str(site)]
    one_line_exit_2(capsys, argv, "would replace the input")
    assert (site / "series.html").read_bytes() == ARCHIVE


def test_a_site_beside_its_input_is_written(archive: Path) -> None:
    assert main(["site", str(archive), "-o", str(archive.parent), "-q"]) == 0
    assert archive.read_bytes() == ARCHIVE
    assert (archive.parent / "index.html").is_file()


# --- files the command reads --------------------------------------------------------------


@pytest.mark.parametrize("option", ["--mailmap", "--orgmap", "--maintainers"])
def test_a_fifo_as_a_map_file_is_one_line_before_reading(
    option: str, archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "map.fifo"
    os.mkfifo(fifo)
    one_line_exit_2(capsys, ["site", str(archive), "-o", str(tmp_path / "s"), option, str(fifo)],
                    "not a regular file")  # fmt: skip


@pytest.mark.parametrize("command", ["review", "stats"])
def test_dev_zero_as_a_mailmap_is_one_line(
    command: str, archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one_line_exit_2(capsys, [command, str(archive), "--mailmap", "/dev/zero"], "not a regular file")


@pytest.mark.parametrize("state", ["fifo", "/dev/zero", "dir"])
def test_a_state_that_is_no_regular_file_is_one_line_before_the_report(
    state: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox = small_inbox(tmp_path, 4)
    path = tmp_path / "st"
    if state == "fifo":
        os.mkfifo(path)
    elif state == "dir":
        path.mkdir()
    else:
        path = Path(state)
    argv = ["report", "--inbox", str(inbox), "--since-last", "--state", str(path)]
    one_line_exit_2(capsys, argv, "not a regular file")


def test_a_huge_map_file_is_refused(
    archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    mailmap = tmp_path / "mailmap"
    mailmap.write_text("Jane Doe <jane@example.org>\n" * 100)
    monkeypatch.setattr(checks, "MAX_INPUT_FILE", 1000)
    one_line_exit_2(capsys, ["review", str(archive), "--mailmap", str(mailmap)], "larger than")


def test_a_missing_state_file_is_created(tmp_path: Path) -> None:
    inbox = small_inbox(tmp_path, 4)
    state = tmp_path / "state.json"
    argv = ["report", "--inbox", str(inbox), "--since-last", "--state", str(state), "-o",
            str(tmp_path / "r.txt")]  # fmt: skip
    assert main(argv) == 0
    assert state.is_file()
