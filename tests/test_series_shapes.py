"""Covers and patches that disagree on what they say still form one series
(fixtures/series-shapes.mbox; each mail names its case in X-Fixture-Case)."""

from __future__ import annotations

import pytest

import kvmlist
from kvmlist import Series

from .conftest import FIXTURES


@pytest.fixture(scope="module")
def series() -> dict[str, Series]:
    found = kvmlist.group_series(kvmlist.read_mbox(FIXTURES / "series-shapes.mbox"))
    return {s.author.name if s.author else "": s for s in found}


def test_five_works_make_five_series(series: dict[str, Series]) -> None:
    assert len(series) == 5 and all(s.cover is not None for s in series.values())


def test_a_cover_newer_than_its_patches_heads_them(series: dict[str, Series]) -> None:
    # "[PATCH v8 0/3]" over "[PATCH v7 i/3]": one series, no empty cover-only v8
    work = series["Lukas Brenner"]
    assert (work.version, [p.index for p in work.patches], work.missing) == (8, [1, 2, 3], ())
    assert all(p.version == 8 for p in work.patches)


def test_a_cover_that_forgot_its_version_takes_its_patches_version(
    series: dict[str, Series],
) -> None:
    # intel-wired-lan <20250811084406.211660-1-paul.greenwalt@intel.com>: "[PATCH 0/2]" over
    # "[PATCH iwl-next v6 i/2]"
    work = series["Oskar Lindqvist"]
    assert work.cover is not None and work.cover.subject.endswith("before the ETF work")
    assert (work.version, [p.index for p in work.patches], work.complete) == (6, [1, 2], True)
    assert all(p.version == 6 for p in work.patches)


def test_an_unnumbered_patch_under_a_cover_of_one_belongs_to_it(
    series: dict[str, Series],
) -> None:
    # "[RFC 0/1] x" and "[PATCH] x" answering it
    work = series["Aino Kettunen"]
    assert work.cover is not None and work.cover.subject.startswith("[RFC 0/1]")
    assert (work.total, len(work.patches), work.complete) == (1, 1, True)


def test_a_naked_cover_by_the_patches_sender_heads_them(series: dict[str, Series]) -> None:
    # "(no subject)": the sender forgot the cover's subject; the patches answer it
    work = series["Ravi Shankar"]
    assert work.cover is not None and work.cover.subject == "(no subject)"
    assert work.cover.is_cover and [p.index for p in work.patches] == [1, 2]


def test_a_naked_cover_must_be_the_patches_senders() -> None:
    raws = (FIXTURES / "series-shapes.mbox").read_bytes().split(b"From mboxrd@z")
    others = [
        raw.replace(
            b"From: Ravi Shankar <ravi.shankar@example.in>", b"From: Bug Reporter <bug@example.org>"
        )
        if b"X-Fixture-Case: naked-cover" in raw
        else raw
        for raw in raws
    ]
    messages = [kvmlist.parse_message(r.split(b"\n", 1)[1]) for r in others if r.strip()]
    work = next(s for s in kvmlist.group_series(messages) if s.title.startswith("ice:"))
    assert work.cover is None  # someone else's report the patches answer is no cover


def test_a_cover_that_undercounts_invents_no_missing_patch(series: dict[str, Series]) -> None:
    # "[PATCH 0/2]" over "[PATCH i/3]": a third patch was added at the last minute
    work = series["Mei Tanaka"]
    assert work.cover is not None and [p.index for p in work.patches] == [1, 2, 3]
    assert (work.total, work.missing, work.complete) == (3, (), True)


def test_a_cover_with_patches_of_its_own_version_keeps_only_those() -> None:
    # intel-wired-lan: "[RFC iwl-next v1 0/5]" with v1 1,2,3,5 and a "v10 4/5" typo; b4 too
    # keeps the typo apart
    from kvmlist import parse_message

    from .conftest import mail

    def post(subject: str, number: int, parent: str | None = "0@x") -> kvmlist.Message:
        extra = f"In-Reply-To: <{parent}>\nReferences: <{parent}>\n" if parent else ""
        return parse_message(mail(subject, message_id=f"<{number}@x>", extra=extra))

    mails = [post("[RFC v1 0/3] ice: GTP", 0, None)]
    mails += [post(f"[PATCH v1 {i}/3] ice: step {i}", i) for i in (1, 3)]
    mails += [post("[PATCH v10 2/3] ice: step 2", 2)]
    found = {s.version: s for s in kvmlist.group_series(mails)}
    assert [p.index for p in found[1].patches] == [1, 3] and found[1].cover is not None
    assert [p.index for p in found[10].patches] == [2] and found[10].cover is None


def _threaded(subject: str, number: int, body: str, parent: int | None = 0) -> kvmlist.Message:
    from kvmlist import parse_message

    from .conftest import mail

    extra = f"In-Reply-To: <{parent}@x>\nReferences: <{parent}@x>\n" if parent is not None else ""
    return parse_message(mail(subject, body, message_id=f"<{number}@x>", extra=extra))


DIFF = "Fix it.\n\nSigned-off-by: Jane Doe <jane@example.org>\n---\ndiff --git a/x b/x\n--- a/x\n"
DIFF += "+++ b/x\n@@ -1 +1 @@\n-a\n+b\n"


def test_a_patch_numbered_0_under_its_cover_is_the_patch_it_left_out() -> None:
    # intel-wired-lan: "[PATCH iwl-net v2 0/1]", and its patch sent in reply to it, with its
    # diff, also as "0/1": the one patch of the series, not a second cover letter
    mails = [_threaded("[PATCH iwl-net v2 0/1] ice: Fix rxfh", 0, "Hey all,\n", None)]
    mails += [_threaded("[PATCH iwl-net v2 0/1] ice: Fix rxfh", 1, DIFF)]
    [series] = kvmlist.group_series(mails)
    assert series.cover is not None and series.cover.message_id == "0@x"
    assert [(p.index, p.message_id, p.kind) for p in series.patches] == [(1, "1@x", "patch")]
    assert series.complete
    # of three, the one numbered 0 takes the number no other patch has
    mails = [_threaded("[PATCH v3 0/3] ice: steps", 0, "Three steps.\n", None)]
    mails += [_threaded("[PATCH v3 0/3] ice: step 2", 2, DIFF)]
    mails += [_threaded(f"[PATCH v3 {i}/3] ice: step {i}", i, DIFF) for i in (1, 3)]
    [series] = kvmlist.group_series(mails)
    assert [(p.index, p.message_id) for p in series.patches] == [(1, "1@x"), (2, "2@x"), (3, "3@x")]


def test_a_cover_with_an_interdiff_answering_the_last_version_stays_a_cover() -> None:
    interdiff = "Changes in v2: none.\n\nInterdiff against v1:\n" + DIFF.split("---\n", 1)[1]
    mails = [_threaded("[PATCH 0/1] ice: Fix rxfh", 0, "Hey all,\n", None)]
    mails += [_threaded("[PATCH 1/1] ice: Fix rxfh", 1, DIFF)]
    mails += [_threaded("[PATCH v2 0/1] ice: Fix rxfh", 2, interdiff)]
    mails += [_threaded("[PATCH v2 1/1] ice: Fix rxfh", 3, DIFF, 2)]
    found = kvmlist.group_series(mails)
    assert [(s.version, s.cover.message_id if s.cover else None) for s in found] == [
        (1, "0@x"),
        (2, "2@x"),
    ]
    # two patches numbered 0 under one cover: which number is whose is unknown; left as sent
    mails = [_threaded("[PATCH 0/2] ice: steps", 0, "Two steps.\n", None)]
    mails += [_threaded("[PATCH 0/2] ice: step", i, DIFF) for i in (1, 2)]
    assert all(not s.patches for s in kvmlist.group_series(mails))
