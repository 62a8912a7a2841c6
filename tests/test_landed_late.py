"""Landed: a patch committed before it was posted (a maintainer's own branch, merged unrebased).

The maintainer commits his fix locally, posts it days later with ``git send-email`` (the mail's
``Date:`` is the sending time) and then pushes the branch as it was: the commit is older than
its only posting, with the same patch-id.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from kvmlist.grouping.landed import LandedMap, find_landed
from kvmlist.sources.reader import read_mbox

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

MARC = ("Marc Zyngier", "maz@kernel.example")
BOB = ("Bob Dev", "bob@dev.example")
EVE = ("Eve Other", "eve@other.example")
OWN = "20261125100000.1-maz@kernel.example"
RESEND = "20261128100000.1-maz@kernel.example"
PULL = "20261201100000.2-maz@kernel.example"
STRANGER = "20261125110000.1-eve@other.example"


def _git(path: Path, *args: str, who: tuple[str, str], authored: str, committed: str) -> str:
    env = {
        **os.environ,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": who[0],
        "GIT_AUTHOR_EMAIL": who[1],
        "GIT_COMMITTER_NAME": MARC[0],
        "GIT_COMMITTER_EMAIL": MARC[1],
        "GIT_AUTHOR_DATE": authored,
        "GIT_COMMITTER_DATE": committed,
    }
    done = subprocess.run(
        ["git", "-c", "user.useConfigOnly=false", "-C", str(path), *args],
        check=True, capture_output=True, text=True, env=env,
    )  # fmt: skip
    return done.stdout.strip()


def _mail(mid: str, who: tuple[str, str], date: str, subject: str, diff: str) -> str:
    return (
        f"From {mid} Mon Sep 17 00:00:00 2001\nFrom: {who[0]} <{who[1]}>\nDate: {date}\n"
        f"Message-ID: <{mid}>\nSubject: {subject}\n\nThe fix.\n\n"
        f"Signed-off-by: {who[0]} <{who[1]}>\n---\n{diff}\n-- \n2.39.5\n\n"
    )


@pytest.fixture(scope="module")
def landed(tmp_path_factory: pytest.TempPathFactory) -> LandedMap:
    tree = tmp_path_factory.mktemp("tree")
    day = "2026-10-01T10:00:00Z"
    _git(tree, "init", "-q", "-b", "master", who=MARC, authored=day, committed=day)
    for name in ("f", "g"):
        (tree / f"{name}.c").write_text("".join(f"{name} line {n}\n" for n in range(20)))
    _git(tree, "add", ".", who=MARC, authored=day, committed=day)
    _git(tree, "commit", "-qm", "init", who=MARC, authored=day, committed=day)
    diffs = {}
    own = "KVM: arm64: fix the frobnicator"
    for name, who, subject, authored, committed in (
        ("f", MARC, own, "2026-11-01T10:00:00Z", "2026-11-20T10:00:00Z"),  # posted 11-25
        ("g", BOB, "KVM: arm64: fix the gizmo", "2026-11-02T10:00:00Z", "2026-11-10T10:00:00Z"),
    ):  # fmt: skip
        path = tree / f"{name}.c"
        path.write_text(path.read_text().replace("line 5", "LINE 5"))
        _git(tree, "commit", "-qam", subject, who=who, authored=authored, committed=committed)
        diffs[name] = _git(tree, "show", "--format=", "HEAD", who=who, authored=day, committed=day)
    mbox = tree.parent / "posted.mbox"
    mbox.write_text(
        _mail(OWN, MARC, "Wed, 25 Nov 2026 10:00:00 +0000", f"[PATCH] {own}", diffs["f"])
        + _mail(RESEND, MARC, "Sat, 28 Nov 2026 10:00:00 +0000", f"[RESEND] {own}", diffs["f"])
        + _mail(PULL, MARC, "Tue, 01 Dec 2026 10:00:00 +0000", f"[PULL 2/2] {own}", diffs["f"])
        + _mail(STRANGER, EVE, "Wed, 25 Nov 2026 11:00:00 +0000",
                "[PATCH] KVM: arm64: fix the gizmo", diffs["g"])
    )  # fmt: skip
    return find_landed(read_mbox(mbox), tree)


def test_an_own_patch_committed_before_its_posting_lands_on_that_commit(landed) -> None:  # type: ignore[no-untyped-def]
    one = landed.of(OWN)
    assert one is not None
    assert one.how == "patch-id"
    assert one.committed_at.isoformat() == "2026-11-20T10:00:00+00:00"


def test_its_later_resend_and_pull_copy_are_duplicates_of_the_first_posting(landed) -> None:  # type: ignore[no-untyped-def]
    assert landed.of(RESEND) is None and landed.of(PULL) is None
    assert landed.duplicate_of[RESEND] == landed.duplicate_of[PULL] == OWN


def test_someone_else_posting_a_commit_after_it_was_made_did_not_land(landed) -> None:  # type: ignore[no-untyped-def]
    assert landed.of(STRANGER) is None
