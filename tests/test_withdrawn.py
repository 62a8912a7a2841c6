"""Mails an archive withdrew: a later commit removes them (``public-inbox-learn rm``).

public-inbox removes a mail with a commit whose tree holds it as ``d`` instead of ``m`` (v2),
or that deletes its path (v1); lore no longer serves it. kvmlist reads the inbox as of the
range's end (else its HEAD): a mail a commit up to there removes is left out, with a
WithdrawnMail warning, and the command line says so.
"""

from __future__ import annotations

import os
import subprocess
import warnings
from pathlib import Path

import pytest

import kvmlist
from kvmlist.cli.commands import main
from kvmlist.sources.public_inbox import WithdrawnMail, iter_archive

from .conftest import mail, mbox
from .inbox_builder import build_epoch, lore_inbox

T0 = 1772528400  # 2026-03-03 09:00 UTC
MAILS = [mail(f"[PATCH] KVM: x86: fix {n}", message_id=f"<{n}@x>") for n in range(6)]


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], list[str]]:
    """Epoch 0: mails 0-2, the removal of 1, mail 3; epoch 1: mail 4, the removal of 0 (an
    older epoch's mail), mail 5."""
    root = tmp_path_factory.mktemp("withdrawn")
    (root / "git").mkdir()
    first = build_epoch(
        root / "git" / "0.git",
        [
            ("m", MAILS[0], T0),
            ("m", MAILS[1], T0 + 60),
            ("m", MAILS[2], T0 + 120),
            ("d", MAILS[1], T0 + 180),
            ("m", MAILS[3], T0 + 240),
        ],
    )
    second = build_epoch(
        root / "git" / "1.git",
        [("m", MAILS[4], T0 + 300), ("d", MAILS[0], T0 + 360), ("m", MAILS[5], T0 + 420)],
    )
    return root, first, second


def ids(messages: object) -> list[str]:
    return [m.message_id for m in messages]  # type: ignore[attr-defined]


def test_a_mail_a_later_commit_removes_is_left_out_with_a_warning(
    inbox: tuple[Path, list[str], list[str]],
) -> None:
    root, first, second = inbox
    with pytest.warns(WithdrawnMail) as caught:
        assert ids(kvmlist.read_inbox(root)) == ["2@x", "3@x", "4@x", "5@x"]
    said = " ".join(sorted(str(w.message) for w in caught))
    assert len(caught) == 2
    assert f"commit {first[0]} was removed by commit {second[1]}" in said


def test_a_range_reads_the_inbox_as_of_its_end(
    inbox: tuple[Path, list[str], list[str]],
) -> None:
    root, first, _ = inbox
    with warnings.catch_warnings():
        warnings.simplefilter("error", WithdrawnMail)
        # ..B before either removal: as of B, nothing was removed
        assert ids(kvmlist.read_inbox(root, f"..{first[2]}")) == ["0@x", "1@x", "2@x"]
    with pytest.warns(WithdrawnMail):  # up to epoch 0's end: mail 1 is gone, mail 0 not yet
        assert ids(kvmlist.read_inbox(root, f"..{first[4]}")) == ["0@x", "2@x", "3@x"]


def test_dates_choose_the_mails_not_the_view(inbox: tuple[Path, list[str], list[str]]) -> None:
    root, _, _ = inbox
    from datetime import datetime, timezone

    until = datetime.fromtimestamp(T0 + 150, tz=timezone.utc)  # before both removals
    with pytest.warns(WithdrawnMail):
        assert ids(kvmlist.read_inbox(root, until=until)) == ["2@x"]


def test_a_mail_added_again_after_its_removal_is_read_once(tmp_path: Path) -> None:
    root = tmp_path / "again.git"
    commits = build_epoch(
        root,
        [("m", MAILS[0], T0), ("d", MAILS[0], T0 + 60), ("m", MAILS[0], T0 + 120)],
    )
    with pytest.warns(WithdrawnMail):
        assert [m.commit for m in iter_archive(root)] == [commits[2]]


def test_v1_removes_a_mail_by_deleting_its_path(tmp_path: Path) -> None:
    repo = tmp_path / "v1.git"
    build_epoch(
        repo,
        [
            ("0a/1b2c3d", MAILS[0], T0),
            ("4e/5f6a7b", MAILS[1], T0 + 60),
            ("0a/1b2c3d", None, T0 + 120),
            ("8c/9d0e1f", MAILS[2], T0 + 180),
        ],
        v1=True,
    )
    with pytest.warns(WithdrawnMail):
        assert ids(kvmlist.read_inbox(repo)) == ["1@x", "2@x"]


def test_check_lists_the_withdrawn_mails_and_the_others_note_them(
    inbox: tuple[Path, list[str], list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    root, first, _ = inbox
    assert main(["check", "--inbox", str(root), "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert "mails in:   4\nmails out:  4\nwithdrawn:  2 mails a later commit removed" in out
    assert f"commit {first[1]}" in out
    for workers in ("1", "2"):
        assert main(["stats", "--inbox", str(root), "--workers", workers]) == 0
        err = capsys.readouterr().err
        assert "2 mails withdrawn from the archive" in err, workers
    assert main(["-q", "stats", "--inbox", str(root)]) == 0
    assert capsys.readouterr().err == ""


def test_public_inbox_learn_rm_on_a_real_inbox(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "three.mbox"
    path.write_bytes(mbox(*MAILS[:3]))
    inbox = lore_inbox(path, tmp_path)
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "PI_CONFIG": f"{inbox}.config",
        **({"LANG": os.environ["LANG"]} if "LANG" in os.environ else {}),
    }
    subprocess.run(
        ["public-inbox-learn", "--all", "rm"], input=MAILS[1], env=env, check=True, timeout=120
    )
    with pytest.warns(WithdrawnMail):
        assert ids(kvmlist.read_inbox(inbox)) == ["0@x", "2@x"]
    assert main(["check", "--inbox", str(inbox)]) == 0
    assert "mails in:   2\nmails out:  2\nwithdrawn:  1 mail a later commit removed" in (
        capsys.readouterr().out
    )


def test_the_workers_leave_out_the_same_mails(inbox: tuple[Path, list[str], list[str]]) -> None:
    from kvmlist.scale.workers import parse_in_workers
    from kvmlist.sources.public_inbox import InboxSelection

    root, first, _ = inbox
    for commit_range in (None, f"..{first[4]}"):
        with pytest.warns(WithdrawnMail):
            sequential = list(kvmlist.read_inbox(root, commit_range))
        with pytest.warns(WithdrawnMail):  # the parent lists the mails, and warns
            parallel = list(parse_in_workers(InboxSelection(root, commit_range), 2))
        assert parallel == sequential and len(sequential) in (3, 4)
