"""classify_source: the one place that decides what a SOURCE argument names."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import kvmlist
from kvmlist.sources.spec import classify_source

from .conftest import mail, mbox
from .inbox_builder import build_epoch


@pytest.fixture
def places(tmp_path: Path) -> dict[str, Path]:
    """An mbox file, a Maildir, a v2 inbox and a bare epoch repository, each with one mail."""
    (tmp_path / "week.mbox").write_bytes(mbox(mail(message_id="<m@x>")))
    (tmp_path / "maildir" / "cur").mkdir(parents=True)
    (tmp_path / "maildir" / "cur" / "1:2,S").write_bytes(mail(message_id="<d@x>"))
    (tmp_path / "inbox" / "git").mkdir(parents=True)
    build_epoch(tmp_path / "inbox" / "git" / "0.git", [("m", mail(message_id="<i@x>"), 1)])
    return {
        "mbox": tmp_path / "week.mbox",
        "maildir": tmp_path / "maildir",
        "inbox": tmp_path / "inbox",
        "epoch": tmp_path / "inbox" / "git" / "0.git",
    }


@pytest.mark.parametrize(
    ("name", "kind"),
    [("mbox", "mbox"), ("maildir", "maildir"), ("inbox", "inbox"), ("epoch", "inbox")],
)
def test_local_places_are_told_apart(places: dict[str, Path], name: str, kind: str) -> None:
    assert classify_source(places[name]).kind == kind
    assert classify_source(str(places[name])).location == str(places[name])


@pytest.mark.parametrize(
    ("given", "kind"),
    [
        ("-", "stdin"),
        ("https://lore.kernel.org/kvm/20251204094806.3846619-1-maz@kernel.org/", "lore-url"),
        ("20251204094806.3846619-1-maz@kernel.org", "message-id"),
        ("no-such-file.mbox", "mbox"),
    ],
)
def test_arguments_that_are_no_local_directory(given: str, kind: str) -> None:
    assert classify_source(given).kind == kind


def test_a_file_object_is_a_stream() -> None:
    assert classify_source(io.BytesIO(b"")).kind == "stream"


def test_a_file_named_like_a_message_id_is_an_mbox(tmp_path: Path) -> None:
    path = tmp_path / "jane@example.org.mbox"
    path.write_bytes(mbox(mail()))
    assert classify_source(str(path)).kind == "mbox"


@pytest.mark.parametrize(
    ("name", "expected"), [("mbox", "m@x"), ("maildir", "d@x"), ("inbox", "i@x")]
)
def test_read_reads_whatever_the_source_is(
    places: dict[str, Path], name: str, expected: str
) -> None:
    assert [m.message_id for m in kvmlist.read(places[name])] == [expected]
