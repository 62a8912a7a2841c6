"""Jupyter display: one-line reprs, HTML tables with missing parts marked and text escaped."""

from __future__ import annotations

from collections import Counter

import kvmlist

from .conftest import FIXTURES, mail


def test_series_html_marks_missing_parts_and_escapes() -> None:
    series = kvmlist.group_series(kvmlist.read_mbox(FIXTURES / "kvm-sample.mbox"))
    partial = next(s for s in series if not s.complete)
    html = partial._repr_html_()
    assert "missing 3" in html and "(missing)" in html
    assert html.count("<tr") == 1 + partial.total  # the header row, then one per index
    assert "\n" not in repr(partial) and repr(partial).startswith("<Series v3 3/4")


def test_patch_html_lists_trailers_and_escapes_angle_brackets() -> None:
    patch = kvmlist.group_series(kvmlist.read_mbox(FIXTURES / "kvm-sample.mbox"))[0].patches[1]
    html = patch._repr_html_()
    assert "Reviewed-by" in html
    assert "&lt;priyar@google.com&gt;" in html and "<priyar@" not in html
    assert repr(patch).startswith("<Patch v1 2/3 ")


def test_counts_show_as_a_ranked_table_with_shares_and_the_rest() -> None:
    mails = list(kvmlist.read_mbox(FIXTURES / "kvm-sample.mbox"))
    counts = kvmlist.count_by_domain(mails)
    assert isinstance(counts, kvmlist.Counts) and counts == Counter(dict(counts))
    html = counts._repr_html_()
    assert f"<b>{counts.total()} patch mails, {len(counts)} keys</b>" in html
    top, top_count = counts.most_common(1)[0]
    share = f"{100 * top_count / counts.total():.1f}%"
    assert f"<td style='text-align:right'>1</td><td>{top}</td>" in html and share in html
    assert "more" not in html  # nine domains fit
    many = kvmlist.Counts({f"d{i}.example": 1 for i in range(25)})
    assert many._repr_html_().count("<tr>") == 1 + 21 and "… and 5 more" in many._repr_html_()
    authors = kvmlist.count_by_author(mails)
    assert "&lt;" in authors._repr_html_()  # Person renders "Name <address>", escaped


def test_a_sender_cannot_reorder_or_hide_text_in_a_notebook() -> None:
    # a right-to-left override in a name, an escape sequence in a title
    raw = mail(
        "[PATCH] =?utf-8?q?KVM=3A_x86=3A_fix_=1B[2J_it?=",
        sender="=?utf-8?q?Eve_=E2=80=AEmoc.elgoog?= <eve@evil.example>",
    )
    [series] = kvmlist.group_series([kvmlist.parse_message(raw)])
    html = series._repr_html_() + series.patches[0]._repr_html_()
    assert "\u202e" not in html and "\x1b" not in html
    assert "Eve \\u202emoc.elgoog" in html and "fix \\x1b[2J it" in html


def _forged(reviewers: int) -> kvmlist.Series:
    """A one-patch series, and Mallory's reply giving it ``reviewers`` others' tags and her
    own."""
    patch = mail("[PATCH] kvm: work", message_id="<p@x>")
    tags = "".join(f"Reviewed-by: Person {i} <p{i}@kernel.org>\n" for i in range(reviewers))
    reply = mail(
        "Re: [PATCH] kvm: work",
        "Looks good.\n\n" + tags + "Acked-by: Mallory <mallory@evil.org>\n",
        sender="Mallory <mallory@evil.org>",
        message_id="<r@x>",
        date="Wed, 4 Mar 2026 10:00:00 +0000",
        extra="In-Reply-To: <p@x>\n",
    )
    [series] = kvmlist.group_series([kvmlist.parse_message(patch), kvmlist.parse_message(reply)])
    return series


def test_a_trailer_naming_somebody_else_than_its_sender_is_marked() -> None:
    series = _forged(1)
    patch_html = series.patches[0]._repr_html_()
    assert "Person 0 &lt;p0@kernel.org&gt; (not sent by them)" in patch_html
    assert "Mallory &lt;mallory@evil.org&gt; (not sent by them)" not in patch_html
    assert "Reviewed-by (not sent by them), Acked-by" in series._repr_html_()


def test_a_long_list_of_review_trailers_is_cut_short() -> None:
    series = _forged(90)  # a reply gives at most MAX_REPLY_TRAILERS (100)
    patch_html = series.patches[0]._repr_html_()
    assert patch_html.count("Reviewed-by") == 20 and "… and 71 more" in patch_html
    series_html = series._repr_html_()
    assert series_html.count("Reviewed-by") == 5 and "… and 86 more" in series_html
