"""The public functions given a wrong argument: a TypeError (or a UsageError for a wrong
value) that names the argument and says what to pass, never an AttributeError from inside
nor a quietly wrong result; a stream of messages stays a stream."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

import kvmlist
from kvmlist.analysis.identities import Mailmap
from kvmlist.outputs.report import ReportRange

from .conftest import FIXTURES

SAMPLE = str(FIXTURES / "kvm-sample.mbox")
MESSAGES = list(kvmlist.read_mbox(SAMPLE))


@pytest.mark.parametrize(
    ("call", "says"),
    [
        (lambda: kvmlist.read_mbox(None), "source: expected a path"),
        (lambda: kvmlist.read_mbox(123), "source: expected a path"),
        (lambda: kvmlist.read_mbox(b"From x\n\n"), "io.BytesIO"),
        (lambda: kvmlist.read(None), "source: expected a path"),
        (lambda: kvmlist.read_maildir(None), "path: expected a path"),
        (lambda: kvmlist.read_inbox(None), "inbox: expected a path"),
        (lambda: kvmlist.read_inbox(FIXTURES, 123), "commit_range: expected a str"),
        (lambda: kvmlist.read_inbox(FIXTURES, since="2025-01-01"), "since: expected a datetime"),
        (lambda: kvmlist.parse_message(None), "raw: expected the mail's bytes"),
        (lambda: kvmlist.group_series(SAMPLE), "kvmlist.read(path)"),
        (lambda: kvmlist.group_series(Path(SAMPLE)), "kvmlist.read(path)"),
        (lambda: kvmlist.group_series(None), "messages: expected an iterable of Message"),
        (lambda: kvmlist.find_pull_requests("x"), "kvmlist.read(path)"),
        (lambda: kvmlist.count_by_domain(SAMPLE), "kvmlist.read(path)"),
        (lambda: kvmlist.count_by_author(["a", "b"]), "messages[0]: expected a Message"),
        (lambda: kvmlist.patch_mails("s"), "kvmlist.read(path)"),
        (lambda: list(kvmlist.find_acceptances(SAMPLE)), "kvmlist.read(path)"),
        (lambda: kvmlist.render_report(MESSAGES, range="a..b"), "range: expected a ReportRange"),
        (lambda: kvmlist.render_report(MESSAGES, top="5"), "top: expected an int"),
        (lambda: kvmlist.to_mbox(kvmlist.group_series(MESSAGES)), "series: expected a Series"),
        (lambda: kvmlist.count_by_author(MESSAGES, mailmap=SAMPLE), "Mailmap.from_file(path)"),
        (lambda: kvmlist.first_time_contributors(MESSAGES, "2025-01-01"), "since: expected"),
    ],
)
def test_a_wrong_type_is_a_type_error_naming_the_argument(
    call: Callable[[], Any], says: str
) -> None:
    with pytest.raises(TypeError, match=re.escape(says)):
        call()


@pytest.mark.parametrize("top", [0, -1])
def test_a_report_of_no_contributors_is_refused(top: int) -> None:
    with pytest.raises(kvmlist.UsageError, match="top: expected 1 or more"):
        kvmlist.render_report(MESSAGES, top=top)


def test_an_unknown_mbox_format_is_refused_not_read_as_mboxo() -> None:
    with pytest.raises(kvmlist.UsageError, match="format: expected one of mboxrd, mboxo"):
        kvmlist.read_mbox(SAMPLE, format="mboxz")  # type: ignore[arg-type]


def test_a_stream_of_messages_is_read_once_and_lazily() -> None:
    taken: list[int] = []

    def stream() -> Iterator[kvmlist.Message]:
        for number, message in enumerate(MESSAGES):
            taken.append(number)
            yield message

    acceptances = kvmlist.find_acceptances(stream())
    assert taken == []  # nothing read before the caller asks
    next(acceptances, None)
    assert len(taken) < len(MESSAGES)
    assert kvmlist.count_by_domain(stream()) == kvmlist.count_by_domain(MESSAGES)
    first = kvmlist.first_time_contributors(stream(), datetime(2000, 1, 1, tzinfo=timezone.utc))
    assert first == kvmlist.first_time_contributors(MESSAGES, datetime(2000, 1, 1))


def test_a_mailmap_read_from_a_file_is_taken(tmp_path: Path) -> None:
    path = tmp_path / "mailmap"
    path.write_text("Yuki T <yuki@t.example> <tanabe.yuki@fujitsu.com>\n")
    counts = kvmlist.count_by_author(MESSAGES, mailmap=Mailmap.from_file(path))
    assert any(person.email == "yuki@t.example" for person in counts)
    assert "Top" in kvmlist.render_report(MESSAGES, range=ReportRange("a", "b"), top=1)
