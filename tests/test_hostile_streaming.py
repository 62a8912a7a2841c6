"""--inbox commands stream: memory does not grow with the archive (check, stats, report), and
the first mail of an archive arrives before git has listed the rest."""

from __future__ import annotations

import os
import shutil
import threading
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from kvmlist.cli.commands import main
from kvmlist.sources.public_inbox import ArchivedMail, iter_archive

from .conftest import mail
from .inbox_builder import build_epoch

T0 = 1772528400  # 2026-03-03 09:00 UTC
#: A patch body of about 30 kB: holding every mail would show at once.
BODY = (
    "Fix it.\n\nSigned-off-by: Jane Doe <jane@example.org>\n---\n"
    + "diff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n@@ -1 +1,600 @@\n"
    + "+ a line of code that the patch adds to the file\n" * 600
)


def _inbox(root: Path, count: int, body: str = BODY) -> Path:
    (root / "git").mkdir(parents=True)
    build_epoch(
        root / "git" / "0.git",
        [
            ("m", mail(f"[PATCH] KVM: fix {n}", body, message_id=f"<{n}@x>"), T0 + n)
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


@pytest.mark.parametrize("workers", ["1", "2"])
@pytest.mark.parametrize("command", [["stats"], ["report"], ["check"]])
def test_memory_does_not_grow_with_the_inbox(
    command: list[str],
    workers: str,
    inboxes: tuple[Path, Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import kvmlist.scale.workers

    # with workers, raw mails are in flight in batches of up to CHUNK_BYTES (a few per
    # worker): made small here, so that the bound shows on a small archive
    monkeypatch.setattr(kvmlist.scale.workers, "CHUNK_BYTES", 64 * 1024)
    command = [*command, "--workers", workers]
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


#: git, except that the ``git log`` that lists the mails writes its first lines and holds the
#: rest until the test creates the gate file: a reader that needs more of the log before its
#: first mail waits. The listing of removals (the commits that change a path other than
#: ``m``) is read whole before the first mail, by design: a removal at the end withdraws it;
#: so is the look at the newest few commits (``--max-count``) that says it is an archive.
HELD_LOG_GIT = """#!/bin/sh
for arg; do
    case "$arg" in
        ":(exclude)m"|--max-count=*) exec "$KVMLIST_TEST_GIT" "$@" ;;
    esac
done
for arg; do
    if [ "$arg" = log ]; then
        "$KVMLIST_TEST_GIT" "$@" > "$KVMLIST_TEST_LOG" || exit $?
        head -n 12 "$KVMLIST_TEST_LOG"
        while [ ! -e "$KVMLIST_TEST_GATE" ]; do sleep 0.05; done
        exec tail -n +13 "$KVMLIST_TEST_LOG"
    fi
done
exec "$KVMLIST_TEST_GIT" "$@"
"""


def test_the_first_mail_arrives_before_git_log_is_read_to_its_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = _inbox(tmp_path / "inbox", 300, body="Fix it.\n")
    gate = tmp_path / "gate"
    shim = tmp_path / "bin" / "git"
    shim.parent.mkdir()
    shim.write_text(HELD_LOG_GIT)
    shim.chmod(0o755)
    monkeypatch.setenv("KVMLIST_TEST_GIT", str(shutil.which("git")))
    monkeypatch.setenv("KVMLIST_TEST_LOG", str(tmp_path / "log"))
    monkeypatch.setenv("KVMLIST_TEST_GATE", str(gate))
    monkeypatch.setenv("PATH", f"{shim.parent}{os.pathsep}{os.environ['PATH']}")
    mails = iter_archive(inbox)
    first: list[ArchivedMail] = []
    reader = threading.Thread(target=lambda: first.append(next(mails)), daemon=True)
    reader.start()
    reader.join(60)  # a guard against waiting forever, not a timing: the log is held
    arrived_while_held = bool(first)
    gate.touch()
    reader.join()
    rest = list(mails)
    assert arrived_while_held, "the first mail waited for the rest of git log"
    assert b"<0@x>" in first[0].raw  # the oldest mail comes first
    assert len(first) + len(rest) == 300


@pytest.mark.parametrize("command", [["series"], ["review"]])
def test_commands_that_hold_the_archive_hold_no_raw_mails(
    command: list[str], inboxes: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    small, large = inboxes
    _peak([*command, "--inbox", str(small)])  # lazy imports and caches
    grown = _peak([*command, "--inbox", str(large)]) - _peak([*command, "--inbox", str(small)])
    capsys.readouterr()
    # 180 more patches of 30 kB: holding their bytes would take 5.4 MB more; the parsed
    # fields kept take about 7 kB a patch (1.3 MB), and caches warmed by earlier tests move
    # it a little, so the line is drawn between the two: half the raw bytes
    assert grown < len(BODY) * 180 // 2, grown


def test_counts_hold_one_key_object_per_author_not_per_patch() -> None:
    from kvmlist.analysis.aggregate import PatchKeys, author_of
    from kvmlist.models import Patch, Person

    def patches(count: int) -> Iterator[Patch]:
        # streamed, each patch with its own Person, as the parser makes them
        for n in range(count):
            author = Person(name="Jane Doe", email="jane@example.org")
            yield Patch(message_id=f"<{n}@x>", kind="patch", author=author)

    def held(count: int) -> int:
        tracemalloc.start()
        try:
            keys = PatchKeys.of(patches(count), author_of)
            return tracemalloc.get_traced_memory()[0] if keys else 0
        finally:
            tracemalloc.stop()

    held(10)  # lazy imports and validators
    grown = held(4000) - held(1000)
    # 3,000 more patches: their ids in a dict, ~100 bytes each; not a Person each (~0.5 kB)
    assert grown < 3000 * 200, grown
    assert PatchKeys.of(patches(3), author_of).author_counts() == {
        Person(name="Jane Doe", email="jane@example.org"): 3
    }
