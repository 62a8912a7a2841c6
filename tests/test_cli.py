"""The command line: report/series/stats, formats, and one-line errors with exit status 2."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kvmlist.cli.commands import main
from kvmlist.sources.mbox import iter_raw_messages

from .conftest import FIXTURES, mail, mbox
from .inbox_builder import build_epoch


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "list.mbox"
    path.write_bytes(
        mbox(
            mail("[PATCH] KVM: x86: one", message_id="<1@x>"),
            mail("[PATCH] KVM: x86: two", message_id="<2@x>", sender="Bo <bo@arm.com>"),
            mail("[PATCH] KVM: x86: three", message_id="<3@x>", sender="Bo <bo@arm.com>"),
        )
    )
    return path


def test_stats_by_domain_as_json(archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", str(archive), "--by", "domain", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {"domain": "arm.com", "count": 2},
        {"domain": "example.org", "count": 1},
    ]


def test_stats_by_author_as_csv(archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", str(archive), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == {"author": "Bo <bo@arm.com>", "count": "2"}


def test_series_table_lists_each_series(archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["series", str(archive)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:4] == ["version", "present", "total", "cover"]
    assert len(lines) == 4 and lines[1].endswith("KVM: x86: one")


def test_series_json_has_no_raw_bytes(archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["series", str(archive), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data[0]["patches"][0]["title"] == "KVM: x86: one"
    assert "raw" not in data[0]["patches"][0]


@pytest.fixture
def backports(tmp_path: Path) -> Path:
    """Sasha Levin's AUTOSEL runs of one fix for three stable trees (kasan-dev's
    ``[PATCH AUTOSEL 6.12 17/23]``; each a series of its own, each list sent only the patches
    that touch it), a tree-less stable tag, and a series that is no backport."""
    sasha = "Sasha Levin <sashal@kernel.org>"
    title = "ubsan: Fix panic from test_ubsan_out_of_bounds"
    path = tmp_path / "stable.mbox"
    path.write_bytes(
        mbox(
            mail(f"[PATCH AUTOSEL 6.12 17/23] {title}", message_id="<a612@k>", sender=sasha),
            mail(f"[PATCH AUTOSEL 6.6 11/15] {title}", message_id="<a66@k>", sender=sasha),
            mail(f"[PATCH AUTOSEL 6.1 09/12] {title}", message_id="<a61@k>", sender=sasha),
            mail("[PATCH stable] KVM: arm64: Fix exclusive limit", message_id="<st@k>"),
            mail("[PATCH] KVM: x86: one", message_id="<1@x>"),
        )
    )
    return path


def test_series_table_shows_a_backports_stable_tree_in_its_version_cell(
    backports: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["series", str(backports)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:4] == ["version", "present", "total", "cover"]
    versions = [line.split("  ")[0].strip() for line in lines[1:]]
    assert versions == ["1 (6.12)", "1 (6.6)", "1 (6.1)", "1 (stable)", "1"]  # stable: no tree


def test_series_csv_and_json_give_the_stable_tree_apart_from_the_version(
    backports: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["series", str(backports), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["version"], r["backport"], r["stable_tree"]) for r in rows] == [
        ("1", "yes", "6.12"), ("1", "yes", "6.6"), ("1", "yes", "6.1"), ("1", "yes", ""),
        ("1", "no", ""),
    ]  # fmt: skip
    assert main(["series", str(backports), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(s["version"], s["is_backport"], s["stable_tree"]) for s in data] == [
        (1, True, "6.12"), (1, True, "6.6"), (1, True, "6.1"), (1, True, ""), (1, False, None),
    ]  # fmt: skip


def test_python_dash_m_reads_stdin(archive: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kvmlist", "stats", "-", "--by", "domain"],
        input=archive.read_bytes(),
        capture_output=True,
        check=True,
    )
    assert done.stdout.decode().split() == ["domain", "count", "arm.com", "2", "example.org", "1"]


def test_standard_input_has_one_name_in_errors_whatever_the_workers() -> None:
    said = []
    for workers in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-m", "kvmlist", "check", "-", "--workers", workers],
            input=b"just some notes\n" * 20,
            capture_output=True,
        )
        assert done.returncode == 2
        said.append(done.stderr.decode())
    assert said[0] == said[1] == "kvmlist: -: does not start with a 'From ' line: not an mbox\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["report", "/nonexistent/list.mbox"], "no such file"),
        (["stats", "{notes}"], "not an mbox"),
        (["stats", "{zstd}"], "zstd, which kvmlist does not read: decompress it first"),
        (["stats", "{archive}", "--by", "colour"], "invalid choice"),
        (["report", "{archive}", "--range", "e5d776dd9"], "expected A..B"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_user_mistakes_give_one_line_and_status_2(
    archive: Path, tmp_path: Path, argv: list[str], message: str
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a mailbox\n")
    zstd = tmp_path / "list.mbox.zst"
    zstd.write_bytes(b"\x28\xb5\x2f\xfd\x24\x00" + bytes(32))  # a zstd frame's magic
    argv = [a.format(archive=archive, notes=notes, zstd=zstd) for a in argv]
    done = subprocess.run([sys.executable, "-m", "kvmlist", *argv], capture_output=True, text=True)
    assert done.returncode == 2
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr


def test_help_explains_sources() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kvmlist", "--help"], capture_output=True, text=True
    )
    assert "Maildir" in done.stdout and "report" in done.stdout


def test_stats_with_two_workers_equal_the_sequential_counts() -> None:
    sample = str(FIXTURES / "kvm-sample.mbox")
    for by in ("author", "domain"):
        one = subprocess.run(
            [sys.executable, "-m", "kvmlist", "stats", sample, "--by", by, "--format", "csv"],
            capture_output=True,
            text=True,
            check=True,
        )
        two = subprocess.run(
            [
                sys.executable,
                "-m",
                "kvmlist",
                "stats",
                sample,
                "--by",
                by,
                "--format",
                "csv",
                "--workers",
                "2",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        assert two.stdout == one.stdout and len(one.stdout.splitlines()) > 5


def test_output_option_writes_a_file(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "stats.json"
    assert main(["stats", str(archive), "--format", "json", "--output", str(out)]) == 0
    assert json.loads(out.read_text())[0] == {"author": "Bo <bo@arm.com>", "count": 2}


def test_output_to_an_unwritable_place_is_a_clear_error(archive: Path, tmp_path: Path) -> None:
    assert main(["stats", str(archive), "-o", str(tmp_path / "no" / "such" / "dir.txt")]) == 2


@pytest.mark.parametrize("command", ["stats", "series", "check", "report", "review"])
@pytest.mark.parametrize("option", [["--since", "2025-12-01"], ["--until", "2025-12-01"]])
def test_inbox_bounds_on_an_mbox_are_a_usage_error(
    archive: Path, command: str, option: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """--since/--until bound an inbox's arrival times: given with an mbox, no command may
    ignore them and answer for the whole file."""
    assert main([command, str(archive), *option]) == 2
    assert f"{option[0]} needs --inbox" in capsys.readouterr().err


def _spy_on_map_in_workers(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record the worker count of every map_in_workers (or summaries_in_workers) call;
    return the list."""
    import kvmlist.scale.workers as workers

    used: list[int] = []

    def spy(real: Any) -> Any:
        def call(source: Any, count: int, *args: Any, **kw: Any) -> Any:
            used.append(count)
            return real(source, count, *args, **kw)

        return call

    for name in ("map_in_workers", "summaries_in_workers"):
        monkeypatch.setattr(workers, name, spy(getattr(workers, name)))
    return used


def test_check_uses_a_process_per_core_for_a_large_file_with_the_same_result(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import kvmlist.scale.workers as workers

    sample = str(FIXTURES / "kvm-sample.mbox")
    assert main(["check", sample, "--workers", "1"]) == 0
    expected = capsys.readouterr().out
    used = _spy_on_map_in_workers(monkeypatch)
    monkeypatch.setattr(workers, "CHUNK_BYTES", 4096)  # the sample is "large" now
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert main(["check", sample]) == 0
    assert capsys.readouterr().out == expected
    assert used == [2] and "mails in:   39\nmails out:  39\n" in expected


@pytest.fixture
def sample_inbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample mbox as a public-inbox epoch; workers get batches of 4 mails."""
    import kvmlist.scale.workers as workers

    mails = list(iter_raw_messages(FIXTURES / "kvm-sample.mbox"))
    inbox = tmp_path / "inbox"
    (inbox / "git").mkdir(parents=True)
    build_epoch(
        inbox / "git" / "0.git", [("m", raw, 1764800000 + i) for i, raw in enumerate(mails)]
    )
    monkeypatch.setattr(workers, "CHUNK", 4)  # several jobs per worker
    return inbox


def _same_with_a_process_per_core(
    argvs: list[list[str]], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> dict[tuple[str, ...], str]:
    """Run each command with --workers 1, then with the default on two cores: the outputs
    must be the same, and every default run must use 2 workers. Return the outputs."""
    expected = {}
    for argv in argvs:
        assert main([*argv, "--workers", "1"]) == 0
        expected[tuple(argv)] = capsys.readouterr().out
    used = _spy_on_map_in_workers(monkeypatch)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    for argv in argvs:
        assert main(argv) == 0
        assert capsys.readouterr().out == expected[tuple(argv)]
    assert used == [2] * len(argvs)
    return expected


def test_an_inbox_given_as_source_is_read_by_a_process_per_core_with_the_same_result(
    sample_inbox: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # as SOURCE (no range), the workers read the archive's mails from git themselves
    inbox = str(sample_inbox)
    argvs = [["stats", "--by", "domain", inbox], ["check", inbox], ["report", inbox]]
    # the commands that hold the archive: their workers hand back each mail as held
    argvs += [[command, inbox, "--format", "json"] for command in ("series", "review", "pulls")]
    argvs += [["stalled", inbox]]
    expected = _same_with_a_process_per_core(argvs, monkeypatch, capsys)
    assert "      7 arm.com\n" in expected[("report", inbox)]
    assert '"title":' in expected[("series", inbox, "--format", "json")]


def test_stats_check_and_report_of_an_inbox_use_a_process_per_core_with_the_same_result(
    sample_inbox: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox = ["--inbox", str(sample_inbox)]
    argvs = [
        ["stats", "--by", "domain", *inbox],
        ["check", *inbox],
        ["check", "--commits", "HEAD~9..HEAD", *inbox],
        ["report", *inbox],
        ["report", "--range", "HEAD~9..HEAD", *inbox],
    ]
    expected = _same_with_a_process_per_core(argvs, monkeypatch, capsys)
    report = expected[("report", *inbox)]
    ranged = expected[("report", "--range", "HEAD~9..HEAD", *inbox)]
    # the header's commits are the archive's first and last, noted as the mails were read
    assert report.startswith("From ") and "      7 arm.com\n" in report
    assert report.splitlines()[0] != ranged.splitlines()[0]
    assert "mails in:   39\n" in expected[("check", *inbox)]
    assert "mails in:   9\n" in expected[("check", "--commits", "HEAD~9..HEAD", *inbox)]


def test_the_workers_read_a_selection_of_an_inbox_and_the_report_names_its_ends(
    sample_inbox: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A commit range, commit-time bounds or --since-last: the workers read the selected
    mails from git themselves (this process only lists them), with the output of one
    process, and the report's header names the same commits."""
    import kvmlist.sources.public_inbox as public_inbox
    from kvmlist.cli.state import record_reported

    epoch = sample_inbox / "git" / "0.git"
    commits = subprocess.run(
        ["git", "-C", str(epoch), "rev-list", "--reverse", "HEAD"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    state = tmp_path / "state.json"
    inbox = ["--inbox", str(sample_inbox)]
    argvs = [
        ["report", "--range", f"{commits[3]}..{commits[30]}", *inbox],
        ["report", "--since-last", "--state", str(state), *inbox],
        ["report", "--since", "2025-12-03T22:13:40", "--until", "2025-12-03T22:13:50", *inbox],
        ["check", "--commits", f"{commits[10]}..", *inbox],
        ["stats", "--by", "domain", "--since", "2025-12-03T22:13:40", *inbox],
    ]  # the mails' commit times are 22:13:20 and a second more for each
    outputs: dict[int, list[str]] = {1: [], 2: []}
    read_here: list[int] = []
    real = public_inbox._fetch

    def spy(*args: Any) -> Any:
        read_here.append(1)
        return real(*args)

    for workers in (1, 2):
        if workers == 2:  # forked workers read with a copy of the spy, which records nothing
            monkeypatch.setattr(public_inbox, "_fetch", spy)
        for argv in argvs:
            record_reported(str(sample_inbox), commits[20], state)
            assert main([*argv, "--workers", str(workers)]) == 0
            outputs[workers].append(capsys.readouterr().out)
    assert outputs[2] == outputs[1] and read_here == []
    by_range, since_last, bounded = (text.splitlines()[0] for text in outputs[1][:3])
    assert by_range == f"From {commits[3][:9]} to {commits[30][:9]}"
    assert since_last == f"From {commits[20][:9]} to {commits[-1][:9]}"
    # --until is "arrived before": the mail committed at 22:13:50 (commits[30]) is not in;
    # the header starts at the mail before the first (22:13:40), as --range A..B excludes A
    assert bounded == f"From {commits[19][:9]} to {commits[29][:9]}"
    assert "mails in:   28\n" in outputs[1][-2]


def test_report_and_stats_use_a_process_per_core_for_a_large_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import kvmlist.scale.workers as workers

    sample = str(FIXTURES / "kvm-sample.mbox")
    expected = {}
    for argv in (["report", sample], ["stats", sample, "--by", "domain"]):
        assert main([*argv, "--workers", "1"]) == 0
        expected[argv[0]] = capsys.readouterr().out
    used: list[int] = []

    def spy(real: Any) -> Any:
        def call(source: Any, field_or_workers: Any, *args: Any, **kw: Any) -> Any:
            used.append(args[0] if args else field_or_workers)
            return real(source, field_or_workers, *args, **kw)

        return call

    monkeypatch.setattr(  # the command imports them when it uses workers
        workers, "render_report_in_workers", spy(workers.render_report_in_workers)
    )
    monkeypatch.setattr(
        workers, "count_by_field_in_workers", spy(workers.count_by_field_in_workers)
    )
    monkeypatch.setattr(workers, "CHUNK_BYTES", 4096)  # the sample is "large" now
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    for argv in (["report", sample], ["stats", sample, "--by", "domain"]):
        assert main(argv) == 0
        assert capsys.readouterr().out == expected[argv[0]]
    assert used == [2, 2]


@pytest.mark.parametrize(
    ("extra", "shown"),
    [
        (["--by", "organisation", "--orgmap", "{orgmap}"], "Marchand Consulting  2"),
        (["--by", "organisation", "--mailmap", "{mailmap}"], "Arm           8"),  # 7 unmapped
        (["--by", "author", "--mailmap", "{mailmap}"], "Yuki Tanabe <yuki@tanabe.example>"),
        (["--by", "domain", "--mailmap", "{mailmap}"], "tanabe.example  3"),
    ],
)
def test_stats_with_maps_in_workers_print_what_one_process_prints(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    shown: str,
) -> None:
    """--orgmap and --mailmap counts run in workers too, with the same table and note."""
    import kvmlist.scale.workers as workers

    orgmap = tmp_path / "orgs.txt"
    orgmap.write_text("thibault.marchand@free.fr  Marchand Consulting\n")
    mailmap = tmp_path / "mailmap"
    mailmap.write_text(
        "Hannah Whitlock <hannah.whitlock@arm.com> <emily.hargreaves@gmail.com>\n"
        "Yuki Tanabe <yuki@tanabe.example> <tanabe.yuki@fujitsu.com>\n"
    )
    argv = ["stats", str(FIXTURES / "kvm-sample.mbox")]
    argv += [part.format(orgmap=orgmap, mailmap=mailmap) for part in extra]
    assert main([*argv, "--workers", "1"]) == 0
    one = capsys.readouterr()
    started: list[int] = []
    real = workers.summaries_in_workers

    def spy(raws: Any, n: int, *args: Any, **kw: Any) -> Any:
        started.append(n)
        return real(raws, n, *args, **kw)

    monkeypatch.setattr(workers, "summaries_in_workers", spy)
    assert main([*argv, "--workers", "2"]) == 0
    two = capsys.readouterr()
    assert started == [2]
    assert (two.out, two.err) == (one.out, one.err)
    assert shown in one.out
