"""The review lifecycle of fixtures/review-lifecycle.mbox: v1 -> v2 -> v3, reviews, acceptance."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

import kvmlist
from kvmlist.analysis.review_stats import PeriodMedians, review_summary
from kvmlist.grouping.acceptance import acceptance_of
from kvmlist.grouping.revisions import link_revisions, with_revisions

from .conftest import FIXTURES

MBOX = FIXTURES / "review-lifecycle.mbox"
V1 = "20260302093000.411001-1-ilse.vermeulen@arm.com"
V2 = "20260310-lpi-cache-size-v2-0-8d3f2a6b1c9e@arm.com"
V3 = "20260316-lpi-cache-size-v3-0-2b7e4c1a9f05@arm.com"
TIMERS = "20260303110000.52210-1-kaoyama@amazon.com"
OREN = "Oren Dagan <odagan@google.com>"
LUCIA = "Lucia Ferraro <lferraro@kernel.org>"
PETRA = "Petra Lindgren <plindgren@linaro.org>"
TOMAS = "Tomas Novak <tnovak@suse.cz>"
HOUR = timedelta(hours=1)


@pytest.fixture(scope="module")
def messages() -> list[kvmlist.Message]:
    return list(kvmlist.read_mbox(MBOX))


@pytest.fixture(scope="module")
def series(messages: list[kvmlist.Message]) -> dict[str, kvmlist.Series]:
    return {str(s.anchor_id): s for s in kvmlist.group_series(messages, revisions=True)}


def reviews(patch: kvmlist.Patch) -> list[tuple[str, str]]:
    return [(t.key, str(t.person)) for t in patch.review_trailers]


def test_fixture_holds_four_series(messages: list[kvmlist.Message]) -> None:
    assert len(messages) == 22
    assert [(s.version, len(s.patches)) for s in kvmlist.group_series(messages)] == [
        (1, 3),
        (1, 2),
        (2, 3),
        (3, 3),
    ]


def test_previous_and_next_chain_v1_v2_v3(series: dict[str, kvmlist.Series]) -> None:
    chain = [(s.previous_id, s.next_id) for s in (series[V1], series[V2], series[V3])]
    assert chain == [(None, V2), (V1, V3), (V2, None)]
    assert series[TIMERS].previous_id is None and series[TIMERS].next_id is None


def test_v3_joins_by_change_id_although_renamed(series: dict[str, kvmlist.Series]) -> None:
    assert series[V3].title != series[V2].title
    [history] = [h for h in link_revisions(series.values()) if len(h.revisions) > 1]
    assert history.revision(series[V2].next_id) == series[V3]
    assert history.previous(series[V3]) == series[V2]
    assert history.revision(series[V1].previous_id) is None


def test_with_revisions_keeps_order_and_plain_grouping_leaves_links_empty(
    messages: list[kvmlist.Message],
) -> None:
    plain = kvmlist.group_series(messages)
    assert all(s.previous_id is None and s.next_id is None for s in plain)
    linked = with_revisions(plain)
    assert [s.anchor_id for s in linked] == [s.anchor_id for s in plain]
    assert linked[2].previous_id == V1


def test_series_with_links_round_trips_through_json(series: dict[str, kvmlist.Series]) -> None:
    v2 = series[V2]
    assert kvmlist.Series.model_validate_json(v2.model_dump_json()) == v2


def test_reviews_per_patch(series: dict[str, kvmlist.Series]) -> None:
    v1, v2, v3 = series[V1], series[V2], series[V3]
    assert [reviews(p) for p in v1.patches] == [[], [("Reviewed-by", OREN)], []]
    acked = ("Acked-by", PETRA)  # on v2's cover letter: every patch
    assert [reviews(p) for p in v2.patches] == [[acked], [acked, ("Reviewed-by", LUCIA)], [acked]]
    assert all(p.review_trailers == () for p in v3.patches)


def test_quoted_reviewed_by_does_not_count(series: dict[str, kvmlist.Series]) -> None:
    # Lucia quotes v2 2/3 with its own "> Reviewed-by: Oren": Oren gave nothing on v2
    patch = series[V2].patches[1]
    assert ("Reviewed-by", OREN) in [(t.key, str(t.person)) for t in patch.trailers]
    assert ("Reviewed-by", OREN) not in reviews(patch)


def test_review_of_another_series_goes_to_the_patch_answered(
    series: dict[str, kvmlist.Series],
) -> None:
    first, second = series[TIMERS].patches
    assert reviews(first) == [("Reviewed-by", TOMAS)]
    assert reviews(second) == []  # quoted in the same reply, but not answered


def test_acceptance_per_patch(
    messages: list[kvmlist.Message], series: dict[str, kvmlist.Series]
) -> None:
    accepted = acceptance_of(series.values(), messages)
    assert set(accepted) == {V3, TIMERS}
    v3 = accepted[V3]
    assert v3.complete and v3.trees == ("next",)
    assert [(a.tree, a.commit) for a in map(v3.of, series[V3].patches) if a] == [
        ("next", "3d9a0f7c21e4"),
        ("next", "a81c5e64b0f2"),
        ("next", "0e7b2d4c9a15"),
    ]
    timers = accepted[TIMERS]
    assert timers.complete and timers.trees == ("kvm-arm64/next",) and timers.commits == ()
    assert v3.of(series[V2].patches[0]) is None


def test_medians_per_week_and_month(messages: list[kvmlist.Message]) -> None:
    summary = review_summary(messages)
    assert summary.per_period("W") == [
        PeriodMedians("2026-03-02", 2, 4.5 * HOUR, 5.5 * HOUR, 48 * HOUR),
        PeriodMedians("2026-03-09", 1, 2 * HOUR, 2 * HOUR, None),
        PeriodMedians("2026-03-16", 1, 48 * HOUR, None, 48 * HOUR),
    ]
    assert summary.per_period("M") == [PeriodMedians("2026-03", 4, 4.5 * HOUR, 5 * HOUR, 48 * HOUR)]


def test_review_command_gives_medians_per_period() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kvmlist", "review", str(MBOX), "--freq", "W", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    periods = json.loads(done.stdout)["periods"]
    assert [(p["period"], p["series"], p["accepted_hours"]) for p in periods] == [
        ("2026-03-02", 2, 48.0),
        ("2026-03-09", 1, None),
        ("2026-03-16", 1, 48.0),
    ]


def test_series_frame_has_lifecycle_columns(
    messages: list[kvmlist.Message], series: dict[str, kvmlist.Series], tmp_path: Path
) -> None:
    pandas = pytest.importorskip("pandas")
    from kvmlist.outputs import export

    frame = export.to_dataframe(series.values(), messages=messages)
    assert str(frame["first_reply"].dtype) == "timedelta64[ns]"
    assert frame["applied_tree"].dtype == export.text_dtype()  # an open set: text
    v3 = frame.set_index("first_message_id").loc[V3]
    assert v3["previous_id"] == V2 and pandas.isna(v3["next_id"])
    assert v3["accepted"] == pandas.Timedelta(hours=48) and pandas.isna(v3["first_review"])
    assert (v3["applied"], v3["applied_tree"]) == (3, "next")
    assert v3["applied_commits"] == "3d9a0f7c21e4 a81c5e64b0f2 0e7b2d4c9a15"
    v2 = frame.set_index("first_message_id").loc[V2]
    assert (v2["reviewed_by"], v2["acked_by"], v2["tested_by"], v2["applied"]) == (1, 3, 0, 0)
    path = tmp_path / "lifecycle.parquet"
    export.to_parquet(frame, path)
    pandas.testing.assert_frame_equal(export.read_parquet(path), frame)


def test_patch_rows_count_review_trailers(messages: list[kvmlist.Message]) -> None:
    pytest.importorskip("pandas")
    from kvmlist.outputs import export

    patches = [p for s in kvmlist.group_series(messages) for p in s.messages]
    frame = export.to_dataframe(patches).set_index("message_id")
    row = frame.loc["20260310-lpi-cache-size-v2-2-8d3f2a6b1c9e@arm.com"]
    assert (row["review_trailers"], row["reviewed_by"], row["acked_by"]) == (2, 1, 1)
