"""What the command line says when the input is wrong: words fit for the source given (an
mbox's range needs both ends), a state file that is empty or cut short, a compressed archive
that is truncated or damaged. One line naming the file, what is wrong and what to do;
exit status 2, no traceback."""

from __future__ import annotations

import bz2
import gzip
import hashlib
import io
import os
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest

from kvmlist.errors import SourceError
from kvmlist.scale.workers import parse_in_workers
from kvmlist.sources.mbox import iter_raw_messages

from .conftest import ROOT, Pipe, mail, mbox, one_line_exit_2
from .inbox_builder import small_inbox

ARCHIVE = mbox(
    *(mail(f"[PATCH {n}/3] KVM: x86: Fix thing {n}", message_id=f"<{n}@x>") for n in range(3))
)


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


# --- a compressed archive truncated or damaged -----------------------------------------------


def _noisy_mbox(count: int = 300) -> bytes:
    """An mbox that compresses about 2:1, as real lists do (a digest per mail)."""
    return mbox(
        *(
            mail(
                f"[PATCH {n}/{count}] KVM: x86: Fix thing {n}",
                body="".join(_digest(n, line) for line in range(20))
                + "\nSigned-off-by: Jane Doe <jane@example.org>\n",
                message_id=f"<{n}@x>",
            )
            for n in range(count)
        )
    )


def _digest(*of: int) -> str:
    return hashlib.sha256(repr(of).encode()).hexdigest() + "\n"


def _decoded_before_error(decompressor: Any, packed: bytes) -> bytes:
    """All a fresh decompressor gives for packed, fed a byte at a time, before it raises."""
    out = []
    for at in range(len(packed)):
        try:
            out.append(decompressor.decompress(packed[at : at + 1]))
        except (OSError, EOFError, zlib.error):
            break
    return b"".join(out)


def _every_path(path: Path) -> list[tuple[list[bytes], str]]:
    """The mails and the error of the file on each path: by name, as a pipe, two workers."""
    said = []
    for mails in (
        iter_raw_messages(path),
        iter_raw_messages(io.BufferedReader(Pipe(path.read_bytes()))),
        (m.raw for m in parse_in_workers(path, 2)),
    ):
        got: list[bytes] = []
        with pytest.raises(SourceError, match="cannot read") as error:
            got.extend(mails)
        said.append((got, str(error.value).replace("<stream>", str(path))))
    return said


COMPRESSORS = {
    "gzip": (gzip.compress, lambda: zlib.decompressobj(wbits=31)),
    "bzip2": (lambda data: bz2.compress(data, 1), bz2.BZ2Decompressor),  # 100 kB blocks
}


@pytest.mark.parametrize("form", ["gzip", "bzip2"])
def test_a_truncated_archive_gives_every_mail_before_the_cut_and_says_where(
    form: str, tmp_path: Path
) -> None:
    compress, decompressor = COMPRESSORS[form]
    packed = compress(_noisy_mbox())[: -len(compress(_noisy_mbox())) // 3]
    path = tmp_path / "kvm.mbox.packed"
    path.write_bytes(packed)
    decoded = _decoded_before_error(decompressor(), packed)
    whole = list(iter_raw_messages(io.BytesIO(decoded)))[:-1]  # the last is cut short
    said = f"{path}: cannot read: the {form} file is truncated: it ends at byte {len(decoded):,}"
    assert _every_path(path) == [(whole, said + " of the decompressed mbox")] * 3
    assert len(whole) > 100


def _mid_stream_damage(packed: bytearray) -> int:
    """The first byte from the middle on whose flip zlib sees before the member's end."""
    for at in range(len(packed) // 2, len(packed)):
        packed[at] ^= 0xFF
        try:
            zlib.decompressobj(wbits=31).decompress(bytes(packed))
        except zlib.error as error:
            if "check" not in str(error):  # not the member's CRC or length, at its end
                return at
        finally:
            packed[at] ^= 0xFF
    raise AssertionError("no flip zlib sees mid-stream")


def test_a_damaged_gzip_gives_every_mail_decoded_before_the_damage(tmp_path: Path) -> None:
    # zlib drops what a call decoded when it raises: a pipe, read once, must not lose it
    packed = bytearray(gzip.compress(_noisy_mbox(150)))
    packed[_mid_stream_damage(packed)] ^= 0xFF
    decoded = _decoded_before_error(zlib.decompressobj(wbits=31), bytes(packed))
    path = tmp_path / "kvm.mbox.gz"
    path.write_bytes(bytes(packed))
    whole = list(iter_raw_messages(io.BytesIO(decoded)))[:-1]
    paths = _every_path(path)
    assert [mails for mails, _ in paths] == [whole] * 3 and len(whole) > 50
    for _, said in paths:
        assert said.startswith(f"{path}: cannot read: the gzip file is damaged at about byte ")
        assert "garbled" in said


def test_a_damaged_one_block_bzip2_says_damaged_not_not_an_mbox(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # bzip2 checks a block at its end: its garbled bytes come out before the error
    packed = bytearray(bz2.compress(_noisy_mbox()))
    packed[len(packed) // 2] ^= 0x55
    path = tmp_path / "kvm.mbox.bz2"
    path.write_bytes(bytes(packed))
    for argv in (["check", str(path)], ["check", str(path), "--workers", "2"]):
        said = one_line_exit_2(capsys, argv)
        assert said.startswith(f"kvmlist: {path}: cannot read: the bzip2 file is damaged")
        assert "garbled" in said and "not an mbox" not in said
    done = subprocess.run(
        [sys.executable, "-m", "kvmlist", "check", "-"],
        input=bytes(packed),
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 2
    assert done.stderr.decode().startswith("kvmlist: -: cannot read: the bzip2 file is damaged")
