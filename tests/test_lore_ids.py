"""Any Message-ID an archive holds can be fetched from lore: blanks, ``/``, ``%`` and ``?``
included, each quoted in the URL as public-inbox quotes it (an RFC 3986 path segment)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kvmlist.errors import InvalidMessageId
from kvmlist.sources.lore import LoreClient, normalise_message_id, split_lore_url
from kvmlist.sources.lore._ids import path_of

from .conftest import mail, mbox
from .test_local_lore import LOCAL_LORE, local_lore

#: Message-IDs real mailers have written: the id of each, then how lore's path names it.
ODD_IDS = {
    "sp ace@ex.org": "sp%20ace@ex.org",
    "two  blanks inside@mail.example.org": "two%20%20blanks%20inside@mail.example.org",
    "a/b@ex.org": "a%2Fb@ex.org",
    "100%sure?x#y@ex.org": "100%25sure%3Fx%23y@ex.org",
    "Zürich.1@ex.org": "Z%C3%BCrich.1@ex.org",
}


@pytest.mark.parametrize(("message_id", "segment"), ODD_IDS.items())
def test_a_message_id_becomes_one_quoted_path_segment(message_id: str, segment: str) -> None:
    assert path_of(message_id) == segment
    assert path_of(f"<{message_id}>") == segment


@pytest.mark.parametrize("message_id", ODD_IDS)
def test_a_lore_url_gives_back_the_message_id_it_names(message_id: str) -> None:
    url = f"https://lore.kernel.org/kvm/{path_of(message_id)}/T/#u"
    assert split_lore_url(url) == ("https://lore.kernel.org/kvm/", message_id)
    assert normalise_message_id(url) == message_id


@pytest.mark.parametrize(
    "text",
    ["", "<>", " ", "<  >", ".", "..", "<..>", "x@y\n/raw", "a\tb@c", "a\x00b@c", "a\x7fb@c"],
)
def test_what_is_empty_a_dot_segment_or_holds_a_control_character_is_refused(text: str) -> None:
    with pytest.raises(InvalidMessageId, match="not a Message-ID"):
        normalise_message_id(text)


def test_a_lore_url_naming_an_id_with_a_control_character_is_refused() -> None:
    with pytest.raises(InvalidMessageId):
        split_lore_url("https://lore.kernel.org/kvm/x%0A@y/raw")


@pytest.fixture(scope="module")
def odd_lore(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, bytes]]:
    """Yield the URL of a public-inbox-httpd on loopback serving a mail with each odd id
    (and a reply to the first), and the archive it serves."""
    if not LOCAL_LORE.exists() or shutil.which("public-inbox-httpd") is None:
        pytest.skip("needs ../shared/local-lore.sh and Debian's public-inbox")
    folder = tmp_path_factory.mktemp("odd-lore")
    first = next(iter(ODD_IDS))
    mails = [
        mail(f"[PATCH] KVM: x86: Fix thing {n}", message_id=f"<{mid}>")
        for n, mid in enumerate(ODD_IDS)
    ]
    reply = mail("Re: [PATCH] KVM: x86: Fix thing 0", "Looks good.\n", message_id="<r@ex.org>",
                 sender="Rob Rev <rob@ex.org>", extra=f"In-Reply-To: <{first}>\n")  # fmt: skip
    archive = folder / "odd.mbox"
    archive.write_bytes(mbox(*mails, reply))
    with local_lore(archive, folder / "lore") as url:
        yield url, archive.read_bytes()


@pytest.mark.parametrize("message_id", ODD_IDS)
def test_a_mail_with_an_odd_message_id_is_fetched_from_public_inbox(
    message_id: str, odd_lore: tuple[str, bytes], tmp_path: Path
) -> None:
    url, _ = odd_lore
    with LoreClient(url, cache_dir=tmp_path, retries=0) as lore:
        assert lore.message(f"<{message_id}>").message_id == message_id
        assert lore.message(f"{url}{path_of(message_id)}/").message_id == message_id


def test_the_thread_of_a_message_id_with_a_blank(
    odd_lore: tuple[str, bytes], tmp_path: Path
) -> None:
    url, _ = odd_lore
    with LoreClient(url, cache_dir=tmp_path, retries=0) as lore:
        thread = lore.thread("sp ace@ex.org")
    assert [m.message_id for m in thread] == ["sp ace@ex.org", "r@ex.org"]
