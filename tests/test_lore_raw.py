"""Single mails from the real public-inbox-httpd come back as they were sent (not mboxrd)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import kvmlist
from kvmlist.sources.lore import LoreClient

from .conftest import FIXTURES
from .test_local_lore import LOCAL_LORE, local_lore

SAMPLE = FIXTURES / "kvm-sample.mbox"


@pytest.fixture(scope="module")
def sample_lore(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Yield the URL of a public-inbox-httpd on loopback serving fixtures/kvm-sample.mbox."""
    if not LOCAL_LORE.exists() or shutil.which("public-inbox-httpd") is None:
        pytest.skip("needs ../shared/local-lore.sh and Debian's public-inbox")
    with local_lore(SAMPLE, tmp_path_factory.mktemp("sample-lore")) as url:
        yield url


def first_arrivals() -> dict[str, kvmlist.Message]:
    mails: dict[str, kvmlist.Message] = {}
    for message in kvmlist.read_mbox(SAMPLE):
        mails.setdefault(message.message_id, message)
    return mails


def test_every_raw_mail_is_the_mail_as_archived(sample_lore: str, tmp_path: Path) -> None:
    mails = first_arrivals()
    assert len(mails) == 38
    with LoreClient(sample_lore, cache_dir=tmp_path, retries=0) as lore:
        differing = [mid for mid, message in mails.items() if lore.raw(mid) != message.raw]
    assert differing == []


def test_a_mail_with_from_lines_in_its_body_parses_as_from_the_mbox(
    sample_lore: str, tmp_path: Path
) -> None:
    # message 5 of the sample has the body lines "From the spec" and ">From the trace"
    message_id = "20260302130507.3351296-1-rohan.mehta@intel.com"
    archived = first_arrivals()[message_id]
    with LoreClient(sample_lore, cache_dir=tmp_path, retries=0) as lore:
        fetched = lore.message(message_id)
    assert fetched == archived
    assert fetched.defects == archived.defects
    assert "\nFrom the spec" in fetched.body and "\n>From the trace" in fetched.body
