"""The seed: 27 real kvm@vger mails and the report made from them, reproduced byte for byte."""

from __future__ import annotations

import subprocess
import sys

import pytest

import kvmlist
from kvmlist import Person

from .conftest import SEED_MBOX, SEED_REPORT, need


@pytest.fixture(scope="module")
def seed() -> list[kvmlist.Message]:
    return list(kvmlist.read_mbox(need(SEED_MBOX)))


def test_report_cli_reproduces_the_seed_report_byte_for_byte() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "kvmlist",
            "report",
            str(need(SEED_MBOX)),
            "--range",
            "e5d776dd9..793f3e63a",
        ],
        capture_output=True,
        check=True,
    )
    assert done.stdout.decode() == need(SEED_REPORT).read_text()


def test_every_seed_mail_comes_out(seed: list[kvmlist.Message]) -> None:
    assert len(seed) == 27
    assert all(isinstance(m, kvmlist.Patch) for m in seed)


def test_seed_series_are_complete_with_covers(seed: list[kvmlist.Message]) -> None:
    found = kvmlist.group_series(seed)
    summary = [(s.version, s.total, len(s.patches), s.cover is not None, s.complete) for s in found]
    assert summary == [(3, 9, 9, True, True), (4, 11, 11, True, True), (2, 4, 4, True, True)]
    assert [p.index for p in found[1].patches] == list(range(1, 12))
    assert found[1].cover is not None and found[1].cover.prefixes == ("kvm-unit-tests",)


def test_in_body_from_makes_alexandru_the_author(seed: list[kvmlist.Message]) -> None:
    patch = next(
        m
        for m in seed
        if isinstance(m, kvmlist.Patch) and m.subject.endswith("use smc when at EL2")
    )
    assert patch.sender == Person(name="Joey Gouly", email="joey.gouly@arm.com")
    assert patch.author == Person(name="Alexandru Elisei", email="alexandru.elisei@arm.com")
    assert [t.key for t in patch.trailers] == [
        "Signed-off-by",
        "Signed-off-by",
        "Acked-by",
        "Reviewed-by",
    ]
    assert patch.trailers[3].person == Person(name="Eric Auger", email="eric.auger@redhat.com")


def test_seed_counts(seed: list[kvmlist.Message]) -> None:
    assert kvmlist.count_by_domain(seed).most_common() == [
        ("arm.com", 12),
        ("kernel.org", 10),
        ("redhat.com", 5),
    ]
    authors = [(str(p), n) for p, n in kvmlist.count_by_author(seed).most_common()]
    assert authors[:2] == [
        ("Marc Zyngier <maz@kernel.org>", 10),
        ("Joey Gouly <joey.gouly@arm.com>", 10),
    ]


def test_seed_diffstats_match_their_diffs(seed: list[kvmlist.Message]) -> None:
    for patch in seed:
        assert isinstance(patch, kvmlist.Patch)
        if patch.has_diff:
            assert patch.diffstat is not None and not patch.diffstat.computed
            from kvmlist.parse.diffstat import diffstat_from_diff

            computed = diffstat_from_diff(patch.diff)
            assert (computed.files_changed, computed.insertions, computed.deletions) == (
                patch.diffstat.files_changed,
                patch.diffstat.insertions,
                patch.diffstat.deletions,
            ), patch.subject


def test_models_round_trip_through_json(seed: list[kvmlist.Message]) -> None:
    for message in seed:
        assert type(message).model_validate_json(message.model_dump_json()) == message
    for series in kvmlist.group_series(seed):
        assert kvmlist.Series.model_validate_json(series.model_dump_json()) == series
