"""`kvmlist check`: counts in and out, kinds, series, defects by kind; exit 1 only on loss."""

from __future__ import annotations

import json
import subprocess
import sys

import kvmlist
from kvmlist.analysis.check import check_messages

from .conftest import FIXTURES, mail


def run_check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kvmlist", "check", *args], capture_output=True, text=True
    )


def test_broken_fixture_loses_nothing_and_lists_defects() -> None:
    done = run_check(str(FIXTURES / "broken.mbox"), "--format", "json")
    assert done.returncode == 0
    result = json.loads(done.stdout)
    assert result["mails_in"] == result["mails_out"] == 16
    assert result["lost"] == 0
    for kind in ("missing-message-id", "bad-date", "unknown-charset", "nul-in-body", "bad-from"):
        assert result["defects"][kind] >= 1, kind
        assert result["examples"][kind]


def test_table_output_is_readable() -> None:
    done = run_check(str(FIXTURES / "kvm-sample.mbox"))
    assert done.returncode == 0
    assert done.stdout.splitlines()[0].startswith("mails in:")
    assert "complete" in done.stdout


def test_lost_mails_are_reported() -> None:
    messages = [kvmlist.parse_message(mail(message_id=f"<{i}@x>")) for i in range(2)]
    result = check_messages(3, messages)
    assert result.lost == 1
    assert "1 LOST" in result.render()
