"""--inbox commands stream: memory does not grow with the archive (check, stats, report)."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from kvmlist.cli.commands import main

from .conftest import mail
from .inbox_builder import build_epoch

T0 = 1772528400  # 2026-03-03 09:00 UTC
#: A patch body of about 30 kB: holding every mail would show at once.
BODY = (
    "Fix it.\n\nSigned-off-by: Jane Doe <jane@example.org>\n---\n"
    + "diff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n@@ -1 +1,600 @@\n"
    + "+ a line of code that the patch adds to the file\n" * 600
)


def _inbox(root: Path, count: int) -> Path:
    (root / "git").mkdir(parents=True)
    build_epoch(
        root / "git" / "0.git",
        [
            ("m", mail(f"[PATCH] KVM: fix {n}", BODY, message_id=f"<{n}@x>"), T0 + n)
            for n in range(count)
        ],
    )
    return root


@pytest.fixture(scope="module")
def inboxes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("streaming")
    return _inbox(root / "small", 60), _inbox(root / "large", 240)


def _peak(argv: list[str]) -> int:
    tracemalloc.start()
    try:
        main(argv)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("command", [["stats"], ["report"], ["check"]])
def test_memory_does_not_grow_with_the_inbox(
    command: list[str], inboxes: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    small, large = inboxes
    _peak([*command, "--inbox", str(small)])  # lazy imports and caches
    peak_small = _peak([*command, "--inbox", str(small)])
    peak_large = _peak([*command, "--inbox", str(large)])
    capsys.readouterr()
    # holding every raw mail: 60 x 30 kB against 240 x 30 kB (a 4x peak); streaming: flat
    assert peak_large < 1.5 * peak_small + 1_000_000, (peak_small, peak_large)


def test_check_reads_an_inbox(
    inboxes: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    small, _ = inboxes
    assert main(["check", "--inbox", str(small)]) == 0
    out = capsys.readouterr().out
    assert "mails in:   60" in out and "mails out:  60" in out and "patches:    60" in out
