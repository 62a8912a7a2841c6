"""Worker processes give exactly the sequential results, in the same order."""

from __future__ import annotations

import pytest

import kvmlist
import kvmlist.parallel
from kvmlist.parallel import count_by_field_in_workers, parse_in_workers
from kvmlist.sources.mbox import iter_raw_messages

from .conftest import FIXTURES


@pytest.fixture
def raws(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    monkeypatch.setattr(kvmlist.parallel, "CHUNK", 4)  # many chunks, so order matters
    return list(iter_raw_messages(FIXTURES / "kvm-sample.mbox"))


def test_models_from_two_workers_equal_the_sequential_ones(raws: list[bytes]) -> None:
    sequential = list(kvmlist.reader.parse_raw(raws))
    assert list(parse_in_workers(raws, 2)) == sequential


@pytest.mark.parametrize("field", ["author", "domain"])
def test_counts_from_two_workers_equal_the_sequential_ones(raws: list[bytes], field: str) -> None:
    sequential = kvmlist.aggregate.count_by_field(kvmlist.reader.parse_raw(raws), field)
    parallel = count_by_field_in_workers(raws, field, 2)
    assert list(parallel.items()) == list(sequential.items())  # same keys, counts and order


def test_unknown_field_is_a_usage_error(raws: list[bytes]) -> None:
    with pytest.raises(kvmlist.UsageError):
        count_by_field_in_workers(raws, "colour", 2)
