"""A mail whose only text is HTML is read from the HTML's text, with the defect html-only."""

from __future__ import annotations

import pytest

from kvmlist import Patch, parse_message
from kvmlist.parse.html_text import html_text

from .conftest import mail
from .scaling import LINEAR_BOUND, growth

HTML = "MIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n"


def test_an_html_only_review_keeps_its_trailer_and_records_a_defect() -> None:
    body = (
        "<html><body><div>Looks good to me.</div><div><br></div>"
        "<div>Reviewed-by: Bob Smith &lt;bob@example.com&gt;</div></body></html>\n"
    )
    reply = parse_message(mail("Re: [PATCH] KVM: arm64: fix the thing", body, extra=HTML))
    assert reply.body == "Looks good to me.\n\nReviewed-by: Bob Smith <bob@example.com>"
    assert [d.kind for d in reply.body_defects] == ["html-only"]


def test_a_quoted_block_of_an_html_reply_is_quoted_text() -> None:
    body = (
        '<div dir="ltr">Thanks!<br><br>Acked-by: Ann Lee &lt;ann@example.com&gt;</div>'
        '<div class="gmail_quote"><blockquote class="gmail_quote">Fix it.<br><br>'
        "Signed-off-by: Jane Doe &lt;jane@example.org&gt;</blockquote></div>"
    )
    reply = parse_message(mail("Re: [PATCH] KVM: arm64: fix the thing", body, extra=HTML))
    assert reply.body.split("\n") == [
        "Thanks!",
        "",
        "Acked-by: Ann Lee <ann@example.com>",
        "",
        "> Fix it.",
        ">",
        "> Signed-off-by: Jane Doe <jane@example.org>",
    ]


def test_a_patch_in_a_pre_block_is_read_verbatim() -> None:
    body = (
        "<html><body><pre>Fix the thing.\n\nSigned-off-by: Jane Doe &lt;jane@example.org&gt;\n"
        "---\ndiff --git a/arch/arm64/kvm/foo.c b/arch/arm64/kvm/foo.c\n"
        "--- a/arch/arm64/kvm/foo.c\n+++ b/arch/arm64/kvm/foo.c\n"
        "@@ -1,3 +1,3 @@\n int a;\n-int b;\n+int c;\n if (a &amp;&amp; b &lt; 2)\n</pre>"
        "</body></html>\n"
    )
    patch = parse_message(mail("[PATCH] KVM: arm64: fix the thing", body, extra=HTML))
    assert isinstance(patch, Patch) and patch.commit_message.startswith("Fix the thing.")
    assert "html-only" in [d.kind for d in patch.defects]
    assert patch.diff.endswith(" int a;\n-int b;\n+int c;\n if (a && b < 2)\n")
    assert patch.diffstat is not None
    assert [(f.path, f.insertions, f.deletions) for f in patch.diffstat.files] == [
        ("arch/arm64/kvm/foo.c", 1, 1)
    ]


def test_a_plain_text_alternative_is_read_and_the_html_left_out() -> None:
    body = (
        "--b1\nContent-Type: text/plain\n\nLooks good.\n"
        "--b1\nContent-Type: text/html\n\n<p>Something else.</p>\n--b1--\n"
    )
    extra = 'MIME-Version: 1.0\nContent-Type: multipart/alternative; boundary="b1"\n'
    reply = parse_message(mail("Re: [PATCH] x", body, extra=extra))
    assert reply.body.strip() == "Looks good." and not reply.body_defects


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<p>one</p><p>two</p>", "one\n\ntwo"),
        ("a<br/>b<BR>c", "a\nb\nc"),
        ("<style>p {color: red}</style><p>x &amp; y&nbsp;&nbsp;z</p>", "x & y  z"),
        ("<!-- <p>hidden</p> --><p>shown</p>", "shown"),
        ("Reviewed-by: Bob <bob@example.com>", "Reviewed-by: Bob <bob@example.com>"),
        ("words\n  wrapped\tin   the source", "words wrapped in the source"),
    ],
)
def test_html_text_reads_what_a_browser_shows(markup: str, text: str) -> None:
    assert html_text(markup) == text


@pytest.mark.parametrize("unit", ["<a ", "<!--", "<", "&", "<pre>", "<blockquote>", "<style>"])
def test_html_text_is_linear_on_hostile_markup(unit: str) -> None:
    # the stdlib's html.parser takes minutes on 300 kB of "<a " (Python 3.11)
    assert growth(lambda n: html_text(unit * n), 20_000, repeat=2) < LINEAR_BOUND
