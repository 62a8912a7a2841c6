"""Header-level parsing: encoded words, folding, charsets, dates, ids, people, DMARC munging."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kvmlist
from kvmlist import Message, Patch, Person, parse_message
from kvmlist.models import Defect
from kvmlist.parse.addresses import parse_address
from kvmlist.parse.dates import parse_date
from kvmlist.parse.headers import decode_text, decode_words

from .conftest import mail


def kinds(message: Message) -> set[str]:
    return {d.kind for d in message.defects}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=?UTF-8?q?J=C3=B6rg_R=C3=B6del?= <joro@example.org>", "Jörg Rödel <joro@example.org>"),
        (
            "=?utf-8?b?UGF3ZcWCIEtvd2FsY3p5aw==?= <pk@example.org>",
            "Paweł Kowalczyk <pk@example.org>",
        ),
        ("test =?utf-8?q?s=c3=bcbject?=", "test sübject"),
        ("[PATCH] =?utf-8?q?a?= =?utf-8?q?b?= c", "[PATCH] ab c"),
        ("plain   value\twith  gaps", "plain value with gaps"),
    ],
)
def test_encoded_words_are_decoded(value: str, expected: str) -> None:
    assert decode_words(value, []) == expected


def test_unknown_charset_in_encoded_word_falls_back_with_a_defect() -> None:
    defects: list[Defect] = []
    assert decode_words("=?x-unknown-42?q?caf=C3=A9?=", defects) == "café"
    assert [d.kind for d in defects] == ["unknown-charset"]


def test_iso_8859_1_label_holding_cp1252_quotes_is_read_as_cp1252() -> None:
    defects: list[Defect] = []
    assert decode_text(b"\x93quoted\x94", "iso-8859-1", defects) == "\u201cquoted\u201d"
    assert [d.kind for d in defects] == ["mislabelled-charset"]


def test_a_charset_whose_ascii_bytes_mean_other_text_is_decoded_by_it() -> None:
    # UTF-7 is all ASCII bytes, and "+AOk-" is its é: the ASCII short cut must not take it
    defects: list[Defect] = []
    assert decode_text(b"caf+AOk-", "utf-7", defects) == "café"
    assert decode_words("=?utf-7?Q?caf+AOk-?= x", defects) == "café x"
    assert not defects


def test_a_utf7_body_is_decoded() -> None:
    raw = mail("Re: x", body="caf+AOk-\n", extra="Content-Type: text/plain; charset=utf-7\n")
    assert parse_message(raw).body == "café\n"


def test_parse_message_says_it_takes_bytes() -> None:
    with pytest.raises(TypeError, match="takes the mail's bytes, not str"):
        parse_message("From: a@example.org\n\nbody\n")  # type: ignore[arg-type]


def test_utf8_labelled_as_ascii_is_recovered() -> None:
    defects: list[Defect] = []
    assert decode_text("Zoë".encode(), "us-ascii", defects) == "Zoë"
    assert defects


def test_folded_subject_is_unfolded() -> None:
    raw = mail(
        subject="[PATCH v3 7/9] KVM: arm64: pkvm: Add a generic synchronous\n exception injection"
    )
    assert parse_message(raw).subject == (
        "[PATCH v3 7/9] KVM: arm64: pkvm: Add a generic synchronous exception injection"
    )


@pytest.mark.parametrize("name", ["Message-ID", "Message-Id", "message-id", "MESSAGE-ID"])
def test_header_names_are_case_insensitive(name: str) -> None:
    raw = mail(message_id=None, extra=f"{name}: <abc@example.org>\n")
    assert parse_message(raw).message_id == "abc@example.org"


def test_missing_message_id_gets_a_stable_synthetic_id_and_a_defect() -> None:
    raw = mail(message_id=None)
    first, again = parse_message(raw), parse_message(raw)
    assert first.message_id == again.message_id
    assert first.message_id.endswith("@synthetic.invalid")
    assert "missing-message-id" in kinds(first)


def test_references_are_split_and_deduplicated() -> None:
    extra = "In-Reply-To: <b@x> (Jane's message of Tue)\nReferences: <a@x>\n <b@x> <a@x>\n"
    message = parse_message(mail(subject="Re: [PATCH] x", extra=extra))
    assert message.in_reply_to == "b@x"
    assert message.references == ("a@x", "b@x")
    assert message.parent_id == "b@x"


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("<sp ace@example.org>", "sp ace@example.org"),
        ('<"quoted local"@example.org>', '"quoted local"@example.org'),
        ("<sp ace@example.org> (Jane's mail)", "sp ace@example.org"),
        ("< > <1@example.org>", "1@example.org"),  # a blank between brackets is no id
    ],
)
def test_a_message_id_keeps_all_between_its_brackets(written: str, kept: str) -> None:
    """RFC 5322's obs-id-left allows a quoted local part, and public-inbox (lore) keeps the
    whole id: a Message-ID cut at its first blank would make two mails one."""
    extra = f"In-Reply-To: {written}\nReferences: <a@x>\n {written}\n"
    message = parse_message(mail(subject="Re: [PATCH] x", message_id=written, extra=extra))
    assert message.message_id == kept
    assert message.in_reply_to == kept
    assert message.references == ("a@x", kept)


def test_patches_whose_ids_differ_after_a_blank_are_counted_apart() -> None:
    from kvmlist import patch_mails, read_mbox

    from .conftest import mbox

    one = mail(subject="[PATCH] a: one", message_id="<sp ace@example.org>")
    two = mail(subject="[PATCH] a: two", message_id="<sp ice@example.org>")
    patches = patch_mails(read_mbox(io.BytesIO(mbox(one, two))))
    assert [p.title for p in patches] == ["a: one", "a: two"]


UTC = timezone.utc


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Thu,  4 Dec 2025 10:09:59 -0500", datetime(2025, 12, 4, 15, 9, 59, tzinfo=UTC)),
        ("4 Dec 2025 10:09:59 +0100", datetime(2025, 12, 4, 9, 9, 59, tzinfo=UTC)),
        ("Thu, 04 Dec 2025 10:09:59 EST", datetime(2025, 12, 4, 15, 9, 59, tzinfo=UTC)),
        ("Thu, 04 Dec 2025 10:09:59 GMT", datetime(2025, 12, 4, 10, 9, 59, tzinfo=UTC)),
        ("Thu, 04 Dec 2025 10:09:59 -0000", datetime(2025, 12, 4, 10, 9, 59, tzinfo=UTC)),
        ("Thu, 4 Dec 2025 10:09 +0000", datetime(2025, 12, 4, 10, 9, tzinfo=UTC)),
        ("Thu, 04 Dec 25 10:09:59 +0000", datetime(2025, 12, 4, 10, 9, 59, tzinfo=UTC)),
        ("Thu, 4 Dec 2025 10:09:59 +0100 (CET)", datetime(2025, 12, 4, 9, 9, 59, tzinfo=UTC)),
        ("2025-12-04 10:09:59 +0200", datetime(2025, 12, 4, 8, 9, 59, tzinfo=UTC)),
        # a leap second (RFC 5322 allows :60; a datetime has none): the second before it
        ("Sat, 31 Dec 2016 23:59:60 +0000", datetime(2016, 12, 31, 23, 59, 59, tzinfo=UTC)),
        ("Sat, 31 Dec 2016 23:59:60 GMT", datetime(2016, 12, 31, 23, 59, 59, tzinfo=UTC)),
        ("2016-12-31T23:59:60Z", datetime(2016, 12, 31, 23, 59, 59, tzinfo=UTC)),
    ],
)
def test_dates_in_real_world_forms_become_utc(value: str, expected: datetime) -> None:
    parsed = parse_date(value, [])
    assert parsed == expected
    assert parsed is not None and parsed.tzinfo == UTC


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Mon, 3 Mar 2300 10:00:00 +0000", datetime(2300, 3, 3, 10, tzinfo=UTC)),
        ("Mon, 3 Mar 1601 10:00:00 +0000", datetime(1601, 3, 3, 10, tzinfo=UTC)),
        ("Thu, 1 Jan 1970 00:00:00 +0000", datetime(1970, 1, 1, tzinfo=UTC)),  # a clock at 0
        ("2999-01-01T00:00:00Z", datetime(2999, 1, 1, tzinfo=UTC)),
    ],
)
def test_a_date_before_mail_or_from_the_future_is_kept_with_a_defect(
    value: str, expected: datetime
) -> None:
    defects: list[Defect] = []
    assert parse_date(value, defects) == expected
    assert [d.kind for d in defects] == ["implausible-date"]


def test_a_date_of_tomorrow_is_plausible_but_not_of_next_week() -> None:
    # a sender's clock or zone a few hours ahead is common (up to 8 h on the corpora)
    soon = datetime.now(UTC) + timedelta(hours=20)
    later = datetime.now(UTC) + timedelta(days=7)
    for when, kinds in ((soon, []), (later, ["implausible-date"])):
        defects: list[Defect] = []
        assert parse_date(when.strftime("%a, %d %b %Y %H:%M:%S +0000"), defects) is not None
        assert [d.kind for d in defects] == kinds


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # RFC 5322 3.3: the zone's minutes MUST be 00-59; no zone is a day away. An unknown
        # zone is "-0000" (RFC 5322 4.3): the time as written, in UTC
        ("Fri, 1 Jan 2021 10:00:00 +9999", datetime(2021, 1, 1, 10, tzinfo=UTC)),
        ("Fri, 1 Jan 2021 10:00:00 +0099", datetime(2021, 1, 1, 10, tzinfo=UTC)),
        ("Fri, 1 Jan 2021 10:00:00 -2400 (XYZ)", datetime(2021, 1, 1, 10, tzinfo=UTC)),
        ("Fri, 1 Jan 21 10:00:00 +0075", datetime(2021, 1, 1, 10, tzinfo=UTC)),
    ],
)
def test_an_impossible_zone_is_a_defect_and_read_as_utc(value: str, expected: datetime) -> None:
    defects: list[Defect] = []
    assert parse_date(value, defects) == expected
    assert [d.kind for d in defects] == ["bad-date-zone"]


def test_a_four_digit_year_is_that_year_not_a_two_digit_one() -> None:
    # RFC 5322 4.3: only two- and three-digit years are completed (1900/2000)
    defects: list[Defect] = []
    assert parse_date("Mon, 3 Mar 0000 10:00:00 +0000", defects) is None  # no year 0
    assert [d.kind for d in defects] == ["bad-date"]
    defects = []
    assert parse_date("Mon, 3 Mar 0025 10:00:00 +0000", defects) == datetime(
        25, 3, 3, 10, tzinfo=UTC
    )
    assert [d.kind for d in defects] == ["implausible-date"]
    assert parse_date("Mon, 3 Mar 25 10:00:00 +0000", []) == datetime(2025, 3, 3, 10, tzinfo=UTC)


@pytest.mark.parametrize(("value", "kind"), [("yesterday", "bad-date"), (None, "missing-date")])
def test_bad_or_missing_date_is_a_defect(value: str | None, kind: str) -> None:
    defects: list[Defect] = []
    assert parse_date(value, defects) is None
    assert [d.kind for d in defects] == [kind]


RECEIVED = (
    "Received: from smtp.vger.kernel.org (smtp.vger.kernel.org [1.2.3.4])\n"
    "\tby lists.example.org; Tue, 10 Nov 2026 10:00:00 +0100\n"
    "Received: from laptop by mail.example.org; Tue, 10 Nov 2026 08:59:00 +0000\n"
)


@pytest.mark.parametrize("date", [None, "the day after yesterday"])
def test_a_mail_without_a_readable_date_is_dated_by_its_first_received_stamp(
    date: str | None,
) -> None:
    # as public-inbox dates it: the first (topmost) Received, the list's own arrival
    message = parse_message(mail(date=date, extra=RECEIVED))
    assert message.date == datetime(2026, 11, 10, 9, tzinfo=UTC)
    assert {d.kind for d in message.defects} & {"missing-date", "bad-date"}  # still said


def test_a_mail_without_date_or_received_stamp_stays_undated() -> None:
    message = parse_message(mail(date=None, extra="Received: by somewhere\n"))
    assert message.date is None


@pytest.mark.parametrize(
    ("text", "name", "email"),
    [
        ("Marc Zyngier <maz@kernel.org>", "Marc Zyngier", "maz@kernel.org"),
        ('"Doe, Jane" <jane@example.org>', "Doe, Jane", "jane@example.org"),
        ("<jane@example.org>", "", "jane@example.org"),
        ("jane@example.org", "", "jane@example.org"),
        ("jane@example.org (Jane Doe)", "Jane Doe", "jane@example.org"),
        ("jane at example.org (Jane Doe)", "Jane Doe", "jane@example.org"),
        ('Jane "JD" Doe <jane@example.org>', 'Jane "JD" Doe', "jane@example.org"),
    ],
)
def test_address_forms(text: str, name: str, email: str) -> None:
    assert parse_address(text) == Person(name=name, email=email)


def test_person_domain_is_lower_case() -> None:
    assert Person(name="X", email="x@Kernel.ORG").domain == "kernel.org"


def test_invalid_sender_address_is_kept_and_flagged() -> None:
    message = parse_message(mail(sender="Jane <jane@@example..org>"))
    assert message.sender is not None and message.sender.email == "jane@@example..org"
    assert "invalid-address" in kinds(message)


def test_sender_without_address_is_a_defect_not_a_crash() -> None:
    message = parse_message(mail(sender="not an address"))
    assert message.sender is None
    assert "bad-from" in kinds(message)


def test_b4_relay_sender_resolves_to_the_real_person() -> None:
    raw = mail(
        sender="Kim Lee via B4 Relay <devnull+kim.lee.example.com@kernel.org>",
        extra="Reply-To: kim.lee@example.com\n",
    )
    message = parse_message(raw)
    assert message.sender == Person(name="Kim Lee", email="kim.lee@example.com")
    assert "dmarc-unmunged" in kinds(message)


def test_mailman_via_list_sender_resolves_through_x_original_from() -> None:
    raw = mail(
        sender='"Ana Ruiz via kvm" <kvm@vger.kernel.org>',
        extra="X-Original-From: Ana Ruiz <ana.ruiz@example.com>\n",
    )
    assert parse_message(raw).sender == Person(name="Ana Ruiz", email="ana.ruiz@example.com")


@pytest.mark.parametrize(
    "extra",
    [
        "X-Original-From: Marc Zyngier <maz@kernel.org>\n",
        "Reply-To: Marc Zyngier <maz@kernel.org>\n",
        "Cc: Marc Zyngier <maz@kernel.org>\n",
    ],
)
def test_a_via_name_sent_from_a_persons_own_address_takes_nobody_elses_identity(
    extra: str,
) -> None:
    """Only a list rewrites From to its own address: "X via list" from any other address is
    a display name its sender chose, and the header naming X is no evidence."""
    raw = mail(sender='"Marc Zyngier via kvm" <mallory@example.com>', extra=extra)
    message = parse_message(raw)
    assert message.sender == Person(name="Marc Zyngier via kvm", email="mallory@example.com")
    assert not kinds(message) & {"dmarc-unmunged", "dmarc-munged"}


def test_a_b4_relay_sender_is_only_the_person_its_relay_address_names() -> None:
    raw = mail(
        sender="Kim Lee via B4 Relay <devnull+kim.lee.example.com@kernel.org>",
        extra="X-Original-From: Linus Torvalds <torvalds@linux-foundation.org>\n",
    )
    message = parse_message(raw)
    assert message.sender == Person(name="Kim Lee", email="devnull+kim.lee.example.com@kernel.org")
    assert "dmarc-munged" in kinds(message)


def test_munged_sender_without_real_address_is_kept_as_written_and_says_so() -> None:
    """The list's address is everybody's: the "via" name keeps its people apart (a relay's
    identity, kvmlist.parse.addresses.identity_key), as git mailinfo keeps the name."""
    message = parse_message(mail(sender='"Ana Ruiz via kvm" <kvm@vger.kernel.org>'))
    assert message.sender == Person(name="Ana Ruiz via kvm", email="kvm@vger.kernel.org")
    assert "dmarc-munged" in kinds(message)


def test_two_people_a_list_munged_beyond_repair_are_counted_apart() -> None:
    mails = [
        parse_message(mail(sender=f'"{name} via kvm" <kvm@vger.kernel.org>', message_id=f"<{n}@x>"))
        for n, name in enumerate(("Ana Ruiz", "Bob Roe", "Ana Ruiz"))
    ]
    counted = kvmlist.count_by_author(m for m in mails if isinstance(m, kvmlist.Patch))
    assert sorted(counted.values()) == [1, 2]


@pytest.mark.parametrize(
    ("name", "encoded"),
    [
        ("Jane <Doe>", "=?utf-8?q?Jane_=3CDoe=3E?="),
        ("<b>Jane</b>", "=?utf-8?b?PGI+SmFuZTwvYj4=?="),
        ("<img src=x onerror=alert(2)>", "=?utf-8?q?=3Cimg_src=3Dx_onerror=3Dalert=282=29=3E?="),
        ('"Doe, Jane"', "=?utf-8?q?=22Doe=2C_Jane=22?="),  # quotes decoded are taken off
    ],
)
def test_an_encoded_display_name_is_decoded_after_the_address_is_read(
    name: str, encoded: str
) -> None:
    """RFC 2047 section 6.2: the address structure is read first, then the encoded words of
    the display name are decoded; a name decoding to ``<...>`` takes no address's place."""
    body = f"From: {encoded} <jane@example.org>\n\nFix it.\n\n---\ndiff --git a/x b/x\n"
    message = parse_message(mail(sender=f"{encoded} <jane@example.org>", body=body))
    expected = Person(name=name.strip('"'), email="jane@example.org")
    assert isinstance(message, Patch)
    assert (message.sender, message.author) == (expected, expected)
    assert not kinds(message) & {"bad-from", "bad-in-body-from", "no-author"}


@pytest.mark.parametrize(
    ("sender", "expected"),
    [  # a whole From in one encoded word (RFC 2047 forbids it; some mailers write it)
        (
            "=?utf-8?b?SsO2cmcgPGpvcm9AZXhhbXBsZS5vcmc+?=",
            Person(name="Jörg", email="joro@example.org"),
        ),
        (
            "=?utf-8?q?Ana_Ruiz_via_kvm?= <kvm@vger.kernel.org>",
            Person(name="Ana Ruiz via kvm", email="kvm@vger.kernel.org"),
        ),
    ],
)
def test_other_encoded_senders_read_as_before(sender: str, expected: Person) -> None:
    assert parse_message(mail(sender=sender)).sender == expected


def test_an_x_original_from_is_read_as_a_from_is() -> None:
    raw = mail(
        sender="=?utf-8?q?=27Jane_=3CDoe=3E=27_via_kvm?= <kvm@vger.kernel.org>",
        extra="X-Original-From: =?utf-8?q?Jane_=3CDoe=3E?= <jane@example.org>\n",
    )
    message = parse_message(raw)
    assert message.sender == Person(name="Jane <Doe>", email="jane@example.org")
    assert "dmarc-unmunged" in kinds(message)


def test_a_bad_encoded_word_in_the_name_is_still_a_defect() -> None:
    message = parse_message(mail(sender="=?utf-8?b?!!!?= <jane@example.org>"))
    assert message.sender is not None and message.sender.email == "jane@example.org"
    assert "bad-encoded-word" in kinds(message)


RUTH = Person(name="Ruth Okafor", email="ruth@example.org")


@pytest.mark.parametrize(
    ("name", "encoded"),
    [
        ("Mallory <evil@attacker.example>", "=?utf-8?q?Mallory_=3Cevil=40attacker=2Eexample=3E?="),
        ("Doe, Jane", "=?utf-8?q?Doe=2C_Jane?="),
        ("Jörg, <joro@example.com>", "=?utf-8?b?SsO2cmcsIDxqb3JvQGV4YW1wbGUuY29tPg==?="),
        ("Jörg Rödel", '"=?utf-8?q?J=C3=B6rg_R=C3=B6del?="'),  # quoted, as many mailers write it
    ],
)
def test_an_encoded_to_or_cc_name_is_decoded_after_the_list_is_read(
    name: str, encoded: str
) -> None:
    """RFC 2047 section 6.2, as for From: a To/Cc list is split and its addresses read first,
    so a name decoding to ``<evil@...>`` or holding a comma stays one person's name."""
    extra = (
        f"To: {encoded} <jane@example.org>, Ruth Okafor <ruth@example.org>\n"
        f"Cc: {encoded} <x@example.org>\n"
    )
    message = parse_message(mail(extra=extra))
    assert message.recipients == (
        Person(name=name, email="jane@example.org"),
        RUTH,
        Person(name=name, email="x@example.org"),
    )


def test_an_encoded_word_in_a_to_address_is_kept_as_written() -> None:
    # a bot wrote a whole "Name <addr>" as the local part of its relay's address
    address = "=?utf-8?q?Ruth_Okafor_=3Cruth=40example=2Eorg=3E?=@relay.example.net"
    message = parse_message(mail(extra=f"To: {address}, jane@example.org\n"))
    assert [p.email for p in message.recipients] == [address, "jane@example.org"]


def test_a_munged_sender_is_found_by_its_encoded_name_in_cc() -> None:
    # mailman moved the sender to Cc; an encoded name decoding to a comma is still one name
    raw = mail(
        sender="=?utf-8?q?Doe=2C_Jane?= via kvm <kvm@vger.kernel.org>",  # mail()'s List-Id
        extra="Cc: =?utf-8?q?Doe=2C_Jane?= <jane@example.org>, Ruth Okafor <ruth@example.org>\n",
    )
    message = parse_message(raw)
    assert message.sender == Person(name="Doe, Jane", email="jane@example.org")
    assert "dmarc-unmunged" in kinds(message)


def test_eight_bit_subject_that_is_not_utf8_is_decoded_with_a_defect() -> None:
    raw = mail().replace(b"Fix a thing", b"Fix caf\xe9 thing")
    message = parse_message(raw)
    assert message.subject.endswith("Fix café thing")
    assert "8bit-header" in kinds(message)


def test_patch_is_a_message() -> None:
    assert isinstance(parse_message(mail()), Patch)
    assert isinstance(parse_message(mail()), Message)


@pytest.mark.parametrize(
    "text",
    [
        "Tue, 3 Mar 2026 10:00:00 +0000",
        "3 Mar 2026 10:00:00 -0000",  # RFC 5322: unknown zone, read as UTC
        "Thu, 04 Dec 2025 09:48:06 +0530",
        "Mon, 31 Dec 2018 23:59:59 -1200",  # crosses into the next year in UTC
        "Sat, 29 Feb 2020 12:00:00 +0100",
        "Sun, 29 Feb 2021 12:00:00 +0100",  # no such day
        "Fri, 1 Jan 2021 24:00:00 +0000",  # no such hour
        "Fri, 1 Jan 2021 10:60:00 +0000",
        "Fri, 1 Jan 2021 10:00:60 +0000",
        "Fri, 31 Dec 9999 23:59:59 -0100",  # beyond datetime's range once in UTC
        "Fri, 1 Jan 1000 00:00:00 +0000",
        "Fri, 0 Jan 2021 10:00:00 +0000",
        "Fri, 1 Jan 2021 10:00:00 +0099",  # minutes past 59, as the stdlib reads them
        "Wed, 2 Dec 2020 8:01:02 +0000",  # one-digit hour: the stdlib's way
        "Wed, 2 dec 2020 08:01:02 +0000",
        "Wed,  2 Dec 2020 08:01:02 +0000",
        "Wed,\t2  Dec 2020\t 08:01:02   +0000",
        "2 Dec 20 08:01:02 +0000",
        "Wed, 2 Dec 2020 08:01:02 GMT",
    ],
)
def test_fast_date_reading_agrees_with_the_stdlib(text: str) -> None:
    # the common form is read by one pattern; every other form goes to the stdlib
    from kvmlist.parse import dates

    assert dates._rfc2822(text) == dates._rfc2822_stdlib(text)


LINES = [
    b"Content-Type: text/plain; charset=UTF-8",
    b"content-transfer-encoding: base64",
    b"CONTENT-TYPE :multipart/mixed;",
    b"\x0cContent-Type\t: text/html",
    b"Content-Type x: not a field",
    b"Content-Transfer-Encoding",
    b"X-Content-Type: text/plain",
    b"Received: from a (b) by c",
    b'\tboundary="x"',
    b" charset=latin1",
    b"garbage without a colon",
    b": no name",
    b"",
    b"Subject: Content-Type: inside a value",
    b"Content-Type:\r",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(LINES), max_size=12))
def test_scanning_the_body_fields_alone_reads_what_the_full_scan_reads(lines: list[bytes]) -> None:
    from kvmlist.parse.headers import scan_fields, scan_headers
    from kvmlist.parse.mime import BODY_FIELDS

    block = b"\n".join(lines)
    fast, full = scan_fields(block, BODY_FIELDS), scan_headers(block, [], wanted=BODY_FIELDS)
    for name in BODY_FIELDS:
        assert fast.get_all(name) == full.get_all(name)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # RFC 5322 3.3 writes the zone +hhmm; some mailers and scripts write +hh:mm, which git
        # (and the reader) take as that offset
        ("Mon, 1 Dec 2025 10:00:00 +01:00", datetime(2025, 12, 1, 9, tzinfo=UTC)),
        ("Mon, 1 Dec 2025 10:00:00 -05:30", datetime(2025, 12, 1, 15, 30, tzinfo=UTC)),
        ("1 Dec 2025 10:00:00 +01:00 (CET)", datetime(2025, 12, 1, 9, tzinfo=UTC)),
    ],
)
def test_a_zone_written_with_a_colon_is_that_offset_and_a_defect(
    value: str, expected: datetime
) -> None:
    defects: list[Defect] = []
    assert parse_date(value, defects) == expected
    assert [d.kind for d in defects] == ["colon-date-zone"]


def test_a_munged_sender_is_not_unmunged_from_a_reply_to_of_two_mailboxes() -> None:
    """Mailman adds the real From to Reply-To beside the sender's own Reply-To: of the two,
    the sender chose one, so neither (nor a Cc of the name) says who sent the mail."""
    raw = mail(
        sender='"Marc Zyngier via kvm" <kvm@vger.kernel.org>',
        extra=(
            "Reply-To: Marc Zyngier <maz@kernel.org>, Marc Zyngier <mallory@evil.example>\n"
            "Cc: Marc Zyngier <maz@kernel.org>\n"
        ),
    )
    message = parse_message(raw)
    assert message.sender == Person(name="Marc Zyngier via kvm", email="kvm@vger.kernel.org")
    assert "dmarc-munged" in kinds(message)


def test_a_munged_sender_is_unmunged_from_one_reply_to_mailbox_with_a_comma_in_its_name() -> None:
    raw = mail(
        sender='"Behera, Vivek via kvm" <kvm@vger.kernel.org>',
        extra='Reply-To: "Behera, Vivek" <vivek.behera@example.com>\n',
    )
    message = parse_message(raw)
    assert message.sender == Person(name="Behera, Vivek", email="vivek.behera@example.com")
    assert "dmarc-unmunged" in kinds(message)


@pytest.mark.parametrize(
    "reply_to",
    [
        '"Jane Doe" <jane@corp.example>, kvm@vger.kernel.org',
        '"kvm list" <kvm@vger.kernel.org>, "Jane Doe" <jane@corp.example>',
    ],
)
def test_a_munged_sender_is_unmunged_from_a_reply_to_beside_the_lists_own_address(
    reply_to: str,
) -> None:
    """Mailman keeps the list's reply_to_address or a poster's Reply-To of the list and
    appends the real From (deduplicated by address): the list's address names nobody."""
    raw = mail(sender='"Jane Doe via kvm" <kvm@vger.kernel.org>', extra=f"Reply-To: {reply_to}\n")
    message = parse_message(raw)
    assert message.sender == Person(name="Jane Doe", email="jane@corp.example")
    assert "dmarc-unmunged" in kinds(message)


@pytest.mark.parametrize(
    "headers",
    [
        # the sender's own Reply-To, then the From Mailman appends, then the list's address
        "Reply-To: Tony Nguyen <tony@intel.example>, Tony Nguyen <mallory@evil.example>,"
        " kvm@vger.kernel.org\n",
        # a list pointing replies at itself: Mailman puts the real From in Cc
        "Reply-To: Tony Nguyen <tony@intel.example>, kvm@vger.kernel.org\n"
        "Cc: Tony Nguyen <mallory@evil.example>\n",
        # a From of the list's own address, which Mailman appended under the sender's name
        "Reply-To: Tony Nguyen <tony@intel.example>, Tony Nguyen <kvm@vger.kernel.org>\n",
        # the sender's own two mailboxes: which one she decided
        "Reply-To: Tony Nguyen <tony@home.example>, Tony Nguyen <tony@intel.example>\n",
    ],
)
def test_a_reply_to_beside_the_lists_address_names_nobody_when_another_mailbox_has_the_name(
    headers: str,
) -> None:
    raw = mail(sender='"Tony Nguyen via kvm" <kvm@vger.kernel.org>', extra=headers)
    message = parse_message(raw)
    assert message.sender == Person(name="Tony Nguyen via kvm", email="kvm@vger.kernel.org")
    assert "dmarc-munged" in kinds(message)
