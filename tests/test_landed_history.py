"""Landed: what the tree did after a commit (reverts, cherry-picks), and links that prove nothing.

The posted mails are ``git format-patch`` output of an author's repository; the maintainer's
tree takes them with ``git am``, then reverts, cherry-picks and tags as a maintainer does.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from kvmlist.cli.commands import main
from kvmlist.grouping.landed import LandedMap, find_landed
from kvmlist.grouping.landed.reverts import reverted_shas
from kvmlist.sources.reader import read_mbox

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

ANN = ("Ann Dev", "ann@dev.example")
MAINT = ("Maint Ainer", "maint@kernel.example")
#: subject -> (file, line changed); each patch changes its own file
PATCHES = {
    "arm: fix delta": "d",
    "arm: fix epsilon": "e",
    "arm: fix zeta": "z",
    "arm: fix eta": "h",
    "arm: fix theta": "t",
    "arm: fix iota": "i",
}


def _mid(subject: str) -> str:
    return f"20240201.{subject.split()[-1]}-ann@dev.example"


def _git(path: Path, *args: str, when: str = "2024-03-01T10:00:00Z", who=MAINT) -> str:  # type: ignore[no-untyped-def]
    env = {
        **os.environ,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": who[0],
        "GIT_AUTHOR_EMAIL": who[1],
        "GIT_COMMITTER_NAME": MAINT[0],
        "GIT_COMMITTER_EMAIL": MAINT[1],
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
    }
    done = subprocess.run(
        ["git", "-c", "user.useConfigOnly=false", "-C", str(path), *args],
        check=True, capture_output=True, text=True, env=env,
    )  # fmt: skip
    return done.stdout.strip()


def _edit(path: Path, name: str, line: int, text: str) -> None:
    lines = (path / f"{name}.c").read_text().splitlines()
    lines[line] = text
    (path / f"{name}.c").write_text("\n".join(lines) + "\n")


@pytest.fixture(scope="module")
def posted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Ann's repository (one commit per patch) and the mbox of her postings."""
    dev = tmp_path_factory.mktemp("dev")
    _git(dev, "init", "-q", "-b", "master")
    for name in set(PATCHES.values()):
        (dev / f"{name}.c").write_text("".join(f"{name} line {n}\n" for n in range(40)))
    _git(dev, "add", ".")
    _git(dev, "commit", "-qm", "base", when="2024-01-01T10:00:00Z")
    _git(dev, "tag", "base")
    for day, (subject, name) in enumerate(PATCHES.items(), start=1):
        _edit(dev, name, 5, f"{name} line 5 fixed by {subject}")
        message = f"{subject}\n\nThe {name} line was wrong.\n\nSigned-off-by: {ANN[0]} <{ANN[1]}>"
        _git(dev, "commit", "-qam", message, when=f"2024-02-0{day}T12:00:00Z", who=ANN)
    mbox = dev / "posted.mbox"
    mails = []
    _git(dev, "format-patch", "-q", "-o", "out", "base")
    for patch in sorted((dev / "out").glob("*.patch")):
        text = patch.read_text()
        subject = text.split("Subject: [PATCH ", 1)[1].split("] ", 1)[1].split("\n", 1)[0]
        head, _, rest = text.partition("\nSubject: ")
        mails.append(f"{head}\nMessage-ID: <{_mid(subject)}>\nSubject: {rest}\n")
    mbox.write_text("".join(mails))
    return dev, mbox


@pytest.fixture(scope="module")
def tree(posted: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The maintainer's tree: applies, reverts, cherry-picks and tags."""
    dev, _ = posted
    path = tmp_path_factory.mktemp("tree")
    _git(path, "init", "-q", "-b", "master")
    _git(path, "fetch", "-q", str(dev), "base")
    _git(path, "reset", "-q", "--hard", "FETCH_HEAD")
    _git(path, "tag", "base")
    patches = {
        subject: next((dev / "out").glob(f"*-{subject.split()[-1]}.patch")) for subject in PATCHES
    }

    def am(subject: str, when: str) -> str:
        _git(path, "am", "-q", str(patches[subject]), when=when)
        return _git(path, "rev-parse", "HEAD")

    delta = am("arm: fix delta", "2024-03-02T10:00:00Z")
    _git(path, "revert", "--no-edit", delta, when="2024-03-03T10:00:00Z")
    eta = am("arm: fix eta", "2024-03-04T10:00:00Z")
    _git(path, "revert", "--no-edit", eta, when="2024-03-05T10:00:00Z")
    _git(path, "revert", "--no-edit", "HEAD", when="2024-03-06T10:00:00Z")  # eta back in
    epsilon = am("arm: fix epsilon", "2024-03-07T10:00:00Z")
    zeta = am("arm: fix zeta", "2024-03-08T10:00:00Z")
    # the maintainer's own fix for theta, naming Ann's patch as the report it answers
    _edit(path, "t", 30, "t line 30 done the maintainer's way")
    link = f"https://lore.kernel.org/all/{_mid('arm: fix theta')}/"
    _git(path, "commit", "-qam", f"arm: theta: take another approach\n\nReported-by: "
         f"{ANN[0]} <{ANN[1]}>\nLink: {link}\nSigned-off-by: {MAINT[0]} <{MAINT[1]}>",
         when="2024-03-09T10:00:00Z")  # fmt: skip
    _git(path, "tag", "v1.0")
    _git(path, "revert", "--no-edit", zeta, when="2024-03-10T10:00:00Z")
    _git(path, "tag", "v1.1")
    # a stable branch took epsilon with an older committer date than master's commit
    _git(path, "checkout", "-q", "-b", "stable", "base")
    _git(path, "cherry-pick", "-x", epsilon, when="2024-03-01T08:00:00Z")
    _git(path, "checkout", "-q", "master")
    return path


@pytest.fixture(scope="module")
def landed(posted: tuple[Path, Path], tree: Path) -> LandedMap:
    return find_landed(read_mbox(posted[1]), tree)


def _sha(tree: Path, rev: str) -> str:
    return _git(tree, "rev-parse", rev)


def test_a_patch_reverted_before_the_release_is_in_no_release(landed, tree) -> None:  # type: ignore[no-untyped-def]
    one = landed.of(_mid("arm: fix delta"))
    assert one is not None
    revert = _git(tree, "log", "--format=%H", '--grep=^Revert "arm: fix delta"')
    assert one.reverted_by == revert
    assert one.release is None


def test_a_patch_reverted_after_a_release_keeps_that_release(landed, tree) -> None:  # type: ignore[no-untyped-def]
    one = landed.of(_mid("arm: fix zeta"))
    assert one is not None
    assert one.reverted_by == _sha(tree, "v1.1")
    assert one.release == "v1.0"


def test_a_revert_that_was_itself_reverted_leaves_the_patch_in(landed) -> None:  # type: ignore[no-untyped-def]
    one = landed.of(_mid("arm: fix eta"))
    assert one is not None
    assert one.reverted_by is None
    assert one.release == "v1.0"


def test_a_cherry_picked_patch_lands_on_the_main_history_in_its_release(landed, tree) -> None:  # type: ignore[no-untyped-def]
    one = landed.of(_mid("arm: fix epsilon"))
    assert one is not None
    assert one.commit == _git(tree, "log", "--format=%H", "-1", "--grep=epsilon", "master")
    assert one.release == "v1.0"
    assert one.copies == (_sha(tree, "stable"),)


def test_a_link_to_a_patch_the_maintainer_redid_himself_is_no_landing(landed) -> None:  # type: ignore[no-untyped-def]
    assert landed.of(_mid("arm: fix theta")) is None


def test_a_patch_never_applied_is_not_placed(landed) -> None:  # type: ignore[no-untyped-def]
    assert landed.of(_mid("arm: fix iota")) is None


def test_the_cli_says_which_commit_reverted_a_landing(posted, tree, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["landed", str(posted[1]), "--git", str(tree), "--format", "csv", "-q"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    delta = next(row for row in rows if row["message_id"] == _mid("arm: fix delta"))
    assert delta["reverted_by"] == (_git(tree, "log", "--format=%h", "--abbrev=12", "-1",
                                      "--grep=^Revert \"arm: fix delta\""))  # fmt: skip


def test_the_cli_per_series_lists_the_reverted_patches(posted, tree, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["landed", str(posted[1]), "--git", str(tree), "--series", "--format", "json"]) == 0
    rows = {row["title"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["arm: fix delta"]["reverted"] == "1"
    assert rows["arm: fix eta"]["reverted"] == ""  # its revert was reverted
    assert rows["arm: fix eta"]["landed"] == rows["arm: fix delta"]["landed"] == "fully"


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ('Revert "x"\n\nThis reverts commit ' + "a" * 40 + ".\n", ("a" * 40,)),
        ("Revert\n\nThis reverts commit 0123456789ab.\n", ("0123456789ab",)),
        ("Revert\n\nThis reverts commit 01234.\n", ()),  # too short to name a commit
        ("Revert\n\nThis reverts commit " + "a" * 41 + ".\n", ()),  # not a sha
        ("Fix\n\nAs in: This reverts commit " + "b" * 40 + ".\n", ()),  # not at a line start
    ],
)
def test_a_revert_names_the_commit_it_reverts(message: str, expected: tuple[str, ...]) -> None:
    assert reverted_shas(message) == expected


def test_a_hostile_revert_message_is_read_in_bounded_time() -> None:
    message = "This reverts commit " + "a" * 1_000_000 + "\n" + "This reverts commit \n" * 100_000
    assert reverted_shas(message) == ()
