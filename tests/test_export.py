"""DataFrames with typed columns, and a lossless Parquet round trip."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import kvmlist

from .conftest import FIXTURES, mail, mbox

pandas = pytest.importorskip("pandas")
from kvmlist.outputs import export  # noqa: E402


@pytest.fixture(scope="module")
def messages() -> list[kvmlist.Message]:
    return list(kvmlist.read_mbox(FIXTURES / "kvm-sample.mbox"))


def test_patch_frame_has_typed_columns(messages: list[kvmlist.Message]) -> None:
    frame = export.to_dataframe(kvmlist.patch_mails(messages))
    assert len(frame) == 23
    assert str(frame["date"].dtype) == "datetime64[ns, UTC]"
    assert isinstance(frame["kind"].dtype, pandas.CategoricalDtype)
    assert frame["author_domain"].dtype == export.text_dtype()
    assert str(frame["insertions"].dtype) == "Int64"
    assert frame.groupby("author_domain", observed=True).size()["arm.com"] == 7


def test_series_frame(messages: list[kvmlist.Message]) -> None:
    frame = export.to_dataframe(kvmlist.group_series(messages))
    assert len(frame) == 10
    assert frame["complete"].sum() == 9


def _far_dated() -> list[kvmlist.Message]:
    # a mailer's broken clock: years pandas' nanosecond timestamps cannot hold (1677-2262)
    return list(
        kvmlist.read_mbox(
            io.BytesIO(
                mbox(
                    mail(
                        "[PATCH] mm: Fix a leak",
                        message_id="<ok@x>",
                        date="Mon, 3 Mar 2025 10:00:00 +0000",
                    ),
                    mail(
                        "[PATCH] mm: Fix a race",
                        message_id="<future@x>",
                        date="Mon, 3 Mar 2300 10:00:00 +0000",
                    ),
                    mail(
                        "[PATCH] mm: Fix a typo",
                        message_id="<past@x>",
                        date="Mon, 3 Mar 1601 10:00:00 +0000",
                    ),
                )
            )
        )
    )


def test_dates_pandas_cannot_hold_are_missing_in_frames_and_parquet(tmp_path: Path) -> None:
    messages = _far_dated()
    assert [m.date.year for m in messages if m.date] == [2025, 2300, 1601]  # kept as written
    frame = export.to_dataframe(messages)
    assert str(frame["date"].dtype) == "datetime64[ns, UTC]"
    assert frame["date"].isna().tolist() == [False, True, True]
    series = export.to_dataframe(kvmlist.group_series(messages))
    assert series["first_date"].isna().sum() == 2
    export.to_parquet(frame, tmp_path / "far.parquet")
    pandas.testing.assert_frame_equal(export.read_parquet(tmp_path / "far.parquet"), frame)


def test_parquet_round_trip_is_lossless(messages: list[kvmlist.Message], tmp_path: Path) -> None:
    frame = export.to_dataframe(messages)
    path = tmp_path / "week.parquet"
    export.to_parquet(frame, path)
    back = export.read_parquet(path)
    pandas.testing.assert_frame_equal(back, frame)


def test_review_columns_of_mails_never_grouped_are_missing_not_zero() -> None:
    mails = list(kvmlist.read_mbox(FIXTURES / "review-lifecycle.mbox"))
    frame = export.to_dataframe(mails)
    patches = frame[frame["kind"] == "patch"]
    for column in ("review_trailers", "reviewed_by", "acked_by", "tested_by"):
        assert str(frame[column].dtype) == "Int64"
        assert patches[column].isna().all(), column
    grouped = [p for s in kvmlist.group_series(mails) for p in s.patches]
    counts = export.to_dataframe(grouped)["reviewed_by"]
    assert counts.notna().all() and counts.sum() > 0 and (counts == 0).any()


def test_review_columns_count_credited_tags_only() -> None:
    # a Reported-by and a tag a maintainer relays are reply trailers, not reviews
    lines = ("Reported-by: Marc Z <maz@kernel.org>", "Tested-by: Rob Rev <rob@arm.com>",
             "Reviwed-by: Marc Z <maz@kernel.org>")  # fmt: skip
    reply = mail("Re: [PATCH] x", "> quoted\n\n" + "\n".join(lines) + "\n",
                 sender="Marc Z <maz@kernel.org>", message_id="<r@x>",
                 extra="In-Reply-To: <1@example.org>\n")  # fmt: skip
    series = kvmlist.group_series(kvmlist.read_mbox(io.BytesIO(mbox(mail(), reply))))
    row = export.to_dataframe(series.pop().patches).iloc[0]
    assert (row["review_trailers"], row["reviewed_by"], row["tested_by"]) == (3, 1, 0)


def _week(*mails: str) -> list[kvmlist.Message]:
    return list(kvmlist.read_mbox(io.BytesIO(mbox(*mails))))


def test_a_column_missing_on_every_row_survives_parquet(tmp_path: Path) -> None:
    # nothing applied: applied_tree is missing on every row, and must come back typed
    mails = _week(mail("[PATCH] mm: Fix a leak", message_id="<1@x>"))
    for frame in (
        export.to_dataframe(kvmlist.group_series(mails), messages=mails),
        export.to_dataframe([m for m in _replies() if m.kind == "reply"]),
    ):
        export.to_parquet(frame, tmp_path / "week.parquet")
        back = export.read_parquet(tmp_path / "week.parquet")
        pandas.testing.assert_frame_equal(back, frame)
        assert back.equals(frame)


def _replies() -> list[kvmlist.Message]:
    return _week(mail("Re: [PATCH] x", "Looks fine.\n", message_id="<r@x>",
                      extra="In-Reply-To: <1@example.org>\n"))  # fmt: skip


def test_weekly_frames_concatenate_with_their_types() -> None:
    # one week has a robot's mail and a patch from arm.com, the other neither
    robot = mail("[PATCH] x", message_id="<b@x>", sender="kernel test robot <lkp@intel.com>")
    one = export.to_dataframe(_week(mail("[PATCH] mm: Fix a leak", message_id="<1@x>"), robot))
    other = export.to_dataframe(_replies())
    both = pandas.concat([one, other], ignore_index=True)
    assert both.dtypes.equals(one.dtypes) and both.dtypes.equals(other.dtypes)
    assert list(both["kind"].cat.categories) == ["patch", "cover", "reply", "pull", "robot",
                                                 "other", "copy"]  # fmt: skip


def test_to_dataframe_refuses_what_is_no_messages_nor_series(
    messages: list[kvmlist.Message],
) -> None:
    with pytest.raises(TypeError, match=r"items: .*kvmlist.read\(path\)"):
        export.to_dataframe(str(FIXTURES / "kvm-sample.mbox"))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"items\[0\]"):
        export.to_dataframe(kvmlist.count_by_domain(messages))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="'messages' or 'series'"):
        export.to_dataframe([], of="patches")  # type: ignore[arg-type]


def test_review_columns_say_whether_reviews_were_read_whatever_the_other_rows() -> None:
    mails = list(kvmlist.read_mbox(FIXTURES / "review-lifecycle.mbox"))
    grouped = [p for s in kvmlist.group_series(mails) for p in s.messages]
    frame = export.to_dataframe(grouped).set_index("message_id")
    whole = frame["reviewed_by"]
    assert (whole == 0).any() and (whole > 0).any()
    assert whole.isna().eq(frame["kind"] == "cover").all()  # a cover is not reviewed
    one_by_one = pandas.concat([export.to_dataframe([p]) for p in grouped])
    assert one_by_one.set_index("message_id")["reviewed_by"].equals(whole)
    unread = kvmlist.group_series(mails, reviews=False)  # replies never read: not known
    for frame in (export.to_dataframe(unread), export.to_dataframe(unread[0].patches)):
        assert frame[["reviewed_by", "acked_by", "tested_by"]].isna().all().all()
    assert all(not p.reviews_read for s in unread for p in s.messages)
    assert all(p.reviews_read for p in grouped)
