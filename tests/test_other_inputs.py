"""The inputs people have besides an mbox: a single mail saved as ``.eml`` (no ``From `` line)."""

from __future__ import annotations

import gzip
import re
import subprocess
import sys
from pathlib import Path

import pytest

import kvmlist
from kvmlist.cli.commands import main
from kvmlist.scale.workers import parse_in_workers

#: A mail saved from a mail client or lore's "raw" link: headers first, no "From " line.
EML = (
    b"Message-Id: <20261207.1@example.org>\n"
    b"From: Jane Dev <jane@example.org>\n"
    b"Date: Mon, 7 Dec 2026 20:51:48 +0000\n"
    b"Subject: [PATCH] KVM: x86: Fix a thing\n"
    b"References: <cover.1@example.org>\n"
    b"\t<cover.2@example.org>\n"
    b"\n"
    b"Fix it.\n\n"
    b"From the spec: a body line like this one is no separator here.\n\n"
    b"Signed-off-by: Jane Dev <jane@example.org>\n"
)


@pytest.fixture
def eml(tmp_path: Path) -> Path:
    path = tmp_path / "patch.eml"
    path.write_bytes(EML)
    return path


# --- a single mail with no "From " line -----------------------------------------------------


def test_a_file_that_starts_with_a_header_is_one_mail(eml: Path) -> None:
    (message,) = kvmlist.read_mbox(eml)
    assert message.message_id == "20261207.1@example.org"
    assert isinstance(message, kvmlist.Patch)
    assert message.raw == EML  # every byte, the body's "From the spec" line too
    assert [m.message_id for m in kvmlist.read(eml)] == ["20261207.1@example.org"]


def test_a_single_mail_is_read_compressed_and_from_a_stream(tmp_path: Path) -> None:
    packed = tmp_path / "patch.eml.gz"
    packed.write_bytes(gzip.compress(EML))
    assert [m.raw for m in kvmlist.read_mbox(packed)] == [EML]
    done = subprocess.run(
        [sys.executable, "-c", "import kvmlist; print(len(list(kvmlist.read_mbox('-'))))"],
        input=EML,
        capture_output=True,
        check=True,
    )
    assert done.stdout.strip() == b"1"


def test_a_single_mail_needs_no_workers(eml: Path) -> None:
    assert [m.raw for m in parse_in_workers(eml, 2)] == [EML]


def test_the_command_line_reads_a_single_mail(
    eml: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(eml), "--workers", "2"]) == 0
    assert re.search(r"mails in: +1\n", capsys.readouterr().out)


def test_notes_that_are_no_mail_are_still_not_an_mbox(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"Note: this is not a mail\nbut a note to self\n")
    with pytest.raises(kvmlist.MboxFormatError, match="not an mbox"):
        list(kvmlist.read_mbox(path))
