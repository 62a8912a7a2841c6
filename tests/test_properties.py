"""Property tests: any bytes, truncations and mutations of real-looking mails never raise."""

from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kvmlist
import kvmlist.sources.mbox
from kvmlist.parse.message import parse_message

from .conftest import FIXTURES, mbox

SAMPLE = (
    (FIXTURES / "kvm-sample.mbox").read_bytes() if (FIXTURES / "kvm-sample.mbox").exists() else b""
)
MAILS = [raw for raw in kvmlist.sources.mbox.iter_raw_messages(io.BytesIO(SAMPLE))] or [b"x"]

relaxed = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@relaxed
@given(st.binary(max_size=4000))
def test_any_bytes_parse_as_one_message(raw: bytes) -> None:
    message = parse_message(raw)
    assert isinstance(message, kvmlist.Message)
    if isinstance(message, kvmlist.Patch):
        message.diff  # noqa: B018 - decoding the lazy parts must not raise either


@relaxed
@given(st.sampled_from(MAILS), st.data())
def test_truncated_fixture_mails_parse(raw: bytes, data: st.DataObject) -> None:
    cut = data.draw(st.integers(min_value=0, max_value=len(raw)))
    parse_message(raw[:cut])


@relaxed
@given(st.sampled_from(MAILS), st.data())
def test_mutated_fixture_mails_parse(raw: bytes, data: st.DataObject) -> None:
    mutated = bytearray(raw)
    for _ in range(data.draw(st.integers(min_value=1, max_value=20))):
        if not mutated:
            break
        position = data.draw(st.integers(min_value=0, max_value=len(mutated) - 1))
        mutated[position] = data.draw(st.integers(min_value=0, max_value=255))
    message = parse_message(bytes(mutated))
    assert message.raw == bytes(mutated)  # nothing lost, whatever the damage
    assert isinstance(message.body, str) and message.message_id


@relaxed
@given(st.lists(st.binary(max_size=600), max_size=8))
def test_every_mail_in_an_mbox_comes_out(mails: list[bytes]) -> None:
    # mboxrd keeps any mail whole; a mail's own trailing newline may merge with the separator
    data = mbox(*mails)
    out = list(kvmlist.read_mbox(io.BytesIO(data)))
    assert len(out) == len(mails)


@relaxed
@given(st.sampled_from(MAILS))
def test_json_round_trip_is_lossless(raw: bytes) -> None:
    message = parse_message(raw)
    assert type(message).model_validate_json(message.model_dump_json()) == message


# Pieces of maintainers' notices and cover letters, shuffled into any order.
NOTICE_PIECES = [
    "Applied", "applied", "Queued", "I've", "I", " ", "\n", "\n\n", "> ", "thanks", "Thanks,",
    "patches", "patch", " 1-3", " 2+4", ", ", " and ", "apart from", " #7", " to ", "for v3",
    "kvmarm/next", "[1/2] ", "      commit: ", "0123456789ab", "https://lore.kernel.org/r/",
    "a@b", "/c/", "?id=", "v1:", "[2]", "[2] ", "This series was applied to x.git (main)",
    "by Jane <j@x.org>:", "  - ", "    https://git.kernel.org/x/c/0123456789ab", "-- ",
    "based on", "Link to v2:", "locally", "?", ".", "\u0130",
]  # fmt: skip


@relaxed
@given(st.lists(st.sampled_from(NOTICE_PIECES), max_size=60).map("".join))
def test_any_notice_text_reads_without_error(text: str) -> None:
    from kvmlist.parse.links import version_links
    from kvmlist.parse.notice import applied_notice

    notice = applied_notice(text)
    if notice is not None:
        assert not set(notice.numbers) & set(notice.left_out)
        assert all(len(entry.commit) >= 7 for entry in notice.listed)
    assert all("@" in linked for linked in version_links(text))
