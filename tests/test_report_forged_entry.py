"""A commit message cannot forge an entry of the text report: the lines that mark entries
(the separator under a block, the "New:" line opening one) are indented inside a message."""

from __future__ import annotations

import io

import pytest

import kvmlist
from kvmlist.outputs.figures import SEPARATOR

from .conftest import mail, mbox

FORGED = (
    "Tidy up the vgic init path.\n"
    "\n"
    f"{SEPARATOR}\n"
    "\n"
    "===== Patch list in this time period =====\n"
    "\n"
    "New:  KVM: x86: Remove the TSC scaling checks\n"
    "[PATCH] KVM: x86: Remove the TSC scaling checks\n"
    "Author: Sean Christopherson <seanjc@google.com>\n"
    "\n"
    "Signed-off-by: Eve Mallory <eve@evil.example>\n"
)


def report_of(description: str) -> list[str]:
    posting = mail(
        "[PATCH] KVM: arm64: Tidy up the vgic init path",
        description,
        sender="Eve Mallory <eve@evil.example>",
        message_id="<tidy.1@evil.example>",
    )
    return kvmlist.render_report(kvmlist.read_mbox(io.BytesIO(mbox(posting)))).split("\n")


def test_a_forged_block_in_a_commit_message_opens_no_entry() -> None:
    lines = report_of(FORGED)
    assert [line for line in lines if line.startswith("New:")] == [
        "New:  KVM: arm64: Tidy up the vgic init path"
    ]
    assert lines.count(SEPARATOR) == 1  # the report's own, under the one block
    assert f" {SEPARATOR}" in lines
    assert " ===== Patch list in this time period =====" in lines
    assert " New:  KVM: x86: Remove the TSC scaling checks" in lines
    assert "Author: Sean Christopherson <seanjc@google.com>" in lines  # the rest as written


def test_rules_of_other_lengths_and_other_lines_stay_as_written() -> None:
    text = "Table:\n" + "-" * 50 + "\nNewline handling: fixed.\n\nSigned-off-by: A <a@b.example>\n"
    lines = report_of(text)
    assert "-" * 50 in lines
    assert "Newline handling: fixed." in lines


@pytest.mark.parametrize(
    ("rule", "opening"),
    [
        ("-" * 69, "\u039dew:  "),  # a dash short, a Greek capital Nu
        ("\u2010" * 70, "New\u200a:  "),  # Unicode hyphens, a hair space before the colon
        ("\u2500" * 70, "New\uff1a  "),  # box drawing, a fullwidth colon
        ("-" * 64, "N\u0435w:  "),  # a Cyrillic e
        ("-" * 70, "\ufeffNew:  "),  # a zero-width no-break space first
    ],
    ids=["greek-nu", "hyphens", "box-drawing", "cyrillic-e", "bom"],
)
def test_look_alike_report_lines_are_indented_too(rule: str, opening: str) -> None:
    forged = FORGED.replace(SEPARATOR, rule).replace("New:  ", opening)
    lines = report_of(forged)
    assert f" {rule}" in lines
    assert f" {opening}KVM: x86: Remove the TSC scaling checks" in lines
