"""What the command line says when the input is wrong: words fit for the source given (an
mbox's range needs both ends), a state file that is empty or cut short, a compressed archive
that is truncated or damaged. One line naming the file, what is wrong and what to do;
exit status 2, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from kvmlist.cli.commands import main

from .conftest import mail, mbox
from .inbox_builder import small_inbox

ARCHIVE = mbox(
    *(mail(f"[PATCH {n}/3] KVM: x86: Fix thing {n}", message_id=f"<{n}@x>") for n in range(3))
)


def one_line_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    """Run the command line; return its one line on stderr after checking the exit status."""
    try:
        status = main(argv)
    except SystemExit as exit:  # argparse's own refusals
        status = exit.code  # type: ignore[assignment]
    assert status == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    return err


# --- a range given to an mbox: both ends --------------------------------------------------


@pytest.mark.parametrize("given", ["e5d776dd9", "e5d776dd9..", "..793f3e63a", "a..b..c"])
def test_an_mbox_range_asks_for_both_ends(
    given: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "kvm.mbox"
    archive.write_bytes(ARCHIVE)
    said = one_line_exit_2(capsys, ["report", str(archive), "--range", given])
    assert f"range {given!r}" in said and "both ends" in said
    assert "may be left out" not in said


def test_an_inbox_range_may_leave_an_end_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox = small_inbox(tmp_path, 3)
    said = one_line_exit_2(capsys, ["report", "--inbox", str(inbox), "--range", "e5d776dd9"])
    assert "either end may be left out" in said


# --- a state file that kvmlist did not write, or that was cut short --------------------------


@pytest.mark.parametrize(
    ("content", "why"),
    [
        ("", "empty"),
        ("\n", "empty"),
        ('{\n  "/srv/lore/kvm": "793f3e63a0', "truncated"),
        ("commit 793f3e63a\n", "not JSON"),
        ('["793f3e63a"]', "not an object"),
        ('{"/srv/lore/kvm": {"commit": "793f3e63a"}}', "not an object"),
    ],
)
def test_a_state_file_kvmlist_did_not_write_says_which_and_what_to_do(
    content: str, why: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox = small_inbox(tmp_path, 3)
    state = tmp_path / "last-reports.json"
    state.write_text(content)
    argv = ["report", "--inbox", str(inbox), "--since-last", "--state", str(state)]
    said = one_line_exit_2(capsys, argv)
    assert said.startswith(f"kvmlist: {state}: ")
    assert "not a state file kvmlist wrote" in said
    assert {"empty": "it is empty", "truncated": "cut short", "not JSON": "not JSON"}.get(
        why, "not a JSON object"
    ) in said
    assert "remove it" in said and "--state" in said
    assert "Expecting" not in said and "char 0" not in said
