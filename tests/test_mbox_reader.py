"""Reading mbox files: mboxrd/mboxo quoting, compression, streams, CRLF, Maildir, bad input."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import mailbox
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kvmlist
from kvmlist.sources import mbox as mbox_source
from kvmlist.sources.mbox import iter_raw_messages

from .conftest import mail, mbox

BODY_WITH_FROM = (
    "From the spec, the register is RES0.\n"
    ">From a quoted mail, kept as it was.\n"
    "\n"
    "Signed-off-by: Jane Doe <jane@example.org>\n"
)


@pytest.fixture
def quoted_mbox(tmp_path: Path) -> Path:
    path = tmp_path / "quoted.mbox"
    path.write_bytes(mbox(mail(body=BODY_WITH_FROM), mail(message_id="<2@example.org>")))
    return path


def test_mboxrd_quoting_is_undone(quoted_mbox: Path) -> None:
    first = next(iter_raw_messages(quoted_mbox))
    assert b"\nFrom the spec, the register is RES0.\n" in first
    assert b"\n>From a quoted mail, kept as it was.\n" in first


# body lines where "From " is quoted, quoted twice, mid-line, or a line start in prose
BODY_LINES = st.sampled_from(
    [
        "From the spec, the register is RES0.",
        ">From a quoted mail",
        ">>From a mail quoted twice",
        "x >From mid-line, left as it is",
        "said >From",
        "> From: Jane <jane@example.org>",
        "From",
        "",
        "Signed-off-by: Jane Doe <jane@example.org>",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    bodies=st.lists(st.lists(BODY_LINES, max_size=12), min_size=1, max_size=4),
    block=st.sampled_from([16, 64, 1 << 20]),
    final_newline=st.booleans(),
)
def test_mboxrd_quoting_round_trips_whatever_the_read_blocks(
    bodies: list[list[str]], block: int, final_newline: bool
) -> None:
    # the splitter notes ">From " as it looks for separators, a block at a time: a mail whose
    # quoted line comes in a later block than its start must still be unquoted
    mails = [
        mail(body="\n".join(lines) + "\n", message_id=f"<{n}@example.org>")
        for n, lines in enumerate(bodies)
    ]
    if not final_newline:  # the archive ends in a quoted line without its newline
        mails[-1] += b">From the last line"
    data = mbox(*mails)
    if not final_newline:
        data = data[:-1]  # the writer's newline after the last mail
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mbox_source, "BLOCK", block)
        assert list(iter_raw_messages(io.BytesIO(data))) == mails


def test_stdlib_mailbox_leaves_mboxrd_quoting_in_place(quoted_mbox: Path) -> None:
    # the reason kvmlist has its own reader: mailbox.mbox returns the quoted lines
    stdlib = mailbox.mbox(str(quoted_mbox))[0].as_bytes()
    assert b"\n>From the spec" in stdlib
    assert b"\n>>From a quoted mail" in stdlib


def test_mboxo_unquotes_one_level(tmp_path: Path) -> None:
    path = tmp_path / "o.mbox"
    path.write_bytes(
        b"From jane@example.org Tue Mar  3 10:00:00 2026\n"
        + mail(body=">From the spec\n>>From deeper\n")
        + b"\n"
    )
    raw = next(iter_raw_messages(path, format="mboxo"))
    assert b"\nFrom the spec\n>>From deeper\n" in raw


def test_from_line_inside_body_without_header_after_it_does_not_split(tmp_path: Path) -> None:
    # a broken mboxo writer left "From " unquoted; the next line is prose, not a header
    path = tmp_path / "broken.mbox"
    body = "Hello,\n\nFrom what I can tell this works.\nThanks\n"
    path.write_bytes(b"From a@b Tue Mar  3 10:00:00 2026\n" + mail(body=body) + b"\n")
    raws = list(iter_raw_messages(path, format="mboxo"))
    assert len(raws) == 1
    assert b"From what I can tell" in raws[0]


def test_message_keeps_its_raw_bytes_without_the_separator(quoted_mbox: Path) -> None:
    second = list(iter_raw_messages(quoted_mbox))[1]
    assert second == mail(message_id="<2@example.org>")


@pytest.mark.parametrize(
    ("suffix", "compress"),
    [(".gz", gzip.compress), (".xz", lzma.compress), (".bz2", bz2.compress), ("", lambda b: b)],
)
def test_compressed_files_are_read_transparently(tmp_path: Path, suffix: str, compress) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / f"list.mbox{suffix}"
    path.write_bytes(compress(mbox(mail(), mail(message_id="<2@example.org>"))))
    ids = [m.message_id for m in kvmlist.read_mbox(path)]
    assert ids == ["1@example.org", "2@example.org"]


def test_compression_is_detected_by_content_not_name(tmp_path: Path) -> None:
    path = tmp_path / "misnamed.mbox"
    path.write_bytes(gzip.compress(mbox(mail())))
    assert len(list(kvmlist.read_mbox(path))) == 1


def test_binary_file_object_is_accepted() -> None:
    stream = io.BytesIO(mbox(mail(), mail(message_id="<2@example.org>")))
    assert len(list(kvmlist.read_mbox(stream))) == 2


def test_text_mode_file_object_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "a.mbox"
    path.write_bytes(mbox(mail()))
    with open(path) as handle, pytest.raises(kvmlist.SourceError, match="binary mode"):
        list(kvmlist.read_mbox(handle))  # type: ignore[arg-type]


def test_stdin_dash_is_read(tmp_path: Path) -> None:
    code = "import kvmlist; print(len(list(kvmlist.read_mbox('-'))))"
    done = subprocess.run(
        [sys.executable, "-c", code],
        input=gzip.compress(mbox(mail(), mail(message_id="<2@example.org>"))),
        capture_output=True,
        check=True,
    )
    assert done.stdout.strip() == b"2"


def test_crlf_mbox_parses_like_lf() -> None:
    lf = mbox(mail(), mail(message_id="<2@example.org>"))
    crlf = lf.replace(b"\n", b"\r\n")
    from_lf = list(kvmlist.read_mbox(io.BytesIO(lf)))
    from_crlf = list(kvmlist.read_mbox(io.BytesIO(crlf)))
    assert [m.message_id for m in from_crlf] == ["1@example.org", "2@example.org"]
    assert [(p.title, p.trailers) for p in from_crlf] == [(p.title, p.trailers) for p in from_lf]  # type: ignore[attr-defined]
    assert from_crlf[0].raw.endswith(b"\r\n")


def test_not_an_mbox_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("just some notes\nnot mail at all\n")
    with pytest.raises(kvmlist.MboxFormatError, match="not an mbox"):
        list(kvmlist.read_mbox(path))


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(kvmlist.SourceError, match="no such file"):
        list(kvmlist.read_mbox(tmp_path / "absent.mbox"))


def test_empty_file_has_no_messages(tmp_path: Path) -> None:
    path = tmp_path / "empty.mbox"
    path.write_bytes(b"")
    assert list(kvmlist.read_mbox(path)) == []


def test_truncated_gzip_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "cut.mbox.gz"
    path.write_bytes(gzip.compress(mbox(*[mail(message_id=f"<{i}@x>") for i in range(50)]))[:200])
    with pytest.raises(kvmlist.SourceError, match="cannot read"):
        list(kvmlist.read_mbox(path))


def test_maildir_is_read_in_name_order(tmp_path: Path) -> None:
    box = mailbox.Maildir(str(tmp_path / "md"), create=True)
    for i in range(3):
        key = box.add(mail(message_id=f"<{i}@example.org>"))
        del key
    ids = sorted(m.message_id for m in kvmlist.read(tmp_path / "md"))
    assert ids == ["0@example.org", "1@example.org", "2@example.org"]


def test_directory_that_is_not_a_maildir_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(kvmlist.MboxFormatError, match="not a Maildir"):
        list(kvmlist.read_maildir(tmp_path))


#: Lines that look like separators or nearly (what a broken writer leaves unquoted).
ODD_LINES = st.sampled_from(
    [
        b"From jane@example.org Tue Mar  3 10:00:00 2026",
        b"From - Mon Dec 07 10:11:12 +0000 2026",
        b"From v1:",
        b"From the datasheet, section 3.1: the register at 10:30 offset.",
        b"From x",
        b"From x   ",
        b"From ",
        b"From a b",
        b"12:34 on the next line",
        b">From x",
        b"",
        b"Subject: [PATCH] x",
        b"body text " * 20,
    ]
)


@settings(max_examples=400, deadline=None)
@given(lines=st.lists(ODD_LINES, max_size=40), block=st.sampled_from([5, 16, 64, 200]))
def test_where_the_read_blocks_fall_does_not_change_the_mails(
    lines: list[bytes], block: int
) -> None:
    # each line is judged as a separator on its own, whether a block ends after it or not
    data = b"From mboxrd@z Thu Jan  1 00:00:00 1970\n" + b"\n".join(lines) + b"\n"
    whole = list(iter_raw_messages(io.BytesIO(data)))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mbox_source, "BLOCK", block)
        assert list(iter_raw_messages(io.BytesIO(data))) == whole
