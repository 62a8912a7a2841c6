"""parse_trailers / parse_trailer_line: the Key: value block that ends a commit message."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kvmlist import Person
from kvmlist.parse.body import split_body
from kvmlist.parse.trailers import parse_trailer_line, parse_trailers

from .seed_texts import SEED_PATCH


def keys_and_values(message: str) -> list[tuple[str, str]]:
    return [(t.key, t.value) for t in parse_trailers(message)]


def test_trailers_of_a_seed_patch_with_people() -> None:
    trailers = parse_trailers(split_body(SEED_PATCH).message)
    assert [t.key for t in trailers] == [
        "Signed-off-by",
        "Signed-off-by",
        "Acked-by",
        "Reviewed-by",
    ]
    assert trailers[0].person == Person(name="Alexandru Elisei", email="alexandru.elisei@arm.com")
    assert trailers[3].person == Person(name="Eric Auger", email="eric.auger@redhat.com")


def test_only_the_last_paragraph_holds_trailers() -> None:
    message = (
        "Reported-by: in prose, as a first paragraph\n\nFix it.\n\n"
        "Signed-off-by: Marc Zyngier <maz@kernel.org>\n"
    )
    assert keys_and_values(message) == [("Signed-off-by", "Marc Zyngier <maz@kernel.org>")]


def test_a_line_of_spaces_ends_a_paragraph() -> None:
    message = "Fix it.\nCc: not-a-trailer-block@example.org\n  \nAcked-by: A <a@example.org>\n"
    assert keys_and_values(message) == [("Acked-by", "A <a@example.org>")]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Acked-by: Marc Zyngier <maz@kernel.org>", ("Acked-by", "Marc Zyngier <maz@kernel.org>")),
        (
            "Co-developed-by: Jane Doe <jane@example.org>",
            ("Co-developed-by", "Jane Doe <jane@example.org>"),
        ),
        ("Change-Id: I0123abcd", ("Change-Id", "I0123abcd")),
        (
            'Fixes: 6d674e28 ("KVM: arm/arm64: Fix")  ',
            ("Fixes", '6d674e28 ("KVM: arm/arm64: Fix")'),
        ),
        (
            "Message-ID: <20251204094806.3846619-1-maz@kernel.org>",
            ("Message-ID", "<20251204094806.3846619-1-maz@kernel.org>"),
        ),
        ("2nd-Reviewer: x", ("2nd-Reviewer", "x")),
        ("  Tested-by: Indented <t@example.org>", ("Tested-by", "Indented <t@example.org>")),
        ("email: jane@example.org", None),
        ("Phone: +1 555 0100", None),
        ("E-Mail: jane@example.org", None),
        ("https://lore.kernel.org/r/x@y", None),
        ("http: //example.org", None),
        ("> Acked-by: Quoted <q@example.org>", None),
        ("Signed-off-by:", None),
        ("Signed-off-by:    ", None),
        ("Signed off by: Jane", None),
        ("-by: Jane", None),
        # git reads blanks around the colon freely; we do so for a known key or an Xxx-by one
        ("Reviewed-by:Jane <jane@example.org>", ("Reviewed-by", "Jane <jane@example.org>")),
        ("Reviewed-by : Jane <jane@example.org>", ("Reviewed-by", "Jane <jane@example.org>")),
        ("Closes:https://bugzilla.example.org/1", ("Closes", "https://bugzilla.example.org/1")),
        ('Fixes:0123456789ab ("x: y")', ("Fixes", '0123456789ab ("x: y")')),
        ("Cc:: Andrew <a@example.org>", ("Cc", ": Andrew <a@example.org>")),  # as git reads it
        ("Note:something", None),  # prose (git would take any key)
        ("Note : something", None),
        ("http://x", None),
        ("Link :", None),
    ],
)
def test_trailer_line_grammar(line: str, expected: tuple[str, str] | None) -> None:
    assert parse_trailer_line(line) == expected


@pytest.mark.parametrize(
    "message",
    [
        "Fix.\n\nNote: this is prose that happens to start like a trailer\nand goes on here.\n",
        "Fix.\n\n> Reviewed-by: Quoted <q@example.org>\n> Acked-by: Quoted <q@example.org>\n",
        "Fix.\n\nSome text.\nNote: more text.\nAnd more.\n",
        "Just one paragraph with no trailers.\n",
        "",
    ],
)
def test_paragraphs_that_are_not_trailer_blocks(message: str) -> None:
    assert parse_trailers(message) == ()


def test_a_trailer_block_with_the_blanks_git_accepts_around_the_colon() -> None:
    message = (
        "Fix the thing.\n\nReported-by: A <a@example.org>\nCloses:https://bugs.example.org/1\n"
        'Reviewed-by : Suzuki <suzuki@example.org>\nFixes:0123456789ab ("x: y")\n'
        "Signed-off-by: Jane Doe <jane@example.org>\n"
    )
    assert keys_and_values(message) == [
        ("Reported-by", "A <a@example.org>"),
        ("Closes", "https://bugs.example.org/1"),
        ("Reviewed-by", "Suzuki <suzuki@example.org>"),
        ("Fixes", '0123456789ab ("x: y")'),
        ("Signed-off-by", "Jane Doe <jane@example.org>"),
    ]
    assert parse_trailers(message)[2].person == Person(name="Suzuki", email="suzuki@example.org")


def test_paragraph_of_only_unknown_keys_is_a_trailer_block() -> None:
    message = "Fix.\n\nChange-Id: I0123456789abcdef\nTicket: KVM-42\n"
    assert keys_and_values(message) == [("Change-Id", "I0123456789abcdef"), ("Ticket", "KVM-42")]


def test_mixed_paragraph_with_a_known_key_and_a_quarter_trailers() -> None:
    prose = "This paragraph was\nwrapped oddly by\nthe mail client.\n"
    message = f"Fix.\n\n{prose}Signed-off-by: Jane Doe <jane@example.org>\n"
    assert [t.key for t in parse_trailers(message)] == ["Signed-off-by"]  # 1 of 4 lines


def test_mixed_paragraph_with_fewer_than_a_quarter_trailers() -> None:
    prose = "This paragraph was\nwrapped oddly by\nthe mail client\ninto four lines.\n"
    assert parse_trailers(f"Fix.\n\n{prose}Signed-off-by: Jane <jane@example.org>\n") == ()


def test_mixed_paragraph_without_a_known_key_is_not_a_block() -> None:
    assert parse_trailers("Fix.\n\nTicket: KVM-42\nsee the bug tracker\n") == ()


def test_bracketed_maintainer_notes_are_skipped() -> None:
    message = (
        "Fix.\n\nSigned-off-by: Jane Doe <jane@example.org>\n"
        "[maz: fixed commit message]\nSigned-off-by: Marc Zyngier <maz@kernel.org>\n"
    )
    assert [t.value for t in parse_trailers(message)] == [
        "Jane Doe <jane@example.org>",
        "Marc Zyngier <maz@kernel.org>",
    ]


def test_indented_line_continues_the_trailer_above() -> None:
    message = (
        "Fix.\n\nLink: https://lore.kernel.org/r/\n  20251204094806.3846619-1-maz@kernel.org\n"
    )
    assert keys_and_values(message) == [
        ("Link", "https://lore.kernel.org/r/ 20251204094806.3846619-1-maz@kernel.org")
    ]


def test_sign_off_wrapped_before_its_address_is_joined() -> None:
    message = "Fix.\n\nSigned-off-by: A Very Long Name Indeed\n<long.name@example.org>\n"
    (trailer,) = parse_trailers(message)
    assert trailer.value == "A Very Long Name Indeed <long.name@example.org>"
    assert trailer.person == Person(name="A Very Long Name Indeed", email="long.name@example.org")


@pytest.mark.parametrize(
    "fixes",
    [
        'Fixes: 6d674e28 ("KVM: arm/arm64: Properly handle faulting of device\nmappings")',
        'Fixes: 6d674e28 ("KVM: arm/arm64: Properly handle faulting of device\n  mappings")',
        'Fixes: 6d674e28 ("KVM: arm/arm64:\nProperly handle faulting of device mappings")',
    ],
)
def test_fixes_wrapped_inside_its_parentheses_is_joined(fixes: str) -> None:
    message = f"Fix.\n\n{fixes}\nSigned-off-by: Jane Doe <jane@example.org>\n"
    trailers = parse_trailers(message)
    assert [t.key for t in trailers] == ["Fixes", "Signed-off-by"]
    assert " ".join(trailers[0].value.split()) == (
        '6d674e28 ("KVM: arm/arm64: Properly handle faulting of device mappings")'
    )
    assert trailers[0].person is None


def test_unclosed_parenthesis_does_not_swallow_the_next_sign_off() -> None:
    message = 'Fix.\n\nFixes: 6d674e28 ("KVM: oops\nSigned-off-by: Jane Doe <jane@example.org>\n'
    assert [t.key for t in parse_trailers(message)] == ["Fixes", "Signed-off-by"]


JANE = Person(name="Jane Doe", email="jane@example.org")


@pytest.mark.parametrize(
    ("line", "person"),
    [
        (
            'Reviewed-by: "Doe, Jane" <jane@example.org>',
            Person(name="Doe, Jane", email="jane@example.org"),
        ),
        (
            "Reported-by: syzbot+0123@syzkaller.appspotmail.com",
            Person(email="syzbot+0123@syzkaller.appspotmail.com"),
        ),
        ("Cc: stable@vger.kernel.org # 6.1+", Person(email="stable@vger.kernel.org")),
        ("Cc: <stable@vger.kernel.org> # v5.10+", Person(email="stable@vger.kernel.org")),
        (
            "Suggested-by: jane@example.org (Jane Doe)",
            Person(name="Jane Doe", email="jane@example.org"),
        ),
        ("Link: https://lore.kernel.org/r/20251204094806.3846619-1-maz@kernel.org", None),
        ("Message-ID: <20251204094806.3846619-1-maz@kernel.org>", None),
        ('Fixes: 0123456789ab ("KVM: x86: e-mail foo@bar in a title")', None),
        ("Tested-by: the CI bot", None),
        # the angle brackets left out: the address is the last word
        ("Reviewed-by: Jane Doe jane@example.org", JANE),
        ("Acked-by: Jane Doe (jane@example.org)", JANE),
        ("Acked-by: Jane Doe <jane@example.org", JANE),
        # what cannot be read names nobody, and the trailer stays with its value
        ("Tested-by: Jane Doe jane at example dot org", None),
    ],
)
def test_person_parsed_from_values_that_hold_an_address(line: str, person: Person | None) -> None:
    (trailer,) = parse_trailers(f"Fix.\n\n{line}\n")
    assert trailer.person == person
    assert trailer.value == line.split(": ", 1)[1]


@given(st.text())
def test_parse_trailers_never_raises(text: str) -> None:
    for trailer in parse_trailers(text):
        assert trailer.key and trailer.value == trailer.value.strip()


@given(st.lists(st.sampled_from([*SEED_PATCH.splitlines(), "", "  x", "(", '"', "<a@b>"])))
def test_trailers_come_from_lines_of_the_message(lines: list[str]) -> None:
    message = "\n".join(lines)
    for trailer in parse_trailers(message):
        assert trailer.key in message


@pytest.mark.parametrize(
    "text",
    [
        "a" * 10**6,
        "Signed-off-by: " + "<" * 10**6,
        "Signed-off-by: " + "a@" * 500_000,
        "Fixes: " + "(" * 10**6,
        "Fixes: (\n" + "x\n" * 10**5,
        "Acked-by: x\n" + " y\n" * 10**5,
        "a" * 10**6 + ": x",
        "Cc: x" + " " * 10**6 + "y",
        "Key: v\n" + " \n" * 10**5,
    ],
)
def test_megabyte_pathological_lines_return(text: str) -> None:
    parse_trailers(text)
    parse_trailer_line(text)
