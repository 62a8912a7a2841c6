"""The plain-address fast path agrees with email-validator, which it spares most addresses."""

from __future__ import annotations

import email.utils

import email_validator
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kvmlist.models import Person
from kvmlist.parse.addresses import (
    RE_PLAIN_ADDRESS,
    SPECIAL_USE_DOMAINS,
    address_defect,
    is_plain_address,
    read_address,
    same_mailbox,
)
from kvmlist.parse.trailers import parse_trailers


def _accepted(addr: str) -> bool:
    try:
        email_validator.validate_email(addr, check_deliverability=False, allow_smtputf8=True)
    except email_validator.EmailNotValidError:
        return False
    return True


@settings(max_examples=400, deadline=None)
@given(st.from_regex(RE_PLAIN_ADDRESS, fullmatch=True))
def test_every_plain_address_is_one_email_validator_accepts(addr: str) -> None:
    if is_plain_address(addr):
        assert _accepted(addr), addr


@pytest.mark.parametrize(
    "addr",
    [
        "maz@kernel.org",
        "oliver.upton@linux.dev",
        "syzbot+2f4a8c3b1e@syzkaller.appspotmail.com",
        "Jane.O'Neil@example.co.uk",
    ],
)
def test_real_addresses_take_the_fast_path(addr: str) -> None:
    assert is_plain_address(addr)
    assert address_defect(addr) is None


@pytest.mark.parametrize(
    "addr",
    [
        "jane..doe@example.org",  # two dots in a row
        "jane@localhost",  # no dot
        "jane@kvm.local",  # special-use domain
        "jane@example.123",  # a TLD of digits
        "jane@-example.org",  # a label starting with a hyphen
        "jane doe@example.org",  # a space in the local part
        "jane@" + "a" * 64 + ".org",  # label over 63
    ],
)
def test_invalid_addresses_still_get_email_validators_defect(addr: str) -> None:
    assert not is_plain_address(addr)
    defect = address_defect(addr)
    assert defect is not None and defect.kind == "invalid-address"
    assert not _accepted(addr)


def test_odd_but_valid_addresses_are_left_to_email_validator() -> None:
    for addr in ('"jane doe"@example.org', "jane@xn--bcher-kva.example", "jane@[192.0.2.1]"):
        assert not is_plain_address(addr)
        assert (address_defect(addr) is None) == _accepted(addr)


def test_the_special_use_domains_are_email_validators() -> None:
    assert set(SPECIAL_USE_DOMAINS) == set(email_validator.SPECIAL_USE_DOMAIN_NAMES)


# --- To/Cc lists: the usual form is read without the stdlib, as the stdlib reads it ---------

NAME_WORDS = st.text(alphabet="abcXYZé'.&-_ 0", min_size=1, max_size=8)
LOCAL = st.from_regex(r"[a-z0-9+_-]{1,6}(\.[a-z0-9+_-]{1,6})?", fullmatch=True)
DOMAIN = st.from_regex(r"[a-z0-9-]{1,8}(\.[a-z]{2,4}){1,2}", fullmatch=True)


@st.composite
def usual_entries(draw: st.DrawFn) -> str:
    address = f"{draw(LOCAL)}@{draw(DOMAIN)}"
    form = draw(st.sampled_from(["bare", "angle", "named", "spaced"]))
    if form == "bare":
        return address
    if form == "angle":
        return f"<{address}>"
    name = " ".join(draw(st.lists(NAME_WORDS, min_size=1, max_size=3)))
    return f"{name}  <{address}>  " if form == "spaced" else f"{name} <{address}>"


@settings(max_examples=400, deadline=None)
@given(st.lists(usual_entries(), max_size=8), st.sampled_from([", ", ",", " ,\t", ",\n "]))
def test_a_usual_address_list_reads_as_the_stdlib_reads_it(entries: list[str], comma: str) -> None:
    from kvmlist.parse import addresses

    text = comma.join(entries)
    assert addresses._usual_list(text) == addresses._stdlib_list(text)


@pytest.mark.parametrize(
    "text",
    [
        '"Doe, Jane" <jane@example.org>',  # a quoted comma
        "jane@example.org (Jane Doe)",  # a comment
        "kvm: a@example.org, b@example.org;",  # a group
        "Jane Doe jane@example.org",  # no angle brackets
        "<@relay.example.org:jane@example.org>",  # a route
        "Jane <jane@example.org> <john@example.org>",
    ],
)
def test_other_address_lists_are_left_to_the_stdlib(text: str) -> None:
    from kvmlist.parse import addresses

    assert addresses._usual_list(text) is None
    assert addresses.parse_address_list(text) == addresses._stdlib_list(text)


def test_a_list_too_long_to_read_names_nobody_whatever_its_form() -> None:
    from kvmlist.parse import addresses

    usual = ", ".join(f"dev{n} <dev{n}@example.org>" for n in range(5_000))
    assert len(usual) > addresses.LONGEST_LIST
    assert addresses.parse_address_list(usual) == () == addresses._stdlib_list(usual)
    assert len(addresses.parse_address_list(usual[:50_000])) > 1_000


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ('"Jane \\"JJ\\" Doe" <jane@example.org>', 'Jane "JJ" Doe'),
        ('"Russell King \\(Oracle\\)" <linux@armlinux.org.uk>', "Russell King (Oracle)"),
        ('"Doe\\, Jane" <jane@example.org>', "Doe, Jane"),
        ('"C:\\\\Users\\\\jane" <jane@example.org>', "C:\\Users\\jane"),
    ],
)
def test_quoted_pairs_of_a_quoted_name_are_unescaped(value: str, name: str) -> None:
    # RFC 5322 3.2.4: in a quoted-string "\x" stands for x, as email.utils.parseaddr reads it
    assert email.utils.parseaddr(value)[0] == name
    assert read_address(value, []) == Person(name=name, email=value.rpartition("<")[2][:-1])
    trailer = parse_trailers(f"Signed-off-by: {value}\n")
    assert [t.person for t in trailer] == [read_address(value, [])]


RELAY = "devnull+jane.doe.arm.com@kernel.org"
LIST = "kvm@vger.kernel.org"


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        (("Marc Zyngier", "maz@kernel.org"), ("Marc Z", "MAZ@kernel.org"), True),
        (("R King", "rmk+kernel@armlinux.org.uk"), ("R King", "rmk@armlinux.org.uk"), True),
        (("syzbot", "syzbot+ci0b43@example.com"), ("", "syzbot@example.com"), True),
        # the b4 relay's tag names its sender: two senders through the relay are two people
        (("Jane Doe", RELAY), ("Mallory", "devnull+m.evil.example@kernel.org"), False),
        # a list's From kept as written (nobody found behind it): its "via" names tell apart
        (("Jane Doe via Kvm", LIST), ("Bob Roe via Kvm", LIST), False),
        (("Jane Doe via Kvm", LIST), ("jane doe via kvm", LIST), True),
    ],
)
def test_same_mailbox_is_one_address_but_never_a_relays_other_people(
    one: tuple[str, str], other: tuple[str, str], same: bool
) -> None:
    first, second = Person(name=one[0], email=one[1]), Person(name=other[0], email=other[1])
    assert same_mailbox(first, second) is same
    assert same_mailbox(second, first) is same
