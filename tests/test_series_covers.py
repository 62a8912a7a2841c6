"""Which patches a cover letter heads: those that answer it, whatever else is near."""

from __future__ import annotations

import kvmlist
from kvmlist import Message, parse_message

from .conftest import mail

DIFF = (
    "Fix it.\n\nSigned-off-by: Jane Doe <jane@example.org>\n---\n"
    " a.c | 1 +\n 1 file changed, 1 insertion(+)\n\n"
    "diff --git a/a.c b/a.c\n--- a/a.c\n+++ b/a.c\n@@ -1 +1,2 @@\n x\n+y\n"
)
COVER = "Two fixes.\n\nJane Doe (3):\n  one\n\n a.c | 3 +++\n 1 file changed, 3 insertions(+)\n"


def post(
    subject: str,
    msgid: str,
    reply_to: str | None = None,
    *,
    minute: int = 0,
    body: str | None = None,
    sender: str = "Jane Doe <jane@example.org>",
) -> Message:
    extra = f"In-Reply-To: <{reply_to}>\nReferences: <{reply_to}>\n" if reply_to else ""
    date = f"Tue, 3 Mar 2026 10:{minute:02d}:00 +0000"
    text = body if body is not None else (COVER if " 0/" in subject else DIFF)
    return parse_message(
        mail(subject, text, sender=sender, message_id=f"<{msgid}>", date=date, extra=extra)
    )


def posting(title: str, prefix: str, minute: int, *, cover: bool) -> list[Message]:
    """A threaded git send-email run of three patches, with or without a cover letter."""
    top = f"{title}-0" if cover else f"{title}-1"
    mails = [post(f"[{prefix} 0/3] {title}: series", top, minute=minute)] if cover else []
    for i in range(1, 4):
        parent = None if top == f"{title}-{i}" else top
        mails.append(
            post(f"[{prefix} {i}/3] {title}: step {i}", f"{title}-{i}", parent, minute=minute)
        )
    return mails


def titles(found: list[kvmlist.Series]) -> list[tuple[str | None, list[str]]]:
    return [(s.cover.subject if s.cover else None, [p.title for p in s.patches]) for s in found]


def test_a_cover_heads_its_own_patches_not_a_coverless_posting_just_before() -> None:
    # threaded, alpha without a cover letter, beta with one ten minutes later
    mails = posting("alpha", "PATCH v2", 0, cover=False) + posting(
        "beta", "PATCH v2", 10, cover=True
    )
    assert titles(kvmlist.group_series(mails)) == [
        (None, ["alpha: step 1", "alpha: step 2", "alpha: step 3"]),
        ("[PATCH v2 0/3] beta: series", ["beta: step 1", "beta: step 2", "beta: step 3"]),
    ]


def test_a_cover_delivered_late_heads_its_own_patches_and_their_reviews() -> None:
    # alpha's cover letter reaches the archive after beta's whole posting
    alpha = posting("alpha", "PATCH v2", 0, cover=True)
    mails = alpha[1:] + posting("beta", "PATCH v2", 5, cover=True) + alpha[:1]
    review = "> Two fixes.\n\nReviewed-by: Rita Reviewer <rita@example.org>\n"
    mails.append(post("Re: [PATCH v2 0/3] alpha: series", "r", "alpha-0", minute=30, body=review))
    found = kvmlist.group_series(mails)
    assert titles(found) == [
        ("[PATCH v2 0/3] alpha: series", ["alpha: step 1", "alpha: step 2", "alpha: step 3"]),
        ("[PATCH v2 0/3] beta: series", ["beta: step 1", "beta: step 2", "beta: step 3"]),
    ]
    reviewed = [[len(p.review_trailers) for p in s.patches] for s in found]
    assert reviewed == [[1, 1, 1], [0, 0, 0]]


def test_an_unthreaded_cover_still_heads_the_unthreaded_patches_before_it() -> None:
    mails = [post(f"[PATCH v2 {i}/2] step {i}", f"p{i}") for i in (1, 2)]
    mails.append(post("[PATCH v2 0/2] series", "c", minute=1))
    assert titles(kvmlist.group_series(mails)) == [("[PATCH v2 0/2] series", ["step 1", "step 2"])]


def test_a_patch_that_mistypes_its_total_fills_its_slot_under_the_cover() -> None:
    # "[PATCH v2 3/4]" answering "[PATCH v2 0/3]", whose 1/3 and 2/3 say 3 too
    mails = [post("[PATCH v2 0/3] foo: series", "c")]
    mails += [post(f"[PATCH v2 {i}/3] foo: step {i}", f"p{i}", "c") for i in (1, 2)]
    mails += [post("[PATCH v2 3/4] foo: step 3", "p3", "c")]
    [series] = kvmlist.group_series(mails)
    assert series.complete and (series.total, series.missing) == (3, ())
    assert series.patches[2].subject == "[PATCH v2 3/4] foo: step 3"  # kept as sent


def test_a_strangers_patch_of_another_total_under_a_cover_stays_apart() -> None:
    mails = [post("[PATCH v2 0/3] foo: series", "c")]
    mails += [post(f"[PATCH v2 {i}/3] foo: step {i}", f"p{i}", "c") for i in (1, 2)]
    mails += [post("[PATCH v2 3/4] foo: other", "x3", "c", sender="Mal Lory <mal@example.net>")]
    found = kvmlist.group_series(mails)
    assert [(s.total, [p.index for p in s.patches]) for s in found] == [(3, [1, 2]), (4, [3])]


def test_a_threaded_cover_letter_without_0_of_n_heads_its_patches() -> None:
    # "[PATCH v2] foo: series": a cover letter (a diffstat, no diff) its numbered patches answer
    mails = [post("[PATCH v2] foo: series", "c", body=COVER)]
    mails += [post(f"[PATCH v2 {i}/3] foo: step {i}", f"p{i}", "c") for i in (1, 2, 3)]
    [series] = kvmlist.group_series(mails)
    assert series.cover is not None and series.cover.subject == "[PATCH v2] foo: series"
    assert series.complete and [p.index for p in series.patches] == [1, 2, 3]


def test_a_patch_answered_by_a_numbered_fix_on_top_stays_a_patch() -> None:
    # a reviewer's "[PATCH 1/2]" in reply to a patch that carries its diff: no cover letter
    mails = [post("[PATCH] foo: fix", "f")]
    mails += [post(f"[PATCH {i}/2] foo: more", f"p{i}", "f") for i in (1, 2)]
    found = kvmlist.group_series(mails)
    assert [(s.cover is None, len(s.patches)) for s in found] == [(True, 1), (True, 2)]


def _unedited_posting() -> list[Message]:
    """git format-patch --cover-letter's template sent as is, and its two patches."""
    blurb = "*** BLURB HERE ***\n\nJane Doe (2):\n  KVM: arm64: one\n  KVM: arm64: two\n"
    mails = [post("[PATCH 0/2] *** SUBJECT HERE ***", "t-0", body=blurb)]
    mails += [post(f"[PATCH {i}/2] KVM: arm64: fix {i}", f"t-{i}", "t-0") for i in (1, 2)]
    return mails


def test_an_unedited_cover_letter_says_so_and_keeps_its_subject() -> None:
    cover = _unedited_posting()[0]
    assert isinstance(cover, kvmlist.Patch) and cover.is_cover
    assert [d.kind for d in cover.defects] == ["unedited-cover"]
    assert cover.title == "*** SUBJECT HERE ***"  # as sent
    strictly = parse_message(cover.raw, strict=True)  # informational: it raises nothing
    assert strictly.defects == cover.defects


def test_a_series_under_an_unedited_cover_takes_its_first_patchs_title() -> None:
    [series] = kvmlist.group_series(_unedited_posting())
    assert series.cover is not None and series.cover.message_id == "t-0"
    assert series.title == "KVM: arm64: fix 1"


def test_a_cover_with_a_stray_blurb_marker_is_no_unedited_cover() -> None:
    # kvmarm has three: the author wrote the blurb above git's marker and left it
    body = "Rework the vectors.\n\n*** BLURB HERE ***\n\n" + COVER
    cover = post("[PATCH v4 0/3] KVM: arm64: Host/hyp separation", "s-0", body=body)
    assert cover.defects == ()


def _unnumbered_posting(cover_body: str = COVER) -> list[Message]:
    """git format-patch --no-numbered --cover-letter, sent threaded: every subject "[PATCH]"."""
    mails = [post("[PATCH] foo: rework", "c", body=cover_body)]
    return mails + [post(f"[PATCH] foo: step {i}", f"p{i}", "c") for i in (1, 2, 3)]


def test_an_unnumbered_cover_heads_the_unnumbered_patches_of_its_sender() -> None:
    [series] = kvmlist.group_series(_unnumbered_posting())
    assert series.cover is not None and series.cover.subject == "[PATCH] foo: rework"
    assert [(p.index, p.title) for p in series.patches] == [
        (1, "foo: step 1"),
        (2, "foo: step 2"),
        (3, "foo: step 3"),
    ]
    assert series.complete and series.total == 3


def test_unnumbered_patches_answering_a_mail_stay_apart_unless_it_is_their_cover() -> None:
    # a root with a diff (fixes on top), a stranger's root, or patches sent hours later
    with_diff = _unnumbered_posting(cover_body=DIFF)
    strangers = [post("[PATCH] foo: rework", "c", body=COVER, sender="Bo Li <bo@example.com>")]
    strangers += _unnumbered_posting()[1:]
    later = _unnumbered_posting()[:1]
    later += [post(f"[PATCH] foo: step {i}", f"p{i}", "c", minute=30 + i) for i in (1, 2)]
    for mails in (with_diff, strangers, later):
        found = kvmlist.group_series(mails)
        assert all(s.cover is None and len(s.patches) == 1 for s in found)
