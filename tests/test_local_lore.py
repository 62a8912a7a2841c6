"""The seed imported into a real public-inbox v2 inbox (Debian's public-inbox, as lore runs it)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import SEED_MBOX, SEED_REPORT, SHARED, need

LOCAL_LORE = SHARED / "local-lore.sh"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def seed_lore(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """Yield (URL, inbox path) of a public-inbox-httpd on loopback serving the seed."""
    need(LOCAL_LORE)
    need(SEED_MBOX)
    if shutil.which("public-inbox-httpd") is None:
        pytest.skip("needs Debian's public-inbox (make test installs it where apt-get is root)")
    state = tmp_path_factory.mktemp("local-lore")
    env = {**os.environ, "LOCAL_LORE_DIR": str(state)}
    started = subprocess.run(
        ["bash", str(LOCAL_LORE), "start", str(SEED_MBOX), str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    try:
        yield started.stdout.strip().splitlines()[-1], state / "test"
    finally:
        subprocess.run(["bash", str(LOCAL_LORE), "stop"], env=env, check=False)


def run_report(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "kvmlist", "report", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def commits(inbox: Path) -> list[str]:
    listing = subprocess.run(
        ["git", f"--git-dir={inbox / 'git' / '0.git'}", "rev-list", "--reverse", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    )
    return listing.stdout.split()


def test_report_over_the_whole_range_matches_the_seed_from_line_3(
    seed_lore: tuple[str, Path],
) -> None:
    _, inbox = seed_lore
    ids = commits(inbox)
    assert len(ids) == 27
    text = run_report("--inbox", str(inbox), "--range", f"..{ids[-1][:12]}")
    expected = need(SEED_REPORT).read_text()
    assert text.splitlines(keepends=True)[2:] == expected.splitlines(keepends=True)[2:]
    assert text.splitlines()[:2] == [
        f"From {ids[0][:9]} to {ids[-1][:9]}",
        f"KVM mailing list update from {ids[0][:9]} to {ids[-1][:9]}",
    ]


def test_report_over_part_of_the_range_reports_just_that_part(seed_lore: tuple[str, Path]) -> None:
    _, inbox = seed_lore
    ids = commits(inbox)
    # the archive's first 10 mails are Marc Zyngier's v3 series (cover and 9 patches)
    text = run_report("--inbox", str(inbox), "--range", f"{ids[9][:9]}..{ids[-1][:9]}")
    assert text.startswith(f"From {ids[9][:9]} to {ids[-1][:9]}\n")
    assert "Marc Zyngier" not in text
    assert "     10  Joey Gouly <joey.gouly@arm.com>" in text
    assert "New:  arm64: EL2 support" in text
