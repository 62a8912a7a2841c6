"""DataFrames with typed columns, and a lossless Parquet round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

import kvmlist

from .conftest import FIXTURES

pandas = pytest.importorskip("pandas")
from kvmlist.outputs import export  # noqa: E402


@pytest.fixture(scope="module")
def messages() -> list[kvmlist.Message]:
    return list(kvmlist.read_mbox(FIXTURES / "kvm-sample.mbox"))


def test_patch_frame_has_typed_columns(messages: list[kvmlist.Message]) -> None:
    frame = export.to_dataframe(kvmlist.patch_mails(messages))
    assert len(frame) == 23
    assert str(frame["date"].dtype) == "datetime64[ns, UTC]"
    assert isinstance(frame["author_domain"].dtype, pandas.CategoricalDtype)
    assert str(frame["insertions"].dtype) == "Int64"
    assert frame.groupby("author_domain", observed=True).size()["arm.com"] == 7


def test_series_frame(messages: list[kvmlist.Message]) -> None:
    frame = export.to_dataframe(kvmlist.group_series(messages))
    assert len(frame) == 10
    assert frame["complete"].sum() == 9


def test_parquet_round_trip_is_lossless(messages: list[kvmlist.Message], tmp_path: Path) -> None:
    frame = export.to_dataframe(messages)
    path = tmp_path / "week.parquet"
    export.to_parquet(frame, path)
    back = export.read_parquet(path)
    pandas.testing.assert_frame_equal(back, frame)
