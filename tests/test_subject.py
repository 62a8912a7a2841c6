"""parse_subject: reply/forward markers, leading groups, version, index/total, prefixes, title."""

from __future__ import annotations

import random
import re
from unittest import mock

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kvmlist import Patch, parse_message
from kvmlist.parse import subject as subject_module
from kvmlist.parse.subject import SubjectInfo, parse_subject

from .conftest import mail

# subject -> (is_patch, version, index, total)
NUMBERING = [
    ("[PATCH] KVM: x86: Fix a leak", (True, 1, None, None)),
    ("[PATCH v3 2/9] KVM: arm64: Add trap", (True, 3, 2, 9)),
    ("[kvm-unit-tests PATCH v4 00/11] arm64: EL2", (True, 4, 0, 11)),
    ("[RFC PATCH v2 1/3] mm: thing", (True, 2, 1, 3)),
    ("[PATCH RESEND net-next v2 3/5] net: x", (True, 2, 3, 5)),
    ("[PATCH 1 of 3] hg style", (True, 1, 1, 3)),
    ("[PATCH 0 of 3] hg cover", (True, 1, 0, 3)),
    ("[PATCH 2 of 3 V2] hg version after", (True, 2, 2, 3)),
    ("[PATCH1/8] glued index", (True, 1, 1, 8)),
    ("[PATCH100/123] glued big index", (True, 1, 100, 123)),
    ("[v2PATCH1/4] glued version before", (True, 2, 1, 4)),
    ("[PATCHv2 3/4] glued version", (True, 2, 3, 4)),
    ("[PATCHv10] glued version alone", (True, 10, None, None)),
    ("[PATCH -v2] x86/fpu: option style, as Ingo Molnar writes it", (True, 2, None, None)),
    ("[patch -v3 2/4] option style with an index", (True, 3, 2, 4)),
    ("[PATCH v6,19/24] comma, b4 issue 31", (True, 6, 19, 24)),
    ("[PATCH] [v2] separate version group", (True, 2, None, None)),
    ("[PATCH] net: dsa: fix thing (v2)", (True, 2, None, None)),
    ("[PATCH v3] title suffix loses to the group (v2)", (True, 3, None, None)),
    ("[Buildroot] [PATCH 01/11] pkg", (True, 1, 1, 11)),
    ("[PATCH] [RFC] [1/2] meep", (True, 1, 1, 2)),
    ("[0/2] cover without PATCH", (True, 1, 0, 2)),
    ("[RFC 1/2] vfio/pci: no PATCH either", (True, 1, 1, 2)),
    ("[PATCH V6 2/2] upper-case V", (True, 6, 2, 2)),
    ("[patch v2 1/2] lower-case patch", (True, 2, 1, 2)),
    ("[Patch V2] mixed case", (True, 2, None, None)),
    ("[PATCH v2.3] a point revision of v2", (True, 2, None, None)),
    ("[PATCH v5.1 10/12] one patch replaced inside v5", (True, 5, 10, 12)),
    ("[PATCHv5.1 3/4] glued point revision", (True, 5, 3, 4)),
    ("[PATCH-for-10.2 v2 3/5] qemu's release tag glued by a dash", (True, 2, 3, 5)),
    ("[PATCH-v2 1/3] version glued by a dash", (True, 2, 1, 3)),
    ("[PATCH_v3] version glued by an underscore", (True, 3, None, None)),
    ("[1 of 2] Mercurial numbering without PATCH", (True, 1, 1, 2)),
    ("[v2] version only", (False, 2, None, None)),
    ("title (v2)", (False, 2, None, None)),
    ("Subject: [v2 PATCH 1/1] doubled header name", (True, 2, 1, 1)),
    ("[PATCH 3/2] an extra patch", (True, 1, 3, 3)),
    ("[PATCH 0/0] nothing follows", (True, 1, 0, 0)),
    ("[RFCv2 PATCH 0/3] version glued to RFC", (True, 2, 0, 3)),
    ("[PATCHES] plural", (True, 1, None, None)),
    ("[PULL 00/10] qemu pull", (True, 1, 0, 10)),
    ("[GIT PULL] KVM/arm64 fixes for 7.0, take #2", (False, 1, None, None)),
    ("[patchwork] not a patch marker", (False, 1, None, None)),
    ("[Question] no patch", (False, 1, None, None)),
    ("PATCH: a bare tag is not recognised", (False, 1, None, None)),
    ("KVM: x86: no group at all", (False, 1, None, None)),
    ("", (False, 1, None, None)),
]


@pytest.mark.parametrize(("subject", "expected"), NUMBERING, ids=[s for s, _ in NUMBERING])
def test_patch_marker_version_index_and_total(subject: str, expected: tuple[object, ...]) -> None:
    info = parse_subject(subject)
    assert (info.is_patch, info.version, info.index, info.total) == expected


PREFIXES = [
    ("[PATCH v3 2/9] x", ()),
    ("[kvm-unit-tests PATCH v4 00/11] x", ("kvm-unit-tests",)),
    ("[PATCH RESEND net-next v2 3/5] x", ("RESEND", "net-next")),
    ("[RFC PATCH v2 1/3] x", ("RFC",)),
    ("[PATCH,RFC] x", ("RFC",)),
    ("[PATCH RFC/RFT 1/2] x", ("RFC/RFT",)),
    ("[RFCv2 PATCH 0/3] x", ("RFCv2",)),
    ("[Buildroot] [PATCH 01/11] x", ("Buildroot",)),
    ("[PATCH] [RFC] [1/2] x", ("RFC",)),
    ("[GSoC] [PATCH] x", ("GSoC",)),
    ("[PATCH v2.3] x", ("v2.3",)),
    ("[PATCHv2.3] x", ("v2.3",)),
    ("[PATCH-for-10.2 v2] x", ("for-10.2",)),
    ("[RFC PATCH-for-8.0 0/3] x", ("RFC", "for-8.0")),
    ("[PATCH-next 1/2] x", ("next",)),
    ("[PATCH-RFC 1/3] x", ("RFC",)),
    ("[PATCH-v2 1/3] x", ()),
    ("[PATCH 5.10 1/2] x", ("5.10",)),
    ("[PATCH stable 4.19] x", ("stable", "4.19")),
    ("[PATCH -v2] x", ()),
    ("[PATCH -mm -v2] x", ("-mm",)),
    ("[patchwork] x", ("patchwork",)),
    ("[GIT PULL] x", ("GIT PULL",)),
    ("[git pull] x", ("GIT PULL",)),
    ("[GIT PULL v2] x", ("GIT PULL",)),
    ("[PULL 00/10] x", ("PULL",)),
    ("[PULL kvm-unit-tests 16/39] x", ("PULL", "kvm-unit-tests")),
    ("Re: [virtio-dev] Re: [PATCH v8 2/7] x", ("virtio-dev",)),
]


@pytest.mark.parametrize(("subject", "expected"), PREFIXES, ids=[s for s, _ in PREFIXES])
def test_other_tokens_are_kept_as_prefixes_in_order(subject: str, expected: tuple[str]) -> None:
    assert parse_subject(subject).prefixes == expected


TITLES = [
    ("[PATCH v3 2/9] KVM: arm64: Add trap", "KVM: arm64: Add trap"),
    ("[Buildroot] [PATCH 01/11] package/foo: bump", "package/foo: bump"),
    ("[PATCH] [RFC] [1/2] meep", "meep"),
    ("[RFC][PATCH] no space between groups", "no space between groups"),
    ("KVM: fix [a-z] parsing", "KVM: fix [a-z] parsing"),
    ("[PATCH] KVM: keep [brackets] later", "KVM: keep [brackets] later"),
    ("[PATCH] This is a [patch]", "This is a [patch]"),
    ("[PATCH] net: dsa: fix thing (v2)", "net: dsa: fix thing"),
    ("[PATCH] keep other parentheses (really)", "keep other parentheses (really)"),
    ("[Patch]: stray colon", "stray colon"),
    ("Re: [PATCH v2 1/3]: stray colon in a reply", "stray colon in a reply"),
    ("[PATCH]\t KVM:  x\n  y", "KVM: x y"),
    ("  [PATCH v2]   spaced   out  ", "spaced out"),
    ("Re: Re: AW: [PATCH v2 1/3] t", "t"),
    ("Re: plain reply", "plain reply"),
    ("[PATCH] Re: not a marker after the patch group", "Re: not a marker after the patch group"),
    (
        "[PATCH] rv: the runtime-verification prefix stays",
        "rv: the runtime-verification prefix stays",
    ),
    ("[PATCH v2 1/3 title without end", "title without end"),
    ("[PATCH v2 1/3", ""),
    ("[[PATCH] doubled bracket", "doubled bracket"),
    ("[PATCH] KVM: x86: Überprüfung — 修复 😀", "KVM: x86: Überprüfung — 修复 😀"),
    (
        "PATCH v4 00/11] KVM: lost its opening bracket",
        "KVM: lost its opening bracket",
    ),
    ("", ""),
]


@pytest.mark.parametrize(("subject", "expected"), TITLES, ids=[s for s, _ in TITLES])
def test_title_is_what_follows_the_leading_markers_and_groups(subject: str, expected: str) -> None:
    assert parse_subject(subject).title == expected


REPLIES = [
    "Re: [PATCH 2/3] t",
    "RE: [PATCH] t",
    "re:[PATCH] t",
    "RE : [PATCH] t",
    "AW: [PATCH] t",
    "Aw: [PATCH] t",
    "SV: [PATCH] t",
    "Antw: [PATCH] t",
    "Odp: [PATCH] t",
    "VS: [PATCH] t",
    "R: [PATCH] t",
    "RIF: [PATCH] t",
    "Ré: [PATCH] t",
    "RES: [PATCH] t",
    "回复: [PATCH] t",
    "回复：[PATCH] t",
    "答复: [PATCH] t",
    "Re[2]: [PATCH] t",
    "Re: Re: [PATCH] t",
    "Re: AW: [PATCH v2 1/3] t",
    "[virtio-dev] Re: [PATCH] t",
    "Re: t",
]


@pytest.mark.parametrize("subject", REPLIES)
def test_reply_markers_in_many_languages(subject: str) -> None:
    info = parse_subject(subject)
    assert (info.is_reply, info.is_forward, info.title) == (True, False, "t")


@pytest.mark.parametrize(
    "subject", ["Fwd: [PATCH] t", "FW: [PATCH] t", "Fw: t", "WG: [PATCH] t", "TR: [PATCH] t"]
)
def test_forward_markers_are_not_replies(subject: str) -> None:
    info = parse_subject(subject)
    assert (info.is_forward, info.is_reply, info.title) == (True, False, "t")


@pytest.mark.parametrize("subject", ["FW: Re: [PATCH] t", "Re: Fwd: [PATCH] t"])
def test_forward_of_a_reply_is_both(subject: str) -> None:
    info = parse_subject(subject)
    assert (info.is_forward, info.is_reply) == (True, True)


@pytest.mark.parametrize(
    "subject", ["KVM: x86: fix", "[PATCH] rv: fix", "BUG: KASAN: oops", "Reply: no", "Re meep"]
)
def test_words_that_only_look_like_markers_are_not_markers(subject: str) -> None:
    info = parse_subject(subject)
    assert (info.is_reply, info.is_forward) == (False, False)


def test_reply_keeps_the_numbering_of_the_patch_it_answers() -> None:
    info = parse_subject("Re: [RFC PATCH v2 01/13] KVM: arm64: x")
    assert (info.is_reply, info.is_patch, info.version, info.index, info.total) == (
        True,
        True,
        2,
        1,
        13,
    )


@pytest.mark.parametrize(
    ("subject", "flags"),
    [
        ("[RFC PATCH] x", (True, False)),
        ("[PATCH,RFC] x", (True, False)),
        ("[PATCH RFC/RFT] x", (True, False)),
        ("[RFCv2 PATCH] x", (True, False)),
        ("[PATCH RESEND] x", (False, True)),
        ("[PATCH resend v2] x", (False, True)),
        ("[RFC PATCH RESEND v2 1/2] x", (True, True)),
        ("[PATCH V5 (RESEND) 0/4] x", (False, True)),  # kvmarm, 2021
        ("[PATCH (RFC) 1/2] x", (True, False)),
        ("[PATCH] RFC in the title does not count", (False, False)),
    ],
)
def test_rfc_and_resend_flags(subject: str, flags: tuple[bool, bool]) -> None:
    info = parse_subject(subject)
    assert (info.is_rfc, info.is_resend) == flags


@pytest.mark.parametrize("subject", ["[PATCH V5 (RESEND) 0/4] x", "[PATCH (RFC) 1/2] x"])
def test_a_tag_in_parentheses_is_the_patchs_tag_too(subject: str) -> None:
    """Patch.is_resend and is_rfc read the prefixes (revisions place a RESEND by them)."""
    info = parse_subject(subject)
    patch = parse_message(mail(subject, "Fix.\n---\n a.c | 1 +\n"))
    assert isinstance(patch, Patch)
    assert (patch.is_rfc, patch.is_resend) == (info.is_rfc, info.is_resend)
    assert info.prefixes == (("RESEND",) if info.is_resend else ("RFC",))


@pytest.mark.parametrize(
    ("subject", "is_pull"),
    [
        ("[GIT PULL] KVM/arm64 fixes for 7.0, take #2", True),
        ("[git pull] kvm", True),
        ("[PULL] qemu", True),
        ("[PULL 00/10] qemu", True),
        ("[PULL v2 03/10] qemu", True),
        ("[PATCH] git: pull less", False),
        ("Re: [GIT PULL] KVM fixes", True),
    ],
)
def test_pull_requests(subject: str, is_pull: bool) -> None:
    assert parse_subject(subject).is_pull_request is is_pull


def test_the_first_version_and_index_win() -> None:
    info = parse_subject("[PATCH v2 1/3] [v3 2/4] x")
    assert (info.version, info.index, info.total) == (2, 1, 3)


def test_unbalanced_group_keeps_what_it_knows() -> None:
    info = parse_subject("[RFC PATCH v2 1/3 KVM: fix the [thing")
    assert (info.is_rfc, info.version, info.index, info.title) == (
        True,
        2,
        1,
        "KVM: fix the [thing",
    )


def test_nested_group_keeps_its_version() -> None:
    assert parse_subject("[PATCH [v2] 1/3] t").version == 2


def test_groups_past_the_limit_stay_in_the_title() -> None:
    info = parse_subject("[a] " * (subject_module.MAX_GROUPS + 2) + "t")
    assert len(info.prefixes) == subject_module.MAX_GROUPS and info.title == "[a] [a] t"


def test_subject_field_is_the_collapsed_input() -> None:
    assert parse_subject(" Re:\t[PATCH]\n  x  ").subject == "Re: [PATCH] x"


def test_result_is_frozen() -> None:
    info = parse_subject("[PATCH] x")
    with pytest.raises(AttributeError):
        info.title = "y"  # type: ignore[misc]


# --- properties -------------------------------------------------------------------------------

# random text rarely looks like a subject; this soup of grammar pieces often does
SOUP_CHARACTERS = [*"[],:：() \tx/é13"]
SOUP_WORDS = ["of", "Re:", "Re", "[2]", "回复", "Fwd:", "(v2)", "git", "pull", "net-next", "resend"]
SOUP_MARKERS = ["PATCH", "patch", "PATCHv2", "v2PATCH1/4", "PATCHES", "patchwork", "RFC", "RFCv2"]
SOUP_NUMBERS = ["v2", "V3", "1/3", "03/12", "9999"]
SOUP = st.lists(
    st.sampled_from([*SOUP_CHARACTERS, *SOUP_WORDS, *SOUP_MARKERS, *SOUP_NUMBERS]), max_size=30
).map("".join)
SUBJECTS = st.one_of(st.text(), SOUP)


@given(SUBJECTS)
def test_any_text_parses_into_a_consistent_info(subject: str) -> None:
    info = parse_subject(subject)
    assert isinstance(info, SubjectInfo)
    assert info.subject == " ".join(subject.split())
    assert info.title == info.title.strip() and info.title in info.subject
    assert (info.index is None) == (info.total is None)
    if info.index is not None and info.total is not None:
        assert 0 <= info.index <= info.total and info.is_patch
    assert info.version >= 0
    assert info.is_rfc == any(p.lower().startswith("rfc") for p in info.prefixes)
    assert info.is_resend == any(p.lower().startswith("resend") for p in info.prefixes)
    assert info.is_pull_request == any(p in ("PULL", "GIT PULL") for p in info.prefixes)


@given(SUBJECTS)
@example("RFC] (V0)")  # a lost "[" that holds no patch, and a "(v0)" after it
def test_a_leading_re_only_marks_a_reply(subject: str) -> None:
    plain, reply = parse_subject(subject), parse_subject("Re: " + subject)
    assert reply.is_reply
    unchanged = ("title", "is_patch", "version", "index", "total", "prefixes", "is_rfc")
    assert [getattr(reply, f) for f in unchanged] == [getattr(plain, f) for f in unchanged]


TAGS = ["net-next", "kvm-unit-tests", "kvmtool", "Buildroot", "GSoC", "5.10", "for-next"]
TITLE_TEXT = st.text(st.sampled_from("abcXYZ019 :-_/.,#"), min_size=1).map(
    lambda s: " ".join(s.split())
)


@given(
    tags=st.lists(st.sampled_from(TAGS), max_size=2),
    rfc=st.booleans(),
    resend=st.booleans(),
    version=st.none() | st.integers(0, 9999),
    numbering=st.none() | st.tuples(st.integers(0, 9999), st.integers(0, 9999)).map(sorted),
    title=TITLE_TEXT.filter(lambda s: s and not s.startswith(":")),
    reply=st.booleans(),
    order=st.randoms(use_true_random=False),
)
def test_format_patch_style_subjects_round_trip(
    tags: list[str],
    rfc: bool,
    resend: bool,
    version: int | None,
    numbering: list[int] | None,
    title: str,
    reply: bool,
    order: random.Random,
) -> None:
    tokens = [*tags, "PATCH", *(["RFC"] if rfc else []), *(["RESEND"] if resend else [])]
    tokens += [f"v{version}"] if version is not None else []
    tokens += [f"{numbering[0]}/{numbering[1]}"] if numbering else []
    order.shuffle(tokens)
    info = parse_subject(("Re: " if reply else "") + f"[{' '.join(tokens)}] {title}")
    kept = tuple(t for t in tokens if t in (*TAGS, "RFC", "RESEND"))
    assert (info.is_reply, info.is_patch, info.is_rfc, info.is_resend) == (reply, True, rfc, resend)
    assert info.version == (1 if version is None else version)
    assert (info.index, info.total) == (tuple(numbering) if numbering else (None, None))
    assert (info.prefixes, info.title) == (kept, title)


COMMON_SHAPE = st.tuples(
    st.sampled_from(["", "Re: ", "RE: "]),
    st.sampled_from(["", "RFC "]),
    st.sampled_from(["", " v1", " v2", " v0", " v9999"]),
    st.sampled_from(["", " 1/2", " 00/13", " 3/2", " 0/0"]),
    st.text(),
).map(lambda p: f"{p[0]}[{p[1]}PATCH{p[2]}{p[3]}] {p[4]}")


# Re: [Intel-wired-lan] [PATCH iwl-next v2 3/5] title   (leading groups read once a series)
GROUPS = [
    "[Intel-wired-lan]", "[PATCH iwl-next v2 3/5]", "[PATCH v2 net-next 0/4]",
    "[kvm-unit-tests PATCH 1/3]", "[RFC PATCH]", "[GIT PULL]", "[PULL 2/9]", "[PATCH 1 of 3]",
    "[v3]", "[syzbot]", "[linux-next:master 6/13]", "[ , ]", "[PATCHv2 4/4]", "[RESENDv2]",
    "[PATCH v5.1 2/7]", "[x",
]  # fmt: skip
TITLES = [
    "ice: fix the thing", ": z", "[x] y", "Re: x", "re: [PATCH] x", "x (v3)", "(v2)", "r: x",
    "Fwd: x", "x]", "[", "AW: y", "PATCH v2 1/2] lost",
]  # fmt: skip
GROUPS_SHAPE = st.tuples(
    st.sampled_from(["", "Re: ", "RE: ", "Fwd: "]),
    st.lists(st.sampled_from(GROUPS), min_size=1, max_size=4),
    st.one_of(st.sampled_from(TITLES), st.text()),
).map(lambda p: f"{p[0]}{' '.join(p[1])} {p[2]}")


@settings(max_examples=1000, deadline=None)
@given(st.one_of(COMMON_SHAPE, GROUPS_SHAPE, SUBJECTS))
def test_fast_paths_agree_with_the_general_grammar(subject: str) -> None:
    # read uncached: parse_subject would give the first reading back
    fast = subject_module._read_subject(subject)
    never = re.compile(r"(?!)")
    with (
        mock.patch.object(subject_module, "RE_COMMON_PREFIX", never),
        mock.patch.object(subject_module, "RE_LEADING_GROUPS", never),
    ):
        general = subject_module._read_subject(subject)
    assert fast == general


# --- hostile input ----------------------------------------------------------------------------

PATHOLOGICAL = {
    "open brackets": "[" * 500_000,
    "close brackets": "]" * 1_000_000,
    "repeated Re": "Re: " * 200_000,
    "repeated glued Re": "Re:" * 333_333,
    "repeated 回复": "回复：" * 300_000,
    "endless version": "[PATCH " + "v" * 1_000_000,
    "endless index": "[" + "1/" * 300_000 + "]",
    "endless separators": "[" + " ," * 300_000 + "] t",
    "many groups": "[a]" * 333_333,
    "many unclosed groups": "[a " * 333_333,
    "nested opens": "[[a" * 333_333,
    "groups and markers": "[x] Re: " * 125_000,
    "many tokens": "[PATCH " + "1 of " * 200_000 + "]",
    "glued patches": "[" + "v2PATCH" * 140_000 + "]",
    "glued patch chain": "[PATCHv2" * 140_000 + "]",
    "parentheses": "x (" * 333_333 + ")",
    "version suffixes": "(v1)" * 250_000,
    "huge number": "[PATCH v" + "9" * 1_000_000 + "]",
    "huge index": "[PATCH " + "9" * 500_000 + "/" + "9" * 500_000 + "]",
}


@pytest.mark.parametrize("subject", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_megabyte_subjects_parse_in_linear_time(subject: str) -> None:
    parse_subject(subject)  # quadratic regexes or loops would take minutes here
