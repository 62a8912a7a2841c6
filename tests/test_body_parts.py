"""Body split, trailers and diffstats on realistic patch, cover-letter and reply bodies."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kvmlist import Person
from kvmlist.parse.body import has_diff, split_body
from kvmlist.parse.diffstat import diffstat_from_diff, parse_diffstat
from kvmlist.parse.trailers import parse_trailer_line, parse_trailers

from .seed_texts import SEED_PATCH


def test_signature_line_inside_a_hunk_is_diff_content() -> None:
    # the hunk adds a line reading "-- "; only the one after the hunk is the signature
    diff = split_body(SEED_PATCH).diff
    assert "\n+-- \n" in diff + "\n"
    assert diffstat_from_diff(diff).insertions == 2


def test_reply_using_dashes_as_separator_is_not_split() -> None:
    text = "Looks good to me.\n---\nUnrelated aside.\n"
    parts = split_body(text)
    assert parts.message == text.rstrip() and parts.basement == "" and not has_diff(text)


def test_in_body_from_later_in_the_text_is_not_a_header() -> None:
    parts = split_body("Some text.\n\nFrom: Someone <s@example.org>\n")
    assert parts.in_body_headers == ()


def test_words_starting_with_diff_do_not_start_a_diff() -> None:
    assert not has_diff("difficult to say\ndiffer here\n")
    assert not has_diff("> diff --git a/x b/x\n> --- a/x\n")


def test_plain_unified_diff_without_git_header_is_found() -> None:
    text = "Fix.\n---\n--- a/x.c\n+++ b/x.c\n@@ -1 +1 @@\n-a\n+b\n"
    assert split_body(text).diff.startswith("--- a/x.c")


def test_cover_letter_keeps_shortlog_and_diffstat_in_the_message() -> None:
    text = (
        "Hi all,\n\nThis adds a thing.\n\nJane Doe (2):\n  x: one\n  x: two\n\n"
        " a.c | 2 +-\n b.c | 1 +\n 2 files changed, 2 insertions(+), 1 deletion(-)\n\n-- \n2.50.1\n"
    )
    parts = split_body(text)
    assert parts.diff == ""
    assert parts.message.endswith("2 files changed, 2 insertions(+), 1 deletion(-)")
    stat = parse_diffstat(parts.diffstat)
    assert stat is not None and (stat.files_changed, stat.insertions, stat.deletions) == (2, 2, 1)


def test_trailer_continuations_are_joined() -> None:
    message = (
        "Fix it.\n\n"
        'Fixes: 0123456789ab ("KVM: x86: some older commit subject that is long enough to\n'
        '  wrap")\n'
        "Signed-off-by: A Very Long Name\n <long@example.org>\n"
        "Cc: stable@vger.kernel.org # 6.1+\n"
        "Link: https://lore.kernel.org/r/1@example.org\n"
    )
    trailers = parse_trailers(message)
    assert [t.key for t in trailers] == ["Fixes", "Signed-off-by", "Cc", "Link"]
    assert trailers[0].value.endswith('long enough to wrap")') and trailers[0].person is None
    assert trailers[1].person == Person(name="A Very Long Name", email="long@example.org")


def test_bracketed_notes_in_a_sign_off_chain_are_skipped() -> None:
    message = "Fix.\n\nSigned-off-by: A <a@x.org>\n[maz: reworded]\nSigned-off-by: M <m@x.org>\n"
    assert [t.value for t in parse_trailers(message)] == ["A <a@x.org>", "M <m@x.org>"]


@pytest.mark.parametrize(
    "message",
    [
        "Fix.\n\nNote: this is prose that happens to have a colon.\nAnd more prose here.\n",
        "Fix.\n\n> Reviewed-by: Quoted <q@x.org>\n",
        "Just one paragraph with no trailers.\n",
    ],
)
def test_paragraphs_that_are_not_trailer_blocks(message: str) -> None:
    assert parse_trailers(message) == ()


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Acked-by: Marc Zyngier <maz@kernel.org>", ("Acked-by", "Marc Zyngier <maz@kernel.org>")),
        ("Change-Id: I0123abcd", ("Change-Id", "I0123abcd")),
        ("email: jane@example.org", None),
        ("https://example.org/x", None),
        ("> Acked-by: x <x@y>", None),
    ],
)
def test_trailer_line_grammar(line: str, expected: tuple[str, str] | None) -> None:
    assert parse_trailer_line(line) == expected


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        (" 3 files changed, 9 insertions(+), 6 deletions(-)", (3, 9, 6)),
        (" 1 file changed, 1 insertion(+)", (1, 1, 0)),
        (" 1 file changed, 4 deletions(-)", (1, 0, 4)),
        (" 2 files changed, 1 insertion(+), 1 deletion(-)", (2, 1, 1)),
    ],
)
def test_diffstat_summary_forms(summary: str, expected: tuple[int, int, int]) -> None:
    stat = parse_diffstat(summary)
    assert stat is not None and (stat.files_changed, stat.insertions, stat.deletions) == expected


def test_diffstat_file_lines() -> None:
    stat = parse_diffstat(
        " .../selftests/kvm/arm64/idreg-idst.c  | 117 ++++++\n"
        " pixel.bmp                            | Bin 0 -> 142 bytes\n"
        " a/{x => y}/f.c                       |   2 +-\n"
        " 3 files changed, 118 insertions(+), 1 deletion(-)\n"
    )
    assert stat is not None
    assert [f.path for f in stat.files] == [
        ".../selftests/kvm/arm64/idreg-idst.c",
        "pixel.bmp",
        "a/{x => y}/f.c",
    ]
    assert stat.files[1].binary and stat.files[2].insertions == 1


def test_diffstat_computed_from_a_diff_with_rename_and_binary() -> None:
    diff = (
        "diff --git a/old.c b/new.c\nsimilarity index 90%\nrename from old.c\nrename to new.c\n"
        "--- a/old.c\n+++ b/new.c\n@@ -1,2 +1,2 @@\n-a\n+b\n c\n"
        "diff --git a/p.bmp b/p.bmp\nnew file mode 100644\nGIT binary patch\nliteral 3\nabc\n"
    )
    stat = diffstat_from_diff(diff)
    assert stat.computed
    assert [(f.path, f.insertions, f.deletions, f.binary) for f in stat.files] == [
        ("new.c", 1, 1, False),
        ("p.bmp", 0, 0, True),
    ]


@given(st.text())
def test_body_parsers_never_raise(text: str) -> None:
    parts = split_body(text)
    parse_trailers(parts.message)
    parse_diffstat(text)
    diffstat_from_diff(text)


@pytest.mark.parametrize(
    "text",
    [
        "a" * 1_000_000,
        "Signed-off-by: " + "<" * 1_000_000,
        " x | " + "+" * 1_000_000,
        " x" + " " * 1_000_000 + "| 1 +",
        "Fixes: (" + "(" * 1_000_000,
        "@@ -1 +1 @@\n" + "-" * 10**6,
    ],
)
def test_pathological_megabyte_lines(text: str) -> None:
    parts = split_body(text)
    parse_trailers(text)
    parse_diffstat(text)
    diffstat_from_diff(text)
    pieces = (parts.message, parts.diffstat, parts.diff.rstrip("\n"), parts.signature)
    assert all(piece in text for piece in pieces)  # the parts are cut from the text, not made up
