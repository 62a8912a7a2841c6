"""An empty result has the columns (and, in a DataFrame or Parquet file, the types) a result
with rows has: an empty week's CSV keeps its header, and frames of all weeks have one schema."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import kvmlist
from kvmlist.analysis.review_economy import review_economy
from kvmlist.cli.commands import main

from .conftest import FIXTURES, mail, mbox
from .test_pulls import request

SAMPLE = FIXTURES / "kvm-sample.mbox"
MAINTAINERS = str(FIXTURES / "MAINTAINERS")

#: Each command whose rows --format csv writes, with the options it needs.
CSV_COMMANDS = {
    "stats": ["stats"],
    "stats --by author": ["stats", "--by", "author"],
    "series": ["series"],
    "review": ["review"],
    "review --freq": ["review", "--freq", "W"],
    "review --by": ["review", "--by", "domain"],
    "subsystems": ["subsystems", "--maintainers", MAINTAINERS],
    "stalled": ["stalled", "--older", "1d", "--now", "2026-06-01"],
    "pulls": ["pulls"],
}


@pytest.fixture(scope="module")
def archives(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """An empty archive, and one whose mails give every command rows."""
    folder = tmp_path_factory.mktemp("archives")
    (folder / "empty.mbox").write_bytes(b"")
    (folder / "full.mbox").write_bytes(SAMPLE.read_bytes() + mbox(request()))
    return {"empty": folder / "empty.mbox", "full": folder / "full.mbox"}


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main([*argv, "-q"]) == 0
    out: str = capsys.readouterr().out
    return out


@pytest.mark.parametrize("name", list(CSV_COMMANDS))
def test_an_empty_csv_has_the_header_of_a_full_one(
    name: str, archives: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    command, *options = CSV_COMMANDS[name]
    full = run([command, str(archives["full"]), *options, "--format", "csv"], capsys)
    empty = run([command, str(archives["empty"]), *options, "--format", "csv"], capsys)
    header, *rows = full.splitlines()
    assert rows, "the full archive gives rows"
    assert empty == header + "\n"


@pytest.mark.parametrize("name", ["stats", "series", "review", "review --freq", "review --by"])
def test_an_empty_parquet_file_has_the_columns_and_types_of_a_full_one(
    name: str, archives: dict[str, Path], tmp_path: Path
) -> None:
    export = pytest.importorskip("kvmlist.outputs.export")
    pytest.importorskip("pyarrow")
    command, *options = CSV_COMMANDS[name]
    frames = {}
    for which, archive in archives.items():
        out = tmp_path / f"{which}.parquet"
        argv = [command, str(archive), *options, "--format", "parquet", "-o", str(out), "-q"]
        assert main(argv) == 0
        frames[which] = export.read_parquet(out)
    assert len(frames["full"]) > 0 and len(frames["empty"]) == 0
    assert _types(frames["empty"]) == _types(frames["full"])


def _mails() -> list[kvmlist.Message]:
    return list(kvmlist.read_mbox(SAMPLE))


def _patch() -> list[kvmlist.Message]:
    return list(kvmlist.read_mbox(io.BytesIO(mbox(mail()))))


#: Each DataFrame builder: what it makes of one mail (or of its series) and of nothing.
FRAMES: dict[str, tuple[Callable[[], Any], Callable[[], Any]]] = {
    "mails": (
        lambda: _export().to_dataframe(_patch()),
        lambda: _export().to_dataframe([]),
    ),
    "a reply alone": (
        lambda: _export().to_dataframe([m for m in _mails() if m.kind == "reply"][:1]),
        lambda: _export().to_dataframe([]),
    ),
    "series": (
        lambda: _export().to_dataframe(kvmlist.group_series(_patch())),
        lambda: _export().to_dataframe([], of="series"),
    ),
    "series with their lifecycle": (
        lambda: _export().to_dataframe(kvmlist.group_series(_patch()), messages=_patch()),
        lambda: _export().to_dataframe([], messages=_patch()),
    ),
    "rows of mails": (
        lambda: _export().rows_dataframe(map(_export().message_row, _patch())),
        lambda: _export().rows_dataframe([]),
    ),
    "review economy": (
        lambda: review_economy(_mails(), by="domain").to_dataframe(),
        lambda: review_economy([], by="domain").to_dataframe(),
    ),
}


def _export() -> Any:
    from kvmlist.outputs import export

    return export


@pytest.mark.parametrize("name", list(FRAMES))
def test_an_empty_dataframe_has_the_columns_and_types_of_a_full_one(name: str) -> None:
    pytest.importorskip("pandas")
    one, none = (make() for make in FRAMES[name])
    assert len(one) > 0 and len(none) == 0
    assert _types(none) == _types(one)


def _types(frame: Any) -> list[tuple[str, str]]:
    """Each column's name and type (a categorical's, whatever its categories)."""
    return [(str(name), str(dtype)) for name, dtype in frame.dtypes.items()]
