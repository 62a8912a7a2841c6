"""The mails a commit names: every lore-style form of Link: and Message-Id: trailers."""

from __future__ import annotations

import pytest

from kvmlist.grouping.landed.links import linked_message_ids

ID = "20220120150124.1234-2-alex@example.org"


@pytest.mark.parametrize(
    "trailer",
    [
        f"Link: https://lore.kernel.org/r/{ID}",
        f"Link: https://lore.kernel.org/all/{ID}/",
        f"Link: https://lore.kernel.org/kvmarm/{ID}/T/#u",
        f"Link: https://patch.msgid.link/{ID}",
        f"Link: https://msgid.link/r/{ID}",
        f"Link: https://lore.kernel.org/r/{ID.replace('@', '%40')}",
        f"Link: https://lore.kernel.org/r/%3C{ID}%3E",
        f"Message-Id: <{ID}>",
        f"Message-ID: {ID}",
        f"message-id:<{ID}>",
    ],
)
def test_every_form_names_the_bare_message_id(trailer: str) -> None:
    message = f"arm: Fix a thing\n\nBody.\n\nSigned-off-by: A <a@example.org>\n{trailer}\n"
    assert linked_message_ids(message) == (ID,)


def test_links_that_name_no_mail_are_ignored() -> None:
    message = (
        "x86: Describe the table\n\n"
        "Link: https://learn.example.com/acpi-debug-port-table#table-3\n"
        "Link: https://bugzilla.example.org/show_bug.cgi?id=1\n"
    )
    assert linked_message_ids(message) == ()


def test_a_link_quoted_in_the_body_is_not_a_trailer() -> None:
    message = f"arm: Fix\n\nAs said in\n  Link: https://lore.kernel.org/r/{ID}\nfix it.\n"
    assert linked_message_ids(message) == ()


def test_a_hostile_long_line_is_read_in_linear_time() -> None:
    message = "Link: " + "a" * 1_000_000 + "\n" + "Message-Id: " + "<" * 500_000
    assert linked_message_ids(message) == ()


def test_a_slash_in_a_message_id_may_come_percent_encoded() -> None:
    message = "arm: Fix\n\nLink: https://lore.kernel.org/lkml/YyiV%2Fl7O23aw5aaO@xz-m1.local/T/\n"
    assert linked_message_ids(message) == ("YyiV/l7O23aw5aaO@xz-m1.local",)


def test_a_percent_sign_in_a_message_id_is_decoded_once() -> None:
    # lore writes a "%" of an id as %25: "%2541" is the id's own "%41", not an "A"
    message = "arm: Fix\n\nLink: https://lore.kernel.org/r/abc%2541def@example.org\n"
    assert linked_message_ids(message) == ("abc%41def@example.org",)
