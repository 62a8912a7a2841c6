"""Reviewer statistics and time to first reply, first review trailer and acceptance."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta

import kvmlist
from kvmlist.analysis.review_stats import review_summary

from .conftest import FIXTURES


def test_reviewers_ranked_by_trailers_given() -> None:
    result = review_summary(kvmlist.read_mbox(FIXTURES / "kvm-sample.mbox"))
    top = [(str(r.person), r.reviewed, r.acked, r.tested) for r in result.reviewers[:3]]
    assert top == [
        ("Andrea Conti <aconti@redhat.com>", 1, 0, 1),
        ("Priya Raghunathan <priyar@google.com>", 1, 0, 0),
        ("Catriona Fyfe <cfyfe@kernel.org>", 0, 1, 0),
    ]


def test_series_timings() -> None:
    result = review_summary(kvmlist.read_mbox(FIXTURES / "kvm-sample.mbox"))
    by_title = {(t.series.title, t.series.version): t for t in result.timings}
    v1 = by_title[("KVM: arm64: Ratelimit reports of unhandled sysreg accesses", 1)]
    # posted Mon 10:14:31, Priya's Reviewed-by on 2/3 came at 22:02:19
    assert v1.first_review == timedelta(hours=11, minutes=47, seconds=48)
    v2 = by_title[("KVM: arm64: Ratelimit reports of unhandled sysreg accesses", 2)]
    assert v2.accepted == timedelta(days=1, hours=23, minutes=9, seconds=49)
    fix = by_title[("KVM: x86: Deliver an expired hv timer before switching to the sw timer", 1)]
    assert fix.accepted is not None and fix.first_review is None
    assert result.median("accepted") is not None


def test_review_command_json() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "kvmlist",
            "review",
            str(FIXTURES / "kvm-sample.mbox"),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(done.stdout)
    assert data["reviewers"][0]["reviewer"] == "Andrea Conti <aconti@redhat.com>"
    # the fixture holds a pull request nobody answered: its line is there, without a time
    assert set(data["median_hours"]) == {
        "first_reply", "first_review", "accepted", "merge (pull requests)"
    }  # fmt: skip
    assert data["median_hours"]["merge (pull requests)"] is None
