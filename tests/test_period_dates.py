"""Periods (weeks, months) count no mail from a broken clock, and say how many they left out."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

import kvmlist
from kvmlist.analysis.aggregate import count_by, domain_of
from kvmlist.analysis.review_stats import review_summary

from .conftest import mail, mbox

EPOCH = "Thu, 1 Jan 1970 00:00:00 +0000"  # a clock at zero
FUTURE = "Mon, 3 Mar 2325 10:00:00 +0000"  # a clock set centuries ahead
BROKEN = pytest.mark.parametrize("broken", [EPOCH, FUTURE], ids=["1970", "2325"])


def patches(broken: str) -> list[bytes]:
    """Two patch mails of March 2026, and one posted from a broken clock."""
    return [
        mail("[PATCH] KVM: x86: Fix a thing", message_id="<a@example.org>"),
        mail(
            "[PATCH] KVM: arm64: Trap a register",
            sender="Ann Lee <ann@arm.com>",
            message_id="<b@arm.com>",
            date="Wed, 4 Mar 2026 09:00:00 +0000",
        ),
        mail("[PATCH] KVM: s390: Odd clock", message_id="<c@example.org>", date=broken),
    ]


def messages(*raw: bytes) -> list[kvmlist.Message]:
    import io

    return list(kvmlist.read_mbox(io.BytesIO(mbox(*raw))))


@BROKEN
def test_count_by_period_counts_no_patch_mail_from_a_broken_clock(broken: str) -> None:
    weekly = count_by(messages(*patches(broken)), domain_of, freq="W")
    assert weekly == {("2026-03-02", "example.org"): 1, ("2026-03-02", "arm.com"): 1}


def misdated_series(broken: str) -> list[kvmlist.Message]:
    """A series of March 2026 whose cover letter came from a broken clock, and a patch of
    its own posted from that clock."""
    cover = mail("[PATCH 0/1] KVM: x86: Two parts", message_id="<s0@x>", date=broken)
    part = mail(
        "[PATCH 1/1] KVM: x86: Part one",
        message_id="<s1@x>",
        extra="In-Reply-To: <s0@x>\nReferences: <s0@x>\n",
    )
    alone = mail("[PATCH] KVM: x86: Posted from the broken clock", message_id="<z@x>", date=broken)
    return messages(cover, part, alone)


@BROKEN
def test_a_series_is_in_the_period_of_its_plausible_mails(broken: str) -> None:
    summary = review_summary(misdated_series(broken))
    assert [(p.period, p.series) for p in summary.per_period("W")] == [("2026-03-02", 1)]


@BROKEN
def test_a_series_is_dated_by_its_plausible_mails(broken: str) -> None:
    """Its date (series tables, DataFrames, stalled ages) skips a cover from a broken clock;
    a series with no plausible mail keeps the date its mails say."""
    two, lone = kvmlist.group_series(misdated_series(broken))
    assert two.date is not None and two.date.year == 2026
    assert lone.date is not None and lone.date.year in (1970, 2325)


@BROKEN
def test_a_reply_from_a_broken_clock_measures_no_wait(broken: str) -> None:
    posted = mail("[PATCH] KVM: x86: Fix a thing", message_id="<p@x>")
    odd = mail(
        "Re: [PATCH] KVM: x86: Fix a thing",
        "> Fix it.\n\nReviewed-by: Bob Roe <bob@example.com>\n",
        sender="Bob Roe <bob@example.com>",
        message_id="<r1@x>",
        date=broken,
        extra="In-Reply-To: <p@x>\n",
    )
    sane = mail(
        "Re: [PATCH] KVM: x86: Fix a thing",
        "> Fix it.\n\nLooks fine.\n",
        sender="Bob Roe <bob@example.com>",
        message_id="<r2@x>",
        date="Tue, 3 Mar 2026 12:00:00 +0000",
        extra="In-Reply-To: <p@x>\n",
    )
    (timing,) = review_summary(messages(posted, odd, sane)).timings
    assert timing.first_reply == timedelta(hours=2)
    assert timing.first_review is None


plot = pytest.importorskip("kvmlist.outputs.plot")


def bar_heights(figure: Any) -> dict[str, list[float]]:
    (axes,) = figure.axes
    return {c.get_label(): [p.get_height() for p in c.patches] for c in axes.containers}


@BROKEN
def test_the_chart_leaves_out_a_broken_clock_and_says_so(broken: str) -> None:
    figure = plot.patches_per_period(messages(*patches(broken)), by="domain")
    assert bar_heights(figure) == {"arm.com": [1], "example.org": [1]}
    assert [t.get_text() for t in figure.axes[0].get_xticklabels()] == ["2026-03-02"]
    note = figure.get_supxlabel()
    assert "1 patch mail with an implausible date" in note and "in no week" in note


def test_a_chart_over_decades_draws_the_periods_that_have_mail() -> None:
    old = mail(message_id="<old@x>", date="Mon, 6 Mar 1995 10:00:00 +0000")
    figure = plot.patches_per_period(messages(old, *patches(EPOCH)[:1]), by="domain", freq="D")
    assert bar_heights(figure) == {"example.org": [1, 1]}
    first, last = figure.axes[0].containers[0].patches  # on a date axis, 31 years apart
    assert last.get_x() - first.get_x() > 31 * 365


@BROKEN
def test_plot_command_says_on_stderr_how_many_mails_no_period_counts(
    tmp_path: Path, broken: str
) -> None:
    archive = tmp_path / "list.mbox"
    archive.write_bytes(mbox(*patches(broken)))
    done = subprocess.run(
        [sys.executable, "-m", "kvmlist", "plot", str(archive), "-o", str(tmp_path / "w.png")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stderr == (
        "kvmlist: 1 patch mail with an implausible date (before 1971, or over a day ahead of"
        " the clock) is in no week (`kvmlist check` lists its defect, implausible-date)\n"
    )


def test_review_command_says_how_many_mails_no_period_counts(tmp_path: Path) -> None:
    archive = tmp_path / "list.mbox"
    future = mail("[PATCH] KVM: x86: From 2325", message_id="<f@example.org>", date=FUTURE)
    archive.write_bytes(mbox(*patches(EPOCH), future))
    done = subprocess.run(
        [sys.executable, "-m", "kvmlist", "review", str(archive), "--freq", "M"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "2026-03" in done.stdout
    assert done.stderr == (
        "kvmlist: 2 mails with an implausible date (before 1971, or over a day ahead of"
        " the clock) are in no month and time no wait (`kvmlist check` lists their defect,"
        " implausible-date)\n"
    )


@BROKEN
def test_the_dashboard_has_no_week_for_a_broken_clock(tmp_path: Path, broken: str) -> None:
    from kvmlist.outputs.site.model import build_model

    raw = patches(broken)
    model = build_model(messages(*raw))
    assert list(model.weeks) == ["2026-03-02"]
    assert [row.week for row in model.rows] == ["2026-03-02", "2026-03-02", ""]
    archive = tmp_path / "list.mbox"
    archive.write_bytes(mbox(*raw))
    done = subprocess.run(
        [sys.executable, "-m", "kvmlist", "site", str(archive), "-o", str(tmp_path / "site")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stderr.startswith("kvmlist: 1 mail with an implausible date")
    assert "is in no week" in done.stderr
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "2325" not in index and "1969" not in index


def test_plot_command_counts_no_pull_requests_cover_letter_among_the_patch_mails_left_out(
    tmp_path: Path,
) -> None:
    from .test_pulls import REQUEST_BODY

    pull = mail("[PATCH net 0/1][pull request] Intel Wired LAN Driver Updates", REQUEST_BODY,
                message_id="<p@x>", date=FUTURE)  # fmt: skip
    archive = tmp_path / "list.mbox"
    archive.write_bytes(mbox(*patches(EPOCH)[:2], pull))
    done = subprocess.run(
        [sys.executable, "-m", "kvmlist", "plot", str(archive), "-o", str(tmp_path / "w.png")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stderr == ""  # a pull request is no patch mail: no week would count it
