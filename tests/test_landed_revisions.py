"""Revisions patch by patch: fixtures/landed-revisions.mbox, a v1 -> v2 with each fate once."""

from __future__ import annotations

from pathlib import Path

import pytest

from kvmlist.grouping.landed.fingerprint import diff_hash, fingerprints
from kvmlist.grouping.landed.revdiff import RevisionDiff, compare_history
from kvmlist.grouping.revisions import link_revisions
from kvmlist.grouping.series import group_series
from kvmlist.sources.reader import read_mbox

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "landed-revisions.mbox"
FRANK = "frank@kernel.example.org"


@pytest.fixture(scope="module")
def change() -> RevisionDiff:
    histories = link_revisions(group_series(read_mbox(FIXTURE)))
    assert [len(h.revisions) for h in histories] == [2]
    (only,) = compare_history(histories[0])
    return only


def test_each_patch_of_v2_is_unchanged_reworked_or_new_and_v1_leftovers_dropped(
    change: RevisionDiff,
) -> None:
    assert [(c.change, c.title) for c in change.changes] == [
        ("unchanged", "lib/alloc: Add alloc_pages()"),
        ("reworked", "arm: pl031: Test the match register"),
        ("new", "arm: pl031: Keep the RTC test out of the defaults"),
        ("dropped", "README: Document the RTC test"),
    ]


def test_a_rebased_patch_keeps_its_fingerprint() -> None:
    prints = fingerprints(read_mbox(FIXTURE))
    v1 = prints["20260202100000.9100-1-erin@suse.example.com"]
    v2 = prints["20260216100000.9200-1-erin@suse.example.com"]
    assert v1 == v2 and v1.patch_id and v1.diff_hash  # hunk lines moved by two


def test_the_diff_hash_ignores_context_and_whitespace() -> None:
    one = "diff --git a/x.c b/x.c\n@@ -1,3 +1,4 @@\n a\n+\tint  b;\n c\n"
    moved = "diff --git a/x.c b/x.c\n@@ -9,3 +9,4 @@\n z\n+ int b;\n y\n"
    assert diff_hash(one) == diff_hash(moved) != diff_hash(one.replace("b;", "c;"))


def test_the_interdiff_of_a_reworked_patch_shows_what_changed(change: RevisionDiff) -> None:
    (reworked,) = change.of("reworked")
    text = reworked.interdiff()
    assert text.startswith("--- v1/2\n+++ v2/2\n")
    assert '-+\treport(!check_match(), "match");' in text
    assert '++\treport(!check_match(), "match register");' in text
    assert "index " not in text


def test_a_review_given_to_v1_carries_to_its_unchanged_successor_marked_as_carried(
    change: RevisionDiff,
) -> None:
    (unchanged,) = change.of("unchanged")
    assert [(t.key, t.person.email if t.person else "") for t in unchanged.carried] == [
        ("Reviewed-by", FRANK)  # Gina's is in v2's own trailers already: not carried twice
    ]
    assert unchanged.carried[0].given_in == "aZ3f1k@frank.example"  # the reply to v1


def test_a_review_of_a_reworked_patch_does_not_carry(change: RevisionDiff) -> None:
    (reworked,) = change.of("reworked")
    assert reworked.old is not None and reworked.old.review_trailers  # Frank's Acked-by on v1
    assert reworked.carried == ()
