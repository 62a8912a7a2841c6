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
