"""A patch mail with a note above a scissors line is read as ``git am --scissors`` (and b4)
read it: the commit message and the in-body headers start below the line."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kvmlist import Patch, parse_message
from kvmlist.parse.scissors import first_mark, is_scissors_line

from .conftest import mail
from .scaling import LINEAR_BOUND, growth

DIFF = (
    "---\n mm/kmsan/hooks.c | 2 ++\n 1 file changed, 2 insertions(+)\n\n"
    "diff --git a/mm/kmsan/hooks.c b/mm/kmsan/hooks.c\nindex 1..2 100644\n"
    "--- a/mm/kmsan/hooks.c\n+++ b/mm/kmsan/hooks.c\n@@ -1,2 +1,4 @@\n a\n+b\n+c\n d\n"
)
NOTE = (
    "I'm not sure if this check was left out for some reason, maybe have a\n"
    "look? But it does fix kmsan when run from ktest.\n\n"
)
MESSAGE = (
    "Without this reports via virtio console recurse, and nothing useful is\nreported.\n\n"
    "Cc: Marco Elver <elver@google.com>\nSigned-off-by: Jane Doe <jane@example.org>\n"
)


def patch(body: str) -> Patch:
    parsed = parse_message(mail("[PATCH] kmsan: disable recursion in kmsan_handle_dma()", body))
    assert isinstance(parsed, Patch)
    return parsed


@pytest.mark.parametrize(
    "line", ["-- >8 --", "---8<---", "-----8<----- cut here -----8<-----", "  -- %< --  "]
)
def test_the_commit_message_starts_below_a_scissors_line(line: str) -> None:
    read = patch(f"{NOTE}{line}\n\n{MESSAGE}{DIFF}")
    assert read.commit_message == MESSAGE.rstrip()
    assert [t.key for t in read.trailers] == ["Cc", "Signed-off-by"]


def test_in_body_headers_below_the_scissors_name_the_author_and_title() -> None:
    body = (
        "Hi Jane,\n\nOn Mon, Bob wrote:\n> something\n\nHow about this instead?\n\n"
        "-- >8 --\nFrom: Bob Smith <bob@example.com>\n"
        "Subject: kmsan: fix the thing differently\n\n" + MESSAGE + DIFF
    )
    read = patch(body)
    assert read.author is not None and read.author.email == "bob@example.com"
    assert read.title == "kmsan: fix the thing differently"
    assert read.commit_message == MESSAGE.rstrip()


@pytest.mark.parametrize(
    "where",
    [
        # below the --- separator: a note for the reviewers, no part of the commit message
        f"{MESSAGE}---\nv2: -- >8 -- lines are fine here\n-- >8 --\n" + DIFF[4:],
        # inside the diff: a removed or added line that looks like scissors
        MESSAGE + DIFF.replace(" a\n+b\n", "--- >8 --- a\n+-- >8 --\n"),
    ],
    ids=["below-separator", "in-diff"],
)
def test_a_scissors_line_below_the_message_is_not_taken(where: str) -> None:
    assert patch(where).commit_message == MESSAGE.rstrip()


def test_a_diff_right_below_the_scissors_keeps_the_note_as_its_message() -> None:
    # "I temporarily patched it with the following diff:", then ---8<--- and the diff: git
    # would keep no commit message at all
    body = f"{NOTE}I patched it with the following diff:\n\n---8<---\n" + DIFF[DIFF.index("diff") :]
    assert patch(body).commit_message.startswith("I'm not sure")


def test_a_cover_letter_keeps_its_text_above_a_scissors_line() -> None:
    cover = parse_message(mail("[PATCH 0/2] kmsan: fixes", f"{NOTE}-- >8 --\n\n{MESSAGE}"))
    assert isinstance(cover, Patch)
    assert cover.commit_message.startswith("I'm not sure")


@pytest.mark.parametrize(
    ("line", "scissors"),
    [
        ("-- >8 --", True),
        ("> -- >8 --", True),  # quoted, git cuts there too
        ("- - - - 8< - - - -", True),
        ("--8<--", False),  # git wants a mark at least 8 wide
        ("if (x >8 && y) return", False),
        ("-------- ab", False),  # perforation without scissors
        ("foo bar baz -- >8", True),  # "cut here" and the like may stand beside it
        ("foo bar baz quux -- >8", False),  # mostly prose
        (">> ---8<", False),  # 7 wide as git measures it: a mark at the end counts one
    ],
)
def test_a_scissors_line_is_mainly_scissors_and_perforation(line: str, scissors: bool) -> None:
    assert is_scissors_line(line) is scissors


@given(
    st.text(alphabet="8%<>- a\n", max_size=16),
    st.integers(min_value=0, max_value=16),
    st.one_of(st.none(), st.integers(min_value=0, max_value=16)),
)
def test_first_mark_finds_the_first_of_the_four_marks_in_the_range(
    text: str, lo: int, hi: int | None
) -> None:
    lo = min(lo, len(text))
    hi = None if hi is None else max(lo, min(hi, len(text)))
    found = re.compile(">8|8<|>%|%<").search(text, lo, len(text) if hi is None else hi)
    assert first_mark(text, lo, hi) == (found.start() if found else -1)


def test_a_note_full_of_marks_and_percent_signs_is_read_in_linear_time() -> None:
    # each line holds a mark (">8") and no line is a scissors line: every look for the next
    # mark went over all the "%" below it (a 100 KB mail took 47 s)
    def work(n: int) -> object:
        return patch("x>8 %%%%%%%%%%%%%%%%\n" * n + "\n" + MESSAGE + DIFF)

    assert growth(work, 250) < LINEAR_BOUND
