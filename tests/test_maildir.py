"""A Maildir is read in delivery order, and an entry that is no mail file is listed, not a
crash and not lost without a word."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import kvmlist
from kvmlist.cli.commands import main
from kvmlist.sources.maildir import SkippedEntry, iter_maildir

from .conftest import mail


def maildir(root: Path, files: dict[str, bytes]) -> Path:
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    for name, raw in files.items():
        (root / name).write_bytes(raw)
    return root


def subjects(root: Path) -> list[str]:
    return [m.subject for m in kvmlist.read_maildir(root)]


def test_mails_come_in_the_delivery_order_their_names_encode(tmp_path: Path) -> None:
    # Python's mailbox and Dovecot: <seconds>.M<microseconds>P<pid>Q<count>.<host>, unpadded
    root = maildir(
        tmp_path / "md",
        {
            "new/1796648055.M191061P29231Q1.vm": mail("third"),
            "new/1796648055.M94177P29231Q539.vm": mail("second"),
            "new/1796648055.M94177P29231Q53.vm": mail("first"),
            "cur/1796648056.M5P29231Q2.vm:2,S": mail("fourth"),
            "new/1796648100.M1P2.vm": mail("sixth"),
            "cur/1796648099.M999999P1.vm:2,RS": mail("fifth"),
        },
    )
    assert subjects(root) == ["first", "second", "third", "fourth", "fifth", "sixth"]


def test_names_of_another_shape_come_after_in_name_order(tmp_path: Path) -> None:
    root = maildir(
        tmp_path / "md",
        {
            "cur/b-mail": mail("b"),
            "cur/1796648055.27041_118.host:2,S": mail("dated"),
            "cur/a-mail": mail("a"),
        },
    )
    assert subjects(root) == ["dated", "a", "b"]


def test_a_folder_and_a_dangling_link_are_skipped_with_a_warning(tmp_path: Path) -> None:
    root = maildir(tmp_path / "md", {"cur/1.M1.h": mail("one"), "cur/3.M1.h": mail("three")})
    (root / "cur" / "2.M1.h").mkdir()
    (root / "new" / "4.M1.h").symlink_to(tmp_path / "gone")
    with pytest.warns(SkippedEntry) as warned:
        raws = list(iter_maildir(root))
    assert len(raws) == 2
    notes = [str(w.message) for w in warned]
    assert notes == [
        f"{root}/cur/2.M1.h: a folder, not a mail",
        f"{root}/new/4.M1.h: a link to nothing",
    ]


def test_a_link_loop_in_a_maildir_is_skipped_not_fatal(tmp_path: Path) -> None:
    root = maildir(tmp_path / "md", {"cur/1.M1.h": mail("one")})
    (root / "cur" / "2.M1.h").symlink_to(root / "cur" / "2.M1.h")
    with pytest.warns(SkippedEntry) as warned:
        raws = list(iter_maildir(root))
    assert len(raws) == 1
    assert [str(w.message) for w in warned] == [
        f"{root}/cur/2.M1.h: a link that leads to itself (a loop)"
    ]


def test_check_lists_skipped_entries_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = maildir(tmp_path / "md", {"cur/1.M1.h": mail("one")})
    (root / "cur" / "subdir").mkdir()
    (root / "cur" / "9.M1.h").symlink_to(tmp_path / "gone")
    assert main(["check", str(root)]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert "skipped:    2 entries that hold no mail" in captured.out
    assert "cur/subdir: a folder, not a mail" in captured.out
    assert main(["check", str(root), "--format", "json"]) == 1
    assert len(json.loads(capsys.readouterr().out)["skipped"]) == 2


@pytest.mark.parametrize("workers", ["1", "2"])
def test_other_commands_note_skipped_entries_on_stderr(
    workers: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = maildir(tmp_path / "md", {"cur/1.M1.h": mail("[PATCH] KVM: x86: one")})
    (root / "cur" / "subdir").mkdir()
    assert main(["stats", str(root), "--workers", workers]) == 0
    captured = capsys.readouterr()
    assert "Jane Doe" in captured.out
    assert "cur/subdir: a folder, not a mail" in captured.err


def test_check_says_one_skipped_entry_in_the_singular(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = maildir(tmp_path / "md", {"cur/1.M1.h": mail("one")})
    (root / "cur" / "subdir").mkdir()
    assert main(["check", str(root)]) == 1
    assert "skipped:    1 entry that holds no mail" in capsys.readouterr().out
