"""--since-last never loses mails: state after output, under a lock; output to -, full disks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import kvmlist
from kvmlist.cli.commands import main
from kvmlist.cli.state import last_reported, record_reported

from .conftest import mail
from .inbox_builder import small_inbox

PROJECT = str(Path(kvmlist.__file__).parents[1])


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    return small_inbox(tmp_path, 3)


def test_a_report_that_cannot_be_written_does_not_advance_the_state(
    inbox: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "state.json"
    argv = ["report", "--inbox", str(inbox), "--since-last", "--state", str(state)]
    assert main([*argv, "-o", "/dev/full"]) == 2
    assert "/dev/full" in capsys.readouterr().err
    assert last_reported(inbox, state) is None
    out = tmp_path / "report.txt"
    assert main([*argv, "-o", str(out)]) == 0
    assert "fix 0" in out.read_text() and "fix 2" in out.read_text()
    assert last_reported(inbox, state) is not None


def test_a_full_stdout_is_one_line_and_exit_2_and_keeps_the_state(
    inbox: Path, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    argv = ["report", "--inbox", str(inbox), "--since-last", "--state", str(state)]
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "kvmlist", *argv],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": PROJECT},
            check=False,
        )
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr
    assert "No space left" in done.stderr
    assert last_reported(inbox, state) is None


def test_dash_o_dash_means_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "list.mbox"
    path.write_bytes(b"From x@y Thu Jan  1 00:00:00 1970\n" + mail())
    monkeypatch.chdir(tmp_path)
    assert main(["stats", str(path), "-o", "-"]) == 0
    assert "Jane Doe" in capsys.readouterr().out
    assert not (tmp_path / "-").exists()


def test_eight_parallel_runs_keep_eight_entries(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    script = (
        "import sys\n"
        "from kvmlist.cli.state import record_reported\n"
        "for n in range(15):\n"
        "    record_reported(sys.argv[1], f'{n:040x}', __import__('pathlib').Path(sys.argv[2]))\n"
    )
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(tmp_path / f"inbox{i}"), str(state)],
            env={**os.environ, "PYTHONPATH": PROJECT},
        )
        for i in range(8)
    ]
    assert [run.wait() for run in runs] == [0] * 8
    entries = json.loads(state.read_text())
    assert len(entries) == 8
    assert set(entries.values()) == {f"{14:040x}"}


def test_a_deeply_nested_state_file_is_a_clear_error(
    inbox: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "state.json"
    state.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(kvmlist.SourceError, match="not a state file kvmlist wrote"):
        last_reported(inbox, state)
    assert main(["report", "--inbox", str(inbox), "--since-last", "--state", str(state)]) == 2
    assert "JSON nested too deeply" in capsys.readouterr().err


def test_recording_keeps_other_inboxes(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    record_reported(tmp_path / "a", "1" * 40, state)
    record_reported(tmp_path / "b", "2" * 40, state)
    assert last_reported(tmp_path / "a", state) == "1" * 40
    assert last_reported(tmp_path / "b", state) == "2" * 40
