"""Subject grammar: patch markers, version, index/total, prefixes, reply markers, title."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kvmlist.parse.subject import parse_subject

# subject -> (version, index, total, prefixes, title)
NUMBERING = [
    ("[PATCH] KVM: x86: Fix a leak", (1, None, None, (), "KVM: x86: Fix a leak")),
    ("[PATCH v3 2/9] KVM: arm64: Add trap", (3, 2, 9, (), "KVM: arm64: Add trap")),
    ("[kvm-unit-tests PATCH v4 00/11] arm64: EL2", (4, 0, 11, ("kvm-unit-tests",), "arm64: EL2")),
    ("[RFC PATCH v2 1/3] mm: thing", (2, 1, 3, ("RFC",), "mm: thing")),
    ("[PATCH RESEND net-next v2 3/5] net: x", (2, 3, 5, ("RESEND", "net-next"), "net: x")),
    ("[PATCH 1 of 3] hg style", (1, 1, 3, (), "hg style")),
    ("[PATCH1/8] glued", (1, 1, 8, (), "glued")),
    ("[PATCH100/123] glued big", (1, 100, 123, (), "glued big")),
    ("[v2PATCH1/4] glued version", (2, 1, 4, (), "glued version")),
    ("[PATCHv2 3/4] glued v", (2, 3, 4, (), "glued v")),
    ("[PATCH v6,19/24] comma", (6, 19, 24, (), "comma")),
    ("[PATCH,RFC] comma flag", (1, None, None, ("RFC",), "comma flag")),
    ("[PATCH] [v2] separate group", (2, None, None, (), "separate group")),
    ("[PATCH] net: dsa: fix thing (v2)", (2, None, None, (), "net: dsa: fix thing")),
    ("[Buildroot] [PATCH 01/11] pkg", (1, 1, 11, ("Buildroot",), "pkg")),
    ("[PATCH] [RFC] [1/2] meep", (1, 1, 2, ("RFC",), "meep")),
    ("[0/2] cover without PATCH", (1, 0, 2, (), "cover without PATCH")),
    ("[PATCH V6 2/2] upper V", (6, 2, 2, (), "upper V")),
    ("[PATCH v2.3] point revision", (2, None, None, ("v2.3",), "point revision")),
    ("[PATCH 3/2] extra patch", (1, 3, 3, (), "extra patch")),
    ("[Patch]: stray colon", (1, None, None, (), "stray colon")),
    ("KVM: fix [a-z] parsing", (1, None, None, (), "KVM: fix [a-z] parsing")),
    ("[PATCH] KVM: keep [brackets] later", (1, None, None, (), "KVM: keep [brackets] later")),
]


@pytest.mark.parametrize(("subject", "expected"), NUMBERING, ids=[s for s, _ in NUMBERING])
def test_numbering_prefixes_and_title(subject: str, expected: tuple[object, ...]) -> None:
    info = parse_subject(subject)
    assert (info.version, info.index, info.total, info.prefixes, info.title) == expected


@pytest.mark.parametrize(
    "subject",
    [
        "Re: [PATCH 2/3] t",
        "RE: [PATCH] t",
        "AW: [PATCH] t",
        "SV: [PATCH] t",
        "Antw: [PATCH] t",
        "Odp: [PATCH] t",
        "Re: Re: AW: [PATCH v2 1/3] t",
        "Re[2]: [PATCH] t",
        "回复: [PATCH] t",
        "re:[PATCH] t",
    ],
)
def test_reply_markers_in_many_languages(subject: str) -> None:
    info = parse_subject(subject)
    assert info.is_reply and info.title == "t"


def test_reply_keeps_the_numbering_of_the_patch_it_answers() -> None:
    info = parse_subject("Re: [PATCH v2 1/3] x")
    assert (info.is_reply, info.version, info.index, info.total) == (True, 2, 1, 3)


@pytest.mark.parametrize("subject", ["Fwd: [PATCH] t", "FW: [PATCH] t", "WG: [PATCH] t"])
def test_forwards_are_not_replies(subject: str) -> None:
    info = parse_subject(subject)
    assert info.is_forward and not info.is_reply


@pytest.mark.parametrize(
    ("subject", "prefix"),
    [
        ("[GIT PULL] KVM/arm64 fixes for 7.0, take #2", "GIT PULL"),
        ("[PULL 00/10] qemu", "PULL"),
        ("[git pull] kvm", "GIT PULL"),
    ],
)
def test_pull_requests(subject: str, prefix: str) -> None:
    info = parse_subject(subject)
    assert info.is_pull_request and prefix in info.prefixes


def test_flags() -> None:
    info = parse_subject("[RFC PATCH RESEND v2 1/2] x")
    assert info.is_rfc and info.is_resend and info.is_patch


def test_whitespace_is_collapsed() -> None:
    assert parse_subject("[PATCH]\t KVM:  x\n  y").title == "KVM: x y"


def test_unbalanced_bracket_does_not_crash() -> None:
    info = parse_subject("[PATCH v2 1/3 title without end")
    assert info.title


@given(st.text())
def test_any_text_parses(subject: str) -> None:
    parse_subject(subject)


@pytest.mark.parametrize(
    "subject",
    [
        "[" * 500_000,
        "Re: " * 200_000,
        "[PATCH " + "v" * 1_000_000,
        "[" + "1/" * 300_000 + "]",
        "x (" + "v" * 1_000_000 + ")",
        "[" + " ," * 300_000 + "] t",
    ],
)
def test_pathological_megabyte_subjects_parse(subject: str) -> None:
    parse_subject(subject)  # linear-time regexes: returns in well under a second
