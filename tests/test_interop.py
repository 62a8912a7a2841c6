"""From a parsed Series back to patches: git am applies kvmlist's am-ready mbox; b4 reads it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import kvmlist
from kvmlist.outputs.interop import to_b4, to_mbox

ENV = {
    "GIT_AUTHOR_NAME": "Jörg Brandstätter",
    "GIT_AUTHOR_EMAIL": "joerg.brandstaetter@suse.de",
    "GIT_COMMITTER_NAME": "Jörg Brandstätter",
    "GIT_COMMITTER_EMAIL": "joerg.brandstaetter@suse.de",
    "HOME": "/nonexistent",
    "GIT_CONFIG_NOSYSTEM": "1",
    "PATH": "/usr/bin:/bin:/usr/local/bin",
}


def git(repo: Path, *args: str, data: bytes | None = None) -> bytes:
    return subprocess.run(
        ["git", "-C", str(repo), *args], input=data, capture_output=True, check=True, env=ENV
    ).stdout


@pytest.fixture
def posted(tmp_path: Path) -> tuple[Path, bytes, str]:
    """A repository with two commits on top of a base, and the series git format-patch made."""
    repo = tmp_path / "work"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "pmu.c").write_text("int counter;\n\nint read(void)\n{\n\treturn counter;\n}\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "base")
    base = git(repo, "rev-parse", "HEAD").decode().strip()
    (repo / "pmu.c").write_text("long counter;\n\nint read(void)\n{\n\treturn counter;\n}\n")
    git(repo, "commit", "-q", "-a", "-m", "pmu: widen the counter\n\nIt overflows.\n")
    (repo / "pmu.h").write_text("long read(void);\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "pmu: add a header\n\nFor callers.\n\nCc: x@example.org")
    mails = git(repo, "format-patch", "--cover-letter", "-v2", "--stdout", "--thread", f"{base}..")
    return repo, mails, base


def test_git_am_applies_the_series_kvmlist_parsed(
    posted: tuple[Path, bytes, str], tmp_path: Path
) -> None:
    repo, mails, base = posted
    mbox = tmp_path / "posted.mbox"
    mbox.write_bytes(mails)
    [series] = kvmlist.group_series(kvmlist.read_mbox(mbox, format="mboxo"))
    assert (series.version, series.total, series.complete) == (2, 2, True)

    applied = tmp_path / "applied"
    subprocess.run(["git", "clone", "-q", str(repo), str(applied)], check=True, env=ENV)
    git(applied, "checkout", "-q", base)
    git(applied, "am", "-q", data=to_mbox(series))
    assert git(applied, "rev-parse", "HEAD^{tree}") == git(repo, "rev-parse", "HEAD^{tree}")
    log = git(applied, "log", "--format=%an|%s", f"{base}..").decode().splitlines()
    assert log == [
        "Jörg Brandstätter|pmu: add a header",
        "Jörg Brandstätter|pmu: widen the counter",
    ]


def test_b4_reads_the_series(posted: tuple[Path, bytes, str], tmp_path: Path) -> None:
    pytest.importorskip("b4")
    _, mails, _ = posted
    mbox = tmp_path / "posted.mbox"
    mbox.write_bytes(mails)
    [series] = kvmlist.group_series(kvmlist.read_mbox(mbox, format="mboxo"))
    b4_series = to_b4(series).get_series(2, codereview_trailers=False)
    assert b4_series is not None and b4_series.expected == 2
    assert [p.subject for p in b4_series.patches[1:]] == [p.title for p in series.patches]
