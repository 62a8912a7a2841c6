"""The inputs people have besides an mbox: a single mail saved as ``.eml`` (no ``From `` line),
a ``git format-patch -o`` folder, an Apple Mail ``X.mbox/`` export, and what a public-inbox
extindex is (no mails of its own: one line saying what to pass instead)."""

from __future__ import annotations

import gzip
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import kvmlist
from kvmlist.cli.commands import main
from kvmlist.scale.workers import parse_in_workers
from kvmlist.sources.maildir import SkippedEntry

from .conftest import mail, mbox

#: A patch as `git format-patch` writes it to a file: a "From <sha>" line first.
FORMAT_PATCH = (
    b"From 2418a3b88b8c2c2cdf3267a4be6927a04538ba28 Mon Sep 17 00:00:00 2001\n"
    + mail("[PATCH v2 {n}/2] KVM: x86: Fix thing {n}", message_id="<{n}@example.org>")
    + b"-- \n2.39.5\n\n"
)


def patch_file(number: int) -> bytes:
    return FORMAT_PATCH.replace(b"{n}", str(number).encode())


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


# --- an Apple Mail export: a folder X.mbox holding the file "mbox" ------------------------------


@pytest.fixture
def apple(tmp_path: Path) -> Path:
    folder = tmp_path / "kvm.mbox"
    folder.mkdir()
    (folder / "mbox").write_bytes(mbox(mail(), mail(message_id="<2@example.org>")))
    (folder / "Info.plist").write_text(
        '<?xml version="1.0"?>\n<plist version="1.0"><dict/></plist>\n'
    )
    return folder


def test_an_apple_mail_export_is_read_by_the_library_and_the_command_line(
    apple: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = ["1@example.org", "2@example.org"]
    assert [m.message_id for m in kvmlist.read_mbox(apple)] == ids
    assert [m.message_id for m in kvmlist.read(apple)] == ids
    assert [m.message_id for m in parse_in_workers(apple, 2)] == ids
    assert main(["check", str(apple)]) == 0
    assert re.search(r"mails in: +2\n", capsys.readouterr().out)


# --- a git format-patch -o folder ----------------------------------------------------------------


@pytest.fixture
def patches(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    for number in (2, 0, 10, 1):  # written out of order: read in name order
        (folder / f"v2-{number:04d}-kvm-fix-thing-{number}.patch").write_bytes(patch_file(number))
    return folder


def test_a_format_patch_folder_is_read_file_by_file_in_name_order(patches: Path) -> None:
    ids = [f"{n}@example.org" for n in (0, 1, 2, 10)]
    assert [m.message_id for m in kvmlist.read(patches)] == ids
    assert [m.message_id for m in parse_in_workers(patches, 2)] == ids


def test_a_file_in_the_folder_that_holds_no_mail_is_named_not_lost(
    patches: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (patches / "notes.txt").write_text("what to send to whom\n")
    (patches / "v2-0003-kvm.eml").write_bytes(EML)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ids = [m.message_id for m in kvmlist.read(patches)]
    assert ids == [f"{n}@example.org" for n in (0, 1, 2)] + [
        "20261207.1@example.org",
        "10@example.org",
    ]
    (skipped,) = [w for w in caught if issubclass(w.category, SkippedEntry)]
    assert "notes.txt" in str(skipped.message)
    assert main(["check", str(patches)]) == 1  # check lists what was skipped
    out = capsys.readouterr().out
    assert re.search(r"mails in: +5\n", out) and "notes.txt" in out


def test_a_folder_and_a_dangling_link_in_the_folder_are_named_as_a_maildir_names_them(
    patches: Path, tmp_path: Path
) -> None:
    (patches / "v2-0003-kvm.patch").mkdir()
    (patches / "v2-0004-kvm.patch").symlink_to(tmp_path / "gone")
    with pytest.warns(SkippedEntry) as warned:
        ids = [m.message_id for m in kvmlist.read(patches)]
    assert ids == [f"{n}@example.org" for n in (0, 1, 2, 10)]
    assert [str(w.message) for w in warned] == [
        f"{patches}/v2-0003-kvm.patch: a folder, not a mail",
        f"{patches}/v2-0004-kvm.patch: a link to nothing",
    ]


def test_a_link_loop_in_the_folder_is_skipped_not_fatal(patches: Path) -> None:
    # "y.eml -> y.eml": every other file is still read, the loop named with the reason
    (patches / "v2-0005-kvm.patch").symlink_to(patches / "v2-0005-kvm.patch")
    with pytest.warns(SkippedEntry) as warned:
        ids = [m.message_id for m in kvmlist.read(patches)]
    assert ids == [f"{n}@example.org" for n in (0, 1, 2, 10)]
    assert [str(w.message) for w in warned] == [
        f"{patches}/v2-0005-kvm.patch: a link that leads to itself (a loop)"
    ]


def test_a_maildir_stays_a_maildir(tmp_path: Path) -> None:
    for sub in ("cur", "new", "tmp"):
        (tmp_path / "md" / sub).mkdir(parents=True)
    (tmp_path / "md" / "cur" / "1796648055.M1P1Q1.host:2,S").write_bytes(mail())
    (tmp_path / "md" / "extra.patch").write_bytes(patch_file(7))  # not a Maildir mail
    assert [m.message_id for m in kvmlist.read(tmp_path / "md")] == ["1@example.org"]


def test_a_folder_of_other_files_says_what_it_reads(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.c").write_text("int a;\n")
    with pytest.raises(kvmlist.MboxFormatError, match=r"not a Maildir.*\.patch"):
        list(kvmlist.read(tmp_path / "src"))


# --- a public-inbox extindex -------------------------------------------------------------------


@pytest.fixture
def extindex(tmp_path: Path) -> Path:
    """An extindex as public-inbox-extindex lays it out: ALL.git borrows the objects of the
    inboxes it indexes (alternates) and holds no commit of its own; ei15/ is its search index."""
    root = tmp_path / "ei"
    subprocess.run(["git", "init", "-q", "--bare", str(root / "ALL.git")], check=True)
    alternates = root / "ALL.git" / "objects" / "info" / "alternates"
    alternates.write_text(f"{tmp_path / 'kvm' / 'git' / '0.git' / 'objects'}\n")
    (root / "ei15").mkdir()
    (root / "ei15" / "over.sqlite3").write_bytes(b"")
    return root


@pytest.mark.parametrize("inside", ["", "ALL.git"])
def test_an_extindex_says_what_it_is_and_what_to_pass(
    extindex: Path, inside: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = extindex / inside if inside else extindex
    with pytest.raises(kvmlist.SourceError, match=r"extindex.*no mails of its own.*kvm"):
        list(kvmlist.read(path))
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "extindex" in err, err
    assert main(["check", "--inbox", str(path)]) == 2
    assert "extindex" in capsys.readouterr().err
