"""Models: what they compute on first read stays true to their fields."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from importlib.util import find_spec

import pytest

from kvmlist import Message, Patch, Series, parse_message, render_report


def test_a_copy_with_new_values_does_not_keep_what_was_read_from_the_old_ones() -> None:
    """Body, recipients, subject title, diff and description are read once and kept; a
    model_copy that changes a field must read them again from the copy's own values."""
    from kvmlist import parse_message

    old = parse_message(
        b"From: Jane <jane@example.org>\nTo: kvm@vger.kernel.org\nSubject: [PATCH] old\n"
        b"Message-ID: <1@x>\n\nOld text.\n---\n x | 2 +-\n\n"
        b"diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n"
    )
    read = (old.body, old.subject_title, old.recipients, old.diff, old.description)
    new_raw = b"From: Jane <jane@example.org>\nSubject: [PATCH] new\nMessage-ID: <1@x>\n\nNew.\n"
    fresh = parse_message(new_raw)
    copy = old.model_copy(update={"raw": new_raw, "subject": fresh.subject})
    assert (copy.body, copy.subject_title, copy.recipients, copy.diff, copy.description) == (
        fresh.body,
        fresh.subject_title,
        fresh.recipients,
        fresh.diff,
        fresh.description,
    )
    assert old.diff and len(old.recipients) == 1 and copy.body != read[0]
    assert (old.body, old.subject_title, old.recipients, old.diff, old.description) == read
    assert old.model_copy().body is old.body  # a copy without changes shares what was read


def test_a_copy_with_a_new_raw_decodes_that_raw() -> None:
    """A parsed reply keeps how its body is decoded (the header block's length and fields):
    a copy with another raw must not decode the new bytes by the old mail's form."""
    from kvmlist import parse_message

    old = parse_message(
        b"From: Jane <jane@example.org>\nSubject: Re: x\nMessage-ID: <1@x>\n"
        b"In-Reply-To: <0@x>\nContent-Transfer-Encoding: base64\n\naGVsbG8K\n"
    )
    new_raw = b"From: Jane <jane@example.org>\nSubject: Re: x\nMessage-ID: <1@x>\n\nplain\n"
    copy = old.model_copy(update={"raw": new_raw})
    assert (old.body, copy.body) == ("hello\n", "plain\n")


UTC = timezone.utc


@pytest.mark.parametrize(
    ("given", "held"),
    [
        (datetime(2025, 1, 1, 10), datetime(2025, 1, 1, 10, tzinfo=UTC)),  # naive: UTC
        (datetime(2025, 1, 1, 10, tzinfo=timezone(timedelta(hours=2))), datetime(2025, 1, 1, 8)),
        (datetime(2025, 1, 1, 10, tzinfo=UTC), datetime(2025, 1, 1, 10)),
    ],
    ids=["naive", "+02:00", "UTC"],
)
def test_a_model_holds_its_date_in_utc(given: datetime, held: datetime) -> None:
    for date in (Message(message_id="m", date=given).date, Patch(message_id="p", date=given).date):
        assert date is not None and date.utcoffset() == timedelta(0)
        assert date.replace(tzinfo=None) == held.replace(tzinfo=None)


def test_a_date_read_from_json_is_held_in_utc() -> None:
    message = Message.model_validate_json('{"message_id": "x", "date": "2025-01-01T10:00+02:00"}')
    assert message.date is not None and message.date.utcoffset() == timedelta(0)
    assert message.date.hour == 8


def test_a_series_of_naive_and_aware_dates_has_a_date_a_dump_and_a_report() -> None:
    patches = (
        Patch(message_id="a", date=datetime(2025, 1, 1, 10), index=1, total=2, kind="patch"),
        Patch(message_id="b", date=datetime(2025, 1, 1, 9, tzinfo=UTC), index=2, total=2),
    )
    series = Series(total=2, patches=patches)
    assert series.date == datetime(2025, 1, 1, 9, tzinfo=UTC)
    assert Series.model_validate_json(series.model_dump_json()) == series
    assert render_report(list(patches))


def test_persons_sort_by_name_then_address_whatever_the_case() -> None:
    from kvmlist import Person

    people = [
        Person(name="marc Zyngier", email="maz@kernel.org"),
        Person(email="zz@x.org"),
        Person(name="Marc Zyngier", email="MAZ@kernel.org"),
        Person(name="Anup Patel", email="anup@brainfault.org"),
    ]
    assert [str(p) for p in sorted(people)] == [
        "zz@x.org",  # no name: first
        "Anup Patel <anup@brainfault.org>",
        "Marc Zyngier <MAZ@kernel.org>",  # equal but for case: as written, upper first
        "marc Zyngier <maz@kernel.org>",
    ]
    assert people[0] < people[1] or people[1] < people[0]
    assert not people[0] < people[0] and people[0] <= people[0]
    assert len(set(people)) == 4  # still hashable, equality unchanged


def test_counts_arithmetic_keeps_the_table_view() -> None:
    import kvmlist
    from kvmlist.analysis.aggregate import Counts

    week1: Counts[str] = Counts({"arm.com": 3, "intel.com": 1})
    week2: Counts[str] = Counts({"arm.com": 1, "google.com": 2})
    for result, expected in (
        (week1 + week2, {"arm.com": 4, "intel.com": 1, "google.com": 2}),
        (week1 - week2, {"arm.com": 2, "intel.com": 1}),
        (week1 | week2, {"arm.com": 3, "intel.com": 1, "google.com": 2}),
        (week1 & week2, {"arm.com": 1}),
    ):
        assert type(result) is Counts and dict(result) == expected
        assert "<table" in result._repr_html_()
    assert kvmlist.count_by_domain([]) + week1 == week1


def test_setting_a_field_says_how_to_change_a_copy() -> None:
    from pydantic import ValidationError

    patch = Patch(message_id="<1@x>", date=datetime(2025, 1, 1, 10))
    with pytest.raises(ValidationError) as raised:
        patch.title = "mm: Fix a leak"  # type: ignore[misc]
    assert "model_copy(update={'title': ...})" in "".join(raised.value.__notes__)
    assert patch.model_copy(update={"title": "mm: Fix a leak"}).title == "mm: Fix a leak"


def _pickled_by_the_previous_release(patch: Patch) -> bytes:
    """A Patch as 0.1.0 pickled it: its state without ``reviews_read`` (added since)."""
    import copyreg
    import pickle

    state = patch.__getstate__()
    fields = {k: v for k, v in state["__dict__"].items() if k != "reviews_read"}
    old = {**state, "__dict__": fields}

    class Old:
        def __reduce__(self) -> tuple[object, ...]:
            return (copyreg._reconstructor, (Patch, object, None), old)  # type: ignore[attr-defined]

    return pickle.dumps(Old())


def test_a_patch_pickled_before_reviews_read_loads_as_not_read() -> None:
    import pickle

    from kvmlist.outputs.export import to_dataframe

    from .conftest import mail

    patch = parse_message(mail())
    assert isinstance(patch, Patch)
    old = pickle.loads(_pickled_by_the_previous_release(patch))
    assert old.reviews_read is False  # replies never looked for, as before the field
    assert old == patch and hash(old) == hash(patch)
    assert old.model_dump() == patch.model_dump()
    assert list(old.model_dump()) == list(patch.model_dump())  # fields in their order
    if find_spec("pandas"):
        assert to_dataframe([old])["reviewed_by"].isna().all()  # not known, not 0
